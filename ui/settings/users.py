"""Usuários: who may use the app, with what role; add, reset a password, deactivate.

Password hashing (Argon2id, ~33 ms) and every database call run off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models import Role
from services import users
from services.db import Database
from services.users import MIN_PASSWORD_LENGTH, ROLE_LABELS
from services.validation import FieldError
from ui.context import AppContext
from ui.settings.common import (
    BackgroundFormDialog,
    failure_message,
    note_label,
    set_label_state,
)
from ui.tasks import run_in_background

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ID_ROLE = Qt.ItemDataRole.UserRole
_INACTIVE_COLOUR = QColor("#6f6f6f")
COLUMNS = ("Nome", "Usuário", "Função", "Situação", "Último acesso")


@dataclass(frozen=True)
class UserRow:
    """What the table shows of a user (plain values, safe to hand across threads)."""

    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    def status(self, now: datetime) -> str:
        if not self.active:
            return "Inativo"
        if self.locked_until is not None and self.locked_until > now:
            return f"Bloqueado até {self.locked_until:%H:%M}"
        return "Ativo"


# --- service workarounds (belong in services/users.py; see the report) ------------------------


def _load_rows(db: Database) -> list[UserRow]:
    with db.unit_of_work() as uow:
        return [
            UserRow(
                u.id, u.username, u.full_name, u.role, u.active, u.locked_until, u.last_login_at
            )
            for u in users.list_users(uow.session)
        ]


def _write(db: Database, work: Callable[[Session], Any]) -> Any:
    with db.unit_of_work(write=True) as uow:
        result = work(uow.session)
        uow.commit()
    return result


# --- table model -------------------------------------------------------------------------------


class UsersModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[UserRow] = []
        self.now = datetime.min

    def set_rows(self, rows: list[UserRow], now: datetime) -> None:
        self.beginResetModel()
        self.rows = rows
        self.now = now
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == _DISPLAY:
            column = index.column()
            if column == 0:
                return row.full_name
            if column == 1:
                return row.username
            if column == 2:
                return ROLE_LABELS.get(row.role, str(row.role))
            if column == 3:
                return row.status(self.now)
            if column == 4:
                return f"{row.last_login_at:%d/%m/%Y %H:%M}" if row.last_login_at else "nunca"
            return None
        if role == _FOREGROUND and not row.active:
            return _INACTIVE_COLOUR
        if role == _ID_ROLE:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            role == _DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None


# --- dialogs -------------------------------------------------------------------------------------


class _BackgroundDialog(BackgroundFormDialog):
    """The users section's dialogs: a form whose work runs in background."""

    def __init__(self, title: str, ok_text: str, ok_name: str, parent: QWidget | None) -> None:
        super().__init__(title, ok_text, ok_name, parent)
        self.setMinimumWidth(460)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(f"pelo menos {MIN_PASSWORD_LENGTH} caracteres")
    return edit


