"""The durable store: SQLite by default (WAL, foreign keys, busy timeout), PostgreSQL to scale.

Migrations are recorded with Alembic and applied at start (and by `news-monitor db upgrade`).
A database written by a newer news-monitor, or one that is not a database, is refused with a
clear error and never recreated: recreating it would re-alert on everything.

Judging an item, recording its events and marking it seen happen in one transaction; the
feed's state row is written last, so a failure mid-poll makes the next poll retry the rest.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from monitor import archive as item_archive
from monitor.engine.judging import Claim, FigureState
from monitor.engine.pipeline import Analysis, analyse, churned, decide, should_judge
from monitor.engine.watchlist import Watchlist
from monitor.models import Estimate, Event, HistoryEntry, Item, as_number
from monitor.schema import (
    channels,
    events,
    feeds,
    figures,
    history,
    instances,
    items,
    outbox,
    watches,
)

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA_HEAD = "0006"  # the newest migration; a test checks it against Alembic's head
# PostgreSQL advisory lock keys (one namespace per database)
SEED_LOCK = 7321001  # instances starting together seed figures one after the other
EVENTS_LOCK = 7321002  # shared by each judging transaction, exclusive to read the high mark
MIGRATE_LOCK = 7321003  # instances starting together migrate one after the other
BUSY_TIMEOUT = 5.0  # seconds a SQLite writer waits for another process's write lock


class StoreError(Exception):
    """The database cannot be used (corrupt, newer than this code, unreachable)."""


def unusable(url: str, exc: OperationalError) -> StoreError:
    """A database error met while working (locked past the busy timeout, unreachable, disk
    full) as a one-line StoreError naming the database, its password hidden."""
    text = str(exc.orig).strip()
    reason = text.splitlines()[0] if text else type(exc.orig).__name__
    if reason == "database is locked":
        reason += f" (another process held the write lock past the {BUSY_TIMEOUT:g} s busy timeout)"
    return StoreError(f"{where(url)}: {reason}")


def utc(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they are UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def sqlite_path(url: str, state_dir: Path) -> Path | None:
    """The file of a SQLite URL (a relative path is under the state directory); None for
    another engine or an in-memory database."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    path = Path(u.database)
    return path if path.is_absolute() else state_dir / path


def located(url: str, state_dir: Path) -> str:
    """The URL a store opens: a relative SQLite path put under the state directory."""
    path = sqlite_path(url, state_dir)
    return url if path is None else str(make_url(url).set(database=str(path)))


def resolve_url(url: str, state_dir: Path) -> str:
    """A relative sqlite path is relative to the state directory. A state folder or database
    file created here is private (0700, 0600) whatever the umask: it holds what the feeds
    said and where the digests go; SQLite gives its WAL and shared-memory files the
    database's mode."""
    path = sqlite_path(url, state_dir)
    if path is None:
        return url
    make_private_dirs(path.parent)
    create_private_file(path)
    return located(url, state_dir)


