"""Delivery channels, one module per kind, one signature:

    async def send(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None

A channel raises `TemporaryFailure` (retry with backoff) or `PermanentFailure` (dead-letter
at once, e.g. SMTP 5xx or auth, webhook 410). Anything else is a bug and is re-raised.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from monitor.config import ChannelConfig
from monitor.store import Delivery


class DeliveryError(Exception):
    """A channel could not deliver."""


class TemporaryFailure(DeliveryError):
    """Worth retrying later (connection refused, 4xx SMTP, 5xx HTTP, timeouts)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Retrying will not help (SMTP 5xx, authentication, webhook 410 or 4xx)."""


Sender = Callable[[ChannelConfig, Delivery, "str | None"], Coroutine[Any, Any, None]]


def sender_for(kind: str) -> Sender:
    """The send function of a channel kind (imported lazily: one module per kind)."""
    if kind == "console":
        from monitor.notify.console import send
    elif kind == "email":
        from monitor.notify.email import send
    elif kind == "webhook":
        from monitor.notify.webhook import send
    elif kind == "apprise":
        from monitor.notify.apprise import send
    else:
        raise PermanentFailure(f"channel kind {kind!r} is not available in this version")
    return send