class UserDialog(_BackgroundDialog):
    """Add a user: name, username, role and a first password typed twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Novo usuário", "Criar usuário", "createUserButton", parent)
        self.setObjectName("userDialog")
        self.ctx = ctx
        self.name_edit = QLineEdit()
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("para entrar no programa, ex.: joana")
        self.role_combo = QComboBox()
        self.role_combo.addItem(f"{ROLE_LABELS[Role.CASHIER]} — recebe e vende", Role.CASHIER.value)
        self.role_combo.addItem(
            f"{ROLE_LABELS[Role.OWNER]} — tudo, inclusive configurações", Role.OWNER.value
        )
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        self.confirm_edit.setPlaceholderText("repita a senha")
        self.errors.add_row(self.form, "Nome completo:", "full_name", self.name_edit)
        self.errors.add_row(self.form, "Usuário:", "username", self.username_edit)
        self.errors.add_row(self.form, "Função:", "role", self.role_combo)
        self.errors.add_row(self.form, "Senha:", "password", self.password_edit)
        self.errors.add_row(self.form, "Confirme a senha:", "password_confirm", self.confirm_edit)
        self.finish_layout()

    def _submit(self) -> None:
        self.errors.clear()
        password = self.password_edit.text()
        if password != self.confirm_edit.text():
            self.refuse(FieldError("password_confirm", "As senhas não conferem."))
            return
        db, now, by = self.ctx.db, self.ctx.now(), self.ctx.operator.id
        username, full_name = self.username_edit.text(), self.name_edit.text()
        role = Role(self.role_combo.currentData())

        def create(session: Session) -> int:
            user = users.create_user(
                session,
                username=username,
                full_name=full_name,
                role=role,
                password=password,
                now=now,
                created_by=by,
            )
            return user.id

        self.run(lambda: _write(db, create))


class PasswordDialog(_BackgroundDialog):
    """Set a new password for a user (also lifts a lock from wrong attempts)."""

    def __init__(self, ctx: AppContext, row: UserRow, parent: QWidget | None = None) -> None:
        super().__init__("Redefinir senha", "Redefinir senha", "confirmPasswordButton", parent)
        self.setObjectName("passwordDialog")
        self.ctx = ctx
        self.row = row
        self.layout_.addWidget(
            note_label(
                f"Nova senha para {row.full_name} ({row.username}). Se o usuário estava "
                "bloqueado por tentativas erradas, fica liberado."
            )
        )
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        self.confirm_edit.setPlaceholderText("repita a senha")
        self.errors.add_row(self.form, "Nova senha:", "password", self.password_edit)
        self.errors.add_row(self.form, "Confirme a senha:", "password_confirm", self.confirm_edit)
        self.finish_layout()

    def _submit(self) -> None:
        self.errors.clear()
        password = self.password_edit.text()
        if password != self.confirm_edit.text():
            self.refuse(FieldError("password_confirm", "As senhas não conferem."))
            return
        db, now, by, user_id = self.ctx.db, self.ctx.now(), self.ctx.operator.id, self.row.id
        self.run(
            lambda: _write(
                db, lambda s: users.set_password(s, user_id, password, now=now, changed_by=by)
            )
        )


# --- section -----------------------------------------------------------------------------------


class UsersSection(QWidget):
    """The users table with add / reset password / deactivate for the owner."""

    key = "users"
    title = "Usuários"
    usersChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersSection")
        self.ctx = ctx
        self.read_only = False
        self.dialog: QDialog | None = None
        self.loaded = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        heading = QLabel("Usuários")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        layout.addWidget(
            note_label(
                "Cada pessoa entra com o próprio usuário: pagamentos, vendas e alterações ficam "
                "registrados em nome de quem fez. O caixa recebe, vende e cobra; só o dono altera "
                "configurações, autoriza exceções e cuida dos usuários. Usuários não são apagados, "
                "só desativados, para o histórico continuar dizendo quem fez o quê."
            )
        )

        self.model = UsersModel(self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.reset_password())
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Novo usuário…")
        self.add_button.setObjectName("addUserButton")
        self.add_button.clicked.connect(self.add_user)
        self.password_button = QPushButton("Redefinir senha…")
        self.password_button.setObjectName("resetPasswordButton")
        self.password_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton("Desativar")
        self.active_button.setObjectName("toggleActiveButton")
        self.active_button.clicked.connect(self.toggle_active)
        for button in (self.add_button, self.password_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLine")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self._update_buttons()

    # --- data ----------------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        db = self.ctx.db
        self._select_after = select_id if select_id is not None else self.selected_id()
        run_in_background(lambda: _load_rows(db), self._on_loaded, self._on_failed)

    def _on_loaded(self, rows: list[UserRow]) -> None:
        self.model.set_rows(rows, self.ctx.now())
        self.loaded = True
        if self._select_after is not None:
            for i, row in enumerate(rows):
                if row.id == self._select_after:
                    self.table.selectRow(i)
        self._update_buttons()
        self.usersChanged.emit()

    def _on_failed(self, exc: Exception) -> None:
        self._say(failure_message(exc), "error")

    def selected_row(self) -> UserRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row is not None else None

    def select_username(self, username: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.username == username:
                self.table.selectRow(i)

    # --- actions -------------------------------------------------------------------------------

    def add_user(self) -> None:
        if self.read_only:
            return
        dialog = UserDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._after_create(dialog))
        self._open(dialog)

    def _after_create(self, dialog: UserDialog) -> None:
        username = dialog.username_edit.text().strip().lower()
        self._say(f"Usuário “{username}” criado às {self.ctx.now():%H:%M}.", "ok")
        self.reload(select_id=dialog.result_value)

    def reset_password(self) -> None:
        row = self.selected_row()
        if self.read_only or row is None:
            return
        dialog = PasswordDialog(self.ctx, row, self)
        dialog.accepted.connect(
            lambda: (
                self._say(f"Senha de “{row.username}” redefinida às {self.ctx.now():%H:%M}.", "ok"),
                self.reload(),
            )
        )
        self._open(dialog)

    def toggle_active(self) -> None:
        row = self.selected_row()
        if self.read_only or row is None:
            return
        active = not row.active
        db, now, by = self.ctx.db, self.ctx.now(), self.ctx.operator.id
        self.active_button.setEnabled(False)

        def done(_result: Any) -> None:
            verb = "reativado" if active else "desativado"
            self._say(f"Usuário “{row.username}” {verb} às {self.ctx.now():%H:%M}.", "ok")
            self.reload()

        run_in_background(
            lambda: _write(
                db, lambda s: users.set_user_active(s, row.id, active, now=now, changed_by=by)
            ),
            done,
            self._on_toggle_failed,
        )

    def _on_toggle_failed(self, exc: Exception) -> None:
        self._update_buttons()
        self._say(failure_message(exc), "error")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # --- view ----------------------------------------------------------------------------------

    def _say(self, text: str, state: str) -> None:
        self.status_label.setText(text)
        set_label_state(self.status_label, state)

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected_row()
        self.password_button.setEnabled(row is not None and row.active)
        self.active_button.setEnabled(row is not None and row.id != self.ctx.operator.id)
        self.active_button.setText(
            "Reativar" if row is not None and not row.active else "Desativar"
        )

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for button in (self.add_button, self.password_button, self.active_button):
            button.setVisible(not read_only)
