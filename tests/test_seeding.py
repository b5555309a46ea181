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


SHIPPED = ROOT / "config" / "watchlist.toml"


def seed_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "seed", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def without_history(text: str, figure: str, empty: bool) -> str:
    """The watchlist text with one figure's `history = [...]` emptied or removed."""
    start = text.index("history = [", text.index(f'id = "{figure}"'))
    end = text.index("\n]\n", start) + 3
    return text[:start] + ("history = []\n" if empty else "") + text[end:]


OTHER = ("En date du : 5 novembre 2024\n"
         "Le Pentagone a déclaré que 11 000 soldats nord-coréens avaient été envoyés en Russie.\n")
# "Le Pentagone a déclaré": seed records the claimant, the United States
NEW_LINE = ('  { value = 11000, source = "seeds/other.txt", date = "2024-11-05", '
            'claimant = "united-states", quote = "Le Pentagone a déclaré que 11 000 soldats '
            'nord-coréens avaient été envoyés en Russie." },\n')


def test_seed_write_of_another_file_keeps_every_other_history(tmp_path: Path) -> None:
    """Issue 20 item 7: `seed --write other.txt` wiped the history of every figure the file
    does not mention. Now the figure it speaks of gains its entry, all else is byte-identical."""
    target = tmp_path / "watchlist.toml"
    target.write_bytes(SHIPPED.read_bytes())
    other = tmp_path / "other.txt"
    other.write_text(OTHER, encoding="utf-8")
    res = seed_cli(str(other), "--watchlist", str(target), "--write")
    assert res.returncode == 0, res.stderr
    shipped = SHIPPED.read_text(encoding="utf-8")
    sent = shipped.index("history = [", shipped.index('id = "nk-troops-sent"'))
    close = shipped.index("\n]\n", sent) + 1
    assert target.read_text(encoding="utf-8") == shipped[:close] + NEW_LINE + shipped[close:]


def test_seed_fills_a_missing_and_an_empty_history(tmp_path: Path) -> None:
    """A figure with no `history` key crashed `seed --write`; `history = []` was refused.
    Both are written, and the file comes out as the shipped one, byte for byte."""
    target = tmp_path / "watchlist.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    text = without_history(text, "nk-munition-containers", empty=False)
    text = without_history(text, "nk-army-size", empty=True)  # the last figure of the file
    target.write_text(text, encoding="utf-8")
    res = seed_cli(*map(str, SEEDS), "--watchlist", str(target), "--write")
    assert res.returncode == 0, res.stderr
    assert target.read_bytes() == SHIPPED.read_bytes()


def test_seed_shows_a_diff_and_writes_only_with_write(tmp_path: Path) -> None:
    target = tmp_path / "watchlist.toml"
    target.write_bytes(SHIPPED.read_bytes())
    other = tmp_path / "other.txt"
    other.write_text(OTHER, encoding="utf-8")
    shown = seed_cli(str(other), "--watchlist", str(target))
    assert shown.returncode == 0, shown.stderr
    assert target.read_bytes() == SHIPPED.read_bytes()  # nothing written
    assert f"--- {target}\n+++ {target} (seeded)\n" in shown.stdout
    added = [line for line in shown.stdout.splitlines() if line.startswith("+ ")]
    removed = [line for line in shown.stdout.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    assert added == ["+" + NEW_LINE.rstrip("\n")] and removed == []
    assert "run again with --write" in shown.stderr
    assert seed_cli(str(other), "--watchlist", str(target), "--write").returncode == 0
    again = seed_cli(str(other), "--watchlist", str(target))
    assert "---" not in again.stdout and "nothing to write" in again.stderr
