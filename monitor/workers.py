"""Saved feed files read and analysed on several processes, for `replay` (issue 19).

Parsing and `analyse` are pure, item by item; only judging needs the items one at a time, in
order. So the files are shared out among forked workers, each parses and analyses its own
files, and the caller judges every analysis in the judging order (`feeds.judging_order`), as
one process would: the same events in the same order, whatever the number of workers
(tests/test_workers.py). A worker that fails or dies costs nothing but time: its files are
read again in the calling process.

The workers are forked before the caller reads its config (`start`): reading it (pydantic,
the watchlist compiled) is a tenth of a second that the workers spend parsing their files.
The caller then sends them the compiled watchlist (`Crew.analysed`) and takes a smaller share
of the files itself (`CALLER_WEIGHT`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from monitor.engine.pipeline import Analysis, analyse
from monitor.engine.watchlist import Watchlist
from monitor.feeds import Backend, judging_order, read_file
from monitor.models import Item

MIN_BYTES_PER_JOB = 256 * 1024  # less than this per worker, and a fork costs more than it saves
MAX_JOBS = 8
# The caller's share of the bytes against a worker's when it forks them before reading its
# config (`start`): it reads the config while they parse (on 2 processors, the real feeds'
# caller and worker end within about 10% of each other with 0.6; 0.45 and 0.75 measured no
# better).
CALLER_WEIGHT = 0.6


def default_jobs() -> int:
    """The processors this process may run on, at most MAX_JOBS."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on Linux)
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_JOBS))


def share(sizes: Sequence[int], jobs: int, first: float = 1.0) -> list[list[int]]:
    """File indexes shared out among `jobs` groups of about the same bytes: each file, the
    largest first, to the lightest group so far (each group in file order). The first group
    (the caller's) weighs its bytes at 1/`first`: `first` < 1 gives it less."""
    groups: list[list[int]] = [[] for _ in range(jobs)]
    load = [0.0] * jobs
    weights = [first] + [1.0] * (jobs - 1)
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = min(range(jobs), key=lambda k: load[k] / weights[k])
        groups[k].append(i)
        load[k] += sizes[i]
    return [sorted(g) for g in groups if g]


Analysed = dict[int, list[Analysis]]  # file index -> the analyses of its items, in file order


def _read_files(paths: Sequence[Path], indexes: Sequence[int], backend: Backend
                ) -> dict[int, Sequence[Item]]:
    return {i: read_file(paths[i], backend) for i in indexes}


def _analyse_files(wl: Watchlist, paths: Sequence[Path], indexes: Sequence[int],
                   backend: Backend, exhaustive: bool,
                   items: dict[int, Sequence[Item]] | None = None) -> Analysed:
    """The analyses of these files' items (`items`: as read already, else read here)."""
    if items is None:
        items = _read_files(paths, indexes, backend)
    return {i: [analyse(wl, it, exhaustive=exhaustive) for it in items[i]] for i in indexes}


@dataclass(slots=True)
class _Worker:
    pid: int
    orders: int  # write end of its pipe of orders: the pickled (watchlist, backend, exhaustive)
    results: int  # read end of its pipe of results: its pickled analyses (-1: closed)

    def close_orders(self) -> None:
        if self.orders >= 0:
            fd, self.orders = self.orders, -1
            os.close(fd)

    def close_results(self) -> None:
        if self.results >= 0:
            fd, self.results = self.results, -1
            os.close(fd)


