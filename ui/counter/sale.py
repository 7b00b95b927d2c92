"""The new credit sale: the cashier types, the customer sees every condition, then it is stored.

CDC art. 52 caput and art. 54-B: before the sale the customer is told the price, the monthly and
yearly rates, the CET, the late charges, the number, amounts and dates of the installments and
the totals with and without financing. The dialog recomputes that preview in the background as
the cashier types (``sales.preview_sale``) and shows it before "Confirmar venda" is pressed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import Customer
from services import sales
from services import settings as settings_service
from services.money import format_brl, format_percent
from services.printing import PrintJob
from services.users import Operator
from services.validation import FieldError, ValidationErrors
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.documents.actions import print_documents
from ui.forms import DueChoice, FieldRow, FormErrors
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit, error_message

PREVIEW_DELAY_MS = 200
DEFAULT_DAY_OFFSET = 30  # the first due date offered: a month after the sale

SALE_STYLE = """
QDialog#newSaleDialog QGroupBox {
    font-weight: 600;
    border: 1px solid #d5d8dd;
    border-radius: 6px;
    margin-top: 10px;
    padding: 12px 10px 8px 10px;
}
QDialog#newSaleDialog QGroupBox::title {
    subcontrol-origin: margin;
    left: 10px;
    padding: 0 4px;
}
QDialog#newSaleDialog QGroupBox QWidget { font-weight: normal; }
QLabel#fieldError { color: #a1261b; font-size: 9pt; }
QLabel#generalError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QDateEdit[invalid="true"] {
    border: 1px solid #c0392b; border-radius: 3px; background: #fff6f5; padding: 2px 4px;
}
QLabel#installmentsSummary { font-size: 13pt; font-weight: 600; }
QLabel#rateWarningLabel {
    color: #6b4a00; background: #fff4d6; border: 1px solid #e8c66a;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#creditStatusLabel[refused="true"] { color: #a1261b; font-weight: 600; }
