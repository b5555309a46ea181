"""Read and validate the two TOML files (monitor.toml, watchlist.toml).

Every error names the file and the key path (`config/monitor.toml: feeds[2].interval: ...`), all
errors are reported at once, and unknown keys are refused. Secrets are never inline: they come
from an environment variable or a file (systemd's `$CREDENTIALS_DIRECTORY` included).
"""

from __future__ import annotations

import base64
import binascii
import difflib
import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import EX_CONFIG as EX_CONFIG
from monitor.errors import ConfigError as ConfigError
from monitor.netguard import is_internal_host, mask_credentials, register_secret_url

MIN_INTERVAL = 60
MAX_ITEMS = 100_000  # fetch.max_items: entries judged per poll of one feed
MAX_RELATED = 1_000  # channels[].max_related: related lines per digest
MAX_ARCHIVE = 3650 * 86400  # daemon.archive: 10 years
MONITOR_FILE = "monitor.toml"
WATCHLIST_FILE = "watchlist.toml"


def min_interval() -> float:
    """60 s; $NEWS_MONITOR_MIN_INTERVAL lowers it for tests and benchmarks on local servers."""
    try:
        return float(os.environ.get("NEWS_MONITOR_MIN_INTERVAL", MIN_INTERVAL))
    except ValueError:
        return float(MIN_INTERVAL)


# ---------------------------------------------------------------- value parsers

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_duration(value: object) -> float:
    """Seconds from `90`, `"90s"`, `"15m"`, `"1h"`, `"1d"`; refuses anything else."""
    if isinstance(value, bool):
        raise ValueError(f"must be a duration such as 15m or 900 (got {value!r})")
    if isinstance(value, int | float):
        if not math.isfinite(value):  # TOML's nan and inf: every comparison would pass them
            raise ValueError(f"must be a finite duration (got {value!r})")
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    raise ValueError(f"must be a duration such as 15m or 900 (got {value!r})")


Duration = Annotated[float, BeforeValidator(parse_duration)]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


_N = TypeVar("_N", int, float)


def within(v: _N, low: int, high: int, unit: str = "") -> _N:
    """`v` if low <= v <= high, else the error every range key gives (`must be between ...`)."""
    if not low <= v <= high:
        shown = f"{v:g}" if isinstance(v, float) else str(v)
        raise ValueError(f"must be between {low} and {high}{unit} (got {shown})")
    return v


def wait_seconds(v: float, high: int = 300) -> float:
    """A timeout: above 0 (0 or less would fail every attempt at once) and at most `high`."""
    if v <= 0:
        raise ValueError(f"must be more than 0 seconds (got {v:g})")
    return within(v, 0, high, " seconds")


def check_whsec(secret: str) -> str | None:
    """Why a webhook signing secret cannot be used, or None: a `whsec_` secret is base64
    (Standard Webhooks), and one that is not would make every send fail."""
    if not secret.startswith("whsec_"):
        return None
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        return "is not valid base64 after whsec_ (Standard Webhooks secrets are)"
    return None if key else "is empty after whsec_"


def check_email(value: str) -> str:
    """Accept `addr@host.tld` or `Name <addr@host.tld>`."""
    _name, addr = parseaddr(value)
    if not addr or not _EMAIL.match(addr):
        raise ValueError(f"not an e-mail address (got {value!r})")
    return value


def check_public_url(url: str, allow_private: bool) -> str:
    """An http(s) URL whose host is not an internal address in any spelling (feeds and
    webhooks alike, `monitor.netguard`) unless allowed; errors never show its credentials."""
    parts = urlsplit(url)
    shown = mask_credentials(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL (got {shown!r})")
    host = parts.hostname or ""
    if not host:
        raise ValueError(f"URL has no host (got {shown!r})")
    if not allow_private and is_internal_host(host):
        raise ValueError(
            f"points at an internal address (got {shown!r}); set allow_private = true to allow it"
        )
    return url


def socks_available() -> bool:
    """True when httpx's socks extra (socksio) is installed: socks5:// proxies need it."""
    import importlib.util

    return importlib.util.find_spec("socksio") is not None


def check_proxy_url(url: str) -> str:
    """A proxy URL: http:// or https:// HOST[:PORT] (socks5:// with the socks extra), no
    credentials in it (they would be a secret written in the file), no path."""
    parts = urlsplit(url)
    shown = mask_credentials(url)
    schemes = ("http", "https", "socks5") if socks_available() else ("http", "https")
    if parts.scheme == "socks5" and "socks5" not in schemes:
        raise ValueError(f"socks5 proxies need the socks extra (pip install 'httpx[socks]'), "
                         f"not installed; use an http:// proxy (got {shown!r})")
    if parts.scheme not in schemes:
        raise ValueError(f"not a proxy URL: use {' or '.join(s + '://HOST:PORT' for s in schemes)} "
                         f"(got {shown!r})")
    if not parts.hostname:
        raise ValueError(f"proxy URL has no host (got {shown!r})")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"credentials in a proxy URL are refused (got {shown!r}); an "
                         "authenticating proxy can be given in $HTTPS_PROXY with trust_env")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise ValueError(f"proxy URL has a bad port (got {shown!r})") from None
    return url


STORE_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
# a SQLite file path with no query, no spaces or controls: what make_url reads as a driver
# in STORE_DRIVERS, whatever the path
_PLAIN_SQLITE = re.compile(r"sqlite(?:\+pysqlite)?:///[^\s?#%@:]*")


def check_store_url(url: str) -> str:
    """A database URL of a kind the store speaks: SQLite, or PostgreSQL through psycopg 3.
    The password, if any, is never shown."""
    if _PLAIN_SQLITE.fullmatch(url):  # the common case, without importing SQLAlchemy (which
        return url  # takes a tenth of a second: `replay` and `explain` never open the store)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError:
        raise ValueError("not a database URL: use sqlite:///FILE or "
                         "postgresql+psycopg://USER@HOST/DB") from None
    shown = u.render_as_string(hide_password=True)
    if u.drivername in STORE_DRIVERS:
        return url
    if u.get_backend_name() == "postgresql":
        raise ValueError(f"write postgresql+psycopg://... (the psycopg 3 driver; got {shown!r})")
    raise ValueError(f"unsupported database {u.drivername!r}: use sqlite:///FILE or "
                     f"postgresql+psycopg://USER@HOST/DB (got {shown!r})")


