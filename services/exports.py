"""The overdue list as CSV and XLSX files, for the shop's spreadsheet.

**CSV, made for Excel in Brazil** (what the shop opens it with): a pt-BR Excel reads a CSV with
the list separator of its locale, ``;``, and the decimal comma, so

- fields are separated by ``;``; amounts are written ``1234,56`` (decimal comma, no thousands
  separator, so Excel reads a number, not text) and days late as a plain integer;
- the file is UTF-8 **with a BOM**: without it Excel reads the accents of "João" as Latin-1;
- lines end with CRLF (the ``csv`` module's default), fields are quoted only when needed;
- one row per customer, in the rows' order, with the columns ``CPF`` (``000.000.000-00``),
  ``Nome``, ``Faixa`` (the band's label), ``Dias de atraso``, ``Principal``, ``Multa``,
  ``Juros``, ``Total`` — what ``python main.py report overdue --csv`` promises (issue 5 §8).

The CPF is written in full: the export is the shop's own working file (a bureau report needs the
CPF); screens and printed lists mask it (LGPD).

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` is prefixed with an apostrophe, so that
a spreadsheet never runs a name as a formula (OWASP, "CSV injection").

**XLSX** (XlsxWriter, write-only): real numbers formatted as BRL (``[$R$-416] #,##0.00``), real
dates formatted ``dd/mm/aaaa``, a bold header row that stays frozen, an autofilter and column
widths that fit the content. Excel keeps every number as a binary double; an amount in cents
converts to the nearest double and reads back as the same two-decimal value.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter

from models import ContactChannel, ContactOutcome, PromiseStatus
from services.overdue import OverdueRow
from services.text import format_cpf

__all__ = ["CSV_HEADER", "XLSX_HEADER", "format_csv_amount", "overdue_csv", "overdue_xlsx"]

CSV_HEADER = ("CPF", "Nome", "Faixa", "Dias de atraso", "Principal", "Multa", "Juros", "Total")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CHANNEL = {
    ContactChannel.WHATSAPP: "WhatsApp",
    ContactChannel.SMS: "SMS",
    ContactChannel.PHONE: "Telefone",
    ContactChannel.EMAIL: "E-mail",
    ContactChannel.LETTER: "Carta",
    ContactChannel.IN_PERSON: "Pessoalmente",
}
_OUTCOME = {
    ContactOutcome.ANSWERED: "atendeu",
    ContactOutcome.NO_ANSWER: "não atendeu",
    ContactOutcome.WRONG_NUMBER: "número errado",
    ContactOutcome.PROMISED: "prometeu pagar",
    ContactOutcome.REFUSED: "recusou",
    ContactOutcome.PAID: "pagou",
    ContactOutcome.SENT: "mensagem enviada",
}
_PROMISE = {PromiseStatus.PENDING: "Pendente", PromiseStatus.BROKEN: "Não cumprida"}


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def format_csv_amount(value: Decimal) -> str:
    """``Decimal("1234.5")`` → ``"1234,50"``: what a pt-BR Excel reads as a number."""
    return f"{value.quantize(Decimal('0.01')):f}".replace(".", ",")


def _csv_line(row: OverdueRow) -> list[str]:
    return [
        format_cpf(row.cpf),
        _safe_text(row.name),
        _safe_text(row.band.label),
        str(row.days_late),
        format_csv_amount(row.principal),
        format_csv_amount(row.fee),
        format_csv_amount(row.interest),
        format_csv_amount(row.total),
    ]


def overdue_csv(rows: Sequence[OverdueRow], out: TextIO | str | Path) -> None:
    """Write the rows as CSV for Excel in Brazil (module doc).

    With a path the file is created with its BOM; a text stream gets the BOM as its first
    character, so open it with ``encoding="utf-8"`` (not ``utf-8-sig``) and ``newline=""``.
    """
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8-sig", newline="") as stream:
            _write_csv(rows, stream)
        return
    out.write("\ufeff")
    _write_csv(rows, out)


def _write_csv(rows: Sequence[OverdueRow], stream: TextIO) -> None:
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_line(row) for row in rows)


# --- XLSX ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    title: str
    kind: str  # "text", "int", "money", "date"
    value: Callable[[OverdueRow], Any]
    width: float  # minimum, in characters


def _phone(row: OverdueRow) -> str:
    return ", ".join(p.formatted for p in row.phones)


def _contact_day(row: OverdueRow) -> date | None:
    return row.last_contact.at.date() if row.last_contact else None


def _contact_text(row: OverdueRow) -> str:
    if row.last_contact is None:
        return ""
    contact = row.last_contact
    return f"{_CHANNEL.get(contact.channel, contact.channel)}: {_OUTCOME.get(contact.outcome, '')}"


_COLUMNS: tuple[_Column, ...] = (
    _Column("CPF", "text", lambda r: format_cpf(r.cpf), 14),
    _Column("Nome", "text", lambda r: r.name, 24),
    _Column("Faixa", "text", lambda r: r.band.label, 12),
    _Column("Dias de atraso", "int", lambda r: r.days_late, 8),
    _Column("Parcelas em atraso", "int", lambda r: r.installments, 8),
    _Column("Vencimento mais antigo", "date", lambda r: r.oldest_due, 11),
    _Column("Principal", "money", lambda r: r.principal, 13),
    _Column("Multa", "money", lambda r: r.fee, 11),
    _Column("Juros", "money", lambda r: r.interest, 11),
    _Column("Total", "money", lambda r: r.total, 13),
    _Column("Perfil", "text", lambda r: r.profile.letter, 6),
    _Column("Cidade", "text", lambda r: r.city, 12),
    _Column("Bairro", "text", lambda r: r.district, 12),
    _Column("Telefones", "text", _phone, 15),
    _Column("Último contato", "date", _contact_day, 11),
    _Column("Resultado do contato", "text", _contact_text, 14),
    _Column("Promessa para", "date", lambda r: r.promise.promised_date if r.promise else None, 11),
    _Column("Valor prometido", "money", lambda r: r.promise.amount if r.promise else None, 13),
    _Column(
        "Situação da promessa",
        "text",
        lambda r: _PROMISE.get(r.promise.status, "") if r.promise else "",
        12,
    ),
    _Column("Negativado em", "date", lambda r: r.bureau_reported_on, 11),
    _Column(
        "Cobrança pausada", "text", lambda r: r.paused_reason or ("Sim" if r.paused else ""), 10
    ),
)

XLSX_HEADER = tuple(column.title for column in _COLUMNS)
_MAX_WIDTH = 50


def overdue_xlsx(rows: Sequence[OverdueRow], path: str | Path) -> None:
    """Write the rows as an XLSX workbook with one sheet, "Inadimplentes" (module doc)."""
    # constant_memory writes each row as it goes: a 100,000-row list never sits in memory twice.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet("Inadimplentes")
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = {
            "money": workbook.add_format({"num_format": "[$R$-416] #,##0.00"}),
            "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
            "int": workbook.add_format({"num_format": "0"}),
        }
        # Widths go before any row in constant-memory mode; measured over the rows first.
        widths = [float(column.width) for column in _COLUMNS]
        for row in rows:
            for i, column in enumerate(_COLUMNS):
                if column.kind == "text":
                    widths[i] = max(widths[i], min(_MAX_WIDTH, len(str(column.value(row))) + 1))
                elif column.kind == "money":
                    value = column.value(row)
                    if value is not None:
                        widths[i] = max(widths[i], len(f"R$ {value:,.2f}") + 1)
        for i, column in enumerate(_COLUMNS):
            sheet.set_column(i, i, widths[i], formats.get(column.kind))
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 0)
        for i, column in enumerate(_COLUMNS):
            sheet.write_string(0, i, column.title, header)
        for r, row in enumerate(rows, start=1):
            for i, column in enumerate(_COLUMNS):
                _write_cell(sheet, r, i, column.kind, column.value(row), formats)
        sheet.autofilter(0, 0, max(1, len(rows)), len(_COLUMNS) - 1)
    finally:
        workbook.close()


def _write_cell(sheet: Any, r: int, c: int, kind: str, value: Any, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if kind == "money":
        # The file format's boundary: an XLSX number is a double. A two-decimal amount below
        # 10^13 reads back from it to the same cent, and the cell is formatted to two decimals.
        sheet.write_number(r, c, float(value), formats["money"])
    elif kind == "int":
        sheet.write_number(r, c, int(value), formats["int"])
    elif kind == "date":
        moment = (
            value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
        )
        sheet.write_datetime(r, c, moment, formats["date"])
    else:
        # write_string, never write(): a name is never read as a formula.
        sheet.write_string(r, c, str(value))
