"""Bench: 200 feeds on a local server serving ../shared/feeds-real in rotation.

Rounds: a first poll of all 200 (fetch, parse, judge, store), a second where every feed
answers 304, then the same two against a server that ignores conditional GET (the second
round downloads everything again; an unchanged body is not parsed). Prints wall time and the
poller's peak RSS (the server runs in another process). For reference, rss2email 3.14 on this
kind of machine: 2.24 s for the all-304 round, 27.1 s for a full re-fetch and re-parse, 47-50 MB.

Run: python bench/poll.py [--feeds 200]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last
# (and the children these benches start run from the project root).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import argparse
import asyncio
import resource
import subprocess
import tempfile
import time

from _corpus import ROOT, feed_files

from monitor.config import load_config
from monitor.daemon import Service

SERVER = """
import sys
sys.path.append({tests!r})
from pathlib import Path
from feedserver import FeedServer
s = FeedServer(Path({root!r}), conditional={conditional!r}).start()
print(s.port, flush=True)
s.thread.join()
"""


def start_server(root: Path, conditional: bool) -> tuple[subprocess.Popen[str], int]:
    """The feed server in its own process, so the poller's RSS and CPU are its own."""
    code = SERVER.format(tests=str(ROOT / "tests"), root=str(root), conditional=conditional)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_config(folder: Path, port: int, names: list[str], n: int) -> Path:
    lines = ["[daemon]", 'store = "sqlite:///bench.db"', f'state_dir = "{folder / "state"}"',
             'log_level = "error"', "", "[fetch]", "concurrency = 16", "per_host = 4", ""]
    for i in range(n):
        name = names[i % len(names)]
        lines += ["[[feeds]]", f'name = "feed{i:03d}"',
                  f'url = "http://127.0.0.1:{port}/f/{name}?copy={i}"', "allow_private = true", ""]
    (folder / "monitor.toml").write_text("\n".join(lines) + "\n")
    (folder / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return folder


async def rounds(cfg_dir: Path) -> list[tuple[str, float, dict[str, int]]]:
    svc = Service(load_config(cfg_dir))
    out = []
    try:
        for label in ("first round", "second round"):
            t0 = time.perf_counter()
            reports = await asyncio.gather(*(svc.poll(f) for f in svc.cfg.monitor.feeds))
            await svc.workers.flush()  # every feed row committed
            took = time.perf_counter() - t0
            statuses: dict[str, int] = {}
            for r in reports:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            out.append((label, took, statuses))
    finally:
        await svc.aclose()
    return out


def one_mode(n: int, conditional: bool) -> None:
    """Both rounds against one server, in this process (the peak RSS is this mode's own)."""
    files = feed_files()
    proc, port = start_server(files[0].parent, conditional)
    kind = "server honours conditional GET" if conditional else "server ignores conditional GET"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = write_config(Path(tmp), port, [p.name for p in files], n)
            # deploy step: the schema is created beforehand, as `news-monitor db upgrade`
            subprocess.run([sys.executable, "-m", "monitor", "db", "upgrade", "--config",
                            str(cfg)], check=True, capture_output=True, cwd=ROOT)
            for label, took, statuses in asyncio.run(rounds(cfg)):
                print(f"[{kind}] {label}: {took:.2f} s  {statuses}")
    finally:
        proc.terminate()
        proc.wait()
    print(f"[{kind}] peak RSS of the poller: {rss_mb():.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--mode", choices=["conditional", "ignore"])
    args = ap.parse_args()
    if args.mode:
        one_mode(args.feeds, args.mode == "conditional")
        return
    files = feed_files()
    total = sum(files[i % len(files)].stat().st_size for i in range(args.feeds))
    print(f"{args.feeds} feeds over {len(files)} captures ({total / 1e6:.1f} MB a round)")
    for mode in ("conditional", "ignore"):  # each in a fresh process
        subprocess.run([sys.executable, __file__, "--feeds", str(args.feeds), "--mode", mode],
                       check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
