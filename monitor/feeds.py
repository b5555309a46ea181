"""Feed bytes -> `Item`s, through feedparser (never given a URL or a path).

The uid is the entry's guid, else its link, else a hash of title and date (RELIABILITY.md 18).
The content hash covers title, text and link only, so a feed that bumps `updated` on every
fetch does not make an item look changed.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from monitor.models import Item
from monitor.text import clean, html_to_text

MAX_FIELD = 100_000  # characters kept of a title or text (RELIABILITY.md 20)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


class NotAFeed(ValueError):
    """The body is empty, an HTML page, or has no entries and no feed element."""


class HostileFeed(ValueError):
    """The body declares XML entities (billion laughs, XXE): refused before any parser runs."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    items: tuple[Item, ...]
    bozo: str | None


EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def _time(struct: Any) -> datetime | None:
    """UTC time of a feedparser date; None for none, 1970-style zero dates, or dates more
    than two days ahead (RELIABILITY.md 19: such items take their first-seen time)."""
    if not struct:
        return None
    try:
        when = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None
    if when < EARLIEST or when > datetime.now(UTC) + timedelta(days=2):
        return None
    return when


def safe_link(link: str | None) -> str | None:
    """Only http(s) links survive (no javascript:, data:, file:)."""
    if link and re.match(r"^https?://", link.strip(), re.IGNORECASE):
        return link.strip()
    return None


def content_hash(title: str, text: str, link: str | None) -> str:
    canon = json.dumps([title, text, link or ""], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:32]


def _entry_text(entry: Any) -> str:
    parts: list[str] = []
    for c in entry.get("content") or []:
        value = c.get("value") or ""
        if value:
            parts.append(value)
    summary = entry.get("summary") or ""
    if summary and not any(summary.strip() in p for p in parts):
        parts.insert(0, summary)
    return "\n".join(html_to_text(p) for p in parts)[:MAX_FIELD]


def entry_to_item(entry: Any, source: str, feed: str = "", language: str | None = None) -> Item:
    """One feedparser entry as an `Item` (pure; used for both the daemon and replay)."""
    title = clean(html_to_text(entry.get("title") or ""))[:MAX_FIELD]
    text = _entry_text(entry)
    link = safe_link(entry.get("link"))
    published = _time(entry.get("published_parsed"))
    updated = _time(dict.get(entry, "updated_parsed"))  # no feedparser fallback mapping
    guid = (entry.get("id") or "").strip()
    uid = guid or link or "sha256:" + hashlib.sha256(
        f"{title}\x00{published or updated or ''}".encode()
    ).hexdigest()[:32]
    return Item(
        uid=uid[:2000],
        title=title,
        text=text,
        link=link,
        published=published,
        updated=updated,
        source=source,
        content_hash=content_hash(title, text, link),
        feed=feed,
        language=language,
    )


def parse_bytes(
    data: bytes, feed: str = "", language: str | None = None
) -> ParsedFeed:
    """Parse one feed body. Raises NotAFeed or HostileFeed; bozo warnings are returned."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_bytes takes bytes, never a URL or a path")
    if not data.strip():
        raise NotAFeed("empty body")
    if _ENTITY_DECL.search(data[:65536]):
        raise HostileFeed("the feed declares XML entities")
    parsed = feedparser.parse(bytes(data))
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version and not entries:
        raise NotAFeed("no RSS or Atom feed found in the body")
    title = clean(html_to_text(parsed.get("feed", {}).get("title") or "")) or feed
    items = tuple(entry_to_item(e, title, feed, language) for e in entries)
    bozo = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    return ParsedFeed(title, items, bozo)


def order_items(items: Iterable[Item]) -> list[Item]:
    """Entries by updated-or-published time; undated ones keep their place after dated peers."""
    indexed = list(enumerate(items))
    far = datetime.max.replace(tzinfo=UTC)
    return [it for _i, it in sorted(indexed, key=lambda p: (p[1].when or far, p[0]))]
