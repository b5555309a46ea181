"""Digests: golden text and HTML for the replay fixtures; folding, caps, emptiness."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import load_watchlist
from monitor.digest import (
    Digest,
    build,
    chart_points,
    fold_related,
    render_html,
    render_text,
)
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event, HistoryEntry
from monitor.replay import load_items

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "tests" / "data" / "replay"
NOW = datetime(2024, 12, 11, 7, 0, tzinfo=UTC)
UPDATE = os.environ.get("NEWS_MONITOR_UPDATE_GOLDEN") == "1"


def replay_digest(language: str) -> Digest:
    engine = Engine(compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml")))
    files = sorted(REPLAY.glob("*.xml")) + sorted(REPLAY.glob("*.atom"))
    events = [ev for item in load_items(files) for ev in engine.process(item)]
    histories = {fid: st.history for fid, st in engine.states.items()}
    return build("desk", language, events, histories, 12, NOW, range(1, len(events) + 1),
                 labels=engine.wl.labels())


def mask(text: str) -> str:
    """Dates of the run and ids are masked; everything else must match."""
    return re.sub(r"\b[0-9a-f]{32}\b", "<id>", text)


@pytest.mark.parametrize(("name", "language", "render"), [
    ("digest.en.txt", "en", render_text), ("digest.fr.txt", "fr", render_text),
    ("digest.en.html", "en", render_html),
])
def test_golden(name: str, language: str, render) -> None:  # type: ignore[no-untyped-def]
    got = mask(render(replay_digest(language)))
    path = REPLAY / name
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_near_identical_headlines_fold_into_one_line() -> None:
    def m(title: str, source: str) -> Event:
        return Event("match", f"https://x.example/{source}", title, source, None,
                     watches=("kursk",))

    related = fold_related([
        m("North Korean troops spotted in Kursk region", "A"),
        m("North Korean troops spotted in the Kursk region", "B"),
        m("Kursk: Ukraine says it still holds 800 square km", "C"),
    ])
    assert [(r.title, r.outlets) for r in related] == [
        ("North Korean troops spotted in Kursk region", ("A", "B")),
        ("Kursk: Ukraine says it still holds 800 square km", ("C",)),
    ]


def test_related_coverage_is_capped() -> None:
    d = replay_digest("en")
    assert len(d.related) == 12 and d.more_related > 0
    assert f"and {d.more_related} more" in render_text(d)


def test_an_empty_period_is_empty() -> None:
    d = build("desk", "en", [], {}, 20, NOW)
    assert d.empty
    assert "Nothing new." in render_text(d)


def test_the_chart_of_a_revision_is_its_history_with_its_kinds_and_held_values() -> None:
    """Issue 18: the e-mail's chart had no axes, dates or labels. Each revised figure's
    block now charts its timeline: one point per history entry, dated, labelled with the
    value as the digest writes it, the new value marked with the revision's kind, a value
    of the same figure held for review marked held, in date order; the HTML part draws it
    as a table and the text part as lines."""
    def ev(kind: str, value: int, day: int, **kw: object) -> Event:
        return Event(kind, f"https://example.org/{day}", f"Troops {value}", "Wire",
                     datetime(2024, 11, day, tzinfo=UTC), figure="troops", label="Troops",
                     value=value, unit="troops", quote=f"{value} troops", item_uid=str(day),
                     **kw)  # type: ignore[arg-type]

    history = (HistoryEntry(1500, date="2024-10-18", source="Yonhap"),
               HistoryEntry(3000, date="2024-10-25", link="javascript:alert(1)"),
               HistoryEntry(10000, low=8000, qualifier="about", date="2024-11-04",
                            link="https://example.org/4"))
    d = build("desk", "en", [ev("revision", 10000, 4, previous=3000, low=8000),
                             ev("held_for_review", 100000, 3, previous=10000)],
              {"troops": history}, 12, NOW)
    (r,) = d.revisions
    points = chart_points(r, d.held, "en")
    assert [(p.when.isoformat() if p.when else None, p.label, p.kind) for p in points] == [
        ("2024-10-18", "1,500", "seed"), ("2024-10-25", "3,000", "report"),
        ("2024-11-03", "100,000", "held"), ("2024-11-04", "about 8,000\u201310,000", "revision")]
    assert [p.href for p in points] == [None, None, "https://example.org/3",
                                        "https://example.org/4"]
    html = render_html(d)
    assert 'class="nm-chart-table"' in html and html.count('class="nm-row ') == 4
    assert "<svg" not in html  # most mail clients strip inline SVG
    text = render_text(d)
    assert "    2024-11-04  about 8,000\u201310,000 troops  revision" in text


def test_the_change_is_measured_from_the_previous_value_the_history_shows() -> None:
    """Issue 18: two revisions in one period (10,000 -> 12,000 -> 14,000) showed
    "10,000 -> 14,000 +40%" beside a history ending "12,000 -> 14,000"; both now say 12,000,
    in the text, the HTML and the webhook body."""
    from monitor.digest import payload

    def rev(prev: int, value: int, day: int) -> Event:
        return Event("revision", f"https://example.org/{day}", f"Troops now {value}", "Wire",
                     datetime(2024, 11, day, tzinfo=UTC), figure="troops", label="Troops",
                     previous=prev, value=value, unit="troops", quote=f"{value} troops",
                     item_uid=str(day))

    history = (HistoryEntry(10000, date="2024-10-01"), HistoryEntry(12000, date="2024-11-02"),
               HistoryEntry(14000, date="2024-11-05"))
    d = build("desk", "en", [rev(10000, 12000, 2), rev(12000, 14000, 5)], {"troops": history},
              12, NOW)
    (r,) = d.revisions
    assert r.previous == 12000 and r.change == pytest.approx(2000 / 12000)
    text = render_text(d)
    assert "Troops: 12,000 -> 14,000 troops  change: +17%" in text
    assert "History: 10,000 (2024-10-01) -> 12,000 (2024-11-02) -> 14,000 (2024-11-05)" in text
    assert "(+17%)" in render_html(d)
    body = payload(d)["revisions"][0]  # type: ignore[index]
    assert body["previous"] == 12000 and body["change"] == pytest.approx(1 / 6)


def test_without_an_earlier_value_in_the_history_the_judged_one_is_kept() -> None:
    """A claimant's first value in its own series, judged against another's: the history has
    nothing before it, so the value it was judged against stays the previous one."""
    ev = Event("revision", "https://example.org/a", "UK: 700,000", "Wire",
               datetime(2024, 11, 2, tzinfo=UTC), figure="ru", label="Russian casualties",
               previous=600000, value=700000, item_uid="a", claimant="uk-mod",
               claimant_label="UK MoD")
    history = (HistoryEntry(700000, date="2024-11-02", claimant="uk-mod"),)
    (r,) = build("desk", "en", [ev], {"ru": history}, 12, NOW).revisions
    assert r.previous == 600000 and r.change == pytest.approx(1 / 6)


def test_opinion_pieces_marked_by_the_feed_are_not_related_coverage() -> None:
    """Issue 18: related coverage was mostly opinion pieces. An item the feed marks as
    opinion, by a label before its title or a section of its link, is left out, in French
    and in English; a word "opinion" inside a headline, or an analysis, is still reporting."""
    def match(title: str, link: str, source: str = "Wire") -> Event:
        return Event("match", link, title, source, NOW, watches=("kursk",), item_uid=link)

    kept = [match("Ukraine holds ground in Kursk", "https://a.example/world/1"),
            match("Opinion polls in Russia ignore Kursk losses", "https://b.example/world/2"),
            match("Analyse : à Koursk, l'armée ukrainienne recule", "https://c.example/monde/3"),
            match("Kursk: the front line a year on", "https://d.example/world/opinion")]
    dropped = [match("Opinion: The Kursk gamble failed", "https://a.example/world/4"),
               match("Éditorial | Koursk, le pari perdu", "https://c.example/monde/5"),
               match("TRIBUNE - Ce que Koursk nous apprend", "https://e.example/idees/6"),
               match("Op-Ed: Kursk and the West", "https://f.example/news/7"),
               match("Kursk is a lesson", "https://g.example/commentisfree/2024/nov/01/8"),
               match("Koursk, un an après", "https://h.example/opinions/tribunes/9")]
    d = build("desk", "en", kept + dropped, {}, 20, NOW, labels={"kursk": "Kursk"})
    assert sorted(r.title for r in d.related) == sorted(e.title for e in kept)
    assert d.more_related == 0


@pytest.mark.parametrize(("title", "text"), [
    ("North Korean soldiers seen near Ussuriisk",
     "Satellite images show North Korean soldiers at a base near Ussuriisk, north of "
     "Vladivostok."),
    ("Des soldats nord-coréens vus près d'Oussouriïsk",
     "Des images satellites montrent des soldats nord-coréens sur une base près "
     "d'Oussouriïsk, au nord de Vladivostok."),
])
def test_related_coverage_lists_an_item_under_the_watch_its_title_names(title: str,
                                                                       text: str) -> None:
    """Issue 18: an item about Ussuriysk that names Vladivostok in passing was listed under
    [Vladivostok], the first of its watches in watchlist order, a line whose headline does not
    name its watch. The watches its title names now come first, in both languages."""
    from monitor.models import Item

    engine = Engine(compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml")))
    item = Item("u", title, text, "https://news.example/u", NOW, None, "Wire", "h1", "f")
    (match,) = [e for e in engine.process(item) if e.kind == "match"]
    assert match.watches[:2] == ("ussuriysk", "vladivostok")
    d = build("desk", "en", [match], {}, 12, NOW, labels=engine.wl.labels())
    assert [(r.watch, r.term) for r in d.related] == [("ussuriysk", "Ussuriysk")]
    # an item whose title names none of them keeps the watchlist order
    plain = Item("v", "Satellite images", text, "https://news.example/v", NOW, None, "Wire",
                 "h2", "f")
    (match,) = [e for e in engine.process(plain) if e.kind == "match"]
    assert match.watches[:2] == ("vladivostok", "ussuriysk")


def test_related_items_that_name_the_watch_in_their_title_come_first() -> None:
    """Issue 18: related coverage ranked: under each watch, headlines that name it first
    (folded, "Koursk" names Kursk), then stories more outlets carry; the rest after."""
    def m(title: str, source: str) -> Event:
        return Event("match", f"https://x.example/{source}/{len(title)}", title, source, None,
                     watches=("kursk",))

    related = fold_related([
        m("Ukraine holds ground in the east", "A"),
        m("Moscow sends reinforcements to the border", "B"),
        m("Moscow sends reinforcements to border", "C"),
        m("Koursk : les civils évacués", "D"),
    ], {"kursk": "Kursk"})
    assert [r.title for r in related] == [
        "Koursk : les civils évacués",  # names the watch
        "Moscow sends reinforcements to the border",  # two outlets
        "Ukraine holds ground in the east",
    ]


def test_names_read_but_not_declared_share_the_unattributed_block() -> None:
    """'?Xunta' and '?Xunta de Galicia' are judged as one series (the unattributed one):
    the digest shows one block for them, with that series' history, not one per name."""
    def ev(kind: str, value: int, day: int, who: str, previous: int | None) -> Event:
        return Event(kind, f"https://x.example/{day}", f"Galicia {value}", f"S{day}",
                     datetime(2025, 8, day, tzinfo=UTC), figure="ha", label="Hectares",
                     value=value, previous=previous, unit="ha", quote=f"{value} ha",
                     item_uid=str(day), claimant=who, claimant_label=who.lstrip("?"))

    history = (HistoryEntry(14_700, date="2025-08-16", claimant="?Xunta"),
               HistoryEntry(30_000, date="2025-08-18", claimant="?Xunta"),
               HistoryEntry(27_400, date="2025-08-19", claimant="?Xunta de Galicia"))
    events = [ev("revision", 30_000, 18, "?Xunta", 14_700),
              ev("correction", 27_400, 19, "?Xunta de Galicia", 30_000)]
    d = build("desk", "en", events, {"ha": history}, 8, NOW, range(1, 3))
    assert len(d.revisions) == 1
    (r,) = d.revisions
    assert (r.kind, r.previous, r.value, r.claimant_label) == ("correction", 30_000, 27_400,
                                                               "Xunta de Galicia")
    assert [h.value for h in r.history] == [14_700, 30_000, 27_400]
