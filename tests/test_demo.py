"""The README's first command: `news-monitor demo` prints a digest with revisions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_embedded_watchlist_is_the_shipped_one() -> None:
    assert (ROOT / "monitor" / "demo_data" / "watchlist.toml").read_bytes() == (
        ROOT / "config" / "watchlist.toml").read_bytes()


def test_demo_prints_a_digest(tmp_path: Path) -> None:
    # run from an empty folder: only the embedded defaults are there
    res = subprocess.run([sys.executable, "-m", "monitor", "demo"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "== Revised figures ==" in out
    # each claimant's series moves on its own: Kyiv from its 13,000 (Nov 22) to nearly 14,000;
    # Seoul from its 12,000 to about 13,000, whatever Kyiv says meanwhile; each change from
    # the value its own history line shows before the new one (issue 18)
    assert ("* North Korean soldiers sent to Russia, says Ukraine: 13,000 -> nearly 14,000 "
            "soldats  change: +8%") in out
    assert ("* North Korean soldiers sent to Russia, says South Korean intelligence: 12,000 -> "
            "about 13,000 soldats  change: +8%") in out
    assert "1,500 (2024-10-18) -> 3,000 (2024-10-25) -> 10,000 (2024-10-29)" in out
    assert "Estimates now:\n    United States (Pentagon): about 10,000 (2024-10-28" in out
    assert "== Related coverage ==" in out
