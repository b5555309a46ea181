"""Several instances on one PostgreSQL database, raced on purpose: events committed out of id
order still reach every channel (issue 20, item 4), and instances started together on an
empty database all migrate it (item 5)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import fresh_pg_database

from monitor.config import ChannelConfig, load_watchlist
from monitor.deliver import make_digest
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import load_items
from monitor.store import SCHEMA_HEAD, Store, open_store

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
REPLAY = ROOT / "tests" / "data" / "replay"
DESK = ChannelConfig(name="desk", kind="console")


def _driver_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _waiting_on_a_lock(url: str) -> bool:
    """Whether some session of this database is waiting for a row lock."""
    with psycopg.connect(_driver_url(url), autocommit=True) as c:
        row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'").fetchone()
    return bool(row and row[0])


def _delivered(store: Store) -> str:
    with store.engine.connect() as conn:
        return "\n".join(r[0] for r in conn.exec_driver_sql("SELECT payload FROM outbox"))


def test_events_committed_below_the_cursor_are_still_delivered(pg_url: str,
                                                               tmp_path: Path) -> None:
    """Instance A inserts its events, then waits on a row lock (a second connection holds an
    uncommitted insert of the same item); instance B commits later events and builds the
    digest meanwhile. When A commits, its events, whose ids are below B's, must still be
    sent: before the fix the cursor had moved past them and they were never sent."""
    items = {it.uid: it for it in load_items([REPLAY / "lemonde.xml", REPLAY / "wire.xml"])}
    slow, quick = items["lemonde-2"], items["wire-4"]  # both make events, on other figures
    a, b = open_store(pg_url, tmp_path), open_store(pg_url, tmp_path)
    a.seed_figures(WL)
    holder = psycopg.connect(_driver_url(pg_url))  # a transaction left open on purpose
    holder.execute("INSERT INTO items (uid, feed, content_hash, title, first_seen, last_judged,"
                   " changes, matched) VALUES (%s, 'x', 'h', '', now(), now(), 0, false)",
                   (slow.uid,))
    judged: list[object] = []
    ta = threading.Thread(target=lambda: judged.append(a.judge_item(WL, slow)))
    ta.start()
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock(pg_url):
        assert time.monotonic() < deadline, "A never reached the held row lock"
        time.sleep(0.05)
    status, evs = b.judge_item(WL, quick)
    assert status == "new" and evs
    tb = threading.Thread(target=make_digest, args=(b, WL, DESK, _now()))
    tb.start()
    tb.join(timeout=1.5)  # before the fix it returns at once, past A's uncommitted ids
    holder.rollback()  # the row lock goes: A's transaction commits its events
    holder.close()
    ta.join(timeout=30)
    tb.join(timeout=30)
    assert not ta.is_alive() and not tb.is_alive()
    status_a, evs_a = judged[0]  # type: ignore[misc]
    assert status_a == "new" and evs_a
    make_digest(b, WL, DESK, _now())  # the next period
    sent = _delivered(b)
    assert quick.link and quick.link in sent
    assert slow.link and slow.link in sent, "A's events were never delivered"
    with b.engine.connect() as conn:  # and each event once: no digest repeats another's
        payloads = [json.loads(r[0]) for r in conn.exec_driver_sql("SELECT payload FROM outbox")]
    links = [x["link"] for p in payloads for x in p["related"]]
    assert sorted(links) == sorted({slow.link, quick.link})
    a.close()
    b.close()


# one instance's start: open (and migrate) the store, seed the figures, at an agreed moment
START = """
import sys, time
from pathlib import Path
from monitor.config import load_watchlist
from monitor.store import open_store
from monitor.engine.watchlist import compile_watchlist
wl = compile_watchlist(load_watchlist(Path(sys.argv[3])))
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
store = open_store(sys.argv[1], Path("."))
store.seed_figures(wl)
print(store.revision())
"""


def _start_together(url: str, n: int, tmp: Path) -> list[subprocess.CompletedProcess[str]]:
    at = time.time() + 1.5  # every process imported and waiting by then
    procs = [subprocess.Popen([sys.executable, "-c", START, url, repr(at),
                               str(ROOT / "config" / "watchlist.toml")], cwd=tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


@pytest.fixture
def pg_available() -> Iterator[None]:
    from conftest import PG_SKIP

    if PG_SKIP:
        pytest.skip(PG_SKIP)
    yield


def test_three_instances_starting_on_an_empty_database_all_migrate_it(
        pg_available: None, tmp_path: Path) -> None:
    """Ten rounds of three processes opening one fresh, empty database at the same moment:
    before the fix one of them usually failed creating `alembic_version` (exit 69)."""
    for _round in range(10):
        with fresh_pg_database() as url:
            results = _start_together(url, 3, tmp_path)
            assert [(r.returncode, r.stdout.strip()) for r in results] == [
                (0, SCHEMA_HEAD)] * 3, [r.stderr[-400:] for r in results]
            store = open_store(url, tmp_path)
            assert store.revision() == SCHEMA_HEAD
            store.close()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)
