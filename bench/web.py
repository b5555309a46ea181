"""Bench: the web pages under load while the daemon polls (issue 17).

200 local feeds (../shared/feeds-real in rotation, served by tests/feedserver.py in its own
process, ignoring conditional GET so every poll downloads its body) are polled by one
`Service`, as `run` does, in rounds for DURATION seconds: the first round reads, judges and
stores every item, the next ones fetch every body again (an unchanged body is not parsed).
Four runs in this process, each on a fresh SQLite store: without the web server; with it in
this process's event loop (as `run` serves it) answering the figures page to a client
sending RATE requests/s (a separate process, below); with the same load on `news-monitor serve`
in another process over the same store (what the machine's two cores cost, apart from the
event loop); and without the server again. Printed: each poll's time, whole (fetch, parse, judge, store, with
its waits for the parser) and its fetch alone (p50, p99, max), each round's time, the first
round's, the ratio of the loaded run to the mean of the two unloaded ones, and the page's
p50/p99 answer time and the rate achieved. Also the time to build the figures page
uncached (what a cache miss costs).

The load generator is wrk (Debian's package) when installed: it costs the shared cores little,
but each of its 8 connections waits for an answer before its next request (closed loop), so a
stalled server is sent fewer requests and its p99 looks better than an open-loop client would
see. Without wrk (or with --client httpx), an open-loop httpx client in another process sends
on schedule whatever the answers, at a higher CPU cost.

Run: python bench/web.py [--feeds 200] [--rate 200] [--seconds 30] [--client auto|wrk|httpx]
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time

from _corpus import ROOT, feed_files
from poll import start_server, write_config

from monitor.config import FeedConfig, load_config
from monitor.daemon import Service
from monitor.web import WebServer

CLIENT = r"""
import asyncio, json, sys, time
import httpx

async def main(url, rate, seconds):
    lat, errors = [], 0
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64), timeout=30) as c:
        await c.get(url)  # warm: the first build
        async def one():
            nonlocal errors
            t = time.perf_counter()
            try:
                r = await c.get(url)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
                return
            lat.append(time.perf_counter() - t)
        tasks = []
        t0 = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one()))
        sent = time.perf_counter() - t0
        await asyncio.gather(*tasks)
    lat.sort()
    print(json.dumps({"n": len(lat), "errors": errors, "rate": n / sent,
                      "p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)],
                      "max": lat[-1]}), flush=True)

asyncio.run(main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3])))
"""


# wrk (Debian's package) when it is installed: a C client costs the two cores far less than
# httpx does. Each of CONNECTIONS connections waits `delay` ms between its requests.
WRK_SCRIPT = r"""
local pause = tonumber(os.getenv("NM_DELAY_MS"))
function delay() return pause end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"n": %d, "errors": %d, "rate": %f, "p50": %f, "p99": %f, "max": %f}\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e6,
    latency:percentile(99) / 1e6, latency.max / 1e6))