def location_problem(url: str, state_dir: Path) -> str | None:
    """Why a SQLite database could not be created or written where the config puts it (no
    side effects), or None. Checked by check-config and before a store is opened, so that
    an unusable path is a config error, not a traceback at the first write."""
    path = sqlite_path(url, state_dir)
    if path is None:
        return None
    if path.exists():
        if path.is_dir():
            return f"{path} is a folder, not a database file"
        if not os.access(path, os.R_OK | os.W_OK):
            return f"{path} is not writable"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return f"{path.parent} is not writable (SQLite keeps its WAL file there)"
        return None
    near = path.parent
    while not near.exists():
        near = near.parent
    if not near.is_dir():
        return f"cannot create {path}: {near} is not a folder"
    if not os.access(near, os.W_OK | os.X_OK):
        return f"cannot create {path}: {near} is not writable"
    return None


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and its missing parents with mode 0700; existing ones are left as
    they are (an administrator's choice)."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:  # another process made it meanwhile
            continue
        d.chmod(0o700)  # mkdir's mode is masked by the umask


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (an empty file is an empty
    SQLite database)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, 0o600)  # the open's mode is masked by the umask
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store remembers of one feed between polls."""

    name: str
    url: str
    current_url: str | None = None
    redirect_target: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    first_failed_at: datetime | None = None
    last_success_at: datetime | None = None
    last_polled_at: datetime | None = None
    next_poll_at: datetime | None = None
    disabled: bool = False
    items_new: int = 0
    items_changed: int = 0
    lease_owner: str | None = None
    lease_until: datetime | None = None

    @property
    def fetch_url(self) -> str:
        return self.current_url or self.url


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    channel: str
    key: str
    subject: str
    body_text: str
    body_html: str
    payload: str
    attempts: int
    created_at: datetime


class Store:
    """Tables and queries; every write a short transaction."""

    def __init__(self, url: str, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # one writer at a time in this process (SQLite has one anyway)
        self.write_lock = threading.Lock()
        self.archive_keep = item_archive.DEFAULT_KEEP  # seconds; 0 archives nothing
        if self.is_sqlite:
            ms = int(busy_timeout * 1000)

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {ms}")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
                cur.close()

    # ------------------------------------------------------------ schema

    def _alembic(self, conn: Connection) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        return cfg

    def heads(self) -> set[str]:
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            return set(ScriptDirectory.from_config(self._alembic(conn)).get_heads())

    def revision(self) -> str | None:
        """The schema revision the database is at (None for an empty database)."""
        try:
            with self.engine.connect() as conn:
                return self._revision_on(conn)
        except DatabaseError as exc:
            raise StoreError(f"{self._where()}: not a usable database ({exc.orig})") from None

    def _revision_on(self, conn: Connection) -> str | None:
        if self.is_sqlite:
            conn.exec_driver_sql("PRAGMA schema_version").scalar()  # fails if not a db
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").first()
        else:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_name = 'alembic_version'").first()
        if not exists:
            return None
        version: str | None = conn.exec_driver_sql(
            "SELECT version_num FROM alembic_version").scalar()
        return version

    def _where(self) -> str:
        return where(self.url)

    def upgrade(self) -> None:
        """Apply migrations; refuse a corrupt database or one newer than this code."""
        current = self.revision()
        if current == SCHEMA_HEAD:
            return  # up to date: Alembic (and its memory) is not needed
        from alembic import command
        from alembic.script import ScriptDirectory

        with self.tx() as conn:
            # instances starting together on an empty database: one migrates, the others
            # wait for it (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), then find
            # the schema at head
            if not self.is_sqlite:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
            current = self._revision_on(conn)
            cfg = self._alembic(conn)
            known = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
            if current is not None and current not in known:
                raise StoreError(
                    f"{self._where()}: schema revision {current!r} is newer than this "
                    f"news-monitor knows ({', '.join(sorted(known))}); upgrade news-monitor"
                )
            command.upgrade(cfg, "head")
        if self.is_sqlite and current is not None:
            with self.engine.connect() as conn:
                ok = conn.exec_driver_sql("PRAGMA quick_check").scalar()
                if ok != "ok":
                    raise StoreError(f"{self._where()}: integrity check failed: {ok}")

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction (SQLite: BEGIN IMMEDIATE, so the busy timeout applies upfront)."""
        with self.write_lock, self.engine.connect() as conn:
            if self.is_sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.begin()
            try:
                yield conn
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ feeds

    def feed_state(self, name: str, url: str) -> FeedState:
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.name == name)).mappings().first()
        if row is None:
            return FeedState(name, url)
        state = _feed_state(row)
        if state.url != url:  # the config changed the URL: forget the old one's state
            return FeedState(name, url)
        return state

    def feed_states(self) -> list[FeedState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(feeds).order_by(feeds.c.name)).mappings().all()
        return [_feed_state(row) for row in rows]

    # ------------------------------------------------------------ several instances

    def claim_feed(self, name: str, url: str, me: str, ttl: float, force: bool = False
                   ) -> FeedState | None:
        """Lease one feed to this instance if it is due (or `force`) and nobody else holds a
        live lease: `SELECT ... FOR UPDATE SKIP LOCKED`, so two instances never both get it.
        Returns its state, or None if it is not ours to poll now."""
        now = datetime.now(UTC)
        with self.tx() as conn:
            q = select(feeds).where(feeds.c.name == name)
            if not self.is_sqlite:
                q = q.with_for_update(skip_locked=True)
            row = conn.execute(q).mappings().first()
            if row is None:
                exists = conn.execute(select(feeds.c.name).where(feeds.c.name == name)).first()
                if exists:  # locked by another instance's claim right now
                    return None
                state = FeedState(name, url)
            else:
                state = _feed_state(row)
                if state.url != url:
                    state = FeedState(name, url)
                held = state.lease_owner not in (None, me) and (state.lease_until or now) > now
                due = force or state.next_poll_at is None or state.next_poll_at <= now
                if held or not due or state.disabled:
                    return None
            state = replace(state, lease_owner=me, lease_until=now + timedelta(seconds=ttl))
            try:
                self._upsert_feed(conn, {k: getattr(state, k) for k in feeds.c.keys()})  # noqa: SIM118
            except IntegrityError:  # another instance inserted it first
                return None
        return state

    def register_instance(self, me: str, host: str, pid: int) -> None:
        now = datetime.now(UTC)
        with self.tx() as conn:
            done = conn.execute(update(instances).where(instances.c.id == me)
                                .values(seen_at=now))
            if done.rowcount == 0:
                conn.execute(insert(instances).values(id=me, host=host, pid=pid,
                                                      started_at=now, seen_at=now))

    def unregister_instance(self, me: str) -> None:
        """On a clean stop: leave, and hand our leases back."""
        with self.tx() as conn:
            conn.execute(update(feeds).where(feeds.c.lease_owner == me)
                         .values(lease_owner=None, lease_until=None))
            conn.execute(update(outbox).where(outbox.c.claimed_by == me)
                         .values(claimed_by=None, claim_until=None))
            conn.execute(instances.delete().where(instances.c.id == me))

    def list_instances(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(instances).order_by(instances.c.started_at)).mappings().all()
            leases: dict[str, int] = dict(conn.execute(select(feeds.c.lease_owner, func.count())
                                       .where(feeds.c.lease_owner.is_not(None))
                                       .group_by(feeds.c.lease_owner)).all())
        return [{"id": r["id"], "host": r["host"], "pid": r["pid"],
                 "started_at": utc(r["started_at"]), "seen_at": utc(r["seen_at"]),
                 "leases": int(leases.get(r["id"], 0))} for r in rows]

    def save_feed_states(self, states: Sequence[FeedState]) -> None:
        """Several feeds' rows in one transaction."""
        with self.tx() as c:
            for state in states:
                self._upsert_feed(c, {k: getattr(state, k) for k in feeds.c.keys()})  # noqa: SIM118

    @staticmethod
    def _upsert_feed(conn: Connection, values: dict[str, Any]) -> None:
        done = conn.execute(update(feeds).where(feeds.c.name == values["name"]).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(feeds).values(**values))

    # ------------------------------------------------------------ figures

    def seed_figures(self, wl: Watchlist) -> None:
        """Merge the watchlist's histories into the store: new figures start from their seed
        history; known figures keep what was observed and gain seed values they lack."""
        now = datetime.now(UTC)
        with self.tx() as conn:
            if not self.is_sqlite:  # instances starting together seed one after the other
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SEED_LOCK})")
            for fig in wl.figures:
                row = conn.execute(select(figures).where(figures.c.id == fig.id)).first()
                have = {(r.value, r.source) for r in conn.execute(
                    select(history.c.value, history.c.source).where(history.c.figure == fig.id))}
                if row is None:
                    seeded = FigureState.seeded(fig)
                    conn.execute(insert(figures).values(
                        id=fig.id, current=seeded.current,
                        sources=json.dumps(sorted(seeded.sources)),
                        claims=_claims_json(seeded.claims), updated_at=now))
                for h in fig.history:
                    if (float(h.value), h.source) not in have:
                        conn.execute(insert(history).values(
                            figure=fig.id, value=h.value, low=h.low, high=h.high,
                            qualifier=h.qualifier, source=h.source, quote=h.quote, date=h.date,
                            link=h.link, origin="seed", claimant=h.claimant, created_at=now))

    def _figure_state(self, conn: Connection, fid: str, tolerance: float,
                      for_update: bool = False) -> FigureState:
        q = select(figures).where(figures.c.id == fid)
        if for_update and not self.is_sqlite:
            q = q.with_for_update()
        row = conn.execute(q).first()
        hist = conn.execute(
            select(history).where(history.c.figure == fid).order_by(history.c.id)
        ).all()

        def entry(h: Any) -> HistoryEntry:
            return HistoryEntry(value=as_number(h.value) or 0, low=as_number(h.low),
                                high=as_number(h.high), qualifier=h.qualifier, source=h.source,
                                quote=h.quote, date=h.date, link=h.link, claimant=h.claimant)

        entries = tuple(entry(h) for h in hist if h.origin != "held")
        held = tuple(entry(h) for h in hist if h.origin == "held")
        current = as_number(row.current) if row is not None else None
        sources = frozenset(json.loads(row.sources)) if row is not None else frozenset()
        claims = tuple(Claim(c["claimant"], as_number(c["current"]) or 0,
                             frozenset(c["sources"]))
                       for c in json.loads(row.claims or "[]")) if row is not None else ()
        return FigureState(fid, tolerance, entries, current, sources, held, claims)

    def figure_states(self, wl: Watchlist) -> dict[str, FigureState]:
        with self.engine.connect() as conn:
            return {f.id: self._figure_state(conn, f.id, f.tolerance) for f in wl.figures}

    def _save_figure(self, conn: Connection, old: FigureState, new: FigureState,
                     now: datetime) -> None:
        conn.execute(update(figures).where(figures.c.id == new.figure).values(
            current=new.current, sources=json.dumps(sorted(new.sources)),
            claims=_claims_json(new.claims), updated_at=now))
        for h in new.history[len(old.history):]:
            conn.execute(insert(history).values(
                figure=new.figure, value=h.value, low=h.low, high=h.high,
                qualifier=h.qualifier, source=h.source, quote=h.quote, date=h.date,
                link=h.link, origin="observed", claimant=h.claimant, created_at=now))
        for h in new.held:  # values held for review: kept aside, never current
            if h not in old.held:
                conn.execute(insert(history).values(
                    figure=new.figure, value=h.value, low=h.low, high=h.high,
                    qualifier=h.qualifier, source=h.source, quote=h.quote, date=h.date,
                    link=h.link, origin="held", claimant=h.claimant, created_at=now))
        for h in old.held:  # promoted: the history now holds it
            if h not in new.held:
                conn.execute(delete(history).where(
                    history.c.figure == new.figure, history.c.origin == "held",
                    history.c.value == h.value, history.c.source == h.source,
                    history.c.claimant == h.claimant))

    # ------------------------------------------------------------ judging

    def known_hashes(self, uids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """uid -> (content hash, changes) for the uids already seen (one query per 500)."""
        out: dict[str, tuple[str, int]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(uids), 500):
                rows = conn.execute(select(items.c.uid, items.c.content_hash, items.c.changes)
                                    .where(items.c.uid.in_(list(uids[i:i + 500]))))
                out.update({r.uid: (r.content_hash, r.changes) for r in rows})
        return out

    def judge_item(self, wl: Watchlist, item: Item) -> tuple[str, list[Event]]:
        """Judge one item (see `_judge_item`); when another instance wrote the same new item
        first, the rolled-back attempt counts as unchanged: it was judged, once, there."""
        try:
            return self._judge_item(wl, item)
        except IntegrityError:
            return "unchanged", []

    def _judge_item(self, wl: Watchlist, item: Item) -> tuple[str, list[Event]]:
        """Judge one item in one transaction: read its row and the figures it touches, decide,
        write events, new figure states and the item row together. Returns the item's status
        (new, changed, unchanged) and its events."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(items.c.content_hash, items.c.changes, items.c.matched)
                .where(items.c.uid == item.uid)).first()
        old_hash = row.content_hash if row else None
        changes = row.changes if row else 0
        if not should_judge(old_hash, item.content_hash, changes):
            return "unchanged", []
        analysis = analyse(wl, item)  # pure: outside the write transaction
        now = datetime.now(UTC)
        if row is not None and churned(changes, analysis):  # recorded as read, not judged
            with self.tx() as conn:
                conn.execute(update(items).where(items.c.uid == item.uid).values(
                    content_hash=item.content_hash, changes=items.c.changes + 1))
            return "churned", []
        with self.tx() as conn:
            if not self.is_sqlite:  # before any event id is drawn: see `committed_high`
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({EVENTS_LOCK})")
            # re-read under the write lock: another writer may have judged it meanwhile
            row = conn.execute(
                select(items.c.content_hash, items.c.changes, items.c.matched)
                .where(items.c.uid == item.uid)).first()
            if row is not None and row.content_hash == item.content_hash:
                return "unchanged", []
            if analysis.observations:  # a figure whose backfill is due is judged by it alone
                analysis = _without(analysis, self.pending_figures(conn))
            touched = sorted({o.figure for o in analysis.observations})
            tol = {f.id: f.tolerance for f in wl.figures}
            states = {fid: self._figure_state(conn, fid, tol[fid], for_update=True)
                      for fid in touched}
            d = decide(wl, states, analysis, bool(row and row.matched))
            for fid, new in d.states.items():
                self._save_figure(conn, states[fid], new, now)
            for ev in d.events:
                conn.execute(insert(events).values(**_event_row(ev, item.feed, now)))
            values = dict(content_hash=item.content_hash, title=item.title[:2000],
                          link=item.link, published=item.published, last_judged=now,
                          matched=d.matched)
            if row is None:
                conn.execute(insert(items).values(uid=item.uid, feed=item.feed, first_seen=now,
                                                  changes=0, **values))
                status = "new"
            else:
                conn.execute(update(items).where(items.c.uid == item.uid)
                             .values(changes=row.changes + 1, **values))
                status = "changed"
            if self.archive_keep > 0:
                item_archive.save(conn, item, now)
        return status, list(d.events)

    @staticmethod
    def pending_figures(conn: Connection) -> frozenset[str]:
        """Figures whose archive backfill is due (monitor/backfill.py): live judging leaves
        them to it, so none of their values is judged twice or against a half-built history."""
        return frozenset(conn.execute(select(watches.c.id).where(
            watches.c.pending.is_(True), watches.c.kind == "figure")).scalars())

    # ------------------------------------------------------------ events and outbox

    def events_after(self, last_id: int, limit: int = 10_000, upto: int | None = None
                     ) -> list[tuple[int, Event]]:
        """Events with ids above `last_id` (and at most `upto`), in id order."""
        q = select(events).where(events.c.id > last_id)
        if upto is not None:
            q = q.where(events.c.id <= upto)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(events.c.id).limit(limit)).mappings().all()
        return [(r["id"], _row_event(r)) for r in rows]

    def recent_events(self, *, kinds: Sequence[str] | None = None, figure: str | None = None,
                      term: str | None = None, after: int = 0, before: int | None = None,
                      limit: int = 50, oldest_first: bool = False
                      ) -> list[tuple[int, datetime | None, Event]]:
        """Events newest first, or `oldest_first` (id, when it was recorded, event), for the
        web pages and API:
        of these kinds, of one figure (its own events, and the matches that name it), or
        speaking of one watch (`term`: its id among the event's watches); ids above `after`
        and below `before`."""
        q = select(events).where(events.c.id > after)
        if before is not None:
            q = q.where(events.c.id < before)
        if kinds:
            q = q.where(events.c.kind.in_(list(kinds)))
        if figure:
            q = q.where((events.c.figure == figure)
                        | (events.c.figure.is_(None)
                           & events.c.watches.contains(json.dumps(figure), autoescape=True)))
        if term:
            q = q.where(events.c.watches.contains(json.dumps(term), autoescape=True))
        with self.engine.connect() as conn:
            order = events.c.id.asc() if oldest_first else events.c.id.desc()
            rows = conn.execute(q.order_by(order).limit(limit)).mappings().all()
        return [(r["id"], utc(r["created_at"]), _row_event(r)) for r in rows]

    def figure_history(self, figure: str) -> list[dict[str, Any]]:
        """A figure's stored values in the order they were recorded: seed, observed and held
        (for review) rows, with their origin."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(history).where(history.c.figure == figure)
                                .order_by(history.c.id)).mappings().all()
        return [dict(r) for r in rows]

    def figure_rows(self) -> dict[str, dict[str, Any]]:
        """Each stored figure's row (current value, when it last changed)."""
        with self.engine.connect() as conn:
            return {r["id"]: dict(r) for r in conn.execute(select(figures)).mappings()}

    def item_counts(self) -> dict[str, int]:
        """Items read per feed."""
        with self.engine.connect() as conn:
            return {f: int(n) for f, n in conn.execute(
                select(items.c.feed, func.count()).group_by(items.c.feed))}

    def outbox_rows(self, limit: int = 50) -> list[dict[str, Any]]:
        """The outbox's pending and failed deliveries, newest first (no bodies)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.id, outbox.c.channel, outbox.c.subject, outbox.c.status,
                       outbox.c.attempts, outbox.c.next_attempt_at, outbox.c.last_error,
                       outbox.c.created_at)
                .where(outbox.c.status.in_(("pending", "failed")))
                .order_by(outbox.c.id.desc()).limit(limit)).mappings().all()
        out = []
        for r in rows:
            d = dict(r)
            d["next_attempt_at"], d["created_at"] = utc(r["next_attempt_at"]), utc(r["created_at"])
            out.append(d)
        return out

    def ping(self) -> None:
        """One round trip to the database (the web server's /healthz)."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def event_feeds(self, last_id: int, upto: int) -> dict[int, str]:
        """The feed of each event with an id above `last_id` and at most `upto` ("" for an
        event of no feed): what channel routing by feed tag reads."""
        q = select(events.c.id, events.c.feed).where(events.c.id > last_id, events.c.id <= upto)
        with self.engine.connect() as conn:
            return {int(i): f or "" for i, f in conn.execute(q)}

    def committed_high(self) -> int:
        """The highest event id below which no event can still appear: a channel's cursor
        never moves past it. On PostgreSQL ids are drawn in one order and committed in
        another (a judging transaction may wait on a lock with its events inserted), so a
        cursor moved to the highest visible id would skip the ids committed later. Every
        judging transaction holds EVENTS_LOCK shared from before it draws an id; taking it
        exclusively waits for those in flight, and then every id drawn so far is committed or
        rolled back for good. On SQLite writers are serial: ids commit in order."""
        with self.engine.connect() as conn, conn.begin():
            if not self.is_sqlite:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({EVENTS_LOCK})")
            return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)

    def all_events(self) -> list[tuple[int, Event]]:
        return self.events_after(0, limit=10**9)

    def histories(self, wl: Watchlist) -> dict[str, tuple[HistoryEntry, ...]]:
        return {fid: st.history for fid, st in self.figure_states(wl).items()}

    def channel_cursor(self, name: str) -> int:
        with self.engine.connect() as conn:
            v = conn.execute(select(channels.c.last_event_id)
                             .where(channels.c.name == name)).scalar()
        return int(v or 0)

    def enqueue(self, channel: str, key: str, last_event_id: int, subject: str, text: str,
                html: str, payload: str, built_from: int | None = None) -> int | None:
        """Write a digest to the outbox and move the channel's cursor, in one transaction.
        Returns the outbox id, or None if it is there already (same key) or another instance
        built this period's digest meanwhile (the cursor moved past `built_from`)."""
        now = datetime.now(UTC)
        with self.tx() as conn:
            q = select(channels.c.last_event_id).where(channels.c.name == channel)
            if not self.is_sqlite:
                q = q.with_for_update()  # one digest per period, whatever the instances
            cursor = conn.execute(q).scalar()
            if built_from is not None and (cursor or 0) != built_from:
                return None
            exists = conn.execute(select(outbox.c.id).where(
                outbox.c.channel == channel, outbox.c.key == key)).scalar()
            try:
                self._move_cursor(conn, channel, last_event_id, now)
            except IntegrityError:
                return None  # another instance created the channel's row just now
            if exists:
                return None
            res = conn.execute(insert(outbox).values(
                channel=channel, key=key, subject=subject, body_text=text, body_html=html,
                payload=payload, status="pending", attempts=0, next_attempt_at=now,
                created_at=now))
            return int(res.inserted_primary_key[0])  # type: ignore[index]

    def channel_disabled(self, channel: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(select(channels.c.disabled)
                                     .where(channels.c.name == channel)).scalar())

    def disable_channel(self, channel: str) -> None:
        with self.tx() as conn:
            done = conn.execute(update(channels).where(channels.c.name == channel)
                                .values(disabled=True))
            if done.rowcount == 0:
                conn.execute(insert(channels).values(name=channel, last_event_id=0,
                                                     disabled=True))

    def enable_channel(self, channel: str) -> None:
        """Undo `disable_channel` (its config changed since the receiver answered 410)."""
        with self.tx() as conn:
            conn.execute(update(channels).where(channels.c.name == channel)
                         .values(disabled=False))

    def advance_cursor(self, channel: str, last_event_id: int) -> None:
        with self.tx() as conn:
            self._move_cursor(conn, channel, last_event_id, datetime.now(UTC))

    @staticmethod
    def _move_cursor(conn: Connection, channel: str, last_event_id: int, now: datetime) -> None:
        done = conn.execute(update(channels).where(channels.c.name == channel).values(
            last_event_id=func.max(channels.c.last_event_id, last_event_id)
            if conn.dialect.name == "sqlite" else func.greatest(channels.c.last_event_id,
                                                                  last_event_id),
            last_digest_at=now))
        if done.rowcount == 0:
            conn.execute(insert(channels).values(name=channel, last_event_id=last_event_id,
                                                 last_digest_at=now))

    def due(self, now: datetime, channels_: Sequence[str] | None = None,
            claim_for: str | None = None, ttl: float = 300.0) -> list[Delivery]:
        """Pending deliveries whose time has come. With `claim_for`, they are claimed for that
        instance (`FOR UPDATE SKIP LOCKED`, a claim expiry), so one instance sends each."""
        q = select(outbox).where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
        if channels_ is not None:
            q = q.where(outbox.c.channel.in_(list(channels_)))
        if claim_for is None:
            with self.engine.connect() as conn:
                rows = conn.execute(q.order_by(outbox.c.id)).mappings().all()
        else:
            q = q.where((outbox.c.claim_until.is_(None)) | (outbox.c.claim_until < now)
                        | (outbox.c.claimed_by == claim_for))
            if not self.is_sqlite:
                q = q.with_for_update(skip_locked=True)
            with self.tx() as conn:
                rows = conn.execute(q.order_by(outbox.c.id)).mappings().all()
                if rows:
                    conn.execute(update(outbox).where(outbox.c.id.in_([r["id"] for r in rows]))
                                 .values(claimed_by=claim_for,
                                         claim_until=now + timedelta(seconds=ttl)))
        return [Delivery(r["id"], r["channel"], r["key"], r["subject"], r["body_text"],
                         r["body_html"], r["payload"], r["attempts"], utc(r["created_at"]) or now)
                for r in rows]

    def mark_sent(self, delivery_id: int) -> None:
        with self.tx() as conn:
            conn.execute(update(outbox).where(outbox.c.id == delivery_id).values(
                status="sent", sent_at=datetime.now(UTC), attempts=outbox.c.attempts + 1,
                last_error=None, claimed_by=None, claim_until=None))

    def mark_retry(self, delivery_id: int, error: str, next_at: datetime) -> None:
        with self.tx() as conn:
            conn.execute(update(outbox).where(outbox.c.id == delivery_id).values(
                attempts=outbox.c.attempts + 1, last_error=error[:2000], next_attempt_at=next_at,
                claimed_by=None, claim_until=None))

    def mark_failed(self, delivery_id: int, error: str) -> None:
        with self.tx() as conn:
            conn.execute(update(outbox).where(outbox.c.id == delivery_id).values(
                status="failed", attempts=outbox.c.attempts + 1, last_error=error[:2000],
                claimed_by=None, claim_until=None))

    def outbox_counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
            return {status: int(n) for status, n in rows}

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "items": int(conn.execute(select(func.count()).select_from(items)).scalar() or 0),
                "events": int(conn.execute(select(func.count()).select_from(events)).scalar() or 0),
            }


