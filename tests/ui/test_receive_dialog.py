"""The counter's Receber pagamento dialog over a real database filled by the demo generator."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import Installment, InstallmentStatus, Payment, PaymentAllocation, PaymentMethod
from services import payments
from services.charges import early_settlement_value
from services.db import Database
from services.money import format_brl
from services.payments import Quote
from services.printing import PrintJob
from tests.ui.conftest import DemoShop, demo_operator, operator_ctx
from ui.context import AppContext
from ui.counter import receive
from ui.counter.receive import REBATE_COLUMN, ReceivePaymentDialog

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=15, sales=40, seed=7)


@pytest.fixture
def cashier_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "caixa", NOW)


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[PrintJob]:
    """The receipt jobs the dialog asks to preview, instead of opening the preview."""
    jobs: list[PrintJob] = []

    def capture(parent: Any, ctx: Any, new: list[PrintJob], title: str, filename: str) -> None:
        jobs.extend(new)

    monkeypatch.setattr(receive, "print_documents", capture)
    return jobs


def _overdue(db: Database, *, min_charges: Decimal = Decimal("0")) -> tuple[Installment, Quote]:
    """The oldest overdue open installment whose fee + interest today exceed ``min_charges``."""
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(
            select(Installment)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.due_date < TODAY)
            .order_by(Installment.due_date, Installment.id)
        ).all()
        for inst in rows:
            q = payments.quote(uow.session, [inst.id], TODAY)
            if q.fee + q.interest > min_charges:
                uow.session.expunge(inst)
                return inst, q
    raise AssertionError("the demo data has no such installment")


def _open(qtbot: Any, ctx: AppContext, inst: Installment) -> ReceivePaymentDialog:
    dialog = ReceivePaymentDialog(ctx, inst.customer_id, [inst.id])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.quote is not None and dialog.confirm_button.isEnabled())
    return dialog


def _payments_for(db: Database, installment_id: int) -> list[Payment]:
    with db.unit_of_work() as uow:
        found = uow.session.scalars(
            select(Payment)
            .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
            .where(PaymentAllocation.installment_id == installment_id)
        ).all()
        for p in found:
            uow.session.expunge(p)
        return list(found)


def _installment(db: Database, installment_id: int) -> Installment:
    with db.unit_of_work() as uow:
        inst = uow.session.get(Installment, installment_id)
        assert inst is not None
        uow.session.expunge(inst)
        return inst


def test_cash_with_change(
    qtbot: Any,
    qtmodeltester: Any,
    cashier_ctx: AppContext,
    printed: list[PrintJob],
    screenshot_dir: Path,
) -> None:
    inst, q = _overdue(cashier_ctx.db, min_charges=Decimal("1"))
    dialog = _open(qtbot, cashier_ctx, inst)
    qtmodeltester.check(dialog.model)

    # What the cashier reads: the installment, its days late and what is due today.
    model = dialog.model
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    line = q.lines[0]
    assert row[0] == f"{inst.number}/{inst.count}"
    assert row[1] == f"{inst.due_date:%d/%m/%Y}"
    assert row[2] == f"{(TODAY - inst.due_date).days} dias"
    assert row[3:] == [
        *(format_brl(v) for v in (line.open_principal, line.fee, line.interest)),
        "",  # nothing to take off an overdue installment
        format_brl(q.total),
    ]
    assert dialog.table.isColumnHidden(REBATE_COLUMN)
    assert format_brl(q.total) in dialog.total_label.text()
    assert dialog.amount_edit.value() == q.total
    assert dialog.method_combo.currentText() == "Dinheiro"

    tendered = (q.total // 50 + 1) * 50  # the next R$ 50 note
    dialog.tendered_edit.setText(format_brl(tendered).replace("R$ ", ""))
    assert dialog.change_label.text() == format_brl(tendered - q.total)
    assert not dialog.surplus_box.isVisible()
    dialog.grab().save(str(screenshot_dir / "receive_cash_change.png"))

    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000) as received:
        dialog.confirm_button.click()
        assert not dialog.confirm_button.isEnabled()  # a single action: no double submit
        dialog.confirm_button.click()
    payment_id = received.args[0]
    qtbot.waitUntil(lambda: not dialog.isVisible())

    stored = _payments_for(cashier_ctx.db, inst.id)
    assert [p.id for p in stored] == [payment_id]
    p = stored[0]
    assert (p.amount, p.principal, p.fee, p.interest) == (q.total, q.principal, q.fee, q.interest)
    assert p.method is PaymentMethod.CASH
    assert (p.tendered, p.change_given) == (tendered, tendered - q.total)
    assert _installment(cashier_ctx.db, inst.id).status is InstallmentStatus.PAID
    assert printed == [PrintJob("receipt", payment_id, TODAY, receipt_size="roll")]


def test_paying_a_financed_installment_early_takes_interest_off(
    qtbot: Any, cashier_ctx: AppContext, printed: list[PrintJob], screenshot_dir: Path
) -> None:
    from models import CreditSale

    db = cashier_ctx.db
    with db.unit_of_work() as uow:
        inst = uow.session.scalars(
            select(Installment)
            .join(CreditSale, CreditSale.id == Installment.sale_id)
            .where(
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date > TODAY + timedelta(days=20),
                Installment.principal_paid == 0,
                CreditSale.monthly_rate > 0,
            )
            .order_by(Installment.due_date, Installment.id)
        ).first()
        assert inst is not None, "the demo has no financed installment to pay early"
        rate = uow.session.scalar(
            select(CreditSale.monthly_rate).where(CreditSale.id == inst.sale_id)
        )
        uow.session.expunge(inst)
    assert rate is not None
    present = early_settlement_value(inst.amount, inst.due_date, TODAY, rate)
    assert present < inst.amount
    dialog = _open(qtbot, cashier_ctx, inst)
    assert not dialog.table.isColumnHidden(REBATE_COLUMN)
    row = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert row[REBATE_COLUMN] == f"−{format_brl(inst.amount - present)}"
    assert row[-1] == format_brl(present)
    assert dialog.amount_edit.value() == present
    assert "Pagamento antecipado" in dialog.status_label.text()
    assert "CDC art. 52 §2" in dialog.status_label.text()
    qtbot.wait(50)
    dialog.grab().save(str(screenshot_dir / "receive_early.png"))
    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000) as received:
        dialog.confirm_button.click()
    (stored,) = _payments_for(db, inst.id)
    assert stored.id == received.args[0]
    assert (stored.amount, stored.rebate) == (present, inst.amount - present)
    assert _installment(db, inst.id).status is InstallmentStatus.PAID


def test_partial_payment_by_pix(
    qtbot: Any, cashier_ctx: AppContext, printed: list[PrintJob], screenshot_dir: Path
) -> None:
    inst, q = _overdue(cashier_ctx.db, min_charges=Decimal("1"))
    dialog = _open(qtbot, cashier_ctx, inst)
    dialog.method_combo.setCurrentText("Pix")
    assert not dialog.tendered_edit.isVisible() and not dialog.change_label.isVisible()
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "50,00")
    assert not dialog.surplus_box.isVisible()
    assert dialog.remaining_label.isVisible()
    assert format_brl(q.total - Decimal("50.00")) in dialog.remaining_label.text()
    dialog.grab().save(str(screenshot_dir / "receive_partial_pix.png"))

    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000):
        dialog.confirm_button.click()

    (p,) = _payments_for(cashier_ctx.db, inst.id)
    # Imputed interest → fee → principal (Código Civil art. 354).
    assert (p.amount, p.interest, p.fee) == (Decimal("50.00"), q.interest, q.fee)
    assert p.principal == Decimal("50.00") - q.interest - q.fee
    assert p.method is PaymentMethod.PIX and p.tendered is None
    after = _installment(cashier_ctx.db, inst.id)
    assert after.status is InstallmentStatus.OPEN
    assert after.principal_paid == inst.principal_paid + p.principal
    assert len(printed) == 1


def test_amount_above_total_asks_change_or_credit(
    qtbot: Any, cashier_ctx: AppContext, printed: list[PrintJob], screenshot_dir: Path
) -> None:
    inst, q = _overdue(cashier_ctx.db)
    dialog = _open(qtbot, cashier_ctx, inst)
    dialog.amount_edit.set_value(q.total + Decimal("20.00"))
    assert dialog.surplus_box.isVisible()
    assert dialog.change_radio.isChecked()
    assert dialog.change_label.text() == format_brl(Decimal("20.00"))
    dialog.credit_radio.setChecked(True)
    assert dialog.change_label.text() == format_brl(Decimal("0.00"))
    dialog.grab().save(str(screenshot_dir / "receive_surplus.png"))
    dialog.method_combo.setCurrentText("Débito")
    assert dialog.credit_radio.isChecked() and not dialog.change_radio.isEnabled()

    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000) as received:
        dialog.confirm_button.click()
    with cashier_ctx.db.unit_of_work() as uow:
        p = uow.session.get(Payment, received.args[0])
        assert p is not None
        assert p.amount == q.total + Decimal("20.00")
        credited = uow.session.scalars(
            select(PaymentAllocation).where(PaymentAllocation.payment_id == p.id)
        ).all()
        assert {a.installment_id for a in credited} - {inst.id}  # the next one got the R$ 20


def test_waiver_above_limit_needs_the_owner(
    qtbot: Any, cashier_ctx: AppContext, printed: list[PrintJob], screenshot_dir: Path
) -> None:
    inst, q = _overdue(cashier_ctx.db, min_charges=Decimal("10.00"))
    waive = q.fee + q.interest
    dialog = _open(qtbot, cashier_ctx, inst)
    dialog.waive_edit.set_value(waive)
    assert dialog.amount_edit.value() == q.principal  # the amount follows the waiver

    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.auth_dialog is not None and dialog.auth_dialog.isVisible())
    auth = dialog.auth_dialog
    assert auth is not None and auth.objectName() == "ownerAuthDialog"
    assert "R$\u00a010,00" in auth.reason_label.text()
    assert _payments_for(cashier_ctx.db, inst.id) == []

    auth.username_edit.setText("dono")
    auth.password_edit.setText("errada123")
    auth.authorize_button.click()
    qtbot.waitUntil(lambda: auth.error_label.isVisible(), timeout=10000)
    assert auth.error_label.text()
    assert auth.isVisible() and auth.owner is None
    auth.grab().save(str(screenshot_dir / "owner_auth_error.png"))
    dialog.grab().save(str(screenshot_dir / "receive_waiver.png"))

    auth.password_edit.setText("demo1234")
    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000):
        auth.authorize_button.click()

    (p,) = _payments_for(cashier_ctx.db, inst.id)
    dono = demo_operator(cashier_ctx.db, "dono")
    assert p.authorized_by_id == dono.id
    assert p.operator_id == cashier_ctx.operator.id
    assert (p.discount, p.amount, p.fee, p.interest) == (waive, q.principal, 0, 0)
    assert _installment(cashier_ctx.db, inst.id).status is InstallmentStatus.PAID


def test_paid_at_another_counter_meanwhile(
    qtbot: Any, cashier_ctx: AppContext, printed: list[PrintJob], screenshot_dir: Path
) -> None:
    db = cashier_ctx.db
    inst, _ = _overdue(db)
    dialog = _open(qtbot, cashier_ctx, inst)

    with db.unit_of_work(write=True) as uow:  # the other counter
        payments.receive_payment(
            uow,
            customer_id=inst.customer_id,
            installment_ids=[inst.id],
            amount=None,
            method=PaymentMethod.PIX,
            operator=demo_operator(db, "dono"),
            now=NOW,
        )

    with qtbot.assertNotEmitted(dialog.paymentReceived, wait=200):
        dialog.confirm_button.click()
        qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "outro caixa" in dialog.error_label.text()
    assert "nada foi cobrado" in dialog.error_label.text()
    # The reloaded quote finds the installment paid: nothing left to confirm here.
    qtbot.waitUntil(lambda: "não está em aberto" in dialog.status_label.text(), timeout=10000)
    assert not dialog.confirm_button.isEnabled()
    assert dialog.isVisible()
    dialog.grab().save(str(screenshot_dir / "receive_conflict.png"))

    (only,) = _payments_for(db, inst.id)  # charged once, at the other counter
    assert only.method is PaymentMethod.PIX
    assert printed == []


def test_receipt_preview_opens_over_the_counter(
    qtbot: Any, cashier_ctx: AppContext, screenshot_dir: Path
) -> None:
    """Without the monkeypatch: the 80 mm receipt is rendered and previewed over the parent."""
    from PySide6.QtWidgets import QWidget

    from ui.documents.preview import PdfPreviewDialog

    counter = QWidget()
    qtbot.addWidget(counter)
    counter.resize(900, 700)
    counter.show()
    inst, _ = _overdue(cashier_ctx.db)
    dialog = ReceivePaymentDialog(cashier_ctx, inst.customer_id, [inst.id], counter)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.confirm_button.isEnabled())
    with qtbot.waitSignal(dialog.paymentReceived, timeout=10000):
        dialog.confirm_button.click()

    def preview() -> PdfPreviewDialog | None:
        return counter.findChild(PdfPreviewDialog, "pdfPreview")

    qtbot.waitUntil(lambda: (p := preview()) is not None and p.isVisible(), timeout=20000)
    shown = preview()
    assert shown is not None and shown.page_count() >= 1
    assert not dialog.isVisible()
    qtbot.wait(800)  # QPdfView paints its pages asynchronously
    shown.grab().save(str(screenshot_dir / "receive_receipt_preview.png"))
    shown.close()
