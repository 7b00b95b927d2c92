"""Régua de cobrança and the city's holidays in Configurações, for the owner and a cashier."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.enums import ContactChannel
from services import settings as settings_service
from services.cadence import DEFAULT_SOFT, DEFAULT_STANDARD
from services.db import Database
from services.settings import LocalHoliday, ShopSettings
from ui.context import AppContext
from ui.settings import SettingsPage
from ui.settings.cadence import CadenceSection, CadenceStepsModel
from ui.settings.common import SectionPage
from ui.settings.contact import ContactSection

pytestmark = pytest.mark.gui


def open_page(qtbot: QtBot, ctx: AppContext) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 900)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.users.loaded, timeout=10_000)
    return page


def cadence_of(page: SettingsPage) -> CadenceSection:
    section = page.section("cadence")
    assert isinstance(section, CadenceSection)
    page.show_section("cadence")
    return section


def save(qtbot: QtBot, section: SectionPage) -> None:
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.saving, timeout=10_000)


def stored(db: Database) -> ShopSettings:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session)


def table(section: CadenceSection) -> list[list[str]]:
    model = section.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def error_under(section: SectionPage, field: str) -> str:
    row = section.errors.rows[field]
    return "" if row.error_label.isHidden() else row.error_label.text()


def shot(page: SettingsPage, screenshot_dir: Path, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    page.grab().save(str(screenshot_dir / f"settings-{name}.png"))


def test_the_owner_sees_both_cadences_and_edits_a_step_with_a_live_preview(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    section = cadence_of(page)
    assert page.list.currentItem().text() == "Régua de cobrança"
    assert table(section) == [
        ["D−3", "Lembrete 3 dias antes", "WhatsApp ou SMS", "Sim"],
        ["D+1", "Lembrete gentil", "WhatsApp ou SMS", "Sim"],
        ["D+7", "Contato", "WhatsApp ou Telefone", "Sim"],
        ["D+15", "Carta de cobrança", "Carta", "Sim"],
        ["D+30", "Proposta de acordo", "WhatsApp ou Telefone", "Sim"],
        ["D+45", "Aviso antes da negativação", "Carta", "Sim"],
        ["D+60", "Negativação", "— (ação interna)", "Sim"],
        ["D+90", "Revisão: protesto, cobrança externa ou baixa", "— (ação interna)", "Sim"],
    ]
    section.cadence_combo.setCurrentIndex(section.cadence_combo.findData("soft"))
    assert [row[0] for row in table(section)] == [
        "D−3",
        "D+3",
        "D+10",
        "D+20",
        "D+30",
        "D+60",
        "D+75",
        "D+90",
    ]
    section.cadence_combo.setCurrentIndex(section.cadence_combo.findData("standard"))

    section.select("standard", "contact")
    assert section.offset_note.text() == "D+7 · 7 dias depois do vencimento mais antigo em aberto"
    # The preview reads like the customer will: sample customer, this shop's name and phone.
    preview = section.preview_label.text()
    assert preview.startswith("Olá, Maria, tudo bem? Aqui é da Loja Teste Ltda.")
    assert "R$ 189,90 (2 parcelas, desde 10/11/2026)" in preview
    assert preview.endswith("ligue (16) 3333-4444.")

    section.offset_spin.setValue(8)
    section.channel_combo.setCurrentIndex(section.channel_combo.findData("phone"))
    section.also_checks[ContactChannel.WHATSAPP].setChecked(True)
    section.also_checks[ContactChannel.SMS].setChecked(True)
    assert section.also_checks[ContactChannel.PHONE].isHidden()  # the preferred one
    section.template_edit.setPlainText("Oi, {primeiro_nome}! A {loja} quer falar com você: ")
    section.template_edit.moveCursor(QTextCursor.MoveOperation.End)
    section.placeholder_buttons["telefone_loja"].click()
    assert section.template_edit.toPlainText().endswith("{telefone_loja}")
    assert section.preview_label.text() == (
        "Oi, Maria! A Loja Teste Ltda quer falar com você: (16) 3333-4444"
    )
    assert table(section)[2] == ["D+8", "Contato", "Telefone ou WhatsApp ou SMS", "Sim"]

    section.select("standard", "gentle_reminder")
    section.enabled_check.setChecked(False)
    assert table(section)[1][3] == "Não"
    assert section.status_label.text() == "Alterações não salvas."
    section.select("standard", "contact")
    shot(page, screenshot_dir, "regua")
    save(qtbot, section)
    assert section.status_label.text() == "Salvo às 10:30."

    saved = {s.key: s for s in stored(ctx.db).cadence.standard}
    assert saved["contact"].offset_days == 8
    assert saved["contact"].channels == (
        ContactChannel.PHONE,
        ContactChannel.WHATSAPP,
        ContactChannel.SMS,
    )
    assert saved["contact"].template == (
        "Oi, {primeiro_nome}! A {loja} quer falar com você: {telefone_loja}"
    )
    assert not saved["gentle_reminder"].enabled
    assert stored(ctx.db).cadence.soft == DEFAULT_SOFT

    reopened = open_page(qtbot, ctx)
    again = cadence_of(reopened)
    assert table(again)[2] == ["D+8", "Contato", "Telefone ou WhatsApp ou SMS", "Sim"]
    assert table(again)[1][3] == "Não"
    again.select("standard", "contact")
    assert again.template_edit.toPlainText().startswith("Oi, {primeiro_nome}!")


def test_an_unknown_placeholder_is_refused_under_the_message(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    section = cadence_of(page)
    section.select("standard", "collection_letter")
    section.template_edit.setPlainText("Prezado(a) {cliente}, da {loja}.")
    # Nothing breaks while typing: the unknown field is shown as written.
    assert section.preview_label.text() == "Prezado(a) {cliente}, da Loja Teste Ltda."
    section.select("soft", "bureau_report")
    section.offset_spin.setValue(65)  # only 5 days after the written notice
    section.select("standard", "reminder")
    save(qtbot, section)

    assert section.status_label.text() == "Corrija os campos marcados; nada foi salvo."
    # The first step with a problem is shown, its message under the field.
    assert section.cadence_key == "standard"
    assert section.current_step().key == "collection_letter"
    assert error_under(section, "template").startswith("Campo desconhecido: {cliente}.")
    assert table(section)[3][1] == "⚠ Carta de cobrança"
    assert section.general_error.text() == ("Também há problemas em: Régua suave – Negativação.")
    shot(page, screenshot_dir, "regua-erro")

    section.select("soft", "bureau_report")
    assert error_under(section, "offset_days") == (
        "A negativação vem pelo menos 10 dias depois do aviso por escrito (CDC art. 43 §2)."
    )
    assert error_under(section, "template") == ""
    assert stored(ctx.db).cadence.standard == DEFAULT_STANDARD

    qtbot.mouseClick(section.defaults_button, Qt.MouseButton.LeftButton)
    section.select("standard", "collection_letter")
    section.template_edit.setPlainText("Prezado(a) {nome}, da {loja}.")
    save(qtbot, section)
    assert section.status_label.text() == "Salvo às 10:30."
    assert table(section)[3][1] == "Carta de cobrança"


def test_a_cashier_sees_the_cadences_read_only(
    qtbot: QtBot, cashier_ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, cashier_ctx)
    section = cadence_of(page)
    assert section.save_button.isHidden()
    assert section.defaults_button.isHidden()
    assert section.template_edit.isReadOnly()
    assert section.offset_spin.isReadOnly()
    assert not section.enabled_check.isEnabled()
    assert section.cadence_combo.isEnabled()  # looking at the soft cadence is fine
    section.cadence_combo.setCurrentIndex(section.cadence_combo.findData("soft"))
    section.select("soft", "contact")
    assert section.offset_spin.value() == 10
    assert "Loja Teste Ltda" in section.preview_label.text()
    shot(page, screenshot_dir, "regua-caixa")
    section.save()
    assert stored(cashier_ctx.db).cadence.soft == DEFAULT_SOFT


def test_the_steps_model_passes_the_model_tester(qtmodeltester: object) -> None:
    model = CadenceStepsModel()
    model.set_steps(list(DEFAULT_STANDARD), {"contact": ["Escolha pelo menos um canal."]})
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.index(2, 1).data() == "⚠ Contato"
    assert model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == "Escolha pelo menos um canal."


def test_the_owner_adds_the_citys_holidays(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page = open_page(qtbot, ctx)
    contact = page.section("contact")
    assert isinstance(contact, ContactSection)
    page.show_section("contact")
    assert contact.holidays_list.item(0).text() == "Nenhum feriado municipal cadastrado."

    contact.holiday_name_edit.setText("Aniversário de Ribeirão Preto")
    contact.holiday_date_edit.setDate(QDate(2026, 6, 19))
    qtbot.mouseClick(contact.add_holiday_button, Qt.MouseButton.LeftButton)
    contact.holiday_name_edit.setText("Corpus Christi")
    contact.holiday_date_edit.setDate(QDate(2026, 6, 4))
    contact.holiday_yearly_check.setChecked(False)
    qtbot.mouseClick(contact.add_holiday_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(contact.add_holiday_button, Qt.MouseButton.LeftButton)  # no name
    assert error_under(contact, "local_holidays") == "Informe o nome do feriado."
    assert contact.holidays_list.count() == 2
    contact.holiday_name_edit.setText("Corpus Christi de novo")
    qtbot.mouseClick(contact.add_holiday_button, Qt.MouseButton.LeftButton)
    save(qtbot, contact)
    assert error_under(contact, "local_holidays") == "Feriado repetido em 04/06/2026."
    assert stored(ctx.db).contact.local_holidays == ()

    contact.holidays_list.setCurrentRow(2)
    qtbot.mouseClick(contact.remove_holiday_button, Qt.MouseButton.LeftButton)
    save(qtbot, contact)
    assert contact.status_label.text() == "Salvo às 10:30."
    assert stored(ctx.db).contact.local_holidays == (
        LocalHoliday("Corpus Christi", 6, 4, 2026),
        LocalHoliday("Aniversário de Ribeirão Preto", 6, 19),
    )
    assert [contact.holidays_list.item(i).text() for i in range(2)] == [
        "04/06/2026 – Corpus Christi (só neste ano)",
        "19/06 – Aniversário de Ribeirão Preto (todo ano)",
    ]
    shot(page, screenshot_dir, "contato-feriados")

    reopened = open_page(qtbot, ctx)
    again = reopened.section("contact")
    assert isinstance(again, ContactSection)
    assert again.holidays_list.count() == 2
    # Saving another part of the contact section keeps the holidays.
    again.max_spin.setValue(2)
    save(qtbot, again)
    assert len(stored(ctx.db).contact.local_holidays) == 2
