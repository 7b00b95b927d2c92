"""The overdue table (``overdueTable``): one late customer a row, sorted in Python.

The page loads the late customers once (:func:`services.overdue.overdue_rows`) and filters and
sorts that list in memory: it holds only the late customers, so a sort is a Python ``sorted``
over a few thousand rows at most, never a ``QSortFilterProxyModel`` (ENGINEERING.md: 10.9 s at
100,000 rows). Roles are resolved once at module level (ENGINEERING.md: 3.8 µs a ``data()`` call
against 13.7 µs when the lookups are rebuilt on each call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from models import PromiseStatus
from services.customers import CHANNEL_LABELS, OUTCOME_LABELS, PROMISE_LABELS
from services.money import format_brl
from services.overdue import OverdueRow, SortKey, sort_rows
from services.text import normalize_name
from ui.customers.models import ID_ROLE
from ui.widgets import BAND_ROLE

__all__ = ["NO_VALUE", "OverdueTableModel", "describe_contact", "describe_promise"]

DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
FONT = Qt.ItemDataRole.FontRole

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
NO_FLAGS = Qt.ItemFlag.NoItemFlags

ALERT = QColor("#a1261b")
MUTED = QColor("#6b6f76")

NO_VALUE = "—"

Index = QModelIndex | QPersistentModelIndex


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def describe_contact(row: OverdueRow) -> str:
    """The Último contato cell: "17/11/2026 · WhatsApp · prometeu pagar"."""
    contact = row.last_contact
    if contact is None:
        return NO_VALUE
    channel = CHANNEL_LABELS.get(contact.channel, str(contact.channel))
    outcome = OUTCOME_LABELS.get(contact.outcome, str(contact.outcome))
    return f"{_date(contact.at)} · {channel} · {outcome}"


def describe_promise(row: OverdueRow) -> str:
    """The Promessa cell: "Não cumprida · 20/11/2026 · R$ 100,00"."""
    promise = row.promise
    if promise is None:
        return NO_VALUE
    status = PROMISE_LABELS.get(promise.status, str(promise.status))
    return f"{status} · {_date(promise.promised_date)} · {format_brl(promise.amount)}"


def _promise_tooltip(row: OverdueRow) -> str:
    promise = row.promise
    if promise is None:
        return "Sem promessa de pagamento em aberto"
    return (
        f"Prometeu pagar {format_brl(promise.amount)} até {_date(promise.promised_date)} "
        f"(promessa feita em {promise.made_at.strftime('%d/%m/%Y %H:%M')}); "
        f"pago desde então: {format_brl(promise.paid)}"
    )


def _contact_tooltip(row: OverdueRow) -> str:
    contact = row.last_contact
    if contact is None:
        return "Nenhum contato registrado"
    return f"Último contato em {contact.at.strftime('%d/%m/%Y %H:%M')}: {describe_contact(row)}"


def _name_tooltip(row: OverdueRow) -> str:
    notes = [row.name]
    if row.paused:
        reason = f": {row.paused_reason}" if row.paused_reason else ""
        notes.append(f"Cobrança pausada desde {_date(row.paused_since)}{reason}")
    if row.reported:
        notes.append(f"Negativado em {_date(row.bureau_reported_on)}")
    return "\n".join(notes)


def _total_tooltip(row: OverdueRow) -> str:
    return (
        f"Principal {format_brl(row.principal)} + multa {format_brl(row.fee)} + "
        f"juros {format_brl(row.interest)}"
    )


def _days(row: OverdueRow) -> str:
    return "1 dia" if row.days_late == 1 else f"{row.days_late} dias"


def _name_colour(row: OverdueRow) -> QColor | None:
    return MUTED if row.paused else None


def _promise_colour(row: OverdueRow) -> QColor | None:
    return ALERT if row.promise is not None and row.promise.status is PromiseStatus.BROKEN else None


_PROMISE_ORDER = {PromiseStatus.BROKEN: 0, PromiseStatus.PENDING: 1}
_NEVER = datetime.min


@dataclass(frozen=True)
class _Column:
    header: str
    text: Callable[[OverdueRow], str]
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[OverdueRow], str] | None = None
    foreground: Callable[[OverdueRow], QColor | None] | None = None
    # How the header sorts: a key of services.overdue.sort_rows, or a key function.
    sort: SortKey | Callable[[OverdueRow], Any] | None = None
    header_tooltip: str = ""


class OverdueTableModel(QAbstractTableModel):
    """Rows of :class:`services.overdue.OverdueRow`, answered by role; sorts itself in Python."""

    NAME_COLUMN = 0
    BAND_COLUMN = 2
    DAYS_COLUMN = 3
    TOTAL_COLUMN = 5
    PROFILE_COLUMN = 6
    NEXT_STEP_COLUMN = 9

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OverdueRow] = []
        self._next_steps: dict[int, str] = {}
        self._sort_column = self.DAYS_COLUMN
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._columns: tuple[_Column, ...] = (
            _Column("Cliente", lambda r: r.name, tooltip=_name_tooltip, foreground=_name_colour,
                    sort="name"),
            _Column("CPF", lambda r: r.cpf_masked, sort=lambda r: r.cpf),
            _Column("Faixa", lambda r: r.band.label, sort=lambda r: r.days_late,
                    tooltip=lambda r: f"Faixa de atraso: {r.band.label}"),
            _Column("Dias", _days, RIGHT, sort="days_late",
                    tooltip=lambda r: f"Parcela mais antiga venceu em {_date(r.oldest_due)}",
                    header_tooltip="Dias de atraso da parcela mais antiga"),
            _Column("Parcelas", lambda r: str(r.installments), RIGHT,
                    sort=lambda r: r.installments, header_tooltip="Parcelas em atraso"),
            _Column("Total hoje", lambda r: format_brl(r.total), RIGHT, tooltip=_total_tooltip,
                    sort="total", header_tooltip="Principal, multa e juros até hoje"),
            _Column("Perfil", lambda r: r.profile.letter, CENTER,
                    tooltip=lambda r: f"Perfil {r.profile.letter}: {r.profile.reason}",
                    sort=lambda r: r.profile.letter),
            _Column("Último contato", describe_contact, tooltip=_contact_tooltip,
                    sort=lambda r: r.last_contact.at if r.last_contact else _NEVER),
            _Column("Promessa", describe_promise, tooltip=_promise_tooltip,
                    foreground=_promise_colour, sort=self._promise_key),
            _Column("Próximo passo", self._next_step, tooltip=self._next_step,
                    sort=self._next_step),
            _Column("Cidade", lambda r: r.city, tooltip=lambda r: _place(r),
                    sort=lambda r: (normalize_name(r.city), normalize_name(r.district))),
        )  # fmt: skip

    # --- content -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[OverdueRow]) -> None:
        """Show ``rows``, in the order of the current sort."""
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def rows(self) -> list[OverdueRow]:
        """The rows in the order shown."""
        return list(self._rows)

    def row_at(self, row: int) -> OverdueRow:
        return self._rows[row]

    def row_of_id(self, customer_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.customer_id == customer_id:
                return i
        return None

    def set_next_steps(self, mapping: Mapping[int, str]) -> None:
        """Fill Próximo passo from ``{customer_id: text}``; the others show "—"."""
        self._next_steps = dict(mapping)
        if self._rows:
            column = self.NEXT_STEP_COLUMN
            self.dataChanged.emit(
                self.index(0, column), self.index(len(self._rows) - 1, column), [DISPLAY, TOOLTIP]
            )
        if self._sort_column == self.NEXT_STEP_COLUMN:
            self.sort(self._sort_column, self._sort_order)

    def next_step(self, customer_id: int) -> str:
        return self._next_steps.get(customer_id, NO_VALUE)

    def _next_step(self, row: OverdueRow) -> str:
        return self._next_steps.get(row.customer_id, NO_VALUE)

    @staticmethod
    def _promise_key(row: OverdueRow) -> tuple[int, Any]:
        if row.promise is None:
            return (2, _NEVER.date())
        return (_PROMISE_ORDER.get(row.promise.status, 2), row.promise.promised_date)

    # --- sorting -----------------------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _sorted(self, rows: Sequence[OverdueRow]) -> list[OverdueRow]:
        column = self._columns[self._sort_column]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if isinstance(column.sort, str):
            return sort_rows(rows, column.sort, descending)
        by_name = sort_rows(rows, "name", False)  # ties by name, A–Z
        if column.sort is None:
            return by_name
        return sorted(by_name, key=column.sort, reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort_column = column
        self._sort_order = order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].customer_id for i in before]
        self._rows = self._sorted(self._rows)
        where = {row.customer_id: n for n, row in enumerate(self._rows)}
        after = [self.index(where[cid], i.column()) for cid, i in zip(ids, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # --- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == DISPLAY:
            return column.text(row)
        if role == ALIGN:
            return column.align
        if role == BAND_ROLE:
            return row.band if index.column() == self.BAND_COLUMN else None
        if role == TOOLTIP:
            return column.tooltip(row) if column.tooltip else None
        if role == FOREGROUND:
            return column.foreground(row) if column.foreground else None
        if role == FONT:
            return bold_font() if index.column() == self.PROFILE_COLUMN else None
        if role == ID_ROLE:
            return row.customer_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == DISPLAY:
            return column.header
        if role == ALIGN:
            return column.align
        if role == TOOLTIP:
            return column.header_tooltip or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else NO_FLAGS


def _place(row: OverdueRow) -> str:
    parts = [p for p in (row.district, row.city) if p]
    place = " · ".join(parts)
    return f"{place}/{row.uf}" if place and row.uf else place


_BOLD: list[QFont] = []


def bold_font() -> QFont:
    """One bold font for every cell that needs it (made once the application exists)."""
    if not _BOLD:
        font = QFont()
        font.setBold(True)
        _BOLD.append(font)
    return _BOLD[0]
