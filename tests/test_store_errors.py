"""A store that cannot be used is a clear one-line error, never a traceback (issue 20, item 12):
a store URL this daemon cannot use or a SQLite path it cannot create is a config error
(`FILE: daemon.store: message`, exit 78) for check-config and at start; a database locked by
another process past the busy timeout is exit 69 with one line."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def config(tmp: Path, store: str, state_dir: Path) -> Path:
    (tmp / "monitor.toml").write_text("\n".join([
        "[daemon]", f'store = "{store}"', f'state_dir = "{state_dir}"', "",
        "[[channels]]", 'name = "terminal"', 'kind = "console"', "",
    ]))
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


def cli(cfg: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "monitor", *args, "--config", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cfg)


def run(cfg: Path, *args: str) -> tuple[int, str]:
    p = cli(cfg, *args)
    _out, err = p.communicate(timeout=60)
    return p.returncode, err


@pytest.mark.parametrize("store, says", [
    ("mysql://nm@db.example/nm", "mysql"),
    ("postgresql://nm@db.example/nm", "postgresql+psycopg://"),
    ("not a database url", "not a database URL"),
])
def test_store_url_of_an_unsupported_kind_is_a_config_error(tmp_path: Path, store: str,
                                                             says: str) -> None:
    cfg = config(tmp_path, store, tmp_path / "state")
    # every command validates the whole config alike: check-config, and one that opens the store
    for command in (["check-config"], ["once"]):
        code, err = run(cfg, *command)
        assert code == 78, (command, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (command, err)
        assert err.startswith(f"{cfg / 'monitor.toml'}: daemon.store: "), (command, err)
        assert says in err, (command, err)


def test_sqlite_path_that_cannot_be_created_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    cfg = config(tmp_path, "sqlite:///nm.db", tmp_path / "a-file" / "state")
    for command in (["check-config"], ["run"], ["status"]):
        code, err = run(cfg, *command)
        assert code == 78, (command, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (command, err)
        assert err.startswith(f"{cfg / 'monitor.toml'}: daemon.store: "), (command, err)
        assert "a-file" in err, (command, err)


def test_database_locked_by_another_process_is_exit_69_with_one_line(tmp_path: Path) -> None:
    """Another process holds the SQLite write lock: `once` and `digest` wait the busy
    timeout, then say so in one line and exit 69 (before: a SQLAlchemy traceback, exit 1)."""
    cfg = config(tmp_path, "sqlite:///nm.db", tmp_path / "state")
    assert run(cfg, "db", "upgrade")[0] == 0
    holder = sqlite3.connect(tmp_path / "state" / "nm.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held
    try:
        procs = {" ".join(c): cli(cfg, *c) for c in (["once"], ["digest", "--send"], ["digest"])}
        results = {name: p.communicate(timeout=60) for name, p in procs.items()}
    finally:
        holder.rollback()
        holder.close()
    for name, p in procs.items():
        err = results[name][1]
        assert p.returncode == 69, (name, err)
        assert "Traceback" not in err, (name, err)
        lines = [line for line in err.splitlines() if line.startswith("news-monitor:")]
        assert len(lines) == 1 and "database is locked" in lines[0], (name, err)
