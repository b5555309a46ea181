"""The item archive, the watches' definitions for backfill, and the new-watch count
(issue 15: tuning a watchlist on what was already read).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "archive",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(2000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("feed", sa.String(64), nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("link", sa.Text),
        sa.Column("link_key", sa.String(32)),
        sa.Column("published", TS),
        sa.Column("updated", TS),
        sa.Column("language", sa.String(8)),
        sa.Column("stored_at", TS, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_archive_uid", "archive", ["uid"])
    op.create_index("ix_archive_link_key", "archive", ["link_key"])
    op.create_index("ix_archive_stored_at", "archive", ["stored_at"])
    op.create_table(
        "watches",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("mark", sa.Integer),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("backfilled_at", TS),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("found", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("found")
    op.drop_table("watches")
    op.drop_table("archive")
