"""Registrar contato: promise date and amount, the pause on a dispute, refusals under the field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models import (
    AuditEvent,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    Installment,
    InstallmentStatus,
    PromiseStatus,
    PromiseToPay,
    RootCause,
    User,
)
from services import collection
from services.db import Database
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.overdue.contact_dialog import RecordContactDialog

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=20, sales=50, seed=7)


def context(db: Database, username: str = "dono") -> AppContext:
    return operator_ctx(db, username, NOW)


def late_customer(db: Database) -> tuple[int, Decimal]:
    """A customer with an overdue open installment, not paused: (id, owed today)."""
    with db.unit_of_work() as uow:
        s = uow.session
        customer_id = s.scalars(
            select(Installment.customer_id)
            .join(Customer, Customer.id == Installment.customer_id)
            .where(
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date < TODAY,
                Customer.collection_paused_since.is_(None),
            )
            .order_by(Installment.customer_id)
            .limit(1)
        ).one()
        return customer_id, collection.owed_today(s, customer_id, TODAY)


def open_dialog(
    qtbot: QtBot, ctx: AppContext, customer_id: int, **kw: object
) -> RecordContactDialog:
    dialog = RecordContactDialog(ctx, customer_id, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.facts is not None, timeout=10_000)
    return dialog


def save(qtbot: QtBot, dialog: RecordContactDialog) -> int:
    with qtbot.waitSignal(dialog.contactRecorded, timeout=10_000) as blocker:
        dialog.save_button.click()
    return int(blocker.args[0])


def test_a_promise_is_recorded_with_its_date_amount_and_audit(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    customer_id, owed = late_customer(shop)
    dialog = open_dialog(
        qtbot,
        context(shop, "caixa"),
        customer_id,
        channel=ContactChannel.PHONE,
        cadence_step="contact",
    )
    assert dialog.channel() is ContactChannel.PHONE
    assert dialog.outcome() is None  # a call has no default outcome: the person says
    assert not dialog.promise_amount_edit.isVisible()
    assert "D+7" in dialog.step_label.text()

    dialog.set_outcome(ContactOutcome.PROMISED)
    assert dialog.promise_amount_edit.isVisible() and dialog.promise_date_edit.isVisible()
    assert "Deve hoje" in dialog.owed_hint.text()
    dialog.set_promise_date(TODAY + timedelta(days=5))
    dialog.promise_amount_edit.setText("50,00")
    dialog.set_root_cause(RootCause.UNEMPLOYMENT)
    dialog.notes_edit.setPlainText("Recebe o seguro-desemprego na sexta.")
    dialog.grab().save(str(screenshot_dir / "record_contact_promise.png"))
    contact_id = save(qtbot, dialog)

    with shop.unit_of_work() as uow:
        s = uow.session
        contact = s.get(ContactAttempt, contact_id)
        assert contact is not None
        assert contact.customer_id == customer_id
        assert contact.channel is ContactChannel.PHONE
        assert contact.outcome is ContactOutcome.PROMISED
        assert contact.root_cause is RootCause.UNEMPLOYMENT
        assert contact.cadence_step == "contact"
        assert contact.notes == "Recebe o seguro-desemprego na sexta."
        assert contact.at == NOW
        promise = s.scalars(
            select(PromiseToPay)
            .where(PromiseToPay.customer_id == customer_id)
            .order_by(PromiseToPay.id.desc())
        ).first()
        assert promise is not None
        assert promise.promised_date == TODAY + timedelta(days=5)
        assert promise.amount == Decimal("50.00")
        assert promise.status is PromiseStatus.PENDING
        actions = set(
            s.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.customer_id == customer_id, AuditEvent.at == NOW
                )
            )
        )
        assert {"contact.record", "promise.make"} <= actions
        cashier = s.scalars(select(User.id).where(User.username == "caixa")).one()
        assert contact.operator_id == cashier
    assert owed > Decimal("50.00")


def test_a_dispute_warns_then_pauses_the_customer(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    customer_id, _ = late_customer(shop)
    dialog = open_dialog(qtbot, context(shop), customer_id, channel=ContactChannel.WHATSAPP)
    assert dialog.outcome() is ContactOutcome.SENT  # a message goes out; no answer yet
    assert not dialog.pause_warning.isVisible()
    dialog.set_outcome(ContactOutcome.ANSWERED)
    dialog.set_root_cause(RootCause.DISPUTE)
    assert dialog.pause_warning.isVisible()
    assert "a cobrança fica pausada até alguém resolver" in dialog.pause_warning.text()
    assert dialog.save_button.text() == "Registrar e pausar a cobrança"
    dialog.notes_edit.setPlainText("Diz que a parcela 3 já foi paga em dinheiro.")
    dialog.grab().save(str(screenshot_dir / "record_contact_dispute.png"))
    save(qtbot, dialog)

    with shop.unit_of_work() as uow:
        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        assert customer.collection_paused_since == TODAY
        assert customer.collection_paused_reason is not None
        assert "parcela 3" in customer.collection_paused_reason


def test_a_promise_above_what_is_owed_is_refused_under_the_amount(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    customer_id, owed = late_customer(shop)
    dialog = open_dialog(qtbot, context(shop), customer_id, channel=ContactChannel.PHONE)
    dialog.set_outcome(ContactOutcome.PROMISED)
    too_much = owed + Decimal("1000.00")
    typed = f"{too_much:.2f}".replace(".", ",")
    dialog.promise_amount_edit.setText(typed)
    dialog.save_button.click()
    row = dialog.errors.rows["promise_amount"]
    qtbot.waitUntil(lambda: row.error_label.isVisible(), timeout=10_000)
    assert "passa do que o cliente deve hoje" in row.error_label.text()
    assert dialog.isVisible()
    assert dialog.promise_amount_edit.text() == typed  # what was typed stays
    assert dialog.outcome() is ContactOutcome.PROMISED
    dialog.grab().save(str(screenshot_dir / "record_contact_refused.png"))
    with shop.unit_of_work() as uow:
        assert (
            uow.session.scalars(
                select(ContactAttempt).where(
                    ContactAttempt.customer_id == customer_id, ContactAttempt.at == NOW
                )
            ).first()
            is None
        )


def test_a_promise_needs_an_amount_and_an_outcome_is_required(qtbot: QtBot, shop: Database) -> None:
    customer_id, _ = late_customer(shop)
    dialog = open_dialog(qtbot, context(shop), customer_id, channel=ContactChannel.PHONE)
    dialog.save_button.click()
    assert dialog.errors.messages()["outcome"] == "Escolha o resultado do contato."
    dialog.set_outcome(ContactOutcome.PROMISED)
    dialog.save_button.click()
    assert "Informe o valor" in dialog.errors.messages()["promise_amount"]
    dialog.promise_amount_edit.setText("abc")
    dialog.save_button.click()
    assert "promise_amount" in dialog.errors.messages()
    assert dialog.isVisible()