# minute, hour, day of month, month, day of week (APScheduler 3: 0 is Monday): their ranges
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_CRON_PLAIN = re.compile(r"\*|[0-9]{1,2}(?:,[0-9]{1,2})*")


def plain_cron(expr: str) -> bool:
    """Whether `expr` is five fields each `*` or a list of numbers in the field's range, such
    as the default `0 7,19 * * *`: a form CronTrigger always accepts (tests/test_config.py
    checks it against CronTrigger), read without importing APScheduler (12 ms with asyncio)."""
    fields = expr.split()
    if len(fields) != len(_CRON_RANGES):
        return False
    for part, (low, high) in zip(fields, _CRON_RANGES, strict=True):
        if not _CRON_PLAIN.fullmatch(part):
            return False
        if part != "*" and not all(low <= int(n) <= high for n in part.split(",")):
            return False
    return True


def check_cron(expr: str) -> str:
    """A five-field crontab expression, as APScheduler's CronTrigger reads it (which is asked
    only for an expression that is not `plain_cron`)."""
    if plain_cron(expr):
        return expr
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr, timezone="UTC")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a cron expression ({exc}) (got {expr!r})") from None
    return expr


# ---------------------------------------------------------------- monitor.toml


class Strict(BaseModel):
    """Base: unknown keys are errors, values are frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DaemonConfig(Strict):
    store: str = Field(
        "sqlite:///news-monitor.db",
        description="Database URL: sqlite:///FILE (a relative path is under the state "
        "directory) or postgresql+psycopg://USER@HOST/DB; other kinds are refused.",
    )
    state_dir: str = Field(
        "",
        description="Where state lives; empty means $STATE_DIRECTORY, else ./state.",
    )
    user_agent_contact: str = Field(
        "https://example.org/contact",
        description="URL or e-mail put in the User-Agent so feed owners can reach you.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Lowest level of messages logged."
    )
    poll_jitter: Duration = Field(
        30.0, description="Polls are spread by up to this many seconds (0 = none)."
    )
    metrics: str = Field(
        "", description="host:port of a Prometheus endpoint on loopback; empty = off."
    )
    lease: Duration = Field(
        120.0, description="Shared databases: how long a feed stays leased to the instance "
        "polling it; a dead instance's feeds are taken over after it."
    )
    archive: Duration = Field(
        90 * 86400.0, description="How long the text of items read is kept (compressed) for "
        "backfill, backtest and explain --link; 0 keeps nothing."
    )

    @field_validator("store")
    @classmethod
    def _store(cls, v: str) -> str:
        return check_store_url(v)

    @field_validator("lease")
    @classmethod
    def _lease(cls, v: float) -> float:
        return within(v, 5, 3600, " seconds")

    @field_validator("archive")
    @classmethod
    def _archive(cls, v: float) -> float:
        return within(v, 0, MAX_ARCHIVE, " seconds (10 years)")

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, v: str) -> str:
        if not v:
            return v
        host, _, port = v.rpartition(":")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"must be host:port, e.g. 127.0.0.1:9464 (got {v!r})")
        h = host.strip("[]")
        if h != "localhost" and not (is_internal_host(h) and ipaddress.ip_address(h).is_loopback):
            raise ValueError(f"must be a loopback address (got {v!r})")
        return v

    @field_validator("poll_jitter")
    @classmethod
    def _jitter(cls, v: float) -> float:
        return within(v, 0, 3600, " seconds")


def split_listen(v: str, any_port: bool = False) -> tuple[str, int]:
    """"HOST:PORT" (IPv6 in brackets) as (host, port); ValueError when it is not one. Port 0
    (a free port picked by the system: tests, benches) only with `any_port`."""
    host, sep, port = v.rpartition(":")
    h = host.strip("[]")
    if not sep or not h or not port.isdigit() or not (0 if any_port else 1) <= int(port) < 65536:
        raise ValueError(f"must be host:port, e.g. 127.0.0.1:8088 (got {v!r})")
    return h, int(port)


def is_loopback(host: str) -> bool:
    """localhost or a literal loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebConfig(Strict):
    listen: str = Field(
        "", description="host:port the read-only web pages, Atom feed and JSON API are served "
        "on from the daemon (e.g. 127.0.0.1:8088); empty = off."
    )
    allow_public: bool = Field(
        False, description="Allow a listen address that is not loopback (0.0.0.0, a LAN "
        "address); put it behind a reverse proxy with authentication."
    )
    base_url: str = Field(
        "", description="The public URL the pages are reached at (https://host/prefix), used "
        "for the absolute links of the Atom feed; empty = from the request's Host."
    )

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        if v:
            split_listen(v)
        return v

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        if not v:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http(s) URL (got {mask_credentials(v)!r})")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("must be a plain http(s) URL: no credentials, query or fragment")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _public(self) -> WebConfig:
        if self.listen and not self.allow_public and not is_loopback(split_listen(self.listen)[0]):
            raise ValueError(
                f"listen: {self.listen!r} is not a loopback address; set allow_public = true "
                "to serve it (and put it behind a reverse proxy with authentication)")
        return self


class FetchConfig(Strict):
    timeout: Duration = Field(15.0, description="Total deadline for one fetch, in seconds.")
    max_bytes: int = Field(5_000_000, description="Largest feed body read (after decompression).")
    max_redirects: int = Field(5, description="Redirect hops followed before giving up.")
    concurrency: int = Field(16, description="Fetches in flight at once, overall.")
    per_host: int = Field(2, description="Fetches in flight at once to one host.")
    max_items: int = Field(500, description="Entries judged per poll of one feed; the rest wait.")
    parser: Literal["auto", "fast", "feedparser"] = Field(
        "auto",
        description="Feed parser: auto (the fast lxml reader, feedparser when it declines a "
        "body), fast (only the fast reader) or feedparser (only feedparser).",
    )
    proxy: str = Field(
        "", description="Proxy every fetch goes through: http://HOST:PORT or https://HOST:PORT "
        "(socks5:// with the socks extra); empty = none, or the environment's (trust_env)."
    )
    trust_env: bool = Field(
        True, description="Honour HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY from the "
        "environment when fetch.proxy is empty (only these: no .netrc, no certificate paths)."
    )

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, v: str) -> str:
        return check_proxy_url(v) if v else v

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, v: float) -> float:
        return within(v, 1, 300, " seconds")

    @field_validator("max_bytes")
    @classmethod
    def _max_bytes(cls, v: int) -> int:
        return within(v, 10_000, 100_000_000)

    @field_validator("max_redirects")
    @classmethod
    def _redirects(cls, v: int) -> int:
        return within(v, 0, 10)

    @field_validator("max_items")
    @classmethod
    def _max_items(cls, v: int) -> int:
        return within(v, 1, MAX_ITEMS)

    @field_validator("concurrency", "per_host")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"must be at least 1 (got {v})")
        return v


