"""The fast backend: lxml (libxml2) builds the tree and a few lines pick the fields.

It reads RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 with the same field rules as feedparser
(see `read_feedparser`). It mends a bare `&`, HTML entities and control bytes (`repair`) and
decodes a body that claims UTF-8 but is not (`redecode`), as feedparser would. Anything else
raises `NotForFast`, and the caller hands the body to feedparser: markup still not well-formed
after one repair, an HTTP charset that disagrees with the body, an unknown root element.

The XML parser resolves no entities, loads no DTD and never touches the network; entity
declarations are refused before any parser runs (`guard.refuse_entities`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import threading
from datetime import datetime
from functools import lru_cache
from html.entities import name2codepoint
from urllib.parse import urljoin

from lxml import etree

from monitor.dates import parse_date
from monitor.guard import codec_name, declared_encoding, http_charset
from monitor.models import RawEntry, RawFeed

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM03 = "{http://purl.org/atom/ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
_HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}


class NotForFast(ValueError):
    """This body is feedparser's to read (malformed, odd encoding, unknown dialect)."""


class _Parsers(threading.local):
    """One XML parser per thread: lxml serialises the parses of a shared parser. It does not
    recover from errors: libxml2's recovery drops text (a bare `&` and what follows it)."""

    def __init__(self) -> None:
        self.xml = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
            huge_tree=False, remove_comments=True, remove_pis=True, recover=False,
        )


_PARSERS = _Parsers()
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# feedparser guesses with chardet when it is installed; then only feedparser may guess.
CHARDET_INSTALLED = any(importlib.util.find_spec(m) for m in ("cchardet", "chardet"))


def _codec(name: str) -> str:
    return codec_name(name) or name.lower()


