"""Feed bytes -> `Item`s: one entry point, two parser backends, one set of item rules.

`parse_bytes` runs the fast backend (`read_fast`, lxml) and hands the body to feedparser
(`read_feedparser`, the reference) when the fast one declines it: not well-formed, an encoding
it should not guess, an unknown dialect, or no entries where the body has some. Both backends
return `RawEntry`s, and `make_item` applies the rules below to either, so an item is the same
whichever backend read it (tests/test_backends.py checks it on every real capture).

The uid is the entry's guid, else its link, else a hash of title and date (RELIABILITY.md 18).
Every field is capped (`CAPS`; RELIABILITY.md 20, issue 20 item 9): a title or text is cut, a
link too long is dropped (a cut URL points elsewhere), a guid too long is replaced by its hash;
each parse counts what it capped (`ParsedFeed.capped`) and a poll logs it.
The content hash covers title, text and link only, so a feed that bumps `updated` on every
fetch does not make an item look changed. Nothing is ever given a URL or a path.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from typing import Literal

from monitor import read_fast, read_feedparser
from monitor.guard import HostileFeed, refuse_entities
from monitor.models import Item, RawEntry, RawFeed
from monitor.text import html_to_text

__all__ = ["CAPS", "Backend", "HostileFeed", "NotAFeed", "ParsedFeed", "capped_item",
           "content_hash", "make_item", "order_items", "parse_bytes", "read_raw", "safe_link"]

Backend = Literal["auto", "fast", "feedparser"]
MAX_TITLE = 2_000  # characters kept of an entry's or a feed's title (cut)
MAX_TEXT = 100_000  # characters kept of an entry's text, summary and content together (cut)
MAX_HTML = 1_000_000  # characters of a summary or content part's HTML read (cut before parsing)
MAX_LINK = 2_000  # characters of a link; a longer link is dropped, not cut
MAX_UID = 2_000  # characters of a guid; a longer one is replaced by "sha256:" + its hash
CAPS = {"title": MAX_TITLE, "text": MAX_TEXT, "summary": MAX_HTML, "content": MAX_HTML,
        "link": MAX_LINK, "guid": MAX_UID}
_ENTRY_TAG = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(?:item|entry)[\s>/]")


class NotAFeed(ValueError):
    """The body is empty, an HTML page, or has no entries and no feed element."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The items of one body, the feed's title, feedparser's warning if any, and which
    backend read it (`fast` or `feedparser`) and why feedparser did, if it did."""

    title: str
    items: tuple[Item, ...]
    bozo: str | None
    backend: Literal["fast", "feedparser"] = "fast"
    fallback: str | None = None
    capped: tuple[tuple[str, int], ...] = ()  # (field, how many entries had it capped)

    def capped_line(self) -> str:
        """`link=1 title=2`: what was over its cap (`CAPS`), for the poll's log."""
        return " ".join(f"{k}={n}" for k, n in self.capped)


EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def _plausible(when: datetime | None) -> datetime | None:
    """None for no date, 1970-style zero dates, or dates more than two days ahead
    (RELIABILITY.md 19: such items take their first-seen time)."""
    if when is None or when < EARLIEST or when > datetime.now(UTC) + timedelta(days=2):
        return None
    return when


def safe_link(link: str | None) -> str | None:
    """Only http(s) links survive (no javascript:, data:, file:)."""
    if link and re.match(r"^https?://", link.strip(), re.IGNORECASE):
        return link.strip()
    return None


def content_hash(title: str, text: str, link: str | None) -> str:
    """sha256 of the JSON array [title, text, link], written without json.dumps' per-call
    encoder set-up (a tenth of the parse stage's time); the stored values are unchanged."""
    canon = f"[{_json_string(title)},{_json_string(text)},{_json_string(link or '')}]"
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:32]


def _cut(value: str, key: str, capped: list[str]) -> str:
    """`value` cut at its field's cap, noting the field in `capped` when it was."""
    if len(value) <= CAPS[key]:
        return value
    capped.append(key)
    return value[:CAPS[key]]


def _entry_text(entry: RawEntry, capped: list[str]) -> str:
    """The summary's text (unless a content part already holds it), then each content
    part's text. A summary found verbatim in the markup is dropped unread; otherwise the texts
    are compared, so a sanitiser's changes to the markup cannot matter."""
    parts = [_cut(c, "content", capped) for c in entry.content if c]
    texts = [t for t in (html_to_text(c) for c in parts) if t]
    raw = _cut(entry.summary, "summary", capped).strip()
    # (a short summary, ">" say, is found in any markup's tags: it is compared as text)
    if raw and not (len(raw) >= 16 and any(raw in p for p in parts)):
        summary = html_to_text(raw)
        if summary and not any(summary in t for t in texts):
            texts.insert(0, summary)
    return _cut("\n".join(texts), "text", capped)


