"""What the web pages and the JSON API show, read from the store (issue 17).

One shape for both: each function returns JSON-ready dicts whose field names are the webhook
body's (`monitor.digest.payload`: figure, label, kind, scope, claimant, previous, value,
low, high, qualifier, unit, change, source {outlet, title, link, published, quote},
estimates), so a page and `/api/...` never disagree. Blocking (SQLAlchemy Core): the web
server calls these in its own threads. Every string from a feed goes through `clean` (no
control or bidi characters) and every link through `safe_link` (http(s) only, credentials
masked); HTML escaping is the templates' job (Jinja autoescape).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from monitor.config import Config, FigureConfig
from monitor.digest import QUALIFIERS, Source, source_json
from monitor.engine.judging import FigureState
from monitor.engine.pipeline import estimates
from monitor.engine.watchlist import Watchlist
from monitor.eventjson import claimant_json, estimate_json
from monitor.feeds import safe_link
from monitor.models import Event, Number, as_number
from monitor.netguard import mask_credentials
from monitor.store import Store
from monitor.text import clean, fmt_number

VALUE_KINDS = ("revision", "correction", "competing")  # events that give a figure a value
FEED_KINDS = ("revision", "correction", "competing")  # what the Atom feed carries
EVENT_KINDS = ("revision", "correction", "competing", "corroboration", "held_for_review",
               "match", "new_watch")  # restatements are stored but shown nowhere


def link(url: str | None) -> str | None:
    """A link as the pages show it: http(s) only, credentials masked."""
    safe = safe_link(url)
    return None if safe is None else mask_credentials(safe)


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def value_label(value: Number | None, low: Number | None = None,
                qualifier: str | None = None) -> str:
    """A value as a reader says it: "about 12,000", "1,000-2,000", "at least 3,000"."""
    if value is None:
        return "-"
    text = fmt_number(value)
    if low is not None and low != value:
        text = f"{fmt_number(low)}\u2013{text}"
    if qualifier:
        text = f"{QUALIFIERS['en'].get(qualifier, qualifier)} {text}"
    return text


def event_json(event_id: int, created: datetime | None, ev: Event) -> dict[str, Any]:
    """One stored event in the webhook body's field names, plus its id, watches and when it
    was recorded."""
    change = ((ev.value - ev.previous) / ev.previous
              if ev.value is not None and ev.previous else None)
    return {
        "id": event_id, "kind": ev.kind, "figure": ev.figure,
        "label": clean(ev.label or "") or None, "scope": list(ev.scope),
        "claimant": claimant_json(ev.claimant, ev.claimant_label),
        "previous": ev.previous, "value": ev.value, "low": ev.low, "high": ev.high,
        "qualifier": ev.qualifier, "unit": ev.unit, "change": change,
        "source": source_json(Source(clean(ev.source), clean(ev.title), link(ev.link),
                                     ev.published, clean(ev.quote or ""))),
        "estimates": [estimate_json(e) for e in ev.estimates],
        "watches": list(ev.watches), "created": iso(created),
    }


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def history_json(store: Store, wl: Watchlist, fig: FigureConfig) -> list[dict[str, Any]]:
    """A figure's reports in date order (undated last, each in the order recorded): every
    value it took (seed, revision, correction, a claimant's competing or first agreeing
    value) and the values held for review, each with its claimant, outlet, quote, link and
    `kind` (seed, revision, correction, competing, held, report)."""
    kinds: dict[tuple[float, str | None, str], str] = {}
    for _id, _at, ev in reversed(store.recent_events(kinds=VALUE_KINDS, figure=fig.id,
                                                     limit=100_000)):
        if ev.value is not None:  # the first event of a value names it
            kinds.setdefault((float(ev.value), ev.link, ev.claimant), ev.kind)
    out = []
    for row in store.figure_history(fig.id):
        origin = row["origin"]
        if origin == "seed":
            kind = "seed"
        elif origin == "held":
            kind = "held"
        else:
            kind = kinds.get((float(row["value"]), row["link"], row["claimant"] or ""), "report")
        who = row["claimant"] or ""
        value, low, high = (as_number(row["value"]), as_number(row["low"]),
                            as_number(row["high"]))
        out.append({
            "kind": kind, "value": value, "low": low, "high": high,
            "qualifier": row["qualifier"], "shown": value_label(value, low, row["qualifier"]),
            "date": row["date"], "claimant": claimant_json(who, wl.claimant_label(who)),
            "source": {"outlet": clean(row["source"] or ""), "link": link(row["link"]),
                       "quote": clean(row["quote"] or "")},
        })
    far = date.max
    return sorted(out, key=lambda h: _day(h["date"]) or far)  # stable: recorded order kept


def _figure_config(cfg: Config, fid: str) -> FigureConfig | None:
    return next((f for f in cfg.watchlist.figures if f.id == fid), None)


def figure_json(store: Store, wl: Watchlist, fig: FigureConfig, row: dict[str, Any],
                state: FigureState | None) -> dict[str, Any]:
    """One figure: its current value, unit, last change (the latest revision, correction or
    competing estimate), every claimant's current value when sources disagree, the values
    held for review and its reports (`history`)."""
    last = store.recent_events(kinds=VALUE_KINDS, figure=fig.id, limit=1)
    hist = history_json(store, wl, fig)
    return {
        "figure": fig.id, "label": fig.label, "unit": fig.unit[0] if fig.unit else None,
        "current": as_number(row.get("current")),
        "current_shown": value_label(as_number(row.get("current"))),
        "only_rises": fig.only_rises,
        "last_change": event_json(*last[0]) if last else None,
        "estimates": [estimate_json(e) for e in estimates(wl, state)] if state else [],
        "held_for_review": [h for h in hist if h["kind"] == "held"],
        "reports": len(hist),
        "history": hist,
    }


def figures_json(store: Store, cfg: Config, wl: Watchlist) -> list[dict[str, Any]]:
    """Every figure of the watchlist, in its order, with its reports (the charts)."""
    rows = store.figure_rows()
    states = store.figure_states(wl)
    return [figure_json(store, wl, f, rows.get(f.id, {}), states.get(f.id))
            for f in cfg.watchlist.figures]


def one_figure_json(store: Store, cfg: Config, wl: Watchlist, fid: str) -> dict[str, Any] | None:
    """A figure's page: the figure with its history and its latest events; None if the
    watchlist has no such figure."""
    fig = _figure_config(cfg, fid)
    if fig is None:
        return None
    state = store.figure_states(wl).get(fid)
    out = figure_json(store, wl, fig, store.figure_rows().get(fid, {}), state)
    out["events"] = [event_json(*e) for e in store.recent_events(
        kinds=EVENT_KINDS[:5], figure=fid, limit=50)]
    return out


def events_json(store: Store, *, figure: str | None = None, term: str | None = None,
                kinds: tuple[str, ...] = EVENT_KINDS, after: int = 0, before: int | None = None,
                limit: int = 50, oldest_first: bool = False) -> list[dict[str, Any]]:
    """The latest events, newest first (or the first ones after `after`, `oldest_first`),
    filtered by figure, watch and kind."""
    return [event_json(*e) for e in store.recent_events(
        kinds=kinds, figure=figure, term=term, after=after, before=before, limit=limit,
        oldest_first=oldest_first)]


def feeds_json(store: Store, cfg: Config) -> dict[str, Any]:
    """Each configured feed's health (status --json's field names, plus items read), the
    instances sharing the store and their leases, the outbox."""
    states = {s.name: s for s in store.feed_states()}
    counts = store.item_counts()
    feeds = []
    for f in cfg.monitor.feeds:
        s = states.get(f.name)
        feeds.append({
            "name": f.name, "enabled": f.enabled, "url": mask_credentials(f.url),
            "tags": list(f.tags),
            "current_url": mask_credentials(s.current_url) if s and s.current_url else None,
            "last_status": s.last_status if s else None,
            "last_success": iso(s.last_success_at) if s else None,
            "last_polled": iso(s.last_polled_at) if s else None,
            "last_error": mask_credentials(s.last_error) if s and s.last_error else None,
            "failures": s.failures if s else 0,
            "next_poll": iso(s.next_poll_at) if s else None,
            "disabled": bool(s and s.disabled),
            "lease_owner": s.lease_owner if s else None,
            "lease_until": iso(s.lease_until) if s else None,
            "items": counts.get(f.name, 0),
            "items_new": s.items_new if s else 0, "items_changed": s.items_changed if s else 0,
        })
    outbox = store.outbox_counts()
    return {
        "feeds": feeds,
        "instances": [{**i, "started_at": iso(i["started_at"]), "seen_at": iso(i["seen_at"])}
                      for i in store.list_instances()],
        "outbox": {
            "pending": outbox.get("pending", 0), "sent": outbox.get("sent", 0),
            "failed": outbox.get("failed", 0),
            "deliveries": [{"id": r["id"], "channel": r["channel"],
                            "subject": clean(r["subject"]), "status": r["status"],
                            "attempts": r["attempts"], "next_attempt": iso(r["next_attempt_at"]),
                            "created": iso(r["created_at"]),
                            "last_error": mask_credentials(r["last_error"])
                            if r["last_error"] else None}
                           for r in store.outbox_rows()],
        },
    }
