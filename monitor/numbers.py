"""Quantities in French and English news text: value, range, qualifier, unit and change.

`quantities(text, lang)` is pure and never raises. It reads digits with every thousands
separator news uses (`1 500`, `1.500`, `12,000`, `1'500`, `27,349.19`), scales written out
or abbreviated (`1,2 million`, `1.5bn`, `12k`, `3 Mds`, `10M`, `$1.762bn`), number words
(through text2num), money (a currency symbol, code or word before or after the number, read
as an ISO code: `$`, `USD10m`, `M€`, `euros` -> USD, EUR), percentages (`%`, `per cent`,
`pour cent` -> "%"; percentage points -> "points"), glued measure units (`2,000km`),
negative values (`−0.3%`, `minus 20 degrees`), ranges, one-sided bounds and their negations
(`no less than 30` = at least 30), vague amounts (`dozens`, `des centaines`, `une douzaine`:
a range or an "about", never an exact count), the partitive one (`one of the best`, read on
request and marked) and change phrases (`rose by 3,000 to 14,000`, `passé de 12 à 14`: one
quantity, the new value, with `previous`). Values are exact: the digits go through Decimal,
so `4,1 millions` is 4100000 and `27,349.19` stays a float only because its decimals remain. It
leaves out what is not a count: years, dates, times, ordinals, URLs, handles, phone numbers
and model names (`F-16`, `KN-23`). Offsets always refer to the text given. What it reads is
described in docs/numbers.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import islice

from text_to_num import text2num

from monitor.lazyre import lazy_compile
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
_MONTH_FR_RE = lazy_compile(rf"(?i:{_MONTHS_FR})$")
_MONTH_EN_RE = lazy_compile(rf"(?:{_MONTHS_EN})$")

_MASK_LINKS = lazy_compile(
    r"""
      (?:https?://|www\.)\S+                                  # URLs
    | \b[\w.-]+\.(?:com|org|net|fr|uk|io|co|be|de|ru|ua|kr)/\S*  # bare domain/path links
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                            # e-mail addresses
    | (?<![\w&])[#@][^\W\d_]?\w*                              # hashtags, @handles
    """,
    re.VERBOSE,
)
_MASK_NUMBERS = lazy_compile(
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


# a stock index's number is part of its name: "The CAC 40 fell 1.2%", "le SBF 120"
_INDEX_NAME = lazy_compile(
    r"\b(?:CAC|SBF|FTSE(?:\s(?:MIB|All-Share))?|S&P|(?:Euro\s)?Stoxx|(?:EURO\s)?STOXX|DAX|MDAX|"
    r"Nikkei|IBEX|Ibex|Russell|Nasdaq|NASDAQ|ASX|BEL|PSI|OMX[A-Z]*|TSX|KOSPI|Kospi|Sensex|"
    r"SENSEX|AEX|SMI|Dow\sJones|Hang\sSeng|Wig|WIG|ATX|OBX)(?:\sindex)?[\s-]?(\d{2,4})(?![\d,.]\d)")


# the names alone, as a plain alternation (its first letters are looked up fast): a cheap test
_INDEX_HINT = lazy_compile(r"(?:CAC|SBF|FTSE|S&P|Stoxx|STOXX|DAX|MDAX|Nikkei|IBEX|Ibex|Russell|"
                         r"Nasdaq|NASDAQ|ASX|BEL|PSI|OMX|TSX|KOSPI|Kospi|Sensex|SENSEX|AEX|"
                         r"SMI|Dow|Hang|Wig|WIG|ATX|OBX)")


def _mask(text: str) -> str:
    """Overwrite links, handles, phone numbers, dates and times, and the numbers of stock
    index names (same length: offsets hold)."""
    def blank(m: re.Match[str]) -> str:
        return "§" * len(m.group(0))

    if _INDEX_HINT.search(text) and _INDEX_NAME.search(text):
        text = _INDEX_NAME.sub(
            lambda m: m.group(0)[: m.start(1) - m.start()] + "§" * len(m.group(1)), text)

    if "/" in text or "@" in text or "#" in text or "www." in text:  # no link without one
        text = _MASK_LINKS.sub(blank, text)
    # `_MASK_NUMBERS.sub(blank, text)`, searched from just before each digit: every match
    # holds a digit, after at most a month name (9 letters) and the spaces that follow it
    parts: list[str] = []
    pos = done = 0
    while (d := _ANY_DIGIT.search(text, pos)) is not None:
        start = d.start()
        while start > pos and text[start - 1].isspace():
            start -= 1
        m = _MASK_NUMBERS.search(text, max(pos, start - 9))
        if m is None:
            break
        parts += (text[done : m.start()], "§" * (m.end() - m.start()))
        pos = done = m.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


# ------------------------------------------------------------------ money, percent, units

CURRENCY_SIGNS: dict[str, str] = {
    "$": "USD", "€": "EUR", "£": "GBP", "₩": "KRW", "₽": "RUB", "₴": "UAH", "¥": "JPY", "₹": "INR",
}
# the letters before a dollar sign: US$, A$, $A, C$, HK$, NZ$, S$, R$
_DOLLAR_PREFIX: dict[str, str] = {
    "US": "USD", "U.S.": "USD", "A": "AUD", "AU": "AUD", "C": "CAD", "CA": "CAD", "HK": "HKD",
    "NZ": "NZD", "S": "SGD", "R": "BRL",
}
CURRENCY_CODES = frozenset(
    ["USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "NZD", "HKD", "SGD", "INR", "KRW", "KPW", "RUB", "UAH", "BRL", "MXN", "ZAR", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "TRY", "ILS", "SAR", "AED", "MYR"]
)
_CODE_ALIASES: dict[str, str] = {"RM": "MYR", "Rs": "INR", "Rs.": "INR"}
# a currency named by a word after the number ("12 millions d'euros", "300 roubles")
CURRENCY_WORDS: dict[str, str] = {
    "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "rouble": "RUB",
    "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH", "hryvnias": "UAH",
    "hryvnas": "UAH", "hryvnya": "UAH", "hryvnyas": "UAH", "hryvnies": "UAH", "hryvni": "UAH",
    "grivnas": "UAH", "won": "KRW", "yen": "JPY", "yens": "JPY", "yuan": "CNY", "yuans": "CNY",
    "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "roupies": "INR", "roupie": "INR",
    "ringgit": "MYR",
}
_SWISS = lazy_compile(r"(?:[\s\w'’]{0,24}?)\b(?:swiss\s+francs?|francs?\s+suisses?)\b",
                      re.IGNORECASE)
# "Canadian dollars", "dollars canadiens": the adjective says which dollar
_DOLLAR_ADJ: dict[str, str] = {
    "canadian": "CAD", "canadiens": "CAD", "canadien": "CAD", "australian": "AUD",
    "australiens": "AUD", "australien": "AUD", "hong": "HKD", "singapore": "SGD",
    "singapouriens": "SGD", "zealand": "NZD", "néo-zélandais": "NZD", "us": "USD", "u.s.": "USD",
    "american": "USD", "américains": "USD", "americains": "USD",
}
_POUND_WORDS = frozenset({"pound", "pounds", "livre", "livres"})  # money with "sterling"
_PERCENT_AFTER = lazy_compile(
    r"[ \u00a0\u202f]*(?:(?:per|pour)[ \u00a0-]?cent|percent|pourcent|pct|p\.c\.)(?![\w])",
    re.IGNORECASE)
_POINTS_AFTER = lazy_compile(
    r"[ \u00a0\u202f]*(?:percentage[ \u00a0]+points?|points?[ \u00a0]+de[ \u00a0]+pourcentage|"
    r"pts?[ \u00a0]+de[ \u00a0]+pourcentage|ppts?|pp)(?![\w])", re.IGNORECASE)

# ------------------------------------------------------------------ digits

_SCALES: dict[str, int] = {
    "hundred": 2, "cent": 2, "cents": 2,
    "thousand": 3, "thousands": 3, "mille": 3, "k": 3,
    "million": 6, "millions": 6, "mn": 6, "m": 6, "mio": 6, "mln": 6, "mil": 6, "mm": 6,
    "milliard": 9, "milliards": 9, "billion": 9, "billions": 9, "bn": 9, "bln": 9, "b": 9,
    "md": 9, "mds": 9, "trillion": 12, "trillions": 12, "tn": 12, "tln": 12,
}
_FR_BIG = {"billion": 12, "billions": 12, "trillion": 12, "trillions": 12}  # French usage
_DOZEN = frozenset({"dozen", "dozens", "douzaine", "douzaines", "dz", "dzs", "doz", "dozs"})
# letters glued to a number that are a unit of measure (2,000km, 256GB, 50mph, 164p)
_GLUED_UNITS = frozenset(
    ["km", "m", "cm", "mm", "nm", "µm", "kg", "g", "mg", "µg", "t", "kt", "mt", "lb", "lbs", "oz", "ft", "in", "yd", "mi", "mph", "kph", "kmh", "km/h", "km/hr", "m/s", "sq", "m2", "m²", "km2", "km²", "m3", "m³", "sqm", "sqft", "ha", "l", "ml", "cl", "dl", "hl", "kw", "mw", "gw", "w", "kwh", "mwh", "gwh", "twh", "v", "kv", "hz", "khz", "mhz", "ghz", "gb", "mb", "tb", "kb", "gbps", "mbps", "kbps", "bhp", "hp", "cc", "psi", "nm", "min", "mins", "sec", "secs", "ms", "yr", "yrs", "p", "pc"]
)
_ORDINAL = frozenset(
    ["st", "nd", "rd", "th", "er", "re", "e", "è", "ème", "eme", "ième", "ieme", "nde", "nd", "ers", "res", "es", "èmes", "emes", "ièmes", "iemes", "o", "a", "s"]
)  # 1st, 2e, 3ème, 1er; the 1990s, the 80s: not counts
_SEP_CHARS = " \u00a0\u202f\u2009'’"

_CODES_ALT = "|".join(sorted(CURRENCY_CODES))
_SIGNS = "€$£₩₽₴¥₹"
_SPACE = "[ \u00a0\u202f]"
_DIGITS = lazy_compile(  # the look-ahead first: one cheap test rules out most positions
    rf"""(?=[\d.,$€£₩₽₴¥₹A-Z])
    (?<![\w.,'’§/])(?:(?<![^\W\d_]{{2}}-)|(?<=\bsub-)|(?<=\b[Mm]inus-))(?<!\b[^\W\d_]-)   # not glued to a word, a number, a model name
    (?:(?P<cur>
        (?:(?P<dp>US|U\.S\.|AU|A|CA|C|HK|NZ|S|R){_SPACE}?)?\$(?P<ds>US|A)?
      | [€£₩₽₴¥₹]
      | (?:{_CODES_ALT}|RM|Rs\.?)(?={_SPACE}?\d)
    ){_SPACE}?)?
    (?P<num>
        \d{{1,3}}(?P<sep>[ \u00a0\u202f\u2009.,'’])\d{{3}}(?:(?P=sep)\d{{3}})*(?!\d)(?:(?!(?P=sep))[.,]\d+)?
      | \d+(?:[.,]\d+)?
      | [.,]\d+
    )(?!§)
    (?P<glued>[^\W\d_][^\W_]*(?:/[^\W\d_]+)?[²³]?)?
    (?:{_SPACE}?(?P<sym>[{_SIGNS}%]))?
    (?:{_SPACE}+(?P<scale>(?i:thousands?|mille|millions?|milliards?|billions?|trillions?|hundred|
        cents?|mio|mds?|bn|mn|mln|bln|tln|tn|dozens?|douzaines?|dzs?|dozs?)|M|k)(?![\w])
       (?:{_SPACE}+(?P<scale2>(?i:thousand|millions?|milliards?|billions?)|bn)(?![\w]))?)?
    (?:{_SPACE}?(?P<sym2>[{_SIGNS}]))?
    (?:{_SPACE}(?P<code>{_CODES_ALT})(?![\w]))?
    """,
    re.VERBOSE,
)
_WORD_NEXT = lazy_compile(r"[ \u00a0]*[^\W\d_]")
_PLURAL_NEXT = lazy_compile(r"[ \u00a0]+(?:of\b|[^\W\d_]+s\b)")  # 12m hectares, 35m of its devices

# ------------------------------------------------------------------ number words

_WORDS_FR = ["un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante", "cinquante", "soixante", "septante", "huitante", "octante", "nonante", "cent", "cents", "mille", "million", "millions", "milliard", "milliards", "billion", "billions", "trillion", "trillions", "zéro", "douzaine", "douzaines"]
_WORDS_EN = ["a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "trillion", "trillions", "dozen", "dozens", "zero", "nought"]
_FR_SET, _EN_SET = set(_WORDS_FR), set(_WORDS_EN)
_BIG = {"mille", "thousand", "thousands", "million", "millions", "milliard", "milliards",
        "billion", "billions", "trillion", "trillions", "hundred", "hundreds", "cent", "cents",
        "dozen", "dozens", "douzaine", "douzaines"}
_SCALE_WORDS = {"mille", "thousand", "million", "millions", "milliard", "milliards",
                "billion", "billions", "thousands", "trillion", "trillions"}
_ARTICLES = {"un", "une", "a", "one"}



def _trie(words: set[str] | frozenset[str]) -> str:
    """A regex alternation of `words` as a prefix tree ("t(?:en|h(?:ree|irty))"): the regex
    engine tries a handful of first letters at each position instead of every word, which
    makes the number-word scans several times faster. Longer words are tried first, as in
    a longest-first alternation."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(tree)


_NUMWORD = _trie({*_WORDS_FR, *_WORDS_EN} - {"a"})
# Runs of number words. The number-word scans run on the lowercased text (see `_lower`),
# case-sensitively: an ignore-case alternation costs the regex engine several times more.
# A word joined by a hyphen to a lowercase word is a compound ("four-cylinder"); where the
# joined word is capitalised ("two-Michelin"), `_WORDS_CASED` reads the text as written.
_WORDS_SRC = r"""(?<![\w§-])(?:
        (?:a\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b)
          |NUMWORD(?:(?:\s+|-)(?:et|and)[\s-]+|[\s-]+))*
        NUMWORD
    )(?![\w])(?:(?P<compound>-(?=[a-z]))|(?P<suspended>-(?=\s*,|\s+(?:and|or|to)\s))|(?!-))
    """.replace("NUMWORD", _NUMWORD)
_WORDS = lazy_compile(_WORDS_SRC, re.VERBOSE)
_WORDS_CASED = lazy_compile(_WORDS_SRC.replace("(?:", "(?i:", 1), re.VERBOSE)
# vague amounts: "dozens", "des centaines", "tens of thousands", "une douzaine", "un millier"
_VAGUE_WORDS = frozenset({
    "dozens", "hundreds", "thousands", "millions", "billions", "dozen", "dizaines", "douzaines",
    "centaines", "milliers", "dizaine", "douzaine", "quinzaine", "vingtaine", "trentaine",
    "quarantaine", "cinquantaine", "soixantaine", "centaine", "millier", "milliards",
})
_COUNT_WORDS = frozenset({*_WORDS_FR, *_WORDS_EN, *_VAGUE_WORDS} - {"a", "un", "une"})
_VAGUE_BASE: dict[str, int] = {
    "dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 10**6, "billions": 10**9,
    "dizaines": 10, "douzaines": 12, "centaines": 100, "milliers": 1000, "milliards": 10**9,
}
_ABOUT_NOUN: dict[str, int] = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
    "dozen": 12,
}
_VAGUE_KEYS = ("aine", "milli", "dozen", "hundred", "thousand", "billion")  # one in any match
_VAGUE = lazy_compile(  # on the lowercased text
    r"""(?<![\w§-])(?:
        (?:(?P<pre>tens|hundreds|dozens)\s+of\s+)?(?P<en>dozens|hundreds|thousands|millions|billions)
          (?!\s+of\s+(?:thousands|millions|billions)\b)
      | (?P<few>several|a\s+few)\s+(?P<fewbase>dozen|hundred|thousand|million|billion)s?
      | (?P<det>des|plusieurs|quelques|de|d['’])\s*(?P<fr>dizaines|douzaines|centaines|milliers|millions|milliards)
          (?:\s+de\s+(?P<fr2>milliers|millions|milliards)\b)?
      | (?P<half>half\s+a|une\s+demi-?)\s*(?P<halfnoun>dozen|douzaine)
      | (?P<art>a|one|une?|quelque)\s+(?P<noun>dizaine|douzaine|quinzaine|vingtaine|trentaine|
          quarantaine|cinquantaine|soixantaine|centaine|millier|dozen)s?
    )(?![\w-])""",
    re.VERBOSE,
)
_NUMBER_BEFORE = lazy_compile(r"(?:\d|\b" + _NUMWORD + r")[\s-]*$")  # on the lowercased text


_COUNT_WORD = lazy_compile(rf"{_trie(_COUNT_WORDS)}(?![^\W\d_])")


def _has_number_word(low: str) -> bool:
    """Cheap pre-check on the lowercased text: a number word other than an article. One
    prefix-tree search; its rare hits inside a word ("often") are skipped here, which is
    cheaper than a look-behind tried at every position."""
    pos = 0
    while (m := _COUNT_WORD.search(low, pos)) is not None:
        start = m.start()
        if not start or not low[start - 1].isalpha():
            return True
        pos = start + 1
    return False


def _lower(text: str) -> str:
    """`text` lowercased with its length kept (offsets hold): the rare character whose
    lowercase is longer ("İ") is kept as it is."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low

# ------------------------------------------------------------------ context words

# a verb of movement before "up to" says where a value went, not a ceiling: "inflation edged
# up to 2.2%", "the toll went up to 40" (one look-behind per verb form: fixed widths)
_MOVED_UP = "".join(
    rf"(?<!\b{v}\s)" for v in (
        "edged", "edges", "edge", "went", "goes", "go", "moved", "moves", "ticked", "ticks",
        "crept", "creeps", "inched", "inches", "climbed", "climbs", "rose", "rises", "risen",
        "jumped", "jumps", "shot", "shoots", "crawled", "revised", "revises", "bumped",
        "bumps", "pushed", "pushes", "stepped", "steps", "ratcheted", "ratchets"))

_QUALIFIERS: list[tuple[str, Qualifier]] = [
    (r"no\s+(?:less|fewer)\s+than|not\s+(?:less|fewer)\s+than|pas\s+moins\s+d[e'’]|"
     r"au\s+moins(?:\s+d[e'’])?|au\s+minimum(?:\s+d[e'’])?|at\s+least|a\s+minimum\s+of|"
     r"as\s+(?:few|little|low)\s+as", "at_least"),
    (r"no\s+more\s+than|not\s+more\s+than|pas\s+plus\s+d[e'’]|at\s+most|tout\s+au\s+plus|"
     r"au\s+plus|au\s+maximum(?:\s+d[e'’])?|a\s+maximum\s+of|"
     r"(?<!the\srun[\s-])(?<!the\slead[\s-])(?<!the\sbuild[\s-])(?<!\bleading\s)(?<!\bled\s)"
     + _MOVED_UP + r"up\s+to|(?<!\bmonté\s)(?<!\bmontée\s)(?<!\bgrimpé\s)(?<!\bmontés\s)"
     r"jusqu['’]à|"
     r"as\s+(?:many|much|high)\s+as", "up_to"),
    (r"environ|quelque|à peu près|approximativement|autour\s+d(?:es|e|['’])|some|about|around|roughly|"
     r"approximately|approx\.|an estimated|circa|~|≈|in\s+the\s+region\s+of|"
     r"(?:of|on)\s+the\s+order\s+of|de\s+l['’]ordre\s+d[e'’]|aux\s+alentours\s+d(?:es|e|['’])|"
     r"plus\s+ou\s+moins|grosso\s+modo|estimated\s+at|estimée?s?\s+à|"
     r"avoisin\w*(?:\s+(?:les|la\s+barre\s+des))?|"
     # "barely 6.5 times earnings", "à peine 30 personnes": only just that much, about it
     r"barely|scarcely|hardly|à\s+peine|tout\s+juste|guère\s+plus\s+d[e'’]", "about"),
    (r"près\s+d(?:es|e|['’])|presque|quasiment|pas\s+loin\s+d(?:es|e|['’])|nearly|almost|close to|just\s+shy\s+of|"
     r"approaching|nearing|frôl\w*(?:\s+(?:les|la\s+barre\s+des))?|proches?\s+d(?:es|e|['’])",
     "nearly"),
    (r"(?:over|above|older\s+than)\s+(?:the\s+)?age\s+of|aged\s+over|"
     r"plus d[e'’]|au-delà d[e'’]|au-dessus d[e'’]|more than|over|above|upwards? of|in excess of|"
     r"older\s+than|greater than|higher than|larger than|bigger than|supérieure?s?\s+à|"
     r"dépass\w*(?:\s+(?:désormais|maintenant|déjà))?(?:\s+(?:les|la barre des))?|"
     r"exceed\w*|surpass\w*|topped|tops|topping|has passed|franchi(?:t)?(?:\s+la barre)?\s+(?:des|de)",
     "more_than"),
    (r"(?:under|below|younger\s+than)\s+(?:the\s+)?age\s+of|aged\s+under|"
     r"moins d[e'’]|fewer than|less than|under|below|sub-|lower than|smaller than|younger\s+than|"
     r"inférieure?s?\s+à|en[ -]dessous\s+d[e'’]|au-dessous\s+d[e'’]|en\s+deçà\s+d[e'’]|"
     r"sous\s+(?:les|la\s+barre\s+des)",
     "less_than"),
]
_QUAL_BEFORE = lazy_compile(  # on the lowercased window: ignore-case costs the engine 2.5x more
    r"(?:^|[\s'’(«“\"\-])(?P<q>"
    + "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(_QUALIFIERS))
    + r")\s*$",
)
_QUAL_AFTER = lazy_compile(  # "500 or more", "40 dead or more", "40 morts ou moins"
    r"(?:-(?:(?P<plus>plus)|(?P<odd>odd))(?![\w-])|(?P<sign>\+)(?=[ \u00a0]+[^\W\d_]))"  # "30-plus", "30+", "30-odd"
    r"|(?:[ \u00a0]+[^\W\d_][\w'’-]*)?[ \u00a0]*(?:(?P<lo>or\s+more|ou\s+plus|et\s+plus|and\s+more|and\s+above|or\s+above|"
    r"or\s+greater|or\s+higher|ou\s+davantage)|(?P<hi>or\s+less|ou\s+moins|or\s+fewer|"
    r"or\s+below|or\s+lower|at\s+most|au\s+plus|au\s+maximum)|(?P<ab>or\s+so|more\s+or\s+less|"
    r"environ(?![ \u00a0]*[\d(]))"
    r")(?![\w])(?!\s*(?:than|que|d[e'’]))",
    re.IGNORECASE,
)

_RANGE_OPEN = lazy_compile(r"(?:^|[\s'’(])(?P<w>entre|between|de|d['’]|from)\s*$", re.IGNORECASE)
_RISE = (r"rose|risen|rises?|rising|increas(?:e|es|ed|ing)|grew|grown|grows?|growing|"
         r"jump(?:s|ed|ing)?|climb(?:s|ed|ing)?|gain(?:s|ed|ing)?|add(?:s|ed|ing)?|"
         r"soar(?:s|ed|ing)?|surg(?:e|es|ed|ing)|swell(?:s|ed|ing)?|swollen|rais(?:e|es|ed|ing)|"
         r"revis(?:e|es|ed|ing)|révis\w*|went|pass(?:es|ed|ing|era|erait|eraient|ent|ait)|grimp\w*|augment\w*|porté|portée|"
         r"portés|portées|monté|montée|montés|relev\w*|hauss\w*|progress(?:é|e|ed|ing)|bondi|"
         r"passé|passée|passés|passées|revu|revue|revus|revues")
_FALL = (r"fell|falls?|falling|fallen|drop(?:s|ped|ping)?|decreas(?:e|es|ed|ing)|"
         r"declin(?:e|es|ed|ing)|lost|los(?:e|es|ing)|shed|cut|slid(?:e|es|ing)?|"
         r"slipp(?:ed|ing)|slips?|sank|sunk|plung(?:e|es|ed|ing)|plummet\w*|tumbl(?:e|es|ed|ing)|"
         r"narrow(?:s|ed|ing)|eas(?:ed|es|ing)|shrank|shrunk|reduc(?:e|es|ed|ing)|diminu\w*|"
         r"baiss\w*|tomb(?:é|ée|és|ées|e|ent)|chut\w*|recul\w*|perdu|réduit\w*|abaiss\w*")
# The words of a change, rising or falling, for other stages that read change phrases (the
# engine's "size of a change", monitor/engine/attribute.py): one vocabulary
CHANGE_WORDS = f"{_RISE}|{_FALL}"
_CHANGE_VERB = lazy_compile(
    rf"\b(?:{_RISE}|{_FALL})\s+(?:[\w'’]+\s+){{0,2}}$", re.IGNORECASE)
_FALL_VERB = lazy_compile(rf"\b(?:{_FALL})\b", re.IGNORECASE)
# "rose by 3,000 to", "dropped 7% to", "a augmenté de 3 % à": the amount of a change
_BY_BEFORE = lazy_compile(
    rf"\b(?:{_RISE}|{_FALL}|up|down)\s+(?P<by>by\s+)?(?:(?:another|a\s+further|some|about|nearly|almost|"
    r"around|roughly|just|over|more\s+than|an?\s+[\w-]+-than-(?:expected|forecast|feared|hoped))"
    r"\s+)?$", re.IGNORECASE)  # "fell a smaller-than-expected 9% to EUR 520 million"
_CONNECT = lazy_compile(r"\s*(?:-|–|—|~|à|to|through|thru|et|and)\s*", re.IGNORECASE)
_CONNECT_CHANGE = lazy_compile(  # "from 208 pounds to 193", "de 12 morts à 14", "$75 U.S. to"
    r"(?:[ \u00a0,]+(?:(?:[^\W\d_]\.){2,}|[^\W\d_][\w'’-]*)){0,3}?[ \u00a0,]*(?:à|to)\s*",
    re.IGNORECASE)
# after "from", "de", "between", "entre" with no change verb: "from 450 sq ft to 900 sq ft",
# "entre 30 morts et 40 morts" (the unit said twice), "from 10 up to 20", "de 10 jusqu'à 20"
_CONNECT_RANGE = lazy_compile(
    r"(?P<unit>(?:[ \u00a0]+[^\W\d_][\w'’-]*){0,3}?)[ \u00a0]*"
    r"(?P<c>to|à|et|and|through|up\s+to|jusqu['’]à)\s*", re.IGNORECASE)
# words that are no unit said again between a range's two numbers: "de 47,9 % et un oui à
# 50,07 %" is two values, not a range ("entre 30 morts et 40 morts" is one)
_NOT_UNIT = frozenset({"et", "and", "ou", "or", "un", "une", "a", "an", "the", "le", "la", "les",
                       "l", "with", "avec", "for", "pour"})
_FROM_AFTER = lazy_compile(  # "to 138,285 lots from 212,577", "3.9 million, up from 2.4 million"
    r"(?:[ \u00a0,]+[^\W\d_][\w'’-]*){0,3}?[ \u00a0,]+(?P<dir>up\s+|down\s+)?from\s*",
    re.IGNORECASE)
_CONVERSION = lazy_compile(r"(?:[ \u00a0]+[^\W\d_][\w./-]*){0,3}[ \u00a0]*\([ \u00a0]*")
_CONVERSION_NEXT = lazy_compile(r"(?:[ \u00a0]+[^\W\d_][\w.-]*){0,3}[ \u00a0]*[/;][ \u00a0]*")
_TO_BEFORE = lazy_compile(r"\b(?:to|at)\s*$", re.IGNORECASE)

_STOP = set(
    ["le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "et", "ou", "à", "au", "aux", "en", "dans", "sur", "pour", "par", "avec", "sans", "que", "qui", "ce", "cette", "ces", "se", "sa", "son", "ses", "leur", "leurs", "il", "ils", "elle", "elles", "on", "a", "ont", "est", "sont", "été", "être", "était", "étaient", "avait", "avaient", "ait", "aurait", "auraient", "sera", "seront", "selon", "dont", "mais", "plus", "moins", "ne", "pas", "y", "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "could", "should", "may", "might", "can", "that", "which", "who", "whom", "whose", "this", "these", "those", "it", "its", "their", "there", "than", "into", "onto", "per", "via", "since", "after", "before", "while", "when", "where", "if", "not", "no", "nor", "so", "but", "also", "then", "said", "says", "say", "over", "under", "about", "around", "between", "among", "during", "et/ou", "environ", "quelque", "some", "nearly", "almost", "près"]
)
_SKIP_ADJ = set(
    ["more", "additional", "further", "extra", "other", "new", "special", "elite", "regular", "active", "reserve", "dernières", "derniers", "premières", "premiers", "prochaines", "prochains", "autres", "nouveaux", "nouvelles", "de", "d"]
)
_WHEN_WORDS = frozenset(  # "tombé à 14 000 samedi", "reached 2,740 nationwide": not a noun
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tonight", "aujourd", "hier", "demain", "tomorrow", "overnight", "ce", "cette", "ces", "matin", "soir", "nationwide", "nationally", "countrywide", "overall", "worldwide", "globally", "already", "now", "so", "déjà", "désormais", "maintenant", "alone", "seul", "seule", "seuls", "seules"])
_UNIT_WORD = lazy_compile(r"[^\W\d_][\w'’-]*")
_YEAR_BEFORE = lazy_compile(
    r"(?:\b(?:en|in|since|depuis|année|year|fin|début|mi|mid|early|late|until|till|"
    r"jusqu['’]en|dès|by|d['’]ici|été|summer|hiver|winter|printemps|spring|automne|autumn|"
    r"fall|l['’]an|an)|[(\[])\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Atom:
    """A number found in the text, before ranges and context are read."""

    start: int
    end: int
    value: Number
    scaled: bool
    digits: str  # the digit string as written, "" for words
    unit: str | None = None
    uend: int = -1  # end of the unit written after it ("per cent"), for what follows
    low: Number | None = None  # a vague amount's range ("dozens": 12-120)
    high: Number | None = None
    qual: Qualifier | None = None  # a vague amount's own qualifier ("une douzaine": about)
    vague: bool = False
    pow: int = 0  # the power of ten a scale word written out gave ("4 thousand": 3)
    glued: bool = False  # a unit glued to the digits (2000km): never a year
    partitive: bool = False  # the one of "one of the best", "l'un des": no figure's value


def _exact(d: Decimal) -> Number:
    """An int where the value is integral, else the float of the exact decimal."""
    return int(d) if d == d.to_integral_value() else float(d)


def _to_number(x: float | Decimal) -> Number:
    if isinstance(x, Decimal):
        return _exact(x)
    return int(x) if float(x).is_integer() else x


def _dec(x: Number) -> Decimal:
    return Decimal(x) if isinstance(x, int) else Decimal(repr(x))


@lru_cache(maxsize=4096)
def _is_month(word: str) -> bool:  # cached: the same few hundred words come back
    return any(bool(_MONTH_FR_RE.match(w) or _MONTH_EN_RE.match(w)) for w in (word, word.rstrip(".")))


_PREV_WORD = lazy_compile(r"([^\W\d_][\w.]*)[\s,]*$")
_NEXT_WORD = lazy_compile(r"[\s,]*([^\W\d_][\w.]*)")
_ELIDED = lazy_compile(r"(?:d|l|qu|s|n|j)['’]")


def _prev_word(text: str, pos: int) -> str:
    m = _PREV_WORD.search(text, max(0, pos - 20), pos)
    return m.group(1) if m else ""


def _next_word(text: str, pos: int) -> str:
    m = _NEXT_WORD.match(text, pos, pos + 20)
    return m.group(1) if m else ""


def _unit_after(text: str, pos: int, scaled: bool) -> str | None:
    """The noun the number counts: the next content word, skipping `de`/`of` after a scale
    and English proper adjectives (`3,000 North Korean troops` -> troops)."""
    rest = text[pos : pos + 80]
    words = list(islice(_UNIT_WORD.finditer(rest), 7))  # six are read, a seventh says "more"
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
        if _ELIDED.match(low):
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
        and not atom.glued
        and len(atom.digits) == 4
        and atom.digits.isdigit()
        and 1800 <= int(atom.digits) <= 2100
    )


def _is_year(text: str, atom: _Atom) -> bool:
    """A bare 1800-2100 is a year unless a count noun follows and no year word precedes."""
    if not _year_like(atom) or (atom.unit is not None and atom.unit in _MONEY):
        return False
    if _YEAR_BEFORE.search(text[max(0, atom.start - 12) : atom.start]):
        return True
    if _is_month(_prev_word(text, atom.start)):
        return True
    if atom.unit in _EVENTS:
        return True  # "the 2026 Winter Olympics", "les élections de 2027"
    return atom.unit is None or not atom.unit.endswith(("s", "x", "%"))  # counts are plural


# plural nouns a year names, not counts ("the 2026 Olympics", "2024 elections")
_EVENTS = frozenset(
    ["olympics", "paralympics", "games", "elections", "championships", "awards", "oscars", "grammys", "emmys", "finals", "playoffs", "midterms", "primaries", "jeux", "élections", "municipales", "législatives", "présidentielles", "régionales", "européennes", "mondiaux", "championnats", "césars", "olympiques"])


def _is_date_day(text: str, atom: _Atom) -> bool:
    if atom.scaled or atom.glued or not atom.digits.isdigit() or not 1 <= int(atom.digits) <= 31:
        return False
    nxt = _next_word(text, atom.end)
    prev = _prev_word(text, atom.start)
    nxt = nxt.rstrip(".") if nxt and not _MONTH_FR_RE.match(nxt) else nxt
    return bool(nxt and (_MONTH_FR_RE.match(nxt) or _MONTH_EN_RE.match(nxt))) or bool(
        prev and _MONTH_EN_RE.match(prev)
    )


_MONEY = CURRENCY_CODES


_DEC_MARK = lazy_compile(r"[.,]")


def _parse_num(num: str, sep: str | None, scaled: bool) -> Decimal:
    """The digits as written, exactly: `1 234 567,89`, `27,349.19`, `.08`, `3.000` (3000)."""
    if sep:
        if sep in ".," and scaled and len(num) <= 5:
            return Decimal(num.replace(",", "."))  # 1.500 million reads as 1.5 million
        dec = "," if sep in ".'’" else "." if sep == "," else None
        if dec is None:  # a space: the decimal mark is whichever of . and , follows
            dec = "," if "," in num else "."
        head, _, tail = num.partition(dec)
        head = head.replace(sep, "")
        return Decimal(f"{head}.{tail}" if tail else head)
    if num[0] in ".,":
        return Decimal("0." + num[1:])
    if "," in num or "." in num:
        head, tail = _DEC_MARK.split(num)
        if not scaled and len(tail) == 3 and len(head) <= 3:
            return Decimal(head + tail)  # 3.000 or 1,500 without a scale: thousands
        return Decimal(f"{head}.{tail}")
    return Decimal(num)


def _scale_pow(word: str, lang: str | None) -> int | None:
    low = word.lower()
    if lang == "fr" and low in _FR_BIG:
        return _FR_BIG[low]
    if low in ("cent", "cents") and lang != "fr":
        return None  # 50 cents: money, not hundreds
    return _SCALES.get(low)


_ANY_DIGIT = lazy_compile(r"\d")
_LEAD = 10  # the most characters a match holds before its first digit: "U.S. $US .5"


def _digit_matches(text: str) -> Iterator[re.Match[str]]:
    """`_DIGITS.finditer(text)`, searching from a little before each digit instead of
    trying every position: every match holds a digit at most _LEAD characters after its
    start, so the leftmost match from there is the leftmost match (the look-behinds still
    see the text before)."""
    pos = 0
    while (d := _ANY_DIGIT.search(text, pos)) is not None:
        m = _DIGITS.search(text, max(pos, d.start() - _LEAD))
        if m is None:
            return
        yield m
        pos = m.end()


# A minus sign: "−0.3%" (U+2212), "minus 20 degrees", "minus-130", "$-50.8bn"; a hyphen or a
# French "moins" (not "moins de") only before a percentage or a temperature ("-0.5%", "-5°C",
# "moins 5 degrés"), where a hyphen is not a dash and "moins" not a bound: "COVID -19
# tests", "10 -15 people" keep their 19 and 15.
_MINUS_WORD = lazy_compile(r"(?:\b[Mm]inus[ \u00a0-]|(?<![\w.,])−[ \u00a0]?)$")
_MINUS_SOFT = lazy_compile(r"(?:(?:^|(?<=[\s(\[:;=]))-|\b[Mm]oins[ \u00a0]|[$€£]-)$")
_SIGNED_UNIT = lazy_compile(
    r"[ \u00a0\u202f]*(?:%|°|º|(?:degrees?|degr[ée]s?|deg|pc|per[ \u00a0]?cent|percent|"
    r"pour[ \u00a0]?cent|points?|pts?|pp)\b)", re.IGNORECASE)


def _negative(text: str, start: int, end: int, percent: bool) -> int:
    """The length of a minus sign or word just before the number at `start`, or 0
    (`percent`: a % sign was read with the number)."""
    before = text[start - 1]
    if before not in "-−" and not (before in " \u00a0" and start >= 2 and text[start - 2] in "−sS"):
        return 0  # the common case: no sign, no "minus " or "moins " before
    window = text[max(0, start - 7) : start]
    m = _MINUS_WORD.search(window)
    if m:
        return len(m.group(0))
    if window[-1:] not in ("-", " ", "\u00a0"):
        return 0
    m = _MINUS_SOFT.search(window)
    if m is None:
        return 0
    if m.group(0)[0] not in "$€£" and not percent and not _SIGNED_UNIT.match(text, end):
        return 0
    if m.group(0) == "-" and text[: start - 1].rstrip()[-1:].isdigit():
        return 0  # "10 -15%": a range written loosely
    return len(m.group(0))


_MODEL_BEFORE = lazy_compile(r"\b[A-Za-z]+\d*-$")  # "A10-", "RTX-" glued to the number


def _digit_atoms(text: str, lang: str | None) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in _digit_matches(text):
        num, sep = m.group("num"), m.group("sep")
        glued, sym, scale = m.group("glued"), m.group("sym"), m.group("scale")
        cur = m.group("cur")
        end = m.end()
        unit: str | None = None
        power = 0
        worded = 0
        dozen = False
        is_glued_unit = False
        if cur:
            if "$" in cur:
                unit = _DOLLAR_PREFIX.get(m.group("dp") or "", "USD")
                if m.group("ds"):
                    unit = "USD" if m.group("ds") == "US" else "AUD"
            else:
                c = cur.strip()
                unit = CURRENCY_SIGNS.get(c) or _CODE_ALIASES.get(c) or c
        if glued:
            g = glued.lower()
            if glued == "m" and not cur and not m.group("sym2") and not m.group("code") and (
                    "." not in num and "," not in num) and not _PLURAL_NEXT.match(
                    text, m.end("glued")):
                continue  # 100m: metres or millions, the text does not say
            elif g == "b" and not (cur or "." in num or "," in num):
                continue  # 5b: a name, not billions
            elif g == "mm" and glued != "MM":
                unit, is_glued_unit = "mm", True
            elif g in _SCALES and not cur and _MODEL_BEFORE.search(text, max(0, m.start() - 12),
                                                                  m.start()):
                continue  # "A10-5750M", "RTX-4090K": a model name, not millions
            elif g in _SCALES and g not in ("hundred", "cent", "cents"):
                power = _SCALES[g]
            elif lang == "fr" and g in _FR_BIG:
                power = _FR_BIG[g]
            elif g == "pc":
                unit = "%"
            elif glued in ("C", "F") and ("." in num or "," in num or len(num) >= 2):
                # "46.4C", "40C", "104F": a temperature, as the English press writes it (a
                # lone digit, "3C", may be a room or a grade)
                unit, is_glued_unit = "°" + glued, True
            elif g in _GLUED_UNITS:
                unit, is_glued_unit = glued, True
            else:
                continue  # 1er, 3rd, the 1990s, 2S19: not a count
        if scale:
            p = _scale_pow(scale, lang)
            if scale.lower() in _DOZEN:
                dozen = True
            elif p is None or (glued and not power):
                end = m.start("scale")  # "50 cents" in English: the scale word is the unit
                while end > 0 and text[end - 1] in " \u00a0\u202f":
                    end -= 1
                scale = None
            else:
                power += p
                worded = p if scale[0].islower() and len(scale) > 3 else 0
            if scale and m.group("scale2"):
                p2 = _scale_pow(m.group("scale2"), lang)
                power += p2 or 0
        if scale is None and (m.group("sym2") or m.group("code")) and not glued:
            end = m.end("sym") if sym else m.end("num")
        if sym:
            unit = "%" if sym == "%" else CURRENCY_SIGNS[sym]
        if scale and m.group("sym2"):
            unit = CURRENCY_SIGNS[m.group("sym2")]
        if m.group("code") and (scale or not m.group("sym2")):
            unit = m.group("code")
        scaled = bool(power) or dozen
        try:
            if (sep == "." and lang == "en" and not scaled and num.count(".") == 1
                    and "," not in num and not _WORD_NEXT.match(text, m.end("num"))):
                # English "96.088", "4.800": a decimal point where no word follows; before
                # a word it stays a thousands group ("3.000 soldiers", "3.100 Euro" in a
                # German item the language guess took for English)
                value = Decimal(num)
            else:
                value = _parse_num(num, sep, scaled)
        except (InvalidOperation, ValueError):
            continue
        if dozen:
            value *= 12
        if power:
            value *= Decimal(10) ** power
        start = m.start()
        if start and not cur and (sign := _negative(text, start, end, sym == "%")):
            start -= sign
            value = -value
            if text[start] in CURRENCY_SIGNS:  # "$-50.8bn"
                unit = unit or CURRENCY_SIGNS[text[start]]
        atom = _Atom(start, end, _exact(value), scaled, num, unit, end)
        atom.pow = worded
        atom.glued = is_glued_unit
        atoms.append(atom)
    return atoms


def _plain_value(words: list[str], lang: str) -> float | None:
    if words and words[0] in ("a", "une", "one") and len(words) > 1:
        words = ["one" if lang == "en" else "un", *words[1:]]
    try:
        return float(text2num(" ".join(words), lang))
    except ValueError:
        return None


_WORD_SEP = lazy_compile(r"[\s-]+")
_WORD_TOKEN = lazy_compile(r"[^\s-]+")
_PER_BEFORE = lazy_compile(r"(?:pour|per)\s*$", re.IGNORECASE)
_HALF_BEFORE = lazy_compile(r"\bhalf\s+$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _words_value(phrase: str, lang: str) -> Decimal | None:
    """Value of a run of number words, or None (text2num does the arithmetic; scales it
    lacks, trillion and the French billion, are split off here)."""
    words = _WORD_SEP.split(phrase.lower())
    dozens = 1
    if words[-1] in ("dozen", "dozens", "douzaine", "douzaines"):
        words = words[:-1]
        dozens = 12
        if not words or words == ["a"]:
            return Decimal(12)
    big = _FR_BIG if lang == "fr" else {"trillion": 12, "trillions": 12}
    for i, w in enumerate(words):
        if w in big:
            left, right = words[:i], words[i + 1 :]
            if right and right[0] in ("and", "et"):
                right = right[1:]
            lv = _words_value(" ".join(left), lang) if left else Decimal(1)
            rv = _words_value(" ".join(right), lang) if right else Decimal(0)
            if lv is None or rv is None:
                return None
            return (lv * Decimal(10) ** big[w] + rv) * dozens
    v = _plain_value(words, lang)
    return None if v is None else Decimal(int(v)) * dozens


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


_ONE_NOT_COUNT = lazy_compile(r"[\s,]*(?:of|another|by|day|time|way|thing|"
                            r"or\s+(?:two|the\s+other|another))\b",
                            re.IGNORECASE)
_ONE_AFTER_DET = lazy_compile(r"(?:\b(?:no|any|every|each|the|this|that|which|some|another|"
                            r"someone|a|an)\s+|\w+'s\s+)$", re.IGNORECASE)
# "one of the best", "one of my stores", "one of Airbnb's", "one of 27"; "l'un des", "une de
# ses", "un d'entre eux": one picked out of a set (not "one of a kind", "un de ces jours")
_PARTITIVE_EN = lazy_compile(
    r"\s+of\s+(?:(?:the|my|your|his|her|its|our|their|these|those|them|us|you)\b"
    r"(?!\s+(?:days|times)\b)|[^\W\d_][\w-]*['’]s?\s|\d)", re.IGNORECASE)
_PARTITIVE_FR = lazy_compile(
    r"\s+(?:des|de\s+(?:ses|ces|leurs|nos|vos|mes|tes)|d['’]entre)\b(?!\s+jours\b)",
    re.IGNORECASE)
_PARTITIVE_DET = lazy_compile(r"\b(?:no|any|every|each|the|this|that|which|another|a|an)\s+$",
                            re.IGNORECASE)


_PARTITIVE_UN = lazy_compile(r"(?<![^\W\d_])[Uu]ne?\s+(?:des|de|d['’])")  # the pre-check: "un"


def _partitive(text: str, word: str, start: int, end: int) -> bool:
    """`one` in "one of the best", `un` in "l'un des blessés": a partitive one."""
    if word == "one":
        return bool(_PARTITIVE_EN.match(text, end)) and not _PARTITIVE_DET.search(
            text, max(0, start - 12), start)
    return bool(_PARTITIVE_FR.match(text, end))


def _word_atoms(text: str, low_text: str, lang: str | None, taken: list[tuple[int, int]],
                partitive: bool = False) -> list[_Atom]:
    atoms: list[_Atom] = []
    found = list(_WORDS.finditer(low_text))
    if any(m.group("compound") and not "a" <= text[m.end()] <= "z" for m in found):
        found = list(_WORDS_CASED.finditer(text))
    for m in found:
        if m.group("compound") and (lang == "fr" or not _COMPOUND_EN.fullmatch(m.group(0))):
            continue  # deux-roues, Trois-Rivières: names, not counts
        if m.group("suspended") and lang == "fr":
            continue  # "four-, five- and six-cylinder": an English way of writing
        # re-tokenise with offsets, less the words a digit atom took ("3 hundred and one")
        toks = [(t.group(0), m.start() + t.start(), m.start() + t.end())
                for t in _WORD_TOKEN.finditer(m.group(0))]
        if any(s < m.end() and m.start() < e for s, e in taken):
            toks = [t for t in toks if not any(s < t[2] and t[1] < e for s, e in taken)]
            while toks and toks[0][0].lower() in ("and", "et"):
                toks = toks[1:]
            if not toks or any(t[1] < e <= u[1] for t, u in zip(toks, toks[1:], strict=False) for _s, e in taken):
                continue
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
            if len(low) == 1 and low[0] in _ARTICLES and not (
                    low[0] == "one" and lang != "fr" and _one_counts(text, first[1], last[2])
                    ) and not _AFTER_HUNDRED.search(text[max(0, first[1] - 8) : first[1]]):
                if partitive and lang != ("fr" if low[0] == "one" else "en") and (
                        _partitive(text, low[0], first[1], last[2])):
                    atoms.append(_Atom(first[1], last[2], 1, False, "", partitive=True))
                continue  # un char, une aide, one of (but "3 cent un")
            if (len(low) == 1 and low[0] in ("cent", "cents")
                    and _PER_BEFORE.search(text, max(0, first[1] - 6), first[1])):
                continue  # pour cent, per cent
            if low == ["neuf"]:
                nxt = _next_word(text, last[2]).lower()
                if not (len(nxt) > 2 and nxt[-1] in "sx"):
                    continue  # neuf = new
            if low == ["sept"] and text[last[2] : last[2] + 1] == ".":
                continue  # Sept. (month)
            if low[-1] in ("million", "millions", "milliard", "milliards", "billion", "billions",
                           "thousand", "thousands", "mille", "trillion", "trillions", "hundreds",
                           "dozens", "douzaines", "douzaine", "cents") and len(low) == 1 and not (
                    low[0] == "mille" and lang != "en" and not _DE_BEFORE.search(
                        text, max(0, first[1] - 12), first[1])):
                continue  # des millions, thousands of: no count (but "mille manifestants")
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
            half = _HALF_BEFORE.search(text[max(0, start - 8) : start])
            if half and low[0] == "a":
                value /= 2
                start -= len(half.group(0))
            atom = _Atom(start, last[2], _exact(value), scaled, "")
            atom.pow = (2 if low[-1] in ("hundred", "cent", "cents") else
                        3 if low[-1] in ("thousand", "mille") else 0)
            atoms.append(atom)
    return atoms


_DE_BEFORE = lazy_compile(r"(?:aines?|iers?)\s+d(?:e\s+|['’])$", re.IGNORECASE)  # "centaine de mille"
_AFTER_HUNDRED = lazy_compile(r"\d[\s\u00a0]+(?:cents?|mille|hundred|thousand)\s+$", re.IGNORECASE)
# "four-cylinder", "a five-year journey": an English number word joined to its noun
_COMPOUND_EN = lazy_compile(r"(?:[a-z]+-)*(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                          r"eleven|twelve|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|"
                          r"eighty|ninety|hundred|thousand)-", re.IGNORECASE)


def _one_counts(text: str, start: int, end: int) -> bool:
    """English "one" is a count ("one soldier", "One dead"), not in "one of", "no one",
    "one another", "one day", "the one who"."""
    if _ONE_NOT_COUNT.match(text, end) or text[end : end + 1] in ("-", "'", "’"):
        return False
    return not _ONE_AFTER_DET.search(text[max(0, start - 12) : start])


def _vague_atoms(text: str, plural: bool) -> list[_Atom]:  # text: lowercased
    """Vague amounts: a range for plurals ("dozens" 12-120, "des centaines" 100-1,000, "tens
    of thousands" 10,000-100,000: from one to ten of the word's unit) and "about" for a
    singular ("une douzaine", "a dozen", "un millier": about 12, about 1,000)."""
    atoms: list[_Atom] = []
    if not any(key in text for key in _VAGUE_KEYS):
        return atoms
    for m in _VAGUE.finditer(text):
        if _NUMBER_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "3 dozens", "trois douzaines", "two hundred thousands": a count
        g = m.group
        low: int | None = None
        value: int
        qual: Qualifier | None = "about"
        if not plural and (g("en") or g("fr") or g("few")):
            continue
        if g("en") or g("fr"):
            base = _VAGUE_BASE[(g("en") or g("fr")).lower()]
            mult = g("pre") or g("fr2")
            if mult:
                base *= _VAGUE_BASE[mult.lower()] if g("fr2") else {
                    "tens": 10, "hundreds": 100, "dozens": 12}[mult.lower()]
            low, value = base, base * 10
        elif g("few"):
            base = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6,
                    "billion": 10**9}[g("fewbase").lower()]
            low, value = base, base * 10
        elif g("half"):
            value = 6
        else:
            noun = g("noun").lower()
            value = _ABOUT_NOUN[noun]
            if g("art").lower() == "a" and noun != "dozen":
                continue
        atom = _Atom(m.start(), m.end(), value, True, "", None, m.end(), low,
                     value if low is not None else None, qual, True)
        atoms.append(atom)
    return atoms


_DURATION_UNIT = lazy_compile(
    r"\s*(?:years?|months?|weeks?|days?|hours?|decades?|ans?|années?|mois|semaines?|jours?)\b"
    r"(?![\s-]+old\b)",
    re.IGNORECASE,
)


_SPAN_BEFORE = lazy_compile(r"\b(?:for|in|after|of|lasting|than|since)\s+$", re.IGNORECASE)


# The last word of every phrase in _QUALIFIERS, or its first letters: a number whose previous
# word is none of these has no qualifier before it, and the costly search is skipped (most
# numbers). A window ending in a sign, an apostrophe, a hyphen or a point is searched.
_QUAL_LAST = frozenset(
    ["than", "least", "moins", "minimum", "de", "of", "most", "plus", "maximum", "à", "to", "as", "environ", "quelque", "près", "approximativement", "some", "about", "around", "roughly", "approximately", "estimated", "circa", "presque", "quasiment", "nearly", "almost", "over", "above", "les", "des", "désormais", "maintenant", "déjà", "topped", "tops", "topping", "passed", "under", "below", "at", "approaching", "nearing", "modo",
     "barely", "scarcely", "hardly", "peine", "juste"])
_QUAL_LAST_STEMS = ("dépass", "exceed", "surpass", "avoisin", "frôl")


def _qualifier(text: str, start: int, end: int | None = None) -> tuple[Qualifier | None, int]:
    window = text[max(0, start - 28) : start]
    tail = window.rstrip()
    if not tail:
        return None, start
    if tail[-1].isalpha():
        i = len(tail) - 1
        while i > 0 and tail[i - 1].isalpha():
            i -= 1
        word = tail[i:].lower()
        if word not in _QUAL_LAST and not word.startswith(_QUAL_LAST_STEMS):
            return None, start
    m = _QUAL_BEFORE.search(_lower(window))
    if not m:
        return None, start
    if m.group("q").lower() == "over" and end is not None and _DURATION_UNIT.match(text, end) and (
            not _SPAN_BEFORE.search(text, max(0, start - 40), start - (len(window) - m.start("q")))):
        return None, start  # "over 10 years" is a period; "for over 10 years" is more than 10
    for i, (_p, q) in enumerate(_QUALIFIERS):
        if m.group(f"g{i}"):
            return q, start - (len(window) - m.start("q"))
    return None, start  # pragma: no cover


_DEGREES_AFTER = lazy_compile(r"[ \u00a0\u202f]?[°º](?:[ \u00a0\u202f]?(?P<u>[CcFf])(?![^\W\d_]))?")


def _unit_of(text: str, a: _Atom) -> None:
    """The unit after the number: "%" for per cent, "points" for percentage points, an ISO
    code for a currency word ("euros", "Canadian dollars", "livres sterling"), else the noun."""
    pos = a.end
    if "°" in text[pos : pos + 2] or "º" in text[pos : pos + 2]:
        deg = _DEGREES_AFTER.match(text, pos)
        if deg:
            a.unit, a.uend = "°" + (deg.group("u") or "").upper(), deg.end()
            return
    m = _PERCENT_AFTER.match(text, pos)
    if m:
        a.unit, a.uend = "%", m.end()
        return
    m = _POINTS_AFTER.match(text, pos)
    if m:
        a.unit, a.uend = "points", m.end()
        return
    noun = _unit_after(text, pos, a.scaled)
    if noun is not None:
        code = CURRENCY_WORDS.get(noun)
        if noun in ("dollars", "dollar"):
            near = text[pos : pos + 60].lower().replace("’", "'")
            at = near.find(noun)
            around = [w.strip(".") for w in re.findall(r"[\w.'-]+", near[:at])
                      + re.findall(r"[\w.'-]+", near[at:])[1:2]]
            code = next((_DOLLAR_ADJ[w] for w in around if w in _DOLLAR_ADJ), "USD")
        elif noun in ("francs", "franc") and _SWISS.match(text, pos, pos + 60):
            code = "CHF"  # "1.2 billion Swiss francs", "1,2 milliard de francs suisses"
        elif noun in _POUND_WORDS and re.match(r"\s+sterling\b",
                                               text[pos:].lower().split(noun, 1)[-1]):
            code = "GBP"
        if code:
            noun = code
    a.unit = noun


def quantities(text: str, lang: str | None = None, *, vague: bool = False,
               partitive: bool = False) -> list[Quantity]:
    """Every quantity in `text`, in text order (see the module docstring for what counts).

    Vague plurals ("dozens", "des centaines", "tens of thousands") are read as ranges only
    with `vague=True`: they are no figure's value ("thousands of troops" does not revise
    3,000), so the engine leaves them unread; "une douzaine", "a dozen", "un millier" are
    read either way, as "about" 12 or 1,000. The partitive one ("one of the best", "l'un
    des blessés") is read, as 1 marked `partitive`, only with `partitive=True`: it picks
    one thing out of a set and is never a figure's value ("one of the 27 dead" is no toll
    of 1; its 27 is read either way)."""
    try:
        return _quantities(text, lang, vague, partitive)
    except Exception:  # pragma: no cover - the contract is "never raises"
        return []




def _has_number(text: str) -> bool:
    return bool(_ANY_DIGIT.search(text)) or _has_number_word(_lower(text))


def _merge_worded(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """`4 thousand 3 hundred and 21` -> 4321; `3 cents et 21` -> 321 (a written-out hundred
    or thousand followed by a smaller number)."""
    out: list[_Atom] = []
    for a in atoms:
        p = out[-1] if out else None
        if p is not None and p.pow in (2, 3) and not p.unit and not a.vague and not p.vague and (
                0 < a.value < 10 ** p.pow and not a.pow >= p.pow):
            between = text[p.end : a.start]
            if between.strip() == "" or (p.pow == 2 and between.strip().lower() in ("and", "et")):
                p.value = _exact(_dec(p.value) + _dec(a.value))
                p.end, p.uend, p.unit, p.pow = a.end, a.uend, a.unit, a.pow
                p.digits = ""
                continue
        out.append(a)
    return out


def _quantities(text: str, lang: str | None, plural: bool = False, partitive: bool = False
                ) -> list[Quantity]:
    digits = _ANY_DIGIT.search(text) is not None
    low = _lower(text)
    worded = _has_number_word(low) or (partitive and _PARTITIVE_UN.search(text) is not None)
    if not (digits or worded):
        return []
    masked = _mask(text)
    atoms = _digit_atoms(masked, lang) if digits else []
    if worded:
        if masked is not text:  # _mask returns the text itself where it masked nothing
            low = _lower(masked)
        vague = _vague_atoms(low, plural)
        taken = [(a.start, a.end) for a in atoms]
        vague = [v for v in vague if not any(s < v.end and v.start < e for s, e in taken)]
        taken += [(a.start, a.end) for a in vague]
        atoms += vague + _word_atoms(masked, low, lang, taken, partitive)
        atoms.sort(key=lambda a: a.start)
        atoms = _merge_worded(masked, atoms)
    for a in atoms:
        if a.unit is None:
            _unit_of(masked, a)
        if a.uend < a.end:
            a.uend = a.end

    out: list[Quantity] = []
    converted = -1  # len(out) just after a conversion in brackets took its bound
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if a.partitive:
            i += 1
            out.append(Quantity(1, None, None, None, None, a.start, a.end, partitive=True))
            continue
        if b is not None and not a.vague and not b.vague and not b.partitive:
            pair = _pair(masked, a, b)
            if pair is not None:
                if pair is not _YEARS:
                    out.append(pair)
                i += 2
                continue
            c = atoms[i + 2] if i + 2 < len(atoms) else None
            if c is not None and not c.vague and not c.partitive and _is_year(masked, b) and (
                    not _is_year(masked, a)):
                # "fell from 63,890 in 2021 to 56,345": the year between read as a word
                veiled = f"{masked[: b.start]}{'y' * (b.end - b.start)}{masked[b.end :]}"
                pair = _pair(veiled, a, c)
                if pair is not None and pair is not _YEARS:
                    out.append(pair)
                    i += 3
                    continue
        i += 1
        if not a.vague and (_is_year(masked, a) or _is_date_day(masked, a)):
            continue
        q, qstart = _qualifier(masked, a.start, a.end)
        end = a.uend if a.unit in ("%", "points") else a.end
        after = _QUAL_AFTER.match(masked, end, end + 20)
        if after and (after.group("plus") or after.group("odd") or after.group("sign")) and (
                not masked[end - 1].isdigit() or _next_word(masked, after.end()).lower() in _STOP):
            after = None  # "3G+", "Hero 3+ qui": a name, not "3 or more"
        if after and (after.group("ab") or after.group("odd")):
            if q is None:  # "30 or so", "300 morts environ", "30-odd": about
                q = "about"
                end = after.end()
        elif after and q in (None, "about"):
            q = "at_least" if after.group("lo") or after.group("plus") or after.group(
                "sign") else "up_to"
            end = after.end()
        if q is None and a.qual:
            q = a.qual
        if q is None and out and out[-1].qualifier and (
                _CONVERSION.fullmatch(masked, out[-1].end, a.start) or (
                    converted == len(out) and _CONVERSION_NEXT.fullmatch(
                        masked, out[-1].end, a.start))):
            q = out[-1].qualifier  # "more than 100 kilometres (60 miles)": the same bound
            converted = len(out) + 1  # "under 296 hp (224 kW / 300 PS)": each one in it
        start = qstart if q and qstart < a.start else a.start
        out.append(Quantity(a.value, a.low, a.high, q, a.unit, start, end))
    return _far_changes(text, out) if len(out) > 1 else out


# a change said across its noun phrase: "revised down to 8.6 million the number of accounts
# whose data was stolen, from nearly 9 million"; "a reculé samedi à 963 000 manifestants
# dans toute la France, contre 1,24 million mardi"
_FAR_TO = lazy_compile(rf"\b(?:{_RISE}|{_FALL})(?:\s+[\w'’]+){{0,2}}?\s+(?:to|à)\s*$",
                     re.IGNORECASE)
_FAR_FROM = lazy_compile(r"[^\d;.!?()]{1,120}?,\s*(?:(?:down|up)\s+)?(?:from|contre)\s+"
                       r"(?:(?:nearly|almost|about|around|some|près\s+de|environ|quelque)\s+)?",
                       re.IGNORECASE)


def _far_changes(text: str, out: list[Quantity]) -> list[Quantity]:
    """Give a new value the old one a change phrase names after its noun phrase (the old
    value stays a quantity of its own too)."""
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.previous is not None or a.low is not None or b.low is not None or b.unit not in (
                None, a.unit):
            continue
        gap = text[a.end : b.start]
        if "," not in gap or ("from" not in gap and "contre" not in gap):  # cheap first
            continue
        if _FAR_FROM.fullmatch(text, a.end, b.start) and _FAR_TO.search(
                text, max(0, a.start - 60), a.start):
            out[i] = replace(a, previous=b.value)
    return out


_YEARS = Quantity(0, None, None, None, None, -1, -1)  # _pair's answer for "both are left out"


def _pair(text: str, a: _Atom, b: _Atom) -> Quantity | None:  # noqa: PLR0911
    """Two numbers read as one: a range ("11 000 à 12 000", "between 20 and 30"), a change
    ("rose from 12 to 14", "passé de 12 à 14", "rose by 3,000 to 14,000", "dropped 7% to
    $2.3 billion", "to 138,285 lots from 212,577"), or None."""
    prev: Number | None
    between = text[a.uend : b.start]
    if len(between) > 48:
        return None
    connect = _CONNECT.fullmatch(between)
    if not connect and "from" not in between and " à" not in between and " to" not in between \
            and " et" not in between and " and" not in between and "jusqu" not in between:
        return None
    before = text[max(0, a.start - 48) : a.start]
    opener = _RANGE_OPEN.search(before[-12:])
    word = opener.group("w").lower() if opener else ""
    change_from = bool(opener) and word not in ("entre", "between") and bool(
        _CHANGE_VERB.search(before[: len(before) - len(opener.group(0))] + " ")) if opener else False
    joined = between.strip().lower()
    if change_from and not connect and _CONNECT_CHANGE.fullmatch(between):
        connect, joined = None, "to"
    elif not connect and opener and not change_from and (
            ranged := _CONNECT_RANGE.fullmatch(between)) is not None and (
            not ranged.group("unit") or (a.unit is not None and a.unit == b.unit
                                         and _NOT_UNIT.isdisjoint(ranged.group("unit")
                                                                  .lower().split()))):
        joined = ranged.group("c").lower()
        joined = "to" if joined.startswith("up") else "à" if joined.startswith("jusqu") else joined
    elif not connect:
        back = _FROM_AFTER.fullmatch(between)
        if back and (back.group("dir") or (_TO_BEFORE.search(before) and _CHANGE_VERB.search(
                before[: _TO_BEFORE.search(before).start()] + " "))):  # type: ignore[union-attr]
            if _is_year(text, b) or _is_year(text, a):
                return None
            prev = _shared_scale(b, a, rising=False)
            return Quantity(a.value, None, None, None, a.unit or b.unit, a.start, a.end,
                            previous=prev)
        return None
    if joined in ("-", "–", "—", "~") and _year_like(a) and not b.scaled and (
            len(b.digits) == 2 or _year_like(b) or len(b.digits) == 4 and b.value > a.value * 2
            or len(b.digits) == 4 and not b.unit):
        return _YEARS  # 1950-1953, 1950-53, decree 2024-1234: years and references, left out
    if _is_year(text, b) or (_is_year(text, a) and (_year_like(b) or not b.unit)):
        return None
    to = joined in ("to", "à")
    by = _BY_BEFORE.search(before) if to and not opener else None
    percent_by = a.unit in ("%", "points") and b.unit != a.unit
    if to and (change_from or (by and (by.group("by") or percent_by))):
        fall = bool(_FALL_VERB.search(before[-40:]))
        if change_from and not percent_by:
            prev = _shared_scale(a, b, rising=False)
        elif a.unit in (None, b.unit) or (a.unit == "points" and b.unit == "%"):
            amount = _dec(_shared_scale(a, b))
            prev = _exact(_dec(b.value) + amount if fall else _dec(b.value) - amount)
        else:
            prev = None  # "dropped 7% to $2.3 billion": the old value is not said
        start = a.start - len(opener.group(0).lstrip()) if opener else b.start
        q, qstart = _qualifier(text, b.start, b.end)
        return Quantity(b.value, None, None, q if not q or qstart >= a.uend else None,
                        b.unit or (a.unit if not percent_by else None), start, b.end,
                        previous=prev)
    if joined in ("et", "and") and word not in ("entre", "between"):
        return None
    if change_from:
        return None
    if _keyed(a.unit) and _keyed(b.unit) and a.unit != b.unit:
        return None  # "9% to EUR 520 million": no range runs from a percentage to money
    low = _shared_scale(a, b)
    if not low <= b.value:
        return None
    start = a.start - len(opener.group(0).lstrip()) if opener else a.start
    q, qstart = _qualifier(text, start)
    unit = a.unit if _keyed(a.unit) and not _keyed(b.unit) else b.unit or a.unit  # "$10-12M deal"
    return Quantity(b.value, low, b.value, q, unit, qstart if q else start, b.end)


def _keyed(unit: str | None) -> bool:
    """A unit read as a key (a currency code, %, points, degrees), not a noun."""
    return unit is not None and (unit in _MONEY or unit in ("%", "points") or unit[0] == "°")


def _shared_scale(a: _Atom, b: _Atom, rising: bool = True) -> Number:
    """a's value with b's scale when a has none ("from EUR 50 to 60 billion": 50 billion;
    for a range, only where that keeps it below b)."""
    factor = _scale_of(b)
    if not a.scaled and a.value < 1000 and factor > 1 and (
            a.value * factor <= b.value or not rising):
        return _exact(_dec(a.value) * factor)
    return a.value


def _scale_of(atom: _Atom) -> int:
    """The power of 1000 a scaled atom carries (`1.5 million` -> 10**6), for shared scales."""
    factor = 1
    if atom.scaled:
        while atom.value / (factor * 1000) >= 1:
            factor *= 1000
    return factor
