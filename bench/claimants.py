"""Bench: how well claimants are read, on the labelled sentences of tests/data/claimants/.

Prints, per story and overall, the share of sentences whose claimant is read right (declared
ones by id, undeclared ones by name, none as none), beside a baseline run in the same process:
the first declared name found anywhere in the sentence, else none (what keyword matching
gives). Then the reading speed in sentences per second against `quantities()` on the same
sentences. Run: python bench/claimants.py [-v]
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.config import WatchlistConfig
from monitor.engine import claimant as claiming
from monitor.engine.watchlist import compile_watchlist
from monitor.numbers import quantities
from tests.claimants import CORPUS, right, score


def baseline(path: Path) -> tuple[int, int]:
    """First declared name anywhere in the sentence (keyword matching)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    wl = compile_watchlist(WatchlistConfig.model_validate({
        "claimants": data["claimants"],
        "figures": [{"id": "x", "label": "x", "subject": ["x"], "unit": ["x"]}]}))
    ok = 0
    for s in data["sentences"]:
        hits = [wl.claimant_phrases[h.phrase] for h in wl.matcher.find(s["text"])
                if h.phrase in wl.claimant_phrases]
        ok += right(s["claimant"], hits[0] if hits else "")
    return ok, len(data["sentences"])


def speed() -> tuple[float, float]:
    rows = []
    for path in sorted(CORPUS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        wl = compile_watchlist(WatchlistConfig.model_validate({
            "claimants": data["claimants"],
            "figures": [{"id": "x", "label": "x", "subject": ["x"], "unit": ["x"]}]}))
        for s in data["sentences"]:
            rows.append((wl, s["text"], quantities(s["text"]), wl.matcher.find(s["text"])))
    best_c = best_q = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for wl, text, found, hits in rows:
            claiming.read(wl, text, found, hits)
        best_c = min(best_c, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _wl, text, _f, _h in rows:
            quantities(text)
        best_q = min(best_q, time.perf_counter() - t0)
    return len(rows) / best_c, len(rows) / best_q


def main() -> None:
    verbose = "-v" in sys.argv
    total_ok = total = base_ok = 0
    for path in sorted(CORPUS.glob("*.toml")):
        r = score([path])
        n = r.declared.total + r.undeclared.total + r.none.total
        ok = r.declared.right + r.undeclared.right + r.none.right
        b_ok, b_n = baseline(path)
        total_ok, total, base_ok = total_ok + ok, total + n, base_ok + b_ok
        print(f"{path.stem:16} claimant right {ok}/{n} ({ok / n:.2f})   baseline {b_ok}/{b_n} "
              f"({b_ok / b_n:.2f})")
        if verbose:
            for w in r.declared.wrong + r.undeclared.wrong + r.none.wrong:
                print("    " + w)
    r = score()
    print(f"overall: {total_ok}/{total} ({total_ok / total:.3f}); declared "
          f"{r.declared.right}/{r.declared.total}, undeclared {r.undeclared.right}/"
          f"{r.undeclared.total}, none kept none {r.none.right}/{r.none.total} "
          f"({r.none.rate:.3f})")
    print(f"baseline (first declared name in the sentence): {base_ok}/{total} "
          f"({base_ok / total:.3f}); ratio ours/baseline {total_ok / base_ok:.2f}")
    ours, q = speed()
    print(f"speed: claimant reading {ours:,.0f} sentences/s; quantities() {q:,.0f} "
          f"sentences/s on the same sentences (ratio {ours / q:.2f})")


if __name__ == "__main__":
    main()
