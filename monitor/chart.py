"""A figure's timeline drawn three ways: inline SVG (web pages), an HTML table (e-mail, where
images and SVG are blocked) and plain text (the e-mail's text part).

Pure: points in, markup or text out. Everything that came from a feed (labels, notes, series
names, links) is escaped; only http(s) links are kept. Colours are mid-tones and text uses
currentColor so the charts read on light and dark backgrounds alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from markupsafe import Markup, escape

from monitor.text import clean, fmt_number

KINDS = ("seed", "revision", "correction", "held", "competing", "report")
# series colours: mid-tones that keep their contrast on white and on near-black
PALETTE = ("#d9453b", "#3a7fc4", "#2e9e5b", "#c58a00", "#8e5cc4", "#16a0a8", "#c2508f")
WORDS = {"unattributed": "unattributed", "seed": "first value", "revision": "revision",
         "correction": "correction", "held": "held for review", "competing": "competing",
         "report": "report", "undated": "undated"}
MAX_LABELS = 12  # past this many points, value labels only on the first, last and extremes
TABLE_BAR = 70  # percent of the row the longest bar of the table chart takes
TEXT_BAR = 30  # width of the longest '#' bar of the text chart


@dataclass(frozen=True)
class Point:
    """One reported value of a figure, as a chart draws it."""

    when: date | datetime | None  # date of the report (None: undated, drawn in order)
    value: float  # the value drawn (for an interval: its point value)
    low: float | None = None  # interval bounds when the report gives a range/bound
    high: float | None = None
    label: str = ""  # the value as shown ("10,000", "about 12,000", "2.4%")
    kind: str = "report"  # "seed" | "revision" | "correction" | "held" | "competing" | "report"
    series: str = ""  # claimant label ("" = unattributed / headline)
    href: str | None = None  # link of the article (http/https only; others dropped)
    note: str = ""  # tooltip text (outlet and quote); escaped by the renderer


# ---------------------------------------------------------------- ticks

def _nice(x: float, round_: bool) -> float:
    """A 'nice' number near x: 1, 2, 2.5 or 5 times a power of ten."""
    exp = math.floor(math.log10(x))
    f = x / 10 ** exp
    if round_:
        nf = 1.0 if f < 1.5 else 2.0 if f < 2.25 else 2.5 if f < 3.5 else 5.0 if f < 7.5 else 10.0
    else:
        nf = 1.0 if f <= 1 else 2.0 if f <= 2 else 2.5 if f <= 2.5 else 5.0 if f <= 5 else 10.0
    return float(nf * 10.0 ** exp)


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About n evenly spaced round values, the first <= lo and the last >= hi."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("ticks of a non-finite range")
    if lo > hi:
        lo, hi = hi, lo
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    n = max(n, 2)
    step = _nice(_nice(hi - lo, False) / (n - 1), True)
    start, end = math.floor(lo / step), math.ceil(hi / step)
    digits = max(0, -math.floor(math.log10(step)) + 1)
    return [round(i * step, digits) + 0.0 for i in range(start, end + 1)]


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def date_ticks(start: date, end: date, n: int = 5) -> list[date]:
    """At most n round dates within [start, end]: every day, 2 days, Monday, other Monday,
    first of a month, of 2, 3 or 6 months, of a year or of 2, 5, 10 years, whichever is the
    finest that gives no more than n. A one-day range gives that day."""
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(end, datetime):
        end = end.date()
    if start > end:
        start, end = end, start
    if start == end:
        return [start]
    n = max(n, 1)
    for days in (1, 2, 7, 14):
        first = start.toordinal()
        if days == 1:
            pass
        elif days == 2:
            first += first % 2
        else:  # Mondays (ordinal 1 is a Monday), every other one for 14
            first += (1 - first) % 7
            if days == 14 and (first // 7) % 2:
                first += 7
        out = [date.fromordinal(o) for o in range(first, end.toordinal() + 1, days)]
        if 0 < len(out) <= n:
            return out
    for months in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200):
        m = _month_index(start) + (0 if start.day == 1 else 1)
        m += (-m) % months
        out = []
        while m <= _month_index(end):
            out.append(date(m // 12, m % 12 + 1, 1))
            m += months
        if 0 < len(out) <= n:
            return out
    return [start, end]


# ---------------------------------------------------------------- shared helpers

def _safe_href(href: str | None) -> str | None:
    """Only http(s) links survive (no javascript:, data:, file:, no control characters)."""
    if not href:
        return None
    href = href.strip()
    if re.match(r"^https?://[^\s\x00-\x1f\x7f]+$", href, re.IGNORECASE):
        return href
    return None


def _line(text: str) -> str:
    """Feed text as one line: no control or bidi characters, no newline."""
    return " ".join(clean(text).split())


def _day(when: date | datetime | None) -> date | None:
    return when.date() if isinstance(when, datetime) else when


def _date_text(when: date | datetime | None, words: Mapping[str, str]) -> str:
    d = _day(when)
    return d.isoformat() if d else words["undated"]


def _label(p: Point, unit: str = "") -> str:
    hi = p.high if p.high is not None else p.value
    text = _line(p.label) or (f"{fmt_number(p.low)}\u2013{fmt_number(hi)}"
                              if p.low is not None and p.low != hi else fmt_number(p.value))
    unit = _line(unit)
    return f"{text} {unit}" if unit and not text.endswith(unit) else text


def _kind(p: Point) -> str:
    return p.kind if p.kind in KINDS else "report"


def _series(points: Sequence[Point]) -> list[str]:
    return list(dict.fromkeys(p.series for p in points))


def _words(words: Mapping[str, str] | None) -> dict[str, str]:
    return {**WORDS, **(words or {})}


def _finite(points: Sequence[Point]) -> list[Point]:
    """The points with a finite value, a non-finite bound dropped (drawn without it)."""
    def bound(v: float | None) -> float | None:
        return v if v is not None and math.isfinite(v) else None

    return [p if bound(p.low) == p.low and bound(p.high) == p.high
            else replace(p, low=bound(p.low), high=bound(p.high))
            for p in points if math.isfinite(p.value)]


def _scale_top(points: Sequence[Point]) -> float:
    """The value a bar chart's longest bar stands for: the largest of the values that are
    not held for review (a held value, often a slipped digit, would crush the others; its
    bar is cut at the longest and marked so); all values when every one is held."""
    kept = [p for p in points if _kind(p) != "held"] or list(points)
    return max(abs(v) for p in kept for v in (p.value, p.low, p.high) if v is not None) or 1.0


# ---------------------------------------------------------------- SVG

def _xkey(when: date | datetime) -> float:
    """A date or datetime on one axis: days since year 1 (time of day as a fraction)."""
    if isinstance(when, datetime):
        return when.toordinal() + (when.hour * 3600 + when.minute * 60 + when.second) / 86400
    return float(when.toordinal())


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    """A point's marker: filled circle (report, revision, seed), diamond (correction),
    triangle (competing), hollow dashed circle (held for review)."""
    cls = f'class="nm-pt nm-pt-{kind}" data-kind="{kind}"'
    if kind == "correction":
        r = 5.5
        return (f'<path {cls} d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}'
                f'L{x - r:.1f} {y:.1f}Z" fill="{colour}" stroke="currentColor" '
                'stroke-width="1"/>')
    if kind == "competing":
        r = 5.5
        return (f'<path {cls} d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y + r * .8:.1f}'
                f'L{x - r:.1f} {y + r * .8:.1f}Z" fill="{colour}"/>')
    if kind == "held":
        return (f'<circle {cls} cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="none" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="2 1.5"/>')
    return f'<circle {cls} cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def timeline_svg(points: Sequence[Point], *, title: str, width: int = 640,
                 height: int = 260, unit: str = "",
                 words: Mapping[str, str] | None = None) -> Markup:
    """Inline SVG: labelled y axis with 'nice' ticks and the unit, x axis with dates,
    a line per series (legend when >1 series), a marker per point whose shape/colour says
    its kind (held points hollow, corrections distinct), value labels on the points, each
    point wrapped in <a href> when href is http(s), <title> tooltip from note. Uses
    currentColor and nm-* classes so it reads in dark mode; escapes every string.
    `words` translates the legend's words (WORDS' keys)."""
    w = _words(words)
    pts = _finite(points)
    esc_title = escape(_line(title))
    if not pts:
        return Markup("")
    series = _series(pts)
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    kinds_seen = [k for k in ("correction", "competing", "held") if any(_kind(p) == k
                                                                        for p in pts)]
    legend_rows = 1 if len(series) > 1 or kinds_seen else 0
    left, right, top, bottom = 64, 18, 30 + 16 * legend_rows, 34
    pw, ph = max(width - left - right, 10), max(height - top - bottom, 10)

    vals = [v for p in pts for v in (p.value, p.low, p.high) if v is not None
            and math.isfinite(v)]
    yt = ticks(min(vals), max(vals), 5)
    y0, y1 = yt[0], yt[-1]

    def ys(v: float) -> float:
        return top + ph - (v - y0) / (y1 - y0) * ph

    dated = all(p.when is not None for p in pts)
    xs: list[float]
    xlabels: list[tuple[float, str]] = []
    if dated:
        keys = [_xkey(p.when) for p in pts if p.when is not None]
        k0, k1 = min(keys), max(keys)
        inner = 14.0  # keep the first and last markers off the axes

        def xs_of(k: float) -> float:
            if k1 == k0:
                return left + pw / 2
            return left + inner + (k - k0) / (k1 - k0) * (pw - 2 * inner)

        xs = [xs_of(k) for k in keys]
        d0, d1 = date.fromordinal(int(k0)), date.fromordinal(int(k1))
        dt = date_ticks(d0, d1, max(2, pw // 90))
        monthly = len(dt) > 1 and all(d.day == 1 for d in dt) and (dt[1] - dt[0]).days > 20
        for d in dt:
            k = float(d.toordinal())
            if k0 <= k <= k1 or k1 == k0:
                xlabels.append((xs_of(k), d.strftime("%Y-%m") if monthly else d.isoformat()))
    else:  # in order, each point's own date under it (thinned when crowded)
        step = pw / len(pts)
        xs = [left + step * (i + 0.5) for i in range(len(pts))]
        every = max(1, math.ceil(len(pts) / max(1, pw // 80)))
        xlabels = [(xs[i], _date_text(p.when, w)) for i, p in enumerate(pts) if i % every == 0]

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nm-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc_title}" font-family="sans-serif" font-size="11" '
        'fill="currentColor" style="color: inherit; max-width: 100%; height: auto;">',
        f"<title>{esc_title}</title>",
        f'<text class="nm-chart-title" x="{left}" y="16" font-size="13" '
        f'font-weight="bold">{esc_title}</text>',
    ]
    # legend: one swatch per series, then the marker shapes of the special kinds
    if legend_rows:
        lx, ly = float(left), 34.0
        if len(series) > 1:
            for s in series:
                name = escape(_line(s) or w["unattributed"])
                out.append(f'<g class="nm-legend"><rect x="{lx:.1f}" y="{ly - 8:.1f}" '
                           f'width="12" height="4" fill="{colour[s]}"/>'
                           f'<text x="{lx + 16:.1f}" y="{ly - 3:.1f}">{name}</text></g>')
                lx += 26 + 6.2 * len(_line(s) or w["unattributed"])
        for kd in kinds_seen:
            out.append('<g class="nm-legend">' + _marker(kd, lx + 5, ly - 6, "currentColor")
                       .replace('class="nm-pt ', 'class="nm-key ').replace("data-kind", "data-key")
                       + f'<text x="{lx + 14:.1f}" y="{ly - 3:.1f}">{escape(w[kd])}</text></g>')
            lx += 26 + 6.2 * len(w[kd])
    # y axis: gridlines, tick labels, the unit
    for t in yt:
        y = ys(t)
        out.append(f'<line class="nm-grid" x1="{left}" x2="{left + pw}" y1="{y:.1f}" '
                   f'y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>')
        out.append(f'<text class="nm-ytick" x="{left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(fmt_number(t))}</text>')
    if unit:
        out.append(f'<text class="nm-unit" x="{left - 6}" y="{top - 8}" text-anchor="end" '
                   f'font-style="italic">{escape(_line(unit))}</text>')
    out.append(f'<line class="nm-axis" x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" '
               'stroke="currentColor" stroke-opacity="0.6"/>')
    out.append(f'<line class="nm-axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" '
               f'y2="{top + ph}" stroke="currentColor" stroke-opacity="0.6"/>')
    for x, text in xlabels:
        out.append(f'<line class="nm-xtick" x1="{x:.1f}" x2="{x:.1f}" y1="{top + ph}" '
                   f'y2="{top + ph + 4}" stroke="currentColor" stroke-opacity="0.6"/>')
        out.append(f'<text class="nm-xtick" x="{x:.1f}" y="{top + ph + 17}" '
                   f'text-anchor="middle">{escape(text)}</text>')
    # a line per series through its values in time order (held values are not on it)
    for s in series:
        on = sorted(((xs[i], ys(p.value)) for i, p in enumerate(pts)
                     if p.series == s and _kind(p) != "held"), key=lambda xy: xy[0])
        if len(on) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in on)
            out.append(f'<polyline class="nm-line" points="{coords}" fill="none" '
                       f'stroke="{colour[s]}" stroke-width="2"/>')
    # the points: interval bar, marker, value label, link and tooltip
    labelled = set(range(len(pts)))
    if len(pts) > MAX_LABELS:
        by_value = sorted(range(len(pts)), key=lambda i: pts[i].value)
        labelled = {0, len(pts) - 1, by_value[0], by_value[-1]} | {
            i for i, p in enumerate(pts) if _kind(p) == "held"}
    for i, p in enumerate(pts):
        x, y, kind = xs[i], ys(p.value), _kind(p)
        parts: list[str] = []
        tip = " \u00b7 ".join(t for t in (_label(p, unit), _date_text(p.when, w),
                                          _line(p.series), w[kind], _line(p.note)) if t)
        parts.append(f"<title>{escape(tip)}</title>")
        if p.low is not None or p.high is not None:
            lo = p.low if p.low is not None else p.value
            hi = p.high if p.high is not None else p.value
            parts.append(f'<line class="nm-range" x1="{x:.1f}" x2="{x:.1f}" '
                         f'y1="{ys(lo):.1f}" y2="{ys(hi):.1f}" stroke="{colour[p.series]}" '
                         'stroke-opacity="0.5" stroke-width="5" stroke-linecap="round"/>')
        parts.append(_marker(kind, x, y, colour[p.series]))
        if i in labelled:
            parts.append(f'<text class="nm-label" x="{x:.1f}" y="{y - 9:.1f}" '
                         f'text-anchor="middle">{escape(_label(p))}</text>')
        body = "".join(parts)
        href = _safe_href(p.href)
        if href:
            out.append(f'<a class="nm-point" href="{escape(href)}">{body}</a>')
        else:
            out.append(f'<g class="nm-point">{body}</g>')
    out.append("</svg>")
    return Markup("".join(out))


# ---------------------------------------------------------------- HTML table

def timeline_table(points: Sequence[Point], *, title: str, unit: str = "",
                   words: Mapping[str, str] | None = None) -> Markup:
    """An HTML chart made of a table (bars as cell widths, date and value as text) that
    reads where images and SVG are blocked (most e-mail clients). Bars start at zero with
    the value written at their end; an interval shows its span in a lighter shade; a held
    value's bar is an outline, cut with a '»' past the scale. Inline styles only, no background behind text, so it reads
    in light and dark mode."""
    w = _words(words)
    pts = _finite(points)
    if not pts:
        return Markup("")
    series = _series(pts)
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    top = _scale_top(pts)
    cap = escape(_line(title)) + (Markup(" (") + escape(_line(unit)) + Markup(")")
                                  if unit else Markup(""))
    rows: list[str] = []
    for p in pts:
        kind, c = _kind(p), colour[p.series]
        solid = abs(p.low if p.low is not None else p.value) / top * TABLE_BAR
        light = (abs(p.high if p.high is not None else p.value) / top * TABLE_BAR) - solid
        cells: list[str] = []
        if kind == "held":
            width = min(max(solid + max(light, 0), 1), TABLE_BAR)
            cut = solid + max(light, 0) > TABLE_BAR + 0.5
            cells.append(f'<td width="{width:.0f}%" style="width: {width:.0f}%; height: 10px; '
                         f'border: 2px dashed {c}; font-size: 0; line-height: 0;">&nbsp;</td>')
            if cut:  # past the scale: the bar is cut, and says so
                cells.append(f'<td width="1%" class="nm-cut" style="width: 1%; padding: 0 '
                             f'0 0 2px; color: {c}; white-space: nowrap;">&raquo;</td>')
        else:
            cells.append(f'<td width="{max(solid, 1):.0f}%" bgcolor="{c}" style="width: '
                         f'{max(solid, 1):.0f}%; height: 12px; background: {c}; font-size: 0; '
                         'line-height: 0;">&nbsp;</td>')
            if light >= 1:
                cells.append(f'<td width="{light:.0f}%" style="width: {light:.0f}%; height: '
                             f'12px; background: {c}; opacity: .35; font-size: 0; '
                             'line-height: 0;">&nbsp;</td>')
        used = sum(float(m) for m in re.findall(r'width="([\d.]+)%"', "".join(cells)))
        date_text = escape(_date_text(p.when, w))
        href = _safe_href(p.href)
        if href:
            date_text = Markup(f'<a href="{escape(href)}">') + date_text + Markup("</a>")
        tip = escape(_line(p.note))
        marks = {"held": "\u25cb", "correction": "\u25c6", "competing": "\u25b2"}
        kind_text = (f' <span class="nm-kind" style="opacity: .75;">{marks[kind]} '
                     f'{escape(w[kind])}</span>' if kind in marks else "")
        cells.append(f'<td class="nm-value" width="{max(100 - used, 0):.0f}%" '
                     'style="padding: 0 0 0 6px; white-space: nowrap; vertical-align: middle;">'
                     f"<strong>{escape(_label(p))}</strong>{kind_text}</td>")
        who = (f'<td class="nm-series" style="padding: 2px 8px 2px 0; white-space: nowrap; '
               f'opacity: .8;">{escape(_line(p.series) or w["unattributed"])}</td>'
               if len(series) > 1 else "")
        rows.append(
            f'<tr class="nm-row nm-row-{kind}" data-kind="{kind}"'
            + (f' title="{tip}"' if tip else "") + ">"
            f'<td class="nm-date" style="padding: 2px 8px 2px 0; white-space: nowrap; '
            f'vertical-align: middle;">{date_text}</td>{who}'
            '<td style="width: 100%; padding: 2px 0; vertical-align: middle;">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            'style="border-collapse: collapse; width: 100%;"><tr>'
            + "".join(cells) + "</tr></table></td></tr>")
    return Markup(
        '<table class="nm-chart-table" role="table" cellpadding="0" cellspacing="0" '
        'style="border-collapse: collapse; width: 100%; max-width: 40em; margin: .4em 0; '
        'font-size: .9em; color: inherit;">'
        f'<caption style="text-align: left; font-weight: bold; padding-bottom: .2em;">'
        f"{cap}</caption>" + "".join(rows) + "</table>")


# ---------------------------------------------------------------- plain text

def timeline_text(points: Sequence[Point], *, unit: str = "",
                  words: Mapping[str, str] | None = None) -> str:
    """The plain-text version: one line per point, date, value label, kind, bar of '#'
    (its length to scale from zero; an interval's span past its low end drawn with '=';
    a held value's bar with '.', cut with '>' past the scale), then the series when there
    are several."""
    w = _words(words)
    pts = _finite(points)
    if not pts:
        return ""
    several = len(_series(pts)) > 1
    top = _scale_top(pts)
    dates = [_date_text(p.when, w) for p in pts]
    labels = [_label(p, unit) for p in pts]
    kinds = [w[_kind(p)] for p in pts]
    dw, lw, kw = (max(len(x) for x in col) for col in (dates, labels, kinds))
    lines = []
    for p, d, lab, k in zip(pts, dates, labels, kinds, strict=True):
        solid = round(abs(p.low if p.low is not None else p.value) / top * TEXT_BAR)
        span = round(abs(p.high if p.high is not None else p.value) / top * TEXT_BAR) - solid
        char = "." if _kind(p) == "held" else "#"
        bar = char * max(solid, 1) + "=" * max(span, 0)
        if len(bar) > TEXT_BAR:  # a held value past the scale: cut, and marked so
            bar = bar[:TEXT_BAR - 1] + ">"
        bar = bar.ljust(TEXT_BAR)
        who = f"  {_line(p.series) or w['unattributed']}" if several else ""
        lines.append(f"{d.ljust(dw)}  {lab.rjust(lw)}  {k.ljust(kw)}  {bar}{who}".rstrip())
    return "\n".join(lines)
