"""Shared fixtures: a real database for every test (SQLite file, or PostgreSQL in CI).

Set ``CREDIARIO_TEST_DATABASE_URL=postgresql+psycopg://…`` to run the whole suite against a
PostgreSQL server; that database is emptied and migrated at the start of the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from services import db as dbmod
from services.db import Database

PG_URL = os.environ.get("CREDIARIO_TEST_DATABASE_URL", "").strip()

# The fixed "today" of the test suite (a Monday, not a holiday).
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {'postgresql' if PG_URL else 'sqlite'}"


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database.open(path)
    dbmod.upgrade(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    """A database of this pytest process's own on the server, so parallel runs never collide."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(dbmod.normalize_url(PG_URL))
    name = f"{base.database}_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    database = Database.open(url)
    dbmod.upgrade(database)
    database.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_all(database: Database) -> None:
    from models import Base

    names = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # A test may have stamped a newer schema to see it refused; the next one starts clean.
        conn.execute(
            text("UPDATE alembic_version SET version_num = :head"),
            {"head": dbmod.head_revision()},
        )


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database of its own for this test."""
    if PG_URL:
        url: str = request.getfixturevalue("_postgres_url")
        database = Database.open(url)
        truncate_all(database)
    else:
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "crediario.db"
        shutil.copyfile(template, path)
        database = Database.open(path)
    yield database
    database.dispose()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def now() -> datetime:
    return NOW
