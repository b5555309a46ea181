"""`news-monitor demo`: the README's first command, on embedded defaults, no network.

Replays the bundled sample feeds (monitor/demo_data/) through the real pipeline on a fresh
in-memory state and prints the console digest.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import WatchlistConfig, find_config_dir, load_watchlist
from monitor.digest import build, render_text
from monitor.pipeline import Engine
from monitor.replay import load_items
from monitor.watchlist import compile_watchlist

DEMO_DATA = Path(__file__).parent / "demo_data"


def demo_watchlist(config: str | None) -> WatchlistConfig:
    """The configured watchlist, else the copy embedded in the package."""
    path = find_config_dir(config) / "watchlist.toml"
    if config is not None or path.exists():
        return load_watchlist(path)
    return load_watchlist(DEMO_DATA / "watchlist.toml")


def run_demo(args: argparse.Namespace) -> int:
    wl = demo_watchlist(args.config)
    files = sorted(p for p in DEMO_DATA.iterdir() if p.suffix in (".xml", ".atom"))
    engine = Engine(compile_watchlist(wl))
    events = [ev for item in load_items(files) for ev in engine.process(item)]
    histories = {fid: st.history for fid, st in engine.states.items()}
    digest = build("demo", "en", events, histories, 20, datetime.now(UTC))
    print(render_text(digest))
    return 0
