"""The watchlist compiled for matching: terms, figures and one fuzzy phrase matcher.

Matching works on folded word tokens (case and accents removed), so it respects word
boundaries: `Koursk` and `Kursk's` match Kursk, `Kurdes` and `Kourou` do not. A text token
matches a phrase token when it is equal, equal plus an inflection ending (`soldat` ->
`soldats`, `coréen` -> `coréennes`) or minus a plural ending (`tué` -> `tués`), or fuzzily
close (rapidfuzz ratio at or above the threshold, only for words of five letters or more).

What keeps matching about as cheap with 500 watches as with 5 (issue 19):
- each distinct text word is looked up once and cached (`phrase_matches`), then known as
  standing for some phrase's anchor word (its longest) or not: a text is decided by set
  operations on its words, and most texts and sentences hold no anchor word;
- fuzzy scores are computed in C (rapidfuzz's `process.extract`), only against words of
  phrases that accept a score below 100 (names; role words are matched exactly) and only
  against those of a length that can reach the threshold;
- an item's text is folded and cut into words once (`fold_words`: str.translate and
  str.split, in C) and matched whole
  (`find_all`); its hits are shared out among sentences afterwards (`within`), and their
  character offsets are found only when a sentence needs them.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from monitor.engine.words import COMMON_WORDS, FORECAST
from monitor.models import HistoryEntry, as_number
from monitor.numbers import CURRENCY_CODES, CURRENCY_SIGNS, CURRENCY_WORDS
from monitor.text import TOKEN, fold_text, fold_words, tokens

if TYPE_CHECKING:  # (read, never built here: the engine imports neither it nor pydantic)
    from monitor.config import FigureConfig, WatchlistConfig

Phrase = tuple[str, ...]
SUFFIXES = ("s", "x", "e", "es", "n", "ns", "ne", "nes", "nne", "nnes", "en", "ens", "ennes")
MIN_FUZZY_LEN = 5
# a participle after a number counts people ("1,300 evacuated", "27 killed", "12 évacués");
# a noun among the cues ("52 shelters") does not say what the figure counts
PARTICIPLE = re.compile(r"(?:ed|en|e|es|ee|ees|i|ie|is|ies|u|ue|us|ues|t|te|ts|tes)$")
PERCENT_UNITS = frozenset({"%", "percent", "per cent", "pour cent", "pourcent", "pct"})
POINTS_UNITS = frozenset({"points", "point", "percentage points", "percentage point",
                          "points de pourcentage", "point de pourcentage", "pp"})
CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """A phrase found in a text: which phrase, where (character offsets), how close."""

    phrase: Phrase
    start: int
    end: int
    score: float


def phrase_of(text: str) -> Phrase:
    return tuple(t for t, _s, _e in tokens(text))


class Matcher:
    """Finds many phrases at once; built once per watchlist, reused for every text."""

    def __init__(self, thresholds: dict[Phrase, float]) -> None:
        self.thresholds = {p: t for p, t in thresholds.items() if p}
        self.vocab = {tok for p in self.thresholds for tok in p}
        self.long_vocab = sorted(v for v in self.vocab if len(v) >= MIN_FUZZY_LEN)
        self.floor = min(self.thresholds.values(), default=100.0)
        # Each phrase is looked for from its most telling word (the longest of those not in
        # most texts), not its first: "in total", "by December", "d'ici", "U.S." (from "s",
        # in every "Trump's") would make every sentence a candidate.
        self.by_anchor: dict[str, list[tuple[Phrase, int]]] = defaultdict(list)
        for p in self.thresholds:
            a = max(range(len(p)), key=lambda k: (p[k] not in COMMON_WORDS, len(p[k]), k))
            self.by_anchor[p[a]].append((p, a))
        # Only phrases with a threshold below 100 accept a fuzzy score: their words are the
        # ones a text word is compared with when looking for phrases (`phrase_matches`);
        # `token_matches` compares with every word (how the engine reads a number's unit).
        self.fuzzy_vocab = sorted({tok for p, t in self.thresholds.items() if t < 100
                                   for tok in p if len(tok) >= MIN_FUZZY_LEN})
        # text words with an exact match: vocabulary words, with an ending added or removed
        self._inflected = set(self.vocab)
        for v in self.vocab:
            if len(v) >= 3:
                self._inflected |= {v + suf for suf in SUFFIXES}
            self._inflected |= {v[: -len(suf)] for suf in ("s", "x", "e", "es")
                                if v.endswith(suf) and len(v) - len(suf) >= 3}
        self._cache: dict[str, dict[str, float]] = {}  # for phrases
        self._full_cache: dict[str, dict[str, float]] = {}  # for units
        # text words known to stand for some phrase's anchor word, and known not to
        self._anchoring: set[str] = set()
        self._known: set[str] = set()  # every word looked up (anchoring or not)
        self._anchor_phrases: dict[str, list[tuple[Phrase, int, float, float]]] = {}
        self._lock = threading.Lock()
        self._by_length: dict[tuple[int, bool], list[str]] = {}

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for `replay`'s workers) without its lock, which is made anew."""
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _fuzzy_choices(self, n: int, phrases: bool) -> list[str]:
        """The long vocabulary words (of fuzzy phrases only, with `phrases`) a word of `n`
        letters can reach the floor score with: fuzz.ratio is at most 200 * min(n, m) /
        (n + m), so lengths far apart never score (the list keeps the vocabulary's order,
        so ties come out as from the whole list)."""
        got = self._by_length.get((n, phrases))
        if got is None:
            got = [w for w in (self.fuzzy_vocab if phrases else self.long_vocab)
                   if 200.0 * min(n, len(w)) / (n + len(w)) >= self.floor - 1e-9]
            self._by_length[(n, phrases)] = got
        return got

    def token_matches(self, tok: str) -> dict[str, float]:
        """Vocabulary words this text word stands for, with scores (cached)."""
        hit = self._full_cache.get(tok)
        if hit is not None:
            return hit
        return self._matches(tok, False, self._full_cache)

    def phrase_matches(self, tok: str) -> dict[str, float]:
        """`token_matches` less the fuzzy matches of words no phrase could take with a score
        below 100 (those of phrases matched exactly): what finding phrases needs. The same
        hits come out, for a fraction of the comparisons."""
        hit = self._cache.get(tok)
        if hit is not None:
            return hit
        return self._matches(tok, True, self._cache)

    def _exact(self, tok: str) -> dict[str, float]:
        """The vocabulary words this text word is, with an ending added or removed."""
        out: dict[str, float] = {}
        if tok in self.vocab:
            out[tok] = 100.0
        for suf in SUFFIXES:
            base = tok[: -len(suf)]
            if tok.endswith(suf) and len(base) >= 3 and base in self.vocab:
                out.setdefault(base, 100.0)
        if len(tok) >= 3:  # the text's singular of a plural in the watchlist: tué -> tués
            for suf in ("s", "x", "e", "es"):
                if tok + suf in self.vocab:
                    out.setdefault(tok + suf, 100.0)
        return out

    def _matches(self, tok: str, phrases: bool, cache: dict[str, dict[str, float]]
                 ) -> dict[str, float]:
        out = self._exact(tok) if tok in self._inflected else {}
        if len(tok) >= MIN_FUZZY_LEN:
            choices = self._fuzzy_choices(len(tok), phrases)
            if choices:
                for word, score, _i in process.extract(
                    tok, choices, scorer=fuzz.ratio, score_cutoff=self.floor, limit=None
                ):
                    out.setdefault(word, float(score))
        result = out or _EMPTY
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        cache[tok] = result
        return result

    def matches_among(self, tok: str, words: frozenset[str],
                      choices: Sequence[str] | None = None) -> frozenset[str]:
        """`token_matches(tok)` restricted to `words` (vocabulary words), comparing with
        those words only (`choices`: those of them a word of this length can reach)."""
        hit = self._full_cache.get(tok)
        if hit is not None:
            return words.intersection(hit)
        out = words.intersection(self._exact(tok)) if tok in self._inflected else set()
        n = len(tok)
        if n >= MIN_FUZZY_LEN:
            if choices is None:
                choices = [w for w in words if len(w) >= MIN_FUZZY_LEN
                           and 200.0 * min(n, len(w)) / (n + len(w)) >= self.floor - 1e-9]
            if choices:
                out |= {w for w, _score, _i in process.extract(
                    tok, choices, scorer=fuzz.ratio, score_cutoff=self.floor, limit=None)}
        return frozenset(out)

    def anchored(self, words: list[str]) -> set[str]:
        """The words among these that stand for a phrase's anchor word (empty: none). Every
        new word is looked up (and remembered), so the next call answers from sets."""
        with self._lock:  # (judging threads share the sets; one may empty them)
            if not self._known.issuperset(words):  # (in C, no set of the words built)
                if len(self._known) > CACHE_LIMIT:
                    self._known.clear()
                    self._anchoring.clear()
                new = set(words) - self._known
                self._known |= new
                self._anchoring.update(
                    tok for tok in new
                    if any(w in self.by_anchor for w in self.phrase_matches(tok)))
            return self._anchoring.intersection(words)

    def _phrases_from(self, tok: str) -> list[tuple[Phrase, int, float, float]]:
        """The phrases a text word may anchor: (phrase, its anchor's place, the word's score
        for it, the phrase's threshold), in the order `find_all` tries them (cached)."""
        got = [(phrase, a, score, self.thresholds[phrase])
               for word, score in self.phrase_matches(tok).items()
               for phrase, a in self.by_anchor.get(word, ())]
        if len(self._anchor_phrases) > CACHE_LIMIT:
            self._anchor_phrases.clear()
        self._anchor_phrases[tok] = got
        return got

    def find(self, text: str) -> list[PhraseHit]:
        """Every phrase occurrence in `text`, each at or above its own threshold."""
        scan = self.scan(text)
        return scan.hits() if scan is not None else []

    def scan(self, text: str) -> Scan | None:
        """`find_all` of a text not yet tokenised; None when it holds no phrase."""
        tok = self.tokenised(text)
        if tok is None:
            return None
        scan = self.find_all(tok)
        return scan if scan.found else None

    def tokenised(self, text: str) -> Tokenised | None:
        """`text` folded and cut into words once, for `find_all`; None when no word of it
        stands for an anchor word (then no part of it holds a phrase): most texts hold
        none, decided on plain strings by set operations."""
        folded, words = fold_words(text)
        present = self.anchored(words)
        if not present:
            return None
        return Tokenised(text, folded, words, frozenset(present))

    def find_all(self, tok: Tokenised) -> Scan:
        """The phrases of a whole tokenised text, looked for from each word that stands for
        an anchor word, in text order: what `find` gives for it, without folding or
        cutting it again (`Scan.hits`)."""
        look = self.phrase_matches
        words = tok.words
        n_words = len(words)
        where: dict[str, list[int]] = {}  # anchor word -> its indexes
        if len(tok.anchors) > 4:  # one pass over the words
            anchors = tok.anchors
            for i in [i for i, w in enumerate(words) if w in anchors]:
                where.setdefault(words[i], []).append(i)
        else:  # a search per anchor word, in C
            for w in tok.anchors:
                at: list[int] = []
                where[w] = at
                i = -1
                while True:
                    try:
                        i = words.index(w, i + 1)
                    except ValueError:
                        break
                    at.append(i)
        found: list[tuple[Phrase, int, int, float]] = []  # phrase, first and last word
        anchoring = self._anchor_phrases
        for i in sorted(i for at in where.values() for i in at):
            cands = anchoring.get(words[i])
            if cands is None:
                cands = self._phrases_from(words[i])
            for phrase, a, score, need in cands:
                n = len(phrase)
                if n == 1:  # (most phrases: a name of one word)
                    if score >= need:
                        found.append((phrase, i, i, score))
                    continue
                start = i - a
                if start < 0 or start + n > n_words:
                    continue
                worst = score
                for k in range(n):
                    if k == a:
                        continue
                    got = look(words[start + k]).get(phrase[k])
                    if got is None:
                        worst = -1
                        break
                    worst = min(worst, got)
                if worst >= need:
                    found.append((phrase, start, start + n - 1, worst))
        found.sort(key=lambda f: (f[1], f[2]))  # as hits sort by (start, end)
        return Scan(tok, found, where)