class FeedConfig(Strict):
    name: str = Field(description="Unique short name, used in logs and digests.")
    allow_private: bool = Field(
        False, description="Allow a loopback or private-network host (local relays, tests)."
    )
    url: str = Field(description="http(s) URL of the RSS or Atom feed.")
    interval: Duration = Field(900.0, description="Time between polls; at least 60 seconds.")
    language: Literal["fr", "en"] | None = Field(
        None, description="Language hint for reading numbers; guessed per item when absent."
    )
    enabled: bool = Field(True, description="Set false to stop polling without deleting.")
    parser: Literal["auto", "fast", "feedparser"] | None = Field(
        None, description="This feed's parser, overriding fetch.parser (auto, fast, feedparser)."
    )
    proxy: str | None = Field(
        None, description="This feed's proxy URL, overriding fetch.proxy and the environment; "
        "\"direct\" = no proxy."
    )
    username: str | None = Field(
        None, description="HTTP authentication user; the password comes from password_env or "
        "password_file, never from the URL."
    )
    password_env: str | None = Field(None, description="Environment variable with the feed's password.")
    password_file: str | None = Field(
        None, description="File with the feed's password; a bare name is read from "
        "$CREDENTIALS_DIRECTORY."
    )
    auth: Literal["basic", "digest"] = Field(
        "basic", description="HTTP authentication scheme for username: basic or digest."
    )

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, v: str | None) -> str | None:
        return v if v is None or v == "direct" else check_proxy_url(v)

    @model_validator(mode="after")
    def _credentials(self) -> FeedConfig:
        if self.password_env and self.password_file:
            raise ValueError("password_file: set password_env or password_file, not both")
        if (self.password_env or self.password_file) and not self.username:
            key = "password_env" if self.password_env else "password_file"
            raise ValueError(f"{key}: set without username")
        if self.username and not (self.password_env or self.password_file):
            raise ValueError("username: set but no password_env or password_file")
        return self

    tags: list[str] = Field(
        default_factory=list,
        description="Labels of this feed (OPML categories or folders, kept by feeds import "
        "and written back by feeds export). Default: none.",
    )

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        if any(not t.strip() or len(t) > 200 for t in v):
            raise ValueError("each tag must be 1 to 200 characters, not blank")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", v):
            raise ValueError(f"must be 1-64 letters, digits, '.', '_' or '-' (got {v!r})")
        return v

    @field_validator("interval")
    @classmethod
    def _interval(cls, v: float) -> float:
        least = min_interval()
        if v < least:
            raise ValueError(f"must be at least {least:g} seconds (got {v:g})")
        if v > 7 * 86400:
            raise ValueError(f"must be at most 7 days (got {v:g} seconds)")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str, info: Any) -> str:
        parts = urlsplit(v)
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                f"credentials in the URL are refused (got {mask_credentials(v)!r}); set "
                "username and password_env or password_file in this [[feeds]] entry"
            )
        return check_public_url(v, bool(info.data.get("allow_private", False)))


class SecretRef(Strict):
    """Where a secret is read from: an environment variable or a file, never inline."""

    password_env: str | None = Field(None, description="Environment variable holding it.")
    password_file: str | None = Field(
        None, description="File holding it; a bare name is looked up in $CREDENTIALS_DIRECTORY."
    )


class SmtpConfig(Strict):
    host: str = Field(description="SMTP server host name.")
    port: int = Field(587, description="SMTP port: 587 starttls, 465 tls, 25 plain.")
    security: Literal["starttls", "tls", "plain"] = Field(
        "starttls", description="starttls, tls (implicit) or plain (local relay only)."
    )
    username: str | None = Field(None, description="AUTH user; no AUTH when absent.")
    password_env: str | None = Field(None, description="Environment variable with the password.")
    password_file: str | None = Field(
        None, description="File with the password; a bare name is read from $CREDENTIALS_DIRECTORY."
    )
    timeout: Duration = Field(30.0, description="Seconds to wait for the server.")

    @field_validator("port")
    @classmethod
    def _port(cls, v: int) -> int:
        return within(v, 1, 65535)

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, v: float) -> float:
        return wait_seconds(v)