def _read_all(fd: int) -> bytes:
    """Everything written to a pipe until its write end is closed (the pipe left open)."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _work(paths: Sequence[Path], indexes: Sequence[int], guess: Backend, orders: int,
          results: int) -> None:
    """A worker: reads its files with the backend the caller is likely to ask for while the
    caller reads its config, then analyses them as ordered and writes the analyses. No
    orders (the caller's config was refused): nothing more."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(_read_all(orders)), daemon=True)
    reader.start()  # (read at once: the caller never blocks on a full pipe)
    items = _read_files(paths, indexes, guess)
    reader.join()
    if not got or not got[0]:
        return
    wl, backend, exhaustive = pickle.loads(got[0])  # noqa: S301 (our caller's, through our pipe)
    analysed = _analyse_files(wl, paths, indexes, backend, exhaustive,
                              items if backend == guess else None)
    _write_all(results, pickle.dumps({i: [_lean(a) for a in file_analyses]
                                      for i, file_analyses in analysed.items()},
                                     protocol=pickle.HIGHEST_PROTOCOL))


def _lean(analysis: Analysis) -> Analysis:
    """An analysis as a worker sends it: one that found nothing (no term, no figure, no
    observation: most items) without its item's title and text, which judging never reads
    for it (only its uid, content hash and dates): collecting a worker's analyses of the real
    feeds took about 12 ms instead of 30."""
    if analysis.terms or analysis.figures or analysis.observations or analysis.readings:
        return analysis
    return replace(analysis, item=replace(analysis.item, title="", text=""))


def _fork(paths: Sequence[Path], indexes: Sequence[int], guess: Backend,
          others: Sequence[_Worker] = ()) -> _Worker | None:
    """A worker for these files (`_work`), or None when no process can be started. It
    closes its copies of the caller's ends of the `others`' pipes (forked before it):
    holding another worker's pipe of orders open, it would keep that one waiting forever."""
    pipes: list[int] = []
    try:
        for _ in range(2):
            pipes += os.pipe()
        pid = os.fork()
    except OSError:
        for fd in pipes:
            os.close(fd)
        return None
    orders_r, orders_w, results_r, results_w = pipes
    if pid == 0:  # the worker: never returns
        code = 0
        try:
            for fd in (orders_w, results_r, *(fd for w in others
                                               for fd in (w.orders, w.results) if fd >= 0)):
                os.close(fd)
            _work(paths, indexes, guess, orders_r, results_w)
        except BaseException:  # noqa: BLE001 (the parent reads these files itself)
            code = 1
        os._exit(code)
    os.close(orders_r)
    os.close(results_w)
    return _Worker(pid, orders_w, results_r)


def _send(worker: _Worker, payload: bytes) -> bool:
    """The orders written to a worker and their pipe closed; False if it has gone (its
    files are then read by the caller)."""
    try:
        _write_all(worker.orders, payload)
    except OSError:  # (BrokenPipeError: it exited, failing)
        return False
    finally:
        worker.close_orders()
    return True


def _collect(worker: _Worker) -> Analysed | None:
    """What a worker wrote, once it has exited well; None if it did not. Interrupted, it
    ends the worker before raising (`_end`)."""
    try:
        data = _read_all(worker.results)
        worker.close_results()
        _pid, status = os.waitpid(worker.pid, 0)
    except BaseException:
        _end(worker)
        raise
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        got = pickle.loads(data)  # noqa: S301 (our own child's bytes, through our own pipe)
    except Exception:  # noqa: BLE001
        return None
    return got if isinstance(got, dict) else None


def _end(worker: _Worker) -> None:
    """A worker whose analyses are not wanted ended: its pipes closed, the process killed
    and waited for, so that none is left running, blocked on a full pipe, or unwaited (a
    zombie for as long as the caller runs)."""
    worker.close_orders()
    worker.close_results()
    with contextlib.suppress(OSError):  # (exited already)
        os.kill(worker.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):  # (waited for already)
        os.waitpid(worker.pid, 0)


@dataclass
class Crew:
    """The caller's files and its workers (`start`), until `analysed` or `close`."""

    paths: list[Path]
    mine: list[int]  # the caller's files
    # each worker's files, and the worker (None: not started, ended or collected)
    workers: list[tuple[list[int], _Worker | None]] = field(default_factory=list)
    frozen: bool = False

    def analysed(self, wl: Watchlist, backend: Backend, exhaustive: bool = False
                 ) -> list[Analysis]:
        """The analyses of every item of the files, in judging order (`order_items`): the
        workers sent the compiled watchlist, the caller's files read meanwhile. One that
        found nothing may come from a worker without its item's title and text (`_lean`)."""
        if any(w is not None for _g, w in self.workers):
            payload = pickle.dumps((wl, backend, exhaustive), protocol=pickle.HIGHEST_PROTOCOL)
            for k, (g, worker) in enumerate(self.workers):
                if worker is not None and not _send(worker, payload):
                    _end(worker)
                    self.workers[k] = (g, None)
        by_file = _analyse_files(wl, self.paths, self.mine, backend, exhaustive)
        for k, (g, worker) in enumerate(self.workers):
            self.workers[k] = (g, None)  # (collected: `_collect` ends it, whatever happens)
            got = _collect(worker) if worker is not None else None
            by_file.update(got if got is not None else _analyse_files(
                wl, self.paths, g, backend, exhaustive))
        analyses = [a for i in range(len(self.paths)) for a in by_file.get(i, ())]
        return [analyses[i] for i in judging_order([a.item for a in analyses])]

    def close(self) -> None:
        """Every worker not collected ended (the caller failed, was interrupted, or its
        config was refused), and the caller's objects collectable again."""
        for k, (g, worker) in enumerate(self.workers):
            if worker is not None:
                self.workers[k] = (g, None)
                _end(worker)
        if self.frozen:
            self.frozen = False
            gc.unfreeze()

    def __enter__(self) -> Crew:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def start(files: Sequence[str | Path], guess: Backend = "auto", jobs: int = 1,
          min_bytes: int | None = None, caller_weight: float = CALLER_WEIGHT) -> Crew:
    """Up to `jobs` - 1 workers forked now, each reading its share of the files with the
    `guess` backend (read again if the caller asks for another); the caller keeps a share
    weighted `caller_weight`, each process given `min_bytes` at least (MIN_BYTES_PER_JOB).
    A fork that fails leaves its files to the caller."""
    if min_bytes is None:
        min_bytes = MIN_BYTES_PER_JOB
    paths = [Path(f) for f in files]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    jobs = max(1, min(jobs, len(paths), sum(sizes) // max(1, min_bytes)))
    groups = share(sizes, jobs, caller_weight) if paths else []
    crew = Crew(paths, groups[0] if groups else [])
    if len(groups) < 2 or not hasattr(os, "fork"):
        crew.workers = [(g, None) for g in groups[1:]]
        return crew
    # what is alive now (the modules, their tables) is left out of every collection until
    # the workers are collected: a worker's collections then neither walk nor write to the
    # pages it shares with the caller (Python's advice for fork, `gc.freeze`)
    gc.freeze()
    crew.frozen = True
    caller = os.getpid()
    try:
        for g in groups[1:]:
            crew.workers.append((g, _fork(paths, g, guess,
                                          [w for _g, w in crew.workers if w is not None])))
    except BaseException:
        if os.getpid() != caller:  # a worker interrupted before its `try`: not our code
            os._exit(1)
        crew.close()
        raise
    return crew


def analysed_in_order(wl: Watchlist, files: Sequence[str | Path], backend: Backend = "auto",
                      jobs: int = 1, exhaustive: bool = False,
                      min_bytes: int | None = None) -> list[Analysis]:
    """The analyses of every item of these files, in judging order (`order_items`), read on
    up to `jobs` processes (the calling one included), each given `min_bytes` at least (see
    `Crew.analysed`)."""
    with start(files, backend, jobs, min_bytes, caller_weight=1.0) as crew:
        return crew.analysed(wl, backend, exhaustive)