@dataclass(slots=True)
class Scan:
    """The phrases found in a whole text (`Matcher.find_all`), by word indexes."""

    tok: Tokenised
    found: list[tuple[Phrase, int, int, float]]  # phrase, first and last word, score
    where: dict[str, list[int]]  # anchor word -> its indexes
    _hits: list[PhraseHit] | None = None

    def phrases(self) -> list[tuple[Phrase, float]]:
        """(phrase, score) of every hit, in the order of `hits`."""
        return [(f[0], f[3]) for f in self.found]

    def hits(self) -> list[PhraseHit]:
        """The hits with their character offsets in the text (what `find` gives)."""
        if self._hits is None:
            at = _offsets(self.tok.folded, self.tok.words,
                          {k for f in self.found for k in (f[1], f[2])}, self.where)
            self._hits = [PhraseHit(phrase, at[first][0], at[last][1], worst)
                          for phrase, first, last, worst in self.found]
        return self._hits

    def spans_sentences(self) -> bool:
        """Whether a phrase of several words may run across two sentences: only where a
        sentence may end inside it (`_ENDS`)."""
        multi = [f for f in self.found if f[2] > f[1]]
        if not multi:
            return False
        at = _offsets(self.tok.folded, self.tok.words, {k for f in multi for k in (f[1], f[2])},
                      self.where)
        return any(_ENDS.search(self.tok.text, at[f[1]][0], at[f[2]][1]) for f in multi)