class ChannelConfig(Strict):
    name: str = Field(description="Unique short name of the channel.")
    kind: Literal["email", "webhook", "apprise", "console"] = Field(
        description="email, webhook, apprise (the optional extra news-monitor[apprise]) or "
        "console."
    )
    schedule: str = Field("0 7,19 * * *", description="Digest times, a cron expression (UTC).")
    immediate_change: float | None = Field(
        None, description="Send at once when a figure moves by this share or more (0.5 = 50%)."
    )
    language: Literal["fr", "en"] = Field("en", description="Language of the digest's labels.")
    heartbeat: bool = Field(False, description="Send a 'nothing new' digest when empty.")
    max_related: int = Field(20, description="Related-coverage lines per digest.")
    allow_private: bool = Field(False, description="Allow a loopback or private webhook host.")
    smtp: SmtpConfig | None = Field(None, description="SMTP server (email channels).")
    from_: str | None = Field(None, alias="from", description="From: address (email channels).")
    to: list[str] | None = Field(None, description="Recipients (email channels).")
    url: str | None = Field(None, description="Endpoint (webhook channels).")
    preset: Literal["standard", "slack", "discord"] = Field(
        "standard", description="Webhook payload shape."
    )
    secret_env: str | None = Field(None, description="Environment variable with the signing secret.")
    secret_file: str | None = Field(
        None, description="File with the signing secret; bare name: $CREDENTIALS_DIRECTORY."
    )
    timeout: Duration = Field(
        30.0, description="Seconds to wait for the receiver (webhook, apprise)."
    )
    urls: list[str] | None = Field(
        None, description="Apprise URLs without secrets in them (apprise channels); a URL with "
        "user:password@ belongs in urls_env or urls_file."
    )
    urls_env: str | None = Field(
        None, description="Environment variable with the Apprise URLs, separated by spaces or "
        "newlines (apprise channels)."
    )
    urls_file: str | None = Field(
        None, description="File with the Apprise URLs, one a line, # comments (apprise "
        "channels); bare name: $CREDENTIALS_DIRECTORY."
    )
    tags: list[str] | None = Field(
        None, description="Routing: only events of feeds that carry one of these tags (a feed's "
        "`tags`). Absent: every feed."
    )
    watches: list[str] | None = Field(
        None, description="Routing: only events of these figure or term ids. Absent: every "
        "watch. With tags too, an event must pass both."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("urls")
    @classmethod
    def _urls(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            if not v or any(not u.strip() for u in v):
                raise ValueError("must list at least one URL, none blank")
            for i, u in enumerate(v):
                if re.match(r"^[a-z][a-z0-9+.-]*://[^/?#\s]*:[^/?#\s]*@", u.strip(), re.I):
                    raise ValueError(f"URL {i + 1} holds a password (user:password@): put the "
                                     "URLs in urls_env or urls_file, never in this file")
        return v

    @model_validator(mode="after")
    def _apprise_urls(self) -> ChannelConfig:
        given = [k for k in ("urls", "urls_env", "urls_file") if getattr(self, k) is not None]
        if self.kind == "apprise" and len(given) != 1:
            raise ValueError("urls_env: an apprise channel takes its URLs from one of urls_env, "
                             "urls_file or urls" + (f" (got {', '.join(given)})" if given else ""))
        if self.kind != "apprise" and given:
            raise ValueError(f"{given[0]}: only for an apprise channel")
        return self

    @field_validator("tags", "watches")
    @classmethod
    def _routing(cls, v: list[str] | None, info: Any) -> list[str] | None:
        if v is not None:
            if not v:
                raise ValueError(f"must list at least one; leave {info.field_name} out to take "
                                 "every event")
            if any(not x.strip() for x in v):
                raise ValueError("each entry must be a non-blank string")
        return v

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        return check_cron(v)

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, v: float) -> float:
        return wait_seconds(v)

    @field_validator("max_related")
    @classmethod
    def _max_related(cls, v: int) -> int:
        return within(v, 0, MAX_RELATED)

    @field_validator("immediate_change")
    @classmethod
    def _immediate(cls, v: float | None) -> float | None:
        if v is not None and not 0 < v <= 100:
            raise ValueError(f"must be a share above 0, e.g. 0.5 for 50% (got {v})")
        return v

    @field_validator("to")
    @classmethod
    def _to(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            if not v:
                raise ValueError("must list at least one recipient")
            for addr in v:
                check_email(addr)
        return v

    @field_validator("from_")
    @classmethod
    def _from(cls, v: str | None) -> str | None:
        return None if v is None else check_email(v)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None, info: Any) -> str | None:
        return None if v is None else check_public_url(v, bool(info.data.get("allow_private")))


class MonitorConfig(Strict):
    daemon: DaemonConfig = Field(default_factory=DaemonConfig, description="Daemon settings.")
    fetch: FetchConfig = Field(default_factory=FetchConfig, description="Fetch limits.")
    feed_defaults: dict[str, Any] = Field(
        default_factory=dict,
        description="Values of per-feed keys (interval, language, allow_private, proxy, ...) "
        "for every [[feeds]] entry that does not set them itself.",
    )
    feeds: list[FeedConfig] = Field(default_factory=list, description="Feeds to poll.")
    channels: list[ChannelConfig] = Field(default_factory=list, description="Where digests go.")
    web: WebConfig = Field(default_factory=WebConfig,
                           description="The read-only web pages, Atom feed and JSON API.")

    @model_validator(mode="before")
    @classmethod
    def _apply_feed_defaults(cls, data: Any) -> Any:
        return apply_feed_defaults(data)

    @field_validator("feed_defaults")
    @classmethod
    def _feed_defaults(cls, v: dict[str, Any]) -> dict[str, Any]:
        errors = feed_default_errors(v)
        if errors:
            raise ValueError(f"{errors[0][0]}: {errors[0][1]}")
        return v


def apply_feed_defaults(data: Any) -> Any:
    """Raw monitor.toml data whose feeds take the [feed_defaults] keys they do not set
    themselves; a default that is not valid on its own is left out (its error names
    feed_defaults.KEY)."""
    if not isinstance(data, dict):
        return data
    defaults = data.get("feed_defaults")
    feeds = data.get("feeds")
    if not isinstance(defaults, dict) or not isinstance(feeds, list):
        return data
    good = {k: v for k, v in defaults.items() if not feed_default_errors({k: v})}
    return {**data, "feeds": [{**good, **f} if isinstance(f, dict) else f for f in feeds]}


FEED_ONLY_KEYS = ("name", "url")
_PROBE_FEED = {"name": "feed-defaults", "url": "https://example.org/feed"}


def feed_default_errors(defaults: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, message) for each [feed_defaults] key that no feed could take: unknown (with
    the near known key), per feed only (name, url), or a value a feed's key refuses. Each
    key is checked as a feed's own key would be, with the default allow_private beside it."""
    out: list[tuple[str, str]] = []
    for key, value in defaults.items():
        if key in FEED_ONLY_KEYS:
            out.append((key, "is per feed and takes no default; set it in each [[feeds]] entry"))
            continue
        if key not in FeedConfig.model_fields:
            out.append((key, "unknown key" + near_keys(FeedConfig, [key])))
            continue
        probe = {**_PROBE_FEED, key: value}
        if key in ("password_env", "password_file"):
            probe["username"] = "probe"
        elif key == "username":
            probe["password_env"] = "PROBE"
        if key != "allow_private" and isinstance(defaults.get("allow_private"), bool):
            probe["allow_private"] = defaults["allow_private"]
        try:
            FeedConfig.model_validate(probe)
        except ValidationError as exc:
            for e in exc.errors():
                if e["loc"] and e["loc"][0] == key:
                    out.append((key, _message(e)))
                    break
    return out


# ---------------------------------------------------------------- watchlist.toml


class TermConfig(Strict):
    id: str = Field(description="Unique id of the term (shared namespace with figures).")
    label: str = Field(description="Name shown in digests.")
    variants: list[str] = Field(description="Spellings to match, in any language.")
    threshold: float | None = Field(
        None, description="Fuzzy score 0-100 a word must reach; default [matching].threshold."
    )


def _some_names(v: list[str]) -> list[str]:
    """`variants` of a place or claimant: at least one name."""
    if not v:
        raise ValueError("must list at least one name")
    return v


class PlaceConfig(Strict):
    id: str = Field(description="Unique id of the place, named by figures' `scope`.")
    label: str = Field("", description="Name shown in digests and by explain; default the id.")
    variants: list[str] = Field(
        description="Names and adjectives of this place or body (Belgium, Belgique, belge)."
    )
    home: bool = Field(
        False, description="The place a report means when it names none (the country your "
        "feeds cover): a number bound to no place anywhere in its item counts here."
    )
    parts: list[str] = Field(
        default_factory=list,
        description="For a group (the Antilles, the Benelux): ids of the places it is made of; "
        "a number bound to the group counts as their joint total.",
    )

    @field_validator("variants")
    @classmethod
    def _variants(cls, v: list[str]) -> list[str]:
        return _some_names(v)


HEADLINE_RULES = ("latest", "highest", "lowest")


class ClaimantConfig(Strict):
    id: str = Field(description="Unique id of the claimant, named by figures' `headline`.")
    label: str = Field("", description="Name shown in digests and by explain; default the id.")
    variants: list[str] = Field(
        description="Names the press gives this claimant, short and long, in every language "
        "(the Pentagon, US Department of Defense, Washington, américain): a number said by one "
        "of them is its estimate."
    )

    @field_validator("variants")
    @classmethod
    def _variants(cls, v: list[str]) -> list[str]:
        return _some_names(v)


class JudgingConfig(Strict):
    about_band: float = Field(
        0.05, description="How far 'about N' / 'nearly N' / 'up to N' reach from N (0.05 = 5%)."
    )
    review_factor: float = Field(
        10.0, description="A value this many times (or more) above or below the current one "
        "is held for review until a second outlet reports it; 0 turns review off."
    )

    @field_validator("about_band")
    @classmethod
    def _band(cls, v: float) -> float:
        return within(v, 0, 1)

    @field_validator("review_factor")
    @classmethod
    def _factor(cls, v: float) -> float:
        if v != 0 and not 1 < v <= 1e6:
            raise ValueError(f"must be 0 (off) or between 1 and 1000000 (got {v:g})")
        return v


class HistoryConfig(Strict):
    value: float = Field(description="The figure's value (upper bound for a range).")
    low: float | None = Field(None, description="Lower bound, for a range.")
    high: float | None = Field(None, description="Upper bound, for a range.")
    qualifier: Literal["about", "nearly", "at_least", "more_than", "up_to", "less_than"] | None = (
        Field(None, description="about, nearly, at_least, more_than, up_to or less_than.")
    )
    source: str = Field("", description="Where it was read (seed file or feed).")
    quote: str = Field("", description="The sentence it was read from.")
    date: str | None = Field(None, description="Date of the report, YYYY-MM-DD, if known.")
    claimant: str = Field("", description="Who stands behind the value: a [[claimants]] id, "
                          "a name as read, or empty (unattributed).")


class FigureConfig(Strict):
    id: str = Field(description="Unique id of the figure.")
    label: str = Field(description="What the figure counts, shown in digests.")
    subject: list[str] = Field(description="Words that name who or what is counted.")
    unit: list[str] = Field(
        default_factory=list,
        description="Nouns the number must count (soldats, troops, morts, dead).",
    )
    measure: list[str] = Field(
        default_factory=list,
        description="Nouns that govern a bare number for the figure (death toll, bilan): "
        "'the toll rose to 5,120' counts with no unit noun after the number.",
    )
    scope: list[str] = Field(
        default_factory=list,
        description="Ids of [[places]] the figure counts in; two or more: their joint total. "
        "A number bound to another place is not the figure's value.",
    )
    only_rises: bool = Field(
        False, description="A cumulative count: a lower later value is a correction when the "
        "report says so, else an outdated quote (no event)."
    )
    recurs: bool = Field(
        False, description="A level that goes up and down and comes back (départements on "
        "alert, people in hospital now): a newer report of a value the figure had before is "
        "a revision, not a restatement (a late outlet quoting an old value alerts too)."
    )
    review_factor: float | None = Field(
        None, description="Per-figure [judging].review_factor."
    )
    headline: str = Field(
        "latest", description="The value shown as the figure's when claimants disagree: "
        "latest (the last report's), highest, lowest, or the id of a [[claimants]] entry "
        "(that claimant's, else the latest)."
    )
    claimants: list[str] | None = Field(
        None, description="The [[claimants]] ids whose values are series of their own for this "
        "figure; [] for none (a fine a regulator sets, a share price: a body named there is "
        "not who says the value), so every value is judged as unattributed. Default: every "
        "declared claimant."
    )
    cues: list[str] = Field(
        default_factory=list,
        description="Pull in: when set, one must occur near the number or in the title.",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Push out: a number near one of these is not the figure."
    )
    not_subject: list[str] = Field(
        default_factory=list,
        description="Other sides: next to the unit noun they mean someone else is counted.",
    )
    min_value: float | None = Field(None, description="Smallest plausible value.")
    max_value: float | None = Field(None, description="Largest plausible value.")
    tolerance: float = Field(
        0.0, description="Relative difference still counted as the same value (0.05 = 5%)."
    )
    history: list[HistoryConfig] = Field(
        default_factory=list, description="Known values, oldest first (written by `seed`)."
    )

    @field_validator("tolerance")
    @classmethod
    def _tol(cls, v: float) -> float:
        if not 0 <= v < 1:
            raise ValueError(f"must be between 0 and 1 (got {v})")
        return v

    @field_validator("subject")
    @classmethod
    def _nonempty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("must list at least one word")
        return v

    @field_validator("review_factor")
    @classmethod
    def _factor(cls, v: float | None) -> float | None:
        return None if v is None else JudgingConfig._factor(v)

    @model_validator(mode="after")
    def _unit_or_measure(self) -> FigureConfig:
        if not self.unit and not self.measure:
            raise ValueError("unit: must list at least one word (or give the figure measure words)")
        return self

    @field_validator("min_value", "max_value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"must be a finite number (got {v!r})")
        return v

    @field_validator("max_value")
    @classmethod
    def _range(cls, v: float | None, info: Any) -> float | None:
        low = info.data.get("min_value")
        if v is not None and low is not None and v < low:
            raise ValueError(f"must be at least min_value (got {v:g} < {low:g}): no value "
                             "could ever be read for this figure")
        return v


class MatchingConfig(Strict):
    threshold: float = Field(88.0, description="Default fuzzy score 0-100 for a term variant.")

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: float) -> float:
        return within(v, 50, 100)


def _one_owner_per_name(entries: Sequence[PlaceConfig | ClaimantConfig], key: str,
                        what: str) -> None:
    """A name (case and spacing aside) may stand for one place, or one claimant, only."""
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        for v in entry.variants:
            name = " ".join(v.casefold().split())
            if name in seen and seen[name] != entry.id:
                raise ValueError(f"{key}[{i}].variants: {v!r} already names {what} "
                                 f"{seen[name]!r}; a name can stand for one {what} only")
            seen[name] = entry.id


class WatchlistConfig(Strict):
    matching: MatchingConfig = Field(default_factory=MatchingConfig, description="Matching.")
    judging: JudgingConfig = Field(default_factory=JudgingConfig, description="Judging.")
    terms: list[TermConfig] = Field(default_factory=list, description="Watched names.")
    places: list[PlaceConfig] = Field(
        default_factory=list, description="Places and bodies figures count in (scope)."
    )
    claimants: list[ClaimantConfig] = Field(
        default_factory=list, description="Who stands behind figures (governments, agencies, "
        "organisers): each value is judged in its claimant's own series."
    )
    figures: list[FigureConfig] = Field(default_factory=list, description="Tracked figures.")

    @model_validator(mode="after")
    def _claimants_known(self) -> WatchlistConfig:
        ids = {c.id for c in self.claimants}
        _one_owner_per_name(self.claimants, "claimants", "claimant")
        for i, f in enumerate(self.figures):
            if f.headline not in HEADLINE_RULES and f.headline not in ids:
                raise ValueError(
                    f"figures[{i}].headline: {f.headline!r} is not latest, highest, lowest or "
                    "the id of a [[claimants]] entry"
                )
            for j, c in enumerate(f.claimants or []):
                if c not in ids:
                    raise ValueError(f"figures[{i}].claimants[{j}]: {c!r} is not the id of a "
                                     "[[claimants]] entry")
        return self

    @model_validator(mode="after")
    def _scopes_known(self) -> WatchlistConfig:
        known = {p.id for p in self.places}
        for i, pc in enumerate(self.places):
            for part in pc.parts:
                if part not in known or part == pc.id:
                    raise ValueError(f"places[{i}].parts: {part!r} is not the id of another "
                                     "[[places]] entry")
        _one_owner_per_name(self.places, "places", "place")
        for i, f in enumerate(self.figures):
            for s in f.scope:
                if s not in known:
                    raise ValueError(
                        f"figures[{i}].scope: {s!r} is not the id of a [[places]] entry"
                    )
        return self


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class Config:
    """Both files, validated, with where they came from."""

    monitor: MonitorConfig
    watchlist: WatchlistConfig
    monitor_path: Path
    watchlist_path: Path
    secrets: dict[str, str]
    feed_secrets: dict[str, str] = field(default_factory=dict)  # feed name -> its password

    def summary(self) -> str:
        m, w = self.monitor, self.watchlist
        return (
            f"ok: {len(m.feeds)} feeds, {len(w.terms)} terms, {len(w.figures)} figures, "
            f"{len(m.channels)} channels ({self.monitor_path}, {self.watchlist_path})"
        )


def find_config_dir(explicit: str | None) -> Path:
    """`--config PATH`, then $NEWS_MONITOR_CONFIG, then /etc/news-monitor/, then ./config/."""
    for candidate in (explicit, os.environ.get("NEWS_MONITOR_CONFIG")):
        if candidate:
            return Path(candidate)
    etc = Path("/etc/news-monitor")
    if (etc / MONITOR_FILE).exists():
        return etc
    return Path("config")


def _paths(location: Path) -> tuple[Path, Path]:
    """A folder holds both files; a file path names monitor.toml, its watchlist beside it."""
    if location.is_dir():
        return location / MONITOR_FILE, location / WATCHLIST_FILE
    return location, location.parent / WATCHLIST_FILE


def key_path(loc: Iterable[int | str]) -> str:
    """`('feeds', 2, 'interval')` -> `feeds[2].interval`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("from" if part == "from_" else str(part))
    return out or "(top)"


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, str, list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, "", [f"{path}: (file): cannot read: {exc.strerror or exc}"]
    try:
        text = raw.decode("utf-8")
        return tomllib.loads(text), text, []
    except UnicodeDecodeError:
        return None, "", [f"{path}: (file): not UTF-8 text"]
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "(syntax)"
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, "", [f"{path}: {where}: TOML syntax error: {msg}"]


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "literal_error":
        msg = f"{msg} (got {err.get('input')!r})"
    return msg


def find_line(text: str, loc: Sequence[int | str]) -> int | None:
    """Best-effort line number of the key at `loc` in TOML `text` (for error messages)."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    parts = [p for p in loc if isinstance(p, str)]
    if len(loc) >= 2 and isinstance(loc[0], str):
        header = re.compile(r"^\s*\[\[\s*" + re.escape(loc[0]) + r"\s*\]\]" if isinstance(loc[1], int)
                            else r"^\s*\[\s*" + re.escape(loc[0]) + r"\s*\]")
        index = loc[1] if isinstance(loc[1], int) else 0
        hits = [i for i, line in enumerate(lines) if header.match(line)]
        if len(hits) > index:
            start = hits[index] + 1
            nxt = [i for i in range(start, len(lines)) if re.match(r"^\s*\[", lines[i])]
            end = nxt[0] if nxt else len(lines)
    key = re.compile(r"(^|[\s{,])" + re.escape(str(parts[-1] if parts else "")) + r"\s*=")
    for i in range(start, end):
        if key.search(lines[i].split("#", 1)[0]):
            return i + 1
    return None


_INNER_KEY = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.+)$", re.S)


