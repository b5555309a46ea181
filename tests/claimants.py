"""Score claimant reading on the labelled sentences of tests/data/claimants/ (one TOML file per
story: its declared claimants, then sentences with the number a label is about and who stands
behind it). Used by tests/test_claimants.py and bench/claimants.py.

A declared claimant is right when the same id is read; an undeclared one ("?the Red Cross")
when an undeclared name is read that shares a word with it (articles aside: the press writes
"the Snalc" and "Snalc"); none ("") when nothing is read. A sentence whose number
`quantities()` does not find is counted apart (number reading is scored elsewhere).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from monitor.config import WatchlistConfig
from monitor.engine import claimant as claiming
from monitor.engine.watchlist import compile_watchlist
from monitor.numbers import quantities
from monitor.text import fold_text

CORPUS = Path(__file__).resolve().parent / "data" / "claimants"
_SMALL = frozenset(["the", "a", "an", "of", "le", "la", "les", "l", "de", "du", "des", "d", "and", "et", "for", "pour"])


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Result:
    declared: Tally = field(default_factory=Tally)
    undeclared: Tally = field(default_factory=Tally)
    none: Tally = field(default_factory=Tally)
    unread_numbers: list[str] = field(default_factory=list)

    @property
    def overall(self) -> float:
        right = self.declared.right + self.undeclared.right + self.none.right
        total = self.declared.total + self.undeclared.total + self.none.total
        return right / total if total else 1.0


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold_text(name)) if w not in _SMALL and len(w) > 1}


def right(expected: str, got: str) -> bool:
    if expected.startswith("?"):
        return got.startswith("?") and bool(_words(expected[1:]) & _words(got[1:]))
    return got == expected


def score(files: list[Path] | None = None, lang: str | None = None) -> Result:
    out = Result()
    for path in files or sorted(CORPUS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        cfg = WatchlistConfig.model_validate({
            "claimants": data["claimants"],
            "figures": [{"id": "x", "label": "x", "subject": ["x"], "unit": ["x"]}],
        })
        wl = compile_watchlist(cfg)
        for s in data["sentences"]:
            if lang and s["lang"] != lang:
                continue
            text, want = s["text"], s["claimant"]
            found = quantities(text, s["lang"])
            k = next((i for i, q in enumerate(found)
                      if float(s["value"]) in (float(q.value), float(q.low or -1),
                                               float(q.high or -1))), None)
            if k is None:
                out.unread_numbers.append(f"{path.stem}: {s['value']} in {text}")
                continue
            claim = claiming.read(wl, text, found, wl.matcher.find(text))[k]
            got = claim.key if claim else ""
            tally = out.none if not want else out.undeclared if want.startswith("?") \
                else out.declared
            tally.total += 1
            if right(want, got):
                tally.right += 1
            else:
                tally.wrong.append(f"{path.stem} [{s['lang']}] want {want or 'none'!r} got "
                                   f"{got or 'none'!r}: {text}")
    return out
