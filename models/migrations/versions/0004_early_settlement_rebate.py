"""early-settlement rebate on payments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:20:00

``payments.rebate`` and ``payment_allocations.rebate``: the interest taken off a financed
installment settled before its due date (CDC art. 52 §2). Plain ``ADD COLUMN`` with a server
default, so existing rows read 0 and no table is copied.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("payments", "payment_allocations"):
        op.add_column(
            table, sa.Column("rebate", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    for table in ("payment_allocations", "payments"):
        op.drop_column(table, "rebate")
