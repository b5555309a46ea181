"""The reference backend: feedparser reads the body (loose parser, every encoding trick, every
feed dialect). Slow, about 1 ms an entry, so it is the safety net behind `read_fast`."""

from __future__ import annotations

from typing import Any

from monitor.dates import parse_date
from monitor.models import RawEntry, RawFeed


class NoFeed(ValueError):
    """feedparser found neither a feed element nor an entry."""


def _entry(e: Any) -> RawEntry:
    return RawEntry(
        guid=(e.get("id") or "").strip(),
        link=e.get("link") or None,
        title=e.get("title") or "",
        summary=e.get("summary") or "",
        content=tuple(c.get("value") or "" for c in e.get("content") or ()),
        # the date text, read by the same function as the fast backend's; dict.get, because
        # FeedParserDict would map a missing `updated` to `published`
        published=parse_date(dict.get(e, "published")),
        updated=parse_date(dict.get(e, "updated")),
    )


def read(data: bytes, content_type: str | None = None) -> RawFeed:
    """Parse a body with feedparser; the HTTP Content-Type (if any) lets it pick the charset.
    Raises NoFeed when there is neither a feed nor an entry."""
    import feedparser  # here: 20 ms to import, and most bodies are read_fast's

    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(bytes(data), response_headers=headers)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        raise NoFeed("no RSS or Atom feed found in the body")
    bozo = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    title = parsed.get("feed", {}).get("title") or ""
    return RawFeed(title, tuple(_entry(e) for e in entries), bozo)