SECRET_WORDS = {"password", "passwd", "secret", "token", "pass"}


def near_keys(model: type[BaseModel], loc: Sequence[int | str]) -> str:
    """For an unknown key: "; did you mean X or Y?" naming the known keys of the same table
    that are near it (a typo, or `password` for `password_env` / `password_file`), with why
    for a secret; "" when none is near."""
    table: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or table is None:
            continue
        fields = {info.alias or name: info for name, info in table.model_fields.items()}
        info = fields.get(part) or table.model_fields.get(part)
        subs = _submodels(info.annotation) if info is not None else []
        table = subs[0] if subs else None
    if table is None or not loc or not isinstance(loc[-1], str):
        return ""
    name = loc[-1]
    known = [info.alias or n for n, info in table.model_fields.items()]
    near = [k for k in known if k.startswith(name + "_")] if name.lower() in SECRET_WORDS else []
    near = near or difflib.get_close_matches(name, known, n=2, cutoff=0.75)
    if not near:
        return ""
    hint = f"; did you mean {' or '.join(near)}?"
    if name.lower() in SECRET_WORDS:
        hint += " (a secret is read from an environment variable or a file, never written here)"
    return hint


def _validate(
    model: type[BaseModel], data: dict[str, Any], path: Path, text: str = ""
) -> tuple[Any, list[str]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        out = []
        for e in exc.errors():
            key, msg = key_path(e["loc"]), _message(e)
            inner = _INNER_KEY.match(msg)  # a check across keys names the key it is about
            if inner:
                key = inner.group(1) if key == "(top)" else f"{key}.{inner.group(1)}"
                msg = inner.group(2)
            if e["type"] == "extra_forbidden":
                msg += near_keys(model, e["loc"])
            line = f"{path}: {key}: {msg}"
            if e["type"] == "extra_forbidden":
                n = find_line(text, e["loc"])
                line += f" (line {n})" if n else ""
            out.append(line)
        return None, out


def _duplicates(path: Path, groups: Iterable[tuple[str, Any, str]]) -> list[str]:
    """Names/ids that must be unique, across the given (list name, raw items, key) groups.
    Read from the raw TOML, so that a duplicate is reported with the other errors, not only
    once they are fixed."""
    errors: list[str] = []
    seen: dict[str, str] = {}
    for list_name, items, attr in groups:
        for i, item in enumerate(items if isinstance(items, list) else []):
            value = item.get(attr) if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue  # a missing or mistyped name is reported by validation
            where = f"{list_name}[{i}]"
            if value in seen:
                errors.append(f"{path}: {where}.{attr}: duplicate {value!r} (also {seen[value]})")
            else:
                seen[value] = where
    return errors


def _valid_channels(data: dict[str, Any]) -> list[tuple[int, ChannelConfig]]:
    """Each [[channels]] entry that is valid on its own, with its index: their secrets are
    checked even when another part of the file is wrong."""
    out = []
    raw = data.get("channels")
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            out.append((i, ChannelConfig.model_validate(item)))
        except ValidationError:
            continue  # its errors are reported by the whole file's validation
    return out


def _read_secret(env: str | None, file: str | None) -> str | None:
    if env:
        return os.environ.get(env)
    if file:
        p = Path(file)
        if not p.is_absolute() and os.sep not in file:
            creds = os.environ.get("CREDENTIALS_DIRECTORY")
            if creds:
                p = Path(creds) / file
        try:
            return p.read_text(encoding="utf-8").strip()
        except OSError:
            return None
    return None


def _secrets(path: Path, channels: Iterable[tuple[int, ChannelConfig]]
             ) -> tuple[dict[str, str], list[str]]:
    """Load each channel's secret; name a missing one, never print a value."""
    out: dict[str, str] = {}
    errors: list[str] = []
    for i, ch in channels:
        where = f"channels[{i}]"
        if ch.kind == "email":
            for key in ("smtp", "from", "to"):
                if getattr(ch, "from_" if key == "from" else key) is None:
                    errors.append(f"{path}: {where}.{key}: required for an email channel")
            if ch.smtp and ch.smtp.username:
                env, file = ch.smtp.password_env, ch.smtp.password_file
                key = f"{where}.smtp.password_env" if env else f"{where}.smtp.password_file"
                if not env and not file:
                    errors.append(f"{path}: {where}.smtp: username set but no password_env or password_file")
                    continue
                value = _read_secret(env, file)
                if value is None:
                    errors.append(f"{path}: {key}: secret {env or file!r} not found")
                else:
                    out[ch.name] = value
        elif ch.kind == "apprise":
            value, errs = _apprise_urls(path, where, ch)
            errors += errs
            if value is not None:
                out[ch.name] = value
        elif ch.kind == "webhook":
            if ch.url is None:
                errors.append(f"{path}: {where}.url: required for a webhook channel")
            if ch.secret_env or ch.secret_file:
                key = f"{where}.secret_env" if ch.secret_env else f"{where}.secret_file"
                value = _read_secret(ch.secret_env, ch.secret_file)
                bad = None if value is None else check_whsec(value)
                if value is None:
                    errors.append(
                        f"{path}: {key}: secret {ch.secret_env or ch.secret_file!r} not found"
                    )
                elif bad:  # named, never printed
                    errors.append(f"{path}: {key}: secret {ch.secret_env or ch.secret_file!r} {bad}")
                else:
                    out[ch.name] = value
    return out, errors


def apprise_available() -> bool:
    """Whether the optional extra news-monitor[apprise] is installed (and imports)."""
    try:
        import apprise  # noqa: F401
    except ImportError:
        return False
    return True


def split_urls(text: str) -> list[str]:
    """Apprise URLs as urls_env or urls_file hold them: separated by spaces or newlines,
    blank lines and # comments skipped."""
    return [u for line in text.splitlines() if not line.lstrip().startswith("#")
            for u in line.split()]


def _apprise_extra_errors(path: Path, mdata: dict[str, Any]) -> list[str]:
    """Each apprise channel, valid or not otherwise, when the optional extra is missing."""
    raw = mdata.get("channels")
    kinds = [i for i, c in enumerate(raw if isinstance(raw, list) else [])
             if isinstance(c, dict) and c.get("kind") == "apprise"]
    if not kinds or apprise_available():
        return []
    return [f"{path}: channels[{i}].kind: 'apprise' needs the optional extra: "
            "pip install 'news-monitor[apprise]'" for i in kinds]


def _apprise_urls(path: Path, where: str, ch: ChannelConfig) -> tuple[str | None, list[str]]:
    """An apprise channel's URLs, newline-joined (its 'secret'), each one registered for
    masking and checked by Apprise itself; errors name the key and the URL's number and
    scheme, never the URL."""
    if ch.urls is not None:
        key, text = f"{where}.urls", "\n".join(ch.urls)
    else:
        key = f"{where}.urls_env" if ch.urls_env else f"{where}.urls_file"
        found = _read_secret(ch.urls_env, ch.urls_file)
        if found is None:
            return None, [f"{path}: {key}: secret {ch.urls_env or ch.urls_file!r} not found"]
        text = found
    urls = split_urls(text)
    for u in urls:
        register_secret_url(u)
    if not urls:
        return None, [f"{path}: {key}: no Apprise URL in it"]
    if not apprise_available():
        return None, []  # said by _apprise_extra_errors, for every apprise channel
    from monitor.notify.apprise import unknown_urls

    bad = unknown_urls(urls)
    if bad:
        return None, [f"{path}: {key}: URL {i + 1} ({scheme}://...) is not one Apprise can use"
                      for i, scheme in bad]
    return "\n".join(urls), []


def _feed_secrets(path: Path, data: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Each feed's password (feeds valid on their own, [feed_defaults] applied), read from
    its password_env or password_file; a missing one is named, a value never printed."""
    out: dict[str, str] = {}
    errors: list[str] = []
    merged = apply_feed_defaults(data)
    raw = merged.get("feeds") if isinstance(merged, dict) else None
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            feed = FeedConfig.model_validate(item)
        except ValidationError:
            continue  # its errors are reported by the whole file's validation
        if not feed.username:
            continue
        value = _read_secret(feed.password_env, feed.password_file)
        key = "password_env" if feed.password_env else "password_file"
        if value is None:
            errors.append(f"{path}: feeds[{i}].{key}: secret "
                          f"{feed.password_env or feed.password_file!r} not found")
        else:
            out[feed.name] = value
    return out, errors


def _routing_errors(path: Path, mdata: dict[str, Any], wdata: dict[str, Any] | None
                    ) -> list[str]:
    """Each channel's `tags` must be carried by some feed ([feed_defaults] applied) and its
    `watches` must be figure or term ids of the watchlist. Read from the raw files, so that
    they are reported with every other error, not once the rest is fixed; watches are not
    checked when the watchlist cannot be read (its own error says why)."""
    merged = apply_feed_defaults(mdata)
    feeds = merged.get("feeds") if isinstance(merged, dict) else None
    have_tags: set[str] = set()
    for f in feeds if isinstance(feeds, list) else []:
        tags = f.get("tags") if isinstance(f, dict) else None
        have_tags.update(t for t in (tags if isinstance(tags, list) else []) if isinstance(t, str))
    ids: list[str] | None = None
    if wdata is not None:
        ids = []
        for key in ("figures", "terms"):
            entries = wdata.get(key)
            ids += [x["id"] for x in (entries if isinstance(entries, list) else [])
                    if isinstance(x, dict) and isinstance(x.get("id"), str)]
    errors: list[str] = []
    raw = mdata.get("channels")
    for i, ch in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(ch, dict):
            continue
        for key, known, what in (("tags", sorted(have_tags), "no feed has the tag {v!r}"),
                                 ("watches", ids, "no figure or term {v!r} in the watchlist")):
            values = ch.get(key)
            if known is None or not isinstance(values, list):
                continue  # absent, or mistyped (reported by validation)
            for j, v in enumerate(values):
                if isinstance(v, str) and v.strip() and v not in known:
                    near = difflib.get_close_matches(v, known, n=2, cutoff=0.6)
                    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
                    errors.append(f"{path}: channels[{i}].{key}[{j}]: {what.format(v=v)}{hint}")
    return errors


def load_watchlist(path: Path) -> WatchlistConfig:
    """Read and validate a watchlist file alone (used by `seed`)."""
    data, text, errors = _read_toml(path)
    wl: WatchlistConfig | None = None
    if data is not None:
        wl, errors = _validate(WatchlistConfig, data, path, text)
    if data is not None:
        # terms and figures are both watches (digests, routing and the archive name them by
        # id); claimants, like places, have ids of their own: a term and a claimant may
        # share one ("voltera" the name watched, "voltera" the company speaking)
        errors += _duplicates(path, [(key, data.get(key), "id") for key in ("terms", "figures")])
        errors += _duplicates(path, [("claimants", data.get("claimants"), "id")])
    if wl is not None and not wl.terms and not wl.figures:
        errors.append(f"{path}: terms: no terms and no figures: the watchlist watches "
                      "nothing (add a [[terms]] or [[figures]] entry)")
    if errors or wl is None:
        raise ConfigError(errors)
    return wl


def load_config(location: str | Path | None = None) -> Config:
    """Find, read and validate both files; raise ConfigError with every problem at once."""
    base = find_config_dir(str(location) if location is not None else None)
    mpath, wpath = _paths(base)
    errors: list[str] = []
    mdata, mtext, errs = _read_toml(mpath)
    errors += errs
    monitor: MonitorConfig | None = None
    secrets: dict[str, str] = {}
    feed_secrets: dict[str, str] = {}
    if mdata is not None:
        defaults = mdata.get("feed_defaults")
        if isinstance(defaults, dict):  # every bad default on its own line, then the rest
            bad = feed_default_errors(defaults)
            errors += [f"{mpath}: feed_defaults.{k}: {msg}" for k, msg in bad]
            mdata = {**mdata, "feed_defaults": {k: v for k, v in defaults.items()
                                                if k not in {k for k, _m in bad}}}
        monitor, errs = _validate(MonitorConfig, mdata, mpath, mtext)
        errors += errs
        feed_secrets, errs = _feed_secrets(mpath, mdata)
        errors += errs
        errors += _duplicates(mpath, [("feeds", mdata.get("feeds"), "name")])
        errors += _duplicates(mpath, [("channels", mdata.get("channels"), "name")])
        secrets, errs = _secrets(mpath, _valid_channels(mdata))
        errors += errs
        errors += _apprise_extra_errors(mpath, mdata)
    watchlist: WatchlistConfig | None = None
    try:
        watchlist = load_watchlist(wpath)
    except ConfigError as exc:
        errors += exc.lines
    if mdata is not None:
        wdata = _read_toml(wpath)[0] if watchlist is None else watchlist.model_dump()
        errors += _routing_errors(mpath, mdata, wdata)
    if errors or monitor is None or watchlist is None:
        raise ConfigError(errors)
    return Config(monitor, watchlist, mpath, wpath, secrets, feed_secrets)


def model_fields(model: type[BaseModel]) -> Iterable[tuple[str, str]]:
    """(key, description) for every key of a model and the models inside it (docs and tests)."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        yield key, info.description or ""
        ann = info.annotation
        for sub in _submodels(ann):
            yield from model_fields(sub)


def _submodels(ann: Any) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    out: list[type[BaseModel]] = []
    for arg in getattr(ann, "__args__", ()):
        out += _submodels(arg)
    return out
