"""The console channel: prints the plain-text digest to standard output (used by `demo`)."""

from __future__ import annotations

import sys

from monitor.config import ChannelConfig
from monitor.store import Delivery


async def send(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None:
    sys.stdout.write(delivery.body_text.rstrip("\n") + "\n")
    sys.stdout.flush()
