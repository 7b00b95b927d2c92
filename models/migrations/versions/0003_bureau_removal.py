"""bureau removal date

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:40:00

``customers.bureau_removed_on``: the day the owner asked the bureau to remove the report after
full payment (STJ Súmula 548). A plain ``ADD COLUMN`` (no batch copy-and-move), so the SQLite
search triggers that 0002 installed on ``customers`` stay in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("bureau_removed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a plain column in place, again without touching the triggers.
    op.drop_column("customers", "bureau_removed_on")
