"""The new-sale dialog: every condition is shown first, then the sale is stored and printed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Customer, Installment, User
from models.credit import CreditSale
from services import sales
from services.db import Database
from services.printing import PrintJob
from tests.ui.conftest import DemoShop, operator_ctx
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.counter import sale as sale_module
from ui.counter.sale import NewSaleDialog

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=15, sales=40, seed=7)


@pytest.fixture
def cashier_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "caixa", NOW)


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[PrintJob], str]]:
    calls: list[tuple[list[PrintJob], str]] = []

    def fake_print(parent: Any, ctx: AppContext, jobs: list[PrintJob], title: str, fn: str) -> None:
        calls.append((list(jobs), title))

    monkeypatch.setattr(sale_module, "print_documents", fake_print)
    return calls


def _customer(db: Database, *, approved: bool, financed: Decimal = Decimal("1000.00")) -> int:
    """A demo customer whose credit check approves (or refuses) ``financed`` today."""
    with db.unit_of_work() as uow:
        ids = uow.session.scalars(
            select(Customer.id).where(Customer.anonymized_at.is_(None)).order_by(Customer.id)
        ).all()
        for customer_id in ids:
            request = sales.SaleRequest(
                customer_id=customer_id,
                description="Teste",
                cash_price=financed,
                down_payment=Decimal("0.00"),
                count=10,
                monthly_rate=Decimal(0),
                first_due=TODAY + timedelta(days=30),
            )
            preview = sales.preview_sale(uow.session, request, TODAY)
            if preview.credit.approved == approved:
                return customer_id
    raise AssertionError("the demo has no such customer")


def _open(qtbot: QtBot, ctx: AppContext, customer_id: int) -> NewSaleDialog:
    dialog = NewSaleDialog(ctx, customer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.rate.text() != "", timeout=5_000)  # settings loaded
    return dialog


def _fill(
    qtbot: QtBot, dialog: NewSaleDialog, price: str, down: str, count: int, rate: str
) -> None:
    with qtbot.waitSignal(dialog.previewUpdated, timeout=5_000):
        dialog.description.setText("Geladeira Frost Free 400 L")
        dialog.price.setText(price)
        dialog.down.setText(down)
        dialog.count.setValue(count)
        dialog.rate.setText(rate)
        dialog.first_due.setDate(QDate(2026, 12, 23))
    qtbot.waitUntil(lambda: dialog.preview is not None or bool(dialog.errors.messages()))


def _grab(qtbot: QtBot, dialog: Any, path: Path) -> None:
    qtbot.wait(50)  # let the layout settle after the last update
    assert dialog.grab().save(str(path))


def _sales_of(db: Database, customer_id: int) -> list[CreditSale]:
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(
            select(CreditSale).where(CreditSale.customer_id == customer_id)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def test_preview_then_confirm_stores_and_prints(
    qtbot: QtBot,
    cashier_ctx: AppContext,
    printed: list[tuple[list[PrintJob], str]],
    screenshot_dir: Path,
) -> None:
    db = cashier_ctx.db
    customer_id = _customer(db, approved=True)
    before = {s.id for s in _sales_of(db, customer_id)}
    dialog = _open(qtbot, cashier_ctx, customer_id)
    _fill(qtbot, dialog, "1.200,00", "200,00", 10, "0")

    assert dialog.summary.text() == "Entrada de R$ 200,00 + 10 × R$ 100,00"
    assert dialog.financed.text() == "R$ 1.000,00"
    assert dialog.total_cash.text() == "R$ 1.200,00"
    assert dialog.total_credit.text() == "R$ 1.200,00"
    assert dialog.rates.text() == "0,00 % ao mês · 0,00 % ao ano"
    assert dialog.cet.text() == "0,00 % ao ano"
    assert dialog.late.text().startswith("multa de 2,00 % da parcela\njuros de mora de ")
    assert dialog.table.rowCount() == 10
    assert dialog.table.item(0, 1).text() == "23/12/2026"
    assert dialog.table.item(9, 1).text() == "23/09/2027"
    assert dialog.table.item(9, 2).text() == "R$ 100,00"
    assert dialog.credit_status.text() == "✓ Crédito aprovado"
    assert not dialog.override_reason.isVisible()
    _grab(qtbot, dialog, screenshot_dir / "sale_dialog_preview.png")

    with qtbot.waitSignal(dialog.saleCreated, timeout=10_000) as created:
        dialog.confirm_button.click()
        assert not dialog.confirm_button.isEnabled()  # one submit at a time
    sale_id = created.args[0]
    assert not dialog.isVisible()

    assert {s.id for s in _sales_of(db, customer_id)} - before == {sale_id}
    with db.unit_of_work() as uow:
        stored = uow.session.get(CreditSale, sale_id)
        assert stored is not None
        assert stored.cash_price == Decimal("1200.00")
        assert stored.financed_amount == Decimal("1000.00")
        assert stored.credit_override_by_id is None
        count, total = uow.session.execute(
            select(func.count(), func.sum(Installment.amount)).where(Installment.sale_id == sale_id)
        ).one()
    assert count == 10
    assert Decimal(total) == Decimal("1000.00")  # type: ignore[arg-type]

    assert len(printed) == 1
    jobs, _title = printed[0]
    assert [(j.kind, j.record_id) for j in jobs] == [("carne", sale_id), ("disclosure", sale_id)]


def test_down_payment_not_below_price_shows_under_the_field(
    qtbot: QtBot,
    cashier_ctx: AppContext,
    printed: list[tuple[list[PrintJob], str]],
    screenshot_dir: Path,
) -> None:
    db = cashier_ctx.db
    customer_id = _customer(db, approved=True)
    before = len(_sales_of(db, customer_id))
    dialog = _open(qtbot, cashier_ctx, customer_id)
    _fill(qtbot, dialog, "500,00", "500,00", 5, "0")

    message = "A entrada deve ser menor que o preço à vista."
    assert dialog.errors.messages() == {"down_payment": message}
    assert dialog.errors.rows["down_payment"].error_label.isVisible()
    assert dialog.preview is None
    assert not dialog.summary.isVisible()
    _grab(qtbot, dialog, screenshot_dir / "sale_dialog_invalid.png")

    with qtbot.waitSignal(dialog.saleFailed, timeout=5_000):
        dialog.confirm_button.click()
    assert dialog.isVisible()
    assert dialog.errors.messages()["down_payment"] == message
    assert dialog.price.text() == "500,00"  # nothing typed is lost
    assert dialog.confirm_button.isEnabled()
    assert len(_sales_of(db, customer_id)) == before
    assert printed == []


def test_refused_credit_needs_the_owner_and_a_reason(
    qtbot: QtBot,
    cashier_ctx: AppContext,
    printed: list[tuple[list[PrintJob], str]],
    screenshot_dir: Path,
) -> None:
    db = cashier_ctx.db
    customer_id = _customer(db, approved=False, financed=Decimal("3000.00"))
    before = len(_sales_of(db, customer_id))
    dialog = _open(qtbot, cashier_ctx, customer_id)
    _fill(qtbot, dialog, "3.000,00", "", 10, "2,5")

    assert dialog.credit_status.text().startswith("✗ Crédito recusado")
    assert dialog.credit_reasons.isVisible()
    assert dialog.credit_reasons.text().startswith("• ")
    assert dialog.rate_warning.isVisible()  # 2,5 % a month is above 12 % a year
    assert dialog.override_reason.isVisible()
    _grab(qtbot, dialog, screenshot_dir / "sale_dialog_refused.png")

    # Without a reason the owner is not even asked.
    with qtbot.waitSignal(dialog.saleFailed, timeout=5_000):
        dialog.confirm_button.click()
    assert "motivo" in dialog.errors.messages()["override_reason"]
    assert dialog.findChild(OwnerAuthorizationDialog) is None

    dialog.override_reason.setText("Cliente antigo, paga em dia há 5 anos")
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(OwnerAuthorizationDialog) is not None, timeout=5_000)
    auth = dialog.findChild(OwnerAuthorizationDialog)
    assert auth is not None and auth.objectName() == "ownerAuthDialog"
    qtbot.waitUntil(auth.isVisible)
    _grab(qtbot, auth, screenshot_dir / "sale_dialog_owner_auth.png")
    auth.username_edit.setText("dono")
    auth.password_edit.setText("demo1234")
    with qtbot.waitSignal(dialog.saleCreated, timeout=15_000) as created:
        auth.authorize_button.click()
    sale_id = created.args[0]

    with db.unit_of_work() as uow:
        stored = uow.session.get(CreditSale, sale_id)
        owner_id = uow.session.scalars(select(User.id).where(User.username == "dono")).one()
        assert stored is not None
        assert stored.credit_override_by_id == owner_id
        assert stored.credit_override_reason == "Cliente antigo, paga em dia há 5 anos"
    assert len(_sales_of(db, customer_id)) == before + 1
    assert [j.kind for j in printed[0][0]] == ["carne", "disclosure"]


def test_day_of_month_places_the_first_due_a_month_ahead(
    qtbot: QtBot, cashier_ctx: AppContext, printed: list[tuple[list[PrintJob], str]]
) -> None:
    dialog = _open(qtbot, cashier_ctx, _customer(cashier_ctx.db, approved=True))
    _fill(qtbot, dialog, "300,00", "", 3, "0")
    assert dialog.table.item(0, 1).text() == "23/12/2026"
    with qtbot.waitSignal(dialog.previewUpdated, timeout=5_000):
        dialog.by_day.setChecked(True)
        dialog.day_of_month.setValue(10)
    assert not dialog.first_due.isEnabled()
    # 10/12 is only 17 days after the sale (23/11): the first installment goes to 10/01.
    assert [dialog.table.item(r, 1).text() for r in range(3)] == [
        "10/01/2027",
        "10/02/2027",
        "10/03/2027",
    ]
    assert dialog.summary.text() == "3 × R$ 100,00"
