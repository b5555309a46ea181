"""What a reader sees: the HTML digest of a story with a revision, a correction and a value
held for review, rendered by a real headless Chromium (Debian's package); the screenshot is
kept in the test's temporary folder. Skips with a reason where Chromium is absent (.ci/run
installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
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
    assert "correction" in dom and 'class="nm-chart-table"' in dom  # the chart, as a table


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rgb / #rrggbb: 0 black, 1 white."""
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    lin = [(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
           for v in (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def first_row(png: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of a PNG's top row (8-bit RGB or RGBA, as Chromium writes them):
    enough to read a page's background without an imaging library."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, channels = 8, b"", 0, 0
    while pos < len(png):
        size = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            width = int.from_bytes(body[:4], "big")
            assert body[8] == 8, "8-bit channels"
            channels = {2: 3, 6: 4}[body[9]]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    raw = zlib.decompressobj().decompress(idat, 1 + width * channels)
    filt, row = raw[0], bytearray(raw[1:1 + width * channels])
    if filt in (1, 3, 4):  # Sub, Average, Paeth over a zero row above: from the left
        for i in range(channels, len(row)):
            row[i] = (row[i] + (row[i - channels] if filt != 3 else row[i - channels] // 2)) % 256
    return [(row[i], row[i + 1], row[i + 2]) for i in range(0, len(row), channels)]


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_html_digest_reads_in_light_and_dark_mode(tmp_path: Path, scheme: str) -> None:
    """Issue 18: the e-mail reads in dark mode. Rendered by Chromium with the system's
    colour scheme dark (--force-dark-mode makes prefers-color-scheme: dark): the page's
    background turns dark and its text light, no hard-coded light background is left behind
    text; in light mode the page stays light. The PNGs stay in tmp_path to be looked at
    (docs/digest-email.png and docs/digest-email-dark.png are such screenshots)."""
    d, _events = story_digest("en")
    html = render_html(d)
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "prefers-color-scheme: dark" in html
    # outside the dark-mode styles, no light background and no dark text hard-coded in the
    # markup (either turns unreadable on the other background); bars are mid-tones
    markup = html.split("</style>", 1)[1]
    backgrounds = re.findall(r"background(?:-color)?: ?(#[0-9a-fA-F]{3,6})\b", markup)
    texts = re.findall(r"(?<![-\w])color: ?(#[0-9a-fA-F]{3,6})\b", markup)
    assert backgrounds and texts  # the bars and the change in percent
    assert all(luminance(c) < 0.4 for c in backgrounds), backgrounds
    assert all(luminance(c) > 0.12 for c in texts), texts
    page = tmp_path / "digest.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"digest-{scheme}.png"
    args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=900,1800"]
    if scheme == "dark":
        args.append("--force-dark-mode")
    subprocess.run([*args, f"--screenshot={shot}", page.as_uri()], check=True,
                   capture_output=True, timeout=60)
    png = shot.read_bytes()
    assert len(png) > 20_000
    row = first_row(png)
    brightness = sum(sum(px) for px in row) / (3 * len(row))
    if scheme == "dark":
        assert brightness < 60, brightness
    else:
        assert brightness > 200, brightness
