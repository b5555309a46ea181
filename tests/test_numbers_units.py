"""Issue 16's number-reading rules, each class of phrasing in French and English, on
sentences written for these tests: exact values, money and percentages with normalised
units, glued units and abbreviated scales, one-sided bounds and their negations, vague
amounts, change phrases; and a watchlist figure in euros or per cent taking such values
through the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Item
from monitor.numbers import quantities


def read(text: str, lang: str, vague: bool = False) -> list[tuple[object, ...]]:
    return [(q.value, q.low, q.high, q.qualifier, q.unit) for q in quantities(text, lang, vague=vague)]


def values(text: str, lang: str) -> list[object]:
    return [q.value for q in quantities(text, lang)]


# ------------------------------------------------------------------ exact values

@pytest.mark.parametrize(("text", "lang", "want"), [
    ("La facture atteint 4,1 millions d'euros.", "fr", 4_100_000),
    ("The bill reached 4.1 million euros.", "en", 4_100_000),
    ("Le déficit est de 1,674 milliard d'euros.", "fr", 1_674_000_000),
    ("The deficit stood at 1,674.5 million dollars.", "en", 1_674_500_000),
    ("L'indice a clôturé à 7 425,81 points.", "fr", 7425.81),
    ("The index closed at 27,349.19 points.", "en", 27349.19),
    ("Les exportations ont atteint 2,35 Mds €.", "fr", 2_350_000_000),
    ("Exports reached $2.35bn last month.", "en", 2_350_000_000),
    ("Un taux de 0,07 %.", "fr", 0.07),
    ("A yield of .08 was reported.", "en", 0.08),
])
def test_values_are_exact(text: str, lang: str, want: float) -> None:
    (got,) = values(text, lang)
    assert got == want and type(got) is type(want), (got, want)


def test_integral_values_are_ints_and_decimals_stay() -> None:
    (a,) = quantities("Il a reçu 0,3 million d'euros.", "fr")
    assert a.value == 300_000 and isinstance(a.value, int)
    (b,) = quantities("Shares closed at $12.50.", "en")
    assert b.value == 12.5 and isinstance(b.value, float)


# ------------------------------------------------------------------ money

@pytest.mark.parametrize(("text", "lang", "value", "unit"), [
    ("L'aide s'élève à 50 milliards d'euros.", "fr", 50_000_000_000, "EUR"),
    ("The aid package is worth EUR 50 billion.", "en", 50_000_000_000, "EUR"),
    ("Le club a payé 12 M€ pour le joueur.", "fr", 12_000_000, "EUR"),
    ("The club paid €12m for the striker.", "en", 12_000_000, "EUR"),
    ("Le contrat vaut 300 000 $.", "fr", 300_000, "USD"),
    ("The contract is worth USD10m.", "en", 10_000_000, "USD"),
    ("La banque a prêté 5 millions de dollars canadiens.", "fr", 5_000_000, "CAD"),
    ("The bank lent 5 million Canadian dollars.", "en", 5_000_000, "CAD"),
    ("Une amende de 2 000 livres sterling.", "fr", 2000, "GBP"),
    ("A fine of £2,000 was imposed.", "en", 2000, "GBP"),
    ("Séoul débloque 500 milliards de wons, soit ₩500bn.", "fr", 500_000_000_000, "KRW"),
    ("Moscow set aside 300 billion roubles.", "en", 300_000_000_000, "RUB"),
    ("Kyiv a versé 2 millions de hryvnias.", "fr", 2_000_000, "UAH"),
    ("The grant is HK$4.5 million.", "en", 4_500_000, "HKD"),
])
def test_money_reads_with_an_iso_code(text: str, lang: str, value: int, unit: str) -> None:
    found = [(q.value, q.unit) for q in quantities(text, lang) if q.unit == unit]
    assert found[:1] == [(value, unit)], quantities(text, lang)


@pytest.mark.parametrize(("text", "lang", "value", "unit"), [
    ("Le chômage atteint 7,4 %.", "fr", 7.4, "%"),
    ("Unemployment reached 7.4%.", "en", 7.4, "%"),
    ("La croissance est de 2,1 pour cent.", "fr", 2.1, "%"),
    ("Growth was 2.1 per cent.", "en", 2.1, "%"),
    ("Inflation stands at 3 percent.", "en", 3, "%"),
    ("Le taux a gagné 0,3 point de pourcentage.", "fr", 0.3, "points"),
    ("The rate gained 0.3 percentage points.", "en", 0.3, "points"),
])
def test_percentages_and_points(text: str, lang: str, value: float, unit: str) -> None:
    assert [(q.value, q.unit) for q in quantities(text, lang)] == [(value, unit)]


# ------------------------------------------------------------------ glued units, scales

@pytest.mark.parametrize(("text", "lang", "value", "unit"), [
    ("Le pipeline s'étendra sur plus de 2 000km.", "fr", 2000, "km"),
    ("The pipeline will run over 2,000km.", "en", 2000, "km"),
    ("Les crues ont noyé 12m hectares.", "fr", 12_000_000, "hectares"),
    ("The fires burnt 12m hectares.", "en", 12_000_000, "hectares"),
    ("Le fonds pèse 10M.", "fr", 10_000_000, None),
    ("The fund holds 10M.", "en", 10_000_000, None),
    ("Le groupe a vendu 35 M d'appareils.", "fr", 35_000_000, "appareils"),
    ("The group has sold 35m of its devices.", "en", 35_000_000, None),
    ("Sa fortune ($1.762bn) a doublé.", "fr", 1_762_000_000, "USD"),
    ("His fortune ($1.762bn) doubled.", "en", 1_762_000_000, "USD"),
    ("Le barrage retient 35k tonnes.", "fr", 35_000, "tonnes"),
    ("The dam holds 35k tonnes.", "en", 35_000, "tonnes"),
])
def test_glued_units_and_scales(text: str, lang: str, value: int, unit: str | None) -> None:
    (q,) = quantities(text, lang)
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize(("text", "lang"), [
    ("Il a couru le 100m en 10 secondes.", "fr"),
    ("He ran the 100m in ten seconds.", "en"),
])
def test_a_bare_lowercase_m_is_not_a_million(text: str, lang: str) -> None:
    assert 100 not in values(text, lang) and 100_000_000 not in values(text, lang)


@pytest.mark.parametrize(("text", "lang", "value"), [
    ("Le pays compte vingt et un milliards d'habitants en projection.", "fr", 21_000_000_000),
    ("The debt reached twenty-one trillion dollars.", "en", 21_000_000_000_000),
    ("Il y a zéro blessé.", "fr", 0),
    ("There were zero casualties.", "en", 0),
    ("Trois douzaines d'œufs.", "fr", 36),
    ("Three dozen eggs.", "en", 36),
    ("4 mille 3 cents et 21 votants.", "fr", 4321),
    ("4 thousand 3 hundred and 21 voters.", "en", 4321),
])
def test_number_words(text: str, lang: str, value: int) -> None:
    assert values(text, lang) == [value]


def test_il_y_a_is_not_an_article() -> None:
    assert read("Il y a douze blessés.", "fr") == [(12, None, None, None, "blessés")]


# ------------------------------------------------------------------ bounds

@pytest.mark.parametrize(("text", "lang", "qualifier"), [
    ("Pas moins de 30 morts.", "fr", "at_least"),
    ("No less than 30 dead.", "en", "at_least"),
    ("No fewer than 30 dead.", "en", "at_least"),
    ("Pas moins de trente morts.", "fr", "at_least"),
    ("No less than thirty dead.", "en", "at_least"),
    ("Pas plus de 12 blessés.", "fr", "up_to"),
    ("No more than 12 injured.", "en", "up_to"),
    ("At most 12 injured.", "en", "up_to"),
    ("Au plus 12 blessés.", "fr", "up_to"),
    ("Un bilan supérieur à 40 morts.", "fr", "more_than"),
    ("A toll above 40 dead.", "en", "more_than"),
    ("A toll exceeding 40 dead.", "en", "more_than"),
    ("Un bilan inférieur à 40 morts.", "fr", "less_than"),
    ("A toll below 40 dead.", "en", "less_than"),
    ("Un bilan en dessous de 40 morts.", "fr", "less_than"),
    ("Au moins de 40 morts selon la mairie.", "fr", "at_least"),
    ("40 morts ou plus.", "fr", "at_least"),
    ("40 dead or more.", "en", "at_least"),
    ("40 morts ou moins.", "fr", "up_to"),
    ("40 dead or fewer.", "en", "up_to"),
    ("Environ 40 morts ou plus.", "fr", "at_least"),
])
def test_bounds_in_both_directions(text: str, lang: str, qualifier: str) -> None:
    (q,) = quantities(text, lang)
    want = 40 if "40" in text else 30 if "30" in text or "thirty" in text or "trente" in text else 12
    assert (q.value, q.qualifier) == (want, qualifier)


def test_a_conversion_in_brackets_keeps_the_bound() -> None:
    assert [q.qualifier for q in quantities("more than 100 kilometres (60 miles)", "en")] == [
        "more_than", "more_than"]
    assert [q.qualifier for q in quantities("plus de 100 kilomètres (60 miles)", "fr")] == [
        "more_than", "more_than"]


def test_over_with_years_old_is_a_bound_not_a_duration() -> None:
    assert read("She is over thirty years old.", "en")[0][3] == "more_than"
    assert read("The war lasted over ten years.", "en")[0][3] is None


# ------------------------------------------------------------------ vague amounts

@pytest.mark.parametrize(("text", "lang", "low", "high"), [
    ("Des dizaines de personnes ont été évacuées.", "fr", 10, 100),
    ("Dozens of people were evacuated.", "en", 12, 120),
    ("Des centaines de maisons sont inondées.", "fr", 100, 1000),
    ("Hundreds of homes are flooded.", "en", 100, 1000),
    ("Des dizaines de milliers de manifestants.", "fr", 10_000, 100_000),
    ("Tens of thousands of protesters.", "en", 10_000, 100_000),
])
def test_vague_plurals_are_ranges_when_asked(text: str, lang: str, low: int, high: int) -> None:
    assert [(q.low, q.high, q.qualifier) for q in quantities(text, lang, vague=True)] == [
        (low, high, "about")]
    assert quantities(text, lang) == []  # the engine's reading: no figure's value


@pytest.mark.parametrize(("text", "lang", "value", "qualifier"), [
    ("Une douzaine de blessés.", "fr", 12, "about"),
    ("A dozen injured.", "en", 12, "about"),
    ("Un millier de sinistrés.", "fr", 1000, "about"),
    ("Une vingtaine de soldats.", "fr", 20, "about"),
    ("Moins d'un millier de manifestants.", "fr", 1000, "less_than"),
    ("Fewer than a thousand protesters.", "en", 1000, "less_than"),
    ("Une demi-douzaine de blessés.", "fr", 6, "about"),
    ("Half a dozen injured.", "en", 6, "about"),
])
def test_vague_singulars_are_about_never_exact(text: str, lang: str, value: int,
                                               qualifier: str) -> None:
    (q,) = quantities(text, lang)
    assert (q.value, q.qualifier) == (value, qualifier)


# ------------------------------------------------------------------ changes and ranges

@pytest.mark.parametrize(("text", "lang", "value", "previous"), [
    ("Le bilan est passé de 12 à 14 morts.", "fr", 14, 12),
    ("The toll went from 12 to 14 dead.", "en", 14, 12),
    ("Le nombre de sinistrés a grimpé de 3 000 à 14 000.", "fr", 14_000, 3000),
    ("The number of evacuees rose by 3,000 to 14,000.", "en", 14_000, 11_000),
    ("The number of evacuees fell by 3,000 to 14,000.", "en", 14_000, 17_000),
    ("Spending increased by $43.6 billion to $419.2 billion.", "en", 419_200_000_000,
     375_600_000_000),
    ("L'aide a été relevée de 50 à 60 milliards d'euros.", "fr", 60_000_000_000, 50_000_000_000),
    ("The aid package was raised from EUR 50 to 60 billion.", "en", 60_000_000_000,
     50_000_000_000),
    ("La croissance a été révisée de 2,1 % à 2,4 %.", "fr", 2.4, 2.1),
    ("Growth was revised from 2.1% to 2.4%.", "en", 2.4, 2.1),
    ("Sales rose to 3.9 million units, up from 2.4 million.", "en", 3_900_000, 2_400_000),
])
def test_a_change_is_one_quantity_with_its_previous_value(text: str, lang: str, value: float,
                                                          previous: float) -> None:
    (q,) = quantities(text, lang)
    assert (q.value, q.previous, q.low, q.high) == (value, previous, None, None)


@pytest.mark.parametrize(("text", "lang"), [
    ("Les ventes ont chuté de 7 % à 2,3 milliards d'euros.", "fr"),
    ("Sales dropped 7% to $2.3 billion.", "en"),
])
def test_a_percentage_change_keeps_only_the_new_value(text: str, lang: str) -> None:
    (q,) = quantities(text, lang)
    assert (q.value, q.previous, q.unit != "%") == (2_300_000_000, None, True)


@pytest.mark.parametrize(("text", "lang", "low", "high"), [
    ("Entre 1 500 et 2 000 morts.", "fr", 1500, 2000),
    ("Between 1,500 and 2,000 dead.", "en", 1500, 2000),
    ("De 10 à 20 morts selon les sources.", "fr", 10, 20),
    ("From 10 to 20 dead, according to sources.", "en", 10, 20),
    ("Le nombre varie de 5 000 à 20 000.", "fr", 5000, 20000),
    ("The range is 5k-20k.", "en", 5000, 20000),
])
def test_true_ranges_stay_ranges(text: str, lang: str, low: int, high: int) -> None:
    (q,) = quantities(text, lang)
    assert (q.low, q.high, q.previous) == (low, high, None)


# ------------------------------------------------------------------ through the engine

CFG = WatchlistConfig.model_validate({
    "figures": [
        {"id": "aid", "label": "Aid package", "subject": ["aid package", "plan d'aide"],
         "unit": ["€"],
         "history": [{"value": 50_000_000_000, "source": "seed"}]},
        {"id": "aid-usd", "label": "US aid", "subject": ["US aid", "aide américaine"],
         "unit": ["dollars"], "history": [{"value": 10_000_000, "source": "seed"}]},
        {"id": "growth", "label": "Growth forecast", "subject": ["growth", "croissance"],
         "unit": ["%"], "history": [{"value": 2.1, "source": "seed"}]},
    ],
})


def _events(text: str, title: str) -> list[tuple[str, str | None, object, object, str | None]]:
    engine = Engine(compile_watchlist(CFG))
    item = Item("u1", title, text, "https://news.example/1", datetime(2025, 3, 1, tzinfo=UTC),
                None, "Desk", "h1")
    return [(e.kind, e.figure, e.previous, e.value, e.unit) for e in engine.process(item)
            if e.kind != "match"]


@pytest.mark.parametrize(("title", "text", "value", "unit"), [
    ("Plan d'aide", "Le plan d'aide a été porté à 60 milliards d'euros.", 60_000_000_000, "EUR"),
    ("Aid package", "The aid package was raised to €60bn.", 60_000_000_000, "EUR"),
    ("Aide américaine", "L'aide américaine atteint désormais 12 millions de dollars.",
     12_000_000, "USD"),
    ("US aid", "US aid now stands at $12m.", 12_000_000, "USD"),
])
def test_a_money_figure_takes_money_values(  # its unit "€" or "dollars" means EUR, USD
title: str, text: str, value: int, unit: str) -> None:
    figure = "aid" if unit == "EUR" else "aid-usd"
    assert ("revision", figure, 50_000_000_000 if unit == "EUR" else 10_000_000, value,
            unit) in _events(text, title)


@pytest.mark.parametrize(("title", "text"), [
    ("Croissance", "La croissance a atteint 2,4 % au premier trimestre."),
    ("Growth", "Growth reached 2.4 per cent in the first quarter."),
])
def test_a_percent_figure_takes_percentages(title: str, text: str) -> None:
    assert ("revision", "growth", 2.1, 2.4, "%") in _events(text, title)


# ------------------------------------------------------------------ temperatures glued to C/F
# (found writing the heatwave story: "46.4C", as the English press writes a temperature, was
# read as no number at all)

@pytest.mark.parametrize(("text", "lang", "want"), [
    ("Temperatures hit 46.4C at the station on Monday.", "en", [(46.4, "°C")]),
    ("Seville reached 46C on Sunday.", "en", [(46, "°C")]),
    ("Phoenix saw 118F, a record.", "en", [(118, "°F")]),
    ("Il a fait 46,4C à Vérargues, un record.", "fr", [(46.4, "°C")]),
    ("Il a fait 46,4°C à Vérargues, un record.", "fr", [(46.4, "°C")]),
    ("Le thermomètre a affiché 41 °C à Nîmes.", "fr", [(41, "°C")]),
    # a lone digit glued to C is a room or a grade, not a temperature
    ("Room 3C was flooded.", "en", []),
    ("La salle 3C était fermée.", "fr", []),
])
def test_a_temperature_glued_to_c_or_f(text: str, lang: str,
                                       want: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text, lang)] == want
