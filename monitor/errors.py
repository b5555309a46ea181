"""The config error every command reports the same way, apart from the config module: a
command that reads its config late (`replay` forks its workers first) can catch it without
importing pydantic (issue 19)."""

from __future__ import annotations

from collections.abc import Sequence

EX_CONFIG = 78  # the exit status of a refused config (sysexits' EX_CONFIG)


class ConfigError(Exception):
    """A config that cannot be used; `lines` holds one `FILE: KEY.PATH: message` per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)
