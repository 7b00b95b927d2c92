"""Backups of the SQLite file: online copies, daily rotation, integrity checks and restore.

A copy is taken with SQLite's online backup API through the engine's own DBAPI connection, so it
is consistent while other connections read and write; every copy is then checked with
``PRAGMA quick_check`` (0.27 s on a 115 MiB file, ENGINEERING.md). Automatic copies are named by
day (``crediario-AAAA-MM-DD.db``) and rotated: the 7 latest daily copies, plus the newest copy of
each of the 4 latest ISO weeks older than the oldest daily one. A PostgreSQL database is backed up
on its server (``pg_dump``), never here. Time is always a parameter.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from services import config
from services import db as dbmod
from services.db import Database, DatabaseError

__all__ = [
    "DAILY_KEPT",
    "WEEKLY_KEPT",
    "BackupDamaged",
    "BackupRefused",
    "RestoreResult",
    "automatic_backup",
    "backup_folder",
    "backup_to",
    "check_integrity",
    "daily_name",
    "latest_good_backup",
    "manual_name",
    "restore",
    "to_keep",
]

DAILY_KEPT = 7
WEEKLY_KEPT = 4

_DAILY = re.compile(r"^crediario-(\d{4}-\d{2}-\d{2})\.db$")
_SIDE_FILES = ("-wal", "-shm", "-journal")

T = TypeVar("T")


class BackupRefused(DatabaseError):
    """The database cannot be copied from here (PostgreSQL, or a file that is not there)."""


class BackupDamaged(DatabaseError):
    """A copy failed its integrity check: it is never used to restore."""


def backup_folder() -> Path:
    """Where copies go by default: ``backups/`` in the user's data folder."""
    return config.data_dir() / "backups"


def daily_name(day: date) -> str:
    return f"crediario-{day:%Y-%m-%d}.db"


def manual_name(now: datetime) -> str:
    # Not the daily pattern: rotation never deletes a copy someone asked for.
    return f"crediario-manual-{now:%Y-%m-%d-%H%M%S}.db"


def _sqlite_only(database: Database) -> Path:
    path = database.sqlite_path
    if path is None:
        raise BackupRefused(
            "Este banco é PostgreSQL: a cópia de segurança é feita no servidor — use pg_dump "
            "no servidor."
        )
    return path


def check_integrity(path: Path) -> str | None:
    """``None`` when ``PRAGMA quick_check`` says ok; otherwise what SQLite reported, to show."""
    if not path.is_file():
        return f"O arquivo {path} não existe."
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"O arquivo {path.name} não pôde ser lido como banco de dados: {exc}."
    problems = [str(row[0]) for row in rows]
    if problems == ["ok"]:
        return None
    shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
    return f"O arquivo {path.name} está danificado: {shown}."


