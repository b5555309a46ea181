"""Classes of phrasing found by the economy story (money and rates, tests/data/stories/economy),
each tested in both languages on sentences written for this file: an exclude word at the end
of the number's clause, a multi-year period an amount of money covers, a possessive before a
currency sign, a declared body acting right after a headline's colon."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine import claimant as claiming
from monitor.engine.pipeline import analyse
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Item
from monitor.numbers import quantities

CFG = WatchlistConfig.model_validate({
    "claimants": [
        {"id": "commission", "label": "European Commission",
         "variants": ["European Commission", "Commission européenne", "Commission"]},
        {"id": "imf", "label": "IMF", "variants": ["IMF", "FMI"]},
        {"id": "ukraine", "label": "Ukraine", "variants": ["Ukraine", "Kyiv", "Kiev"]},
        {"id": "belgium", "label": "Belgium", "variants": ["Belgium", "Belgique"]},
    ],
    "figures": [{
        "id": "loan", "label": "EU loan to Ukraine", "subject": ["loan", "prêt", "Ukraine"],
        "unit": ["EUR", "euros"], "measure": ["loan", "prêt"], "cues": ["loan", "prêt"],
        "exclude": ["G7", "IMF", "FMI"], "min_value": 1_000_000_000,
        "not_subject": ["assets", "avoirs"],
    }],
})
WL = compile_watchlist(CFG)


def values(text: str, title: str = "Ukraine", year: int = 2025) -> list[float]:
    item = Item(uid="u", title=title, text=text, link="https://news.example/1",
                published=datetime(year, 10, 28, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    a = analyse(WL, item, explain=True)
    return [x.quantity.value for r in a.readings if r.text != title for x in r.attributions
            if x.figure == "loan"]


@pytest.mark.parametrize("text", [
    # the exclude word stands past the few words after the number, in the same clause
    "About €25 billion has already been paid to Kyiv under the loans agreed by the G7.",
    "Environ 25 milliards d'euros ont déjà été versés à Kiev au titre des prêts du G7.",
])
def test_an_exclude_word_counts_up_to_the_end_of_the_numbers_clause(text: str) -> None:
    # the title gives the loan's cue: only the exclude word stops the number
    assert values(text, title="EU loan to Ukraine / prêt à l'Ukraine") == []


@pytest.mark.parametrize("text", [
    # ... but not across a clause boundary or past the next number
    "The loan rose to €84 billion; the G7 loans stay at €45 billion.",
    "Le prêt passe à 84 milliards d'euros ; les prêts du G7 restent à 45 milliards.",
])
def test_an_exclude_word_of_the_next_clause_does_not_exclude(text: str) -> None:
    assert values(text) == [84_000_000_000]


@pytest.mark.parametrize("text", [
    "The Commission now proposes a loan of €85 billion for 2026 and 2027.",
    "The Commission now proposes an €85 billion loan for 2026-27.",
    "La Commission propose désormais un prêt de 85 milliards d'euros pour 2026 et 2027.",
    "La Commission propose un prêt de 85 milliards d'euros sur 2026-2027.",
])
def test_a_period_to_come_an_amount_covers_is_not_another_years_value(text: str) -> None:
    assert values(text) == [85_000_000_000]


@pytest.mark.parametrize("text", [
    # one other year stays another year's value; so does a span that is over
    "The Commission proposes a loan of €85 billion for 2026.",
    "La Commission avait proposé un prêt de 85 milliards d'euros pour 2022 et 2023.",
])
def test_a_single_year_or_a_past_span_is_still_another_years_value(text: str) -> None:
    assert values(text) == []


def claim_of(text: str, headline: bool = False) -> list[str | None]:
    hits = WL.matcher.find(text)
    found = quantities(text, None)
    return [c.key if c else None for c in claiming.read(WL, text, found, hits, headline)]


@pytest.mark.parametrize(("text", "want"), [
    ("Belgium said it could back the Commission's €84 billion loan.", ["commission"]),
    ("Kyiv welcomed the IMF's $15.5 billion programme.", ["imf"]),
    ("Kyiv welcomed the IMF's US$15.5 billion programme.", ["imf"]),
    # no possessive: the speaker stays the claimant
    ("Belgium said it could back a €84 billion loan.", ["belgium"]),
])
def test_a_possessive_before_a_currency_sign_says_whose_amount(text: str,
                                                               want: list[str]) -> None:
    assert claim_of(text) == want


@pytest.mark.parametrize(("title", "want"), [
    ("Ukraine : la Commission propose un prêt pouvant atteindre 90 milliards d'euros",
     ["commission"]),
    ("Ukraine: the European Commission proposes a loan of up to €90 billion", ["commission"]),
    # a headline's "X:" with no declared body acting after it: X says it
    ("Ukraine: 90 billion euros needed next year", ["ukraine"]),
    ("Ukraine : 90 milliards d'euros nécessaires l'an prochain", ["ukraine"]),
])
def test_a_declared_body_acting_after_a_headlines_colon_is_the_claimant(
        title: str, want: list[str]) -> None:
    assert claim_of(title, headline=True) == want


@pytest.mark.parametrize("text", [
    "Eight countries urged the Commission to raise the loan to €100 billion.",
    "Kyiv called for a loan of €100 billion.",
    "Les pays baltes réclament un prêt de 100 milliards d'euros.",
    "Huit pays appellent à porter le prêt à 100 milliards d'euros.",
])
def test_an_amount_someone_asks_for_is_not_the_value(text: str) -> None:
    assert values(text) == []


@pytest.mark.parametrize("text", [
    # "demand" as a noun is no demand for the figure
    "Amid strong demand, the Commission raised the loan to €100 billion.",
    "Face à la demande, la Commission a porté le prêt à 100 milliards d'euros.",
])
def test_demand_the_noun_is_not_a_wish(text: str) -> None:
    assert values(text) == [100_000_000_000]


@pytest.mark.parametrize(("text", "want"), [
    # a number in apposition is the value of the noun before its comma (the title gives
    # the loan's words: only the apposition tells the stock of assets apart)
    ("Most of the assets, about €185 billion, are held in Brussels.", []),
    ("La plupart des avoirs, quelque 185 milliards d'euros, sont détenus à Bruxelles.", []),
    ("The loan, about €85 billion, would be backed by the assets.", [85_000_000_000]),
    ("Le prêt, environ 85 milliards d'euros, serait adossé aux avoirs.", [85_000_000_000]),
])
def test_a_number_in_apposition_belongs_to_the_noun_before_it(text: str,
                                                                want: list[float]) -> None:
    assert values(text, title="Commission plans EU loan to Ukraine / prêt") == want


@pytest.mark.parametrize("text", [
    "The court adviser recommends cutting the loan to €12 billion.",
    "Le rapporteur public préconise de ramener le prêt à 12 milliards d'euros.",
    "Le rapporteur public recommande un prêt de 12 milliards d'euros.",
])
def test_a_recommended_amount_is_not_the_value(text: str) -> None:
    assert values(text) == []


FALL = compile_watchlist(WatchlistConfig.model_validate({"figures": [{
    "id": "fall", "label": "Share fall since the breach", "subject": ["shares", "action", "actions"],
    "unit": ["%"], "cues": ["since the breach", "depuis la cyberattaque"],
}]}))


def falls(title: str, text: str) -> list[float]:
    item = Item(uid="u", title=title, text=text, link="https://news.example/1",
                published=datetime(2026, 5, 13, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    a = analyse(FALL, item, explain=True)
    return [x.quantity.value for r in a.readings if r.text != title for x in r.attributions
            if x.figure == "fall"]


@pytest.mark.parametrize(("title", "text", "want"), [
    # the title's cue governs the title's own value: a day's move in the body is not helped
    ("Shares down 27% since the breach", "The shares fell 7% on Wednesday.", []),
    ("Les actions ont perdu 27 % depuis la cyberattaque", "L'action a reculé de 7 % mercredi.",
     []),
    # the body's own value of the title keeps the title's cue
    ("Shares down 27% since the breach", "The shares have lost 27% in all.", [27]),
    ("Les actions ont perdu 27 % depuis la cyberattaque", "L'action a perdu 27 % en tout.",
     [27]),
    # a title with no value of the figure lends its cue as before
    ("Shares slide since the breach", "The shares have lost 27% in all.", [27]),
])
def test_a_titles_cue_that_governs_its_own_value_does_not_lend_itself(
        title: str, text: str, want: list[float]) -> None:
    assert falls(title, text) == want


@pytest.mark.parametrize("text", [
    # "than expected" compares with a forecast: the value is no forecast
    "The Commission raised the loan to a bigger-than-expected €90 billion.",
    "The Commission raised the loan by more than expected, to €90 billion.",
])
def test_than_expected_is_no_expectation(text: str) -> None:
    assert values(text) == [90_000_000_000]


RATE = compile_watchlist(WatchlistConfig.model_validate({"figures": [{
    "id": "rate", "label": "Share of samples above the threshold", "subject": ["samples",
    "prélèvements"], "unit": ["%"], "cues": ["exceed", "dépassent"],
}]}))


@pytest.mark.parametrize(("text", "want"), [
    # a count before the rate it gives is no rate, though a cue that is a participle follows
    # it (such cues give a count its unit: "1,300 evacuated")
    ("Of 346 samples, 64 exceed the threshold, or 18.5%.", [18.5]),
    ("Sur 346 prélèvements, 64 dépassent la valeur de référence, soit 18,5 %.", [18.5]),
])
def test_a_percentage_figure_takes_no_bare_count(text: str, want: list[float]) -> None:
    item = Item(uid="u", title="Samples", text=text, link="https://news.example/1",
                published=datetime(2026, 10, 1, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    a = analyse(RATE, item, explain=True)
    assert [x.quantity.value for r in a.readings if r.text != "Samples"
            for x in r.attributions if x.figure == "rate"] == want
