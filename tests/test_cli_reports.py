"""``python main.py report day|overdue``: the end-of-day PDF and the overdue list, no screen."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import main
from services import demo, reports
from services import overdue as od
from services.db import Database
from services.exports import CSV_HEADER
from services.money import format_brl
from tests.documents.conftest import normalized_text, save_png

DAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _invariant_pdfs() -> Iterator[None]:
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before


def _where(db: Database) -> list[str]:
    """The options that point the command line at the test's database (either backend)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return ["--db", str(url.database)]
    return ["--database-url", url.render_as_string(hide_password=False)]


@pytest.fixture
def shop(db: Database) -> Database:
    demo.generate(db, customers=60, sales=150, today=DAY, seed=11)
    return db


def test_report_day_writes_the_pdf_and_prints_its_path(
    shop: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "saida" / "dia.pdf"
    code = main.main(["report", "day", "--date", "2026-11-23", "--out", str(out), *_where(shop)])
    assert code == 0
    assert capsys.readouterr().out.startswith(str(out))
    pdf = out.read_bytes()
    save_png(pdf, "cli-fechamento-do-dia")
    text = " ".join(normalized_text(pdf))
    with shop.unit_of_work() as uow:
        rows = od.overdue_rows(uow.session, DAY)
    total = sum((r.total for r in rows), Decimal(0))
    assert "Fechamento do dia 23/11/2026 (segunda-feira)" in text
    assert "por linha de comando" in text
    assert f"Em atraso (com encargos) {len(rows)} clientes — {format_brl(total)}" in text
    assert "Atenção" not in text


def test_report_overdue_csv_has_one_row_per_late_customer(
    shop: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv, out_xlsx = tmp_path / "atraso.csv", tmp_path / "atraso.xlsx"
    code = main.main(
        [
            "report",
            "overdue",
            "--date",
            "2026-11-23",
            "--csv",
            str(out_csv),
            "--xlsx",
            str(out_xlsx),
            *_where(shop),
        ]
    )
    assert code == 0
    with shop.unit_of_work() as uow:
        rows = reports.overdue_report_rows(uow.session, DAY)
    assert f"({len(rows)} clientes em atraso em 23/11/2026)" in capsys.readouterr().out

    with open(out_csv, encoding="utf-8-sig", newline="") as stream:
        header, *lines = list(csv.reader(stream, delimiter=";"))
    assert tuple(header) == CSV_HEADER
    assert len(lines) == len(rows) > 0
    for line, row in zip(lines, rows, strict=True):
        assert line == [
            row.cpf_formatted,
            row.name,
            row.band.label,
            str(row.days_late),
            f"{row.principal:.2f}".replace(".", ","),
            f"{row.fee:.2f}".replace(".", ","),
            f"{row.interest:.2f}".replace(".", ","),
            f"{row.total:.2f}".replace(".", ","),
        ]
    sheet = openpyxl.load_workbook(out_xlsx).active
    assert sheet is not None
    assert sheet.max_row == len(rows) + 1


def test_report_date_defaults_to_today(
    shop: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "atraso.csv"
    assert main.main(["report", "overdue", "--csv", str(out), *_where(shop)]) == 0
    assert f"em atraso em {date.today():%d/%m/%Y})" in capsys.readouterr().out


def test_errors_are_explained_in_portuguese(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No shop identity yet: the report would lack the creditor (CDC art. 42-A).
    code = main.main(["report", "day", "--out", str(tmp_path / "dia.pdf"), *_where(db)])
    assert code == 1
    err = capsys.readouterr().err
    assert "Não foi possível gerar o relatório" in err
    assert "Complete os dados da loja" in err
    assert not (tmp_path / "dia.pdf").exists()

    assert main.main(["report", "overdue", *_where(db)]) == 1
    assert "--csv ARQUIVO" in capsys.readouterr().err

    blocked = tmp_path / "arquivo"
    blocked.write_text("")
    code = main.main(["report", "overdue", "--csv", str(blocked / "atraso.csv"), *_where(db)])
    assert code == 1
    assert "Não foi possível gravar" in capsys.readouterr().err


def test_help_lists_the_reports(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main.main(["report", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "day" in out and "overdue" in out
