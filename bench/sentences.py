"""Bench: sentences per second of `sentences()` over the seeds and ../shared/feeds-real items
(title and text, as the pipeline reads them), against a bare `re.split(r"[.!?]\\s+", text)`
of the same texts, same process.

Run: python bench/sentences.py
"""

from __future__ import annotations

import re

from _corpus import best_of, item_texts

from monitor.text import sentences


def corpus() -> list[str]:
    return item_texts()


def main() -> None:
    texts = corpus()
    bare = re.compile(r"[.!?]\s+")
    n = sum(len(sentences(t)) for t in texts)
    n_bare = sum(len(bare.split(t)) for t in texts)
    ours = best_of(lambda: [sentences(t) for t in texts])
    base = best_of(lambda: [bare.split(t) for t in texts])
    chars = sum(len(t) for t in texts)
    print(f"items: {len(texts)} ({chars / 1e6:.1f} M characters); sentences: {n} "
          f"(bare split: {n_bare} pieces)")
    print(f"sentences(): {n / ours:,.0f} sentences/s ({len(texts) / ours:,.0f} items/s)")
    print(f"bare re.split: {n / base:,.0f} sentences/s (same sentence count)")
    print(f"ratio (bare time / ours): {base / ours:.3f}  (ours is {ours / base:.1f}x slower)")


if __name__ == "__main__":
    main()
