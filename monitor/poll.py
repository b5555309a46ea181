"""One poll of one feed: fetch -> parse (off the event loop) -> judge and store -> feed state.

`next_state` is the pure policy (backoff, Retry-After, redirects, 410); `poll_feed` does the
I/O around it. Items are written before the feed's state row, so a crash mid-poll makes the
next poll retry the rest for free.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError

from monitor.config import FeedConfig, FetchConfig
from monitor.engine.pipeline import MAX_CHANGES, should_judge
from monitor.engine.watchlist import Watchlist
from monitor.feeds import HostileFeed, NotAFeed, order_items, parse_bytes
from monitor.fetch import DAY, Fetcher, FetchResult
from monitor.metrics import METRICS
from monitor.models import Item
from monitor.store import FeedState, Store

log = logging.getLogger("news-monitor.poll")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PollReport:
    """One log line's worth: how a poll of one feed went."""

    feed: str
    status: str  # ok, not_modified, unchanged_body, error, not_a_feed, gone, disabled
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    events: int = 0
    left: int = 0
    error: str | None = None
    elapsed: float = 0.0
    next_poll_at: datetime | None = None
    churned: int = 0  # edits of churning items that reported no figure: read, not judged

    def line(self) -> str:
        base = f"feed={self.feed} status={self.status}"
        if self.status in ("ok", "unchanged_body", "not_modified"):
            base += (f" new={self.new} changed={self.changed} unchanged={self.unchanged}"
                     f" events={self.events}")
            base += f" left_for_next_poll={self.left}" if self.left else ""
            base += f" churn_skipped={self.churned}" if self.churned else ""
        if self.error:
            base += f" error={self.error!r}"
        if self.next_poll_at:
            base += f" next={self.next_poll_at.isoformat(timespec='seconds')}"
        return base + f" elapsed={self.elapsed:.2f}s"


def clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def next_state(state: FeedState, result: FetchResult, status: str, error: str | None,
               interval: float, now: datetime, rng: random.Random) -> FeedState:
    """The feed's state after a poll: conditional-GET validators, failures and the next poll
    time (Retry-After and max-age honoured but clamped to [interval, 24 h]; other failures
    back off exponentially with jitter), a permanent redirect adopted once seen twice."""
    s = replace(state, last_polled_at=now, last_status=status)
    if result.permanent_redirect:
        if state.redirect_target == result.permanent_redirect:
            if state.current_url != result.permanent_redirect:
                log.warning("feed=%s moved permanently to %s (seen twice): using it",
                            state.name, result.permanent_redirect)
            s = replace(s, current_url=result.permanent_redirect, redirect_target=None)
        else:
            s = replace(s, redirect_target=result.permanent_redirect)
    if status == "gone":
        return replace(s, disabled=True, last_error=error, next_poll_at=None)
    if status in ("ok", "not_modified", "unchanged_body"):
        wait = clamp(result.max_age or 0.0, interval, DAY)
        etag = result.etag if result.status == "ok" else (result.etag or state.etag)
        lm = result.last_modified if result.status == "ok" else (result.last_modified or state.last_modified)
        return replace(s, failures=0, first_failed_at=None, last_error=None,
                       last_success_at=now, etag=etag, last_modified=lm,
                       next_poll_at=now + timedelta(seconds=wait))
    failures = state.failures + 1
    if result.retry_after is not None:
        wait = clamp(result.retry_after, interval, DAY)
    else:
        wait = min(interval * 2 ** (failures - 1), DAY) * rng.uniform(0.8, 1.2)
        wait = clamp(wait, interval, DAY)
    return replace(s, failures=failures, first_failed_at=state.first_failed_at or now,
                   last_error=error, next_poll_at=now + timedelta(seconds=wait))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Ingested:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    events: int = 0
    left: int = 0  # items over the per-poll cap, judged at the next poll
    churned: int = 0  # edits skipped by churn protection (`pipeline.churned`)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed fetched (and parsed, when there was something new to parse)."""

    feed: FeedConfig
    state: FeedState
    result: FetchResult
    status: str
    error: str | None
    items: tuple[Item, ...] = ()  # new or changed, oldest first
    unchanged: int = 0
    left: int = 0


