"""Attribute quantities to figures: which figure, if any, a number in a sentence is a value of.

`attribute(watchlist, sentence, quantities, context)` says, for every quantity of a sentence,
which figure it is a value of (or none), with the evidence for and against each figure:
subject (in the number's noun phrase, its clause, or the title), unit noun or measure word
("the toll rose to 5,120"), cues, exclusions, other sides, parts and wholes, the plausible
range, and the scope the number is bound to (`scope.py`). When several figures accept a
number, the stronger binding wins (score, then nearness); only an exact tie gives neither.
Pure: shared by the daemon, `replay`, `explain` and `seed`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.engine import scope as scoping
from monitor.engine.scope import Mention, Scope
from monitor.engine.watchlist import (
    Figure,
    Phrase,
    PhraseHit,
    Tokenised,
    Watchlist,
    fold_fast,
    phrase_of,
    word_starts,
)
from monitor.engine.words import (
    BOTH,
    FORECAST,
    HISTORY,
    PART_AFTER,
    PART_BEFORE,
    SINCE,
    WHEN,
    WHOLE_WORDS,
    YEAR,
)
from monitor.lazyre import lazy_compile
from monitor.models import Quantity
from monitor.numbers import CHANGE_WORDS, CURRENCY_CODES
from monitor.text import TOKEN, fold_text

_PART_BEFORE = {phrase_of(w) for w in PART_BEFORE}
_PART_AFTER = {phrase_of(w) for w in PART_AFTER}
_WHOLE = {phrase_of(w) for w in WHOLE_WORDS}
# Parts and wholes are read only in sentences with numbers, by one scan of the folded text
# (kept out of the watchlist's matcher: "more", "dont" are in most sentences of the news).
_FUNCTION = {" ".join(p): p for p in _PART_BEFORE | _PART_AFTER | _WHOLE}
_FUNCTION_RE = lazy_compile(r"\b(?:" + "|".join(sorted(map(re.escape, _FUNCTION), key=len,
                                                       reverse=True)) + r")\b")


def _function_hits(sentence: str) -> list[PhraseHit]:
    """Hits of the part and whole words in a sentence (folded: `supplémentaires` too)."""
    folded = re.sub(r"[-'’]", " ", fold_text(sentence))
    return [PhraseHit(_FUNCTION[m.group(0)], m.start(), m.end(), 100.0)
            for m in _FUNCTION_RE.finditer(folded) if m.group(0) in _FUNCTION]


# Every part and whole phrase, for the candidates' test (a figure whose words include one
# may find it in any sentence).
_FUNCTION_PHRASES = frozenset(_FUNCTION.values())
# Units the number reader gives from signs and codes rather than a word of the sentence:
# a figure counting in them may take a number of any sentence.
_SIGNED_UNITS = frozenset({c.lower() for c in CURRENCY_CODES} | {"points"})
# "5km": a unit glued to its number (group 1). Led by the digit, not by a look-behind: the
# same letters at the same places, found in half the time on article-length text.
_AFTER_DIGIT = lazy_compile(r"\d([^\W\d_]+)")


def candidates(wl: Watchlist, item_phrases: frozenset[Phrase]) -> tuple[Figure, ...]:
    """The figures a number of an item can be a value of, judged by the phrases found
    anywhere in it (`item_phrases`, title included): a figure needs its subject somewhere in
    the item (or, when it counts in a place, one of its measure, unit or cue words, which
    with that place stand for the subject), and one of its cues if it has any. Every other
    figure is refused for every number of the item ("no subject", "none of its cues"), so
    the engine reads numbers and weighs figures only for these."""
    if _FUNCTION_PHRASES.isdisjoint(wl.figure_index) and _FUNCTION_PHRASES.isdisjoint(wl.all_cues):
        index = wl.figure_index
        named = {f.id for p in item_phrases for f in index.get(p, ())}
        if not named:
            return ()
        return tuple(f for f in wl.figures if f.id in named
                     and (not f.cues or not item_phrases.isdisjoint(f.cues)))
    found = item_phrases | _FUNCTION_PHRASES  # (a figure with a part or whole word)
    return tuple(
        f for f in wl.figures
        if (not f.cues or not found.isdisjoint(f.cues))
        and (not found.isdisjoint(f.subject)
             or (bool(f.scope) and not found.isdisjoint(f.measure | f.unit | f.cues)))
    )


@dataclass(frozen=True, slots=True)
class Gate:
    """What a sentence must hold for one of an item's candidate figures to take a number of
    it: a role word of theirs (unit, measure or cue, matched exactly), or a word that the
    number reader could give as a unit they count in (a word of the sentence, or one glued
    to a number: "5km"). Figures counting in money, percent or points (units read from
    signs) open every sentence."""

    words: frozenset[str]  # one-word units and people-counting cues of the candidates
    phrases: frozenset[Phrase]  # their unit, measure and cue phrases
    open: bool

    @staticmethod
    def of(figures: Sequence[Figure]) -> Gate:
        words: set[str] = set()
        phrases: set[Phrase] = set()
        open_ = False
        for f in figures:
            words |= f.unit_words | f.cue_participles
            roles = f.unit | f.measure | f.cues
            phrases |= roles
            open_ = open_ or f.percent or bool(f.unit_words & _SIGNED_UNITS) or bool(
                roles & _FUNCTION_PHRASES)
        return Gate(frozenset(words), frozenset(phrases), open_)

    def _mine(self, wl: Watchlist, words: set[str]) -> set[str]:
        """The words among these that stand for a candidate's unit word."""
        look = wl.unit_words_of
        return {w for w in wl.unit_tokens(words) if not self.words.isdisjoint(look(w))}

    def passing(self, wl: Watchlist, text: str, spans: Sequence[tuple[int, int]],
                hits: Sequence[Sequence[PhraseHit]], tok: Tokenised | None = None
                ) -> list[bool]:
        """For each sentence (`spans` of `text`, `hits` its phrases), whether it passes:
        read on the whole text at once (every word of a text lies in one sentence; `tok`,
        the text already folded and cut, if at hand)."""
        if self.open:
            return [True] * len(spans)
        phrases = self.phrases
        flags = [any(h.phrase in phrases and h.score >= 100 for h in hs) if hs else False
                 for hs in hits]
        folded = tok.folded if tok is not None else fold_fast(text)
        starts = [s for s, _e in spans]
        at: list[int] = []
        for w in self._mine(wl, set(tok.words if tok is not None else TOKEN.findall(folded))):
            at += word_starts(folded, w)
        glued = [m for m in _AFTER_DIGIT.finditer(folded)]
        if glued:
            ok = self._mine(wl, {m.group(1) for m in glued})
            at += [m.start(1) for m in glued if m.group(1) in ok]
        for pos in at:
            k = bisect_right(starts, pos) - 1
            if k >= 0 and pos < spans[k][1]:
                flags[k] = True
        return flags

    def anywhere(self, wl: Watchlist, text: str, tok: Tokenised | None,
                 found: Sequence[tuple[Phrase, float]]) -> bool:
        """Whether some sentence of `text` may pass (`found`: the whole text's phrases)."""
        if self.open or any(p in self.phrases and score >= 100 for p, score in found):
            return True
        folded = tok.folded if tok is not None else fold_fast(text)
        words = set(tok.words if tok is not None else TOKEN.findall(folded))
        words.update(_AFTER_DIGIT.findall(folded))
        return bool(self._mine(wl, words))

    def passes(self, wl: Watchlist, sentence: str, hits: Sequence[PhraseHit]) -> bool:
        """Whether one sentence passes (what `passing` says of it)."""
        return self.passing(wl, sentence, [(0, len(sentence))], [hits])[0]


