"""Issue 15: the item archive (kept compressed in the store, pruned by retention), `explain
--link` and `backtest`, on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import archive
from monitor.backtest import run
from monitor.config import load_watchlist
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import load_items
from monitor.store import open_store

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "tests" / "data" / "replay"
WL_CFG = load_watchlist(ROOT / "config" / "watchlist.toml")
WL = compile_watchlist(WL_CFG)
FILES = sorted(REPLAY.glob("*.xml")) + sorted(REPLAY.glob("*.atom"))


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=cwd, env=dict(os.environ), timeout=120)


def test_every_version_read_is_archived_and_read_back_as_it_was(store_url: str,
                                                                tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    store.seed_figures(WL)
    items = load_items(FILES)
    for it in items:
        store.judge_item(WL, it)
    # 64 versions of 63 items (yonhap-30 is updated in place): each version kept once
    assert len({(it.uid, it.content_hash) for it in items}) == 64
    st = archive.stats(store)
    assert st.items == 64
    assert st.body_bytes < sum(len(it.title) + len(it.text) for it in items)  # compressed
    back = list(archive.all_items(store))
    assert back == items  # same fields, same judging order as replay's
    # an item judged again unchanged is not archived twice
    store.judge_item(WL, items[0])
    assert archive.stats(store).items == 64
    updated = [it for it in items if it.uid == items[-1].uid]
    assert archive.by_link(store, updated[-1].link or "") == updated[-1]
    assert archive.by_link(store, "https://news.example/never-read") is None
    store.close()


def test_retention_prunes_old_items_and_what_is_read_again_is_not_alerted_again(
        store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path)
    store.seed_figures(WL)
    items = load_items(FILES)
    first = [ev for it in items for ev in store.judge_item(WL, it)[1]]
    assert any(e.kind == "revision" for e in first)
    events = store.counts()["events"]
    now = datetime.now(UTC)
    # 90 days of retention: nothing is old enough yet
    assert archive.prune(store, 90 * 86400.0, now=now) == 0
    # two days later with one day's retention: all 64 versions go, 25 per transaction
    assert archive.prune(store, 86400.0, now=now + timedelta(days=2), batch=25) == 64
    assert archive.stats(store).items == 0
    # the items table keeps uids and hashes: the same items read again are not judged again
    latest = {it.uid: it for it in items}  # yonhap-30 as last read
    assert {store.judge_item(WL, it)[0] for it in latest.values()} == {"unchanged"}
    assert store.counts() == {"items": 63, "events": events}
    assert archive.stats(store).items == 0  # nor archived again: they were not read as new
    store.close()


def test_archive_zero_keeps_nothing(tmp_path: Path) -> None:
    store = open_store("sqlite:///a.db", tmp_path)
    store.seed_figures(WL)
    store.archive_keep = 0
    for it in load_items(FILES):
        store.judge_item(WL, it)
    assert archive.stats(store).items == 0 and store.counts()["items"] == 63
    store.close()


def _config(tmp: Path, store_url: str | None = None, archive_keep: str = "90d") -> Path:
    lines = ["[daemon]", f'state_dir = "{tmp / "state"}"', f'archive = "{archive_keep}"']
    if store_url:
        lines.append(f'store = "{store_url}"')
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


def test_explain_link_reads_the_archived_item(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    store = open_store("sqlite:///news-monitor.db", tmp_path / "state")
    store.seed_figures(WL)
    items = load_items(FILES)
    for it in items:
        store.judge_item(WL, it)
    store.close()
    item = next(it for it in items if "14,000" in it.text or "14 000" in it.text)
    res = cli("explain", "--config", str(cfg), "--link", item.link or "")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"archived item: {item.title}\nlink: {item.link}\n")
    assert "quantity 14,000 qualifier=nearly" in res.stdout
    assert "verdict: attributed to nk-troops-sent" in res.stdout
    # the same reading as `explain --file` of the feed it came from
    entry = cli("explain", "--config", str(cfg), "--file", str(REPLAY / "lemonde.xml"),
                "--entry", "12")
    assert entry.stdout.splitlines()[1] == f"link: {item.link}"
    assert entry.stdout.splitlines()[3:] == res.stdout.splitlines()[3:]
    missing = cli("explain", "--config", str(cfg), "--link", "https://news.example/nope")
    assert missing.returncode == 1
    assert "https://news.example/nope: not in the archive" in missing.stdout


def test_archive_duration_is_checked(tmp_path: Path) -> None:
    cfg = _config(tmp_path, archive_keep="-3d")
    res = cli("check-config", "--config", str(cfg))
    assert res.returncode == 78
    assert res.stderr.strip() == (f"{tmp_path / 'monitor.toml'}: daemon.archive: must be a "
                                  "duration such as 15m or 900 (got '-3d')")
    cfg = _config(tmp_path, archive_keep="4000d")
    res = cli("check-config", "--config", str(cfg))
    assert res.returncode == 78 and res.stderr.strip() == (
        f"{tmp_path / 'monitor.toml'}: daemon.archive: must be between 0 and 315360000 "
        "seconds (10 years) (got 3.456e+08)")


# ---------------------------------------------------------------- backtest

STORM = """<rss version="2.0"><channel><title>Coast Wire</title>
<item><title>Storm update</title><guid>s1</guid><link>https://news.example/s1</link>
<pubDate>Thu, 02 Jan 2025 08:00:00 +0000</pubDate>
<description>The storm has left 20 dead so far.</description></item>
<item><title>Storm update</title><guid>s2</guid><link>https://news.example/s2</link>
<pubDate>Fri, 03 Jan 2025 08:00:00 +0000</pubDate>
<description>Officials counted 30 victims of the storm.</description></item>
<item><title>Storm update</title><guid>s3</guid><link>https://news.example/s3</link>
<pubDate>Sat, 04 Jan 2025 08:00:00 +0000</pubDate>
<description>The storm has left 40 dead.</description></item>
<item><title>Storm update</title><guid>s4</guid><link>https://news.example/s4</link>
<pubDate>Sun, 05 Jan 2025 08:00:00 +0000</pubDate>
<description>The storm has left 50 dead tourists.</description></item>
<item><title>Storm update</title><guid>s5</guid><link>https://news.example/s5</link>
<pubDate>Mon, 06 Jan 2025 08:00:00 +0000</pubDate>
<description>The storm forced 300 residents to be evacuated near the harbor.</description></item>
</channel></rss>
"""
RUNNING = """
[[terms]]
id = "harbor"
label = "Harbor"
variants = ["harbor"]

