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
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from monitor import archive, backfill
from monitor.config import Config, ConfigError, DaemonConfig, FeedConfig, load_config
from monitor.deliver import immediate_due, make_digest, make_digests, send_due
from monitor.engine.watchlist import Watchlist, compile_watchlist
from monitor.fetch import Fetcher
from monitor.metrics import METRICS
from monitor.netguard import mask_credentials
from monitor.poll import PollReport, Workers, poll_all, poll_feed
from monitor.routing import feed_tags
from monitor.sdnotify import Notifier, watchdog, watchdog_interval
from monitor.store import FeedState, Store, open_store

if TYPE_CHECKING:
    from monitor.web import WebServer

log = logging.getLogger("news-monitor")
OUTBOX_EVERY = 60.0
PRUNE_EVERY = 3600.0  # the archive's retention is applied hourly (and at start)
DRAIN_SECONDS = 20.0


def state_dir(cfg: Config) -> Path:
    """[daemon].state_dir, else systemd's $STATE_DIRECTORY, else ./state."""
    return daemon_state_dir(cfg.monitor.daemon)


def daemon_state_dir(daemon: DaemonConfig) -> Path:
    """state_dir of a [daemon] table alone (check-config reads it from a file with errors)."""
    if daemon.state_dir:
        return Path(daemon.state_dir)
    env = os.environ.get("STATE_DIRECTORY")
    return Path(env.split(":")[0]) if env else Path("state")


def setup_logging(level: str) -> None:
    """Under journald (JOURNAL_STREAM set): `<N>` priority prefixes, no timestamps;
    otherwise timestamped lines on standard error. Credentials in URLs are masked in every
    line, tracebacks included."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(_MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


class _MaskingFormatter(logging.Formatter):
    """A log line with `user:password@` in URLs shown as `***@` (feed URLs, errors)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_credentials(super().format(record))


class _JournalFormatter(_MaskingFormatter):
    PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
                logging.CRITICAL: 2}

    def format(self, record: logging.LogRecord) -> str:
        return f"<{self.PRIORITY.get(record.levelno, 6)}>{super().format(record)}"


