"""OPML 2.0 subscription lists, read and written (`news-monitor feeds import / export`).

Reading is safe for a file from anywhere: a body over `MAX_OPML` bytes, or one declaring an
entity in any encoding (`monitor.guard`), is refused before parsing; lxml then parses with
entity resolution, DTD loading and network access off and its huge-tree limits on. Readers
export in several styles: flat (Miniflux), one level of category outlines (FreshRSS,
Feedly, Inoreader), nested folders (newsboat via tools, NetNewsWire); an outline is a feed when
it has an `xmlUrl`, and the titles of the outlines around it become its tags, as does its own
`category` attribute (comma-separated, `/a/b` paths split into `a` and `b`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from monitor.guard import HostileFeed, refuse_entities

MAX_OPML = 10_000_000  # bytes; a subscription list of 100 000 feeds fits


class OpmlError(ValueError):
    """The file is not an OPML document we can read, or is refused as hostile."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: its feed URL, title, site URL and tags (folders and categories)."""

    url: str
    title: str
    html_url: str | None = None
    tags: tuple[str, ...] = ()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _category_tags(value: str | None) -> list[str]:
    out: list[str] = []
    for part in (value or "").split(","):
        out += [p.strip() for p in part.split("/") if p.strip()]
    return out


def _title(el: etree._Element) -> str:
    return " ".join((el.get("title") or el.get("text") or "").split())


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed outline of an OPML document, in document order, each URL once."""
    if len(data) > MAX_OPML:
        raise OpmlError(f"refused: over {MAX_OPML} bytes")
    try:
        refuse_entities(data)
    except HostileFeed as exc:
        raise OpmlError(f"refused: {exc}") from None
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not XML: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.entities()):  # pragma: no cover - refused above
        raise OpmlError("refused: the document declares entities")
    if etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"not OPML: the root element is <{etree.QName(root).localname}>")
    body = next((c for c in root if isinstance(c.tag, str)
                 and etree.QName(c).localname.lower() == "body"), None)
    if body is None:
        raise OpmlError("not OPML: no <body>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(el: etree._Element, folders: list[str]) -> None:
        for child in el:
            if not isinstance(child.tag, str) or etree.QName(child).localname != "outline":
                continue
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            if url:
                tags = list(dict.fromkeys([*folders, *_category_tags(child.get("category"))]))
                if url not in seen:
                    seen.add(url)
                    feeds.append(OpmlFeed(url, _title(child) or url,
                                          (child.get("htmlUrl") or "").strip() or None,
                                          tuple(tags)))
                walk(child, folders)
            else:
                title = _title(child)
                walk(child, [*folders, title] if title else folders)

    walk(body, [])
    return feeds


def render_opml(feeds: Iterable[OpmlFeed], title: str = "news-monitor feeds",
                now: datetime | None = None) -> str:
    """OPML 2.0: feeds with no tag at the top level, the others in one outline per first tag,
    every tag also in the `category` attribute (so a round trip keeps them all)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC),
                                                                 usegmt=True)
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for f in feeds:
        parent = body
        if f.tags:
            if f.tags[0] not in folders:
                folders[f.tags[0]] = etree.SubElement(body, "outline", text=f.tags[0],
                                                      title=f.tags[0])
            parent = folders[f.tags[0]]
        attrs = {"type": "rss", "text": f.title, "title": f.title, "xmlUrl": f.url}
        if f.html_url:
            attrs["htmlUrl"] = f.html_url
        if f.tags:
            attrs["category"] = ",".join(f.tags)
        etree.SubElement(parent, "outline", attrs)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out.decode("utf-8")
