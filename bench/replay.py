"""Bench: items per second of the pure pipeline (numbers + match + judge) on
../shared/feeds-real, against `feedparser.parse` of the same bytes in the same process.

Prints, all measured in this run:
- feedparser's items/s (the yardstick);
- the pipeline's items/s with the shipped watchlist (config/watchlist.toml), its token
  caches warm as a running daemon has them (target: 10,000 items/s);
- the same with a generated watchlist of 300 terms and 100 figures (tests/bigwatchlist.py)
  and the slowdown against the shipped one (target: no more than 1.5), and the slowdown of
  matching alone (the rest is reading the numbers of the many more items such a watchlist
  gives figures to);
- end to end in process: `parse_bytes` (the default parser) and then the pipeline;
- whole process, start-up included: `news-monitor replay --jsonl` over the real feeds
  against a feedparser-only pass (a python -c that parses each file) over the same files,
  best of 3 each (target: replay at least 3 times faster); replay on the processors
  available (its default) and with `--jobs 1`, and its start-up alone (one small feed).
Run: python bench/replay.py [--no-process]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import subprocess
import time

import feedparser
from _corpus import ROOT, best_of, feed_files

from monitor.config import load_watchlist
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import Watchlist, compile_watchlist
from monitor.feeds import parse_bytes
from monitor.models import Item
from monitor.workers import default_jobs
from tests.bigwatchlist import generated_watchlist

ROUNDS = 5


def _pipeline(wl: Watchlist, items: list[Item]) -> tuple[float, int]:
    """Best time of ROUNDS fresh engines over `items` (every item judged), after one warm-up
    run that fills the matcher's caches; and the events of a run."""

    def run() -> int:
        engine = Engine(wl)
        return sum(len(engine.process(it)) for it in items)

    events = run()
    return best_of(run, ROUNDS), events


def _matching(wl: Watchlist, items: list[Item]) -> float:
    """Best time of ROUNDS of matching alone (fold, cut, find the phrases of every title and
    text), caches warm: what should cost about the same with 5 watches or 500."""

    def run() -> None:
        m = wl.matcher
        for it in items:
            m.scan(it.title)
            tok = m.tokenised(it.text)
            if tok is not None:
                m.find_all(tok).phrases()

    run()
    return best_of(run, ROUNDS)


def _process(cmd: list[str]) -> float:
    """Best wall time of 3 runs of a whole process."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    files = feed_files()
    blobs = [p.read_bytes() for p in files]
    items: list[Item] = []
    for b in blobs:
        items += parse_bytes(b).items
    n = len(items)
    shipped = compile_watchlist(load_watchlist(Path(ROOT / "config" / "watchlist.toml")))
    generated = compile_watchlist(generated_watchlist(300, 100))

    fp_runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for b in blobs:
            feedparser.parse(b)
        fp_runs.append(time.perf_counter() - t0)
    t_fp = min(fp_runs)
    t_ship, ev_ship = _pipeline(shipped, items)
    t_gen, ev_gen = _pipeline(generated, items)
    m_ship, m_gen = _matching(shipped, items), _matching(generated, items)
    ends = []
    for _ in range(3):
        t0 = time.perf_counter()
        engine = Engine(shipped)
        for b in blobs:
            for it in parse_bytes(b).items:
                engine.process(it)
        ends.append(time.perf_counter() - t0)
    t_end = min(ends)

    mb = sum(map(len, blobs)) / 1e6
    print(f"items: {n} from {len(blobs)} feeds ({mb:.1f} MB)")
    print(f"feedparser.parse: {n / t_fp:,.0f} items/s ({t_fp * 1e3 / n:.3f} ms/item)")
    print(f"pipeline, shipped watchlist ({len(shipped.terms)} terms, {len(shipped.figures)} "
          f"figures; {ev_ship} events): {n / t_ship:,.0f} items/s ({t_ship * 1e3 / n:.3f} "
          f"ms/item); {t_fp / t_ship:.1f}x feedparser")
    print(f"pipeline, generated watchlist ({len(generated.terms)} terms, "
          f"{len(generated.figures)} figures; {ev_gen} events): {n / t_gen:,.0f} items/s "
          f"({t_gen * 1e3 / n:.3f} ms/item); {t_fp / t_gen:.1f}x feedparser")
    print(f"generated / shipped time: {t_gen / t_ship:.2f} (target <= 1.5)")
    print(f"matching alone (every title and text): shipped {n / m_ship:,.0f} items/s, "
          f"generated {n / m_gen:,.0f} items/s, generated / shipped time {m_gen / m_ship:.2f}")
    print(f"end to end (parse_bytes + pipeline, shipped): {n / t_end:,.0f} items/s "
          f"({t_end * 1e3 / n:.3f} ms/item)")
    if "--no-process" in sys.argv:
        return
    paths = [str(p) for p in files]
    # as installed: the package's bytecode cached, as pip writes it for feedparser (an
    # editable install under PYTHONDONTWRITEBYTECODE would compile every module every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "monitor")],
                   check=True)
    replay_cmd = [sys.executable, "-m", "monitor", "replay", "--jsonl", "--config",
                  str(ROOT / "config"), *paths]
    one = _process([*replay_cmd, "--jobs", "1"])
    replay = _process(replay_cmd)
    start = _process([sys.executable, "-m", "monitor", "replay", "--jsonl", "--config",
                      str(ROOT / "config"), str(ROOT / "tests" / "data" / "replay" / "kyiv.atom")])
    parse_only = _process([sys.executable, "-c", "import sys, feedparser\n"
                           "for f in sys.argv[1:]:\n    feedparser.parse(open(f, 'rb').read())",
                           *paths])
    print(f"whole process, start-up included: feedparser-only pass {parse_only:.2f} s; "
          f"replay --jsonl {replay:.2f} s on {default_jobs()} processes: "
          f"{parse_only / replay:.1f}x faster (target >= 3); with --jobs 1 {one:.2f} s: "
          f"{parse_only / one:.1f}x; start-up alone (one small feed) {start:.2f} s")


if __name__ == "__main__":
    main()
