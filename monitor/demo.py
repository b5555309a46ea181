"""`news-monitor demo`: the README's first command, on embedded defaults, no network needed.

Serves the bundled sample feeds (monitor/demo_data/) on 127.0.0.1, writes a temporary config
(SQLite state in a temporary folder, the console channel) and runs the real `once` path:
fetch -> parse -> judge -> store -> digest -> console.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from monitor.config import find_config_dir, load_config
from monitor.daemon import run_once, setup_logging

DEMO_DATA = Path(__file__).parent / "demo_data"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def watchlist_text(config: str | None) -> str:
    """The configured watchlist, else the copy embedded in the package."""
    path = find_config_dir(config) / "watchlist.toml"
    if config is not None or path.exists():
        return path.read_text(encoding="utf-8")
    return (DEMO_DATA / "watchlist.toml").read_text(encoding="utf-8")


def demo_config(folder: Path, port: int, watchlist: str) -> Path:
    feeds = sorted(p.name for p in DEMO_DATA.iterdir() if p.suffix in (".xml", ".atom"))
    lines = ["[daemon]", 'store = "sqlite:///demo.db"', f'state_dir = "{folder / "state"}"',
             'log_level = "warning"', ""]
    for name in feeds:
        lines += ["[[feeds]]", f'name = "{Path(name).stem}"',
                  f'url = "http://127.0.0.1:{port}/{name}"', "allow_private = true", ""]
    lines += ["[[channels]]", 'name = "terminal"', 'kind = "console"']
    (folder / "monitor.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "watchlist.toml").write_text(watchlist, encoding="utf-8")
    return folder


def run_demo(args: argparse.Namespace) -> int:
    handler = functools.partial(_Quiet, directory=str(DEMO_DATA))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory(prefix="news-monitor-demo-") as tmp:
            folder = demo_config(Path(tmp), httpd.server_address[1], watchlist_text(args.config))
            cfg = load_config(folder)
            setup_logging(cfg.monitor.daemon.log_level)
            return asyncio.run(run_once(cfg))
    finally:
        httpd.shutdown()
        httpd.server_close()
