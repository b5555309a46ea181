"""The two parser backends give the same items, and `auto` picks the right one.

The reference is feedparser. Every real capture is read by both and compared entry by entry;
a difference is allowed only when it is listed in ALLOWED with the reason.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import ROOT, feeds_real, needs_feeds_real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.dates import feedparser_date, parse_date
from monitor.feeds import HostileFeed, NotAFeed, ParsedFeed, parse_bytes
from monitor.read_fast import CHARDET_INSTALLED

FIELDS = ("uid", "link", "title", "published", "updated", "text")
# (capture, field) -> why the backends may differ there. Empty: on all 39 captures the fast
# reader gives feedparser's items exactly. Add an entry only with the reason.
ALLOWED: dict[tuple[str, str], str] = {}
# captures the fast reader may decline (auto then hands them to feedparser), with the reason
DECLINED: dict[str, str] = {}
if CHARDET_INSTALLED:
    DECLINED["uol_noticias.rss"] = ("claims UTF-8 but is not; with chardet installed "
                                    "feedparser guesses its charset, and only it may guess")


def differences(ref: ParsedFeed, fast: ParsedFeed, name: str) -> list[str]:
    out = []
    if ref.title != fast.title:
        out.append(f"feed title: {ref.title!r} != {fast.title!r}")
    if len(ref.items) != len(fast.items):
        return [*out, f"entries: {len(ref.items)} != {len(fast.items)}"]
    for i, (a, b) in enumerate(zip(ref.items, fast.items, strict=True)):
        for field in FIELDS:
            if (name, field) in ALLOWED:
                continue
            x, y = getattr(a, field), getattr(b, field)
            if x != y:
                out.append(f"entry {i} {field}: {str(x)[:120]!r} != {str(y)[:120]!r}")
    return out


@needs_feeds_real
@pytest.mark.parametrize("path", feeds_real(), ids=lambda p: p.name)
def test_both_backends_give_the_same_items(path: Path) -> None:
    data = path.read_bytes()
    ref = parse_bytes(data, feed=path.stem, backend="feedparser")
    assert ref.backend == "feedparser" and ref.items
    if path.name in DECLINED:
        with pytest.raises(NotAFeed):
            parse_bytes(data, feed=path.stem, backend="fast")
        return
    fast = parse_bytes(data, feed=path.stem, backend="fast")
    assert fast.backend == "fast"
    assert differences(ref, fast, path.name) == []
    for it in fast.items:
        for when in (it.published, it.updated):
            assert when is None or when.utcoffset() == timedelta(0)


@needs_feeds_real
def test_auto_reads_every_real_capture_with_the_fast_reader() -> None:
    """The bench's figure for `auto` is the fast reader's: no capture falls back."""
    fell_back = {p.name: parse_bytes(p.read_bytes()).fallback for p in feeds_real()}
    assert {k: v for k, v in fell_back.items() if v and k not in DECLINED} == {}


def assert_alike(body: bytes) -> None:
    """Both backends read `body` to the same items."""
    ref = parse_bytes(body, backend="feedparser")
    fast = parse_bytes(body, backend="fast")
    assert differences(ref, fast, "generated") == []


def test_allowed_differences_say_why() -> None:
    assert all(len(why) > 20 for why in [*ALLOWED.values(), *DECLINED.values()])


# --- dates: both backends read the date text with dates.parse_date, which reads the common
# layouts itself, the way feedparser does (where feedparser is right), and hands it the rest ---

DATES = [
    "Mon, 28 Oct 2024 19:30:00 GMT",
    "Mon, 28 Oct 2024 19:30:00 +0000",
    "Thu, 02 Jul 2015 23:18:09 +01:00",  # dailymail: a colon in the zone
    "Mon, 28 Oct 2024 19:30:00 -0500",
    "28 Oct 2024 19:30 +0200",
    "Mon,28 Oct 2024 19:30:00 Z",
    "Mon, 28 Oct 2024 19:30:00 UT",
    "Mon, 28 Oct 2024 19:30:00 EST",  # named zones: feedparser's reader
    "Mon, 28 Oct 24 19:30:00 GMT",  # two-digit year: feedparser's reader
    "Mon, 31 Feb 2024 19:30:00 GMT",  # no such day
    "2024-10-28T19:30:00Z",
    "2024-10-28T19:30:00.123456+02:00",
    "2024-10-28T19:30:00",  # no zone: UTC
    "2024-10-28",
    "2024-10-28 19:30:00",
    "Xyz, 28 Oct 2024 19:30:00 GMT",  # no such weekday: feedparser refuses it
    "Mon, 28 Oct 2024 24:00:00 GMT",
    "Mon, 28 Oct 2024 19:30:00 +9999",
    "2024-10-28T19:30:00.5Z",  # feedparser keeps whole seconds
    "2024-10-28T24:00:00Z",
    "2024-13-28T19:30:00Z",  # feedparser rolls month 13 into the next year
    "2024-10-28T19:30:00+01",
    "9999-12-31T23:59:59-05:00",  # past the end of datetime once in UTC
    "not a date",
    "",
]


@pytest.mark.parametrize("value", DATES)
def test_dates_read_as_feedparser_reads_them(value: str) -> None:
    assert parse_date(value) == feedparser_date(value)


ZONE_NAMES = ["UT", "GMT", "Z", "ADT", "AST", "AT", "EDT", "EST", "ET", "CDT", "CST", "CT", "MDT",
              "MST", "MT", "PDT", "PST", "PT", "MET", "MEST", "XYZ", "BST", "CEST", "A", "M"]


@pytest.mark.parametrize("zone", ZONE_NAMES + [z.lower() for z in ZONE_NAMES])
def test_named_zones_read_as_feedparser_reads_them(zone: str) -> None:
    """The zone names of feedparser's table are read here with its offsets; a name it does
    not know (BST, CEST) is left to it, as is a one-letter military zone."""
    value = f"Tue, 17 Feb 2026 18:03:07 {zone}"
    assert parse_date(value) == feedparser_date(value)


def test_a_north_american_zone_needs_no_feedparser() -> None:
    """'EST' dates (csmonitor's) are read without importing feedparser (40 ms of a worker)."""
    code = ("import sys\nfrom monitor.dates import parse_date\n"
            "assert parse_date('Tue, 17 Feb 2026 18:03:07 EST').hour == 23\n"
            "assert 'feedparser' not in sys.modules, 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_zone_with_a_colon_is_applied() -> None:
    assert parse_date("Thu, 02 Jul 2015 23:18:09 +01:00") == datetime(
        2015, 7, 2, 22, 18, 9, tzinfo=UTC)


def test_where_feedparser_drops_the_zone_minutes_we_do_not() -> None:
    """An allowed difference from feedparser itself (not between the backends, which both
    read dates with parse_date): feedparser reads the ISO 8601 zone +0530 as +05:00."""
    value = "2024-10-28T19:30:00+0530"
    assert parse_date(value) == datetime(2024, 10, 28, 14, 0, tzinfo=UTC)
    assert feedparser_date(value) == datetime(2024, 10, 28, 14, 30, tzinfo=UTC)
    body = rss(f"<item><guid>1</guid><pubDate>{value}</pubDate></item>").encode()
    for backend in ("fast", "feedparser"):
        assert parse_bytes(body, backend=backend).items[0].published == parse_date(value)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1996, 1, 1), max_value=datetime(2030, 12, 31)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_any_rfc822_or_iso_date_reads_alike(when: datetime, minutes: int) -> None:
    when = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    for text in (when.strftime(f"%a, %d %b %Y %H:%M:%S {zone}"), when.isoformat()):
        assert parse_date(text) == feedparser_date(text) == when


# --- generated feeds: whatever an item holds, both backends read it alike -------------------

WORDS = st.sampled_from([
    "Kursk", "3 000", "soldats", "10,000", "troops", "&amp;", "AT&amp;T", "&lt;b&gt;bold&lt;/b&gt;",
    "&lt;p&gt;para&lt;/p&gt;", "&#233;t&#xE9;", "Séoul", "“quoted”", "  ", "\n", "&gt;", "<![CDATA[x & y]]>",
])
TEXT = st.lists(WORDS, max_size=8).map(" ".join)
HTML = st.lists(st.sampled_from([
    "<p>Kursk 3 000 soldats</p>", "<b>bold</b> text", "<br/>", "<a href='https://x.example/a'>a</a>",
    "<script>alert(1)</script>", "a &amp; b", "&nbsp;", "<ul><li>one</li><li>two</li></ul>",
    "<img src='https://t.example/p.gif'/>", "plain", "10,000 troops", "caf\u00c3\u00a9 \u0092",
]), max_size=6).map("".join)
DATE = st.sampled_from(["Mon, 28 Oct 2024 19:30:00 GMT", "Thu, 02 Jul 2015 23:18:09 +01:00",
                        "2024-10-28T19:30:00Z", "Mon, 28 Oct 2024 19:30:00 EST", "garbage"])


@st.composite
def rss_item(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 2))):  # feedparser keeps the last title
        parts.append(draw(st.sampled_from([f"<title>{draw(TEXT)}</title>",
                                           f"<title><![CDATA[{draw(HTML)}]]></title>",
                                           f"<dc:title>{draw(TEXT)}</dc:title>"])))
    if draw(st.booleans()):
        parts.append(f"<link> https://news.example/{draw(st.integers(0, 99))} </link>")
    if draw(st.booleans()):
        rel = draw(st.sampled_from(["", ' rel="alternate"', ' rel="self"']))
        parts.append(f'<atom:link{rel} href="https://news.example/atom/{draw(st.integers(0, 9))}"/>')
    if draw(st.booleans()):
        permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(f"<guid{permalink}>https://news.example/g{draw(st.integers(0, 9))}</guid>")
    for _ in range(draw(st.integers(0, 2))):
        tag = draw(st.sampled_from(["description", "dc:description"]))
        parts.append(f"<{tag}>{escape(draw(HTML))}</{tag}>")
    if draw(st.booleans()):
        parts.append(f"<content:encoded><![CDATA[{draw(HTML)}]]></content:encoded>")
    if draw(st.booleans()):
        parts.append(f"<media:content url='https://m.example/i.jpg'><media:description>"
                     f"{draw(TEXT)}</media:description></media:content>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{draw(DATE)}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{draw(DATE)}</dc:date>")
    draw(st.randoms()).shuffle(parts)
    return "<item>" + "".join(parts) + "</item>"


