"""A real webhook receiver on 127.0.0.1: records every request, answers from a script of
statuses (500, 410, 302, ...), can wait before answering (the sent-then-killed window)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Hook:
    port: int
    received: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer, then 200
    retry_after: str | None = None
    delay: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@contextmanager
def hook_server(port: int = 0) -> Iterator[Hook]:
    hook = Hook(0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                hook.received.append(Received(self.path, {k.lower(): v for k, v in
                                                          self.headers.items()}, body))
                code = hook.script.pop(0) if hook.script else 200
            if hook.delay:
                time.sleep(hook.delay)
            self.send_response(code)
            if code in (301, 302, 307, 308):
                self.send_header("Location", "/elsewhere")
            if hook.retry_after and code in (429, 503):
                self.send_header("Retry-After", hook.retry_after)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass

    httpd = Quiet(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    hook.port = httpd.server_address[1]
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield hook
    finally:
        httpd.shutdown()
        httpd.server_close()
