"""Attribute quantities to figures, then judge them against each figure's history.

Two pure steps, shared by the daemon, `replay`, `explain` and `seed`:

* `attribute(watchlist, sentence, quantities, title_hits)` says, for every quantity of a
  sentence, which figure it is a value of (or none), with the evidence for and against.
* `judge(state, observation)` compares an attributed value with the figure's history:
  revision (a value never seen), corroboration (the current value from another source),
  restatement (an older value; stored, no event).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from monitor.models import HistoryEntry, Number, Observation, Quantity
from monitor.watchlist import Figure, Phrase, PhraseHit, Watchlist, phrase_of

# A number for only a part of the figure ("3 000 soldats supplémentaires", "an additional
# 3,000", "1,500 more troops") is not the figure's value.
PART_WORDS = ("supplémentaires", "supplémentaire", "additional", "more", "extra", "further",
              "de plus", "another", "encore", "nouveaux", "nouvelles")
_PART_BEFORE = {phrase_of(w) for w in ("additional", "another", "further", "extra", "encore",
                                       "nouveaux", "nouvelles", "de plus")}
_PART_AFTER = {phrase_of(w) for w in ("supplémentaires", "supplémentaire", "additional", "more",
                                      "extra", "further", "de plus")}
# A number for a larger whole that merely includes them ("50 000 soldats, dont des unités
# nord-coréennes") is not the figure's value either.
WHOLE_WORDS = ("dont", "including", "among them", "parmi lesquels", "parmi eux", "notamment")
_WHOLE = {phrase_of(w) for w in WHOLE_WORDS}

_CLAUSE = re.compile(
    r";|:\s|[,–—]\s*(?:tandis que|alors que|mais|but|while|whereas|however|cependant)\b|"
    r"\s(?:tandis que|whereas|while)\s",
    re.IGNORECASE,
)
_AFTER_STOP = re.compile(r"[,;:.()«»\"“”!?]|\s(?:et|and|but|mais)\s", re.IGNORECASE)
_WORD = re.compile(r"(\s*)([^\s,;:.()«»\"“”!?]+)")
_NP_STOP = set(
    ["in", "to", "at", "from", "into", "en", "à", "au", "aux", "vers", "dans", "pour", "par", "avec", "with", "for", "near", "près", "by", "on", "sur", "after", "before", "while", "since", "depuis", "after", "avant", "après", "ont", "a", "avaient", "avait", "étaient", "était", "sont", "est", "se", "s'", "have", "has", "had", "were", "was", "are", "is", "will", "would", "could", "should", "may", "might", "be", "been", "being", "that", "which", "who", "qui", "que", "qu'", "dont", "including", "et", "and", "or", "ou", "but", "mais", "said", "selon", "according", "ce", "cette", "ces", "this", "these", "the", "le", "la", "les", "l'", "un", "une", "a", "an"]
)
_PART_OF = re.compile(r"^\s*(?:\S+\s+){0,2}?(?:of|out of|sur|parmi|among)\b", re.IGNORECASE)
AFTER_WORDS = 6


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a quantity is, or is not, a value of one figure (shown by `explain`)."""

    figure: str
    unit: bool
    subject: str | None  # where: "noun phrase", "clause", "title" or None
    cues: tuple[str, ...]
    excluded_by: tuple[str, ...]
    other_side: tuple[str, ...]
    part: str | None
    out_of_range: bool
    score: float
    accepted: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Attribution:
    """The verdict for one quantity: the figure it belongs to (or None) and the evidence."""

    quantity: Quantity
    figure: str | None
    evidence: tuple[Evidence, ...]
    note: str


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
    stop = _AFTER_STOP.search(sentence, start, limit)
    hi = stop.start() if stop else limit
    pos = start
    for n, m in enumerate(_WORD.finditer(sentence, start, hi)):
        if n >= AFTER_WORDS:
            break
        pos = m.end()
    return pos


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


