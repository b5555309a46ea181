"""The item archive: the text of every item version read, compressed, kept for `archive` days.

Each new or changed item is written here in the transaction that judges it (`Store`), so
what was read is exactly what was judged. One row per (uid, content hash): an article
updated in place keeps each version, as a feed read again would show it. The body is one
codec byte and the zlib-compressed JSON `[title, text]` (level chosen in bench/archive.py);
the rest (link, dates, feed, outlet, language) stays in plain columns for lookups.

Pruning deletes rows read longer ago than the retention, a few hundred at a time, each batch
its own short transaction: a poll waits at most for one batch. The items table is not
pruned, so an item read again after its text was pruned keeps its uid and hash and is not
judged (nor alerted) again.

`backtest`, `backfill` and `explain --link` read items back from here (`ordered_ids`, `load`,
`by_link`), in the order replay judges feed files: updated-or-published time, then the order
they were read, undated last.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select

from monitor.models import Item
from monitor.schema import archive

if TYPE_CHECKING:
    from monitor.store import Store

ZLIB = b"z"  # codec byte of a body: zlib over UTF-8 JSON [title, text]
LEVEL = 6  # zlib level: see bench/archive.py (9 saves under 1% more, at twice the time)
DEFAULT_KEEP = 90 * 86400.0  # [daemon] archive: 90 days
PRUNE_BATCH = 500  # rows deleted per transaction
READ_BATCH = 500  # rows read per query when reading the archive back


def encode(title: str, text: str, level: int = LEVEL) -> bytes:
    """An item's title and text as a compressed body."""
    raw = json.dumps([title, text], ensure_ascii=False, separators=(",", ":")).encode()
    return ZLIB + zlib.compress(raw, level)


def decode(body: bytes) -> tuple[str, str]:
    """(title, text) of a body written by `encode`."""
    codec, data = body[:1], body[1:]
    if codec != ZLIB:
        raise ValueError(f"archive body of an unknown codec {codec!r}")
    title, text = json.loads(zlib.decompress(data))
    return str(title), str(text)


def link_key(link: str | None) -> str | None:
    """The indexed key of a link (links are up to 2,000 characters: too long for an index)."""
    return hashlib.sha256(link.encode()).hexdigest()[:32] if link else None


def save(conn: Connection, item: Item, now: datetime) -> None:
    """Archive one item version, inside the caller's judging transaction (once per uid and
    content hash)."""
    exists = conn.execute(select(archive.c.id).where(
        archive.c.uid == item.uid, archive.c.content_hash == item.content_hash).limit(1)).first()
    if exists:
        return
    conn.execute(insert(archive).values(
        uid=item.uid, content_hash=item.content_hash, feed=item.feed, source=item.source,
        link=item.link, link_key=link_key(item.link), published=item.published,
        updated=item.updated, language=item.language, stored_at=now,
        body=encode(item.title, item.text)))


def _utc(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


def item_of(row: Any) -> Item:
    title, text = decode(row.body)
    return Item(uid=row.uid, title=title, text=text, link=row.link,
                published=_utc(row.published), updated=_utc(row.updated), source=row.source,
                content_hash=row.content_hash, feed=row.feed, language=row.language)


def prune(store: Store, keep: float, now: datetime | None = None,
          batch: int = PRUNE_BATCH, pause: float = 0.01) -> int:
    """Delete the versions read more than `keep` seconds ago (all of them for 0), `batch`
    rows per transaction with a pause between, so a poll never waits for more than one
    batch. Returns how many were deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=keep)
    total = 0
    while True:
        with store.tx() as conn:
            ids = [r[0] for r in conn.execute(
                select(archive.c.id).where(archive.c.stored_at <= cutoff)
                .order_by(archive.c.id).limit(batch))]
            if ids:
                conn.execute(delete(archive).where(archive.c.id.in_(ids)))
        total += len(ids)
        if len(ids) < batch:
            return total
        time.sleep(pause)


def by_link(store: Store, link: str) -> Item | None:
    """The latest archived version of the item with this link, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(select(archive).where(
            archive.c.link_key == link_key(link), archive.c.link == link)
            .order_by(archive.c.id.desc()).limit(1)).first()
    return item_of(row) if row is not None else None


def ordered_ids(store: Store, after: int = 0, upto: int | None = None,
                conn: Connection | None = None) -> list[int]:
    """Ids of the archived versions with after < id <= upto, in judging order: updated-or-
    published time, then the order they were read; undated ones last (as `order_items`)."""
    q = select(archive.c.id, archive.c.updated, archive.c.published).where(archive.c.id > after)
    if upto is not None:
        q = q.where(archive.c.id <= upto)
    if conn is None:
        with store.engine.connect() as c:
            rows = c.execute(q).all()
    else:
        rows = conn.execute(q).all()
    far = datetime.max.replace(tzinfo=UTC)
    return [r.id for r in sorted(rows, key=lambda r: (_utc(r.updated or r.published) or far,
                                                      r.id))]


def load(store: Store, ids: Sequence[int], conn: Connection | None = None,
         batch: int = READ_BATCH) -> Iterator[tuple[int, Item]]:
    """The archived versions with these ids, in the order given, read `batch` at a time."""
    for i in range(0, len(ids), batch):
        chunk = list(ids[i:i + batch])
        q = select(archive).where(archive.c.id.in_(chunk))
        if conn is None:
            with store.engine.connect() as c:
                rows = {r.id: r for r in c.execute(q)}
        else:
            rows = {r.id: r for r in conn.execute(q)}
        for rid in chunk:
            if rid in rows:  # pruned meanwhile: gone
                yield rid, item_of(rows[rid])


def all_items(store: Store) -> Iterator[Item]:
    """Every archived version, in judging order."""
    return (item for _id, item in load(store, ordered_ids(store)))


def high(store: Store, conn: Connection | None = None) -> int:
    """The highest archive id (0 for an empty archive)."""
    q = select(func.max(archive.c.id))
    if conn is None:
        with store.engine.connect() as c:
            return int(c.execute(q).scalar() or 0)
    return int(conn.execute(q).scalar() or 0)


@dataclass(frozen=True, slots=True)
class Stats:
    """What the archive holds: versions, their compressed bytes, the read-time span."""

    items: int
    body_bytes: int
    oldest: datetime | None
    newest: datetime | None


def stats(store: Store) -> Stats:
    with store.engine.connect() as conn:
        n, size, lo, hi = conn.execute(select(
            func.count(), func.coalesce(func.sum(func.length(archive.c.body)), 0),
            func.min(archive.c.stored_at), func.max(archive.c.stored_at))).one()
    return Stats(int(n), int(size), _utc(lo), _utc(hi))