class Service:
    """What `run` and `once` share: the config, the store, the compiled watchlist, the client."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.store: Store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        self.store.archive_keep = cfg.monitor.daemon.archive
        self.wl: Watchlist = compile_watchlist(cfg.watchlist)
        self.store.seed_figures(self.wl)
        self.fetcher = Fetcher(cfg.monitor.fetch, cfg.monitor.daemon.user_agent_contact,
                               cfg.feed_secrets)
        self.rng = random.Random()
        self.digest_lock = asyncio.Lock()
        self.inflight: set[asyncio.Task[object]] = set()
        self.backfill_stop = threading.Event()
        self.backfilling: asyncio.Task[None] | None = None
        self.backfill_again = False
        # PostgreSQL: several instances may share the database; feeds and deliveries are
        # claimed per use. SQLite: one instance, feed rows cached.
        self.shared = not self.store.is_sqlite
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.workers = Workers(shared=(self.instance, cfg.monitor.daemon.lease)
                               if self.shared else None)
        if self.shared:
            self.store.register_instance(self.instance, socket.gethostname(), os.getpid())

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[None]:
        """Count the running task as work in flight (a poll, a digest, an outbox retry), so a
        stop lets it finish (`drain`) instead of cancelling it mid-send. Nested uses (a poll
        sending an immediate digest) count the task once."""
        task = asyncio.current_task()
        if task is None or task in self.inflight:
            yield
            return
        self.inflight.add(task)
        try:
            yield
        finally:
            self.inflight.discard(task)

    async def poll(self, feed: FeedConfig, force: bool = True) -> PollReport:
        with self.in_flight():
            try:
                report = await poll_feed(feed, self.fetcher, self.store, self.wl,
                                         self.cfg.monitor.fetch, self.rng, force, self.workers)
                if report.events:
                    await self.immediate()
                return report
            except Exception:
                log.critical("feed=%s: unexpected error while polling", feed.name,
                             exc_info=True)
                raise

    async def drain(self, timeout: float) -> None:
        """Let polls and deliveries in flight finish (each item is its own transaction; a
        send in flight gets its answer) for up to `timeout`."""
        pending = {t for t in self.inflight if not t.done()}
        if pending:
            log.info("waiting for %d polls or deliveries in flight", len(pending))
            await asyncio.wait(pending, timeout=timeout)

    async def deliver(self, channel: str | None = None) -> tuple[int, int]:
        """Build digests (all channels, or one) and send what is due."""
        with self.in_flight():
            return await self._deliver(channel)

    async def _deliver(self, channel: str | None) -> tuple[int, int]:
        async with self.digest_lock:
            if channel is None:
                await asyncio.to_thread(make_digests, self.store, self.wl, self.cfg)
            else:
                ch = next(c for c in self.cfg.monitor.channels if c.name == channel)
                await asyncio.to_thread(make_digest, self.store, self.wl, ch, datetime.now(UTC),
                                        feed_tags(self.cfg.monitor.feeds))
            return await send_due(self.store, self.cfg, rng=self.rng, instance=self.claimant)

    @property
    def claimant(self) -> str | None:
        return self.instance if self.shared else None

    async def heartbeat(self) -> None:
        if self.shared:
            await asyncio.to_thread(self.store.register_instance, self.instance,
                                    socket.gethostname(), os.getpid())

    async def immediate(self) -> None:
        """Channels with an `immediate_change` rule get their digest now when a revision is
        large enough."""
        for ch in self.cfg.monitor.channels:
            if await asyncio.to_thread(immediate_due, self.store, ch,
                                       feed_tags(self.cfg.monitor.feeds)):
                log.info("channel=%s: a revision passed immediate_change, sending now", ch.name)
                await self.deliver(ch.name)

    async def retry_outbox(self) -> None:
        with self.in_flight():
            async with self.digest_lock:
                await send_due(self.store, self.cfg, rng=self.rng, instance=self.claimant)

    async def sync_watches(self) -> None:
        """Record the watchlist's definitions: added or changed watches wait for a backfill."""
        due = await asyncio.to_thread(backfill.sync, self.store, self.cfg.watchlist)
        if due:
            log.info("backfill due for %s (added or changed since the archive was judged)",
                     ", ".join(due))

    async def run_backfill(self) -> None:
        """Judge the archive for the pending watches (in a thread: polls go on meanwhile),
        again while a reload changed the watchlist during the last round."""
        while True:
            self.backfill_again = False
            try:
                res = await asyncio.to_thread(backfill.run, self.store, self.wl,
                                              self.cfg.watchlist, self.backfill_stop)
            except Exception:
                log.error("backfill failed; it is tried again at the next start or reload",
                          exc_info=True)
                return
            if res.live:  # reports read during the backfill, alerted as live ones
                await self.immediate()
            if res.stopped or not self.backfill_again:
                return

    def start_backfill(self) -> None:
        """Start a backfill in the background, or have the running one go round again."""
        if self.backfilling is not None and not self.backfilling.done():
            self.backfill_again = True
            return
        self.backfilling = asyncio.ensure_future(self.run_backfill())

    async def prune(self) -> None:
        """Apply the archive's retention (small batches, each its own transaction)."""
        n = await asyncio.to_thread(archive.prune, self.store, self.cfg.monitor.daemon.archive)
        if n:
            log.info("archive: %d item versions older than the retention pruned", n)

    async def aclose(self) -> None:
        self.backfill_stop.set()
        if self.backfilling is not None:
            await asyncio.wait({self.backfilling}, timeout=DRAIN_SECONDS)
        await self.fetcher.aclose()
        await self.workers.flush()
        await asyncio.to_thread(self.workers.shutdown)
        if self.shared:
            await asyncio.to_thread(self.store.unregister_instance, self.instance)
        self.store.close()


async def run_once(cfg: Config) -> int:
    """Poll every enabled feed once, judge, store, deliver; 0 unless every feed failed."""
    svc = Service(cfg)
    try:
        await svc.sync_watches()
        await svc.run_backfill()  # before polling: new items then judge the new watches too
        feeds = [f for f in cfg.monitor.feeds if f.enabled]
        reports = await poll_all(feeds, svc.fetcher, svc.store, svc.wl, cfg.monitor.fetch,
                                 svc.rng, svc.workers)
        await svc.workers.flush()
        skipped = [r.feed for r in reports if r.status == "not_ours"]
        if skipped:
            states = await asyncio.to_thread(svc.store.feed_states)
            for line in skipped_lines(skipped, states, svc.instance, datetime.now(UTC)):
                log.warning("%s", line)
        await svc.deliver()
        await svc.prune()
    finally:
        await svc.aclose()
    tried = [r for r in reports if r.status != "not_ours"]
    ok = [r for r in tried if r.status in ("ok", "not_modified", "unchanged_body")]
    return 0 if ok or not tried else 1


