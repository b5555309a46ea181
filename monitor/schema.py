"""The store's tables (SQLAlchemy Core). Migrations in monitor/migrations create them; this
module is what queries are written against. One schema for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("url", Text, nullable=False),  # the configured URL
    Column("current_url", Text),  # after a permanent redirect seen twice
    Column("redirect_target", Text),  # last permanent redirect seen, not yet adopted
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),  # servers that ignore conditional GET: same body, no parse
    Column("last_status", String(32)),  # ok, not_modified, error, gone, not_a_feed
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("first_failed_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("next_poll_at", DateTime(timezone=True)),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("items_new", Integer, nullable=False, default=0),
    Column("items_changed", Integer, nullable=False, default=0),
    Column("lease_owner", String(200)),  # the instance polling it now (shared databases)
    Column("lease_until", DateTime(timezone=True)),
)

items = Table(
    "items",
    metadata,
    Column("uid", String(2000), primary_key=True),
    Column("feed", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("link", Text),
    Column("published", DateTime(timezone=True)),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_judged", DateTime(timezone=True), nullable=False),
    Column("changes", Integer, nullable=False, default=0),
    Column("matched", Boolean, nullable=False, default=False),
)

figures = Table(
    "figures",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("current", Float),
    Column("sources", Text, nullable=False, default="[]"),  # JSON list of outlets
    # JSON list of each claimant's series at its current value, latest last
    Column("claims", Text, nullable=False, default="[]"),
    Column("updated_at", DateTime(timezone=True)),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("figure", String(200), ForeignKey("figures.id", ondelete="CASCADE"), nullable=False),
    Column("value", Float, nullable=False),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", String(16)),
    Column("source", Text, nullable=False, default=""),
    Column("quote", Text, nullable=False, default=""),
    Column("date", String(32)),
    Column("link", Text),
    Column("origin", String(16), nullable=False),  # seed, observed, or held (for review)
    Column("claimant", Text, nullable=False, default=""),  # id, "?name as read", or ""
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_history_figure", "figure", "id"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("figure", String(200)),
    Column("label", Text),
    Column("previous", Float),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", String(16)),
    Column("unit", Text),
    Column("link", Text),
    Column("title", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("published", DateTime(timezone=True)),
    Column("quote", Text),
    Column("watches", Text, nullable=False, default="[]"),  # JSON list
    Column("item_uid", String(2000), nullable=False),
    Column("scope", Text, nullable=False, default="[]"),  # JSON list of place labels
    Column("claimant", Text, nullable=False, default=""),
    Column("claimant_label", Text, nullable=False, default=""),
    Column("estimates", Text, nullable=False, default="[]"),  # JSON, see models.Estimate
    Column("feed", String(64), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("found", Integer),  # new_watch: values the archive gave the watch
    Index("ix_events_figure", "figure", "id"),  # a figure's events (web pages)
    Index("ix_events_kind", "kind", "id"),  # the latest revisions (Atom feed)
)

channels = Table(
    "channels",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("last_event_id", Integer, nullable=False, default=0),  # events up to it are digested
    Column("last_digest_at", DateTime(timezone=True)),
    Column("disabled", Boolean, nullable=False, default=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(64), nullable=False),
    Column("key", String(64), nullable=False),  # idempotency key (Message-ID, webhook-id)
    Column("subject", Text, nullable=False, default=""),
    Column("body_text", Text, nullable=False, default=""),
    Column("body_html", Text, nullable=False, default=""),
    Column("payload", Text, nullable=False, default="{}"),  # JSON, for webhooks
    Column("status", String(16), nullable=False, default="pending"),  # pending, sent, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("claimed_by", String(200)),  # the instance sending it now
    Column("claim_until", DateTime(timezone=True)),
    UniqueConstraint("channel", "key", name="uq_outbox_channel_key"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)

instances = Table(
    "instances",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

archive = Table(  # the text of every item version read, compressed (monitor/archive.py)
    "archive",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uid", String(2000), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("feed", String(64), nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),  # the feed's title (the outlet)
    Column("link", Text),
    Column("link_key", String(32)),  # a hash of the link, indexed (`explain --link`)
    Column("published", DateTime(timezone=True)),
    Column("updated", DateTime(timezone=True)),
    Column("language", String(8)),
    Column("stored_at", DateTime(timezone=True), nullable=False),  # when it was read
    Column("body", LargeBinary, nullable=False),  # codec byte + compressed JSON title, text
    Index("ix_archive_uid", "uid"),
    Index("ix_archive_link_key", "link_key"),
    Index("ix_archive_stored_at", "stored_at"),
)

watches = Table(  # each watch's definition as last judged, and whether a backfill is due
    "watches",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("kind", String(16), nullable=False),  # figure or term
    Column("fingerprint", String(64), nullable=False),  # of the definition (monitor/backfill.py)
    Column("pending", Boolean, nullable=False, default=False),  # archive not yet judged for it
    Column("mark", Integer),  # the archive's highest id when it became pending: later ones alert
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("backfilled_at", DateTime(timezone=True)),
)
