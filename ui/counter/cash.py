"""Abertura e fechamento de caixa: the cashier's shift at one terminal.

Opening records the float left in the drawer for change; closing shows what the records expect
(per payment method and in the drawer), takes the counted cash and stores the difference — shown
as "Sobra"/"Falta", never adjusted (services/cash.py). Every database call runs off the UI thread.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)
from sqlalchemy.orm import Session

from models.enums import PaymentMethod
from services import cash
from services.cash import CashSessionError, CashSummary
from services.db import Database
from services.money import format_brl
from services.printing import PrintJob
from services.users import AuthError
from services.validation import FieldError
from ui.context import AppContext
from ui.documents.actions import print_documents
from ui.settings.common import (
    FORM_STYLE,
    BackgroundFormDialog,
    failure_message,
    note_label,
)
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit

__all__ = [
    "METHOD_LABELS",
    "CashSummaryModel",
    "CloseCashDialog",
    "OpenCashDialog",
    "default_terminal",
    "difference_text",
    "summary_text",
]

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ZERO = Decimal("0.00")

METHOD_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.CASH: "Dinheiro",
    PaymentMethod.PIX: "Pix",
    PaymentMethod.DEBIT: "Débito",
    PaymentMethod.CREDIT: "Crédito",
    PaymentMethod.OTHER: "Outro",
}
COLUMNS = ("Forma de pagamento", "Recebido", "Estornado", "Líquido")

# Local rules; the colour always comes with words ("Sobra", "Falta", "Confere").
CASH_STYLE = (
    FORM_STYLE
    + """
QFrame#drawerFrame { background: #ffffff; border: 1px solid #d5d9e0; border-radius: 6px; }
QLabel#expectedCashLabel { font-weight: 600; font-size: 11pt; }
QLabel#differenceLabel { font-weight: 600; padding: 2px 8px; border-radius: 4px; }
QLabel#differenceLabel[state="ok"] { color: #1b5e20; background: #e6f4ea; }
QLabel#differenceLabel[state="over"] { color: #5c3300; background: #fff4e0; }
QLabel#differenceLabel[state="short"] { color: #b3261e; background: #fdecea; }
QLabel#generalError { color: #b3261e; }
QLabel#statusLine[state="ok"] { color: #1b5e20; }
"""
)


def default_terminal() -> str:
    """This computer's name: one drawer per terminal."""
    return socket.gethostname() or "Caixa"


def brl(value: Decimal) -> str:
    """R$ with a plain space, so copied text and labels read the same everywhere."""
    return format_brl(value).replace("\u00a0", " ")


def difference_text(difference: Decimal) -> str:
    if difference > 0:
        return f"Sobra de {brl(difference)}"
    if difference < 0:
        return f"Falta de {brl(-difference)}"
    return "Confere"


def _write(db: Database, work: Callable[[Session], Any]) -> Any:
    with db.unit_of_work(write=True) as uow:
        result = work(uow.session)
        uow.commit()
    return result


def _load_summary(db: Database, cash_session_id: int) -> CashSummary:
    with db.unit_of_work() as uow:
        return cash.session_summary(uow.session, cash_session_id)


def _message(exc: BaseException) -> str:
    if isinstance(exc, CashSessionError | AuthError):
        return str(exc)  # already says what to do, in Portuguese
    return failure_message(exc)


def summary_text(
    summary: CashSummary,
    *,
    counted: Decimal | None = None,
    notes: str | None = None,
) -> str:
    """The closing as plain text (clipboard, a message to the owner)."""
    counted = summary.counted_cash if counted is None else counted
    notes = summary.notes if notes is None else notes
    lines = [
        f"Fechamento de caixa nº {summary.cash_session_id} — terminal {summary.terminal}",
        f"Aberto em {summary.opened_at:%d/%m/%Y às %H:%M}",
    ]
    if summary.closed_at is not None:
        lines.append(f"Fechado em {summary.closed_at:%d/%m/%Y às %H:%M}")
    lines += ["", f"{'Forma':<10}{'Recebido':>16}{'Estornado':>16}{'Líquido':>16}"]
    for method in PaymentMethod:
        lines.append(
            f"{METHOD_LABELS[method]:<10}"
            f"{brl(summary.received.get(method, _ZERO)):>16}"
            f"{brl(summary.reversed.get(method, _ZERO)):>16}"
            f"{brl(summary.net(method)):>16}"
        )
    lines += [
        f"{'Total':<10}{'':>32}{brl(summary.net_total):>16}",
        f"Pagamentos registrados: {summary.payment_count}",
        "",
        f"Fundo de troco: {brl(summary.opening_float)}",
        f"Dinheiro entregue pelos clientes: {brl(summary.cash_tendered)}",
        f"Troco devolvido: {brl(summary.change_given)}",
        f"Estornos em dinheiro: {brl(summary.reversed.get(PaymentMethod.CASH, _ZERO))}",
        f"Dinheiro esperado na gaveta: {brl(summary.expected_cash)}",
    ]
    if counted is not None:
        lines += [
            f"Dinheiro contado: {brl(counted)}",
            f"Diferença: {difference_text(counted - summary.expected_cash)}",
        ]
    if notes:
        lines.append(f"Observações: {notes}")
    return "\n".join(lines) + "\n"