def _without(analysis: Analysis, figures_: frozenset[str]) -> Analysis:
    """The analysis without the observations of these figures."""
    if not figures_:
        return analysis
    return replace(analysis, observations=tuple(
        o for o in analysis.observations if o.figure not in figures_))


def _feed_state(row: Any) -> FeedState:
    data = dict(row)
    for k in ("first_failed_at", "last_success_at", "last_polled_at", "next_poll_at",
              "lease_until"):
        data[k] = utc(data[k])
    return FeedState(**data)


def _event_row(ev: Event, feed: str, now: datetime) -> dict[str, Any]:
    return dict(kind=ev.kind, figure=ev.figure, label=ev.label, previous=ev.previous,
                value=ev.value, low=ev.low, high=ev.high, qualifier=ev.qualifier, unit=ev.unit,
                link=ev.link, title=ev.title, source=ev.source, published=ev.published,
                quote=ev.quote, watches=json.dumps(list(ev.watches)), item_uid=ev.item_uid,
                feed=feed, created_at=now, scope=json.dumps(list(ev.scope)),
                claimant=ev.claimant, claimant_label=ev.claimant_label,
                estimates=json.dumps([asdict(e) for e in ev.estimates]), found=ev.found)


def _row_event(r: Any) -> Event:
    return Event(r["kind"], r["link"], r["title"], r["source"], utc(r["published"]),
                 watches=tuple(json.loads(r["watches"])), figure=r["figure"], label=r["label"],
                 previous=as_number(r["previous"]), value=as_number(r["value"]), low=as_number(r["low"]),
                 high=as_number(r["high"]), qualifier=r["qualifier"], unit=r["unit"],
                 quote=r["quote"], item_uid=r["item_uid"],
                 scope=tuple(json.loads(r.get("scope") or "[]")),
                 claimant=r.get("claimant") or "", claimant_label=r.get("claimant_label") or "",
                 estimates=tuple(Estimate(**e) for e in json.loads(r.get("estimates") or "[]")),
                 found=r.get("found"))


def _claims_json(claims: Sequence[Claim]) -> str:
    return json.dumps([{"claimant": c.claimant, "current": c.current,
                        "sources": sorted(c.sources)} for c in claims])


def where(url: str) -> str:
    """A database URL as shown in messages: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def open_store(url: str, state_dir: Path) -> Store:
    """Open and migrate; raise StoreError with a clear message on any database problem."""
    try:
        store = Store(resolve_url(url, state_dir))
    except OSError as exc:  # the state folder or the database file cannot be created
        raise StoreError(f"{where(located(url, state_dir))}: cannot create the database: {exc}"
                         ) from None
    try:
        store.upgrade()
    except OperationalError as exc:
        raise unusable(store.url, exc) from None
    except DatabaseError as exc:
        raise StoreError(f"{store._where()}: not a usable database ({exc.orig})") from None
    return store


