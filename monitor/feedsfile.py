"""Adding feeds to monitor.toml keeping its comments and layout (`feeds import`, `feeds add`).

The file is edited with tomlkit, never with regular expressions: new `[[feeds]]` tables go
after the last one, and the comments that followed it (which tomlkit hangs on that table,
though they introduce the next section) are moved after the new tables so they keep
introducing what they did. A feed whose URL is already there is skipped; names are derived
from titles and made unique.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT, Table

_NOT_NAME = re.compile(r"[^a-z0-9._-]+")
_DASHES = re.compile(r"[._-]*-[._-]*")  # a run of separators with a hyphen: one hyphen


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed to append: the keys written, in this order (empty ones left out)."""

    url: str
    title: str
    tags: tuple[str, ...] = ()
    allow_private: bool = False


def slug(title: str, url: str = "") -> str:
    """A feed name from a title ('Le Monde — International' -> 'le-monde-international'),
    the URL's host when the title gives nothing; 1-64 of [a-z0-9._-], starting alphanumeric."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    name = _DASHES.sub("-", _NOT_NAME.sub("-", folded)).strip("-._")[:56].strip("-._")
    if not name:
        host = (urlsplit(url).hostname or "feed").removeprefix("www.")
        name = _DASHES.sub("-", _NOT_NAME.sub("-", host)).strip("-._")[:56] or "feed"
    return name


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`... the first not in `taken` (which it is added to)."""
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name}-{n}"
    taken.add(out)
    return out


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome of one append: the new text, the names added, the URLs skipped and why."""

    text: str
    added: tuple[tuple[str, str], ...]  # (name, url)
    skipped: tuple[tuple[str, str], ...]  # (url, existing feed name)


def _table(name: str, feed: NewFeed) -> Table:
    t = tomlkit.table()
    t.add("name", name)
    t.add("url", feed.url)
    if feed.tags:
        t.add("tags", list(feed.tags))
    if feed.allow_private:
        t.add("allow_private", True)
    return t


def _split_trailing(table: Table) -> list[Any]:
    """Remove and return the comments and blank lines after a table's last key."""
    body = table.value.body
    cut = len(body)
    while cut > 0 and body[cut - 1][0] is None:
        cut -= 1
    trailing = [item for _k, item in body[cut:]]
    del body[cut:]
    return trailing


def append_feeds(text: str, feeds: Sequence[NewFeed]) -> Added:
    """`text` (a monitor.toml) with `feeds` appended as [[feeds]] tables; URLs already
    there (compared as written, then without a trailing slash) are skipped."""
    doc = tomlkit.parse(text)
    existing = doc.get("feeds")
    aot: AoT | None = existing if isinstance(existing, AoT) else None
    have: dict[str, str] = {}
    taken: set[str] = set()
    for t in aot or ():
        have[str(t.get("url", "")).rstrip("/")] = str(t.get("name", ""))
        taken.add(str(t.get("name", "")))
    added: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    tables: list[Table] = []
    for f in feeds:
        key = f.url.rstrip("/")
        if key in have:
            skipped.append((f.url, have[key]))
            continue
        name = unique(slug(f.title, f.url), taken)
        have[key] = name
        added.append((name, f.url))
        tables.append(_table(name, f))
    if not tables:
        return Added(text, (), tuple(skipped))
    if aot is None or not len(aot):
        doc.append("feeds", tomlkit.aot())
        aot = doc["feeds"]
        trailing: list[Any] = []
    else:
        trailing = _split_trailing(aot[-1])
        aot[-1].add(tomlkit.nl())
    for i, t in enumerate(tables):
        if i < len(tables) - 1:
            t.add(tomlkit.nl())
        aot.append(t)
    last = aot[-1]
    for item in trailing or [tomlkit.nl()]:
        last.add(item)
    out = tomlkit.dumps(doc)
    return Added(out, tuple(added), tuple(skipped))


def opml_feeds(feeds: Iterable[Any]) -> list[Any]:
    """The configured feeds as `monitor.opml.OpmlFeed` (title: the name); a `user:password@`
    in a URL is left out, never exported."""
    from monitor.opml import OpmlFeed

    return [OpmlFeed(without_userinfo(f.url), f.name, None, tuple(f.tags)) for f in feeds]


def without_userinfo(url: str) -> str:
    """`url` without its `user:password@` part, if any."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
