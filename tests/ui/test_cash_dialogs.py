"""Abrir e fechar caixa: the dialogs over a real database, as the cashier uses them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from models import CashSession, Installment, Role
from models.enums import InstallmentStatus, PaymentMethod
from services import cash, users
from services.db import Database
from services.money import format_brl
from services.payments import receive_payment
from services.printing import PrintJob
from services.users import Operator
from tests.ui.conftest import DemoShop, demo_operator
from ui.context import AppContext
from ui.counter import cash as cash_ui
from ui.counter.cash import (
    CashSummaryModel,
    CloseCashDialog,
    OpenCashDialog,
    difference_text,
    summary_text,
)

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)
OPEN_AT = datetime(2026, 11, 23, 8, 0)
CLOSE_AT = datetime(2026, 11, 23, 18, 0)
TERMINAL = "Caixa 1"
D = Decimal


def _brl(value: Decimal) -> str:
    return format_brl(value).replace("\u00a0", " ")


def _ctx(db: Database, operator: Operator) -> AppContext:
    return AppContext(db=db, operator=operator, clock=lambda: CLOSE_AT)


@pytest.fixture
def empty_shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=0, sales=0)


@pytest.fixture
def busy_shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=5, sales=10)


@pytest.fixture(autouse=True)
def printed(monkeypatch: pytest.MonkeyPatch) -> list[PrintJob]:
    """The closing reports the dialog asks to preview (rendering has tests of its own)."""
    jobs: list[PrintJob] = []

    def capture(parent: Any, ctx: Any, new: list[PrintJob], title: str, filename: str) -> None:
        assert title == "Fechamento de caixa" and filename.endswith(".pdf")
        jobs.extend(new)

    monkeypatch.setattr(cash_ui, "print_documents", capture)
    return jobs


def _open_installments(db: Database) -> list[tuple[int, int]]:
    """(customer, installment) pairs still open, oldest due first."""
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Installment.customer_id, Installment.id)
            .where(Installment.status == InstallmentStatus.OPEN)
            .order_by(Installment.due_date, Installment.id)
        ).all()
    return [(c, i) for c, i in rows]


def _open_session(db: Database, operator: Operator, opening_float: Decimal) -> int:
    with db.unit_of_work(write=True) as uow:
        session_id = cash.open_session(
            uow.session,
            operator=operator,
            terminal=TERMINAL,
            opening_float=opening_float,
            now=OPEN_AT,
        )
        uow.commit()
    return session_id


def _receive(
    db: Database,
    operator: Operator,
    session_id: int,
    customer_id: int,
    installment_id: int,
    method: PaymentMethod,
    tendered: Decimal | None = None,
) -> Decimal:
    with db.unit_of_work(write=True) as uow:
        result = receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[installment_id],
            amount=None,
            method=method,
            operator=operator,
            now=datetime(2026, 11, 23, 11, 0),
            tendered=tendered,
            cash_session_id=session_id,
        )
    return result.amount


def _typed(value: Decimal) -> str:
    """The amount as a cashier types it: 1.234,56."""
    return format_brl(value).removeprefix("R$").strip()


def _error_text(dialog: OpenCashDialog | CloseCashDialog) -> str:
    return dialog.general.text() if dialog.general.isVisible() else ""


# --- opening -------------------------------------------------------------------------------------


def test_open_cash_stores_the_float_and_refuses_a_second_open_inline(
    qtbot, empty_shop: Database, screenshot_dir: Path
) -> None:
    cashier = demo_operator(empty_shop, "caixa")
    ctx = _ctx(empty_shop, cashier)
    dialog = OpenCashDialog(ctx, terminal=TERMINAL)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.float_edit.objectName() == "floatEdit"
    dialog.float_edit.setText("150,00")
    dialog.grab().save(str(screenshot_dir / "cash-open.png"))
    button = dialog.findChild(QPushButton, "openCashButton")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        button.click()
    assert dialog.cash_session_id is not None
    with empty_shop.unit_of_work() as uow:
        assert cash.current_session(uow.session, cashier.id, TERMINAL) == dialog.cash_session_id
        summary = cash.session_summary(uow.session, dialog.cash_session_id)
    assert summary.opening_float == D("150.00")
    assert summary.expected_cash == D("150.00")
    assert summary.opened_at == CLOSE_AT

    again = OpenCashDialog(ctx, terminal=TERMINAL)
    qtbot.addWidget(again)
    again.show()
    again.float_edit.setText("20")
    again.findChild(QPushButton, "openCashButton").click()
    qtbot.waitUntil(lambda: "Já existe um caixa aberto" in _error_text(again), timeout=5000)
    assert again.isVisible() and again.result() == 0
    assert again.cash_session_id is None
    assert again.findChild(QPushButton, "openCashButton").isEnabled()
    again.grab().save(str(screenshot_dir / "cash-open-refused.png"))


def test_open_cash_marks_an_unreadable_float_under_the_field(
    qtbot, empty_shop: Database, screenshot_dir: Path
) -> None:
    ctx = _ctx(empty_shop, demo_operator(empty_shop, "caixa"))
    dialog = OpenCashDialog(ctx, terminal=TERMINAL)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.float_edit.setText("12,345")
    dialog.findChild(QPushButton, "openCashButton").click()
    messages = dialog.errors.messages()
    assert "duas casas" in messages["opening_float"]
    assert dialog.isVisible()
    dialog.grab().save(str(screenshot_dir / "cash-open-error.png"))
    with empty_shop.unit_of_work() as uow:
        assert cash.current_session(uow.session, ctx.operator.id, TERMINAL) is None


# --- closing -------------------------------------------------------------------------------------


def test_close_cash_shows_expected_cash_and_live_difference_then_stores_the_count(
    qtbot, busy_shop: Database, screenshot_dir: Path, printed: list[PrintJob]
) -> None:
    cashier = demo_operator(busy_shop, "caixa")
    session_id = _open_session(busy_shop, cashier, D("100.00"))
    (c1, i1), (c2, i2), *_ = _open_installments(busy_shop)
    cash_amount = _receive(busy_shop, cashier, session_id, c1, i1, PaymentMethod.CASH, D("500"))
    pix_amount = _receive(busy_shop, cashier, session_id, c2, i2, PaymentMethod.PIX)
    expected = D("100.00") + cash_amount

    dialog = CloseCashDialog(_ctx(busy_shop, cashier), session_id)
    qtbot.addWidget(dialog)
    dialog.resize(dialog.sizeHint())
    dialog.show()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=5000)
    assert dialog.objectName() == "closeCashDialog"
    assert dialog.findChild(QLabel, "expectedCashLabel").text() == _brl(expected)
    assert dialog.findChild(QLabel, "changeGivenLabel").text() == _brl(D("500") - cash_amount)
    table = dialog.model
    labels = [table.index(r, 0).data() for r in range(table.rowCount())]
    assert labels == ["Dinheiro", "Pix", "Débito", "Crédito", "Outro", "Total"]
    assert table.index(0, 1).data() == _brl(cash_amount)
    assert table.index(1, 3).data() == _brl(pix_amount)
    assert table.index(5, 3).data() == _brl(cash_amount + pix_amount)

    difference = dialog.findChild(QLabel, "differenceLabel")
    dialog.counted_edit.setText(_typed(expected - D("10")))
    assert difference.text() == "Falta de R$ 10,00"
    assert difference.property("state") == "short"
    dialog.counted_edit.setText(_typed(expected))
    assert difference.text() == "Confere"
    counted = expected + D("2.50")
    dialog.counted_edit.setText(_typed(counted))
    assert difference.text() == "Sobra de R$ 2,50"
    dialog.notes_edit.setText("moeda achada no chão")

    dialog.findChild(QPushButton, "copySummaryButton").click()
    copied = QGuiApplication.clipboard().text()
    assert f"Dinheiro esperado na gaveta: {_brl(expected)}" in copied
    assert "Diferença: Sobra de R$ 2,50" in copied
    assert "moeda achada no chão" in copied
    dialog.grab().save(str(screenshot_dir / "cash-close.png"))

    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.findChild(QPushButton, "closeCashButton").click()
    assert dialog.summary is not None and dialog.summary.is_closed
    assert dialog.summary.counted_cash == counted
    assert dialog.summary.difference == D("2.50")
    # The closing is printed at once, for the cashier and the checker to sign.
    assert printed == [PrintJob("cash_closing", session_id, TODAY, receipt_size="roll")]
    with busy_shop.unit_of_work() as uow:
        stored = cash.session_summary(uow.session, session_id)
        assert cash.current_session(uow.session, cashier.id, TERMINAL) is None
    assert stored.closed_at == CLOSE_AT
    assert stored.counted_cash == counted
    assert stored.expected_cash == expected
    assert stored.notes == "moeda achada no chão"


def test_close_cash_refuses_an_empty_count_and_shows_a_closed_session_read_only(
    qtbot, empty_shop: Database, screenshot_dir: Path, printed: list[PrintJob]
) -> None:
    cashier = demo_operator(empty_shop, "caixa")
    session_id = _open_session(empty_shop, cashier, D("50.00"))
    ctx = _ctx(empty_shop, cashier)
    dialog = CloseCashDialog(ctx, session_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=5000)
    assert dialog.findChild(QLabel, "differenceLabel").text() == "Digite o valor contado."
    dialog.findChild(QPushButton, "closeCashButton").click()
    assert dialog.errors.messages()["counted_cash"] == "Informe um valor."
    dialog.counted_edit.setText("50")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.findChild(QPushButton, "closeCashButton").click()

    reopened = CloseCashDialog(ctx, session_id)
    qtbot.addWidget(reopened)
    reopened.show()
    qtbot.waitUntil(lambda: reopened.summary is not None, timeout=5000)
    assert reopened.findChild(QPushButton, "closeCashButton").isHidden()
    assert reopened.heading.text() == "Caixa fechado"
    assert reopened.findChild(QPushButton, "cancelButton").text() == "Fechar"
    assert reopened.counted_edit.text() == "50,00"
    assert reopened.findChild(QLabel, "differenceLabel").text() == "Confere"
    assert "Já fechado em 23/11/2026 às 18:00" in reopened.info_label.text()
    printed.clear()
    reprint = reopened.findChild(QPushButton, "printClosingButton")
    assert reprint.isEnabled() and "Ctrl+P" in reprint.text()
    reprint.click()
    assert printed == [PrintJob("cash_closing", session_id, TODAY, receipt_size="roll")]
    reopened.grab().save(str(screenshot_dir / "cash-close-closed.png"))


def test_close_cash_by_another_cashier_is_refused_inline(qtbot, empty_shop: Database) -> None:
    cashier = demo_operator(empty_shop, "caixa")
    session_id = _open_session(empty_shop, cashier, D("0"))
    with empty_shop.unit_of_work(write=True) as uow:
        other = users.create_user(
            uow.session,
            username="outro",
            full_name="Outro Caixa",
            role=Role.CASHIER,
            password="segredo99",
            now=OPEN_AT,
            created_by=demo_operator(empty_shop, "dono").id,
        )
        uow.commit()
        assert other.id
    dialog = CloseCashDialog(_ctx(empty_shop, demo_operator(empty_shop, "outro")), session_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=5000)
    dialog.counted_edit.setText("0")
    dialog.findChild(QPushButton, "closeCashButton").click()
    qtbot.waitUntil(lambda: "Só quem abriu o caixa" in _error_text(dialog), timeout=5000)
    assert dialog.isVisible()


def test_summary_model_and_texts(qtmodeltester, empty_shop: Database) -> None:
    cashier = demo_operator(empty_shop, "caixa")
    session_id = _open_session(empty_shop, cashier, D("80.00"))
    with empty_shop.unit_of_work() as uow:
        summary = cash.session_summary(uow.session, session_id)
    model = CashSummaryModel()
    qtmodeltester.check(model)
    model.set_summary(summary)
    qtmodeltester.check(model)
    assert difference_text(D("-0.01")) == "Falta de R$ 0,01"
    assert difference_text(D("0.00")) == "Confere"
    text = summary_text(summary, counted=D("75"))
    assert "Fundo de troco: R$ 80,00" in text
    assert "Diferença: Falta de R$ 5,00" in text


def test_enter_in_the_count_does_not_close_the_shift(qtbot, empty_shop: Database) -> None:
    from PySide6.QtCore import Qt

    cashier = demo_operator(empty_shop, "caixa")
    shift = _open_session(empty_shop, cashier, D("100"))
    dialog = CloseCashDialog(_ctx(empty_shop, cashier), shift)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.counted_edit.isEnabled())
    dialog.counted_edit.setText("100,00")
    qtbot.keyClick(dialog.counted_edit, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert dialog.isVisible()
    with empty_shop.unit_of_work() as uow:
        row = uow.session.get(CashSession, shift)
        assert row is not None and row.closed_at is None
