"""Two claimants that disagree and each revise, in English and in French (issue 14): the
events `replay` gives, the same through the store on both engines, and the claimant in every
place a value is shown (replay JSON, webhook body, digest, status)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from monitor.config import load_watchlist
from monitor.digest import build, payload, render_html, render_text
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import event_json, load_items, replay_events
from monitor.status import collect, render
from monitor.store import open_store

DATA = Path(__file__).resolve().parent / "data" / "replay-claimants"
CFG = load_watchlist(DATA / "watchlist.toml")
WL = compile_watchlist(CFG)

# Written from the fixture's sentences, before running it: the ministry's first count, the
# unions' competing one, a second outlet with the ministry's count, each side's revision,
# an unattributed report of the headline value (the latest, the ministry's 1.3 million),
# and a second outlet with the unions' new count.
EXPECTED = [
    ("revision", "interior", None, 1_280_000, 0),
    ("competing", "unions", None, 3_500_000, 0),
    ("corroboration", "interior", 1_280_000, 1_280_000, 1),
    ("revision", "interior", 1_280_000, 1_300_000, 0),
    ("corroboration", "", 1_300_000, 1_300_000, 1),
    ("revision", "unions", 3_500_000, 3_700_000, 0),
    ("corroboration", "unions", 3_700_000, 3_700_000, 1),
]


def files(lang: str) -> list[Path]:
    return sorted(DATA.glob(f"{lang}-*.xml"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_claimant_revises_its_own_count(lang: str) -> None:
    events = [e for e in replay_events(CFG, files(lang)) if e.kind != "match"]
    outlets = list(dict.fromkeys(e.source for e in events))  # the wire first, the daily next
    assert [(e.kind, e.claimant, e.previous, e.value, outlets.index(e.source))
            for e in events] == EXPECTED
    last = events[-1]
    assert [(x.claimant, x.value) for x in last.estimates] == [
        ("interior", 1_300_000), ("unions", 3_700_000)]


def test_replay_json_shows_the_claimant_and_the_estimates() -> None:
    competing = next(e for e in replay_events(CFG, files("en")) if e.kind == "competing")
    out = event_json(competing)
    assert out["event"] == "competing" and out["previous"] is None
    assert out["claimant"] == {"id": "unions", "label": "Unions", "declared": True}
    assert [(x["claimant"]["id"], x["value"], x["date"]) for x in out["estimates"]] == [  # type: ignore[index, union-attr]
        ("interior", 1_280_000, "2023-03-07"), ("unions", 3_500_000, "2023-03-07")]
    json.dumps(out)  # all of it serialisable


def test_the_store_judges_the_same_and_keeps_each_claimants_value(store_url: str,
                                                                   tmp_path: Path) -> None:
    items = load_items(files("fr"))
    store = open_store(store_url, tmp_path)
    store.seed_figures(WL)
    got = [ev for it in items for ev in store.judge_item(WL, it)[1]]
    engine = Engine(WL)
    want = [ev for it in items for ev in engine.process(it)]
    assert [(e.kind, e.claimant, e.claimant_label, e.previous, e.value, e.estimates)
            for e in got] == [(e.kind, e.claimant, e.claimant_label, e.previous, e.value,
                               e.estimates) for e in want]
    store.close()
    again = open_store(store_url, tmp_path)  # another process: the claims come back
    state = again.figure_states(WL)["turnout"]
    assert [(k.claimant, k.current) for k in state.claims] == [
        ("interior", 1_300_000), ("unions", 3_700_000)]
    assert state.current == 3_700_000  # headline: the latest report
    status = collect(again, SimpleNamespace(  # type: ignore[arg-type]
        monitor=SimpleNamespace(feeds=[], channels=[]), watchlist=CFG, secrets={}))
    (fig,) = status["figures"]
    assert fig["last_revision"]["claimant"] == "Unions"
    text = render(status)
    assert "(last revision Unions: 3,500,000 -> 3,700,000" in text
    assert "    Interior ministry: 1,300,000 (2023-03-09, Fil A)" in text
    assert "    Unions: 3,700,000 (2023-03-10, Fil A)" in text
    stored = [e for _i, e in again.all_events()]
    assert [(e.claimant, e.estimates) for e in stored] == [(e.claimant, e.estimates)
                                                           for e in want]
    again.close()


def test_digest_and_webhook_show_who_moved_the_figure() -> None:
    engine = Engine(WL)
    events = [ev for it in load_items(files("en")) for ev in engine.process(it)]
    d = build("desk", "en", events, {"turnout": engine.states["turnout"].history},
              20, datetime(2023, 3, 11, tzinfo=UTC))
    text = render_text(d)
    assert ("* Protesters against the pension reform, nationwide, says Interior ministry: "
            "1,280,000 -> 1,300,000  change: +2%\n") in text
    assert "  History: 1,280,000 (2023-03-07) -> 1,300,000 (2023-03-09)\n" in text
    assert ("* Protesters against the pension reform, nationwide, says Unions: "
            "3,500,000 -> 3,700,000 protesters  change: +6%") in text
    assert "  Estimates now:\n    Interior ministry: 1,300,000 (2023-03-09, Wire A)\n" \
           "    Unions: 3,700,000 (2023-03-10, Wire A)" in text
    html = render_html(d)
    assert "<caption" in html and "Estimates now" in html and "Interior ministry" in html
    body = payload(d)
    revs = body["revisions"]
    assert [(r["claimant"]["id"], r["previous"], r["value"]) for r in revs] == [  # type: ignore[index, union-attr]
        ("interior", 1_280_000, 1_300_000), ("unions", 3_500_000, 3_700_000)]
    assert [(x["claimant"]["label"], x["value"]) for x in revs[0]["estimates"]] == [  # type: ignore[index]
        ("Interior ministry", 1_300_000), ("Unions", 3_700_000)]
