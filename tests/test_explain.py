"""`news-monitor explain`: quantities, evidence for and against, verdicts, terms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def explain(*args: str) -> str:
    res = subprocess.run([sys.executable, "-m", "monitor", "explain", *args], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_explain_text_shows_evidence_and_verdict() -> None:
    out = explain("Près de 14 000 soldats nord-coréens sont déployés dans la région de Koursk.")
    assert "terms: kursk (score 100)" in out
    assert 'quantity 14,000 qualifier=nearly unit=soldats  "Près de 14 000"' in out
    assert "verdict: attributed to nk-troops-sent" in out
    assert "+ nk-troops-sent: unit yes; subject noun phrase; cues deployes; score 5" in out
    assert "- nk-troops-planned:" in out and "none of its cues" in out


def test_explain_says_why_not() -> None:
    out = explain("Au moins 1 000 soldats nord-coréens ont été tués près de Koursk.")
    assert "verdict: no figure fits" in out
    assert "excluded by tues" in out


def test_explain_feed_entry() -> None:
    feed = ROOT / "tests" / "data" / "replay" / "kyiv.atom"
    out = explain("--file", str(feed), "--entry", "0")
    assert out.startswith("entry 0: North Korean troops spotted in Kursk region")
    assert "source: The Kyiv Independent" in out
    assert "verdict: attributed to nk-troops-sent" in out
