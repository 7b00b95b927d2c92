"""The agreement simulator: the terms the owner and the customer discuss, the plan they give,
and the standard offers beside them.

``services.agreements.simulate`` and ``options`` are pure arithmetic over a :class:`Debt` already
read from the database (no session, microseconds), so the plan is recomputed here on the UI
thread a moment after each keystroke; the page reads the debt in the background.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.agreements import (
    MAX_COUNT,
    AgreementOption,
    AgreementPlan,
    AgreementTerms,
    Debt,
    options,
    simulate,
)
from services.money import format_brl, format_percent, parse_brl
from services.plans import add_months
from services.settings import AgreementPolicy, CollectionPolicy
from services.validation import FieldError, ValidationErrors
from ui.agreements.models import ScheduleModel
from ui.customers.detail import configure_table
from ui.forms import DueChoice, FormErrors

SIMULATE_DELAY_MS = 120
UNIT_REAIS = "R$"
UNIT_PERCENT = "%"

# Service field names → the row that shows their message.
FIELD_ROWS = {
    "charges_discount_pct": "charges_discount",
    "principal_discount_pct": "principal_discount",
    "day_of_month": "first_due",
}


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _parse_number(text: str, field: str, what: str, *, places: int) -> Decimal:
    """A number typed the Brazilian way ("2,5", "1.234,5" or "2.5"), with an optional "%"."""
    cleaned = text.replace("%", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FieldError(field, f"{what} inválido: use números, como 2,5.") from None
    if not value.is_finite():
        raise FieldError(field, f"{what} inválido: use números, como 2,5.")
    if value < 0:
        raise FieldError(field, f"{what}: valor negativo não é aceito.")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise FieldError(field, f"{what}: no máximo {places} casas decimais.")
    return value


def describe_plan(plan: AgreementPlan) -> str:
    """One line for a person: "Entrada de R$ 50,00 + 3 × R$ 100,00" or "À vista: R$ 350,00"."""
    if plan.count == 0:
        return f"À vista, hoje: {format_brl(plan.total)}"
    rest = [p.amount for p in plan.installments]
    first, last = rest[0], rest[-1]
    if len(rest) > 1 and last != first:
        text = f"{len(rest) - 1} × {format_brl(first)} + 1 × {format_brl(last)}"
    else:
        text = f"{len(rest)} × {format_brl(first)}"
    if plan.down_payment:
        text = f"Entrada de {format_brl(plan.down_payment)} + {text}"
    return text


class _DiscountEdit(QWidget):
    """An amount in reais or a percent, chosen beside it."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"{name}Edit")
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setPlaceholderText("0,00")
        self.unit = QComboBox(self)
        self.unit.setObjectName(f"{name}Unit")
        self.unit.addItems([UNIT_REAIS, UNIT_PERCENT])
        self.unit.setToolTip("Desconto em reais ou em % do valor")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.unit)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.unit.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @property
    def is_percent(self) -> bool:
        return self.unit.currentText() == UNIT_PERCENT

    def read(self, field: str) -> tuple[Decimal, Decimal | None]:
        """(amount, percent or None) as AgreementTerms takes them; raises FieldError."""
        text = self.edit.text().strip()
        if self.is_percent:
            if not text:
                return Decimal("0.00"), None
            return Decimal("0.00"), _parse_number(text, f"{field}_pct", "Percentual", places=2)
        if not text:
            return Decimal("0.00"), None
        try:
            return parse_brl(text), None
        except ValueError as exc:
            raise FieldError(field, str(exc)) from None

    def fill(self, amount: Decimal, pct: Decimal | None) -> None:
        blocker = [self.edit.blockSignals(True), self.unit.blockSignals(True)]
        if pct is not None:
            self.unit.setCurrentText(UNIT_PERCENT)
            self.edit.setText(format_percent(pct).replace(" %", ""))
        else:
            self.unit.setCurrentText(UNIT_REAIS)
            self.edit.setText(format_brl(amount).replace("R$ ", "") if amount else "")
        self.edit.blockSignals(blocker[0])
        self.unit.blockSignals(blocker[1])


