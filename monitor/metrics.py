"""Optional Prometheus metrics on a loopback address (`[daemon] metrics = "127.0.0.1:9464"`).

Needs the `metrics` extra (prometheus-client). Without it, or without the setting, every
call here does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("news-monitor.metrics")


class Metrics:
    def __init__(self) -> None:
        self.on = False
        self.m: dict[str, Any] = {}

    def start(self, address: str) -> None:
        if not address:
            return
        try:
            import prometheus_client as pc
        except ImportError:
            log.error("metrics = %r but prometheus-client is not installed "
                      "(pip install 'news-monitor[metrics]'): metrics are off", address)
            return
        host, _, port = address.rpartition(":")
        reg = pc.CollectorRegistry()
        self.m = {
            "polls": pc.Counter("news_monitor_polls", "Polls by feed and status",
                                ["feed", "status"], registry=reg),
            "errors": pc.Counter("news_monitor_poll_errors", "Failed polls by feed", ["feed"],
                                 registry=reg),
            "items": pc.Counter("news_monitor_items", "Items judged, by feed and kind",
                                ["feed", "kind"], registry=reg),
            "revisions": pc.Counter("news_monitor_events", "Events by kind", ["kind"],
                                    registry=reg),
            "deliveries": pc.Counter("news_monitor_deliveries", "Delivery attempts",
                                     ["channel", "result"], registry=reg),
            "outbox": pc.Gauge("news_monitor_outbox", "Outbox rows by status", ["status"],
                               registry=reg),
            "success": pc.Gauge("news_monitor_last_success_timestamp_seconds",
                                "Last successful poll of a feed", ["feed"], registry=reg),
            "reload_failed": pc.Gauge("news_monitor_config_reload_failed",
                                      "1 if the last reload was refused", registry=reg),
        }
        pc.start_http_server(int(port), addr=host.strip("[]"), registry=reg)
        self.on = True
        log.info("metrics on http://%s/metrics", address)

    def poll(self, feed: str, status: str, new: int, changed: int, events: int,
             when: float | None) -> None:
        if not self.on:
            return
        self.m["polls"].labels(feed, status).inc()
        if status in ("ok", "not_modified", "unchanged_body"):
            if when is not None:
                self.m["success"].labels(feed).set(when)
        else:
            self.m["errors"].labels(feed).inc()
        self.m["items"].labels(feed, "new").inc(new)
        self.m["items"].labels(feed, "changed").inc(changed)
        self.m["revisions"].labels("any").inc(events)

    def delivery(self, channel: str, result: str) -> None:
        if self.on:
            self.m["deliveries"].labels(channel, result).inc()

    def outbox(self, counts: dict[str, int]) -> None:
        if self.on:
            for status in ("pending", "sent", "failed"):
                self.m["outbox"].labels(status).set(counts.get(status, 0))

    def reload_failed(self, failed: bool) -> None:
        if self.on:
            self.m["reload_failed"].set(1 if failed else 0)


METRICS = Metrics()
