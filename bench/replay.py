"""Bench: items per second of the pure pipeline (numbers + match + judge) on
../shared/feeds-real, against `feedparser.parse` of the same bytes in the same process.

The pipeline's own cost per item should be below feedparser's parse cost (ratio >= 1).
It also times what `replay` does end to end: `parse_bytes` (the default parser) and then
the pipeline, over the same bytes.
Run: python bench/replay.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import time

import feedparser
from _corpus import ROOT, feed_files

from monitor.config import load_watchlist
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.feeds import parse_bytes
from monitor.models import Item


def main() -> None:
    blobs = [p.read_bytes() for p in feed_files()]
    items: list[Item] = []
    for b in blobs:
        items += parse_bytes(b).items
    wl = compile_watchlist(load_watchlist(Path(ROOT / "config" / "watchlist.toml")))

    def pipeline() -> int:
        engine = Engine(wl)  # fresh state: every item judged
        return sum(len(engine.process(it)) for it in items)

    fp_runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for b in blobs:
            feedparser.parse(b)
        fp_runs.append(time.perf_counter() - t0)
    t_fp = min(fp_runs)
    pipeline()  # warm the token cache once, as a running daemon has it warm
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        events = pipeline()
        runs.append(time.perf_counter() - t0)
    t_pipe = min(runs)
    ends = []
    for _ in range(3):
        t0 = time.perf_counter()
        engine = Engine(wl)
        for b in blobs:
            for it in parse_bytes(b).items:
                engine.process(it)
        ends.append(time.perf_counter() - t0)
    t_end = min(ends)
    n = len(items)
    mb = sum(map(len, blobs)) / 1e6
    print(f"items: {n} from {len(blobs)} feeds ({mb:.1f} MB); events: {events}")
    print(f"feedparser.parse: {n / t_fp:,.0f} items/s ({t_fp * 1e3 / n:.2f} ms/item)")
    print(f"pipeline (numbers+match+judge): {n / t_pipe:,.0f} items/s ({t_pipe * 1e3 / n:.2f} ms/item)")
    print(f"ratio (pipeline items/s / feedparser items/s): {t_fp / t_pipe:.2f}")
    print(f"end to end (parse_bytes + pipeline): {n / t_end:,.0f} items/s "
          f"({t_end * 1e3 / n:.2f} ms/item)")


if __name__ == "__main__":
    main()
