"""Pix and Banco: optional data that the printed slips use when present."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from services.settings import BankAgreement, PixSettings
from services.validation import FieldError, ValidationErrors
from ui.settings.common import SectionPage, note_label


class PixSection(SectionPage):
    key = "pix"
    title = "Pix"
    heading = "Pix no carnê (opcional)"
    intro = (
        "Com uma chave Pix, cada boleto do carnê e cada 2ª via traz um QR Code para o cliente "
        "pagar pelo celular. Deixe a chave em branco para imprimir sem QR Code."
    )
    save_button_name = "savePixButton"

    def build(self) -> None:
        self.key_edit = QLineEdit()
        self.key_edit.setMaxLength(77)
        self.key_edit.setMaximumWidth(560)
        self.key_edit.setPlaceholderText("CNPJ, CPF, e-mail, celular ou chave aleatória")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(25)
        self.name_edit.setMaximumWidth(320)
        self.name_edit.setPlaceholderText("como o banco mostra ao pagador")
        self.city_edit = QLineEdit()
        self.city_edit.setMaxLength(15)
        self.city_edit.setMaximumWidth(220)
        form = self.form()
        self.add_row(form, "Chave Pix:", "key", self.key_edit)
        self.add_row(form, "Nome do recebedor:", "merchant_name", self.name_edit)
        self.add_row(form, "Cidade do recebedor:", "merchant_city", self.city_edit)
        self.body_layout.addWidget(
            note_label(
                "O QR Code comporta até 25 letras no nome e 15 na cidade. Confira a chave com "
                "cuidado: o dinheiro vai para a conta dela."
            )
        )
        self.watch(self.key_edit.textEdited, self.name_edit.textEdited, self.city_edit.textEdited)

    def set_value(self, value: PixSettings) -> None:
        self.key_edit.setText(value.key)
        self.name_edit.setText(value.merchant_name)
        self.city_edit.setText(value.merchant_city)

    def collect(self) -> PixSettings:
        value = PixSettings(self.key_edit.text(), self.name_edit.text(), self.city_edit.text())
        if not value.key.strip() and (value.merchant_name.strip() or value.merchant_city.strip()):
            # The service would store "no Pix" and drop the name and city without a word.
            raise FieldError("key", "Informe a chave Pix, ou apague o nome e a cidade.")
        return value


class BankSection(SectionPage):
    key = "bank"
    title = "Banco"
    heading = "Convênio bancário (opcional)"
    intro = (
        "Só para lojas com convênio de cobrança num banco: com ele, os boletos do carnê saem "
        "com o código de barras e a linha digitável do banco e podem ser pagos em qualquer "
        "banco ou lotérica. Sem convênio, o carnê é da própria loja e o código de barras abre "
        "a parcela no balcão. Os dados estão no contrato do convênio."
    )
    save_button_name = "saveBankButton"

    def build(self) -> None:
        self.bank_edit = QLineEdit()
        self.bank_edit.setMaxLength(3)
        self.bank_edit.setMaximumWidth(80)
        self.bank_edit.setPlaceholderText("001")
        self.agency_edit = QLineEdit()
        self.agency_edit.setMaximumWidth(140)
        self.account_edit = QLineEdit()
        self.account_edit.setMaximumWidth(200)
        self.wallet_edit = QLineEdit()
        self.wallet_edit.setMaximumWidth(80)
        self.agreement_edit = QLineEdit()
        self.agreement_edit.setMaximumWidth(200)
        form = self.form()
        self.add_row(form, "Código do banco:", "bank_code", self.bank_edit)
        self.add_row(form, "Agência:", "agency", self.agency_edit)
        self.add_row(form, "Conta:", "account", self.account_edit)
        self.add_row(form, "Carteira:", "wallet", self.wallet_edit)
        self.add_row(
            form, "Convênio / código do beneficiário:", "agreement_code", self.agreement_edit
        )
        self.watch(
            self.bank_edit.textEdited,
            self.agency_edit.textEdited,
            self.account_edit.textEdited,
            self.wallet_edit.textEdited,
            self.agreement_edit.textEdited,
        )

    def set_value(self, value: BankAgreement) -> None:
        self.bank_edit.setText(value.bank_code)
        self.agency_edit.setText(value.agency)
        self.account_edit.setText(value.account)
        self.wallet_edit.setText(value.wallet)
        self.agreement_edit.setText(value.agreement_code)

    def collect(self) -> BankAgreement:
        value = BankAgreement(
            bank_code=self.bank_edit.text(),
            agency=self.agency_edit.text(),
            account=self.account_edit.text(),
            wallet=self.wallet_edit.text(),
            agreement_code=self.agreement_edit.text(),
        )
        if not (value.bank_code.strip() or value.agreement_code.strip()) and any(
            text.strip() for text in (value.agency, value.account, value.wallet)
        ):
            # The service would store "no agreement" and drop what was typed without a word.
            raise ValidationErrors(
                [
                    FieldError(
                        "bank_code", "Informe o código do banco, ou apague os demais campos."
                    ),
                    FieldError("agreement_code", "Informe o convênio, ou apague os demais campos."),
                ]
            )
        return value
