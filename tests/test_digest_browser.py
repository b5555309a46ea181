"""What a reader sees: the HTML digest of a story with a revision, a correction and a value
held for review, rendered by a real headless Chromium (Debian's package); the screenshot is
kept in the test's temporary folder. Skips with a reason where Chromium is absent (.ci/run
installs it)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import load_watchlist
from monitor.digest import build, render_html, render_text
from monitor.engine.pipeline import Engine
from monitor.engine.watchlist import compile_watchlist
from monitor.replay import load_items

STORY = Path(__file__).resolve().parent / "data" / "stories" / "wildfires"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def story_digest(language: str):  # type: ignore[no-untyped-def]
    """The digest of 17-19 August 2025 of the wildfires story: two values held for review
    (a slipped digit, 328,000 ha for 32,800; 40 dead for 4) and Galicia's stated correction."""
    engine = Engine(compile_watchlist(load_watchlist(STORY / "watchlist.toml")))
    files = sorted(STORY.glob("*.xml")) + sorted(STORY.glob("*.atom"))
    events = [ev for item in load_items(files) for ev in engine.process(item)
              if ev.published and "2025-08-17" <= ev.published.date().isoformat() <= "2025-08-19"]
    histories = {fid: tuple(h for h in st.history if (h.date or "") <= "2025-08-19")
                 for fid, st in engine.states.items()}
    return build("desk", language, events, histories, 8, datetime(2025, 8, 19, 18, tzinfo=UTC),
                 range(1, len(events) + 1), labels=engine.wl.labels()), events


def test_digest_shows_corrections_held_values_and_scope_in_both_forms() -> None:
    d, events = story_digest("en")
    kinds = {e.kind for e in events}
    assert {"revision", "correction", "held_for_review"} <= kinds
    text = render_text(d)
    assert "(correction): 30,000 -> 27,400" in text  # against the value it corrects
    assert "[Galicia]" in text
    held = text.split("== Held for review ==")[1].split("==")[0]
    assert "328,000" in held and "32,800" in held  # the held value and the current one
    html = render_html(d)
    assert ">correction</span>" in html and "Held for review</h2>" in html


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_html_digest_renders_in_chromium(tmp_path: Path) -> None:
    d, _events = story_digest("fr")
    page = tmp_path / "digest.html"
    page.write_text(render_html(d), encoding="utf-8")
    profile = tmp_path / "profile"
    shot = tmp_path / "digest.png"
    args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--window-size=900,2400"]
    subprocess.run([*args, f"--screenshot={shot}", page.as_uri()], check=True,
                   capture_output=True, timeout=60)
    assert shot.stat().st_size > 20_000  # a page with text and a chart, not a blank
    dom = subprocess.run([*args, "--dump-dom", page.as_uri()], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    assert "Chiffres révisés" in dom and "En attente de vérification" in dom
    assert "correction" in dom and "<svg" in dom
