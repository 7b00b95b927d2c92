"""customer search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:00:00

The counter searches 100,000 customers by any part of the name in under 15 ms. A plain
``LIKE '%x%'`` ordered by name took up to 309 ms (ENGINEERING.md), so:

- SQLite: an FTS5 trigram index over ``customers.name_search`` (external content, so the text
  is not stored twice), kept in step by triggers. SQLite 3.40 has no ``remove_diacritics`` for
  trigram, which is why the already accent-free ``name_search`` is indexed.
- PostgreSQL: ``pg_trgm`` with a GIN index, which serves ``LIKE '%x%'`` and ``LIKE 'x%'``. If
  the extension cannot be created (no privilege on a managed server) the migration still
  succeeds: search keeps working, only slower.

Alembic's env leaves ``customer_search*`` tables and ``ix_trgm_*`` indexes out of the
model/schema comparison: they are not models.

WARNING for later migrations: a batch (copy-and-move) alter of ``customers`` on SQLite drops
the table and with it these triggers. Such a migration must call
``install_sqlite_search_triggers()`` again and rebuild the index (see ``upgrade``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER customer_search_ai AFTER INSERT ON customers BEGIN
        INSERT INTO customer_search (rowid, name_search) VALUES (new.id, new.name_search);
    END
    """,
    """
    CREATE TRIGGER customer_search_ad AFTER DELETE ON customers BEGIN
        INSERT INTO customer_search (customer_search, rowid, name_search)
        VALUES ('delete', old.id, old.name_search);
    END
    """,
    """
    CREATE TRIGGER customer_search_au AFTER UPDATE OF id, name_search ON customers BEGIN
        INSERT INTO customer_search (customer_search, rowid, name_search)
        VALUES ('delete', old.id, old.name_search);
        INSERT INTO customer_search (rowid, name_search) VALUES (new.id, new.name_search);
    END
    """,
)


def install_sqlite_search_triggers() -> None:
    for name in ("customer_search_ai", "customer_search_ad", "customer_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for ddl in _SQLITE_TRIGGERS:
        op.execute(ddl)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS customer_search USING fts5("
            "name_search, content='customers', content_rowid='id', tokenize='trigram', "
            "detail='full')"
        )
        install_sqlite_search_triggers()
        # Ordering thousands of matches by name reads this narrow index instead of the wide
        # customer rows. (``ix_trgm_`` prefix: a search helper, not part of the models.)
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_trgm_customers_id_name_search "
            "ON customers (id, name_search)"
        )
        # Customers already present (an upgraded shop) enter the index now.
        op.execute("INSERT INTO customer_search (customer_search) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        # A savepoint, so that a refused CREATE EXTENSION does not abort the migration.
        savepoint = bind.begin_nested()
        try:
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            bind.execute(
                sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_trgm_customers_name_search "
                    "ON customers USING gin (name_search gin_trgm_ops)"
                )
            )
        except sa.exc.DBAPIError:
            savepoint.rollback()
        else:
            savepoint.commit()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("customer_search_ai", "customer_search_ad", "customer_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS customer_search")
        op.execute("DROP INDEX IF EXISTS ix_trgm_customers_id_name_search")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_trgm_customers_name_search")
