"""Frozen data passed between the pipeline stages (fetch -> parse -> quantities -> judge -> ...).

Nothing here does I/O; every stage takes and returns these values, so the daemon, `replay`
and `explain` share them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


def as_number(x: float | None) -> Number | None:
    """A stored float back as the number it was: 1500.0 -> 1500, 1.25 stays, None stays."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


Qualifier = Literal["about", "nearly", "at_least", "more_than", "up_to", "less_than"]
Number = int | float


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number read from text: value (upper bound for a range), its qualifier and unit
    (the noun after it; an ISO code for money, "%" for a percentage, "points" for
    percentage points). `previous` is the value a change phrase says it moved from ("rose
    from 12 to 14", "passé de 12 à 14", "rose by 2 to 14"): the quantity is the new value.
    `partitive` marks the one of "one of the best", "l'un des": one thing picked out of a
    set, never a figure's value (read only when asked, see `monitor.numbers.quantities`)."""

    value: Number
    low: Number | None
    high: Number | None
    qualifier: Qualifier | None
    unit: str | None
    start: int
    end: int
    previous: Number | None = None
    partitive: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry reduced to what the engine needs.

    `uid` is the dedupe key: the entry's guid, else its link, else a hash of title and date.
    `content_hash` covers title, text and link only, so a changed `updated` stamp alone is
    not a change.
    """

    uid: str
    title: str
    text: str
    link: str | None
    published: datetime | None
    updated: datetime | None
    source: str
    content_hash: str
    feed: str = ""
    language: str | None = None

    @property
    def when(self) -> datetime | None:
        """The time the entry is ordered by: updated, else published."""
        return self.updated or self.published


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One feed entry as a parser backend read it, before the shared rules make it an `Item`.

    `title`, `summary` and `content` may hold HTML; the dates are UTC and unfiltered."""

    guid: str
    link: str | None
    title: str
    summary: str
    content: tuple[str, ...]
    published: datetime | None
    updated: datetime | None


@dataclass(frozen=True, slots=True)
class RawFeed:
    """What a parser backend read from one body: the feed title, its entries and, when the
    body was not clean XML, the warning (feedparser's `bozo`)."""

    title: str
    entries: tuple[RawEntry, ...]
    bozo: str | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One value a figure has taken, with where it was read."""

    value: Number
    low: Number | None = None
    high: Number | None = None
    qualifier: Qualifier | None = None
    source: str = ""
    quote: str = ""
    date: str | None = None
    link: str | None = None
    claimant: str = ""  # a [[claimants]] id, "?name as read", or "" (unattributed)


@dataclass(frozen=True, slots=True)
class Estimate:
    """One claimant's current value of a figure: what a digest shows side by side when
    sources disagree."""

    claimant: str  # a [[claimants]] id, "?name as read", or "" (unattributed)
    label: str  # the claimant's name as shown ("" when unattributed)
    value: Number
    low: Number | None = None
    high: Number | None = None
    qualifier: Qualifier | None = None
    date: str | None = None
    source: str = ""
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """A quantity in one sentence of one item, attributed to one figure."""

    figure: str
    quantity: Quantity
    sentence: str
    item_uid: str
    link: str | None
    title: str
    source: str
    published: datetime | None
    scope: tuple[str, ...] = ()  # the places the number was bound to (labels)
    says_correction: bool = False  # the report says it corrects a figure ("revised down")
    claimant: str = ""  # who stands behind the value: a claimant id, "?name as read", or ""
    decimals: int | None = None  # decimals the text wrote for a rate ("51.4%": 1), if any


EventKind = Literal["match", "revision", "correction", "corroboration", "held_for_review",
                    "restatement", "competing", "new_watch"]


@dataclass(frozen=True, slots=True)
class Event:
    """What the judge decided about one item or observation; `replay` prints these."""

    kind: EventKind
    link: str | None
    title: str
    source: str = ""
    published: datetime | None = None
    watches: tuple[str, ...] = ()
    figure: str | None = None
    label: str | None = None
    previous: Number | None = None
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    qualifier: Qualifier | None = None
    unit: str | None = None
    quote: str | None = None
    item_uid: str = ""
    scope: tuple[str, ...] = ()
    claimant: str = ""  # who stands behind the value: a claimant id, "?name as read", or ""
    claimant_label: str = ""  # the claimant's name as shown
    estimates: tuple[Estimate, ...] = ()  # every claimant's current value after this event
    found: int | None = None  # new_watch: the values (figure) or items (term) the archive gave
