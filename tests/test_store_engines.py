"""The store on both engines (SQLite file, PostgreSQL database): the same migrations, the same
judging results, the same outbox behaviour."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import load_watchlist
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import load_items
from monitor.store import SCHEMA_HEAD, FeedState, open_store

ROOT = Path(__file__).resolve().parent.parent
WL = compile_watchlist(load_watchlist(ROOT / "config" / "watchlist.toml"))
REPLAY = ROOT / "tests" / "data" / "replay"
FILES = [REPLAY / n for n in ("lemonde.xml", "kyiv.atom", "yonhap.xml", "yonhap_update.xml",
                              "france24.atom", "wire.xml")]


def test_migrations_and_judging_match_replay(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    assert store.revision() == SCHEMA_HEAD
    store.seed_figures(WL)
    items = load_items(FILES)
    got = [ev for it in items for ev in store.judge_item(WL, it)[1]]
    engine = Engine(WL)
    want = [ev for it in items for ev in engine.process(it)]
    assert [(e.kind, e.figure, e.previous, e.value, e.link) for e in got] == [
        (e.kind, e.figure, e.previous, e.value, e.link) for e in want]
    assert store.counts() == {"items": 63, "events": len(want)}
    # a second process over the same database judges nothing again
    store.close()
    again = open_store(store_url, tmp_path)
    latest = {it.uid: it for it in items}
    assert all(again.judge_item(WL, it) == ("unchanged", []) for it in latest.values())
    assert again.figure_states(WL)["nk-troops-sent"].current == 14000
    again.close()


def test_feed_rows_and_outbox(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    now = datetime.now(UTC)
    state = FeedState("f", "https://x.example/f", etag='"e"', last_status="ok",
                      next_poll_at=now + timedelta(minutes=15))
    store.save_feed_states([state])
    back = store.feed_state("f", "https://x.example/f")
    assert back.etag == '"e"' and back.next_poll_at is not None
    assert abs((back.next_poll_at - state.next_poll_at).total_seconds()) < 1  # type: ignore[operator]
    oid = store.enqueue("desk", "k1", 5, "s", "t", "<p>h</p>", "{}")
    assert oid is not None and store.enqueue("desk", "k1", 5, "s", "t", "", "{}") is None
    assert store.channel_cursor("desk") == 5
    (d,) = store.due(now + timedelta(seconds=1))
    store.mark_retry(d.id, "HTTP 500", now + timedelta(hours=1))
    assert store.due(now + timedelta(minutes=5)) == []
    store.mark_sent(d.id)
    assert store.outbox_counts() == {"sent": 1}
    store.close()


def test_claims_make_one_instance_send_and_one_build(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    now = datetime.now(UTC)
    assert store.enqueue("desk", "k1", 7, "s", "t", "", "{}", built_from=0) is not None
    # another instance built the same period from the old cursor: refused
    assert store.enqueue("desk", "k2", 7, "s", "t", "", "{}", built_from=0) is None
    mine = store.due(now + timedelta(seconds=1), claim_for="a")
    assert [d.key for d in mine] == ["k1"]
    assert store.due(now + timedelta(seconds=1), claim_for="b") == []  # claimed by a
    assert [d.key for d in store.due(now + timedelta(seconds=1), claim_for="a")] == ["k1"]
    # a's claim runs out (it died): b may take it over
    later = now + timedelta(minutes=10)
    assert [d.key for d in store.due(later, claim_for="b")] == ["k1"]
    store.close()


def test_feed_leases(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    url = "https://x.example/f"
    got = store.claim_feed("f", url, "a", ttl=60)
    assert got is not None and got.lease_owner == "a"
    assert store.claim_feed("f", url, "b", ttl=60) is None  # a holds it
    store.save_feed_states([replace(got, lease_owner=None, lease_until=None,
                                    next_poll_at=datetime.now(UTC) + timedelta(minutes=5))])
    assert store.claim_feed("f", url, "b", ttl=60) is None  # not due
    assert store.claim_feed("f", url, "b", ttl=60, force=True) is not None  # `once`
    # b dies holding the lease: after the lease time, a takes over
    store.save_feed_states([replace(got, lease_owner="b", next_poll_at=None,
                                    lease_until=datetime.now(UTC) - timedelta(seconds=1))])
    assert store.claim_feed("f", url, "a", ttl=60) is not None
    store.close()


def test_status_shows_instances_and_leases(store_url: str, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from monitor.status import collect, render

    store = open_store(store_url, tmp_path)
    store.register_instance("host:1:abc", "host", 1)
    assert store.claim_feed("f", "https://x.example/f", "host:1:abc", ttl=60) is not None
    cfg = SimpleNamespace(monitor=SimpleNamespace(feeds=[SimpleNamespace(
        name="f", url="https://x.example/f", enabled=True)], channels=[]),
        watchlist=SimpleNamespace(figures=[]), secrets={})
    data = collect(store, cfg)  # type: ignore[arg-type]
    assert [(i["id"], i["leases"]) for i in data["instances"]] == [("host:1:abc", 1)]
    assert data["feeds"][0]["lease_owner"] == "host:1:abc"
    text = render(data)
    assert "host:1:abc: started" in text and "1 feed leases" in text and "leased to host:1:abc" in text
    store.unregister_instance("host:1:abc")
    assert store.list_instances() == []
    assert store.feed_state("f", "https://x.example/f").lease_owner is None
    store.close()


def test_held_values_and_corrections_survive_the_store_and_show_in_status(
        store_url: str, tmp_path: Path) -> None:
    """Issue 13 through the daemon's path: a far value is held (stored aside, not current),
    a second outlet promotes it, a stated correction is recorded as one; status shows both."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from monitor.config import WatchlistConfig
    from monitor.feeds import content_hash
    from monitor.models import Item
    from monitor.status import collect, render

    cfg = WatchlistConfig.model_validate({"figures": [{
        "id": "toll", "label": "Storm toll", "subject": ["storm"], "unit": ["dead"],
        "measure": ["toll"], "only_rises": True,
        "history": [{"value": 40, "date": "2025-11-01", "source": "Seed"}]}]})
    wl = compile_watchlist(cfg)
    store = open_store(store_url, tmp_path)
    store.seed_figures(wl)

    def item(n: int, source: str, text: str) -> Item:
        return Item(f"u{n}", "Storm", text, f"https://news.example/{n}",
                    datetime(2025, 11, 1 + n, tzinfo=UTC), None, source,
                    content_hash("Storm", text, None), feed="f")

    _st, evs = store.judge_item(wl, item(1, "A", "The storm toll now stands at 400."))
    assert [e.kind for e in evs if e.kind != "match"] == ["held_for_review"]
    status = collect(store, SimpleNamespace(  # type: ignore[arg-type]
        monitor=SimpleNamespace(feeds=[], channels=[]), watchlist=cfg, secrets={}))
    (fig,) = status["figures"]
    assert fig["current"] == 40 and [h["value"] for h in fig["held_for_review"]] == [400]
    assert "held for review: 400 (A," in render(status)
    _st, evs = store.judge_item(wl, item(2, "B", "The storm toll rose to 400."))
    assert [(e.kind, e.value, e.link) for e in evs if e.kind != "match"] == [
        ("revision", 400, "https://news.example/1"), ("corroboration", 400, "https://news.example/2")]
    _st, evs = store.judge_item(wl, item(3, "C", "The storm toll was revised down to 380."))
    assert [(e.kind, e.previous, e.value) for e in evs if e.kind != "match"] == [
        ("correction", 400, 380)]
    status = collect(store, SimpleNamespace(  # type: ignore[arg-type]
        monitor=SimpleNamespace(feeds=[], channels=[]), watchlist=cfg, secrets={}))
    (fig,) = status["figures"]
    assert fig["current"] == 380 and fig["held_for_review"] == []
    assert fig["last_revision"]["kind"] == "correction"
    store.close()
