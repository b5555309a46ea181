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

Through a proxy (`fetch.proxy`, a feed's `proxy`, or the environment's HTTP(S)_PROXY with
`fetch.trust_env`) the socket goes to the proxy, which resolves the target itself: so the
target's name is resolved and checked here before the request is sent (an internal target
is refused as without a proxy); the proxy's own address is the operator's choice and not
checked. A feed's credentials (HTTP Basic or Digest) are sent only to its URL's origin.
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
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from urllib.request import getproxies_environment

import httpcore
import httpx

from monitor import __version__
from monitor.config import FeedConfig, FetchConfig, socks_available
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


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port filled in: where credentials may go."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


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


def no_proxy(host: str, port: int | None, spec: str) -> bool:
    """True when NO_PROXY `spec` names `host`, as curl reads it: comma-separated entries,
    `*` for all, a domain matching itself and its subdomains (a leading dot or not), an
    optional :port, IP literals compared as written."""
    host = host.lower().rstrip(".").strip("[]")
    for entry in spec.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, want = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if want and (not want.isdigit() or port != int(want)):
            continue
        name = name.lstrip(".").rstrip(".").strip("[]")
        if host == name or host.endswith("." + name):
            return True
    return False


def split_proxy(proxy: str) -> tuple[str, tuple[str, str] | None]:
    """A proxy URL without its `user:password@`, and those credentials (an environment's
    HTTPS_PROXY may carry them; they go in Proxy-Authorization, never in a message)."""
    parts = urlsplit(proxy)
    if parts.username is None:
        return proxy, None
    netloc = parts.netloc.rpartition("@")[2]
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, (unquote(parts.username), unquote(parts.password or ""))


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport whose every connection goes to a checked address (internal ones
    refused unless `allow_private`): its pool runs on a `PinnedBackend` (httpx 0.27/0.28 take
    no network backend, so the pool it built is replaced by one with the same settings).

    With `proxy`, the pool is httpcore's proxy pool on a `PinnedBackend` that connects to
    the proxy, and each request's target host is resolved and checked before it is sent
    (the proxy connects to the target, so the check cannot be at connect time)."""

    def __init__(self, allow_private: bool, limits: httpx.Limits | None = None,
                 proxy: str | None = None) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, trust_env=False)
        self.allow_private = allow_private
        self.proxied = proxy is not None
        ssl_context = httpx.create_ssl_context(trust_env=False)
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=PinnedBackend(allow_private),
            )
            return
        url, credentials = split_proxy(proxy)
        scheme = urlsplit(url).scheme
        common: dict[str, object] = dict(
            proxy_url=url, proxy_auth=credentials, ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(True),  # the proxy: the operator's, maybe on the LAN
        )
        if scheme in ("http", "https"):
            self._pool = httpcore.AsyncHTTPProxy(**common)  # type: ignore[arg-type]
        elif scheme == "socks5" and socks_available():
            common.pop("proxy_headers", None)
            self._pool = httpcore.AsyncSOCKSProxy(**common)  # type: ignore[arg-type]
        else:
            raise FetchError(f"unsupported proxy {mask_credentials(url)!r} (http, https"
                             f"{', socks5' if socks_available() else ''})")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.proxied:  # the proxy resolves the target: check its name here, first
            host = request.url.host
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            try:
                await resolve_checked(host, port, self.allow_private)
            except OSError as exc:
                raise httpx.ConnectError(f"cannot resolve {host} (checked before the "
                                         f"proxy): {exc}", request=request) from None
        return await super().handle_async_request(request)


class Fetcher:
    """One client per address policy for every feed (a connection opened for an
    `allow_private` feed is never reused for another); bounded concurrency overall and per
    host."""

    def __init__(self, cfg: FetchConfig, contact: str,
                 passwords: dict[str, str] | None = None) -> None:
        self.cfg = cfg
        self.contact = contact
        self.passwords = passwords or {}  # feed name -> password (config's feed_secrets)
        self.limits = httpx.Limits(max_connections=cfg.concurrency,
                                   max_keepalive_connections=cfg.concurrency)
        self.clients: dict[tuple[bool, str | None], httpx.AsyncClient] = {}
        self.client, self.private_client = (self.client_for(p, None) for p in (False, True))
        self.overall = asyncio.Semaphore(cfg.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(cfg.per_host))

    def client_for(self, allow_private: bool, proxy: str | None) -> httpx.AsyncClient:
        """The client of one address policy and one proxy (None: direct), made once."""
        key = (allow_private, proxy)
        if key not in self.clients:
            self.clients[key] = httpx.AsyncClient(
                transport=PinnedTransport(allow_private, self.limits, proxy),
                follow_redirects=False,
                timeout=httpx.Timeout(self.cfg.timeout, connect=min(10.0, self.cfg.timeout)),
                headers={"User-Agent": user_agent(self.contact),
                         "Accept-Encoding": "gzip, deflate",
                         "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"},
                trust_env=False,
            )
        return self.clients[key]

    def proxy_for(self, url: str, feed_proxy: str | None = None) -> str | None:
        """The proxy a request to `url` goes through, or None: the feed's own ("direct" =
        none), else fetch.proxy, else (trust_env) the environment's for the URL's scheme
        unless NO_PROXY names its host."""
        if feed_proxy:
            return None if feed_proxy == "direct" else feed_proxy
        if self.cfg.proxy:
            return self.cfg.proxy
        if not self.cfg.trust_env:
            return None
        env = getproxies_environment()
        parts = urlsplit(url)
        host = parts.hostname or ""
        if no_proxy(host, parts.port, env.get("no", "")):
            return None
        return env.get(parts.scheme) or env.get("all") or None

    def auth_for(self, feed: FeedConfig) -> httpx.Auth | None:
        """The feed's HTTP authentication (Basic or Digest), None when it has no username."""
        if not feed.username:
            return None
        password = self.passwords.get(feed.name, "")
        if feed.auth == "digest":
            return httpx.DigestAuth(feed.username, password)
        return httpx.BasicAuth(feed.username, password)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    allow_private: bool = False, proxy: str | None = None,
                    auth: httpx.Auth | None = None) -> FetchResult:
        """Fetch one feed within the total deadline; never raises for expected failures.
        `proxy` is the feed's own (see `proxy_for`); `auth` goes to `url`'s origin only."""
        start = time.monotonic()
        host = urlsplit(url).hostname or ""
        async with self.overall, self.hosts[host]:
            try:
                async with asyncio.timeout(self.cfg.timeout):
                    result = await self._follow(url, etag, last_modified, allow_private,
                                                proxy, auth)
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
                      allow_private: bool, feed_proxy: str | None = None,
                      auth: httpx.Auth | None = None) -> FetchResult:
        permanent: str | None = None
        all_permanent = True
        home = origin(url)
        for _hop in range(self.cfg.max_redirects + 1):
            self._check_url(url, allow_private)
            client = self.client_for(allow_private, self.proxy_for(url, feed_proxy))
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            hop_auth = auth if origin(url) == home else None  # never to another origin
            async with client.stream("GET", url, headers=headers,
                                     auth=hop_auth or httpx.USE_CLIENT_DEFAULT) as resp:
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
