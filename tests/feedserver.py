"""A real HTTP server on 127.0.0.1 for tests and benches: feed files with ETag/Last-Modified
and 304, redirects and loops, any status with Retry-After, slow, huge and gzip-bomb bodies,
empty and HTML answers, and content a test can change while it runs."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


class FeedServer:
    """Routes:
    /f/NAME               a file (from `files` or `root`), ETag + Last-Modified + 304
    /r/CODE/PATH          redirect with CODE to /PATH (/r/CODE/x:URL: to URL as given)
    /loop/N               redirects forever
    /status/CODE?ra=X     that status, with Retry-After X if given
    /slow                 one byte every `slow_interval` seconds
    /huge?mb=N            N MB of chunked body with no length
    /bomb                 a small gzip body that expands to 200 MB
    /empty, /html         an empty 200, an HTML page
    /count                how many requests it has answered
    /basic/NAME           the file NAME behind HTTP Basic auth (`credentials`), else 401
    /digest/NAME          the file NAME behind HTTP Digest auth (MD5, qop=auth), else 401
    any path in `paths`   the file it names, as /f/ serves it (a site's /feed, /rss.xml...)
    """

    def __init__(self, root: Path | None = None, conditional: bool = True) -> None:
        self.root = root
        self.files: dict[str, bytes] = {}
        self.conditional = conditional
        self.slow_interval = 2.0
        self.file_delay = 0.0  # seconds each /f/ answer waits (widens a poll in time)
        self.paths: dict[str, str] = {}  # absolute path -> file name, served as /f/NAME
        self.content_types: dict[str, str] = {}  # name -> Content-Type (default: RSS, UTF-8)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.times: list[tuple[float, str]] = []  # (time.monotonic(), path) of each request
        self.lock = threading.Lock()
        self.mtimes: dict[str, tuple[str, float]] = {}  # name -> (etag, when it last changed)
        self.cache: dict[str, bytes] = {}  # files under root, read once
        self.etags: dict[int, tuple[bytes, str]] = {}  # id(body) -> (body, ETag), computed once
        self.credentials = ("reader", "s3cret-pw")  # what /basic/ and /digest/ accept
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server.lock:
                    server.requests.append((self.path, dict(self.headers)))
                    server.times.append((time.monotonic(), self.path))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.route(self)

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up mid-answer are part of the tests

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for p, _h in self.requests if p.startswith(prefix))

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------ routing

    def body_of(self, name: str) -> bytes | None:
        if name in self.files:
            return self.files[name]
        if self.root is not None and (self.root / name).is_file():
            with self.lock:
                if name not in self.cache:
                    self.cache[name] = (self.root / name).read_bytes()
                return self.cache[name]
        return None

    def route(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parse_qs(parts.query)
        if path in self.paths:
            self.serve_file(h, self.paths[path])
        elif path.startswith("/f/"):
            self.serve_file(h, path[3:])
        elif path.startswith("/r/"):
            _, _, code, target = path.split("/", 3)
            location = target[2:] if target.startswith("x:") else "/" + target
            self.send(h, int(code), b"", {"Location": location})
        elif path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send(h, 302, b"", {"Location": f"/loop/{n + 1}"})
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            headers = {"Retry-After": query["ra"][0]} if "ra" in query else {}
            self.send(h, code, b"<html><body>error</body></html>", headers)
        elif path == "/slow":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            for _ in range(1000):
                h.wfile.write(b"<")
                h.wfile.flush()
                time.sleep(self.slow_interval)
        elif path == "/huge":
            mb = int(query.get("mb", ["50"])[0])
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"<rss>" + b"x" * (1 << 20)
            for _ in range(mb):
                h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        elif path == "/bomb":
            self.send(h, 200, gzip_bomb(), {"Content-Encoding": "gzip",
                                            "Content-Type": "application/rss+xml"})
        elif path == "/count":  # how many requests so far (for benches in another process)
            with self.lock:
                n = len(self.requests)
            self.send(h, 200, str(n).encode(), {"Content-Type": "text/plain"})
        elif path.startswith("/basic/"):
            user, password = self.credentials
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            if h.headers.get("Authorization") == f"Basic {token}":
                self.serve_file(h, path[len("/basic/"):])
            else:
                self.send(h, 401, b"login", {"WWW-Authenticate": 'Basic realm="feeds"'})
        elif path.startswith("/digest/"):
            if digest_ok(h.headers.get("Authorization", ""), "GET", *self.credentials):
                self.serve_file(h, path[len("/digest/"):])
            else:
                self.send(h, 401, b"login", {"WWW-Authenticate":
                          'Digest realm="feeds", qop="auth", nonce="n0nce-42", algorithm=MD5'})
        elif path == "/empty":
            self.send(h, 200, b"", {"Content-Type": "application/rss+xml"})
        elif path == "/html":
            self.send(h, 200, b"<!doctype html><html><head><title>Just a moment...</title>"
                      b"</head><body><p>Checking your browser</p></body></html>",
                      {"Content-Type": "text/html"})
        else:
            self.send(h, 404, b"not found", {})

    def serve_file(self, h: BaseHTTPRequestHandler, name: str) -> None:
        if self.file_delay:
            time.sleep(self.file_delay)
        body = self.body_of(name)
        if body is None:
            self.send(h, 404, b"not found", {})
            return
        with self.lock:
            cached = self.etags.get(id(body))
            if cached is not None and cached[0] is body:  # the body is kept: its id stays its own
                etag = cached[1]
            else:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                self.etags[id(body)] = (body, etag)
            known = self.mtimes.get(name)
            if known is None or known[0] != etag:  # new or changed content: a new date
                base = time.time() - 3600 if known is None else max(time.time(), known[1] + 1)
                self.mtimes[name] = known = (etag, base)
        last_mod = formatdate(known[1], usegmt=True)
        if self.conditional and (h.headers.get("If-None-Match") == etag
                                 or h.headers.get("If-Modified-Since") == last_mod):
            self.send(h, 304, b"", {"ETag": etag, "Last-Modified": last_mod}, body_allowed=False)
            return
        headers = {"Content-Type": self.content_types.get(name,
                                                          "application/rss+xml; charset=utf-8")}
        if self.conditional:
            headers.update({"ETag": etag, "Last-Modified": last_mod})
        self.send(h, 200, body, headers)

    @staticmethod
    def send(h: BaseHTTPRequestHandler, code: int, body: bytes, headers: dict[str, str],
             body_allowed: bool = True) -> None:
        h.send_response(code)
        for k, v in headers.items():
            h.send_header(k, v)
        if body_allowed:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body_allowed and body:
            h.wfile.write(body)


def digest_ok(header: str, method: str, user: str, password: str) -> bool:
    """True when an `Authorization: Digest ...` header answers realm "feeds" with the right
    password (RFC 7616, MD5, qop=auth), computed here independently of the client."""
    if not header.startswith("Digest "):
        return False
    fields = dict((k.strip(), v.strip().strip('"')) for k, _, v in
                  (part.partition("=") for part in header[7:].split(",")))

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - Digest's own hash

    ha1 = md5(f"{user}:feeds:{password}")
    ha2 = md5(f"{method}:{fields.get('uri', '')}")
    want = md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:"
               f"{fields.get('qop')}:{ha2}")
    return fields.get("username") == user and fields.get("response") == want


_BOMB: bytes | None = None


def gzip_bomb(size: int = 200 * 1024 * 1024) -> bytes:
    """About 200 KB of gzip that expands to `size` bytes of zeros (built once)."""
    global _BOMB
    if _BOMB is None:
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b"\0" * (1 << 20)
        parts = [z.compress(block) for _ in range(size >> 20)]
        parts.append(z.flush())
        _BOMB = b"".join(parts)
    return _BOMB


@contextmanager
def serving(root: Path | None = None, conditional: bool = True) -> Iterator[FeedServer]:
    server = FeedServer(root, conditional).start()
    try:
        yield server
    finally:
        server.stop()


__all__ = ["FeedServer", "gzip_bomb", "serving"]
