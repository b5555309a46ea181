"""The webhook channel: a JSON POST signed per the Standard Webhooks spec.

Headers: `webhook-id` (the digest's key: a receiver drops a repeat), `webhook-timestamp`
(seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The secret
is `whsec_<base64>` as Standard Webhooks issues them, or any other string used as is.
Presets reshape the body for Slack (`{"text": ...}`) and Discord (`{"content": ...}`), with
everything a feed wrote made inert there: Slack's `& < >` escaped (no `<!channel>`, no
`<url|label>` links), `@everyone` / `@here` / `@channel` and Discord's `<@id>` mentions broken
by a zero-width space, Discord's masked links `[label](url)` escaped, and Discord told to
parse no mention at all (`allowed_mentions`).
Every send resolves the URL's host again and connects to the checked address
(`monitor.fetch.PinnedTransport`): an internal address is refused unless the channel says
`allow_private`, whatever the name resolved to at load.
Only 2xx is success; 3xx is not followed; 410 disables the channel; 408, 429 and 5xx are
retried (Retry-After honoured); other 4xx fail at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from monitor import __version__
from monitor.config import ChannelConfig
from monitor.fetch import PinnedTransport, parse_retry_after
from monitor.netguard import AddressRefused
from monitor.notify import PermanentFailure, TemporaryFailure
from monitor.store import Delivery

log = logging.getLogger("news-monitor.webhook")
DISCORD_LIMIT = 2000
SKEW = 300.0
ZWSP = "\u200b"
# mentions both chat services act on: @everyone, @here, @channel; Discord's <@id>, <@!id>,
# <@&role>; the @ gets a zero-width space after it, so it reads the same and pings nobody
_MENTION = re.compile(r"@(?=(?:everyone|here|channel|group)\b|[!&]?\d)", re.IGNORECASE)
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class ChannelGone(PermanentFailure):
    """HTTP 410: the receiver is gone; the channel is disabled."""


def secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode("utf-8")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    mac = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def no_mentions(text: str) -> str:
    """`text` with every broadcast or user mention broken: `@`, a zero-width space, `everyone`."""
    return _MENTION.sub("@" + ZWSP, text)


def slack_text(text: str) -> str:
    """Plain text for Slack's `text`: `& < >` escaped as Slack requires (so no `<!here>`,
    `<@U1>` or `<https://x|label>` survives) and mentions broken."""
    return no_mentions(text.translate(_SLACK_ESCAPES))


def discord_content(text: str) -> str:
    """Plain text for Discord's `content`: mentions broken, masked links `[label](url)`
    escaped, cut to Discord's 2,000 characters."""
    text = no_mentions(text).replace("[", "\\[").replace("]", "\\]")
    return text if len(text) <= DISCORD_LIMIT else text[: DISCORD_LIMIT - 1] + "…"


def body_for(channel: ChannelConfig, delivery: Delivery) -> bytes:
    if channel.preset == "slack":
        data: object = {"text": slack_text(delivery.body_text)}
    elif channel.preset == "discord":
        data = {"content": discord_content(delivery.body_text), "allowed_mentions": {"parse": []}}
    else:
        data = json.loads(delivery.payload)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers_for(secret: str | None, msg_id: str, body: bytes, now: float | None = None
                ) -> dict[str, str]:
    ts = int(now if now is not None else time.time())
    headers = {"Content-Type": "application/json", "User-Agent": f"news-monitor/{__version__}",
               "webhook-id": msg_id, "webhook-timestamp": str(ts)}
    if secret:
        headers["webhook-signature"] = sign(secret, msg_id, ts, body)
    return headers


def _clock_skew(resp: httpx.Response) -> float | None:
    date = resp.headers.get("Date")
    if not date:
        return None
    try:
        theirs = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
    return abs((datetime.now(UTC) - theirs).total_seconds())


async def send(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None:
    if not channel.url:
        raise PermanentFailure("no url for this channel")
    body = body_for(channel, delivery)
    headers = headers_for(secret, delivery.key, body)
    try:
        async with httpx.AsyncClient(transport=PinnedTransport(channel.allow_private),
                                     follow_redirects=False, timeout=channel.timeout,
                                     trust_env=False) as client:
            resp = await client.post(channel.url, content=body, headers=headers)
    except AddressRefused as exc:
        raise PermanentFailure(str(exc)) from None
    except httpx.HTTPError as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None
    code = resp.status_code
    if 200 <= code < 300:
        return
    if code == 410:
        raise ChannelGone("HTTP 410 Gone: channel disabled")
    if 300 <= code < 400:
        raise PermanentFailure(f"HTTP {code}: redirects are not followed (fix the url)")
    if code in (408, 429) or code >= 500:
        raise TemporaryFailure(f"HTTP {code}", parse_retry_after(resp.headers.get("Retry-After")))
    skew = _clock_skew(resp)
    if code in (400, 401, 403) and skew is not None and skew > SKEW:
        log.error("channel=%s HTTP %d and the receiver's clock is %.0fs from ours: clock skew "
                  "suspected (signed timestamps are refused)", channel.name, code, skew)
    raise PermanentFailure(f"HTTP {code}")
