"""The store on a real SQLite file: migrations, refusals, seeding merge, judging transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from monitor.config import load_watchlist
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import load_items
from monitor.store import SCHEMA_HEAD, StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent
WL_CFG = load_watchlist(ROOT / "config" / "watchlist.toml")
WL = compile_watchlist(WL_CFG)
REPLAY = ROOT / "tests" / "data" / "replay"


def test_fresh_database_is_migrated(tmp_path: Path) -> None:
    s = open_store("sqlite:///a.db", tmp_path)
    assert s.revision() == "0006" and s.heads() == {SCHEMA_HEAD}
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feeds", "items", "figures", "history", "events", "channels", "outbox",
            "archive", "watches", "alembic_version"} <= tables


def test_newer_schema_is_refused_not_recreated(tmp_path: Path) -> None:
    open_store("sqlite:///a.db", tmp_path).close()
    with sqlite3.connect(tmp_path / "a.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
        db.execute("INSERT INTO events (kind, title, source, watches, item_uid, feed, created_at)"
                   " VALUES ('match', 't', 's', '[]', 'u', 'f', '2024-01-01')")
    with pytest.raises(StoreError, match="newer than this news-monitor"):
        open_store("sqlite:///a.db", tmp_path)
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_corrupt_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable database"):
        open_store("sqlite:///bad.db", tmp_path)
    assert (tmp_path / "bad.db").read_bytes().startswith(b"this is not")


def test_judging_is_durable_and_never_repeats(tmp_path: Path) -> None:
    items = load_items(sorted(REPLAY.glob("*.xml")) + sorted(REPLAY.glob("*.atom")))
    s = open_store("sqlite:///a.db", tmp_path)
    s.seed_figures(WL)
    statuses = [s.judge_item(WL, it)[0] for it in items]
    assert statuses.count("new") == 63 and statuses.count("changed") == 1
    n_events = s.counts()["events"]
    s.close()
    again = open_store("sqlite:///a.db", tmp_path)
    again.seed_figures(WL)
    latest = {it.uid: it for it in items}  # yonhap-30 appears twice: keep its last version
    assert all(again.judge_item(WL, it) == ("unchanged", []) for it in latest.values())
    assert again.counts()["events"] == n_events


def test_seeding_merges_without_losing_observed_history(tmp_path: Path) -> None:
    s = open_store("sqlite:///a.db", tmp_path)
    s.seed_figures(WL)
    items = load_items([REPLAY / "lemonde.xml"])
    for it in items:
        s.judge_item(WL, it)
    before = s.figure_states(WL)["nk-troops-sent"]
    assert before.current == 14000
    s.seed_figures(WL)  # a restart, or a reload of the same watchlist
    after = s.figure_states(WL)["nk-troops-sent"]
    assert after.history == before.history and after.current == 14000


def test_state_folder_and_database_are_private_whatever_the_umask(tmp_path: Path) -> None:
    """Outside systemd the state folder is created 0700 and the SQLite file 0600 (its WAL and
    shared-memory files take the database's mode), even under umask 022."""
    import json
    import os
    import subprocess
    import sys

    state = tmp_path / "var" / "state"
    code = """if True:
        import json, os, stat, sys
        from pathlib import Path
        from monitor.store import open_store
        state = Path(sys.argv[1])
        store = open_store("sqlite:///nm.db", state)
        with store.tx() as conn:  # a write: the WAL and shared-memory files exist now
            conn.exec_driver_sql("CREATE TABLE t (x)")
            modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode))
                     for p in (state.parent, state, *state.iterdir())}
        store.close()
        print(json.dumps(modes))
    """
    res = subprocess.run([sys.executable, "-c", code, str(state)], capture_output=True,
                         text=True, preexec_fn=lambda: os.umask(0o022), timeout=60)  # noqa: PLW1509
    assert res.returncode == 0, res.stderr
    modes = json.loads(res.stdout)
    assert modes == {"var": "0o700", "state": "0o700", "nm.db": "0o600", "nm.db-wal": "0o600",
                     "nm.db-shm": "0o600"}
