"""Scope binding: which place or body a number counts in.

A figure can name where it counts (`scope`: Belgium; France and Belgium together). Every
number is bound to the scope phrases that govern it, nearest first:

1. after it, in its own phrase: "2 500 morts en Belgique", "4,000 people died in A and B";
2. before it, in its sentence: "In Belgium, the toll rose to 27", "le bilan belge s'élève à
   27" (an unknown place just before a verb of saying is where someone spoke: "the ministry
   in Paris said 312 had died" is passed over; "Belgium said" speaks of Belgium);
3. the item's title, when the sentence binds none;
4. the nearest earlier sentence that names exactly one place.

Places are the watchlist's `[[places]]` (fuzzy names and adjectives) and, in sentences, any
capitalised name after a preposition or an administrative noun ("in Liège", "dans la
province de Namur", "the Nord department"): an unknown place is still somewhere else.
"In both countries", "au total" make a number the joint total. Pure functions only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.engine.watchlist import PhraseHit, Watchlist
from monitor.engine.words import BOTH, JOINT, MANY, SPEECH, WHOLE_WORDS
from monitor.lazyre import lazy_compile

_ADMIN = (r"(?:province|region|région|department|département|district|county|state|city|town|"
          r"commune|municipality|municipalité|canton|oblast|prefecture|préfecture|ville|"
          r"village|area|comarca|concello|concelho|land|zone de santé|health zone|"
          r"territoire|territory|parish|paroisse|island|île|arrondissement|borough|quartier|"
          r"neighbourhood|neighborhood|suburb|valley|vallée|basin|bassin)")
_NAME = r"(?P<NAME>[A-ZÀ-ÖØ-Þ][\w'’-]*(?:[ -](?:de |del |da |do |sur |on |upon )?[A-ZÀ-ÖØ-Þ][\w'’-]*){0,2})"
_PREP = r"(?i:in|at|near|across|outside|around|en|au|aux|dans|à|près de|autour de)"
_ART = r"(?:(?i:the|le|la|les|l['’])\s*)?"
_UNKNOWN = lazy_compile(
    rf"\b(?:{_PREP}\s+{_ART}(?:(?i:{_ADMIN})\s+(?i:of|de|du|des|d['’])\s*)?"
    rf"|{_ART}(?i:{_ADMIN})\s+(?i:of|de|du|des|d['’])\s*){_NAME.replace('NAME', 'n1')}"
    rf"|\b{_NAME.replace('NAME', 'n2')}\s+(?i:{_ADMIN})\b"
)
_NOT_PLACES = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "the", "le", "la", "les", "total", "all", "this", "that", "these"]
)
_COORD = lazy_compile(r"^\s*(?:,|and|et|&|as well as|ainsi qu['’]en|ainsi que)\s*"
                    r"(?:(?:in|en|au|aux|dans|à)\s+)?(?:(?:the|le|la|les|l['’])\s*)?$",
                    re.IGNORECASE)
_AFTER_STOP = lazy_compile(
    r"[,;:.()«»\"“”!?]|\s(?:" + "|".join(WHOLE_WORDS) + r"|while|whereas|tandis|alors que|but|"
    r"mais)\b", re.IGNORECASE)
AFTER_WORDS = 12


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text: a watchlist place id, or `?Name` for an unknown one."""

    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Scope:
    """What a number was bound to: places (ids, `?Name` for unknown ones), whether the text
    calls it a joint total, and where the binding came from (for `explain`)."""

    places: frozenset[str]
    joint: bool
    where: str  # "after the number", "before the number", "in the sentence" (a joint word
    # alone), "title", "context" or "none"

    def shown(self, wl: Watchlist) -> str:
        names = sorted(p[1:] if p.startswith("?") else wl.place_label(p)
                       for p in self.places if p != INCLUDING)
        if INCLUDING in self.places:
            names = [f"a total including {' + '.join(names)}"]
        text = " + ".join(names) or ("joint total" if self.joint else "nothing")
        if self.joint and names:
            text += " (joint)"
        return f"{text} ({self.where})"


UNBOUND = Scope(frozenset(), False, "none")
INCLUDING = "+"  # in a scope's places: the total includes them and more


def mentions(wl: Watchlist, text: str, hits: Sequence[PhraseHit], unknown: bool = True
             ) -> list[Mention]:
    """Every place named in `text`: the watchlist's, then (for sentences, not titles, which
    are often in title case) unknown capitalised names after a preposition."""
    out: list[Mention] = []
    # overlapping names of places ("DR Congo" and "Congo"): the longest stands for both
    for pid, h in sorted(wl.places_in(hits), key=lambda x: (x[1].start, -x[1].end)):
        if out and h.start < out[-1].end:
            continue
        out.append(Mention(pid, h.start, h.end))
    if unknown and wl.places:
        for m in _UNKNOWN.finditer(text):
            group = "n1" if m.group("n1") else "n2"
            start, end = m.span(group)
            name = text[start:end]
            if (name.lower() in _NOT_PLACES or name.isupper()
                    or any(k.start < end and start < k.end for k in out)):
                continue
            out.append(Mention("?" + name, start, end))
    return sorted(out, key=lambda m: m.start)


def _group(ms: list[Mention], text: str, pick: int) -> list[Mention]:
    """The mention at `pick` with those coordinated to it ("France et Belgique")."""
    group = [ms[pick]]
    i = pick
    while i > 0 and _COORD.match(text[ms[i - 1].end : ms[i].start]):
        i -= 1
        group.insert(0, ms[i])
    j = pick
    while j + 1 < len(ms) and _COORD.match(text[ms[j].end : ms[j + 1].start]):
        j += 1
        group.append(ms[j])
    return group


