"""Engine, unit of work and schema migrations.

SQLite is the embedded default; several counters share one PostgreSQL server. Everything that
writes money goes through :class:`UnitOfWork` with ``write=True``, which on SQLite takes the write
lock at BEGIN (``BEGIN IMMEDIATE``) so that a read-then-write is one transaction: a plain
read-then-write double-paid 20 races out of 20 (ENGINEERING.md).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "models" / "migrations"


class DatabaseError(Exception):
    """A database problem explained in Portuguese for the person in front of the screen."""


class DatabaseTooNew(DatabaseError):
    pass


def normalize_url(url_or_path: str | Path) -> str:
    """Accept a SQLAlchemy URL or a plain file path (``--db PATH``)."""
    text = str(url_or_path)
    if "://" in text:
        url = make_url(text)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _install_sqlite_hooks(engine: Engine) -> None:
    # The recipe from SQLAlchemy's SQLite dialect docs: let SQLAlchemy emit BEGIN itself, so a
    # transaction really starts at the first SELECT and can ask for the write lock up front.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        # Money commits must survive a power cut; FULL costs 0.27 ms a commit (ENGINEERING.md).
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | Path, *, echo: bool = False) -> Engine:
    url_text = normalize_url(url)
    if url_text.startswith("sqlite"):
        database = make_url(url_text).database
        if database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url_text, echo=echo, connect_args={"timeout": 10})
        _install_sqlite_hooks(engine)
        return engine
    return create_engine(
        url_text, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )


@dataclass
class Database:
    """An engine plus the session factory the units of work use."""

    engine: Engine

    @classmethod
    def open(cls, url: str | Path) -> Database:
        return cls(make_engine(url))

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.engine.url.database:
            return None
        return Path(self.engine.url.database)

    def unit_of_work(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self, write=write)

    def new_session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """A Session around one transaction: commit explicitly, roll back by default."""

    session: Session

    def __init__(self, db: Database, *, write: bool = False) -> None:
        self.db = db
        self.write = write

    def __enter__(self) -> UnitOfWork:
        self.session = self.db.new_session()
        if self.write and self.db.is_sqlite:
            self.session.connection(execution_options={"sqlite_immediate": True})
        return self

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        # After SQLITE_FULL SQLite has already rolled back; only roll back what is still open.
        if self.session.in_transaction():
            self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self.session.close()


# --- migrations --------------------------------------------------------------------------------


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(db: Database) -> None:
    """Refuse a database written by a newer Crediário: this version cannot know its schema."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    current = current_revision(db)
    if current is None:
        return
    script = ScriptDirectory.from_config(_alembic_config())
    try:
        script.get_revision(current)
    except (CommandError, KeyError, Exception) as exc:  # alembic raises ResolutionError
        raise DatabaseTooNew(
            "Este banco de dados foi atualizado por uma versão mais nova do Crediário "
            f"(esquema {current}). Atualize o programa neste computador antes de abri-lo; "
            "nada foi alterado."
        ) from exc


def backup_sqlite(path: Path, target: Path) -> Path:
    """Copy a live SQLite file with the online backup API (safe while others read it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def upgrade(db: Database) -> bool:
    """Bring the schema to the head revision; returns True when anything was applied.

    Alembic on SQLite runs DDL outside a transaction, so an existing file is backed up first.
    """
    from alembic import command

    check_not_newer(db)
    current = current_revision(db)
    head = head_revision()
    if current == head:
        return False
    path = db.sqlite_path
    if path is not None and current is not None and path.exists():
        backup_sqlite(path, path.with_name(f"{path.stem}.antes-{head}{path.suffix}.bak"))
    with db.engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return True


def has_schema(db: Database) -> bool:
    return "customers" in inspect(db.engine).get_table_names()


@contextmanager
def session_scope(db: Database) -> Iterator[Session]:
    """A read-only session for screens and reports (always rolled back)."""
    with db.unit_of_work() as uow:
        yield uow.session


def copy_file(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
