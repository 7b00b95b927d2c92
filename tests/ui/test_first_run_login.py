"""First run and login, as the owner and the cashier meet them on the first morning."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from services import settings as settings_service
from services import users as users_service
from services.db import Database
from services.users import Operator
from tests.conftest import NOW
from tests.ui.conftest import fixed_clock
from ui.first_run import FirstRunDialog
from ui.forms import FormErrors
from ui.login import LoginDialog
from ui.tasks import pending_jobs

pytestmark = pytest.mark.gui


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def error_under(errors: FormErrors, field: str) -> str:
    row = errors.rows[field]
    return "" if row.error_label.isHidden() else row.error_label.text()


# --- first run -----------------------------------------------------------------------------------


def open_first_run(qtbot: QtBot, db: Database) -> FirstRunDialog:
    dialog = FirstRunDialog(db, fixed_clock)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_shop(dialog: FirstRunDialog) -> None:
    dialog.name_edit.setText("Magazine Bom Preço Ltda")
    dialog.document_edit.setText("11.222.333/0001-81")
    dialog.street_edit.setText("Avenida Brasil")
    dialog.number_edit.setText("1500")
    dialog.district_edit.setText("Centro")
    dialog.city_edit.setText("Fortaleza")
    dialog.uf_combo.setCurrentIndex(dialog.uf_combo.findData("CE"))
    dialog.cep_edit.setText("60025-100")
    dialog.phone_edit.setText("(85) 3222-1100")


def start(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog._busy, timeout=10_000)


def test_first_run_creates_the_owner_and_the_shop_identity(
    qtbot: QtBot, db: Database, screenshot_dir: Path
) -> None:
    dialog = open_first_run(qtbot, db)
    fill_shop(dialog)
    dialog.owner_name_edit.setText("Márcia Souz")
    qtbot.keyClicks(dialog.owner_name_edit, "a")  # QTest types ASCII only; the edit is typed
    assert dialog.username_edit.text() == "marcia"  # suggested from the name
    dialog.password_edit.setText("segredo1")
    dialog.confirm_edit.setText("segredo2")
    settle()
    dialog.grab().save(str(screenshot_dir / "first-run.png"))
    start(qtbot, dialog)
    assert error_under(dialog.errors, "password_confirm") == "As senhas não conferem."
    assert dialog.isVisible() and dialog.start_button.isDefault()

    dialog.confirm_edit.setText("segredo1")
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    operator = dialog.operator
    assert operator is not None and operator.is_owner
    assert (operator.username, operator.full_name) == ("marcia", "Márcia Souza")

    with db.unit_of_work() as uow:
        assert settings_service.is_configured(uow.session)
        identity = settings_service.load(uow.session).identity
        assert users_service.authenticate(uow.session, "marcia", "segredo1", NOW).is_owner
    assert identity.name == "Magazine Bom Preço Ltda"
    assert identity.document == "11222333000181"
    assert (identity.city, identity.uf, identity.cep) == ("Fortaleza", "CE", "60025100")
    assert identity.phone == "8532221100"


def test_first_run_marks_every_wrong_field_and_saves_nothing(
    qtbot: QtBot, db: Database, screenshot_dir: Path
) -> None:
    dialog = open_first_run(qtbot, db)
    dialog.document_edit.setText("123.456.789-00")
    dialog.cep_edit.setText("6002")
    dialog.owner_name_edit.setText("Márcia Souza")
    dialog.username_edit.setText("marcia")
    dialog.password_edit.setText("123")
    dialog.confirm_edit.setText("123")
    start(qtbot, dialog)

    assert error_under(dialog.errors, "name") == "Informe o nome da loja."
    assert error_under(dialog.errors, "document") == "CPF inválido: confira os dígitos."
    assert error_under(dialog.errors, "street") == "Informe o endereço."
    assert error_under(dialog.errors, "city") == "Informe a cidade."
    assert error_under(dialog.errors, "uf") == "Informe a UF."
    assert error_under(dialog.errors, "cep") == "O CEP tem 8 dígitos (ex.: 01310-100)."
    assert error_under(dialog.errors, "password") == "A senha precisa de pelo menos 6 caracteres."
    assert error_under(dialog.errors, "district") == ""
    settle()
    dialog.grab().save(str(screenshot_dir / "first-run-erros.png"))
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.operator is None

    with db.unit_of_work() as uow:
        assert not settings_service.is_configured(uow.session)
        assert users_service.list_users(uow.session) == []


def test_first_run_keeps_a_username_typed_by_hand_and_tabs_in_reading_order(
    qtbot: QtBot, db: Database
) -> None:
    dialog = open_first_run(qtbot, db)
    qtbot.keyClicks(dialog.username_edit, "dona")
    dialog.owner_name_edit.setText("José Álvare")
    qtbot.keyClicks(dialog.owner_name_edit, "s")
    assert dialog.username_edit.text() == "dona"

    order: list[QWidget] = [
        dialog.name_edit, dialog.document_edit, dialog.street_edit, dialog.number_edit,
        dialog.district_edit, dialog.city_edit, dialog.uf_combo, dialog.cep_edit,
        dialog.phone_edit, dialog.owner_name_edit, dialog.username_edit, dialog.password_edit,
        dialog.confirm_edit, dialog.start_button,
    ]  # fmt: skip
    for current, following in pairwise(order):
        assert next_tab_stop(dialog, current) is following


def next_tab_stop(dialog: QWidget, widget: QWidget) -> QWidget:
    """Where Tab goes from ``widget``: the next widget in the chain that takes Tab focus."""
    candidate = widget.nextInFocusChain()
    while not (
        candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
        and candidate.isVisibleTo(dialog)
        and candidate.isEnabled()
    ):
        candidate = candidate.nextInFocusChain()
    return candidate


# --- login ---------------------------------------------------------------------------------------


def open_login(qtbot: QtBot, db: Database, **kwargs: str) -> LoginDialog:
    dialog = LoginDialog(db, fixed_clock, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: pending_jobs() == 0, timeout=10_000)  # the shop's name
    return dialog


def enter(qtbot: QtBot, dialog: LoginDialog, password: str) -> None:
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog._busy, timeout=10_000)


def test_login_wrong_password_then_right(
    qtbot: QtBot, db: Database, owner: Operator, screenshot_dir: Path
) -> None:
    hint = "Demonstração — dona / segredo1 (Dono(a)) · caixa / segredo2 (Caixa)"
    dialog = open_login(qtbot, db, last_username="dona", hint=hint)
    assert dialog.username_edit.text() == "dona"
    assert dialog.focusWidget() is dialog.password_edit
    assert dialog.shop_label.text() == "Loja Teste Ltda"
    assert not dialog.hint_label.isHidden() and dialog.hint_label.text() == hint
    settle()
    dialog.grab().save(str(screenshot_dir / "login.png"))

    enter(qtbot, dialog, "errada")
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Usuário ou senha incorretos."
    assert dialog.password_edit.text() == ""
    assert dialog.login_button.isDefault() and dialog.login_button.text() == "Entrar"
    settle()
    dialog.grab().save(str(screenshot_dir / "login-erro.png"))

    enter(qtbot, dialog, "segredo1")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert dialog.operator == owner


def test_login_locks_the_user_after_five_wrong_passwords(
    qtbot: QtBot, db: Database, owner: Operator
) -> None:
    dialog = open_login(qtbot, db, last_username="dona")
    for _ in range(5):
        enter(qtbot, dialog, "errada")
    enter(qtbot, dialog, "segredo1")
    assert dialog.error_label.text().startswith("Usuário bloqueado por tentativas erradas.")
    assert "peça ao dono para redefinir a senha" in dialog.error_label.text()
    assert dialog.operator is None and dialog.isVisible()


def test_login_asks_for_what_is_missing_without_touching_the_database(
    qtbot: QtBot, db: Database, owner: Operator
) -> None:
    dialog = open_login(qtbot, db)
    assert dialog.focusWidget() is dialog.username_edit
    assert dialog.hint_label.isHidden()
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Informe o usuário."
    dialog.username_edit.setText("DONA ")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Informe a senha."
    assert pending_jobs() == 0
    enter(qtbot, dialog, "segredo1")  # the username is not case-sensitive
    qtbot.waitUntil(lambda: dialog.operator is not None, timeout=10_000)
