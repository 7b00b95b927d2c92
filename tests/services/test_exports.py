"""The overdue list exported: the CSV and the XLSX read back equal the rows on screen."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from services import demo, exports
from services import overdue as od
from services.db import Database
from services.text import format_cpf

D = Decimal
TODAY = date(2026, 11, 23)


@pytest.fixture
def demo_rows(db: Database) -> list[od.OverdueRow]:
    demo.create_demo_shop(db, today=TODAY)
    with db.unit_of_work() as uow:
        return od.overdue_rows(uow.session, TODAY)


def _amount(text: str) -> Decimal:
    assert "." not in text  # decimal comma, no thousands separator
    return Decimal(text.replace(",", "."))


def test_csv_reads_back_as_the_rows(demo_rows: list[od.OverdueRow], tmp_path: Path) -> None:
    path = tmp_path / "inadimplentes.csv"
    exports.overdue_csv(demo_rows, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    assert b"\r\n" in raw
    with open(path, encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert (
        tuple(lines[0])
        == exports.CSV_HEADER
        == (
            "CPF",
            "Nome",
            "Faixa",
            "Dias de atraso",
            "Principal",
            "Multa",
            "Juros",
            "Total",
        )
    )
    assert len(lines) == len(demo_rows) + 1
    for line, row in zip(lines[1:], demo_rows, strict=True):
        cpf, name, band, days, principal, fee, interest, total = line
        assert (cpf, name, band, int(days)) == (
            format_cpf(row.cpf),
            row.name,
            row.band.label,
            row.days_late,
        )
        assert len(cpf) == 14 and cpf[3] == "." and cpf[11] == "-"
        assert (_amount(principal), _amount(fee), _amount(interest), _amount(total)) == (
            row.principal,
            row.fee,
            row.interest,
            row.total,
        )


def test_csv_to_a_stream_and_its_wording(demo_rows: list[od.OverdueRow]) -> None:
    row = replace(
        demo_rows[0],
        name="=HIPERLINK(x)",
        principal=D("1234.5"),
        fee=D("0"),
        interest=D("12.34"),
        total=D("1246.84"),
    )
    out = io.StringIO(newline="")
    exports.overdue_csv([row], out)
    text = out.getvalue()
    assert text.startswith("\ufeffCPF;Nome;Faixa;Dias de atraso;")
    line = text.splitlines()[1].split(";")
    # A name is never run as a formula; amounts with a decimal comma, always two places.
    assert line[1] == "'=HIPERLINK(x)"
    assert line[4:] == ["1234,50", "0,00", "12,34", "1246,84"]
    assert exports.format_csv_amount(D("0.1")) == "0,10"


def test_xlsx_reads_back_as_the_rows(demo_rows: list[od.OverdueRow], tmp_path: Path) -> None:
    path = tmp_path / "inadimplentes.xlsx"
    exports.overdue_xlsx(demo_rows, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Inadimplentes"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == exports.XLSX_HEADER
    col = {title: i for i, title in enumerate(header)}
    assert sheet.max_row == len(demo_rows) + 1
    for values, row in zip(sheet.iter_rows(min_row=2), demo_rows, strict=True):

        def cell(title: str, values: tuple[Any, ...] = values) -> object:
            return values[col[title]].value

        def money(title: str, values: tuple[Any, ...] = values) -> Decimal:
            c = values[col[title]]
            assert "R$" in c.number_format
            assert isinstance(c.value, int | float)
            return Decimal(repr(c.value)).quantize(D("0.01"))

        assert (cell("CPF"), cell("Nome"), cell("Faixa"), cell("Dias de atraso")) == (
            format_cpf(row.cpf),
            row.name,
            row.band.label,
            row.days_late,
        )
        assert (money("Principal"), money("Multa"), money("Juros"), money("Total")) == (
            row.principal,
            row.fee,
            row.interest,
            row.total,
        )
        oldest = values[col["Vencimento mais antigo"]]
        assert oldest.value == datetime.combine(row.oldest_due, datetime.min.time())
        assert oldest.number_format == "dd/mm/yyyy"
        assert cell("Perfil") == row.profile.letter
        assert cell("Parcelas em atraso") == row.installments
        if row.last_contact is not None:
            assert cell("Último contato") == datetime.combine(
                row.last_contact.at.date(), datetime.min.time()
            )
        if row.promise is not None:
            assert money("Valor prometido") == row.promise.amount
    # Wide enough for the names and the amounts.
    assert sheet.column_dimensions["B"].width >= 24


def test_empty_exports(tmp_path: Path) -> None:
    exports.overdue_csv([], tmp_path / "vazio.csv")
    assert (tmp_path / "vazio.csv").read_text(encoding="utf-8-sig").count("\n") == 1
    exports.overdue_xlsx([], tmp_path / "vazio.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "vazio.xlsx").active
    assert sheet is not None and sheet.max_row == 1
