"""The e-mail channel against a real SMTP server (aiosmtpd on 127.0.0.1): plain, STARTTLS
with a trustme certificate, AUTH; MIME structure, headers, hostile content made harmless."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mailserver import smtp_server

import monitor.notify.email as email_channel
from monitor.config import ChannelConfig, SmtpConfig
from monitor.deliver import make_digest, send_due
from monitor.models import Event
from monitor.notify import PermanentFailure, TemporaryFailure
from monitor.store import Delivery, Store, open_store

HOSTILE = Event(
    "revision", "javascript:alert(1)", "<script>alert('x')</script> Kursk \u202egnp.exe",
    "Evil <b>Feed</b>", datetime(2024, 11, 1, tzinfo=UTC), figure="nk-troops-sent",
    label="North Korean soldiers sent to Russia", previous=3000, value=10000,
    qualifier="about", unit="troops", item_uid="u1",
    quote="About 10,000 <form action='https://evil.example'><input></form> troops were sent.",
)
MATCH = Event("match", "data:text/html,<script>alert(1)</script>", "Kursk <img src=x onerror=alert(1)>",
              "Wire", datetime(2024, 11, 1, tzinfo=UTC), watches=("kursk",), item_uid="u2")


def channel(port: int, security: str = "plain", username: str | None = None,
            password_env: str | None = None) -> ChannelConfig:
    return ChannelConfig.model_validate({
        "name": "desk", "kind": "email", "from": "news-monitor <alerts@example.org>",
        "to": ["desk@example.org", "editor@example.org"], "language": "en",
        "smtp": SmtpConfig(host="127.0.0.1", port=port, security=security,  # type: ignore[arg-type]
                           username=username, password_env=password_env, timeout=10),
    })


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store("sqlite:///mail.db", tmp_path)
    yield s
    s.close()


def enqueue_hostile(store: Store, ch: ChannelConfig) -> None:
    from sqlalchemy import insert

    from monitor.schema import events
    from monitor.store import _event_row

    with store.tx() as conn:
        for ev in (HOSTILE, MATCH):
            conn.execute(insert(events).values(**_event_row(ev, "f", datetime.now(UTC))))
    from monitor.config import load_watchlist
    from monitor.engine.watchlist import compile_watchlist

    wl = compile_watchlist(load_watchlist(Path(__file__).parent.parent / "config" / "watchlist.toml"))
    store.seed_figures(wl)
    assert make_digest(store, wl, ch, datetime(2024, 11, 2, 7, 0, tzinfo=UTC)) is not None


class Cfg:
    """The bits of Config that send_due reads."""

    def __init__(self, ch: ChannelConfig, secret: str | None = None) -> None:
        from types import SimpleNamespace

        self.monitor = SimpleNamespace(channels=[ch])
        self.secrets = {ch.name: secret} if secret else {}


def test_plain_smtp_multipart_message(store: Store) -> None:
    with smtp_server() as srv:
        ch = channel(srv.port)
        enqueue_hostile(store, ch)
        sent, failed = asyncio.run(send_due(store, Cfg(ch)))  # type: ignore[arg-type]
        assert (sent, failed) == (1, 0)
        (msg,) = srv.handler.messages
        mail_from, rcpts = srv.handler.envelopes[0]
    assert mail_from == "alerts@example.org"
    assert rcpts == ["desk@example.org", "editor@example.org"]
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "news-monitor: North Korean soldiers sent to Russia 10,000"
    (key,) = [d.key for d in store_deliveries(store)]
    assert msg["Message-ID"] == f"<{key}@example.org>"
    text, html = msg.get_payload()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    body_text = text.get_payload(decode=True).decode()
    body_html = html.get_payload(decode=True).decode()
    assert "North Korean soldiers sent to Russia: 3,000 -> about 10,000 troops" in body_text
    # hostile feed content is inert in the HTML part
    assert "<script" not in body_html and "<form" not in body_html and "<img" not in body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in body_html  # shown as text
    assert "Evil &lt;b&gt;Feed&lt;/b&gt;" in body_html and "&lt;form action=" in body_html
    assert "javascript:" not in body_html and "data:text" not in body_html
    assert "\u202e" not in body_html and "\u202e" not in body_text
    assert 'class="nm-chart-table"' in body_html  # the chart, as a table (SVG is stripped)
    assert "History (troops)" in body_html


def store_deliveries(store: Store) -> list[Delivery]:
    from sqlalchemy import select

    from monitor.schema import outbox

    with store.engine.connect() as conn:
        rows = conn.execute(select(outbox)).mappings().all()
    return [Delivery(r["id"], r["channel"], r["key"], r["subject"], r["body_text"],
                     r["body_html"], r["payload"], r["attempts"], r["created_at"]) for r in rows]


def test_starttls_and_auth(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server(starttls=True, auth=("alerts", "s3cret")) as srv:
        assert srv.ca is not None
        ctx = ssl.create_default_context()
        srv.ca.configure_trust(ctx)
        monkeypatch.setattr(email_channel, "TLS_CONTEXT", ctx)
        ch = channel(srv.port, "starttls", "alerts")
        d = Delivery(1, "desk", "k1", "s", "text", "<p>html</p>", "{}", 0, datetime.now(UTC))
        asyncio.run(email_channel.send(ch, d, "s3cret"))
        assert len(srv.handler.messages) == 1
        with pytest.raises(PermanentFailure, match="authentication"):
            asyncio.run(email_channel.send(ch, d, "wrong"))


def test_untrusted_certificate_is_refused(store: Store) -> None:
    with smtp_server(starttls=True) as srv:
        ch = channel(srv.port, "starttls")
        d = Delivery(1, "desk", "k1", "s", "text", "", "{}", 0, datetime.now(UTC))
        with pytest.raises(TemporaryFailure, match="SSL"):
            asyncio.run(email_channel.send(ch, d, None))
        assert srv.handler.messages == []


@pytest.mark.parametrize(("answer", "kind"), [("451 4.3.0 try later", TemporaryFailure),
                                              ("550 5.7.1 rejected", PermanentFailure)])
def test_smtp_errors_are_temporary_or_permanent(answer: str, kind: type) -> None:
    with smtp_server() as srv:
        srv.handler.answer = answer
        d = Delivery(1, "desk", "k1", "s", "text", "", "{}", 0, datetime.now(UTC))
        with pytest.raises(kind):
            asyncio.run(email_channel.send(channel(srv.port), d, None))


def test_unreachable_server_is_temporary() -> None:
    from mailserver import free_port

    d = Delivery(1, "desk", "k1", "s", "text", "", "{}", 0, datetime.now(UTC))
    with pytest.raises(TemporaryFailure):
        asyncio.run(email_channel.send(channel(free_port()), d, None))
