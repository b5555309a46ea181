"""The pure pipeline for one item: sentences -> quantities -> attribution -> judging.

`analyse` reads an item (no state); `Engine` keeps the judging state in memory and turns
analyses into events. `replay` and `explain` use them directly; the daemon persists the
same state in its store.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from monitor.engine import claimant as claiming
from monitor.engine import scope as scoping
from monitor.engine.attribute import Attribution, Context, Gate, attribute, candidates
from monitor.engine.judging import FigureState, Rule, claim_entry, judge
from monitor.engine.watchlist import Figure, Phrase, PhraseHit, Tokenised, Watchlist, within
from monitor.engine.words import CORRECTION
from monitor.models import Estimate, Event, Item, Observation, Quantity
from monitor.numbers import quantities
from monitor.text import sentences

MAX_CHANGES = 20  # past this many edits an item is judged again only if it reports a figure
log = logging.getLogger("news-monitor.pipeline")

_FR = frozenset({"le", "la", "les", "des", "du", "une", "et", "est", "dans", "pour", "qui", "que",
                 "avec", "sur", "selon"})
_EN = frozenset({"the", "and", "of", "to", "in", "is", "was", "for", "that", "with", "on",
                 "said", "have", "has"})


# A word as "\b" bounds it ("_" and digits inside: "le_monde" is no "le"), and the letters
# other than I, S that re.IGNORECASE reads as i, s (İ lowercases to two characters).
_WORD = re.compile(r"\w+")
_AS_I_S = {0x130: "i", 0x131: "i", 0x17F: "s"}


def guess_language(text: str) -> str:
    """`fr` or `en`, by counting common function words in the first 2,000 characters (cut
    once into lowercase words: counting them is cheaper than searching for each; the same
    count as searching for each between word bounds, ignoring case)."""
    head = text[:2000]
    if not head.isascii() and ("\u0130" in head or "\u0131" in head or "\u017f" in head):
        head = head.translate(_AS_I_S)
    words = _WORD.findall(head.lower())
    return "fr" if sum(map(_FR.__contains__, words)) > sum(map(_EN.__contains__, words)) else "en"


@dataclass(frozen=True, slots=True)
class SentenceReading:
    """One sentence of an item with what was read in it."""

    text: str
    hits: tuple[PhraseHit, ...]
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the engine read in one item: terms, figures it speaks of, observations.

    `readings` holds every sentence with what was read in it when the analysis was
    exhaustive (`explain`, `seed`); the engine's own analysis keeps only the sentences whose
    numbers it read (those a candidate figure could take a number of)."""

    item: Item
    read_language: str | None  # the language numbers were read in (None: none were read)
    terms: tuple[tuple[str, float], ...]
    figures: tuple[str, ...]
    readings: tuple[SentenceReading, ...]
    observations: tuple[Observation, ...]

    @property
    def language(self) -> str:
        """The item's language (`fr` or `en`), guessed if no number was read."""
        return self.read_language or self.item.language or guess_language(
            self.item.title + "\n" + self.item.text)

    @property
    def watches(self) -> tuple[str, ...]:
        return tuple(t for t, _s in self.terms) + self.figures


def _mentions(wl: Watchlist, hits: Iterable[PhraseHit]) -> set[str]:
    """Figures whose subject, a unit or measure word and (if it has any) a cue occur together
    in one sentence, with none of its other sides ("Ukrainian" for Russian casualties)."""
    hits = list(hits)
    index = wl.subject_index
    named = {f.id: f for h in hits for f in index.get(h.phrase, ())}
    if not named:
        return set()
    words = {h.phrase for h in hits if h.score >= 100}  # role words match exactly
    return {
        f.id
        for f in named.values()
        if words & (f.unit | f.measure) and (not f.cues or words & f.cues)
        and not words & f.not_subject
    }


def _may_mention(wl: Watchlist, title: Sequence[PhraseHit],
                 found: Sequence[tuple[Phrase, float]]) -> bool:
    """Whether some sentence of the text could mention a figure (`_mentions`), judged on all
    the phrases of the item at once: when not, its text need not be cut into sentences."""
    names = {h.phrase for h in title} | {p for p, _s in found}
    index = wl.subject_index
    named = {f.id: f for p in names for f in index.get(p, ())}
    if not named:
        return False
    words = {h.phrase for h in title if h.score >= 100} | {p for p, s in found if s >= 100}
    return any(words & (f.unit | f.measure) and (not f.cues or words & f.cues)
               for f in named.values())


