"""Saved feed files read and analysed on several processes, for `replay` (issue 19).

Parsing and `analyse` are pure, item by item; only judging needs the items one at a time, in
order. So the files are shared out among forked workers (each inherits the compiled
watchlist), each parses and analyses its own files, and the caller judges every analysis in
the judging order (`feeds.judging_order`), as one process would: the same events in the same
order, whatever the number of workers (tests/test_workers.py). A worker that fails or dies
costs nothing but time: its files are read again in the calling process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
from collections.abc import Sequence
from pathlib import Path

from monitor.engine.pipeline import Analysis, analyse
from monitor.engine.watchlist import Watchlist
from monitor.feeds import Backend, judging_order, read_file

MIN_BYTES_PER_JOB = 256 * 1024  # less than this per worker, and a fork costs more than it saves
MAX_JOBS = 8


def default_jobs() -> int:
    """The processors this process may run on, at most MAX_JOBS."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on Linux)
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_JOBS))


def share(sizes: Sequence[int], jobs: int) -> list[list[int]]:
    """File indexes shared out among `jobs` groups of about the same bytes: each file, the
    largest first, to the lightest group so far (each group in file order)."""
    groups: list[list[int]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = load.index(min(load))
        groups[k].append(i)
        load[k] += sizes[i]
    return [sorted(g) for g in groups if g]


Analysed = dict[int, list[Analysis]]  # file index -> the analyses of its items, in file order


def _analyse_files(wl: Watchlist, paths: Sequence[Path], indexes: Sequence[int],
                   backend: Backend, exhaustive: bool) -> Analysed:
    return {i: [analyse(wl, it, exhaustive=exhaustive) for it in read_file(paths[i], backend)]
            for i in indexes}


def _fork(wl: Watchlist, paths: Sequence[Path], indexes: Sequence[int], backend: Backend,
          exhaustive: bool) -> tuple[int, int] | None:
    """A worker analysing these files, writing them pickled to a pipe: (pid, read end), or
    None when no process can be started."""
    try:
        r, w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the worker: never returns
        code = 0
        try:
            os.close(r)
            data = pickle.dumps(_analyse_files(wl, paths, indexes, backend, exhaustive),
                                protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(w, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001 (the parent reads these files itself)
            code = 1
        os._exit(code)
    os.close(w)
    return pid, r


def _collect(pid: int, r: int) -> Analysed | None:
    """What a worker wrote, once it has exited well; None if it did not. Interrupted, it
    ends the worker before raising (`_end`)."""
    try:
        with os.fdopen(r, "rb") as src:
            data = src.read()
        _pid, status = os.waitpid(pid, 0)
    except BaseException:
        _end(pid, None)
        raise
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        got = pickle.loads(data)  # noqa: S301 (our own child's bytes, through our own pipe)
    except Exception:  # noqa: BLE001
        return None
    return got if isinstance(got, dict) else None


def _end(pid: int, r: int | None) -> None:
    """A worker whose analyses are not wanted ended: its pipe closed, the process killed and
    waited for, so that none is left running, blocked on a full pipe, or unwaited (a zombie
    for as long as the caller runs)."""
    if r is not None:
        with contextlib.suppress(OSError):
            os.close(r)
    with contextlib.suppress(OSError):  # (exited already)
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):  # (waited for already)
        os.waitpid(pid, 0)


def analysed_in_order(wl: Watchlist, files: Sequence[str | Path], backend: Backend = "auto",
                      jobs: int = 1, exhaustive: bool = False,
                      min_bytes: int = MIN_BYTES_PER_JOB) -> list[Analysis]:
    """The analyses of every item of these files, in judging order (`order_items`), read on
    up to `jobs` processes (the calling one included), each given `min_bytes` at least."""
    paths = [Path(f) for f in files]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    jobs = max(1, min(jobs, len(paths), sum(sizes) // max(1, min_bytes)))
    groups = share(sizes, jobs) if paths else []
    workers: list[tuple[list[int], tuple[int, int] | None]] = []
    caller = os.getpid()
    if len(groups) > 1:
        # what is alive now (the watchlist, its caches, the modules) is left out of every
        # collection until the workers are in: a worker's collections then neither walk nor
        # write to the pages it shares with the caller (Python's advice for fork, `gc.freeze`)
        gc.freeze()
    try:
        for g in groups[1:]:
            workers.append((g, _fork(wl, paths, g, backend, exhaustive)
                            if hasattr(os, "fork") else None))
        by_file = _analyse_files(wl, paths, groups[0], backend, exhaustive) if groups else {}
        for k, (g, worker) in enumerate(workers):
            workers[k] = (g, None)  # (collected: `_collect` ends it, whatever happens)
            got = _collect(*worker) if worker is not None else None
            by_file.update(got if got is not None else _analyse_files(wl, paths, g, backend,
                                                                       exhaustive))
    finally:  # failed or interrupted (a file not there, Ctrl-C): no worker left behind
        if os.getpid() != caller:  # a worker interrupted before its `try`: not our code
            os._exit(1)
        if len(groups) > 1:
            gc.unfreeze()
        for _g, worker in workers:
            if worker is not None:
                _end(*worker)
    analyses = [a for i in range(len(paths)) for a in by_file.get(i, ())]
    return [analyses[i] for i in judging_order([a.item for a in analyses])]
