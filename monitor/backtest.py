"""`news-monitor backtest`: what a candidate watchlist would have alerted, against the
running one, over the same items (the archive, or saved feed files).

Both watchlists are judged by the engine exactly as `replay` judges (`pipeline.Engine`, a
fresh state seeded from each watchlist's own histories, items in updated-or-published
order), so every difference shown is the watchlist's doing, not the history of the store.
Per watch:

* alerts (revision, correction, held for review) are paired by the report they came from
  (figure, item, n-th alert of that item): one only the candidate gives is **added**, one
  only the running watchlist gives is **removed**, a pair whose kind, value, bounds,
  qualifier or scope differ is **changed** (a different reading of the same report);
  the value before it (`previous`) is shown but not compared, or one early added revision
  would make every later one look changed;
* items the watch matches (related coverage): those only the candidate matches, and those
  only the running watchlist matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from monitor.config import WatchlistConfig
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.models import Event, Item
from monitor.replay import event_json
from monitor.text import fmt_number

ALERTS = frozenset({"revision", "correction", "held_for_review"})
SHOWN_MATCHES = 10  # matched items listed per watch in the text form (--json lists all)


@dataclass
class WatchDiff:
    """The difference for one watch (a figure or a term)."""

    watch: str
    label: str
    kind: str  # figure or term
    where: str  # both, candidate (added by it) or running (removed by it)
    added: list[Event] = field(default_factory=list)
    removed: list[Event] = field(default_factory=list)
    changed: list[tuple[Event, Event]] = field(default_factory=list)  # (running, candidate)
    same: int = 0
    matches_added: list[Event] = field(default_factory=list)
    matches_removed: list[Event] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.matches_added
                    or self.matches_removed)


@dataclass(frozen=True)
class Backtest:
    """A backtest's result: the items read, their time span, one diff per watch."""

    items: int
    first: datetime | None
    last: datetime | None
    watches: tuple[WatchDiff, ...]

    def totals(self) -> dict[str, int]:
        return {k: sum(len(getattr(w, k)) for w in self.watches)
                for k in ("added", "removed", "changed", "matches_added", "matches_removed")}


def _signature(ev: Event) -> tuple[object, ...]:
    return (ev.kind, ev.value, ev.low, ev.high, ev.qualifier, ev.scope)


def _watches(wl: WatchlistConfig) -> dict[str, tuple[str, str]]:
    """id -> (kind, label), terms then figures, in watchlist order."""
    out = {t.id: ("term", t.label) for t in wl.terms}
    out.update({f.id: ("figure", f.label) for f in wl.figures})
    return out


def run(running: WatchlistConfig, candidate: WatchlistConfig, items: Iterable[Item]
        ) -> Backtest:
    """Judge the items with both watchlists (each on its own fresh state) and compare."""
    engines = (Engine(compile_watchlist(running)), Engine(compile_watchlist(candidate)))
    got: tuple[list[Event], list[Event]] = ([], [])
    n, first, last = 0, None, None
    for item in items:
        n += 1
        when = item.when
        if when is not None:
            first = when if first is None or when < first else first
            last = when if last is None or when > last else last
        for engine, out in zip(engines, got, strict=True):
            out.extend(ev for ev in engine.process(item)
                       if ev.kind in ALERTS or ev.kind == "match")
    return Backtest(n, first, last, tuple(compare(running, candidate, *got)))


def compare(running: WatchlistConfig, candidate: WatchlistConfig, before: list[Event],
            after: list[Event]) -> Iterator[WatchDiff]:
    """One diff per watch of either watchlist: the candidate's order, then removed watches."""
    old, new = _watches(running), _watches(candidate)
    ids = list(new) + [w for w in old if w not in new]
    for wid in ids:
        kind, label = new.get(wid) or old[wid]
        where = "both" if wid in old and wid in new else ("candidate" if wid in new else "running")
        d = WatchDiff(wid, label, kind, where)
        if kind == "figure":
            _pair_alerts(d, [e for e in before if e.figure == wid and e.kind in ALERTS],
                         [e for e in after if e.figure == wid and e.kind in ALERTS])
        seen_before = {e.item_uid: e for e in before if e.kind == "match" and wid in e.watches}
        seen_after = {e.item_uid: e for e in after if e.kind == "match" and wid in e.watches}
        d.matches_added = [e for uid, e in seen_after.items() if uid not in seen_before]
        d.matches_removed = [e for uid, e in seen_before.items() if uid not in seen_after]
        yield d


