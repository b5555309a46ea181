"""The webhook channel against a real receiver on 127.0.0.1: Standard Webhooks signatures
(checked with the standardwebhooks library), the payload schema, retries, 410, 3xx."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hookserver import hook_server
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from monitor.config import ChannelConfig, load_watchlist
from monitor.deliver import make_digest, send_due
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event
from monitor.notify import PermanentFailure, TemporaryFailure
from monitor.notify.webhook import body_for, headers_for, send
from monitor.store import Delivery, Store, open_store

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
SECRET = "whsec_" + base64.b64encode(os.urandom(24)).decode()
REVISION = Event("revision", "https://news.example/a", "Pentagon: 10,000 troops", "Le Monde",
                 datetime(2024, 10, 28, 19, 30, tzinfo=UTC), figure="nk-troops-sent",
                 label="North Korean soldiers sent to Russia", previous=3000, value=10000,
                 qualifier="about", unit="soldats", item_uid="u1",
                 quote="Environ 10 000 soldats nord-coréens ont été envoyés en Russie.")


def channel(url: str, preset: str = "standard", timeout: float = 5) -> ChannelConfig:
    return ChannelConfig.model_validate({"name": "hook", "kind": "webhook", "url": url,
                                         "preset": preset, "allow_private": True,
                                         "timeout": timeout})


class Cfg:
    def __init__(self, ch: ChannelConfig) -> None:
        from types import SimpleNamespace

        self.monitor = SimpleNamespace(channels=[ch])
        self.secrets = {ch.name: SECRET}


def fresh_store(tmp: Path, ch: ChannelConfig) -> Store:
    from sqlalchemy import insert

    from monitor.schema import events
    from monitor.store import _event_row

    store = open_store("sqlite:///hook.db", tmp)
    store.seed_figures(WL)
    with store.tx() as conn:
        conn.execute(insert(events).values(**_event_row(REVISION, "f", datetime.now(UTC))))
    assert make_digest(store, WL, ch, datetime(2024, 10, 29, 7, tzinfo=UTC)) is not None
    return store


def test_signature_payload_and_idempotency_key(tmp_path: Path) -> None:
    with hook_server() as hook:
        ch = channel(hook.url)
        store = fresh_store(tmp_path, ch)
        assert asyncio.run(send_due(store, Cfg(ch))) == (1, 0)  # type: ignore[arg-type]
    (req,) = hook.received
    data = Webhook(SECRET).verify(req.body, req.headers)  # raises if the signature is wrong
    assert data["type"] == "news-monitor.digest" and data["channel"] == "hook"
    assert set(data) == {"type", "id", "channel", "created", "revisions", "held_for_review",
                         "new_watches", "related", "more_related"}
    assert data["held_for_review"] == []
    (rev,) = data["revisions"]
    assert set(rev) == {"figure", "label", "kind", "scope", "previous", "value", "low", "high",
                        "qualifier", "unit", "change", "source", "corroborated_by", "history",
                        "claimant", "estimates"}
    assert rev["kind"] == "revision" and rev["scope"] == []
    assert (rev["figure"], rev["previous"], rev["value"], rev["qualifier"]) == (
        "nk-troops-sent", 3000, 10000, "about")
    assert set(rev["source"]) == {"outlet", "title", "link", "published", "quote"}
    assert req.headers["webhook-id"] == data["id"]
    # a 10-minute-old timestamp would be refused by a receiver using the same library
    old = headers_for(SECRET, data["id"], req.body,
                      now=(datetime.now(UTC) - timedelta(minutes=10)).timestamp())
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(req.body, old)


def test_retry_with_the_same_id_until_it_is_accepted(tmp_path: Path) -> None:
    with hook_server() as hook:
        hook.script = [500, 503]
        hook.retry_after = "120"
        ch = channel(hook.url)
        store = fresh_store(tmp_path, ch)
        assert asyncio.run(send_due(store, Cfg(ch))) == (0, 1)  # type: ignore[arg-type]
        (pending,) = store.due(datetime.now(UTC) + timedelta(hours=2))
        assert pending.attempts == 1
        later = datetime.now(UTC) + timedelta(hours=2)
        assert asyncio.run(send_due(store, Cfg(ch), now=later)) == (0, 1)  # type: ignore[arg-type]
        # the 503 said Retry-After: 120, so the next try is 120 s after that attempt
        (again,) = store.due(later + timedelta(hours=1))
        store.close()
        reopened = open_store("sqlite:///hook.db", tmp_path)  # a restart in between
        assert asyncio.run(send_due(reopened, Cfg(ch), now=later + timedelta(hours=1))) == (1, 0)  # type: ignore[arg-type]
    ids = [r.headers["webhook-id"] for r in hook.received]
    assert len(ids) == 3 and len(set(ids)) == 1
    assert reopened.outbox_counts() == {"sent": 1}


def test_410_disables_the_channel(tmp_path: Path) -> None:
    with hook_server() as hook:
        hook.script = [410]
        ch = channel(hook.url)
        store = fresh_store(tmp_path, ch)
        asyncio.run(send_due(store, Cfg(ch)))  # type: ignore[arg-type]
        assert store.channel_disabled("hook")
        assert make_digest(store, WL, ch, datetime.now(UTC)) is None
    assert len(hook.received) == 1


def test_redirects_are_not_followed(tmp_path: Path) -> None:
    with hook_server() as hook:
        hook.script = [302]
        d = Delivery(1, "hook", "k", "s", "t", "", "{}", 0, datetime.now(UTC))
        with pytest.raises(PermanentFailure, match="redirects are not followed"):
            asyncio.run(send(channel(hook.url), d, SECRET))
    assert [r.path for r in hook.received] == ["/hook"]


def test_timeout_and_refused_are_temporary() -> None:
    d = Delivery(1, "hook", "k", "s", "t", "", "{}", 0, datetime.now(UTC))
    with hook_server() as hook:
        hook.delay = 2
        with pytest.raises(TemporaryFailure):
            asyncio.run(send(channel(hook.url, timeout=0.5), d, SECRET))
    with pytest.raises(TemporaryFailure):
        asyncio.run(send(channel("http://127.0.0.1:9/hook"), d, SECRET))


def test_presets() -> None:
    d = Delivery(1, "hook", "k", "s", "digest text " * 300, "", '{"a": 1}', 0, datetime.now(UTC))
    assert json.loads(body_for(channel("http://x", "slack"), d)) == {"text": d.body_text}
    discord = json.loads(body_for(channel("http://x", "discord"), d))
    assert set(discord) == {"content", "allowed_mentions"} and len(discord["content"]) == 2000
    assert json.loads(body_for(channel("http://x"), d)) == {"a": 1}


def add_event(store: Store) -> None:
    from sqlalchemy import insert

    from monitor.schema import events
    from monitor.store import _event_row

    with store.tx() as conn:
        conn.execute(insert(events).values(**_event_row(REVISION, "f", datetime.now(UTC))))


def hook_config(tmp: Path, url: str) -> Path:
    """A real config folder: one webhook channel, the shipped watchlist, a SQLite state."""
    (tmp / "monitor.toml").write_text(
        f'[daemon]\nstore = "sqlite:///nm.db"\nstate_dir = "{tmp / "state"}"\n\n'
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{url}"\nallow_private = true\n'
        'secret_env = "NM_TEST_HOOK_410"\n', encoding="utf-8")
    (tmp / "watchlist.toml").write_bytes((ROOT / "config" / "watchlist.toml").read_bytes())
    return tmp


def status_of(cfgdir: Path, *flags: str) -> str:
    """`news-monitor status` (the command's own code, in this process)."""
    import contextlib
    import io

    from monitor.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "--config", str(cfgdir), *flags]) == 0
    return out.getvalue()


