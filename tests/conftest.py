"""Shared fixtures: a real feed server on 127.0.0.1, a store on a real SQLite file."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


PG_URL = os.environ.get("NEWS_MONITOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL answers at NEWS_MONITOR_TEST_PG={PG_URL}: {exc}".strip()


PG_SKIP = _pg_reason()
if PG_SKIP and os.environ.get("CI") == "true" and os.environ.get("NEWS_MONITOR_REQUIRE_PG"):
    raise RuntimeError(f"CI needs PostgreSQL: {PG_SKIP}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each engine: a SQLite file, a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nm.db'}"
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (skipped with the reason where none answers)."""
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with fresh_pg_database() as url:
        yield url


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    import uuid

    import psycopg

    name = f"nm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