def analyse(wl: Watchlist, item: Item, explain: bool = False, exhaustive: bool = False
            ) -> Analysis:
    """Read one item: its title is a sentence too, and the context of every other one (its
    words, and its place when a sentence names none).

    The engine's path (neither flag) does only the work that can change its observations:
    the text is folded and cut into words once, matched only in sentences holding an anchor
    word, and numbers are read only in sentences where one of the item's `candidates`
    figures could take one. `exhaustive` (and `explain`) read every number of every
    sentence against every figure, sentence by sentence, as `explain` and `seed` show them;
    both give the same observations (tests/test_engine_speed.py compares them)."""
    every = explain or exhaustive
    title_scan = wl.matcher.scan(item.title) if item.title else None
    # the title's phrases; their offsets are found only when a number of the item is read
    title_hits: tuple[PhraseHit, ...] = tuple(
        PhraseHit(p, 0, 0, score) for p, score in title_scan.phrases()) if title_scan else ()
    spans: list[tuple[int, int]] | None = None
    body_hits: list[tuple[PhraseHit, ...]] = []
    tok: Tokenised | None = None
    if every:
        spans = sentences(item.text)
        body_hits = [tuple(wl.matcher.find(item.text[s:e])) for s, e in spans]
        figs = wl.figures
    else:
        tok = wl.matcher.tokenised(item.text)
        scan = wl.matcher.find_all(tok) if tok is not None else None
        whole = scan.phrases() if scan is not None else []
        # the whole text's phrases hold every sentence's (and those across two, if any)
        figs = candidates(wl, frozenset([h.phrase for h in title_hits] + [p for p, _s in whole]))
        gate = Gate.of(figs) if figs else None
        body_read = gate is not None and gate.anywhere(wl, item.text, tok, whole)
        if gate is not None and not body_read and not (
                item.title and gate.passes(wl, item.title, title_hits)):
            figs = ()  # no sentence, title included, holds a word they count in
        if scan is not None and (body_read or _may_mention(wl, title_hits, whole)
                                 or scan.spans_sentences()):
            spans = sentences(item.text)
            body_hits = within(scan.hits(), spans)
        elif whole:  # as found: each phrase lies in one sentence, and no figure needs which
            if not figs:
                return Analysis(item, None, *_watches(wl, title_hits, [*title_hits, *(
                    PhraseHit(p, 0, 0, score) for p, score in whole)],
                    _mentions(wl, title_hits)), (), ())
            spans = []  # only the title is read: the body's phrases count for terms
            body_hits = [tuple(PhraseHit(p, 0, 0, score) for p, score in whole)]
        elif figs and not body_read:
            spans = []
    item_phrases = frozenset(h.phrase for hs in (title_hits, *body_hits) for h in hs)
    if not every and figs:
        figs = candidates(wl, item_phrases)
    if not figs and not every:  # no figure can take any number of this item: matches only
        named = _mentions(wl, title_hits).union(*(_mentions(wl, hs) for hs in body_hits if hs))
        return Analysis(item, None, *_watches(
            wl, title_hits, [*title_hits, *(h for hs in body_hits for h in hs)], named), (), ())
    if spans is None:
        spans = sentences(item.text)
        body_hits = [()] * len(spans)
    title_hits = tuple(title_scan.hits()) if title_scan else ()
    title_only = not every and not spans  # no sentence of the body can give a value
    gate = None if every else Gate.of(figs)
    passing = (gate.passing(wl, item.text, spans, body_hits, tok)
               if gate is not None and spans else [])
    title_read = gate is None or not item.title or gate.passes(wl, item.title, title_hits)
    lang = item.language or guess_language(item.title + "\n" + item.text)
    title_scope = scoping.UNBOUND
    if wl.places and item.title:
        title_scope = scoping.of_text(
            item.title, scoping.mentions(wl, item.title, title_hits, unknown=False), "title",
            wl.scope_places)
    chunks: list[tuple[str, bool]] = [(item.title, True)] if item.title else []
    chunks += [(item.text[s:e], False) for s, e in spans]
    found_hits = [title_hits, *body_hits] if item.title else body_hits
    if title_only:
        found_hits = found_hits[: len(chunks)]
    when = item.published or item.updated
    year = when.year if when else None
    context = Context(title_hits, title_scope, item_phrases=item_phrases, year=year)
    readings: list[SentenceReading] = []
    all_hits: list[PhraseHit] = list(title_hits)
    if title_only:
        all_hits += [h for hs in body_hits for h in hs]
    mentioned: set[str] = set(_mentions(wl, title_hits))
    observations: list[Observation] = []
    title_fixes = bool(item.title and CORRECTION.search(item.title))
    title_claim: str | None = None  # read when a body value has no claimant of its own
    read: dict[str, list[Quantity]] = {}  # a sentence repeated in an item is read once
    # sentences not read, whose place may be the context of the next one read: the last of
    # them naming a place is (looked for only when a sentence is read after them)
    unread: list[tuple[str, tuple[PhraseHit, ...]]] = []
    for k, ((sentence, is_title), hits) in enumerate(zip(chunks, found_hits, strict=True)):
        if hits and not is_title:
            all_hits += hits
            mentioned |= _mentions(wl, hits)
        if title_read if is_title else (gate is None or passing[k - bool(item.title)]):
            found = read.get(sentence)
            if found is None:
                found = read[sentence] = quantities(sentence, lang)
        elif wl.places and hits and not is_title:  # not read: only its place, for context
            unread.append((sentence, hits))
            continue
        else:
            continue
        if unread and not is_title:
            context = _unread_context(wl, unread, context)
            unread = []
        ms = None
        if wl.places:
            # unknown places bind numbers; only the watchlist's give context (`of_text`)
            ms = scoping.mentions(wl, sentence, hits, unknown=not is_title and (
                bool(found) or gate is None))
        atts: tuple[Attribution, ...] = ()
        if found:
            ctx = Context(item_phrases=item_phrases, year=year) if is_title else context
            atts = tuple(attribute(wl, sentence, found, ctx, hits, explain, ms,
                                   None if every else figs))
        if is_title and atts:  # (the title reads no title: its cues are its own clauses')
            context = replace(context, title_cued=frozenset(
                (e.figure, float(a.quantity.value)) for a in atts for e in a.evidence
                if e.cues and e.figure == a.figure))
        if ms and not is_title:
            here = scoping.of_text(sentence, ms, "context", wl.scope_places)
            if here.places:
                context = replace(context, earlier_scope=here)
        readings.append(SentenceReading(sentence, hits, atts))
        if not atts:
            continue
        fixes = title_fixes or (any(a.figure for a in atts) and bool(CORRECTION.search(sentence)))
        firsts = _first_per_figure(atts)
        claims: dict[int, str] = {}
        if firsts:
            found_claims = claiming.read(wl, sentence, found, hits, headline=is_title)
            claims = {q.start: c.key for q, c in zip(found, found_claims, strict=True) if c}
            if not is_title and len(claims) < len(firsts) and title_claim is None:
                title_claim = _title_claimant(wl, item.title, title_hits)
        for figure, a in firsts:
            mentioned.add(figure)
            observations.append(
                Observation(
                    figure=figure, quantity=a.quantity, sentence=sentence, item_uid=item.uid,
                    link=item.link, title=item.title, source=item.source,
                    published=item.published or item.updated,
                    scope=tuple(sorted(wl.place_label(p) if not p.startswith("?") else p[1:]
                                       for p in a.scope.places if p != scoping.INCLUDING)),
                    says_correction=fixes,
                    claimant=_for_figure(wl.figure(figure), claims.get(a.quantity.start) or (
                        title_claim if not is_title and title_claim else "")),
                    decimals=written_decimals(sentence, a.quantity),
                )
            )
    # A headline compresses its body: the body's reading of a value is judged first (it
    # keeps qualifiers), and a value the body gives to another figure ("Congo, Burundi: toll
    # lowered to 236" over "236 morts en RDC") is not taken from the headline.
    head = [bool(item.title) and o.sentence == item.title for o in observations]
    body: dict[float, set[str]] = {}
    for o, h in zip(observations, head, strict=True):
        if not h:
            body.setdefault(float(o.quantity.value), set()).add(o.figure)
    observations = [o for o, h in zip(observations, head, strict=True)
                    if not h or o.figure in body.get(float(o.quantity.value), {o.figure})]
    observations.sort(key=lambda o: bool(item.title) and o.sentence == item.title)
    terms, figures = _watches(wl, title_hits, all_hits, mentioned)
    return Analysis(item, lang, terms, figures, tuple(readings), tuple(observations))


