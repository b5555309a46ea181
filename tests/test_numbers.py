"""Reading numbers: labelled sentences (precision and recall) and properties."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitor.numbers import _WORDS_EN, _WORDS_FR, quantities

DATA = Path(__file__).parent / "data" / "quantities.jsonl"
CASES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


def key(d: dict[str, object]) -> tuple[object, ...]:
    return (float(d["value"]), d["low"] and float(d["low"]), d["high"] and float(d["high"]),  # type: ignore[arg-type]
            d["qualifier"], d.get("previous") and float(d["previous"]))  # type: ignore[arg-type]


def score() -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    misses: list[str] = []
    for case in CASES:
        got = Counter(
            key({"value": q.value, "low": q.low, "high": q.high, "qualifier": q.qualifier,
                 "previous": q.previous})
            for q in quantities(case["text"], case["lang"])
        )
        want = Counter(key(e) for e in case["expect"])
        both = got & want
        tp += sum(both.values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append(f"{case['text']!r}: got {sorted(got.elements())} want {sorted(want.elements())}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, misses


def test_labelled_set_is_large_and_covers_both_languages() -> None:
    assert len(CASES) >= 250
    langs = Counter(c["lang"] for c in CASES)
    assert langs["fr"] >= 100 and langs["en"] >= 100
    assert sum(1 for c in CASES if not c["expect"]) >= 50  # traps with nothing to read


def test_precision_and_recall() -> None:
    precision, recall, misses = score()
    print(f"\nquantities: precision {precision:.3f} recall {recall:.3f} over {len(CASES)} sentences")
    for m in misses:
        print("  MISS", m)
    assert precision >= 0.98, misses
    assert recall >= 0.98, misses


def test_offsets_cover_the_phrase() -> None:
    text = "Selon Séoul, environ 1 500 soldats nord-coréens sont arrivés."
    (q,) = quantities(text, "fr")
    assert text[q.start : q.end] == "environ 1 500"
    assert (q.value, q.qualifier, q.unit) == (1500, "about", "soldats")


def test_range_reading() -> None:
    (q,) = quantities("Kyiv évoque 11 000 à 12 000 soldats nord-coréens.", "fr")
    assert (q.value, q.low, q.high, q.unit) == (12000, 11000, 12000, "soldats")


def test_seed_sentence_with_all_kinds() -> None:
    text = ("La Corée du Nord dispose de 1,2 million de soldats, l’une des plus grandes armées "
            "permanentes au monde, mais elle n’a pas participé à des conflits à grande échelle "
            "depuis la guerre de Corée de 1950-1953.")
    assert [(q.value, q.unit) for q in quantities(text, "fr")] == [(1_200_000, "soldats")]


SEPARATORS = [" ", "\u00a0", "\u202f", "\u2009", ".", ",", "'", "’"]


def group(n: int, sep: str) -> str:
    s = str(n)
    parts = []
    while len(s) > 3:
        parts.insert(0, s[-3:])
        s = s[:-3]
    parts.insert(0, s)
    return sep.join(parts)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(SEPARATORS),
       st.sampled_from(["fr", "en", None]))
@settings(max_examples=400, deadline=None)
def test_any_grouped_integer_reads_back(n: int, sep: str, lang: str | None) -> None:
    text = f"Selon le rapport, {group(n, sep)} soldats sont arrivés."
    found = quantities(text, lang)
    assert [q.value for q in found] == [n], (text, found)


_NUMBER_WORD = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted({*_WORDS_FR, *_WORDS_EN} - {"a"})) + r")(?![\w-])",
    re.IGNORECASE,
)


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl", "Cs"))))
@settings(max_examples=400, deadline=None)
def test_text_without_numbers_yields_nothing(text: str) -> None:
    assume(not _NUMBER_WORD.search(text))
    assert quantities(text) == []


@given(st.text())
@settings(max_examples=500, deadline=None)
def test_never_raises_on_arbitrary_unicode(text: str) -> None:
    for q in quantities(text):
        assert 0 <= q.start <= q.end <= len(text)


@pytest.mark.parametrize(
    "text",
    ["Zone 51 " * 2000, "1" * 5000, "1 " * 3000, "de " + "1 000 à " * 500, "\x00\u202e 3 000 soldats"],
)
def test_pathological_inputs_finish(text: str) -> None:
    quantities(text)