# Where a sentence may end (`text.sentences`: a line break, or . ! ? … and closing marks
# before a space): "U.S." or "3.5" inside a phrase is no end.
_ENDS = re.compile(r"\n|[.!?…][.!?…\"”»'’)\]]*\s")


def within(hits: Sequence[PhraseHit], spans: Sequence[tuple[int, int]]
           ) -> list[tuple[PhraseHit, ...]]:
    """`hits` of a whole text shared out among its (start, end) spans, in order and not
    overlapping (its sentences), with offsets from each span's start: for each span, what
    `find` gives for it alone (every word of a text lies in one sentence, so only phrases
    running across two are dropped)."""
    out: list[list[PhraseHit]] = [[] for _ in spans]
    starts = [s for s, _e in spans]
    for h in hits:
        k = bisect_right(starts, h.start) - 1
        if k >= 0 and h.end <= spans[k][1]:
            s = spans[k][0]
            out[k].append(PhraseHit(h.phrase, h.start - s, h.end - s, h.score))
    return [tuple(hs) for hs in out]


@dataclass(frozen=True, slots=True)
class Tokenised:
    """A text folded, with its words (see `Matcher.tokenised`). `folded` may have its
    non-word characters made spaces (`fold_words`): it serves to find words, not marks."""

    text: str
    folded: str
    words: list[str]
    anchors: frozenset[str]  # its words that stand for an anchor word


