"""The fetcher against a real local HTTP server: conditional GET, redirects, statuses, caps."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from feedserver import FeedServer

from monitor.config import FetchConfig
from monitor.fetch import Fetcher, FetchResult, parse_retry_after, user_agent


def fetch(url: str, cfg: FetchConfig | None = None, **kw: object) -> FetchResult:
    async def go() -> FetchResult:
        f = Fetcher(cfg or FetchConfig(), "https://example.org/contact")
        try:
            return await f.fetch(url, allow_private=True, **kw)  # type: ignore[arg-type]
        finally:
            await f.aclose()

    return asyncio.run(go())


def test_200_then_304_by_etag(server: FeedServer) -> None:
    first = fetch(server.url("/f/lemonde.xml"))
    assert first.status == "ok" and first.body and first.body.startswith(b"<?xml")
    assert first.etag
    second = fetch(server.url("/f/lemonde.xml"), etag=first.etag)
    assert (second.status, second.http_status, second.body) == ("not_modified", 304, None)
    path, headers = server.requests[-1]
    assert headers["If-None-Match"] == first.etag
    assert headers["User-Agent"] == user_agent("https://example.org/contact")


def test_304_by_last_modified(server: FeedServer) -> None:
    first = fetch(server.url("/f/kyiv.atom"))
    second = fetch(server.url("/f/kyiv.atom"), last_modified=first.last_modified)
    assert second.status == "not_modified"


def test_server_that_ignores_conditional_get() -> None:
    s = FeedServer(conditional=False).start()
    s.files["a.xml"] = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
    try:
        r = fetch(s.url("/f/a.xml"), etag='"x"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
        assert r.status == "ok" and r.etag is None
    finally:
        s.stop()


def test_redirects(server: FeedServer) -> None:
    for code, permanent in ((301, True), (302, False), (307, False), (308, True)):
        r = fetch(server.url(f"/r/{code}/f/lemonde.xml"))
        assert r.status == "ok", code
        assert r.url == server.url("/f/lemonde.xml")
        assert (r.permanent_redirect is not None) == permanent, code


def test_redirect_loop_gives_up_after_five_hops(server: FeedServer) -> None:
    t0 = time.monotonic()
    r = fetch(server.url("/loop/0"))
    assert r.status == "error" and "too many redirects" in (r.error or "")
    assert server.hits("/loop/") == 6  # the first request and five hops
    assert time.monotonic() - t0 < 5


def test_statuses(server: FeedServer) -> None:
    assert fetch(server.url("/status/404")).error == "HTTP 404"
    assert fetch(server.url("/status/500")).error == "HTTP 500"
    gone = fetch(server.url("/status/410"))
    assert gone.status == "gone"
    r = fetch(server.url("/status/429?ra=120"))
    assert (r.status, r.retry_after) == ("error", 120.0)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=300), usegmt=True)
    r = fetch(server.url("/status/503?ra=" + when.replace(" ", "%20")))
    assert r.retry_after is not None and 290 <= r.retry_after <= 301


def test_retry_after_forms() -> None:
    now = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("-5") == -5.0
    assert parse_retry_after("Fri, 01 Nov 2024 12:10:00 GMT", now) == 600.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_slow_loris_is_cut_at_the_deadline(server: FeedServer) -> None:
    server.slow_interval = 0.5
    t0 = time.monotonic()
    r = fetch(server.url("/slow"), FetchConfig(timeout=2))
    took = time.monotonic() - t0
    assert r.status == "error" and "timed out" in (r.error or "")
    assert 1.9 <= took < 3.5


def test_huge_body_is_cut_at_the_cap(server: FeedServer) -> None:
    t0 = time.monotonic()
    r = fetch(server.url("/huge?mb=50"))
    assert r.status == "error" and "cap" in (r.error or "")
    assert time.monotonic() - t0 < 5


def test_gzip_bomb_is_cut_at_the_cap(server: FeedServer) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = fetch(server.url("/bomb"))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert r.status == "error" and "cap" in (r.error or "")
    assert (after - before) < 60 * 1024  # KiB: far below the 200 MB it expands to


def test_internal_addresses_are_refused_unless_allowed(server: FeedServer) -> None:
    async def go() -> FetchResult:
        f = Fetcher(FetchConfig(), "x")
        try:
            return await f.fetch(server.url("/f/lemonde.xml"), allow_private=False)
        finally:
            await f.aclose()

    r = asyncio.run(go())
    assert r.status == "error" and "internal address" in (r.error or "")
    assert server.hits("/f/") == 0  # refused before any request


def test_connection_refused_is_an_error_not_an_exception() -> None:
    r = fetch("http://127.0.0.1:9/feed.xml")
    assert r.status == "error" and r.error


def test_redirect_to_file_url_is_refused(server: FeedServer) -> None:
    r = fetch(server.url("/r/302/x:file:///etc/passwd"))
    assert r.status == "error" and "not an http(s) URL" in (r.error or "")