MEASURE_WORDS = 12  # a measure word governs a number at most this many words before it
_SAYS = lazy_compile(r"\b(?:according to|selon|d['’]après|said|says|say|told|estimates?|"
                   r"estime|estiment|a indiqué|indique|a annoncé|annonce|a recensé|recense|"
                   r"a compté|compte|revendique|revendiquent|claimed|claims|counted|reported|per)\b",
                   re.IGNORECASE)
_ACCORDING = lazy_compile(r"^[\s,]*(?:\S+\s+){0,2}?(?:according to|selon|d['’]après|per|says|"
                        r"indique|in the (?:latest|last|new)|dans le (?:dernier|nouveau))\b",
                        re.IGNORECASE)

_CLAUSE = lazy_compile(
    r";|:\s|[,–—]\s*(?:tandis que|alors que|mais|but|while|whereas|however|cependant)\b|"
    r"\s(?:tandis que|whereas|while)\s",
    re.IGNORECASE,
)
_AFTER_STOP = lazy_compile(r"[,;:.()«»\"“”!?]|\s(?:et|and|but|mais)\s", re.IGNORECASE)
_WORD = lazy_compile(r"(\s*)([^\s,;:.()«»\"“”!?]+)")
_NP_STOP = set(
    ["in", "to", "at", "from", "into", "en", "à", "au", "aux", "vers", "dans", "pour", "par", "avec", "with", "for", "near", "près", "by", "on", "sur", "after", "before", "while", "since", "depuis", "after", "avant", "après", "ont", "a", "avaient", "avait", "étaient", "était", "sont", "est", "se", "s'", "have", "has", "had", "were", "was", "are", "is", "will", "would", "could", "should", "may", "might", "be", "been", "being", "that", "which", "who", "qui", "que", "qu'", "dont", "including", "et", "and", "or", "ou", "but", "mais", "said", "selon", "according", "ce", "cette", "ces", "this", "these", "the", "le", "la", "les", "l'", "un", "une", "a", "an"]
)
_PART_OF = lazy_compile(r"^\s*(?:\S+\s+){0,2}?(?:of|out of|sur|parmi|among)\b", re.IGNORECASE)
# The size of a change, not a level: "rose by 3,000", "recule de cinq points", "s'est alourdi
# de 30 morts", "une hausse de 2 points", "gagne trois points" (after gain and lose, points
# only: "lost 3,000 jobs" may be a level). A change said with its new level ("rose by 3,000
# to 14,000") is read as that level by the number reader. Not for a percentage: "the economy
# grew by 0.3%" gives a growth rate, a level of its own.
_CHANGE_SIZE = lazy_compile(
    rf"(?:\b(?:{CHANGE_WORDS}|up|down|widen(?:s|ed)?|lower(?:s|ed)?|alourdi\w*|allég\w*|"
    r"cédé|cède|gagné|progression|repli)\s+(?:by|de|d['’])"
    r"|\b(?:rise|fall|increase|decrease|drop|jump|gain|loss|swing)\s+of"
    r"|(?P<points>\b(?:gain(?:s|ed)?|los(?:t|es|e)|gagn\w*|perd\w*|cèdent|up|down)))"
    r"\s+(?:(?:some|about|nearly|almost|around|roughly|just|another|a\s+further|more\s+than|"
    r"près\s+d[e'’]|environ|plus\s+d[e'’]|quelque|encore)\s+)?$", re.IGNORECASE)
