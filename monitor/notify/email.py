"""The e-mail channel: SMTP with STARTTLS, implicit TLS or plain (a local relay), optional AUTH,
several recipients, a multipart/alternative message (text and HTML) whose Message-ID is the
digest's key, so a resend after a dropped connection is recognisable as the same message."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from monitor.config import ChannelConfig
from monitor.notify import PermanentFailure, TemporaryFailure
from monitor.store import Delivery

TLS_CONTEXT: ssl.SSLContext | None = None  # tests put a context trusting their own CA here


def build_message(channel: ChannelConfig, delivery: Delivery) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = channel.from_ or ""
    msg["To"] = ", ".join(channel.to or [])
    msg["Subject"] = delivery.subject
    msg["Date"] = formatdate(delivery.created_at.timestamp(), usegmt=True)
    domain = parseaddr(channel.from_ or "")[1].partition("@")[2] or "news-monitor.invalid"
    msg["Message-ID"] = f"<{delivery.key}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(delivery.body_text)
    if delivery.body_html:
        msg.add_alternative(delivery.body_html, subtype="html")
    return msg


def _send_sync(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None:
    smtp = channel.smtp
    if smtp is None:
        raise PermanentFailure("no [smtp] for this channel")
    context = TLS_CONTEXT or ssl.create_default_context()
    msg = build_message(channel, delivery)
    client: smtplib.SMTP
    try:
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, secret or "")
            refused = client.send_message(msg)
            if refused:
                raise PermanentFailure(f"recipients refused: {sorted(refused)}")
    except smtplib.SMTPAuthenticationError as exc:
        raise PermanentFailure(f"SMTP authentication failed: {exc.smtp_code}") from None
    except smtplib.SMTPResponseException as exc:
        err = exc.smtp_error
        text = err.decode(errors="replace") if isinstance(err, bytes) else str(err)
        detail = f"SMTP {exc.smtp_code}: {text[:200]}"
        if 400 <= exc.smtp_code < 500:
            raise TemporaryFailure(detail) from None
        raise PermanentFailure(detail) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _m in exc.recipients.values()}
        if all(400 <= c < 500 for c in codes):
            raise TemporaryFailure(f"recipients deferred: {codes}") from None
        raise PermanentFailure(f"recipients refused: {codes}") from None
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None


async def send(channel: ChannelConfig, delivery: Delivery, secret: str | None) -> None:
    await asyncio.to_thread(_send_sync, channel, delivery, secret)