@st.composite
def atom_entry(draw: st.DrawFn) -> str:
    parts = [f"<id>tag:news.example,2024:{draw(st.integers(0, 99))}</id>"
             for _ in range(draw(st.integers(1, 2)))]
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["text", "html"]))
        parts.append(f'<title type="{kind}">{escape(draw(TEXT))}</title>')
    for _ in range(draw(st.integers(0, 2))):
        rel = draw(st.sampled_from(["", ' rel="alternate"', ' rel="self"', ' rel="enclosure"']))
        kind = draw(st.sampled_from(["", ' type="text/html"', ' type="application/pdf"']))
        parts.append(f'<link{rel}{kind} href="https://news.example/{draw(st.integers(0, 9))}"/>')
    if draw(st.booleans()):
        parts.append(f'<summary type="html">{escape(draw(HTML))}</summary>')
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from([
            f'<content type="html">{escape(draw(HTML))}</content>',
            f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{draw(HTML)}</div>'
            "</content>",
            f"<content>{escape(draw(TEXT))}</content>",
        ])))
    for _ in range(draw(st.integers(0, 2))):
        parts.append(f"<updated>{draw(DATE)}</updated>")
    if draw(st.booleans()):
        parts.append(f"<published>{draw(DATE)}</published>")
    if draw(st.booleans()):
        parts.append("<source><id>tag:other</id><title>Other</title>"
                     "<updated>2020-01-01T00:00:00Z</updated></source>")
    draw(st.randoms()).shuffle(parts)
    return "<entry>" + "".join(parts) + "</entry>"


