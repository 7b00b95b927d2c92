"""Acordos: the limits of a renegotiation, the breach rule and when to suggest a write-off.

Beyond these limits an agreement needs the owner's password (``services.agreements``). The
clause on breach is printed on each agreement and kept with it, so changing it here only changes
the agreements signed from now on.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QSpinBox, QVBoxLayout, QWidget

from services.settings import BREACH_CLAUSES, KEEP_DISCOUNT, LOSE_DISCOUNT, AgreementPolicy
from ui.settings.common import (
    PercentEdit,
    SectionPage,
    collect_errors,
    money_edit,
    note_label,
    with_unit,
)

# What each clause means for the customer, in a sentence the owner can repeat at the counter.
CLAUSE_EXPLANATIONS = {
    LOSE_DISCOUNT: (
        "Se uma parcela do acordo atrasar mais que o prazo acima, a parte do desconto "
        "correspondente ao que ainda falta pagar vira mais uma parcela, com vencimento no dia "
        "do rompimento; o que já foi pago não é recalculado."
    ),
    KEEP_DISCOUNT: (
        "Se o acordo for rompido, as parcelas em aberto voltam à cobrança normal, com multa e "
        "juros desde o vencimento de cada uma, e o desconto concedido não volta a ser cobrado."
    ),
}


def _spin(low: int, high: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setMaximumWidth(110)
    return spin


class AgreementsSection(SectionPage):
    key = "agreements"
    title = "Acordos"
    heading = "Acordos e baixas por perda"
    intro = (
        "Limites para renegociar uma dívida sem a senha do dono, o que acontece quando um acordo "
        "é rompido e quando o sistema sugere baixar uma dívida como perda."
    )
    save_button_name = "saveAgreementsButton"

    def build(self) -> None:
        self.charges_pct_edit = PercentEdit("max_discount_charges_pct")
        self.charges_pct_edit.setObjectName("maxDiscountChargesEdit")
        self.principal_pct_edit = PercentEdit("max_discount_principal_pct")
        self.principal_pct_edit.setObjectName("maxDiscountPrincipalEdit")
        self.installments_spin = _spin(1, 120)
        self.installments_spin.setObjectName("maxInstallmentsSpin")
        self.min_installment_edit = money_edit("min_installment")
        self.min_installment_edit.setObjectName("minInstallmentEdit")
        self.breach_spin = _spin(1, 365)
        self.breach_spin.setObjectName("breachDaysSpin")
        self.write_off_below_edit = money_edit("write_off_below")
        self.write_off_below_edit.setObjectName("writeOffBelowEdit")
        self.silent_spin = _spin(30, 3650)
        self.silent_spin.setObjectName("writeOffSilentDaysSpin")

        limits = self.form(
            "Limites sem a senha do dono",
            "Um acordo além destes limites só é fechado com a autorização do dono, que fica "
            "registrada.",
        )
        self.add_row(
            limits,
            "Desconto máximo na multa e nos juros:",
            "max_discount_charges_pct",
            with_unit(
                self.charges_pct_edit, after="%", note="100 = pode perdoar todos os encargos"
            ),
        )
        self.add_row(
            limits,
            "Desconto máximo no valor principal:",
            "max_discount_principal_pct",
            with_unit(self.principal_pct_edit, after="%"),
        )
        self.add_row(
            limits,
            "Máximo de parcelas:",
            "max_installments",
            with_unit(self.installments_spin, after="parcelas", note="além da entrada"),
        )
        self.add_row(
            limits,
            "Parcela mínima:",
            "min_installment",
            with_unit(self.min_installment_edit, before="R$"),
        )

        breach = self.form(
            "Rompimento do acordo",
            "A cláusula escolhida sai impressa no termo e fica guardada com cada acordo: mudar "
            "aqui vale só para os acordos feitos daqui em diante.",
        )
        self.add_row(
            breach,
            "Rompido com atraso de mais de:",
            "breach_days",
            with_unit(self.breach_spin, after="dias", note="em qualquer parcela do acordo"),
        )
        self.clause_group = QButtonGroup(self)
        self.clause_radios: dict[str, QRadioButton] = {}
        clauses = QWidget()
        clauses.setObjectName("breachClauses")
        lines = QVBoxLayout(clauses)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        for key, label in BREACH_CLAUSES.items():
            radio = QRadioButton(label)
            radio.setObjectName(f"clause_{key}")
            self.clause_group.addButton(radio)
            self.clause_radios[key] = radio
            explanation = note_label(CLAUSE_EXPLANATIONS[key])
            explanation.setContentsMargins(24, 0, 0, 8)  # under the radio's text
            explanation.setMaximumWidth(640)
            lines.addWidget(radio)
            lines.addWidget(explanation)
        clauses.setFocusProxy(self.clause_radios[LOSE_DISCOUNT])
        self.add_row(breach, "Desconto, se rompido:", "breach_clause", clauses)

        write_off = self.form(
            "Sugestão de baixa por perda",
            "Só uma sugestão: quem decide é o dono. Dívidas vencidas há mais de 5 anos também "
            "são sugeridas (prescritas, Código Civil art. 206 §5 I).",
        )
        self.add_row(
            write_off,
            "Dívida abaixo de:",
            "write_off_below",
            with_unit(self.write_off_below_edit, before="R$"),
        )
        self.add_row(
            write_off,
            "Sem resposta há mais de:",
            "write_off_silent_days",
            with_unit(
                self.silent_spin,
                after="dias",
                note="nem pagamento, nem contato atendido",
            ),
        )
        self.watch(
            self.charges_pct_edit.textEdited,
            self.principal_pct_edit.textEdited,
            self.installments_spin.valueChanged,
            self.min_installment_edit.textEdited,
            self.breach_spin.valueChanged,
            self.clause_group.buttonToggled,
            self.write_off_below_edit.textEdited,
            self.silent_spin.valueChanged,
        )

    @property
    def breach_clause(self) -> str:
        for key, radio in self.clause_radios.items():
            if radio.isChecked():
                return key
        return ""

    def set_value(self, value: AgreementPolicy) -> None:
        self.charges_pct_edit.set_value(value.max_discount_charges_pct)
        self.principal_pct_edit.set_value(value.max_discount_principal_pct)
        self.installments_spin.setValue(value.max_installments)
        self.min_installment_edit.set_value(value.min_installment)
        self.breach_spin.setValue(value.breach_days)
        radio = self.clause_radios.get(value.breach_clause)
        if radio is not None:
            radio.setChecked(True)
        self.write_off_below_edit.set_value(value.write_off_below)
        self.silent_spin.setValue(value.write_off_silent_days)

    def collect(self) -> AgreementPolicy:
        charges, principal, minimum, below = collect_errors(
            self.charges_pct_edit.value,
            self.principal_pct_edit.value,
            self.min_installment_edit.value,
            self.write_off_below_edit.value,
        )
        return AgreementPolicy(
            max_discount_charges_pct=charges,
            max_discount_principal_pct=principal,
            max_installments=self.installments_spin.value(),
            min_installment=minimum,
            breach_days=self.breach_spin.value(),
            breach_clause=self.breach_clause,
            write_off_below=below,
            write_off_silent_days=self.silent_spin.value(),
        )
