"""`news-monitor replay`: the whole pure pipeline over saved feed files, as JSON lines.

The contract (DESIGN.md, README): entries of all files in order of their updated-or-published
time (file order breaks ties; undated entries last), judged on a fresh in-memory state seeded
from the watchlist, one JSON object a line:

    {"event": "match", "link", "title", "watches"}
    {"event": "revision" | "correction" | "corroboration" | "held_for_review" | "competing",
     "figure", "label", "previous", "value", "low", "high", "qualifier", "unit", "link",
     "source", "published", "quote", "scope", "claimant", "estimates"}

`claimant` is null (unattributed) or {"id", "label", "declared"}; `estimates` lists every
claimant's current value after the event ({"claimant", "value", "low", "high", "qualifier",
"date", "source", "link"}), empty while no value of the figure has a claimant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.feeds import Backend, order_items, read_file
from monitor.models import Event, Item

if TYPE_CHECKING:
    from monitor.config import WatchlistConfig

REVISION_FIELDS = ("figure", "label", "previous", "value", "low", "high", "qualifier", "unit",
                   "link", "source", "published", "quote", "scope")


def event_json(ev: Event) -> dict[str, object]:
    """An event as the replay contract prints it."""
    if ev.kind == "match":
        return {"event": "match", "link": ev.link, "title": ev.title, "watches": list(ev.watches)}
    from monitor.eventjson import claimant_json, estimate_json  # (not for matches: start-up)

    out: dict[str, object] = {"event": ev.kind}
    for key in REVISION_FIELDS:
        value = getattr(ev, key)
        if key == "published" and value is not None:
            value = value.isoformat()
        out[key] = list(value) if isinstance(value, tuple) else value
    out["claimant"] = claimant_json(ev.claimant, ev.claimant_label)
    out["estimates"] = [estimate_json(e) for e in ev.estimates]
    return out


def load_items(files: Sequence[str | Path], backend: Backend = "auto") -> list[Item]:
    """Items of every file, ordered for judging."""
    return order_items([it for f in files for it in read_file(Path(f), backend)])


def replay_events(wl: WatchlistConfig, files: Sequence[str | Path], backend: Backend = "auto",
                  jobs: int = 1) -> Iterator[Event]:
    """The events of these files judged in order; read and analysed on up to `jobs`
    processes (`workers`: the same events whatever their number)."""
    engine = Engine(compile_watchlist(wl))
    if jobs > 1:
        from monitor.workers import analysed_in_order

        for analysis in analysed_in_order(engine.wl, files, backend, jobs):
            yield from engine.process(analysis.item, analysis)
        return
    for item in load_items(files, backend):
        yield from engine.process(item)


def replay_files(load: Callable[[], tuple[WatchlistConfig, Backend]],
                 files: Sequence[str | Path], parser: Backend | None = None, jobs: int = 1
                 ) -> Iterator[str]:
    """`news-monitor replay`: the lines of the contract for these files. With `jobs` > 1 the
    workers are forked first (`workers.start`) and parse their files while `load` reads the
    config (the watchlist, and the backend: `parser` if given, else the config's), which is
    then sent to them; with one job the config is read first. Either way the same lines."""
    if jobs == 1:
        wl, backend = load()
        events: Iterable[Event] = replay_events(wl, files, backend)
    else:
        from monitor import workers

        with workers.start(files, parser or "auto", jobs) as crew:
            wl, backend = load()
            engine = Engine(compile_watchlist(wl))
            analyses = crew.analysed(engine.wl, backend)
        events = (ev for a in analyses for ev in engine.process(a.item, a))
    for ev in events:
        yield json.dumps(event_json(ev), ensure_ascii=False)
