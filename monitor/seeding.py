"""`news-monitor seed`: figure histories from the seed documents, with citations.

Each seed is read with the same code the engine uses (`pipeline.analyse`), so a history says
exactly what the engine would have attributed. A value's entry cites its earliest dated
report; an observation's date is the document's date (its `En date du :` line, else the
latest full date in it), moved back to the weekday the sentence names ("a annoncé vendredi").
Quantities with a unit that fit no figure, and proper names that recur, are listed so that a
person can extend the watchlist.

Writing (`seed --write`) touches only what the given files derive: in each figure's history
the entries cited from those files are replaced by what they give now, every other entry is
kept, and a figure whose history does not change is left byte for byte (tomlkit keeps the
file's comments and layout). Without --write, `seed` shows the same change as a unified diff.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import tomlkit

from monitor.config import HistoryConfig, WatchlistConfig, load_watchlist
from monitor.engine import claimant as claiming
from monitor.engine.judging import same_value
from monitor.engine.pipeline import analyse
from monitor.engine.watchlist import compile_watchlist, phrase_of
from monitor.feeds import content_hash
from monitor.models import HistoryEntry, Item, as_number
from monitor.text import fmt_number

_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "january": 1, "february": 2, "march": 3, "april": 4,
    "may": 5, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10,
    "november": 11, "december": 12,
}
_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_DATED = re.compile(r"En date du\s*:\s*(.+)", re.IGNORECASE)
_WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÉÈÀÂÎÔÛ][\w’'-]{2,}(?:\s+[A-ZÉ][\w’'-]{2,})*)")


@dataclass(frozen=True, slots=True)
class SeedObservation:
    figure: str
    entry: HistoryEntry
    order: int


@dataclass(frozen=True)
class SeedResult:
    histories: dict[str, tuple[HistoryEntry, ...]]
    observations: tuple[SeedObservation, ...]
    unattributed: tuple[tuple[str, str, str], ...]  # (file, quantity text, sentence)
    names: tuple[tuple[str, int], ...]
    sources: tuple[str, ...] = ()  # the seed files read, as their entries cite them


def _parse_date(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def document_date(text: str) -> date | None:
    """The `En date du :` line's date, else the latest full date the text gives."""
    m = _DATED.search(text)
    if m:
        d = _parse_date(m.group(1))
        if d:
            return d
    dates = [d for d in (_parse_date(x.group(0)) for x in _DATE.finditer(text)) if d]
    return max(dates) if dates else None


def sentence_date(sentence: str, doc: date | None) -> date | None:
    """The document date, moved back to the weekday the sentence names, if any."""
    if doc is None:
        return None
    m = _WEEKDAY.search(sentence)
    if not m:
        return doc
    return doc - timedelta(days=(doc.weekday() - _WEEKDAYS[m.group(1).lower()]) % 7)


def _history(obs: list[SeedObservation], tolerance: float) -> tuple[HistoryEntry, ...]:
    """One entry per distinct value, citing its earliest dated report; dated entries in date
    order after undated ones, so the last entry is the current value."""
    chosen: list[SeedObservation] = []
    for o in sorted(obs, key=lambda o: (o.entry.date is None, o.entry.date or "", o.order)):
        if not any(same_value(o.entry.value, c.entry.value, tolerance) for c in chosen):
            chosen.append(o)
    chosen.sort(key=lambda o: (o.entry.date is not None, o.entry.date or "", o.order))
    return tuple(c.entry for c in chosen)


def derive(wl: WatchlistConfig, files: Sequence[Path]) -> SeedResult:
    """Attribute every quantity of the seed files; group them into histories."""
    compiled = compile_watchlist(wl)
    known_words = {tok for t in compiled.terms for p in t.phrases for tok in p}
    for f in compiled.figures:
        known_words |= {tok for p in f.subject for tok in p}
    observations: list[SeedObservation] = []
    unattributed: list[tuple[str, str, str]] = []
    names: Counter[str] = Counter()
    order = 0
    for path in sorted(files):
        text = path.read_text(encoding="utf-8")
        source = f"seeds/{path.name}"
        doc = document_date(text)
        item = Item(uid=source, title="", text=text, link=None, published=None, updated=None,
                    source=source, content_hash=content_hash("", text, None))
        analysis = analyse(compiled, item, exhaustive=True)  # its unattributed numbers too
        for reading in analysis.readings:
            claims: list[claiming.Claim | None] = []
            if any(a.figure for a in reading.attributions):
                claims = claiming.read(compiled, reading.text,
                                       [a.quantity for a in reading.attributions], reading.hits)
            for k, a in enumerate(reading.attributions):
                q = a.quantity
                if a.figure is None:
                    if q.unit:
                        unattributed.append((source, reading.text[q.start : q.end] + " " + q.unit,
                                             reading.text))
                    continue
                when = sentence_date(reading.text, doc)
                claim = claims[k] if claims else None
                entry = HistoryEntry(value=q.value, low=q.low, high=q.high, qualifier=q.qualifier,
                                     source=source, quote=reading.text,
                                     date=when.isoformat() if when else None,
                                     claimant=claim.key if claim else "")
                observations.append(SeedObservation(a.figure, entry, order))
                order += 1
        lower_words = set(re.findall(r"\b[a-zà-ÿ][\w’'-]*", text))
        for m in _PROPER.finditer(text):
            name = m.group(1).strip()
            first = name.split()[0].lower()
            if first in lower_words or any(tok in known_words for tok in phrase_of(name)):
                continue  # a common word capitalised at a sentence start, or watched already
            names[name] += 1
    histories = {
        f.id: _history([o for o in observations if o.figure == f.id], f.tolerance)
        for f in wl.figures
    }
    recurring = tuple((n, c) for n, c in names.most_common() if c >= 3)
    sources = tuple(f"seeds/{p.name}" for p in sorted(files))
    return SeedResult(histories, tuple(observations), tuple(unattributed), recurring, sources)


