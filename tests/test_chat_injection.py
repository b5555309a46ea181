"""Chat injection (issue 20, item 10): feed text that reaches a Slack or Discord webhook
pings nobody and links nowhere it did not say. A digest is built from hostile events and sent
through the outbox to a real receiver; the payload is read as Slack and Discord read it."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hookserver import hook_server
from sqlalchemy import insert

from monitor.config import ChannelConfig, load_watchlist
from monitor.deliver import make_digest, send_due
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event
from monitor.schema import events
from monitor.store import _event_row, open_store

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
SLACK_HOSTILE = "<!channel> <https://evil.example|Official update> @everyone"
DISCORD_HOSTILE = "[Official update](https://evil.example) @here <@123456789012345678> <@&987654321098765432>"
WHEN = datetime(2024, 10, 30, 9, tzinfo=UTC)


class Cfg:
    def __init__(self, ch: ChannelConfig) -> None:
        from types import SimpleNamespace

        self.monitor = SimpleNamespace(channels=[ch])
        self.secrets: dict[str, str] = {}


def sent_payload(tmp: Path, preset: str) -> dict[str, Any]:
    """What the receiver got for a digest of two related items with hostile titles, from an
    outlet whose feed title is hostile too."""
    with hook_server() as hook:
        ch = ChannelConfig.model_validate({"name": "chat", "kind": "webhook", "url": hook.url,
                                           "preset": preset, "allow_private": True})
        store = open_store("sqlite:///chat.db", tmp)
        store.seed_figures(WL)
        with store.tx() as conn:
            for n, title in enumerate((SLACK_HOSTILE, DISCORD_HOSTILE)):
                ev = Event("match", f"https://news.example/{n}", f"Kursk: {title}",
                           SLACK_HOSTILE, WHEN, watches=("kursk",), item_uid=f"u{n}")
                conn.execute(insert(events).values(**_event_row(ev, "f", WHEN)))
        assert make_digest(store, WL, ch, WHEN) is not None
        assert asyncio.run(send_due(store, Cfg(ch))) == (1, 0)  # type: ignore[arg-type]
    (req,) = hook.received
    data: dict[str, Any] = json.loads(req.body)
    return data


def test_slack_text_is_escaped_and_mentions_nobody(tmp_path: Path) -> None:
    text = sent_payload(tmp_path, "slack")["text"]
    assert "Official update" in text  # the headline is still there, as text
    # Slack's rules: & < > are control characters, sent as &amp; &lt; &gt;
    assert "<" not in text and ">" not in text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text)
    assert "&lt;!channel&gt; &lt;https://evil.example|Official update&gt;" in text
    assert not re.search(r"@(everyone|here|channel)\b", text)


def test_discord_content_mentions_nobody(tmp_path: Path) -> None:
    data = sent_payload(tmp_path, "discord")
    assert data["allowed_mentions"] == {"parse": []}
    content = data["content"]
    assert "Official update" in content
    assert not re.search(r"@(everyone|here)\b", content)
    assert not re.search(r"<@[!&]?\d", content)  # user and role mentions
    assert "[Official update](https://evil.example)" not in content  # no masked link
    assert "\\[Official update\\](https://evil.example)" in content


@pytest.mark.parametrize("preset", ["slack", "discord"])
def test_mentions_are_broken_with_an_invisible_space(tmp_path: Path, preset: str) -> None:
    data = sent_payload(tmp_path, preset)
    body = data["text" if preset == "slack" else "content"]
    assert "@\u200beveryone" in body  # reads the same, pings nobody
