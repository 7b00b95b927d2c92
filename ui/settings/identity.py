"""Loja: who the creditor is, printed on every carnê, receipt and letter (CDC art. 42-A)."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QFrame, QLineEdit, QVBoxLayout

from services.settings import ShopIdentity
from services.text import digits, format_cep, format_document, format_phone
from ui.settings.common import SectionPage, note_label, section_title, uf_combo


class IdentitySection(SectionPage):
    key = "identity"
    title = "Loja"
    heading = "Dados da loja"
    intro = (
        "Estes dados saem em todos os carnês, recibos e cartas de cobrança: a lei exige que "
        "todo documento de cobrança mostre o nome, o endereço e o CNPJ ou CPF do credor "
        "(CDC art. 42-A)."
    )
    save_button_name = "saveIdentityButton"

    def build(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.document_edit = QLineEdit()
        self.document_edit.setPlaceholderText("00.000.000/0000-00 ou 000.000.000-00")
        self.street_edit = QLineEdit()
        self.street_edit.setPlaceholderText("Rua, avenida…")
        self.number_edit = QLineEdit()
        self.number_edit.setMaximumWidth(120)
        self.complement_edit = QLineEdit()
        self.complement_edit.setPlaceholderText("opcional")
        self.district_edit = QLineEdit()
        self.district_edit.setPlaceholderText("opcional")
        self.city_edit = QLineEdit()
        self.uf_combo = uf_combo(blank="Escolha a UF")
        self.uf_combo.setMinimumWidth(220)
        self.cep_edit = QLineEdit()
        self.cep_edit.setPlaceholderText("00000-000 (opcional)")
        self.cep_edit.setMaximumWidth(180)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("(00) 0000-0000 (opcional)")
        self.phone_edit.setMaximumWidth(220)
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("opcional")

        form = self.form()
        self.add_row(form, "Nome da loja:", "name", self.name_edit)
        self.add_row(form, "CNPJ ou CPF:", "document", self.document_edit)
        self.add_row(form, "Endereço:", "street", self.street_edit)
        self.add_row(form, "Número:", "number", self.number_edit)
        self.add_row(form, "Complemento:", "complement", self.complement_edit)
        self.add_row(form, "Bairro:", "district", self.district_edit)
        self.add_row(form, "Cidade:", "city", self.city_edit)
        self.add_row(form, "UF:", "uf", self.uf_combo)
        self.add_row(form, "CEP:", "cep", self.cep_edit)
        self.add_row(form, "Telefone:", "phone", self.phone_edit)
        self.add_row(form, "E-mail:", "email", self.email_edit)

        preview = QFrame()
        preview.setObjectName("identityPreview")
        preview.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(preview)
        box.addWidget(section_title("Como aparece nos documentos"))
        self.preview_label = note_label("")
        self.preview_label.setObjectName("identityPreviewText")
        box.addWidget(self.preview_label)
        self.body_layout.addWidget(preview)

        for edit in (
            self.name_edit, self.document_edit, self.street_edit, self.complement_edit,
            self.district_edit, self.city_edit, self.email_edit,
        ):  # fmt: skip
            edit.setMaximumWidth(560)
        edits = (
            self.name_edit, self.document_edit, self.street_edit, self.number_edit,
            self.complement_edit, self.district_edit, self.city_edit, self.cep_edit,
            self.phone_edit, self.email_edit,
        )  # fmt: skip
        for edit in edits:
            edit.textChanged.connect(self._update_preview)
        self.uf_combo.currentIndexChanged.connect(self._update_preview)
        self.watch(*(e.textEdited for e in edits), self.uf_combo.activated)

    def set_value(self, value: ShopIdentity) -> None:
        self.name_edit.setText(value.name)
        self.document_edit.setText(format_document(value.document) if value.document else "")
        self.street_edit.setText(value.street)
        self.number_edit.setText(value.number)
        self.complement_edit.setText(value.complement)
        self.district_edit.setText(value.district)
        self.city_edit.setText(value.city)
        self.uf_combo.setCurrentIndex(max(0, self.uf_combo.findData(value.uf)))
        self.cep_edit.setText(format_cep(value.cep))
        self.phone_edit.setText(format_phone(value.phone) if value.phone else "")
        self.email_edit.setText(value.email)
        self._update_preview()

    def collect(self) -> ShopIdentity:
        return ShopIdentity(
            name=self.name_edit.text(),
            document=self.document_edit.text(),
            street=self.street_edit.text(),
            number=self.number_edit.text(),
            complement=self.complement_edit.text(),
            district=self.district_edit.text(),
            city=self.city_edit.text(),
            uf=self.uf_combo.currentData() or "",
            cep=self.cep_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
        )

    def _update_preview(self) -> None:
        value = self.collect()
        value = dataclasses.replace(value, cep=digits(value.cep))
        lines = [
            value.name.strip() or "(nome da loja)",
            f"CNPJ/CPF {value.document.strip()}" if value.document.strip() else "(CNPJ ou CPF)",
            value.address_line() or "(endereço)",
        ]
        contacts = [c.strip() for c in (value.phone, value.email) if c.strip()]
        if contacts:
            lines.append(" · ".join(contacts))
        missing = value.missing()
        if missing:
            lines.append("")
            lines.append("Falta para imprimir documentos: " + ", ".join(missing) + ".")
        self.preview_label.setText("\n".join(lines))
