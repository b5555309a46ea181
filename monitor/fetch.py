"""Polite, capped HTTP fetching of feeds (RELIABILITY.md 6-13).

One shared `httpx.AsyncClient`; conditional GET from the stored ETag / Last-Modified; a total
deadline checked on every read (a slow-loris server is cut at the deadline); a body cap
enforced while streaming and while decompressing (a gzip bomb is cut at the cap, not after);
redirects followed by hand, at most N hops, http(s) only, each hop's address checked; 429/503
Retry-After read in both forms. Failures are returned as results, never raised.

Every connection (feeds here, webhooks in `monitor.notify.webhook`) goes through
`PinnedTransport`: the host is resolved once, each address checked against the policy of
`monitor.netguard`, and the socket connected to a checked address, never to a second lookup
(DNS rebinding); the Host header and the TLS server name stay the URL's host.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from monitor import __version__
from monitor.config import FetchConfig
from monitor.netguard import AddressRefused, is_internal_host, mask_credentials, resolve_checked

Status = Literal["ok", "not_modified", "error", "gone"]
DAY = 86400.0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch gave: the body (status ok), or why there is none."""

    status: Status
    url: str
    http_status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None
    permanent_redirect: str | None = None
    max_age: float | None = None
    content_type: str | None = None
    elapsed: float = 0.0


class FetchError(Exception):
    """An expected failure: network, HTTP status, cap, refused address."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from `Retry-After: 120` or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.lstrip("-").isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - (now or datetime.now(UTC))).total_seconds()


def parse_max_age(cache_control: str | None) -> float | None:
    for part in (cache_control or "").split(","):
        k, _, v = part.strip().partition("=")
        if k.lower() == "max-age" and v.strip().isdigit():
            return float(v)
    return None


def user_agent(contact: str) -> str:
    return f"news-monitor/{__version__} (+{contact})"


class _Decoder:
    """Content-Encoding decoding with an output cap per call (gzip bombs stop at the cap)."""

    def __init__(self, encoding: str) -> None:
        enc = encoding.lower().strip()
        if enc in ("gzip", "x-gzip"):
            self.z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self.z = zlib.decompressobj()
        elif enc in ("", "identity"):
            self.z = None
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes, room: int) -> bytes:
        """Decoded bytes of `chunk`; raises once the output would pass `room` bytes."""
        if self.z is None:
            return chunk
        out = self.z.decompress(chunk, room + 1)
        if self.z.unconsumed_tail or len(out) > room:
            raise FetchError("body over the cap once decompressed")
        return out


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting to an address `resolve_checked` returned:
    the lookup that is checked is the one connected to. TLS is started by httpcore on the
    stream returned here with the URL's host as server name, so certificates and SNI are
    those of the name, not of the address."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_checked(host, port, self.allow_private)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address,
                                                    socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None  # resolve_checked returns at least one address
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("refused: unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport whose every connection goes to a checked address (internal ones
    refused unless `allow_private`): its pool runs on a `PinnedBackend` (httpx 0.27/0.28 take
    no network backend, so the pool it built is replaced by one with the same settings)."""

    def __init__(self, allow_private: bool, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(allow_private),
        )


