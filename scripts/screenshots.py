#!/usr/bin/env python3
"""Regenerate the README's screenshots (docs/screenshots/) from a fresh demo shop, offscreen.

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from models import Installment, InstallmentStatus, User  # noqa: E402
from services import db as dbmod  # noqa: E402
from services import demo, users  # noqa: E402
from services.db import Database  # noqa: E402
from ui.app import make_application  # noqa: E402
from ui.context import AppContext  # noqa: E402

TODAY = date(2026, 11, 23)
OUT = ROOT / "docs" / "screenshots"


def settle(app: QApplication, seconds: float = 0.6) -> None:
    """Let background jobs finish and their results paint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def wait_until(app: QApplication, condition: Callable[[], bool], timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not get ready")
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="crediario-shots-"))
    database = Database.open(workdir / "demo.db")
    dbmod.upgrade(database)
    demo.create_demo_shop(database, today=TODAY)
    app = make_application()
    with database.unit_of_work() as uow:
        owner_id = uow.session.scalar(select(User.id).where(User.username == "dono"))
        assert owner_id is not None
        operator = users.operator_for(uow.session, owner_id)
        # A customer whose oldest open installment is 31–60 days late shows every column well.
        late_customer = uow.session.scalar(
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN)
            .where(Installment.due_date.between(date(2026, 10, 1), date(2026, 10, 20)))
            .order_by(Installment.customer_id)
            .limit(1)
        )

    from ui.main_window import MainWindow

    ctx = AppContext(
        db=database, operator=operator, clock=lambda: datetime(2026, 11, 23, 16, 0), demo=True
    )
    window = MainWindow(ctx)
    window.resize(1280, 860)
    window.show()
    settle(app)

    # Caixa: a scanned slip code opens its customer with that installment selected.
    with database.unit_of_work() as uow:
        slip_code = uow.session.scalar(
            select(Installment.slip_code)
            .where(Installment.customer_id == late_customer)
            .where(Installment.status == InstallmentStatus.OPEN)
            .order_by(Installment.due_date)
            .limit(1)
        )
    counter = window.counter_page
    counter.search_field.setText(slip_code or "")
    counter.search_field.returnPressed.emit()
    wait_until(app, lambda: counter.detail.detail is not None)
    settle(app, 1.0)
    window.grab().save(str(OUT / "caixa.png"))

    window.workspaces.setCurrentWidget(window.customers_page)
    page = window.customers_page
    settle(app)
    page.refresh(select_customer=late_customer)
    wait_until(app, lambda: page.selected_customer_id() == late_customer)
    settle(app, 1.0)
    window.grab().save(str(OUT / "clientes.png"))

    # Cobrança: the end-of-day review, then tomorrow's contacts with one selected.
    overdue = window.overdue_page
    loaded: list[int] = []
    overdue.rowsLoaded.connect(loaded.append)
    window.workspaces.setCurrentWidget(overdue)
    wait_until(app, lambda: bool(loaded), timeout=30)
    settle(app, 1.0)
    window.grab().save(str(OUT / "cobranca.png"))
    queue = window.contact_queue
    queued: list[int] = []
    queue.loaded.connect(queued.append)
    overdue.tabs.setCurrentWidget(queue)
    queue.refresh()
    wait_until(app, lambda: bool(queued), timeout=30)
    queue.select_row(1)
    settle(app, 1.0)
    window.grab().save(str(OUT / "contatos.png"))

    # Acordos: the simulator over the same late customer's debt.
    agreements = window.agreements
    window.workspaces.setCurrentWidget(agreements)
    debts: list[bool] = []
    agreements.page.debtUpdated.connect(lambda: debts.append(True))
    agreements.renegotiate(late_customer)
    wait_until(app, lambda: bool(debts), timeout=30)
    settle(app, 1.0)
    window.grab().save(str(OUT / "acordos.png"))

    window.workspaces.setCurrentWidget(window.settings_page)
    settle(app)
    window.settings_page.show_section("policy")
    settle(app)
    window.grab().save(str(OUT / "configuracoes.png"))
    window.close()
    database.dispose()
    print(f"screenshots saved to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
