"""`news-monitor once` as a user runs it: a real server, a real SQLite file, the console."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent


def config(tmp: Path, feeds: dict[str, str]) -> Path:
    lines = ['[daemon]', 'store = "sqlite:///nm.db"', f'state_dir = "{tmp / "state"}"', ""]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', "allow_private = true", ""]
    lines += ["[[channels]]", 'name = "terminal"', 'kind = "console"']
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


def once(cfg: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(cfg)],
                          capture_output=True, text=True, timeout=120, cwd=cfg)


def test_one_bad_feed_does_not_stop_the_others(server: FeedServer, tmp_path: Path) -> None:
    cfg = config(tmp_path, {"lemonde": server.url("/f/lemonde.xml"),
                            "broken": server.url("/status/500"),
                            "html": server.url("/html")})
    res = once(cfg)
    assert res.returncode == 0, res.stderr
    assert "feed=broken status=error error='HTTP 500'" in res.stderr
    assert "feed=html status=not_a_feed" in res.stderr
    assert "feed=lemonde status=ok new=14" in res.stderr
    # Le Monde alone: Seoul's series (seeded 1,500, 3,000, then Le Monde's 11,000 and 13,000)
    # moves from the 11,000 its history shows before 13,000; Kyiv's first value competing
    assert ("North Korean soldiers sent to Russia, says South Korean intelligence: 11,000 -> "
            "about 13,000 soldats  change: +18%") in res.stdout
    assert "History: 1,500 (2024-10-18) -> 3,000 (2024-10-25) -> 11,000 (2024-11-01) -> " \
        "13,000 (2024-11-21)" in res.stdout
    assert ("North Korean soldiers sent to Russia, says Ukraine (competing estimate): nearly "
            "14,000 soldats") in res.stdout
    # a second run: nothing new, nothing sent twice
    again = once(cfg)
    assert again.returncode == 0
    assert "feed=lemonde status=not_modified" in again.stderr
    assert again.stdout == ""


def test_exit_1_when_every_feed_failed(server: FeedServer, tmp_path: Path) -> None:
    res = once(config(tmp_path, {"a": server.url("/status/404"), "b": server.url("/empty")}))
    assert res.returncode == 1


def test_store_problem_is_a_clear_error(tmp_path: Path) -> None:
    cfg = config(tmp_path, {})
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "nm.db").write_bytes(b"garbage" * 1000)
    res = once(cfg)
    assert res.returncode == 69
    assert "not a usable database" in res.stderr


def test_once_beside_instances_holding_every_lease(server: FeedServer, pg_url: str,
                                                   tmp_path: Path) -> None:
    """Another instance is polling every feed (it holds their leases): `once` says which feeds
    it skipped and why, and exits 0; before the fix it exited 1 saying nothing."""
    from monitor.store import open_store

    urls = {"lemonde": server.url("/f/lemonde.xml"), "kyiv": server.url("/f/kyiv.atom")}
    cfg = config(tmp_path, urls)
    text = (cfg / "monitor.toml").read_text()
    (cfg / "monitor.toml").write_text(text.replace('store = "sqlite:///nm.db"',
                                                   f'store = "{pg_url}"'))
    other = "elsewhere:4242:abcdef"
    store = open_store(pg_url, tmp_path)
    store.register_instance(other, "elsewhere", 4242)
    for name, url in urls.items():
        assert store.claim_feed(name, url, other, ttl=600) is not None
    store.close()
    res = once(cfg)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    skipped = [line for line in res.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1, res.stderr
    assert "kyiv, lemonde" in skipped[0] and other in skipped[0], skipped
    assert server.hits("/f/") == 0  # nothing fetched behind the other instance's back