# the engine's name for the text fold (kept: attribute and the speed test import it)
fold_fast = fold_text


def _word_at(word: str) -> re.Pattern[str]:
    """`word` ending a word (led by the word itself, so re finds it with a fast search; the
    character before it is tested apart)."""
    pat = _WORD_PATTERNS.get(word)
    if pat is None:
        if len(_WORD_PATTERNS) > CACHE_LIMIT:
            _WORD_PATTERNS.clear()
        pat = _WORD_PATTERNS[word] = re.compile(rf"{re.escape(word)}(?![^\W_])")
    return pat


_WORD_PATTERNS: dict[str, re.Pattern[str]] = {}


def word_starts(folded: str, word: str) -> list[int]:
    """Where `word` stands as a whole word in a folded text, in order."""
    return [p for m in _word_at(word).finditer(folded)
            if not (p := m.start()) or not folded[p - 1].isalnum()]
_EMPTY: dict[str, float] = {}


def _offsets(folded: str, words: list[str], needed: Iterable[int],
             where: dict[str, list[int]]) -> dict[int, tuple[int, int]]:
    """(start, end) in `folded` of the words at these indexes, found by searching for each
    word rather than cutting the whole text again: the k-th occurrence of a word standing
    between non-word characters is the k-th word of the text equal to it. `where` gives
    the indexes of some words (the rank of the others is counted)."""
    if len(folded) < 300:  # a title: cutting it again costs less than searching
        spans = [m.span() for m in TOKEN.finditer(folded)]
        return {j: spans[j] for j in needed}
    out: dict[int, tuple[int, int]] = {}
    starts: dict[str, list[int]] = {}
    for j in needed:
        w = words[j]
        at = where.get(w)
        rank = bisect_left(at, j) if at is not None else words[:j].count(w)
        pos = starts.get(w)
        if pos is None:
            pos = starts[w] = word_starts(folded, w)
        out[j] = (pos[rank], pos[rank] + len(w))
    return out


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    label: str
    phrases: frozenset[Phrase]