RSS_HEAD = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>')


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rss_item(), min_size=1, max_size=4))
def test_generated_rss_reads_alike(items: list[str]) -> None:
    body = (RSS_HEAD + "".join(items) + "</channel></rss>").encode()
    assert_alike(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(atom_entry(), min_size=1, max_size=4))
def test_generated_atom_reads_alike(entries: list[str]) -> None:
    body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>T</title>" + "".join(entries) + "</feed>").encode()
    assert_alike(body)


@st.composite
def rdf_item(draw: st.DrawFn) -> str:
    about = f' rdf:about="https://news.example/{draw(st.integers(0, 9))}"' if draw(
        st.booleans()) else ""
    parts = [f"<title>{draw(TEXT)}</title>"]
    if draw(st.booleans()):
        parts.append(f"<link>https://news.example/l{draw(st.integers(0, 9))}</link>")
    if draw(st.booleans()):
        parts.append(f"<description>{escape(draw(HTML))}</description>")
    if draw(st.booleans()):
        parts.append(f"<content:encoded><![CDATA[{draw(HTML)}]]></content:encoded>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{draw(DATE)}</dc:date>")
    draw(st.randoms()).shuffle(parts)
    return f"<item{about}>" + "".join(parts) + "</item>"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rdf_item(), min_size=1, max_size=4))
