"""Bench: sentences per second of `quantities` over the seeds and ../shared/feeds-real items,
against a bare `re.finditer(r"\\d[\\d\\s.,]*", text)` scan of the same sentences, same process.

Run: python bench/numbers.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import re
import time

from _corpus import feed_files, seed_texts

from monitor.feeds import NotAFeed, parse_bytes
from monitor.numbers import quantities
from monitor.text import sentences


def corpus() -> list[str]:
    texts = seed_texts()
    for path in feed_files():
        try:
            parsed = parse_bytes(path.read_bytes())
        except (NotAFeed, ValueError):
            continue
        texts += [it.title + "\n" + it.text for it in parsed.items]
    return [t[s:e] for t in texts for s, e in sentences(t)]


def best_of(fn, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    sents = corpus()
    scan = re.compile(r"\d[\d\s.,]*")
    n_found = sum(len(quantities(s)) for s in sents)
    ours = best_of(lambda: [quantities(s) for s in sents])
    base = best_of(lambda: [list(scan.finditer(s)) for s in sents])
    print(f"sentences: {len(sents)} ({n_found} quantities found)")
    print(f"quantities(): {len(sents) / ours:,.0f} sentences/s")
    print(f"bare re.finditer scan: {len(sents) / base:,.0f} sentences/s")
    print(f"ratio (scan time / ours): {base / ours:.3f}  (ours is {ours / base:.1f}x slower)")


if __name__ == "__main__":
    main()
