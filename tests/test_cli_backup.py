"""The command line: ``backup`` and ``restore`` round trip on SQLite files of their own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main
from services import config


def count_customers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM customers").fetchone()[0])
    finally:
        conn.close()


def seed(path: Path, customers: int) -> None:
    args = ["seed", "--customers", str(customers), "--today", "2026-11-23", "--db", str(path)]
    assert main.main(args) == 0


def test_backup_then_restore_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shop = tmp_path / "loja" / "crediario.db"
    seed(shop, 30)
    copy = tmp_path / "copias" / "sexta.db"
    assert main.main(["backup", "--out", str(copy), "--db", str(shop)]) == 0
    out = capsys.readouterr().out
    assert "Cópia de segurança conferida e gravada em" in out and str(copy) in out
    assert count_customers(copy) == 30

    # The shop goes on working; then the copy is put back.
    other = tmp_path / "outra.db"
    seed(other, 5)
    shop.unlink()
    other.rename(shop)
    capsys.readouterr()
    assert main.main(["restore", str(copy), "--db", str(shop)]) == 0
    out = capsys.readouterr().out
    assert "Banco restaurado a partir de" in out
    assert "O banco anterior foi guardado em" in out
    assert count_customers(shop) == 30
    (aside,) = shop.parent.glob("crediario-antes-da-restauracao-*.db")
    assert count_customers(aside) == 5
    assert str(aside) in out


def test_backup_goes_to_the_data_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(config, "data_dir", lambda: tmp_path / "dados")
    shop = tmp_path / "crediario.db"
    assert main.main(["migrate", "--db", str(shop)]) == 0
    assert main.main(["backup", "--db", str(shop)]) == 0
    (copy,) = (tmp_path / "dados" / "backups").glob("crediario-manual-*.db")
    assert str(copy) in capsys.readouterr().out


def test_a_damaged_backup_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shop = tmp_path / "crediario.db"
    seed(shop, 30)
    copy = tmp_path / "copia.db"
    assert main.main(["backup", "--out", str(copy), "--db", str(shop)]) == 0
    size = copy.stat().st_size
    with copy.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xa5" * 4096)
    capsys.readouterr()
    assert main.main(["restore", str(copy), "--db", str(shop)]) == 1
    err = capsys.readouterr().err
    assert "Restauração recusada" in err and "A cópia não foi restaurada" in err
    assert count_customers(shop) == 30
    assert not list(tmp_path.glob("crediario-antes-da-restauracao-*"))


def test_postgresql_is_sent_to_its_server(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://ninguem@127.0.0.1:1/crediario"
    assert main.main(["backup", "--out", "nunca.db", "--database-url", url]) == 1
    assert "use pg_dump no servidor" in capsys.readouterr().err
    assert main.main(["restore", "nunca.db", "--database-url", url]) == 1
    assert "pg_restore" in capsys.readouterr().err
