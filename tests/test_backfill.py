"""Issue 15: a figure or term added or changed is judged on the archive, quietly, alone; on a
real SQLite file and on PostgreSQL, in process and through the running daemon (SIGHUP,
SIGKILL during a backfill).

Expected values are those of tests/data/replay/expected.txt (written by hand): over the
replay feeds, nk-troops-sent is revised five times (10,000, 11,000, 11,000-12,000, 13,000,
nearly 14,000), the last from Le Monde International on 2024-12-05 (lemonde/59)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from sqlalchemy import create_engine, select

from monitor import archive, backfill
from monitor.config import WatchlistConfig, load_watchlist
from monitor.engine.watchlist import compile_watchlist
from monitor.feeds import content_hash
from monitor.models import Item
from monitor.replay import load_items
from monitor.schema import archive as archive_table
from monitor.schema import events, history, watches
from monitor.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "tests" / "data" / "replay"
FILES = sorted(REPLAY.glob("*.xml")) + sorted(REPLAY.glob("*.atom"))
FULL = load_watchlist(ROOT / "config" / "watchlist.toml")
FIG = "nk-troops-sent"
LESS = FULL.model_copy(update={"figures": [f for f in FULL.figures if f.id != FIG]})
WATCHLIST_TEXT = (ROOT / "config" / "watchlist.toml").read_text()


def _events(store: Store) -> list[tuple[str, str | None, float | None]]:
    return [(e.kind, e.figure, e.value) for _i, e in store.all_events()]


def _history(store: Store, fid: str) -> list[tuple[int, float, str]]:
    with store.engine.connect() as conn:
        return [(r.id, r.value, r.origin) for r in conn.execute(
            select(history).where(history.c.figure == fid).order_by(history.c.id))]


def _read_with(store: Store, cfg: WatchlistConfig, items: list[Item]) -> None:
    wl = compile_watchlist(cfg)
    store.seed_figures(wl)
    backfill.sync(store, cfg)
    for it in items:
        store.judge_item(wl, it)


def test_a_figure_added_is_backfilled_quietly_with_one_new_watch_event(
        store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    items = load_items(FILES)
    _read_with(store, LESS, items)  # the first sync records the watchlist as it is
    before = store.counts()["events"]
    wl = compile_watchlist(FULL)
    store.seed_figures(wl)
    assert backfill.sync(store, FULL) == [FIG]
    # while its backfill is due, live judging leaves the figure alone; the backfill judges
    # the report and, read after the change, it is alerted as live judging would
    text = "Seoul says 15,000 North Korean soldiers are now in Russia."
    late = Item("late-1", "Seoul", text, "https://news.example/late/1",
                datetime(2024, 12, 11, tzinfo=UTC), None, "Late Wire",
                content_hash("Seoul", text, None), feed="late")
    _status, evs = store.judge_item(wl, late)
    assert [e.kind for e in evs if e.figure == FIG] == []
    res = backfill.run(store, wl, FULL)
    assert res.watches == (FIG,) and res.items == 65  # 64 versions + the late one
    new = [e for _i, e in store.all_events()][before:]
    # (Seoul's own series stood at 13,000; the headline 14,000 is Kyiv's: claimants, issue 14)
    assert [(e.kind, e.figure, e.previous, e.value) for e in new if e.kind != "match"] == [
        ("new_watch", FIG, None, 14000), ("revision", FIG, 13000, 15000)]
    assert [e.link for e in res.live] == ["https://news.example/late/1"]
    (nw,) = [e for e in new if e.kind == "new_watch"]
    # expected.txt: 9 reports of nk-troops-sent would have been alerts (its R lines: each
    # claimant's own revisions and the unattributed ones; Seoul's range at france24/37 is a
    # corroboration of the unattributed yonhap/36 that gave it first)
    assert (nw.found, nw.value, nw.qualifier, nw.source) == (
        9, 14000, "nearly", "Le Monde International")
    assert nw.link == "https://news.example/lemonde/59"
    assert nw.published is not None and nw.published.date().isoformat() == "2024-12-05"
    assert "14 000 soldats nord-coréens" in (nw.quote or "")
    assert backfill.describe(nw) == ("new watch nk-troops-sent: 9 values found, current value "
                                     "14,000 (Le Monde International, 2024-12-05)")
    # its history filled, no revision alerted for the archived reports
    assert [k for k, f, _v in _events(store) if f == FIG] == ["new_watch", "revision"]
    state = store.figure_states(wl)[FIG]
    # the values it knows (each claimant's series holds its own: 3,000 is Seoul's and the
    # Pentagon's and Kyiv's, hence distinct values)
    assert sorted({h.value for h in state.history}) == [1500, 3000, 10000, 11000, 12000,
                                                        13000, 14000, 15000]
    assert state.current == 15000
    # done: a second sync or run does nothing, the figure is judged live again
    assert backfill.sync(store, FULL) == [] and backfill.run(store, wl, FULL).watches == ()
    text = "Seoul says 16,000 North Korean soldiers are now in Russia."
    _st, evs = store.judge_item(wl, Item("late-2", "Seoul", text, "https://news.example/late/2",
                                         datetime(2024, 12, 12, tzinfo=UTC), None, "Late Wire",
                                         content_hash("Seoul", text, None), feed="late"))
    assert [(e.kind, e.previous, e.value) for e in evs if e.figure == FIG] == [
        ("revision", 15000, 16000)]
    store.close()


def test_a_changed_definition_rejudges_that_figure_alone(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    _read_with(store, FULL, load_items(FILES))
    others = {f.id: _history(store, f.id) for f in FULL.figures if f.id != FIG}
    alerts = _events(store)
    # an exclusion added: the definition changed (whether or not it changes a reading)
    figs = [f if f.id != FIG else f.model_copy(update={"exclude": [*f.exclude, "Moscou"]})
            for f in FULL.figures]
    changed = FULL.model_copy(update={"figures": figs})
    wl = compile_watchlist(changed)
    store.seed_figures(wl)
    assert backfill.sync(store, changed) == [FIG]
    old_rows = _history(store, FIG)
    t0 = datetime.now(UTC)
    res = backfill.run(store, wl, changed)
    assert res.watches == (FIG,)
    # the other figures' rows are the same rows (ids and values): untouched
    assert {f: _history(store, f) for f in others} == others
    # this one's rows drawn from archived items were written again (new ids), seeds kept
    new_rows = _history(store, FIG)
    assert [r for r in new_rows if r[2] == "seed"] == [r for r in old_rows if r[2] == "seed"]
    with store.engine.connect() as conn:
        written = [r[0] if r[0].tzinfo else r[0].replace(tzinfo=UTC) for r in conn.execute(
            select(history.c.created_at).where(history.c.figure == FIG,
                                               history.c.origin != "seed"))]
    # the 10 revisions' values, and Kyiv's first 3,000 that agreed with the Pentagon's
    assert len(written) == 11 and all(t >= t0 for t in written)
    # no alert repeated: only the new_watch event was added
    assert _events(store) == [*alerts, ("new_watch", FIG, 14000)]
    store.close()


def test_removed_and_added_back_alerts_nothing_twice(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    items = load_items(FILES)
    _read_with(store, FULL, items[:40])
    alerts_before = [a for a in _events(store) if a[1] == FIG and a[0] != "match"]
    assert ("revision", FIG, 10000) in alerts_before
    _read_with(store, LESS, items[40:])  # removed: read without it
    assert backfill.pending(store) == {}
    with store.engine.connect() as conn:
        assert FIG not in {r.id for r in conn.execute(select(watches))}
    wl = compile_watchlist(FULL)
    store.seed_figures(wl)
    assert backfill.sync(store, FULL) == [FIG]  # added back: backfilled again
    backfill.run(store, wl, FULL)
    alerts_after = [a for a in _events(store) if a[1] == FIG and a[0] != "match"]
    assert alerts_after == [*alerts_before, ("new_watch", FIG, 14000)]
    assert store.figure_states(wl)[FIG].current == 14000  # what it missed is in its history
    store.close()


def test_a_term_added_counts_the_archived_items_that_mention_it(tmp_path: Path) -> None:
    store = open_store("sqlite:///a.db", tmp_path)
    less = FULL.model_copy(update={"terms": [t for t in FULL.terms if t.id != "vladivostok"]})
    _read_with(store, less, load_items(FILES))
    before = _events(store)
    wl = compile_watchlist(FULL)
    assert backfill.sync(store, FULL) == ["vladivostok"]
    res = backfill.run(store, wl, FULL)
    (ev,) = res.events
    # expected.txt: wire/17, kyiv/18, wire/22, lemonde/52, wire/56 match vladivostok
    assert (ev.kind, ev.watches, ev.found, ev.link) == (
        "new_watch", ("vladivostok",), 5, "https://news.example/wire/56")
    assert _events(store) == [*before, ("new_watch", None, None)]  # no match re-sent
    store.close()


def test_the_digest_shows_the_new_watch(tmp_path: Path) -> None:
    from monitor.digest import build, payload, render_html, render_text

    store = open_store("sqlite:///a.db", tmp_path)
    _read_with(store, LESS, load_items(FILES))
    wl = compile_watchlist(FULL)
    store.seed_figures(wl)
    backfill.sync(store, FULL)
    (ev,) = backfill.run(store, wl, FULL).events
    d = build("desk", "en", [ev], store.histories(wl), 20, datetime.now(UTC))
    text = render_text(d)
    assert "== New watches, judged on the archive ==" in text
    assert ("* North Korean soldiers sent to Russia: 9 values found, current value nearly "
            "14,000 soldats") in text
    assert "  Le Monde International, 2024-12-05: \"" in text
    assert "https://news.example/lemonde/59" in render_html(d)
    (nw,) = payload(d)["new_watches"]  # type: ignore[misc]
    assert (nw["watch"], nw["found"], nw["value"]) == (FIG, 9, 14000)
    fr = render_text(replace(d, language="fr"))
    assert "9 valeurs trouvées, valeur actuelle près de 14\u202f000 soldats" in fr
    store.close()


# ---------------------------------------------------------------- the running daemon

FEEDS = ["lemonde.xml", "kyiv.atom", "yonhap.xml", "france24.atom", "wire.xml"]


def _config(tmp: Path, server: FeedServer | None, store_url: str, watchlist: str) -> None:
    lines = ["[daemon]", f'store = "{store_url}"', f'state_dir = "{tmp / "state"}"',
             "poll_jitter = 0", 'log_level = "info"', ""]
    for name in FEEDS if server else []:
        lines += ["[[feeds]]", f'name = "{name.split(".")[0]}"',
                  f'url = "{server.url("/f/" + name)}"' if server else "",
                  "allow_private = true", 'interval = "1h"', ""]
    lines += ["[[channels]]", 'name = "terminal"', 'kind = "console"', 'schedule = "0 0 1 1 *"']
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp / "watchlist.toml").write_text(watchlist)


def _without_figure(text: str, fid: str) -> str:
    """The watchlist text without one [[figures]] table."""
    start = text.index(f'id = "{fid}"')
    start = text.rindex("[[figures]]", 0, start)
    end = text.find("[[figures]]", start + 1)
    return text[:start] + (text[end:] if end != -1 else "")


def _url(store_url: str, tmp: Path) -> str:
    return f"sqlite:///{tmp / 'state' / 'nm.db'}" if store_url.startswith("sqlite") else store_url


def _rows(url: str, q: object) -> list[tuple[object, ...]]:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(q)]  # type: ignore[call-overload]
    except Exception:  # the database is not there yet
        return []
    finally:
        eng.dispose()


def _wait(cond, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.2)


def _start(tmp: Path) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=tmp, env=dict(os.environ))
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def test_sighup_adding_a_figure_backfills_it_in_the_running_daemon(
        server: FeedServer, store_url: str, tmp_path: Path) -> None:
    url = _url(store_url, tmp_path)
    _config(tmp_path, server, store_url if not store_url.startswith("sqlite") else
            "sqlite:///nm.db", _without_figure(WATCHLIST_TEXT, FIG))
    proc, log = _start(tmp_path)
    try:
        _wait(lambda: len(_rows(url, select(archive_table.c.id))) == 63)  # all feeds read
        assert not _rows(url, select(history.c.id).where(history.c.figure == FIG))
        (tmp_path / "watchlist.toml").write_text(WATCHLIST_TEXT)
        proc.send_signal(signal.SIGHUP)
        _wait(lambda: _rows(url, select(events.c.kind).where(events.c.kind == "new_watch")))
        got = _rows(url, select(events.c.kind, events.c.value, events.c.found, events.c.source)
                    .where(events.c.figure == FIG))
        # one new_watch event, no revision alerts for the backfilled values
        assert got == [("new_watch", 14000.0, 9, "Le Monde International")]
        values = [r[0] for r in _rows(url, select(history.c.value).where(
            history.c.figure == FIG).order_by(history.c.id))]
        assert sorted(set(values)) == [1500, 3000, 10000, 11000, 12000, 13000, 14000]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert any("backfill due for nk-troops-sent" in line for line in log), log
    # the next digest says it
    res = subprocess.run([sys.executable, "-m", "monitor", "digest", "--config", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert ("* North Korean soldiers sent to Russia: 9 values found, current value nearly "
            "14,000 soldats") in res.stdout, res.stdout + res.stderr


BIG = 8000  # archived versions: the backfill takes seconds, and logs every 5,000


def _big_archive(store: Store) -> list[Item]:
    """BIG versions: the replay items again and again, each copy a day later, new uids."""
    base = load_items(FILES)
    out: list[Item] = []
    k = 0
    while len(out) < BIG:
        for it in base:
            shift = timedelta(days=k * 60)
            out.append(replace(it, uid=f"{it.uid}#{k}", link=f"{it.link}#{k}",
                               published=it.published + shift if it.published else None,
                               updated=it.updated + shift if it.updated else None))
        k += 1
    out = out[:BIG]
    now = datetime.now(UTC)
    with store.tx() as conn:
        for it in out:
            archive.save(conn, it, now)
    return out


def test_sigkill_during_a_backfill_leaves_no_partial_history_and_the_next_start_finishes_it(
        tmp_path: Path) -> None:
    _config(tmp_path, None, "sqlite:///nm.db", _without_figure(WATCHLIST_TEXT, FIG))
    store = open_store("sqlite:///nm.db", tmp_path / "state")
    less = load_watchlist(tmp_path / "watchlist.toml")
    store.seed_figures(compile_watchlist(less))
    backfill.sync(store, less)  # the running watchlist, without the figure
    items = _big_archive(store)
    store.close()
    url = _url("sqlite", tmp_path)
    (tmp_path / "watchlist.toml").write_text(WATCHLIST_TEXT)
    proc, log = _start(tmp_path)
    try:
        _wait(lambda: any("backfill: 5000 of 8000" in line for line in log))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not any("new watch" in line for line in log)  # killed before its commit
    # nothing partial: the seed values only, no event, still due
    assert [r[0] for r in _rows(url, select(history.c.origin).where(history.c.figure == FIG))
            ] == ["seed", "seed"]
    assert _rows(url, select(events.c.id)) == []
    assert _rows(url, select(watches.c.pending).where(watches.c.id == FIG)) == [(True,)]
    proc, log = _start(tmp_path)
    try:
        _wait(lambda: _rows(url, select(events.c.kind).where(events.c.kind == "new_watch")),
              timeout=120)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    # the same history as judging those items live with the figure from the start
    from monitor.engine.pipeline import Engine

    engine = Engine(compile_watchlist(FULL))
    for it in items:
        engine.process(it)
    want = [float(h.value) for h in engine.states[FIG].history]
    got = [r[0] for r in _rows(url, select(history.c.value).where(history.c.figure == FIG)
                               .order_by(history.c.id))]
    assert got == want and len(want) > 2
    assert _rows(url, select(watches.c.pending).where(watches.c.id == FIG)) == [(False,)]


@pytest.mark.parametrize("keep", ["0"])
def test_with_the_archive_off_a_new_figure_goes_live_without_an_event(
        tmp_path: Path, keep: str) -> None:
    store = open_store("sqlite:///a.db", tmp_path)
    store.archive_keep = float(keep)
    _read_with(store, LESS, load_items(FILES))
    wl = compile_watchlist(FULL)
    store.seed_figures(wl)
    assert backfill.sync(store, FULL) == [FIG]
    res = backfill.run(store, wl, FULL)
    assert res.watches == (FIG,) and res.events == () and backfill.pending(store) == {}
    store.close()
