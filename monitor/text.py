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


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Sentence ends. A candidate is a run of . ! ? … with any closing quotes or brackets (French
# ones after a space: "pas. »"), then spaces and what can open a sentence: a capital or a digit,
# maybe after an opening quote or bracket. A line break always ends a sentence.
_SPACE = " \u00a0\u202f"
_OPENERS = "\"“«‘'(["
_END = re.compile(  # led by one character class, so re skips ahead to the next candidate fast
    r"[\n.!?…](?:(?<=\n)|[.!?…]*(?P<close>(?:[ \u00a0\u202f]?[\"”»’')\]])*)[^\S\n]+"
    r"(?=[\"“«‘'(\[]?[ \u00a0\u202f]?[A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ0-9]))"
)
# Words a full stop never ends: titles before a name, "approx."/"env." before a number.
_TITLES = _words(
    "Mr Mrs Ms Messrs Dr Drs Prof Profs Mt Ft Gen Lt Col Maj Capt Cpt Cmdr Cdr Adm Brig Sgt Cpl "
    "Pvt Sen Sens Rep Reps Gov Pres Supt Insp Det Rev Hon Msgr Atty Amb vs v viz approx ca c cf "
    "e.g i.e eg ie incl excl esp resp M MM Mme Mmes Mlle Mlles Mgr Pr Ste Sts Gal Cdt env av apr "
    "bd c.-à-d"
)
# Abbreviations that can also end a sentence ("... in the U.S. They ...", "le 5 déc. Il ..."):
# they end one only before a word that usually starts a sentence; never before a digit.
# Initials and dotted acronyms (F., J.-L., U.S., D.C., J.-C.) read the same way.
_ABBREVS = _words(
    "No Nos no nos Nr nr n p pp art Art arts vol Vol ch chap fig Fig figs para al tel Tel tél "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec janv Janv févr fév avr juil sept oct nov "
    "déc Déc etc Inc Corp Co Ltd Plc plc Bros Jr Sr St Ave Blvd Rd Sq Ala Ariz Ark Calif Colo "
    "Conn Del Fla Ga Ill Ind Kan Ky Md Mass Mich Minn Miss Mo Mont Neb Nev Okla Ore Pa Tenn Va "
    "Vt Wash Wis Wyo"
)
_INITIALS = re.compile(r"(?:[A-ZÀ-Þ]\.-?)*[A-ZÀ-Þ]")
_CLOCK = _words("a.m p.m A.M P.M")  # "at 9 p.m. Police said" ends; "9 p.m. Monday" not
_STARTERS = _words(
    "The A An It Its He She They We I You This That These Those There Their His Her Our In On At "
    "By For From With But And Or So Yet If When While After Before As Since Although Though "
    "However Meanwhile Also Still Then Now Here Some Many Most Several Other Others Both Each All "
    "None One Two Three Four Five Six Seven Eight Nine Ten Asked According "
    "Le La Les L' Un Une Des Du Il Elle Ils Elles On Nous Vous Je Ce Cet Cette Ces C' Cela Ça "
    "Son Sa Ses Leur Leurs En Dans Au Aux À Pour Par Sur Selon Mais Et Ou Donc Puis Après Avant "
    "Depuis Alors Ainsi Pourtant Cependant Toutefois Enfin Aussi Plus Moins Deux Trois Quatre "
    "Cinq Six Sept Huit Neuf Dix Quelque Quelques Certains Certaines Plusieurs Aucun Aucune Tous "
    "Toutes D' Qu' S' J' N'"
)
_NOT_AFTER_CLOCK = _words(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept "
    "Oct Nov Dec"
)
_PARTICLES = _words("Le La Les Du Des")
_NAME = re.compile(r" [A-ZÀ-Þ][a-zà-ÿ]")
_NEXT_WORD = re.compile(r"[ \u00a0\u202f]?([^\W\d_]+)(['’]?)(\.?)")
# "?" or "!" closing a quotation, then who spoke: '"Enough!" Mayor Karen Bass told reporters'.
_SPEAKER = re.compile(
    r"(?:[A-ZÀ-Þ][\w'’.-]*[ \u00a0]+){1,3}(?:said|says|asked|asks|told|tells|added|adds|"
    r"shouted|shouts|cried|cries|wrote|writes|replied|replies|insisted|insists|declared|"
    r"exclaimed|demanded|wondered|(?:a |s'est |s’est )?(?:demandé|lancé|dit|déclaré|écrit|"
    r"crié|répondu|ajouté|interrogé|exclamé)|demande|lance|dit|déclare|écrit|crie|répond|"
    r"ajoute|interroge)\b"
)
_PAIRS = (("«", "»"), ("“", "”"), ("(", ")"))
_MARKER = re.compile(r"\d{1,3}|[A-Za-z]|[ivxIVX]{1,5}")  # "1." "b." "iv." opening a paragraph


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, as an editor would cut the text.

    A line (headline, bullet, time stamp, paragraph) is never joined to the next. Inside a
    line a sentence ends at . ! ? or an ellipsis before a capital or a digit, with its closing
    quotes or brackets, except: after a title or an abbreviation ("Dr. Smith", "M. Macron",
    "Jan. 8", "p. 12", "env. 300", "John F. Kennedy", "U.S. officials"; an abbreviation still
    ends one before a word that starts sentences: "in the U.S. They"); inside a quotation or a
    parenthesis closed later on the line; at "?" or "!" closing a quotation its speaker
    follows ('"Why?" Zelensky asked'); at a bracketed ellipsis ("[...]"); after a paragraph
    number ("1. The ...")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        dot = m.start()
        if text[dot] == "\n":
            if start < dot:
                _add(spans, text, start, dot)
            start = m.end()
            continue
        stop, end = text[dot : m.start("close")], m.end("close")
        if _ends(text, start, dot, stop, m.group("close"), end, m.end()):
            _add(spans, text, start, end)
            start = m.end()
    if start < len(text):
        _add(spans, text, start, len(text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    if text[start:end].strip():
        spans.append(_trim(text, start, end))


def _ends(text: str, start: int, dot: int, stop: str, close: str, end: int, nxt: int) -> bool:
    """Whether the candidate at `dot` (its `stop` and `close` marks up to `end`, the next
    sentence from `nxt`) ends the sentence begun at `start`."""
    if close:
        if stop == "…" or stop.startswith(".."):
            if close.lstrip(_SPACE)[0] in ")]" and text[dot - 1 : dot] in "([":
                return False  # "[...]", "(…)": words left out of a quotation
        elif stop[-1] in "?!" and _SPEAKER.match(text, nxt):
            return False
    elif stop == "." and not _after_word(text, start, dot, nxt):
        return False
    return not _inside(text, start, end)


def _after_word(text: str, start: int, dot: int, nxt: int) -> bool:
    """Whether a lone full stop after the word before `dot` ends a sentence."""
    i = dot
    while i > start and not text[i - 1].isspace():
        i -= 1
    word = text[i:dot].lstrip(_OPENERS).rsplit("'", 1)[-1].rsplit("’", 1)[-1]  # "d'env."
    if not word:
        return True
    if word in _TITLES:
        return False
    if word in _CLOCK:
        w = _NEXT_WORD.match(text, nxt)
        return not w or not (w.group(1) in _NOT_AFTER_CLOCK or w.group(1).isupper())
    if word in _ABBREVS or _INITIALS.fullmatch(word):
        return _starts_sentence(text, nxt)
    return not (i == start and _MARKER.fullmatch(word))  # "1. The ...": a numbered paragraph


def _starts_sentence(text: str, nxt: int) -> bool:
    """Whether the text at `nxt` (after an abbreviation) reads as a new sentence."""
    c = text[nxt]
    if c.isdigit():
        return False
    if c in "\"“«":  # a quotation opens: "... in the U.S. « Nous ... »"
        return True
    w = _NEXT_WORD.match(text, nxt + (c in "(["))
    if not w or w.group(3):  # "A. Smith": an initial
        return False
    word = w.group(1) + ("'" if w.group(2) else "")
    if word in _PARTICLES and _NAME.match(text, w.end()):
        return False  # "J.-M. Le Pen", "Jean-Yves Le Drian": a name goes on
    return word in _STARTERS


def _inside(text: str, start: int, end: int) -> bool:
    """Whether `end` lies inside a quotation or parenthesis that closes later on its line."""
    segment = text[start:end]
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    for opening, closing in _PAIRS:
        if (opening in segment and segment.count(opening) > segment.count(closing)
                and text.find(closing, end, line_end) >= 0):
            return True
    return segment.count('"') % 2 == 1 and text.find('"', end, line_end) >= 0


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


def _fold_string() -> str:
    """The one-to-one folds (É -> e, ï -> i, Д -> д) of U+0041..U+1FFF, and ’ -> ', as a string
    indexed by code point, so a whole text folds with str.translate and keeps its offsets (a
    string table reads twice as fast as a dict; code points past its end are left as they are).
    Characters that fold to several (ß, ligatures) or to none are left as they are.

    Each character's fold is `fold`'s, computed in one pass over all of them (NUL between
    characters, a starter, so no decomposition mixes with its neighbour's): 8,000 calls of
    `fold` took 6 ms of every start-up (tests/test_text.py compares both)."""
    start, stop = 0x41, 0x2000
    decomposed = unicodedata.normalize("NFKD", "\0".join(map(chr, range(start, stop))).casefold())
    marks = dict.fromkeys(map(ord, filter(unicodedata.combining, set(decomposed))))
    folded = decomposed.translate(marks).replace("’", "'").split("\0")
    middle = [f if len(f) == 1 else chr(code)
              for code, f in zip(range(start, stop), folded, strict=True)]
    after = "".join(map(chr, range(stop, ord("’"))))
    return "".join(map(chr, range(start))) + "".join(middle) + after + "'"


_FOLD = _fold_string()
_ASCII_IS_LOWER = all(_FOLD[i] == chr(i).lower() for i in range(128))
TOKEN = re.compile(r"[^\W_]+")  # a word of folded text
# The fold with every character that is no word character made a space, for code points
# below 0x3000 (Latin, Greek, Cyrillic, Arabic, punctuation and dashes): `fold_words` cuts a
# text into words with str.translate and str.split, in C, rather than with TOKEN.
_WORDS_END = 0x3000
_WORDS = re.sub(r"[\W_]", " ", "".join(map(chr, range(_WORDS_END))).translate(_FOLD))
_PAST_WORDS = re.compile(f"[^\\x00-{chr(_WORDS_END - 1)}]")  # (a negated class: quick to compile)


def fmt_number(x: float | None, language: str = "en") -> str:
    """1500 -> `1,500` (French: `1 500` with a narrow no-break space); 1.25 -> `1.25`;
    None -> `-`. The one formatter of digests, `explain`, `seed` and `status`."""
    if x is None:
        return "-"
    text = f"{x:,.2f}" if isinstance(x, float) and not x.is_integer() else f"{int(x):,}"
    return text.replace(",", "\u202f") if language == "fr" else text


def fold_text(text: str) -> str:
    """Case and accents removed, character for character (offsets hold); plain lowercasing
    for ASCII text (the same, cheaper: the engine folds every item)."""
    if _ASCII_IS_LOWER and text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded word tokens with offsets; hyphens and apostrophes split words (`nord-coréens`)."""
    folded = fold_text(text)
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def fold_words(text: str) -> tuple[str, list[str]]:
    """`text` folded with every character that is no word character made a space (offsets
    hold), and its words: what `TOKEN.findall(fold_text(text))` gives, at about half the
    cost (the engine cuts every item's text). A text with characters past the table is
    folded and cut as that says (its punctuation is then kept)."""
    if not text.isascii() and _PAST_WORDS.search(text):
        folded = fold_text(text)
        return folded, TOKEN.findall(folded)
    blank = text.translate(_WORDS)
    return blank, blank.split()
