"""Seeds: shipped byte for byte, and every shipped history re-derived from them."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from monitor.config import load_watchlist
from monitor.seeding import derive, document_date, sentence_date, write_histories

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "seeds"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def test_five_seeds() -> None:
    assert [p.name for p in SEEDS] == [
        "000_e1551f5d49a2ebc8.txt", "001_cb85311f7cd0bcf8.txt", "002_44ef34f5a87a39db.txt",
        "003_67de78d66b7b359b.txt", "004_8c9653b7db223c0b.txt",
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_are_byte_for_byte_copies() -> None:
    for p in SEEDS:
        assert p.read_bytes() == (SHARED / p.name).read_bytes(), p.name


def test_shipped_histories_are_what_seed_derives() -> None:
    wl = load_watchlist(ROOT / "config" / "watchlist.toml")
    result = derive(wl, SEEDS)
    for fig in wl.figures:
        shipped = [(h.value, h.low, h.high, h.qualifier, h.source, h.date, h.quote)
                   for h in fig.history]
        derived = [(float(h.value), h.low, h.high, h.qualifier, h.source, h.date, h.quote)
                   for h in result.histories[fig.id]]
        assert derived == shipped, fig.id


def test_histories_match_the_design() -> None:
    wl = load_watchlist(ROOT / "config" / "watchlist.toml")
    values = {f.id: [(h.value, h.date) for h in f.history] for f in wl.figures}
    assert values["nk-troops-sent"] == [(1500, "2024-10-18"), (3000, "2024-10-23")]
    assert sorted(v for v, _d in values["nk-troops-planned"]) == [10000, 12000]
    assert values["russian-casualties"] == [(600000, "2024-10-28")]
    assert values["nk-munition-containers"] == [(13000, "2024-10-23")]
    assert values["nk-army-size"] == [(1200000, "2024-10-23")]


def test_dates() -> None:
    assert document_date("En date du : 21 octobre 2024, 13 h 07\nLe 3 mars 2025") == date(2024, 10, 21)
    assert document_date("signé le 22 octobre 2024 puis le 23 octobre 2024") == date(2024, 10, 23)
    assert document_date("pas de date") is None
    monday = date(2024, 10, 21)
    assert sentence_date("annoncé vendredi que", monday) == date(2024, 10, 18)
    assert sentence_date("said on Monday", monday) == monday
    assert sentence_date("sans jour", monday) == monday


def test_write_histories_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "watchlist.toml"
    target.write_text((ROOT / "config" / "watchlist.toml").read_text(encoding="utf-8"))
    wl = load_watchlist(target)
    result = derive(wl, SEEDS)
    write_histories(target, result)
    assert target.read_text(encoding="utf-8") == (ROOT / "config" / "watchlist.toml").read_text(
        encoding="utf-8")


def test_seed_command_reports_unattributed() -> None:
    res = subprocess.run([sys.executable, "-m", "monitor", "seed", *map(str, SEEDS)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "nk-troops-sent:" in res.stdout
    assert "seeds/003_67de78d66b7b359b.txt: 10 000 soldats" in res.stdout  # "envoyés en Corée du Nord"
    assert "quatre brigades" in res.stdout
    assert "candidate terms" in res.stdout and "Kremlin" in res.stdout
