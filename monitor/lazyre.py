"""Regular expressions compiled on their first use instead of at import.

The engine's modules hold a few hundred module-level patterns; compiling them took about
45 ms of every start-up (issue 19), and most of them only run on an item that mentions a
figure (numbers, scope, attribution, claimants). `lazy_compile` puts off each compile until
the pattern is first used, so a command that never reaches them never pays for them.
"""

from __future__ import annotations

import re
from typing import Any, cast


class LazyPattern:
    """Stands for `re.compile(pattern, flags)`: the first use of an attribute (`search`,
    `finditer`, ...) compiles it and keeps that attribute on the object, so later uses find it
    directly. A bad pattern raises `re.error` at its first use (tests/test_startup.py compiles
    every one). Pickled or copied, it is made again from its source, as a compiled one is."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self.source)
        return self._compiled

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return LazyPattern, self.source

    def __getattr__(self, name: str) -> Any:
        if name in ("source", "_compiled"):  # (an object not yet built: no recursion)
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        setattr(self, name, value)
        return value


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern compiled on its first use; typed as the compiled pattern it behaves as (its
    methods and attributes; it is not an instance of re.Pattern, so give it to no `re.*`
    function)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