[[figures]]
id = "toll"
label = "Storm dead"
subject = ["storm"]
unit = ["dead"]
history = [{ value = 10, date = "2025-01-01", source = "Seed" }]
"""
CANDIDATE = """
[[figures]]
id = "toll"
label = "Storm dead"
subject = ["storm"]
unit = ["dead", "victims"]
exclude = ["tourists"]
history = [{ value = 10, date = "2025-01-01", source = "Seed" }]

[[figures]]
id = "evacuated"
label = "Evacuated by the storm"
subject = ["storm"]
unit = ["residents", "evacuated"]
"""


def _storm(tmp: Path) -> tuple[Path, Path]:
    (tmp / "feed.xml").write_text(STORM)
    (tmp / "monitor.toml").write_text(f'[daemon]\nstate_dir = "{tmp / "state"}"\n')
    (tmp / "watchlist.toml").write_text(RUNNING)
    (tmp / "candidate.toml").write_text(CANDIDATE)
    return tmp / "feed.xml", tmp / "candidate.toml"


def test_backtest_shows_exactly_the_alerts_and_matches_added_and_removed(tmp_path: Path) -> None:
    """By hand: the running watchlist alerts 20 (s1), 40 (s3), 50 (s4); the candidate reads
    'victims' (30 in s2), excludes the tourists' 50 (s4) and adds the evacuees (300 in s5),
    and no longer has the harbor term (s5)."""
    feed, candidate = _storm(tmp_path)
    res = cli("backtest", "--config", str(tmp_path), str(candidate), "--files", str(feed),
              "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["items"] == 5 and out["from"] == "1 feed file"
    by = {w["watch"]: w for w in out["watches"]}
    assert [w["watch"] for w in out["watches"]] == ["toll", "evacuated", "harbor"]
    toll = by["toll"]
    assert [(e["event"], e["previous"], e["value"], e["link"]) for e in toll["added"]] == [
        ("revision", 20, 30, "https://news.example/s2")]
    assert toll["added"][0]["quote"] == "Officials counted 30 victims of the storm."
    assert [(e["event"], e["previous"], e["value"], e["link"]) for e in toll["removed"]] == [
        ("revision", 40, 50, "https://news.example/s4")]
    assert toll["changed"] == [] and toll["same"] == 2  # 20 (s1) and 40 (s3)
    assert [e["link"] for e in toll["matches_added"]] == ["https://news.example/s2"]
    assert toll["matches_removed"] == []
    evac = by["evacuated"]
    assert evac["in"] == "candidate"
    assert [(e["event"], e["previous"], e["value"]) for e in evac["added"]] == [
        ("revision", None, 300)]
    assert by["harbor"]["in"] == "running" and by["harbor"]["added"] == []
    assert [e["link"] for e in by["harbor"]["matches_removed"]] == ["https://news.example/s5"]
    assert out["totals"] == {"added": 2, "removed": 1, "changed": 0, "matches_added": 2,
                             "matches_removed": 1}
    text = cli("backtest", "--config", str(tmp_path), str(candidate), "--files", str(feed))
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert ("figure toll (Storm dead): 1 added, 1 removed, 0 changed, 2 the same; "
            "1 more items matched, 0 fewer") in lines
    assert "  + revision 20 -> 30 victims | Coast Wire | 2025-01-03 | https://news.example/s2" in lines
    assert "  - revision 40 -> 50 dead | Coast Wire | 2025-01-05 | https://news.example/s4" in lines
    assert '      "The storm has left 50 dead tourists."' in lines


def test_backtest_over_the_archive_equals_backtest_over_the_files(tmp_path: Path) -> None:
    feed, _candidate = _storm(tmp_path)
    running = load_watchlist(tmp_path / "watchlist.toml")
    cand = load_watchlist(tmp_path / "candidate.toml")
    store = open_store("sqlite:///news-monitor.db", tmp_path / "state")
    wl = compile_watchlist(running)
    store.seed_figures(wl)
    for it in load_items([feed]):
        store.judge_item(wl, it)
    from_archive = run(running, cand, archive.all_items(store))
    store.close()
    from_files = run(running, cand, load_items([feed]))
    assert from_archive == from_files and from_archive.items == 5


def test_backtest_shows_a_different_reading_of_one_report_as_changed(tmp_path: Path) -> None:
    """By hand: in 'claimed 30 victims and 25 dead' the running watchlist (unit dead) reads
    25, the candidate (victims too) reads the first value, 30: one report, two readings,
    so one change, not one alert added and one removed."""
    from monitor.config import WatchlistConfig
    from monitor.feeds import content_hash
    from monitor.models import Item

    toll = {"id": "toll", "label": "Storm dead", "subject": ["storm"], "unit": ["dead"],
            "history": [{"value": 10, "date": "2025-01-01", "source": "Seed"}]}
    running = WatchlistConfig.model_validate({"figures": [toll]})
    cand = WatchlistConfig.model_validate({"figures": [{**toll, "unit": ["victims", "dead"]}]})
    text = "The storm has claimed 30 victims and 25 dead."
    item = Item("u1", "Storm", text, "https://news.example/1", datetime(2025, 1, 2, tzinfo=UTC),
                None, "Coast Wire", content_hash("Storm", text, None))
    bt = run(running, cand, [item])
    (d,) = bt.watches
    assert d.added == [] and d.removed == [] and d.same == 0
    assert [(o.value, n.value) for o, n in d.changed] == [(25, 30)]


@pytest.mark.parametrize("missing", ["nope.toml"])
def test_backtest_refuses_a_candidate_it_cannot_read(tmp_path: Path, missing: str) -> None:
    feed, _c = _storm(tmp_path)
    res = cli("backtest", "--config", str(tmp_path), str(tmp_path / missing), "--files",
              str(feed))
    assert res.returncode == 78
    assert res.stderr.startswith(f"{tmp_path / missing}: (file): cannot read")
