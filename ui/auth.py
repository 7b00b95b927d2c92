"""The owner's password at the cashier's side, for an action beyond the cashier's role.

Checking the password (Argon2id) and counting failures run off the UI thread, in a write unit of
work of their own that commits even when refused: guessing at the counter must lock the owner's
user just as guessing at the login screen does (``services.users.login``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from services import users
from services.db import Database
from services.users import AuthError, Operator
from ui.tasks import run_in_background
from ui.widgets import error_message

AUTH_STYLE = """
QLabel#authReason {
    color: #5c3300; background: #fff4e0; border: 1px solid #f0c987;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#authError { color: #b3261e; }
"""


def authorize_owner(db: Database, username: str, password: str, now: datetime) -> Operator:
    """``services.users.authorize_owner`` in its own transaction, keeping failed attempts."""
    with db.unit_of_work(write=True) as uow:
        try:
            operator = users.authorize_owner(uow.session, username, password, now)
        except AuthError:
            uow.commit()  # the failure count (and a lock) must stick
            raise
        uow.commit()
    return operator


class OwnerAuthorizationDialog(QDialog):
    """Asks the owner for username and password; on success ``owner`` holds who authorized."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        reason: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ownerAuthDialog")
        self.setWindowTitle("Autorização do dono")
        self.setStyleSheet(AUTH_STYLE)
        self.setMinimumWidth(460)
        self.db = db
        self.clock = clock
        self.owner: Operator | None = None
        self._busy = False

        title = QLabel("Autorização do dono")
        title.setObjectName("pageTitle")
        self.reason_label = QLabel(reason)
        self.reason_label.setObjectName("authReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding
        )
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("ownerUsernameEdit")
        self.username_edit.setPlaceholderText("usuário do dono")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("ownerPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("authError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Usuário:", self.username_edit)
        form.addRow("Senha:", self.password_edit)

        self.buttons = QDialogButtonBox()
        self.authorize_button = self.buttons.addButton(
            "Autorizar", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.authorize_button.setObjectName("authorizeButton")
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_authorize)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.reason_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.authorize_button.setDefault(True)
        self.username_edit.setFocus()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _on_authorize(self) -> None:
        if self._busy:
            return
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username or not password:
            self._show_error("Informe o usuário e a senha do dono.")
            return
        self._busy = True
        self.authorize_button.setEnabled(False)
        self.error_label.hide()
        db, now = self.db, self.clock().replace(microsecond=0)
        run_in_background(
            lambda: authorize_owner(db, username, password, now),
            self._on_authorized,
            self._on_refused,
        )

    def _on_authorized(self, owner: Operator) -> None:
        self._busy = False
        self.authorize_button.setEnabled(True)
        self.owner = owner
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._busy = False
        self.authorize_button.setEnabled(True)
        self.authorize_button.setDefault(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self._show_error(str(exc) if isinstance(exc, AuthError) else error_message(exc))
