"""Estorno from the customer's payments tab: reason required, owner only, installments reopen."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Installment, InstallmentStatus, Payment, PaymentAllocation, User
from services.db import Database
from tests.ui.conftest import DemoShop, operator_ctx
from ui import tasks
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.counter.reversal import ReversalDialog
from ui.customers.detail import CustomerDetailPanel

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=10, sales=25, seed=4)


def _context(db: Database, username: str) -> AppContext:
    return operator_ctx(db, username, NOW)


def _user_id(db: Database, username: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalars(select(User.id).where(User.username == username)).one()


def _reversible_payment(db: Database) -> tuple[int, int, list[int]]:
    """A payment (id, customer id, installment ids) whose installments are all paid."""
    with db.unit_of_work() as uow:
        s = uow.session
        reversed_ids = select(Payment.reverses_id).where(Payment.reverses_id.is_not(None))
        for payment in s.scalars(
            select(Payment)
            .where(Payment.reverses_id.is_(None), Payment.id.not_in(reversed_ids))
            .order_by(Payment.id)
        ):
            inst_ids = list(
                s.scalars(
                    select(PaymentAllocation.installment_id).where(
                        PaymentAllocation.payment_id == payment.id
                    )
                )
            )
            statuses = {s.get(Installment, i).status for i in inst_ids}  # type: ignore[union-attr]
            if inst_ids and statuses == {InstallmentStatus.PAID}:
                return payment.id, payment.customer_id, inst_ids
    raise AssertionError("the demo has no fully paid payment")


def _statuses(db: Database, inst_ids: list[int]) -> set[InstallmentStatus]:
    with db.unit_of_work() as uow:
        return {
            uow.session.get(Installment, i).status  # type: ignore[union-attr]
            for i in inst_ids
        }


def _reversals_of(db: Database, payment_id: int) -> list[Payment]:
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Payment).where(Payment.reverses_id == payment_id)))
        uow.session.expunge_all()
    return rows


def _payment_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count(Payment.id))) or 0


def _grab(qtbot: QtBot, widget: object, path: Path) -> None:
    qtbot.wait(50)
    assert widget.grab().save(str(path))  # type: ignore[attr-defined]


def _dialog(qtbot: QtBot, ctx: AppContext, payment_id: int) -> ReversalDialog:
    dialog = ReversalDialog(ctx, payment_id, f"Pagamento nº {payment_id}\n23/11/2026 — R$ 10,00")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_owner_reverses_with_a_reason_once(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    db = shop
    ctx = _context(db, "dono")
    payment_id, _customer_id, inst_ids = _reversible_payment(db)
    before = _payment_count(db)
    dialog = _dialog(qtbot, ctx, payment_id)
    assert dialog.objectName() == "reversalDialog"

    dialog.confirm_button.click()  # no reason
    assert dialog.reason_error.isVisible()
    assert "motivo" in dialog.reason_error.text()
    qtbot.wait(50)
    assert _payment_count(db) == before
    assert tasks.pending_jobs() == 0

    dialog.reason_edit.setPlainText("Lançado no cliente errado")
    _grab(qtbot, dialog, screenshot_dir / "reversal_dialog.png")
    with qtbot.waitSignal(dialog.paymentReversed, timeout=10_000) as reversed_:
        dialog.confirm_button.click()
        dialog.confirm_button.click()  # a double click submits once
    reversal_id = reversed_.args[0]
    assert dialog.result() == ReversalDialog.DialogCode.Accepted
    rows = _reversals_of(db, payment_id)
    assert [r.id for r in rows] == [reversal_id]
    assert rows[0].reversal_reason == "Lançado no cliente errado"
    assert rows[0].operator_id == rows[0].authorized_by_id == _user_id(db, "dono")
    assert _statuses(db, inst_ids) == {InstallmentStatus.OPEN}

    again = _dialog(qtbot, ctx, payment_id)
    again.reason_edit.setPlainText("De novo")
    again.confirm_button.click()
    qtbot.waitUntil(again.error_label.isVisible, timeout=10_000)
    assert "já foi estornado" in again.error_label.text()
    assert again.isVisible()
    assert len(_reversals_of(db, payment_id)) == 1


def test_cashier_needs_the_owner_password(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    db = shop
    ctx = _context(db, "caixa")
    payment_id, _customer_id, inst_ids = _reversible_payment(db)
    dialog = _dialog(qtbot, ctx, payment_id)
    dialog.reason_edit.setPlainText("Cliente desistiu do Pix, devolvido em dinheiro")
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(OwnerAuthorizationDialog) is not None, timeout=5_000)
    auth = dialog.findChild(OwnerAuthorizationDialog)
    assert auth is not None and auth.objectName() == "ownerAuthDialog"
    qtbot.waitUntil(auth.isVisible)
    _grab(qtbot, auth, screenshot_dir / "reversal_owner_auth.png")
    auth.username_edit.setText("dono")
    auth.password_edit.setText("demo1234")
    with qtbot.waitSignal(dialog.paymentReversed, timeout=15_000):
        auth.authorize_button.click()
    (reversal,) = _reversals_of(db, payment_id)
    owner_id = _user_id(db, "dono")
    assert reversal.operator_id == owner_id
    assert reversal.authorized_by_id == owner_id
    assert _statuses(db, inst_ids) == {InstallmentStatus.OPEN}


def test_payments_tab_button_reverses_and_reloads(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    db = shop
    ctx = _context(db, "dono")
    payment_id, customer_id, inst_ids = _reversible_payment(db)
    panel = CustomerDetailPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    with qtbot.waitSignal(panel.detailLoaded, timeout=10_000):
        panel.load(customer_id)
    panel.tabs.setCurrentIndex(1)
    assert not panel.reverse_button.isEnabled()  # nothing selected
    model = panel.payments_model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).payment_id == payment_id)
    panel.payments_view.selectRow(row)
    assert panel.reverse_button.isEnabled()
    _grab(qtbot, panel, screenshot_dir / "reversal_payments_tab.png")

    panel.reverse_button.click()
    qtbot.waitUntil(lambda: panel.findChild(ReversalDialog) is not None, timeout=5_000)
    dialog = panel.findChild(ReversalDialog)
    assert dialog is not None
    assert f"nº {payment_id}" in dialog.summary_label.text()
    dialog.reason_edit.setPlainText("Valor digitado errado")
    with qtbot.waitSignal(panel.detailLoaded, timeout=10_000):
        dialog.confirm_button.click()
    assert _statuses(db, inst_ids) == {InstallmentStatus.OPEN}
    lines = {line.payment_id: line for line in panel.detail.payments}  # type: ignore[union-attr]
    assert lines[payment_id].reversed
    assert any(line.is_reversal for line in lines.values())
    row = next(r for r in range(model.rowCount()) if model.row_at(r).payment_id == payment_id)
    panel.payments_view.selectRow(row)
    assert not panel.reverse_button.isEnabled()  # already reversed
