"""Indexes for the web pages (issue 17): a figure's events and the latest events of a kind
(the Atom feed of revisions, the events page) are read by index, not by a scan of every
match.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_figure", "events", ["figure", "id"])
    op.create_index("ix_events_kind", "events", ["kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_kind", "events")
    op.drop_index("ix_events_figure", "events")
