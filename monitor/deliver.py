"""From stored events to sent digests, through the outbox.

`make_digests` groups each channel's new events into a digest and writes it to the outbox
together with the channel's cursor (one transaction: nothing lost, nothing built twice).
`send_due` sends what is due; a failure is retried with exponential backoff and jitter
across restarts until `max_age`, then marked failed and logged as an error.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import UTC, datetime, timedelta

from monitor.config import ChannelConfig, Config
from monitor.digest import Digest, build, payload, render_html, render_text
from monitor.metrics import METRICS
from monitor.notify import PermanentFailure, TemporaryFailure, sender_for
from monitor.notify.webhook import ChannelGone
from monitor.store import Store
from monitor.watchlist import Watchlist

log = logging.getLogger("news-monitor.deliver")
MAX_AGE = timedelta(days=3)
BASE_DELAY = 30.0
MAX_DELAY = 3600.0


def retry_delay(attempts: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, or the receiver's Retry-After, within [30 s, 1 h]."""
    if retry_after is not None:
        return max(BASE_DELAY, min(MAX_DELAY, retry_after))
    return float(min(MAX_DELAY, BASE_DELAY * 2.0 ** max(0, attempts - 1)) * rng.uniform(0.5, 1.5))


def preview(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime
            ) -> tuple[Digest, int]:
    """The digest the channel would get now, and the id of its last event (no writes)."""
    return _preview(store, wl, ch, now, store.channel_cursor(ch.name))


def _preview(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime, cursor: int,
             upto: int | None = None) -> tuple[Digest, int]:
    rows = store.events_after(cursor, upto=upto)
    last_id = rows[-1][0] if rows else cursor
    digest = build(ch.name, ch.language, [e for _i, e in rows], store.histories(wl),
                   ch.max_related, now, event_ids=[i for i, _e in rows], labels=wl.labels())
    return digest, last_id


def make_digest(store: Store, wl: Watchlist, ch: ChannelConfig, now: datetime) -> int | None:
    """Build the channel's digest of events since its cursor and write it to the outbox with
    the new cursor (one transaction). Returns the outbox id, or None when there was nothing
    to send (an empty period sends nothing unless the channel asks for a heartbeat)."""
    if store.channel_disabled(ch.name):
        return None
    cursor = store.channel_cursor(ch.name)
    # only events known committed: an id committed later below the cursor would be lost
    digest, last_id = _preview(store, wl, ch, now, cursor, upto=store.committed_high())
    if digest.empty and not ch.heartbeat:
        if last_id != cursor:
            store.advance_cursor(ch.name, last_id)
        return None
    return store.enqueue(ch.name, digest.key, last_id, _subject(digest.revisions, ch.language),
                         render_text(digest), render_html(digest), json.dumps(payload(digest)),
                         built_from=cursor)


def immediate_due(store: Store, ch: ChannelConfig) -> bool:
    """Whether a revision since the channel's last digest moved its figure by at least the
    channel's `immediate_change` share: then the digest goes out now, not at its time."""
    if ch.immediate_change is None:
        return False
    for _i, ev in store.events_after(store.channel_cursor(ch.name)):
        if (ev.kind == "revision" and ev.previous and ev.value is not None
                and abs(ev.value - ev.previous) / abs(ev.previous) >= ch.immediate_change):
            return True
    return False


def _subject(revisions: tuple[object, ...], language: str) -> str:
    n = len(revisions)
    if language == "fr":
        return f"news-monitor : {n} chiffre(s) révisé(s)" if n else "news-monitor : articles liés"
    return f"news-monitor: {n} revised figure(s)" if n else "news-monitor: related coverage"


def make_digests(store: Store, wl: Watchlist, cfg: Config, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    made = 0
    for ch in cfg.monitor.channels:
        if make_digest(store, wl, ch, now) is not None:
            made += 1
    return made


async def send_due(store: Store, cfg: Config, now: datetime | None = None,
                   rng: random.Random | None = None, instance: str | None = None
                   ) -> tuple[int, int]:
    """Send every due delivery; returns (sent, failed-this-round)."""
    now = now or datetime.now(UTC)
    rng = rng or random.Random()
    by_name = {c.name: c for c in cfg.monitor.channels}
    sent = failed = 0
    for d in store.due(now, list(by_name), claim_for=instance):
        ch = by_name[d.channel]
        if store.channel_disabled(ch.name):
            continue
        try:
            await sender_for(ch.kind)(ch, d, cfg.secrets.get(ch.name))
        except ChannelGone as exc:
            store.mark_failed(d.id, str(exc))
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
        else:
            store.mark_sent(d.id)
            sent += 1
            METRICS.delivery(ch.name, "sent")
    METRICS.outbox(store.outbox_counts())
    return sent, failed
