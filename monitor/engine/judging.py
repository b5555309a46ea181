"""Judge an attributed value against its figure's history: a pure decision.

A value with its qualifier is an interval: "about N" is N within the about band, "nearly N"
just below N, "up to N" reaching N, "more than / at least N" above N, "less than N" below
it, a range its
bounds, a bare N itself (within the figure's tolerance). Against the current value a report:

* **corroborates** (or repeats, from the same outlet) when it is consistent with it: the
  report's value lies in the current interval, or the current value in the report's (a
  range's upper bound is news, so a range must fit the first way), and it does not narrow
  a range or an open bound;
* **revises** when it is inconsistent, or narrows it ("between 40 and 60" -> 52,
  "at least 3,000" -> "about 10,000");
* **restates** an older value (stored nowhere, no event);
* for a figure that only rises, a lower inconsistent value is a **correction** when the
  report says so ("revised down", "révisé à la baisse", "erratum"), else an outdated quote;
* a value `review_factor` times (or more) above or below the current one, or exactly ten
  times (or a tenth of) one of its last three values (a slipped digit), is **held for
  review**: kept aside, not current, and promoted to a revision when a second outlet reports
  it (the revision carries the first report's link, the second is its corroboration).

Each value has a claimant (who stands behind it: a government, an agency, the organisers)
or none. A figure keeps a series per declared claimant (one read but not declared is judged
with the unattributed values), and a claimed value is judged as above
against its own claimant's series only: Seoul going from 11,000 to 12,000 is a revision of
Seoul's estimate, whatever Kyiv says. A claimant's first value, when other claimants have
series, is a **competing** estimate (or corroborates them when it agrees with one). An
unattributed value is judged against the headline value, as a figure with no claimants.
The headline value (what the figure is said to be) follows the figure's `headline` rule:
the latest report's value, the highest or lowest claimant's, or a preferred claimant's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from monitor.engine.watchlist import Figure
from monitor.models import HistoryEntry, Number, Observation, Qualifier

Verdict = Literal["revision", "correction", "corroboration", "restatement", "repeat",
                  "outdated", "held_for_review", "promoted", "competing"]
INF = math.inf


@dataclass(frozen=True, slots=True)
class Rule:
    """How one figure is judged (from its watchlist entry)."""

    tolerance: float = 0.0
    about_band: float = 0.05
    only_rises: bool = False
    review_factor: float = 10.0
    headline: str = "latest"  # latest, highest, lowest or a claimant id
    recurs: bool = False  # a newer report of an older value is a revision

    @classmethod
    def of(cls, fig: Figure) -> Rule:
        return cls(fig.tolerance, fig.about_band, fig.only_rises, fig.review_factor,
                   fig.headline, fig.recurs)


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimant's series at its current value: the value and the outlets that reported
    it. The claimant "" holds the unattributed values."""

    claimant: str
    current: Number
    sources: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class FigureState:
    """A figure's history as the judge sees it: every value taken, the current (headline)
    one, the sources that reported it, the values held for review, and each claimant's
    current value (`claims`, the latest changed last)."""

    figure: str
    tolerance: float
    history: tuple[HistoryEntry, ...]
    current: Number | None
    sources: frozenset[str] = field(default_factory=frozenset)
    held: tuple[HistoryEntry, ...] = ()
    claims: tuple[Claim, ...] = ()
    series: str | None = None  # judging the headline: its claimant's entries come first

    @classmethod
    def seeded(cls, fig: Figure) -> FigureState:
        def own(h: HistoryEntry) -> str:  # a claimant the figure does not take: none
            return h.claimant if fig.claimants is None or h.claimant in fig.claimants else ""

        last: dict[str, HistoryEntry] = {}
        for h in fig.history:
            last.pop(own(h), None)
            last[own(h)] = h
        claims = tuple(
            Claim(c, h.value, frozenset(e.source for e in fig.history
                                        if own(e) == c and e.value == h.value))
            for c, h in last.items())
        return with_headline(cls(fig.id, fig.tolerance, fig.history, None, frozenset(), (),
                                 claims), Rule.of(fig))

    def claim(self, claimant: str) -> Claim | None:
        for k in self.all_claims():
            if k.claimant == claimant:
                return k
        return None

    def all_claims(self) -> tuple[Claim, ...]:
        """The claims; a state from before claimants were read has one, unattributed."""
        if self.claims or self.current is None:
            return self.claims
        return (Claim("", self.current, self.sources),)

    def attributed(self) -> tuple[Claim, ...]:
        return tuple(k for k in self.all_claims() if k.claimant)

    def current_entry(self) -> HistoryEntry | None:
        """The latest history entry that holds the current value (of the headline's
        claimant first, when the headline is judged)."""
        if self.current is None:
            return None
        found = [h for h in reversed(self.history)
                 if same_value(h.value, self.current, self.tolerance)]
        if self.series is not None:
            mine = [h for h in found if h.claimant == self.series
                    or not self.series and h.claimant.startswith("?")]
            found = mine or found
        return found[0] if found else None


