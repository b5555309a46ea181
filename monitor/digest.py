"""Group events into a digest and render it (Jinja2; the HTML form is autoescaped).

Pure: events in, `Digest` and text out. Per revised figure and claimant: who moved it,
previous -> new value, change, the first source with its quote, the outlets that corroborate
it, the claimant's timeline and, when sources disagree, every claimant's current value side
by side (a competing estimate is shown the same way, with no previous value); then related
coverage grouped by term, with near-identical headlines folded into one line and opinion
pieces (as the feed marks them) left out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rapidfuzz import fuzz

from monitor.chart import Point, timeline_table, timeline_text
from monitor.eventjson import claimant_json, estimate_json, shown_link
from monitor.models import Estimate, Event, HistoryEntry, Number
from monitor.text import clean, fmt_number, fold_text

TEMPLATES = Path(__file__).parent / "templates"
FOLD_SCORE = 85  # headlines at least this similar (token_set_ratio) are one story
NAMES_SCORE = 75  # a headline names a watch when each word of its label is this near one of
# the headline's words (ratio: Koursk, Kurskaya name Kursk; Kurdes, Kourou do not)

LABELS = {
    "en": {"title": "news-monitor digest", "revised": "Revised figures", "from": "from",
           "source": "First reported by", "also": "Also reported by", "history": "History",
           "related": "Related coverage", "more": "and {n} more", "nothing": "Nothing new.",
           "change": "change", "undated": "undated", "outlets": "outlets",
           "correction": "correction", "in": "in", "competing": "competing estimate",
           "estimates": "Estimates now", "claimant": "Claimant", "value": "Value",
           "date": "Date", "unattributed": "unattributed", "says": "says",
           "held": "Held for review", "held_why": "one outlet so far, far from the current value "
           "{current}; not made current until a second outlet reports it",
           "new": "New watches, judged on the archive",
           "new_figure": "{n} values found, current value", "no_value": "no value yet",
           "new_term": "{n} archived items mention it", "latest": "latest"},
    "fr": {"title": "Résumé news-monitor", "revised": "Chiffres révisés", "from": "contre",
           "source": "Annoncé d'abord par", "also": "Repris par", "history": "Historique",
           "related": "Articles liés", "more": "et {n} de plus", "nothing": "Rien de nouveau.",
           "change": "variation", "undated": "non daté", "outlets": "médias",
           "correction": "correction", "in": "en", "competing": "estimation concurrente",
           "estimates": "Estimations actuelles", "claimant": "Source", "value": "Valeur",
           "date": "Date", "unattributed": "non attribué", "says": "selon",
           "held": "En attente de vérification", "held_why": "un seul média jusqu'ici, loin de "
           "la valeur actuelle {current} ; retenu jusqu'à ce qu'un second média le confirme",
           "new": "Nouveaux suivis, appliqués aux archives",
           "new_figure": "{n} valeurs trouvées, valeur actuelle", "no_value": "pas encore de valeur",
           "new_term": "{n} articles archivés le mentionnent", "latest": "dernier"},
}
QUALIFIERS = {
    "en": {"about": "about", "nearly": "nearly", "at_least": "at least", "more_than": "more than",
           "up_to": "up to", "less_than": "less than"},
    "fr": {"about": "environ", "nearly": "près de", "at_least": "au moins",
           "more_than": "plus de", "up_to": "jusqu'à", "less_than": "moins de"},
}


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str
    title: str
    link: str | None
    published: datetime | None
    quote: str


@dataclass(frozen=True, slots=True)
class Revision:
    figure: str
    label: str
    previous: Number | None
    value: Number
    low: Number | None
    high: Number | None
    qualifier: str | None
    unit: str | None
    first: Source
    corroborations: tuple[Source, ...]
    history: tuple[HistoryEntry, ...]
    kind: str = "revision"  # "correction": a lower value the report says corrects it;
    # "competing": a claimant's first value, disagreeing with the others
    scope: tuple[str, ...] = ()
    claimant: str = ""  # whose series moved: a claimant id, "?name as read", "" unattributed
    claimant_label: str = ""
    estimates: tuple[Estimate, ...] = ()  # every claimant's current value, side by side

    @property
    def change(self) -> float | None:
        """Relative change from the previous value (0.5 = +50%)."""
        if not self.previous:
            return None
        return (self.value - self.previous) / self.previous


@dataclass(frozen=True, slots=True)
class Held:
    """A value held for review: one outlet, implausibly far from the figure's current value."""

    figure: str
    label: str
    current: Number | None
    value: Number
    low: Number | None
    qualifier: str | None
    unit: str | None
    source: Source
    scope: tuple[str, ...] = ()
    claimant_label: str = ""