def prepare(data: bytes, content_type: str | None) -> tuple[bytes, bool]:
    """The body as lxml should read it, and whether it claims UTF-8 (declared or by default).

    lxml follows the XML declaration or the byte order mark. An HTTP charset that says
    otherwise wins for feedparser (RFC 3023), so such a body raises NotForFast. XML allows
    nothing before `<?xml`: leading whitespace is dropped."""
    named = declared_encoding(data[:512].decode("latin-1"))
    declared = _codec(named) if named else None
    http = http_charset(content_type)
    if data.startswith(_BOMS):
        if http or declared not in (None, "utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            raise NotForFast("byte order mark with a charset")
        if data.startswith(b"\xef\xbb\xbf") and data[3:4].isspace():
            return b"\xef\xbb\xbf" + data[3:].lstrip(), False
        return data, False
    if data[:1].isspace() and b"\x00" not in data[:4]:
        data = data.lstrip()
    if http and _codec(http) != (declared or "utf-8"):
        raise NotForFast(f"HTTP charset {http} and the body disagree")
    return data, declared in (None, "utf-8")


def redecode(data: bytes, content_type: str | None) -> tuple[bytes, str]:
    """A body that claims UTF-8 but is not, decoded as feedparser would without chardet
    (windows-1252, else iso-8859-2) and given back as UTF-8, with the warning."""
    if http_charset(content_type) or CHARDET_INSTALLED:
        raise NotForFast("not valid UTF-8")  # feedparser's guess would differ from ours
    for codec in ("windows-1252", "iso-8859-2"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return text.encode("utf-8"), f"document declared as utf-8, but parsed as {codec}"
    raise NotForFast("not valid UTF-8, windows-1252 or iso-8859-2")


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text(el: etree._Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _inner(el: etree._Element) -> str:
    """An element's content as markup: its text, or its child elements serialised (xhtml
    content, or HTML a feed left unescaped) without their namespaces."""
    if not len(el):
        return el.text or ""
    for child in el.iterdescendants():
        if isinstance(child.tag, str) and child.tag[0] == "{":
            child.tag = child.tag.rsplit("}", 1)[1]
    return (el.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in el)


def _absolute(link: str | None, el: etree._Element) -> str | None:
    if not link:
        return None
    link = link.strip()
    base: str | None = el.base
    if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", link):
        return urljoin(base, link)
    return link


class _Fields:
    """An entry's fields as they are met, with feedparser's precedence rules.

    A title or summary met deeper in the entry (a media:title or media:description inside
    media:content) does not replace one met higher up. A description met when the entry
    already has a summary is content until real content (content:encoded, atom:content) has
    been seen; after that it replaces the summary, depth permitting. Content with no summary
    yet also stands as the summary, replaceable at any depth."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.link: str | None = None
        self.guid_is_link = False
        self.title: tuple[str, int] | None = None
        self.title_depth: int | None = None
        self.summary: tuple[str, int | None] | None = None
        self.content: list[str] = []
        self.has_content = False
        self.published: datetime | None = None
        self.updated: datetime | None = None

    def set_title(self, value: str, depth: int, media: bool = False) -> None:
        """The first non-empty title stands against later ones at its depth or deeper; a
        media:title can fill the place but does not claim it."""
        if self.title_depth is not None and self.title_depth <= depth:
            return
        if self.title is None or depth <= self.title[1]:
            self.title = (value, depth)
        if value.strip() and not media:
            self.title_depth = depth

    def description(self, value: str, depth: int) -> None:
        if self.summary is None:
            self.summary = (value, depth)
        elif not self.has_content:
            self.has_content = True
            self.content.append(value)
        else:
            old = self.summary[1]
            if old is None or depth <= old:
                self.summary = (value, depth)

    def add_content(self, value: str) -> None:
        self.has_content = True
        self.content.append(value)
        if self.summary is None:
            self.summary = (value, None)

    def captions(self, el: etree._Element, entry: etree._Element) -> None:
        """media:title and media:description at any depth below `el`."""
        for m in el.iter(f"{MEDIA}description", f"{MEDIA}title"):
            depth, up = 1, m.getparent()
            while up is not None and up is not entry:
                depth, up = depth + 1, up.getparent()
            if m.tag == f"{MEDIA}title":
                self.set_title(_inner(m), depth, media=True)
            else:
                self.description(_inner(m), depth)

    def entry(self, utf8: bool) -> RawEntry:
        summary = self.summary[0] if self.summary else ""
        return RawEntry(
            _repair(self.guid or "", utf8), _repair(self.link, utf8) if self.link else None,
            _repair(self.title[0], utf8) if self.title else "", _repair(summary, utf8),
            tuple(_repair(c, utf8) for c in self.content), self.published, self.updated)


# C1 controls are nearly always windows-1252 read as latin-1: feedparser maps them back.
_CP1252 = {c: bytes([c]).decode("cp1252", "ignore") or chr(c) for c in range(0x80, 0xA0)}
_C1 = re.compile("[\x80-\x9f]")


def _repair(text: str, utf8: bool) -> str:
    """feedparser's two repairs of every field: in a UTF-8 feed, text that is UTF-8 bytes read
    as latin-1 is decoded again; in any feed, windows-1252's C1 characters become their own."""
    if text.isascii():
        return text
    if utf8:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252) if _C1.search(text) else text


def _rss_link(text: str | None) -> str:
    """feedparser's mending of an RSS link: `&amp;` is `&`, and `?a=1&b;=2` is `?a=1&b=2`."""
    text = (text or "").replace("&amp;", "&")
    return _LINK_REF.sub(r"&\g<1>", text) if "&" in text else text


_LINK_REF = re.compile(r"&([A-Za-z0-9_]+);")


_RSS_LOCAL = {
    "title": "title", "link": "link", "guid": "guid", "description": "description",
    "pubDate": "published", "published": "published", "issued": "published",
    "updated": "updated", "modified": "updated", "lastBuildDate": "updated",
}
_RSS_OTHER = {
    CONTENT + "encoded": "content", DC + "date": "updated", DC + "description": "description",
    DC + "title": "title", DCTERMS + "issued": "published", DCTERMS + "modified": "updated",
    ATOM + "link": "atom_link", ATOM + "id": "guid", ATOM + "updated": "updated",
}


@lru_cache(maxsize=16)
def _rss_kinds(rss: str) -> dict[str, str]:
    """Which field each child tag of an item feeds, for RSS in namespace `rss` (usually none)."""
    kinds = dict(_RSS_OTHER)
    for ns in (RSS1, RSS090, rss):
        kinds.update({ns + local: kind for local, kind in _RSS_LOCAL.items()})
    return kinds


def _rss_entry(item: etree._Element, rss: str, utf8: bool) -> RawEntry:
    """An RSS item. A field met twice keeps the last, as feedparser does."""
    f = _Fields()
    kinds = _rss_kinds(rss)
    for child in item:
        tag = child.tag
        kind = kinds.get(tag)
        if kind is None:
            if isinstance(tag, str) and tag.startswith(MEDIA):
                f.captions(child, item)
        elif kind == "title":
            f.set_title(_inner(child), 1)
        elif kind == "description":
            f.description(_inner(child), 1)
        elif kind == "content":
            f.add_content(_inner(child))
        elif kind == "link":
            f.link = _absolute(_rss_link(child.text), child)
        elif kind == "guid":
            f.guid = (child.text or "").strip()
            f.guid_is_link = child.get("isPermaLink", "true") == "true"
        elif kind == "published":
            f.published = parse_date(child.text or "")
        elif kind == "updated":
            f.updated = parse_date(child.text or "")
        elif kind == "atom_link" and child.get("href"):
            rel = child.get("rel") or "alternate"
            if rel == "alternate" and (child.get("type") or "text/html").lower() in _HTML_TYPES:
                f.link = _absolute(child.get("href"), child)
    if f.guid is None:
        about = item.get(f"{RDF}about")
        f.guid = about.strip() if about else ""
    if f.link is None and f.guid and f.guid_is_link:
        f.link = f.guid
    return f.entry(utf8)


def _atom_entry(entry: etree._Element, ns: str, utf8: bool) -> RawEntry:
    """An Atom entry; as in RSS, a field met twice keeps the last (links: the last alternate
    HTML one). A `source` element's fields are not the entry's and are not read."""
    f = _Fields()
    for child in entry:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == ns + "title":
            f.set_title(_inner(child), 1)
        elif tag == ns + "id":
            f.guid = _text(child).strip()
        elif tag == ns + "link":
            rel = child.get("rel") or "alternate"
            kind = (child.get("type") or "text/html").lower()
            if rel == "alternate" and kind in _HTML_TYPES and child.get("href"):
                f.link = _absolute(child.get("href"), child)
        elif tag == ns + "summary":
            f.description(_inner(child), 1)
        elif tag == ns + "content":
            f.add_content(_inner(child))
        elif tag in (ns + "published", ns + "issued"):
            f.published = parse_date(_text(child))
        elif tag in (ns + "updated", ns + "modified"):
            f.updated = parse_date(_text(child))
        elif tag.startswith(MEDIA):
            f.captions(child, entry)
    return f.entry(utf8)


_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_AMP = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)"
                  rb"(?:([A-Za-z][A-Za-z0-9]{1,31});|(#[0-9]{1,7};|#x[0-9A-Fa-f]{1,6};))?")