def _parse(store: Store, feed: FeedConfig, cfg: FetchConfig, body: bytes,
           content_type: str | None) -> tuple[tuple[Item, ...], int, int]:
    """Parse (in a worker thread) and keep the new or changed items, oldest first, at most
    `cfg.max_items`; returns them, the count of unchanged ones and of those left for next time."""
    parsed = parse_bytes(body, feed=feed.name, language=feed.language,
                         backend=feed.parser or cfg.parser, content_type=content_type)
    if parsed.fallback:
        log.info("feed=%s read by feedparser: %s", feed.name, parsed.fallback)
    if parsed.bozo:
        log.info("feed=%s parsed with warnings: %s", feed.name, parsed.bozo[:200])
    if parsed.capped:  # RELIABILITY.md 20: fields over their caps (monitor.feeds.CAPS)
        log.warning("feed=%s fields over their caps (cut; a link dropped, a guid hashed): %s",
                    feed.name, parsed.capped_line())
    max_items = cfg.max_items
    known = store.known_hashes([it.uid for it in parsed.items])
    todo = [it for it in order_items(parsed.items) if _due(known, it)]
    return tuple(todo[:max_items]), len(parsed.items) - len(todo), max(0, len(todo) - max_items)


def _due(known: dict[str, tuple[str, int]], item: Item) -> bool:
    old_hash, changes = known.get(item.uid, (None, 0))
    return should_judge(old_hash, item.content_hash, changes)


def judge_items(store: Store, wl: Watchlist, items: Sequence[Item]) -> dict[str, Ingested]:
    """Judge items in the order given (in a worker thread); counts per feed."""
    counts: dict[str, list[int]] = {}
    for item in items:
        status, evs = store.judge_item(wl, item)
        c = counts.setdefault(item.feed, [0, 0, 0, 0, 0])
        c[0] += status == "new"
        c[1] += status == "changed"
        c[2] += status == "unchanged"  # a duplicate guid later in the same feed
        c[3] += len(evs)
        c[4] += status == "churned"
        if status == "churned":
            log.debug("feed=%s item=%s edited more than %d times and this edit reports no "
                      "figure: read, not judged again", item.feed, item.uid[:200], MAX_CHANGES)
    return {feed: Ingested(c[0], c[1], c[2], c[3], churned=c[4]) for feed, c in counts.items()}


class Workers:
    """Where blocking work runs, and the feeds' rows between polls.

    Store reads and writes run on one thread (no contention between them); parsing and
    judging on a bounded pool (a large feed takes memory while it is parsed: one at a time
    keeps the peak low). Feed rows are cached (this process is their only writer) and written
    behind: rows that arrive together share one transaction. A row lost to a crash costs a
    re-fetch, never an item: items are committed before their feed's row is queued."""

    def __init__(self, parsers: int = 1, bodies: int = 4,
                 shared: tuple[str, float] | None = None) -> None:
        # shared database: (this instance's id, lease seconds); feeds are claimed per poll
        self.shared = shared
        # a fetched body waits in memory for the parser: bound how many may wait
        self.bodies = asyncio.Semaphore(bodies)
        self.db = ThreadPoolExecutor(1, thread_name_prefix="store")
        self.parse = ThreadPoolExecutor(parsers, thread_name_prefix="parse")
        self.states: dict[str, FeedState] = {}
        self.pending: dict[str, FeedState] = {}
        self.flushing: asyncio.Task[None] | None = None

    async def on_db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.db, functools.partial(fn, *args))

    async def on_parser(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.parse, functools.partial(fn, *args))

    async def load_state(self, store: Store, feed: FeedConfig) -> FeedState:
        state = self.states.get(feed.name)
        if state is None or state.url != feed.url:
            state = await self.on_db(store.feed_state, feed.name, feed.url)
            self.states[feed.name] = state
        return state

    def save_state(self, store: Store, state: FeedState) -> None:
        """Queue a feed's row; `flush` (or the next turn of the loop) writes it."""
        self.states[state.name] = state
        self.pending[state.name] = state
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.ensure_future(self._flush(store))

    async def _flush(self, store: Store) -> None:
        await asyncio.sleep(0.01)  # let the polls finishing about now add theirs
        while self.pending:
            batch, self.pending = list(self.pending.values()), {}
            await self.on_db(store.save_feed_states, batch)

    async def flush(self) -> None:
        """Wait until every queued row is committed."""
        while self.flushing is not None and not self.flushing.done():
            await asyncio.shield(self.flushing)

    def shutdown(self) -> None:
        self.db.shutdown(wait=True)
        self.parse.shutdown(wait=True)


