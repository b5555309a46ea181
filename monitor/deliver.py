"""From stored events to sent digests, through the outbox.

`make_digests` groups each channel's new events into a digest and writes it to the outbox
together with the channel's cursor (one transaction: nothing lost, nothing built twice).
`send_due` sends what is due; a failure is retried with exponential backoff and jitter
across restarts until `max_age`, then marked failed and logged as an error. One channel's
fault, whatever it is, is that channel's failure: the other channels still get theirs.
A channel disabled by a 410 stays disabled until its config entry or its secret changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from monitor.config import ChannelConfig, Config
from monitor.digest import Digest, build, payload, render_html, render_text, subject
from monitor.engine.watchlist import Watchlist
from monitor.metrics import METRICS
from monitor.models import Event
from monitor.notify import PermanentFailure, TemporaryFailure, sender_for
from monitor.notify.webhook import ChannelGone
from monitor.routing import feed_tags, route, routes_all
from monitor.schema import outbox
from monitor.store import Store

log = logging.getLogger("news-monitor.deliver")
MAX_AGE = timedelta(days=3)
BASE_DELAY = 30.0
MAX_DELAY = 3600.0


def retry_delay(attempts: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, or the receiver's Retry-After, within [30 s, 1 h]."""
    if retry_after is not None:
        return max(BASE_DELAY, min(MAX_DELAY, retry_after))
    return float(min(MAX_DELAY, BASE_DELAY * 2.0 ** max(0, attempts - 1)) * rng.uniform(0.5, 1.5))


@functools.lru_cache(maxsize=64)
def _fingerprint(entry: str, secret: str) -> str:
    """16 hex digits naming a channel's config entry and secret. PBKDF2, so that a reader of
    the database cannot test guesses of the secret against it cheaply."""
    return hashlib.pbkdf2_hmac("sha256", f"{entry}\0{secret}".encode(), b"news-monitor:410",
                               50_000)[:8].hex()


def fingerprint(ch: ChannelConfig, secret: str | None) -> str:
    return _fingerprint(ch.model_dump_json(), secret or "")


_GONE_AT = re.compile(r"\s*\(config ([0-9a-f]{16})\)$")


def gone(store: Store, ch: ChannelConfig, secret: str | None) -> tuple[str, bool] | None:
    """For a channel disabled by a 410: (why, whether its config or secret changed since),
    read from the outbox row that got the 410. None when the channel is not disabled."""
    if not store.channel_disabled(ch.name):
        return None
    with store.engine.connect() as conn:
        error = conn.execute(select(outbox.c.last_error).where(
            outbox.c.channel == ch.name, outbox.c.status == "failed",
            outbox.c.last_error.like("%410%")).order_by(outbox.c.id.desc()).limit(1)).scalar()
    m = _GONE_AT.search(error or "")
    # no fingerprint (disabled by an older version): unknown, so it gets one more try
    changed = m is None or m.group(1) != fingerprint(ch, secret)
    return (_GONE_AT.sub("", error or "HTTP 410 Gone"), changed)


def reenable_changed(store: Store, cfg: Config) -> list[str]:
    """Re-enable each channel disabled by a 410 whose config entry or secret has changed since
    (done at start, at reload and before each delivery round); their names."""
    names = []
    for ch in cfg.monitor.channels:
        state = gone(store, ch, cfg.secrets.get(ch.name))
        if state is not None and state[1]:
            store.enable_channel(ch.name)
            log.warning("channel=%s re-enabled: its config changed since it answered 410 Gone",
                        ch.name)
            names.append(ch.name)
    return names


FeedTags = Mapping[str, frozenset[str]]


def preview(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime,
            feed_tags: FeedTags | None = None) -> tuple[Digest, int]:
    """The digest the channel would get now, and the id of its last event (no writes)."""
    return _preview(store, wl, ch, now, store.channel_cursor(ch.name), feed_tags=feed_tags)


def _routed(store: Store, ch: ChannelConfig, cursor: int, upto: int | None,
            feed_tags: FeedTags | None) -> tuple[list[tuple[int, Event]], int]:
    """The channel's events after its cursor (its tags and watches applied) and the id of
    the last event read, taken or not: the cursor moves past the events it does not take."""
    rows = store.events_after(cursor, upto=upto)
    last_id = rows[-1][0] if rows else cursor
    if rows and not routes_all(ch):
        rows = route(ch, rows, store.event_feeds(cursor, last_id), feed_tags)
    return rows, last_id


def _preview(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime, cursor: int,
             upto: int | None = None, feed_tags: FeedTags | None = None
             ) -> tuple[Digest, int]:
    rows, last_id = _routed(store, ch, cursor, upto, feed_tags)
    digest = build(ch.name, ch.language, [e for _i, e in rows], store.histories(wl),
                   ch.max_related, now, event_ids=[i for i, _e in rows], labels=wl.labels())
    return digest, last_id