QLabel#creditStatusLabel[refused="false"] { color: #1e6b34; font-weight: 600; }
QLabel#creditReasonsLabel { color: #a1261b; }
QLabel#previewHint { color: #5f6368; }
QLabel.value { font-weight: 600; }
"""

# Service field names → where their messages show. "first_due" and "day_of_month" share a row.
_FIELDS = (
    "description",
    "cash_price",
    "down_payment",
    "count",
    "monthly_rate",
    "first_due",
    "override_reason",
)


def _parse_rate(text: str) -> Decimal:
    """A percent a month typed the Brazilian way ("2,5" or "2,5 %")."""
    cleaned = text.replace("%", "").strip()
    if not cleaned:
        raise FieldError("monthly_rate", "Informe a taxa de juros ao mês (0 para sem juros).")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise FieldError("monthly_rate", "Taxa inválida: use números, como 2,5.") from None
    if not rate.is_finite():
        raise FieldError("monthly_rate", "Taxa inválida: use números, como 2,5.")
    return rate


def _format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


class NewSaleDialog(QDialog):
    """A credit sale for one customer; on any error it stays open with everything typed."""

    saleCreated = Signal(int)  # the sale's id
    previewUpdated = Signal()  # a preview (or its errors) is on screen
    saleFailed = Signal()

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newSaleDialog")
        self.setStyleSheet(SALE_STYLE)
        self.setWindowTitle("Nova venda a prazo")
        self.setModal(True)
        self.ctx = ctx
        self.customer_id = customer_id
        self.today = ctx.today()
        self.preview: sales.SalePreview | None = None
        self.preview_request: sales.SaleRequest | None = None
        self.submitting = False
        self._generation = 0  # only the newest preview is shown
        self._touched: set[str] = set()  # field errors show once the cashier has been there
        self._rate_typed = False

        self.general = QLabel(self)
        self.general.setObjectName("generalError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.errors = FormErrors(self.general)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._run_preview)

        self._build()
        self._load_context()
        self.description.setFocus()

    # --- building ----------------------------------------------------------------------------

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        return form

    def _value_label(self, name: str) -> QLabel:
        label = QLabel("—", self)
        label.setObjectName(name)
        label.setProperty("class", "value")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build(self) -> None:
        self.customer_label = QLabel("Cliente: carregando…", self)
        self.customer_label.setObjectName("saleCustomerLabel")
        font = self.customer_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.customer_label.setFont(font)

        # --- what is sold and how ---
        self.description = QLineEdit(self)
        self.description.setObjectName("descriptionEdit")
        self.description.setPlaceholderText("Ex.: Geladeira Frost Free 400 L")
        self.description.setMaxLength(200)
        self.price = MoneyEdit(self, field="cash_price")
        self.price.setObjectName("priceEdit")
        self.down = MoneyEdit(self, field="down_payment")
        self.down.setObjectName("downEdit")
        self.down.setPlaceholderText("0,00 (sem entrada)")
        self.count = QSpinBox(self)
        self.count.setObjectName("countSpin")
        self.count.setRange(1, settings_service.CreditRules().max_installments)
        self.count.setValue(1)
        self.count.setSuffix(" ×")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rate = QLineEdit(self)
        self.rate.setObjectName("rateEdit")
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rate.setPlaceholderText("0,00")
        rate_row = QWidget(self)
        rate_layout = QHBoxLayout(rate_row)
        rate_layout.setContentsMargins(0, 0, 0, 0)
        rate_layout.addWidget(self.rate, 1)
        rate_layout.addWidget(QLabel("% ao mês", rate_row))

        due_row = DueChoice("Data do 1º vencimento", self, day_suffix="do mês")
        self.by_date, self.by_day, self.due_mode = due_row.by_date, due_row.by_day, due_row.due_mode
        self.first_due, self.day_of_month = due_row.first_due, due_row.day_of_month
        self.by_date.setObjectName("firstDueRadio")
        self.by_day.setObjectName("dayOfMonthRadio")
        self.first_due.setObjectName("firstDueEdit")
        first = self.today + timedelta(days=DEFAULT_DAY_OFFSET)
        self.first_due.setDate(QDate(first.year, first.month, first.day))
        self.first_due.setMinimumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.day_of_month.setObjectName("dayOfMonthSpin")
        self.day_of_month.setValue(min(self.today.day, 28) or 10)
        self.due_row = due_row

        sale_box = QGroupBox("Venda", self)
        form = self._form()
        self.errors.add_row(form, "Descrição *", "description", self.description)
        self.errors.add_row(form, "Preço à vista *", "cash_price", self.price)
        self.errors.add_row(form, "Entrada", "down_payment", self.down)
        self.errors.add_row(form, "Parcelas *", "count", self.count)
        self.errors.add_row(form, "Juros *", "monthly_rate", rate_row)
        due_field = self.errors.add_row(form, "Vencimento *", "first_due", due_row)
        self.errors.rows["day_of_month"] = due_field
        sale_box.setLayout(form)

        # --- credit check ---
        self.credit_limit = self._value_label("creditLimitLabel")
        self.credit_used = self._value_label("creditUsedLabel")
        self.credit_available = self._value_label("creditAvailableLabel")
        self.credit_status = QLabel("", self)
        self.credit_status.setObjectName("creditStatusLabel")
        self.credit_status.setWordWrap(True)
        self.credit_reasons = QLabel("", self)
        self.credit_reasons.setObjectName("creditReasonsLabel")
        self.credit_reasons.setWordWrap(True)
        self.credit_reasons.hide()
        self.override_reason = QLineEdit(self)
        self.override_reason.setObjectName("overrideReasonEdit")
        self.override_reason.setPlaceholderText("Por que o dono(a) libera esta venda")
        self.override_reason.setMaxLength(300)
        credit_box = QGroupBox("Crédito do cliente", self)
        credit_form = self._form()
        credit_form.addRow("Limite", self.credit_limit)
        credit_form.addRow("Em aberto", self.credit_used)
        credit_form.addRow("Disponível", self.credit_available)
        credit_form.addRow(self.credit_status)
        credit_form.addRow(self.credit_reasons)
        self.override_row = FieldRow(self.override_reason)
        self.errors.rows["override_reason"] = self.override_row
        self.override_label = QLabel("Motivo da liberação *", self)
        credit_form.addRow(self.override_label, self.override_row)
        credit_box.setLayout(credit_form)
        self._show_override(False)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(sale_box)
        left.addWidget(credit_box)
        left.addStretch(1)

        # --- what the customer is told (CDC art. 52, 54-B) ---
        self.summary = QLabel(self)
        self.summary.setObjectName("installmentsSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.financed = self._value_label("financedLabel")
        self.total_cash = self._value_label("totalCashLabel")
        self.total_credit = self._value_label("totalCreditLabel")
        self.interest = self._value_label("interestLabel")
        self.rates = self._value_label("ratesLabel")
        self.cet = self._value_label("cetLabel")
        self.late = self._value_label("lateChargesLabel")
        for label in (self.rates, self.late):
            label.setWordWrap(True)
        self.rate_warning = QLabel(self)
        self.rate_warning.setObjectName("rateWarningLabel")
        self.rate_warning.setWordWrap(True)
        self.rate_warning.hide()
        self.preview_hint = QLabel(
            "Preencha a venda: as condições aparecem aqui enquanto você digita.", self
        )
        self.preview_hint.setObjectName("previewHint")
        self.preview_hint.setWordWrap(True)

        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("installmentsTable")
        self.table.setHorizontalHeaderLabels(["Parcela", "Vencimento", "Valor"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(180)

        terms_box = QGroupBox("Condições informadas ao cliente (CDC art. 52 e 54-B)", self)
        terms_form = self._form()
        terms_form.addRow(self.summary)
        terms_form.addRow(self.preview_hint)
        terms_form.addRow("Valor financiado", self.financed)
        terms_form.addRow("Total à vista (sem financiamento)", self.total_cash)
        terms_form.addRow("Total a prazo (com financiamento)", self.total_credit)
        terms_form.addRow("Juros do financiamento", self.interest)
        terms_form.addRow("Taxa de juros", self.rates)
        terms_form.addRow("Custo efetivo total (CET)", self.cet)
        terms_form.addRow("Em caso de atraso", self.late)
        terms_form.addRow(self.rate_warning)
        terms_form.addRow(self.table)
        terms_box.setLayout(terms_form)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 5)
        columns.addWidget(terms_box, 6)

        self.confirm_button = QPushButton("Confirmar venda", self)
        self.confirm_button.setObjectName("confirmSaleButton")
        self.confirm_button.setDefault(True)
        bold = self.confirm_button.font()
        bold.setBold(True)
        self.confirm_button.setMinimumWidth(
            QFontMetrics(bold).horizontalAdvance("Registrando venda…") + 36
        )
        self.cancel_button = QPushButton("Cancelar", self)
        self.cancel_button.setObjectName("cancelSaleButton")
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        hint = QLabel("* obrigatório", self)
        hint.setObjectName("previewHint")
        bottom = QHBoxLayout()
        bottom.addWidget(hint)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(self.customer_label)
        layout.addWidget(self.general)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        self.resize(1080, 700)

        # Recompute as the cashier types; mark a field touched once they have been there.
        edits: tuple[tuple[QLineEdit, str], ...] = (
            (self.description, "description"),
            (self.price, "cash_price"),
            (self.down, "down_payment"),
            (self.rate, "monthly_rate"),
        )
        for edit, field in edits:
            edit.textChanged.connect(lambda _t, f=field: self._touch(f))
        self.rate.textEdited.connect(self._on_rate_typed)
        self.count.valueChanged.connect(lambda _v: self._touch("count"))
        self.first_due.dateChanged.connect(lambda _d: self._touch("first_due"))
        self.day_of_month.valueChanged.connect(lambda _v: self._touch("first_due"))
        self.by_day.toggled.connect(self._on_due_mode)
        self.override_reason.textEdited.connect(lambda _t: self.override_row.set_error(None))

    def _show_override(self, visible: bool) -> None:
        self.override_label.setVisible(visible)
        self.override_row.setVisible(visible)

    # --- the customer and the shop's settings --------------------------------------------------

    def _load_context(self) -> None:
        db, customer_id = self.ctx.db, self.customer_id

        def job() -> tuple[str | None, settings_service.CreditRules]:
            with db.unit_of_work() as uow:
                customer = uow.session.get(Customer, customer_id)
                name = customer.name if customer is not None else None
                return name, settings_service.load(uow.session).credit

        run_in_background(job, self._on_context_loaded, self._on_context_failed)

    def _on_context_loaded(self, loaded: tuple[str | None, settings_service.CreditRules]) -> None:
        name, rules = loaded
        self.customer_label.setText(f"Cliente: {name}" if name else "Cliente não encontrado")
        self.count.setMaximum(rules.max_installments)
        if not self._rate_typed:
            self.rate.setText(format_percent(rules.default_monthly_rate).replace(" %", ""))
        self._schedule_preview()

    def _on_context_failed(self, exc: Exception) -> None:
        self.general.setText(error_message(exc))
        self.general.show()

    # --- preview -------------------------------------------------------------------------------

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        self._schedule_preview()

    def _on_rate_typed(self, _text: str) -> None:
        self._rate_typed = True

    def _on_due_mode(self, by_day: bool) -> None:
        self.first_due.setEnabled(not by_day)
        self.day_of_month.setEnabled(by_day)
        self._touch("first_due")

    def _schedule_preview(self) -> None:
        self._generation += 1  # anything in flight is now stale
        self._timer.start()

    def request(self) -> sales.SaleRequest:
        """What is on screen as a request; raises ValidationErrors for what cannot be read."""
        errors: list[FieldError] = []
        price = down = rate = None
        try:
            price = self.price.value()
        except FieldError as exc:
            errors.append(exc)
        try:
            down = self.down.value() if self.down.text().strip() else Decimal("0.00")
        except FieldError as exc:
            errors.append(exc)
        try:
            rate = _parse_rate(self.rate.text())
        except FieldError as exc:
            errors.append(exc)
        if errors:
            raise ValidationErrors(errors)
        assert price is not None and down is not None and rate is not None
        first_due, day = self.due_row.chosen()
        return sales.SaleRequest(
            customer_id=self.customer_id,
            description=self.description.text(),
            cash_price=price,
            down_payment=down,
            count=self.count.value(),
            monthly_rate=rate,
            first_due=first_due,
            day_of_month=day,
        )

    def _run_preview(self) -> None:
        generation = self._generation
        try:
            request = self.request()
        except ValidationErrors as exc:
            self._show_preview(None, None)
            self._show_errors(exc, only_touched=True)
            self.previewUpdated.emit()
            return
        db, today = self.ctx.db, self.today

        def job() -> sales.SalePreview:
            with db.unit_of_work() as uow:
                return sales.preview_sale(uow.session, request, today)

        run_in_background(
            job,
            lambda p: self._on_previewed(generation, request, p),
            lambda e: self._on_preview_failed(generation, e),
        )

    def _on_previewed(
        self, generation: int, request: sales.SaleRequest, preview: sales.SalePreview
    ) -> None:
        if generation != self._generation:
            return
        self._clear_field_errors()
        self._show_preview(preview, request)
        self.previewUpdated.emit()

    def _on_preview_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._show_preview(None, None)
        if isinstance(exc, ValidationErrors | FieldError):
            self._show_errors(exc, only_touched=True)
        else:
            self.general.setText(error_message(exc))
            self.general.show()
        self.previewUpdated.emit()

    def _clear_field_errors(self) -> None:
        for field, row in self.errors.rows.items():
            if field != "override_reason":
                row.set_error(None)

    def _show_errors(
        self, exc: ValidationErrors | FieldError, *, only_touched: bool
    ) -> QWidget | None:
        items = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        if only_touched:
            items = [e for e in items if self._is_touched(e.field)]
        self._clear_field_errors()
        self.general.hide()
        if not items:
            return None
        return self.errors.show(ValidationErrors(items))

    def _is_touched(self, field: str) -> bool:
        if field == "day_of_month":
            field = "first_due"
        if field == "down_payment" and "cash_price" in self._touched:
            return True  # "entrada ≥ preço" concerns both once the price is typed
        return field in self._touched or field not in _FIELDS

    def _show_preview(
        self, preview: sales.SalePreview | None, request: sales.SaleRequest | None
    ) -> None:
        self.preview = preview
        self.preview_request = request
        values = (
            self.financed,
            self.total_cash,
            self.total_credit,
            self.interest,
            self.rates,
            self.cet,
            self.late,
            self.credit_limit,
            self.credit_used,
            self.credit_available,
        )
        if preview is None:
            self.summary.clear()
            self.summary.hide()
            self.preview_hint.show()
            for label in values:
                label.setText("—")
            self.rate_warning.hide()
            self.table.setRowCount(0)
            self.credit_status.setText("")
            self.credit_reasons.hide()
            self._show_override(False)
            return
        self.preview_hint.hide()
        self.summary.show()
        plan = preview.installments
        regular = plan[0].amount
        last = plan[-1].amount
        if len(plan) > 1 and last != regular:
            text = f"{len(plan) - 1} × {format_brl(regular)} + 1 × {format_brl(last)}"
        else:
            text = f"{len(plan)} × {format_brl(regular)}"
        if preview.down_payment:
            text = f"Entrada de {format_brl(preview.down_payment)} + {text}"
        self.summary.setText(text)
        self.financed.setText(format_brl(preview.financed_amount))
        self.total_cash.setText(format_brl(preview.cash_price))
        self.total_credit.setText(format_brl(preview.total_with_financing))
        self.interest.setText(format_brl(preview.interest_total))
        self.rates.setText(
            f"{format_percent(preview.monthly_rate_pct)} ao mês · "
            f"{format_percent(preview.yearly_rate_pct)} ao ano"
        )
        self.cet.setText(f"{format_percent(preview.cet_yearly_pct)} ao ano")
        grace = preview.grace_days
        grace_text = (
            "" if grace == 0 else f", após {grace} dia{'s' if grace > 1 else ''} de carência"
        )
        self.late.setText(
            f"multa de {format_percent(preview.late_fee_pct)} da parcela{grace_text}\n"
            f"juros de mora de {format_percent(preview.late_interest_monthly_pct)} ao mês\n"
            "(proporcionais aos dias de atraso)"
        )
        if preview.rate_warning:
            self.rate_warning.setText(preview.rate_warning)
            self.rate_warning.show()
        else:
            self.rate_warning.hide()
        self.table.setRowCount(len(plan))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        centre = Qt.AlignmentFlag.AlignCenter
        for row, planned in enumerate(plan):
            cells = (
                (f"{planned.number}/{len(plan)}", centre),
                (_format_date(planned.due_date), centre),
                (format_brl(planned.amount), right),
            )
            for column, (value, align) in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setTextAlignment(align)
                self.table.setItem(row, column, item)

        credit = preview.credit
        self.credit_limit.setText(format_brl(credit.limit))
        self.credit_used.setText(format_brl(credit.used))
        self.credit_available.setText(format_brl(credit.available))
        refused = not credit.approved
        self.credit_status.setProperty("refused", refused)
        self.credit_status.style().unpolish(self.credit_status)
        self.credit_status.style().polish(self.credit_status)
        if refused:
            self.credit_status.setText("✗ Crédito recusado — só o dono(a) pode liberar:")
            self.credit_reasons.setText("\n".join(f"• {r}" for r in credit.reasons))
            self.credit_reasons.show()
        else:
            self.credit_status.setText("✓ Crédito aprovado")
            self.credit_reasons.hide()
        self._show_override(refused)

    # --- confirming ----------------------------------------------------------------------------

    def confirm(self) -> None:
        """Check the latest preview, ask the owner when the credit was refused, then store."""
        if self.submitting:
            return
        self._timer.stop()
        self._touched.update(_FIELDS)
        self.general.hide()
        try:
            request = self.request()
        except ValidationErrors as exc:
            self._focus(self._show_errors(exc, only_touched=False))
            return
        self._set_submitting(True)
        db, today = self.ctx.db, self.today

        def job() -> sales.SalePreview:
            with db.unit_of_work() as uow:
                return sales.preview_sale(uow.session, request, today)

        run_in_background(job, lambda p: self._on_checked(request, p), self._on_submit_failed)

    def _on_checked(self, request: sales.SaleRequest, preview: sales.SalePreview) -> None:
        self._generation += 1
        self._clear_field_errors()
        self._show_preview(preview, request)
        if preview.credit.approved:
            self._create(request, None, None)
            return
        reason = " ".join(self.override_reason.text().split())
        if not reason:
            self._set_submitting(False)
            self.override_row.set_error(
                "Crédito recusado: informe o motivo da liberação para pedir a autorização do "
                "dono(a)."
            )
            self.override_reason.setFocus()
            self.saleFailed.emit()
            return
        if self.ctx.operator.is_owner:
            self._create(request, self.ctx.operator, reason)  # the owner approves with their login
            return
        dialog = OwnerAuthorizationDialog(
            self.ctx.db,
            self.ctx.clock,
            f"Liberar a venda a prazo recusada na análise de crédito.\nMotivo: {reason}",
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(_result: int) -> None:
            owner = dialog.owner  # set only when the owner's password was accepted
            if owner is not None:
                self._create(request, owner, reason)
            else:
                self._set_submitting(False)
                self.general.setText("Venda não registrada: o dono(a) não autorizou.")
                self.general.show()
                self.saleFailed.emit()

        dialog.finished.connect(finished)
        dialog.open()

    def _create(
        self, request: sales.SaleRequest, owner: Operator | None, reason: str | None
    ) -> None:
        db, operator, now = self.ctx.db, self.ctx.operator, self.ctx.now()

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                sale_id = sales.create_sale(
                    uow.session,
                    request,
                    operator=operator,
                    now=now,
                    owner=owner,
                    override_reason=reason,
                )
                uow.commit()
            return sale_id

        run_in_background(job, self._on_created, self._on_submit_failed)

    def _on_created(self, sale_id: int) -> None:
        self._set_submitting(False)
        self.saleCreated.emit(sale_id)
        today = self.ctx.today()
        jobs = [PrintJob("carne", sale_id, today), PrintJob("disclosure", sale_id, today)]
        host = self.parentWidget() or self
        print_documents(host, self.ctx, jobs, f"Venda nº {sale_id}", f"venda-{sale_id}.pdf")
        self.accept()

    def _on_submit_failed(self, exc: Exception) -> None:
        self._set_submitting(False)
        if isinstance(exc, ValidationErrors | FieldError):
            self._focus(self._show_errors(exc, only_touched=False))
        else:
            message = error_message(exc)
            if isinstance(exc, sales.CreditRefused):
                message = str(exc)
            self.general.setText(message)
            self.general.show()
        self.saleFailed.emit()

    def _set_submitting(self, submitting: bool) -> None:
        self.submitting = submitting
        self.confirm_button.setEnabled(not submitting)
        self.confirm_button.setText("Registrando venda…" if submitting else "Confirmar venda")

    @staticmethod
    def _focus(widget: QWidget | None) -> None:
        if widget is not None:
            widget.setFocus()
