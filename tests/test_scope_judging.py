"""Issue 13's rules on plain sentences, each in French and English: scope binding, measure
words, past and expected figures, interval judging, direction and corrections, review.
Pure functions; the watchlist is the docs' first worked example (docs/watchlist.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine.judging import FigureState, Rule, consistent, judge
from monitor.engine.pipeline import Engine, analyse
from monitor.engine.watchlist import compile_watchlist
from monitor.models import HistoryEntry, Item, Observation, Quantity

DEATHS = dict(
    subject=["storm", "tempête", "floods", "inondations"],
    unit=["dead", "deaths", "morts", "décès", "victims", "victimes", "people", "personnes"],
    measure=["death toll", "toll", "bilan", "nombre de morts"],
    cues=["dead", "died", "killed", "deaths", "toll", "morts", "tués", "décès", "bilan",
          "victimes", "mortes"],
    exclude=["injured", "missing", "evacuated", "blessés", "disparus", "évacués"],
    only_rises=True,
)
CFG = WatchlistConfig.model_validate({
    "places": [
        {"id": "be", "label": "Belgium", "variants": ["Belgium", "Belgique", "Belgian", "belge"]},
        {"id": "fr", "label": "France", "variants": ["France", "French", "français", "française"]},
    ],
    "figures": [
        {"id": "deaths-be", "label": "Deaths in Belgium", "scope": ["be"], **DEATHS},
        {"id": "deaths-fr", "label": "Deaths in France", "scope": ["fr"], **DEATHS},
        {"id": "deaths-all", "label": "Deaths in both", "scope": ["fr", "be"], **DEATHS},
    ],
})
WL = compile_watchlist(CFG)


def read(text: str, title: str = "Floods / Inondations", year: int = 2025) -> list[tuple[float, str | None]]:
    item = Item(uid="u", title=title, text=text, link="https://news.example/1",
                published=datetime(year, 11, 5, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    a = analyse(WL, item, explain=True)
    body = [r for r in a.readings if r.text != title]
    return [(x.quantity.value, x.figure) for r in body for x in r.attributions]


@pytest.mark.parametrize(("text", "want"), [
    # the place after the number, in its own phrase
    ("27 people have died in Belgium.", [(27, "deaths-be")]),
    ("On compte 27 morts en Belgique.", [(27, "deaths-be")]),
    # two places joined: the joint total
    ("4,000 people died in France and Belgium.", [(4000, "deaths-all")]),
    ("4 000 personnes sont mortes en France et en Belgique.", [(4000, "deaths-all")]),
    # the place before the number, in its sentence
    ("In Belgium, the death toll rose to 27.", [(27, "deaths-be")]),
    ("Le bilan belge s'alourdit à 27 morts.", [(27, "deaths-be")]),
    ("La Belgique compte à elle seule 27 morts.", [(27, "deaths-be")]),
    ("Belgium alone has counted 27 dead.", [(27, "deaths-be")]),
    # a place named by an earlier number's own phrase is that number's
    ("27 dead in Belgium and 12 dead in France.", [(27, "deaths-be"), (12, "deaths-fr")]),
    ("27 morts en Belgique et 12 morts en France.", [(27, "deaths-be"), (12, "deaths-fr")]),
    # "dont ... en France": the part has its own place (France's toll); the whole is joint
    ("Au total, 40 morts, dont 12 en France.", [(40, "deaths-all"), (12, "deaths-fr")]),
    ("In total 40 dead, including 12 in France.", [(40, "deaths-all"), (12, "deaths-fr")]),
    # a joint word alone
    ("The toll in both countries rose to 40.", [(40, "deaths-all")]),
    ("Le bilan dans les deux pays s'élève à 40 morts.", [(2, None), (40, "deaths-all")]),
    # an unknown place (a province, a city) is somewhere else
    ("12 people died in the province of Liège.", [(12, None)]),
    ("12 personnes sont mortes dans la province de Liège.", [(12, None)]),
    ("In Namur, 5 people died.", [(5, None)]),
    # a city where someone spoke is passed over; a country that speaks of itself is not
    ("The ministry in Paris said 312 people had died in France.", [(312, "deaths-fr")]),
    ("Belgium said 27 people had died.", [(27, "deaths-be")]),
    # no place in the sentence: an earlier sentence naming one place gives it
    ("The storm hit Belgium on Monday. The death toll rose to 27.", [(27, "deaths-be")]),
    ("La tempête a frappé la Belgique lundi. Le bilan s'élève à 27 morts.", [(27, "deaths-be")]),
])
def test_scope_binding(text: str, want: list[tuple[float, str | None]]) -> None:
    assert read(text) == want


@pytest.mark.parametrize(("title", "text", "want"), [
    ("Inondations en Belgique", "Le bilan s'élève désormais à 27 morts.", [(27, "deaths-be")]),
    ("Floods in Belgium", "The death toll rose to 27.", [(27, "deaths-be")]),
    ("Floods in France and Belgium", "The death toll rose to 40.", [(40, "deaths-all")]),
    # the title's place only when the sentence names none
    ("Floods in France and Belgium", "In Belgium the death toll rose to 27.", [(27, "deaths-be")]),
    ("Inondations en France et en Belgique", "En Belgique, le bilan atteint 27 morts.",
     [(27, "deaths-be")]),
])
def test_title_scope_only_when_the_sentence_has_none(title: str, text: str,
                                                     want: list[tuple[float, str | None]]) -> None:
    assert read(text, title) == want


@pytest.mark.parametrize(("text", "want"), [
    # measure words govern a bare number
    ("In Belgium, the death toll rose to 5,120 on Tuesday.", [(5120, "deaths-be")]),
    ("En Belgique, le bilan s'élève à 12 400.", [(12400, "deaths-be")]),
    ("Belgique, bilan : 9 870 morts.", [(9870, "deaths-be")]),
    ("In Belgium 5,120, according to the latest toll.", [(5120, "deaths-be")]),
    ("En Belgique 5 120, selon le dernier bilan.", [(5120, "deaths-be")]),
    # a cue right before a bare number governs it; a cue as the number's noun too
    ("In Belgium the floods killed 27.", [(27, "deaths-be")]),
    ("En Belgique, la tempête a tué 27 personnes.", [(27, "deaths-be")]),
    # but a measure word does not govern a number that has another noun
    ("Belgium's toll: 1,200 houses destroyed.", [(1200, None)]),
    ("Bilan en Belgique : 1 200 maisons détruites.", [(1200, None)]),
])
def test_measure_words(text: str, want: list[tuple[float, str | None]]) -> None:
    assert read(text) == want


@pytest.mark.parametrize(("text", "want"), [
    # past and typical figures
    ("In 2002, 232 people died in Belgium.", [(232, None)]),
    ("En 2002, 232 personnes étaient mortes en Belgique.", [(232, None)]),
    ("It is the worst toll since 2002, when 232 people died in Belgium.", [(232, None)]),
    ("Two years ago, 40 people died in Belgium.", [(2, None), (40, None)]),
    ("Il y a deux ans, 40 personnes étaient mortes en Belgique.", [(2, None), (40, None)]),
    ("Storms kill 12 people a year on average in Belgium.", [(12, None)]),
    ("Les tempêtes font en moyenne 12 morts par an en Belgique.", [(12, None)]),
    # a running count since a past date is current
    ("Since 2024, floods have killed 27 people in Belgium.", [(27, "deaths-be")]),
    # expectations are not counts
    ("Officials expect the death toll in Belgium to reach 50.", [(50, None)]),
    ("Les autorités s'attendent à un bilan de 50 morts en Belgique.", [(50, None)]),
])
def test_past_and_expected_figures(text: str, want: list[tuple[float, str | None]]) -> None:
    assert read(text) == want


def obs(value: float, qualifier: str | None = None, source: str = "A", low: float | None = None,
        day: int = 10) -> Observation:
    q = Quantity(value, low, value if low is not None else None, qualifier, "dead", 0, 1)  # type: ignore[arg-type]
    return Observation("f", q, "s", f"u{value}", f"https://x/{source}/{value}", "t", source,
                       datetime(2025, 11, day, tzinfo=UTC))


def state(value: float, qualifier: str | None = None, low: float | None = None) -> FigureState:
    h = HistoryEntry(value, low, value if low is not None else None, qualifier, "Seed", "q",  # type: ignore[arg-type]
                     "2025-11-01")
    return FigureState("f", 0.0, (h,), value, frozenset({"Seed"}))


@pytest.mark.parametrize(("current", "report", "verdict"), [
    ((7_300_000, None), (7_000_000, "more_than"), "corroboration"),  # plus de 7 millions
    ((296, None), (300, "about"), "corroboration"),
    ((296, None), (300, "nearly"), "corroboration"),
    ((296, None), (300, None), "revision"),
    ((296, None), (350, "about"), "revision"),
    ((600_000, "more_than"), (700_000, "more_than"), "revision"),  # narrows the open bound
    ((3_000, "at_least"), (10_000, "about"), "revision"),
    ((3_000, "at_least"), (3_000, None), "corroboration"),  # same value: no news
    ((10_000, None), (15_000, "up_to"), "revision"),  # "up to 15,000" reaches 15,000
    ((296, None), (300, "less_than"), "corroboration"),
])
def test_interval_judging(current: tuple[float, str | None], report: tuple[float, str | None],
                          verdict: str) -> None:
    _new, got, _prev = judge(state(*current), obs(*report), Rule())
    assert got == verdict


def test_a_range_narrowed_to_a_point_revises_and_a_point_widened_to_a_range_does_too() -> None:
    rng = state(60, low=40)
    assert judge(rng, obs(52), Rule())[1] == "revision"
    assert judge(rng, obs(60, low=40, source="B"), Rule())[1] == "corroboration"
    assert consistent(HistoryEntry(60, 40, 60), HistoryEntry(52), Rule()) is False


def test_only_rises_lower_values_are_outdated_unless_the_report_corrects() -> None:
    rule = Rule(only_rises=True)
    s = state(40)
    assert judge(s, obs(36), rule)[1] == "outdated"
    new, verdict, prev = judge(s, obs(36), rule, says_correction=True)
    assert (verdict, prev, new.current) == ("correction", 40, 36)
    # without only_rises a lower value is a plain revision
    assert judge(s, obs(36), Rule())[1] == "revision"


def test_far_values_are_held_then_promoted_by_a_second_outlet() -> None:
    rule = Rule(review_factor=10)
    s = state(40_000)
    s1, v1, _ = judge(s, obs(4, source="A"), rule)
    assert v1 == "held_for_review" and s1.current == 40_000 and len(s1.held) == 1
    s2, v2, _ = judge(s1, obs(4, source="A"), rule)  # same outlet again: nothing
    assert v2 == "repeat" and s2 == s1
    s3, v3, prev = judge(s1, obs(4, source="B", day=11), rule)
    assert (v3, prev, s3.current, s3.held) == ("promoted", 40_000, 4, ())
    assert s3.history[-1].source == "A"  # the first report is the revision's source
    # a slipped digit (exactly ten times) is held too; review off keeps the old behaviour
    assert judge(state(412), obs(4120), rule)[1] == "held_for_review"
    assert judge(state(412), obs(4120), Rule(review_factor=0))[1] == "revision"


def test_engine_reports_corrections_held_values_and_scope() -> None:
    engine = Engine(WL)

    def item(n: int, source: str, title: str, text: str) -> Item:
        return Item(f"u{n}", title, text, f"https://news.example/{source}/{n}",
                    datetime(2025, 11, n, tzinfo=UTC), None, source, f"h{n}")

    events = engine.process(item(1, "A", "Floods in Belgium", "The death toll rose to 40."))
    assert [(e.kind, e.value, e.scope) for e in events if e.kind != "match"] == [
        ("revision", 40, ("Belgium",))]
    events = engine.process(item(2, "B", "Floods in Belgium", "The toll now stands at 4,000."))
    assert [(e.kind, e.value) for e in events if e.kind != "match"] == [("held_for_review", 4000)]
    events = engine.process(item(3, "C", "Inondations en Belgique",
                                 "Le bilan a été révisé à la baisse, à 36 morts."))
    assert [(e.kind, e.previous, e.value) for e in events if e.kind != "match"] == [
        ("correction", 40, 36)]
    events = engine.process(item(4, "D", "Floods in Belgium", "The toll is 30, officials said."))
    assert [e.kind for e in events if e.kind != "match"] == []  # outdated: no event


GROUPED = compile_watchlist(WatchlistConfig.model_validate({
    "places": [
        {"id": "gp", "label": "Guadeloupe", "variants": ["Guadeloupe"]},
        {"id": "mq", "label": "Martinique", "variants": ["Martinique"]},
        {"id": "antilles", "variants": ["Antilles", "French Antilles"], "parts": ["gp", "mq"]},
    ],
    "figures": [
        {"id": "damage", "label": "Damage, both islands", "scope": ["gp", "mq"],
         "subject": ["hurricane", "ouragan"], "unit": ["euros"], "measure": ["damage", "dégâts"]},
        {"id": "damage-gp", "label": "Damage, Guadeloupe", "scope": ["gp"],
         "subject": ["hurricane", "ouragan"], "unit": ["euros"], "measure": ["damage", "dégâts"]},
    ],
}))


@pytest.mark.parametrize(("text", "want"), [
    ("In the French Antilles, hurricane damage is put at €850 million.", "damage"),
    ("Aux Antilles, les dégâts de l'ouragan atteignent 850 millions d'euros.", "damage"),
    ("Hurricane damage on both islands is put at €850 million.", "damage"),  # a joint word alone
    ("En Guadeloupe, les dégâts de l'ouragan atteignent 850 millions d'euros.", "damage-gp"),
])
def test_a_group_place_counts_as_the_joint_total_of_its_parts(text: str, want: str | None) -> None:
    item = Item("u", "", text, None, datetime(2025, 9, 25, tzinfo=UTC), None, "D", "h")
    (reading,) = [r for r in analyse(GROUPED, item, explain=True).readings if r.attributions]
    assert [a.figure for a in reading.attributions] == [want]


def test_a_name_can_stand_for_one_place_only() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="already names place 'gp'"):
        WatchlistConfig.model_validate({"places": [
            {"id": "gp", "variants": ["Guadeloupe", "Antilles"]},
            {"id": "mq", "variants": ["Martinique", "antilles"]}]})


HOMED = compile_watchlist(WatchlistConfig.model_validate({
    "places": [
        {"id": "ma", "label": "Morocco", "variants": ["Morocco", "Maroc", "marocain"], "home": True},
        {"id": "es", "label": "Spain", "variants": ["Spain", "Espagne", "espagnol"]},
        {"id": "nador", "label": "Nador", "variants": ["Nador"]},
    ],
    "figures": [
        {"id": "deaths-ma", "label": "Deaths in Morocco", "scope": ["ma"],
         **{**DEATHS, "subject": ["séisme", "earthquake"]}},
        {"id": "deaths-all", "label": "Deaths in both", "scope": ["ma", "es"],
         **{**DEATHS, "subject": ["séisme", "earthquake"]}},
        {"id": "injured-ma", "label": "Injured in Morocco", "scope": ["ma"],
         "subject": ["séisme", "earthquake"], "unit": ["blessés", "injured"],
         "exclude": ["morts", "dead"]},
    ],
}))


def read_homed(text: str, title: str = "Séisme / Earthquake") -> list[tuple[float, str | None]]:
    item = Item("u", title, text, None, datetime(2025, 10, 15, tzinfo=UTC), None, "D", "h")
    return [(x.quantity.value, x.figure) for r in analyse(HOMED, item, explain=True).readings
            if r.text != title for x in r.attributions]


@pytest.mark.parametrize(("title", "text", "want"), [
    # "in both countries" is the joint total even with a home place or a title's country
    ("Séisme", "The earthquake has killed 64 people in both countries.", [(64, "deaths-all")]),
    ("Séisme au Maroc", "Au total, le séisme a fait 64 morts dans les deux pays.",
     [(64, "deaths-all"), (2, None)]),
    # no place at all: the home place
    ("Earthquake", "The ministry said 45 people had died in the earthquake.",
     [(45, "deaths-ma")]),
    # a place no figure counts in binds its own sentence only, never the next one's number
    ("Earthquake", "Rescuers reached Nador. The ministry said 45 people had died.",
     [(45, "deaths-ma")]),
    ("Earthquake", "12 people died in Nador.", [(12, None)]),
    # another number's noun does not exclude this one
    ("Séisme au Maroc", "Le séisme a fait 37 morts et plus de 150 blessés.",
     [(37, "deaths-ma"), (150, "injured-ma")]),
    # a past year before a colon still makes the number past
    ("Séisme au Maroc", "Comme en 2004 : le séisme avait alors fait 628 morts au Maroc.",
     [(628, None)]),
])
def test_home_place_joint_words_and_neighbouring_numbers(title: str, text: str,
                                                       want: list[tuple[float, str | None]]) -> None:
    assert read_homed(text, title) == want


@pytest.mark.parametrize(("title", "text", "want"), [
    # a place named as included makes the number a larger total
    ("Séisme", "Le bilan total du séisme, Espagne comprise, est ramené à 354 morts.",
     [(354, "deaths-all")]),
    ("Earthquake", "The earthquake toll, including Spain, now stands at 354.",
     [(354, "deaths-all")]),
    # a number listed after one a measure word governs is governed too
    ("Earthquake", "Morocco's earthquake toll rose to 358, 362 in both countries.",
     [(358, "deaths-ma"), (362, "deaths-all")]),
    # a measure word after the number behind an article
    ("Séisme au Maroc", "Le ministère porte à 360 le nombre de morts du séisme.",
     [(360, "deaths-ma")]),
    ("Séisme au Maroc", "Le ministère porte à 360 son bilan du séisme.", [(360, "deaths-ma")]),
])
def test_included_places_listed_numbers_and_measures_after(title: str, text: str,
                                                          want: list[tuple[float, str | None]]) -> None:
    assert read_homed(text, title) == want


def test_an_exact_value_above_a_nearly_is_new() -> None:
    s = state(39_000, "nearly")
    assert judge(s, obs(39_105), Rule())[1] == "revision"  # "nearly 39,000" is below it
    assert judge(s, obs(38_900, source="B"), Rule())[1] == "corroboration"


def test_a_slipped_digit_of_a_recent_value_is_held_even_near_the_current_one() -> None:
    s = state(12)
    s, v, _ = judge(s, obs(14, source="A", day=11), Rule())
    assert v == "revision"
    # "120 morts" for 12: only 8.6 times the current 14, but ten times a value just reported
    assert judge(s, obs(120, source="B", day=12), Rule())[1] == "held_for_review"
    assert judge(s, obs(20, source="B", day=12), Rule())[1] == "revision"


@pytest.mark.parametrize(("title", "text", "want"), [
    # a measure word and the figure's own place stand for an unnamed event
    ("Morocco toll passes 320", "Morocco's toll passed 320 on Friday, the ministry said.",
     [(320, "deaths-ma")]),
    ("Maroc : le bilan dépasse 320 morts", "Au Maroc, le bilan s'élève à 320 morts.",
     [(320, "deaths-ma")]),
    # without a measure word the event must still be named
    ("Rif", "Au Maroc, 320 personnes sont mortes.", [(320, None)]),
])
def test_a_measure_word_and_the_figure_s_place_stand_for_its_subject(
        title: str, text: str, want: list[tuple[float, str | None]]) -> None:
    assert read_homed(text, title) == want


@pytest.mark.parametrize(("text", "want"), [
    # a clause that names no place takes the place of an earlier clause of its sentence,
    # before the title's (here "Floods / Inondations", no place) or the home place
    ("In Belgium, the floods made headlines; the toll rose to 27.", [(27, "deaths-be")]),
    ("En Belgique, les inondations continuent ; le bilan atteint 27 morts.",
     [(27, "deaths-be")]),
    # a place of its own in the clause still wins
    ("In Belgium, the floods made headlines; in France the toll rose to 27.",
     [(27, "deaths-fr")]),
])
def test_a_clause_without_a_place_takes_the_earlier_clauses(
        text: str, want: list[tuple[float, str | None]]) -> None:
    assert [(v, f) for v, f in read(text) if f] == want


def test_a_group_in_a_figures_scope_counts_as_its_parts_together() -> None:
    """A figure counting in a group (`scope = ["all"]`, the group home) takes a number that
    names no place (home: the group, its parts jointly) or names the group, and leaves one
    country's number out (the breach story: "Germany: 31,000 customers still locked out")."""
    cfg = WatchlistConfig.model_validate({
        "places": [
            {"id": "fr", "variants": ["France", "French"]},
            {"id": "de", "variants": ["Germany", "Allemagne"]},
            {"id": "all", "label": "All markets", "variants": ["Europe"], "parts": ["fr", "de"],
             "home": True},
        ],
        "figures": [{"id": "locked", "label": "Locked out", "subject": ["customers", "clients"],
                     "unit": ["customers", "clients"], "cues": ["locked", "bloqués"],
                     "scope": ["all"]}],
    })
    wl = compile_watchlist(cfg)

    def read_one(text: str) -> list[tuple[float, str | None]]:
        item = Item(uid="u", title="Retailer", text=text, link="https://news.example/1",
                    published=datetime(2026, 4, 1, tzinfo=UTC), updated=None, source="Desk",
                    content_hash="h")
        a = analyse(wl, item, explain=True)
        return [(x.quantity.value, x.figure) for r in a.readings if r.text != "Retailer"
                for x in r.attributions]

    assert read_one("31,000 customers are still locked out.") == [(31000, "locked")]
    assert read_one("En Europe, 31 000 clients restent bloqués.") == [(31000, "locked")]
    assert read_one("Germany: 31,000 customers are still locked out.") == [(31000, None)]
    assert read_one("En Allemagne, 31 000 clients restent bloqués.") == [(31000, None)]


@pytest.mark.parametrize(("text", "want"), [
    # a joint word names the two places together, in both languages, with other nouns of
    # places than countries: the joint figure takes it, not one place's
    ("In Belgium, 300 people died across the two departments.", [(300, "deaths-all")]),
    ("In Belgium, 300 people died in two provinces.", [(300, "deaths-all")]),
    ("En Belgique, 300 personnes sont mortes dans deux départements.", [(300, "deaths-all")]),
    ("300 people died in both states, Belgian officials said.", [(300, "deaths-all")]),
    # "the two countries" as a subject is no place
    ("In Belgium, 300 people died, the two countries said.", [(300, "deaths-be")]),
])
def test_joint_words_for_any_two_places(text: str, want: list[tuple[float, str | None]]) -> None:
    assert [(v, f) for v, f in read(text) if v == 300] == want
