"""Plain-text helpers shared by the pure stages: HTML to text, cleaning, sentences, folding."""

from __future__ import annotations

import html as _html
import re
import threading
import unicodedata
from functools import lru_cache

from lxml import etree

_BLOCK = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "figure", "figcaption", "header", "footer", "hr",
)
_SKIP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "form", "button")
# NUL and other C0/C1 controls (but tab/newline), bidi overrides and isolates, zero-width marks.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# Patterns with a literal first character: re then skips ahead with a fast search instead of
# trying every position (3x faster than one class-led pattern on article-length text).
_SPACE_RUN = re.compile(r"  +")
_NEWLINE_RUN = re.compile(r"\n[ \n]+")
_TAG = re.compile(r"<[^>]*>?")


class _Parsers(threading.local):
    """One HTML parser per thread: lxml serialises the parses of a shared parser."""

    def __init__(self) -> None:
        self.html = etree.HTMLParser(
            no_network=True, remove_comments=True, remove_pis=True, default_doctype=False
        )


_PARSERS = _Parsers()


def clean(text: str) -> str:
    """Drop ANSI escapes, control and bidi characters; fold runs of spaces and blank lines
    (one space, one newline, no space at either end of a line)."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    for blank in "\t\r\f\v":
        if blank in text:
            text = text.replace(blank, " ")
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text or "\n\n" in text:
        text = _NEWLINE_RUN.sub("\n", text)
    return text.strip()


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, blocks on their own lines; never raises.

    lxml's HTML parser (libxml2: no network, no entity declarations in HTML) builds the tree;
    scripts, styles, forms and the like are dropped with their content, each block element
    starts and ends a line. Markup lxml cannot read at all has its tags stripped instead."""
    if "<" not in html:
        return clean(_html.unescape(html)) if "&" in html else clean(html)
    if "\x1b" in html:
        html = _ANSI.sub("", html)
    html = _CONTROL.sub("", html)  # libxml2 turns NUL into U+FFFD and some controls into spaces
    try:
        root = etree.fromstring(html, _PARSERS.html)
        if root is None:
            return ""
        etree.strip_elements(root, *_SKIP, with_tail=False)
        for el in root.iter(*_BLOCK):
            el.text = "\n" + el.text if el.text else "\n"
            el.tail = "\n" + el.tail if el.tail else "\n"
        text = etree.tostring(root, method="text", encoding="unicode")
    except (etree.LxmlError, ValueError):  # unreadable markup, or a character lxml refuses
        text = _html.unescape(_TAG.sub(" ", html))
    return clean(text)


_ABBREV = (
    r"(?<![A-Za-zÀ-ÿ])(?:[A-Z]|M|Mr|Mrs|Ms|Dr|St|Mme|Mlle|Gen|Col|Lt|Sgt|Sen|Rep|Gov|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|No|vs|etc|Inc|Corp|U\.S|U\.K|U\.N|approx|env)\."
)
_SPLIT = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«(]?[A-ZÀ-ÖØ-Þ0-9])|\n+")
_ABBREV_END = re.compile(_ABBREV + r"$")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; lines are sentences, abbreviations do not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT.finditer(text):
        if m.group(0).strip() and _ABBREV_END.search(text[max(start, m.start() - 8) : m.start()]):
            continue
        if text[start : m.start()].strip():
            spans.append(_trim(text, start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-folded form: `Oussouriïsk` -> `oussouriisk`, `Nord-Coréens` -> `nord-coreens`."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _fold_table() -> dict[int, str]:
    """One-to-one folds (É -> e, ï -> i, Д -> д) so a whole text folds with str.translate and
    keeps its offsets; characters that fold to several (ß, ligatures) are left as they are."""
    table: dict[int, str] = {}
    for code in range(0x41, 0x2000):
        c = chr(code)
        f = fold(c)
        if f != c and len(f) == 1:
            table[code] = f
    table[ord("’")] = "'"
    return table


_FOLD = _fold_table()
TOKEN = re.compile(r"[^\W_]+")  # a word of folded text


def fmt_number(x: float | None, language: str = "en") -> str:
    """1500 -> `1,500` (French: `1 500` with a narrow no-break space); 1.25 -> `1.25`;
    None -> `-`. The one formatter of digests, `explain`, `seed` and `status`."""
    if x is None:
        return "-"
    text = f"{x:,.2f}" if isinstance(x, float) and not x.is_integer() else f"{int(x):,}"
    return text.replace(",", "\u202f") if language == "fr" else text


def fold_text(text: str) -> str:
    """Case and accents removed, character for character (offsets hold)."""
    return text.translate(_FOLD)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded word tokens with offsets; hyphens and apostrophes split words (`nord-coréens`)."""
    folded = text.translate(_FOLD)
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(folded)]
