"""A real SMTP server on 127.0.0.1 (aiosmtpd): plain, STARTTLS with a trustme certificate,
AUTH; it keeps what it receives and can answer DATA with a chosen error code."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Handler:
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    answer: str | None = None  # e.g. "451 4.3.0 try later"; None accepts

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.answer:
            return self.answer
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content or b""))
        return "250 OK"


class Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user
              and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False)


@dataclass
class MailServer:
    port: int
    handler: Handler
    ca: trustme.CA | None


@contextmanager
def smtp_server(starttls: bool = False, auth: tuple[str, str] | None = None
                ) -> Iterator[MailServer]:
    handler = Handler()
    kwargs: dict[str, Any] = {}
    ca = None
    if starttls:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ctx = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)
        kwargs.update(tls_context=ctx, require_starttls=True)
    if auth:
        kwargs.update(authenticator=Authenticator(*auth), auth_required=True,
                      auth_require_tls=starttls)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield MailServer(port, handler, ca)
    finally:
        controller.stop()
