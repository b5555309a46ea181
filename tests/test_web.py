"""The web pages, Atom feed and JSON API (issue 17), against the running daemon on a real store.

The store is filled by `once` from the claimants fixture (two outlets: the interior
ministry and the unions each revise their own count of pension protesters) plus a hostile
feed (script tags in a title and a quote, a javascript: link, a value ten times the
headline held for review); then `news-monitor run` serves it with `[web] listen` set, and
the tests read it over HTTP as a browser, a feed reader and a script would.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest
from conftest import PG_SKIP, fresh_pg_database
from feedserver import FeedServer

from monitor.digest import build, payload
from monitor.feeds import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "replay-claimants"
A = "{http://www.w3.org/2005/Atom}"

HOSTILE = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Evil &amp;lt;b&amp;gt;Daily&amp;lt;/b&amp;gt;</title>
<link>https://evil.example/</link><description>x</description>
<item><guid>h1</guid><link>javascript:alert(1)</link>
<title>&amp;lt;script&amp;gt;alert('title')&amp;lt;/script&amp;gt; Unions raise again</title>
<description>&amp;lt;script&amp;gt;alert('quote')&amp;lt;/script&amp;gt; The unions now say 4 million protesters marched against the pension reform.</description>
<pubDate>Sat, 11 Mar 2023 09:00:00 GMT</pubDate></item>
<item><guid>h2</guid><link>https://evil.example/h2?a=1&amp;b=&quot;&gt;&lt;x</link>
<title>A far count</title>
<description>Officials said 40 million protesters marched against the pension reform.</description>
<pubDate>Sun, 12 Mar 2023 09:00:00 GMT</pubDate></item>
</channel></rss>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def write_config(tmp: Path, server: FeedServer, store: str, listen: str) -> Path:
    lines = ["[daemon]", f'store = "{store}"', f'state_dir = "{tmp / "state"}"',
             "poll_jitter = 0", "", "[web]", f'listen = "{listen}"', ""]
    for name in ("en-wire.xml", "en-daily.xml", "hostile.xml"):
        lines += ["[[feeds]]", f'name = "{name.split(".")[0]}"',
                  f'url = "{server.url("/f/" + name)}"', "allow_private = true",
                  'interval = "1h"', ""]
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    wl = (DATA / "watchlist.toml").read_text()
    wl += ('\n[[terms]]\nid = "reform"\nlabel = "Pension reform"\n'
           'variants = ["pension reform", "réforme des retraites"]\n')
    (tmp / "watchlist.toml").write_text(wl)
    return tmp


class Daemon:
    def __init__(self, base: str, proc: subprocess.Popen[bytes], cfg: Path) -> None:
        self.base, self.proc, self.cfg = base, proc, cfg

    def get(self, path: str, **kw: object) -> httpx.Response:
        return httpx.get(self.base + path, timeout=10, **kw)  # type: ignore[arg-type]


def start(cfg: Path, args: list[str], base: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "monitor", *args, "--config", str(cfg)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cfg,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the web server never answered")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def running(tmp: Path, store: str) -> Iterator[Daemon]:
    server = FeedServer(DATA).start()
    server.files["hostile.xml"] = HOSTILE
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cfg = write_config(tmp, server, store, f"127.0.0.1:{port}")
    try:
        once = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(cfg)],
                              capture_output=True, text=True, timeout=120, cwd=cfg,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert once.returncode == 0, once.stderr
        proc = start(cfg, ["run"], base)
        try:
            yield Daemon(base, proc, cfg)
        finally:
            stop(proc)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    tmp = tmp_path_factory.mktemp("web")
    with running(tmp, "sqlite:///nm.db") as d:
        yield d


# What the fixture says, written from its sentences (tests/data/replay-claimants/en-*.xml
# and HOSTILE above), in the order the reports were published: the ministry 1.28 million
# (wire, 7 Mar), the unions' competing 3.5 million (wire, 7 Mar), the ministry 1.3 million
# (wire, 9 Mar), the unions 3.7 million (wire, 10 Mar), the unions 4 million (the hostile
# outlet, 11 Mar); 40 million from one outlet is ten times the headline: held for review.
VALUES = [(1_280_000, "revision", "interior"), (3_500_000, "competing", "unions"),
          (1_300_000, "revision", "interior"), (3_700_000, "revision", "unions"),
          (4_000_000, "revision", "unions")]


def test_api_figures_and_history_answer_with_the_fixture(daemon: Daemon) -> None:
    r = daemon.get("/api/figures")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    (fig,) = r.json()["figures"]
    assert fig["figure"] == "turnout" and fig["current"] == 4_000_000  # headline: the latest
    assert fig["last_change"]["kind"] == "revision"
    assert (fig["last_change"]["previous"], fig["last_change"]["value"]) == (3_700_000, 4_000_000)
    assert fig["last_change"]["claimant"] == {"id": "unions", "label": "Unions",
                                              "declared": True}
    assert [(e["claimant"]["id"], e["value"]) for e in fig["estimates"]] == [
        ("interior", 1_300_000), ("unions", 4_000_000)]
    one = daemon.get("/api/figures/turnout").json()
    hist = [(h["value"], h["kind"], (h["claimant"] or {}).get("id")) for h in one["history"]
            if h["kind"] != "report"]
    assert hist[:5] == VALUES
    assert hist[5] == (40_000_000, "held", None)
    assert [h["value"] for h in one["held_for_review"]] == [40_000_000]
    assert daemon.get("/api/figures/nope").status_code == 404


def test_api_events_after_an_id_and_filters(daemon: Daemon) -> None:
    evs = daemon.get("/api/events", params={"after": 0, "limit": 500}).json()["events"]
    ids = [e["id"] for e in evs]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    kinds = [e["kind"] for e in evs if e["kind"] != "match"]
    assert kinds.count("revision") == 4 and kinds.count("competing") == 1
    assert kinds.count("held_for_review") == 1
    half = ids[len(ids) // 2]
    rest = daemon.get("/api/events", params={"after": half}).json()
    assert [e["id"] for e in rest["events"]] == [i for i in ids if i > half]
    assert rest["last_id"] == ids[-1]
    revs = daemon.get("/api/events", params={"kind": "revision"}).json()["events"]
    assert [e["value"] for e in revs] == [4_000_000, 3_700_000, 1_300_000, 1_280_000]
    matches = daemon.get("/api/events", params={"term": "reform", "kind": "match"}).json()
    assert matches["events"] and all("reform" in e["watches"] for e in matches["events"])
    assert daemon.get("/api/events", params={"after": "x"}).status_code == 400
    assert daemon.get("/api/events", params={"kind": "bogus"}).status_code == 400


def test_api_field_names_are_the_webhook_bodys(daemon: Daemon) -> None:
    """A revision in /api/events has the webhook body's fields (the digest-level ones aside:
    corroborated_by and history), plus its id, watches and when it was recorded."""
    from monitor.models import Event

    ev = Event("revision", "https://x.example/1", "t", "Outlet", None, figure="f", label="F",
               previous=1, value=2, claimant="c", claimant_label="C")
    from datetime import UTC, datetime

    hook = payload(build("desk", "en", [ev], {}, 5, datetime.now(UTC)))["revisions"][0]  # type: ignore[index]
    api = daemon.get("/api/events", params={"kind": "revision"}).json()["events"][0]
    assert set(api) - {"id", "watches", "created"} == set(hook) - {"corroborated_by", "history"}
    assert set(api["source"]) == set(hook["source"])
    assert set(api["estimates"][0]) == {"claimant", "value", "low", "high", "qualifier", "date",
                                        "source", "link"}


def test_api_feeds_and_healthz(daemon: Daemon) -> None:
    data = daemon.get("/api/feeds").json()
    by = {f["name"]: f for f in data["feeds"]}
    assert set(by) == {"en-wire", "en-daily", "hostile"}
    assert by["en-wire"]["items"] == 4 and by["en-daily"]["items"] == 3
    assert by["hostile"]["items"] == 2
    assert all(f["last_success"] and f["last_status"] for f in data["feeds"])
    assert data["outbox"]["pending"] == 0 and data["instances"] == []  # SQLite: one instance
    assert daemon.get("/healthz").json() == {"status": "ok"}


def test_pages_show_the_figures_history_events_and_feeds(daemon: Daemon) -> None:
    page = daemon.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Protesters against the pension reform, nationwide" in html
    assert "4,000,000" in html and "3,700,000" in html  # current and the one before
    assert 'href="/figure/turnout"' in html
    fig = daemon.get("/figure/turnout").text
    for value in ("1,280,000", "3,500,000", "1,300,000", "3,700,000", "4,000,000", "40,000,000"):
        assert f'<td class="num">{value}</td>' in fig, value
    assert "Estimates side by side" in fig and "Interior ministry" in fig
    assert 'href="https://wire.example/a3"' in fig  # the ministry's revision, linked
    assert "competing estimate" in fig and "held for review" in fig
    events = daemon.get("/events", params={"figure": "turnout", "kind": "revision"}).text
    assert events.count('<tr class="k-revision">') == 4
    assert daemon.get("/events", params={"term": "reform"}).text.count('<tr class="k-match">') >= 1
    feeds = daemon.get("/feeds").text
    assert "en-wire" in feeds and "hostile" in feeds and "Outbox" in feeds
    missing = daemon.get("/figure/nope")
    assert missing.status_code == 404 and "not found" in missing.text


def test_hostile_titles_quotes_and_links_come_out_escaped(daemon: Daemon) -> None:
    bodies = [daemon.get(p).text for p in ("/", "/figure/turnout", "/events", "/feeds",
                                           "/feed.atom")]
    for body in bodies:
        assert "<script" not in body.lower()
        assert "javascript:" not in body.lower()
        assert "<b>Daily" not in body and "><x" not in body
    fig = bodies[1]
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in fig  # shown as text
    events = bodies[2]
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Unions raise again" in events
    api = daemon.get("/api/events", params={"kind": "revision", "limit": 1}).json()["events"][0]
    assert api["source"]["link"] is None  # javascript: dropped
    assert api["source"]["title"].startswith("<script>")  # JSON carries the text as it is


def test_security_headers_and_read_only(daemon: Daemon) -> None:
    for path in ("/", "/figure/turnout", "/api/figures", "/feed.atom", "/nope", "/style.css"):
        r = daemon.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src" not in csp  # no script at all
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = httpx.request(method, daemon.base + "/api/figures", timeout=5)
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    head = httpx.head(daemon.base + "/", timeout=5)
    assert head.status_code == 200 and head.content == b""
    page = daemon.get("/figure/turnout").text  # nothing loaded from elsewhere
    assert "https://fonts" not in page and "<img" not in page and "<script" not in page


def test_atom_feed_is_valid_stable_and_read_back_by_our_parser(daemon: Daemon) -> None:
    r = daemon.get("/feed.atom")
    assert r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    self_link = [lk for lk in root.findall(f"{A}link") if lk.get("rel") == "self"]
    assert [lk.get("href") for lk in self_link] == [daemon.base + "/feed.atom"]
    for child in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{child}")) == 1
    entries = root.findall(f"{A}entry")
    assert len(entries) == 5  # 4 revisions and the competing estimate; no held, no match
    rfc3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"

    for e in entries:
        for child in ("id", "title", "updated"):
            assert len(e.findall(f"{A}{child}")) == 1, child
        assert re.match(rfc3339, e.findtext(f"{A}updated") or "")
        for lk in e.findall(f"{A}link"):
            assert re.match(r"^https?://", lk.get("href") or "")
        assert (e.findtext(f"{A}id") or "").startswith("urn:uuid:")
    titles = [e.findtext(f"{A}title") for e in entries]
    assert titles[0] == ("Protesters against the pension reform, nationwide: "
                         "3,700,000 \u2192 4,000,000 protesters (Unions)")
    assert titles[-1] == ("Protesters against the pension reform, nationwide: "
                          "1,280,000 protesters (Interior ministry)")
    # the javascript: article link is replaced by the figure's page
    links = [[lk.get("href") for lk in e.findall(f"{A}link") if lk.get("rel") == "alternate"]
             for e in entries]
    assert links[0] == [daemon.base + "/figure/turnout"]
    assert links[1] == ["https://wire.example/a4"]
    # ids are stable: the same on a later fetch (past the cache)
    time.sleep(1.2)
    again = ET.fromstring(daemon.get("/feed.atom").content)
    assert [e.findtext(f"{A}id") for e in again.findall(f"{A}entry")] == [
        e.findtext(f"{A}id") for e in entries]
    # the project's own parser reads it back
    parsed = parse_bytes(r.content, "web")
    assert len(parsed.items) == 5 and parsed.title == "news-monitor: revised figures"
    assert [it.link for it in parsed.items][1] == "https://wire.example/a4"
    assert parsed.items[0].uid == entries[0].findtext(f"{A}id")
    assert "Unions" in parsed.items[0].title and parsed.items[0].published is not None
    per = daemon.get("/figure/turnout/feed.atom")
    assert per.status_code == 200 and len(parse_bytes(per.content, "web").items) == 5
    assert daemon.get("/figure/nope/feed.atom").status_code == 404


def test_serve_alone_over_the_store_of_a_stopped_daemon(daemon: Daemon) -> None:
    """`serve` shows the same data as the daemon, over the same store, without polling."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(daemon.cfg, ["serve", "--listen", f"127.0.0.1:{port}"], base)
    try:
        a = httpx.get(base + "/api/figures", timeout=10).json()
        b = daemon.get("/api/figures").json()
        assert a == b
    finally:
        stop(proc)
    assert proc.returncode == 0


