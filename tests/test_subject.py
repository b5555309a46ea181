"""The e-mail subject names the revised figures and their new values (issue 18)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from mailserver import smtp_server
from test_email import Cfg, channel

from monitor.deliver import send_due
from monitor.digest import SUBJECT_MAX, Digest, build, subject
from monitor.models import Event
from monitor.store import open_store

NOW = datetime(2024, 11, 2, 7, 0, tzinfo=UTC)


def rev(figure: str, label: str, value: int, previous: int | None = 1000,
        claimant: str = "", claimant_label: str = "") -> Event:
    return Event("revision", f"https://example.org/{figure}", f"{label} now {value}", "Wire",
                 datetime(2024, 11, 1, tzinfo=UTC), figure=figure, label=label,
                 previous=previous, value=value, quote=f"{value} said", item_uid=figure,
                 claimant=claimant, claimant_label=claimant_label)


def digest(events: list[Event], language: str = "en") -> Digest:
    return build("desk", language, events, {}, 20, NOW)


def test_names_each_figure_its_new_value_and_its_claimant() -> None:
    d = digest([rev("nk", "North Korean soldiers sent to Russia", 14000, 11000, "ua", "Ukraine"),
                rev("ru", "Russian casualties", 750000, 700000)])
    assert subject(d) == ("news-monitor: North Korean soldiers sent to Russia 14,000 (Ukraine); "
                          "Russian casualties 750,000")


def test_past_three_figures_the_rest_is_counted_in_the_channel_s_language() -> None:
    events = [rev(f"f{i}", f"Figure {i}", 1000 * (i + 2)) for i in range(5)]
    assert subject(digest(events)) == ("news-monitor: Figure 0 2,000; Figure 1 3,000; "
                                       "Figure 2 4,000 and 2 more")
    fr = subject(digest(events[:4], "fr"))
    assert fr == ("news-monitor : Figure 0 2\u202f000 ; Figure 1 3\u202f000 ; "
                  "Figure 2 4\u202f000 et 1 de plus")


def test_without_revisions_it_says_what_the_digest_holds() -> None:
    match = Event("match", "https://example.org/k", "Kursk offensive", "Wire", NOW,
                  watches=("kursk",), item_uid="k")
    assert subject(digest([match])) == "news-monitor: related coverage"
    assert subject(digest([match], "fr")) == "news-monitor : articles liés"
    assert subject(digest([])) == "news-monitor: nothing new"


def test_feed_text_cannot_break_the_header_and_the_length_is_capped() -> None:
    hostile = rev("nk", "Troops", 14000, claimant="?x",
                  claimant_label="Kyiv\r\nBcc: victim@example.org\n\u202eevil\x07")
    s = subject(digest([hostile]))
    assert "\n" not in s and "\r" not in s and "\u202e" not in s and "\x07" not in s
    assert s == "news-monitor: Troops 14,000 (Kyiv Bcc: victim@example.org evil)"
    long = [rev(f"f{i}", "North Korean soldiers sent to the Kursk region " * 2, 5000 + i)
            for i in range(3)]
    s = subject(digest(long))
    assert len(s) <= SUBJECT_MAX and s.endswith("\u2026")
    assert s.startswith("news-monitor: North Korean soldiers sent to the Kursk region")


def test_the_sent_message_carries_it_as_one_header(tmp_path: Path) -> None:
    """Through the outbox and a real SMTP server: the subject arrives whole, and a claimant's
    name holding a header line adds no header."""
    from sqlalchemy import insert

    from monitor.config import load_watchlist
    from monitor.deliver import make_digest
    from monitor.engine.watchlist import compile_watchlist
    from monitor.schema import events
    from monitor.store import _event_row

    store = open_store("sqlite:///mail.db", tmp_path)
    try:
        with smtp_server() as srv:
            ch = channel(srv.port)
            ev = rev("nk-troops-sent", "North Korean soldiers sent to Russia", 14000, 11000,
                     "?kyiv", "Kyiv\nBcc: victim@example.org")
            with store.tx() as conn:
                conn.execute(insert(events).values(**_event_row(ev, "f", NOW)))
            wl = compile_watchlist(load_watchlist(
                Path(__file__).parent.parent / "config" / "watchlist.toml"))
            store.seed_figures(wl)
            assert make_digest(store, wl, ch, NOW) is not None
            assert asyncio.run(send_due(store, Cfg(ch))) == (1, 0)  # type: ignore[arg-type]
            (msg,) = srv.handler.messages
            (_from, rcpts) = srv.handler.envelopes[0]
    finally:
        store.close()
    unfolded = str(msg["Subject"]).replace("\r\n", "").replace("\n", "")  # RFC 5322 folding
    assert unfolded == ("news-monitor: North Korean soldiers sent to Russia 14,000 "
                              "(Kyiv Bcc: victim@example.org)")
    assert msg["Bcc"] is None and "victim@example.org" not in rcpts