def _pair_alerts(d: WatchDiff, before: list[Event], after: list[Event]) -> None:
    """Pair the alerts of one figure by report (item, then their order within it)."""
    def by_item(evs: list[Event]) -> dict[str, list[Event]]:
        out: dict[str, list[Event]] = {}
        for e in evs:
            out.setdefault(e.item_uid, []).append(e)
        return out

    b, a = by_item(before), by_item(after)
    order = [e.item_uid for e in after] + [e.item_uid for e in before]
    for uid in dict.fromkeys(order):
        olds, news = b.get(uid, []), a.get(uid, [])
        for i in range(max(len(olds), len(news))):
            o = olds[i] if i < len(olds) else None
            n = news[i] if i < len(news) else None
            if o is None and n is not None:
                d.added.append(n)
            elif n is None and o is not None:
                d.removed.append(o)
            elif o is not None and n is not None:
                if _signature(o) == _signature(n):
                    d.same += 1
                else:
                    d.changed.append((o, n))


def _value(ev: Event) -> str:
    qual = f"{ev.qualifier.replace('_', ' ')} " if ev.qualifier else ""
    if ev.low is not None and ev.high is not None and ev.low != ev.high:
        num = f"{fmt_number(ev.low)}-{fmt_number(ev.high)}"
    else:
        num = fmt_number(ev.value) if ev.value is not None else "?"
    unit = f" {ev.unit}" if ev.unit else ""
    scope = f" in {' + '.join(ev.scope)}" if ev.scope else ""
    return f"{qual}{num}{unit}{scope}"


def _alert_line(mark: str, ev: Event) -> list[str]:
    prev = f"{fmt_number(ev.previous)} -> " if ev.previous is not None else ""
    day = ev.published.date().isoformat() if ev.published else "undated"
    kind = ev.kind.replace("_", " ")
    lines = [f"  {mark} {kind} {prev}{_value(ev)} | {ev.source} | {day} | {ev.link or '-'}"]
    if ev.quote:
        lines.append(f"      \"{ev.quote}\"")
    return lines


def _match_line(mark: str, ev: Event) -> str:
    day = ev.published.date().isoformat() if ev.published else "undated"
    return f"  {mark} matched: {ev.title} | {ev.source} | {day} | {ev.link or '-'}"


def render(bt: Backtest, origin: str) -> str:
    span = ""
    if bt.first and bt.last:
        span = f" ({bt.first.date().isoformat()} to {bt.last.date().isoformat()})"
    out = [f"backtest: {bt.items} items from {origin}{span}; + only the candidate alerts "
           "or matches it, - only the running watchlist, ~ a different reading of one report"]
    for d in bt.watches:
        tag = {"candidate": " [new in the candidate]", "running": " [not in the candidate]",
               "both": ""}[d.where]
        head = f"{d.kind} {d.watch} ({d.label}){tag}: "
        if d.kind == "figure":
            head += (f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} "
                     f"changed, {d.same} the same")
        if d.matches_added or d.matches_removed or d.kind == "term":
            head += ("; " if d.kind == "figure" else "") + (
                f"{len(d.matches_added)} more items matched, {len(d.matches_removed)} fewer")
        out.append(head)
        for ev in d.added:
            out += _alert_line("+", ev)
        for ev in d.removed:
            out += _alert_line("-", ev)
        for o, n in d.changed:
            out += _alert_line("~", n)
            out.append(f"      (running watchlist: {o.kind.replace('_', ' ')} {_value(o)})")
        for mark, evs in (("+", d.matches_added), ("-", d.matches_removed)):
            out += [_match_line(mark, ev) for ev in evs[:SHOWN_MATCHES]]
            if len(evs) > SHOWN_MATCHES:
                out.append(f"  {mark} and {len(evs) - SHOWN_MATCHES} more (--json lists all)")
    t = bt.totals()
    out.append(f"total: {t['added']} alerts added, {t['removed']} removed, {t['changed']} "
               f"changed; {t['matches_added']} matches added, {t['matches_removed']} removed")
    return "\n".join(out)


def as_json(bt: Backtest, origin: str) -> dict[str, object]:
    """The `--json` form: alerts as `replay` prints them."""
    return {
        "items": bt.items, "from": origin,
        "first": bt.first.isoformat() if bt.first else None,
        "last": bt.last.isoformat() if bt.last else None,
        "watches": [{
            "watch": d.watch, "kind": d.kind, "label": d.label, "in": d.where,
            "added": [event_json(e) for e in d.added],
            "removed": [event_json(e) for e in d.removed],
            "changed": [{"running": event_json(o), "candidate": event_json(n)}
                        for o, n in d.changed],
            "same": d.same,
            "matches_added": [event_json(e) for e in d.matches_added],
            "matches_removed": [event_json(e) for e in d.matches_removed],
        } for d in bt.watches],
        "totals": bt.totals(),
    }
