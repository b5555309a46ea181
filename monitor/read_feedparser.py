"""The reference backend: feedparser reads the body (loose parser, every encoding trick, every
feed dialect). Slow, about 1 ms an entry, so it is the safety net behind `read_fast`."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date

from monitor.models import RawEntry, RawFeed


class NoFeed(ValueError):
    """feedparser found neither a feed element nor an entry."""


def utc(struct: time.struct_time | None) -> datetime | None:
    """A feedparser time tuple (always UTC) as an aware datetime; None if it cannot be one."""
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def parse_date(value: str) -> datetime | None:
    """feedparser's own date reading (RFC 822, W3C-DTF and a dozen regional formats), in UTC.
    The fast backend falls back to it for any layout it does not read itself."""
    try:
        return utc(_feedparser_date(value))
    except Exception:  # feedparser's handlers raise on odd input; a bad date is no date
        return None


def _entry(e: Any) -> RawEntry:
    return RawEntry(
        guid=(e.get("id") or "").strip(),
        link=e.get("link") or None,
        title=e.get("title") or "",
        summary=e.get("summary") or "",
        content=tuple(c.get("value") or "" for c in e.get("content") or ()),
        published=utc(e.get("published_parsed")),
        # dict.get: FeedParserDict would map a missing `updated` to `published`
        updated=utc(dict.get(e, "updated_parsed")),
    )


def read(data: bytes, content_type: str | None = None) -> RawFeed:
    """Parse a body with feedparser; the HTTP Content-Type (if any) lets it pick the charset.
    Raises NoFeed when there is neither a feed nor an entry."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(bytes(data), response_headers=headers)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        raise NoFeed("no RSS or Atom feed found in the body")
    bozo = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    title = parsed.get("feed", {}).get("title") or ""
    return RawFeed(title, tuple(_entry(e) for e in entries), bozo)
