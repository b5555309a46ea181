"""Bench: sentences per second of `quantities` over the seeds and ../shared/feeds-real items,
against a bare `re.finditer(r"\\d[\\d\\s.,]*", text)` scan of the same sentences, and against
earlier readers of the same sentences, same process.

The earlier readers are `monitor/numbers.py` as git holds it at the commits in BASELINES
(`git show COMMIT:monitor/numbers.py`), loaded as a throwaway module for the run: the issue 15
reader, before money and percentages (the speed floor this reader must keep), and the first
reader of issue 16. Where git or a commit is missing the rows say so and are left out.

Run: python bench/numbers.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: keep this folder last.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import importlib.util
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from types import ModuleType

from _corpus import item_texts

from monitor.numbers import quantities
from monitor.text import sentences

ROOT = Path(__file__).resolve().parent.parent
BASELINES = {
    "f2ec896": "issue 15 reader (counts only)",
    "cbdf265": "issue 16 first reader",
}


def corpus() -> list[str]:
    return [t[s:e] for t in item_texts() for s, e in sentences(t)]


def earlier_reader(commit: str, folder: Path) -> ModuleType | str:
    """monitor/numbers.py at `commit`, imported under another name, or why it cannot be."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:monitor/numbers.py"],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"not in git here ({exc.__class__.__name__})"
    path = folder / f"numbers_{commit}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"numbers_{commit}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    sents = corpus()
    scan = re.compile(r"\d[\d\s.,]*")
    n_found = sum(len(quantities(s)) for s in sents)
    readers: dict[str, Callable[[str], object]] = {"quantities()": quantities}
    with tempfile.TemporaryDirectory() as tmp:
        for commit, label in BASELINES.items():
            old = earlier_reader(commit, Path(tmp))
            if isinstance(old, str):
                print(f"{label} ({commit}): {old}")
            else:
                readers[f"{label} ({commit})"] = old.quantities
    readers["bare re.finditer scan"] = lambda s: list(scan.finditer(s))
    # rounds interleave the readers, so a burst of load on this shared machine hits them alike
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(7):
        for name, read in readers.items():
            t0 = time.perf_counter()
            for s in sents:
                read(s)
            best[name] = min(best[name], time.perf_counter() - t0)
    ours = best["quantities()"]
    print(f"sentences: {len(sents)} ({n_found} quantities found)")
    for name, took in best.items():
        ratio = "" if name == "quantities()" else f"; ratio (its time / ours): {took / ours:.2f}"
        print(f"{name}: {len(sents) / took:,.0f} sentences/s{ratio}")


if __name__ == "__main__":
    main()
