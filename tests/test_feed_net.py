"""Issue 18, networks: [feed_defaults], proxies (fetch.proxy, a feed's proxy, the
environment's with trust_env) and feed credentials (Basic, Digest), against a real feed
server and a real forwarding HTTP proxy on loopback."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import trustme
from feedserver import FeedServer

from monitor.config import (
    ConfigError,
    FeedConfig,
    FetchConfig,
    feed_default_errors,
    load_config,
    socks_available,
)
from monitor.fetch import Fetcher, FetchResult, no_proxy

ROOT = Path(__file__).resolve().parent.parent
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Desk</title><link>https://news.example/</link>
<item><title>Kursk</title><link>https://news.example/1</link><guid>g-1</guid></item>
</channel></rss>"""
PUBLIC_IP = "93.184.216.34"  # what the scripted resolver answers for a public name


# ---------------------------------------------------------------- a forwarding proxy


class ForwardProxy:
    """An HTTP proxy on 127.0.0.1: takes `GET http://host:port/path`, records it, and
    forwards it to `routes[host]` (a name the test plays) or to host:port itself; and
    `CONNECT host:port` (for https), tunnelled to 127.0.0.1:port for a routed name."""

    def __init__(self, routes: dict[str, tuple[str, int]] | None = None) -> None:
        self.routes = routes or {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                proxy.seen.append((self.path, dict(self.headers)))
                parts = urlsplit(self.path)
                host, port = proxy.routes.get(parts.hostname or "",
                                              (parts.hostname or "", parts.port or 80))
                conn = http.client.HTTPConnection(host, port, timeout=10)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-connection", "connection")}
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                conn.close()

            def do_CONNECT(self) -> None:  # noqa: N802
                proxy.seen.append((f"CONNECT {self.path}", dict(self.headers)))
                host, _, port = self.path.rpartition(":")
                target = "127.0.0.1" if host in proxy.routes else host
                upstream = socket.create_connection((target, int(port)), timeout=10)
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                client = self.connection

                def pipe(src: socket.socket, dst: socket.socket) -> None:
                    with contextlib.suppress(OSError):
                        while data := src.recv(65536):
                            dst.sendall(data)
                    with contextlib.suppress(OSError):
                        dst.shutdown(socket.SHUT_WR)

                back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
                back.start()
                pipe(client, upstream)
                back.join(10)
                upstream.close()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy(server: FeedServer) -> Iterator[ForwardProxy]:
    p = ForwardProxy({"feeds.example": ("127.0.0.1", server.port),
                      "inside.example": ("127.0.0.1", server.port)})
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def resolve_as(answers: dict[str, str]) -> None:
    """The running loop's resolver answers these names (netguard's one seam); others as usual."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def getaddrinfo(host: Any, port: Any, **kw: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[name], int(port or 0)))]
        return await real(host, port, **kw)

    loop.getaddrinfo = getaddrinfo  # type: ignore[method-assign]


def fetch(cfg: FetchConfig, url: str, answers: dict[str, str] | None = None,
          passwords: dict[str, str] | None = None, feed: FeedConfig | None = None,
          allow_private: bool = False) -> FetchResult:
    async def go() -> FetchResult:
        resolve_as(answers or {})
        f = Fetcher(cfg, "https://example.org/contact", passwords)
        try:
            return await f.fetch(url, allow_private=allow_private,
                                 proxy=feed.proxy if feed else None,
                                 auth=f.auth_for(feed) if feed else None)
        finally:
            await f.aclose()
    return asyncio.run(go())


# ---------------------------------------------------------------- proxies


def test_fetch_proxy_sees_the_fetch_of_a_public_name(server: FeedServer,
                                                     proxy: ForwardProxy) -> None:
    server.files["a.xml"] = FEED
    r = fetch(FetchConfig(proxy=proxy.url), "http://feeds.example/f/a.xml",
              {"feeds.example": PUBLIC_IP})
    assert r.status == "ok" and r.body == FEED
    assert [p for p, _h in proxy.seen] == ["http://feeds.example/f/a.xml"]
    assert server.requests[-1][0] == "/f/a.xml"  # the proxy, not us, reached the server


def test_an_internal_target_behind_the_proxy_is_refused_before_sending(
        server: FeedServer, proxy: ForwardProxy) -> None:
    """The name resolves to a loopback address here: refused, and the proxy saw nothing;
    an internal literal too; with allow_private the same name goes through the proxy."""
    server.files["a.xml"] = FEED
    cfg = FetchConfig(proxy=proxy.url)
    r = fetch(cfg, "http://inside.example/f/a.xml", {"inside.example": "127.0.0.1"})
    assert r.status == "error" and "internal address 127.0.0.1" in (r.error or "")
    r = fetch(cfg, "http://10.0.0.7/f/a.xml")
    assert r.status == "error" and "internal address 10.0.0.7" in (r.error or "")
    assert proxy.seen == [] and server.requests == []
    r = fetch(cfg, "http://inside.example/f/a.xml", {"inside.example": "127.0.0.1"},
              allow_private=True)
    assert r.status == "ok" and len(proxy.seen) == 1


def test_a_redirect_through_the_proxy_to_an_internal_name_is_refused(
        server: FeedServer, proxy: ForwardProxy) -> None:
    r = fetch(FetchConfig(proxy=proxy.url),
              "http://feeds.example/r/302/x:http://inside.example/f/a.xml",
              {"feeds.example": PUBLIC_IP, "inside.example": "192.168.1.20"})
    assert r.status == "error" and "192.168.1.20" in (r.error or "")
    assert [p for p, _h in proxy.seen] == [
        "http://feeds.example/r/302/x:http://inside.example/f/a.xml"]


def test_https_through_the_proxy_tunnel(server: FeedServer, proxy: ForwardProxy,
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An https feed goes through CONNECT: the proxy sees only host:port, TLS is checked
    against the feed's name; an internal https target is refused before any CONNECT."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setattr("certifi.where", lambda: str(bundle))
    tls = FeedServer()
    tls.files["a.xml"] = FEED
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("feeds.example", "inside.example").configure_cert(ctx)
    tls.httpd.socket = ctx.wrap_socket(tls.httpd.socket, server_side=True)
    tls.start()
    try:
        cfg = FetchConfig(proxy=proxy.url)
        r = fetch(cfg, f"https://feeds.example:{tls.port}/f/a.xml", {"feeds.example": PUBLIC_IP})
        assert r.status == "ok" and r.body == FEED, r.error
        assert [p for p, _h in proxy.seen] == [f"CONNECT feeds.example:{tls.port}"]
        r = fetch(cfg, f"https://inside.example:{tls.port}/f/a.xml",
                  {"inside.example": "172.16.0.9"})
        assert r.status == "error" and "172.16.0.9" in (r.error or "")
        assert len(proxy.seen) == 1 and len(tls.requests) == 1
    finally:
        tls.stop()


def test_environment_proxy_with_trust_env_and_no_proxy(
        server: FeedServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    server.files["a.xml"] = FEED
    answers = {"feeds.example": PUBLIC_IP}
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert fetch(FetchConfig(), "http://feeds.example/f/a.xml", answers).status == "ok"
    assert len(proxy.seen) == 1  # the default honours it (trust_env = true)
    direct = fetch(FetchConfig(trust_env=False), server.url("/f/a.xml"), allow_private=True)
    assert direct.status == "ok" and len(proxy.seen) == 1  # ignored when trust_env = false
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert fetch(FetchConfig(), server.url("/f/a.xml"), allow_private=True).status == "ok"
    assert len(proxy.seen) == 1  # NO_PROXY names the host: direct


def test_a_feed_proxy_wins_and_direct_bypasses(server: FeedServer,
                                               proxy: ForwardProxy) -> None:
    server.files["a.xml"] = FEED
    dead = "http://127.0.0.1:9"  # nothing listens: a fetch through it fails
    own = FeedConfig(name="a", url="http://feeds.example/f/a.xml", proxy=proxy.url)
    r = fetch(FetchConfig(proxy=dead), own.url, {"feeds.example": PUBLIC_IP}, feed=own)
    assert r.status == "ok" and len(proxy.seen) == 1
    direct = FeedConfig(name="b", url=server.url("/f/a.xml"), allow_private=True,
                        proxy="direct")
    r = fetch(FetchConfig(proxy=dead), direct.url, feed=direct, allow_private=True)
    assert r.status == "ok" and len(proxy.seen) == 1
    assert fetch(FetchConfig(proxy=dead), direct.url, allow_private=True).status == "error"


@pytest.mark.parametrize(("host", "port", "spec", "expected"), [
    ("badexample.org", 80, "example.org", False),  # a suffix not at a dot: another name
    ("feeds.example", 80, "feeds.example", True),
    ("a.feeds.example", 80, ".feeds.example", True),
    ("a.feeds.example", 80, "feeds.example", True),
    ("feeds.example", 80, "feeds.example:8080", False),
    ("feeds.example", 8080, "feeds.example:8080", True),
    ("anything", None, " * ", True),
    ("127.0.0.1", 80, "localhost, 127.0.0.1", True),
    ("::1", 80, "::1", True),
    ("news.example", 80, "", False),
])
def test_no_proxy_rules(host: str, port: int | None, spec: str, expected: bool) -> None:
    assert no_proxy(host, port, spec) is expected


def test_proxy_urls_are_checked() -> None:
    assert feed_default_errors({"proxy": "ftp://p:21"})[0][1].startswith("not a proxy URL")
    bad = feed_default_errors({"proxy": "http://me:pw@p:3128"})[0][1]
    assert "credentials in a proxy URL are refused" in bad and "pw" not in bad.replace(
        "proxy", "")
    socks = feed_default_errors({"proxy": "socks5://p:1080"})
    if socks_available():
        assert socks == []
    else:
        assert "socks5 proxies need the socks extra" in socks[0][1]
    assert feed_default_errors({"proxy": "direct"}) == []


# ---------------------------------------------------------------- credentials


def test_basic_and_digest_auth_against_a_local_server(server: FeedServer) -> None:
    server.files["a.xml"] = FEED
    pw = {"a": "s3cret-pw", "b": "s3cret-pw", "c": "wrong"}
    basic = FeedConfig(name="a", url=server.url("/basic/a.xml"), allow_private=True,
                       username="reader", password_env="X")
    digest = FeedConfig(name="b", url=server.url("/digest/a.xml"), allow_private=True,
                        username="reader", password_env="X", auth="digest")
    wrong = FeedConfig(name="c", url=server.url("/digest/a.xml"), allow_private=True,
                       username="reader", password_env="X", auth="digest")
    assert fetch(FetchConfig(), basic.url, passwords=pw, feed=basic,
                 allow_private=True).body == FEED
    assert fetch(FetchConfig(), digest.url, passwords=pw, feed=digest,
                 allow_private=True).body == FEED
    r = fetch(FetchConfig(), wrong.url, passwords=pw, feed=wrong, allow_private=True)
    assert r.status == "error" and r.http_status == 401 and "wrong" not in (r.error or "")
    assert fetch(FetchConfig(), basic.url, allow_private=True).http_status == 401


def test_credentials_go_to_the_feed_origin_only(server: FeedServer) -> None:
    """A redirect to another origin (another port) gets no Authorization header."""
    other = FeedServer().start()
    try:
        other.files["a.xml"] = FEED
        url = server.url(f"/r/302/x:{other.url('/f/a.xml')}")
        feed = FeedConfig(name="a", url=url, allow_private=True, username="reader",
                          password_env="X")
        r = fetch(FetchConfig(), url, passwords={"a": "s3cret-pw"}, feed=feed,
                  allow_private=True)
        assert r.status == "ok"
        token = base64.b64encode(b"reader:s3cret-pw").decode()
        assert server.requests[0][1].get("Authorization") == f"Basic {token}"
        assert "Authorization" not in other.requests[0][1]
    finally:
        other.stop()


# ---------------------------------------------------------------- [feed_defaults]

WATCHLIST = (ROOT / "config" / "watchlist.toml").read_text(encoding="utf-8")


def load(tmp: Path, text: str) -> Any:
    (tmp / "monitor.toml").write_text(text, encoding="utf-8")
    (tmp / "watchlist.toml").write_text(WATCHLIST, encoding="utf-8")
    return load_config(tmp)


def test_feed_defaults_apply_and_a_feed_key_wins(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NM_PW", "s3cret-pw")
    cfg = load(tmp_path, """
[feed_defaults]
interval = "30m"
language = "fr"
allow_private = true
proxy = "http://proxy.lan:3128"
username = "reader"
password_env = "NM_PW"

[[feeds]]
name = "a"
url = "http://127.0.0.1:8080/a.xml"

[[feeds]]
name = "b"
url = "https://example.org/b.xml"
interval = "2h"
language = "en"
proxy = "direct"
""")
    a, b = cfg.monitor.feeds
    assert (a.interval, a.language, a.allow_private, a.proxy) == (1800, "fr", True,
                                                                  "http://proxy.lan:3128")
    assert (b.interval, b.language, b.allow_private, b.proxy) == (7200, "en", True, "direct")
    assert cfg.feed_secrets == {"a": "s3cret-pw", "b": "s3cret-pw"}


def test_feed_defaults_errors_all_in_one_run_and_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, """
[feed_defaults]
interval = "10s"
language = "de"
intervall = "1h"
url = "https://example.org/x"

[[feeds]]
name = "a"
url = "http://127.0.0.1:8080/a.xml"
""")
    lines = [line.split(": ", 1)[1] for line in info.value.lines]
    assert any(x.startswith("feed_defaults.interval: must be at least 60") for x in lines)
    assert any(x.startswith("feed_defaults.language: ") and "'de'" in x for x in lines)
    assert "feed_defaults.intervall: unknown key; did you mean interval?" in lines
    assert any(x.startswith("feed_defaults.url: is per feed") for x in lines)
    # the feed itself: no allow_private default took effect, so its loopback URL is refused
    assert any(x.startswith("feeds[0].url: points at an internal address") for x in lines)
    assert not any(x.startswith("feeds[0].interval") for x in lines)  # a bad default: once


def test_feed_credentials_rules(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, """
[[feeds]]
name = "a"
url = "https://reader:s3cret-pw@example.org/a.xml"

[[feeds]]
name = "b"
url = "https://example.org/b.xml"
username = "reader"

[[feeds]]
name = "c"
url = "https://example.org/c.xml"
password_file = "feed-c"

[[feeds]]
name = "d"
url = "https://example.org/d.xml"
username = "reader"
password_file = "/nonexistent/feed-d"
""")
    text = "\n".join(info.value.lines)
    assert "feeds[0].url: credentials in the URL are refused (got 'https://***@example.org" in text
    assert "set username and password_env or password_file" in text
    assert "feeds[1].username: set but no password_env or password_file" in text
    assert "feeds[2].password_file: set without username" in text
    assert "feeds[3].password_file: secret '/nonexistent/feed-d' not found" in text
    assert "s3cret-pw" not in text


def test_once_fetches_through_a_feed_defaults_proxy(server: FeedServer, proxy: ForwardProxy,
                                                    tmp_path: Path) -> None:
    """The daemon's poll path (`once`) takes the proxy from [feed_defaults]; a feed that
    says "direct" goes straight to the server."""
    server.files["a.xml"] = FEED
    (tmp_path / "monitor.toml").write_text(f"""
[daemon]
store = "sqlite:///nm.db"
state_dir = "{tmp_path / 'state'}"

[feed_defaults]
proxy = "{proxy.url}"
allow_private = true

[[feeds]]
name = "proxied"
url = "{server.url('/f/a.xml')}"

[[feeds]]
name = "straight"
url = "{server.url('/f/a.xml?direct')}"
proxy = "direct"

[[channels]]
name = "terminal"
kind = "console"
""", encoding="utf-8")
    (tmp_path / "watchlist.toml").write_text(WATCHLIST, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(tmp_path)],
                         capture_output=True, text=True, timeout=120,
                         env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()})
    assert run.returncode == 0, run.stderr
    assert [p for p, _h in proxy.seen] == [server.url("/f/a.xml")]
    assert sorted(p for p, _h in server.requests) == ["/f/a.xml", "/f/a.xml?direct"]
