"""The main window assembles the workspaces and tells who is working where."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from services.db import Database
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_workspaces_and_status(qtbot: QtBot, ctx: AppContext, screenshot_dir: Path) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.objectName() == "mainWindow"
    tabs = window.findChild(QTabWidget, "workspaces")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Caixa",
        "Clientes",
        "Cobrança",
        "Acordos",
        "Configurações",
    ]
    assert tabs.widget(0).objectName() == "counterPage"
    assert tabs.widget(1).objectName() == "customersPage"
    assert tabs.widget(2).objectName() == "overduePage"
    assert tabs.widget(3).objectName() == "agreementsWorkspace"
    assert tabs.widget(4).objectName() == "settingsPage"
    qtbot.waitUntil(lambda: "Loja Teste Ltda" in window.windowTitle())
    user = window.findChild(QLabel, "statusUser")
    assert user is not None and user.text() == "Dona da Loja (Dono(a))"
    window.grab().save(str(screenshot_dir / "main-window.png"))


def test_demo_window_says_so(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.demo = True
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "(demonstração)" in window.windowTitle())
    texts = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert any("DEMONSTRAÇÃO" in t for t in texts)


def test_the_collection_workspace_opens_a_customer_at_the_counter(
    qtbot: QtBot, db: Database, demo_shop: DemoShop, screenshot_dir: Path
) -> None:
    from datetime import datetime

    demo_shop(customers=40, sales=90, seed=5)
    ctx = operator_ctx(db, "dono", datetime(2026, 11, 23, 18, 0))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.overdue_page
    with qtbot.waitSignal(page.rowsLoaded, timeout=20_000) as loaded:
        window.workspaces.setCurrentWidget(page)
    assert loaded.args[0] > 0
    tabs = page.findChild(QTabWidget, "overdueTabs")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Em atraso",
        "Contatos de amanhã",
        "Negativação",
    ]
    # Every late customer has a next step in words (or why there is none).
    model = page.table_model
    column = model.NEXT_STEP_COLUMN
    steps = [model.index(r, column).data() for r in range(model.rowCount())]
    assert steps and all(text and text != "—" for text in steps)
    qtbot.wait(100)
    window.grab().save(str(screenshot_dir / "cobranca-window.png"))

    first = page.shown_rows()[0]
    with qtbot.waitSignal(window.counter_page.detail.detailLoaded, timeout=10_000):
        page.customerRequested.emit(first.customer_id)
    assert window.workspaces.currentWidget() is window.counter_page
    assert window.counter_page.detail.customer_id == first.customer_id
    with qtbot.waitSignal(window.contact_queue.loaded, timeout=20_000):
        tabs.setCurrentIndex(1)
        window.workspaces.setCurrentWidget(page)
        window.contact_queue.refresh()
    tabs.setCurrentIndex(1)
    qtbot.wait(100)
    window.grab().save(str(screenshot_dir / "cobranca-contatos-window.png"))


def test_the_agreements_workspace_renegotiates_a_late_customer(
    qtbot: QtBot, db: Database, screenshot_dir: Path
) -> None:
    from datetime import date, datetime

    from sqlalchemy import select

    from models import Installment, InstallmentStatus
    from services import demo
    from tests.ui.conftest import operator_ctx

    demo.generate(db, customers=40, sales=90, today=date(2026, 11, 23), seed=5)
    ctx = operator_ctx(db, "dono", datetime(2026, 11, 23, 15, 0))
    with db.unit_of_work() as uow:
        late = uow.session.scalars(
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN)
            .where(Installment.due_date < date(2026, 11, 1))
            .order_by(Installment.customer_id)
        ).first()
    assert late is not None
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    workspace = window.agreements
    tabs = workspace.findChild(QTabWidget, "agreementsTabs")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Renegociar",
        "Acordos",
        "Baixa por perda",
    ]
    window.workspaces.setCurrentWidget(workspace)
    with qtbot.waitSignal(workspace.page.debtUpdated, timeout=20_000):
        workspace.renegotiate(late)
    qtbot.wait(200)
    window.grab().save(str(screenshot_dir / "acordos-window.png"))
