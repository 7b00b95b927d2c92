"""Backups of the SQLite file: copies that open, damage that is caught, rotation, restore.

These tests open their own SQLite files in ``tmp_path``, so they run the same way when the suite
is pointed at PostgreSQL; only the refusal test uses the PostgreSQL-shaped database.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Base
from services import backup, demo
from services import db as dbmod
from services.backup import BackupDamaged, BackupRefused
from services.db import Database

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in Base.metadata.sorted_tables
        }
    finally:
        conn.close()


def damage(path: Path) -> None:
    """Overwrite 4 KiB in the middle of the file, as a bad sector would."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xa5" * 4096)


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "crediario.db"
    database = Database.open(path)
    try:
        dbmod.upgrade(database)
        demo.generate(database, customers=200, sales=500, today=TODAY)
    finally:
        database.dispose()
    return path


@pytest.fixture
def shop(shop_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo shop, free to damage or replace."""
    path = tmp_path / "loja" / "crediario.db"
    dbmod.backup_sqlite(shop_file, path)
    return path


def test_a_backup_of_the_demo_shop_opens_with_the_same_counts(shop: Path, tmp_path: Path) -> None:
    database = Database.open(shop)
    try:
        copy = backup.backup_to(database, tmp_path / "copias" / "hoje.db")
    finally:
        database.dispose()
    assert copy == tmp_path / "copias" / "hoje.db"
    counts = table_counts(copy)
    assert counts["customers"] == 200
    assert counts["credit_sales"] == 500
    assert counts == table_counts(shop)
    assert backup.check_integrity(copy) is None
    # One self-contained file: no WAL beside it, nothing left half-written.
    assert sorted(p.name for p in copy.parent.iterdir()) == ["hoje.db"]


def test_the_backup_sees_what_was_committed_on_the_open_connection(
    shop: Path, tmp_path: Path
) -> None:
    assert table_counts(shop)["promises_to_pay"] > 0
    database = Database.open(shop)
    try:
        with database.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM promises_to_pay")
        copy = backup.backup_to(database, tmp_path / "copia.db")
    finally:
        database.dispose()
    assert table_counts(copy)["promises_to_pay"] == 0


def test_a_damaged_copy_is_reported_and_refused_by_restore(shop: Path, tmp_path: Path) -> None:
    database = Database.open(shop)
    try:
        copy = backup.backup_to(database, tmp_path / "copia.db")
    finally:
        database.dispose()
    before = table_counts(shop)
    damage(copy)
    problem = backup.check_integrity(copy)
    assert problem is not None
    assert "danificado" in problem or "não pôde ser lido" in problem
    with pytest.raises(BackupDamaged, match="A cópia não foi restaurada"):
        backup.restore(copy, shop, now=NOW)
    # Nothing moved: the shop's file is where it was, whole.
    assert table_counts(shop) == before
    assert not list(shop.parent.glob("crediario-antes-da-restauracao-*"))


def test_a_missing_or_foreign_file_is_explained(tmp_path: Path) -> None:
    assert "não existe" in (backup.check_integrity(tmp_path / "nada.db") or "")
    text = tmp_path / "notas.db"
    text.write_text("isto não é um banco de dados" * 100, encoding="utf-8")
    assert "não pôde ser lido" in (backup.check_integrity(text) or "")


def test_a_database_file_that_is_not_there_is_not_copied(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "sumiu.db")
    try:
        with pytest.raises(BackupRefused, match="não existe"):
            backup.backup_to(database, tmp_path / "copia.db")
    finally:
        database.dispose()
    assert not (tmp_path / "copia.db").exists()


def test_latest_good_backup_skips_a_damaged_newer_one(shop: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copias"
    assert backup.latest_good_backup(folder) is None
    database = Database.open(shop)
    try:
        older = backup.backup_to(database, folder / "crediario-2026-11-22.db")
        newer = backup.backup_to(database, folder / "crediario-2026-11-23.db")
    finally:
        database.dispose()
    os.utime(older, (1_000_000_000, 1_000_000_000))
    assert backup.latest_good_backup(folder) == newer
    damage(newer)
    assert backup.latest_good_backup(folder) == older


def test_postgresql_is_refused_with_pg_dump_advice() -> None:
    database = Database.open("postgresql+psycopg://ninguem@127.0.0.1:1/crediario")
    try:
        with pytest.raises(BackupRefused, match="use pg_dump no servidor"):
            backup.backup_to(database, Path("nunca.db"))
        assert backup.automatic_backup(database, Path("nunca"), now=NOW) is None
    finally:
        database.dispose()


# --- rotation ---------------------------------------------------------------------------------


def walk(first: date, days: int, *, skip_sundays: bool = False) -> set[date]:
    """Run the rotation every day from ``first``: what copies are on disk at the end."""
    on_disk: set[date] = set()
    for n in range(days):
        day = first + timedelta(days=n)
        if skip_sundays and day.isoweekday() == 7:
            continue
        on_disk.add(day)
        on_disk = backup.to_keep(((d, d) for d in on_disk), day)
    return on_disk


def test_a_walked_calendar_keeps_seven_days_and_four_weeks() -> None:
    kept = walk(date(2026, 9, 1), 84)  # through Monday 2026-11-23
    last = date(2026, 9, 1) + timedelta(days=83)
    assert last == TODAY
    daily = sorted(kept, reverse=True)[:7]
    assert daily == [TODAY - timedelta(days=n) for n in range(7)]
    weekly = sorted(kept - set(daily), reverse=True)
    # The Sunday of each of the 4 weeks before the oldest daily copy's week (17/11, week 47).
    assert weekly == [date(2026, 11, 15), date(2026, 11, 8), date(2026, 11, 1), date(2026, 10, 25)]
    assert len(kept) == 11


def test_every_day_of_a_long_walk_ends_with_exactly_eleven_copies() -> None:
    first = date(2026, 1, 1)
    on_disk: set[date] = set()
    for n in range(120):
        day = first + timedelta(days=n)
        on_disk.add(day)
        on_disk = backup.to_keep(((d, d) for d in on_disk), day)
        if n >= 7 + 4 * 7 + 6:
            assert len(on_disk) == 11, day
            weeks = {d.isocalendar()[:2] for d in sorted(on_disk)[:4]}
            assert len(weeks) == 4


def test_a_shop_closed_on_sundays_keeps_saturdays_as_weekly() -> None:
    kept = walk(date(2026, 9, 1), 84, skip_sundays=True)
    assert len(kept) == 11
    weekly = sorted(kept, reverse=True)[7:]
    assert all(d.isoweekday() == 6 for d in weekly)


def test_a_young_install_keeps_everything() -> None:
    days = [TODAY - timedelta(days=n) for n in range(5)]
    assert backup.to_keep(((d, d) for d in days), TODAY) == set(days)


@given(
    st.sets(st.dates(date(2025, 1, 1), date(2026, 11, 23)), max_size=60),
    st.dates(date(2026, 11, 23), date(2026, 12, 31)),
)
def test_rotation_keeps_the_newest_and_at_most_eleven(days: set[date], today: date) -> None:
    kept = backup.to_keep(((d, d) for d in days), today)
    newest = sorted(days, reverse=True)
    assert set(newest[:7]) <= kept
    assert len(kept) <= 11
    older = [d for d in kept if d not in newest[:7]]
    assert len({d.isocalendar()[:2] for d in older}) == len(older) <= 4


def test_automatic_backup_once_a_day_with_rotation(shop: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copias"
    folder.mkdir()
    manual = folder / "crediario-manual-2026-01-01-090000.db"
    manual.write_bytes(b"")
    database = Database.open(shop)
    try:
        start = datetime(2026, 10, 1, 18, 0)
        made = []
        for n in range(60):
            now = start + timedelta(days=n)
            made.append(backup.automatic_backup(database, folder, now=now))
            again = backup.automatic_backup(database, folder, now=now + timedelta(hours=3))
            assert again is None
    finally:
        database.dispose()
    assert made[-1] == folder / "crediario-2026-11-29.db"
    names = sorted(p.name for p in folder.iterdir())
    assert manual.name in names  # never rotated away
    assert len([n for n in names if n != manual.name]) == 11
    assert table_counts(folder / "crediario-2026-11-29.db")["customers"] == 200


# --- restore ----------------------------------------------------------------------------------


def previous_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(dbmod._alembic_config())
    down = script.get_revision(dbmod.head_revision()).down_revision
    assert isinstance(down, str)
    return down


def test_restore_keeps_the_old_file_aside_and_migrates(shop: Path, tmp_path: Path) -> None:
    from alembic import command

    old = tmp_path / "antiga.db"
    database = Database.open(old)
    try:
        with database.engine.begin() as conn:
            command.upgrade(dbmod._alembic_config(conn), previous_revision())
        assert dbmod.current_revision(database) == previous_revision()
    finally:
        database.dispose()
    shop_counts = table_counts(shop)

    result = backup.restore(old, shop, now=NOW)

    aside = shop.parent / "crediario-antes-da-restauracao-2026-11-23-103000.db"
    assert result.set_aside == aside
    assert result.migrated is True
    assert table_counts(aside) == shop_counts  # the shop's data, whole, kept aside
    assert backup.check_integrity(aside) is None
    database = Database.open(shop)
    try:
        assert dbmod.current_revision(database) == dbmod.head_revision()
    finally:
        database.dispose()
    assert table_counts(shop)["customers"] == 0
    assert "guardado em" in result.describe()

    # And back: the file set aside restores the shop, itself set aside in turn.
    later = datetime(2026, 11, 23, 11, 0)
    again = backup.restore(aside, shop, now=later)
    assert again.migrated is False
    assert table_counts(shop) == shop_counts
    assert again.set_aside is not None and again.set_aside.exists()


def test_restore_onto_a_missing_file_just_puts_the_copy_there(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "nova" / "crediario.db"
    result = backup.restore(shop, target, now=NOW)
    assert result.set_aside is None
    assert table_counts(target) == table_counts(shop)


def test_restore_of_a_newer_schema_puts_the_old_file_back(shop: Path, tmp_path: Path) -> None:
    newer = tmp_path / "futura.db"
    dbmod.backup_sqlite(shop, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    conn.commit()
    conn.close()
    before = table_counts(shop)
    with pytest.raises(dbmod.DatabaseTooNew):
        backup.restore(newer, shop, now=NOW)
    assert table_counts(shop) == before
    assert not list(shop.parent.glob("crediario-antes-da-restauracao-*"))