def _refresh_style(widget: QWidget, state: str) -> None:
    widget.setProperty("state", state)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


# --- table model -------------------------------------------------------------------------------


class CashSummaryModel(QAbstractTableModel):
    """One row per payment method plus a total: received, reversed and net."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: CashSummary | None = None
        self.methods = tuple(PaymentMethod)

    def set_summary(self, summary: CashSummary) -> None:
        self.beginResetModel()
        self.summary = summary
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.summary is None:
            return 0
        return len(self.methods) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def _values(self, row: int) -> tuple[str, Decimal, Decimal, Decimal]:
        assert self.summary is not None
        s = self.summary
        if row == len(self.methods):
            return (
                "Total",
                sum(s.received.values(), _ZERO),
                sum(s.reversed.values(), _ZERO),
                s.net_total,
            )
        method = self.methods[row]
        return (
            METHOD_LABELS[method],
            s.received.get(method, _ZERO),
            s.reversed.get(method, _ZERO),
            s.net(method),
        )

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if self.summary is None or not index.isValid():
            return None
        if not 0 <= index.row() < self.rowCount() or not 0 <= index.column() < len(COLUMNS):
            return None
        values = self._values(index.row())
        column = index.column()
        if role == _DISPLAY:
            value = values[column]
            return value if isinstance(value, str) else brl(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self.methods):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column > 0 and values[column] == 0:
            return QColor("#8a8f98")  # nothing moved this way: recede, but still readable
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == _DISPLAY:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if section else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


# --- dialogs -----------------------------------------------------------------------------------


class _CashDialog(BackgroundFormDialog):
    """The shift's dialogs: the shared background form with the drawer's styles."""

    def __init__(self, title: str, ok_text: str, ok_name: str, parent: QWidget | None) -> None:
        super().__init__(title, ok_text, ok_name, parent, style=CASH_STYLE)

    def message_for(self, exc: BaseException) -> str:
        return _message(exc)


class OpenCashDialog(_CashDialog):
    """Open the operator's shift at this terminal with the float left for change."""

    cashOpened = Signal(int)

    def __init__(
        self, ctx: AppContext, terminal: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Abrir caixa", "Abrir caixa", "openCashButton", parent)
        self.setObjectName("openCashDialog")
        self.setMinimumWidth(440)
        self.ctx = ctx
        self.terminal = terminal or default_terminal()
        terminal = self.terminal
        self.cash_session_id: int | None = None
        note = note_label(
            f"Operador: {ctx.operator.full_name} · Terminal: {terminal}\n"
            "Conte o dinheiro deixado na gaveta para troco:\n"
            "no fechamento ele entra no dinheiro esperado."
        )
        note.setWordWrap(False)  # short fixed lines: a wrapped label gets cut in a dialog
        self.layout_.addWidget(note)
        self.float_edit = MoneyEdit(field="opening_float")
        self.float_edit.setObjectName("floatEdit")
        self.float_edit.setMaximumWidth(160)
        self.float_edit.set_value(_ZERO)
        self.float_edit.selectAll()
        self.errors.add_row(self.form, "Fundo de troco (R$):", "opening_float", self.float_edit)
        self.layout_.addLayout(self.form)
        self.finish_layout()

    def _submit(self) -> None:
        try:
            amount = self.float_edit.value()
        except FieldError as exc:
            self.refuse(exc)
            return
        db, operator, now, terminal = self.ctx.db, self.ctx.operator, self.ctx.now(), self.terminal

        def open_(session: Session) -> int:
            return cash.open_session(
                session, operator=operator, terminal=terminal, opening_float=amount, now=now
            )

        self.run(lambda: _write(db, open_), self._on_opened)

    def _on_opened(self, cash_session_id: int) -> None:
        self.cash_session_id = cash_session_id
        self.cashOpened.emit(cash_session_id)
        self.accept()


class CloseCashDialog(_CashDialog):
    """Show the shift's totals, take the counted cash, close it; ``summary`` is the final one."""

    enter_confirms = False  # closing is final: only a click on the button closes the shift

    summaryLoaded = Signal(object)
    cashClosed = Signal(object)

    def __init__(
        self, ctx: AppContext, cash_session_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__("Fechar caixa", "Fechar caixa", "closeCashButton", parent)
        self.setObjectName("closeCashDialog")
        self.setMinimumWidth(620)
        self.ctx = ctx
        self.cash_session_id = cash_session_id
        self.summary: CashSummary | None = None

        self.info_label = note_label("Carregando o resumo do caixa…")
        self.info_label.setObjectName("cashInfo")
        self.layout_.addWidget(self.info_label)

        self.model = CashSummaryModel(self)
        self.table = QTableView()
        self.table.setObjectName("cashMethodsTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header.sizeHint().height() + row_height * 6 + 4)
        self.layout_.addWidget(self.table)

        drawer = QFrame()
        drawer.setObjectName("drawerFrame")
        drawer_form = QFormLayout(drawer)
        drawer_form.setContentsMargins(12, 10, 12, 10)
        drawer_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        # Amounts in one column right next to their captions, read as a sum.
        drawer_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.float_label = self._amount_label("openingFloatLabel")
        self.tendered_label = self._amount_label("cashTenderedLabel")
        self.change_label = self._amount_label("changeGivenLabel")
        self.cash_reversed_label = self._amount_label("cashReversedLabel")
        self.expected_label = self._amount_label("expectedCashLabel")
        drawer_form.addRow("Fundo de troco (abertura):", self.float_label)
        drawer_form.addRow("+ Dinheiro entregue pelos clientes:", self.tendered_label)
        drawer_form.addRow("− Troco devolvido:", self.change_label)
        drawer_form.addRow("− Estornos em dinheiro:", self.cash_reversed_label)
        expected_caption = QLabel("= Dinheiro esperado na gaveta:")
        expected_caption.setStyleSheet("font-weight: 600;")
        drawer_form.addRow(expected_caption, self.expected_label)
        self.layout_.addWidget(drawer)

        self.counted_edit = MoneyEdit(field="counted_cash")
        self.counted_edit.setObjectName("countedEdit")
        self.counted_edit.setMaximumWidth(160)
        self.counted_edit.setEnabled(False)
        self.counted_edit.textChanged.connect(self._on_counted_changed)
        self.difference_label = QLabel("Digite o valor contado.")
        self.difference_label.setObjectName("differenceLabel")
        self.difference_label.setSizePolicy(
            QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred
        )
        self.notes_edit = QLineEdit()
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setPlaceholderText("opcional — ex.: explique uma sobra ou falta")
        self.errors.add_row(self.form, "Dinheiro contado (R$):", "counted_cash", self.counted_edit)
        self.form.addRow("Diferença:", self.difference_label)
        self.errors.add_row(self.form, "Observações:", "notes", self.notes_edit)
        self.layout_.addLayout(self.form)

        self.copy_button = QPushButton("Copiar resumo")
        self.copy_button.setObjectName("copySummaryButton")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_summary)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = QPushButton("Imprimir (Ctrl+P)")
        self.print_button.setObjectName("printClosingButton")
        self.print_button.setToolTip(
            "Imprimir o fechamento (bobina 80 mm); com o caixa aberto, sai como conferência parcial"
        )
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.setAutoDefault(False)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_closing)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLine")
        self.layout_.addWidget(self.status_label)
        self.finish_layout()
        self.ok_button.setEnabled(False)
        self.reload()

    @staticmethod
    def _amount_label(name: str) -> QLabel:
        label = QLabel("—")
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumWidth(120)
        return label

    # --- data ----------------------------------------------------------------------------------

    def reload(self) -> None:
        db, cash_session_id = self.ctx.db, self.cash_session_id
        self.busy = True
        run_in_background(
            lambda: _load_summary(db, cash_session_id), self._on_loaded, self._on_load_failed
        )

    def _on_loaded(self, summary: CashSummary) -> None:
        self.busy = False
        self.summary = summary
        self.model.set_summary(summary)
        info = (
            f"Caixa nº {summary.cash_session_id} · Terminal: {summary.terminal} · aberto em "
            f"{summary.opened_at:%d/%m/%Y às %H:%M} · {summary.payment_count} pagamento(s)"
        )
        if summary.is_closed and summary.closed_at is not None:
            info += f"\nJá fechado em {summary.closed_at:%d/%m/%Y às %H:%M}."
        self.info_label.setText(info)
        self.float_label.setText(brl(summary.opening_float))
        self.tendered_label.setText(brl(summary.cash_tendered))
        self.change_label.setText(brl(summary.change_given))
        self.cash_reversed_label.setText(brl(summary.reversed.get(PaymentMethod.CASH, _ZERO)))
        self.expected_label.setText(brl(summary.expected_cash))
        self.copy_button.setEnabled(True)
        self.print_button.setEnabled(True)
        if summary.is_closed:
            self.counted_edit.set_value(summary.counted_cash)
            self.notes_edit.setText(summary.notes or "")
            self.notes_edit.setReadOnly(True)
            self.notes_edit.setPlaceholderText("sem observações")
            self.ok_button.hide()
            self.heading.setText("Caixa fechado")
            self.setWindowTitle("Caixa fechado")
            for button in self.buttons.buttons():
                if button.objectName() == "cancelButton":
                    button.setText("Fechar")
        else:
            self.counted_edit.setEnabled(True)
            self.ok_button.setEnabled(True)
            self.ok_button.setDefault(self.enter_confirms)
            self.counted_edit.setFocus()
        self._on_counted_changed()
        self.summaryLoaded.emit(summary)

    def _on_load_failed(self, exc: Exception) -> None:
        self.busy = False
        self.info_label.setText("Não foi possível carregar o resumo do caixa.")
        self.refuse(exc)

    # --- counted cash --------------------------------------------------------------------------

    def counted(self) -> Decimal | None:
        """The counted cash as typed, or None while empty or unreadable."""
        if not self.counted_edit.text().strip():
            return None
        try:
            return self.counted_edit.value()
        except FieldError:
            return None

    def _on_counted_changed(self, *_args: object) -> None:
        counted = self.counted()
        if self.summary is None or counted is None:
            unreadable = bool(self.counted_edit.text().strip())
            text = (
                "Valor inválido: use vírgula para os centavos."
                if unreadable
                else ("Digite o valor contado.")
            )
            self.difference_label.setText(text)
            _refresh_style(self.difference_label, "")
            return
        difference = counted - self.summary.expected_cash
        self.difference_label.setText(difference_text(difference))
        state = "ok" if difference == 0 else ("over" if difference > 0 else "short")
        _refresh_style(self.difference_label, state)

    # --- actions -------------------------------------------------------------------------------

    def copy_summary(self) -> None:
        if self.summary is None:
            return
        text = summary_text(
            self.summary, counted=self.counted(), notes=self.notes_edit.text().strip() or None
        )
        QGuiApplication.clipboard().setText(text)
        self.status_label.setText("Resumo copiado para a área de transferência.")
        _refresh_style(self.status_label, "ok")

    def print_closing(self) -> None:
        """Preview the closing report (partial while the shift is open) off the UI thread."""
        host = self.parentWidget() or self
        job = PrintJob("cash_closing", self.cash_session_id, self.ctx.today(), receipt_size="roll")
        print_documents(
            host,
            self.ctx,
            [job],
            "Fechamento de caixa",
            f"fechamento-caixa-{self.cash_session_id}.pdf",
        )

    def _submit(self) -> None:
        if self.summary is None or self.summary.is_closed:
            return
        try:
            counted = self.counted_edit.value()
        except FieldError as exc:
            self.refuse(exc)
            return
        db, operator, now = self.ctx.db, self.ctx.operator, self.ctx.now()
        notes, cash_session_id = self.notes_edit.text(), self.cash_session_id

        def close(session: Session) -> CashSummary:
            return cash.close_session(
                session,
                cash_session_id,
                counted_cash=counted,
                operator=operator,
                now=now,
                notes=notes,
            )

        self.run(lambda: _write(db, close), self._on_closed)

    def _on_closed(self, summary: CashSummary) -> None:
        self.summary = summary
        self.cashClosed.emit(summary)
        self.print_closing()  # the signed closing goes in the drawer with the cash
        self.accept()
