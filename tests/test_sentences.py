"""Sentence splitting scored on the hand-labelled paragraphs of tests/data/sentences/
(format in its README): exact paragraphs, and precision / recall of the sentence ends that
fall inside a line (a line break always ends a sentence, so those are not counted)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from monitor.text import sentences

DATA = Path(__file__).parent / "data" / "sentences"
MARK = " || "


@dataclass(frozen=True)
class Case:
    id: str
    style: str
    text: str
    expect: tuple[str, ...]


def load(path: Path) -> list[Case]:
    cases: list[Case] = []
    head: list[str] | None = None
    lines: list[str] = []

    def close() -> None:
        if head is None:
            return
        body = list(lines)
        while body and not body[-1].strip():
            body.pop()
        text = "\n".join(body).replace(MARK, " ")
        expect = tuple(s.strip() for line in body for s in line.split(MARK))
        cases.append(Case(head[0], head[1] if len(head) > 1 else "", text, expect))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            close()
            head, lines = line[3:].split(), []
        elif head is not None:
            lines.append(line)
    close()
    return cases


CASES = [c for name in ("en.txt", "fr.txt") for c in load(DATA / name)]


def expected_spans(case: Case) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for s in case.expect:
        start = case.text.index(s, pos)
        spans.append((start, start + len(s)))
        pos = start + len(s)
    return spans


def inline_ends(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Ends of sentences followed by more text on the same line."""
    ends = set()
    for (_s, e), (s2, _e2) in zip(spans, spans[1:], strict=False):
        if "\n" not in text[e:s2]:
            ends.add(e)
    return ends


def score(split=sentences) -> tuple[float, float, float, list[str]]:  # type: ignore[no-untyped-def]
    exact = tp = fp = fn = 0
    misses: list[str] = []
    for case in CASES:
        want = expected_spans(case)
        got = split(case.text)
        if got == want:
            exact += 1
        else:
            cut = " | ".join(case.text[s:e] for s, e in got)
            misses.append(f"{case.id}: {cut}")
        w, g = inline_ends(case.text, want), inline_ends(case.text, got)
        tp, fp, fn = tp + len(w & g), fp + len(g - w), fn + len(w - g)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return exact / len(CASES), precision, recall, misses


def test_labelled_set_is_large_varied_and_consistent() -> None:
    assert len(CASES) >= 150
    langs = Counter(c.id.split("-")[0] for c in CASES)
    assert langs["en"] >= 70 and langs["fr"] >= 70, langs
    assert len({c.id for c in CASES}) == len(CASES)
    for case in CASES:  # every expected sentence is found, in order, and they cover the text
        spans = expected_spans(case)
        rest = case.text
        for s, e in reversed(spans):
            rest = rest[:s] + rest[e:]
        assert not rest.strip(), (case.id, rest)
    stories = ("war", "crues", "floods", "greve", "strike", "election", "economie", "economy",
               "epidemie", "epidemic")
    assert all(any(s in c.style for c in CASES) for s in stories)


def test_scores_on_labelled_paragraphs() -> None:
    exact, precision, recall, misses = score()
    print(f"\nsentences: {exact:.3f} of {len(CASES)} paragraphs exact; in-line sentence ends "
          f"precision {precision:.3f} recall {recall:.3f}")
    for m in misses:
        print("  MISS", m)
    # Before issue 16: 0.616 exact, precision 0.725, recall 0.920. After: 0.988, 1.000, 0.990
    # (the misses: "Jr. Day ... in the U.S. Markets", "across the U.K. Junior doctors": an
    # abbreviation before a capital that is not a usual sentence opener is read as going on).
    assert exact >= 0.97, misses
    assert precision >= 0.98 and recall >= 0.97, misses
