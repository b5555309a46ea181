"""Values carry their claimant; figures keep each claimant's current value (issue 14).

history.claimant: who stands behind the value (a claimant id, "?name as read", "" none).
figures.claims: JSON list of each claimant's series at its current value, latest last.
events.claimant / claimant_label / estimates: the event's claimant and every claimant's
current value after it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("claimant", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("figures") as batch:
        batch.add_column(sa.Column("claims", sa.Text, nullable=False, server_default="[]"))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("claimant", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("claimant_label", sa.Text, nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("estimates", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("estimates")
        batch.drop_column("claimant_label")
        batch.drop_column("claimant")
    with op.batch_alter_table("figures") as batch:
        batch.drop_column("claims")
    with op.batch_alter_table("history") as batch:
        batch.drop_column("claimant")
