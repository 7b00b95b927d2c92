"""The settings screen: a list of sections on the left, one page per section on the right.

Each section saves on its own, in one transaction, off the UI thread. Only the owner edits; a
cashier sees everything read-only.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from services import settings as settings_service
from services.db import Database
from services.settings import ShopIdentity, ShopSettings
from ui.context import AppContext
from ui.settings.agreements import AgreementsSection
from ui.settings.audit import AuditSection
from ui.settings.cadence import CadenceSection
from ui.settings.common import FORM_STYLE, SectionPage, failure_message, set_label_state
from ui.settings.contact import ContactSection
from ui.settings.credit import CreditSection
from ui.settings.identity import IdentitySection
from ui.settings.payments import BankSection, PixSection
from ui.settings.policy import PolicySection
from ui.settings.users import UsersSection
from ui.tasks import run_in_background

READ_ONLY_NOTE = "Somente o dono pode alterar as configurações."


def _load(db: Database) -> ShopSettings:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session)


class SettingsPage(QWidget):
    """Configurações: Loja, Cobrança, Crédito, Contato, Régua de cobrança, Acordos, Pix, Banco,
    Usuários, Auditoria."""

    settingsLoaded = Signal(object)  # ShopSettings
    settingsSaved = Signal(str, object)  # section key, the value as stored

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.setStyleSheet(FORM_STYLE)
        self.ctx = ctx
        self.settings: ShopSettings | None = None
        self.read_only = not ctx.operator.is_owner

        self.sections: dict[str, SectionPage] = {}
        for cls in (
            IdentitySection,
            PolicySection,
            CreditSection,
            ContactSection,
            CadenceSection,
            AgreementsSection,
            PixSection,
            BankSection,
        ):
            section = cls(ctx)
            section.saved.connect(self._on_section_saved)
            self.sections[section.key] = section
        self.users = UsersSection(ctx)
        self.audit = AuditSection(ctx)

        self.list = QListWidget()
        self.list.setObjectName("sectionList")
        self.list.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.stack.setObjectName("sectionStack")
        for page in (*self.sections.values(), self.users, self.audit):
            self.list.addItem(page.title)
            self.stack.addWidget(page)
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.read_only_note = QLabel(READ_ONLY_NOTE)
        self.read_only_note.setObjectName("readOnlyNote")
        self.read_only_note.setVisible(self.read_only)
        self.load_status = QLabel()
        self.load_status.setObjectName("loadStatus")
        self.load_status.setWordWrap(True)

        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.read_only_note)
        right.addWidget(self.load_status)
        right.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(16)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)

        for page in (*self.sections.values(), self.users):
            page.setEnabled(False)  # until the stored values arrive
            page.set_read_only(self.read_only)
        self.list.setCurrentRow(0)
        self.reload()

    # --- public --------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self.settings is not None

    def section(self, key: str) -> SectionPage:
        return self.sections[key]

    def show_section(self, key: str) -> None:
        keys = [*self.sections, self.users.key, self.audit.key]
        self.list.setCurrentRow(keys.index(key))

    def reload(self) -> None:
        """Read the stored settings and users again (drops unsaved edits)."""
        self.load_status.setText("Carregando…")
        set_label_state(self.load_status, "")
        self.load_status.show()
        db = self.ctx.db
        run_in_background(lambda: _load(db), self._on_loaded, self._on_load_failed)
        self.users.reload()

    # --- slots ---------------------------------------------------------------------------------

    def _on_loaded(self, settings: ShopSettings) -> None:
        self.settings = settings
        for key, section in self.sections.items():
            section.load(getattr(settings, key))
            section.setEnabled(True)
        self.users.setEnabled(True)
        self._cadence_section().set_identity(settings.identity)
        self.load_status.hide()
        self.settingsLoaded.emit(settings)

    def _on_load_failed(self, exc: Exception) -> None:
        self.load_status.setText(f"Não foi possível ler as configurações. {failure_message(exc)}")
        set_label_state(self.load_status, "error")

    def _cadence_section(self) -> CadenceSection:
        section = self.sections["cadence"]
        assert isinstance(section, CadenceSection)
        return section

    def _on_section_saved(self, key: str, value: object) -> None:
        if isinstance(value, ShopIdentity):
            self._cadence_section().set_identity(value)
        if self.settings is not None:
            self.settings = dataclasses.replace(self.settings, **{key: value})
        self.settingsSaved.emit(key, value)