@dataclass(frozen=True, slots=True)
class Place:
    """A place or body figures count in, with its names and adjectives folded to phrases."""

    id: str
    label: str
    phrases: frozenset[Phrase]


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who stands behind figures (a government, an agency, the organisers), with the names
    the press gives it folded to phrases, and those of them that are acronyms (WHO, UN,
    US: matched in capitals only, not as "who", "un", "us")."""

    id: str
    label: str
    phrases: frozenset[Phrase]
    acronyms: frozenset[Phrase] = frozenset()
    declared: frozenset[Phrase] = frozenset()  # the phrases of its variants as written


# Adjectives of a name ("Ukraine" -> "Ukrainian", "ukrainien"; "police" -> "policière")
_STEM_END = re.compile(r"(?:ie|ia|a|e|y)$")
_ADJ_ENDINGS = ("an", "ans", "ian", "ians", "ien", "iens", "ienne", "iennes", "ais", "aise",
                "aises", "ois", "oise", "oises", "ese", "ish", "ier", "iere", "iers", "ieres",
                "al", "ale", "ales", "aux", "ol", "ols", "ole", "oles", "en", "ens", "enne",
                "ennes", "ain", "ains", "aine", "aines")
# the minister speaks for the ministry: "Education Minister Gabriel Attal said"
_OFFICE = {"ministry": "minister", "ministere": "ministre"}


def _adjectives(word: str) -> set[str]:
    """Adjectives a single-word name may take in the press, folded ("ukraine" ->
    "ukrainian", "ukrainien", ...): exact forms, so no fuzzy score is stretched for them."""
    if len(word) < 4 or not word.isalpha():
        return set()
    stem = _STEM_END.sub("", word)
    return {stem + e for e in _ADJ_ENDINGS} - {word} if len(stem) >= 4 else set()


_GLUE = frozenset(["de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "for", "and", "et", "pour", "en", "in", "on", "at", "to", "a", "au", "aux", "un", "une", "an", "s"])


def claimant_phrases(variants: Sequence[Sequence[str]]) -> list[set[Phrase]]:
    """Per claimant, the phrases that name it: its variants, the adjectives of one-word
    names, and the parts of longer names that name no other claimant ("health ministry"
    of "Sudanese health ministry", "gouvernement régional" of "gouvernement régional
    valencien")."""
    own = [{p for p in (phrase_of(v) for v in vs) if p} for vs in variants]
    parts: list[set[Phrase]] = []
    for phrases in own:
        mine: set[Phrase] = {tuple(_OFFICE.get(t, t) for t in p) for p in phrases} - phrases
        for p in phrases | mine.copy():
            if len(p) == 1:
                mine |= {(a,) for a in _adjectives(p[0])}
            for n in range(2, len(p)):
                mine |= {p[:n], p[-n:]}
        parts.append(mine)
    out = []
    for i, phrases in enumerate(own):
        others = set().union(*(own[j] | parts[j] for j in range(len(own)) if j != i))
        out.append(phrases | {p for p in parts[i] if p not in others
                              and p[0] not in _GLUE and p[-1] not in _GLUE})
    return out


@dataclass(frozen=True, slots=True)
class Figure:
    """A tracked figure with its word sets folded to phrases and its judging rules."""

    id: str
    label: str
    subject: frozenset[Phrase]
    unit: frozenset[Phrase]
    cues: frozenset[Phrase]
    exclude: frozenset[Phrase]
    not_subject: frozenset[Phrase]
    min_value: float | None
    max_value: float | None
    tolerance: float
    history: tuple[HistoryEntry, ...]
    measure: frozenset[Phrase] = frozenset()
    scope: frozenset[str] = frozenset()
    only_rises: bool = False
    review_factor: float = 10.0
    about_band: float = 0.05
    recurs: bool = False  # a return to an earlier value is news (see judging)
    percent: bool = False  # counts in percent: a "36,4 %" quantity has its unit
    unit_words: frozenset[str] = frozenset()  # one-word units, for the hot path
    cue_participles: frozenset[str] = frozenset()  # one-word cues that count people
    forecast: bool = False  # a planned or expected figure: forecast words do not push out
    headline: str = "latest"  # the value shown when claimants disagree (see judging)
    claimants: frozenset[str] | None = None  # whose values are series here (None: all)


def _phrases(words: Iterable[str]) -> frozenset[Phrase]:
    return frozenset(p for p in (phrase_of(w) for w in words) if p)


def unit_keys(units: Iterable[str]) -> list[str]:
    """A figure's units with the keys the number reader gives money and shares: the ISO code
    of a currency named by sign, code or word ("€", "euros", "EUR" -> "EUR"), "points" for
    percentage points ("%" and its words are matched through `Figure.percent`)."""
    keys = list(units)
    for u in units:
        low = u.strip().lower()
        code = CURRENCY_SIGNS.get(u.strip()) or CURRENCY_WORDS.get(low) or (
            u.strip().upper() if u.strip().upper() in CURRENCY_CODES else None)
        if code and code not in keys:
            keys.append(code)
        if low in POINTS_UNITS and "points" not in keys:
            keys.append("points")
    return keys


def _history(cfg: FigureConfig) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(
            value=as_number(h.value) or 0,
            low=as_number(h.low),
            high=as_number(h.high),
            qualifier=h.qualifier,
            source=h.source,
            quote=h.quote,
            date=h.date,
            claimant=h.claimant,
        )
        for h in cfg.history
    )


