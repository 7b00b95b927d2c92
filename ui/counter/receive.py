"""Receber pagamento: the cashier's dialog for one customer's installments.

The quote (what is due today, per installment) and the receipt both run off the UI thread. The
receipt is sent with the quote's versions, so an installment paid at another counter meanwhile is
refused by ``services.payments.receive_payment`` with nothing charged; the dialog then says so,
keeps what the cashier typed and reloads the quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import PaymentMethod
from services import payments
from services import settings as settings_service
from services.db import Database
from services.money import format_brl
from services.payments import PaymentRefused, PaymentResult, Quote, QuoteLine
from services.printing import PrintJob
from services.users import Operator
from services.validation import FieldError
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.documents.actions import print_documents
from ui.forms import FormErrors
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit, error_message

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_ZERO = Decimal("0.00")

COLUMNS = (
    "Parcela",
    "Vencimento",
    "Atraso",
    "Principal",
    "Multa",
    "Juros",
    "Antecipação",
    "Total hoje",
)
REBATE_COLUMN = 6
METHODS = (
    ("Dinheiro", PaymentMethod.CASH),
    ("Pix", PaymentMethod.PIX),
    ("Débito", PaymentMethod.DEBIT),
    ("Crédito", PaymentMethod.CREDIT),
)

RECEIVE_STYLE = """
QLabel#totalLabel { font-size: 13pt; font-weight: 600; color: #10223a; }
QLabel#changeLabel { font-size: 12pt; font-weight: 600; color: #1b5e20; }
QLabel#changeLabel[state="short"] { color: #b3261e; }
QLabel#remainingLabel { color: #5c3300; font-weight: 600; }
QLabel#receiveError {
    color: #8c1d18; background: #fdecea; border: 1px solid #f1b0ab;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#loadStatus { color: #3b4351; }
