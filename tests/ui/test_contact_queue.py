"""The contact queue: tomorrow's list, broken promises first, why a contact may not happen, the
WhatsApp link with the message, recording a contact, and the owner's bureau tasks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models import (
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    Installment,
    InstallmentStatus,
)
from services import collection
from services.collection import RemovalTask
from services.db import Database
from tests.ui.conftest import DemoShop, operator_ctx
from ui import tasks
from ui.context import AppContext
from ui.overdue import bureau
from ui.overdue import queue as queue_module
from ui.overdue.bureau import BureauTasksWidget, RemovalsModel, ReportDue, ReportsDueModel
from ui.overdue.contact_dialog import RecordContactDialog
from ui.overdue.queue import COL_NAME, COL_PERMISSION, ContactQueueWidget, PhoneScriptDialog

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 10, 30)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=40, sales=90, seed=7)


def context(db: Database, username: str = "dono") -> AppContext:
    return operator_ctx(db, username, NOW)


def make_queue(qtbot: QtBot, ctx: AppContext, day: date | None = None) -> ContactQueueWidget:
    widget = ContactQueueWidget(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.status_label.text() != "Carregando…", timeout=20_000)
    if day is not None:
        with qtbot.waitSignal(widget.loaded, timeout=20_000):
            widget.set_day(day)
    return widget


def cell(widget: ContactQueueWidget, row: int, column: int) -> str:
    return str(widget.model.index(row, column).data())


def test_tomorrows_list_with_broken_promises_first(
    qtbot: QtBot, qtmodeltester: ModelTester, shop: Database, screenshot_dir: Path
) -> None:
    widget = make_queue(qtbot, context(shop))
    assert widget.day_edit.date().toPython() == TODAY + timedelta(days=1)
    items = widget.model.items
    assert items, "the demo shop has contacts for tomorrow"
    qtmodeltester.check(widget.model)
    broken = [i for i in items if i.broken_promise]
    assert broken, "the demo shop has broken promises"
    # Broken promises lead the list, marked in text (not only colour), with the promise named.
    assert all(i.broken_promise for i in items[: len(broken)])
    assert cell(widget, 0, COL_NAME).startswith("⚠ ")
    assert "não cumprida" in items[0].reason
    assert "promessa" in widget.status_label.text()
    allowed = next(
        row
        for row, i in enumerate(items)
        if i.channel is ContactChannel.WHATSAPP and i.permission.allowed
    )
    assert cell(widget, allowed, COL_PERMISSION) == "✓ pode amanhã às 9h"
    widget.select_row(allowed)
    # Tomorrow's list: sending now would not be tomorrow, so the buttons wait for the day.
    assert widget.whatsapp_button.isVisible() and not widget.whatsapp_button.isEnabled()
    assert "envie no próprio dia" in widget.whatsapp_button.toolTip()
    assert widget.record_button.isEnabled()
    widget.grab().save(str(screenshot_dir / "contact_queue_tomorrow.png"))


@pytest.mark.parametrize(
    ("day", "words", "from_when"),
    [
        (date(2026, 11, 20), "✗ não pode: feriado", "a partir de 23/11 às 9h"),
        (date(2026, 11, 22), "✗ não pode: domingo", "a partir de 23/11 às 9h"),
    ],
)
def test_a_refused_contact_says_why_and_when(
    qtbot: QtBot, shop: Database, screenshot_dir: Path, day: date, words: str, from_when: str
) -> None:
    widget = make_queue(qtbot, context(shop), day)
    items = widget.model.items
    row = next(
        r
        for r, i in enumerate(items)
        if i.channel is ContactChannel.WHATSAPP and not i.permission.allowed
    )
    text = cell(widget, row, COL_PERMISSION)
    assert text.startswith(words), text
    assert text.endswith(from_when), text
    assert (
        widget.model.index(row, COL_PERMISSION).data(Qt.ItemDataRole.ForegroundRole)
        == queue_module.REFUSED_COLOUR
    )
    widget.select_row(row)
    assert widget.permission_label.text() == text
    assert not widget.whatsapp_button.isEnabled()
    assert widget.whatsapp_button.toolTip() == text
    # Letters are not bound to contact hours: the same day's letters may go.
    letters = [i for i in items if i.channel is ContactChannel.LETTER]
    assert all(i.permission.allowed for i in letters)
    widget.grab().save(str(screenshot_dir / f"contact_queue_{day:%d%m}.png"))


def test_open_whatsapp_sends_the_ready_message_and_copy_fills_the_clipboard(
    qtbot: QtBot, shop: Database, monkeypatch: pytest.MonkeyPatch, screenshot_dir: Path
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(queue_module, "open_url", fake_open)
    widget = make_queue(qtbot, context(shop), TODAY)
    items = widget.model.items
    row = next(
        r
        for r, i in enumerate(items)
        if i.whatsapp_url and i.permission.allowed and not i.broken_promise
    )
    item = items[row]
    widget.select_row(row)
    assert widget.message_view.toPlainText() == item.message
    assert item.name.split()[0] in item.message
    assert widget.whatsapp_button.isEnabled()
    widget.grab().save(str(screenshot_dir / "contact_queue_today.png"))
    widget.whatsapp_button.click()
    assert len(opened) == 1
    assert opened[0].startswith(f"https://wa.me/55{item.phone}?text=")
    assert opened[0].endswith(quote(item.message, safe=""))

    widget.copy_button.click()
    assert QGuiApplication.clipboard().text() == item.message


def test_the_phone_script_opens_in_a_small_dialog(qtbot: QtBot, shop: Database) -> None:
    widget = make_queue(qtbot, context(shop))
    row = next(r for r, i in enumerate(widget.model.items) if i.phone_script)
    widget.select_row(row)
    assert widget.script_button.isVisible()
    widget._on_script()  # the button is disabled for tomorrow's list; the script is read today
    dialog = widget.dialog
    assert isinstance(dialog, PhoneScriptDialog)
    assert "identifique a loja" in dialog.text.toPlainText()
    dialog.reject()


def test_recording_a_contact_from_the_queue_marks_it_registered(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    widget = make_queue(qtbot, context(shop, "caixa"), TODAY)
    items = widget.model.items
    row = next(
        r
        for r, i in enumerate(items)
        if i.channel is ContactChannel.WHATSAPP and i.permission.allowed
    )
    item = items[row]
    widget.select_row(row)
    widget.record_button.click()
    dialog = widget.dialog
    assert isinstance(dialog, RecordContactDialog)
    assert dialog.channel() is ContactChannel.WHATSAPP
    assert dialog.cadence_step == item.step.key
    assert dialog.message_view is not None
    assert dialog.message_view.toPlainText() == item.message
    assert dialog.outcome() is ContactOutcome.SENT
    qtbot.waitUntil(lambda: dialog.facts is not None, timeout=10_000)
    with qtbot.waitSignal(widget.contactRecorded, timeout=10_000) as blocker:
        dialog.save_button.click()
    assert blocker.args == [item.customer_id]
    assert cell(widget, row, COL_PERMISSION) == "✓ registrado"
    assert not widget.record_button.isEnabled()
    assert not widget.whatsapp_button.isEnabled()
    widget.grab().save(str(screenshot_dir / "contact_queue_recorded.png"))
    with shop.unit_of_work() as uow:
        contact = uow.session.scalars(
            select(ContactAttempt).where(
                ContactAttempt.customer_id == item.customer_id, ContactAttempt.at == NOW
            )
        ).one()
        assert contact.cadence_step == item.step.key
        assert contact.outcome is ContactOutcome.SENT
    # Next time the list is loaded the step is done: the customer is no longer queued for it.
    with qtbot.waitSignal(widget.loaded, timeout=20_000):
        widget.refresh()
    assert all(
        (i.customer_id, i.step.key) != (item.customer_id, item.step.key) for i in widget.model.items
    )


# --- bureau tasks --------------------------------------------------------------------------------


def late_customer(db: Database) -> tuple[int, str]:
    with db.unit_of_work() as uow:
        row = uow.session.execute(
            select(Customer.id, Customer.name)
            .join(Installment, Installment.customer_id == Customer.id)
            .where(
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date < TODAY - timedelta(days=20),
                Customer.collection_paused_since.is_(None),
                Customer.bureau_reported_on.is_(None),
            )
            .order_by(Customer.id)
            .limit(1)
        ).one()
        return row[0], row[1]


def make_bureau(qtbot: QtBot, ctx: AppContext) -> BureauTasksWidget:
    widget = BureauTasksWidget(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitUntil(lambda: tasks.pending_jobs() == 0, timeout=20_000)
    return widget


def reported_on(db: Database, customer_id: int) -> date | None:
    with db.unit_of_work() as uow:
        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        return customer.bureau_reported_on


def test_negativar_by_a_cashier_needs_the_owner(
    qtbot: QtBot, shop: Database, monkeypatch: pytest.MonkeyPatch, screenshot_dir: Path
) -> None:
    monkeypatch.setattr(bureau, "confirm", lambda *_a: True)
    customer_id, name = late_customer(shop)
    widget = make_bureau(qtbot, context(shop, "caixa"))
    widget.report(customer_id, name)
    assert widget.action is not None
    auth = widget.action.auth_dialog
    assert auth is not None and auth.isVisible()
    assert name in auth.reason_label.text()
    auth.reject()  # the owner is not there
    qtbot.waitUntil(lambda: widget.error_label.isVisible(), timeout=10_000)
    assert widget.error_label.text() == "Negativação não registrada: o dono não autorizou."
    assert reported_on(shop, customer_id) is None
    widget.grab().save(str(screenshot_dir / "bureau_tasks_refused.png"))


def record_notice(db: Database, customer_id: int, ctx: AppContext, *, days_ago: int) -> None:
    """The written notice before a bureau report, recorded as sent ``days_ago`` days before NOW."""
    with db.unit_of_work(write=True) as uow:
        collection.record_contact(
            uow,
            customer_id,
            channel=ContactChannel.LETTER,
            outcome=ContactOutcome.SENT,
            cadence_step="bureau_notice",
            operator=ctx.operator,
            now=NOW - timedelta(days=days_ago),
        )


def test_negativar_is_refused_with_the_date_when_the_notice_is_under_10_days(
    qtbot: QtBot, shop: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bureau, "confirm", lambda *_a: True)
    customer_id, name = late_customer(shop)
    ctx = context(shop)
    record_notice(shop, customer_id, ctx, days_ago=5)
    widget = make_bureau(qtbot, ctx)
    widget.report(customer_id, name)
    qtbot.waitUntil(lambda: widget.error_label.isVisible(), timeout=10_000)
    text = widget.error_label.text()
    assert "registrada em 18/11/2026" in text
    assert "a partir de 28/11/2026" in text
    assert reported_on(shop, customer_id) is None


def test_negativar_by_the_owner_after_the_notice_is_recorded(
    qtbot: QtBot, shop: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bureau, "confirm", lambda *_a: True)
    customer_id, name = late_customer(shop)
    ctx = context(shop)
    record_notice(shop, customer_id, ctx, days_ago=12)
    widget = make_bureau(qtbot, ctx)
    with qtbot.waitSignal(widget.customerReported, timeout=10_000) as blocker:
        widget.report(customer_id, name)
    assert blocker.args == [customer_id]
    assert "negativação registrada" in widget.done_label.text()
    assert reported_on(shop, customer_id) == TODAY


def test_bureau_models_show_late_removals_in_red(
    qtbot: QtBot, qtmodeltester: ModelTester, shop: Database, screenshot_dir: Path
) -> None:
    removals = RemovalsModel()
    removals.set_rows(
        [
            RemovalTask(
                1, "Ana Souza", date(2026, 9, 1), date(2026, 11, 10), date(2026, 11, 17), True
            ),
            RemovalTask(
                2, "Bia Lima", date(2026, 9, 1), date(2026, 11, 20), date(2026, 11, 27), False
            ),
        ]
    )
    qtmodeltester.check(removals)
    late = removals.index(0, 4)
    assert late.data() == "⚠ ATRASADA — o prazo era 17/11/2026"
    assert late.data(Qt.ItemDataRole.ForegroundRole) == bureau.LATE_COLOUR
    assert removals.index(1, 4).data() == "pedir até 27/11/2026"
    assert removals.index(1, 4).data(Qt.ItemDataRole.ForegroundRole) is None

    reports = ReportsDueModel()
    reports.set_rows(
        [
            ReportDue(3, "Caio Reis", 75, Decimal("812.40"), False, "aviso há 5 dias"),
            ReportDue(4, "Davi Melo", 80, Decimal("99.90"), True, "pode"),
        ]
    )
    qtmodeltester.check(reports)
    assert reports.index(0, 3).data() == "✗ ainda não"
    assert reports.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "aviso há 5 dias"
    assert reports.index(1, 2).data() == "R$ 99,90"
    widget = make_bureau(qtbot, context(shop))
    assert widget.reports_status.text() == "Nenhuma negativação a fazer hoje."
    widget.show_rows(reports.rows, removals.rows)
    assert widget.removals_status.text() == "2 baixa(s) a pedir, 1 atrasada(s)."
    assert widget.select_removal(1)
    assert widget.remove_button.isEnabled() and not widget.report_button.isEnabled()
    widget.grab().save(str(screenshot_dir / "bureau_tasks.png"))
