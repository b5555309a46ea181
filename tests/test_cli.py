"""The command line: every subcommand has help text, and `python -m monitor` works."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_known_subcommands_exist() -> None:
    assert {"check-config", "replay", "explain", "seed", "demo"} <= set(subcommands())


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_each_subcommand_has_help(name: str) -> None:
    sub = subcommands()[name]
    assert sub.description and len(sub.description) > 20
    res = subprocess.run([sys.executable, "-m", "monitor", name, "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0
    assert f"usage: news-monitor {name}" in res.stdout
    assert "--config" in res.stdout


def test_top_level_help_lists_every_subcommand() -> None:
    res = subprocess.run([sys.executable, "-m", "monitor", "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0
    for name in subcommands():
        assert name in res.stdout
