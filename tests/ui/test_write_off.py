"""Baixa por perda: the owner writes off with a reason; a cashier needs the owner; suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models import Installment, InstallmentStatus
from services.db import Database
from tests.conftest import NOW
from tests.services.test_agreements import LATE_DUES, make_customer, make_sale
from tests.ui.conftest import DemoShop, operator_ctx
from ui.agreements.write_off import WriteOffDialog, WriteOffSuggestionsWidget
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext

pytestmark = pytest.mark.gui

D = Decimal


def customer_with(
    db: Database, name: str, dues: Sequence[date], amount: Decimal
) -> tuple[int, list[int]]:
    with db.unit_of_work(write=True) as uow:
        customer_id = make_customer(uow.session, name)
        ids = make_sale(uow.session, customer_id, dues, amount)
        uow.commit()
    return customer_id, ids


def statuses(db: Database, ids: Sequence[int]) -> list[tuple[InstallmentStatus, str | None]]:
    with db.unit_of_work() as uow:
        return [
            (row.status, row.write_off_reason)
            for row in uow.session.scalars(
                select(Installment).where(Installment.id.in_(ids)).order_by(Installment.id)
            )
        ]


def open_dialog(qtbot: QtBot, ctx: AppContext, customer_id: int) -> WriteOffDialog:
    dialog = WriteOffDialog(ctx, customer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    return dialog


def table(model: Any) -> list[list[str]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def shot(widget: QWidget, screenshot_dir: Path, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(screenshot_dir / f"write-off-{name}.png"))


def test_the_owner_writes_off_the_ticked_installments_with_the_reason(
    qtbot: QtBot, demo_shop: DemoShop, qtmodeltester: Any, screenshot_dir: Path
) -> None:
    db = demo_shop(customers=0, sales=0)
    customer_id, ids = customer_with(db, "Ana Paula", LATE_DUES, D("100.00"))
    dialog = open_dialog(qtbot, operator_ctx(db, "dono", NOW), customer_id)
    qtmodeltester.check(dialog.model)
    assert dialog.summary_label.text().startswith("Cliente: Ana Paula — 3 parcelas em aberto.")
    # 60, 50 and 40 days late: 2 % fee each, interest 1 % a month pro rata die.
    assert table(dialog.model) == [
        ["1/3", "Geladeira (venda nº 1)", "24/09/2026", "60 dias", "R$ 100,00", "R$ 104,00"],
        ["2/3", "Geladeira (venda nº 1)", "04/10/2026", "50 dias", "R$ 100,00", "R$ 103,67"],
        ["3/3", "Geladeira (venda nº 1)", "14/10/2026", "40 dias", "R$ 100,00", "R$ 103,33"],
    ]
    assert dialog.totals_label.text() == (
        "3 parcelas marcadas: principal em aberto R$ 300,00 · com multa e juros até hoje R$ 311,00"
    )
    dialog.model.set_checked(2, False)  # the newest stays in collection
    assert dialog.totals_label.text() == (
        "2 parcelas marcadas: principal em aberto R$ 200,00 · com multa e juros até hoje R$ 207,67"
    )
    dialog.confirm_button.click()  # no reason yet
    assert dialog.reason_error.text() == "Informe o motivo da baixa por perda."
    dialog.reason_edit.setPlainText("Mudou-se sem deixar endereço")
    shot(dialog, screenshot_dir, "dialog")
    with qtbot.waitSignal(dialog.writtenOff, timeout=10_000) as done:
        dialog.confirm_button.click()
    assert done.args == [customer_id]
    assert statuses(db, ids) == [
        (InstallmentStatus.WRITTEN_OFF, "Mudou-se sem deixar endereço"),
        (InstallmentStatus.WRITTEN_OFF, "Mudou-se sem deixar endereço"),
        (InstallmentStatus.OPEN, None),
    ]


def test_a_cashier_cannot_write_off_without_the_owners_password(
    qtbot: QtBot, demo_shop: DemoShop
) -> None:
    db = demo_shop(customers=0, sales=0)
    customer_id, ids = customer_with(db, "Ana Paula", LATE_DUES, D("100.00"))
    dialog = open_dialog(qtbot, operator_ctx(db, "caixa", NOW), customer_id)
    dialog.reason_edit.setPlainText("Cliente faleceu")
    dialog.confirm_button.click()
    auth = dialog.auth_dialog
    assert isinstance(auth, OwnerAuthorizationDialog)
    auth.reject()
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden(), timeout=10_000)
    assert dialog.error_label.text() == "Baixa não feita: o dono não autorizou."
    assert statuses(db, ids) == [(InstallmentStatus.OPEN, None)] * 3

    dialog.confirm_button.click()
    auth = dialog.auth_dialog
    assert isinstance(auth, OwnerAuthorizationDialog)
    auth.username_edit.setText("dono")
    auth.password_edit.setText("demo1234")
    with qtbot.waitSignal(dialog.writtenOff, timeout=15_000):
        auth.authorize_button.click()
    assert statuses(db, ids) == [(InstallmentStatus.WRITTEN_OFF, "Cliente faleceu")] * 3


def test_the_suggestions_show_why_and_open_the_write_off(
    qtbot: QtBot, demo_shop: DemoShop, qtmodeltester: Any, screenshot_dir: Path
) -> None:
    db = demo_shop(customers=0, sales=0)
    old, _ = customer_with(db, "Alice Antiga", [date(2021, 11, 22)], D("900.00"))
    silent, silent_ids = customer_with(db, "Bruno Silencioso", [date(2026, 3, 10)], D("80.00"))
    customer_with(db, "Eva Recente", [date(2026, 3, 10)], D("900.00"))  # large and recent
    widget = WriteOffSuggestionsWidget(operator_ctx(db, "dono", NOW))
    qtbot.addWidget(widget)
    widget.resize(1100, 420)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading, timeout=10_000)
    qtmodeltester.check(widget.model)
    assert table(widget.model) == [
        [
            "Alice Antiga",
            "R$ 900,00",
            "22/11/2021",
            "nunca",
            "1827 dias",
            "Dívida vencida em 22/11/2021, há mais de 5 anos: prescrita "
            "(Código Civil art. 206 §5 I).",
        ],
        [
            "Bruno Silencioso",
            "R$ 80,00",
            "10/03/2026",
            "nunca",
            "258 dias",
            "Dívida de R$ 80,00, abaixo de R$ 100,00, e sem resposta há 258 dias.",
        ],
    ]
    assert widget.status_label.text() == "2 clientes sugeridos."
    shot(widget, screenshot_dir, "suggestions")

    widget.select_customer(old)
    with qtbot.waitSignal(widget.customerRequested) as opened:
        widget.open_button.click()
    assert opened.args == [old]

    widget.select_customer(silent)
    widget.write_off_button.click()
    dialog = widget.dialog
    assert isinstance(dialog, WriteOffDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.reason_edit.setPlainText("Dívida pequena, cliente não responde")
    with qtbot.waitSignal(widget.writtenOff, timeout=10_000):
        dialog.confirm_button.click()
    qtbot.waitUntil(lambda: not widget.loading and widget.model.rowCount() == 1, timeout=10_000)
    assert [row[0] for row in table(widget.model)] == ["Alice Antiga"]
    assert statuses(db, silent_ids) == [
        (InstallmentStatus.WRITTEN_OFF, "Dívida pequena, cliente não responde")
    ]
