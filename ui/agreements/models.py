"""Table models of the Acordos page: the customer's open installments with their debt, and the
schedule of a simulated agreement. Rows are the services' frozen dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal

from services.agreements import DebtLine, PlannedInstallment
from services.money import format_brl
from ui.customers.models import (
    ALERT,
    ALIGN,
    CENTER,
    DISPLAY,
    FOREGROUND,
    ID_ROLE,
    LEFT,
    RIGHT,
    TOOLTIP,
    Index,
    describe_days_late,
    format_date,
)

CHECK = Qt.ItemDataRole.CheckStateRole


def _money(value: Any) -> str:
    return format_brl(value)


class CheckableDebtModel(QAbstractTableModel):
    """Open installments updated to a date, with a checkbox in the first column.

    Subclasses name the columns (``HEADERS``, ``_ALIGN``) and say what a cell shows
    (``_text``, ``_tooltip``, ``_alert``). ``checkedChanged`` fires when a row is ticked or
    unticked (not on ``set_lines``).
    """

    checkedChanged = Signal()

    HEADERS: tuple[str, ...] = ()
    _ALIGN: tuple[Qt.AlignmentFlag, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[DebtLine] = []
        self._checked: set[int] = set()

    # --- content ---------------------------------------------------------------------------

    def set_lines(self, lines: Sequence[DebtLine], checked: Iterable[int]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        ids = {line.installment_id for line in self._lines}
        self._checked = {i for i in checked if i in ids}
        self.endResetModel()

    def lines(self) -> list[DebtLine]:
        return list(self._lines)

    def checked_lines(self) -> list[DebtLine]:
        """The ticked lines, oldest due first (the table's order)."""
        return [ln for ln in self._lines if ln.installment_id in self._checked]

    def checked_ids(self) -> list[int]:
        """The ticked installments, oldest due first (the table's order)."""
        return [ln.installment_id for ln in self.checked_lines()]

    def set_row_checked(self, row: int, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.setData(self.index(row, 0), state, CHECK)

    # --- what a cell shows -------------------------------------------------------------------

    def _text(self, line: DebtLine, column: int) -> str:
        raise NotImplementedError

    def _tooltip(self, line: DebtLine, column: int) -> str | None:
        return None

    def _alert(self, line: DebtLine, column: int) -> bool:
        return False

    # --- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == DISPLAY:
            return self._text(line, column)
        if role == CHECK and column == 0:
            checked = line.installment_id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == ALIGN:
            return self._ALIGN[column]
        if role == FOREGROUND and self._alert(line, column):
            return ALERT
        if role == TOOLTIP:
            return self._tooltip(line, column)
        if role == ID_ROLE:
            return line.installment_id
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != CHECK or not index.isValid() or index.column() != 0:
            return False
        if not 0 <= index.row() < len(self._lines):
            return False
        if isinstance(value, Qt.CheckState):
            checked = value == Qt.CheckState.Checked
        else:
            checked = int(value) == Qt.CheckState.Checked.value
        inst_id = self._lines[index.row()].installment_id
        if checked == (inst_id in self._checked):
            return True
        if checked:
            self._checked.add(inst_id)
        else:
            self._checked.discard(inst_id)
        self.dataChanged.emit(index, index, [CHECK])
        self.checkedChanged.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == DISPLAY:
            return self.HEADERS[section]
        if role == ALIGN:
            return self._ALIGN[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


class DebtModel(CheckableDebtModel):
    """The customer's open installments updated to a date, with fee and interest apart."""

    HEADERS = (
        "Parcela",
        "Origem",
        "Vencimento",
        "Atraso",
        "Principal",
        "Multa",
        "Juros",
        "Total",
    )
    _ALIGN = (LEFT, LEFT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT)

    def set_checked(self, installment_id: int, checked: bool) -> None:
        row = next(
            (i for i, ln in enumerate(self._lines) if ln.installment_id == installment_id), None
        )
        if row is not None:
            self.set_row_checked(row, checked)

    def _text(self, line: DebtLine, column: int) -> str:
        if column == 0:
            return f"{line.number}/{line.count}"
        if column == 1:
            return line.origin
        if column == 2:
            return format_date(line.due_date)
        if column == 3:
            return describe_days_late(line.days_late) or "a vencer"
        values = (line.principal, line.fee, line.interest, line.total)
        return _money(values[column - 4])

    def _tooltip(self, line: DebtLine, column: int) -> str | None:
        if column == 4 and line.rebate:
            return (
                f"A vencer: {_money(line.open_principal)} menos {_money(line.rebate)} de "
                "juros que não correram (CDC art. 52 §2)"
            )
        if column == 1:
            return line.origin
        return None

    def _alert(self, line: DebtLine, column: int) -> bool:
        return column in (2, 3) and line.days_late > 0


class ScheduleModel(QAbstractTableModel):
    """The new installments of a simulated agreement, the down payment first."""

    HEADERS = ("Parcela", "Vencimento", "Valor")
    _ALIGN = (LEFT, CENTER, RIGHT)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PlannedInstallment] = []

    def set_rows(self, rows: Sequence[PlannedInstallment]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PlannedInstallment]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == DISPLAY:
            if column == 0:
                fraction = f"{row.number}/{len(self._rows)}"
                if row.is_down_payment:
                    return f"{fraction} (hoje)" if len(self._rows) == 1 else f"{fraction} entrada"
                return fraction
            if column == 1:
                return format_date(row.due_date)
            return _money(row.amount)
        if role == ALIGN:
            return self._ALIGN[column]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == DISPLAY:
            return self.HEADERS[section]
        if role == ALIGN:
            return self._ALIGN[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
