"""Feed dates to UTC: the common layouts read here, every other one by feedparser's reader.

Both parser backends use `parse_date` on the date text, so an entry's dates do not depend on
the backend. RFC 822 with a numeric or UTC zone and ISO 8601 cover most feeds and are read
here about ten times faster; on them the result is feedparser's, except where feedparser is
wrong: it drops the minutes of a zone written `+0530` in ISO 8601.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta, timezone


def utc(struct: time.struct_time | None) -> datetime | None:
    """A feedparser time tuple (always UTC) as an aware datetime; None if it cannot be one."""
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def feedparser_date(value: str) -> datetime | None:
    """feedparser's own date reading (RFC 822, W3C-DTF and a dozen regional layouts).
    Imported here, not at the top: feedparser takes 20 ms to import, and the layouts read
    above cover most feeds (`replay` then never needs it)."""
    from feedparser.datetimes import _parse_date as _feedparser_date

    try:
        return utc(_feedparser_date(value))
    except Exception:  # feedparser's handlers raise on odd input; a bad date is no date
        return None


_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r" (Z|[+-]\d{2}:?\d{2}|[A-Za-z]{2,4})$"
)
# Zone names in hours: GMT, UT, UTC and Z, RFC 822's North American names and the others
# feedparser's reader knows (its table: the same result, tests/test_backends.py), so that
# "Tue, 17 Feb 2026 18:03:07 EST" is read here rather than by importing feedparser; a name
# not here ("BST") is left to feedparser
_ZONES = {"ut": 0, "gmt": 0, "utc": 0, "z": 0, "adt": -3, "ast": -4, "at": -4, "edt": -4,
          "est": -5, "et": -5, "cdt": -5, "cst": -6, "ct": -6, "mdt": -6, "mst": -7, "mt": -7,
          "pdt": -7, "pst": -8, "pt": -8, "met": 1, "mest": 2}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def parse_date(value: str | None) -> datetime | None:
    """A feed date in UTC, or None when it cannot be read."""
    if not value:
        return None
    value = value.strip()
    m = _RFC822.match(value)
    if m:
        day, mon, year, hh, mm, ss, zone = m.groups()
        month = _MONTHS.get(mon.lower())
        hours = _ZONES.get(zone.lower())
        if month and (zone[0] in "+-" or hours is not None):
            offset = 60 * (hours or 0)
            if zone[0] in "+-":
                digits = zone[1:].replace(":", "")
                offset = (int(digits[:2]) * 60 + int(digits[2:])) * (1 if zone[0] == "+" else -1)
            try:
                local = datetime(int(year), month, int(day), int(hh), int(mm), int(ss or 0),
                                 tzinfo=timezone(timedelta(minutes=offset)))
                return local.astimezone(UTC)
            except (ValueError, OverflowError):
                return feedparser_date(value)
    if len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        try:
            when = datetime.fromisoformat(value)
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            # feedparser keeps whole seconds
            return when.astimezone(UTC).replace(microsecond=0)
        except (ValueError, OverflowError):
            return feedparser_date(value)
    return feedparser_date(value)
