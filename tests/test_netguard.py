"""Nobody let in (issue 20, items 1, 2, 14): one address policy for feed and webhook URLs, in
every spelling, at load and at every connection; the address checked is the address connected
to (DNS rebinding); credentials in URLs never shown.

A public address cannot be made real in a test, so `Network` scripts the running event loop's
resolver and connector, the seam every lookup and connection goes through (ours and httpx's):
a name answers from a script (one answer per lookup, the last one repeated), a public address
is routed to a server on 127.0.0.1, and anything else public is refused (nothing leaves the
machine). The servers themselves are real.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
from feedserver import FeedServer
from hookserver import hook_server

from monitor.config import ChannelConfig, FetchConfig
from monitor.fetch import Fetcher, FetchResult
from monitor.notify import PermanentFailure
from monitor.notify.webhook import send
from monitor.store import Delivery

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "93.184.215.14"  # a public address: the test network routes it to a local server
SPELLINGS = ["2130706433", "127.1", "0x7f000001", "017700000001", "0", "[::1]",
             "[::ffff:127.0.0.1]", "localhost"]


class Network:
    """The event loop's `getaddrinfo` and `create_connection`, scripted (see the module doc)."""

    def __init__(self, answers: dict[str, list[str]], routes: dict[str, int]) -> None:
        self.answers = answers
        self.routes = routes
        self.lookups: list[str] = []
        self.connects: list[str] = []

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        real_lookup, real_connect = loop.getaddrinfo, loop.create_connection

        async def getaddrinfo(host: Any, port: Any, **kw: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else str(host)
            script = self.answers.get(name)
            if script is None:
                return await real_lookup(host, port, **kw)
            self.lookups.append(name)
            ip = script.pop(0) if len(script) > 1 else script[0]
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (ip, int(port or 0)))]

        async def create_connection(factory: Any, host: Any = None, port: Any = None,
                                    **kw: Any) -> Any:
            self.connects.append(str(host))
            if host in self.routes:
                host, port = "127.0.0.1", self.routes[host]
            elif not str(host).startswith("127."):
                raise ConnectionRefusedError(f"test network: no route to {host}")
            return await real_connect(factory, host, port, **kw)

        loop.getaddrinfo = getaddrinfo  # type: ignore[method-assign]
        loop.create_connection = create_connection  # type: ignore[method-assign]


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A test CA that the HTTP client trusts (its CA bundle, as certifi names it)."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setattr("certifi.where", lambda: str(bundle))
    return authority


@pytest.fixture
def tls_servers(ca: trustme.CA) -> Iterator[tuple[FeedServer, FeedServer, list[str]]]:
    """Two real HTTPS feed servers on 127.0.0.1 with a certificate for `rebind.test`: the
    'public' one (reached through PUBLIC) and the internal one; and the server names (SNI)
    the public one was asked for."""
    names: list[str] = []
    servers = []
    for body in (b"<rss><channel><title>public</title></channel></rss>",
                 b"<rss><channel><title>INTERNAL</title></channel></rss>"):
        s = FeedServer()
        s.files["feed.xml"] = body
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("rebind.test").configure_cert(ctx)
        if not servers:
            ctx.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,misc,arg-type]
        s.httpd.socket = ctx.wrap_socket(s.httpd.socket, server_side=True)
        servers.append(s.start())
    yield servers[0], servers[1], names
    for s in servers:
        s.stop()


def test_a_feed_is_fetched_from_the_address_that_was_checked(
        tls_servers: tuple[FeedServer, FeedServer, list[str]]) -> None:
    """DNS rebinding: a name answers a public address, then 127.0.0.1. The fetch connects
    to the public address it checked (TLS verified for the name, SNI and Host the name); the
    next connection looks the name up again and is refused; the internal server gets nothing."""
    public, internal, sni = tls_servers
    net = Network({"rebind.test": [PUBLIC, "127.0.0.1"]}, {PUBLIC: public.port})
    url = f"https://rebind.test:{internal.port}/f/feed.xml"

    async def go() -> list[FetchResult]:
        net.install()
        results = []
        for _ in range(2):  # a new client each time: a new connection, a new lookup
            f = Fetcher(FetchConfig(timeout=5), "x")
            try:
                results.append(await f.fetch(url, allow_private=False))
            finally:
                await f.aclose()
        return results

    r, again = asyncio.run(go())
    assert internal.requests == []
    assert again.status == "error" and "internal address 127.0.0.1" in (again.error or "")
    assert r.status == "ok", r.error
    assert r.body and b"public" in r.body
    assert net.lookups == ["rebind.test"] * 2  # one per connection: checked, then used
    assert net.connects == [PUBLIC]
    assert sni == ["rebind.test"]
    assert public.requests[0][1]["Host"] == f"rebind.test:{internal.port}"


def delivery() -> Delivery:
    return Delivery(1, "hook", "k1", "s", "text", "", '{"a": 1}', 0, datetime.now(UTC))


def channel(url: str, allow_private: bool = False) -> ChannelConfig:
    """A webhook channel as loaded, without the load-time URL check (what a send sees when
    a name resolves inside only at send time)."""
    return ChannelConfig.model_construct(name="hook", kind="webhook", url=url, timeout=5.0,
                                         allow_private=allow_private, preset="standard")