def _watches(wl: Watchlist, title_hits: Sequence[PhraseHit], hits: Sequence[PhraseHit],
             mentioned: set[str]) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    """The terms among `hits` and the figures `mentioned`, the watches its title names first:
    a digest lists related coverage under an item's first watch, and an item about
    Ussuriysk that says "north of Vladivostok" in passing is about Ussuriysk (issue 18:
    lines under a watch their headline does not name)."""
    found = wl.terms_in(hits) if hits else []
    if not found and not mentioned:
        return (), ()
    in_title = {t.id for t, _s in wl.terms_in(title_hits)} | _mentions(wl, title_hits)
    terms = tuple(sorted(((t.id, score) for t, score in found),
                         key=lambda ts: ts[0] not in in_title))
    figures = tuple(sorted((f.id for f in wl.figures if f.id in mentioned),
                           key=lambda fid: fid not in in_title))
    return terms, figures


@dataclass(frozen=True, slots=True)
class Decision:
    """What judging one analysed item decided: its events and the figure states it changed."""

    events: tuple[Event, ...]
    states: dict[str, FigureState]
    matched: bool


def decide(
    wl: Watchlist,
    states: Mapping[str, FigureState],
    analysis: Analysis,
    already_matched: bool,
) -> Decision:
    """The pure judging step: old figure states + one analysed item -> events, new states.
    The daemon runs it inside the store transaction that records its result."""
    item = analysis.item
    out: list[Event] = []
    matched = already_matched
    if analysis.watches and not already_matched:
        matched = True
        out.append(Event("match", item.link, item.title, item.source,
                         item.published or item.updated, watches=analysis.watches,
                         item_uid=item.uid))
    changed: dict[str, FigureState] = {}
    for obs in analysis.observations:
        state = changed.get(obs.figure) or states[obs.figure]
        fig = wl.figure(obs.figure)
        new, verdict, previous = judge(state, obs, Rule.of(fig), obs.says_correction)
        if new != state:
            changed[obs.figure] = new
        if verdict not in REPORTED:
            continue
        q = obs.quantity
        common = dict(figure=obs.figure, label=fig.label, previous=previous,
                      quote=obs.sentence, item_uid=obs.item_uid, scope=obs.scope,
                      claimant=obs.claimant, claimant_label=wl.claimant_label(obs.claimant),
                      estimates=estimates(wl, new))
        if verdict == "promoted":  # the held report becomes the revision, this one its source
            first = new.history[-1]
            out.append(Event(
                "revision", first.link, "", first.source, _when(first.date),
                value=first.value, low=first.low, high=first.high, qualifier=first.qualifier,
                unit=q.unit, **{**common, "quote": first.quote},  # type: ignore[arg-type]
            ))
            verdict = "corroboration"
        out.append(Event(
            verdict, obs.link, obs.title, obs.source, obs.published,  # type: ignore[arg-type]
            value=q.value, low=q.low, high=q.high, qualifier=q.qualifier, unit=q.unit,
            **common,  # type: ignore[arg-type]
        ))
    return Decision(tuple(out), changed, matched)


