"""Shared loading for the benches: the seed documents and ../shared/feeds-real."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEEDS_REAL = Path(os.environ.get("NEWS_MONITOR_FEEDS_REAL", ROOT.parent / "shared" / "feeds-real"))


def feed_files() -> list[Path]:
    """Every capture in ../shared/feeds-real; exits with a message where it is absent."""
    files = sorted(p for p in FEEDS_REAL.glob("*") if p.suffix in (".xml", ".rss", ".atom"))
    if not files:
        sys.exit(f"bench: no feed captures in {FEEDS_REAL} (set NEWS_MONITOR_FEEDS_REAL)")
    return files


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def item_texts() -> list[str]:
    """The seed documents, then each item of ../shared/feeds-real as its title and text."""
    from monitor.feeds import NotAFeed, parse_bytes

    texts = seed_texts()
    for path in feed_files():
        try:
            parsed = parse_bytes(path.read_bytes())
        except (NotAFeed, ValueError):
            continue
        texts += [it.title + "\n" + it.text for it in parsed.items]
    return texts


def best_of(fn, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    """The fastest of `rounds` timed calls, in seconds."""
    import time

    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
