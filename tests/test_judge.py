"""Attribution and judging on plain sentences (pure functions, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import WatchlistConfig, load_watchlist
from monitor.engine.attribute import Context, attribute
from monitor.engine.judging import FigureState, Rule, interval, judge
from monitor.engine.watchlist import compile_watchlist
from monitor.models import HistoryEntry, Observation, Quantity
from monitor.numbers import quantities

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))


def verdicts(sentence: str, lang: str | None = None) -> list[tuple[float, str | None]]:
    return [(a.quantity.value, a.figure) for a in attribute(WL, sentence, quantities(sentence, lang))]


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("About 10,000 North Korean troops have been sent to Russia.", [(10000, "nk-troops-sent")]),
        ("La Corée du Nord prévoit d’envoyer 10 000 soldats à la Russie d’ici décembre.",
         [(10000, "nk-troops-planned")]),
        ("Plus de 600 000 soldats russes ont été tués ou blessés.", [(600000, "russian-casualties")]),
        ("About 3,000 North Korean soldiers have been killed or wounded in Kursk.", [(3000, None)]),
        ("Some 10,000 Ukrainian troops remain in the Kursk region, with North Korean units nearby.",
         [(10000, None)]),
        ("Quelque 50 000 soldats, dont des unités nord-coréennes, sont engagés à Koursk.",
         [(50000, None)]),
        ("Kyiv says 8,000 of the roughly 10,000 North Korean troops in Russia are at the front.",
         [(8000, None), (10000, "nk-troops-sent")]),
        ("Pyongyang a envoyé 3 000 soldats nord-coréens supplémentaires en Russie.", [(3000, None)]),
        ("An additional 3,000 North Korean troops were sent to Russia.", [(3000, None)]),
        ("North Korea has shipped 20,000 containers of shells to Russia.",
         [(20000, "nk-munition-containers")]),
        ("North Korea has a standing army of 1.3 million soldiers.", [(1300000, "nk-army-size")]),
        ("Near Vladivostok, 300,000 containers passed through the port.", [(300000, None)]),
    ],
)
def test_attribution(sentence: str, want: list[tuple[float, str | None]]) -> None:
    assert verdicts(sentence) == want


def test_title_gives_context() -> None:
    s = "Some 12,000 soldiers are now in Kursk, officials say."
    (alone,) = attribute(WL, s, quantities(s))
    assert alone.figure is None
    title_hits = WL.matcher.find("North Korean troops in Russia")
    (with_title,) = attribute(WL, s, quantities(s), Context(tuple(title_hits)))
    assert with_title.figure == "nk-troops-sent"


def test_two_figures_that_fit_equally_get_neither() -> None:
    cfg = load_watchlist(ROOT / "config" / "watchlist.toml")
    twin = cfg.figures[0].model_copy(update={"id": "twin", "label": "Twin"})
    wl = compile_watchlist(WatchlistConfig(terms=cfg.terms, figures=[cfg.figures[0], twin]))
    s = "About 10,000 North Korean troops have been sent to Russia."
    (a,) = attribute(wl, s, quantities(s))
    assert a.figure is None
    assert a.note == "ambiguous: nk-troops-sent and twin fit equally; attributed to neither"


def obs(value: float, source: str, low: float | None = None) -> Observation:
    q = Quantity(value, low, value if low is not None else None, None, "troops", 0, 1)
    return Observation("f", q, "s", "uid", "https://x.example/1", "t", source,
                       datetime(2024, 11, 1, tzinfo=UTC))


def state(*values: float, tolerance: float = 0.0) -> FigureState:
    hist = tuple(HistoryEntry(value=v, source="seed") for v in values)
    return FigureState("f", tolerance, hist, values[-1], frozenset({"seed"}))


def test_revision_corroboration_restatement() -> None:
    s0 = state(1500, 3000)
    s1, v, prev = judge(s0, obs(10000, "A"))
    assert (v, prev, s1.current) == ("revision", 3000, 10000)
    s2, v, _ = judge(s1, obs(10000, "A"))
    assert v == "repeat" and s2 == s1
    s3, v, _ = judge(s2, obs(10000, "B"))
    assert v == "corroboration" and s3.sources == {"A", "B"}
    s4, v, _ = judge(s3, obs(1500, "C"))
    assert v == "restatement" and s4 == s3
    s5, v, _ = judge(s4, obs(10000, "B"))
    assert v == "repeat"


def test_a_value_never_alerts_twice() -> None:
    s = state(1000)
    s, v1, _ = judge(s, obs(2000, "A"))
    s, v2, _ = judge(s, obs(3000, "B"))
    s, v3, _ = judge(s, obs(2000, "C"))  # an older alerted value again
    assert (v1, v2, v3) == ("revision", "revision", "restatement")


def test_tolerance() -> None:
    s = state(1_200_000, tolerance=0.05)
    assert judge(s, obs(1_250_000, "A"))[1] == "corroboration"
    assert judge(s, obs(1_300_000, "A"))[1] == "revision"


def test_range_upper_bound_decides() -> None:
    s = state(10000, 12000)
    assert judge(s, obs(12000, "A", low=10000))[1] == "corroboration"
    assert judge(s, obs(15000, "A", low=12000))[1] == "revision"


def dated(value: float, source: str, day: int) -> Observation:
    q = Quantity(value, None, None, None, "troops", 0, 1)
    return Observation("f", q, "s", "uid", None, "t", source, datetime(2024, 11, day, tzinfo=UTC))


def test_a_late_report_of_an_older_value_does_not_become_current() -> None:
    s0 = FigureState("f", 0.0, (HistoryEntry(3000, date="2024-10-23"),), 3000, frozenset({"seed"}))
    s1, v, prev = judge(s0, dated(14000, "A", 20))
    assert (v, prev, s1.current) == ("revision", 3000, 14000)
    # an older report read later: a new value, so a revision, but not the current one
    s2, v, prev = judge(s1, dated(10000, "B", 1))
    assert (v, prev, s2.current) == ("revision", 3000, 14000)
    assert [h.value for h in s2.history] == [3000, 14000, 10000]
    s3, v, _ = judge(s2, dated(14000, "C", 21))
    assert v == "corroboration"


def test_negative_values_keep_their_tolerance() -> None:
    # a growth rate of -0.3% (the reader now keeps the sign): the tolerance band is around
    # the value, not inverted by the sign
    s = state(-1.2, tolerance=0.05)
    assert judge(s, obs(-1.24, "A"))[1] == "corroboration"
    assert judge(s, obs(-1.5, "A"))[1] == "revision"


def test_negative_intervals_are_in_order() -> None:
    rule = Rule(tolerance=0.0, about_band=0.1)
    about = interval(-10, None, None, "about", rule)
    assert (about.lo, about.hi) == pytest.approx((-11, -9))
    nearly = interval(-10, None, None, "nearly", rule)
    assert (nearly.lo, nearly.hi) == pytest.approx((-10, -9))
    below = interval(-5, None, None, "less_than", rule)
    assert below.lo == float("-inf") and below.hi == -5
    span = interval(2, -4, 2, "about", rule)  # about -4 to 2
    assert (span.lo, span.hi) == pytest.approx((-4.4, 2.2))
    # positive values: as before
    assert (interval(10, None, None, "about", rule).lo,
            interval(10, None, None, "about", rule).hi) == pytest.approx((9, 11))
    assert interval(5, None, None, "less_than", rule).lo == 0.0
