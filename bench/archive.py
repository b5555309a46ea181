"""Bench: the item archive's size on ../shared/feeds-real and the backfill's speed.

1. Bytes per item: each item's title and text as the archive keeps them (JSON, zlib) at
   levels 1, 6 and 9, against the uncompressed JSON; then the archive's real cost in a
   SQLite file (every column and index), per item.
2. Backfill: a generated archive of --items versions (default 100,000: the feeds-real and
   replay items again and again, new uids, later dates) in a temporary SQLite store; a
   figure added to the watchlist is backfilled from it (`backfill.run`), against the
   baseline of `replay`'s engine judging the same items from memory (`Engine.process`),
   in the same process.
Run: python bench/archive.py [--items N]
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)] + [_HERE]

import argparse
import json
import sqlite3
import tempfile
import time
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from _corpus import ROOT, feed_files

from monitor import archive, backfill
from monitor.config import load_watchlist
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.feeds import parse_bytes
from monitor.models import Item
from monitor.replay import load_items
from monitor.store import open_store

FIG = "nk-troops-sent"


def real_items() -> list[Item]:
    items: dict[tuple[str, str], Item] = {}
    for p in feed_files():
        for it in parse_bytes(p.read_bytes(), feed=p.stem).items:
            items.setdefault((it.uid, it.content_hash), it)
    return list(items.values())


def sizes(items: list[Item]) -> None:
    raw = [json.dumps([it.title, it.text], ensure_ascii=False, separators=(",", ":")).encode()
           for it in items]
    n = len(items)
    print(f"items: {n} from {len(feed_files())} captures of ../shared/feeds-real")
    print(f"  uncompressed JSON [title, text]: {sum(map(len, raw)) / n:,.0f} bytes/item")
    for level in (1, 6, 9):
        t0 = time.perf_counter()
        out = [zlib.compress(r, level) for r in raw]
        dt = time.perf_counter() - t0
        mark = "  <- archive.LEVEL" if level == archive.LEVEL else ""
        print(f"  zlib level {level}: {(sum(map(len, out)) + n) / n:,.0f} bytes/item "
              f"(ratio {sum(map(len, raw)) / sum(map(len, out)):.2f}), "
              f"{n / dt:,.0f} items/s{mark}")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store("sqlite:///a.db", Path(tmp))
        db = Path(tmp) / "a.db"

        def used() -> int:
            with sqlite3.connect(db) as c:
                c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                pages, free = c.execute("PRAGMA page_count").fetchone()[0], c.execute(
                    "PRAGMA freelist_count").fetchone()[0]
                return int((pages - free) * c.execute("PRAGMA page_size").fetchone()[0])

        before = used()
        now = datetime.now(UTC)
        with store.tx() as conn:
            for it in items:
                archive.save(conn, it, now)
        after = used()
        store.close()
    print(f"  in a SQLite store (body, link, dates, feed, outlet and three indexes): "
          f"{(after - before) / n:,.0f} bytes/item")


def generated(base: list[Item], count: int) -> list[Item]:
    """`count` versions: the base items again and again, each round 30 days later."""
    out: list[Item] = []
    k = 0
    while len(out) < count:
        shift = timedelta(days=30 * k)
        for it in base:
            out.append(replace(it, uid=f"{it.uid}#{k}", link=f"{it.link}#{k}" if it.link else None,
                               published=it.published + shift if it.published else None,
                               updated=it.updated + shift if it.updated else None))
            if len(out) == count:
                break
        k += 1
    return out


def speed(base: list[Item], count: int) -> None:
    full = load_watchlist(ROOT / "config" / "watchlist.toml")
    less = full.model_copy(update={"figures": [f for f in full.figures if f.id != FIG]})
    wl = compile_watchlist(full)
    items = generated(base, count)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store("sqlite:///a.db", Path(tmp))
        store.seed_figures(compile_watchlist(less))
        backfill.sync(store, less)
        now = datetime.now(UTC)
        for i in range(0, len(items), 5000):
            with store.tx() as conn:
                for it in items[i:i + 5000]:
                    archive.save(conn, it, now)
        store.seed_figures(wl)
        backfill.sync(store, full)
        Engine(wl).process(items[0])  # the token cache warm, as a running daemon has it
        t0 = time.perf_counter()
        res = backfill.run(store, wl, full)
        t_back = time.perf_counter() - t0
        store.close()
    t0 = time.perf_counter()
    engine = Engine(wl)
    for it in items:
        engine.process(it)
    t_replay = time.perf_counter() - t0
    (ev,) = res.events
    print(f"backfill of {FIG} over a generated archive of {res.items:,} versions: "
          f"{res.items / t_back:,.0f} items/s ({t_back:.1f} s; {backfill.describe(ev)})")
    print(f"replay's engine over the same items from memory: {count / t_replay:,.0f} items/s "
          f"({t_replay:.1f} s)")
    print(f"ratio (backfill items/s / replay items/s): {t_replay / t_back:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    args = ap.parse_args()
    real = real_items()
    sizes(real)
    speed(real + load_items(sorted((ROOT / "tests/data/replay").glob("*.xml"))
                            + sorted((ROOT / "tests/data/replay").glob("*.atom"))), args.items)


if __name__ == "__main__":
    main()
