"""An installed news-monitor (not an editable checkout) has every module it imports: the
README's service install is `pip install /path/to/news-monitor`. The package list in
pyproject.toml is explicit, and the migrations were once missing from it (a wheel would
start, then fail to migrate)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_code_folder_is_packaged() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(cfg["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "monitor").rglob("*.py")}
    assert folders <= listed, f"not in [tool.setuptools].packages: {sorted(folders - listed)}"
    data = cfg["package-data"]["monitor"]
    assert "migrations/script.py.mako" in data and "templates/*" in data and "demo_data/*" in data
    assert "templates/web/*" in data  # the web pages' templates and stylesheet (issue 17)
