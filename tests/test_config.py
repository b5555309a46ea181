"""Config validation: every bad config is refused with `FILE: KEY.PATH: message`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import (
    ChannelConfig,
    ConfigError,
    MonitorConfig,
    WatchlistConfig,
    load_config,
    model_fields,
)

ROOT = Path(__file__).resolve().parent.parent

GOOD_MONITOR = """
[daemon]
store = "sqlite:///x.db"

[[feeds]]
name = "one"
url = "https://example.org/feed.xml"
interval = "15m"

[[channels]]
name = "terminal"
kind = "console"
"""
GOOD_WATCHLIST = """
[[terms]]
id = "kursk"
label = "Kursk"
variants = ["Kursk"]

[[figures]]
id = "troops"
label = "Troops"
subject = ["North Korean"]
unit = ["troops"]
"""


def write(tmp: Path, monitor: str = GOOD_MONITOR, watchlist: str = GOOD_WATCHLIST) -> Path:
    (tmp / "monitor.toml").write_text(monitor, encoding="utf-8")
    (tmp / "watchlist.toml").write_text(watchlist, encoding="utf-8")
    return tmp


def errors_of(tmp: Path, **kw: str) -> list[str]:
    write(tmp, **kw)
    with pytest.raises(ConfigError) as info:
        load_config(tmp)
    return info.value.lines


def test_good_config_loads(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path))
    assert cfg.summary().startswith("ok: 1 feeds, 1 terms, 1 figures, 1 channels")


def feed(extra: str, url: str = "https://example.org/f.xml", name: str = "two") -> str:
    return GOOD_MONITOR + f'\n[[feeds]]\nname = "{name}"\nurl = "{url}"\n{extra}\n'


def email(extra: str) -> str:
    return GOOD_MONITOR + (
        '\n[[channels]]\nname = "desk"\nkind = "email"\nfrom = "a@example.org"\n'
        'smtp = { host = "smtp.example.org" }\n' + extra + "\n"
    )


M = "monitor.toml"
W = "watchlist.toml"
# (case id, file written, content, file named in the error, exact key path, words in message)
BAD = [
    ("unknown key", M, feed("poll_intervall = 5"), M, "feeds[1].poll_intervall", "unknown key"),
    ("unknown section", M, GOOD_MONITOR + "\n[demon]\nx = 1\n", M, "demon", "unknown key"),
    ("wrong type", M, feed("enabled = \"yes please\""), M, "feeds[1].enabled", "got 'yes please'"),
    ("file url", M, feed("", url="file:///etc/passwd"), M, "feeds[1].url", "not an http(s) URL"),
    ("ftp url", M, feed("", url="ftp://example.org/feed"), M, "feeds[1].url", "not an http(s) URL"),
    ("metadata ip", M, feed("", url="http://169.254.169.254/latest"), M, "feeds[1].url",
     "internal address"),
    ("loopback", M, feed("", url="http://127.0.0.1:6379/"), M, "feeds[1].url", "internal address"),
    ("duplicate feed", M, feed("", name="one"), M, "feeds[1].name", "duplicate 'one'"),
    ("interval too short", M, feed("interval = 5"), M, "feeds[1].interval",
     "must be at least 60 seconds (got 5)"),
    ("interval negative", M, feed("interval = -5"), M, "feeds[1].interval", "at least 60"),
    ("interval words", M, feed('interval = "5 minutes"'), M, "feeds[1].interval",
     "must be a duration"),
    ("timeout huge", M, GOOD_MONITOR + "\n[fetch]\ntimeout = 1e9\n", M, "fetch.timeout",
     "between 1 and 300"),
    ("unknown parser", M, GOOD_MONITOR + '\n[fetch]\nparser = "fastest"\n', M, "fetch.parser",
     "'auto', 'fast' or 'feedparser'"),
    ("unknown feed parser", M, feed('parser = "lxml"'), M, "feeds[1].parser",
     "'auto', 'fast' or 'feedparser'"),
    ("empty recipients", M, email("to = []"), M, "channels[1].to", "at least one recipient"),
    ("bad email", M, email('to = ["desk.example.org"]'), M, "channels[1].to",
     "not an e-mail address"),
    ("bad cron", M, GOOD_MONITOR.replace('kind = "console"', 'kind = "console"\nschedule = "0 25 * * *"'),
     M, "channels[0].schedule", "not a cron expression"),
    ("bad kind", M, GOOD_MONITOR.replace('kind = "console"', 'kind = "pigeon"'), M,
     "channels[0].kind", "got 'pigeon'"),
    ("missing secret", M, email('to = ["d@example.org"]').replace(
        'smtp = { host = "smtp.example.org" }',
        'smtp = { host = "smtp.example.org", username = "u", password_env = "NM_TEST_NO_SUCH_VAR" }'),
     M, "channels[1].smtp.password_env", "secret 'NM_TEST_NO_SUCH_VAR' not found"),
    ("inline password", M, email('to = ["d@example.org"]').replace(
        'smtp = { host = "smtp.example.org" }',
        'smtp = { host = "smtp.example.org", username = "u", password = "hunter2" }'),
     M, "channels[1].smtp.password", "unknown key"),
    ("duplicate watch id", W, GOOD_WATCHLIST.replace('id = "troops"', 'id = "kursk"'), W,
     "figures[0].id", "duplicate 'kursk' (also terms[0])"),
    ("figure without unit", W, GOOD_WATCHLIST.replace('unit = ["troops"]', "unit = []"), W,
     "figures[0].unit", "at least one word"),
    ("missing label", W, GOOD_WATCHLIST.replace('label = "Kursk"\n', ""), W, "terms[0].label",
     "required key is missing"),
    ("bad tolerance", W, GOOD_WATCHLIST + "tolerance = 2\n", W, "figures[0].tolerance",
     "between 0 and 1"),
]
# issue 20 (items 3 and 12): values that passed check-config and then broke a poll or a send
HOOK = '\n[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "https://hooks.example.org/x"\n'
BAD_SINCE_20 = [
    ("interval nan", M, feed("interval = nan"), M, "feeds[1].interval", "finite"),
    ("interval inf", M, feed("interval = inf"), M, "feeds[1].interval", "finite"),
    ("smtp timeout negative", M, email('to = ["d@example.org"]').replace(
        'smtp = { host = "smtp.example.org" }', 'smtp = { host = "smtp.example.org", timeout = -1 }'),
     M, "channels[1].smtp.timeout", "more than 0 seconds (got -1)"),
    ("smtp timeout nan", M, email('to = ["d@example.org"]').replace(
        'smtp = { host = "smtp.example.org" }', 'smtp = { host = "smtp.example.org", timeout = nan }'),
     M, "channels[1].smtp.timeout", "finite"),
    ("webhook timeout zero", M, GOOD_MONITOR + HOOK + "timeout = 0\n", M, "channels[1].timeout",
     "more than 0 seconds (got 0)"),
    ("webhook timeout inf", M, GOOD_MONITOR + HOOK + "timeout = inf\n", M, "channels[1].timeout",
     "finite"),
    ("webhook secret not base64", M, GOOD_MONITOR + HOOK + 'secret_env = "NM_TEST_WHSEC_BAD"\n', M,
     "channels[1].secret_env", "'NM_TEST_WHSEC_BAD' is not valid base64 after whsec_"),
    ("max_related negative", M, GOOD_MONITOR.replace('kind = "console"',
                                                     'kind = "console"\nmax_related = -5'),
     M, "channels[0].max_related", "between 0 and 1000 (got -5)"),
    ("max_items huge", M, GOOD_MONITOR + "\n[fetch]\nmax_items = 1000000000000000000000000000000\n",
     M, "fetch.max_items", "between 1 and 100000"),
    ("min above max", W, GOOD_WATCHLIST + "min_value = 1000\nmax_value = 10\n", W,
     "figures[0].max_value", "must be at least min_value (got 10 < 1000)"),
    ("max_value nan", W, GOOD_WATCHLIST + "max_value = nan\n", W, "figures[0].max_value", "finite"),
    ("empty watchlist", W, "[matching]\nthreshold = 90\n", W, "terms",
     "no terms and no figures"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_config_names_file_and_key(tmp_path: Path, case: tuple[str, ...]) -> None:
    _name, which, content, named, key, words = case
    kw = {"monitor": content} if which == M else {"watchlist": content}
    lines = errors_of(tmp_path, **kw)
    prefix = f"{tmp_path / named}: {key}: "
    assert any(line.startswith(prefix) and words in line for line in lines), lines


@pytest.mark.parametrize("case", BAD_SINCE_20, ids=[c[0] for c in BAD_SINCE_20])
def test_check_config_refuses_what_broke_polls_and_sends(
        tmp_path: Path, case: tuple[str, ...]) -> None:
    """Issue 20 items 3 and 12: exactly one line naming file and key, exit 78, secret unseen."""
    _name, which, content, named, key, words = case
    write(tmp_path, **({"monitor": content} if which == M else {"watchlist": content}))
    res = run_cli("check-config", "--config", str(tmp_path),
                  env={"NM_TEST_WHSEC_BAD": "whsec_abc"})
    assert res.returncode == 78, res
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith(f"{tmp_path / named}: {key}: ") and words in line, line
    assert "whsec_abc" not in res.stderr


def test_valid_whsec_secret_and_short_timeouts_still_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NM_TEST_WHSEC_OK", "whsec_" + "c2VjcmV0LWtleS1ieXRlcw==")
    cfg = load_config(write(tmp_path, monitor=GOOD_MONITOR + HOOK + 'secret_env = "NM_TEST_WHSEC_OK"'
                            "\ntimeout = 0.5\nmax_related = 0\n"))
    assert cfg.secrets["hook"].startswith("whsec_") and cfg.monitor.channels[1].timeout == 0.5


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    lines = errors_of(tmp_path, monitor=GOOD_MONITOR + "\n[[feeds]]\nname = \n")
    assert lines == [f"{tmp_path / M}: line 15, column 8: TOML syntax error: Invalid value"], lines


def test_unknown_key_gives_its_line(tmp_path: Path) -> None:
    lines = errors_of(tmp_path, monitor=feed("poll_intervall = 5"))
    # GOOD_MONITOR is lines 1-12 (line 1 blank); feed() adds a blank line 13, [[feeds]] on 14,
    # name on 15, url on 16 and the typo on 17
    assert lines == [f"{tmp_path / M}: feeds[1].poll_intervall: unknown key (line 17)"]


def test_unreadable_file(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / W).unlink()
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.lines[0].startswith(f"{tmp_path / W}: (file): cannot read: ")


def test_all_errors_at_once(tmp_path: Path) -> None:
    bad = feed("interval = 5", url="ftp://x.org/f") + "\n[fetch]\nmax_redirects = 99\n"
    lines = errors_of(tmp_path, monitor=bad, watchlist=GOOD_WATCHLIST + "tolerance = 3\n")
    keys = sorted(line.split(": ")[1] for line in lines)
    assert keys == ["feeds[1].interval", "feeds[1].url", "fetch.max_redirects", "figures[0].tolerance"]


def test_secret_from_credentials_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "smtp-password").write_text("s3cret-value\n")
    cfgdir = tmp_path / "cfg"
    cfgdir.mkdir()
    content = email('to = ["d@example.org"]').replace(
        'smtp = { host = "smtp.example.org" }',
        'smtp = { host = "smtp.example.org", username = "u", password_file = "smtp-password" }')
    write(cfgdir, monitor=content)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    assert load_config(cfgdir).secrets == {"desk": "s3cret-value"}
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    with pytest.raises(ConfigError) as info:
        load_config(cfgdir)
    assert "s3cret" not in str(info.value)
    assert info.value.lines == [
        f"{cfgdir / M}: channels[1].smtp.password_file: secret 'smtp-password' not found"
    ]


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write(a)
    write(b, monitor=feed(""))
    monkeypatch.setenv("NEWS_MONITOR_CONFIG", str(b))
    assert len(load_config(None).monitor.feeds) == 2
    assert len(load_config(a).monitor.feeds) == 1  # --config wins over the environment
    assert len(load_config(a / "monitor.toml").monitor.feeds) == 1  # a file path works too


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=60)


def test_check_config_exit_codes(tmp_path: Path) -> None:
    ok = run_cli("check-config", "--config", str(write(tmp_path)))
    assert ok.returncode == 0 and ok.stdout.startswith("ok: 1 feeds"), ok
    write(tmp_path, monitor=feed("poll_intervall = 5"))
    bad = run_cli("check-config", "--config", str(tmp_path))
    assert bad.returncode == 78
    assert bad.stderr.strip().splitlines() == [
        f"{tmp_path / M}: feeds[1].poll_intervall: unknown key (line 17)"
    ]


def test_other_commands_refuse_bad_config(tmp_path: Path) -> None:
    write(tmp_path, monitor=feed("interval = 5"))
    res = run_cli("replay", "--jsonl", "--config", str(tmp_path), str(ROOT / "pyproject.toml"))
    assert res.returncode == 78 and "feeds[1].interval" in res.stderr


def test_shipped_config_is_valid() -> None:
    res = run_cli("check-config", "--config", str(ROOT / "config"))
    assert res.returncode == 0, res.stderr
    assert re.match(r"ok: \d+ feeds, \d+ terms, 5 figures, \d+ channels", res.stdout)


def _documented_keys(path: Path) -> set[str]:
    """Keys that appear in a comment line of a shipped config file, or are set below one."""
    keys: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("#"):
            keys |= set(re.findall(r"([A-Za-z_]+)(?=\s*[:=/])", s))
    return keys


@pytest.mark.parametrize(
    ("model", "file"),
    [(MonitorConfig, "monitor.toml"), (WatchlistConfig, "watchlist.toml")],
)
def test_every_key_is_documented_in_shipped_config(model: type, file: str) -> None:
    documented = _documented_keys(ROOT / "config" / file)
    missing = sorted({k for k, _d in model_fields(model)} - documented)
    assert not missing, f"config/{file} lacks a comment for: {missing}"


def test_every_key_has_a_description() -> None:
    for model in (MonitorConfig, WatchlistConfig, ChannelConfig):
        for key, desc in model_fields(model):
            assert desc, f"{model.__name__}.{key} has no description"


# plain_cron reads `*` and lists of numbers without APScheduler: each one it accepts must be one
# CronTrigger accepts, and for one number in one field it must agree with CronTrigger exactly
_CRON_PARTS = ["*", "0", "00", "07", "1", "6", "7", "12", "13", "19", "23", "24", "31", "32",
               "59", "60", "99", "100", "7,19", "0,7,59", "7,", ",7", "7,,19", "*/5", "1-5",
               "mon", "x", "-1", "+1", "٣"]


def _cron_trigger_accepts(expr: str) -> bool:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr, timezone="UTC")
    except (ValueError, TypeError):
        return False
    return True


def test_plain_cron_accepts_only_what_cron_trigger_accepts() -> None:
    from monitor.config import plain_cron

    exprs = [" ".join(["*"] * i + [p] + ["*"] * (4 - i)) for i in range(5) for p in _CRON_PARTS]
    exprs += [f"{a} {b} * * *" for a in _CRON_PARTS for b in _CRON_PARTS]
    exprs += ["0 7,19 * * *", "* * * *", "* * * * * *", "", "0  7  *  *  *", "\t0 7 * * *\n"]
    plain = [e for e in exprs if plain_cron(e)]
    assert len(plain) > 100  # the shortcut does take the common forms
    assert [e for e in plain if not _cron_trigger_accepts(e)] == []
    for i in range(5):
        for n in range(101):
            expr = " ".join(["*"] * i + [str(n)] + ["*"] * (4 - i))
            assert plain_cron(expr) == _cron_trigger_accepts(expr), expr


def test_shipped_and_default_schedules_need_no_apscheduler() -> None:
    """The default schedule and the shipped config's take the shortcut (else every command
    that loads the config imports APScheduler)."""
    from monitor.config import plain_cron

    assert plain_cron(ChannelConfig.model_fields["schedule"].default)
    shipped = load_config(ROOT / "config").monitor.channels
    assert shipped and all(plain_cron(ch.schedule) for ch in shipped)
