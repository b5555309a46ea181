"""The read-only web server (issue 17): pages, an Atom feed and a JSON API over the store.

aiohttp.web, started with its `AppRunner` inside the daemon's own event loop (or alone by
`news-monitor serve`). The loop only parses requests and writes answers: reading the store
(blocking SQLAlchemy) and rendering run in the server's own two threads, so a burst of
requests queues there and never in front of the polls' work; each answer is kept for
`CACHE_SECONDS` and requests for the same page meanwhile share one build.

Read-only: GET and HEAD only (405 otherwise). Every answer carries a strict
Content-Security-Policy (no script at all, styles and images from the server itself or
inline `data:` images), nosniff, no referrer, no framing. Pages are server-rendered with
Jinja2, autoescaped; links from feeds are http(s) only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from monitor import atom, webdata
from monitor import chart as charts
from monitor.config import Config, split_listen
from monitor.engine.watchlist import Watchlist
from monitor.store import Store
from monitor.text import fmt_number

log = logging.getLogger("news-monitor.web")
TEMPLATES = Path(__file__).parent / "templates" / "web"
CACHE_SECONDS = 1.0  # an answer is reused this long (a page at 200 requests/s: one build)
CACHE_ENTRIES = 256
THREADS = 2  # store reads and rendering; the polls keep the rest of the machine
MAX_LIMIT = 500  # events per API answer
MAX_WAITING = 64  # builds queued for the threads; past it a request is answered 503 at once
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CSS = (TEMPLATES / "style.css").read_bytes()
CSS_VERSION = hashlib.sha256(CSS).hexdigest()[:10]  # in the stylesheet's URL: a new one is fetched
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
KIND_NAMES = {"revision": "revision", "correction": "correction", "competing": "competing estimate",
              "corroboration": "corroboration", "held_for_review": "held for review",
              "match": "related coverage", "new_watch": "new watch", "seed": "seed",
              "held": "held for review", "report": "report"}

# the pieces the server reads its data with: the config and compiled watchlist in force
# (a reload of the daemon swaps them) and the store
Source = Callable[[], tuple[Config, Watchlist]]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str
    body: bytes


BUSY = Answer(503, "text/plain; charset=utf-8", b"busy: too many pages being built; retry\n")


class BadRequest(ValueError):
    """A query parameter that is not what its route takes."""


def _int(q: dict[str, str], key: str, default: int | None, low: int = 0,
         high: int = 2**62) -> int | None:
    raw = q.get(key, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{key} must be a whole number from {low} to {high}")
    return int(raw)


def _when(text: str | None) -> str:
    """An ISO time as a page shows it: 2023-03-07 14:00 UTC."""
    if not text:
        return ""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return text
    if dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def chart(fig: dict[str, Any], width: int = 640, height: int = 260) -> Markup:
    """The figure's timeline chart (monitor/chart.py, shared with the e-mail digest): a point
    per report, held values and corrections marked, a line per claimant."""
    points = []
    for h in fig["history"]:
        day = h["date"]
        when: date | None = None
        if day:
            try:
                when = date.fromisoformat(day[:10])
            except ValueError:
                when = None
        src = h["source"]
        note = src["outlet"] + (f": \u201c{src['quote']}\u201d" if src["quote"] else "")
        points.append(charts.Point(
            when=when, value=float(h["value"]), low=h["low"], high=h["high"],
            label=h["shown"], kind=h["kind"],
            series=(h["claimant"] or {}).get("label", "") if h["claimant"] else "",
            href=src["link"], note=note))
    out: Markup = charts.timeline_svg(points, title=fig["label"], width=width, height=height,
                                      unit=fig["unit"] or "")
    return out


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_number
    env.filters["when"] = _when
    env.filters["kind"] = lambda k: KIND_NAMES.get(k, k)
    env.filters["value"] = lambda e: webdata.value_label(e.get("value"), e.get("low"),
                                                          e.get("qualifier"))
    env.filters["bare"] = lambda e: webdata.value_label(e.get("value"), e.get("low"))
    env.filters["pct"] = lambda c: "" if c is None else f"{c * 100:+.0f}%"
    env.globals["chart"] = chart
    env.globals["quote"] = lambda s: quote(s, safe="")
    return env


class Pages:
    """Builds each answer from the store (blocking: called in the server's threads)."""

    def __init__(self, store: Store, source: Source, base_url: str = "") -> None:
        self.store = store
        self.source = source
        self.base_url = base_url
        self.root = urlsplit(base_url).path.rstrip("/") if base_url else ""
        self.env = _env()

    def html(self, template: str, status: int = 200, **ctx: Any) -> Answer:
        body = self.env.get_template(template).render(root=self.root, css=CSS_VERSION, **ctx)
        return Answer(status, HTML, body.encode("utf-8"))

    @staticmethod
    def json(data: Any, status: int = 200) -> Answer:
        return Answer(status, JSON, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def not_found(self, what: str, api: bool) -> Answer:
        if api:
            return self.json({"error": f"{what} not found"}, 404)
        return self.html("error.html", 404, title="Not found", message=f"{what} not found.",
                         nav="")

    # ---------------------------------------------------------------- pages

    def figures(self) -> Answer:
        cfg, wl = self.source()
        figs = webdata.figures_json(self.store, cfg, wl)
        return self.html("figures.html", title="Figures", figures=figs, nav="figures")

    def figure(self, fid: str) -> Answer:
        cfg, wl = self.source()
        fig = webdata.one_figure_json(self.store, cfg, wl, fid)
        if fig is None:
            return self.not_found(f"figure {fid!r}", api=False)
        return self.html("figure.html", title=fig["label"], fig=fig, nav="figures")

    def events(self, q: dict[str, str]) -> Answer:
        cfg, _wl = self.source()
        figure, term, kind = q.get("figure") or None, q.get("term") or None, q.get("kind") or None
        if kind is not None and kind not in webdata.EVENT_KINDS:
            raise BadRequest(f"kind must be one of {', '.join(webdata.EVENT_KINDS)}")
        before = _int(q, "before", None, 1)
        evs = webdata.events_json(self.store, figure=figure, term=term,
                                  kinds=(kind,) if kind else webdata.EVENT_KINDS,
                                  before=before, limit=50)
        older = None
        if len(evs) == 50:
            older = urlencode({k: v for k, v in (("figure", figure), ("term", term),
                                                 ("kind", kind), ("before", evs[-1]["id"]))
                               if v})
        labels = {f.id: f.label for f in cfg.watchlist.figures}
        labels.update({t.id: t.label for t in cfg.watchlist.terms})
        return self.html("events.html", title="Events", events=evs, labels=labels,
                         figures=cfg.watchlist.figures, terms=cfg.watchlist.terms,
                         kinds=webdata.EVENT_KINDS, sel={"figure": figure, "term": term,
                                                         "kind": kind},
                         older=older, nav="events")

    def feeds(self) -> Answer:
        cfg, _wl = self.source()
        return self.html("feeds.html", title="Feeds", data=webdata.feeds_json(self.store, cfg),
                         nav="feeds")

    def atom(self, base: str, fid: str | None) -> Answer:
        cfg, _wl = self.source()
        base = self.base_url or base
        if fid is not None:
            fig = next((f for f in cfg.watchlist.figures if f.id == fid), None)
            if fig is None:
                return Answer(404, "text/plain; charset=utf-8", b"no such figure\n")
            title, path = f"news-monitor: {fig.label}", f"/figure/{quote(fid, safe='')}"
            self_path = f"{path}/feed.atom"
        else:
            title, path, self_path = "news-monitor: revised figures", "/", "/feed.atom"
        rows = self.store.recent_events(kinds=webdata.FEED_KINDS, figure=fid, limit=50)
        evs = [webdata.event_json(*r) for r in rows]
        body = atom.render(evs, title=title, self_url=base + self_path, page_url=base + path,
                           figure_url=base + "/figure/{id}",
                           uids={i: ev.item_uid for i, _at, ev in rows})
        return Answer(200, ATOM_TYPE, body)

    # ---------------------------------------------------------------- API

    def api_figures(self) -> Answer:
        cfg, wl = self.source()
        return self.json({"figures": webdata.figures_json(self.store, cfg, wl)})

    def api_figure(self, fid: str) -> Answer:
        cfg, wl = self.source()
        fig = webdata.one_figure_json(self.store, cfg, wl, fid)
        return self.not_found(f"figure {fid!r}", api=True) if fig is None else self.json(fig)

    def api_events(self, q: dict[str, str]) -> Answer:
        kind = q.get("kind") or None
        if kind is not None and kind not in webdata.EVENT_KINDS:
            raise BadRequest(f"kind must be one of {', '.join(webdata.EVENT_KINDS)}")
        after = _int(q, "after", 0) or 0
        before = _int(q, "before", None, 1)
        limit = _int(q, "limit", 100, 1, MAX_LIMIT) or 100
        evs = webdata.events_json(self.store, figure=q.get("figure") or None,
                                  term=q.get("term") or None,
                                  kinds=(kind,) if kind else webdata.EVENT_KINDS, after=after,
                                  before=before, limit=limit, oldest_first="after" in q)
        ids = [e["id"] for e in evs]
        return self.json({"events": evs, "last_id": max(ids, default=after)})

    def api_feeds(self) -> Answer:
        cfg, _wl = self.source()
        return self.json(webdata.feeds_json(self.store, cfg))

    def health(self) -> Answer:
        try:
            self.store.ping()
        except Exception as exc:  # any database error: not healthy
            return self.json({"status": "unavailable", "error": type(exc).__name__}, 503)
        return self.json({"status": "ok"})


class WebServer:
    """The aiohttp application, its runner and its threads."""

    def __init__(self, store: Store, source: Source, base_url: str = "",
                 cache_seconds: float = CACHE_SECONDS) -> None:
        self.pages = Pages(store, source, base_url)
        self.executor = ThreadPoolExecutor(THREADS, thread_name_prefix="web")
        self.cache_seconds = cache_seconds
        self.cache: dict[str, tuple[float, Answer]] = {}
        self.building: dict[str, asyncio.Future[Answer]] = {}
        self.waiting = 0  # builds submitted to the threads and not finished
        self.runner: web.AppRunner | None = None
        self.app = self._app()

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[_read_only], client_max_size=16_384)
        app.on_response_prepare.append(_headers)
        r = app.router
        r.add_get("/", self._page(lambda req: self.pages.figures()))
        r.add_get("/figure/{id}", self._page(lambda req: self.pages.figure(req.match_info["id"])))
        r.add_get("/figure/{id}/feed.atom", self._page(
            lambda req: self.pages.atom(_base(req), req.match_info["id"]), by_host=True))
        r.add_get("/events", self._page(lambda req: self.pages.events(dict(req.query))))
        r.add_get("/feeds", self._page(lambda req: self.pages.feeds()))
        r.add_get("/feed.atom", self._page(lambda req: self.pages.atom(_base(req), None),
                                           by_host=True))
        r.add_get("/api/figures", self._page(lambda req: self.pages.api_figures()))
        r.add_get("/api/figures/{id}", self._page(
            lambda req: self.pages.api_figure(req.match_info["id"])))
        r.add_get("/api/events", self._page(lambda req: self.pages.api_events(dict(req.query))))
        r.add_get("/api/feeds", self._page(lambda req: self.pages.api_feeds()))
        r.add_get("/healthz", self._page(lambda req: self.pages.health(), cache=False))
        r.add_get("/style.css", self._style)
        return app

    async def _style(self, request: web.Request) -> web.Response:
        return web.Response(body=CSS, content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "max-age=86400"})

    def _page(self, build: Callable[[web.Request], Answer], cache: bool = True,
              by_host: bool = False) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            key = request.path_qs + ("@" + _base(request) if by_host else "")
            answer = await self._answer(key, lambda: build(request), cache)
            headers = {"Content-Type": answer.content_type, "Cache-Control": "no-cache"}
            if answer is BUSY:
                headers["Retry-After"] = "1"
            return web.Response(status=answer.status, body=answer.body, headers=headers)
        return handler

    async def _answer(self, key: str, build: Callable[[], Answer], cache: bool) -> Answer:
        """The cached answer, or the build in flight for the same key, or a new build in
        the server's threads."""
        now = time.monotonic()
        hit = self.cache.get(key) if cache else None
        if hit is not None and hit[0] > now:
            return hit[1]
        if cache and key in self.building:
            return await asyncio.shield(self.building[key])
        if self.waiting >= MAX_WAITING:  # distinct URLs faster than they can be built
            return BUSY
        loop = asyncio.get_running_loop()
        self.waiting += 1
        fut: asyncio.Future[Answer] = loop.run_in_executor(self.executor, self._safe, build)
        fut.add_done_callback(self._built)
        if not cache:
            return await fut
        self.building[key] = fut
        try:
            answer = await asyncio.shield(fut)
        finally:
            self.building.pop(key, None)
        # errors too: a page that fails is logged once a period, not once a request
        if len(self.cache) >= CACHE_ENTRIES:
            self.cache = {k: v for k, v in self.cache.items() if v[0] > now}
            if len(self.cache) >= CACHE_ENTRIES:
                self.cache.clear()
        self.cache[key] = (time.monotonic() + self.cache_seconds, answer)
        return answer

    def _built(self, _fut: asyncio.Future[Answer]) -> None:
        self.waiting -= 1

    def _safe(self, build: Callable[[], Answer]) -> Answer:
        try:
            return build()
        except BadRequest as exc:
            return Answer(400, "text/plain; charset=utf-8", f"{exc}\n".encode())
        except Exception:
            log.error("web: building an answer failed", exc_info=True)
            return Answer(500, "text/plain; charset=utf-8", b"internal error\n")

    async def start(self, listen: str) -> list[str]:
        """Serve on `listen` ("host:port"; port 0 picks a free one); the addresses served."""
        host, port = split_listen(listen, any_port=True)
        self.runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port, reuse_address=True)
        await site.start()
        urls = [f"http://{a[0]}:{a[1]}" if ":" not in str(a[0]) else f"http://[{a[0]}]:{a[1]}"
                for a in self.runner.addresses]
        log.info("web: serving on %s", ", ".join(urls))
        return urls

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        self.executor.shutdown(wait=False, cancel_futures=True)


