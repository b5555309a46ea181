"""Stories far from the seed: each corpus in tests/data/stories/ (French and English feeds,
traps of every kind, a key of revisions written by hand) is replayed with its tuned
watchlist and must reach revision precision and recall of 0.9. The first-version watchlist
(written from the README alone, kept as it was) is scored too: its score is what a new user
gets, printed by `python bench/stories.py`, not asserted."""

from __future__ import annotations

import pytest

from tests.stories import STORIES, score

TUNED = sorted(p for p in STORIES.iterdir() if (p / "watchlist.toml").exists())


def test_there_are_at_least_three_stories_of_forty_items() -> None:
    from monitor.feeds import parse_bytes
    from tests.stories import feeds

    assert len(TUNED) >= 3
    for story in TUNED:
        items = [it for f in feeds(story) for it in parse_bytes(f.read_bytes()).items]
        langs = {f.read_text(encoding="utf-8").count("xml:lang=\"fr") + f.read_text(
            encoding="utf-8").count("<language>fr") > 0 for f in feeds(story)}
        assert len(items) >= 40, story.name
        assert langs == {True, False}, f"{story.name}: French and English feeds"
        assert (story / "watchlist.first.toml").exists(), f"{story.name}: keep the first version"


@pytest.mark.parametrize("story", TUNED, ids=[p.name for p in TUNED])
def test_tuned_watchlist_finds_the_revisions_an_analyst_wants(story) -> None:  # type: ignore[no-untyped-def]
    s = score(story, story / "watchlist.toml")
    detail = "\n".join(["false alerts:", *s.false_alerts, "missed:", *s.missed])
    assert s.precision >= 0.9, f"{s.line()}\n{detail}"
    assert s.recall >= 0.9, f"{s.line()}\n{detail}"
