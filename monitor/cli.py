"""The `news-monitor` command: one subcommand per job, each with its own --help."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from monitor import __version__
from monitor.errors import EX_CONFIG, ConfigError

if TYPE_CHECKING:
    from monitor.config import Config, WatchlistConfig
    from monitor.feeds import Backend

Handler = Callable[[argparse.Namespace], int]
EX_UNAVAILABLE = 69  # the database cannot be used


def _config(args: argparse.Namespace) -> Config:
    """The config found as every command finds it (imported here: `replay` forks its workers
    before it reads its config, and they need neither it nor pydantic)."""
    from monitor.config import load_config

    return load_config(args.config)


def _store_config(args: argparse.Namespace) -> Config:
    """The config of a command that opens the store: a SQLite path that cannot be created or
    written here is refused like any bad key (`FILE: daemon.store: message`, exit 78)."""
    from monitor.daemon import state_dir
    from monitor.store import location_problem

    cfg = _config(args)
    problem = location_problem(cfg.monitor.daemon.store, state_dir(cfg))
    if problem:
        raise ConfigError([f"{cfg.monitor_path}: daemon.store: {problem}"])
    return cfg


def cmd_check_config(args: argparse.Namespace) -> int:
    """Every error of both files in one run: when the config is refused, the store's
    location is still checked from the [daemon] table, if that table is valid alone."""
    try:
        _config(args)
    except ConfigError as exc:
        raise ConfigError([*exc.lines, *_raw_store_problem(args)]) from None
    cfg = _store_config(args)
    print(cfg.summary())
    return 0


def _raw_store_problem(args: argparse.Namespace) -> list[str]:
    """`FILE: daemon.store: problem` for a refused config whose [daemon] table is valid."""
    import tomllib

    from pydantic import ValidationError

    from monitor.config import MONITOR_FILE, DaemonConfig, find_config_dir
    from monitor.daemon import daemon_state_dir
    from monitor.store import location_problem

    base = find_config_dir(args.config)
    mpath = base / MONITOR_FILE if base.is_dir() else base
    try:
        raw = tomllib.loads(mpath.read_text(encoding="utf-8")).get("daemon", {})
        daemon = DaemonConfig.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
        return []  # already reported
    problem = location_problem(daemon.store, daemon_state_dir(daemon))
    return [f"{mpath}: daemon.store: {problem}"] if problem else []


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return n


def cmd_replay(args: argparse.Namespace) -> int:
    from monitor.replay import replay_files

    def load() -> tuple[WatchlistConfig, Backend]:
        cfg = _config(args)
        return cfg.watchlist, args.parser or cfg.monitor.fetch.parser

    jobs = args.jobs
    if jobs is None:
        from monitor.workers import default_jobs

        jobs = default_jobs()
    try:  # (every file is read before the first line is printed)
        for line in replay_files(load, args.files, args.parser, jobs):
            print(line, flush=False)
        sys.stdout.flush()
    except BrokenPipeError:  # (`| head`: the reader has what it wanted)
        return 0
    except OSError as exc:  # a file that cannot be read, or the output that cannot be written
        print(f"news-monitor replay: {exc.filename or 'standard output'}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from monitor.explain import explain_entry, explain_text

    cfg = _config(args)
    if args.link:
        return _explain_link(args)
    if args.file:
        print(explain_entry(cfg.watchlist, args.file, args.entry, args.lang,
                            args.parser or cfg.monitor.fetch.parser))
    elif args.text:
        print(explain_text(cfg.watchlist, args.text, args.lang))
    else:
        print("explain: give TEXT, --file FEED --entry N, or --link URL", file=sys.stderr)
        return 2
    return 0


def _explain_link(args: argparse.Namespace) -> int:
    """`explain --link URL`: an archived item, read from the store."""
    from monitor import archive
    from monitor.daemon import state_dir
    from monitor.explain import explain_archived
    from monitor.store import open_store

    cfg = _store_config(args)

    def show() -> int:
        store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        try:
            item = archive.by_link(store, args.link)
        finally:
            store.close()
        print(explain_archived(cfg.watchlist, item, args.link, args.lang))
        return 0 if item is not None else 1

    return _service_errors(cfg, show)


def cmd_backtest(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor import archive
    from monitor.backtest import as_json, render, run
    from monitor.config import load_watchlist
    from monitor.daemon import state_dir
    from monitor.replay import load_items
    from monitor.store import open_store

    cfg = _store_config(args) if not args.files else _config(args)
    candidate = load_watchlist(Path(args.candidate))

    def show(items: object, origin: str) -> int:
        bt = run(cfg.watchlist, candidate, items)  # type: ignore[arg-type]
        if args.json:
            print(json.dumps(as_json(bt, origin), ensure_ascii=False, indent=2))
        else:
            print(render(bt, origin))
        return 0

    if args.files:
        return show(load_items(args.files, args.parser or cfg.monitor.fetch.parser),
                    f"{len(args.files)} feed file{'s' if len(args.files) > 1 else ''}")

    def from_archive() -> int:
        store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        try:
            return show(archive.all_items(store), "the archive")
        finally:
            store.close()

    return _service_errors(cfg, from_archive)


def cmd_seed(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor.config import WATCHLIST_FILE, find_config_dir, load_watchlist
    from monitor.seeding import derive, render_report, seed_diff

    if args.watchlist:
        path = Path(args.watchlist)
    else:  # the watchlist of the config found as every command finds it (--config first)
        base = find_config_dir(args.config)
        path = base / WATCHLIST_FILE if base.is_dir() else base.parent / WATCHLIST_FILE
    wl = load_watchlist(path)
    result = derive(wl, [Path(p) for p in args.files])
    print(render_report(result))
    new, diff = seed_diff(path, result)
    if not diff:
        print(f"{path}: the histories already say this; nothing to write", file=sys.stderr)
    elif args.write:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: histories written (the diff above is what changed)", file=sys.stderr)
    if diff:
        print(diff, end="")
        if not args.write:
            print(f"{path}: not written; run again with --write to apply this diff",
                  file=sys.stderr)
    return 0


def _service_errors(cfg: Config, fn: Callable[[], int]) -> int:
    """Run a command that uses the store; a store that cannot be used (corrupt, newer, locked
    past the busy timeout, unreachable, full) is one line and exit 69, not a traceback."""
    from sqlalchemy.exc import OperationalError

    from monitor.daemon import state_dir
    from monitor.store import StoreError, located, unusable

    try:
        return fn()
    except StoreError as exc:
        print(f"news-monitor: {exc}", file=sys.stderr)
    except OperationalError as exc:
        url = located(cfg.monitor.daemon.store, state_dir(cfg))
        print(f"news-monitor: {unusable(url, exc)}", file=sys.stderr)
    return EX_UNAVAILABLE


def cmd_once(args: argparse.Namespace) -> int:
    import asyncio

    from monitor.daemon import run_once, setup_logging

    cfg = _store_config(args)
    setup_logging(cfg.monitor.daemon.log_level)
    return _service_errors(cfg, lambda: asyncio.run(run_once(cfg)))


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from monitor.daemon import run_forever, setup_logging

    cfg = _store_config(args)
    setup_logging(cfg.monitor.daemon.log_level)
    return _service_errors(cfg, lambda: asyncio.run(run_forever(cfg, args.config)))


def cmd_serve(args: argparse.Namespace) -> int:
    """The web pages alone, over an existing store (no polling, nothing written)."""
    import asyncio

    from monitor.config import split_listen
    from monitor.daemon import serve_forever, setup_logging, state_dir
    from monitor.store import sqlite_path

    cfg = _store_config(args)
    listen = args.listen or cfg.monitor.web.listen or "127.0.0.1:8088"
    try:
        split_listen(listen)
    except ValueError as exc:
        print(f"serve: --listen {exc}", file=sys.stderr)
        return 2
    if args.listen and not cfg.monitor.web.allow_public:
        from monitor.config import is_loopback

        if not is_loopback(split_listen(listen)[0]):
            print(f"serve: {listen} is not a loopback address; set [web] allow_public = true "
                  "to serve beyond it (behind a reverse proxy with authentication)",
                  file=sys.stderr)
            return 2
    path = sqlite_path(cfg.monitor.daemon.store, state_dir(cfg))
    if path is not None and not path.exists():
        print(f"serve: no database at {path} (serve shows an existing store; `run` or `once` "
              "makes one)", file=sys.stderr)
        return EX_UNAVAILABLE
    setup_logging(cfg.monitor.daemon.log_level)
    return _service_errors(cfg, lambda: asyncio.run(serve_forever(cfg, listen)))


def cmd_db(args: argparse.Namespace) -> int:
    from monitor.daemon import state_dir
    from monitor.store import open_store

    cfg = _store_config(args)

    def upgrade() -> int:
        store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        print(f"database at schema revision {store.revision()}")
        store.close()
        return 0

    return _service_errors(cfg, upgrade)


def cmd_digest(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from monitor.daemon import Service, setup_logging
    from monitor.deliver import preview
    from monitor.digest import render_text
    from monitor.routing import feed_tags

    cfg = _store_config(args)
    setup_logging(cfg.monitor.daemon.log_level)
    names = {c.name for c in cfg.monitor.channels}
    if args.channel and args.channel not in names:
        print(f"digest: no channel {args.channel!r} (have: {', '.join(sorted(names))})",
              file=sys.stderr)
        return 2

    async def go() -> int:
        svc = Service(cfg)
        try:
            if args.send:
                sent, failed = await svc.deliver(args.channel)
                print(f"sent {sent}, failed {failed}")
                return 1 if failed else 0
            for ch in cfg.monitor.channels:
                if args.channel in (None, ch.name):
                    digest, _last = preview(svc.store, svc.wl, ch, datetime.now(UTC),
                                            feed_tags(cfg.monitor.feeds))
                    print(f"--- channel {ch.name} ({ch.kind}) ---")
                    print(render_text(digest) if not digest.empty or ch.heartbeat
                          else "(nothing new: nothing would be sent)")
            return 0
        finally:
            await svc.aclose()

    return _service_errors(cfg, lambda: asyncio.run(go()))


def cmd_test_notify(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from monitor.notify import DeliveryError, sender_for
    from monitor.store import Delivery

    cfg = _config(args)
    channel = next((c for c in cfg.monitor.channels if c.name == args.channel), None)
    if channel is None:
        print(f"test-notify: no channel {args.channel!r}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    key = f"test-{int(now.timestamp())}"
    text = f"news-monitor test message for channel {channel.name} ({now:%Y-%m-%d %H:%M} UTC)."
    payload = json.dumps({"type": "news-monitor.test", "id": key, "channel": channel.name})
    d = Delivery(0, channel.name, key, "news-monitor test message", text,
                 f"<p>{text}</p>", payload, 0, now)
    try:
        asyncio.run(sender_for(channel.kind)(channel, d, cfg.secrets.get(channel.name)))
    except DeliveryError as exc:
        print(f"test-notify: {channel.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"test-notify: sent to {channel.name}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from monitor.daemon import state_dir
    from monitor.status import collect, render
    from monitor.store import open_store

    cfg = _store_config(args)

    def show() -> int:
        store = open_store(cfg.monitor.daemon.store, state_dir(cfg))
        try:
            data = collect(store, cfg)
        finally:
            store.close()
        print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else render(data))
        return 0

    return _service_errors(cfg, show)


def cmd_feeds(args: argparse.Namespace) -> int:
    """`feeds import FILE.opml`, `feeds export`, `feeds add URL`."""
    cfg = _config(args)
    if args.action == "export":
        from monitor.feedsfile import opml_feeds
        from monitor.opml import render_opml

        sys.stdout.write(render_opml(opml_feeds(cfg.monitor.feeds)))
        return 0
    if args.action == "import":
        return _feeds_import(cfg, args)
    return _feeds_add(cfg, args)


def _feeds_import(cfg: Config, args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor.feedsfile import NewFeed
    from monitor.opml import MAX_OPML, OpmlError, parse_opml

    path = Path(args.file)
    try:
        size = path.stat().st_size
        if size > MAX_OPML:
            raise OpmlError(f"refused: over {MAX_OPML} bytes")
        feeds = parse_opml(path.read_bytes())
    except OSError as exc:
        print(f"feeds import: {path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except OpmlError as exc:
        print(f"feeds import: {path}: {exc}", file=sys.stderr)
        return 1
    new = [NewFeed(f.url, f.title, f.tags, args.allow_private) for f in feeds]
    return _append(cfg, new, "feeds import")


def _feeds_add(cfg: Config, args: argparse.Namespace) -> int:
    import asyncio

    from monitor.config import check_public_url
    from monitor.discover import Found, discover
    from monitor.feedsfile import NewFeed
    from monitor.fetch import Fetcher
    from monitor.netguard import mask_credentials

    try:
        check_public_url(args.url, args.allow_private)
    except ValueError as exc:
        print(f"feeds add: {exc}", file=sys.stderr)
        return 2

    async def go() -> Found:
        fetcher = Fetcher(cfg.monitor.fetch, cfg.monitor.daemon.user_agent_contact)
        try:
            return await discover(fetcher, args.url, args.allow_private)
        finally:
            await fetcher.aclose()

    found = asyncio.run(go())
    for url, why in found.tried:
        print(f"feeds add: tried {mask_credentials(url)}: {why}", file=sys.stderr)
    if found.url is None:
        print(f"feeds add: no RSS or Atom feed found at {mask_credentials(args.url)} "
              "(the page, its <link rel=\"alternate\"> and the usual paths)", file=sys.stderr)
        return 1
    title = args.name or found.title
    return _append(cfg, [NewFeed(found.url, title, (), args.allow_private)], "feeds add")


def _append(cfg: Config, feeds: list, what: str) -> int:  # type: ignore[type-arg]
    """Append valid feeds to monitor.toml (atomically); one line per feed added or skipped."""
    import os
    import tempfile

    from pydantic import ValidationError

    from monitor.config import FeedConfig
    from monitor.feedsfile import append_feeds
    from monitor.netguard import mask_credentials

    path = cfg.monitor_path
    text = path.read_text(encoding="utf-8")
    valid = []
    refused = 0
    for f in feeds:
        try:
            FeedConfig(name="x", url=f.url, allow_private=f.allow_private, tags=list(f.tags))
        except ValidationError as exc:
            why = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
            print(f"{what}: refused {mask_credentials(f.url)}: {why}", file=sys.stderr)
            refused += 1
            continue
        valid.append(f)
    out = append_feeds(text, valid)
    for url, name in out.skipped:
        print(f"{what}: skipped {mask_credentials(url)}: already there as {name!r}")
    for name, url in out.added:
        print(f"{what}: added {name!r} {mask_credentials(url)}")
    if out.added:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(out.text)
            os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        print(f"{what}: {path}: {len(out.added)} feed(s) added, {len(out.skipped)} already "
              f"there, {refused} refused")
    else:
        print(f"{what}: {path}: nothing added ({len(out.skipped)} already there, "
              f"{refused} refused)")
    return 1 if refused and not out.added and not out.skipped else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    return run_demo(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="news-monitor",
        description="Watch news feeds for revised figures and send digest alerts.",
        epilog="Config lookup: --config PATH, then $NEWS_MONITOR_CONFIG, then /etc/news-monitor/, "
        "then ./config/. Exit status 78 means the config was refused.",
    )
    parser.add_argument("--version", action="version", version=f"news-monitor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--config",
            metavar="PATH",
            help="config folder, or monitor.toml with watchlist.toml beside it",
        )
        p.set_defaults(handler=handler)
        return p

    add("check-config", cmd_check_config, "Validate the config; print a summary or every error.")

    p = add(
        "replay",
        cmd_replay,
        "Run the pure pipeline over saved feed files on a fresh temporary state and print "
        "match, revision, competing, correction, corroboration and held_for_review events as "
        "JSON lines.",
    )
    p.add_argument("--jsonl", action="store_true", help="JSON lines output (the only format)")
    p.add_argument("files", nargs="+", metavar="FILE", help="RSS or Atom files")
    p.add_argument("--parser", choices=["auto", "fast", "feedparser"],
                   help="feed parser (default: fetch.parser of the config, normally auto)")
    p.add_argument("--jobs", type=_positive_int, metavar="N",
                   help="processes that read and analyse the files (default: the processors "
                   "available, at most 8; 1: none forked); the events are the same whatever N")
    p.set_defaults(exit_at_once=True)

    p = add(
        "explain",
        cmd_explain,
        "Show every quantity in TEXT (or one feed entry, or an archived item), the evidence "
        "for and against each figure, the verdict, and the terms matched.",
    )
    p.add_argument("text", nargs="?", help="a sentence or paragraph")
    p.add_argument("--file", metavar="FEED", help="a saved RSS or Atom file")
    p.add_argument("--entry", type=int, default=0, metavar="N", help="entry index (from 0)")
    p.add_argument("--link", metavar="URL", help="an item read by the daemon, from the archive "
                   "(its latest version; [daemon] archive says how long text is kept)")
    p.add_argument("--lang", choices=["fr", "en"], help="language hint for numbers")
    p.add_argument("--parser", choices=["auto", "fast", "feedparser"],
                   help="feed parser for --file (default: fetch.parser of the config)")

    p = add(
        "backtest",
        cmd_backtest,
        "Judge the archive (or saved feed files) with a candidate watchlist and with the "
        "running one, each from its own histories, and print per watch the alerts the "
        "candidate adds, removes or changes, with quotes, and the items it matches more or "
        "fewer.",
    )
    p.add_argument("candidate", metavar="WATCHLIST", help="the candidate watchlist.toml")
    p.add_argument("--files", nargs="+", metavar="FEED",
                   help="saved RSS or Atom files instead of the archive")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--parser", choices=["auto", "fast", "feedparser"],
                   help="feed parser for --files (default: fetch.parser of the config)")

    p = add(
        "seed",
        cmd_seed,
        "Derive each figure's history from seed documents, with quotes and dates, list what "
        "could not be attributed, and show the watchlist change as a unified diff (--write "
        "applies it).",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="seed documents (plain text)")
    p.add_argument(
        "--watchlist",
        metavar="PATH",
        help="watchlist whose figures are seeded (default: the watchlist.toml of the config: "
        "--config, then $NEWS_MONITOR_CONFIG, then /etc/news-monitor/, then ./config/)",
    )
    p.add_argument("--write", action="store_true",
                   help="apply the diff shown: in each figure's history, the entries cited from "
                   "these files are re-derived, every other entry and figure is kept as it is")

    add("run", cmd_run, "Run the daemon: poll feeds on their intervals, judge, store, and send "
        "digests on each channel's schedule, until SIGTERM.")
    add("once", cmd_once, "Poll every feed once, judge, store, deliver pending digests, exit "
        "(0; 1 if every feed it polled failed; 69 if the database cannot be used; feeds "
        "other instances are polling are skipped with a line saying so). For cron, tests "
        "and benchmarks.")
    p = add("digest", cmd_digest, "Show what each channel would be sent now (--dry-run, the "
            "default) or build and send pending digests now (--send).")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--dry-run", action="store_true", help="show, send nothing (default)")
    g.add_argument("--send", action="store_true", help="build and send what is pending")
    p.add_argument("--channel", metavar="NAME", help="only this channel")

    p = add("test-notify", cmd_test_notify, "Send a test message to one channel, now, and say "
            "whether it was accepted.")
    p.add_argument("channel", metavar="CHANNEL", help="the channel's name")

    p = add("status", cmd_status, "Per feed the last success, last error and next poll; per "
            "figure the current value and last revision; per channel whether it is disabled "
            "(a webhook that answered 410) and why; the outbox's pending and failed.")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("feeds", cmd_feeds, "Manage the feeds of monitor.toml: import an OPML file, "
            "export them as OPML, or add a site's feed (found by discovery).")
    fsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    config_help = "config folder, or monitor.toml with watchlist.toml beside it"
    q = fsub.add_parser("import", help="append the feeds of an OPML file to monitor.toml "
                        "(folders and categories kept as tags; a URL already there is skipped)",
                        description="Append every feed of an OPML 2.0 (or 1.0) file to "
                        "monitor.toml, keeping its comments and layout: names derived from the "
                        "titles and made unique, folders and categories kept as `tags`, a feed "
                        "whose URL is already there skipped with a line. Files with entity "
                        "declarations or over 10 MB are refused.")
    q.add_argument("file", metavar="FILE.opml", help="the OPML file")
    q.add_argument("--allow-private", action="store_true",
                   help="accept loopback or private-network hosts (written as allow_private)")
    q.add_argument("--config", metavar="PATH", help=config_help, default=argparse.SUPPRESS)
    q = fsub.add_parser("export", help="print the feeds as OPML 2.0 on stdout",
                        description="Print every feed of monitor.toml as OPML 2.0 on stdout "
                        "(tags as folders and categories), for another reader to import.")
    q.add_argument("--config", metavar="PATH", help=config_help, default=argparse.SUPPRESS)
    q = fsub.add_parser("add", help="find the feed of a page or site and append it",
                        description="Fetch URL (with the daemon's address policy and limits); "
                        "if it is a feed, append it; otherwise try its <link rel=\"alternate\"> "
                        "RSS and Atom links, then /feed, /rss, /rss.xml, /atom.xml, /feed.xml "
                        "and /index.xml of its site, and append the first that parses as a feed."
                        " Exit 1 when none is found.")
    q.add_argument("url", metavar="URL", help="a feed, or a page of the site")
    q.add_argument("--name", help="title the feed's name is derived from (default: its title)")
    q.add_argument("--allow-private", action="store_true",
                   help="allow a loopback or private-network host (written as allow_private)")
    q.add_argument("--config", metavar="PATH", help=config_help, default=argparse.SUPPRESS)

    p = add("serve", cmd_serve, "Serve the read-only web pages, Atom feed and JSON API alone "
            "over an existing store (SQLite or PostgreSQL), without polling: for a second "
            "machine or a copy of the state. `run` serves them itself when [web] listen is set.")
    p.add_argument("--listen", metavar="HOST:PORT",
                   help="address to serve on (default: [web] listen, else 127.0.0.1:8088); "
                   "beyond loopback only with [web] allow_public = true")

    p = add("db", cmd_db, "Database maintenance: `db upgrade` applies the schema migrations.")
    p.add_argument("action", choices=["upgrade"], help="what to do")

    p = add(
        "demo",
        cmd_demo,
        "Serve the bundled sample feeds on 127.0.0.1, poll them once through the real path "
        "on a temporary SQLite state, and print the digest to the terminal (no outside "
        "network, no SMTP).",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m monitor`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EX_CONFIG
    except BrokenPipeError:  # pragma: no cover - `| head`
        return 0
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback (workers ended already)
        print(f"news-monitor {args.command}: interrupted", file=sys.stderr)
        return 130
    if argv is None and getattr(args, "exit_at_once", False):
        exit_at_once(code)
    return code


def exit_at_once(code: int) -> None:
    """End the process now, its output flushed, without tearing down its heap: a command
    that holds nothing to close when it returns (`replay`: the items, analyses and caches of
    every file) spent about 40 ms of a 0.5 s run freeing them one by one (issue 19). Only
    where the command is the process's own (`main` called with no arguments): a caller that
    imports `main` keeps its process."""
    import contextlib
    import logging

    try:
        sys.stdout.flush()
    except BrokenPipeError:  # (`| head`: what was wanted was read)
        pass
    except OSError as exc:
        print(f"news-monitor: standard output: {exc.strerror or exc}", file=sys.stderr)
        code = code or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
