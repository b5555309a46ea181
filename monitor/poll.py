"""One poll of one feed: fetch -> parse (off the event loop) -> judge and store -> feed state.

`next_state` is the pure policy (backoff, Retry-After, redirects, 410); `poll_feed` does the
I/O around it. Items are written before the feed's state row, so a crash mid-poll makes the
next poll retry the rest for free.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from monitor.config import FeedConfig, FetchConfig
from monitor.feeds import HostileFeed, NotAFeed, order_items, parse_bytes
from monitor.fetch import DAY, Fetcher, FetchResult
from monitor.store import FeedState, Store
from monitor.watchlist import Watchlist

log = logging.getLogger("news-monitor.poll")


@dataclass(frozen=True, slots=True)
class PollReport:
    """One log line's worth: how a poll of one feed went."""

    feed: str
    status: str  # ok, not_modified, unchanged_body, error, not_a_feed, gone, disabled
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    events: int = 0
    error: str | None = None
    elapsed: float = 0.0
    next_poll_at: datetime | None = None

    def line(self) -> str:
        base = f"feed={self.feed} status={self.status}"
        if self.status in ("ok", "unchanged_body", "not_modified"):
            base += f" new={self.new} changed={self.changed} unchanged={self.unchanged} events={self.events}"
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


def _ingest(store: Store, wl: Watchlist, feed: FeedConfig, body: bytes,
            max_items: int) -> tuple[int, int, int, int]:
    """Parse and judge (runs in a worker thread): counts of new, changed, unchanged, events."""
    parsed = parse_bytes(body, feed=feed.name, language=feed.language, max_items=max_items)
    if parsed.bozo:
        log.info("feed=%s parsed with warnings: %s", feed.name, parsed.bozo[:200])
    new = changed = unchanged = n_events = 0
    for item in order_items(parsed.items):  # oldest first: a feed lists its newest on top
        status, evs = store.judge_item(wl, item)
        n_events += len(evs)
        if status == "new":
            new += 1
        elif status == "changed":
            changed += 1
        else:
            unchanged += 1
    return new, changed, unchanged, n_events


async def poll_feed(feed: FeedConfig, fetcher: Fetcher, store: Store, wl: Watchlist,
                    cfg: FetchConfig, rng: random.Random | None = None,
                    force: bool = True) -> PollReport:
    """Poll one feed now (or only if due, with force=False); never raises for expected
    failures, which are logged and recorded on the feed's row."""
    rng = rng or random.Random()
    state = await asyncio.to_thread(store.feed_state, feed.name, feed.url)
    now = datetime.now(UTC)
    if state.disabled:
        return PollReport(feed.name, "disabled")
    if not force and state.next_poll_at and state.next_poll_at > now:
        return PollReport(feed.name, "not_due", next_poll_at=state.next_poll_at)
    result = await fetcher.fetch(state.fetch_url, state.etag, state.last_modified,
                                 feed.allow_private)
    status: str = result.status
    error = result.error
    counts = (0, 0, 0, 0)
    if result.status == "ok" and result.body is not None:
        digest = body_hash(result.body)
        if digest == state.body_hash:
            status = "unchanged_body"  # a server that ignores conditional GET: no parse
        else:
            try:
                counts = await asyncio.to_thread(_ingest, store, wl, feed, result.body,
                                                 cfg.max_items)
                state = replace(state, body_hash=digest)
            except (NotAFeed, HostileFeed) as exc:
                status, error = "not_a_feed", str(exc)
    new = next_state(state, result, status, error, feed.interval, datetime.now(UTC), rng)
    new = replace(new, items_new=counts[0], items_changed=counts[1])
    if status == "not_a_feed":
        new = replace(new, body_hash=None)
    await asyncio.to_thread(store.save_feed_state, new)
    report = PollReport(feed.name, status, *counts, error=error, elapsed=result.elapsed,
                        next_poll_at=new.next_poll_at)
    if status == "gone" and not state.disabled:
        log.warning("feed=%s answered 410 Gone: disabled until its config changes", feed.name)
    level = logging.INFO if status in ("ok", "not_modified", "unchanged_body") else logging.WARNING
    log.log(level, "%s", report.line())
    return report
