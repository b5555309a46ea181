"""Bench: how well the engine judges stories it was not built around.

For each labelled corpus in tests/data/stories/ (French and English feeds, a key of the
revisions an analyst wants, written by hand), replay it with the first-version watchlist
(written from the README alone, kept as it was: what a new user gets) and with the tuned
one, and print revision precision and recall for both, with the false alerts and misses
(-v). The baseline for the ratio is the first version: tuned / first-version F1.
Run: python bench/stories.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stories import STORIES, Score, score


def f1(s: Score) -> float:
    p, r = s.precision, s.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    verbose = "-v" in sys.argv
    for story in sorted(p for p in STORIES.iterdir() if (p / "key.toml").exists()):
        scores = [score(story, story / name) for name in ("watchlist.first.toml", "watchlist.toml")
                  if (story / name).exists()]
        for s in scores:
            print(s.line())
            if verbose:
                for line in s.false_alerts:
                    print("   false:", line[:220])
                for line in s.missed:
                    print("   missed:", line)
        if len(scores) == 2 and f1(scores[0]):
            print(f"{story.name:10} tuned/first-version F1 ratio {f1(scores[1]) / f1(scores[0]):.2f}")


if __name__ == "__main__":
    main()