end
"""
CONNECTIONS = 8


async def start_client(kind: str, url: str, rate: float, seconds: float
                       ) -> asyncio.subprocess.Process:
    if kind == "wrk":
        script = Path(tempfile.gettempdir()) / "nm-bench-web.lua"
        script.write_text(WRK_SCRIPT)
        return await asyncio.create_subprocess_exec(
            "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{int(seconds)}s", "-s", str(script), url,
            stdout=asyncio.subprocess.PIPE, env={**os.environ,
                                                  "NM_DELAY_MS": str(max(1, round(CONNECTIONS * 1000 / rate) - 1))})
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, url, str(rate), str(seconds),
        stdout=asyncio.subprocess.PIPE, cwd=ROOT)


async def read_client(client: asyncio.subprocess.Process) -> dict[str, object]:
    assert client.stdout is not None
    out = (await client.stdout.read()).decode()
    await client.wait()
    line = next(x for x in out.splitlines() if x.startswith("{"))
    result: dict[str, object] = json.loads(line)
    return result


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def one_run(cfg_dir: Path, web: str, rate: float, seconds: float, client_kind: str,
                  path: str = "/") -> dict[str, object]:
    """`web`: "" (no server), "in-loop" (in this process's event loop, as `run` does) or
    "serve" (`news-monitor serve` in another process over the same store)."""
    svc = Service(load_config(cfg_dir))
    server = client = other = None
    polls: list[float] = []  # each poll, whole: fetch, parse, judge, store (and queueing)
    fetches: list[float] = []  # each poll's fetch alone
    rounds: list[float] = []

    async def timed(feed: FeedConfig) -> float:
        t = time.perf_counter()
        report = await svc.poll(feed)
        fetches.append(report.elapsed)
        return time.perf_counter() - t

    cpu0 = time.process_time()
    try:
        if web:
            if web == "in-loop":
                server = WebServer(svc.store, lambda: (svc.cfg, svc.wl))
                (url,) = await server.start("127.0.0.1:0")
            else:
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                other = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "monitor", "serve", "--config", str(cfg_dir),
                    "--listen", f"127.0.0.1:{port}", cwd=ROOT)
                await asyncio.sleep(3.0)  # started and listening
            client = await start_client(client_kind, url + path, rate, seconds)
            await asyncio.sleep(1.0)  # the client is up and sending
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds or not rounds:
            r0 = time.perf_counter()
            polls += await asyncio.gather(*(timed(f) for f in svc.cfg.monitor.feeds))
            await svc.workers.flush()
            rounds.append(time.perf_counter() - r0)
        out: dict[str, object] = {}
        if client is not None:
            out["page"] = await read_client(client)
        out.update({"first": rounds[0], "rounds": rounds[1:], "polls": polls, "fetches": fetches,
                    "cpu": time.process_time() - cpu0, "wall": time.perf_counter() - t0})
        return out
    finally:
        if server is not None:
            await server.stop()
        if other is not None:
            other.terminate()
            await other.wait()
        await svc.aclose()


def build_time(cfg_dir: Path) -> float:
    """Milliseconds to build the figures page once, uncached (best of 5)."""
    from monitor.web import Pages

    svc_cfg = load_config(cfg_dir)
    from monitor.engine.watchlist import compile_watchlist
    from monitor.store import Store

    wl = compile_watchlist(svc_cfg.watchlist)
    store = Store(f"sqlite:///{cfg_dir / 'state' / 'bench.db'}")
    pages = Pages(store, lambda: (svc_cfg, wl))
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        pages.figures()
        best = min(best, time.perf_counter() - t)
    store.close()
    return best * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--path", default="/", help="the page requested (default: the figures page)")
    ap.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto",
                    help="load generator: wrk if installed (auto), else httpx in a process")
    args = ap.parse_args()
    import shutil

    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk")
                                                         else "httpx")
    files = feed_files()
    proc, port = start_server(files[0].parent, conditional=False)
    print(f"{args.feeds} feeds over {len(files)} captures; {os.cpu_count()} cores "
          f"(shared with whatever else runs; load average {os.getloadavg()[0]:.1f}); page load "
          f"{args.rate:g} requests/s for {args.seconds:g} s from {client}")
    results = {}
    try:
        for label, web in (("without web", ""), ("with web", "in-loop"),
                           ("web in another process", "serve"), ("without web again", "")):
            with tempfile.TemporaryDirectory() as tmp:
                cfg = write_config(Path(tmp), port, [p.name for p in files], args.feeds)
                subprocess.run([sys.executable, "-m", "monitor", "db", "upgrade", "--config",
                                str(cfg)], check=True, capture_output=True, cwd=ROOT)
                res = asyncio.run(one_run(cfg, web, args.rate, args.seconds, client, args.path))
                if web == "in-loop":
                    res["build_ms"] = build_time(cfg)
            results[label] = res
            polls, fetches, rounds = res["polls"], res["fetches"], res["rounds"]
            assert isinstance(polls, list) and isinstance(rounds, list)
            assert isinstance(fetches, list)
            line = (f"[{label}] first round {res['first']:.2f} s; later rounds: {len(rounds)}, "
                    f"mean {statistics.mean(rounds) if rounds else float('nan'):.2f} s; "
                    f"each poll p50 {pct(polls, .5) * 1000:.0f} ms, p99 "
                    f"{pct(polls, .99) * 1000:.0f} ms, max {max(polls) * 1000:.0f} ms "
                    f"(its fetch p50 {pct(fetches, .5) * 1000:.0f} ms, p99 "
                    f"{pct(fetches, .99) * 1000:.0f} ms); "
                    f"this process's CPU {res['cpu']:.1f} s in {res['wall']:.1f} s")
            print(line, flush=True)
            if web:
                page = res["page"]
                assert isinstance(page, dict)
                print(f"[{label}] {args.path}: {page['n']} answers, {page['errors']} errors, "
                      f"{page['rate']:.0f} requests/s sent, p50 {page['p50'] * 1000:.1f} ms, "
                      f"p99 {page['p99'] * 1000:.1f} ms, max {page['max'] * 1000:.1f} ms"
                      + (f"; one uncached build {res['build_ms']:.1f} ms" if "build_ms" in res
                         else ""), flush=True)
    finally:
        proc.terminate()
        proc.wait()
    base = [results["without web"], results["without web again"]]

    def ratio(loaded: dict[str, object], key: str, f: object) -> float:
        vals = [f(r[key]) for r in base]  # type: ignore[operator]
        return float(f(loaded[key]) / statistics.mean(vals))  # type: ignore[operator]

    for label in ("with web", "web in another process"):
        loaded = results[label]
        print(f"ratio {label} / without (mean of the two runs without): first round "
              f"{ratio(loaded, 'first', lambda x: x):.2f}, later rounds "
              f"{ratio(loaded, 'rounds', statistics.mean):.2f}, poll p50 "
              f"{ratio(loaded, 'polls', lambda p: pct(p, .5)):.2f}, poll p99 "
              f"{ratio(loaded, 'polls', lambda p: pct(p, .99)):.2f}")


if __name__ == "__main__":
    main()