def test_generated_rss1_reads_alike(items: list[str]) -> None:
    body = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            '<channel rdf:about="https://news.example/"><title>T</title></channel>'
            + "".join(items) + "</rdf:RDF>").encode()
    assert_alike(body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(atom_entry(), min_size=1, max_size=3))
def test_generated_atom03_reads_alike(entries: list[str]) -> None:
    body = ('<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
            "<title>T</title>" + "".join(entries).replace("<published>", "<issued>")
            .replace("</published>", "</issued>").replace("<updated>", "<modified>")
            .replace("</updated>", "</modified>") + "</feed>").encode()
    assert_alike(body)


# --- auto: when the fast reader hands over, and what it mends itself ----------------------

def rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return head + '<rss version="2.0"><channel><title>T</title>' + items + "</channel></rss>"


def test_a_bare_ampersand_is_mended_by_the_fast_reader_with_a_warning() -> None:
    body = rss("<item><title>Kim & Putin: 3,000 &eacute;</title><guid>1</guid>"
               "<link>https://x.example/?a=1&b=2</link></item>").encode()
    parsed = parse_bytes(body)
    assert parsed.backend == "fast" and parsed.bozo
    assert parsed.items[0].title == "Kim & Putin: 3,000 é"
    assert parsed.items[0].link == "https://x.example/?a=1&b=2"
    ref = parse_bytes(body, backend="feedparser")
    assert differences(ref, parsed, "amp") == []


def test_unclosed_tags_go_to_feedparser() -> None:
    body = rss("<item><title>Unclosed <b>bold</title><guid>1</guid>"
               "<description>3 000 soldats</item>").encode()
    parsed = parse_bytes(body)
    assert parsed.backend == "feedparser" and parsed.fallback and parsed.items
    with pytest.raises(NotAFeed, match="fast parser"):
        parse_bytes(body, backend="fast")


def test_undeclared_latin1_is_read_as_feedparser_reads_it() -> None:
    body = rss("<item><title>Séoul évoque 3 000 soldats</title><guid>1</guid></item>",
               "").encode("latin-1")
    parsed = parse_bytes(body)
    if CHARDET_INSTALLED:  # feedparser would guess with chardet, so only feedparser may guess
        assert parsed.backend == "feedparser"
    else:
        assert parsed.backend == "fast" and "windows-1252" in (parsed.bozo or "")
    assert parsed.items[0].title == "Séoul évoque 3 000 soldats"
    assert differences(parse_bytes(body, backend="feedparser"), parsed, "latin1") == []


def test_the_http_charset_outranks_the_body() -> None:
    body = rss("<item><title>Курск</title><guid>1</guid></item>", "").encode("cp1251")
    parsed = parse_bytes(body, content_type="application/rss+xml; charset=windows-1251")
    assert parsed.backend == "feedparser" and "charset" in (parsed.fallback or "")
    assert parsed.items[0].title == "Курск"


def test_utf16_without_bom_and_bom_with_whitespace_still_read() -> None:
    utf16 = rss("<item><title>Koursk</title><guid>1</guid></item>",
                '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-le")
    assert parse_bytes(utf16).items[0].title == "Koursk"
    bom = b"\xef\xbb\xbf  \n" + rss("<item><title>Kursk</title><guid>1</guid></item>").encode()
    assert parse_bytes(bom).items[0].title == "Kursk"


def test_rss_in_a_default_namespace_is_read_fast() -> None:
    body = ('<rss xmlns="https://cyber.harvard.edu/rss/rss.html" version="2.0"><channel>'
            "<title>T</title><item><title>Kursk</title><guid>g</guid></item></channel></rss>")
    parsed = parse_bytes(body.encode())
    assert parsed.backend == "fast" and [i.title for i in parsed.items] == ["Kursk"]


def test_entries_the_fast_reader_cannot_place_go_to_feedparser() -> None:
    body = (b'<rss version="2.0" xmlns:x="urn:x"><channel><title>T</title>'
            b"<x:item><title>Kursk</title></x:item></channel></rss>")
    assert parse_bytes(body, backend="fast").items == ()
    parsed = parse_bytes(body)
    assert parsed.backend == "feedparser" and "entry tags" in (parsed.fallback or "")


def test_an_empty_feed_is_read_fast_and_is_not_an_error() -> None:
    parsed = parse_bytes(rss("").encode())
    assert parsed.backend == "fast" and parsed.items == () and parsed.title == "T"


@pytest.mark.parametrize("backend", ["auto", "fast", "feedparser"])
def test_html_pages_are_not_feeds_whichever_backend(backend: str) -> None:
    with pytest.raises(NotAFeed):
        parse_bytes(b"<!doctype html><html><head><title>Just a moment</title></head>"
                    b"<body>Checking your browser</body></html>", backend=backend)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le"])
def test_entity_declarations_are_refused_in_any_encoding(encoding: str) -> None:
    body = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel>'
            "<title>&a;</title></channel></rss>").encode(encoding)
    for backend in ("auto", "fast", "feedparser"):
        with pytest.raises(HostileFeed):
            parse_bytes(body, backend=backend)  # type: ignore[arg-type]


