"""Backfill: a figure or term added, or whose definition changed, is judged on the archive.

`sync` (at start and on SIGHUP) records a fingerprint of each watch's definition in the
`watches` table and marks the added or changed ones pending; removed ones are forgotten (so
one added back is backfilled again). The first sync of a database records the watchlist as
it is: there is nothing read under another definition to judge again.

`run` then judges the archive for the pending watches alone, in publication order, through
the engine's own steps (`pipeline.analyse` with the whole watchlist, as live judging reads
an item, then `pipeline.decide` with the pending figures' observations only):

* a pending figure's history is rebuilt: its seed values and what it had learnt before the
  oldest archived item are kept (that text is gone and cannot be read again), the values
  it had drawn from archived items are dropped, and the archive is judged again from
  there. Its values go into its history quietly: no revision or correction event, the
  digest gets one `new_watch` event ("N values found, current value V (source, date)");
* a pending term gets one `new_watch` event: how many archived items mention it;
* every other figure is untouched.

While a figure is pending, live judging leaves it alone (`Store.pending_figures`), so no
report is judged twice or against a half-built history; the backfill judges the items read
after the change too (those archived after the watch's `mark`), last, and their alerts are
written as live judging would have written them: a report that arrives while a changed
figure is being backfilled is alerted, not absorbed. The archive is judged outside any
transaction (it may take minutes); one transaction then judges the items archived
meanwhile, writes the figures' histories and events and clears the pending marks. A process
killed before that commit leaves nothing behind but the pending marks: the next start
judges again from the beginning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from monitor import archive
from monitor.config import WatchlistConfig
from monitor.engine.judging import FigureState
from monitor.engine.pipeline import analyse, decide
from monitor.engine.watchlist import Watchlist
from monitor.models import Event, HistoryEntry, Item, as_number
from monitor.schema import archive as archive_table
from monitor.schema import events, history, watches
from monitor.store import EVENTS_LOCK, SEED_LOCK, Store, _event_row
from monitor.text import fmt_number

log = logging.getLogger("news-monitor.backfill")
FOUND = frozenset({"revision", "correction", "competing"})  # what would have been alerts
PROGRESS = 5000  # a log line every this many archived items


def fingerprints(cfg: WatchlistConfig) -> dict[str, tuple[str, str]]:
    """id -> (kind, fingerprint of its definition). A figure's definition is its entry
    (words, scope, judging keys, history), the [judging] and [matching] defaults and, when
    it has a scope, the places (scope binding reads them all); a term's is its entry and
    [matching]."""
    common = {"matching": cfg.matching.model_dump(mode="json")}
    places = [p.model_dump(mode="json") for p in cfg.places]
    out: dict[str, tuple[str, str]] = {}
    for t in cfg.terms:
        out[t.id] = ("term", _digest({**common, "term": t.model_dump(mode="json")}))
    for f in cfg.figures:
        spec = {**common, "judging": cfg.judging.model_dump(mode="json"),
                "figure": f.model_dump(mode="json"), "places": places if f.scope else []}
        out[f.id] = ("figure", _digest(spec))
    return out


def _digest(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:32]


def sync(store: Store, cfg: WatchlistConfig, now: datetime | None = None) -> list[str]:
    """Record the watchlist's definitions; returns the ids now pending a backfill."""
    now = now or datetime.now(UTC)
    wanted = fingerprints(cfg)
    with store.tx() as conn:
        if not store.is_sqlite:  # instances starting together sync one after the other
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SEED_LOCK})")
        rows = {r.id: r for r in conn.execute(select(watches))}
        baseline = not rows
        mark = archive.high(store, conn)  # items archived after it are read after the change
        for wid, (kind, fp) in wanted.items():
            r = rows.get(wid)
            if r is None:
                conn.execute(insert(watches).values(id=wid, kind=kind, fingerprint=fp,
                                                    pending=not baseline, changed_at=now,
                                                    mark=None if baseline else mark))
            elif r.fingerprint != fp or r.kind != kind:
                conn.execute(update(watches).where(watches.c.id == wid).values(
                    kind=kind, fingerprint=fp, pending=True, changed_at=now,
                    mark=r.mark if r.pending and r.mark is not None else mark))
        gone = [wid for wid in rows if wid not in wanted]
        if gone:
            conn.execute(delete(watches).where(watches.c.id.in_(gone)))
        return sorted(r[0] for r in conn.execute(
            select(watches.c.id).where(watches.c.pending.is_(True))))


def pending(store: Store) -> dict[str, str]:
    """id -> fingerprint of the watches whose backfill is due."""
    return {wid: fp for wid, (fp, _mark) in _pending(store).items()}


def _pending(store: Store) -> dict[str, tuple[str, int]]:
    """id -> (fingerprint, mark) of the watches whose backfill is due."""
    with store.engine.connect() as conn:
        return {r.id: (r.fingerprint, r.mark or 0) for r in conn.execute(
            select(watches.c.id, watches.c.fingerprint, watches.c.mark)
            .where(watches.c.pending.is_(True)))}