class _OptionCard(QPushButton):
    """A standard offer as a card: its text wraps to the column's width; click to use it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementOption")
        self.setToolTip("Preencher as condições com esta proposta")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label = QLabel(text, self)
        self.label.setObjectName("agreementOptionText")
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self.label.text()


class AgreementSimulator(QWidget):
    """Terms → plan, live; the standard offers fill the terms when clicked."""

    planUpdated = Signal()  # a plan (or the reason there is none) is on screen
    optionsUpdated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementSimulator")
        self.debt: Debt | None = None
        self.policy = AgreementPolicy()
        self.collection = CollectionPolicy()
        self.plan: AgreementPlan | None = None
        self.plan_terms: AgreementTerms | None = None
        self.offers: tuple[AgreementOption, ...] = ()
        self.option_buttons: list[QPushButton] = []
        self._first_due_typed = False
        self._no_debt_text = "Escolha o cliente e as parcelas: o acordo aparece aqui."

        self.general = QLabel(self)
        self.general.setObjectName("simulatorError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.errors = FormErrors(self.general)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SIMULATE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # --- building ----------------------------------------------------------------------------

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(5)
        return form

    def _value(self, name: str) -> QLabel:
        label = QLabel("—", self)
        label.setObjectName(name)
        label.setProperty("class", "value")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build(self) -> None:
        # --- the terms ---
        self.charges_discount = _DiscountEdit("chargesDiscount", self)
        self.principal_discount = _DiscountEdit("principalDiscount", self)
        self.down = QLineEdit(self)
        self.down.setObjectName("agreementDownEdit")
        self.down.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.down.setPlaceholderText("0,00 (sem entrada)")
        self.count = QSpinBox(self)
        self.count.setObjectName("agreementCountSpin")
        self.count.setRange(0, MAX_COUNT)
        self.count.setSpecialValueText("à vista")
        self.count.setSuffix(" ×")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rate = QLineEdit(self)
        self.rate.setObjectName("agreementRateEdit")
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rate.setPlaceholderText("0,00")
        rate_row = QWidget(self)
        rate_layout = QHBoxLayout(rate_row)
        rate_layout.setContentsMargins(0, 0, 0, 0)
        rate_layout.addWidget(self.rate, 1)
        rate_layout.addWidget(QLabel("% ao mês", rate_row))

        due_row = DueChoice("Em", self, horizontal_spacing=6, vertical_spacing=3)
        self.by_date, self.by_day, self.due_mode = due_row.by_date, due_row.by_day, due_row.due_mode
        self.first_due, self.day_of_month = due_row.first_due, due_row.day_of_month
        self.by_date.setObjectName("agreementFirstDueRadio")
        self.by_day.setObjectName("agreementDayRadio")
        self.first_due.setObjectName("agreementFirstDueEdit")
        self.first_due.setMinimumWidth(
            self.first_due.fontMetrics().horizontalAdvance("00/00/00000") + 44
        )
        self.day_of_month.setObjectName("agreementDaySpin")
        self.due_row = due_row

        terms_box = QGroupBox("Condições", self)
        form = self._form()
        self.errors.add_row(form, "Desconto multa/juros", "charges_discount", self.charges_discount)
        self.errors.add_row(
            form, "Desconto principal", "principal_discount", self.principal_discount
        )
        self.errors.add_row(form, "Entrada", "down_payment", self.down)
        self.errors.add_row(form, "Parcelas", "count", self.count)
        self.errors.add_row(form, "Juros", "monthly_rate", rate_row)
        due_field = self.errors.add_row(form, "1º vencimento", "first_due", due_row)
        self.errors.rows["day_of_month"] = due_field
        self.limits = QLabel(self)
        self.limits.setObjectName("agreementLimitsLabel")
        self.limits.setWordWrap(True)
        form.addRow(self.limits)
        terms_box.setLayout(form)

        # --- the plan ---
        self.summary = QLabel(self._no_debt_text, self)
        self.summary.setObjectName("agreementPlanSummary")
        self.summary.setWordWrap(True)
        self.debt_total = self._value("planDebtLabel")
        self.discount = self._value("planDiscountLabel")
        self.total = self._value("planTotalLabel")
        self.financing = self._value("planFinancingLabel")
        self.to_pay = self._value("planToPayLabel")
        self.violations = QLabel(self)
        self.violations.setObjectName("agreementViolationsLabel")
        self.violations.setWordWrap(True)
        self.violations.hide()
        self.rate_warning = QLabel(self)
        self.rate_warning.setObjectName("agreementRateWarning")
        self.rate_warning.setWordWrap(True)
        self.rate_warning.hide()
        self.schedule_model = ScheduleModel(self)
        self.schedule_view = QTableView(self)
        configure_table(self.schedule_view, "agreementScheduleView")
        self.schedule_view.setModel(self.schedule_model)
        self.schedule_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.schedule_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.schedule_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.schedule_view.setMinimumHeight(90)

        plan_box = QGroupBox("Acordo", self)
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.setSpacing(4)
        plan_layout.addWidget(self.summary)
        figures = QFormLayout()
        figures.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        figures.setHorizontalSpacing(10)
        figures.setVerticalSpacing(2)
        figures.addRow("Dívida atualizada", self.debt_total)
        figures.addRow("Desconto", self.discount)
        figures.addRow("Total do acordo", self.total)
        figures.addRow("Juros do parcelamento", self.financing)
        figures.addRow("Total a pagar", self.to_pay)
        plan_layout.addLayout(figures)
        plan_layout.addWidget(self.violations)
        plan_layout.addWidget(self.rate_warning)
        plan_layout.addWidget(self.general)
        plan_layout.addWidget(self.schedule_view, 1)

        # --- the standard offers ---
        self.options_box = QGroupBox("Propostas prontas", self)
        self.options_layout = QVBoxLayout()
        self.options_layout.setSpacing(6)
        self.options_layout.setContentsMargins(0, 0, 0, 0)
        holder = QWidget(self)
        holder.setObjectName("agreementOptions")
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 4, 0)
        holder_layout.addLayout(self.options_layout)
        holder_layout.addStretch(1)
        self.options_hint = QLabel("Clique numa proposta para usá-la.", holder)
        self.options_hint.setObjectName("agreementOptionsHint")
        self.options_hint.setWordWrap(True)
        self.options_layout.addWidget(self.options_hint)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)
        box_layout = QVBoxLayout(self.options_box)
        box_layout.setContentsMargins(6, 6, 6, 6)
        box_layout.addWidget(scroll)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        # Widths by stretch alone, so the columns stay put while the plan's text changes.
        for box, stretch, minimum in ((terms_box, 13, 400), (plan_box, 11, 300)):
            layout.addWidget(box, stretch)
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            box.setMinimumWidth(minimum)
        layout.addWidget(self.options_box, 8)
        self.options_box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.options_box.setMinimumWidth(230)

        self.charges_discount.changed.connect(self.schedule_refresh)
        self.principal_discount.changed.connect(self.schedule_refresh)
        self.down.textChanged.connect(lambda _t: self.schedule_refresh())
        self.rate.textChanged.connect(lambda _t: self.schedule_refresh())
        self.count.valueChanged.connect(self._on_count)
        self.first_due.dateChanged.connect(self._on_first_due)
        self.day_of_month.valueChanged.connect(lambda _v: self.schedule_refresh())
        self.by_day.toggled.connect(self._on_due_mode)
        self._on_count(0)
        self._show_plan(None)

    # --- the debt and the shop's rules -------------------------------------------------------

    def set_debt(
        self, debt: Debt | None, policy: AgreementPolicy, collection: CollectionPolicy
    ) -> None:
        """A new debt (or none): the offers are rebuilt and the plan recomputed at once."""
        moved = self.debt is None or debt is None or self.debt.on != debt.on
        self.debt, self.policy, self.collection = debt, policy, collection
        self.limits.setText(
            f"Sem a senha do dono: até {format_percent(policy.max_discount_charges_pct)} de "
            f"desconto na multa e nos juros, {format_percent(policy.max_discount_principal_pct)}"
            f" no principal, {policy.max_installments} parcelas de no mínimo "
            f"{format_brl(policy.min_installment)}."
        )
        if debt is not None:
            minimum = _qdate(debt.on.fromordinal(debt.on.toordinal() + 1))
            self.first_due.blockSignals(True)
            self.first_due.setMinimumDate(minimum)
            if moved and not self._first_due_typed:
                self.first_due.setDate(_qdate(add_months(debt.on, 1)))
            self.first_due.blockSignals(False)
        self._rebuild_options()
        self.refresh()

    def _rebuild_options(self) -> None:
        for button in self.option_buttons:
            self.options_layout.removeWidget(button)
            button.deleteLater()
        self.option_buttons = []
        self.offers = ()
        if self.debt is not None:
            first_due = self.first_due.date().toPython()
            try:
                self.offers = options(
                    self.debt,
                    self.policy,
                    collection_policy=self.collection,
                    first_due=first_due,  # type: ignore[arg-type]
                )
            except ValidationErrors:
                self.offers = ()
        for i, offer in enumerate(self.offers):
            plan = offer.plan
            lines = [offer.label] if plan.count == 0 else [offer.label, describe_plan(plan)]
            if plan.discount:
                lines.append(f"Desconto de {format_brl(plan.discount)}")
            lines.append(f"Total {format_brl(plan.schedule_total)}")
            button = _OptionCard("\n".join(lines), self)
            button.setProperty("optionIndex", i)
            button.clicked.connect(lambda _c=False, k=i: self.use_option(k))
            self.options_layout.addWidget(button)
            self.option_buttons.append(button)
        self.options_hint.setText(
            "Clique numa proposta para usá-la."
            if self.offers
            else "As propostas aparecem quando houver parcelas escolhidas."
        )
        self.optionsUpdated.emit()

    # --- the terms ---------------------------------------------------------------------------

    def _on_count(self, count: int) -> None:
        cash = count == 0
        for widget in (self.down, self.rate, self.by_date, self.by_day):
            widget.setEnabled(not cash)
        self.first_due.setEnabled(not cash and self.by_date.isChecked())
        self.day_of_month.setEnabled(not cash and self.by_day.isChecked())
        self.schedule_refresh()

    def _on_first_due(self, _value: QDate) -> None:
        self._first_due_typed = True
        self._rebuild_options()  # the offers fall on the date chosen
        self.schedule_refresh()

    def _on_due_mode(self, by_day: bool) -> None:
        cash = self.count.value() == 0
        self.first_due.setEnabled(not by_day and not cash)
        self.day_of_month.setEnabled(by_day and not cash)
        self.schedule_refresh()

    def terms(self) -> AgreementTerms:
        """What is on screen as terms; raises ValidationErrors for what cannot be read."""
        errors: list[FieldError] = []
        nothing: tuple[Decimal, Decimal | None] = (Decimal("0.00"), None)
        charges = principal = nothing
        down = Decimal("0.00")
        rate = Decimal(0)
        try:
            charges = self.charges_discount.read("charges_discount")
        except FieldError as exc:
            errors.append(exc)
        try:
            principal = self.principal_discount.read("principal_discount")
        except FieldError as exc:
            errors.append(exc)
        count = self.count.value()
        if count and self.down.text().strip():
            try:
                down = parse_brl(self.down.text())
            except ValueError as exc:
                errors.append(FieldError("down_payment", str(exc)))
        if count and self.rate.text().strip():
            try:
                rate = _parse_number(self.rate.text(), "monthly_rate", "Taxa", places=4)
            except FieldError as exc:
                errors.append(exc)
        if errors:
            raise ValidationErrors(errors)
        first_due: date | None = None
        day: int | None = None
        if count:
            first_due, day = self.due_row.chosen()
        return AgreementTerms(
            count=count,
            down_payment=down,
            monthly_rate=rate,
            charges_discount=charges[0],
            charges_discount_pct=charges[1],
            principal_discount=principal[0],
            principal_discount_pct=principal[1],
            first_due=first_due,
            day_of_month=day,
        )

    def fill(self, terms: AgreementTerms) -> None:
        """Put ``terms`` on screen (an offer clicked) and show its plan at once."""
        widgets = (self.count, self.down, self.rate, self.first_due, self.day_of_month)
        for widget in widgets:
            widget.blockSignals(True)
        self.count.setValue(terms.count)
        self.down.setText(
            format_brl(terms.down_payment).replace("R$ ", "") if terms.down_payment else ""
        )
        self.rate.setText(
            format_percent(terms.monthly_rate).replace(" %", "") if terms.monthly_rate else ""
        )
        if terms.first_due is not None:
            self.first_due.setDate(_qdate(terms.first_due))
            self._first_due_typed = True
        if terms.day_of_month is not None:
            self.day_of_month.setValue(terms.day_of_month)
        for widget in widgets:
            widget.blockSignals(False)
        self.by_day.blockSignals(True)
        (self.by_day if terms.day_of_month is not None else self.by_date).setChecked(True)
        self.by_day.blockSignals(False)
        self.charges_discount.fill(terms.charges_discount, terms.charges_discount_pct)
        self.principal_discount.fill(terms.principal_discount, terms.principal_discount_pct)
        self._on_count(terms.count)
        self.refresh()

    def use_option(self, index: int) -> None:
        if 0 <= index < len(self.offers):
            self.fill(self.offers[index].plan.terms)

    def reset(self) -> None:
        """Back to the empty terms (after an agreement is signed)."""
        self._first_due_typed = False
        self.fill(AgreementTerms())
        self._first_due_typed = False
        if self.debt is not None:
            self.first_due.blockSignals(True)
            self.first_due.setDate(_qdate(add_months(self.debt.on, 1)))
            self.first_due.blockSignals(False)

    # --- the plan ----------------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Simulate what is on screen now and show it (or say under each field what is wrong)."""
        self._timer.stop()
        self.errors.clear()
        if self.debt is None:
            self._show_plan(None)
            self.planUpdated.emit()
            return
        try:
            terms = self.terms()
            plan = simulate(self.debt, terms, self.policy, collection_policy=self.collection)
        except (ValidationErrors, FieldError) as exc:
            self._show_plan(None, "Corrija as condições marcadas para ver o acordo.")
            self.show_errors(exc)
            self.planUpdated.emit()
            return
        self._show_plan(plan)
        self.planUpdated.emit()

    def show_errors(self, exc: ValidationErrors | FieldError) -> QWidget | None:
        items = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        placed = [FieldError(FIELD_ROWS.get(e.field, e.field), e.message) for e in items]
        return self.errors.show(ValidationErrors(placed))

    def _show_plan(self, plan: AgreementPlan | None, why: str | None = None) -> None:
        self.plan = plan
        self.plan_terms = plan.terms if plan is not None else None
        values = (self.debt_total, self.discount, self.total, self.financing, self.to_pay)
        if plan is None:
            self.summary.setText(why or self._no_debt_text)
            self.summary.setProperty("empty", True)
            for label in values:
                label.setText("—")
            if self.debt is not None:
                self.debt_total.setText(format_brl(self.debt.total))
            self.violations.hide()
            self.rate_warning.hide()
            self.schedule_model.set_rows([])
        else:
            self.summary.setText(describe_plan(plan))
            self.summary.setProperty("empty", False)
            self.debt_total.setText(format_brl(plan.principal + plan.fees + plan.interest))
            parts = []
            if plan.charges_discount:
                parts.append(f"{format_brl(plan.charges_discount)} na multa e juros")
            if plan.principal_discount:
                parts.append(f"{format_brl(plan.principal_discount)} no principal")
            self.discount.setText(
                f"− {format_brl(plan.discount)}" if plan.discount else format_brl(plan.discount)
            )
            self.discount.setToolTip(" + ".join(parts))
            self.total.setText(format_brl(plan.total))
            self.financing.setText(
                format_brl(plan.financing_interest) if plan.financing_interest else "sem juros"
            )
            self.financing.setToolTip(f"{format_percent(plan.monthly_rate)} ao mês")
            self.to_pay.setText(format_brl(plan.schedule_total))
            if plan.violations:
                self.violations.setText(
                    "Acima do limite: precisa da senha do dono.\n"
                    + "\n".join(f"• {v}" for v in plan.violations)
                )
                self.violations.show()
            else:
                self.violations.hide()
            if plan.rate_warning:
                self.rate_warning.setText(plan.rate_warning)
                self.rate_warning.show()
            else:
                self.rate_warning.hide()
            self.schedule_model.set_rows(plan.schedule)
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
