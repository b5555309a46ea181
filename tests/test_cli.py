"""The command line: every subcommand has help text, and `python -m monitor` works."""

from __future__ import annotations

import argparse
import os
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


REPLAY_FILES = sorted(str(p) for p in (ROOT / "tests" / "data" / "replay").iterdir()
                      if p.suffix in (".xml", ".atom"))


def test_replay_into_a_pipe_closed_early_ends_quietly() -> None:
    """`replay ... | head -1`: the reader has what it wanted; exit 0 and nothing on stderr
    (it said "news-monitor replay: : Broken pipe" and exit 2)."""
    with subprocess.Popen(
        [sys.executable, "-m", "monitor", "replay", "--jsonl", "--config",
         str(ROOT / "config"), *REPLAY_FILES],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # (as head does once it has its line)
        err = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert first.startswith(b'{"event": "match"')
    assert (code, err) == (0, b"")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_replay_says_when_its_output_cannot_be_written(jobs: str) -> None:
    with open("/dev/full", "w") as full:
        got = subprocess.run(
            [sys.executable, "-m", "monitor", "replay", "--jsonl", "--config",
             str(ROOT / "config"), *REPLAY_FILES, "--jobs", jobs],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert got.returncode == 2
    assert got.stderr == "news-monitor replay: standard output: No space left on device\n"


def test_replay_interrupted_says_so_in_one_line(tmp_path: Path) -> None:
    """Ctrl-C during `replay` (workers running): exit 130, one line, no traceback, and no
    worker left behind (the process group is empty once it has exited)."""
    import signal
    import time

    src = [Path(f) for f in REPLAY_FILES]
    files = []
    for k in range(300):  # seconds of reading, whatever the machine
        for f in src:
            copy = tmp_path / f"{k}-{f.name}"
            copy.write_bytes(f.read_bytes())
            files.append(str(copy))
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "replay", "--jsonl", "--config", str(ROOT / "config"),
         *files, "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True)
    time.sleep(0.8)
    assert proc.poll() is None, "replay ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # (as a terminal's Ctrl-C: the whole group)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == "news-monitor replay: interrupted\n"
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