class Fetcher:
    """One client per address policy for every feed (a connection opened for an
    `allow_private` feed is never reused for another); bounded concurrency overall and per
    host."""

    def __init__(self, cfg: FetchConfig, contact: str) -> None:
        self.cfg = cfg
        limits = httpx.Limits(max_connections=cfg.concurrency,
                              max_keepalive_connections=cfg.concurrency)
        self.client, self.private_client = (httpx.AsyncClient(
            transport=PinnedTransport(allow_private, limits),
            follow_redirects=False,
            timeout=httpx.Timeout(cfg.timeout, connect=min(10.0, cfg.timeout)),
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate",
                     "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"},
            trust_env=False,
        ) for allow_private in (False, True))
        self.overall = asyncio.Semaphore(cfg.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(cfg.per_host))

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.private_client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    allow_private: bool = False) -> FetchResult:
        """Fetch one feed within the total deadline; never raises for expected failures."""
        start = time.monotonic()
        host = urlsplit(url).hostname or ""
        async with self.overall, self.hosts[host]:
            try:
                async with asyncio.timeout(self.cfg.timeout):
                    result = await self._follow(url, etag, last_modified, allow_private)
            except TimeoutError:
                result = FetchResult("error", url, error=f"timed out after {self.cfg.timeout:g}s")
            except (FetchError, AddressRefused) as exc:
                result = FetchResult("error", url, error=mask_credentials(str(exc)))
            except httpx.HTTPError as exc:
                result = FetchResult("error", url,
                                     error=mask_credentials(f"{type(exc).__name__}: {exc}"))
        return dataclasses.replace(result, elapsed=time.monotonic() - start)

    @staticmethod
    def _check_url(url: str, allow_private: bool) -> None:
        """Refuse a non-http(s) URL or an internal literal host before connecting; a name is
        resolved and checked by the transport, at connect time (`PinnedBackend`)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"refused: not an http(s) URL: {url}")
        host = parts.hostname or ""
        if not allow_private and is_internal_host(host):
            raise FetchError(f"refused: internal address {host}")

    async def _follow(self, url: str, etag: str | None, last_modified: str | None,
                      allow_private: bool) -> FetchResult:
        permanent: str | None = None
        all_permanent = True
        client = self.private_client if allow_private else self.client
        for _hop in range(self.cfg.max_redirects + 1):
            self._check_url(url, allow_private)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with client.stream("GET", url, headers=headers) as resp:
                code = resp.status_code
                if code in (301, 302, 303, 307, 308):
                    await self._drain(resp)
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(f"HTTP {code} without Location")
                    all_permanent = all_permanent and code in (301, 308)
                    url = urljoin(url, location)
                    permanent = url if all_permanent else None
                    continue
                return await self._response(resp, url, permanent)
        raise FetchError(f"too many redirects (more than {self.cfg.max_redirects})")

    async def _response(self, resp: httpx.Response, url: str,
                        permanent: str | None) -> FetchResult:
        code = resp.status_code
        h = resp.headers
        common = dict(url=url, http_status=code, permanent_redirect=permanent,
                      etag=h.get("ETag"), last_modified=h.get("Last-Modified"),
                      max_age=parse_max_age(h.get("Cache-Control")))
        if code != 200:
            await self._drain(resp)
        if code == 304:
            return FetchResult("not_modified", **common)
        if code == 410:
            return FetchResult("gone", error="HTTP 410 Gone", **common)
        if code in (429, 503):
            return FetchResult("error", error=f"HTTP {code}",
                               retry_after=parse_retry_after(h.get("Retry-After")), **common)
        if code != 200:
            return FetchResult("error", error=f"HTTP {code}", **common)
        body = await self._read_capped(resp)
        return FetchResult("ok", body=body, content_type=h.get("Content-Type"),
                           **common)

    @staticmethod
    async def _drain(resp: httpx.Response, limit: int = 65536) -> None:
        """Read a small answer to its end so its connection goes back to the pool (an unread
        answer closes it); stop at `limit`, the connection is then closed."""
        seen = 0
        async for chunk in resp.aiter_raw():
            seen += len(chunk)
            if seen > limit:
                break

    async def _read_capped(self, resp: httpx.Response) -> bytes:
        cap = self.cfg.max_bytes
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap * 4:
            raise FetchError(f"body too large: Content-Length {declared} > cap {cap}")
        decoder = _Decoder(resp.headers.get("Content-Encoding", ""))
        parts: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_raw():
            out = decoder.feed(chunk, cap - size)
            size += len(out)
            if size > cap:
                raise FetchError(f"body over the {cap}-byte cap")
            parts.append(out)
        return b"".join(parts)
