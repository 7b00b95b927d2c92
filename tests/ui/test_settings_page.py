"""The settings screen as the owner and a cashier use it: what they see after each click."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QScrollArea
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models import AuditEvent, Role
from services import settings as settings_service
from services import users as users_service
from services.bands import DEFAULT_BANDS
from services.db import Database
from services.settings import ContactWindow, ShopSettings
from ui.context import AppContext
from ui.forms import FieldRow
from ui.settings import SettingsPage
from ui.settings.common import SectionPage
from ui.settings.contact import ContactSection
from ui.settings.policy import PolicySection
from ui.settings.users import PasswordDialog, UserDialog, UsersModel

pytestmark = pytest.mark.gui


def open_page(qtbot: QtBot, ctx: AppContext) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.users.loaded, timeout=10_000)
    return page


def save(qtbot: QtBot, section: SectionPage) -> None:
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.saving, timeout=10_000)


def stored(db: Database) -> ShopSettings:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session)


def error_under(section: SectionPage, field: str) -> str:
    row: FieldRow = section.errors.rows[field]
    return "" if row.error_label.isHidden() else row.error_label.text()


def shot(page: SettingsPage, key: str, screenshot_dir: Path, name: str) -> None:
    page.show_section(key)
    for _ in range(3):  # let pending layout requests run, as they would before a paint
        QApplication.processEvents()
    page.grab().save(str(screenshot_dir / f"settings-{name}.png"))


# --- Loja ----------------------------------------------------------------------------------------


def test_identity_is_saved_and_shown_when_the_page_opens_again(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    loja = page.section("identity")
    assert loja.name_edit.text() == "Loja Teste Ltda"
    assert loja.document_edit.text() == "11.222.333/0001-81"
    assert loja.uf_combo.currentData() == "SP"

    loja.name_edit.setText("Magazine Osório")
    loja.phone_edit.setText("(16) 99876-5432")
    loja.email_edit.setText("Contato@Osorio.com.br")
    save(qtbot, loja)

    assert loja.status_label.text() == "Salvo às 10:30."
    assert loja.phone_edit.text() == "(16) 99876-5432"
    assert loja.email_edit.text() == "contato@osorio.com.br"
    assert "Magazine Osório" in loja.preview_label.text()
    shot(page, "identity", screenshot_dir, "loja")

    again = open_page(qtbot, ctx)
    assert again.section("identity").name_edit.text() == "Magazine Osório"
    assert stored(ctx.db).identity.phone == "16998765432"


def test_identity_errors_appear_under_each_field_and_nothing_is_saved(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    loja = page.section("identity")
    loja.name_edit.setText("   ")
    loja.document_edit.setText("11.222.333/0001-80")
    loja.cep_edit.setText("1401")
    save(qtbot, loja)

    assert error_under(loja, "name") == "Informe o nome da loja."
    assert error_under(loja, "document") == "CNPJ inválido: confira os dígitos."
    assert error_under(loja, "cep") == "O CEP tem 8 dígitos (ex.: 01310-100)."
    assert error_under(loja, "city") == ""
    assert loja.status_label.text() == "Corrija os campos marcados; nada foi salvo."
    assert stored(ctx.db).identity.name == "Loja Teste Ltda"
    shot(page, "identity", screenshot_dir, "loja-erros")

    loja.name_edit.setText("Loja Teste Ltda")
    loja.document_edit.setText("11.222.333/0001-81")
    loja.cep_edit.setText("14010-000")
    save(qtbot, loja)
    assert error_under(loja, "document") == ""
    assert loja.status_label.text() == "Salvo às 10:30."


# --- Cobrança ------------------------------------------------------------------------------------


def test_late_fee_above_two_percent_is_refused_under_the_field(
    qtbot: QtBot, ctx: AppContext
) -> None:
    page = open_page(qtbot, ctx)
    policy = page.section("policy")
    assert isinstance(policy, PolicySection)
    notes = [label.text() for label in policy.findChildren(QLabel)]
    assert "máximo 2 % — CDC art. 52 §1" in notes

    policy.fee_edit.setText("2,5")
    save(qtbot, policy)
    assert error_under(policy, "late_fee_pct") == "A multa vai de 0 % a 2 % (CDC art. 52 §1)."
    assert stored(ctx.db).policy.late_fee_pct == Decimal("2.00")

    policy.fee_edit.setText("dois")
    save(qtbot, policy)
    assert error_under(policy, "late_fee_pct") == "Taxa inválida: digite um número, ex.: 1,5."


def test_policy_and_edited_bands_are_saved(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    policy = page.section("policy")
    assert isinstance(policy, PolicySection)
    editor = policy.bands_editor
    assert [r.covers.text() for r in editor.rows][:3] == [
        "4 dias ou mais antes do vencimento",
        "de 3 dias antes até o dia do vencimento",
        "de 1 a 7 dias de atraso",
    ]
    assert editor.rows[-1].covers.text() == "mais de 90 dias de atraso"

    policy.fee_edit.setText("1,5")
    policy.interest_edit.setText("0,8")
    policy.grace_spin.setValue(3)
    policy.waiver_edit.setText("15,00")
    row = editor.rows[2]
    row.label_edit.setText("Atraso curto")
    row.days_spin.setValue(10)
    qtbot.mouseClick(row.bg_button, Qt.MouseButton.LeftButton)
    dialog = row.bg_button.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setCurrentColor(QColor("#cfe8ff"))
    dialog.accept()

    # The preview shows what the lists will show: the new name on the new colour.
    assert row.chip.text() == "Atraso curto"
    image = row.chip.grab().toImage()
    assert image.pixelColor(QPoint(8, image.height() // 2)).name() == "#cfe8ff"
    assert row.bg_button.text() == "#cfe8ff"
    assert editor.rows[3].covers.text() == "de 11 a 30 dias de atraso"
    assert policy.status_label.text() == "Alterações não salvas."
    save(qtbot, policy)
    assert policy.status_label.text() == "Salvo às 10:30."
    shot(page, "policy", screenshot_dir, "cobranca")

    saved = stored(ctx.db).policy
    assert saved.late_fee_pct == Decimal("1.5")
    assert saved.monthly_interest_pct == Decimal("0.8")
    assert saved.grace_days == 3
    assert saved.cashier_waiver_limit == Decimal("15.00")
    assert saved.bands[2].label == "Atraso curto"
    assert saved.bands[2].max_days == 10
    assert saved.bands[2].colour == "#cfe8ff"
    assert saved.bands[2].key == DEFAULT_BANDS[2].key

    reopened = open_page(qtbot, ctx)
    again = reopened.section("policy")
    assert isinstance(again, PolicySection)
    assert again.fee_edit.text() == "1,50"
    assert again.waiver_edit.text() == "15,00"
    assert again.bands_editor.rows[2].chip.text() == "Atraso curto"


def test_bands_can_be_added_removed_and_restored_and_low_contrast_only_warns(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    policy = page.section("policy")
    assert isinstance(policy, PolicySection)
    editor = policy.bands_editor

    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert len(editor.rows) == len(DEFAULT_BANDS) + 1
    new = editor.rows[-2]
    assert new.label_edit.text() == "Nova faixa"
    assert new.days_spin.value() == 120
    assert new.covers.text() == "de 91 a 120 dias de atraso"
    assert editor.rows[-1].covers.text() == "mais de 120 dias de atraso"

    new.label_edit.setText("91–120 dias")
    new.bg_button.set_colour("#ffffff")
    new.fg_button.set_colour("#bbbbbb")
    assert new.contrast.text() == "⚠ Baixa · 1,9:1"
    assert not editor.contrast_warning.isHidden()
    assert "“91–120 dias”" in editor.contrast_warning.text()
    page.show_section("policy")
    policy.findChild(QScrollArea).ensureWidgetVisible(editor.contrast_warning)
    shot(page, "policy", screenshot_dir, "cobranca-contraste")
    save(qtbot, policy)  # a warning, not a block
    assert policy.status_label.text() == "Salvo às 10:30."
    assert [b.label for b in stored(ctx.db).policy.bands][-2] == "91–120 dias"

    qtbot.mouseClick(editor.rows[-1].remove_button, Qt.MouseButton.LeftButton)
    assert editor.rows[-1].label_edit.text() == "91–120 dias"
    assert editor.bands()[-1].max_days is None  # the new last band is open-ended
    assert editor.rows[-1].covers.text() == "mais de 90 dias de atraso"

    qtbot.mouseClick(editor.defaults_button, Qt.MouseButton.LeftButton)
    assert editor.bands() == DEFAULT_BANDS
    assert editor.contrast_warning.isHidden()


def test_bands_out_of_order_are_refused_with_the_reason(qtbot: QtBot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx)
    policy = page.section("policy")
    assert isinstance(policy, PolicySection)
    policy.bands_editor.rows[1].days_spin.setValue(-10)
    assert policy.bands_editor.rows[1].covers.text().startswith("⚠ o limite deve ser maior")
    save(qtbot, policy)
    assert error_under(policy, "bands") == (
        "Faixa 2: o limite de dias deve ser maior que o da faixa anterior."
    )
    assert stored(ctx.db).policy.bands == DEFAULT_BANDS


# --- Crédito -------------------------------------------------------------------------------------


def test_credit_rules_show_the_rate_warning_live_and_save(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    credit = page.section("credit")
    warning = credit.rate_warning_label
    assert not warning.isVisible()

    page.show_section("credit")
    credit.rate_edit.setText("2")
    assert warning.isVisible()
    assert "26,82 % ao ano" in warning.text()
    credit.limit_edit.setText("1.500,00")
    credit.installments_spin.setValue(10)
    credit.min_installment_edit.setText("25")
    shot(page, "credit", screenshot_dir, "credito")
    save(qtbot, credit)
    assert credit.status_label.text() == "Salvo às 10:30."

    rules = stored(ctx.db).credit
    assert rules.default_limit == Decimal("1500.00")
    assert rules.default_monthly_rate == Decimal("2")
    assert rules.max_installments == 10
    assert rules.min_installment == Decimal("25.00")

    credit.rate_edit.setText("0,5")
    assert not warning.isVisible()
    credit.limit_edit.setText("1,234.56")
    save(qtbot, credit)
    assert error_under(credit, "default_limit").startswith("Valor ambíguo")


# --- Contato -------------------------------------------------------------------------------------


def _set(edit: object, hour: int) -> None:
    edit.setTime(QTime(hour, 0))  # type: ignore[attr-defined]


def test_contact_windows_follow_the_state_laws(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    contact = page.section("contact")
    assert isinstance(contact, ContactSection)
    legal = contact.findChild(QLabel, "legalLimits") or contact.findChild(object, "legalLimits")
    assert legal is not None

    contact.add_combo.setCurrentIndex(contact.add_combo.findData("SP"))
    qtbot.mouseClick(contact.add_button, Qt.MouseButton.LeftButton)
    sp = contact.state_rows["SP"].editor
    assert sp.window() == ContactWindow(time(9), time(18))  # the default, inside SP's law
    sp.saturday.setChecked(True)
    _set(sp.saturday_start, 8)
    _set(sp.saturday_end, 15)
    assert sp.problems.text() == "A lei de SP permite contato aos sábados das 08:00 às 14:00."

    contact.add_combo.setCurrentIndex(contact.add_combo.findData("RJ"))
    qtbot.mouseClick(contact.add_button, Qt.MouseButton.LeftButton)
    rj = contact.state_rows["RJ"].editor
    rj.saturday.setChecked(True)
    save(qtbot, contact)
    assert contact.status_label.text() == "Corrija os campos marcados; nada foi salvo."
    assert not sp.problems.isHidden()
    assert "A lei de SP permite contato aos sábados das 08:00 às 14:00." in sp.problems.text()
    assert rj.problems.text() == "A lei de RJ não permite contato de cobrança aos sábados."
    shot(page, "contact", screenshot_dir, "contato-erros")
    assert stored(ctx.db).contact.by_state == {}

    _set(sp.saturday_end, 14)
    rj.saturday.setChecked(False)
    contact.max_spin.setValue(2)
    contact.birthday_check.setChecked(False)
    save(qtbot, contact)
    assert contact.status_label.text() == "Salvo às 10:30."
    saved = stored(ctx.db).contact
    assert saved.by_state["SP"] == ContactWindow(time(9), time(18), time(8), time(14))
    assert saved.by_state["RJ"] == ContactWindow(time(9), time(18))
    assert saved.max_contacts_per_day == 2
    assert saved.skip_birthday is False
    shot(page, "contact", screenshot_dir, "contato")

    reopened = open_page(qtbot, ctx)
    again = reopened.section("contact")
    assert isinstance(again, ContactSection)
    assert sorted(again.state_rows) == ["RJ", "SP"]
    assert again.state_rows["SP"].editor.saturday.isChecked()


def test_default_window_wider_than_some_state_laws_is_pointed_out(
    qtbot: QtBot, ctx: AppContext
) -> None:
    page = open_page(qtbot, ctx)
    contact = page.section("contact")
    assert isinstance(contact, ContactSection)
    page.show_section("contact")
    assert not contact.default_warning.isVisible()
    _set(contact.default_editor.weekday_start, 8)
    _set(contact.default_editor.weekday_end, 20)
    assert contact.default_warning.isVisible()
    assert "em CE, ES, RJ" in contact.default_warning.text()
    _set(contact.default_editor.weekday_end, 7)
    assert contact.default_editor.problems.text() == "O horário de início deve ser antes do fim."


# --- Pix e Banco ---------------------------------------------------------------------------------


def test_pix_and_bank_are_optional_and_checked(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    pix = page.section("pix")
    pix.name_edit.setText("Loja Teste")
    save(qtbot, pix)
    assert error_under(pix, "key") == "Informe a chave Pix, ou apague o nome e a cidade."
    pix.key_edit.setText("11222333000181")
    pix.city_edit.setText("Ribeirao Preto")
    save(qtbot, pix)
    assert pix.status_label.text() == "Salvo às 10:30."
    assert stored(ctx.db).pix.enabled
    shot(page, "pix", screenshot_dir, "pix")

    bank = page.section("bank")
    bank.agency_edit.setText("1234")
    save(qtbot, bank)
    assert error_under(bank, "bank_code").startswith("Informe o código do banco")
    bank.bank_edit.setText("1")
    bank.agreement_edit.setText("1234567")
    save(qtbot, bank)
    assert error_under(bank, "bank_code") == "O código do banco tem 3 dígitos (ex.: 001)."
    bank.bank_edit.setText("001")
    bank.wallet_edit.setText("17")
    save(qtbot, bank)
    assert bank.status_label.text() == "Salvo às 10:30."
    assert stored(ctx.db).bank.enabled
    shot(page, "bank", screenshot_dir, "banco")


def test_each_save_writes_one_audit_entry_by_the_owner(qtbot: QtBot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx)
    credit = page.section("credit")
    credit.days_spin.setValue(45)
    save(qtbot, credit)
    with ctx.db.unit_of_work() as uow:
        events = [
            (e.user_id, e.after["section"])
            for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.action == "settings.update"
        ]
    assert events[-1] == (ctx.operator.id, "credit")


# --- Usuários ------------------------------------------------------------------------------------


def _accept(qtbot: QtBot, dialog: object) -> None:
    button = dialog.ok_button  # type: ignore[attr-defined]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)  # type: ignore[attr-defined]


def _table_rows(page: SettingsPage) -> list[list[str]]:
    model = page.users.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_owner_adds_a_user_resets_a_password_and_deactivates(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    page.show_section("users")
    section = page.users
    assert page.findChild(object, "usersTable") is section.table
    assert _table_rows(page) == [["Dona da Loja", "dona", "Dono(a)", "Ativo", "nunca"]]

    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, UserDialog) and dialog.isVisible()
    dialog.name_edit.setText("Joana  Prado")
    dialog.username_edit.setText("Joana")
    dialog.password_edit.setText("abc123")
    dialog.confirm_edit.setText("abc124")
    _accept(qtbot, dialog)
    assert dialog.errors.messages() == {"password_confirm": "As senhas não conferem."}
    dialog.confirm_edit.setText("abc123")
    dialog.username_edit.setText("dona")
    _accept(qtbot, dialog)
    assert dialog.errors.messages() == {"username": "Já existe o usuário “dona”."}
    dialog.grab().save(str(screenshot_dir / "settings-usuario-novo.png"))
    dialog.username_edit.setText("Joana")
    _accept(qtbot, dialog)
    qtbot.waitUntil(lambda: len(section.model.rows) == 2, timeout=10_000)
    assert ["Joana Prado", "joana", "Caixa", "Ativo", "nunca"] in _table_rows(page)
    assert section.status_label.text() == "Usuário “joana” criado às 10:30."

    section.select_username("joana")
    qtbot.mouseClick(section.password_button, Qt.MouseButton.LeftButton)
    reset = section.dialog
    assert isinstance(reset, PasswordDialog)
    reset.password_edit.setText("novasenha")
    reset.confirm_edit.setText("novasenha")
    _accept(qtbot, reset)
    qtbot.waitUntil(lambda: "redefinida" in section.status_label.text(), timeout=10_000)
    with ctx.db.unit_of_work() as uow:
        assert users_service.authenticate(uow.session, "joana", "novasenha", ctx.now()).role is (
            Role.CASHIER
        )

    section.select_username("joana")
    assert section.active_button.text() == "Desativar"
    qtbot.mouseClick(section.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "desativado" in section.status_label.text(), timeout=10_000)
    qtbot.waitUntil(
        lambda: ["Joana Prado", "joana", "Caixa", "Inativo", "nunca"] in _table_rows(page),
        timeout=10_000,
    )
    section.select_username("joana")
    assert section.active_button.text() == "Reativar"
    page.grab().save(str(screenshot_dir / "settings-usuarios.png"))

    section.select_username("dona")
    assert not section.active_button.isEnabled()  # nobody deactivates themselves


def test_users_model_passes_the_model_tester(qtmodeltester: object, ctx: AppContext) -> None:
    from ui.settings.users import UserRow

    model = UsersModel()
    model.set_rows([UserRow(1, "dona", "Dona da Loja", Role.OWNER, True, None, None)], ctx.now())
    qtmodeltester.check(model)  # type: ignore[attr-defined]


# --- O caixa -------------------------------------------------------------------------------------


def test_cashier_sees_everything_read_only(
    qtbot: QtBot, cashier_ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, cashier_ctx)
    assert page.read_only_note.isVisible()
    assert page.read_only_note.text() == "Somente o dono pode alterar as configurações."
    for section in page.sections.values():
        assert not section.save_button.isVisible() or not section.isVisible()
        assert section.save_button.isHidden()
        for edit in section.body.findChildren(QLineEdit):
            assert edit.isReadOnly()
    policy = page.section("policy")
    assert isinstance(policy, PolicySection)
    assert not policy.bands_editor.add_button.isEnabled()
    assert not policy.bands_editor.rows[0].bg_button.isEnabled()
    assert page.users.add_button.isHidden()
    assert page.section("identity").name_edit.text() == "Loja Teste Ltda"
    shot(page, "identity", screenshot_dir, "caixa")
    page.section("identity").save()  # even if called, nothing happens
    assert stored(cashier_ctx.db).identity.name == "Loja Teste Ltda"