def _for_figure(fig: Figure, claimant: str) -> str:
    """The claimant a value keeps for its figure: none when the figure takes no claimants
    or not this one (`claimants` in the watchlist)."""
    return claimant if fig.claimants is None or claimant in fig.claimants else ""


def _title_claimant(wl: Watchlist, title: str, hits: Sequence[PhraseHit]) -> str:
    """The one claimant a title names ("Seoul: 12,000 troops in Russia", "Kyiv says..."),
    which speaks for the body's unattributed values; "" if it names none or several."""
    if not title:
        return ""
    keys = {c.key for c in claiming.read_claims(wl, title, hits, headline=True)
            if c.key and not c.denies}
    return keys.pop() if len(keys) == 1 else ""


_DECIMAL = re.compile(r"\d[.,](\d+)(?!\d)")


def written_decimals(sentence: str, q: Quantity) -> int | None:
    """How many decimals the text wrote for a plain rate ("51.4%", "50,1 pour cent": 1): a
    value written with fewer decimals than the figure's may round it (`judging.judge`);
    None for anything else (counts, money, ranges, changes, qualified values, no decimals)."""
    if q.unit not in ("%", "points") or q.low is not None or q.previous is not None \
            or q.qualifier is not None:
        return None
    found = _DECIMAL.findall(sentence, q.start, q.end)
    return len(found[0]) if len(found) == 1 else None


