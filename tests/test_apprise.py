"""The apprise channel (issue 18) against a real local receiver: Apprise's json:// and
form:// kinds POST to tests/hookserver.py. The digest's text with its subject as title,
retried through the outbox, URLs from an environment variable or a file, check-config's
errors (an unusable URL, a password inline, the extra missing), and the URLs' secrets in no
command's output, at debug level too."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from feedserver import FeedServer
from hookserver import hook_server

from monitor.config import ChannelConfig, ConfigError, load_config, load_watchlist
from monitor.deliver import make_digest, send_due
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event
from monitor.notify import TemporaryFailure
from monitor.store import Store, open_store

apprise = pytest.importorskip("apprise", reason="the apprise extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
PASSWORD = "Pw-7d1f9c2e-never-shown"
TOKEN = "tok4e9b2a6c81f0d3357"  # a path segment, as chat services' tokens are
REVISION = Event("revision", "https://news.example/a", "Pentagon: 10,000 troops", "Le Monde",
                 datetime(2024, 10, 28, 19, 30, tzinfo=UTC), figure="nk-troops-sent",
                 label="North Korean soldiers sent to Russia", previous=3000, value=10000,
                 qualifier="about", unit="soldats", item_uid="u1",
                 quote="Environ 10 000 soldats nord-coréens ont été envoyés en Russie.")


def channel(**kw: object) -> ChannelConfig:
    return ChannelConfig.model_validate({"name": "push", "kind": "apprise",
                                         "urls_env": "NM_APPRISE", "timeout": 5, **kw})


class Cfg:
    def __init__(self, ch: ChannelConfig, urls: str) -> None:
        from types import SimpleNamespace

        self.monitor = SimpleNamespace(channels=[ch])
        self.secrets = {ch.name: urls}


def fresh_store(tmp: Path, ch: ChannelConfig) -> Store:
    from sqlalchemy import insert

    from monitor.schema import events
    from monitor.store import _event_row

    store = open_store("sqlite:///apprise.db", tmp)
    store.seed_figures(WL)
    with store.tx() as conn:
        conn.execute(insert(events).values(**_event_row(REVISION, "f", datetime.now(UTC))))
    assert make_digest(store, WL, ch, datetime(2024, 10, 29, 7, tzinfo=UTC)) is not None
    return store


def test_json_and_form_receivers_get_the_digest_text_with_its_subject(tmp_path: Path) -> None:
    ch = channel()
    with hook_server() as hook:
        urls = (f"json://reader:{PASSWORD}@127.0.0.1:{hook.port}/{TOKEN}\n"
                f"form://127.0.0.1:{hook.port}/form")
        store = fresh_store(tmp_path, ch)
        assert asyncio.run(send_due(store, Cfg(ch, urls))) == (1, 0)  # type: ignore[arg-type]
    assert store.due(datetime.now(UTC) + timedelta(days=9), ["push"]) == []  # sent
    by_path = {r.path: r for r in hook.received}
    assert set(by_path) == {f"/{TOKEN}", "/form"}
    body = json.loads(by_path[f"/{TOKEN}"].body)
    assert body["title"] == "news-monitor: North Korean soldiers sent to Russia 10,000"
    assert "North Korean soldiers sent to Russia: 3,000 -> about 10,000 soldats" in body["message"]
    assert body["message"].startswith("news-monitor digest (2024-10-29 07:00 UTC)")
    auth = by_path[f"/{TOKEN}"].headers["authorization"]
    assert base64.b64decode(auth.split()[1]).decode() == f"reader:{PASSWORD}"
    form = parse_qs(by_path["/form"].body.decode())
    assert form["title"] == [body["title"]] and form["message"] == [body["message"]]
    store.close()


def test_a_failing_receiver_is_retried_through_the_outbox(tmp_path: Path) -> None:
    ch = channel()
    with hook_server() as hook:
        hook.script = [500]
        urls = f"json://127.0.0.1:{hook.port}/{TOKEN}"
        store = fresh_store(tmp_path, ch)
        now = datetime.now(UTC)
        assert asyncio.run(send_due(store, Cfg(ch, urls), now=now)) == (0, 1)  # type: ignore[arg-type]
        (row,) = store.due(now + timedelta(hours=2), ["push"])
        assert row.attempts == 1
        assert "Apprise: 1 of 1 URL(s) failed (json)" in (store_error(store) or "")
        assert TOKEN not in (store_error(store) or "")
        assert asyncio.run(send_due(store, Cfg(ch, urls), now=now + timedelta(hours=2))) == (1, 0)  # type: ignore[arg-type]
    assert len(hook.received) == 2
    store.close()


def test_an_unreachable_receiver_is_a_temporary_failure(tmp_path: Path) -> None:
    from monitor.notify.apprise import send
    from monitor.store import Delivery

    ch = channel()
    d = Delivery(1, "push", "k", "subject", "text", "<p>text</p>", "{}", 0, datetime.now(UTC))
    with hook_server() as hook:
        port = hook.port
    with pytest.raises(TemporaryFailure) as exc:  # the receiver is gone: connection refused
        asyncio.run(send(ch, d, f"json://reader:{PASSWORD}@127.0.0.1:{port}/{TOKEN}"))
    assert PASSWORD not in str(exc.value) and TOKEN not in str(exc.value)


def write_config(tmp: Path, channel_lines: list[str], feed_url: str = "https://x.example/rss",
                 level: str = "info") -> Path:
    lines = ["[daemon]", 'store = "sqlite:///nm.db"', f'state_dir = "{tmp / "state"}"',
             f'log_level = "{level}"', "", "[[feeds]]", 'name = "lemonde"',
             f'url = "{feed_url}"', "allow_private = true", "", "[[channels]]", *channel_lines]
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


def test_check_config_refuses_unusable_urls_and_inline_passwords(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    monkeypatch.setenv("NM_APPRISE", f"json://127.0.0.1/ok nosuchkind://{TOKEN}/x")
    cfg = write_config(tmp_path, ['name = "push"', 'kind = "apprise"', 'urls_env = "NM_APPRISE"',
                                  "", "[[channels]]", 'name = "inline"', 'kind = "apprise"',
                                  f'urls = ["json://reader:{PASSWORD}@127.0.0.1/hook"]', "",
                                  "[[channels]]", 'name = "none"', 'kind = "apprise"', "",
                                  "[[channels]]", 'name = "mail"', 'kind = "console"',
                                  'urls_env = "NM_APPRISE"'])
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    text = "\n".join(exc.value.lines)
    path = cfg / "monitor.toml"
    assert (f"{path}: channels[0].urls_env: URL 2 (nosuchkind://...) is not one Apprise can "
            "use") in exc.value.lines
    assert (f"{path}: channels[1].urls: URL 1 holds a password (user:password@): put the URLs "
            "in urls_env or urls_file, never in this file") in exc.value.lines
    assert (f"{path}: channels[2].urls_env: an apprise channel takes its URLs from one of "
            "urls_env, urls_file or urls") in exc.value.lines
    assert f"{path}: channels[3].urls_env: only for an apprise channel" in exc.value.lines
    assert PASSWORD not in text and TOKEN not in text


def test_urls_from_a_file_and_a_missing_variable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "urls").write_text(f"# the desk's phones\njson://127.0.0.1:9/{TOKEN}\n\n"
                                   "form://127.0.0.1:9/b\n")
    cfg = write_config(tmp_path, ['name = "push"', 'kind = "apprise"',
                                  f'urls_file = "{tmp_path / "urls"}"'])
    assert load_config(cfg).secrets["push"] == (f"json://127.0.0.1:9/{TOKEN}\n"
                                                "form://127.0.0.1:9/b")
    monkeypatch.delenv("NM_MISSING", raising=False)
    write_config(tmp_path, ['name = "push"', 'kind = "apprise"', 'urls_env = "NM_MISSING"'])
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    assert exc.value.lines == [f"{cfg / 'monitor.toml'}: channels[0].urls_env: secret "
                               "'NM_MISSING' not found"]


def test_check_config_says_when_the_extra_is_missing(tmp_path: Path) -> None:
    """Without the extra (an `apprise` that cannot be imported first on the path), the
    apprise channel is refused with the pip line; the other errors still come with it."""
    stub = tmp_path / "stub" / "apprise"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError(\"No module named 'apprise'\")\n")
    cfg = write_config(tmp_path, ['name = "push"', 'kind = "apprise"', 'urls_env = "NM_APPRISE"',
                                  'schedule = "never"'])
    env = {**os.environ, "NM_APPRISE": f"json://reader:{PASSWORD}@127.0.0.1/{TOKEN}",
           "PYTHONPATH": f"{tmp_path / 'stub'}{os.pathsep}{ROOT}"}
    res = subprocess.run([sys.executable, "-m", "monitor", "check-config", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert ("channels[0].kind: 'apprise' needs the optional extra: pip install "
            "'news-monitor[apprise]'") in out
    assert "channels[0].schedule" in out
    assert PASSWORD not in out and TOKEN not in out


def test_no_command_shows_the_urls_secrets(server: FeedServer, tmp_path: Path) -> None:
    """Every command a user runs on a config with an apprise channel whose receiver fails
    once (a retry logged), at debug level (Apprise's and urllib3's own lines included):
    neither the password nor the token of its URL appears in any output."""
    with hook_server() as hook:
        hook.script = [500]
        url = f"json://reader:{PASSWORD}@127.0.0.1:{hook.port}/{TOKEN}"
        cfg = write_config(tmp_path, ['name = "push"', 'kind = "apprise"',
                                      'urls_env = "NM_APPRISE"', 'timeout = 5'],
                           feed_url=server.url("/f/lemonde.xml"), level="debug")
        env = {**os.environ, "NM_APPRISE": url, "PYTHONPATH": str(ROOT)}
        outputs = []
        for args in (["check-config"], ["once"], ["status"], ["status", "--json"],
                     ["digest", "--dry-run"], ["digest", "--send"], ["test-notify", "push"]):
            res = subprocess.run([sys.executable, "-m", "monitor", *args, "--config", str(cfg)],
                                 capture_output=True, text=True, timeout=120, cwd=tmp_path,
                                 env=env)
            outputs.append((args, res.returncode, res.stdout + res.stderr))
    everything = "\n".join(o for _a, _c, o in outputs)
    assert PASSWORD not in everything and TOKEN not in everything
    codes = {tuple(a): c for a, c, _o in outputs}
    assert codes[("check-config",)] == 0 and codes[("test-notify", "push")] == 0
    once_out = dict((tuple(a), o) for a, _c, o in outputs)[("once",)]
    assert "channel=push delivery=" in once_out and "will retry" in once_out
    assert "JSON" in once_out  # Apprise's own debug lines were there, masked
    # the receiver got the failed try, then the digest, then the test message
    assert len(hook.received) >= 2
    titles = [json.loads(r.body)["title"] for r in hook.received]
    assert "news-monitor test message" in titles
    assert all(r.path == f"/{TOKEN}" for r in hook.received)


def store_error(store: Store) -> str | None:
    from sqlalchemy import select

    from monitor.schema import outbox

    with store.engine.connect() as conn:
        return conn.execute(select(outbox.c.last_error)).scalar()
