"""Finding the feed of a site page (`news-monitor feeds add URL`).

The URL is fetched through the daemon's `Fetcher` (address policy, deadline, body cap,
redirects checked hop by hop). If the body parses as a feed, that is the feed. Otherwise the
page's `<link rel="alternate" type="application/rss+xml|atom+xml" href=...>` are tried in
document order (relative URLs resolved against the page's final URL and its `<base href>`),
then the common paths of the site's root (/feed, /rss, /rss.xml, /atom.xml, /feed.xml,
/index.xml); the first candidate that parses as a feed with a title or entries wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from monitor.feeds import NotAFeed, ParsedFeed, parse_bytes
from monitor.fetch import Fetcher
from monitor.guard import HostileFeed

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")


@dataclass(frozen=True, slots=True)
class Found:
    """The feed found (url, title), or None with every candidate tried and why it failed."""

    url: str | None
    title: str = ""
    tried: tuple[tuple[str, str], ...] = ()


def alternate_links(html: bytes, page_url: str) -> list[str]:
    """The RSS and Atom `<link rel="alternate">` of an HTML page, absolute, each once."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(page_url, b.get("href", "").strip())
            break
    out: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if urlsplit(url).scheme in ("http", "https") and url not in out:
                out.append(url)
    return out


def common_paths(page_url: str) -> list[str]:
    """The usual feed paths at the root of the page's site."""
    return [urljoin(page_url, p) for p in COMMON_PATHS]


def as_feed(body: bytes, content_type: str | None) -> ParsedFeed | None:
    """The body parsed as a feed with a title or entries; None when it is not one."""
    try:
        parsed = parse_bytes(body, content_type=content_type)
    except (NotAFeed, HostileFeed):
        return None
    return parsed if parsed.items or parsed.title else None


async def discover(fetcher: Fetcher, url: str, allow_private: bool = False) -> Found:
    """The feed at `url`, or the first feed its page links to or its site serves."""
    tried: list[tuple[str, str]] = []
    page = await fetcher.fetch(url, allow_private=allow_private)
    if page.status != "ok" or page.body is None:
        return Found(None, tried=((url, page.error or page.status),))
    parsed = as_feed(page.body, page.content_type)
    if parsed is not None:
        return Found(page.url, parsed.title, tuple(tried))
    tried.append((url, "not a feed"))
    candidates = [c for c in [*alternate_links(page.body, page.url), *common_paths(page.url)]
                  if c != page.url]
    for cand in dict.fromkeys(candidates):
        res = await fetcher.fetch(cand, allow_private=allow_private)
        if res.status != "ok" or res.body is None:
            tried.append((cand, res.error or res.status))
            continue
        parsed = as_feed(res.body, res.content_type)
        if parsed is None:
            tried.append((cand, "not a feed"))
            continue
        return Found(res.url, parsed.title, tuple(tried))
    return Found(None, tried=tuple(tried))