def _unread_context(wl: Watchlist, unread: Sequence[tuple[str, Sequence[PhraseHit]]],
                    context: Context) -> Context:
    """`context` with the place of the last of these sentences (not read, in text order)
    that names one, as each of them in turn would have set it."""
    for sentence, hits in reversed(unread):
        here = scoping.of_text(sentence, scoping.mentions(wl, sentence, hits, unknown=False),
                               "context", wl.scope_places)
        if here.places:
            return replace(context, earlier_scope=here)
    return context


def _first_per_figure(atts: Sequence[Attribution]) -> list[tuple[str, Attribution]]:
    """One value per figure per sentence: the first. A sentence that gives a figure two
    values names the old one after the new ("revised down to 19, two victims counted
    twice"; "now 64, narrowing its estimate of 60 to 70"; "240 dead ... up from 176")."""
    seen: set[str] = set()
    out = []
    for a in atts:
        if a.figure is not None and a.figure not in seen:
            seen.add(a.figure)
            out.append((a.figure, a))
    return out


REPORTED = frozenset({"revision", "correction", "corroboration", "held_for_review", "promoted",
                      "competing"})


def estimates(wl: Watchlist, state: FigureState) -> tuple[Estimate, ...]:
    """Every claimant's current value, when some value has a claimant (what a digest shows
    side by side); none for a figure whose values nobody claimed."""
    claims = state.all_claims()
    if not any(k.claimant for k in claims):  # only declared claimants make estimates
        return ()
    out = []
    for k in claims:
        h = claim_entry(state, k)
        who = h.claimant if not k.claimant else k.claimant  # "?Reuters" read, not declared
        out.append(Estimate(who, wl.claimant_label(who), k.current, h.low, h.high,
                            h.qualifier, h.date, h.source, h.link))
    return tuple(out)


def _when(day: str | None) -> datetime | None:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None


def should_judge(old_hash: str | None, new_hash: str, changes: int) -> bool:
    """Read a new item, or a known one whose text changed, however often it did: any edit
    may carry a figure's new value (`churned` then decides whether it is judged)."""
    return old_hash != new_hash


def churned(changes: int, analysis: Analysis) -> bool:
    """Churn protection: an item already edited MAX_CHANGES times is judged again only when
    this edit reports a value of a tracked figure; an edit that reports none is skipped (the
    caller counts and logs it), so no figure's value is ever lost to it."""
    return changes >= MAX_CHANGES and not analysis.observations


@dataclass
class Engine:
    """Judging state in memory (figure histories, items seen) for `replay` and `demo`; the
    daemon keeps the same state in its store."""

    wl: Watchlist
    states: dict[str, FigureState] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)
    churn_skipped: int = 0  # edits of churning items skipped: they reported no figure
    exhaustive: bool = False  # read every number of every item (see `analyse`): the reference

    def __post_init__(self) -> None:
        for f in self.wl.figures:
            self.states.setdefault(f.id, FigureState.seeded(f))

    def process(self, item: Item, analysis: Analysis | None = None) -> list[Event]:
        """Events for one item; an unchanged item gives none, a changed one is judged again.
        `analysis`: the item's, if already made (`analyse` with this engine's `exhaustive`)."""
        old = self.seen.get(item.uid)
        changes = self.changes.get(item.uid, 0)
        if not should_judge(old, item.content_hash, changes):
            return []
        if analysis is None:
            analysis = analyse(self.wl, item, exhaustive=self.exhaustive)
        if old is not None:
            self.changes[item.uid] = changes + 1
        self.seen[item.uid] = item.content_hash
        if old is not None and churned(changes, analysis):
            self.churn_skipped += 1
            log.warning("item=%s edited %d times: this edit reports no figure, not judged "
                        "again (churn protection)", item.uid[:200], changes + 1)
            return []
        d = decide(self.wl, self.states, analysis, item.uid in self.matched)
        self.states.update(d.states)
        if d.matched:
            self.matched.add(item.uid)
        return list(d.events)
