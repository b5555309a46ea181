"""Initial schema: feeds, items, figures, history, events, channels, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("current_url", sa.Text),
        sa.Column("redirect_target", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("last_status", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_failed_at", TS),
        sa.Column("last_success_at", TS),
        sa.Column("last_polled_at", TS),
        sa.Column("next_poll_at", TS),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("items_new", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items_changed", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "items",
        sa.Column("uid", sa.String(2000), primary_key=True),
        sa.Column("feed", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("link", sa.Text),
        sa.Column("published", TS),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_judged", TS, nullable=False),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("matched", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "figures",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("current", sa.Float),
        sa.Column("sources", sa.Text, nullable=False, server_default="[]"),
        sa.Column("updated_at", TS),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("figure", sa.String(200), sa.ForeignKey("figures.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("quote", sa.Text, nullable=False, server_default=""),
        sa.Column("date", sa.String(32)),
        sa.Column("link", sa.Text),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_history_figure", "history", ["figure", "id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("figure", sa.String(200)),
        sa.Column("label", sa.Text),
        sa.Column("previous", sa.Float),
        sa.Column("value", sa.Float),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("unit", sa.Text),
        sa.Column("link", sa.Text),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("published", TS),
        sa.Column("quote", sa.Text),
        sa.Column("watches", sa.Text, nullable=False, server_default="[]"),
        sa.Column("item_uid", sa.String(2000), nullable=False),
        sa.Column("feed", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "channels",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_digest_at", TS),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("body_text", sa.Text, nullable=False, server_default=""),
        sa.Column("body_html", sa.Text, nullable=False, server_default=""),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.UniqueConstraint("channel", "key", name="uq_outbox_channel_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    for name in ("outbox", "channels", "events", "history", "figures", "items", "feeds"):
        op.drop_table(name)
