"""Table models of the Clientes workspace: rows from the services, answered by role.

Each model holds a list of the service's frozen rows and a column table; roles are resolved once
at module level (ENGINEERING.md: building role lookups per ``data()`` call costs 3.6×). Sorting
and filtering happen in SQL, never in a proxy model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from services.bands import Band
from services.customers import (
    AuditLine,
    ContactLine,
    OpenInstallment,
    PaymentLine,
    PromiseLine,
    SearchHit,
)
from services.money import format_brl
from ui.widgets import BAND_ROLE

DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
# The id of the row's record (customer, installment, payment), for selection and tests.
ID_ROLE = Qt.ItemDataRole.UserRole + 2

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

MUTED = QColor("#6b6f76")
ALERT = QColor("#a1261b")

Index = QModelIndex | QPersistentModelIndex


def format_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def describe_days_late(days: int) -> str:
    """The Atraso cell: days late, "hoje" on the due date, blank before it."""
    if days > 0:
        return "1 dia" if days == 1 else f"{days} dias"
    return "hoje" if days == 0 else ""


def _due_tooltip(item: OpenInstallment) -> str:
    if item.days_late > 0:
        return f"Venceu há {describe_days_late(item.days_late)}"
    if item.days_late == 0:
        return "Vence hoje"
    return "Vence amanhã" if item.days_late == -1 else f"Vence em {-item.days_late} dias"


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    align: Qt.AlignmentFlag = LEFT
    band: Callable[[Any], Band | None] | None = None
    tooltip: Callable[[Any], str] | None = None
    foreground: Callable[[Any], QColor | None] | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows, described by a column table."""

    columns: Sequence[Column] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    # --- content ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def row_id(self, row: Any) -> int:
        raise NotImplementedError

    def row_of_id(self, record_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if self.row_id(row) == record_id:
                return i
        return None

    # --- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        if role == DISPLAY:
            return column.text(row)
        if role == ALIGN:
            return column.align
        if role == BAND_ROLE:
            return column.band(row) if column.band else None
        if role == TOOLTIP:
            if column.tooltip:
                return column.tooltip(row)
            if column.band:
                band = column.band(row)
                return f"Faixa de atraso: {band.label}" if band else None
            return None
        if role == FOREGROUND:
            return column.foreground(row) if column.foreground else None
        if role == ID_ROLE:
            return self.row_id(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == DISPLAY:
            return self.columns[section].header
        if role == ALIGN:
            return self.columns[section].align
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


def _money(value: Decimal) -> str:
    return format_brl(value)


def _blocked_colour(hit: SearchHit) -> QColor | None:
    return ALERT if hit.blocked else None


class CustomerListModel(RowsModel):
    """The customer list: name, masked CPF (LGPD), city and band chip."""

    columns = (
        Column(
            "Nome",
            lambda h: h.name,
            tooltip=lambda h: f"{h.name} — bloqueado para novas compras" if h.blocked else h.name,
            foreground=_blocked_colour,
        ),
        Column("CPF", lambda h: h.cpf_masked),
        Column("Cidade", lambda h: h.city, tooltip=lambda h: h.place),
        Column("Faixa", lambda h: h.band_label or "", band=lambda h: h.band),
    )
    BAND_COLUMN = 3

    def row_id(self, row: SearchHit) -> int:
        return row.customer_id


def _late_colour(item: OpenInstallment) -> QColor | None:
    return ALERT if item.days_late > 0 else None


class InstallmentsModel(RowsModel):
    """Open installments with what each costs today, and its band."""

    columns = (
        Column("Parcela", lambda i: i.fraction, CENTER),
        Column("Origem", lambda i: i.origin, tooltip=lambda i: i.origin),
        Column("Vencimento", lambda i: format_date(i.due_date), CENTER, tooltip=_due_tooltip),
        Column("Atraso", lambda i: describe_days_late(i.days_late), RIGHT, foreground=_late_colour),
        Column("Valor", lambda i: _money(i.amount), RIGHT),
        Column(
            "Saldo",
            lambda i: _money(i.open_principal),
            RIGHT,
            tooltip=lambda i: f"Já pago: {_money(i.principal_paid)}" if i.principal_paid else "",
        ),
        Column("Multa", lambda i: _money(i.fee), RIGHT),
        Column("Juros", lambda i: _money(i.interest), RIGHT),
        Column("Total hoje", lambda i: _money(i.total), RIGHT),
        Column("Faixa", lambda i: i.band.label, band=lambda i: i.band),
    )
    BAND_COLUMN = 9

    def row_id(self, row: OpenInstallment) -> int:
        return row.installment_id


def _payment_status(p: PaymentLine) -> str:
    if p.is_reversal:
        return "Estorno"
    return "Estornado" if p.reversed else "Recebido"


def _payment_colour(p: PaymentLine) -> QColor | None:
    return MUTED if p.reversed or p.is_reversal else None


class PaymentsModel(RowsModel):
    columns = (
        Column(
            "Data", lambda p: format_datetime(p.received_at), CENTER, foreground=_payment_colour
        ),
        Column("Valor", lambda p: _money(p.amount), RIGHT, foreground=_payment_colour),
        Column("Forma", lambda p: p.method, foreground=_payment_colour),
        Column("Parcelas", lambda p: p.installments, foreground=_payment_colour),
        Column("Situação", _payment_status, foreground=_payment_colour),
        Column("Operador", lambda p: p.operator, foreground=_payment_colour),
    )

    def row_id(self, row: PaymentLine) -> int:
        return row.payment_id


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the Histórico tab: a contact, a promise or an audited change."""

    at: datetime
    kind: str
    description: str
    operator: str
    entry_id: int


def history_entries(
    contacts: Sequence[ContactLine],
    promises: Sequence[PromiseLine],
    audit: Sequence[AuditLine],
) -> list[HistoryEntry]:
    """Contacts, promises and audit lines on one time line, newest first."""
    entries: list[HistoryEntry] = []
    for c in contacts:
        text = f"{c.channel}: {c.outcome}."
        if c.notes:
            text += f" {c.notes}"
        entries.append(HistoryEntry(c.at, "Contato", text, c.operator, 0))
    for p in promises:
        text = (
            f"Prometeu pagar {format_brl(p.amount)} até {format_date(p.promised_date)} "
            f"— {p.status.lower()}."
        )
        entries.append(HistoryEntry(p.made_at, "Promessa", text, p.operator, 0))
    for a in audit:
        entries.append(HistoryEntry(a.at, "Registro", a.description, a.operator, 0))
    entries.sort(key=lambda e: e.at, reverse=True)
    return [HistoryEntry(e.at, e.kind, e.description, e.operator, n) for n, e in enumerate(entries)]


class HistoryModel(RowsModel):
    columns = (
        Column("Data", lambda e: format_datetime(e.at), CENTER),
        Column("Tipo", lambda e: e.kind),
        Column("Descrição", lambda e: e.description, tooltip=lambda e: e.description),
        Column("Por", lambda e: e.operator),
    )

    def row_id(self, row: HistoryEntry) -> int:
        return row.entry_id
