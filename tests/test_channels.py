"""Channels are isolated: one channel's fault, whatever the exception, is that channel's
failure (logged once, recorded on its outbox row); the others still get their digests.
Real receivers: an SMTP server (aiosmtpd) and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hookserver import hook_server
from mailserver import smtp_server
from sqlalchemy import insert, select

from monitor.config import ChannelConfig, SmtpConfig, load_watchlist
from monitor.deliver import make_digests, send_due
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event
from monitor.schema import events, outbox
from monitor.store import _event_row, open_store

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
REVISION = Event("revision", "https://news.example/a", "Pentagon: 10,000 troops", "Le Monde",
                 datetime(2024, 10, 28, 19, 30, tzinfo=UTC), figure="nk-troops-sent",
                 label="North Korean soldiers sent to Russia", previous=3000, value=10000,
                 qualifier="about", unit="soldats", item_uid="u1",
                 quote="Environ 10 000 soldats nord-coréens ont été envoyés en Russie.")


def test_a_broken_channel_does_not_stop_a_healthy_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 20 item 3: a webhook whose secret is not base64 (it reached the sender: load
    refuses it now, so it is put in the loaded config's secrets here) sits before a healthy
    e-mail channel; the e-mail channel gets its digest, round after round."""
    with smtp_server() as mail, hook_server() as hook:
        hook_ch = ChannelConfig.model_validate({
            "name": "hook", "kind": "webhook", "url": hook.url, "allow_private": True})
        mail_ch = ChannelConfig.model_validate({
            "name": "desk", "kind": "email", "from": "alerts@example.org",
            "to": ["desk@example.org"],
            "smtp": SmtpConfig(host="127.0.0.1", port=mail.port, security="plain", timeout=10)})
        cfg = SimpleNamespace(monitor=SimpleNamespace(channels=[hook_ch, mail_ch]),
                              secrets={"hook": "whsec_abc"})
        store = open_store("sqlite:///nm.db", tmp_path)
        store.seed_figures(WL)
        rounds = []
        for _ in range(2):
            with store.tx() as conn:
                conn.execute(insert(events).values(**_event_row(REVISION, "f", datetime.now(UTC))))
            assert make_digests(store, WL, cfg) == 2  # type: ignore[arg-type]
            with caplog.at_level(logging.ERROR, logger="news-monitor.deliver"):
                rounds.append(asyncio.run(send_due(store, cfg)))  # type: ignore[arg-type]
        assert rounds == [(1, 1), (1, 1)]
        assert len(mail.handler.messages) == 2  # the healthy channel got both digests
        assert hook.received == []  # the broken one sent nothing
        with store.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.channel, outbox.c.status, outbox.c.last_error)
                                .order_by(outbox.c.id)).all()
        store.close()
    assert [(c, s) for c, s, _e in rows] == [("hook", "failed"), ("desk", "sent")] * 2
    assert all("unexpected error" in (e or "") for c, _s, e in rows if c == "hook")
    hook_lines = [r for r in caplog.records if "channel=hook" in r.getMessage()]
    assert len(hook_lines) == 2  # one line per failed delivery, not one per retry
