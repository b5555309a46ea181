"""Quantities in French and English news text: value, range, qualifier and unit noun.

`quantities(text, lang)` is pure and never raises. It reads digits with every thousands
separator news uses (`1 500`, `1.500`, `12,000`, `1'500`), decimals before a scale word
(`1,2 million`, `1.5bn`, `12k`), number words (through text2num), ranges and qualifiers,
and leaves out what is not a count: years, dates, times, ordinals, URLs, handles, phone
numbers and model names (`F-16`, `KN-23`). Offsets always refer to the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from monitor.models import Number, Qualifier, Quantity

__all__ = ["Quantity", "quantities"]

# ------------------------------------------------------------------ masking
# Spans that look numeric but are not counts are overwritten (same length, so offsets hold).

_MONTHS_FR = (
    r"janvier|janv\.?|f[ée]vrier|f[ée]vr?\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|"
    r"ao[ûu]t|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?"
)
_MONTHS_EN = (
    r"January|Jan\.?|February|Feb\.?|March|Mar\.?|April|Apr\.?|May|June|Jun\.?|July|Jul\.?|"
    r"August|Aug\.?|September|Sept?\.?|October|Oct\.?|November|Nov\.?|December|Dec\.?"
)
_MONTH_FR_RE = re.compile(rf"(?i:{_MONTHS_FR})$")
_MONTH_EN_RE = re.compile(rf"(?:{_MONTHS_EN})$")

_MASK_LINKS = re.compile(
    r"""
      (?:https?://|www\.)\S+                                  # URLs
    | \b[\w.-]+\.(?:com|org|net|fr|uk|io|co|be|de|ru|ua|kr)/\S*  # bare domain/path links
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                            # e-mail addresses
    | (?<![\w&])[#@][^\W\d_]?\w*                              # hashtags, @handles
    """,
    re.VERBOSE,
)
_LINK_SIGNS = ("://", "www.", "@", "#", "/")
_MASK_NUMBERS = re.compile(
    r"""(?=[\d+(JFMASOND])(?:
      \+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,5}    # international phones
    | \b0\d(?:[\s.]\d{2}){4}\b                                # French phones
    | \(\d{3}\)\s?\d{3}-\d{4}\b | \b\d{3}[.-]\d{3}-\d{4}\b     # US phones
    | \b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b                     # 28/10/2024
    | \b\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b  # ISO dates
    | \b\d{1,2}\s?h\s?\d{2}\b | \b\d{1,2}h\b | \b\d{1,2}\s+h\b(?!\w) # 13 h 07, 1h19, 10h
    | \b\d{1,2}:\d{2}(?::\d{2})?\b                            # 10:05
    | \b\d{1,2}(?:er)?\s*(?:-|–|au|à|to|et|and)\s*\d{1,2}(?:er)?\s+(?=(?i:MONTHS)\b)  # du 12 au 14 mars
    | \b(?:EN_MONTHS)\s+\d{1,2}\s*(?:-|–|to|and)\s*\d{1,2}\b      # March 12 to 14
    | \b\d{1,2}(?:[.:]\d{2})?\s?(?:[ap]\.m\.|[ap]m\b)         # 9 a.m., 10pm
    )""".replace("EN_MONTHS", "January|February|March|April|May|June|July|August|September|"
                 "October|November|December").replace("MONTHS", _MONTHS_FR + "|" + _MONTHS_EN),
    re.VERBOSE,
)


def _mask(text: str) -> str:
    """Overwrite links, handles, phone numbers, dates and times (same length: offsets hold)."""
    def blank(m: re.Match[str]) -> str:
        return "§" * len(m.group(0))

    if any(sign in text for sign in _LINK_SIGNS):
        text = _MASK_LINKS.sub(blank, text)
    return _MASK_NUMBERS.sub(blank, text)


# ------------------------------------------------------------------ digits

_SCALES: dict[str, int] = {
    "thousand": 10**3, "thousands": 10**3, "mille": 10**3, "k": 10**3,
    "million": 10**6, "millions": 10**6, "mn": 10**6, "m": 10**6, "mio": 10**6,
    "milliard": 10**9, "milliards": 10**9, "billion": 10**9, "billions": 10**9, "bn": 10**9,
    "md": 10**9, "mds": 10**9, "trillion": 10**12, "trillions": 10**12,
}
_SEPS = " \u00a0\u202f\u2009.,'’"

_DIGITS = re.compile(
    r"""
    (?<![\w.,'’§/])(?<![^\W\d_]-)            # not glued to a word, a number or a model prefix
    (?P<cur>[$€£]\s?)?
    (?P<num>
        \d{1,3}(?P<sep>[ \u00a0\u202f\u2009.,'’])\d{3}(?:(?P=sep)\d{3})*(?![\d])
      | \d+(?:[.,]\d+)?
    )
    (?:
        (?P<glued>bn|mn|k|K|m|M|%)(?!\w)                              # 12k, 1.5bn, 50%
      | [ \u00a0\u202f]?(?P<sym>[€$£%])
      | [ \u00a0\u202f]+(?P<scale>(?i:thousands?|mille|millions?|milliards?|billions?|trillions?|mio|mds?)\b|M\b|bn\b|mn\b)
    )?
    (?![\w§])
    """,
    re.VERBOSE,
)

# ------------------------------------------------------------------ number words

_WORDS_FR = ["un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante", "cinquante", "soixante", "cent", "cents", "mille", "million", "millions", "milliard", "milliards"]
_WORDS_EN = ["a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "dozen", "dozens"]
_FR_SET, _EN_SET = set(_WORDS_FR), set(_WORDS_EN)
_BIG = {"mille", "thousand", "thousands", "million", "millions", "milliard", "milliards",
        "billion", "billions", "hundred", "hundreds", "cent", "cents", "dozen", "dozens"}
_SCALE_WORDS = {"mille", "thousand", "million", "millions", "milliard", "milliards",
                "billion", "billions", "thousands"}
_ARTICLES = {"un", "une", "a", "one"}

_WORD_ALT = "|".join(sorted({*_WORDS_FR, *_WORDS_EN} - {"a"}, key=len, reverse=True))
_NUMWORD = rf"(?:{_WORD_ALT})"
_WORDS = re.compile(
    rf"""(?<![\w§-])(?i:
        (?:a\s+|{_NUMWORD}(?:[\s-]+(?:et|and)[\s-]+|[\s-]+))*
        {_NUMWORD}
    )(?![\w-])""",
    re.VERBOSE,
)
_LETTERS = re.compile(r"[^\W\d_]+")
_COUNT_WORDS = frozenset({*_WORDS_FR, *_WORDS_EN} - {"a", "un", "une", "one"})


def _has_number_word(text: str) -> bool:
    """Cheap pre-check: a number word other than an article (C-level findall and a set)."""
    return not _COUNT_WORDS.isdisjoint(_LETTERS.findall(text.lower()))

# ------------------------------------------------------------------ context words

_QUALIFIERS: list[tuple[str, Qualifier]] = [
    (r"environ|quelque|à peu près|approximativement|autour de|some|about|around|roughly|"
     r"approximately|approx\.|an estimated", "about"),
    (r"près d[e'’]|presque|quasiment|pas loin d[e'’]|nearly|almost|close to", "nearly"),
    (r"au moins|au minimum|at least|a minimum of", "at_least"),
    (r"plus d[e'’]|au-delà d[e'’]|more than|over|upwards of|in excess of|"
     r"dépass\w*(?:\s+(?:désormais|maintenant|déjà))?(?:\s+(?:les|la barre des))?|"
     r"exceed\w*|surpass\w*|topp?\w*|has passed|franchi(?:t)?(?:\s+la barre)?\s+(?:des|de)",
     "more_than"),
    (r"jusqu['’]à|up to|as many as", "up_to"),
    (r"moins d[e'’]|fewer than|less than|under", "less_than"),
]
_QUAL_BEFORE = re.compile(
    r"(?:^|[\s'’(«“\"\-])(?P<q>"
    + "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(_QUALIFIERS))
    + r")\s*$",
    re.IGNORECASE,
)
_QUAL_AFTER = re.compile(r"^\s*(?:or more|ou plus|et plus|and more)\b", re.IGNORECASE)

_RANGE_OPEN = re.compile(r"(?:^|[\s'’(])(?P<w>entre|between|de|d['’]|from)\s*$", re.IGNORECASE)
_CHANGE_VERB = re.compile(
    r"\b(?:rose|risen|rise|rising|increas\w*|grew|grown|grow\w*|jump\w*|climb\w*|fell|fall\w*|"
    r"drop\w*|decreas\w*|went|revis\w*|rais\w*|swell\w*|pass\w*|grimp\w*|augment\w*|"
    r"porté|portée|portés|revu|revue|réduit|tomb\w*|chut\w*|relev\w*|monté|montée)"
    r"\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_CONNECT = re.compile(r"^\s*(?:-|–|—|à|to|et|and)\s*$", re.IGNORECASE)

_STOP = set(
    ["le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "et", "ou", "à", "au", "aux", "en", "dans", "sur", "pour", "par", "avec", "sans", "que", "qui", "ce", "cette", "ces", "se", "sa", "son", "ses", "leur", "leurs", "il", "ils", "elle", "elles", "on", "a", "ont", "est", "sont", "été", "être", "était", "étaient", "avait", "avaient", "ait", "aurait", "auraient", "sera", "seront", "selon", "dont", "mais", "plus", "moins", "ne", "pas", "y", "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "could", "should", "may", "might", "can", "that", "which", "who", "whom", "whose", "this", "these", "those", "it", "its", "their", "there", "than", "into", "onto", "per", "via", "since", "after", "before", "while", "when", "where", "if", "not", "no", "nor", "so", "but", "also", "then", "said", "says", "say", "over", "under", "about", "around", "between", "among", "during", "et/ou", "environ", "quelque", "some", "nearly", "almost", "près"]
)
_SKIP_ADJ = set(
    ["more", "additional", "further", "extra", "other", "new", "special", "elite", "regular", "active", "reserve", "dernières", "derniers", "premières", "premiers", "prochaines", "prochains", "autres", "nouveaux", "nouvelles", "de", "d"]
)
_WHEN_WORDS = frozenset(  # "tombé à 14 000 samedi", "reached 2,740 nationwide": not a noun
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tonight", "aujourd", "hier", "demain", "tomorrow", "overnight", "ce", "cette", "ces", "matin", "soir", "nationwide", "nationally", "countrywide", "overall", "worldwide", "globally", "already", "now", "so", "déjà", "désormais", "maintenant", "alone", "seul", "seule", "seuls", "seules"])
_UNIT_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:en|in|since|depuis|année|year|fin|début|mi|mid|early|late|until|till|"
    r"jusqu['’]en|dès|by|d['’]ici|été|summer|hiver|winter|printemps|spring|automne|autumn|"
    r"fall|l['’]an|an)|[(\[])\s*$",
    re.IGNORECASE,
)
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "%": "%"}


@dataclass(slots=True)
class _Atom:
    """A number found in the text, before ranges and context are read."""

    start: int
    end: int
    value: Number
    scaled: bool
    digits: str  # the digit string as written, "" for words
    unit: str | None = None


def _to_number(x: float) -> Number:
    return int(x) if float(x).is_integer() else x


def _parse_digits(num: str, sep: str | None) -> float:
    if sep:
        return float(num.replace(sep, ""))
    return float(num.replace(",", "."))


def _is_month(word: str) -> bool:
    return any(bool(_MONTH_FR_RE.match(w) or _MONTH_EN_RE.match(w)) for w in (word, word.rstrip(".")))


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([^\W\d_][\w.]*)[\s,]*$", text[max(0, pos - 20) : pos])
    return m.group(1) if m else ""


def _next_word(text: str, pos: int) -> str:
    m = re.match(r"[\s,]*([^\W\d_][\w.]*)", text[pos : pos + 20])
    return m.group(1) if m else ""


def _unit_after(text: str, pos: int, scaled: bool) -> str | None:
    """The noun the number counts: the next content word, skipping `de`/`of` after a scale
    and English proper adjectives (`3,000 North Korean troops` -> troops)."""
    rest = text[pos : pos + 80]
    words = list(_UNIT_WORD.finditer(rest))
    if not words or rest[: words[0].start()].strip(" \u00a0\u202f\u2009"):
        return None
    skipped_caps = 0
    for i, m in enumerate(words[:6]):
        if i and rest[words[i - 1].end() : m.start()].strip(" \u00a0\u202f\u2009-'’"):
            return None  # punctuation between words ends the noun phrase
        w = m.group(0).rstrip("'’")
        low = w.lower()
        if low in ("de", "d", "of") and i == 0 and scaled:
            continue
        if low in ("d'", "d’"):
            continue
        if low.startswith(("d'", "d’")) and i == 0 and scaled:
            return low[2:] or None
        if re.match(r"(?:d|l|qu|s|n|j)['’]", low):
            return None
        if w[0].isupper() and skipped_caps < 3 and i + 1 < len(words):
            skipped_caps += 1
            continue
        if low in _SKIP_ADJ and i + 1 < len(words):
            continue
        if low in _STOP or low in _WHEN_WORDS or _is_month(w):
            return None
        return low
    return None


def _year_like(atom: _Atom) -> bool:
    return (
        not atom.scaled
        and len(atom.digits) == 4
        and atom.digits.isdigit()
        and 1800 <= int(atom.digits) <= 2100
    )


def _is_year(text: str, atom: _Atom) -> bool:
    """A bare 1800-2100 is a year unless a count noun follows and no year word precedes."""
    if not _year_like(atom):
        return False
    if _YEAR_BEFORE.search(text[max(0, atom.start - 12) : atom.start]):
        return True
    if _is_month(_prev_word(text, atom.start)):
        return True
    return atom.unit is None or not atom.unit.endswith(("s", "x", "%"))  # counts are plural


def _is_date_day(text: str, atom: _Atom) -> bool:
    if atom.scaled or not atom.digits.isdigit() or not 1 <= int(atom.digits) <= 31:
        return False
    nxt = _next_word(text, atom.end)
    prev = _prev_word(text, atom.start)
    nxt = nxt.rstrip(".") if nxt and not _MONTH_FR_RE.match(nxt) else nxt
    return bool(nxt and (_MONTH_FR_RE.match(nxt) or _MONTH_EN_RE.match(nxt))) or bool(
        prev and _MONTH_EN_RE.match(prev)
    )


def _digit_atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in _DIGITS.finditer(text):
        num, sep = m.group("num"), m.group("sep")
        if sep in (".", ",") and m.group("scale") and len(num) <= 5:
            value = float(num.replace(",", "."))  # 1.500 million reads as 1.5 million
        else:
            value = _parse_digits(num, sep)
        scaled = False
        unit: str | None = None
        glued, sym, scale = m.group("glued"), m.group("sym"), m.group("scale")
        cur = (m.group("cur") or "").strip()
        if glued:
            if glued == "%":
                unit = "%"
            elif glued in ("m", "M") and not cur and "." not in num and "," not in num:
                continue  # 100m: metres, not millions, without a currency
            else:
                value *= _SCALES[glued.lower()]
                scaled = True
        elif scale:
            value *= _SCALES[scale.lower()]
            scaled = True
        elif sym:
            unit = _CURRENCY[sym]
        if cur:
            unit = _CURRENCY[cur]
        if not scaled and sep is None and re.fullmatch(r"\d+[.,]\d+", num):
            # 3.000 or 1,500 without a scale: thousands, not decimals, when 3 digits follow
            head, tail = re.split(r"[.,]", num)
            if len(tail) == 3 and len(head) <= 3:
                value = float(head + tail)
        atoms.append(_Atom(m.start(), m.end(), _to_number(value), scaled, num, unit))
    return atoms


@lru_cache(maxsize=4096)
def _words_value(phrase: str, lang: str) -> float | None:
    """Value of a run of number words, or None (text2num does the arithmetic)."""
    words = re.split(r"[\s-]+", phrase.lower())
    dozens = 1
    if words[-1] in ("dozen", "dozens"):
        words = words[:-1]
        dozens = 12
        if not words or words == ["a"]:
            return 12.0
    if words and words[0] in ("a", "une", "one") and len(words) > 1:
        words[0] = "one" if lang == "en" else "un"
    try:
        return float(text2num(" ".join(words), lang)) * dozens
    except ValueError:
        return None


def _split_and(tokens: list[str]) -> list[list[str]]:
    """`dix mille et douze mille` -> two numbers; `vingt et un`, `hundred and five` -> one."""
    groups: list[list[str]] = [[]]
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in ("et", "and"):
            left = groups[-1]
            right = tokens[i + 1 :]
            if left and left[-1].lower() in _SCALE_WORDS and any(
                t.lower() in _SCALE_WORDS for t in right
            ):
                groups.append([])
                continue
        groups[-1].append(tok)
    return [g for g in groups if g]


def _word_atoms(text: str, lang: str | None, taken: list[tuple[int, int]]) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in _WORDS.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        # re-tokenise with offsets
        toks = [(t.group(0), m.start() + t.start(), m.start() + t.end())
                for t in re.finditer(r"[^\s-]+", m.group(0))]
        words = [t[0] for t in toks]
        groups = _split_and(words)
        pos = 0
        for group in groups:
            first = toks[pos]
            last = toks[pos + len(group) - 1]
            pos += len(group) + 1
            low = [w.lower() for w in group]
            if low[0] == "a" and len(low) == 1:
                continue
            if len(low) == 1 and low[0] in _ARTICLES:
                continue  # un char, une aide, one of
            if (len(low) == 1 and low[0] in ("cent", "cents")
                    and re.search(r"(?:pour|per)\s*$", text[max(0, first[1] - 6) : first[1]], re.I)):
                continue  # pour cent, per cent
            if low == ["neuf"]:
                nxt = _next_word(text, last[2]).lower()
                if not (len(nxt) > 2 and nxt[-1] in "sx"):
                    continue  # neuf = new
            if low == ["sept"] and text[last[2] : last[2] + 1] == ".":
                continue  # Sept. (month)
            if low[-1] in ("million", "millions", "milliard", "milliards", "billion", "billions",
                           "thousand", "thousands", "mille") and len(low) == 1:
                continue  # des millions, thousands of: no count
            lg = lang
            fr = sum(w in _FR_SET for w in low)
            en = sum(w in _EN_SET for w in low)
            if fr != en or lg is None:
                lg = "fr" if fr > en else "en" if en > fr else (lang or "fr")
            if lg == "en" and low[0] in ("un", "une"):
                continue
            value = _words_value(" ".join(low), lg)
            if value is None:
                continue
            scaled = any(w in _BIG for w in low)
            start = first[1]
            half = re.search(r"\bhalf\s+$", text[max(0, start - 8) : start], re.IGNORECASE)
            if half and low[0] == "a":
                value /= 2
                start -= len(half.group(0))
            atoms.append(_Atom(start, last[2], _to_number(value), scaled, ""))
    return atoms


_DURATION_UNIT = re.compile(
    r"^\s*(?:years?|months?|weeks?|days?|hours?|decades?|ans?|années?|mois|semaines?|jours?)\b",
    re.IGNORECASE,
)


def _qualifier(text: str, start: int, end: int | None = None) -> tuple[Qualifier | None, int]:
    m = _QUAL_BEFORE.search(text[max(0, start - 24) : start])
    if not m:
        return None, start
    if m.group("q").lower() == "over" and end is not None and _DURATION_UNIT.match(text[end:]):
        return None, start  # "over 10 years" is a duration, not "more than"
    for i, (_p, q) in enumerate(_QUALIFIERS):
        if m.group(f"g{i}"):
            return q, start - (len(text[max(0, start - 24) : start]) - m.start("q"))
    return None, start  # pragma: no cover


def quantities(text: str, lang: str | None = None) -> list[Quantity]:
    """Every quantity in `text`, in text order (see the module docstring for what counts)."""
    try:
        return _quantities(text, lang)
    except Exception:  # pragma: no cover - the contract is "never raises"
        return []


_ANY_DIGIT = re.compile(r"\d")


def _has_number(text: str) -> bool:
    return bool(_ANY_DIGIT.search(text)) or _has_number_word(text)


def _quantities(text: str, lang: str | None) -> list[Quantity]:
    if not _has_number(text):
        return []
    masked = _mask(text)
    atoms = _digit_atoms(masked)
    if _has_number_word(masked):
        atoms += _word_atoms(masked, lang, [(a.start, a.end) for a in atoms])
    atoms.sort(key=lambda a: a.start)
    for a in atoms:
        if a.unit is None:
            a.unit = _unit_after(masked, a.end, a.scaled)

    out: list[Quantity] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and _CONNECT.match(masked[a.end : b.start]):
            joined = masked[a.end : b.start].strip().lower()
            hyphen = joined in ("-", "–", "—")
            if hyphen and _year_like(a) and len(b.digits) in (2, 4) and not b.scaled:
                i += 2  # 1950-1953, 1950-53
                continue
            opener = _RANGE_OPEN.search(masked[max(0, a.start - 12) : a.start])
            needs_open = joined in ("et", "and")
            ok_open = opener is not None and opener.group("w").lower() in ("entre", "between")
            if (not needs_open or ok_open) and not _is_year(masked, a) and not _is_year(masked, b):
                change = opener is not None and opener.group("w").lower() not in (
                    "entre", "between") and _CHANGE_VERB.search(
                    masked[max(0, a.start - 40) : a.start - len(opener.group(0))] + " ")
                low = a.value
                factor = _scale_of(b)
                if not a.scaled and a.value < 1000 and a.value * factor <= b.value:
                    low = _to_number(a.value * factor)
                if not change and low <= b.value:
                    start = a.start
                    if opener is not None:
                        start = a.start - len(opener.group(0).lstrip())
                    q, qstart = _qualifier(masked, start)
                    unit = b.unit or a.unit
                    out.append(Quantity(b.value, low, b.value, q, unit, qstart if q else start, b.end))
                    i += 2
                    continue
        i += 1
        if _is_year(masked, a) or _is_date_day(masked, a):
            continue
        q, qstart = _qualifier(masked, a.start, a.end)
        end = a.end
        after = _QUAL_AFTER.match(masked[a.end : a.end + 16])
        if q is None and after:
            q, end = "at_least", a.end + after.end()
        out.append(Quantity(a.value, None, None, q, a.unit, qstart if q else a.start, end))
    return out


def _scale_of(atom: _Atom) -> int:
    """The power of 1000 a scaled atom carries (`1.5 million` -> 10**6), for shared scales."""
    factor = 1
    if atom.scaled:
        while atom.value / (factor * 1000) >= 1:
            factor *= 1000
    return factor
