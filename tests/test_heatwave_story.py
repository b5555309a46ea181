"""What the heatwave story's new user asked for (tests/data/stories/heatwave: départements on
red alert go up and down): a figure that `recurs` comes back to a value it had, and that
return is news; without it, a return is a restatement (the default, which keeps late outlets'
old values quiet). Tested in both languages on sentences written for this file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import WatchlistConfig
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Item


def _engine(recurs: bool) -> Engine:
    return Engine(compile_watchlist(WatchlistConfig.model_validate({"figures": [{
        "id": "red", "label": "Départements on red alert",
        "subject": ["vigilance rouge", "red alert", "canicule", "heatwave"],
        "unit": ["départements", "departements"], "cues": ["rouge", "red"],
        "recurs": recurs, "review_factor": 0,
        "history": [{"value": 8, "date": "2026-07-20", "source": "Météo-France"}],
    }]})))


def _events(engine: Engine, uid: str, text: str, day: int) -> list[tuple[str, float]]:
    it = Item(uid=uid, title="", text=text, link=f"https://news.example/{uid}",
              published=datetime(2026, 7, day, 9, tzinfo=UTC), updated=None, source=uid,
              content_hash=uid)
    return [(e.kind, e.value) for e in engine.process(it) if e.kind != "match"]


SAYS = {
    "fr": "{n} départements sont désormais en vigilance rouge canicule, selon Météo-France.",
    "en": "{n} departements are now on red heatwave alert, Météo-France said.",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_figure_that_recurs_alerts_on_a_return_to_an_earlier_value(lang: str) -> None:
    engine = _engine(recurs=True)
    assert _events(engine, "a", SAYS[lang].format(n=12), 21) == [("revision", 12)]
    assert _events(engine, "b", SAYS[lang].format(n=8), 23) == [("revision", 8)]
    assert _events(engine, "c", SAYS[lang].format(n=8), 23) == [("corroboration", 8)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_by_default_a_return_to_an_earlier_value_is_a_restatement(lang: str) -> None:
    engine = _engine(recurs=False)
    assert _events(engine, "a", SAYS[lang].format(n=12), 21) == [("revision", 12)]
    assert _events(engine, "b", SAYS[lang].format(n=8), 23) == []