def make_digest(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime,
                feed_tags: FeedTags | None = None) -> int | None:
    """Build the channel's digest of events since its cursor and write it to the outbox with
    the new cursor (one transaction). Returns the outbox id, or None when there was nothing
    to send (an empty period sends nothing unless the channel asks for a heartbeat).
    `feed_tags` (each feed's tags, routing.feed_tags) is needed by a channel with `tags`."""
    if store.channel_disabled(ch.name):
        return None
    cursor = store.channel_cursor(ch.name)
    # only events known committed: an id committed later below the cursor would be lost
    digest, last_id = _preview(store, wl, ch, now, cursor, upto=store.committed_high(),
                               feed_tags=feed_tags)
    if digest.empty and not ch.heartbeat:
        if last_id != cursor:
            store.advance_cursor(ch.name, last_id)
        return None
    return store.enqueue(ch.name, digest.key, last_id, subject(digest),
                         render_text(digest), render_html(digest), json.dumps(payload(digest)),
                         built_from=cursor)


def immediate_due(store: Store, ch: ChannelConfig, feed_tags: FeedTags | None = None) -> bool:
    """Whether a revision the channel takes, since its last digest, moved its figure by at
    least the channel's `immediate_change` share: then the digest goes out now, not at its
    time."""
    if ch.immediate_change is None:
        return False
    rows, _last = _routed(store, ch, store.channel_cursor(ch.name), None, feed_tags)
    for _i, ev in rows:
        if (ev.kind == "revision" and ev.previous and ev.value is not None
                and abs(ev.value - ev.previous) / abs(ev.previous) >= ch.immediate_change):
            return True
    return False


def _figures(body: str) -> list[str]:
    """The ids of the revised figures in a delivery's JSON payload (for its log line)."""
    try:
        revisions = json.loads(body).get("revisions") or []
        return [str(r["figure"]) for r in revisions if isinstance(r, dict) and "figure" in r]
    except (ValueError, AttributeError, TypeError):
        return []


def make_digests(store: Store, wl: Watchlist, cfg: Config, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    reenable_changed(store, cfg)
    made = 0
    # each feed's tags, read only when a channel routes by them
    tags = feed_tags(cfg.monitor.feeds) if any(c.tags for c in cfg.monitor.channels) else None
    for ch in cfg.monitor.channels:
        try:
            if make_digest(store, wl, ch, now, tags) is not None:
                made += 1
        except SQLAlchemyError:
            raise  # the store's problem, not this channel's
        except Exception:  # a fault building this channel's digest: the others still get theirs
            log.error("channel=%s: building its digest failed; the other channels go on",
                      ch.name, exc_info=True)
    return made


async def send_due(store: Store, cfg: Config, now: datetime | None = None,
                   rng: random.Random | None = None, instance: str | None = None
                   ) -> tuple[int, int]:
    """Send every due delivery; returns (sent, failed-this-round)."""
    now = now or datetime.now(UTC)
    rng = rng or random.Random()
    by_name = {c.name: c for c in cfg.monitor.channels}
    reenable_changed(store, cfg)
    sent = failed = 0
    for d in store.due(now, list(by_name), claim_for=instance):
        ch = by_name[d.channel]
        if store.channel_disabled(ch.name):
            continue
        try:
            await sender_for(ch.kind)(ch, d, cfg.secrets.get(ch.name))
        except ChannelGone as exc:
            METRICS.delivery(ch.name, "permanent_failure")
            store.mark_failed(d.id, f"{exc} (config {fingerprint(ch, cfg.secrets.get(ch.name))})")
            store.disable_channel(ch.name)
            log.error("channel=%s answered 410 Gone: disabled until its config changes", ch.name)
            failed += 1
        except TemporaryFailure as exc:
            METRICS.delivery(ch.name, "temporary_failure")
            if now - d.created_at > MAX_AGE:
                store.mark_failed(d.id, f"gave up after {d.attempts + 1} attempts: {exc}")
                log.error("channel=%s delivery=%s failed for good: %s", ch.name, d.key, exc)
            else:
                wait = retry_delay(d.attempts + 1, rng, exc.retry_after)
                store.mark_retry(d.id, str(exc), now + timedelta(seconds=wait))
                log.warning("channel=%s delivery=%s will retry in %.0fs: %s", ch.name, d.key,
                            wait, exc)
            failed += 1
        except PermanentFailure as exc:
            METRICS.delivery(ch.name, "permanent_failure")
            store.mark_failed(d.id, str(exc))
            log.error("channel=%s delivery=%s failed permanently: %s", ch.name, d.key, exc)
            failed += 1
        except Exception as exc:  # a bug or a bad secret: this channel's failure, nobody else's
            METRICS.delivery(ch.name, "permanent_failure")
            store.mark_failed(d.id, f"unexpected error: {type(exc).__name__}: {exc}")
            log.error("channel=%s delivery=%s failed permanently on an unexpected error "
                      "(the other channels go on)", ch.name, d.key, exc_info=True)
            failed += 1
        else:
            store.mark_sent(d.id)
            sent += 1
            METRICS.delivery(ch.name, "sent")
            log.info("channel=%s delivery=%s sent: attempt=%d figures=%s recipients=%d",
                     ch.name, d.key, d.attempts + 1, ",".join(_figures(d.payload)) or "-",
                     len(ch.to or ()) if ch.kind == "email" else 1)
    METRICS.outbox(store.outbox_counts())
    return sent, failed
