"""`replay` on several processes (monitor/workers.py, issue 19): the same events, in the same
order, whatever the number of workers; a worker that fails costs time, never events."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor import workers
from monitor.config import ConfigError, WatchlistConfig, load_watchlist
from monitor.engine.pipeline import Engine, analyse
from monitor.engine.watchlist import compile_watchlist
from monitor.feeds import Backend, read_file
from monitor.replay import event_json, load_items, replay_events, replay_files
from tests.bigwatchlist import generated_watchlist
from tests.conftest import ROOT, feeds_real, needs_feeds_real

REPLAY = ROOT / "tests" / "data" / "replay"
SHIPPED = ROOT / "config" / "watchlist.toml"
FILES = sorted(p for p in REPLAY.iterdir() if p.suffix in (".xml", ".atom"))


def _one_process(wl_path: Path, files: list[Path]) -> list[dict[str, object]]:
    engine = Engine(compile_watchlist(load_watchlist(wl_path)))
    return [event_json(e) for it in load_items(files) for e in engine.process(it)]


def _in_workers(wl_path: Path, files: list[Path], jobs: int) -> list[dict[str, object]]:
    engine = Engine(compile_watchlist(load_watchlist(wl_path)))
    return [event_json(e)
            for a in workers.analysed_in_order(engine.wl, files, jobs=jobs, min_bytes=1)
            for e in engine.process(a.item, a)]


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_the_fixtures_give_the_same_events_on_any_number_of_workers(jobs: int) -> None:
    want = _one_process(SHIPPED, FILES)
    assert len(want) > 20
    assert _in_workers(SHIPPED, FILES, jobs) == want
    claims = ROOT / "tests" / "data" / "replay-claimants"
    files = sorted(p for p in claims.iterdir() if p.suffix in (".xml", ".atom"))
    assert _in_workers(claims / "watchlist.toml", files, jobs) == _one_process(
        claims / "watchlist.toml", files)


def test_the_files_are_shared_by_bytes_each_group_in_file_order() -> None:
    # 50 -> A, 30 -> B, 20 -> B (50 each), 10 -> A (the first of the lightest), 5 -> B
    assert workers.share([10, 50, 20, 30, 5], 2) == [[0, 1], [2, 3, 4]]
    assert workers.share([1, 1, 1], 5) == [[0], [1], [2]]
    assert sorted(i for g in workers.share(list(range(40)), 3) for i in g) == list(range(40))


def test_a_worker_that_fails_costs_no_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that raise (as one killed or out of memory would exit badly): the calling
    process reads their files itself."""
    parent = os.getpid()
    real = workers._analyse_files

    def failing_in_workers(*args: object, **kwargs: object) -> workers.Analysed:
        if os.getpid() != parent:
            raise MemoryError("a worker out of memory")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "_analyse_files", failing_in_workers)
    assert _in_workers(SHIPPED, FILES, 3) == _one_process(SHIPPED, FILES)