@dataclass
class _Work:
    """A backfill in progress: the pending watches' states and what was found."""

    wl: Watchlist
    figures: frozenset[str]
    terms: frozenset[str]
    marks: dict[str, int] = field(default_factory=dict)  # figure -> its archive mark
    states: dict[str, FigureState] = field(default_factory=dict)
    quiet: dict[str, FigureState] = field(default_factory=dict)  # as of the items read before
    found: dict[str, int] = field(default_factory=dict)
    live: list[tuple[Event, str]] = field(default_factory=list)  # (alert, feed) read after
    last: dict[str, Event] = field(default_factory=dict)  # the latest report of a value
    mentions: dict[str, dict[str, Item]] = field(default_factory=dict)  # term -> uid -> item
    done: set[int] = field(default_factory=set)  # archive ids judged

    def judge(self, rid: int, item: Item) -> None:
        """One archived version, for the pending watches only."""
        self.done.add(rid)
        analysis = analyse(self.wl, item)
        for tid, _score in analysis.terms:
            if tid in self.terms:
                self.mentions.setdefault(tid, {})[item.uid] = item
        obs = tuple(o for o in analysis.observations if o.figure in self.figures)
        if not obs:
            return
        d = decide(self.wl, self.states, replace(analysis, observations=obs), True)
        self.states.update(d.states)
        for fid in d.states:
            if rid <= self.marks.get(fid, 0):  # what the archive said before the change
                self.quiet[fid] = d.states[fid]
        for ev in d.events:
            if not ev.figure:
                continue
            if rid > self.marks.get(ev.figure, 0):  # read after the change: alerted as live
                self.live.append((ev, item.feed))
            elif ev.kind in FOUND:  # read before it: found quietly
                self.found[ev.figure] = self.found.get(ev.figure, 0) + 1
                self.last[ev.figure] = ev


@dataclass(frozen=True, slots=True)
class Result:
    """What one backfill did: the watches completed, the archived versions judged, the
    events written (one `new_watch` each), whether it stopped before the end, and the
    alerts of items read after the change (judged here, alerted as live judging would)."""

    watches: tuple[str, ...] = ()
    items: int = 0
    events: tuple[Event, ...] = ()
    stopped: bool = False
    live: tuple[Event, ...] = ()  # alerts of items read after the change


def run(store: Store, wl: Watchlist, cfg: WatchlistConfig,
        stop: threading.Event | None = None) -> Result:
    """Judge the archive for the watches pending with this watchlist's definitions; write
    the results in one transaction. A stop request (`stop` set) leaves everything pending."""
    t0 = time.monotonic()
    wanted = fingerprints(cfg)
    marks = {wid: mark for wid, (fp, mark) in _pending(store).items()
             if wid in wanted and wanted[wid][1] == fp}
    due = {wid: wanted[wid][1] for wid in marks}
    if not due:
        return Result()
    if store.archive_keep <= 0 and archive.high(store) == 0:
        with store.tx() as conn:  # nothing kept to judge: the watch is live from now on
            conn.execute(update(watches).where(watches.c.id.in_(sorted(due)))
                         .values(pending=False, backfilled_at=datetime.now(UTC)))
        log.info("backfill of %s: the archive is off ([daemon] archive = 0), nothing to judge",
                 ", ".join(sorted(due)))
        return Result(tuple(sorted(due)))
    work = _Work(wl, frozenset(f.id for f in wl.figures if f.id in due),
                 frozenset(t.id for t in wl.terms if t.id in due), marks)
    cut = _oldest(store)
    with store.engine.connect() as conn:
        bases = {fid: _base(store, conn, wl, fid, cut) for fid in work.figures}
    work.states = dict(bases)
    work.quiet = dict(bases)
    ids = archive.ordered_ids(store)
    for n, (rid, item) in enumerate(archive.load(store, ids)):
        if stop is not None and n % 50 == 0 and stop.is_set():
            log.info("backfill stopped after %d of %d archived items; it starts again at the "
                     "next start", n, len(ids))
            return Result(stopped=True)
        work.judge(rid, item)
        if n and n % PROGRESS == 0:
            log.info("backfill: %d of %d archived items judged", n, len(ids))
    now = datetime.now(UTC)
    with store.tx() as conn:
        if not store.is_sqlite:  # judging transactions in flight finish, new ones wait
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({EVENTS_LOCK})")
        q = select(watches.c.id, watches.c.fingerprint).where(watches.c.pending.is_(True))
        if not store.is_sqlite:
            q = q.with_for_update()
        still = {r.id for r in conn.execute(q) if due.get(r.id) == r.fingerprint}
        if not still:  # another instance finished it, or the watchlist changed meanwhile
            return Result()
        # what was archived while the archive was judged (polls left these watches alone)
        late = [i for i in archive.ordered_ids(store, conn=conn) if i not in work.done]
        for rid, item in archive.load(store, late, conn=conn):
            work.judge(rid, item)
        written: list[Event] = []
        for fid in sorted(work.figures & still):
            _replace_history(store, conn, fid, bases[fid], work.states[fid], cut, now)
            written.append(_figure_event(wl, fid, work))
        for tid in sorted(work.terms & still):
            written.append(_term_event(wl, tid, work))
        for ev in written:
            conn.execute(insert(events).values(**_event_row(ev, "", now)))
        live = [(ev, feed) for ev, feed in work.live if ev.figure in still]
        for ev, feed in live:
            conn.execute(insert(events).values(**_event_row(ev, feed, now)))
        conn.execute(update(watches).where(watches.c.id.in_(sorted(still)))
                     .values(pending=False, backfilled_at=now))
    for ev in written:
        log.info("backfill: %s", describe(ev))
    log.info("backfill of %s: %d archived items judged in %.1fs", ", ".join(sorted(still)),
             len(work.done), time.monotonic() - t0)
    return Result(tuple(sorted(still)), len(work.done), tuple(written),
                  live=tuple(ev for ev, _f in live))


