"""The customer form: new or edit, saved in the background, messages under each wrong field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QFontMetrics, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import customers as customer_service
from services.db import Database
from services.money import format_brl
from services.text import digits, format_cep, format_cpf, format_phone
from services.validation import UFS, FieldError, ValidationErrors
from ui.customers.common import explain
from ui.forms import FieldRow, FormErrors
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit

EDITOR_STYLE = """
QDialog#customerEditor QGroupBox {
    font-weight: 600;
    border: 1px solid #d5d8dd;
    border-radius: 6px;
    margin-top: 10px;
    padding: 12px 10px 8px 10px;
}
QDialog#customerEditor QGroupBox::title {
    subcontrol-origin: margin;
    left: 10px;
    padding: 0 4px;
}
QDialog#customerEditor QGroupBox QLabel, QDialog#customerEditor QGroupBox QCheckBox,
QDialog#customerEditor QGroupBox QLineEdit, QDialog#customerEditor QGroupBox QComboBox,
QDialog#customerEditor QGroupBox QPlainTextEdit {
    font-weight: normal;
}
QLabel#fieldError { color: #a1261b; font-size: 9pt; }
QLabel#generalError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {
    border: 1px solid #c0392b; border-radius: 3px; background: #fff6f5; padding: 2px 4px;
}
QWidget#phoneRow[invalid="true"] QLineEdit#phoneNumber {
    border: 1px solid #c0392b; border-radius: 3px; background: #fff6f5; padding: 2px 4px;
}
QLabel#editorHint { color: #5f6368; }
"""

_CPF_CHARS = QRegularExpression(r"[0-9.\-\s]{0,14}")
_PHONE_CHARS = QRegularExpression(r"[0-9()+\-\s]{0,20}")
_CEP_CHARS = QRegularExpression(r"[0-9.\-\s]{0,10}")
_DATE_CHARS = QRegularExpression(r"[0-9/]{0,10}")


def _format_date_text(text: str) -> str:
    d = digits(text)
    if len(d) == 8 and "/" not in text:
        return f"{d[:2]}/{d[2:4]}/{d[4:]}"
    return text


class PhoneRow(QWidget):
    """Number, WhatsApp and a short description ("recado", "trabalho") of one phone."""

    def __init__(self, position: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneRow")
        self.number = QLineEdit(self)
        self.number.setObjectName("phoneNumber")
        self.number.setPlaceholderText("(11) 98765-4321")
        self.number.setValidator(QRegularExpressionValidator(_PHONE_CHARS, self.number))
        self.number.setMinimumWidth(150)
        self.number.editingFinished.connect(self.format_number)
        self.whatsapp = QCheckBox("WhatsApp", self)
        self.whatsapp.setObjectName(f"phoneWhatsapp{position}")
        self.label = QLineEdit(self)
        self.label.setObjectName(f"phoneLabel{position}")
        self.label.setPlaceholderText("descrição")
        self.label.setMaxLength(30)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.number, 3)
        layout.addWidget(self.whatsapp)
        layout.addWidget(self.label, 2)
        self.setFocusProxy(self.number)

    def format_number(self) -> None:
        d = digits(self.number.text())
        if len(d) in (10, 11):
            self.number.setText(format_phone(d))

    def value(self) -> tuple[str, bool, str]:
        return (self.number.text(), self.whatsapp.isChecked(), self.label.text())

    def set_value(self, number: str, whatsapp: bool, label: str) -> None:
        self.number.setText(number)
        self.whatsapp.setChecked(whatsapp)
        self.label.setText(label)


@dataclass(frozen=True)
class EditorContext:
    """What the dialog needs to save: it never shares a Session with the screen."""

    db: Database
    user_id: int
    clock: Callable[[], datetime]  # read when saving, on the UI thread
    default_limit: Decimal | None = None


class CustomerEditor(QDialog):
    """New customer or edit one; on any error the dialog stays open with everything typed."""

    customerSaved = Signal(int)  # the customer's id
    saveFailed = Signal()

    def __init__(
        self,
        context: EditorContext,
        *,
        customer_id: int | None = None,
        data: customer_service.CustomerInput | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerEditor")
        self.setStyleSheet(EDITOR_STYLE)
        self.context = context
        self.customer_id = customer_id
        self.saving = False
        title = "Novo cliente" if customer_id is None else "Editar cliente"
        if data is not None and data.name and customer_id is not None:
            title = f"Editar cliente — {data.name}"
        self.setWindowTitle(title)
        self.setModal(True)

        self.general = QLabel(self)
        self.general.setObjectName("generalError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.errors = FormErrors(self.general)

        self._build()
        if data is not None:
            self.set_input(data)
        self.name.setFocus()

    # --- building ----------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "", max_length: int = 0) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        if max_length:
            edit.setMaxLength(max_length)
        return edit

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        return form

    def _build(self) -> None:
        # Identification
        self.name = self._line("nameEdit", "Nome e sobrenome, como no documento", 120)
        self.cpf = self._line("cpfEdit", "000.000.000-00")
        self.cpf.setValidator(QRegularExpressionValidator(_CPF_CHARS, self.cpf))
        self.cpf.editingFinished.connect(self._on_cpf_edited)
        self.birth_date = self._line("birthDateEdit", "dd/mm/aaaa")
        self.birth_date.setValidator(QRegularExpressionValidator(_DATE_CHARS, self.birth_date))
        self.birth_date.editingFinished.connect(
            lambda: self.birth_date.setText(_format_date_text(self.birth_date.text()))
        )
        self.email = self._line("emailEdit", "nome@exemplo.com.br", 160)
        identity = QGroupBox("Identificação e contato", self)
        form = self._form()
        self.errors.add_row(form, "Nome completo *", "name", self.name)
        self.errors.add_row(form, "CPF *", "cpf", self.cpf)
        self.errors.add_row(form, "Nascimento", "birth_date", self.birth_date)
        self.phone_rows: list[PhoneRow] = []
        for i in range(customer_service.MAX_PHONES):
            row = PhoneRow(i, self)
            self.phone_rows.append(row)
            label = "Telefone *" if i == 0 else f"Telefone {i + 1}"
            self.errors.add_row(form, label, f"phones.{i}", row)
        self.errors.add_row(form, "E-mail", "email", self.email)
        identity.setLayout(form)

        # Credit and collection
        self.credit_limit = MoneyEdit(self, field="credit_limit")
        self.credit_limit.setObjectName("creditLimitEdit")
        if self.context.default_limit is not None:
            self.credit_limit.setPlaceholderText(
                f"padrão da loja: {format_brl(self.context.default_limit)}"
            )
        self.contact_consent = QCheckBox("Autoriza contato de cobrança (WhatsApp, SMS, ligação)")
        self.contact_consent.setObjectName("contactConsentCheck")
        self.contact_consent.setChecked(True)
        self.blocked = QCheckBox("Bloqueado para novas compras a prazo")
        self.blocked.setObjectName("blockedCheck")
        self.in_court = QCheckBox("Em cobrança judicial")
        self.in_court.setObjectName("inCourtCheck")
        self.collection_agency = self._line(
            "collectionAgencyEdit", "se a dívida foi repassada", 120
        )
        credit = QGroupBox("Crédito e cobrança", self)
        form = self._form()
        self.errors.add_row(form, "Limite de crédito", "credit_limit", self.credit_limit)
        self.errors.add_row(form, "", "contact_consent", self.contact_consent)
        self.errors.add_row(form, "", "blocked", self.blocked)
        self.errors.add_row(form, "", "in_court", self.in_court)
        self.errors.add_row(
            form, "Empresa de cobrança", "collection_agency", self.collection_agency
        )
        credit.setLayout(form)

        # Address
        self.cep = self._line("cepEdit", "00000-000")
        self.cep.setValidator(QRegularExpressionValidator(_CEP_CHARS, self.cep))
        self.cep.setMaximumWidth(120)
        self.cep.editingFinished.connect(self._on_cep_edited)
        self.street = self._line("streetEdit", "Rua, avenida…", 160)
        self.number = self._line("numberEdit", "nº ou s/n", 20)
        self.number.setMaximumWidth(120)
        self.complement = self._line("complementEdit", "apto, bloco, fundos…", 80)
        self.district = self._line("districtEdit", "", 80)
        self.city = self._line("cityEdit", "", 80)
        self.uf = QComboBox(self)
        self.uf.setObjectName("ufCombo")
        self.uf.addItem("", "")
        for uf in UFS:
            self.uf.addItem(uf, uf)
        self.uf.setMaximumWidth(80)
        address = QGroupBox("Endereço", self)
        form = self._form()
        self.errors.add_row(form, "CEP", "cep", self.cep)
        self.errors.add_row(form, "Rua *", "street", self.street)
        self.errors.add_row(form, "Número", "number", self.number)
        self.errors.add_row(form, "Complemento", "complement", self.complement)
        self.errors.add_row(form, "Bairro", "district", self.district)
        self.errors.add_row(form, "Cidade *", "city", self.city)
        self.errors.add_row(form, "UF *", "uf", self.uf)
        address.setLayout(form)

        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notesEdit")
        self.notes.setPlaceholderText("Referências, combinados com o cliente…")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(70)
        notes_box = QGroupBox("Observações", self)
        notes_row = FieldRow(self.notes)
        self.errors.rows["notes"] = notes_row
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(notes_row)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(identity)
        left.addWidget(credit)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(address)
        right.addWidget(notes_box, 1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Salvar", self)
        self.save_button.setObjectName("saveCustomerButton")
        self.save_button.setDefault(True)
        # Room for "Salvando…" in the bold face the default button is drawn with.
        bold = self.save_button.font()
        bold.setBold(True)
        self.save_button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance("Salvando…") + 36)
        self.cancel_button = QPushButton("Cancelar", self)
        self.cancel_button.setObjectName("cancelCustomerButton")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        hint = QLabel("* obrigatório", self)
        hint.setObjectName("editorHint")
        bottom = QHBoxLayout()
        bottom.addWidget(hint)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(self.general)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        self.resize(1000, 640)

    # --- formatting as typed -----------------------------------------------------------------

    def _on_cpf_edited(self) -> None:
        d = digits(self.cpf.text())
        if len(d) == 11:
            self.cpf.setText(format_cpf(d))

    def _on_cep_edited(self) -> None:
        d = digits(self.cep.text())
        if len(d) == 8:
            self.cep.setText(format_cep(d))

    # --- data --------------------------------------------------------------------------------

    def set_input(self, data: customer_service.CustomerInput) -> None:
        self.name.setText(data.name)
        self.cpf.setText(format_cpf(data.cpf) if len(digits(data.cpf)) == 11 else data.cpf)
        born = data.birth_date
        self.birth_date.setText(born.strftime("%d/%m/%Y") if isinstance(born, date) else born or "")
        for i, row in enumerate(self.phone_rows):
            number, whatsapp, label = data.phones[i] if i < len(data.phones) else ("", False, "")
            row.set_value(number, whatsapp, label)
        self.email.setText(data.email)
        self.cep.setText(data.cep)
        self.street.setText(data.street)
        self.number.setText(data.number)
        self.complement.setText(data.complement)
        self.district.setText(data.district)
        self.city.setText(data.city)
        self.uf.setCurrentIndex(max(0, self.uf.findData(data.uf.upper())))
        limit = data.credit_limit
        if isinstance(limit, Decimal):
            self.credit_limit.set_value(limit)
        else:
            self.credit_limit.setText(limit or "")
        self.notes.setPlainText(data.notes)
        self.contact_consent.setChecked(data.contact_consent)
        self.blocked.setChecked(data.blocked)
        self.in_court.setChecked(data.in_court)
        self.collection_agency.setText(data.collection_agency)

    def input(self) -> customer_service.CustomerInput:
        """What is on screen, as typed: the service validates every field at once."""
        return customer_service.CustomerInput(
            name=self.name.text(),
            cpf=self.cpf.text(),
            birth_date=self.birth_date.text(),
            phones=[row.value() for row in self.phone_rows],
            email=self.email.text(),
            cep=self.cep.text(),
            street=self.street.text(),
            number=self.number.text(),
            complement=self.complement.text(),
            district=self.district.text(),
            city=self.city.text(),
            uf=str(self.uf.currentData() or ""),
            credit_limit=self.credit_limit.text(),
            notes=self.notes.toPlainText(),
            contact_consent=self.contact_consent.isChecked(),
            blocked=self.blocked.isChecked(),
            collection_agency=self.collection_agency.text(),
            in_court=self.in_court.isChecked(),
        )

    # --- saving ------------------------------------------------------------------------------

    def tidy(self) -> None:
        """Format what is complete (CPF, phones, CEP, date), as leaving each field would."""
        self._on_cpf_edited()
        self._on_cep_edited()
        self.birth_date.setText(_format_date_text(self.birth_date.text()))
        for row in self.phone_rows:
            row.format_number()

    def save(self) -> None:
        if self.saving:
            return
        self.tidy()
        self.errors.clear()
        data = self.input()
        context = self.context
        customer_id = self.customer_id
        now = context.clock()

        def job() -> int:
            with context.db.unit_of_work(write=True) as uow:
                if customer_id is None:
                    saved = customer_service.create_customer(
                        uow.session, data, user_id=context.user_id, now=now
                    )
                else:
                    customer_service.update_customer(
                        uow.session, customer_id, data, user_id=context.user_id, now=now
                    )
                    saved = customer_id
                uow.commit()
            return saved

        self._set_saving(True)
        run_in_background(job, self._on_saved, self._on_save_failed)

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Salvando…" if saving else "Salvar")

    def _on_saved(self, customer_id: int) -> None:
        self._set_saving(False)
        self.customer_id = customer_id
        self.customerSaved.emit(customer_id)
        self.accept()

    def _on_save_failed(self, exc: Exception) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationErrors | FieldError):
            first = self.errors.show(exc)
            if first is not None:
                first.setFocus()
        else:
            self.errors.clear()
            self.general.setText(explain(exc))
            self.general.show()
        self.saveFailed.emit()
