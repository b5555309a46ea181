"""Shared fixtures: a real feed server on 127.0.0.1, a store on a real SQLite file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from feedserver import FeedServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "tests" / "data" / "replay"
FEEDS_REAL = ROOT.parent / "shared" / "feeds-real"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer(REPLAY).start()
    yield s
    s.stop()


def feeds_real() -> list[Path]:
    return sorted(p for p in FEEDS_REAL.glob("*") if p.suffix in (".xml", ".rss", ".atom"))


needs_feeds_real = pytest.mark.skipif(
    not feeds_real(), reason=f"no feed captures in {FEEDS_REAL} (../shared/feeds-real is absent)"
)
