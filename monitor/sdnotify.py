"""systemd's notify protocol: a few datagrams on $NOTIFY_SOCKET (no dependency needed).

READY=1 once the config is loaded and jobs are scheduled, STATUS=... as things change,
WATCHDOG=1 from the event loop itself (a stuck loop stops the pings and systemd restarts the
service), STOPPING=1 on shutdown. Without $NOTIFY_SOCKET every call does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

log = logging.getLogger("news-monitor.sdnotify")


class Notifier:
    def __init__(self, address: str | None = None) -> None:
        addr = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")
        if addr.startswith("@"):
            addr = "\0" + addr[1:]  # abstract namespace
        self.address = addr
        self.sock: socket.socket | None = None
        if addr:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.sock.setblocking(False)

    @property
    def enabled(self) -> bool:
        return self.sock is not None

    def send(self, *fields: str) -> None:
        if self.sock is None:
            return
        try:
            self.sock.sendto("\n".join(fields).encode(), self.address)
        except OSError as exc:  # systemd gone or socket full: never fatal
            log.debug("notify failed: %s", exc)

    def ready(self, status: str) -> None:
        self.send("READY=1", f"STATUS={status}", f"MAINPID={os.getpid()}")

    def status(self, status: str) -> None:
        self.send(f"STATUS={status}")

    def stopping(self) -> None:
        self.send("STOPPING=1", "STATUS=stopping")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def watchdog_interval() -> float | None:
    """Half of $WATCHDOG_USEC in seconds (when the watchdog is meant for this process)."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


async def watchdog(notifier: Notifier, every: float) -> None:
    """Ping from the event loop: if the loop is stuck, no ping goes out."""
    while True:
        notifier.send("WATCHDOG=1")
        await asyncio.sleep(every)
