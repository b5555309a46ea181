"""Operations (issue 18): check-config reports every error in one run, an unknown secret key
points at the keys that read it, `seed --config DIR` seeds DIR's watchlist, and a delivered
digest writes one log line."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mailserver import smtp_server
from test_email import Cfg, channel, enqueue_hostile

from monitor.deliver import send_due
from monitor.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "config" / "watchlist.toml"


def cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "NEWS_MONITOR_CONFIG"}
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60,
                          env={**environ, "PYTHONPATH": str(ROOT), **(env or {})})


MONITOR_WITH_FIVE_ERRORS = """
[daemon]
store = "sqlite:///{blocked}/state.db"

[fetch]
max_redirects = 99

[[feeds]]
name = "wire"
url = "https://example.org/a.xml"

[[feeds]]
name = "wire"
url = "https://example.org/b.xml"
interval = 5

[[channels]]
name = "desk"
kind = "email"
from = "alerts@example.org"
to = ["desk@example.org"]
smtp = {{ host = "smtp.example.org", username = "u", password_env = "NM_TEST_ABSENT_SECRET" }}
"""
WATCHLIST_WITH_TWO_ERRORS = """
[[terms]]
id = "kursk"
label = "Kursk"
variants = ["Kursk"]

[[terms]]
id = "kursk"
label = "Kursk again"
variants = ["Koursk"]

[[figures]]
id = "troops"
label = "Troops"
subject = ["North Korean"]
unit = ["troops"]
tolerance = 3
"""


def test_check_config_reports_every_error_of_both_files_in_one_run(tmp_path: Path) -> None:
    """The duplicate feed name, the missing secret and the unusable store used to be told
    only once the other errors were fixed (three rounds)."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "monitor.toml").write_text(MONITOR_WITH_FIVE_ERRORS.format(blocked=blocked))
    (cfg / "watchlist.toml").write_text(WATCHLIST_WITH_TWO_ERRORS)
    res = cli("check-config", "--config", str(cfg))
    assert res.returncode == 78, res
    lines = res.stderr.strip().splitlines()
    m, w = cfg / "monitor.toml", cfg / "watchlist.toml"
    assert sorted(line.split(": ")[:2] for line in lines) == sorted([
        [str(m), "fetch.max_redirects"],
        [str(m), "feeds[1].interval"],
        [str(m), "feeds[1].name"],
        [str(m), "channels[0].smtp.password_env"],
        [str(m), "daemon.store"],
        [str(w), "terms[1].id"],
        [str(w), "figures[0].tolerance"],
    ]), lines
    assert f"{m}: feeds[1].name: duplicate 'wire' (also feeds[0])" in lines
    assert (f"{m}: channels[0].smtp.password_env: secret 'NM_TEST_ABSENT_SECRET' not found"
            in lines)


def test_an_smtp_password_in_the_file_points_at_password_env_and_password_file(
        tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text(
        '[[channels]]\nname = "desk"\nkind = "email"\nfrom = "a@example.org"\n'
        'to = ["d@example.org"]\n\n[channels.smtp]\nhost = "smtp.example.org"\n'
        'username = "u"\npassword = "hunter2-secret"\n')
    shutil.copy(SHIPPED, tmp_path / "watchlist.toml")
    res = cli("check-config", "--config", str(tmp_path))
    assert res.returncode == 78
    (line,) = [x for x in res.stderr.splitlines() if "smtp.password" in x]
    assert line.startswith(f"{tmp_path / 'monitor.toml'}: channels[0].smtp.password: unknown "
                           "key; did you mean password_env or password_file?"), line
    assert "hunter2" not in res.stderr + res.stdout


def test_a_typo_of_a_key_names_the_key_meant(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text(
        '[[feeds]]\nname = "wire"\nurl = "https://example.org/a.xml"\nintervall = "15m"\n')
    shutil.copy(SHIPPED, tmp_path / "watchlist.toml")
    res = cli("check-config", "--config", str(tmp_path))
    assert res.stderr.strip() == (f"{tmp_path / 'monitor.toml'}: feeds[0].intervall: unknown "
                                  "key; did you mean interval? (line 4)")


OTHER = ("En date du : 5 novembre 2024\n"
         "Le Pentagone a déclaré que 11 000 soldats nord-coréens avaient été envoyés en Russie.\n")


def test_seed_with_config_reads_and_writes_that_folder_s_watchlist(tmp_path: Path) -> None:
    """`seed --config DIR` used ./config/watchlist.toml whatever DIR said."""
    decoy = tmp_path / "config"
    decoy.mkdir()
    (decoy / "watchlist.toml").write_text(
        '[[terms]]\nid = "decoy"\nlabel = "Decoy"\nvariants = ["decoy"]\n')
    target = tmp_path / "deploy"
    target.mkdir()
    shutil.copy(SHIPPED, target / "watchlist.toml")
    doc = tmp_path / "other.txt"
    doc.write_text(OTHER, encoding="utf-8")
    res = cli("seed", "--config", str(target), str(doc), "--write", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert f"--- {target / 'watchlist.toml'}\n" in res.stdout
    text = (target / "watchlist.toml").read_text(encoding="utf-8")
    assert 'source = "' + str(doc) in text or "other.txt" in text
    assert text != SHIPPED.read_text(encoding="utf-8")
    assert "decoy" in (decoy / "watchlist.toml").read_text()  # untouched


def test_a_delivered_digest_writes_one_log_line(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    store = open_store("sqlite:///mail.db", tmp_path)
    try:
        with smtp_server() as srv:
            ch = channel(srv.port)
            enqueue_hostile(store, ch)
            with caplog.at_level(logging.INFO, logger="news-monitor.deliver"):
                assert asyncio.run(send_due(store, Cfg(ch), datetime.now(UTC))) == (1, 0)  # type: ignore[arg-type]
            assert len(srv.handler.messages) == 1
    finally:
        store.close()
    sent = [r.getMessage() for r in caplog.records if " sent: " in r.getMessage()]
    assert len(sent) == 1, caplog.records
    assert sent[0].startswith("channel=desk delivery=")
    assert sent[0].endswith(" sent: attempt=1 figures=nk-troops-sent recipients=2")