def skipped_lines(names: Sequence[str], states: Sequence[FeedState], me: str, now: datetime
                  ) -> list[str]:
    """Why `once` on a shared database left feeds alone, one line per reason: another
    instance holds the feed's lease (it is polling it), the feed is disabled, or another
    instance was claiming it at that very moment."""
    by_name = {s.name: s for s in states}
    why: dict[str, list[str]] = {}
    until: dict[str, datetime] = {}
    for name in sorted(names):
        s = by_name.get(name)
        if s is not None and s.disabled:
            reason = "disabled (410 Gone) until its config changes"
        elif (s is not None and s.lease_owner not in (None, me) and s.lease_until is not None
              and s.lease_until > now):
            reason = f"being polled by instance {s.lease_owner}"
            until[reason] = max(until.get(reason, s.lease_until), s.lease_until)
        else:
            reason = "being claimed by another instance just now"
        why.setdefault(reason, []).append(name)
    return [f"once: skipped {len(feeds)} feed(s), {reason}"
            + (f" (leases end by {until[reason]:%H:%M:%S} UTC)" if reason in until else "")
            + f": {', '.join(feeds)}" for reason, feeds in why.items()]


class Daemon:
    """`run`: the scheduler, signals (TERM/INT stop, HUP reloads), sd_notify and the watchdog."""

    def __init__(self, cfg: Config, config_location: str | None = None) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.svc = Service(cfg)
        self.location = config_location
        self.sched = AsyncIOScheduler(timezone=UTC)
        self.notifier = Notifier()
        self.stop = asyncio.Event()
        self.reload_failed = False
        self.last_poll: datetime | None = None
        self.web: WebServer | None = None

    @property
    def cfg(self) -> Config:
        return self.svc.cfg

    def schedule(self, first_run: bool) -> None:
        """(Re)create the jobs: one interval job per feed, one cron job per channel."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        for job in self.sched.get_jobs():
            if job.id.startswith(("poll:", "digest:")):
                job.remove()
        jitter = self.cfg.monitor.daemon.poll_jitter
        now = datetime.now(UTC)
        for feed in self.cfg.monitor.feeds:
            if not feed.enabled:
                continue
            first = now + timedelta(seconds=self.svc.rng.uniform(0, jitter))
            self.sched.add_job(self.poll, IntervalTrigger(seconds=feed.interval,
                                                          jitter=jitter or None),
                               args=[feed], id=f"poll:{feed.name}", max_instances=1,
                               coalesce=True, next_run_time=first, misfire_grace_time=None)
        for ch in self.cfg.monitor.channels:
            self.sched.add_job(self.svc.deliver, CronTrigger.from_crontab(ch.schedule, timezone=UTC),
                               args=[ch.name], id=f"digest:{ch.name}", max_instances=1,
                               coalesce=True, misfire_grace_time=None)
        if first_run:
            self.sched.add_job(self.svc.heartbeat, IntervalTrigger(seconds=30), id="heartbeat",
                               max_instances=1, coalesce=True)
            self.sched.add_job(self.svc.retry_outbox, IntervalTrigger(seconds=OUTBOX_EVERY),
                               id="outbox", max_instances=1, coalesce=True,
                               next_run_time=now)  # what was pending before a restart
            self.sched.add_job(self.svc.prune, IntervalTrigger(seconds=PRUNE_EVERY),
                               id="prune", max_instances=1, coalesce=True,
                               next_run_time=now + timedelta(seconds=60))

    async def poll(self, feed: FeedConfig) -> None:
        await self.svc.poll(feed, force=False)
        self.last_poll = datetime.now(UTC)
        await self.report_status()

    async def report_status(self) -> None:
        if not self.notifier.enabled:
            return
        counts = await asyncio.to_thread(self.svc.store.outbox_counts)
        last = self.last_poll.strftime("%H:%M:%S") if self.last_poll else "never"
        feeds = sum(1 for f in self.cfg.monitor.feeds if f.enabled)
        text = (f"{feeds} feeds, last poll {last}, {counts.get('pending', 0)} deliveries "
                f"pending, {counts.get('failed', 0)} failed")
        if self.reload_failed:
            text += ", config reload failed"
        self.notifier.status(text)

    async def reload(self) -> None:
        """SIGHUP: validate the config; apply all of it, or keep the running one."""
        try:
            new = await asyncio.to_thread(load_config, self.location)
        except ConfigError as exc:
            self.reload_failed = True
            METRICS.reload_failed(True)
            log.error("config reload failed, keeping the running config: %s",
                      "; ".join(exc.lines))
            await self.report_status()
            return
        old = self.svc.cfg
        self.svc.cfg = new
        self.svc.store.archive_keep = new.monitor.daemon.archive
        self.svc.wl = compile_watchlist(new.watchlist)
        await asyncio.to_thread(self.svc.store.seed_figures, self.svc.wl)
        await self.svc.sync_watches()
        self.svc.start_backfill()
        if new.monitor.fetch != old.monitor.fetch or (
                new.monitor.daemon.user_agent_contact != old.monitor.daemon.user_agent_contact):
            previous = self.svc.fetcher
            self.svc.fetcher = Fetcher(new.monitor.fetch, new.monitor.daemon.user_agent_contact,
                                       new.feed_secrets)
            await previous.aclose()
        self.svc.fetcher.passwords = new.feed_secrets  # a feed's password may have changed
        if new.monitor.web != old.monitor.web:
            log.warning("config reload: [web] changed; it applies at the next start")
        self.schedule(first_run=False)
        self.reload_failed = False
        METRICS.reload_failed(False)
        log.info("config reloaded: %d feeds, %d terms, %d figures, %d channels",
                 len(new.monitor.feeds), len(new.watchlist.terms), len(new.watchlist.figures),
                 len(new.monitor.channels))
        await self.report_status()

    def stall(self) -> None:
        """SIGUSR2 with $NEWS_MONITOR_STALL_SECONDS set: block the event loop on purpose, to
        check that the watchdog notices (a diagnostic; ignored otherwise)."""
        seconds = float(os.environ.get("NEWS_MONITOR_STALL_SECONDS", "0") or 0)
        if seconds > 0:
            log.warning("stalling the event loop for %.1fs (NEWS_MONITOR_STALL_SECONDS)", seconds)
            time.sleep(seconds)

    async def run(self, stop_after: float | None = None) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        reloads: set[asyncio.Task[None]] = set()

        def on_hup() -> None:
            task = asyncio.ensure_future(self.reload())
            reloads.add(task)
            task.add_done_callback(reloads.discard)

        loop.add_signal_handler(signal.SIGHUP, on_hup)
        loop.add_signal_handler(signal.SIGUSR2, self.stall)
        METRICS.start(self.cfg.monitor.daemon.metrics)
        await self.svc.sync_watches()
        self.svc.start_backfill()  # polls go on; the pending watches wait for it
        self.schedule(first_run=True)
        self.sched.start()
        from monitor.web import start_web  # aiohttp is imported only when it is needed

        self.web = await start_web(self.cfg, self.svc.store, lambda: (self.svc.cfg, self.svc.wl))
        dog = None
        every = watchdog_interval()
        if every:
            dog = asyncio.ensure_future(watchdog(self.notifier, every))
        log.info("running: %d feeds, %d channels", len(self.cfg.monitor.feeds),
                 len(self.cfg.monitor.channels))
        self.notifier.ready(f"{len(self.cfg.monitor.feeds)} feeds scheduled")
        try:
            if stop_after is None:
                await self.stop.wait()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), stop_after)
        finally:
            log.info("stopping")
            self.svc.backfill_stop.set()  # a backfill under way stops; it starts again next time
            self.notifier.stopping()
            if self.web is not None:
                await self.web.stop()
            self.sched.pause()  # no new jobs; the running ones finish (shutdown cancels them)
            await self.svc.drain(DRAIN_SECONDS)
            self.sched.shutdown(wait=False)
            async with self.svc.digest_lock:  # a delivery in flight finishes first
                pass
            if dog is not None:
                dog.cancel()
            await self.svc.aclose()
            self.notifier.close()
        return 0


async def serve_forever(cfg: Config, listen: str, stop_after: float | None = None) -> int:
    """`news-monitor serve`: the web pages alone over an existing store, no polling, until
    SIGTERM or SIGINT (for a second machine, or a look at a copy of the state)."""
    from monitor.web import WebServer, public_warning

    store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
    wl = compile_watchlist(cfg.watchlist)
    server = WebServer(store, lambda: (cfg, wl), cfg.monitor.web.base_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    warning = public_warning(listen)
    if warning:
        log.warning("%s", warning)
    try:
        await server.start(listen)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), stop_after)
    finally:
        await server.stop()
        store.close()
    return 0


async def run_forever(cfg: Config, config_location: str | None = None,
                      stop_after: float | None = None) -> int:
    """The daemon: scheduled polls and digests until SIGTERM or SIGINT; SIGHUP reloads."""
    return await Daemon(cfg, config_location).run(stop_after)
