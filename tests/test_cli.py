"""The command line: help, migrate, info and seed work without a screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import main
from models import Customer
from services.db import Database


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("seed", "migrate", "info", "--demo", "--db", "--database-url"):
        assert word in out


def test_migrate_info_and_seed_on_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "loja.db"
    assert main.main(["migrate", "--db", str(path)]) == 0
    assert main.main(["info", "--db", str(path)]) == 0
    assert "Esquema:" in capsys.readouterr().out
    assert (
        main.main(
            [
                "seed",
                "--customers",
                "40",
                "--sales",
                "90",
                "--today",
                "2026-11-23",
                "--db",
                str(path),
            ]
        )
        == 0
    )
    assert "40 clientes" in capsys.readouterr().out
    database = Database.open(path)
    try:
        with database.unit_of_work() as uow:
            assert uow.session.scalar(select(func.count()).select_from(Customer)) == 40
    finally:
        database.dispose()


def test_a_bad_date_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main.main(["seed", "--today", "23/11/2026"])
    assert info.value.code == 2
    assert "use AAAA-MM-DD" in capsys.readouterr().err
