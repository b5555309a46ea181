"""Bench: feeds polled per second with 1, 2 and 3 `news-monitor run` instances on PostgreSQL,
and 1 on SQLite, same feeds, same run.

1000 small feeds on a local server (in its own process), every feed due every 5 s, so the
offered load (200 polls/s) is above what the instances can do; each configuration runs for
20 s after its first round and the server counts the fetches.
Needs PostgreSQL at $NEWS_MONITOR_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test).

Run: python bench/scaleout.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last
# (and the children these benches start run from the project root).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import os
import signal
import subprocess
import tempfile
import time
import uuid

import httpx
import psycopg
from _corpus import ROOT

FEEDS = 1000
INTERVAL = 5
WARMUP = 8.0
WINDOW = 20.0
PG = os.environ.get("NEWS_MONITOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ENV = {**os.environ, "NEWS_MONITOR_MIN_INTERVAL": "5"}

SERVER = """
import sys, json
sys.path.append({tests!r})
from http.server import BaseHTTPRequestHandler
from feedserver import FeedServer
s = FeedServer()
for i in range({n}):
    s.files["feed%04d" % i] = ('<rss version="2.0"><channel><title>Feed %d</title><item>'
        '<title>Kursk update %d</title><guid>g%d</guid><description>About %d troops.'
        '</description></item></channel></rss>' % (i, i, i, i + 2)).encode()
s.start()
print(s.port, flush=True)
s.thread.join()
"""


def count(port: int) -> int:
    return int(httpx.get(f"http://127.0.0.1:{port}/count", timeout=5).text)


def main() -> None:
    code = SERVER.format(tests=str(ROOT / "tests"), n=FEEDS)
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout is not None
    port = int(server.stdout.readline())
    try:
        for label, engine, n in (("SQLite", "sqlite", 1), ("PostgreSQL", "pg", 1),
                                 ("PostgreSQL", "pg", 2), ("PostgreSQL", "pg", 3)):
            rate = run(port, engine, n)
            print(f"{label}, {n} instance(s): {rate:.0f} feeds polled/s")
    finally:
        server.terminate()


def run(port: int, engine: str, n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if engine == "pg":
            name = f"nm_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = PG.replace("postgresql://", "postgresql+psycopg://", 1).rsplit("/", 1)[0] + "/" + name
        else:
            name, url = "", "sqlite:///bench.db"
        lines = ["[daemon]", f'store = "{url}"', f'state_dir = "{folder / "state"}"',
                 "poll_jitter = 1", 'log_level = "error"', "", "[fetch]", "concurrency = 16",
                 "per_host = 16", ""]
        for i in range(FEEDS):
            lines += ["[[feeds]]", f'name = "feed{i:04d}"',
                      f'url = "http://127.0.0.1:{port}/f/feed{i:04d}"', "allow_private = true",
                      f"interval = {INTERVAL}", ""]
        (folder / "monitor.toml").write_text("\n".join(lines) + "\n")
        (folder / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
        subprocess.run([sys.executable, "-m", "monitor", "db", "upgrade", "--config",
                        str(folder)], check=True, capture_output=True, env=ENV, cwd=ROOT)
        procs = [subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config",
                                   str(folder)], env=ENV, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, cwd=ROOT) for _ in range(n)]
        try:
            time.sleep(WARMUP)  # the first round (parse and judge every feed) is over by then
            before = count(port)
            time.sleep(WINDOW)
            done = count(port) - before
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
            if name:
                with psycopg.connect(PG, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return done / WINDOW


if __name__ == "__main__":
    main()
