"""Alembic environment: migrations run from the app (services.db.upgrade) or from the CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from models import Base

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # Search helpers created by hand in migrations (FTS5 tables, trigram indexes) are not models.
    if type_ == "table" and name is not None and name.startswith("customer_search"):
        return False
    return not (type_ == "index" and name is not None and name.startswith("ix_trgm_"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url in alembic.ini (a scratch database)")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