def backup_to(database: Database, path: Path) -> Path:
    """Copy the live SQLite database to ``path`` (replacing it) and check the copy.

    The copy is written next to ``path`` first and renamed only once it passes ``quick_check``,
    so a failed copy never replaces a good one. It is a single file (rollback journal, not WAL).
    """
    source_path = _sqlite_only(database)
    if not source_path.is_file():
        raise BackupRefused(f"O banco {source_path} não existe: não há o que copiar.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".parcial")
    partial.unlink(missing_ok=True)
    raw = database.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        raw.close()
    problem = check_integrity(partial)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise BackupDamaged(f"A cópia de segurança saiu com defeito e foi descartada. {problem}")
    os.replace(partial, path)
    return path


def to_keep(files_with_dates: Iterable[tuple[T, date]], today: date) -> set[T]:
    """Which automatic copies survive rotation on ``today``.

    The :data:`DAILY_KEPT` latest days, then the newest copy of each of the :data:`WEEKLY_KEPT`
    latest ISO weeks older than the oldest daily copy's week. Copies dated after ``today`` (a
    clock that was wrong) are kept and left out of the count.
    """
    items = sorted(files_with_dates, key=lambda item: item[1], reverse=True)
    keep = {item for item, day in items if day > today}
    past = [(item, day) for item, day in items if day <= today]
    daily = past[:DAILY_KEPT]
    keep.update(item for item, _day in daily)
    if len(daily) < DAILY_KEPT:
        return keep
    oldest_week = daily[-1][1].isocalendar()[:2]
    weeks: dict[tuple[int, int], T] = {}
    for item, day in past[DAILY_KEPT:]:
        week = day.isocalendar()[:2]
        if week < oldest_week and week not in weeks and len(weeks) < WEEKLY_KEPT:
            weeks[week] = item  # newest first, so the first seen is the week's newest
    keep.update(weeks.values())
    return keep


def _daily_backups(folder: Path) -> list[tuple[Path, date]]:
    found = []
    for path in folder.glob("crediario-*.db"):
        match = _DAILY.match(path.name)
        if match:
            try:
                found.append((path, date.fromisoformat(match.group(1))))
            except ValueError:
                continue
    return found


def automatic_backup(database: Database, folder: Path, *, now: datetime) -> Path | None:
    """Today's copy if there is none yet (at most one a day), then rotate; None if already done.

    A PostgreSQL database returns None: its backups belong to the server.
    """
    if database.sqlite_path is None:
        return None
    folder = Path(folder)
    target = folder / daily_name(now.date())
    if target.exists():
        return None
    backup_to(database, target)
    copies = _daily_backups(folder)
    keep = to_keep(copies, now.date())
    for path, _day in copies:
        if path not in keep:
            path.unlink(missing_ok=True)
    return target


def latest_good_backup(folder: Path) -> Path | None:
    """The most recent copy in ``folder`` that passes the integrity check."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    copies = sorted(
        (p for p in folder.glob("*.db") if p.is_file()),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )
    for path in copies:
        if check_integrity(path) is None:
            return path
    return None


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    target: Path
    set_aside: Path | None  # the file that was in place, kept (never deleted)
    migrated: bool  # the schema was brought up to this version of the program

    def describe(self) -> str:
        lines = [f"Banco restaurado a partir de {self.restored_from} em {self.target}."]
        if self.set_aside is not None:
            lines.append(f"O banco anterior foi guardado em {self.set_aside}.")
        lines.append(
            "Esquema atualizado para esta versão do programa."
            if self.migrated
            else "O esquema já estava na versão deste programa."
        )
        return "\n".join(lines)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so the file set aside is complete on its own."""
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # a damaged file: its side files are moved along with it below


def _move_with_side_files(source: Path, dest: Path) -> None:
    for suffix in _SIDE_FILES:
        side = source.with_name(source.name + suffix)
        if side.exists():
            os.replace(side, dest.with_name(dest.name + suffix))
    os.replace(source, dest)


def restore(backup_path: Path, target_path: Path, *, now: datetime) -> RestoreResult:
    """Put a checked copy in place of the database file, keeping the current file aside.

    Nobody may have the database open. The current file is renamed to
    ``crediario-antes-da-restauracao-<data-hora>.db`` in the same folder, never deleted; the copy
    is then migrated to this program's schema. If the migration fails, the previous file goes
    back where it was.
    """
    backup_path = Path(backup_path)
    target_path = Path(target_path)
    problem = check_integrity(backup_path)
    if problem is not None:
        raise BackupDamaged(f"A cópia não foi restaurada. {problem}")
    if backup_path.resolve() == target_path.resolve():
        raise BackupRefused("A cópia escolhida é o próprio banco em uso: nada a restaurar.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = target_path.with_name(target_path.name + ".restaurando")
    shutil.copyfile(backup_path, incoming)
    set_aside: Path | None = None
    if target_path.exists():
        _checkpoint(target_path)
        set_aside = target_path.with_name(
            f"crediario-antes-da-restauracao-{now:%Y-%m-%d-%H%M%S}.db"
        )
        _move_with_side_files(target_path, set_aside)
    for suffix in _SIDE_FILES:  # side files of nothing would be applied to the copy
        target_path.with_name(target_path.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, target_path)
    database = Database.open(target_path)
    try:
        migrated = dbmod.upgrade(database)
    except BaseException:
        database.dispose()
        target_path.unlink(missing_ok=True)
        for suffix in _SIDE_FILES:
            target_path.with_name(target_path.name + suffix).unlink(missing_ok=True)
        if set_aside is not None:
            _move_with_side_files(set_aside, target_path)
        raise
    database.dispose()
    return RestoreResult(backup_path, target_path, set_aside, migrated)