def render_report(result: SeedResult) -> str:
    out = []
    for fid, hist in result.histories.items():
        out.append(f"{fid}:")
        for h in hist:
            q = f" ({h.qualifier})" if h.qualifier else ""
            who = f"  by {h.claimant.lstrip('?')}" if h.claimant else ""
            out.append(f"  {fmt_number(h.value)}{q}  {h.date or 'undated'}  {h.source}{who}")
            out.append(f"      \"{h.quote}\"")
        if not hist:
            out.append("  (nothing found)")
    out.append("not attributed (quantities with a unit):")
    for source, what, _sentence in result.unattributed:
        out.append(f"  {source}: {what}")
    out.append("recurring proper names not in the watchlist (candidate terms):")
    out.append("  " + ", ".join(f"{n} ({c})" for n, c in result.names))
    return "\n".join(out)


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def history_toml(hist: Sequence[HistoryEntry]) -> str:
    """A history as the multi-line TOML array the shipped watchlist uses."""
    lines = ["history = ["]
    for h in hist:
        parts = [f"value = {as_number(h.value)}"]
        if h.low is not None:
            parts.append(f"low = {as_number(h.low)}")
        if h.high is not None:
            parts.append(f"high = {as_number(h.high)}")
        if h.qualifier:
            parts.append(f'qualifier = "{h.qualifier}"')
        parts.append(f"source = {_toml_str(h.source)}")
        if h.date:
            parts.append(f'date = "{h.date}"')
        if h.claimant:
            parts.append(f"claimant = {_toml_str(h.claimant)}")
        parts.append(f"quote = {_toml_str(h.quote)}")
        lines.append("  { " + ", ".join(parts) + " },")
    lines.append("]")
    return "\n".join(lines)


def _entry(h: HistoryConfig) -> HistoryEntry:
    return HistoryEntry(value=as_number(h.value) or 0, low=as_number(h.low),
                        high=as_number(h.high), qualifier=h.qualifier, source=h.source,
                        quote=h.quote, date=h.date, claimant=h.claimant)


def merged_history(old: Sequence[HistoryEntry], result: SeedResult, figure: str,
                   tolerance: float) -> tuple[HistoryEntry, ...]:
    """The figure's history once the seeds are applied: entries cited from the files read are
    re-derived from them, all others kept; one entry per distinct value, as `derive` does."""
    read = set(result.sources)
    kept = [SeedObservation(figure, h, i - len(old)) for i, h in enumerate(old)
            if h.source not in read]
    new = [o for o in result.observations if o.figure == figure]
    return _history(kept + new, tolerance)


def _key(h: HistoryEntry) -> tuple[Any, ...]:
    return (float(h.value), h.low, h.high, h.qualifier, h.source, h.date, h.quote, h.claimant)


def seeded_text(text: str, wl: WatchlistConfig, result: SeedResult) -> str:
    """The watchlist's text with the seeds applied: only figures whose history changes are
    rewritten (a missing `history` key is added, `history = []` filled), the rest byte for byte."""
    doc = tomlkit.parse(text)
    tables = {str(t["id"]): t for t in doc.get("figures", [])}
    for fig in wl.figures:
        old = [_entry(h) for h in fig.history]
        new = merged_history(old, result, fig.id, fig.tolerance)
        if [_key(h) for h in new] != [_key(h) for h in old]:
            _put_history(tables[fig.id], tomlkit.parse(history_toml(new))["history"])
    out = tomlkit.dumps(doc)
    return out + "\n" if text.endswith("\n") and not out.endswith("\n") else out


def _put_history(table: Any, history: Any) -> None:
    """Set a figure's `history`; a new key goes last in its table, before the blank lines that
    separate it from the next table (tomlkit would otherwise swallow them)."""
    if "history" in table:
        table["history"] = history
        return
    body = table.value.body
    blank = 0
    while blank < len(body) and body[len(body) - 1 - blank][0] is None:
        blank += 1
    table.append("history", history)
    for _ in range(blank):
        table.add(tomlkit.nl())


def seed_diff(path: Path, result: SeedResult) -> tuple[str, str]:
    """(the watchlist's new text, a unified diff from the current one; empty if no change)."""
    text = path.read_text(encoding="utf-8")
    new = seeded_text(text, load_watchlist(path), result)
    diff = difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                str(path), f"{path} (seeded)")
    return new, "".join(diff)


def write_histories(path: Path, result: SeedResult) -> bool:
    """Apply the seeds to the watchlist file (see `seeded_text`); whether it changed."""
    new, diff = seed_diff(path, result)
    if diff:
        path.write_text(new, encoding="utf-8")
    return bool(diff)
