"""Bench: items/s and MB/s of each parser backend on ../shared/feeds-real, in one process.

Two levels, each with both backends on the same bytes:
  backend  bytes -> entries (`read_fast.read` against `read_feedparser.read`, which is
           `feedparser.parse` plus field picking): what the fast path replaces.
  stage    bytes -> `Item`s (`parse_bytes`): the backend plus the rules both share
           (HTML to text, cleaning, the content hash), as the daemon runs it.
The ratios are fast/feedparser at each level; the target is at least 20 for the backend.
fastfeedparser, when installed, is shown for reference (it is not a dependency).
Run: python bench/parse.py [--repeat N]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import argparse
import gc
import importlib.util
import time
from collections.abc import Callable

from _corpus import feed_files

from monitor import read_fast, read_feedparser
from monitor.feeds import parse_bytes


def best_of(repeat: int, fn: Callable[[], int]) -> tuple[float, int]:
    """Fastest of `repeat` runs (seconds) and the item count; the collector runs between."""
    best, n = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    return best, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of the fast path (best kept)")
    args = ap.parse_args()
    files = feed_files()
    blobs = [p.read_bytes() for p in files]
    mb = sum(map(len, blobs)) / 1e6
    auto = [parse_bytes(b) for b in blobs]
    fallbacks = sum(1 for p in auto if p.backend != "fast")

    rows: list[tuple[str, float, int]] = []

    def run(name: str, repeat: int, fn: Callable[[], int]) -> float:
        t, n = best_of(repeat, fn)
        rows.append((name, t, n))
        print(f"{name:34s} {n / t:>9,.0f} items/s {mb / t:>7.1f} MB/s  ({t * 1e3:,.0f} ms)")
        return t

    print(f"corpus: {len(blobs)} feeds, {sum(len(p.items) for p in auto)} entries, {mb:.1f} MB; "
          f"auto handed {fallbacks} of them to feedparser")
    slow = max(1, args.repeat // 5)
    t_fp = run("backend feedparser (read_feedparser)", slow,
               lambda: sum(len(read_feedparser.read(b).entries) for b in blobs))
    t_fast = run("backend fast (read_fast)", args.repeat,
                 lambda: sum(len(read_fast.read(b).entries) for b in blobs))
    t_sfp = run("stage feedparser (parse_bytes)", slow,
                lambda: sum(len(parse_bytes(b, backend="feedparser").items) for b in blobs))
    t_auto = run("stage auto, the default (parse_bytes)", args.repeat,
                 lambda: sum(len(parse_bytes(b).items) for b in blobs))
    if importlib.util.find_spec("fastfeedparser"):
        import fastfeedparser

        run("fastfeedparser.parse (reference only)", args.repeat,
            lambda: sum(len(fastfeedparser.parse(b).entries) for b in blobs))
    print(f"ratio backend (fast / feedparser items/s): {t_fp / t_fast:.1f}")
    print(f"ratio stage (auto / feedparser items/s):   {t_sfp / t_auto:.1f}")
    print(f"shared item rules (HTML to text, cleaning, hash): "
          f"{(t_auto - t_fast) * 1e6 / sum(len(p.items) for p in auto):.0f} us/item")


if __name__ == "__main__":
    main()
