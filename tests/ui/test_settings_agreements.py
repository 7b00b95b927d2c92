"""Acordos in Configurações: the owner edits the limits and the breach clause; a cashier reads."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from services import settings as settings_service
from services.db import Database
from services.settings import BREACH_CLAUSES, KEEP_DISCOUNT, AgreementPolicy
from ui.context import AppContext
from ui.settings import SettingsPage
from ui.settings.agreements import AgreementsSection

pytestmark = pytest.mark.gui

D = Decimal


def open_section(qtbot: QtBot, ctx: AppContext) -> tuple[SettingsPage, AgreementsSection]:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 900)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.users.loaded, timeout=10_000)
    page.show_section("agreements")
    section = page.section("agreements")
    assert isinstance(section, AgreementsSection)
    return page, section


def stored(db: Database) -> AgreementPolicy:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session).agreements


def error_under(section: AgreementsSection, field: str) -> str:
    row = section.errors.rows[field]
    return "" if row.error_label.isHidden() else row.error_label.text()


def save(qtbot: QtBot, section: AgreementsSection) -> None:
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.saving, timeout=10_000)


def shot(page: SettingsPage, screenshot_dir: Path, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    page.grab().save(str(screenshot_dir / f"settings-agreements-{name}.png"))


def test_the_owner_changes_the_limits_and_the_clause_and_they_come_back(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page, section = open_section(qtbot, ctx)
    assert page.list.currentItem().text() == "Acordos"
    # The defaults, as the shop starts.
    assert section.charges_pct_edit.text() == "100,00"
    assert section.principal_pct_edit.text() == "10,00"
    assert section.installments_spin.value() == 12
    assert section.min_installment_edit.text() == "20,00"
    assert section.breach_spin.value() == 30
    assert section.clause_radios["lose_discount"].isChecked()
    assert section.clause_radios[KEEP_DISCOUNT].text() == BREACH_CLAUSES[KEEP_DISCOUNT]
    assert section.write_off_below_edit.text() == "100,00"
    assert section.silent_spin.value() == 180
    shot(page, screenshot_dir, "owner")

    section.charges_pct_edit.setText("50")
    section.principal_pct_edit.setText("5,5")
    section.installments_spin.setValue(10)
    section.min_installment_edit.setText("30,00")
    section.breach_spin.setValue(45)
    section.clause_radios[KEEP_DISCOUNT].click()
    section.write_off_below_edit.setText("150,00")
    section.silent_spin.setValue(365)
    assert section.dirty
    save(qtbot, section)
    assert section.status_label.text() == "Salvo às 10:30."
    assert stored(ctx.db) == AgreementPolicy(
        max_discount_charges_pct=D("50"),
        max_discount_principal_pct=D("5.5"),
        max_installments=10,
        min_installment=D("30.00"),
        breach_days=45,
        breach_clause=KEEP_DISCOUNT,
        write_off_below=D("150.00"),
        write_off_silent_days=365,
    )

    _, again = open_section(qtbot, ctx)
    assert again.charges_pct_edit.text() == "50,00"
    assert again.principal_pct_edit.text() == "5,50"
    assert again.clause_radios[KEEP_DISCOUNT].isChecked()
    assert again.breach_spin.value() == 45
    assert again.write_off_below_edit.text() == "150,00"


def test_a_bad_value_is_shown_under_its_field_and_nothing_is_saved(
    qtbot: QtBot, ctx: AppContext, screenshot_dir: Path
) -> None:
    page, section = open_section(qtbot, ctx)
    section.charges_pct_edit.setText("150")  # read fine, refused by the rules
    section.min_installment_edit.setText("abc")  # not even read
    save(qtbot, section)
    assert error_under(section, "min_installment") != ""
    assert error_under(section, "max_discount_charges_pct") == ""  # never reached the service
    section.min_installment_edit.setText("20,00")
    save(qtbot, section)
    assert error_under(section, "max_discount_charges_pct") == (
        "Desconto na multa e nos juros entre 0 % e 100 %."
    )
    assert error_under(section, "min_installment") == ""
    assert section.status_label.text() == "Corrija os campos marcados; nada foi salvo."
    shot(page, screenshot_dir, "error")
    assert stored(ctx.db) == AgreementPolicy()


def test_a_cashier_sees_the_rules_but_cannot_change_them(
    qtbot: QtBot, cashier_ctx: AppContext
) -> None:
    page, section = open_section(qtbot, cashier_ctx)
    assert page.read_only_note.isVisible()
    assert section.save_button.isHidden()
    assert section.charges_pct_edit.isReadOnly()
    assert section.installments_spin.isReadOnly()
    assert not section.clause_radios[KEEP_DISCOUNT].isEnabled()
    assert section.clause_radios["lose_discount"].isChecked()
    section.save()  # does nothing
    assert stored(cashier_ctx.db) == AgreementPolicy()
