"""A large watchlist for bench/replay.py and tests/test_engine_speed.py: the shipped one plus
generated terms, places and figures, deterministic (no randomness), made of plausible names
(countries, cities, bodies, people of the news, in English and French) so that many of them
occur in ../shared/feeds-real, as a newsroom's watchlist of hundreds of watches would.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from monitor.config import WatchlistConfig

ROOT = Path(__file__).resolve().parent.parent

# (English, French, adjective): places that make terms, [[places]] and figure subjects
COUNTRIES = [
    ("Ukraine", "Ukraine", "Ukrainian"), ("Russia", "Russie", "Russian"),
    ("Israel", "Israël", "Israeli"), ("Gaza", "Gaza", "Gazan"), ("Lebanon", "Liban", "Lebanese"),
    ("Syria", "Syrie", "Syrian"), ("Iran", "Iran", "Iranian"), ("Iraq", "Irak", "Iraqi"),
    ("Yemen", "Yémen", "Yemeni"), ("Sudan", "Soudan", "Sudanese"),
    ("Ethiopia", "Éthiopie", "Ethiopian"), ("Somalia", "Somalie", "Somali"),
    ("Nigeria", "Nigeria", "Nigerian"), ("Kenya", "Kenya", "Kenyan"),
    ("Congo", "Congo", "Congolese"), ("Mali", "Mali", "Malian"), ("Niger", "Niger", "Nigerien"),
    ("Libya", "Libye", "Libyan"), ("Egypt", "Égypte", "Egyptian"), ("Turkey", "Turquie", "Turkish"),
    ("Pakistan", "Pakistan", "Pakistani"), ("Afghanistan", "Afghanistan", "Afghan"),
    ("India", "Inde", "Indian"), ("China", "Chine", "Chinese"), ("Taiwan", "Taïwan", "Taiwanese"),
    ("Japan", "Japon", "Japanese"), ("Philippines", "Philippines", "Filipino"),
    ("Indonesia", "Indonésie", "Indonesian"), ("Myanmar", "Birmanie", "Burmese"),
    ("Bangladesh", "Bangladesh", "Bangladeshi"), ("Brazil", "Brésil", "Brazilian"),
    ("Mexico", "Mexique", "Mexican"), ("Venezuela", "Venezuela", "Venezuelan"),
    ("Colombia", "Colombie", "Colombian"), ("Argentina", "Argentine", "Argentinian"),
    ("Haiti", "Haïti", "Haitian"), ("Canada", "Canada", "Canadian"),
    ("France", "France", "French"), ("Germany", "Allemagne", "German"),
    ("Italy", "Italie", "Italian"), ("Spain", "Espagne", "Spanish"),
    ("Poland", "Pologne", "Polish"), ("Greece", "Grèce", "Greek"),
    ("Britain", "Grande-Bretagne", "British"), ("Australia", "Australie", "Australian"),
]
CITIES = [
    "Kyiv", "Kharkiv", "Odesa", "Zaporizhzhia", "Donetsk", "Moscow", "Belgorod", "Jerusalem",
    "Tel Aviv", "Rafah", "Khan Younis", "Beirut", "Damascus", "Aleppo", "Tehran", "Baghdad",
    "Sanaa", "Khartoum", "El Fasher", "Darfur", "Addis Ababa", "Mogadishu", "Lagos", "Nairobi",
    "Goma", "Bamako", "Tripoli", "Cairo", "Ankara", "Istanbul", "Karachi", "Kabul", "New Delhi",
    "Mumbai", "Beijing", "Shanghai", "Hong Kong", "Taipei", "Tokyo", "Manila", "Jakarta",
    "Dhaka", "Sao Paulo", "Rio de Janeiro", "Mexico City", "Caracas", "Bogota", "Buenos Aires",
    "Port-au-Prince", "Toronto", "Paris", "Marseille", "Berlin", "Rome", "Madrid", "Valencia",
    "Warsaw", "Athens", "London", "Sydney", "Washington", "New York", "Los Angeles", "Chicago",
    "Brussels", "Geneva", "Vienna", "Stockholm", "Oslo", "Helsinki",
]
BODIES = [
    "United Nations", "UNICEF", "World Health Organization", "World Bank", "IMF", "NATO",
    "European Union", "European Commission", "Red Cross", "Amnesty International",
    "Human Rights Watch", "Médecins Sans Frontières", "Hamas", "Hezbollah", "Houthis",
    "Wagner", "Taliban", "Pentagon", "Kremlin", "White House", "Federal Reserve", "OPEC",
    "Supreme Court", "Congress", "Senate", "Bundestag", "Assemblée nationale", "Élysée",
]
PEOPLE = [
    "Trump", "Biden", "Harris", "Putin", "Zelensky", "Netanyahu", "Macron", "Scholz", "Starmer",
    "Meloni", "Sánchez", "Erdogan", "Modi", "Xi Jinping", "Kim Jong Un", "Khamenei", "Lula",
    "Milei", "Guterres", "von der Leyen", "Rutte", "Musk", "Bezos", "Zuckerberg", "Pope Francis",
]
TOPICS = ["election", "ceasefire", "earthquake", "floods", "wildfire", "hurricane", "cholera",
          "famine", "strike", "protest", "inflation", "tariffs", "sanctions", "refugees"]
# (unit words, measure words, cues, only_rises, max_value): the families of figures
FAMILIES: list[tuple[list[str], list[str], list[str], bool, float | None]] = [
    (["dead", "killed", "morts", "tués"], ["death toll", "bilan"], [], True, 1e6),
    (["injured", "wounded", "blessés"], [], [], True, 1e6),
    (["displaced", "refugees", "déplacés", "réfugiés"], [], [], False, 1e8),
    (["troops", "soldiers", "soldats", "troupes"], [], ["deployed", "déployés", "sent"], False, 1e6),
    (["cases", "infections", "cas"], [], [], True, 1e8),
    (["arrested", "arrests", "interpellations", "arrestations"], [], [], True, 1e5),
    (["evacuated", "évacués", "evacuees"], [], [], False, 1e7),
    (["protesters", "manifestants", "demonstrators"], [], [], False, 1e7),
    (["homes", "houses", "maisons", "buildings"], [], ["destroyed", "détruites", "damaged"],
     True, 1e7),
    (["hostages", "otages", "prisoners", "prisonniers"], [], [], False, 1e5),
]


def _terms(n: int) -> list[dict[str, Any]]:
    names: list[list[str]] = []
    names += [[en, fr] if fr != en else [en] for en, fr, _adj in COUNTRIES]
    names += [[c] for c in CITIES] + [[b] for b in BODIES] + [[p] for p in PEOPLE]
    names += [[f"{en} {t}"] for t in TOPICS for en, _fr, _adj in COUNTRIES]
    return [{"id": f"t{i:03d}", "label": v[0], "variants": v} for i, v in enumerate(names[:n])]


def _places(n: int) -> list[dict[str, Any]]:
    return [{"id": f"p{i:02d}", "label": en, "variants": sorted({en, fr, adj})}
            for i, (en, fr, adj) in enumerate(COUNTRIES[:n])]


def _figures(n: int, scoped: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        en, fr, adj = COUNTRIES[i % len(COUNTRIES)]
        unit, measure, cues, rises, top = FAMILIES[(i * 7) % len(FAMILIES)]
        fig: dict[str, Any] = {
            "id": f"f{i:03d}", "label": f"{adj} {unit[0]}", "subject": sorted({en, fr, adj}),
            "unit": unit, "only_rises": rises, "max_value": top,
        }
        if measure:
            fig["measure"] = measure
        if cues:
            fig["cues"] = cues
        if i < scoped:
            fig["scope"] = [f"p{i % len(COUNTRIES):02d}"]
        out.append(fig)
    return out


def generated_watchlist(terms: int = 300, figures: int = 100) -> WatchlistConfig:
    """The shipped watchlist with generated terms, places and figures added up to `terms`
    terms and `figures` figures (a third of the generated figures count in a place)."""
    data = tomllib.loads((ROOT / "config" / "watchlist.toml").read_text(encoding="utf-8"))
    data["terms"] = data.get("terms", []) + _terms(terms - len(data.get("terms", [])))
    extra = figures - len(data.get("figures", []))
    data["places"] = data.get("places", []) + _places(len(COUNTRIES))
    data["figures"] = data.get("figures", []) + _figures(extra, extra // 3)
    return WatchlistConfig.model_validate(data)
