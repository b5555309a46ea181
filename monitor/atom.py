"""An Atom 1.0 feed of revisions, corrections and competing estimates (issue 17): what a
reader follows a figure with in the feed reader already in use.

Pure: event dicts (`monitor.webdata.event_json`) in, bytes out. Written for the W3C feed
validator's rules: one id, title and updated per entry; ids stable (a name-based UUID of
what the event is, so the same event keeps its id however often it is served); RFC 3339
dates with their zone; absolute links only (the article's when it is http(s), else the
figure's page); a self link; xml:lang. Every string from a feed is escaped by the XML
serializer, after characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from lxml import etree

from monitor import __version__
from monitor.text import clean, fmt_number

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# characters XML 1.0 cannot carry (C0 controls but tab and newline, surrogates, U+FFFE/F)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(s: str | None) -> str:
    return _NOT_XML.sub("", clean(s or ""))


def rfc3339(dt: datetime) -> str:
    """2024-10-28T19:30:00Z: UTC, seconds, the zone written."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(ev: dict[str, Any], uid: str = "") -> str:
    """A stable id for an event: a UUID named by its kind, figure, claimant, value and the
    item it was read in (a value is never alerted twice, so this names one event)."""
    who = (ev.get("claimant") or {}).get("id") or (ev.get("claimant") or {}).get("label") or ""
    name = f"news-monitor:event:{ev['kind']}:{ev['figure']}:{who}:{ev['value']}:{uid}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def entry_title(ev: dict[str, Any]) -> str:
    """"Label: 1,280,000 -> 1,300,000 protesters (Interior ministry)"; a correction and a
    competing estimate say so."""
    label = _text(ev.get("label") or ev.get("figure") or "")
    value = fmt_number(ev["value"])
    if ev.get("unit"):
        value += f" {_text(ev['unit'])}"
    who = (ev.get("claimant") or {}).get("label")
    if ev["kind"] == "competing":
        return f"{label}: {_text(who) or 'another source'} says {value} (competing estimate)"
    moved = (f"{fmt_number(ev['previous'])} \u2192 {value}" if ev.get("previous") is not None
             else value)
    kind = " corrected" if ev["kind"] == "correction" else ""
    return f"{label}{kind}: {moved}" + (f" ({_text(who)})" if who else "")


def entry_summary(ev: dict[str, Any]) -> str:
    src = ev["source"]
    day = (src.get("published") or "")[:10] or "undated"
    lines = [f"{_text(src.get('outlet')) or 'unknown outlet'}, {day}: "
             f"\u201c{_text(src.get('quote'))}\u201d"]
    if len(ev.get("estimates") or []) > 1:
        lines.append("Estimates now: " + "; ".join(
            f"{_text((e.get('claimant') or {}).get('label')) or 'unattributed'} "
            f"{fmt_number(e['value'])}" for e in ev["estimates"]))
    return "\n".join(lines)


def render(events: Sequence[dict[str, Any]], *, title: str, self_url: str, page_url: str,
           figure_url: str, uids: dict[int, str] | None = None,
           now: datetime | None = None) -> bytes:
    """The feed: `events` newest first; `self_url` the feed's own absolute URL, `page_url`
    the HTML page it mirrors, `figure_url` the absolute URL of a figure's page with `{id}`
    where the figure's id goes (the link of an entry whose article has no http(s) link)."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set(XML_LANG, "en")
    etree.SubElement(feed, f"{{{ATOM}}}id").text = (
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self_url)}")
    etree.SubElement(feed, f"{{{ATOM}}}title").text = _text(title)
    stamps = [datetime.fromisoformat(e["created"]) for e in events if e.get("created")]
    updated = max(stamps) if stamps else (now or datetime.now(UTC))
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = rfc3339(updated)
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                     href=self_url)
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page_url)
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = "news-monitor"
    gen = etree.SubElement(feed, f"{{{ATOM}}}generator", version=__version__)
    gen.text = "news-monitor"
    for ev in events:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}id").text = entry_id(ev, (uids or {}).get(ev["id"], ""))
        etree.SubElement(entry, f"{{{ATOM}}}title", type="text").text = entry_title(ev)
        created = datetime.fromisoformat(ev["created"]) if ev.get("created") else updated
        published = (datetime.fromisoformat(ev["source"]["published"])
                     if ev["source"].get("published") else None)
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = rfc3339(created)
        if published is not None and published <= created:
            etree.SubElement(entry, f"{{{ATOM}}}published").text = rfc3339(published)
        outlet = _text(ev["source"].get("outlet"))
        if outlet:
            a = etree.SubElement(entry, f"{{{ATOM}}}author")
            etree.SubElement(a, f"{{{ATOM}}}name").text = outlet
        fig_page = figure_url.replace("{id}", quote(ev.get("figure") or "", safe=""))
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                         href=ev["source"].get("link") or fig_page)
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="related", type="text/html",
                         href=fig_page)
        etree.SubElement(entry, f"{{{ATOM}}}category", term=ev["kind"])
        etree.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = entry_summary(ev)
    body: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return body
