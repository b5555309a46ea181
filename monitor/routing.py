"""Which events a channel takes: channel routing by feed tag and by watch.

A channel with `tags` takes only the events of feeds that carry one of those tags; with
`watches`, only the events of those figures or terms; with both, events that pass both;
with neither, every event (the behaviour before routing existed). Pure: events in, events
out; the store gives each event's feed, the config each feed's tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from monitor.models import Event


class Routed(Protocol):
    """What routing reads of a channel (ChannelConfig has it)."""

    @property
    def name(self) -> str: ...
    @property
    def tags(self) -> list[str] | None: ...
    @property
    def watches(self) -> list[str] | None: ...


class _Feed(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...


def feed_tags(feeds: Iterable[_Feed]) -> dict[str, frozenset[str]]:
    """Each configured feed's tags, by feed name."""
    return {f.name: frozenset(f.tags) for f in feeds}


def routes_all(ch: Routed) -> bool:
    """Whether the channel takes every event (no tags, no watches)."""
    return not ch.tags and not ch.watches


def takes(ch: Routed, ev: Event, feed: str, tags: Mapping[str, frozenset[str]]) -> bool:
    """Whether the channel takes this event, read from `feed` (the feed's name; "" for an
    event of no feed, such as the archive's summary of a new watch, which a `tags` rule
    does not take)."""
    if ch.tags and not tags.get(feed, frozenset()) & set(ch.tags):
        return False
    if ch.watches:
        ids = set(ev.watches)
        if ev.figure:
            ids.add(ev.figure)
        if not ids & set(ch.watches):
            return False
    return True


def route(ch: Routed, rows: Sequence[tuple[int, Event]], feeds: Mapping[int, str],
          tags: Mapping[str, frozenset[str]] | None) -> list[tuple[int, Event]]:
    """The rows (event id, event) the channel takes; `feeds` gives each event id's feed.
    A channel with tags needs the feeds' tags: without them it is a caller's bug, not a
    silent 'nothing' or 'everything'."""
    if routes_all(ch):
        return list(rows)
    if ch.tags and tags is None:
        raise ValueError(f"channel {ch.name!r} routes by feed tag but no feed tags were given")
    return [(i, _own_watch_first(ch, ev)) for i, ev in rows
            if takes(ch, ev, feeds.get(i, ""), tags or {})]


def _own_watch_first(ch: Routed, ev: Event) -> Event:
    """The event with the channel's watches first among its watches: related coverage is
    listed under an item's first watch, which for a routed channel is one it asked for."""
    if not ch.watches or len(ev.watches) < 2:
        return ev
    mine = set(ch.watches)
    return replace(ev, watches=tuple(sorted(ev.watches, key=lambda w: w not in mine)))
