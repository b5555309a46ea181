"""The Atom feed's rendering (monitor/atom.py), pure: what XML cannot carry is dropped, ids
name the event, titles say what happened, dates are RFC 3339 (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from monitor import atom
from monitor.feeds import parse_bytes

A = "{http://www.w3.org/2005/Atom}"


def event(**kw: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "id": 7, "kind": "revision", "figure": "dead", "label": "Dead in the floods",
        "scope": [], "claimant": None, "previous": 120, "value": 135, "low": None,
        "high": None, "qualifier": None, "unit": "dead", "change": 0.125,
        "source": {"outlet": "Wire", "title": "Toll rises", "link": "https://w.example/1",
                   "published": "2025-08-17T09:00:00+00:00", "quote": "135 dead."},
        "estimates": [], "watches": ["dead"], "created": "2025-08-17T09:05:00+00:00"}
    ev.update(kw)
    return ev


def render(events: list[dict[str, Any]]) -> bytes:
    return atom.render(events, title="t", self_url="https://m.example/feed.atom",
                       page_url="https://m.example/", figure_url="https://m.example/figure/{id}",
                       uids={e["id"]: f"uid-{e['id']}" for e in events},
                       now=datetime(2025, 8, 18, tzinfo=UTC))


def test_titles_say_what_happened() -> None:
    assert atom.entry_title(event()) == "Dead in the floods: 120 \u2192 135 dead"
    assert atom.entry_title(event(kind="correction", previous=140, value=135)) == (
        "Dead in the floods corrected: 140 \u2192 135 dead")
    assert atom.entry_title(event(kind="competing", previous=None, claimant={
        "id": "union", "label": "Union", "declared": True})) == (
        "Dead in the floods: Union says 135 dead (competing estimate)")


def test_characters_xml_cannot_carry_are_dropped_and_the_rest_escaped() -> None:
    hostile = event(label="A\x01B\ufffe <script>&", source={
        "outlet": "Out\x1blet", "title": "x", "link": None, "published": None,
        "quote": "</summary><evil/>"})
    body = render([hostile])
    root = ET.fromstring(body)  # well-formed
    (entry,) = root.findall(f"{A}entry")
    assert entry.findtext(f"{A}title") == "AB <script>&: 120 \u2192 135 dead"
    assert "</summary><evil/>" in (entry.findtext(f"{A}summary") or "")
    assert root.find(f".//{A}evil") is None
    # no article link: the figure's page is the alternate link
    alt = [lk.get("href") for lk in entry.findall(f"{A}link") if lk.get("rel") == "alternate"]
    assert alt == ["https://m.example/figure/dead"]
    assert entry.find(f"{A}published") is None


def test_ids_name_the_event_and_dates_are_rfc3339() -> None:
    a, b = event(), event(id=8, value=150, created="2025-08-18T10:00:00+02:00")
    root = ET.fromstring(render([b, a]))
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert len(set(ids)) == 2 and all(i and i.startswith("urn:uuid:") for i in ids)
    assert ids == [e.findtext(f"{A}id") for e in ET.fromstring(render([b, a])).findall(
        f"{A}entry")]  # the same again
    assert root.findtext(f"{A}updated") == "2025-08-18T08:00:00Z"  # the newest, in UTC
    entry = root.findall(f"{A}entry")[1]
    assert entry.findtext(f"{A}updated") == "2025-08-17T09:05:00Z"
    assert entry.findtext(f"{A}published") == "2025-08-17T09:00:00Z"


def test_an_empty_feed_is_still_a_feed_our_parser_reads() -> None:
    body = render([])
    root = ET.fromstring(body)
    assert root.findtext(f"{A}updated") == "2025-08-18T00:00:00Z"
    assert parse_bytes(render([event()])).items[0].link == "https://w.example/1"