def test_serve_refuses_a_missing_database_and_a_public_address(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text(f'[daemon]\nstate_dir = "{tmp_path / "s"}"\n')
    (tmp_path / "watchlist.toml").write_text((DATA / "watchlist.toml").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "monitor", "serve", "--config", str(tmp_path)],
                         capture_output=True, text=True, timeout=60, env=env)
    assert res.returncode == 69 and "no database at" in res.stderr
    res = subprocess.run([sys.executable, "-m", "monitor", "serve", "--config", str(tmp_path),
                          "--listen", "0.0.0.0:8088"], capture_output=True, text=True,
                         timeout=60, env=env)
    assert res.returncode == 2 and "allow_public" in res.stderr


def test_check_config_refuses_a_public_listen_without_allow_public(tmp_path: Path) -> None:
    (tmp_path / "watchlist.toml").write_text((DATA / "watchlist.toml").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for listen, extra, ok in (("0.0.0.0:8088", "", False), ("0.0.0.0:8088", "allow_public = true", True),
                              ("[::1]:8088", "", True), ("localhost:8088", "", True),
                              ("127.0.0.1", "", False)):
        (tmp_path / "monitor.toml").write_text(
            f'[daemon]\nstate_dir = "{tmp_path / "s"}"\n[web]\nlisten = "{listen}"\n{extra}\n')
        res = subprocess.run([sys.executable, "-m", "monitor", "check-config", "--config",
                              str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
        assert (res.returncode == 0) == ok, (listen, res.stderr)
        if not ok:
            assert "web" in res.stderr and res.returncode == 78


@pytest.mark.skipif(PG_SKIP is not None, reason=PG_SKIP or "")
def test_pages_and_api_on_postgresql(tmp_path: Path) -> None:
    with fresh_pg_database() as url, running(tmp_path, url) as d:
        (fig,) = d.get("/api/figures").json()["figures"]
        assert fig["current"] == 4_000_000
        assert [(e["claimant"]["id"], e["value"]) for e in fig["estimates"]] == [
            ("interior", 1_300_000), ("unions", 4_000_000)]
        assert len(parse_bytes(d.get("/feed.atom").content, "web").items) == 5
        data = d.get("/api/feeds").json()
        assert [i["leases"] >= 0 for i in data["instances"]]  # PostgreSQL: instances listed
        assert data["instances"], "the running daemon registers itself on a shared store"
        assert "<script" not in d.get("/events").text.lower()
        json.dumps(data)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_a_real_browser_renders_the_figure_page(daemon: Daemon, tmp_path: Path) -> None:
    """Headless Chromium loads the figure page from the running daemon: the chart's axis
    labels (values and dates) and the history rows are in what it rendered; a screenshot
    is kept in the test's folder."""
    url = daemon.base + "/figure/turnout"
    args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1000,1600"]
    dom = subprocess.run([*args, "--dump-dom", url], check=True, capture_output=True,
                         text=True, timeout=90).stdout
    assert "<svg" in dom
    yticks = re.findall(r'<text class="nm-ytick"[^>]*>([^<]+)</text>', dom)
    xticks = re.findall(r'<text class="nm-xtick"[^>]*>([^<]+)</text>', dom)
    assert len(yticks) >= 3 and all(re.fullmatch(r"[\d,.]+", t) for t in yticks), yticks
    assert xticks and all(t.startswith("2023-03-") for t in xticks), xticks
    rows = re.findall(r'<tr class="k-(\w+)"><td class="date">([^<]*)</td><td class="num">([^<]*)</td>', dom)
    assert ("revision", "2023-03-07", "1,280,000") in rows
    assert ("competing", "2023-03-07", "3,500,000") in rows
    assert ("held", "2023-03-12", "40,000,000") in rows
    shot = tmp_path / "figure.png"
    subprocess.run([*args, f"--screenshot={shot}", url], check=True, capture_output=True,
                   timeout=90)
    assert shot.stat().st_size > 20_000  # a page with a chart and a table, not a blank


def test_a_taken_address_leaves_the_daemon_polling_without_its_pages(tmp_path: Path) -> None:
    server = FeedServer(DATA).start()
    server.files["hostile.xml"] = HOSTILE
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cfg = write_config(tmp_path, server, "sqlite:///nm.db", f"127.0.0.1:{port}")
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(cfg)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                cwd=cfg, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            deadline = time.monotonic() + 30
            while server.hits("/f/") < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert server.hits("/f/") >= 3  # it polls every feed all the same
        finally:
            stop(proc)
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 0, err
    assert f"web: cannot listen on 127.0.0.1:{port}" in err and "the pages are off" in err
    server.stop()


def test_distinct_urls_faster_than_they_are_built_get_503_not_a_queue(tmp_path: Path) -> None:
    """Each distinct URL is a build in the server's two threads; past MAX_WAITING queued
    builds a request is answered 503 with Retry-After at once, so a crawler varying the query
    cannot pile up work (a real server over a real store; the watchlist source is slow)."""
    import asyncio

    from monitor.config import load_config
    from monitor.engine.watchlist import compile_watchlist
    from monitor.store import open_store
    from monitor.web import MAX_WAITING, WebServer

    (tmp_path / "monitor.toml").write_text(f'[daemon]\nstate_dir = "{tmp_path / "s"}"\n')
    (tmp_path / "watchlist.toml").write_text((DATA / "watchlist.toml").read_text())
    cfg = load_config(tmp_path)
    wl = compile_watchlist(cfg.watchlist)
    store = open_store(cfg.monitor.daemon.store, tmp_path / "s")

    def slow() -> tuple[object, object]:
        time.sleep(0.05)
        return cfg, wl

    async def go() -> list[httpx.Response]:
        server = WebServer(store, slow)  # type: ignore[arg-type]
        (url,) = await server.start("127.0.0.1:0")
        try:
            async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(
                    max_connections=300)) as client:
                return list(await asyncio.gather(*(
                    client.get(f"{url}/events", params={"figure": f"x{i}"})
                    for i in range(MAX_WAITING + 100))))
        finally:
            await server.stop()

    answers = asyncio.run(go())
    store.close()
    codes = [r.status_code for r in answers]
    assert codes.count(200) >= MAX_WAITING  # everything that could wait was answered
    busy = [r for r in answers if r.status_code == 503]
    assert busy and all(r.headers["retry-after"] == "1" for r in busy)
    assert set(codes) == {200, 503}
