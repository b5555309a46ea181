"""`news-monitor status`: what the store says, for a person (text) or a script (--json).

Per feed: last success, last error, failures, next poll; per figure: current value, last
revision or correction, and values held for review; per channel: disabled or not, and why; the outbox: pending and failed deliveries.
Read-only; safe while the daemon runs. Credentials in URLs (`https://user:pass@host/feed`)
are shown as `***@` in both forms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from monitor.config import Config
from monitor.deliver import gone
from monitor.engine.pipeline import estimates
from monitor.engine.watchlist import compile_watchlist
from monitor.eventjson import estimate_json
from monitor.netguard import mask_credentials
from monitor.schema import events, figures, history, outbox
from monitor.store import Store, utc
from monitor.text import fmt_number


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") if dt else None


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_credentials(text)


def collect(store: Store, cfg: Config) -> dict[str, Any]:
    states = {s.name: s for s in store.feed_states()}
    feeds = []
    for f in cfg.monitor.feeds:
        s = states.get(f.name)
        feeds.append({
            "name": f.name, "enabled": f.enabled, "url": mask_credentials(f.url),
            "current_url": _masked(s.current_url) if s else None,
            "last_status": s.last_status if s else None,
            "last_success": _iso(s.last_success_at) if s else None,
            "last_error": _masked(s.last_error) if s else None,
            "failures": s.failures if s else 0,
            "next_poll": _iso(s.next_poll_at) if s else None,
            "disabled": bool(s and s.disabled),
            "lease_owner": s.lease_owner if s else None,
            "lease_until": _iso(s.lease_until) if s else None,
        })
    with store.engine.connect() as conn:
        current = {r.id: r.current for r in conn.execute(select(figures))}
        last_rev: dict[str, Any] = {}
        for r in conn.execute(select(events).where(events.c.kind.in_(("revision", "correction")))
                              .order_by(events.c.id)).mappings():
            last_rev[r["figure"]] = r
        held: dict[str, list[dict[str, Any]]] = {}
        for h in conn.execute(select(history).where(history.c.origin == "held")
                              .order_by(history.c.id)).mappings():
            held.setdefault(h["figure"], []).append(
                {"value": h["value"], "source": h["source"], "date": h["date"], "link": h["link"]})
        failed = conn.execute(select(outbox.c.channel, outbox.c.key, outbox.c.last_error)
                              .where(outbox.c.status == "failed")).all()
    wl = compile_watchlist(cfg.watchlist) if cfg.watchlist.figures else None
    fig_states = store.figure_states(wl) if wl is not None else {}
    figs = []
    for fig in cfg.watchlist.figures:
        rev = last_rev.get(fig.id)
        figs.append({
            "id": fig.id, "label": fig.label, "current": current.get(fig.id),
            "last_revision": None if rev is None else {
                "kind": rev["kind"], "previous": rev["previous"], "value": rev["value"],
                "source": rev["source"], "published": _iso(utc(rev["published"])),
                "link": rev["link"], "claimant": rev["claimant_label"] or None},
            "held_for_review": held.get(fig.id, []),
            "estimates": [estimate_json(e) for e in estimates(wl, fig_states[fig.id])]
            if wl is not None else [],
        })
    chans = []
    for ch in cfg.monitor.channels:
        state = gone(store, ch, cfg.secrets.get(ch.name))
        chans.append({"name": ch.name, "kind": ch.kind, "disabled": state is not None,
                      "reason": state[0] if state else None,
                      "config_changed": bool(state and state[1])})
    counts = store.outbox_counts()
    return {
        "instances": [{**i, "started_at": _iso(i["started_at"]), "seen_at": _iso(i["seen_at"])}
                      for i in store.list_instances()],
        "feeds": feeds, "figures": figs, "channels": chans,
        "outbox": {"pending": counts.get("pending", 0), "sent": counts.get("sent", 0),
                   "failed": counts.get("failed", 0),
                   "failures": [{"channel": c, "key": k, "error": _masked(e)}
                                for c, k, e in failed]},
    }


def render(data: dict[str, Any]) -> str:
    out = []
    if data["instances"]:
        out.append("instances:")
        for i in data["instances"]:
            out.append(f"  {i['id']}: started {i['started_at']}, seen {i['seen_at']}, "
                       f"{i['leases']} feed leases")
    out.append("feeds:")
    for f in data["feeds"]:
        state = "disabled" if f["disabled"] or not f["enabled"] else (f["last_status"] or "never polled")
        line = f"  {f['name']}: {state}; last success {f['last_success'] or 'never'}"
        line += f"; next poll {f['next_poll'] or '-'}"
        if f["lease_owner"]:
            line += f"; leased to {f['lease_owner']} until {f['lease_until']}"
        if f["last_error"]:
            line += f"; last error {f['last_error']!r} ({f['failures']} in a row)"
        out.append(line)
    out.append("figures:")
    for g in data["figures"]:
        rev = g["last_revision"]
        line = f"  {g['id']}: {fmt_number(g['current'])}"
        if rev:
            who = f"{rev['claimant']}: " if rev.get("claimant") else ""
            line += (f" (last {rev['kind']} {who}{fmt_number(rev['previous'])} -> "
                     f"{fmt_number(rev['value'])}, {rev['source']}, "
                     f"{rev['published'] or 'undated'})")
        for h in g["held_for_review"]:
            line += (f"; held for review: {fmt_number(h['value'])} ({h['source']}, "
                     f"{h['date'] or 'undated'})")
        out.append(line)
        for e in g.get("estimates", []):
            who = e["claimant"]["label"] if e["claimant"] else "unattributed"
            out.append(f"    {who}: {fmt_number(e['value'])} ({e['date'] or 'undated'}, "
                       f"{e['source']})")
    out.append("channels:")
    for c in data["channels"]:
        line = f"  {c['name']} ({c['kind']}): " + (f"disabled: {c['reason']}" if c["disabled"]
                                                    else "enabled")
        if c["config_changed"]:
            line += "; its config changed since, so it is re-enabled at the next delivery round"
        elif c["disabled"]:
            line += "; change its url or secret to re-enable it"
        out.append(line)
    o = data["outbox"]
    out.append(f"outbox: {o['pending']} pending, {o['sent']} sent, {o['failed']} failed")
    for x in o["failures"]:
        out.append(f"  failed: {x['channel']} {x['key']}: {x['error']}")
    return "\n".join(out)