# A label before a colon that opens a sentence ("Sondage : 58 % ...", "Poll: 58% ..."), or a
# source leading it ("According to a projection by X, ..."): it speaks for every clause
# after it, so its exclude words count for their numbers.
_LABEL = lazy_compile(r"^\s*(?:[^\W\d_][\w'’.-]*\s+){0,2}[^\W\d_][\w'’.-]*\s?:\s"
                      # and who says it, leading the sentence: "Selon la projection de X, ..."
                      r"|^\s*(?:selon|d['’]après|according\s+to)\b[^,;:.!?]{0,160}[,:]",
                      re.IGNORECASE)
AFTER_WORDS = 6
EXCLUDE_WORDS = 16


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a quantity is, or is not, a value of one figure (shown by `explain`)."""

    figure: str
    unit: bool
    subject: str | None  # where: "noun phrase", "clause", "title", "item" or None
    cues: tuple[str, ...]
    excluded_by: tuple[str, ...]
    other_side: tuple[str, ...]
    part: str | None
    out_of_range: bool
    score: float
    accepted: bool
    reason: str
    measure: str | None = None  # the measure word that governs the number, if any
    scope: str | None = None  # the binding, when the figure has a scope
    distance: int = 0  # characters from the number to its nearest evidence (tie-break)


@dataclass(frozen=True, slots=True)
class Attribution:
    """The verdict for one quantity: the figure it belongs to (or None), the evidence, and
    the scope the number was bound to."""

    quantity: Quantity
    figure: str | None
    evidence: tuple[Evidence, ...]
    note: str
    scope: Scope = scoping.UNBOUND


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the item says around a sentence: the title's hits and the scope the
    title or an earlier sentence gives (used when the sentence binds no place)."""

    title_hits: tuple[PhraseHit, ...] = ()
    title_scope: Scope = scoping.UNBOUND
    earlier_scope: Scope = scoping.UNBOUND
    item_phrases: frozenset[Phrase] = frozenset()  # every phrase found anywhere in the item
    year: int | None = None  # the report's year: another year's number is a past one
    # the title's values taken by a figure on a cue in their own clause: (figure, value)
    title_cued: frozenset[tuple[str, float]] = frozenset()

    def title_cues_for(self, figure: str, q: Quantity) -> bool:
        """Whether the title's cues may count for body number q: not when the title gave
        the figure another value on its cue ("Shares now 27% below pre-breach
        level" over "shares fell 7% on Wednesday"; "fall 11%, about 30% below pre-breach
        level" over "closed down 11%": the cue is the 30%'s, not the 11%'s)."""
        return not any(f == figure and v != float(q.value) for f, v in self.title_cued)


def _words(phrases: Iterable[Phrase]) -> tuple[str, ...]:
    return tuple(sorted(" ".join(p) for p in phrases))


def _in(hits: Sequence[PhraseHit], phrases: frozenset[Phrase], lo: int, hi: int) -> list[Phrase]:
    return [h.phrase for h in hits if h.phrase in phrases and lo <= h.start and h.end <= hi]