def _base(request: web.Request) -> str:
    """scheme://host[:port] of a request, for absolute links (without [web] base_url)."""
    return f"{request.scheme}://{request.host}"


@web.middleware
async def _read_only(request: web.Request, handler: Callable[[web.Request], Any]
                     ) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD"):
        return web.Response(status=405, text="read-only: GET and HEAD only\n",
                            headers={"Allow": "GET, HEAD"})
    resp: web.StreamResponse = await handler(request)
    return resp


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    response.headers["Server"] = "news-monitor"


def public_warning(listen: str) -> str | None:
    """The warning logged when the pages are served beyond loopback."""
    from monitor.config import is_loopback

    host, _port = split_listen(listen)
    if is_loopback(host):
        return None
    return (f"web: serving on {listen}, beyond loopback, with no login: put it behind a "
            "reverse proxy with authentication")


async def start_web(cfg: Config, store: Store, source: Source) -> WebServer | None:
    """Start the pages of `[web]` if `listen` is set; None if off or if the address cannot
    be bound (logged: the daemon polls on without its pages)."""
    if not cfg.monitor.web.listen:
        return None
    server = WebServer(store, source, cfg.monitor.web.base_url)
    warning = public_warning(cfg.monitor.web.listen)
    if warning:
        log.warning("%s", warning)
    try:
        await server.start(cfg.monitor.web.listen)
    except OSError as exc:
        log.error("web: cannot listen on %s: %s; the pages are off", cfg.monitor.web.listen, exc)
        await server.stop()
        return None
    return server