@dataclass(frozen=True)
class Watchlist:
    """Terms, figures and the matcher that finds all their words."""

    terms: tuple[Term, ...]
    figures: tuple[Figure, ...]
    matcher: Matcher
    places: tuple[Place, ...] = ()
    home: frozenset[str] = frozenset()  # places a number bound to none counts in
    groups: tuple[tuple[str, frozenset[str]], ...] = ()  # group place id -> its parts
    claimants: tuple[Claimant, ...] = ()

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for `replay`'s workers) without its caches of text words, one of which
        holds a lock: the unpickled copy fills its own."""
        return {k: v for k, v in self.__dict__.items() if k not in _TEXT_CACHES}

    @cached_property
    def claimant_phrases(self) -> dict[Phrase, str]:
        """Phrase -> id of the claimant it names."""
        return {p: c.id for c in self.claimants for p in c.phrases}

    @cached_property
    def claimant_declared(self) -> frozenset[Phrase]:
        """The phrases of the claimants' variants as written."""
        return frozenset(p for c in self.claimants for p in c.declared)

    @cached_property
    def claimant_acronyms(self) -> frozenset[Phrase]:
        return frozenset(p for c in self.claimants for p in c.acronyms)

    def claimant_label(self, key: str) -> str:
        """How a claimant is shown: a declared one by its label, one read but not declared
        ("?Amnesty International") as read, none as ""."""
        if key.startswith("?"):
            return key[1:]
        for c in self.claimants:
            if c.id == key:
                return c.label
        return key

    @cached_property
    def scope_places(self) -> frozenset[str]:
        """Places some figure counts in (with the groups made of them and the home place):
        only these give a title's or an earlier sentence's place to a sentence naming none;
        other places only mark a number bound to them as elsewhere."""
        wanted = frozenset(p for f in self.figures for p in f.scope) | self.home
        return wanted | {g for g, parts in self.groups if parts & wanted}

    def figure(self, fid: str) -> Figure:
        for f in self.figures:
            if f.id == fid:
                return f
        raise KeyError(fid)

    @cached_property
    def place_phrases(self) -> dict[Phrase, str]:
        """Phrase -> id of the (first) place it names."""
        by_phrase: dict[Phrase, str] = {}
        for place in self.places:
            for p in place.phrases:
                by_phrase.setdefault(p, place.id)
        return by_phrase

    def places_in(self, hits: Sequence[PhraseHit]) -> list[tuple[str, PhraseHit]]:
        """(place id, hit) for every hit that names a place, in text order."""
        by_phrase = self.place_phrases
        return sorted(((by_phrase[h.phrase], h) for h in hits if h.phrase in by_phrase),
                      key=lambda x: x[1].start)

    def place_label(self, pid: str) -> str:
        for place in self.places:
            if place.id == pid:
                return place.label
        return pid

    def labels(self) -> dict[str, str]:
        """id -> label of every term and figure (what digests show)."""
        return {**{t.id: t.label for t in self.terms}, **{f.id: f.label for f in self.figures}}

    def terms_in(self, hits: Sequence[PhraseHit]) -> list[tuple[Term, float]]:
        """Terms with at least one variant among `hits`, with the best score."""
        found = {h.phrase: h.score for h in hits}
        index = self._term_index
        named = sorted({k for p in found for k in index.get(p, ())})
        out = []
        for k in named:
            term = self.terms[k]
            out.append((term, max(found[p] for p in term.phrases if p in found)))
        return out

    @cached_property
    def _term_index(self) -> dict[Phrase, tuple[int, ...]]:
        """Phrase -> positions of the terms it is a variant of."""
        index: dict[Phrase, list[int]] = defaultdict(list)
        for k, term in enumerate(self.terms):
            for p in term.phrases:
                index[p].append(k)
        return {p: tuple(ks) for p, ks in index.items()}

    @cached_property
    def figure_index(self) -> dict[Phrase, tuple[Figure, ...]]:
        """Phrase -> the figures whose subject holds it, or that count in a place and hold it
        among their measure, unit and cue words (see `attribute.candidates`)."""
        index: dict[Phrase, list[Figure]] = defaultdict(list)
        for f in self.figures:
            keys = set(f.subject) | (f.measure | f.unit | f.cues if f.scope else set())
            for p in keys:
                index[p].append(f)
        return {p: tuple(fs) for p, fs in index.items()}

    @cached_property
    def subject_index(self) -> dict[Phrase, tuple[Figure, ...]]:
        """Phrase -> the figures whose subject holds it."""
        index: dict[Phrase, list[Figure]] = defaultdict(list)
        for f in self.figures:
            for p in f.subject:
                index[p].append(f)
        return {p: tuple(fs) for p, fs in index.items()}

    @cached_property
    def all_cues(self) -> frozenset[Phrase]:
        return frozenset(p for f in self.figures for p in f.cues)

    @cached_property
    def _unit_vocab(self) -> frozenset[str]:
        return frozenset(w for f in self.figures for w in f.unit_words | f.cue_participles)

    @cached_property
    def _unit_cache(self) -> dict[str, frozenset[str]]:
        return {}

    @cached_property
    def _unit_seen(self) -> tuple[set[str], set[str], threading.Lock]:
        # text words that stand for some unit word, those that do not, and their lock
        return set(), set(), threading.Lock()

    def unit_tokens(self, words: set[str]) -> set[str]:
        """The words among these that stand for some figure's one-word unit or people-counting
        cue (`unit_words_of` not empty): set operations on the words seen before."""
        yes, no, lock = self._unit_seen
        with lock:
            if len(yes) + len(no) > CACHE_LIMIT:
                yes.clear()
                no.clear()
            for w in words - yes - no:
                (yes if self.unit_words_of(w) else no).add(w)
            return words & yes

    def unit_words_of(self, tok: str) -> frozenset[str]:
        """The figures' one-word units and people-counting cues among
        `matcher.token_matches(tok)` (cached; compared with those words only)."""
        got = self._unit_cache.get(tok)
        if got is None:
            if len(self._unit_cache) > CACHE_LIMIT:
                self._unit_cache.clear()
            n = len(tok)
            choices = self._unit_choices.get(n)
            if choices is None:
                floor = self.matcher.floor
                choices = self._unit_choices[n] = [
                    w for w in sorted(self._unit_vocab) if len(w) >= MIN_FUZZY_LEN
                    and 200.0 * min(n, len(w)) / (n + len(w)) >= floor - 1e-9]
            got = self._unit_cache[tok] = self.matcher.matches_among(tok, self._unit_vocab,
                                                                     choices)
        return got

    @cached_property
    def _unit_choices(self) -> dict[int, list[str]]:
        return {}  # word length -> the long unit words a word of that length can reach