def _np_end(sentence: str, start: int, limit: int) -> int:
    """End of the noun phrase after a number: up to four words, stopping at punctuation,
    a preposition or a verb-like function word (`soldats nord-coréens` | `en Russie`)."""
    pos = start
    for n, m in enumerate(_WORD.finditer(sentence, start, limit)):
        if m.start() != pos or n >= 5:
            break
        word = m.group(2).lower()
        if n > 0 and (word in _NP_STOP or word.rstrip("'’") + "'" in _NP_STOP):
            break
        pos = m.end()
    return pos


def _after_end(sentence: str, start: int, limit: int) -> int:
    """A few words after the number's noun phrase (its clause's end for cues and excludes)."""
    return scoping.window_end(sentence, start, limit, _AFTER_STOP, AFTER_WORDS)


def _words_back(sentence: str, end: int, n: int) -> int:
    """Offset of the n-th word before `end`."""
    words = list(re.finditer(r"\S+", sentence[max(0, end - 200) : end]))
    if not words:
        return end
    return max(0, end - 200) + words[max(0, len(words) - n)].start()


def _before_start(sentence: str, end: int) -> int:
    """Start of the last two words before `end`, not crossing punctuation."""
    seg = sentence[max(0, end - 60) : end]
    cut = max(seg.rfind(c) for c in ",;:.()«»\"“”")
    seg_start = max(0, end - 60) + cut + 1
    words = list(re.finditer(r"\S+", sentence[seg_start:end]))
    return seg_start + (words[-2].start() if len(words) >= 2 else words[0].start() if words else len(sentence[seg_start:end]))


_APPOSED = lazy_compile(r"([\w'’-]+(?:\s+[\w'’-]+)?)\s*,\s*(?:(?:about|some|around|roughly|"
                      r"nearly|almost|over|more than|environ|quelque|près de|plus de|"
                      r"presque)\s+)?$", re.IGNORECASE)


def _apposed_to(sentence: str, q: Quantity, np_hi: int, near_lo: int) -> int:
    """Where the noun a number stands in apposition to starts ("most of the assets, about
    EUR 185 billion, are held"; "les avoirs, quelque 185 milliards, sont"): that noun is
    the number's own, so a `not_subject` word there counts as next to it. Else near_lo."""
    if not sentence[np_hi:].lstrip().startswith(","):
        return near_lo
    m = _APPOSED.search(sentence, max(0, q.start - 60), q.start)
    return min(m.start(1), near_lo) if m and m.end() == q.start else near_lo


def _measure(fig: Figure, sentence: str, q: Quantity, hits: Sequence[PhraseHit], lo: int,
             hi: int) -> str | None:
    """The measure word that governs `q` for `fig`: one of its measure words (or "number of"
    one of its units) at most MEASURE_WORDS words before the number (from `lo`, across a
    colon: "bilan : 9 870"), or after it behind "according to" / "selon" ("5,120, according
    to the latest toll") or an article ("l'OIM porte à 1 436 son bilan", "porte à 1 436 le
    nombre de morts")."""
    for h in reversed(hits):
        implicit = h.phrase in fig.unit and _NUMBER_OF.search(sentence, max(0, h.start - 40),
                                                               h.start)
        if (h.phrase in fig.measure or implicit) and lo <= h.start and h.end <= q.start:
            if len(sentence[h.end : q.start].split()) <= MEASURE_WORDS:
                return ("number of " if implicit else "") + " ".join(h.phrase)
            break
    for h in hits:
        if not q.end <= h.start < hi:
            continue
        between = sentence[q.end : h.start]
        if h.phrase in fig.measure and (_ACCORDING.match(between) or _ITS.match(between)
                                        or _ITS_NUMBER_OF.match(between)):
            return " ".join(h.phrase)
        if h.phrase in fig.unit and _ITS_NUMBER_OF.match(between):
            return "number of " + " ".join(h.phrase)
    return None


_PUNCT = lazy_compile(r"[,;:.()]")
_LISTED = lazy_compile(r"\s*(?:,|,?\s*(?:et|and|or|ou))\s*$", re.IGNORECASE)
_ARTICLE = r"\s*(?:son|sa|ses|le|la|les|l['’]|its|their|the|leur|leurs)\s*"
_ITS = lazy_compile(_ARTICLE + r"(?:[\w-]+\s+)?$", re.IGNORECASE)
_ITS_NUMBER_OF = lazy_compile(_ARTICLE + r"(?:nombre|number|total|count|chiffre|décompte)\s+"
                            r"(?:de|d['’]|des|of)\s*(?:[\w-]+\s+)?$", re.IGNORECASE)
# two numbers joined ("37 morts et plus de 150 blessés"): the second's clause starts here
_COORDINATED = lazy_compile(r"\s*(?:,\s*)?(?:et|and|ainsi que|as well as|plus|with|avec)?\s*"
                          r"(?:\S+\s+){0,3}$", re.IGNORECASE)
