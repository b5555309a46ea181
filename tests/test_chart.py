"""The chart module: nice ticks that cover the data, round date ticks, hostile labels, notes
and links escaped or dropped, one marker per point, held values drawn apart, a legend for
several series; the table and text forms of the same timeline."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest

from monitor.chart import Point, date_ticks, ticks, timeline_svg, timeline_table, timeline_text

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0, 97, [0, 25, 50, 75, 100]),
    (9_800, 12_300, [9_500, 10_000, 10_500, 11_000, 11_500, 12_000, 12_500]),
    (0.013, 0.027, [0.01, 0.015, 0.02, 0.025, 0.03]),
    (-3, 7, [-5, -2.5, 0, 2.5, 5, 7.5]),
    (750_000, 760_000, [750_000, 752_500, 755_000, 757_500, 760_000]),
])
def test_ticks_are_round_evenly_spaced_and_cover_the_data(lo: float, hi: float,
                                                          expected: list[float]) -> None:
    got = ticks(lo, hi)
    assert got == expected
    assert got[0] <= lo and got[-1] >= hi


@pytest.mark.parametrize(("lo", "hi"), [(1, 1), (0, 0), (3.3, 3.31), (12_345, 987_654),
                                        (-50, -2), (7e-5, 3e-4)])
def test_ticks_cover_any_range_with_a_handful_of_round_steps(lo: float, hi: float) -> None:
    got = ticks(lo, hi)
    assert got[0] <= lo and got[-1] >= hi
    assert 2 <= len(got) <= 9
    steps = {round(b - a, 12) for a, b in zip(got, got[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)


def test_ticks_refuse_a_non_finite_range() -> None:
    with pytest.raises(ValueError):
        ticks(0, float("inf"))


def test_date_ticks_by_day_week_month_and_year() -> None:
    assert date_ticks(date(2025, 8, 17), date(2025, 8, 19)) == [
        date(2025, 8, 17), date(2025, 8, 18), date(2025, 8, 19)]
    # a month: Mondays (4 and 11 August 2025 are Mondays)
    assert date_ticks(date(2025, 8, 1), date(2025, 8, 31)) == [
        date(2025, 8, 4), date(2025, 8, 11), date(2025, 8, 18), date(2025, 8, 25)]
    assert date_ticks(date(2025, 1, 3), date(2025, 6, 20)) == [
        date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    assert date_ticks(date(2022, 2, 24), date(2025, 6, 20)) == [
        date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    assert date_ticks(date(2025, 3, 1), date(2025, 3, 1)) == [date(2025, 3, 1)]


@pytest.mark.parametrize(("start", "end", "n"), [
    (date(2025, 1, 1), date(2025, 1, 10), 3), (date(2024, 12, 30), date(2025, 2, 2), 5),
    (date(2000, 1, 1), date(2025, 12, 31), 5), (date(2025, 5, 5), date(2025, 5, 6), 5),
])
def test_date_ticks_stay_inside_the_range_and_under_n(start: date, end: date, n: int) -> None:
    got = date_ticks(start, end, n)
    assert 1 <= len(got) <= n
    assert all(start <= d <= end for d in got)
    assert got == sorted(got)


def test_date_ticks_take_datetimes() -> None:
    got = date_ticks(datetime(2025, 8, 17, 9, tzinfo=UTC), datetime(2025, 8, 18, 22, tzinfo=UTC))
    assert got == [date(2025, 8, 17), date(2025, 8, 18)]


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def story() -> list[Point]:
    return [
        Point(date(2025, 8, 17), 10_000, label="10,000", kind="seed", series="UK MoD",
              href="https://news.example/1", note="Outlet A: \u201cabout 10,000\u201d"),
        Point(date(2025, 8, 18), 12_000, low=11_000, high=13_000, label="about 12,000",
              kind="revision", series="UK MoD", href="javascript:alert(3)", note=HOSTILE),
        Point(date(2025, 8, 19), 120_000, label=HOSTILE, kind="held", series="UK MoD",
              href="data:text/html,<b>x</b>"),
        Point(date(2025, 8, 19), 11_500, label="11,500", kind="correction", series=HOSTILE,
              href="https://news.example/4?a=1&b=2"),
    ]


def parse(svg: str) -> ElementTree.Element:
    """The SVG as XML: malformed markup (an unescaped label) fails here."""
    return ElementTree.fromstring(svg)


def test_svg_escapes_hostile_labels_notes_series_and_title() -> None:
    svg = str(timeline_svg(story(), title=HOSTILE, unit="<b>troops</b>"))
    root = parse(svg)
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    # the texts still say what they said, as text
    texts = "".join(root.itertext())
    assert "<script>alert(1)</script>" in texts and "<b>troops</b>" in texts
    assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrib)]


def test_svg_keeps_only_http_links() -> None:
    root = parse(str(timeline_svg(story(), title="t")))
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert hrefs == ["https://news.example/1", "https://news.example/4?a=1&b=2"]
    svg = str(timeline_svg(story(), title="t"))
    assert "javascript:" not in svg and "data:text" not in svg


def test_svg_one_marker_per_point_and_held_hollow_correction_distinct() -> None:
    root = parse(str(timeline_svg(story(), title="t")))
    markers = [e for e in root.iter() if "nm-pt" in (e.get("class") or "").split()]
    assert [m.get("data-kind") for m in markers] == ["seed", "revision", "held", "correction"]
    held = markers[2]
    assert held.get("fill") == "none" and held.get("stroke-dasharray")
    filled = markers[0]
    assert filled.get("fill") not in (None, "none")
    assert markers[3].tag != filled.tag  # the correction has its own shape
    # each point has its tooltip
    assert sum(1 for g in root.iter() if (g.get("class") or "") == "nm-point") == 4


def test_svg_axes_ticks_dates_labels_and_legend() -> None:
    root = parse(str(timeline_svg(story(), title="North Korean troops", unit="troops")))
    ytick = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "nm-ytick"]
    # 10,000 .. 120,000 (and 13,000 high): nice ticks 0 .. 150,000 by 50,000
    assert ytick == ["0", "50,000", "100,000", "150,000"]
    xtick = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "nm-xtick"]
    assert xtick == ["2025-08-17", "2025-08-18", "2025-08-19"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "nm-label"]
    assert labels == ["10,000", "about 12,000", HOSTILE, "11,500"]
    legend = "".join(t.text or "" for g in root.iter() if g.get("class") == "nm-legend"
                     for t in g.iter(f"{SVG}text"))
    assert "UK MoD" in legend and HOSTILE in legend and "held for review" in legend
    assert any(t.text == "troops" for t in root.iter(f"{SVG}text"))
    # the held value is off the line: the UK MoD line joins 10,000 and 12,000 only
    lines = [p.get("points") for p in root.iter(f"{SVG}polyline")]
    assert len(lines) == 1 and len((lines[0] or "").split()) == 2


def test_svg_y_positions_follow_the_values() -> None:
    pts = [Point(date(2025, 1, d), v) for d, v in ((1, 100), (2, 300), (3, 200))]
    root = parse(str(timeline_svg(pts, title="t")))
    cy = [float(c.get("cy") or 0) for c in root.iter(f"{SVG}circle")]
    cx = [float(c.get("cx") or 0) for c in root.iter(f"{SVG}circle")]
    assert cy[1] < cy[2] < cy[0]  # higher value, higher on the page (smaller y)
    assert cx[0] < cx[1] < cx[2]
    assert abs((cx[1] - cx[0]) - (cx[2] - cx[1])) < 0.2  # one day apart each
    # one series: no legend
    assert not [g for g in root.iter() if g.get("class") == "nm-legend"]


def test_svg_undated_points_drawn_in_order() -> None:
    pts = [Point(None, 5), Point(date(2025, 1, 2), 6), Point(None, 7)]
    root = parse(str(timeline_svg(pts, title="t")))
    cx = [float(c.get("cx") or 0) for c in root.iter(f"{SVG}circle")]
    assert cx == sorted(cx) and len(set(cx)) == 3
    xtick = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "nm-xtick"]
    assert xtick == ["undated", "2025-01-02", "undated"]


def test_svg_of_nothing_is_empty_and_one_point_draws() -> None:
    assert str(timeline_svg([], title="t")) == ""
    root = parse(str(timeline_svg([Point(date(2025, 1, 1), 42, label="42")], title="t")))
    assert len(list(root.iter(f"{SVG}circle"))) == 1


def test_table_escapes_links_and_bars() -> None:
    html = str(timeline_table(story(), title=HOSTILE, unit="troops"))
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "data:text" not in html
    assert re.findall(r'href="([^"]*)"', html) == ["https://news.example/1",
                                                    "https://news.example/4?a=1&amp;b=2"]
    rows = re.findall(r'<tr class="nm-row nm-row-(\w+)"', html)
    assert rows == ["seed", "revision", "held", "correction"]
    # bars to scale from zero: the largest value not held (13,000, the high end of
    # 11,000-13,000) takes 70%; 10,000 is 10/13 of it (54%); 11,000 solid (59%) then the
    # interval's span lighter (11%); 11,500: 62%
    rest = [int(w) for w in re.findall(r'class="nm-value" width="(\d+)%"', html)]
    assert rest[0] == 46  # the seed's row: its bar, then its value in the rest
    solid = [int(w) for w in re.findall(r'bgcolor="#\w+" style="width: (\d+)%', html)]
    assert solid == [54, 59, 62]
    assert 'width="11%" style="width: 11%; height: 12px; background: #d9453b; opacity: .35' \
        in html
    # the held value (120,000) is an outline cut at the scale's end, marked so
    held = html.split('nm-row-held')[1].split("</tr></table>")[0]
    assert 'border: 2px dashed' in held and 'width="70%"' in held and "&raquo;" in held
    assert html.count("&raquo;") == 1
    assert "2025-08-19" in html and "11,500" in html and "about 12,000" in html


def test_text_one_line_per_point_with_date_value_kind_and_bar() -> None:
    pts = [Point(date(2025, 8, 17), 10, label="10", kind="seed"),
           Point(date(2025, 8, 18), 20, label="20\n* forged line", kind="revision"),
           Point(None, 30, kind="held")]
    text = timeline_text(pts, unit="ha")
    lines = text.splitlines()
    assert len(lines) == 3
    # the scale is the largest value not held (20): 10 is half of the 30 characters
    assert lines[0].split() == ["2025-08-17", "10", "ha", "first", "value", "#" * 15]
    assert lines[1].startswith("2025-08-18") and "20 * forged line ha" in lines[1]
    assert lines[1].endswith(" " + "#" * 30)
    # held 30 is past the scale: cut at 30 characters, marked '>'
    assert lines[2].startswith("undated") and lines[2].endswith(" " + "." * 29 + ">")
    assert "held for review" in lines[2]


def test_text_interval_and_series() -> None:
    pts = [Point(date(2025, 1, 1), 15, low=10, high=20, series="A"),
           Point(date(2025, 1, 2), 20, series="B")]
    lines = timeline_text(pts).splitlines()
    assert "10\u201320" in lines[0] and "#" * 15 + "=" * 15 in lines[0] and lines[0].endswith("A")
    assert lines[1].endswith("B")


def test_non_finite_values_and_bounds_are_left_out() -> None:
    pts = [Point(date(2025, 1, 1), float("nan")), Point(date(2025, 1, 2), 10, low=float("nan"),
                                                          high=float("inf"), label="10"),
           Point(date(2025, 1, 3), 20, label="20")]
    root = parse(str(timeline_svg(pts, title="t")))
    assert len([e for e in root.iter() if "nm-pt" in (e.get("class") or "").split()]) == 2
    assert "nan" not in str(timeline_svg(pts, title="t")).lower()
    html = str(timeline_table(pts, title="t"))
    assert "nan" not in html.lower() and "inf" not in html.lower()
    assert timeline_text(pts).splitlines()[0].endswith("#" * 15)
