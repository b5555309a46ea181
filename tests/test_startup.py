"""Start-up of `replay` (issue 19): what importing the replay path and loading the shipped
config may not do, and the patterns compiled on first use (`monitor.lazyre`)."""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.lazyre import LazyPattern, lazy_compile

ROOT = Path(__file__).resolve().parent.parent
# modules whose patterns are compiled on first use
LAZY_MODULES = ("monitor.numbers", "monitor.engine.words", "monitor.engine.scope",
                "monitor.engine.attribute", "monitor.engine.claimant")


def _lazy_patterns() -> dict[str, LazyPattern]:
    found = {}
    for name in LAZY_MODULES:
        for key, value in vars(importlib.import_module(name)).items():
            if isinstance(value, LazyPattern):
                found[f"{name}.{key}"] = value
    return found


def test_every_lazy_pattern_compiles() -> None:
    """A broken pattern fails here, not on a user's first item with a figure in it."""
    found = _lazy_patterns()
    assert len(found) > 100
    for name, lazy in found.items():
        assert isinstance(lazy.compiled(), re.Pattern), name


def test_a_lazy_pattern_is_compiled_on_first_use_and_behaves_as_compiled() -> None:
    source = r"(?P<n>\d+)\s*(?P<unit>km|miles)\b"
    eager = re.compile(source, re.IGNORECASE)
    lazy = lazy_compile(source, re.IGNORECASE)
    assert isinstance(lazy, LazyPattern) and lazy._compiled is None
    text = "From 12 KM to 30 miles, then 7 km."
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy._compiled is not None
    m = lazy.search(text, 10)
    assert m is not None and m.group("n") == "30"
    assert lazy.sub("X", text) == eager.sub("X", text)
    assert lazy.match(text) is None and lazy.fullmatch("7 km") is not None
    assert (lazy.pattern, lazy.flags, lazy.groupindex) == (eager.pattern, eager.flags,
                                                           eager.groupindex)
    with pytest.raises(re.error):
        lazy_compile("(unclosed").search("x")


def test_a_lazy_pattern_pickles_and_copies_as_a_compiled_one_does() -> None:
    """A compiled pattern can be pickled (a replay worker's analyses go through a pipe) and
    copied; so can one compiled on first use, before and after that use."""
    source, text = r"\b(?:troops?|soldats?)\b", "12,000 Troops and 3 soldats"
    eager = re.compile(source, re.IGNORECASE)
    for used in (False, True):
        lazy = lazy_compile(source, re.IGNORECASE)
        if used:
            lazy.search(text)
        for copied in (pickle.loads(pickle.dumps(lazy)), copy.copy(lazy), copy.deepcopy(lazy),
                       pickle.loads(pickle.dumps({"p": [lazy]}))["p"][0]):
            assert [m.span() for m in copied.finditer(text)] == [
                m.span() for m in eager.finditer(text)]
            assert (copied.pattern, copied.flags) == (eager.pattern, eager.flags)


_PROBE = """
import json, sys
from monitor.config import load_config
from monitor.lazyre import LazyPattern
import monitor.replay
load_config(sys.argv[1])
compiled = sorted({f"{m}.{k}" for m, mod in list(sys.modules.items()) if m.startswith("monitor")
                   for k, v in vars(mod).items()
                   if isinstance(v, LazyPattern) and v._compiled is not None})
heavy = ("apscheduler", "feedparser", "sqlalchemy", "httpx", "jinja2", "asyncio")
print(json.dumps({"compiled": compiled, "heavy": [h for h in heavy if h in sys.modules]}))
"""


def test_replay_start_up_imports_and_compiles_only_what_it_needs() -> None:
    """Before its first item, replay with the shipped config imports no scheduler, feedparser,
    database, HTTP or template library, and compiles none of the engine's lazy patterns."""
    res = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT / "config")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(res.stdout) == {"compiled": [], "heavy": []}


_REPLAY_PROBE = """
import sys
from monitor.cli import main
code = main(["replay", "--jsonl", "--jobs", "1", "--config", sys.argv[1], sys.argv[2]])
print("heavy:", [h for h in ("jinja2", "sqlalchemy", "httpx") if h in sys.modules],
      file=sys.stderr)
sys.exit(code)
"""


def test_replay_printing_revisions_imports_no_template_library() -> None:
    """The JSON of a revision (claimant, estimates) is written without the digest's Jinja2."""
    res = subprocess.run(
        [sys.executable, "-c", _REPLAY_PROBE, str(ROOT / "config"),
         str(ROOT / "tests" / "data" / "replay" / "kyiv.atom")],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert '"event": "revision"' in res.stdout
    assert "heavy: []" in res.stderr