@dataclass(frozen=True, slots=True)
class NewWatch:
    """A watch added or changed, judged on the archive (monitor/backfill.py): for a figure,
    the values found and the current one with its report; for a term, the items that
    mention it and the latest of them."""

    watch: str
    label: str
    kind: str  # figure or term
    found: int
    value: Number | None
    low: Number | None
    qualifier: str | None
    unit: str | None
    source: Source
    scope: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Related:
    term: str  # the watch's label, as shown
    title: str
    link: str | None
    outlets: tuple[str, ...]
    watch: str = ""  # the watch's id


@dataclass(frozen=True)
class Digest:
    """What one channel receives for one period."""

    channel: str
    language: str
    revisions: tuple[Revision, ...]
    related: tuple[Related, ...]
    more_related: int
    created: datetime
    event_ids: tuple[int, ...] = field(default=())
    held: tuple[Held, ...] = ()
    new_watches: tuple[NewWatch, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.revisions and not self.related and not self.held and not self.new_watches

    @property
    def key(self) -> str:
        """Stable id of the digest's content: the idempotency key of its deliveries."""
        h = hashlib.sha256(self.channel.encode())
        for i in self.event_ids:
            h.update(str(i).encode() + b",")
        for r in self.revisions:
            h.update(f"{r.figure}={r.value};".encode())
        return h.hexdigest()[:32]




def _source(ev: Event) -> Source:
    return Source(clean(ev.source), clean(ev.title), shown_link(ev.link), ev.published,
                  clean(ev.quote or ""))


def build(
    channel: str,
    language: str,
    events: Sequence[Event],
    histories: dict[str, tuple[HistoryEntry, ...]],
    max_related: int,
    now: datetime,
    event_ids: Iterable[int] = (),
    labels: Mapping[str, str] | None = None,
) -> Digest:
    """Group a period's events: one block per revised figure and claimant (its last
    revision, the corroborations of that value), then related coverage folded by headline."""
    revisions: list[Revision] = []
    by_series: dict[tuple[str, str], list[Event]] = {}
    latest: dict[str, Event] = {}  # the figure's last event: its estimates are the newest
    for ev in events:
        if ev.kind in ("revision", "correction", "corroboration", "competing") and ev.figure:
            # a name read but not declared ("?Xunta") is judged with the unattributed
            # values: one block with them, whatever names the reports gave
            series_of = "" if ev.claimant.startswith("?") else ev.claimant
            by_series.setdefault((ev.figure, series_of), []).append(ev)
            latest[ev.figure] = ev
    far = datetime.max.replace(tzinfo=UTC)
    for (fig, claimant), evs in by_series.items():
        revs = sorted((e for e in evs if e.kind in ("revision", "correction", "competing")),
                      key=lambda e: e.published or far)  # stable: same time keeps event order
        if not revs:
            continue
        last = revs[-1]
        # a correction is shown against the value it corrects, not the period's first one
        first_prev = last.previous if last.kind == "correction" else revs[0].previous
        if first_prev is None and len(revs) > 1:  # a first value, then revised: from it
            first_prev = revs[0].value
        # its corroborations: the claimant's own, and unattributed reports of its value
        corr = [e for e in evs if e.kind == "corroboration" and e.value == last.value]
        if claimant:
            corr += [e for e in by_series.get((fig, ""), []) if e.kind == "corroboration"
                     and e.value == last.value]
        # the claimant's own values; unattributed, the values no declared claimant gave
        series = [h for h in histories.get(fig, ()) if h.claimant == claimant or not claimant
                  and (not h.claimant or h.claimant.startswith("?"))]
        if not claimant and len(series) < 2:  # judged against the headline: the figure's
            series = list(histories.get(fig, ()))
        timeline = _distinct(sorted(series, key=lambda h: h.date or ""))
        # the change is measured from the value the history line shows before the new one,
        # so that "previous -> new (change)" and the history beside it agree
        first_prev = shown_previous(timeline, last.value, first_prev)
        estimates = latest[fig].estimates if len(latest[fig].estimates) > 1 else ()
        revisions.append(Revision(
            fig, last.label or fig, first_prev, last.value or 0, last.low, last.high,
            last.qualifier, last.unit, _source(last),
            tuple(_source(e) for e in corr), timeline, last.kind, last.scope,
            claimant, clean(last.claimant_label), estimates,
        ))
    # a figure's blocks together, in order of first appearance; its estimates shown once
    order = {fig: i for i, (fig, _c) in enumerate(dict.fromkeys(by_series))}
    revisions.sort(key=lambda r: order[r.figure])
    shown_estimates: set[str] = set()
    for i, r in enumerate(revisions):
        if r.figure in shown_estimates:
            revisions[i] = replace(r, estimates=())
        shown_estimates.add(r.figure)
    held = tuple(
        Held(e.figure or "", e.label or e.figure or "", e.previous, e.value or 0, e.low,
             e.qualifier, e.unit, _source(e), e.scope, clean(e.claimant_label))
        for e in events
        if e.kind == "held_for_review" and e.figure not in {r.figure for r in revisions
                                                             if r.value == e.value}
    )
    related = fold_related([e for e in events if e.kind == "match"
                            and not is_opinion(e.title, e.link)], labels or {})
    shown = related[:max_related]
    return Digest(channel, language, tuple(revisions), tuple(shown),
                  max(0, len(related) - len(shown)), now, tuple(event_ids), held,
                  new_watches(events))


SUBJECT_MAX = 160  # characters of a subject; past it, cut at a word with an ellipsis
SUBJECT_FIGURES = 3  # figures named in a subject; the rest counted ("and 2 more")
SUBJECTS = {
    "en": {"sep": "; ", "held": "{n} value(s) held for review", "new": "new watches",
           "related": "related coverage", "nothing": "nothing new", "prefix": "news-monitor: "},
    "fr": {"sep": " ; ", "held": "{n} valeur(s) en attente de vérification",
           "new": "nouveaux suivis", "related": "articles liés", "nothing": "rien de nouveau",
           "prefix": "news-monitor : "},
}


def _header_text(text: str) -> str:
    """Feed or watchlist text made safe for one header line: no control, bidi or newline."""
    return " ".join(clean(text).split())


def subject(d: Digest) -> str:
    """The e-mail subject: each revised figure's label and new value, with its claimant in
    brackets ("news-monitor: Russian casualties 750,000 (UK MoD); ..."), the first three
    named and the rest counted, in the channel's language; one line, at most SUBJECT_MAX
    characters. A digest without revisions says what it holds instead."""
    words = SUBJECTS[d.language]
    parts: list[str] = []
    for r in d.revisions[:SUBJECT_FIGURES]:
        part = f"{_header_text(r.label)} {fmt_number(r.value, d.language)}"
        claimant = _header_text(r.claimant_label)
        parts.append(f"{part} ({claimant})" if claimant else part)
    if len(d.revisions) > SUBJECT_FIGURES:
        parts.append(LABELS[d.language]["more"].format(n=len(d.revisions) - SUBJECT_FIGURES))
        body = words["sep"].join(parts[:-1]) + " " + parts[-1]
    elif parts:
        body = words["sep"].join(parts)
    elif d.held:
        body = words["held"].format(n=len(d.held))
    elif d.new_watches:
        body = words["new"]
    elif d.related:
        body = words["related"]
    else:
        body = words["nothing"]
    text = words["prefix"] + body
    if len(text) > SUBJECT_MAX:
        cut = text[: SUBJECT_MAX - 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut[len(words["prefix"]):] else cut
        text = cut.rstrip(" ;,") + "\u2026"
    return text


def new_watches(events: Sequence[Event]) -> tuple[NewWatch, ...]:
    """The period's new_watch events, the last one of each watch."""
    last: dict[str, Event] = {}
    for e in events:
        if e.kind == "new_watch":
            last[e.figure or (e.watches[0] if e.watches else "")] = e
    return tuple(NewWatch(w, e.label or w, "figure" if e.figure else "term", e.found or 0,
                          e.value, e.low, e.qualifier, e.unit, _source(e), e.scope)
                 for w, e in last.items())


def shown_previous(timeline: Sequence[HistoryEntry], value: Number | None,
                   fallback: Number | None) -> Number | None:
    """The value the timeline shows just before the last entry holding `value`; `fallback`
    (the value the revision was judged against) when the timeline has no earlier entry."""
    for i in range(len(timeline) - 1, 0, -1):
        if timeline[i].value == value:
            return timeline[i - 1].value
    return fallback


def _distinct(history: Sequence[HistoryEntry]) -> tuple[HistoryEntry, ...]:
    """A timeline without a value repeated from the entry before it (two claimants or
    outlets giving the same value the same day show once)."""
    out: list[HistoryEntry] = []
    for h in history:
        if not out or out[-1].value != h.value:
            out.append(h)
    return tuple(out)


# How outlets mark a piece of opinion: a title's label before a separator ("Opinion: ...",
# "Éditorial | ...", "TRIBUNE - ...") or a section in the link's path (/opinion/,
# /commentisfree/). Conservative: "Analysis" / "Analyse" are reporting and are kept.
_OPINION_LABEL = re.compile(
    r"^\W*(?:opinions?|op-?eds?|editorials?|[ée]ditorial|[ée]dito|tribunes?|chroniques?|"
    r"commentary|column|guest essay|point de vue|lettre ouverte|open letter)\s*[:|\u2013\u2014-]",
    re.IGNORECASE)
_OPINION_SECTION = {"opinion", "opinions", "op-ed", "oped", "editorial", "editorials",
                    "editoriaux", "tribune", "tribunes", "commentisfree", "debats", "chroniques"}


def is_opinion(title: str, link: str | None) -> bool:
    """Whether the feed marks an item as opinion (title label or link section): such items
    are left out of related coverage, which is for reporting."""
    if _OPINION_LABEL.match(clean(title)):
        return True
    path = urlsplit(link or "").path.lower()
    return any(part in _OPINION_SECTION for part in path.split("/")[:-1])


def fold_related(matches: Sequence[Event], labels: Mapping[str, str] | None = None
                 ) -> list[Related]:
    """Matches grouped by their first watch; near-identical headlines folded into one line
    (conservative: a false merge hides a source)."""
    out: list[Related] = []
    for ev in matches:
        term = ev.watches[0] if ev.watches else ""
        title = clean(ev.title)
        for i, r in enumerate(out):
            if r.watch == term and fuzz.token_set_ratio(r.title, title) >= FOLD_SCORE:
                if ev.source not in r.outlets:
                    out[i] = Related(r.term, r.title, r.link, (*r.outlets, clean(ev.source)),
                                     r.watch)
                break
        else:
            out.append(Related((labels or {}).get(term, term), title, shown_link(ev.link),
                               (clean(ev.source),), term))
    order = {watch: i for i, watch in enumerate(labels or {})}  # terms first, then figures
    # within a watch: items whose title names it first, then stories more outlets carry
    return sorted(out, key=lambda r: (order.get(r.watch, len(order)), r.term,
                                      not names(r.title, r.term), -len(r.outlets)))


def names(title: str, label: str) -> bool:
    """Whether a headline names a watch by its label ("Koursk : ..." names Kursk), folded
    and fuzzy like the matcher, so an item that only mentions it in its body ranks after."""
    want = [w for w in re.findall(r"\w{3,}", fold_text(label))]
    have = re.findall(r"\w{3,}", fold_text(title))
    return bool(want) and all(any(fuzz.ratio(w, h) >= NAMES_SCORE for h in have) for w in want)


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt_number
    return env


def render_text(d: Digest) -> str:
    return _env(False).get_template("digest.txt").render(
        d=d, L=LABELS[d.language], Q=QUALIFIERS[d.language], chart=chart_text
    )


def render_html(d: Digest) -> str:
    """The HTML part: autoescaped (feed text can hold markup), links http(s) only."""
    return _env(True).get_template("digest.html").render(
        d=d, L=LABELS[d.language], Q=QUALIFIERS[d.language], chart=chart_table
    )


CHART_WORDS = {
    "en": {},  # monitor.chart's own words
    "fr": {"unattributed": "non attribué", "seed": "première valeur", "revision": "révision",
           "correction": "correction", "held": "en attente", "competing": "concurrente",
           "report": "relevé", "undated": "non daté"},
}


def _day(text: str | None) -> date | None:
    """A history entry's date ("2024-10-18" or an ISO timestamp) as a date; None if unread."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _value_label(value: Number, low: Number | None, qualifier: str | None,
                 language: str) -> str:
    """A value as the digest writes it: "about 12,000", "10,000–12,000"."""
    text = fmt_number(value, language)
    if low is not None and low != value:
        text = f"{fmt_number(low, language)}\u2013{text}"
    return f"{QUALIFIERS[language][qualifier]} {text}" if qualifier in QUALIFIERS[language] \
        else text


def chart_points(r: Revision, held: Sequence[Held], language: str) -> list[Point]:
    """A revised figure's timeline as chart points: its history in order, the entry of the
    new value marked with the revision's kind (revision, correction, competing), then the
    values of the same figure and claimant held for review, marked held."""
    last = max((i for i, h in enumerate(r.history) if h.value == r.value), default=-1)
    points = [
        Point(_day(h.date), float(h.value), h.low, h.high,
              _value_label(h.value, h.low, h.qualifier, language),
              r.kind if i == last else ("seed" if i == 0 else "report"), "",
              shown_link(h.link), " \u2014 ".join(t for t in (clean(h.source), clean(h.quote)) if t))
        for i, h in enumerate(r.history)]
    points += [
        Point(h.source.published.date() if h.source.published else None, float(h.value),
              h.low, None, _value_label(h.value, h.low, h.qualifier, language), "held", "",
              h.source.link, " \u2014 ".join(t for t in (h.source.outlet, h.source.quote) if t))
        for h in held if h.figure == r.figure and h.claimant_label == r.claimant_label]
    if all(p.when is not None for p in points):  # a held value among the others, by date
        points.sort(key=lambda p: p.when or date.min)
    return points


def chart_table(r: Revision, d: Digest) -> Markup:
    """The HTML e-mail's chart of a revised figure: a table (most clients block images and
    strip inline SVG), with dates, values and kinds as text."""
    return timeline_table(chart_points(r, d.held, d.language), title=LABELS[d.language]["history"],
                          unit=r.unit or "", words=CHART_WORDS[d.language])


def chart_text(r: Revision, d: Digest, indent: str = "    ") -> str:
    """The text part's chart of a revised figure, indented under its block."""
    text = timeline_text(chart_points(r, d.held, d.language), unit=r.unit or "",
                         words=CHART_WORDS[d.language])
    return "\n".join(indent + line for line in text.splitlines())


def payload(d: Digest) -> dict[str, object]:
    """The webhook's JSON body (documented in the README): what a receiver needs to act."""
    return {
        "type": "news-monitor.digest",
        "id": d.key,
        "channel": d.channel,
        "created": d.created.isoformat(),
        "revisions": [
            {
                "figure": r.figure, "label": r.label, "kind": r.kind, "scope": list(r.scope),
                "claimant": claimant_json(r.claimant, r.claimant_label),
                "previous": r.previous, "value": r.value,
                "low": r.low, "high": r.high, "qualifier": r.qualifier, "unit": r.unit,
                "change": r.change,
                "source": source_json(r.first),
                "corroborated_by": [{"outlet": c.outlet, "link": c.link} for c in r.corroborations],
                "history": [{"value": h.value, "date": h.date, "source": h.source}
                            for h in r.history],
                "estimates": [estimate_json(e) for e in r.estimates],
            }
            for r in d.revisions
        ],
        "held_for_review": [
            {"figure": h.figure, "label": h.label, "current": h.current, "value": h.value,
             "low": h.low, "qualifier": h.qualifier, "unit": h.unit, "scope": list(h.scope),
             "claimant": h.claimant_label or None,
             "source": source_json(h.source)}
            for h in d.held
        ],
        "new_watches": [
            {"watch": n.watch, "kind": n.kind, "label": n.label, "found": n.found,
             "value": n.value, "low": n.low, "qualifier": n.qualifier, "unit": n.unit,
             "scope": list(n.scope),
             "source": source_json(n.source)}
            for n in d.new_watches
        ],
        "related": [{"watch": x.watch, "term": x.term, "title": x.title, "link": x.link,
                     "outlets": list(x.outlets)}
                    for x in d.related],
        "more_related": d.more_related,
    }


def source_json(s: Source) -> dict[str, object]:
    """Where a value was read, in JSON (webhook body, web API): outlet, title, link, date
    and the quoted sentence."""
    return {"outlet": s.outlet, "title": s.title, "link": s.link,
            "published": s.published.isoformat() if s.published else None, "quote": s.quote}


