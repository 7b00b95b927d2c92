"""Login: username and password, checked off the UI thread (Argon2id)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from services import settings as settings_service
from services import users
from services.db import Database
from services.users import Operator
from ui.settings.common import FORM_STYLE, failure_message, make_default
from ui.tasks import run_in_background


def _shop_name(db: Database) -> str:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session).identity.name


class LoginDialog(QDialog):
    """Asks who is at the counter; ``operator`` holds who entered after success."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        last_username: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Crediário — entrar")
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumWidth(420)
        self.db = db
        self.clock = clock
        self.operator: Operator | None = None
        self._busy = False

        heading = QLabel("Entrar no Crediário")
        heading.setObjectName("pageTitle")
        self.shop_label = QLabel()
        self.shop_label.setObjectName("shopName")
        self.shop_label.hide()

        self.username_edit = QLineEdit(last_username or "")
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setMaxLength(40)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(8)
        form.addRow("Usuário:", self.username_edit)
        form.addRow("Senha:", self.password_edit)

        self.hint_label = QLabel(hint or "")
        self.hint_label.setObjectName("loginHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label.setVisible(bool(hint))

        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton("Entrar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setObjectName("loginButton")
        quit_button = self.buttons.addButton("Sair", QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quitButton")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.shop_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.buttons)
        make_default(self.login_button)

        self.username_edit.textEdited.connect(self._clear_error)
        self.password_edit.textEdited.connect(self._clear_error)
        run_in_background(lambda: _shop_name(db), self._on_shop_name, lambda _exc: None)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        (self.password_edit if self.username_edit.text() else self.username_edit).setFocus()

    def submit(self) -> None:
        if self._busy:
            return
        username, password = self.username_edit.text().strip(), self.password_edit.text()
        if not username:
            self._say("Informe o usuário.", self.username_edit)
            return
        if not password:
            self._say("Informe a senha.", self.password_edit)
            return
        self._busy = True
        self.login_button.setEnabled(False)
        self.login_button.setText("Entrando…")
        db, now = self.db, self.clock().replace(microsecond=0)
        run_in_background(
            lambda: users.login(db, username, password, now), self._on_done, self._on_failed
        )

    def _on_done(self, operator: Operator) -> None:
        self._busy = False
        self.operator = operator
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        self.login_button.setEnabled(True)
        self.login_button.setDefault(True)  # disabling it had handed Enter to another button
        self.login_button.setText("Entrar")
        self.password_edit.clear()
        self._say(failure_message(exc), self.password_edit)

    def _on_shop_name(self, name: str) -> None:
        self.shop_label.setText(name)
        self.shop_label.setVisible(bool(name))

    def _say(self, message: str, focus: QLineEdit) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        focus.setFocus()

    def _clear_error(self) -> None:
        self.error_label.hide()
