"""Parsing feed bytes into items: real captures, hostile and broken feeds, identity rules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import feeds_real, needs_feeds_real

from monitor.feeds import HostileFeed, NotAFeed, parse_bytes


def rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (head + '<rss version="2.0"><channel><title>T</title>' + items
            + "</channel></rss>").encode("utf-8") if isinstance(items, str) else items


@needs_feeds_real
@pytest.mark.parametrize("path", feeds_real(), ids=lambda p: p.name)
def test_every_real_capture_parses(path: Path) -> None:
    parsed = parse_bytes(path.read_bytes(), feed=path.stem)
    assert parsed.items, path.name
    for it in parsed.items:
        assert it.uid and it.content_hash
        assert it.link is None or it.link.startswith(("http://", "https://"))
        assert "\x00" not in it.title


def test_empty_and_html_are_not_feeds() -> None:
    with pytest.raises(NotAFeed):
        parse_bytes(b"")
    with pytest.raises(NotAFeed):
        parse_bytes(b"   \n")
    with pytest.raises(NotAFeed):
        parse_bytes(b"<!doctype html><html><head><title>Just a moment</title></head>"
                    b"<body>Checking your browser</body></html>")


def test_never_takes_a_url_or_path() -> None:
    with pytest.raises(TypeError):
        parse_bytes("/etc/passwd")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<rss><channel><title>&lol2;</title></channel></rss>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&xxe;</title></channel></rss>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">%p;]>'
        b"<rss/>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"A" * 50000 + b'">]><rss><channel>'
        b"<title>" + b"&a;" * 2000 + b"</title></channel></rss>",
    ],
    ids=["billion-laughs", "xxe-file", "xxe-parameter", "quadratic-blowup"],
)
def test_entity_declarations_are_refused_fast(body: bytes) -> None:
    t0 = time.monotonic()
    with pytest.raises(HostileFeed):
        parse_bytes(body)
    assert time.monotonic() - t0 < 0.1


def test_wrong_charsets_still_give_titles() -> None:
    latin1 = rss("<item><title>Séoul évoque 3 000 soldats</title><guid>1</guid></item>",
                 '<?xml version="1.0" encoding="utf-8"?>').decode().encode("latin-1")
    assert parse_bytes(latin1).items[0].title.startswith("S")
    utf16 = rss("<item><title>Koursk</title><guid>1</guid></item>",
                '<?xml version="1.0" encoding="utf-16"?>').decode().encode("utf-16")
    assert parse_bytes(utf16).items[0].title == "Koursk"
    bom = b"\xef\xbb\xbf  \n" + rss("<item><title>Kursk</title><guid>1</guid></item>")
    assert parse_bytes(bom).items[0].title == "Kursk"


def test_malformed_xml_is_read_with_a_warning() -> None:
    broken = rss("<item><title>Unclosed <b>bold</title><guid>1</guid><description>3 000 soldats"
                 "</item>")
    parsed = parse_bytes(broken)
    assert parsed.items and parsed.bozo


def test_identity_rules_guid_then_link_then_hash() -> None:
    parsed = parse_bytes(rss(
        "<item><title>A</title><guid>g1</guid><link>https://x.example/a</link></item>"
        "<item><title>B</title><link>https://x.example/b</link></item>"
        "<item><title>C</title></item>"
        "<item><title>A again</title><guid>g1</guid></item>"
    ))
    uids = [i.uid for i in parsed.items]
    assert uids[0] == "g1" and uids[1] == "https://x.example/b"
    assert uids[2].startswith("sha256:")
    assert uids[3] == "g1"  # duplicate guid: same uid, judged once by the store
    assert parsed.items[2].link is None and parsed.items[2].published is None


def test_hostile_content_is_cleaned() -> None:
    parsed = parse_bytes(rss(
        "<item><title>Kim\x1b[31m \u202eevil\u202c 3,000</title><guid>1</guid>"
        "<link>javascript:alert(1)</link>"
        "<description><![CDATA[<script>alert(1)</script><p>10,000 troops</p>"
        "<form action='https://evil.example'><input></form>]]></description></item>"
        "<item><title>x</title><guid>2</guid><link>data:text/html,hi</link></item>"
    ))
    a, b = parsed.items
    assert a.title == "Kim evil 3,000"
    assert a.link is None and b.link is None
    assert "alert" not in a.text and "10,000 troops" in a.text


def test_dates_in_1970_or_far_future_are_dropped() -> None:
    parsed = parse_bytes(rss(
        "<item><title>a</title><guid>1</guid><pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item>"
        "<item><title>b</title><guid>2</guid><pubDate>Sat, 01 Jan 2050 00:00:00 GMT</pubDate></item>"
        "<item><title>c</title><guid>3</guid><pubDate>Mon, 28 Oct 2024 19:30:00 GMT</pubDate></item>"
    ))
    assert [i.published is None for i in parsed.items] == [True, True, False]


def test_changed_updated_stamp_alone_is_not_a_change() -> None:
    one = parse_bytes(rss("<item><title>a</title><guid>1</guid><description>x</description>"
                          "<pubDate>Mon, 28 Oct 2024 19:30:00 GMT</pubDate></item>"))
    two = parse_bytes(rss("<item><title>a</title><guid>1</guid><description>x</description>"
                          "<pubDate>Tue, 29 Oct 2024 19:30:00 GMT</pubDate></item>"))
    assert one.items[0].content_hash == two.items[0].content_hash


def test_every_field_is_capped_and_counted() -> None:
    """Issue 20 item 9: title and text cut, a link too long dropped (a cut URL points
    elsewhere), a guid too long hashed (two long guids with one prefix stay two items); the
    parse says what it capped."""
    from monitor.feeds import CAPS

    long_guid = "urn:x:" + "g" * 3000
    body = rss(f"<item><guid>{long_guid}</guid><title>{'T' * 3000}</title>"
               f"<link>https://news.example/{'a' * 5000}</link>"
               f"<description>{'word ' * 300_000}</description></item>"
               f"<item><guid>{long_guid}2</guid><title>ok</title></item>")
    for backend in ("fast", "feedparser"):
        parsed = parse_bytes(body, backend=backend)  # type: ignore[arg-type]
        first, second = parsed.items
        assert len(first.title) == CAPS["title"] == 2000
        assert first.link is None
        assert first.uid.startswith("sha256:") and first.uid != second.uid
        assert len(first.text) <= CAPS["text"]
        # the second entry's guid is its link too (RSS permalink guid): dropped as well
        assert dict(parsed.capped) == {"guid": 2, "link": 2, "summary": 1, "text": 1,
                                       "title": 1}, backend
        assert parsed.capped_line() == "guid=2 link=2 summary=1 text=1 title=1"
