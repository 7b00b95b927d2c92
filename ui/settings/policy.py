"""Cobrança: late fee, late interest, grace days, what a cashier may waive, overdue bands."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from services.settings import MAX_LATE_FEE_PCT, CollectionPolicy
from ui.forms import FieldRow
from ui.settings.bands_editor import BandsEditor
from ui.settings.common import (
    PercentEdit,
    SectionPage,
    collect_errors,
    money_edit,
    with_unit,
)


class PolicySection(SectionPage):
    key = "policy"
    title = "Cobrança"
    heading = "Cobrança e faixas de atraso"
    intro = (
        "Encargos cobrados de uma parcela paga depois do vencimento (e dos dias de carência). "
        "Valem para as parcelas a partir de agora; o valor atualizado aparece no balcão e na "
        "2ª via."
    )
    save_button_name = "savePolicyButton"

    def build(self) -> None:
        self.fee_edit = PercentEdit("late_fee_pct")
        self.interest_edit = PercentEdit("monthly_interest_pct")
        self.grace_spin = QSpinBox()
        self.grace_spin.setRange(0, 30)
        self.grace_spin.setMaximumWidth(110)
        self.waiver_edit = money_edit("cashier_waiver_limit")

        form = self.form()
        self.add_row(
            form,
            "Multa por atraso:",
            "late_fee_pct",
            with_unit(
                self.fee_edit,
                after="%",
                note=f"máximo {MAX_LATE_FEE_PCT.normalize():f} % — CDC art. 52 §1",
            ),
        )
        self.add_row(
            form,
            "Juros de mora:",
            "monthly_interest_pct",
            with_unit(
                self.interest_edit,
                after="% ao mês",
                note="simples, proporcionais aos dias (1 % ao mês é o usual)",
            ),
        )
        self.add_row(
            form,
            "Carência:",
            "grace_days",
            with_unit(
                self.grace_spin, after="dias", note="dias depois do vencimento sem multa nem juros"
            ),
        )
        self.add_row(
            form,
            "O caixa pode dispensar até:",
            "cashier_waiver_limit",
            with_unit(
                self.waiver_edit,
                before="R$",
                note="de multa e juros por recibo; acima disso, só o dono",
            ),
        )

        bands_form = self.form(
            "Faixas de atraso",
            "Cada parcela fica numa faixa conforme os dias de atraso, mostrada com cor e nome "
            "nas listas e no balcão. “Até (dias)” é o último dia da faixa; números negativos "
            "contam dias antes do vencimento. A última faixa não tem limite.",
        )
        self.bands_editor = BandsEditor()
        self.bands_row = FieldRow(self.bands_editor)
        self.errors.rows["bands"] = self.bands_row
        bands_form.addRow(self.bands_row)

        self.watch(
            self.fee_edit.textEdited,
            self.interest_edit.textEdited,
            self.grace_spin.valueChanged,
            self.waiver_edit.textEdited,
            self.bands_editor.changed,
        )

    def set_value(self, value: CollectionPolicy) -> None:
        self.fee_edit.set_value(value.late_fee_pct)
        self.interest_edit.set_value(value.monthly_interest_pct)
        self.grace_spin.setValue(value.grace_days)
        self.waiver_edit.set_value(value.cashier_waiver_limit)
        self.bands_editor.set_bands(value.bands)

    def collect(self) -> CollectionPolicy:
        fee, interest, waiver = collect_errors(
            self.fee_edit.value, self.interest_edit.value, self.waiver_edit.value
        )
        return CollectionPolicy(
            late_fee_pct=fee,
            monthly_interest_pct=interest,
            grace_days=self.grace_spin.value(),
            cashier_waiver_limit=waiver,
            bands=self.bands_editor.bands(),
        )
