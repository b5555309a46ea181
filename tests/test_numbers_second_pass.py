"""Issue 16, second pass: the reading rules added after the first pass, each in French and
English on sentences written for these tests, and the speed-ups' exactness (the prefix-tree
and windowed scans read what the plain scans read)."""

from __future__ import annotations

import re

import pytest

from monitor import numbers
from monitor.numbers import quantities


def bounds(text: str, lang: str) -> list[tuple[object, object]]:
    return [(q.value, q.qualifier) for q in quantities(text, lang)]


# ------------------------------------------------------------------ bounds

@pytest.mark.parametrize(("text", "lang", "want"), [
    # "for / in / after over N years" is more than N; "over N years" alone is a period
    ("She has been jailed for over two years.", "en", [(2, "more_than")]),
    ("The first rise in over 10 years.", "en", [(10, "more_than")]),
    ("Over ten years, the town doubled.", "en", [(10, None)]),
    ("Il est détenu depuis plus de deux ans.", "fr", [(2, "more_than")]),
    ("Sur dix ans, la ville a doublé.", "fr", [(10, None)]),
    # an age limit is a bound on the age
    ("A ban for children under the age of 16.", "en", [(16, "less_than")]),
    ("Players over the age of 21 were left out.", "en", [(21, "more_than")]),
    ("Une interdiction pour les enfants de moins de 16 ans.", "fr", [(16, "less_than")]),
    ("Les joueurs âgés de plus de 21 ans.", "fr", [(21, "more_than")]),
    # "the run-up to", "the days leading up to": a time, not an upper bound
    ("In the run-up to 5 rounds of talks, nothing moved.", "en", [(5, None)]),
    ("The lead up to 3 elections was calm.", "en", [(3, None)]),
    ("The toll could run up to 1,000.", "en", [(1000, "up_to")]),
    ("Le bilan pourrait monter jusqu'à 1 000 morts.", "fr", [(1000, "up_to")]),
])
def test_bounds(text: str, lang: str, want: list[tuple[object, object]]) -> None:
    assert bounds(text, lang) == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # every figure of a conversion in brackets keeps the bound, "/"-separated too
    ("It makes just under 296 hp (224 kW / 300 PS) and 450 Nm.", "en",
     [(296, "less_than"), (224, "less_than"), (300, "less_than"), (450, None)]),
    ("Plus de 100 km (62 miles / 100 000 mètres) et 5 morts.", "fr",
     [(100, "more_than"), (62, "more_than"), (100000, "more_than"), (5, None)]),
    # outside brackets a slash does not carry it
    ("More than 10 dead / 5 hurt.", "en", [(10, "more_than"), (5, None)]),
])
def test_conversions_keep_their_bound(text: str, lang: str,
                                      want: list[tuple[object, object]]) -> None:
    assert bounds(text, lang) == want


# ------------------------------------------------------------------ values

@pytest.mark.parametrize(("text", "lang", "want"), [
    # in English a point before three digits and no word is a decimal point
    ("The dollar index was up at 96.088.", "en", [96.088]),
    ("The index closed at 4.800, a record.", "en", [4.8]),
    ("Yields hit 4.125% on Monday.", "en", [4.125]),
    # before a word it stays a thousands group, and in French always
    ("The report cites 3.000 soldiers.", "en", [3000]),
    ("Le rapport cite 3.000 soldats.", "fr", [3000]),
    ("L'indice a clôturé à 96.088.", "fr", [96088]),
])
def test_english_decimal_point(text: str, lang: str, want: list[object]) -> None:
    assert [q.value for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # suspended hyphens in English: each number word is read
    ("It comes with four-, five- and six-cylinder engines.", "en", [4, 5, 6]),
    ("Two- or three-bedroom flats are rare.", "en", [2, 3]),
    ("Twenty-one dead.", "en", [21]),
    # French writes compounds whole: names stay names, numbers joined by "et" stay one
    ("Les deux-, trois- et quatre-roues sont taxés.", "fr", []),
    ("Vingt-et-un morts.", "fr", [21]),
])
def test_suspended_hyphens(text: str, lang: str, want: list[object]) -> None:
    assert [q.value for q in quantities(text, lang)] == want


# ------------------------------------------------------------------ the fast scans are exact

SENTENCES = [
    "Quarante-deux morts, dont une douzaine d'enfants, selon la Croix-Rouge.",
    "Forty-two dead, a dozen of them children, and TWENTY-ONE missing.",
    "They dined at a two-Michelin-starred restaurant one night.",
    "U.S. $US .5 billion, USD10m, €3 Mds and 12 M€ on 12/03/2024 at 10:05.",
    "Call +33 1 23 45 67 89 or see www.example.com/page-12 on March   12 to 14.",
    "Des dizaines de milliers de manifestants; tens of thousands of people.",
    "İstanbul: two hundred and five people, trois cent un blessés.",
]


def test_word_scan_matches_the_case_insensitive_scan() -> None:
    for text in SENTENCES:
        low = numbers._lower(text)
        assert len(low) == len(text)
        fast = [m.span() for m in numbers._WORDS.finditer(low)
                if not (m.group("compound") and not "a" <= text[m.end()] <= "z")]
        plain = [m.span() for m in numbers._WORDS_CASED.finditer(text)
                 if not (m.group("compound") and not "a" <= text[m.end()] <= "z")]
        assert fast == plain, text


def test_windowed_digit_scan_matches_finditer() -> None:
    for text in SENTENCES:
        masked = numbers._mask(text)
        assert [m.span() for m in numbers._digit_matches(masked)] == [
            m.span() for m in numbers._DIGITS.finditer(masked)], text


def test_windowed_mask_matches_sub() -> None:
    for text in SENTENCES:
        plain = numbers._MASK_NUMBERS.sub(lambda m: "§" * len(m.group(0)),
                                          numbers._MASK_LINKS.sub(
                                              lambda m: "§" * len(m.group(0)), text))
        assert numbers._mask(text) == plain, text


def test_number_word_precheck_matches_a_word_split() -> None:
    words = re.compile(r"[^\W\d_]+")
    for text in [*SENTENCES, "Often tender, seldom done.", "Nothing here.", "Zéro; ZERO."]:
        want = not numbers._COUNT_WORDS.isdisjoint(words.findall(text.lower()))
        assert numbers._has_number_word(numbers._lower(text)) is want, text