def _evaluate(
    fig: Figure,
    q: Quantity,
    unit_ok: bool,
    hits: Sequence[PhraseHit],
    title_hits: Sequence[PhraseHit],
    spans: dict[str, tuple[int, int]],
    part: str | None,
    sentence_len: int,
) -> Evidence:
    np_lo, np_hi = spans["np"]
    cl_lo, cl_hi = spans["before"][0], spans["after"][1]
    near_lo = spans["near"][0]
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
    # Role words are matched exactly (with inflections): a phrase may be fuzzy as one
    # figure's subject ("Russian") and must still be exact as another's other side.
    hits = [h for h in hits if h.score >= 100]
    title_hits = [h for h in title_hits if h.score >= 100]
    cues = _in(hits, fig.cues, cl_lo, cl_hi) or _in(title_hits, fig.cues, 0, 10**9)
    excluded = _in(hits, fig.exclude, cl_lo, cl_hi)
    other = _in(hits, fig.not_subject, np_lo, np_hi) + _in(hits, fig.not_subject, near_lo, np_lo)
    out_of_range = (fig.min_value is not None and q.value < fig.min_value) or (
        fig.max_value is not None and q.value > fig.max_value
    )
    reasons = []
    if not unit_ok:
        reasons.append(f"unit {q.unit!r} is not one of the figure's")
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
        reasons.append(f"a part, not the total ({part})")
    if out_of_range:
        reasons.append("value outside the figure's plausible range")
    score = (
        {"noun phrase": 3.0, "clause": 2.0, "title": 1.0}.get(subject_where or "", 0.0)
        + (1.0 if unit_ok else 0.0)
        + len(set(cues))
    )
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
    )


def _part_of(sentence: str, q: Quantity, nxt: Quantity | None, hits: Sequence[PhraseHit],
             np: tuple[int, int], near_lo: int) -> str | None:
    after = [h for h in hits if h.phrase in _PART_AFTER and q.end <= h.start and h.end <= np[1]]
    before = [h for h in hits if h.phrase in _PART_BEFORE and near_lo <= h.start and h.end <= q.start]
    if after or before:
        return " ".join((after or before)[0].phrase)
    if nxt is not None and nxt.start - q.end <= 40 and _PART_OF.match(sentence[q.end : nxt.start]):
        return "of a larger number"
    return None


def attribute(
    wl: Watchlist,
    sentence: str,
    found: Sequence[Quantity],
    title_hits: Sequence[PhraseHit] = (),
    hits: Sequence[PhraseHit] | None = None,
    explain: bool = True,
) -> list[Attribution]:
    """For each quantity in `sentence`, the figure it is a value of, with the evidence.
    With explain=False, figures whose unit does not fit are not evaluated (the engine's
    fast path: the verdict is the same, the evidence shorter)."""
    if not found:
        return []
    if hits is None:
        hits = wl.matcher.find(sentence)
    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    out: list[Attribution] = []
    for k, q in enumerate(found):
        nxt = found[k + 1] if k + 1 < len(found) else None
        limit = nxt.start if nxt else len(sentence)
        clause_lo = max([e for s, e in bounds if e <= q.start], default=0)
        clause_hi = min([s for s, e in bounds if s >= q.end], default=len(sentence))
        np_hi = _np_end(sentence, q.end, min(limit, clause_hi))
        after_hi = _after_end(sentence, np_hi, min(limit, clause_hi))
        near_lo = _before_start(sentence, q.start)
        spans = {"np": (q.start, np_hi), "before": (clause_lo, q.start), "after": (np_hi, after_hi),
                 "near": (near_lo, q.start)}
        part = _part_of(sentence, q, nxt, hits, (q.start, np_hi), near_lo)
        unit_phrase = phrase_of(q.unit) if q.unit else ()
        unit_tokens = set(wl.matcher.token_matches(unit_phrase[-1])) if unit_phrase else set()
        # "North Korean troops in Russia number about 14,000": no noun after the number, the
        # unit stands a few words before it, in the same clause, with no number in between.
        pred_lo = max(clause_lo, found[k - 1].end if k else 0, _words_back(sentence, q.start, 6))
        evidence = []
        for fig in wl.figures:
            unit_ok = any(len(p) == 1 and p[0] in unit_tokens for p in fig.unit)
            if not unit_ok and q.unit is None:
                unit_ok = bool(_in([h for h in hits if h.score >= 100], fig.unit, pred_lo, q.start))
            if not unit_ok and not explain:
                continue
            evidence.append(_evaluate(fig, q, unit_ok, hits, title_hits, spans, part, len(sentence)))
        accepted = sorted((e for e in evidence if e.accepted), key=lambda e: -e.score)
        figure: str | None = None
        note = "no figure fits"
        if accepted:
            if len(accepted) > 1 and accepted[0].score == accepted[1].score:
                tied = [e.figure for e in accepted if e.score == accepted[0].score]
                note = "ambiguous: " + " and ".join(tied) + " fit equally; attributed to neither"
            else:
                figure = accepted[0].figure
                note = f"attributed to {figure}"
        out.append(Attribution(q, figure, tuple(evidence), note))
    return out


