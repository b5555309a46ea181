"""The partitive one ("one of the best", "l'un des blessés"): 1 picked out of a set, read
only when asked and marked so; the engine's reading leaves it out. Sentences written for
these tests."""

from __future__ import annotations

import pytest

from monitor.numbers import quantities


def read(text: str, lang: str) -> list[tuple[object, bool]]:
    return [(q.value, q.partitive) for q in quantities(text, lang, partitive=True)]


@pytest.mark.parametrize(("text", "lang", "want"), [
    ("She is one of the best players in the league.", "en", [(1, True)]),
    ("It's one of my favourite songs.", "en", [(1, True)]),
    ("He was one of Airbnb's first investors.", "en", [(1, True)]),
    ("One of them was never found.", "en", [(1, True)]),
    ("One of the 27 dead was a child.", "en", [(1, True), (27, False)]),
    ("C'est l'un des meilleurs joueurs du championnat.", "fr", [(1, True)]),
    ("L'une des 27 victimes était une enfant.", "fr", [(1, True), (27, False)]),
    ("Un de ses fils a été blessé.", "fr", [(1, True)]),
    ("Une d'entre elles est morte samedi.", "fr", [(1, True)]),
])
def test_partitive_one_is_read_and_marked(text: str, lang: str,
                                          want: list[tuple[object, bool]]) -> None:
    assert read(text, lang) == want


@pytest.mark.parametrize(("text", "lang"), [
    ("The hotel is one of a kind.", "en"),          # an idiom, no set
    ("One of these days we will win.", "en"),       # a time
    ("No one of sense would say so.", "en"),        # "no one"
    ("Each one of the soldiers was decorated.", "en"),  # each, not one
    ("Il reviendra un de ces jours.", "fr"),        # a time
    ("The UN des programmes were cut.", "en"),      # English text: "un" is no number
])
def test_not_partitive(text: str, lang: str) -> None:
    assert [q for q in quantities(text, lang, partitive=True) if q.partitive] == []


@pytest.mark.parametrize(("text", "lang", "want"), [
    ("One of the 27 dead was a child.", "en", [(27, "dead")]),
    ("L'une des 27 victimes était une enfant.", "fr", [(27, "victimes")]),
    ("She is one of the best players.", "en", []),
])
def test_engine_reading_leaves_the_partitive_out(text: str, lang: str,
                                                 want: list[tuple[object, str]]) -> None:
    # the engine calls quantities() without partitive=True: "one of" is no toll of 1
    assert [(q.value, q.unit) for q in quantities(text, lang)] == want


def test_a_count_of_one_is_still_a_count() -> None:
    assert [(q.value, q.partitive) for q in quantities("One soldier died.", "en",
                                                        partitive=True)] == [(1, False)]
    assert [(q.value, q.partitive) for q in quantities("Un soldat est mort.", "fr",
                                                        partitive=True)] == []