_NUMBER_OF = lazy_compile(r"(?:number|total|count|tally|nombre|total|chiffre|décompte)\s+"
                        r"(?:of|de|d['’]|des)\s*(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


_YEAR_SPAN = lazy_compile(r"\b(20\d\d)\s*(?:et|and|à|to|-|–|/)\s*(20\d\d|\d\d)\b")


def _envelope_years(sentence: str, lo: int, hi: int, q: Quantity, year: int | None
                    ) -> set[int]:
    """Where the years of a span to come stand, when the number is an amount of money: "85
    milliards d'euros pour 2026 et 2027", "a EUR 90bn package for 2026-27" give the period
    the amount covers, not another year's value."""
    if year is None or q.unit is None or q.unit not in CURRENCY_CODES:
        return set()
    out: set[int] = set()
    for m in _YEAR_SPAN.finditer(sentence, lo, min(len(sentence), hi + 12)):
        first, last = int(m.group(1)), int(m.group(2))
        last += 0 if last >= 100 else first - first % 100
        if year <= first < last <= first + 10:
            out |= {m.start(1), m.start(2)}
    return out


def past(sentence: str, lo: int, q: Quantity, hi: int, year: int | None) -> str | None:
    """Why the number at `q` is a past or typical figure, not the story's current one: a
    history word in its clause ("il y a deux ans", "on average"), or another year than the
    report's ("En 2022, le feu avait brûlé 11 000 ha") that does not start a running count
    ("depuis août 2023") unless a "when" clause hangs on it ("since 2002, when 232 died")."""
    m = HISTORY.search(sentence, lo, hi)
    if m:
        return m.group(0)
    envelope = _envelope_years(sentence, lo, hi, q, year)
    for y in YEAR.finditer(sentence, lo, hi):
        if y.start() < q.end and y.end() > q.start or int(y.group(0)) == year:
            continue
        if y.start() in envelope:
            continue
        when = y.end() <= q.start and WHEN.search(sentence, y.end(), q.start)
        if when or not SINCE.search(sentence[max(0, y.start() - 40) : y.start()]):
            return y.group(0)
    return None


def _spans(hits: Sequence[PhraseHit]) -> int:
    """How many places of the text the hits cover: overlapping cues ("ministère de
    l'Intérieur", "Intérieur") count once."""
    n, end = 0, -1
    for h in sorted(hits, key=lambda h: h.start):
        if h.start >= end:
            n += 1
        end = max(end, h.end)
    return n


def _cue_governs(fig: Figure, sentence: str, q: Quantity, hits: Sequence[PhraseHit], lo: int
                 ) -> str | None:
    """A cue right before a bare number governs it like a measure word ("the floods killed
    27", "a fait 6 morts" reads its unit; "ont évacué 4 000")."""
    for h in reversed(hits):
        if h.phrase in fig.cues and lo <= h.start and h.end <= q.start:
            if len(sentence[h.end : q.start].split()) <= 2:
                return " ".join(h.phrase)
            break
    return None


def _evaluate(
    fig: Figure,
    sentence: str,
    q: Quantity,
    unit_ok: bool,
    measure: str | None,
    hits: Sequence[PhraseHit],
    title_hits: Sequence[PhraseHit],
    spans: dict[str, tuple[int, int]],
    part: str | None,
    bound: Scope | None,
    wl: Watchlist,
    item_phrases: frozenset[Phrase] = frozenset(),
    was: str | None = None,
    forecast: re.Match[str] | None = None,
    title_cues: bool = True,
) -> Evidence:
    np_lo, np_hi = spans["np"]
    cl_lo, cl_hi = spans["before"][0], spans["after"][1]
    subject_where: str | None = None
    subject_after_whole = False
    if _in(hits, fig.subject, np_lo, np_hi):
        subject_where = "noun phrase"
    elif _in(hits, fig.subject, cl_lo, cl_hi):
        subject_where = "clause"
    else:
        # "50 000 soldats, dont des unités nord-coréennes": the number is a larger whole;
        # the title's subject must not rescue it.
        whole = [h.start for h in hits if h.phrase in _WHOLE and np_hi <= h.start]
        later = [h.start for h in hits if h.phrase in fig.subject and h.start >= np_hi]
        subject_after_whole = bool(whole and later and min(whole) < min(later))
        if not subject_after_whole and _in(title_hits, fig.subject, 0, 10**9):
            subject_where = "title"
        elif not subject_after_whole and item_phrases & fig.subject:
            subject_where = "item"
    # Role words are matched exactly (with inflections): a phrase may be fuzzy as one
    # figure's subject ("Russian") and must still be exact as another's other side.
    exact = [h for h in hits if h.score >= 100]
    title_exact = [h for h in title_hits if h.score >= 100]
    tail_lo, tail_hi = spans["tail"]  # "..., according to the unions": who says it
    cue_hits = [h for h in exact if h.phrase in fig.cues and (
        cl_lo <= h.start and h.end <= cl_hi or tail_lo <= h.start and h.end <= tail_hi)]
    cues = [h.phrase for h in cue_hits] or (_in(title_exact, fig.cues, 0, 10**9)
                                            if title_cues else [])
    # another number's noun does not exclude this one ("37 morts et plus de 150 blessés")
    ex_lo = max(cl_lo, spans["own"][0])
    excluded = (_in(exact, fig.exclude, ex_lo, max(cl_hi, spans["exclude"][1]))
                + _in(exact, fig.exclude, tail_lo, tail_hi)
                + _in(exact, fig.exclude, *spans["label"]))
    other = _in(exact, fig.not_subject, np_lo, np_hi) + _in(exact, fig.not_subject,
                                                             spans["appos"][0], np_lo)
    out_of_range = (fig.min_value is not None and q.value < fig.min_value) or (
        fig.max_value is not None and q.value > fig.max_value
    )
    misfit = scoping.fits(bound, fig.scope, wl) if bound is not None else None
    wish = None if fig.forecast else forecast
    reasons = []
    if not unit_ok:
        reasons.append(f"unit {q.unit!r} is not one of the figure's, and no measure word"
                       if q.unit else "no unit noun after the number, and no measure word")
    if (subject_where is None and not subject_after_whole and measure and fig.scope
            and bound is not None and bound.places == fig.scope
            and bound.where in ("after the number", "before the number", "title")):
        # "Morocco toll passes 320": a measure word of the figure and its own place stand
        # for its subject; the event need not be named
        subject_where = "measure and place"
    if subject_where is None:
        reasons.append(
            "subject only inside a larger whole (dont/including)"
            if subject_after_whole
            else "no subject"
        )
    if fig.cues and not cues:
        reasons.append("none of its cues")
    if excluded:
        reasons.append("excluded by " + ", ".join(_words(excluded)))
    if other:
        reasons.append("counts another side: " + ", ".join(_words(other)))
    if part:
        reasons.append(part)
    if out_of_range:
        reasons.append("value outside the figure's plausible range")
    if misfit:
        reasons.append(misfit)
    if was:
        reasons.append(f"a past or typical figure ({was})")
    if wish:
        reasons.append(f"an expectation, not a count ({wish.group(0)})")
    in_sentence = bound is not None and bound.where in ("after the number", "before the number")
    score = (
        {"noun phrase": 3.0, "clause": 2.0, "title": 1.0, "item": 0.5}.get(subject_where or "", 0.0)
        + (1.0 if unit_ok else 0.0)
        + (_spans(cue_hits) if cue_hits else min(len(set(cues)), 1))
        + (1.5 if measure else 0.0)
        + ((2.0 if in_sentence else 1.0) if fig.scope and not misfit else 0.0)
    )
    mine = fig.cues | fig.measure or fig.subject
    near = [abs(h.start - q.start) for h in exact if h.phrase in mine]
    return Evidence(
        figure=fig.id,
        unit=unit_ok,
        subject=subject_where,
        cues=_words(set(cues)),
        excluded_by=_words(set(excluded)),
        other_side=_words(set(other)),
        part=part,
        out_of_range=out_of_range,
        score=score,
        accepted=not reasons,
        reason="; ".join(reasons) if reasons else "accepted",
        measure=measure,
        scope=bound.shown(wl) if bound is not None and fig.scope else None,
        distance=min(near, default=10**6),
    )


def _part_of(sentence: str, q: Quantity, nxt: Quantity | None, hits: Sequence[PhraseHit],
             np: tuple[int, int], near_lo: int) -> str | None:
    """Why the number is no value of a whole figure, if it is not: a part of it ("3,000
    more"), a part of a larger number ("12 of the 40"), or the size of a change."""
    after = [h for h in hits if h.phrase in _PART_AFTER and q.end <= h.start and h.end <= np[1]]
    before = [h for h in hits if h.phrase in _PART_BEFORE and near_lo <= h.start and h.end <= q.start]
    if after or before:
        return f"a part, not the total ({' '.join((after or before)[0].phrase)})"
    if nxt is not None and nxt.start - q.end <= 40 and _PART_OF.match(sentence[q.end : nxt.start]):
        return "a part, not the total (of a larger number)"
    if q.previous is None and q.low is None and q.unit != "%" and (
            m := _CHANGE_SIZE.search(sentence, max(0, q.start - 40), q.start)) and (
            not m.group("points") or q.unit == "points"):  # ("lost 3,000 jobs" may be a level)
        return "the size of a change, not a level"
    return None


def _bind(wl: Watchlist, sentence: str, found: Sequence[Quantity], k: int, clause_lo: int,
          ms: Sequence[Mention], context: Context) -> Scope:
    """The scope of quantity k (a group place stands for its parts, jointly)."""
    bound = _bind_places(wl, sentence, found, k, clause_lo, ms, context)
    if not wl.groups or not bound.places:
        return bound
    places: set[str] = set()
    joint = bound.joint
    for p in bound.places:
        parts = dict(wl.groups).get(p)
        places |= parts or {p}
        joint = joint or bool(parts)
    return Scope(frozenset(places), joint, bound.where)


def _bind_places(wl: Watchlist, sentence: str, found: Sequence[Quantity], k: int,
                 clause_lo: int, ms: Sequence[Mention], context: Context) -> Scope:
    """The scope of quantity k: its sentence's binding, else the title's, else an earlier
    sentence's; a joint word with no place of its own takes the places from there."""
    q = found[k]
    limit = found[k + 1].start if k + 1 < len(found) else len(sentence)
    claimed = [(p.end, scoping.after_end(sentence, p.end, q.start)) for p in found[:k]]
    bound = scoping.bind(sentence, ms, q.start, q.end, clause_lo,
                         scoping.after_end(sentence, q.end, limit), claimed)
    if bound.places or bound.joint and BOTH.search(sentence, clause_lo, q.end + 80):
        return bound
    # an earlier clause of the same sentence ("Euro zone inflation edges up to 2.2%;
    # jobless rate steady at 6.3%"), then the title, then an earlier sentence
    earlier_clause = scoping.of_text(sentence[:clause_lo], [m for m in ms if m.end <= clause_lo],
                                     "an earlier clause", wl.scope_places) \
        if clause_lo else scoping.UNBOUND
    for fallback in (earlier_clause, context.title_scope, context.earlier_scope):
        if fallback.places:
            joint = bound.joint or fallback.joint
            return Scope(fallback.places, joint and len(fallback.places) > 1, fallback.where)
    if wl.home:  # nothing names a place for this number: the home place
        return Scope(wl.home, bound.joint, "home")
    return bound


def attribute(
    wl: Watchlist,
    sentence: str,
    found: Sequence[Quantity],
    context: Context = Context(),
    hits: Sequence[PhraseHit] | None = None,
    explain: bool = True,
    ms: Sequence[Mention] | None = None,
    figures: Sequence[Figure] | None = None,
) -> list[Attribution]:
    """For each quantity in `sentence`, the figure it is a value of, with the evidence.
    With explain=False, figures whose unit does not fit are not evaluated (the engine's
    fast path: the verdict is the same, the evidence shorter). `figures` (default all)
    are the ones weighed: the engine passes its item's `candidates`."""
    if not found:
        return []
    if hits is None:
        hits = wl.matcher.find(sentence)
    if ms is None:
        ms = scoping.mentions(wl, sentence, hits)
    hits = sorted([*hits, *_function_hits(sentence)], key=lambda h: h.start)
    title_hits = context.title_hits
    exact = [h for h in hits if h.score >= 100]
    present = {h.phrase for h in exact}
    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    label = _LABEL.match(sentence)
    label_hi = label.end() if label else 0
    hard = [m.end() for m in re.finditer(r";|\.\s", sentence)]
    scoped = any(f.scope for f in wl.figures)
    weighed = wl.figures if figures is None else figures
    out: list[Attribution] = []
    prev_np_hi = 0
    governed: dict[str, str] = {}  # figure -> measure word that governed the previous number
    for k, q in enumerate(found):
        nxt = found[k + 1] if k + 1 < len(found) else None
        limit = nxt.start if nxt else len(sentence)
        clause_lo = max([e for s, e in bounds if e <= q.start], default=0)
        clause_hi = min([s for s, e in bounds if s >= q.end], default=len(sentence))
        np_hi = _np_end(sentence, q.end, min(limit, clause_hi))
        after_hi = _after_end(sentence, np_hi, min(limit, clause_hi))
        near_lo = _before_start(sentence, q.start)
        # "..., according to the unions": the claimant phrase, up to the next comma
        tail_lo = tail_hi = after_hi
        says = _SAYS.search(sentence, after_hi, min([e for e in hard if e > q.end] + [limit]))
        if says:
            stop = _PUNCT.search(sentence, says.end(), limit)
            tail_lo, tail_hi = says.start(), stop.start() if stop else limit
        own_lo = prev_np_hi if k and _COORDINATED.match(sentence, prev_np_hi, q.start) else 0
        # an exclude word counts up to the clause's end, not only a few words after
        # ("25 milliards ont déjà été versés à Kiev au titre des prêts du G7")
        ex_hi = max(after_hi, scoping.window_end(sentence, np_hi, min(limit, clause_hi),
                                                 _AFTER_STOP, EXCLUDE_WORDS))
        spans = {"np": (q.start, np_hi), "before": (clause_lo, q.start), "after": (np_hi, after_hi),
                 "near": (near_lo, q.start), "tail": (tail_lo, tail_hi), "own": (own_lo, q.end),
                 "exclude": (np_hi, ex_hi),
                 "label": (0, label_hi if label_hi <= q.start else 0), "appos": (_apposed_to(sentence, q, np_hi, near_lo),
                                                      q.start)}
        part = _part_of(sentence, q, nxt, hits, (q.start, np_hi), near_lo)
        unit_phrase = phrase_of(q.unit) if q.unit else ()
        unit_tokens = set(wl.matcher.token_matches(unit_phrase[-1])) if unit_phrase else set()
        # "North Korean troops in Russia number about 14,000": no noun after the number, the
        # unit stands a few words before it, in the same clause, with no number in between.
        pred_lo = max(clause_lo, found[k - 1].end if k else 0, _words_back(sentence, q.start, 6))
        measure_lo = max(found[k - 1].end if k else 0, max([e for e in hard if e <= q.start],
                                                           default=0))
        # scope looks back over the whole sentence ("In Belgium: the toll now stands at 2",
        # "In Belgium, 27 died and 1,200 were evacuated"), less other numbers' own phrases
        sentence_lo = max([e for e in hard if e <= q.start], default=0)
        bound = _bind(wl, sentence, found, k, sentence_lo, ms, context) if scoped else None
        evidence = []
        looked = False  # past / expected: the same for every figure, read once if needed
        was: str | None = None
        forecast: re.Match[str] | None = None
        for fig in weighed:
            unit_ok = not fig.unit_words.isdisjoint(unit_tokens) or (
                q.unit == "%" and fig.percent)
            if not unit_ok and unit_tokens and not fig.percent:  # "1,300 evacuated"
                # (a count's participle; a percentage is written with its sign or word:
                # "64 dépassent ..., soit 18,5 %" gives the rate 18.5, not 64)
                unit_ok = not fig.cue_participles.isdisjoint(unit_tokens)
            if not unit_ok and q.unit is not None:  # "2,310 suspected cholera cases"
                unit_ok = bool(_in(exact, fig.unit, q.end, np_hi))
            if not unit_ok and q.unit is None:
                unit_ok = bool(_in(exact, fig.unit, pred_lo, q.start))
            measure = None
            if (unit_ok or q.unit is None) and (fig.measure | fig.unit) & present:
                measure = _measure(fig, sentence, q, exact, measure_lo, limit)
            if measure is None and q.unit is None and fig.id in governed and _LISTED.match(
                    sentence, found[k - 1].end, q.start):
                measure = governed[fig.id]  # "the toll rose to 358, 362 in both countries"
            if measure is None and not unit_ok and q.unit is None and fig.cues & present:
                measure = _cue_governs(fig, sentence, q, exact, measure_lo)
            unit_ok = unit_ok or measure is not None
            if not unit_ok and not explain:
                continue
            if not looked:
                looked = True
                # back to the sentence's start: "Comme en 1989 : Hugo avait fait onze morts"
                was = past(sentence, sentence_lo, q, after_hi, context.year)
                forecast = FORECAST.search(sentence, clause_lo, after_hi)
            evidence.append(_evaluate(fig, sentence, q, unit_ok, measure, hits, title_hits, spans, part,
                                      bound, wl, context.item_phrases, was, forecast,
                                      context.title_cues_for(fig.id, q)))
        accepted = sorted((e for e in evidence if e.accepted), key=lambda e: (-e.score, e.distance))
        figure: str | None = None
        note = "no figure fits"
        if accepted:
            best = accepted[0]
            rivals = [e for e in accepted[1:] if e.score == best.score]
            if rivals and rivals[0].distance == best.distance:
                tied = [best.figure] + [e.figure for e in rivals if e.distance == best.distance]
                note = "ambiguous: " + " and ".join(tied) + " fit equally; attributed to neither"
            else:
                figure = best.figure
                note = f"attributed to {figure}"
                if rivals:
                    note += " (nearer than " + ", ".join(e.figure for e in rivals) + ")"
                elif len(accepted) > 1:
                    note += " (stronger than " + ", ".join(e.figure for e in accepted[1:]) + ")"
        out.append(Attribution(q, figure, tuple(evidence), note, bound or scoping.UNBOUND))
        prev_np_hi = np_hi
        governed = {e.figure: e.measure for e in evidence if e.measure}
    return out