def test_an_entity_declaration_far_into_the_body_is_refused() -> None:
    body = (b'<?xml version="1.0"?>' + b"<!-- " + b"x" * 200_000 + b" -->"
            b'<!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel><title>&a;</title></channel></rss>')
    with pytest.raises(HostileFeed):
        parse_bytes(body)


def test_a_fault_in_the_fast_reader_falls_back_to_feedparser(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug cannot be made real on purpose: the fast reader is replaced by one that raises."""
    from monitor import read_fast

    def broken(data: bytes, content_type: str | None = None) -> None:
        raise IndexError("a bug")

    monkeypatch.setattr(read_fast, "read", broken)
    body = rss("<item><title>Kursk</title><guid>1</guid></item>").encode()
    parsed = parse_bytes(body)
    assert parsed.backend == "feedparser" and "IndexError" in (parsed.fallback or "")
    assert [i.title for i in parsed.items] == ["Kursk"]
    with pytest.raises(NotAFeed, match="a bug"):
        parse_bytes(body, backend="fast")


# --- damaged bodies: whatever the bytes, a body is items, "not a feed" or hostile, never a crash

@needs_feeds_real
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["aljazeera_all.xml", "kottke.atom", "uol_noticias.rss",
                        "guardian_world.xml"]),
       st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=4)), min_size=1, max_size=6),
       st.floats(0.05, 1.0))
def test_damaged_real_feeds_never_crash(name: str, edits: list[tuple[float, bytes]],
                                        keep: float) -> None:
    from conftest import FEEDS_REAL

    data = bytearray((FEEDS_REAL / name).read_bytes())
    for where, junk in edits:  # overwrite a few bytes anywhere, then cut the tail
        at = int(where * (len(data) - 1))
        data[at : at + len(junk)] = junk
    body = bytes(data[: max(1, int(len(data) * keep))])
    for backend in ("auto", "fast", "feedparser"):
        try:
            parsed = parse_bytes(body, backend=backend)  # type: ignore[arg-type]
        except (NotAFeed, HostileFeed):
            continue
        for it in parsed.items:
            assert it.uid and "\x00" not in it.title + it.text
            assert it.link is None or it.link.startswith(("http://", "https://"))


def test_a_short_summary_found_in_the_contents_tags_is_still_read() -> None:
    # hypothesis found it: content that is only a script, and a media:description ">",
    # which occurs in the script's markup: the fast reader dropped it as already read
    item = ("<item><content:encoded><![CDATA[<script>alert(1)</script>]]></content:encoded>"
            "<media:content url='https://m.example/i.jpg'><media:description>&gt;"
            "</media:description></media:content></item>")
    assert_alike((RSS_HEAD + item + "</channel></rss>").encode())


def test_xml_char_is_the_char_production_over_every_code() -> None:
    """read_fast's test of the characters XML allows (a reference to another is dropped), as
    the character class it replaced read them, for every code a reference can give."""
    import re

    from monitor.read_fast import xml_char

    char_class = re.compile("[\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    for code in range(0x110000):
        assert xml_char(code) == bool(char_class.match(chr(code))), hex(code)
    assert not any(map(xml_char, (0x110000, 0xFFFFFF, 9_999_999)))
    body = b'<rss version="2.0"><channel><item><title>a&#1;b&#x41;&#xD800;c&#65;</title>' \
           b'<link>https://example.org/x</link></item></channel></rss>'
    assert [it.title for it in parse_bytes(body, backend="fast").items] == ["abAcA"]
