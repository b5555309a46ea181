"""The service as systemd runs it: a real notify socket, the watchdog, SIGHUP, SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from feedserver import FeedServer
from hookserver import hook_server

ROOT = Path(__file__).resolve().parent.parent
WATCHLIST = (ROOT / "config" / "watchlist.toml").read_text()


def monitor_toml(tmp: Path, feeds: dict[str, str], extra: str = "") -> str:
    lines = ["[daemon]", 'store = "sqlite:///nm.db"', f'state_dir = "{tmp / "state"}"',
             "poll_jitter = 0", ""]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', "allow_private = true",
                  'interval = "1h"', ""]
    lines += ["[[channels]]", 'name = "terminal"', 'kind = "console"', 'schedule = "0 0 1 1 *"']
    return "\n".join(lines) + "\n" + extra


def start(tmp: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=tmp)


def test_notify_ready_status_watchdog_stopping(server: FeedServer, tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text(monitor_toml(tmp_path, {"a": server.url("/f/kyiv.atom")}))
    (tmp_path / "watchlist.toml").write_text(WATCHLIST)
    sock_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(0.1)
    proc = start(tmp_path, {"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": "400000",
                            "NEWS_MONITOR_STALL_SECONDS": "1.5"})
    got: list[tuple[float, str]] = []

    def collect(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with contextlib.suppress(TimeoutError):
                got.append((time.monotonic(), sock.recv(4096).decode()))

    try:
        collect(4.0)
        assert any("READY=1" in m for _t, m in got), got
        assert any(m.startswith("STATUS=1 feeds, last poll") for _t, m in got), got
        pings = [t for t, m in got if m == "WATCHDOG=1"]
        assert len(pings) >= 5
        gaps = [b - a for a, b in zip(pings[-5:], pings[-4:], strict=False)]
        assert all(0.1 < g < 0.5 for g in gaps), gaps  # every WATCHDOG_USEC/2 = 0.2 s
        # block the event loop: the pings stop for as long as it is blocked (1.5 s), then resume
        got.clear()
        t_sig = time.monotonic()
        proc.send_signal(signal.SIGUSR2)
        collect(3.0)
        # (a ping sent just before the signal may still be read right after it)
        pings = [t for t, m in got if m == "WATCHDOG=1" and t > t_sig + 0.05]
        assert pings and pings[0] - t_sig > 1.2, [round(t - t_sig, 2) for t in pings]
        assert len(pings) >= 4 and max(b - a for a, b in zip(pings, pings[1:], strict=False)) < 0.5
        proc.send_signal(signal.SIGTERM)
        collect(2.0)
        assert proc.wait(timeout=30) == 0
        assert any("STOPPING=1" in m for _t, m in got)
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()


def wait_until(cond, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def events_in(db: Path) -> list[tuple[str, str | None, float | None]]:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT kind, figure, value FROM events").fetchall()
    except sqlite3.OperationalError:
        return []


def test_sighup_applies_a_valid_config_and_keeps_the_old_on_an_invalid_one(
        server: FeedServer, tmp_path: Path) -> None:
    server.files["donbas.xml"] = (
        b'<rss version="2.0"><channel><title>Donbas Wire</title><item><title>Donbas</title>'
        b"<guid>d1</guid><description>About 20,000 North Korean soldiers are now in Donbas."
        b"</description></item></channel></rss>")
    (tmp_path / "monitor.toml").write_text(monitor_toml(tmp_path, {"a": server.url("/f/kyiv.atom")}))
    (tmp_path / "watchlist.toml").write_text(WATCHLIST)
    db = tmp_path / "state" / "nm.db"
    proc = start(tmp_path)
    try:
        wait_until(lambda: server.hits("/f/kyiv.atom") == 1)
        # an invalid file: refused, named, the running config stays
        (tmp_path / "monitor.toml").write_text(
            monitor_toml(tmp_path, {"a": server.url("/f/kyiv.atom")}) + "\n[fetch]\ntimout = 3\n")
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.5)
        assert proc.poll() is None
        # a valid one: a feed added and a cue added to a figure, applied without a restart
        (tmp_path / "monitor.toml").write_text(monitor_toml(
            tmp_path, {"a": server.url("/f/kyiv.atom"), "donbas": server.url("/f/donbas.xml")}))
        (tmp_path / "watchlist.toml").write_text(WATCHLIST.replace(
            'cues = ["Russie", "Russia",', 'cues = ["Donbas", "Russie", "Russia",', 1))
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: ("revision", "nk-troops-sent", 20000.0) in events_in(db))
        assert server.hits("/f/kyiv.atom") == 1  # not re-polled: no restart happened
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stderr is not None
    errors = [line for line in proc.stderr.read().splitlines() if "ERROR" in line]
    assert len(errors) == 1, errors
    assert "config reload failed" in errors[0]
    assert f"{tmp_path / 'monitor.toml'}: fetch.timout: unknown key" in errors[0]


def test_sigterm_during_a_delivery_loses_nothing(server: FeedServer, tmp_path: Path) -> None:
    with hook_server() as hook:
        hook.delay = 3.0
        extra = "\n".join(["", "[[channels]]", 'name = "hook"', 'kind = "webhook"',
                           f'url = "{hook.url}"', "allow_private = true",
                           'schedule = "0 0 1 1 *"', "immediate_change = 0.01", ""])
        (tmp_path / "monitor.toml").write_text(
            monitor_toml(tmp_path, {"a": server.url("/f/lemonde.xml")}, extra))
        (tmp_path / "watchlist.toml").write_text(WATCHLIST)
        proc = start(tmp_path)
        try:
            wait_until(lambda: len(hook.received) == 1)
            proc.send_signal(signal.SIGTERM)  # while the receiver takes its time
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    with sqlite3.connect(tmp_path / "state" / "nm.db") as conn:
        rows = conn.execute("SELECT channel, status FROM outbox ORDER BY id").fetchall()
    assert ("hook", "sent") in rows and ("hook", "pending") not in rows
    assert len(hook.received) == 1


@pytest.mark.parametrize("journal", [True, False])
def test_log_format(journal: bool) -> None:
    env = {**os.environ}
    env.pop("JOURNAL_STREAM", None)
    if journal:
        env["JOURNAL_STREAM"] = "8:1234"
    code = ("import logging; from monitor.daemon import setup_logging; setup_logging('info'); "
            "logging.getLogger('news-monitor').warning('hello')")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=30).stderr.strip()
    if journal:
        assert err == "<4>news-monitor: hello"
    else:
        assert err.endswith("WARNING news-monitor: hello") and err[:4].isdigit()


def test_metrics_endpoint(server: FeedServer, tmp_path: Path) -> None:
    import httpx
    from mailserver import free_port

    port = free_port()
    toml = monitor_toml(tmp_path, {"a": server.url("/f/kyiv.atom")})
    toml = toml.replace("poll_jitter = 0", f'poll_jitter = 0\nmetrics = "127.0.0.1:{port}"')
    (tmp_path / "monitor.toml").write_text(toml)
    (tmp_path / "watchlist.toml").write_text(WATCHLIST)
    proc = start(tmp_path)
    try:
        def scraped() -> str:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1).text
            except httpx.HTTPError:
                return ""

        wait_until(lambda: 'news_monitor_polls_total{feed="a",status="ok"} 1.0' in scraped())
        text = scraped()
        assert 'news_monitor_items_total{feed="a",kind="new"} 12.0' in text
        assert 'news_monitor_last_success_timestamp_seconds{feed="a"}' in text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_metrics_must_be_loopback(tmp_path: Path) -> None:
    from monitor.config import ConfigError, load_config

    (tmp_path / "monitor.toml").write_text('[daemon]\nmetrics = "0.0.0.0:9464"\n')
    (tmp_path / "watchlist.toml").write_text("")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.lines[0].startswith(f"{tmp_path / 'monitor.toml'}: daemon.metrics: must be a loopback")
