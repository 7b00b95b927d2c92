"""The schema the migrations build is the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import models
from services import db as dbmod
from services.db import Database, DatabaseTooNew

_EXCLUDED_TABLE_PREFIXES = ("customer_search",)
_EXCLUDED_INDEX_PREFIXES = ("ix_trgm_",)


def _include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.startswith(_EXCLUDED_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name and name.startswith(_EXCLUDED_INDEX_PREFIXES))


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        diff = compare_metadata(context, models.Base.metadata)
    assert diff == []


def test_database_is_at_head(db: Database) -> None:
    assert dbmod.current_revision(db) == dbmod.head_revision()
    assert dbmod.upgrade(db) is False  # nothing left to apply


def test_check_constraints_exist_in_the_database(db: Database) -> None:
    checks = {c["name"] for c in inspect(db.engine).get_check_constraints("installments")}
    assert "ck_installments_one_origin" in checks
    assert "ck_installments_principal_paid_range" in checks


def test_a_newer_database_is_refused_and_left_untouched(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(DatabaseTooNew, match="versão mais nova"):
        dbmod.upgrade(db)
    assert dbmod.current_revision(db) == "ffff9999"


def test_a_new_sqlite_file_is_created_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "loja.db"
    database = Database.open(path)
    try:
        assert dbmod.upgrade(database) is True
        assert dbmod.has_schema(database)
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        database.dispose()
    assert not list(tmp_path.glob("sub/*.bak"))  # nothing to back up on a new file


def test_upgrading_an_existing_sqlite_file_backs_it_up_first(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "loja.db"
    database = Database.open(path)
    try:
        with database.engine.begin() as conn:
            command.upgrade(dbmod._alembic_config(conn), "0001")
        if dbmod.head_revision() == "0001":
            # Pretend the file predates the first migration's stamp to exercise the backup.
            with database.engine.begin() as conn:
                conn.execute(text("DELETE FROM alembic_version"))
                conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
            assert dbmod.upgrade(database) is False
            return
        assert dbmod.upgrade(database) is True
    finally:
        database.dispose()
    backups = list(tmp_path.glob("loja.antes-*.bak"))
    assert len(backups) == 1
