"""The JSON shapes of a claimant and an estimate, shared by the webhook body, the web API,
`status` and `replay` (kept apart from the digest so that `replay` does not import Jinja2)."""

from __future__ import annotations

from monitor.feeds import safe_link
from monitor.models import Estimate
from monitor.netguard import mask_credentials
from monitor.text import clean


def shown_link(link: str | None) -> str | None:
    """An item's link as digests and JSON show it: http(s) only, credentials masked."""
    safe = safe_link(link)
    return None if safe is None else mask_credentials(safe)


def claimant_json(key: str, label: str) -> dict[str, object] | None:
    """A claimant in JSON: its id (null for one read but not declared), its name as shown,
    and whether the watchlist declares it; null when the value is unattributed."""
    if not key:
        return None
    declared = not key.startswith("?")
    return {"id": key if declared else None, "label": clean(label or key.lstrip("?")),
            "declared": declared}


def estimate_json(e: Estimate) -> dict[str, object]:
    """One claimant's current value in JSON (webhook body, replay)."""
    return {"claimant": claimant_json(e.claimant, e.label), "value": e.value, "low": e.low,
            "high": e.high, "qualifier": e.qualifier, "date": e.date,
            "source": clean(e.source), "link": shown_link(e.link)}
