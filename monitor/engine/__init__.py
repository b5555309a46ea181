"""The judging engine: pure stages from an item's text to events.

Stages, imported one way: `words` (fixed word lists) -> `watchlist` (compiled terms, places,
figures, one fuzzy matcher) -> `scope` (which place a number counts in) -> `attribute`
(which figure a number is a value of) -> `judging` (revision, correction, corroboration,
review) -> `pipeline` (an item in, events out). `monitor.numbers` reads the quantities.
"""

from __future__ import annotations

from monitor.engine.attribute import Attribution, Context, Evidence, attribute
from monitor.engine.judging import FigureState, Rule, judge, same_value
from monitor.engine.pipeline import Analysis, Decision, Engine, analyse, decide, should_judge
from monitor.engine.watchlist import Figure, Matcher, Watchlist, compile_watchlist, phrase_of

__all__ = [
    "Analysis", "Attribution", "Context", "Decision", "Engine", "Evidence", "Figure",
    "FigureState", "Matcher", "Rule", "Watchlist", "analyse", "attribute", "compile_watchlist",
    "decide", "judge", "phrase_of", "same_value", "should_judge",
]
