"""First run: the shop's identity and its owner, saved together (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from services.db import Database
from services.settings import ShopIdentity
from services.shop import setup_shop
from services.text import strip_accents
from services.users import MIN_PASSWORD_LENGTH, Operator
from services.validation import FieldError, ValidationErrors
from ui.forms import FieldRow, FormErrors
from ui.settings.common import FORM_STYLE, failure_message, make_default, note_label, uf_combo
from ui.tasks import run_in_background

WELCOME = (
    "Antes de começar, conte quem é a loja e quem é o dono. O nome, o CNPJ ou CPF e o "
    "endereço saem em todos os carnês, recibos e cartas de cobrança, como pede o Código de "
    "Defesa do Consumidor (art. 42-A). Tudo pode ser alterado depois em Configurações."
)


def _suggest_username(full_name: str) -> str:
    first = strip_accents(full_name).strip().split(" ")[0].lower()
    return "".join(ch for ch in first if ch.isalnum())


class FirstRunDialog(QDialog):
    """Welcome, shop identity and owner account; ``operator`` holds the owner after success."""

    def __init__(
        self, db: Database, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Crediário — primeira configuração")
        self.setStyleSheet(FORM_STYLE)
        self.db = db
        self.clock = clock
        self.operator: Operator | None = None
        self._busy = False
        self._username_touched = False

        heading = QLabel("Bem-vindo ao Crediário")
        heading.setObjectName("pageTitle")
        self.general = QLabel()
        self.general.setObjectName("generalError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.errors = FormErrors(self.general)

        # --- the shop ---
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText("como sai nos carnês, ex.: Magazine Silva Ltda")
        self.document_edit = QLineEdit()
        self.document_edit.setPlaceholderText("00.000.000/0000-00 ou 000.000.000-00")
        self.street_edit = QLineEdit()
        self.street_edit.setPlaceholderText("Rua, avenida…")
        self.number_edit = QLineEdit()
        self.number_edit.setMaximumWidth(90)
        self.district_edit = QLineEdit()
        self.city_edit = QLineEdit()
        self.uf_combo: QComboBox = uf_combo(blank="UF")
        self.uf_combo.setMinimumWidth(190)
        self.cep_edit = QLineEdit()
        self.cep_edit.setPlaceholderText("00000-000")
        self.cep_edit.setMaximumWidth(140)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("(00) 0000-0000")
        self.phone_edit.setMaximumWidth(180)

        shop = QGroupBox("A loja")
        shop_form = self._form(shop)
        self.errors.add_row(shop_form, "Nome da loja:", "name", self.name_edit)
        self.errors.add_row(shop_form, "CNPJ ou CPF:", "document", self.document_edit)
        shop_form.addRow(
            "Endereço:",
            self._pair(("street", self.street_edit, 1), ("number", self.number_edit, 0), "nº"),
        )
        self.errors.add_row(shop_form, "Bairro:", "district", self.district_edit)
        shop_form.addRow(
            "Cidade:", self._pair(("city", self.city_edit, 1), ("uf", self.uf_combo, 0), "")
        )
        self.errors.add_row(shop_form, "CEP:", "cep", self.cep_edit)
        self.errors.add_row(shop_form, "Telefone:", "phone", self.phone_edit)

        # --- the owner ---
        self.owner_name_edit = QLineEdit()
        self.owner_name_edit.setMaxLength(120)
        self.username_edit = QLineEdit()
        self.username_edit.setMaxLength(40)
        self.username_edit.setPlaceholderText("para entrar no programa, ex.: maria")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"pelo menos {MIN_PASSWORD_LENGTH} caracteres")
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setPlaceholderText("repita a senha")

        owner = QGroupBox("Dono(a) da loja")
        owner_form = self._form(owner)
        self.errors.add_row(owner_form, "Nome completo:", "full_name", self.owner_name_edit)
        self.errors.add_row(owner_form, "Usuário:", "username", self.username_edit)
        self.errors.add_row(owner_form, "Senha:", "password", self.password_edit)
        self.errors.add_row(owner_form, "Confirme a senha:", "password_confirm", self.confirm_edit)
        owner_form.addRow(
            note_label(
                "O dono altera configurações, cadastra os caixas e autoriza exceções. "
                "Guarde a senha: sem ela, só outro dono pode redefini-la."
            )
        )

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            "Começar a usar", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setObjectName("startButton")
        quit_button = self.buttons.addButton("Sair", QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quitButton")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(shop, 3)
        right = QVBoxLayout()
        right.addWidget(owner)
        right.addStretch(1)
        columns.addLayout(right, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(note_label(WELCOME))
        layout.addLayout(columns)
        layout.addWidget(self.general)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.setMinimumWidth(960)
        make_default(self.start_button)

        self.owner_name_edit.textEdited.connect(self._suggest_username)
        self.username_edit.textEdited.connect(self._on_username_edited)
        order = [
            self.name_edit, self.document_edit, self.street_edit, self.number_edit,
            self.district_edit, self.city_edit, self.uf_combo, self.cep_edit, self.phone_edit,
            self.owner_name_edit, self.username_edit, self.password_edit, self.confirm_edit,
            self.start_button, quit_button,
        ]  # fmt: skip
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self.name_edit.setFocus()

    # --- layout helpers ------------------------------------------------------------------------

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(8)
        return form

    def _pair(
        self,
        first: tuple[str, QWidget, int],
        second: tuple[str, QWidget, int],
        second_label: str,
    ) -> QWidget:
        """Two fields on one line (street + number), each with its own error underneath."""
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        for index, (field, widget, stretch) in enumerate((first, second)):
            if index == 1 and second_label:
                label = QLabel(second_label)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                label.setContentsMargins(0, 7, 0, 0)  # level with the field's text
                line.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
            row = FieldRow(widget)
            self.errors.rows[field] = row
            line.addWidget(row, stretch, Qt.AlignmentFlag.AlignTop)
        box.setFocusProxy(first[1])
        return box

    # --- behaviour -----------------------------------------------------------------------------

    def _suggest_username(self, name: str) -> None:
        if not self._username_touched:
            self.username_edit.setText(_suggest_username(name))

    def _on_username_edited(self, text: str) -> None:
        self._username_touched = bool(text)

    def identity(self) -> ShopIdentity:
        return ShopIdentity(
            name=self.name_edit.text(),
            document=self.document_edit.text(),
            street=self.street_edit.text(),
            number=self.number_edit.text(),
            district=self.district_edit.text(),
            city=self.city_edit.text(),
            uf=self.uf_combo.currentData() or "",
            cep=self.cep_edit.text(),
            phone=self.phone_edit.text(),
        )

    def submit(self) -> None:
        if self._busy:
            return
        self.errors.clear()
        if self.password_edit.text() != self.confirm_edit.text():
            self._show(FieldError("password_confirm", "As senhas não conferem."))
            return
        db, identity, now = self.db, self.identity(), self.clock().replace(microsecond=0)
        username, name = self.username_edit.text(), self.owner_name_edit.text()
        password = self.password_edit.text()
        self._busy = True
        self.start_button.setEnabled(False)
        self.status.setText("Salvando…")
        run_in_background(
            lambda: setup_shop(
                db,
                identity=identity,
                owner_username=username,
                owner_name=name,
                owner_password=password,
                now=now,
            ),
            self._on_done,
            self._on_failed,
        )

    def _on_done(self, operator: Operator) -> None:
        self._busy = False
        self.operator = operator
        self.status.clear()
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        self.start_button.setEnabled(True)
        self.start_button.setDefault(True)  # disabling it had handed Enter to another button
        self.status.clear()
        if isinstance(exc, ValidationErrors | FieldError):
            self._show(exc)
        else:
            self.general.setText(failure_message(exc))
            self.general.show()

    def _show(self, errors: ValidationErrors | FieldError) -> None:
        first = self.errors.show(errors)
        if first is not None:
            first.setFocus()
