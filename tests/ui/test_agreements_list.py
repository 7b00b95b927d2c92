"""Acordos feitos: the list with what each agreement recovered, the filter, reprints, review."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.enums import AgreementStatus
from services.printing import PrintJob
from tests.conftest import NOW
from tests.services.test_agreement_list import agreement_installments, pay_one, sign_agreement
from tests.ui.conftest import DemoShop, demo_operator
from ui.agreements import list as agreements_list
from ui.agreements.list import AgreementsListWidget
from ui.context import AppContext

pytestmark = pytest.mark.gui


class Clock:
    """A clock the test walks forward, day by day if it likes."""

    def __init__(self, now: datetime) -> None:
        self.at = now

    def __call__(self) -> datetime:
        return self.at


def open_list(qtbot: QtBot, ctx: AppContext) -> AgreementsListWidget:
    widget = AgreementsListWidget(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 520)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading, timeout=10_000)
    return widget


def table(widget: AgreementsListWidget) -> list[list[str]]:
    model = widget.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def wait_loaded(qtbot: QtBot, widget: AgreementsListWidget) -> None:
    qtbot.waitUntil(lambda: not widget.loading and not widget.reviewing, timeout=10_000)


def shot(widget: AgreementsListWidget, screenshot_dir: Path, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(screenshot_dir / f"agreements-list-{name}.png"))


def test_the_list_shows_the_agreed_recovered_and_open_amounts_and_reprints(
    qtbot: QtBot,
    demo_shop: DemoShop,
    qtmodeltester: Any,
    monkeypatch: pytest.MonkeyPatch,
    screenshot_dir: Path,
) -> None:
    db = demo_shop(customers=0, sales=0)
    owner, cashier = demo_operator(db, "dono"), demo_operator(db, "caixa")
    customer_id, agreement_id = sign_agreement(db, owner, "Ana Paula")
    first = agreement_installments(db, agreement_id)[0]
    pay_one(db, customer_id, first, date(2026, 12, 23), cashier)
    ctx = AppContext(db=db, operator=owner, clock=Clock(datetime(2026, 12, 23, 15)))

    widget = open_list(qtbot, ctx)
    assert table(widget) == [
        [
            str(agreement_id),
            "Ana Paula",
            "23/11/2026",
            "R$ 309,90",
            "R$ 77,47",
            "R$ 232,43",
            "1/4",
            "Ativo",
        ]
    ]
    assert widget.total_labels[AgreementStatus.ACTIVE].text() == (
        "Ativos: 1 acordo\nAcordado R$ 309,90 · recuperado R$ 77,47"
    )
    assert widget.total_labels[AgreementStatus.BROKEN].text() == (
        "Rompidos: 0 acordos\nAcordado R$ 0,00 · recuperado R$ 0,00"
    )
    qtmodeltester.check(widget.model)
    assert not widget.reprint_button.isEnabled()  # nothing chosen yet

    printed: list[tuple[list[PrintJob], str, str]] = []

    def capture(_parent: object, _ctx: object, jobs: list[PrintJob], title: str, name: str) -> None:
        printed.append((jobs, title, name))

    monkeypatch.setattr(agreements_list, "print_documents", capture)
    widget.select_agreement(agreement_id)
    widget.reprint_button.click()
    widget.carne_button.click()
    today = date(2026, 12, 23)
    assert [job for jobs, _, _ in printed for job in jobs] == [
        PrintJob("agreement", agreement_id, today),
        PrintJob("agreement_carne", agreement_id, today),
    ]
    assert printed[0][1:] == (
        f"Termo de acordo nº {agreement_id} – Ana Paula",
        f"acordo-{agreement_id}.pdf",
    )
    with qtbot.waitSignal(widget.customerRequested) as opened:
        widget.open_button.click()
    assert opened.args == [customer_id]
    shot(widget, screenshot_dir, "active")


def test_review_marks_fulfilled_and_broken_on_a_walked_clock_and_the_filter(
    qtbot: QtBot, demo_shop: DemoShop, screenshot_dir: Path
) -> None:
    db = demo_shop(customers=0, sales=0)
    owner, cashier = demo_operator(db, "dono"), demo_operator(db, "caixa")
    kept_customer, kept = sign_agreement(db, owner, "Bruno Cumpridor")
    broken_customer, broken = sign_agreement(db, owner, "Carla Rompeu")
    for inst in agreement_installments(db, kept):
        pay_one(db, kept_customer, inst, date(2026, 12, 23), cashier)
    pay_one(db, broken_customer, agreement_installments(db, broken)[0], date(2026, 12, 23), cashier)
    clock = Clock(NOW)
    ctx = AppContext(db=db, operator=owner, clock=clock)
    widget = open_list(qtbot, ctx)
    assert [row[-1] for row in table(widget)] == ["Ativo", "Ativo"]

    # Carla's second installment fell due on 23/01/2027: on the 30th day late nothing breaks…
    clock.at = datetime(2027, 2, 22, 9)
    widget.review_button.click()
    wait_loaded(qtbot, widget)
    assert widget.status_label.text() == "Revisão feita: 1 acordo cumprido."
    # …on the 31st it does, and the lost share of the discount comes back.
    clock.at = datetime(2027, 2, 23, 9)
    widget.review_button.click()
    wait_loaded(qtbot, widget)
    assert widget.status_label.text() == (
        "Revisão feita: 1 acordo rompido. Desconto perdido lançado como nova parcela: R$ 0,83."
    )
    assert {row[1]: row[-1] for row in table(widget)} == {
        "Bruno Cumpridor": "Cumprido em 23/12/2026",
        "Carla Rompeu": "Rompido em 23/02/2027",
    }
    assert widget.total_labels[AgreementStatus.FULFILLED].text() == (
        "Cumpridos: 1 acordo\nAcordado R$ 309,90 · recuperado R$ 309,90"
    )

    widget.set_status_filter(AgreementStatus.BROKEN)
    wait_loaded(qtbot, widget)
    assert table(widget) == [
        [
            str(broken),
            "Carla Rompeu",
            "23/11/2026",
            "R$ 309,90",
            "R$ 77,47",
            "R$ 233,26",
            "1/5",
            "Rompido em 23/02/2027",
        ]
    ]
    widget.select_agreement(broken)
    assert widget.carne_button.isEnabled()  # the rest goes back to collection
    widget.set_status_filter(AgreementStatus.FULFILLED)
    wait_loaded(qtbot, widget)
    assert [row[1] for row in table(widget)] == ["Bruno Cumpridor"]
    widget.select_agreement(kept)
    assert widget.reprint_button.isEnabled() and not widget.carne_button.isEnabled()
    widget.set_status_filter(None)
    wait_loaded(qtbot, widget)
    shot(widget, screenshot_dir, "reviewed")