_TEXT_CACHES = frozenset({"_unit_cache", "_unit_seen", "_unit_choices"})


def compile_watchlist(cfg: WatchlistConfig) -> Watchlist:
    """Fold every word list to phrases and build one matcher over all of them."""
    default = cfg.matching.threshold
    thresholds: dict[Phrase, float] = {}
    terms = []
    for t in cfg.terms:
        phrases = _phrases([*t.variants, t.label])
        for p in phrases:
            thresholds[p] = min(thresholds.get(p, 100.0), t.threshold or default)
        terms.append(Term(t.id, t.label, phrases))
    places = []
    for pc in cfg.places:
        phrases = _phrases(pc.variants)
        for p in phrases:
            thresholds[p] = min(thresholds.get(p, 100.0), default)
        places.append(Place(pc.id, pc.label or pc.id, phrases))
    figures = []
    # a group in a figure's scope counts as its parts together, as a number bound to it does
    parts_of = {pc.id: pc.parts for pc in cfg.places if pc.parts}
    for f in cfg.figures:
        units = unit_keys(f.unit)
        fig = Figure(
            id=f.id,
            label=f.label,
            subject=_phrases(f.subject),
            unit=_phrases(units),
            cues=_phrases(f.cues),
            exclude=_phrases(f.exclude),
            not_subject=_phrases(f.not_subject),
            min_value=f.min_value,
            max_value=f.max_value,
            tolerance=f.tolerance,
            history=_history(f),
            measure=_phrases(f.measure),
            scope=frozenset(x for p in f.scope for x in (parts_of.get(p) or [p])),
            only_rises=f.only_rises,
            review_factor=(f.review_factor if f.review_factor is not None
                           else cfg.judging.review_factor),
            about_band=cfg.judging.about_band,
            recurs=f.recurs,
            percent=bool({u.strip().lower() for u in f.unit} & PERCENT_UNITS),
            forecast=any(FORECAST.search(c) for c in f.cues),
            headline=f.headline,
            claimants=frozenset(f.claimants) if f.claimants is not None else None,
            unit_words=frozenset(p[0] for p in _phrases(units) if len(p) == 1),
            cue_participles=frozenset(p[0] for p in _phrases(f.cues)
                                      if len(p) == 1 and PARTICIPLE.search(p[0])),
        )
        # Subjects are names (fuzzy, like terms); cues, units and other sides are ordinary
        # words, matched exactly with their inflections: "revoit" must not pass for "prévoit".
        for p in fig.subject:
            thresholds[p] = min(thresholds.get(p, 100.0), default)
        for p in fig.unit | fig.cues | fig.exclude | fig.not_subject | fig.measure:
            thresholds.setdefault(p, 100.0)
        figures.append(fig)
    claimants = []
    named = claimant_phrases([cc.variants for cc in cfg.claimants])
    for cc, names in zip(cfg.claimants, named, strict=True):
        declared = _phrases(cc.variants)
        for p in names:  # names fuzzy like places; derived forms exact
            thresholds[p] = min(thresholds.get(p, 100.0), default if p in declared else 100.0)
        acronyms = frozenset(phrase_of(v) for v in cc.variants
                             if v.replace(".", "").isupper() and len(v) <= 6)
        claimants.append(Claimant(cc.id, cc.label or cc.id, frozenset(names), acronyms,
                                  declared))
    home = frozenset(pc.id for pc in cfg.places if pc.home)
    groups = tuple((pc.id, frozenset(pc.parts)) for pc in cfg.places if pc.parts)
    return Watchlist(tuple(terms), tuple(figures), Matcher(thresholds), tuple(places), home,
                     groups, tuple(claimants))