async def fetch_feed(feed: FeedConfig, fetcher: Fetcher, store: Store, cfg: FetchConfig,
                     w: Workers, force: bool = True, slot: bool = True) -> Fetched | PollReport:
    """Fetch and parse one feed, or say why not (disabled, not due, leased elsewhere).
    A shared database's lease is taken once a slot is free, so it is not spent waiting
    (`slot=False`: the caller holds one)."""
    async with w.bodies if slot else contextlib.nullcontext():
        if w.shared is not None:
            me, ttl = w.shared
            claimed = await w.on_db(store.claim_feed, feed.name, feed.url, me, ttl, force)
            if claimed is None:
                return PollReport(feed.name, "not_ours")
            state = claimed
        else:
            state = await w.load_state(store, feed)
        if state.disabled:
            return PollReport(feed.name, "disabled")
        if not force and state.next_poll_at and state.next_poll_at > datetime.now(UTC):
            return PollReport(feed.name, "not_due", next_poll_at=state.next_poll_at)
        result = await fetcher.fetch(state.fetch_url, state.etag, state.last_modified,
                                     feed.allow_private, feed.proxy, fetcher.auth_for(feed))
        if result.status != "ok" or result.body is None:
            return Fetched(feed, state, result, result.status, result.error)
        digest = body_hash(result.body)
        if digest == state.body_hash:
            return Fetched(feed, state, result, "unchanged_body", None)  # ignores cond. GET
        try:
            items, unchanged, left = await w.on_parser(_parse, store, feed, cfg, result.body,
                                                       result.content_type)
        except (NotAFeed, HostileFeed) as exc:
            return Fetched(feed, state, result, "not_a_feed", str(exc))
    result = dataclasses.replace(result, body=None)  # the items are kept, not the bytes
    return Fetched(feed, replace(state, body_hash=digest), result, "ok", None, items,
                   unchanged, left)


def finish(f: Fetched, got: Ingested, w: Workers, store: Store, rng: random.Random) -> PollReport:
    """The feed's new row (queued after its items are committed) and its one log line."""
    new = next_state(f.state, f.result, f.status, f.error, f.feed.interval, datetime.now(UTC), rng)
    new = replace(new, items_new=got.new, items_changed=got.changed, lease_owner=None,
                  lease_until=None)  # the lease ends with the row's write
    if f.status == "not_a_feed" or f.left:
        # not read, or read only in part: fetch the whole body again next time
        new = replace(new, body_hash=None, etag=None, last_modified=None)
    w.save_state(store, new)
    report = PollReport(f.feed.name, f.status, got.new, got.changed, got.unchanged + f.unchanged,
                        got.events, left=f.left, error=f.error, elapsed=f.result.elapsed,
                        next_poll_at=new.next_poll_at, churned=got.churned)
    if f.status == "gone" and not f.state.disabled:
        log.warning("feed=%s answered 410 Gone: disabled until its config changes", f.feed.name)
    ok = f.status in ("ok", "not_modified", "unchanged_body")
    log.log(logging.INFO if ok else logging.WARNING, "%s", report.line())
    METRICS.poll(f.feed.name, f.status, got.new, got.changed, got.events,
                 new.last_success_at.timestamp() if new.last_success_at else None)
    return report


async def poll_feed(feed: FeedConfig, fetcher: Fetcher, store: Store, wl: Watchlist,
                    cfg: FetchConfig, rng: random.Random | None = None,
                    force: bool = True, workers: Workers | None = None) -> PollReport:
    """Poll one feed now (or only if due, with force=False); never raises for expected
    failures, which are logged and recorded on the feed's row."""
    rng = rng or random.Random()
    w = workers or Workers()
    try:
        async with w.bodies:  # held until the row is queued: a lease is never spent waiting
            f = await fetch_feed(feed, fetcher, store, cfg, w, force, slot=False)
            if isinstance(f, PollReport):
                return f
            got = Ingested()
            if f.items:
                got = (await w.on_parser(judge_items, store, wl, f.items)).get(feed.name, got)
            return finish(f, got, w, store, rng)
    except OperationalError as exc:
        # locked past the busy timeout, disk full: the transaction rolled back, nothing was
        # marked seen and the feed's row is not written, so the next poll does it again
        log.error("feed=%s status=store_error error=%r (retried at the next poll)",
                  feed.name, str(exc.orig))
        w.states.pop(feed.name, None)
        return PollReport(feed.name, "store_error", error=str(exc.orig))
    finally:
        if workers is None:
            await w.flush()
            w.shutdown()


async def poll_all(feeds: Sequence[FeedConfig], fetcher: Fetcher, store: Store, wl: Watchlist,
                   cfg: FetchConfig, rng: random.Random, w: Workers) -> list[PollReport]:
    """Poll several feeds at once and judge all their new items in time order (`once`): a
    backlog read in one go is judged as if it had been read as it was published."""
    fetched = await asyncio.gather(*(fetch_feed(f, fetcher, store, cfg, w) for f in feeds))
    done = [f for f in fetched if isinstance(f, Fetched)]
    items = order_items([it for f in done for it in f.items])
    counts = await w.on_parser(judge_items, store, wl, items) if items else {}
    return [f if isinstance(f, PollReport) else finish(f, counts.get(f.feed.name, Ingested()),
                                                         w, store, rng)
            for f in fetched]