def test_check_config_refuses_internal_webhook_and_feed_urls(tmp_path: Path) -> None:
    lines = ['[daemon]', 'store = "sqlite:///x.db"', ""]
    for i, host in enumerate(SPELLINGS):
        lines += ["[[feeds]]", f'name = "f{i}"', f'url = "http://{host}:8080/feed"', ""]
        lines += ["[[channels]]", f'name = "c{i}"', 'kind = "webhook"',
                  f'url = "http://{host}:8080/hook"', ""]
    (tmp_path / "monitor.toml").write_text("\n".join(lines))
    (tmp_path / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    res = subprocess.run([sys.executable, "-m", "monitor", "check-config", "--config",
                          str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 78
    errors = res.stderr.splitlines()
    for i, host in enumerate(SPELLINGS):
        for key in (f"feeds[{i}].url", f"channels[{i}].url"):
            want = f"{tmp_path / 'monitor.toml'}: {key}: points at an internal address"
            assert any(e.startswith(want) for e in errors), (host, key, res.stderr)


def test_webhook_refuses_an_internal_address_at_every_send() -> None:
    """Every spelling, and a name that resolves to loopback, is refused at send time (a
    permanent failure) and the receiver on 127.0.0.1 gets nothing; allow_private lets a
    local receiver in."""
    with hook_server() as hook:
        urls = [f"http://{h}:{hook.port}/hook" for h in [*SPELLINGS, "hooks.test"]]

        async def go() -> list[str]:
            Network({"hooks.test": ["127.0.0.1"]}, {}).install()
            errors = []
            for url in urls:
                with pytest.raises(PermanentFailure) as info:
                    await send(channel(url), delivery(), None)
                errors.append(str(info.value))
            await send(channel(f"http://hooks.test:{hook.port}/hook", True), delivery(), None)
            return errors

        errors = asyncio.run(go())
        assert len(hook.received) == 1  # only the allow_private channel's
    assert all("internal address" in e for e in errors), errors


def test_webhook_rebinding_between_sends_is_refused() -> None:
    """The receiver's name answers a public address, then 127.0.0.1: the first send goes
    to the public one (Host header kept), the second is refused; nothing reaches loopback."""
    with hook_server() as public, hook_server() as internal:
        net = Network({"hooks.rebind.test": [PUBLIC, "127.0.0.1"]}, {PUBLIC: public.port})
        url = f"http://hooks.rebind.test:{internal.port}/hook"

        async def go() -> None:
            net.install()
            await send(channel(url), delivery(), None)
            with pytest.raises(PermanentFailure, match="internal address 127.0.0.1"):
                await send(channel(url), delivery(), None)

        asyncio.run(go())
        assert internal.received == []
        assert [r.headers["host"] for r in public.received] == [
            f"hooks.rebind.test:{internal.port}"]


PRIVATE_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Private desk</title><link>https://news.example/</link>
<item><title>Fighting continues in Kursk</title>
<link>https://reader:s3cret-pw@news.example/kursk</link><guid isPermaLink="false">p-1</guid>
<pubDate>Wed, 30 Oct 2024 09:00:00 +0000</pubDate>
<description>Ukrainian forces still hold positions in the Kursk region.</description></item>
</channel></rss>
"""


def test_credentials_in_urls_are_never_shown(server: FeedServer, tmp_path: Path) -> None:
    """A feed behind HTTP authentication (username + password_env, issue 18): the logs of
    two `once` runs (a permanent redirect adopted, a refused redirect whose Location holds
    credentials), the console digest, `status` and `status --json` never show the password;
    a feed URL with `user:password@` in it is refused by check-config, pointing at the keys,
    without showing it."""
    server.files["private.xml"] = PRIVATE_FEED
    base = f"http://127.0.0.1:{server.port}"
    feeds = {"private": f"{base}/r/301/f/private.xml",
             "refused": f"{base}/r/302/x:ftp://reader:s3cret-pw@127.0.0.1/feed"}
    lines = ['[daemon]', 'store = "sqlite:///nm.db"', f'state_dir = "{tmp_path / "state"}"', "",
             "[feed_defaults]", 'username = "reader"', 'password_env = "NM_FEED_PW"',
             "allow_private = true", ""]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', ""]
    lines += ["[[channels]]", 'name = "terminal"', 'kind = "console"']
    (tmp_path / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp_path / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    env = {**os.environ, "NM_FEED_PW": "s3cret-pw"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "monitor", *args, "--config",
                               str(tmp_path)], capture_output=True, text=True, timeout=120,
                              env=env)

    runs = [cli("check-config"), cli("once"), cli("once"), cli("status"),
            cli("status", "--json")]
    shown = "".join(r.stdout + r.stderr for r in runs)
    assert runs[0].returncode == 0, runs[0].stderr
    assert "moved permanently to http://127.0.0.1" in runs[2].stderr  # the redirect, twice
    assert "https://***@news.example/kursk" in runs[1].stdout  # the digest's link
    status = {f["name"]: f for f in json.loads(runs[4].stdout)["feeds"]}
    assert status["private"]["url"] == f"http://127.0.0.1:{server.port}/r/301/f/private.xml"
    assert "ftp://***@127.0.0.1/feed" in status["refused"]["last_error"]
    assert "ftp://***@127.0.0.1/feed" in runs[3].stdout
    expected = "Basic " + base64.b64encode(b"reader:s3cret-pw").decode()
    sent = {path: h.get("Authorization") for path, h in server.requests}
    assert sent["/r/301/f/private.xml"] == expected  # used to fetch, and after the redirect
    assert sent["/f/private.xml"] == expected
    (tmp_path / "monitor.toml").write_text("\n".join(lines).replace(
        base, f"http://reader:s3cret-pw@127.0.0.1:{server.port}") + "\n")
    refused = cli("check-config")
    assert refused.returncode == 78 and "http://***@127.0.0.1" in refused.stderr
    assert "set username and password_env or password_file" in refused.stderr
    assert "s3cret-pw" not in shown + refused.stdout + refused.stderr
