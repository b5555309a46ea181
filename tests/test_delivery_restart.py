"""Deliveries across SIGKILL: a digest written but not sent is sent after the restart, once;
a digest the receiver got just before the kill is sent again with the same webhook-id (the
documented sent-then-killed window) and a receiver can drop the repeat."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from feedserver import FeedServer
from hookserver import hook_server
from mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent


def write_config(tmp: Path, feed_url: str, hook_url: str) -> Path:
    (tmp / "monitor.toml").write_text("\n".join([
        "[daemon]", 'store = "sqlite:///nm.db"', f'state_dir = "{tmp / "state"}"',
        "poll_jitter = 0", "",
        "[[feeds]]", 'name = "lemonde"', f'url = "{feed_url}"', "allow_private = true", "",
        "[[channels]]", 'name = "hook"', 'kind = "webhook"', f'url = "{hook_url}"',
        "allow_private = true", 'secret_env = "NM_TEST_HOOK_SECRET"', "timeout = 30",
        'schedule = "0 0 1 1 *"', "immediate_change = 0.01", "",
    ]) + "\n")
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


ENV = {**os.environ, "NM_TEST_HOOK_SECRET": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="}


def outbox(db: Path) -> list[tuple[str, int]]:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT status, attempts FROM outbox").fetchall()
    except sqlite3.OperationalError:
        return []


def wait_for(cond, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def run_daemon(cfg: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(cfg)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                            cwd=cfg)


def once(cfg: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(cfg)],
                         capture_output=True, text=True, env=ENV, timeout=60, cwd=cfg)
    assert res.returncode == 0, res.stderr


def test_written_but_unsent_digest_survives_sigkill(server: FeedServer, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there yet: the channel is down
    cfg = write_config(tmp_path, server.url("/f/lemonde.xml"), f"http://127.0.0.1:{port}/hook")
    db = tmp_path / "state" / "nm.db"
    proc = run_daemon(cfg)
    try:
        wait_for(lambda: any(attempts >= 1 for _s, attempts in outbox(db)))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert outbox(db) == [("pending", 1)]
    with sqlite3.connect(db) as conn:  # time passes: the retry is due
        conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00'")
    with hook_server(port) as hook:
        once(cfg)
    assert len(hook.received) == 1
    assert outbox(db) == [("sent", 2)]


def test_sent_then_killed_is_resent_with_the_same_id(server: FeedServer, tmp_path: Path) -> None:
    with hook_server() as hook:
        hook.delay = 20  # the receiver has the digest, its answer is late
        cfg = write_config(tmp_path, server.url("/f/lemonde.xml"), hook.url)
        db = tmp_path / "state" / "nm.db"
        proc = run_daemon(cfg)
        try:
            wait_for(lambda: len(hook.received) == 1)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        assert outbox(db) == [("pending", 0)]  # sent, but not marked sent
        hook.delay = 0
        once(cfg)
        once(cfg)  # nothing more after it is marked sent
    ids = [r.headers["webhook-id"] for r in hook.received]
    assert len(ids) == 2 and ids[0] == ids[1]  # the receiver can drop the repeat
    assert outbox(db) == [("sent", 1)]


def test_sigterm_during_an_outbox_retry_lets_the_send_finish(tmp_path: Path) -> None:
    """A digest pending from before (the outbox retry job sends it at start) is in flight to
    a slow receiver when SIGTERM comes: the send finishes within the stop window and is
    marked sent, with no CancelledError traceback (before the fix it was cancelled)."""
    from monitor.store import open_store

    with hook_server() as hook:
        hook.delay = 4  # the receiver answers 4 s after it got the digest
        cfg = write_config(tmp_path, "https://feeds.example/unused", hook.url)
        text = (cfg / "monitor.toml").read_text()
        feed = text[text.index("[[feeds]]"):text.index("[[channels]]")]
        (cfg / "monitor.toml").write_text(text.replace(feed, ""))  # no polls, only the outbox
        store = open_store("sqlite:///nm.db", tmp_path / "state")
        assert store.enqueue("hook", "k-pending", 0, "s", "t", "<p>t</p>",
                             '{"type": "news-monitor.digest", "id": "k-pending"}') is not None
        store.close()
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(cfg)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV,
                                cwd=cfg, text=True)
        try:
            wait_for(lambda: len(hook.received) == 1)
            sent_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        stopped = time.monotonic() - sent_at
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "CancelledError" not in err, err
    assert 3.5 < stopped < 20  # it waited for the answer, within the stop window
    assert outbox(tmp_path / "state" / "nm.db") == [("sent", 1)]
