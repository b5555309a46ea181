"""Classes of phrasing found by the vote story (tests/data/stories/vote: a referendum's
turnout, yes share, ballots and a cost), each tested in both languages on sentences written
for this file: the size of a change is no level ("rose by 3,000", "recule de cinq points"),
and a label before a headline's colon ("Sondage :", "Poll:") belongs to every clause after it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine.pipeline import Engine, analyse
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Item
from monitor.numbers import quantities

CFG = WatchlistConfig.model_validate({
    "figures": [
        {"id": "troops", "label": "Troops sent", "subject": ["troops", "soldiers", "soldats",
                                                             "troupes"],
         "unit": ["troops", "soldiers", "soldats"], "measure": ["number of troops",
                                                              "nombre de soldats"]},
        {"id": "yes", "label": "Yes share", "subject": ["vote", "votation", "tram"],
         "unit": ["%", "points"], "measure": ["oui", "yes", "yes side"],
         "exclude": ["sondage", "poll", "projection"]},
        {"id": "growth", "label": "Quarterly growth", "subject": ["economy", "économie", "GDP",
                                                                 "PIB"],
         "unit": ["%"], "measure": ["grew", "progressé", "growth", "croissance"]},
    ],
})
WL = compile_watchlist(CFG)


def values(text: str, figure: str, title: str = "") -> list[float]:
    item = Item(uid="u", title=title, text=text, link="https://news.example/1",
                published=datetime(2026, 11, 8, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    a = analyse(WL, item, explain=True)
    return [x.quantity.value for r in a.readings for x in r.attributions if x.figure == figure]


@pytest.mark.parametrize(("text", "figure"), [
    ("The number of troops sent rose by 3,000 on Monday.", "troops"),
    ("The number of troops in the region fell by some 1,200 soldiers.", "troops"),
    ("Le nombre de soldats déployés a augmenté de 3 000 lundi.", "troops"),
    ("Les troupes se sont alourdies de 1 200 soldats en une semaine.", "troops"),
    ("The yes side in the tram vote slipped by two points.", "yes"),
    ("The yes side in the tram vote lost three points overnight.", "yes"),
    ("Le oui au tram recule de cinq points.", "yes"),
    ("Le oui au tram gagne trois points en une semaine.", "yes"),
    ("Dans la votation sur le tram, une baisse de 2 points pour le oui.", "yes"),
])
def test_the_size_of_a_change_is_no_level(text: str, figure: str) -> None:
    assert values(text, figure) == []


@pytest.mark.parametrize(("text", "figure", "want"), [
    # the level after the change is read; the size of the change is not
    ("The number of troops sent rose by 3,000 to 14,000 on Monday.", "troops", [14000]),
    ("Le nombre de soldats déployés est passé de 11 000 à 14 000.", "troops", [14000]),
    ("The number of troops sent rose to 3,000 on Monday.", "troops", [3000]),
    ("Le oui au tram recule de cinq points, à 51,4 %.", "yes", [51.4]),
    # a rate of growth is a level of its own, said as a change in percent
    ("The economy grew by 0.3% in the third quarter.", "growth", [0.3]),
    ("L'économie a progressé de 0,3 % au troisième trimestre.", "growth", [0.3]),
])
def test_a_level_said_with_a_change_is_still_read(text: str, figure: str,
                                                  want: list[float]) -> None:
    assert values(text, figure) == want


@pytest.mark.parametrize("title", [
    "Sondage : 58 % des Genevois prêts à voter oui au tram",
    "Poll: 58% of Genevans would vote yes on the tram",
    "Projection : le oui au tram à 51 %",
])
def test_a_label_before_a_headlines_colon_counts_for_its_clauses(title: str) -> None:
    assert values("", "yes", title=title) == []


@pytest.mark.parametrize("title", [
    "Genève : 58 % de oui au tram",
    "Geneva: 58% vote yes on the tram",
])
def test_a_label_that_is_no_exclude_word_changes_nothing(title: str) -> None:
    assert values("", "yes", title=title) == [58]


@pytest.mark.parametrize(("text", "lang", "want"), [
    # two values, each with its own noun, joined by "and": no range from the first to the second
    ("Avec une participation de 47,9 % et un oui à 50,07 %, le vote est serré.", "fr",
     [(47.9, None), (50.07, None)]),
    ("It went from a turnout of 47.9% and a yes vote to 50.07%.", "en",
     [(47.9, None), (50.07, None)]),
    # the unit said on both sides still makes a range
    ("Entre 30 morts et 40 morts selon les sources.", "fr", [(40, 30)]),
    ("From 20% of voters to 30% of voters.", "en", [(30, 20)]),
])
def test_words_between_two_numbers_are_no_unit_said_twice(text: str, lang: str,
                                                           want: list[tuple[float, float]]) -> None:
    assert [(q.value, q.low) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("older", "newer"), [
    ("Sondage : le oui au tram à 58 %, selon Helvéscope.", "Le oui au tram recule à 50,1 %."),
    ("Early figures: the tram vote's yes side at 58%.", "The yes side in the tram vote is at 50.1%."),
])
def test_a_report_older_than_every_value_the_figure_knows_revises_nothing(older: str,
                                                                          newer: str) -> None:
    """An item from before the watch's first value (a poll before a vote's first result, an
    old item still in the feed on the first poll) is older than anything it could revise."""
    engine = _yes_engine()

    def item(uid: str, text: str, day: int) -> Item:
        return Item(uid=uid, title="", text=text, link=f"https://news.example/{uid}",
                    published=datetime(2026, 11, day, 9, tzinfo=UTC), updated=None,
                    source="Desk", content_hash=uid)

    assert [e.kind for e in engine.process(item("a", older, 4)) if e.kind != "match"] == []
    got = [e for e in engine.process(item("b", newer, 9)) if e.kind != "match"]
    assert [(e.kind, e.value, e.previous) for e in got] == [("revision", 50.1, 51.38)]


@pytest.mark.parametrize(("text", "lang", "unit"), [
    ("Le tronçon coûtera 1,08 milliard de francs suisses.", "fr", "CHF"),
    ("The line will cost 1.2 billion Swiss francs.", "en", "CHF"),
    # which franc is not said: the word stays, for a watchlist to name
    ("Le tronçon coûtera 1,08 milliard de francs.", "fr", "francs"),
    ("Une amende de 500 francs CFA.", "fr", "francs"),
])
def test_swiss_francs_are_chf(text: str, lang: str, unit: str) -> None:
    assert [q.unit for q in quantities(text, lang)] == [unit]


def _yes_engine(value: float = 51.38) -> Engine:
    cfg = WatchlistConfig.model_validate({"figures": [{
        "id": "yes", "label": "Yes share", "subject": ["vote", "tram"], "unit": ["%"],
        "measure": ["oui", "yes", "yes side"],
        "history": [{"value": value, "date": "2026-11-08", "source": "Chancellery"}]}]})
    return Engine(compile_watchlist(cfg))


def _alerts(engine: Engine, uid: str, text: str) -> list[tuple[str, float]]:
    it = Item(uid=uid, title="", text=text, link=f"https://news.example/{uid}",
              published=datetime(2026, 11, 9, 9, tzinfo=UTC), updated=None, source=uid,
              content_hash=uid)
    return [(e.kind, e.value) for e in engine.process(it) if e.kind != "match"]


@pytest.mark.parametrize(("text", "want"), [
    # fewer decimals than the current value, and equal to it so rounded: the same value,
    # a corroboration (the event shows the value as the text wrote it)
    ("Le oui au tram s'établit à 51,4 %.", [("corroboration", 51.4)]),
    ("The yes side in the tram vote stands at 51.4%.", [("corroboration", 51.4)]),
    # as many decimals: read as written, a new value
    ("Le oui au tram s'établit à 51,40 %.", [("revision", 51.4)]),
    ("The yes side in the tram vote stands at 51.40 per cent.", [("revision", 51.4)]),
    # fewer decimals but another value
    ("Le oui au tram s'établit à 51,2 %.", [("revision", 51.2)]),
])
def test_a_rate_rounded_to_fewer_decimals_is_the_value_it_rounds(
        text: str, want: list[tuple[str, float]]) -> None:
    assert _alerts(_yes_engine(), "a", text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("Selon la projection de l'institut pour le journal, le oui au tram obtiendrait 51 % des "
     "voix, soit entre 49,5 et 52,5 %.", []),
    ("According to a projection for the paper, the yes side in the tram vote would win 51%, "
     "or between 49.5 and 52.5%.", []),
    # a leading source with no exclude word changes nothing
    ("Selon la Chancellerie, le oui au tram s'établit à 51,2 %.", [51.2]),
    ("According to the chancellery, the yes side in the tram vote stands at 51.2%.", [51.2]),
])
def test_a_source_leading_the_sentence_counts_for_its_clauses(text: str,
                                                               want: list[float]) -> None:
    assert values(text, "yes") == want


@pytest.mark.parametrize("text", [
    "Dans la Ville de Genève, le oui au tram atteint 55,2 %.",
    "In the City of Geneva, the yes side in the tram vote reached 55.2%.",
])
def test_of_two_overlapping_place_names_the_longest_wins(text: str) -> None:
    """docs/watchlist.md: a city named inside its canton's name is the city."""
    cfg = WatchlistConfig.model_validate({
        "places": [
            {"id": "ge", "label": "Canton of Geneva", "variants": ["Genève", "Geneva"],
             "home": True},
            {"id": "city", "label": "City of Geneva",
             "variants": ["Ville de Genève", "City of Geneva"]}],
        "figures": [{"id": "yes", "label": "Yes share", "subject": ["vote", "tram"],
                     "unit": ["%"], "measure": ["oui", "yes side"], "scope": ["ge"]}]})
    wl = compile_watchlist(cfg)
    item = Item(uid="u", title="", text=text, link=None, published=None, updated=None,
                source="Desk", content_hash="h")
    atts = [x for r in analyse(wl, item, explain=True).readings for x in r.attributions]
    assert [x.figure for x in atts] == [None]
    assert atts[0].scope.places == frozenset({"city"})


@pytest.mark.parametrize("text", [
    # a half rounds either way: 51.25 may be written 51.2 or 51.3
    "Le oui au tram s'établit à 51,3 %.",
    "The yes side in the tram vote stands at 51.2%.",
])
def test_a_half_rounds_either_way(text: str) -> None:
    assert [k for k, _v in _alerts(_yes_engine(51.25), "a", text)] == ["corroboration"]