# ------------------------------------------------------------------ judging


@dataclass(frozen=True, slots=True)
class FigureState:
    """A figure's history as the judge sees it: every value taken, the current one, and the
    sources that reported the current value."""

    figure: str
    tolerance: float
    history: tuple[HistoryEntry, ...]
    current: Number | None
    sources: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def seeded(cls, fig: Figure) -> FigureState:
        current = fig.history[-1].value if fig.history else None
        sources = frozenset(h.source for h in fig.history if h.value == current)
        return cls(fig.id, fig.tolerance, fig.history, current, sources)


def same_value(a: Number, b: Number, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _known(state: FigureState, v: Number | None) -> bool:
    if v is None:
        return True
    return any(
        same_value(v, h.value, state.tolerance)
        or (h.low is not None and same_value(v, h.low, state.tolerance))
        for h in state.history
    )


Verdict = str  # "revision" | "corroboration" | "restatement" | "repeat"


def _current_date(state: FigureState) -> str | None:
    """Date of the history entry that holds the current value (the latest such entry)."""
    for h in reversed(state.history):
        if state.current is not None and same_value(h.value, state.current, state.tolerance):
            return h.date
    return None


def _value_at(state: FigureState, day: str) -> Number | None:
    """The value the figure had on `day`: its latest entry dated on or before it."""
    dated = [h for h in state.history if h.date is not None and h.date <= day]
    if not dated:
        return state.history[0].value if state.history else None
    return max(enumerate(dated), key=lambda p: (p[1].date, p[0]))[1].value


def judge(state: FigureState, obs: Observation) -> tuple[FigureState, Verdict, Number | None]:
    """Decide what an observation means for its figure; returns the new state, the verdict
    and the value the figure had before (for a revision).

    A report older than the current value's (a feed read late, a first poll over a backlog)
    still revises if its value is new, but the current value stays the newer one, and
    `previous` is the value the figure had on that report's date."""
    q = obs.quantity
    day = obs.published.date().isoformat() if obs.published else None
    if not _known(state, q.value):
        entry = HistoryEntry(
            value=q.value, low=q.low, high=q.high, qualifier=q.qualifier, source=obs.source,
            quote=obs.sentence, date=day, link=obs.link,
        )
        current_day = _current_date(state)
        if day is None or current_day is None or day >= current_day:
            new = replace(state, history=(*state.history, entry), current=q.value,
                          sources=frozenset({obs.source}))
            return new, "revision", state.current
        return replace(state, history=(*state.history, entry)), "revision", _value_at(state, day)
    if state.current is not None and same_value(q.value, state.current, state.tolerance):
        if obs.source in state.sources:
            return state, "repeat", state.current
        return replace(state, sources=state.sources | {obs.source}), "corroboration", state.current
    return state, "restatement", state.current
