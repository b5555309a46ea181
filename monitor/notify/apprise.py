"""The apprise channel: the digest's text, with its subject as title, to every Apprise URL of
the channel (100+ services: ntfy, Matrix, Telegram, Gotify, Pushover, Teams, json://...).

Needs the optional extra `news-monitor[apprise]`. The URLs come from `urls_env` or
`urls_file` (they hold tokens and passwords) or, without secrets, from `urls`; they reach
this module as the channel's secret. Each of their secret parts is registered with
`monitor.netguard` so that no log line, error or status shows it, Apprise's own log lines
included. A delivery succeeds when every URL accepted it; otherwise it is a temporary
failure retried through the outbox like the other kinds (Apprise does not say whether a
failure is permanent), and a retry goes to every URL again: a receiver may get a repeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from monitor.config import ChannelConfig, split_urls
from monitor.netguard import register_secret_url
from monitor.notify import PermanentFailure, TemporaryFailure
from monitor.store import Delivery

log = logging.getLogger("news-monitor.apprise")


def _quiet(level: int = logging.CRITICAL) -> None:
    """Apprise logs a URL it cannot read in full: its logger shows nothing below `level`
    while URLs are checked (the masking formatter hides registered secrets after that)."""
    logging.getLogger("apprise").setLevel(level)


def _scheme(url: str) -> str:
    head = url.split("://", 1)[0] if "://" in url else "?"
    return head if head.replace("+", "").replace("-", "").isalnum() else "?"


def unknown_urls(urls: Sequence[str]) -> list[tuple[int, str]]:
    """(index, scheme) of each URL Apprise cannot use (unknown scheme, missing parts)."""
    import apprise

    previous = logging.getLogger("apprise").level
    _quiet()
    try:
        return [(i, _scheme(u)) for i, u in enumerate(urls) if not apprise.Apprise().add(u)]
    finally:
        _quiet(previous)


def _client(urls: Sequence[str]) -> Any:
    import apprise

    client = apprise.Apprise()
    bad = [i for i, u in enumerate(urls) if not client.add(u)]
    if bad:
        raise PermanentFailure(f"Apprise URL(s) {', '.join(str(i + 1) for i in bad)} "
                               "cannot be used (check-config says why)")
    return client


async def send(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None:
    urls = split_urls(secret or "")
    if not urls:
        raise PermanentFailure("no Apprise URL for this channel (urls_env, urls_file or urls)")
    for u in urls:
        register_secret_url(u)
    try:
        import apprise
    except ImportError:
        raise PermanentFailure("the apprise channel needs the optional extra: pip install "
                               "'news-monitor[apprise]'") from None
    client = _client(urls)
    try:
        result = await asyncio.wait_for(
            client.async_notify(body=delivery.body_text, title=delivery.subject,
                                body_format=apprise.NotifyFormat.TEXT),
            timeout=channel.timeout * len(urls) + 5)
    except TimeoutError:
        raise TemporaryFailure(f"Apprise: no answer within {channel.timeout:g}s a URL") from None
    if not result:
        failed = getattr(result, "failed_count", None)
        count = f"{failed} of {len(urls)}" if isinstance(failed, int) else f"one or more of {len(urls)}"
        schemes = ", ".join(sorted({_scheme(u) for u in urls}))
        raise TemporaryFailure(f"Apprise: {count} URL(s) failed ({schemes})")
