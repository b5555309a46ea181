"""The service: `once` (poll every feed, judge, store, deliver, exit) and `run` (APScheduler 3
`AsyncIOScheduler`: one interval job per feed with jitter, `max_instances=1`, `coalesce=True`;
digests on each channel's cron schedule; the outbox retried every minute)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import Config, FeedConfig
from monitor.deliver import immediate_due, make_digest, make_digests, send_due
from monitor.fetch import Fetcher
from monitor.poll import PollReport, Workers, poll_all, poll_feed
from monitor.store import Store, open_store
from monitor.watchlist import Watchlist, compile_watchlist

log = logging.getLogger("news-monitor")
OUTBOX_EVERY = 60.0
DRAIN_SECONDS = 20.0


def state_dir(cfg: Config) -> Path:
    """[daemon].state_dir, else systemd's $STATE_DIRECTORY, else ./state."""
    if cfg.monitor.daemon.state_dir:
        return Path(cfg.monitor.daemon.state_dir)
    env = os.environ.get("STATE_DIRECTORY")
    return Path(env.split(":")[0]) if env else Path("state")


def setup_logging(level: str) -> None:
    """Under journald (JOURNAL_STREAM set): `<N>` priority prefixes, no timestamps;
    otherwise timestamped lines on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


class _JournalFormatter(logging.Formatter):
    PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
                logging.CRITICAL: 2}

    def format(self, record: logging.LogRecord) -> str:
        return f"<{self.PRIORITY.get(record.levelno, 6)}>{super().format(record)}"


class Service:
    """What `run` and `once` share: the config, the store, the compiled watchlist, the client."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.store: Store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        self.wl: Watchlist = compile_watchlist(cfg.watchlist)
        self.store.seed_figures(self.wl)
        self.fetcher = Fetcher(cfg.monitor.fetch, cfg.monitor.daemon.user_agent_contact)
        self.rng = random.Random()
        self.digest_lock = asyncio.Lock()
        self.inflight: set[asyncio.Task[object]] = set()
        self.workers = Workers()

    async def poll(self, feed: FeedConfig, force: bool = True) -> PollReport:
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            report = await poll_feed(feed, self.fetcher, self.store, self.wl,
                                     self.cfg.monitor.fetch, self.rng, force, self.workers)
            if report.events:
                await self.immediate()
            return report
        except Exception:
            log.critical("feed=%s: unexpected error while polling", feed.name, exc_info=True)
            raise
        finally:
            if task is not None:
                self.inflight.discard(task)

    async def drain(self, timeout: float) -> None:
        """Let polls in flight finish (each item is its own transaction) for up to `timeout`."""
        pending = {t for t in self.inflight if not t.done()}
        if pending:
            log.info("waiting for %d polls in flight", len(pending))
            await asyncio.wait(pending, timeout=timeout)

    async def deliver(self, channel: str | None = None) -> tuple[int, int]:
        """Build digests (all channels, or one) and send what is due."""
        async with self.digest_lock:
            if channel is None:
                await asyncio.to_thread(make_digests, self.store, self.wl, self.cfg)
            else:
                ch = next(c for c in self.cfg.monitor.channels if c.name == channel)
                await asyncio.to_thread(make_digest, self.store, self.wl, ch, datetime.now(UTC))
            return await send_due(self.store, self.cfg, rng=self.rng)

    async def immediate(self) -> None:
        """Channels with an `immediate_change` rule get their digest now when a revision is
        large enough."""
        for ch in self.cfg.monitor.channels:
            if await asyncio.to_thread(immediate_due, self.store, ch):
                log.info("channel=%s: a revision passed immediate_change, sending now", ch.name)
                await self.deliver(ch.name)

    async def retry_outbox(self) -> None:
        async with self.digest_lock:
            await send_due(self.store, self.cfg, rng=self.rng)

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        await self.workers.flush()
        await asyncio.to_thread(self.workers.shutdown)
        self.store.close()


async def run_once(cfg: Config) -> int:
    """Poll every enabled feed once, judge, store, deliver; 0 unless every feed failed."""
    svc = Service(cfg)
    try:
        feeds = [f for f in cfg.monitor.feeds if f.enabled]
        reports = await poll_all(feeds, svc.fetcher, svc.store, svc.wl, cfg.monitor.fetch,
                                 svc.rng, svc.workers)
        await svc.workers.flush()
        await svc.deliver()
    finally:
        await svc.aclose()
    ok = [r for r in reports if r.status in ("ok", "not_modified", "unchanged_body")]
    return 0 if ok or not feeds else 1


async def run_forever(cfg: Config, stop_after: float | None = None) -> int:
    """The daemon: scheduled polls and digests until SIGTERM or SIGINT."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    svc = Service(cfg)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    sched = AsyncIOScheduler(timezone=UTC)
    jitter = cfg.monitor.daemon.poll_jitter
    now = datetime.now(UTC)
    for feed in cfg.monitor.feeds:
        if not feed.enabled:
            continue
        first = now + timedelta(seconds=svc.rng.uniform(0, jitter))
        sched.add_job(svc.poll, IntervalTrigger(seconds=feed.interval, jitter=jitter or None),
                      args=[feed, False], id=f"poll:{feed.name}", max_instances=1,
                      coalesce=True, next_run_time=first, misfire_grace_time=None)
    for ch in cfg.monitor.channels:
        sched.add_job(svc.deliver, CronTrigger.from_crontab(ch.schedule, timezone=UTC),
                      args=[ch.name], id=f"digest:{ch.name}", max_instances=1, coalesce=True,
                      misfire_grace_time=None)
    sched.add_job(svc.retry_outbox, IntervalTrigger(seconds=OUTBOX_EVERY), id="outbox",
                  max_instances=1, coalesce=True, next_run_time=now)  # pending from before
    sched.start()
    log.info("running: %d feeds, %d channels", len(cfg.monitor.feeds), len(cfg.monitor.channels))
    try:
        if stop_after is None:
            await stop.wait()
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), stop_after)
    finally:
        log.info("stopping")
        sched.shutdown(wait=False)
        await svc.drain(DRAIN_SECONDS)
        await svc.aclose()
    return 0