"""


@dataclass(frozen=True)
class _Loaded:
    quote: Quote
    waiver_limit: Decimal


def _load(db: Database, installment_ids: list[int], today: Any) -> _Loaded:
    with db.unit_of_work() as uow:
        quote = payments.quote(uow.session, installment_ids, today)
        limit = settings_service.load(uow.session).policy.cashier_waiver_limit
    return _Loaded(quote, limit)


def _days_late(days: int) -> str:
    if days <= 0:
        return "em dia"
    return "1 dia" if days == 1 else f"{days} dias"


class QuoteModel(QAbstractTableModel):
    """The quote's lines, one row per installment, oldest due first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: tuple[QuoteLine, ...] = ()

    def set_lines(self, lines: tuple[QuoteLine, ...]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == _DISPLAY:
            values = (
                f"{line.number}/{line.count}",
                f"{line.due_date:%d/%m/%Y}",
                _days_late(line.days_late),
                format_brl(line.open_principal),
                format_brl(line.fee),
                format_brl(line.interest),
                f"−{format_brl(line.rebate)}" if line.rebate else "",
                format_brl(line.total),
            )
            return values[column] if 0 <= column < len(values) else None
        if role == _ALIGN:
            if column >= 3:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            role == _DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None


class ReceivePaymentDialog(QDialog):
    """Receive money for ``installment_ids`` of ``customer_id``; emits ``paymentReceived``."""

    paymentReceived = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        customer_id: int,
        installment_ids: list[int],
        parent: QWidget | None = None,
        *,
        cash_session_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("receiveDialog")
        self.setWindowTitle("Receber pagamento")
        self.setStyleSheet(RECEIVE_STYLE)
        self.setMinimumWidth(680)
        self.ctx = ctx
        self.customer_id = customer_id
        self.installment_ids = list(installment_ids)
        self.cash_session_id = cash_session_id
        self.quote: Quote | None = None
        self.waiver_limit = _ZERO
        self.auth_dialog: OwnerAuthorizationDialog | None = None
        self.result_value: PaymentResult | None = None
        self._busy = False
        self._amount_auto = True  # follows the amount due until the cashier types one

        title = QLabel("Receber pagamento")
        title.setObjectName("pageTitle")
        self.status_label = QLabel("Calculando o valor de hoje…")
        self.status_label.setObjectName("loadStatus")
        self.status_label.setWordWrap(True)

        self.model = QuoteModel(self)
        self.table = QTableView()
        self.table.setObjectName("quoteTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.method_combo = QComboBox()
        self.method_combo.setObjectName("methodCombo")
        for label, method in METHODS:
            self.method_combo.addItem(label, method.value)
        self.amount_edit = MoneyEdit(field="amount")
        self.amount_edit.setObjectName("amountEdit")
        self.waive_edit = MoneyEdit(field="waive")
        self.waive_edit.setObjectName("waiveEdit")
        self.waive_edit.setPlaceholderText("0,00")
        self.tendered_edit = MoneyEdit(field="tendered")
        self.tendered_edit.setObjectName("tenderedEdit")
        self.tendered_edit.setPlaceholderText("o mesmo valor")
        self.change_label = QLabel("—")
        self.change_label.setObjectName("changeLabel")
        self.remaining_label = QLabel()
        self.remaining_label.setObjectName("remainingLabel")

        self.surplus_box = QWidget()
        self.surplus_box.setObjectName("surplusBox")
        self.surplus_note = QLabel()
        self.surplus_note.setObjectName("hint")
        self.surplus_note.setWordWrap(True)
        self.change_radio = QRadioButton("Dar troco")
        self.change_radio.setObjectName("surplusChangeRadio")
        self.credit_radio = QRadioButton("Abater das próximas parcelas")
        self.credit_radio.setObjectName("surplusCreditRadio")
        self.surplus_group = QButtonGroup(self)
        self.surplus_group.addButton(self.change_radio)
        self.surplus_group.addButton(self.credit_radio)
        self.change_radio.setChecked(True)
        radios = QHBoxLayout()
        radios.setContentsMargins(0, 0, 0, 0)
        radios.addWidget(self.change_radio)
        radios.addWidget(self.credit_radio)
        radios.addStretch(1)
        surplus_layout = QVBoxLayout(self.surplus_box)
        surplus_layout.setContentsMargins(0, 0, 0, 0)
        surplus_layout.setSpacing(4)
        surplus_layout.addWidget(self.surplus_note)
        surplus_layout.addLayout(radios)

        self.error_label = QLabel()
        self.error_label.setObjectName("receiveError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.errors = FormErrors(self.error_label)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.addRow("Forma de pagamento:", self.method_combo)
        self.errors.add_row(self.form, "Valor recebido:", "amount", self.amount_edit)
        self.errors.add_row(self.form, "Dispensar multa/juros:", "waive", self.waive_edit)
        self.tendered_row = self.errors.add_row(
            self.form, "Valor entregue:", "tendered", self.tendered_edit
        )
        self.form.addRow("Troco:", self.change_label)
        self.form.addRow("Pagamento parcial:", self.remaining_label)
        self.form.addRow("Valor a mais:", self.surplus_box)

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(
            "Confirmar recebimento", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName("confirmReceiveButton")
        self.confirm_button.setEnabled(False)
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table)
        layout.addWidget(self.total_label)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.confirm_button.setDefault(True)

        self.method_combo.currentIndexChanged.connect(self._on_method_changed)
        self.amount_edit.textEdited.connect(self._on_amount_edited)
        self.amount_edit.textChanged.connect(self._on_inputs_changed)
        self.waive_edit.textChanged.connect(self._on_waive_changed)
        self.tendered_edit.textChanged.connect(self._on_inputs_changed)
        self.surplus_group.buttonToggled.connect(self._on_inputs_changed)
        self._update_fields()
        self._reload()

    # --- what the cashier typed ------------------------------------------------------------

    def method(self) -> PaymentMethod:
        return PaymentMethod(self.method_combo.currentData())

    def surplus(self) -> Literal["change", "credit_next"]:
        return "credit_next" if self.credit_radio.isChecked() else "change"

    def _money_or(self, edit: MoneyEdit, default: Decimal | None) -> Decimal | None:
        """The edit's value, ``default`` when empty, ``None`` when unreadable."""
        if not edit.text().strip():
            return default
        try:
            return edit.value()
        except FieldError:
            return None

    def _due(self) -> Decimal:
        """What settles the chosen installments, after the waiver."""
        if self.quote is None:
            return _ZERO
        waive = self._money_or(self.waive_edit, _ZERO) or _ZERO
        return max(self.quote.total - waive, _ZERO)

    # --- loading the quote -----------------------------------------------------------------

    def _reload(self) -> None:
        db, ids, today = self.ctx.db, self.installment_ids, self.ctx.today()
        run_in_background(lambda: _load(db, ids, today), self._on_loaded, self._on_load_failed)

    def _on_loaded(self, loaded: _Loaded) -> None:
        self.quote = loaded.quote
        self.waiver_limit = loaded.waiver_limit
        self.model.set_lines(loaded.quote.lines)
        q = loaded.quote
        # Paying before the due date sheds interest (CDC art. 52 §2): shown only when it applies.
        self.table.setColumnHidden(REBATE_COLUMN, not q.rebate)
        self._fit_table()
        self.total_label.setText(f"Total hoje: {format_brl(q.total)}")
        tip = (
            f"Principal {format_brl(q.principal)} + multa {format_brl(q.fee)} + "
            f"juros {format_brl(q.interest)}"
        )
        if q.rebate:
            tip += f" − desconto por antecipação {format_brl(q.rebate)}"
        self.total_label.setToolTip(tip)
        count = len(q.lines)
        status = (
            f"{count} parcela{'s' if count != 1 else ''}, valores de {q.today:%d/%m/%Y}. "
            "Um valor menor paga parte, das mais antigas para as mais novas."
        )
        if q.rebate:
            status += (
                f"\nPagamento antecipado: {format_brl(q.rebate)} de juros a menos (CDC art. 52 "
                "§2), se quitar a parcela."
            )
        self.status_label.setText(status)
        if self._amount_auto:
            self.amount_edit.set_value(self._due())
        self.confirm_button.setEnabled(not self._busy)
        self._update_fields()
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()
        self.adjustSize()

    def _on_load_failed(self, exc: Exception) -> None:
        self.quote = None
        self.model.set_lines(())
        self.total_label.clear()
        self.confirm_button.setEnabled(False)
        message = str(exc) if isinstance(exc, PaymentRefused) else error_message(exc)
        self.status_label.setText(f"Não foi possível calcular o valor: {message}")
        self._update_fields()

    def _fit_table(self) -> None:
        rows = min(max(self.model.rowCount(), 1), 8)
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(min(rows, self.model.rowCount())))
        if not self.model.rowCount():
            height += self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(height + 2)
        # Every column readable without a scroll bar (the rebate column comes and goes).
        header = self.table.horizontalHeader()
        width = sum(
            header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)
        )
        self.table.setMinimumWidth(width + 2 * self.table.frameWidth() + 2)

    # --- live feedback ---------------------------------------------------------------------

    def _on_amount_edited(self, _text: str) -> None:
        self._amount_auto = False

    def _on_waive_changed(self, _text: str) -> None:
        if self._amount_auto and self.quote is not None:
            self.amount_edit.set_value(self._due())
        self._update_fields()

    def _on_inputs_changed(self, *_args: object) -> None:
        self._update_fields()

    def _on_method_changed(self, _index: int) -> None:
        self._update_fields()

    def _update_fields(self) -> None:
        cash = self.method() is PaymentMethod.CASH
        self.form.setRowVisible(self.tendered_row, cash)
        self.form.setRowVisible(self.change_label, cash)
        due = self._due()
        amount = self._money_or(self.amount_edit, None)
        over = self.quote is not None and amount is not None and amount > due
        self.form.setRowVisible(self.surplus_box, over)
        partial = self.quote is not None and amount is not None and 0 < amount < due
        self.form.setRowVisible(self.remaining_label, partial)
        if partial and amount is not None:
            self.remaining_label.setText(f"ficam em aberto {format_brl(due - amount)}")
        self.change_radio.setEnabled(cash)
        if over and amount is not None:
            self.surplus_note.setText(
                f"O valor passa do devido ({format_brl(due)}) em {format_brl(amount - due)}."
            )
            if not cash and self.change_radio.isChecked():
                self.credit_radio.setChecked(True)  # troco só existe em dinheiro
        if cash:
            self._update_change(amount, due)

    def _update_change(self, amount: Decimal | None, due: Decimal) -> None:
        tendered = self._money_or(self.tendered_edit, amount)
        if self.quote is None or amount is None or tendered is None:
            self._set_change("—", short=False)
            return
        paid = amount if self.surplus() == "credit_next" else min(amount, due)
        if tendered < amount:
            self._set_change(f"faltam {format_brl(amount - tendered)}", short=True)
            return
        self._set_change(format_brl(tendered - paid), short=False)

    def _set_change(self, text: str, *, short: bool) -> None:
        self.change_label.setText(text)
        self.change_label.setProperty("state", "short" if short else "ok")
        self.change_label.style().unpolish(self.change_label)
        self.change_label.style().polish(self.change_label)

    # --- confirming ------------------------------------------------------------------------

    def _read(self) -> tuple[Decimal, Decimal, Decimal | None]:
        errors: list[FieldError] = []
        amount = waive = _ZERO
        tendered: Decimal | None = None
        try:
            amount = self.amount_edit.value()
        except FieldError as exc:
            errors.append(exc)
        if self.waive_edit.text().strip():
            try:
                waive = self.waive_edit.value()
            except FieldError as exc:
                errors.append(exc)
        if self.method() is PaymentMethod.CASH and self.tendered_edit.text().strip():
            try:
                tendered = self.tendered_edit.value()
            except FieldError as exc:
                errors.append(exc)
        if not errors and amount <= 0:
            errors.append(FieldError("amount", "Informe o valor recebido."))
        if not errors and tendered is not None and tendered < amount:
            errors.append(FieldError("tendered", "O valor entregue é menor que o valor recebido."))
        if errors:
            raise errors[0]
        return amount, waive, tendered

    def _on_confirm(self) -> None:
        if self._busy or self.quote is None:
            return
        try:
            amount, waive, tendered = self._read()
        except FieldError as exc:
            first = self.errors.show(exc)
            if first is not None:
                first.setFocus()
            return
        self.errors.clear()
        if waive > self.waiver_limit and not self.ctx.operator.is_owner:
            self._ask_owner(waive)
            return
        self._submit(amount, waive, tendered, None)

    def _ask_owner(self, waive: Decimal) -> None:
        reason = (
            f"Desconto acima do limite do caixa ({format_brl(self.waiver_limit)}): dispensar "
            f"{format_brl(waive)} de multa e juros precisa da senha do dono."
        ).replace("R$ ", "R$\u00a0")  # never "R$" at a line's end
        dialog = OwnerAuthorizationDialog(self.ctx.db, self.ctx.clock, reason, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_owner_authorized(dialog.owner))
        dialog.destroyed.connect(self._on_auth_closed)
        self.auth_dialog = dialog
        dialog.open()

    def _on_auth_closed(self) -> None:
        self.auth_dialog = None

    def _on_owner_authorized(self, owner: Operator | None) -> None:
        if owner is None or self._busy:
            return
        try:
            amount, waive, tendered = self._read()
        except FieldError as exc:
            self.errors.show(exc)
            return
        self._submit(amount, waive, tendered, owner)

    def _submit(
        self, amount: Decimal, waive: Decimal, tendered: Decimal | None, owner: Operator | None
    ) -> None:
        assert self.quote is not None
        self._busy = True
        self.confirm_button.setEnabled(False)
        self.error_label.hide()
        ctx = self.ctx
        params: dict[str, Any] = {
            "customer_id": self.customer_id,
            "installment_ids": [line.installment_id for line in self.quote.lines],
            "amount": amount,
            "method": self.method(),
            "operator": ctx.operator,
            "now": ctx.now(),
            "waive": waive,
            "owner": owner,
            "tendered": tendered,
            "surplus": self.surplus(),
            "cash_session_id": self.cash_session_id,
            "expected_versions": self.quote.versions,
        }

        def work() -> PaymentResult:
            with ctx.db.unit_of_work(write=True) as uow:
                return payments.receive_payment(uow, **params)

        run_in_background(work, self._on_received, self._on_refused)

    def _on_received(self, result: PaymentResult) -> None:
        self._busy = False
        self.result_value = result
        self.paymentReceived.emit(result.payment_id)
        host = self.parentWidget() or self
        job = PrintJob("receipt", result.payment_id, self.ctx.today(), receipt_size="roll")
        print_documents(
            host, self.ctx, [job], "Recibo de pagamento", f"recibo-{result.payment_id}.pdf"
        )
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._busy = False
        message = str(exc) if isinstance(exc, PaymentRefused) else error_message(exc)
        self.error_label.setText(message)
        self.error_label.show()
        self.confirm_button.setDefault(True)
        self._reload()  # what is due may have changed; what was typed stays