def headline_claim(claims: tuple[Claim, ...], rule: Rule) -> Claim | None:
    """The claim whose value is shown as the figure's, by the figure's headline rule."""
    if not claims:
        return None
    if rule.headline == "highest":
        return max(reversed(claims), key=lambda k: k.current)
    if rule.headline == "lowest":
        return min(reversed(claims), key=lambda k: k.current)
    if rule.headline != "latest":
        for k in claims:
            if k.claimant == rule.headline:
                return k
    return claims[-1]


def with_headline(state: FigureState, rule: Rule) -> FigureState:
    """The state with its current value and sources set from its claims."""
    top = headline_claim(state.claims, rule)
    if top is None:
        return state
    return replace(state, current=top.current, sources=top.sources)


def same_value(a: Number, b: Number, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


@dataclass(frozen=True, slots=True)
class Interval:
    lo: float
    hi: float
    open_bound: bool  # a range, or "more than" / "up to": narrowing it is news


def interval(value: Number, low: Number | None, high: Number | None,
             qualifier: Qualifier | None, rule: Rule) -> Interval:
    """The values a report allows (see the module docstring). A band scales with the
    value, so for a negative value (a growth rate of -0.3%) its ends are put back in order."""
    v = float(value)
    band = max(rule.about_band, rule.tolerance)
    if low is not None and high is not None and low != high:
        lo, hi = float(low), float(high)
        if qualifier == "about":
            lo = lo * (1 - band) if lo >= 0 else lo * (1 + band)
            hi = hi * (1 + band) if hi >= 0 else hi * (1 - band)
        return Interval(lo, hi, True)
    if qualifier == "about":
        return _ordered(v * (1 - band), v * (1 + band), False)
    if qualifier == "nearly":
        return _ordered(v * (1 - band), v, False)
    if qualifier in ("at_least", "more_than"):
        return Interval(v, INF, True)
    if qualifier == "up_to":  # "up to / as many as N": an estimate reaching N
        return _ordered(v * (1 - band), v, False)
    if qualifier == "less_than":
        return Interval(0.0 if v >= 0 else -INF, v, True)
    return _ordered(v * (1 - rule.tolerance), v * (1 + rule.tolerance), False)


def _ordered(a: float, b: float, open_bound: bool) -> Interval:
    return Interval(a, b, open_bound) if a <= b else Interval(b, a, open_bound)


def _of(h: HistoryEntry, rule: Rule) -> Interval:
    return interval(h.value, h.low, h.high, h.qualifier, rule)


_ROUNDED = frozenset({"about", "nearly", "up_to"})


def consistent(new: HistoryEntry, cur: HistoryEntry, rule: Rule) -> bool:
    """The current value allows the new one, or the new report allows the current value
    (not a range: its upper bound is news; not two rounded figures: "about 19,000" then
    "about 20,000" moved), and the new report does not narrow a range or an open bound."""
    a, b = _of(new, rule), _of(cur, rule)
    if new.qualifier in _ROUNDED and cur.qualifier in _ROUNDED:
        # "about 19,000" then "about 20,000": the rounded figure itself moved
        return same_value(new.value, cur.value, rule.tolerance)
    is_range = new.low is not None and new.high is not None and new.low != new.high
    agree = b.lo <= new.value <= b.hi or (not is_range and a.lo <= cur.value <= a.hi)
    if not agree:
        return False
    narrower = b.open_bound and b.lo <= a.lo and a.hi <= b.hi and (a.lo > b.lo or a.hi < b.hi)
    return not (narrower and not same_value(new.value, cur.value, rule.tolerance))


def _restates(new: HistoryEntry, old: HistoryEntry, rule: Rule) -> bool:
    """An older value again: the same number (or a range's lower bound); when one of them is
    rounded ("about", "nearly", "up to") and the other not, the exact one within the rounded
    one's interval ("nearly 39,000" is not restated by 39,105). Not interval overlap in
    general: an old open bound ("more than 600,000") would swallow every later value."""
    new_round, old_round = new.qualifier in _ROUNDED, old.qualifier in _ROUNDED
    if old_round and not new_round:
        iv = _of(old, rule)
        return iv.lo <= new.value <= iv.hi
    if new_round and not old_round:
        iv = _of(new, rule)
        return iv.lo <= old.value <= iv.hi
    return same_value(new.value, old.value, rule.tolerance) or (
        old.low is not None and same_value(new.value, old.low, rule.tolerance))


def _restatable(state: FigureState) -> tuple[HistoryEntry, ...]:
    """The entries a report may restate: judging the headline, the values nobody (declared)
    claimed and the headline claimant's; another claimant's value is its series' business."""
    if state.series is None:
        return state.history
    return tuple(h for h in state.history if not h.claimant or h.claimant.startswith("?")
                 or h.claimant == state.series)


def _entry_at(state: FigureState, day: str) -> HistoryEntry | None:
    """The entry the figure stood at on `day`: its latest entry dated on or before it."""
    dated = [h for h in state.history if h.date is not None and h.date <= day]
    if not dated:
        return state.history[0] if state.history else None
    return max(enumerate(dated), key=lambda p: (p[1].date, p[0]))[1]


def _far(value: Number, current: Number, factor: float) -> bool:
    if not factor or not current or not value:
        return bool(factor and current and not value)
    ratio = abs(value) / abs(current)
    return ratio >= factor or ratio <= 1 / factor  # a slipped digit is exactly x10


def _slipped_digit(value: Number, state: FigureState,
                   recent: tuple[HistoryEntry, ...] = ()) -> bool:
    """Ten times, or a tenth of, one of the figure's last three values: a typo of a figure
    just reported ("120 morts" for 12, "70" for 7), however near the current value it falls."""
    return any(h.value and value in (h.value * 10, h.value / 10)
               for h in (*state.history[-3:], *recent))


def _judge_series(state: FigureState, entry: HistoryEntry, rule: Rule,
                  says_correction: bool, moved_from: Number | None = None,
                  recent: tuple[HistoryEntry, ...] = (), latest: Number | None = None
                  ) -> tuple[FigureState, Verdict, Number | None]:
    """Judge a report against one series (a claimant's, or the figure's headline value
    with every entry); returns the new series state, the verdict and the value before.
    `latest`: for a claimant's series, the value reports with no claimant gave the figure
    since its own last one; a value near it (within the square root of the review factor:
    nearer to it than to a slipped digit of it) is no outlier however far from its own."""
    day = entry.date
    source = entry.source
    cur = state.current_entry()
    # the newest date the figure knows (the current value itself may be undated)
    current_day = max((h.date for h in state.history if h.date), default=None)
    undated_current = cur is not None and cur.date is None and current_day is not None
    if day is not None and (current_day is not None and day < current_day or undated_current):
        # (an undated current value: whether this report is older cannot be told, so it is
        # recorded beside it rather than set against it)
        # A backlog report (a feed read late, instances reading out of order) is judged
        # against the value the figure had on its date, so the values a figure knows do not
        # depend on reading order; recorded, never made current, never reviewed.
        if cur is not None and _restates(entry, cur, rule):  # an older report of the same value
            if source in state.sources:
                return state, "repeat", state.current
            return (replace(state, sources=state.sources | {source}), "corroboration",
                    state.current)
        then = _entry_at(state, day)
        if then is not None and then.date is not None and then.date > day:
            # older than every value the figure knows (an item in the feed from before the
            # watch began, a poll before a vote's first result): nothing it could revise
            return state, "outdated", state.current
        if any(_restates(entry, h, rule) for h in _restatable(state)) or (
                then is not None and consistent(entry, then, rule)):
            return state, "restatement", state.current
        return (replace(state, history=(*state.history, entry)), "revision",
                then.value if then is not None else None)
    if cur is not None and consistent(entry, cur, rule) and not (
            moved_from is not None and same_value(moved_from, cur.value, rule.tolerance)
            and not same_value(entry.value, cur.value, rule.tolerance)):
        # (a report that says the value moved away from the current one, "revised down to
        # 8.6 million from nearly 9 million", is no corroboration of it, however near)
        if source in state.sources:
            return state, "repeat", state.current
        return replace(state, sources=state.sources | {source}), "corroboration", state.current
    if not rule.recurs and any(_restates(entry, h, rule) for h in _restatable(state)
                               if moved_from is None
                               or not same_value(moved_from, h.value, rule.tolerance)):
        # (a figure that `recurs`, départements on alert, may come back to a value it had)
        return state, "restatement", state.current
    lower = cur is not None and (_of(entry, rule).hi < _of(cur, rule).lo or (
        moved_from is not None and same_value(moved_from, cur.value, rule.tolerance)
        and entry.value < cur.value))  # "down to 8.6 million from nearly 9 million"
    if rule.only_rises and lower and not says_correction:
        return state, "outdated", state.current
    if state.current is not None and rule.review_factor and (
            _far(entry.value, state.current, rule.review_factor) and (
                latest is None or _far(entry.value, latest, math.sqrt(rule.review_factor)))
            or _slipped_digit(entry.value, state, recent)):
        # a far value waits for a second outlet, a stated correction too ("revised down to
        # 19, two victims counted twice": the 2 is no correction of 21)
        held = [h for h in state.held if _restates(entry, h, rule) or same_value(
            h.value, entry.value, rule.tolerance)]
        if not held:
            return replace(state, held=(*state.held, entry)), "held_for_review", state.current
        if all(h.source == source for h in held):
            return state, "repeat", state.current
        first = held[0]
        new = replace(state, history=(*state.history, first), current=first.value,
                      sources=frozenset({first.source, source}),
                      held=tuple(h for h in state.held if h not in held))
        return new, "promoted", state.current
    new = replace(state, history=(*state.history, entry), current=entry.value,
                  sources=frozenset({source}))
    return new, "correction" if rule.only_rises and lower else "revision", state.current


def _as_rounded(entry: HistoryEntry, decimals: int | None, state: FigureState,
                claimant: str) -> HistoryEntry:
    """A rate written with fewer decimals than the value it stands at, within half a unit of
    its last written decimal ("51.4%" for 51.38, "50,1 %" for 50.12; halves either way), is
    that value: the writer's rounding, no new value. A value written with as many decimals
    ("50.10%") differs by a whole unit at least, and is read as written."""
    if decimals is None or decimals < 1:
        return entry
    own = state.claim(claimant) if claimant and not claimant.startswith("?") else None
    for cur in (own.current if own is not None else None, state.current):
        if cur is not None and abs(cur - entry.value) <= 0.5 * 10 ** -decimals + 1e-9:
            return replace(entry, value=cur)
    return entry


def judge(state: FigureState, obs: Observation, rule: Rule | None = None,
          says_correction: bool = False) -> tuple[FigureState, Verdict, Number | None]:
    """Decide what an observation means for its figure; returns the new state, the verdict
    and the value before (the claimant's own for a revision or correction of its series).

    A backlog report (older than the current value's) still revises if its value is new,
    but the current value stays the newer one, and `previous` is the value the series had
    on that report's date. `promoted` means a value held for review was confirmed: the
    caller reports the held entry as the revision. `competing` is a claimant's first value
    when others have series and none of them agrees with it."""
    rule = rule or Rule(state.tolerance)
    q = obs.quantity
    day = obs.published.date().isoformat() if obs.published else None
    entry = HistoryEntry(value=q.value, low=q.low, high=q.high, qualifier=q.qualifier,
                         source=obs.source, quote=obs.sentence, date=day, link=obs.link,
                         claimant=obs.claimant)
    moved_from = q.previous  # the value the report says this one replaces ("to X from Y")
    entry = _as_rounded(entry, obs.decimals, state, obs.claimant)
    # a series per declared claimant; one read but not declared ("?Reuters") is shown as
    # read but judged with the unattributed values: a misread or second spelling of a name
    # must not split a figure into competing series
    c = "" if obs.claimant.startswith("?") else obs.claimant
    attributed = state.attributed()
    own = state.claim(c) if c else None
    if not c or (own is None and not attributed):
        # unattributed, or the first claimant of a figure: against the headline value
        top = headline_claim(state.all_claims(), rule)
        series = top.claimant if top is not None else None
        view = replace(state, claims=(), held=tuple(h for h in state.held if h.claimant == c
                                  or not c and h.claimant.startswith("?")),
                       series=series)
        if not c and attributed and state.current is not None:
            # the very value another claimant stands at is not news, even unattributed
            # (a claimant that disagrees with the headline: one that agrees is the headline)
            head = claim_entry(state, top) if top is not None else None
            for k in attributed:
                if k is top or same_value(entry.value, view.current or 0, rule.tolerance):
                    continue
                if same_value(entry.value, k.current, rule.tolerance) and not (
                        head is not None and consistent(claim_entry(state, k), head, rule)):
                    return state, "restatement", state.current
        new, verdict, previous = _judge_series(view, entry, rule, says_correction, moved_from)
        if c and verdict == "corroboration":
            # the first claimant agrees with the figure: its series starts at what it said
            # (first in line: agreeing moves no headline)
            claim = Claim(c, entry.value, frozenset({obs.source}))
            agreed = replace(state, history=(*state.history, entry),
                             claims=(claim, *state.all_claims()))
            return with_headline(agreed, rule), verdict, previous
        return _merge(state, view, new, c, rule), verdict, previous
    if own is not None:
        ahead = _unattributed_ahead(state, own, entry, rule)
        if ahead is not None:
            # the figure already moved to this value on an unattributed report ("loan raised
            # to EUR 60bn", then "the Commission raised it to EUR 60bn"): the news was told;
            # the claimant's series follows it, as a corroboration of that revision
            claim = Claim(c, entry.value, frozenset({obs.source}))
            rest = tuple(k for k in state.all_claims() if k.claimant not in (c, ""))
            moved = replace(state, history=(*state.history, entry),
                            claims=(*rest, claim,
                                    replace(ahead, sources=ahead.sources | {obs.source})))
            return with_headline(moved, rule), "corroboration", ahead.current
        view = FigureState(state.figure, state.tolerance,
                           tuple(h for h in state.history if h.claimant == c), own.current,
                           own.sources, tuple(h for h in state.held if h.claimant == c))
        # (its own series may lag reports read with no claimant, which may be its own:
        # "140 birds collected", then the league's "more than 400" is no outlier against
        # the league's 35; another claimant's newer value does not count)
        free = _unattributed_after(state, own)
        new, verdict, previous = _judge_series(
            view, entry, rule, says_correction, moved_from, state.history[-3:],
            free.current if free is not None else None)
        return _merge(state, view, new, c, rule), verdict, previous
    # a claimant's first value while others have theirs
    for k in state.all_claims():
        if consistent(entry, claim_entry(state, k), rule):
            claim = Claim(c, entry.value, frozenset({obs.source}))
            return (with_headline(replace(state, history=(*state.history, entry),
                                          claims=(claim, *state.all_claims())), rule),
                    "corroboration", k.current)
    headline = state.current
    held = [h for h in state.held if h.claimant == c and (
        _restates(entry, h, rule) or same_value(h.value, entry.value, rule.tolerance))]
    if held:
        if all(h.source == obs.source for h in held):
            return state, "repeat", headline
        first = held[0]
        claim = Claim(c, first.value, frozenset({first.source, obs.source}))
        new_state = replace(state, history=(*state.history, first),
                            held=tuple(h for h in state.held if h not in held),
                            claims=(*state.all_claims(), claim))
        return with_headline(new_state, rule), "promoted", None
    if headline is not None and rule.review_factor and _far(entry.value, headline,
                                                            rule.review_factor):
        return replace(state, held=(*state.held, entry)), "held_for_review", headline
    claim = Claim(c, entry.value, frozenset({obs.source}))
    new_state = replace(state, history=(*state.history, entry),
                        claims=(*state.all_claims(), claim))
    return with_headline(new_state, rule), "competing", None


def _unattributed_after(state: FigureState, own: Claim) -> Claim | None:
    """The unattributed claim, when it changed after the claimant's own last value."""
    claims = state.all_claims()
    free = next((k for k in claims if not k.claimant), None)
    return free if free is not None and claims.index(free) > claims.index(own) else None


def _unattributed_ahead(state: FigureState, own: Claim, entry: HistoryEntry,
                        rule: Rule) -> Claim | None:
    """The unattributed claim, when it changed after the claimant's own last value and the
    claimant now reports a value consistent with it (and not with its own)."""
    free = _unattributed_after(state, own)
    if free is None or consistent(entry, claim_entry(state, own), rule):
        return None
    return free if consistent(entry, claim_entry(state, free), rule) else None


def claim_entry(state: FigureState, k: Claim) -> HistoryEntry:
    """The history entry a claim stands at (its latest with that value; the unattributed
    series holds the values of claimants not declared too)."""
    for h in reversed(state.history):
        mine = h.claimant == k.claimant or not k.claimant and h.claimant.startswith("?")
        if mine and same_value(h.value, k.current, state.tolerance):
            return h
    return HistoryEntry(value=k.current)


def _merge(state: FigureState, view: FigureState, new: FigureState, claimant: str,
           rule: Rule) -> FigureState:
    """Put a series judged on its own back into the figure: its new entries, its held
    values, its claim (moved last when its value changed), and the headline again."""
    if new is view:
        return state
    added = new.history[len(view.history):]
    held = tuple(h for h in state.held if h not in view.held) + new.held
    claims = list(state.all_claims())
    old = next((k for k in claims if k.claimant == claimant), None)
    gained = new.sources - view.sources
    if new.current is not None and new.current != view.current:
        claims = [k for k in claims if k.claimant != claimant]
        claims.append(Claim(claimant, new.current, new.sources))
    elif gained and old is not None and (claimant or old.current == view.current):
        claims[claims.index(old)] = replace(old, sources=old.sources | gained)
    elif gained and claimant and new.current is not None:
        claims.append(Claim(claimant, new.current, gained))  # a first claimant agreeing
    elif gained:  # an unattributed report of the headline value corroborates its claim
        top = headline_claim(tuple(claims), rule)
        if top is not None:
            claims[claims.index(top)] = replace(top, sources=top.sources | gained)
    merged = replace(state, history=(*state.history, *added), held=held, claims=tuple(claims),
                     series=None)
    return with_headline(merged, rule)
