"""Classes of phrasing and judging found by the spill story (tests/data/stories/spill: an oil
spill's tonnes, km of coast, oiled birds and cost), each tested in both languages on
sentences written for this file: a claimant's value is no outlier against its own stale
series when the figure already stands near it; what may come, feared or warned of, is no
value.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine.pipeline import Engine, analyse
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Item

BIRDS = {
    "id": "birds", "label": "Oiled birds collected",
    "subject": ["oiled birds", "oiseaux mazoutés", "birds", "oiseaux"],
    "unit": ["birds", "oiseaux"], "cues": ["oiled", "mazoutés"],
    "claimants": ["lpo"], "headline": "lpo", "only_rises": True,
    "history": [{"value": 35, "date": "2026-11-18", "source": "Cap Large", "claimant": "lpo"}],
}
CLAIMANTS = [{"id": "lpo", "label": "LPO", "variants": ["LPO", "bird protection league",
                                                        "Ligue pour la protection des oiseaux"]}]


def _engine() -> Engine:
    return Engine(compile_watchlist(WatchlistConfig.model_validate(
        {"claimants": CLAIMANTS, "figures": [BIRDS]})))


def _events(engine: Engine, uid: str, text: str, title: str = "", day: int = 20
            ) -> list[tuple[str, float]]:
    it = Item(uid=uid, title=title, text=text, link=f"https://news.example/{uid}",
              published=datetime(2026, 11, day, 9, tzinfo=UTC), updated=None, source=uid,
              content_hash=uid)
    return [(e.kind, e.value) for e in engine.process(it) if e.kind != "match"]


@pytest.mark.parametrize(("first", "then"), [
    ("140 oiled birds have been collected since Tuesday by volunteers.",
     "More than 400 oiled birds have been collected, the LPO said on Monday."),
    ("140 oiseaux mazoutés ont été recueillis depuis mardi par des bénévoles.",
     "Plus de 400 oiseaux mazoutés ont été recueillis, a indiqué lundi la LPO."),
])
def test_a_claimants_value_near_the_figures_newer_one_is_no_outlier(first: str,
                                                                     then: str) -> None:
    """The league's own series stands at its 35 when a report with no claimant moves the
    figure to 140; its "more than 400" is then a revision (2.9 times 140), not a value held
    for review as 11 times its own 35 would make it."""
    engine = _engine()
    assert _events(engine, "a", first) == [("revision", 140)]
    assert _events(engine, "b", then, day=23) == [("revision", 400)]


@pytest.mark.parametrize("then", [
    "A total of 14,000 oiled birds have been collected, the LPO said on Monday.",
    "Au total, 14 000 oiseaux mazoutés ont été recueillis, a indiqué lundi la LPO.",
    # five times the figure's 140 is nearer a slipped digit of it than it: still far
    "A total of 700 oiled birds have been collected, the LPO said on Monday.",
    "Au total, 700 oiseaux mazoutés ont été recueillis, a indiqué lundi la LPO.",
])
def test_a_claimants_value_far_from_every_value_is_still_held(then: str) -> None:
    """Far from its own 35 and not near the figure's 140 (within the square root of the
    review factor): held for a second outlet."""
    engine = _engine()
    assert _events(engine, "a", "140 oiled birds have been collected since Tuesday.") == [
        ("revision", 140)]
    assert [k for k, _v in _events(engine, "b", then, day=23)] == ["held_for_review"]


COAST = WatchlistConfig.model_validate({"figures": [
    {"id": "coast", "label": "Polluted coastline",
     "subject": ["coastline", "coast", "côtes", "littoral"], "unit": ["km", "kilomètres"],
     "cues": ["polluted", "fouled", "souillés", "touchés", "polluées", "affected"]},
]})
WL = compile_watchlist(COAST)


def values(text: str, figure: str) -> list[float]:
    item = Item(uid="u", title="", text=text, link="https://news.example/1",
                published=datetime(2026, 12, 1, tzinfo=UTC), updated=None, source="Desk",
                content_hash="h")
    return [o.quantity.value for o in analyse(WL, item).observations if o.figure == figure]


@pytest.mark.parametrize("text", [
    "Le Cedre redoute jusqu'à 200 km de côtes touchés.",
    "Les pêcheurs craignent que 200 km de côtes soient souillés.",
    "Jusqu'à 200 km de côtes pourraient être touchés d'ici à la mi-décembre.",
    "Selon le Cedre, 200 km de littoral pourraient être pollués si le vent tourne.",
    "Up to 200 km of coastline could be affected by mid-December, Cedre said.",
    "The polluted coastline could top 200 km if the winds persist.",
    "As much as 200 km of coast may yet be fouled, experts warned.",
])
def test_what_may_come_is_no_value(text: str) -> None:
    assert values(text, "coast") == []


@pytest.mark.parametrize(("text", "want"), [
    ("La pollution s'étend désormais sur 92 km de côtes souillés, a indiqué la préfecture.",
     [92]),
    ("The polluted coastline now stands at 92 km, the prefecture said.", [92]),
    # a fear in another clause of the item leaves this one's value alone
    ("The polluted coastline now stands at 92 km. Fishermen fear for their season.", [92]),
])
def test_a_value_beside_no_fear_is_read(text: str, want: list[float]) -> None:
    assert values(text, "coast") == want