def test_small_inputs_are_read_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below MIN_BYTES_PER_JOB a file set is read without forking (a fork costs more)."""
    assert sum(p.stat().st_size for p in FILES) < 2 * workers.MIN_BYTES_PER_JOB
    wl = compile_watchlist(load_watchlist(SHIPPED))

    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr(workers.os, "fork", no_fork)
    assert len(workers.analysed_in_order(wl, FILES, jobs=4)) == len(load_items(FILES))
    with pytest.raises(AssertionError, match="forked"):
        workers.analysed_in_order(wl, FILES, jobs=4, min_bytes=1)


def test_cli_replay_jobs_gives_the_same_output_and_refuses_zero(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "monitor", "replay", "--jsonl", "--config",
           str(ROOT / "config"), *map(str, FILES)]
    one = subprocess.run([*cmd, "--jobs", "1"], capture_output=True, text=True, check=True)
    many = subprocess.run([*cmd, "--jobs", "3"], capture_output=True, text=True, check=True)
    assert one.stdout == many.stdout and one.stdout.count("\n") > 20
    assert [json.loads(line)["event"] for line in one.stdout.splitlines()][0] == "match"
    bad = subprocess.run([*cmd, "--jobs", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--jobs: '0' is not a whole number of at least 1" in bad.stderr
    for jobs in ("1", "3"):  # a file that is not there: one line naming it, no output
        gone = subprocess.run([*cmd, str(tmp_path / "gone.xml"), "--jobs", jobs],
                              capture_output=True, text=True)
        assert gone.returncode == 2 and gone.stdout == ""
        assert gone.stderr == f"news-monitor replay: {tmp_path / 'gone.xml'}: No such file or directory\n"


@needs_feeds_real
def test_real_feeds_same_events_on_two_workers() -> None:
    files = feeds_real()
    for wl in (load_watchlist(SHIPPED), generated_watchlist(300, 100)):
        one = [event_json(e) for e in replay_events(wl, files, jobs=1)]
        two = [event_json(e) for e in replay_events(wl, files, jobs=2)]
        assert two == one
    assert len(one) > 300


@pytest.mark.parametrize("failure", [OSError(2, "No such file or directory", "gone.xml"),
                                     KeyboardInterrupt()])
def test_workers_are_ended_and_waited_for_when_the_caller_fails(
        monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    """The calling process failing on its own files (one not there) or interrupted (Ctrl-C)
    leaves no worker running, blocked on its pipe or unwaited (a zombie), and no pipe open."""
    parent = os.getpid()
    real_analyse, real_fork = workers._analyse_files, workers._fork
    forked: list[tuple[int, int, int]] = []  # pid, and the caller's ends of its two pipes

    def failing_in_the_parent(*args: object, **kwargs: object) -> workers.Analysed:
        if os.getpid() == parent:
            raise failure
        return real_analyse(*args, **kwargs)  # type: ignore[arg-type]

    def recorded(*args: object, **kwargs: object) -> workers._Worker | None:
        got = real_fork(*args, **kwargs)  # type: ignore[arg-type]
        if got is not None and os.getpid() == parent:
            forked.append((got.pid, got.orders, got.results))
        return got

    monkeypatch.setattr(workers, "_analyse_files", failing_in_the_parent)
    monkeypatch.setattr(workers, "_fork", recorded)
    wl = compile_watchlist(load_watchlist(SHIPPED))
    try:
        with pytest.raises(type(failure)):
            workers.analysed_in_order(wl, FILES, jobs=3, min_bytes=1)
        assert len(forked) == 2
        for pid, *fds in forked:
            with pytest.raises(ChildProcessError):  # waited for already
                os.waitpid(pid, os.WNOHANG)
            for fd in fds:
                with pytest.raises(OSError):  # closed
                    os.fstat(fd)
    finally:  # (without the fix: end them here, not at the end of the test run)
        for pid, *fds in forked:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_a_fork_that_fails_leaves_no_pipe_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process can be started (too many): the files are read in process, and the pipe
    made for each worker is closed."""
    wl = compile_watchlist(load_watchlist(SHIPPED))
    want = len(workers.analysed_in_order(wl, FILES, jobs=1))

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(workers.os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd"))
    assert len(workers.analysed_in_order(wl, FILES, jobs=4, min_bytes=1)) == want
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_worker_interrupted_before_its_work_never_runs_the_callers_code(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Ctrl-C reaching a worker right after the fork, before it starts its work, ends it: it
    does not go on in the caller's code (ending the caller's other workers, printing, exiting
    as the caller would); its files are read by the caller."""
    parent = os.getpid()
    real_fork = os.fork
    escaped = tmp_path / "escaped"

    def interrupted_in_the_child() -> int:
        pid = real_fork()
        if pid == 0:
            raise KeyboardInterrupt  # (as SIGINT between the fork and the worker's `try`)
        return pid

    monkeypatch.setattr(workers.os, "fork", interrupted_in_the_child)
    wl = compile_watchlist(load_watchlist(SHIPPED))
    try:
        got = workers.analysed_in_order(wl, FILES, jobs=3, min_bytes=1)
    except KeyboardInterrupt:
        if os.getpid() != parent:
            escaped.write_text("a worker ran the caller's code")
            os._exit(3)
        raise
    assert not escaped.exists()
    assert [a.item.uid for a in got] == [it.uid for it in load_items(FILES)]


def _lines(jobs: int, backend: str = "auto", parser: str | None = None,
           load_check: Callable[[], None] = lambda: None) -> list[str]:
    def load() -> tuple[WatchlistConfig, Backend]:
        load_check()
        return load_watchlist(SHIPPED), backend  # type: ignore[return-value]

    return list(replay_files(load, FILES, parser, jobs))  # type: ignore[arg-type]


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_replay_forks_its_workers_before_reading_the_config_same_lines(
        monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """`replay` forks first and reads the config while the workers parse (issue 19): the
    workers are all there when the config is read, and the lines are those of one process."""
    want = _lines(1)
    assert len(want) > 20
    monkeypatch.setattr(workers, "MIN_BYTES_PER_JOB", 1)
    parent, real_fork = os.getpid(), workers._fork
    forked: list[int] = []

    def recorded(*args: object, **kwargs: object) -> workers._Worker | None:
        got = real_fork(*args, **kwargs)  # type: ignore[arg-type]
        if got is not None and os.getpid() == parent:
            forked.append(got.pid)
        return got

    def forked_already() -> None:
        assert len(forked) == jobs - 1

    monkeypatch.setattr(workers, "_fork", recorded)
    assert _lines(jobs, load_check=forked_already) == want
    for pid in forked:
        with pytest.raises(ChildProcessError):  # each collected
            os.waitpid(pid, os.WNOHANG)


def test_a_config_refused_after_the_fork_ends_the_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The config refused while the workers parse: the error is the command's, and no
    worker is left running or unwaited, no pipe open."""
    monkeypatch.setattr(workers, "MIN_BYTES_PER_JOB", 1)
    parent, real_fork = os.getpid(), workers._fork
    forked: list[tuple[int, int, int]] = []

    def recorded(*args: object, **kwargs: object) -> workers._Worker | None:
        got = real_fork(*args, **kwargs)  # type: ignore[arg-type]
        if got is not None and os.getpid() == parent:
            forked.append((got.pid, got.orders, got.results))
        return got

    def refused() -> None:
        raise ConfigError(["watchlist.toml: figures[0].unit: refused"])

    monkeypatch.setattr(workers, "_fork", recorded)
    with pytest.raises(ConfigError):
        _lines(3, load_check=refused)
    assert len(forked) == 2
    for pid, *fds in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        for fd in fds:
            with pytest.raises(OSError):
                os.fstat(fd)


def test_workers_read_again_when_the_config_asks_for_another_parser(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The workers parse with the parser given on the command line, else "auto", before the
    config says which: a config that asks for another has them read their files again with
    it; the lines are those of one process with that parser."""
    monkeypatch.setattr(workers, "MIN_BYTES_PER_JOB", 1)
    log = tmp_path / "reads"
    real_read = read_file  # (the one the workers call)

    def logged(path: Path, backend: str = "auto") -> object:
        with log.open("a") as out:
            out.write(f"{os.getpid()} {backend}\n")
        return real_read(path, backend)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "read_file", logged)
    assert _lines(3, backend="feedparser") == _lines(1, backend="feedparser")
    reads = [line.split() for line in log.read_text().splitlines()]
    workers_pids = {pid for pid, _b in reads if int(pid) != os.getpid()}
    assert len(workers_pids) == 2
    for pid in workers_pids:
        backends = [b for p, b in reads if p == pid]
        assert "auto" in backends and "feedparser" in backends
        assert backends.index("auto") < backends.index("feedparser")
    log.unlink()
    _lines(3, backend="feedparser", parser="feedparser")  # (--parser feedparser: read once)
    reads = [line.split() for line in log.read_text().splitlines()]
    assert {b for _p, b in reads} == {"feedparser"}


def test_a_compiled_watchlist_pickled_analyses_as_before() -> None:
    """What the workers are sent: the compiled watchlist, pickled without its lock and its
    caches of text words; the copy gives the same analyses."""
    wl = compile_watchlist(generated_watchlist(300, 100))
    items = load_items(FILES)
    want = [analyse(wl, it) for it in items]
    copy = pickle.loads(pickle.dumps(wl))
    assert copy.matcher._lock is not wl.matcher._lock
    assert "_unit_seen" not in copy.__dict__ and "_unit_seen" in wl.__dict__
    assert [analyse(copy, it) for it in items] == want
