"""Score `replay` on a labelled story corpus (tests/data/stories/STORY/): the revisions an
analyst wants (key.toml, written by hand) against the alerts the engine gives (revision and
correction events) with a given watchlist. Used by tests/test_stories.py and bench/stories.py.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from monitor.config import load_watchlist
from monitor.models import Event
from monitor.replay import replay_events

STORIES = Path(__file__).resolve().parent / "data" / "stories"
ALERTS = ("revision", "correction")


@dataclass(frozen=True)
class Score:
    story: str
    watchlist: str
    alerts: int
    wanted: int
    hits: int
    false_alerts: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.hits / self.alerts if self.alerts else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 1.0

    def line(self) -> str:
        return (f"{self.story:10} {self.watchlist:16} precision {self.precision:.2f} "
                f"recall {self.recall:.2f} ({self.hits} of {self.alerts} alerts right, "
                f"{self.hits} of {self.wanted} revisions found)")


def feeds(story: Path) -> list[Path]:
    return sorted(p for p in story.iterdir() if p.suffix in (".xml", ".atom"))


def key(story: Path) -> list[dict[str, object]]:
    return list(tomllib.loads((story / "key.toml").read_text(encoding="utf-8"))["revision"])


def alerts(story: Path, watchlist: Path) -> list[Event]:
    wl = load_watchlist(watchlist)
    return [e for e in replay_events(wl, feeds(story)) if e.kind in ALERTS]


def _same(a: float | None, b: object) -> bool:
    return a is not None and b is not None and abs(a - float(b)) <= 1e-6 * max(1.0, abs(a))  # type: ignore[arg-type]


def score(story: Path, watchlist: Path) -> Score:
    """Each wanted revision is found by at most one alert of its figure with its value (and
    its bounds, for a range); every other alert is a false one."""
    wanted = key(story)
    got = alerts(story, watchlist)
    used: set[int] = set()
    false: list[str] = []
    for ev in got:
        for i, k in enumerate(wanted):
            if i in used or k["figure"] != ev.figure or not _same(ev.value, k["value"]):
                continue
            if "low" in k and not _same(ev.low, k["low"]):
                continue
            used.add(i)
            break
        else:
            false.append(f"{ev.kind} {ev.figure} {ev.value} {ev.link} | {ev.quote}")
    missed = [f"{k['figure']} {k['value']} {k.get('link')}" for i, k in enumerate(wanted)
              if i not in used]
    return Score(story.name, watchlist.name, len(got), len(wanted), len(used), tuple(false),
                 tuple(missed))