def deliver_round(cfgdir: Path) -> None:
    """What a start (or a reload) of the daemon does: load the config, build, send."""
    from monitor.config import load_config
    from monitor.daemon import state_dir
    from monitor.deliver import make_digests

    cfg = load_config(cfgdir)
    store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
    store.seed_figures(WL)
    add_event(store)
    make_digests(store, WL, cfg)
    asyncio.run(send_due(store, cfg))
    store.close()


def test_410_disables_until_the_channel_config_changes_and_status_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20 item 11: a 410 disables the channel across restarts while its config stays
    the same; a new url, or a new secret, re-enables it; `status` lists it with the reason."""
    monkeypatch.setenv("NM_TEST_HOOK_410", SECRET)
    with hook_server() as hook:
        hook.script = [410]
        cfgdir = hook_config(tmp_path, hook.url)
        deliver_round(cfgdir)
        assert len(hook.received) == 1
        data = json.loads(status_of(cfgdir, "--json"))
        (ch,) = data["channels"]
        assert ch["disabled"] and "410" in ch["reason"] and not ch["config_changed"], ch
        text = status_of(cfgdir)
        assert "hook (webhook): disabled: HTTP 410 Gone" in text
        assert "change its url or secret to re-enable it" in text

        deliver_round(cfgdir)  # a restart with the same config: still disabled, nothing sent
        assert len(hook.received) == 1

        hook_config(tmp_path, hook.url + "2")  # the url changed
        assert json.loads(status_of(cfgdir, "--json"))["channels"][0]["config_changed"]
        deliver_round(cfgdir)
        assert [r.path for r in hook.received] == ["/hook", "/hook2"]
        assert "hook (webhook): enabled" in status_of(cfgdir)

        hook.script = [410]  # gone again; then only the secret changes
        deliver_round(cfgdir)
        assert json.loads(status_of(cfgdir, "--json"))["channels"][0]["disabled"]
        deliver_round(cfgdir)
        assert len(hook.received) == 3
        monkeypatch.setenv("NM_TEST_HOOK_410", "whsec_" + base64.b64encode(b"rotated!").decode())
        deliver_round(cfgdir)
        assert len(hook.received) == 4
        assert json.loads(status_of(cfgdir, "--json"))["channels"][0]["disabled"] is False