def _link(link: str | None, capped: list[str]) -> str | None:
    if link is not None and len(link) > MAX_LINK:
        capped.append("link")
        return None
    return safe_link(link)


def _uid(guid: str, capped: list[str]) -> str:
    if len(guid) <= MAX_UID:
        return guid
    capped.append("guid")
    return "sha256:" + hashlib.sha256(guid.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def make_item(entry: RawEntry, source: str, feed: str = "", language: str | None = None) -> Item:
    """One entry as an `Item` (pure; the same rules whichever backend read the entry)."""
    return capped_item(entry, source, feed, language)[0]


def capped_item(entry: RawEntry, source: str, feed: str = "", language: str | None = None
                ) -> tuple[Item, list[str]]:
    """`make_item`, and the fields that were over their caps (`CAPS`)."""
    capped: list[str] = []
    title = _cut(html_to_text(entry.title[:MAX_HTML]), "title", capped)
    text = _entry_text(entry, capped)
    link = _link(entry.link, capped)
    published = _plausible(entry.published)
    updated = _plausible(entry.updated)
    uid = _uid(entry.guid, capped) if entry.guid else link or "sha256:" + hashlib.sha256(
        f"{title}\x00{published or updated or ''}".encode()
    ).hexdigest()[:32]
    item = Item(
        uid=uid,
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
    return item, capped


def read_raw(data: bytes, backend: Backend = "auto", content_type: str | None = None
             ) -> tuple[RawFeed, Literal["fast", "feedparser"], str | None]:
    """The body's entries, the backend that read them and why feedparser did (auto only)."""
    if backend == "feedparser":
        return read_feedparser.read(data, content_type), "feedparser", None
    try:
        raw = read_fast.read(data, content_type)
    except Exception as exc:  # NotForFast, or a fault of the fast reader: feedparser's turn
        what = str(exc) if isinstance(exc, read_fast.NotForFast) else f"it failed: {exc!r}"
        if backend == "fast":
            raise NotAFeed(f"the fast parser cannot read it: {what}") from exc
        why = what
    else:
        if raw.entries or backend == "fast" or not _ENTRY_TAG.search(data):
            return raw, "fast", None
        why = "no entries read where the body has item or entry tags"
    return read_feedparser.read(data, content_type), "feedparser", why[:200]


def parse_bytes(data: bytes, feed: str = "", language: str | None = None, *,
                backend: Backend = "auto", content_type: str | None = None) -> ParsedFeed:
    """Parse one feed body. Raises NotAFeed or HostileFeed; feedparser's warnings are kept.

    `backend`: `auto` (fast, feedparser when the fast one declines), or force either one.
    `content_type`: the HTTP Content-Type, whose charset outranks the body's declaration."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_bytes takes bytes, never a URL or a path")
    if not data.strip():
        raise NotAFeed("empty body")
    refuse_entities(data, content_type)  # RELIABILITY.md 14, in any encoding (monitor.guard)
    try:
        raw, used, why = read_raw(data, backend, content_type)
    except read_feedparser.NoFeed as exc:
        raise NotAFeed(str(exc)) from exc
    capped: Counter[str] = Counter()
    title = html_to_text(raw.title[:MAX_HTML])
    if len(title) > MAX_TITLE:
        title, capped["feed_title"] = title[:MAX_TITLE], 1
    items = []
    for e in raw.entries:
        item, over = capped_item(e, title or feed, feed, language)
        items.append(item)
        capped.update(set(over))
    return ParsedFeed(title or feed, tuple(items), raw.bozo, used, why, tuple(sorted(capped.items())))


def read_file(path: Path, backend: Backend = "auto") -> Sequence[Item]:
    """The items of one saved feed file, in file order (none if it is no feed)."""
    try:
        return parse_bytes(path.read_bytes(), feed=path.stem, backend=backend).items
    except NotAFeed:
        return ()


def order_items(items: Iterable[Item]) -> list[Item]:
    """Entries by updated-or-published time; undated ones keep their place after dated peers."""
    items = list(items)
    return [items[i] for i in judging_order(items)]


def judging_order(items: Sequence[Item]) -> list[int]:
    """The indexes of `items` in the order `order_items` gives them."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(range(len(items)), key=lambda i: (items[i].when or far, i))