def xml_char(code: int) -> bool:
    """Whether XML allows this character (its Char production); a test of ranges, not a
    character-class regex, which took 3 ms of every start-up to compile."""
    return (0x20 <= code <= 0xD7FF or code in (0x09, 0x0A, 0x0D) or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _amp(m: re.Match[bytes]) -> bytes:
    """A bare `&` escaped, an HTML entity as its character reference, a reference to a
    character XML forbids dropped (feedparser's loose parser reads all three that way)."""
    name, ref = m.group(1), m.group(2)
    if name is not None:
        code = name2codepoint.get(name.decode("ascii"))
        return b"&#%d;" % code if code else b"&amp;" + name + b";"
    if ref is not None:
        hexa = ref[1:2] == b"x"
        code = int(ref[2:-1] if hexa else ref[1:-1], 16 if hexa else 10)
        return b"&" + ref if xml_char(code) else b""
    return b"&amp;"


_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")
_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def repair(body: bytes) -> bytes:
    """Mend what most often makes a feed not well-formed: control characters XML forbids
    (dropped, as feedparser drops them; ANSI sequences whole, so no `[31m` is left; in UTF-8
    such bytes are never part of another character, so UTF-16 bodies are left alone) and
    ampersands outside CDATA sections."""
    if not body.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in body[:4]:
        if b"\x1b" in body:
            body = _ANSI.sub(b"", body)
        body = body.translate(None, _C0)
    out, last = [], 0
    for m in _CDATA.finditer(body):
        out.append(_AMP.sub(_amp, body[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_AMP.sub(_amp, body[last:]))
    return b"".join(out)


def read(data: bytes, content_type: str | None = None) -> RawFeed:
    """Parse a feed body; raise NotForFast for anything feedparser should read instead.

    A body lxml refuses is checked for what went wrong: not UTF-8 though it claims to be
    (`redecode`), or not well-formed (`repair`, once). The first such finding is the warning,
    like feedparser's bozo."""
    body, claims_utf8 = prepare(data, content_type)
    parser = _PARSERS.xml
    warning: str | None = None
    redecoded = False
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        if claims_utf8 and not _utf8(body):
            body, warning = redecode(body, content_type)
            redecoded = True
            try:
                root = etree.fromstring(body, parser)
            except etree.XMLSyntaxError:
                root = _mended(body, parser)
        else:
            warning = f"{exc.msg} (line {exc.lineno})"
            root = _mended(body, parser)
    except ValueError as exc:  # lxml refuses some bodies outright
        raise NotForFast(f"not XML: {exc}") from exc
    encoding = (root.getroottree().docinfo.encoding or "utf-8").lower().replace("_", "-")
    feed = _feed(root, utf8=not redecoded and encoding in ("utf-8", "utf8"))
    return RawFeed(feed.title, feed.entries, warning)


def _mended(body: bytes, parser: etree.XMLParser) -> etree._Element:
    try:
        return etree.fromstring(repair(body), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise NotForFast(f"not well-formed XML: {exc}") from exc


def _feed(root: etree._Element, utf8: bool) -> RawFeed:
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rsplit("}", 1)[-1]
    if local == "rss" or tag == RDF + "RDF":
        # RSS 2.0 is namespace-less, but some feeds give it one
        rss = tag[: len(tag) - len(local)] if local == "rss" else ""
        chan = next(root.iterchildren(rss + "channel", RSS1 + "channel", RSS090 + "channel"),
                    None)
        head = None if chan is None else next(
            chan.iterchildren(rss + "title", RSS1 + "title", RSS090 + "title"), None)
        items = root.iter(rss + "item", RSS1 + "item", RSS090 + "item")
        return RawFeed(_repair(_inner(head), utf8) if head is not None else "",
                       tuple(_rss_entry(i, rss, utf8) for i in items), None)
    for ns in (ATOM, ATOM03):
        if tag == ns + "feed":
            head = root.find(ns + "title")
            return RawFeed(_repair(_inner(head), utf8) if head is not None else "",
                           tuple(_atom_entry(e, ns, utf8) for e in root.iter(ns + "entry")), None)
    raise NotForFast(f"root element {tag[:80]!r} is not rss, rdf:RDF or an Atom feed")