_INCLUDED_BEFORE = lazy_compile(r"(?:including|y compris|inclus|includes?|incluant|avec)\s+"
                              r"(?:(?:the|le|la|les|l['’])\s*)?$", re.IGNORECASE)
_INCLUDED_AFTER = lazy_compile(r"^\s*(?:compris|comprise|compris|comprises|included|inclus|incluse)\b",
                             re.IGNORECASE)


def _including(text: str, grp: Sequence[Mention], scope: Scope) -> Scope:
    """"Le bilan total, Espagne comprise", "the toll, including Spain": the place is a part
    of a larger total, so the number counts more than that place (marked `+`)."""
    first, last = grp[0], grp[-1]
    if _INCLUDED_BEFORE.search(text[max(0, first.start - 30) : first.start]) or \
            _INCLUDED_AFTER.match(text[last.end : last.end + 20]):
        return Scope(scope.places | {INCLUDING}, True, scope.where)
    return scope


_WORD = lazy_compile(r"[^\s,;:.()«»\"“”!?]+")


def window_end(text: str, start: int, limit: int, stop: re.Pattern[str], words: int) -> int:
    """The end of the phrase after `start`: at most `words` words, up to the first `stop`
    match or `limit` (the next number). Attribution and scope read such windows alike."""
    found = stop.search(text, start, limit)
    pos = start
    for n, m in enumerate(_WORD.finditer(text, start, found.start() if found else limit)):
        if n >= words:
            break
        pos = m.end()
    return pos


def after_end(text: str, start: int, limit: int) -> int:
    """Where the number's own phrase ends for scope: punctuation, a `dont`, the next number."""
    return window_end(text, start, limit, _AFTER_STOP, AFTER_WORDS)


def bind(text: str, ms: Sequence[Mention], q_start: int, q_end: int, before_lo: int,
         after_hi: int, claimed: Sequence[tuple[int, int]] = ()) -> Scope:
    """The scope phrases of one sentence that govern the number at [q_start, q_end): those
    after it up to `after_hi`, else the nearest before it from `before_lo`. Mentions inside
    `claimed` spans (another number's own phrase) are not this number's."""
    after = [m for m in ms if q_end <= m.start and m.end <= after_hi]
    # a joint phrase may hold a number word of its own ("dans les deux pays"): look past it
    own_hi = after_end(text, q_end, len(text))
    joint_after = bool(JOINT.search(text, q_end, own_hi))
    if after:
        grp = _group(list(ms), text, ms.index(after[0]))
        return _including(text, grp, Scope(frozenset(m.key for m in grp if m.start >= q_end),
                                           joint_after, "after the number"))
    many = MANY.search(text, q_end, own_hi)
    if many:  # "273 morts dans trois pays": more places than the figures count in
        return Scope(frozenset({"?" + many.group(0).strip()}), True, "after the number")
    if joint_after and BOTH.search(text, q_end, own_hi):
        # "358 in Morocco, 362 in both countries": its own joint phrase, whatever came before
        return Scope(frozenset(), True, "after the number")
    before = [m for m in ms if before_lo <= m.start and m.end <= q_start
              and not any(s <= m.start and m.end <= e for s, e in claimed)
              and not (m.key.startswith("?") and SPEECH.match(text[m.end : m.end + 30]))]
    joint = joint_after or bool(JOINT.search(text, before_lo, q_start))
    if before:
        grp = _group(list(ms), text, ms.index(before[-1]))
        return _including(text, grp, Scope(frozenset(m.key for m in grp if before_lo <= m.start),
                                           joint, "before the number"))
    return Scope(frozenset(), joint, "in the sentence" if joint else "none")


def of_text(text: str, ms: Sequence[Mention], where: str,
            only: frozenset[str] | None = None) -> Scope:
    """The scope a title or an earlier sentence gives: one place, or places coordinated
    ("Inondations en France et en Belgique"), among `only` (places figures count in);
    anything else binds nothing."""
    known = [m for m in ms if not m.key.startswith("?") and (only is None or m.key in only)]
    keys = {m.key for m in known}
    if len(keys) == 1:
        return Scope(frozenset(keys), bool(JOINT.search(text)), where)
    if len(keys) > 1:
        grp = _group(known, text, 0)
        if {m.key for m in grp} == keys:
            return Scope(frozenset(keys), True, where)
    return UNBOUND


def fits(scope: Scope, wanted: frozenset[str], wl: Watchlist) -> str | None:
    """None when a number bound to `scope` can be a value of a figure counting in `wanted`,
    else why not."""
    if not wanted:
        return None
    if INCLUDING in scope.places:  # a total that includes these places and more
        named = scope.places - {INCLUDING}
        if named < wanted or (not named and len(wanted) > 1):
            return None
        return "a larger total that includes " + ", ".join(sorted(named))
    if not scope.places:
        if scope.joint and len(wanted) > 1:
            return None
        return "no place bound to the number"
    if scope.places == wanted:
        return None
    if scope.joint and len(wanted) > 1 and scope.places <= wanted and not scope.places - wanted:
        return None
    if scope.joint and len(scope.places) == 1 and scope.places == wanted:
        return None
    shown = " + ".join(sorted(p[1:] if p.startswith("?") else wl.place_label(p)
                              for p in scope.places))
    return f"bound to {shown}, not the figure's scope"
