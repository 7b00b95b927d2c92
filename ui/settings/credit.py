"""Crédito: limits and plan rules for new credit sales, with the rate warning shown live."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QSpinBox, QVBoxLayout, QWidget

from services.plans import rate_warning
from services.settings import CreditRules
from services.validation import FieldError
from ui.settings.common import (
    PercentEdit,
    SectionPage,
    collect_errors,
    money_edit,
    note_label,
    with_unit,
)


class CreditSection(SectionPage):
    key = "credit"
    title = "Crédito"
    heading = "Regras de crédito"
    intro = (
        "O que vale para novas vendas no crediário. O dono pode autorizar uma venda fora "
        "destas regras; a autorização fica registrada."
    )
    save_button_name = "saveCreditButton"

    def build(self) -> None:
        self.limit_edit = money_edit("default_limit")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 365)
        self.days_spin.setMaximumWidth(110)
        self.installments_spin = QSpinBox()
        self.installments_spin.setRange(1, 120)
        self.installments_spin.setMaximumWidth(110)
        self.rate_edit = PercentEdit("default_monthly_rate")
        self.min_installment_edit = money_edit("min_installment")
        self.rate_warning_label = note_label("", "warning")
        self.rate_warning_label.setObjectName("rateWarning")
        self.rate_warning_label.setMaximumWidth(640)
        self.rate_warning_label.hide()

        form = self.form()
        self.add_row(
            form,
            "Limite de crédito padrão:",
            "default_limit",
            with_unit(self.limit_edit, before="R$", note="para clientes novos"),
        )
        self.add_row(
            form,
            "Atraso máximo para nova compra:",
            "max_days_late",
            with_unit(
                self.days_spin,
                after="dias",
                note="com parcela atrasada há mais que isso, não compra a crédito",
            ),
        )
        self.add_row(
            form,
            "Máximo de parcelas:",
            "max_installments",
            with_unit(self.installments_spin, after="parcelas"),
        )
        rate_box = QWidget()
        rate_lines = QVBoxLayout(rate_box)
        rate_lines.setContentsMargins(0, 0, 0, 0)
        rate_lines.setSpacing(6)
        rate_lines.addWidget(
            with_unit(self.rate_edit, after="% ao mês", note="0 = sem juros no parcelamento")
        )
        rate_lines.addWidget(self.rate_warning_label)  # live, never blocks (DOMAIN.md)
        rate_box.setFocusProxy(self.rate_edit)
        self.add_row(form, "Taxa de juros padrão:", "default_monthly_rate", rate_box)
        self.add_row(
            form,
            "Parcela mínima:",
            "min_installment",
            with_unit(self.min_installment_edit, before="R$"),
        )
        self.rate_edit.textChanged.connect(self._update_rate_warning)
        self.watch(
            self.limit_edit.textEdited,
            self.days_spin.valueChanged,
            self.installments_spin.valueChanged,
            self.rate_edit.textEdited,
            self.min_installment_edit.textEdited,
        )

    def _update_rate_warning(self) -> None:
        try:
            rate = self.rate_edit.value()
        except FieldError:
            rate = Decimal(0)
        message = rate_warning(rate) if rate <= Decimal(100) else None
        self.rate_warning_label.setText(message or "")
        self.rate_warning_label.setVisible(bool(message))

    def set_value(self, value: CreditRules) -> None:
        self.limit_edit.set_value(value.default_limit)
        self.days_spin.setValue(value.max_days_late)
        self.installments_spin.setValue(value.max_installments)
        self.rate_edit.set_value(value.default_monthly_rate)
        self.min_installment_edit.set_value(value.min_installment)
        self._update_rate_warning()

    def collect(self) -> CreditRules:
        limit, rate, minimum = collect_errors(
            self.limit_edit.value, self.rate_edit.value, self.min_installment_edit.value
        )
        return CreditRules(
            default_limit=limit,
            max_days_late=self.days_spin.value(),
            max_installments=self.installments_spin.value(),
            default_monthly_rate=rate,
            min_installment=minimum,
        )