def _oldest(store: Store) -> datetime | None:
    """When the oldest archived item was read (None: the archive is empty)."""
    with store.engine.connect() as conn:
        v = conn.execute(select(func.min(archive_table.c.stored_at))).scalar()
    return v if v is None or v.tzinfo else v.replace(tzinfo=UTC)


def _base(store: Store, conn: Connection, wl: Watchlist, fid: str, cut: datetime | None
          ) -> FigureState:
    """The state a figure is judged again from: its seed values and what it learnt from
    items read before the oldest archived one; everything when the archive is empty."""
    state = store._figure_state(conn, fid, wl.figure(fid).tolerance)
    if cut is None:
        return state
    rows = conn.execute(select(history).where(history.c.figure == fid)
                        .order_by(history.c.id)).all()

    def kept(r: Any) -> bool:
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
        return bool(r.origin == "seed" or created < cut)

    if all(kept(r) for r in rows):
        return state
    entries = tuple(_entry(r) for r in rows if kept(r) and r.origin != "held")
    held = tuple(_entry(r) for r in rows if kept(r) and r.origin == "held")
    current = entries[-1].value if entries else None
    sources = frozenset(h.source for h in entries if h.value == current)
    return FigureState(fid, state.tolerance, entries, current, sources, held)


def _entry(r: Any) -> HistoryEntry:
    return HistoryEntry(value=as_number(r.value) or 0, low=as_number(r.low),
                        high=as_number(r.high), qualifier=r.qualifier, source=r.source,
                        quote=r.quote, date=r.date, link=r.link)


def _replace_history(store: Store, conn: Connection, fid: str, base: FigureState,
                     new: FigureState, cut: datetime | None, now: datetime) -> None:
    """The figure's history: the rows drawn from archived items dropped, the backfill's
    values written after the base (`Store._save_figure`, as live judging writes them)."""
    if cut is not None:
        conn.execute(delete(history).where(history.c.figure == fid,
                                           history.c.origin != "seed",
                                           history.c.created_at >= cut))
    store._save_figure(conn, base, new, now)


def _figure_event(wl: Watchlist, fid: str, work: _Work) -> Event:
    fig = wl.figure(fid)
    state = work.quiet[fid]  # what the archive gave; later reports are alerted on their own
    last = work.last.get(fid)
    entry = state.current_entry()
    if last is not None and entry is not None and last.value == entry.value:
        # the current value came from the archive: its report, quote and all
        return replace(last, kind="new_watch", previous=None, watches=(fid,),
                       item_uid=f"backfill:{fid}", found=work.found.get(fid, 0))
    published = (datetime.fromisoformat(entry.date).replace(tzinfo=UTC)
                 if entry is not None and entry.date else None)
    return Event("new_watch", entry.link if entry else None, "", entry.source if entry else "",
                 published, watches=(fid,), figure=fid, label=fig.label,
                 value=state.current, low=entry.low if entry else None,
                 high=entry.high if entry else None,
                 qualifier=entry.qualifier if entry else None,
                 quote=entry.quote if entry else None, item_uid=f"backfill:{fid}",
                 found=work.found.get(fid, 0))


def _term_event(wl: Watchlist, tid: str, work: _Work) -> Event:
    label = wl.labels().get(tid, tid)
    seen = work.mentions.get(tid, {})
    far = datetime.min.replace(tzinfo=UTC)
    latest = max(seen.values(), key=lambda it: it.when or far, default=None)
    if latest is None:
        return Event("new_watch", None, "", "", None, watches=(tid,), label=label,
                     item_uid=f"backfill:{tid}", found=0)
    return Event("new_watch", latest.link, latest.title, latest.source,
                 latest.published or latest.updated, watches=(tid,), label=label,
                 item_uid=f"backfill:{tid}", found=len(seen))


def describe(ev: Event) -> str:
    """One line for a new_watch event (logs and digests)."""
    day = ev.published.date().isoformat() if ev.published else "undated"
    watch = ev.figure or (ev.watches[0] if ev.watches else "")
    if ev.figure is None:
        latest = f"; latest: {ev.title} ({ev.source}, {day})" if ev.found else ""
        return f"new watch {watch}: {ev.found} archived items mention it{latest}"
    current = "no value" if ev.value is None else fmt_number(ev.value)
    return (f"new watch {watch}: {ev.found} values found, current value {current} "
            f"({ev.source or 'seed'}, {day})")
