"""Several instances on one database: feed leases, outbox claims, the instances table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("feeds") as b:
        b.add_column(sa.Column("lease_owner", sa.String(200)))
        b.add_column(sa.Column("lease_until", TS))
    with op.batch_alter_table("outbox") as b:
        b.add_column(sa.Column("claimed_by", sa.String(200)))
        b.add_column(sa.Column("claim_until", TS))
    op.create_table(
        "instances",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("seen_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instances")
    with op.batch_alter_table("outbox") as b:
        b.drop_column("claim_until")
        b.drop_column("claimed_by")
    with op.batch_alter_table("feeds") as b:
        b.drop_column("lease_until")
        b.drop_column("lease_owner")
