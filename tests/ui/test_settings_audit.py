"""Configurações → Auditoria: the owner reads the trail by day and customer and checks its chain."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from models import Customer
from services import audit
from services.db import Database
from services.users import Operator
from tests.conftest import NOW
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.settings import SettingsPage
from ui.settings.audit import CASHIER_NOTE, AuditSection

pytestmark = pytest.mark.gui


def _customer(db: Database, name: str, cpf: str) -> int:
    with db.unit_of_work(write=True) as uow:
        row = Customer(name=name, name_search=name.lower(), cpf=cpf, created_at=NOW)
        uow.session.add(row)
        uow.session.flush()
        customer_id = row.id
        uow.commit()
    return customer_id


def _trail(db: Database, owner: Operator, cashier: Operator) -> tuple[int, int]:
    ana = _customer(db, "Ana Souza", "52998224725")
    bia = _customer(db, "Bia Lima", "11144477735")
    yesterday = NOW - timedelta(days=1)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        audit.record(
            s,
            at=yesterday,
            user_id=cashier.id,
            action="payment.receive",
            entity="payment",
            entity_id=1,
            customer_id=ana,
            after={"amount": "80.00"},
        )
        audit.record(
            s,
            at=NOW - timedelta(hours=2),
            user_id=cashier.id,
            action="payment.receive",
            entity="payment",
            entity_id=2,
            customer_id=bia,
            after={"amount": "45.90"},
        )
        audit.record(
            s,
            at=NOW - timedelta(hours=1),
            user_id=cashier.id,
            authorized_by_id=owner.id,
            action="payment.reverse",
            entity="payment",
            entity_id=2,
            customer_id=bia,
        )
        audit.record(
            s,
            at=NOW,
            user_id=owner.id,
            action="customer.update",
            entity="customer",
            entity_id=ana,
            customer_id=ana,
            before={"credit_limit": "300.00"},
            after={"credit_limit": "450.00"},
        )
        uow.commit()
    return ana, bia


def _open(qtbot: QtBot, ctx: AppContext) -> AuditSection:
    section = AuditSection(ctx)
    qtbot.addWidget(section)
    section.resize(1000, 520)
    section.show()
    qtbot.waitUntil(lambda: section.loaded, timeout=10_000)
    return section


def _shown(section: AuditSection) -> list[list[str]]:
    model = section.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _reloaded(qtbot: QtBot, section: AuditSection, change: Any) -> None:
    change()
    qtbot.waitUntil(lambda: section.loaded, timeout=10_000)


def _verified(qtbot: QtBot, section: AuditSection) -> str:
    qtbot.mouseClick(section.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.verifying, timeout=10_000)
    return section.status_label.text()


def test_the_owner_reads_the_day_a_customer_and_checks_the_chain(
    qtbot: QtBot,
    db: Database,
    ctx: AppContext,
    owner: Operator,
    cashier: Operator,
    qtmodeltester: Any,
    screenshot_dir: Path,
) -> None:
    ana, bia = _trail(db, owner, cashier)
    section = _open(qtbot, ctx)
    qtmodeltester.check(section.model)
    assert section.day_edit.date() == QDate(2026, 11, 23)
    # setup_shop and create_user leave their own entries for the day too (no customer)
    assert [row for row in _shown(section) if row[5]] == [
        [
            "23/11/2026 10:30",
            "Dona da Loja",
            "",
            "Cadastro alterado: limite de crédito (R$ 300,00 → R$ 450,00).",
            "Cliente nº " + str(ana),
            "Ana Souza",
        ],
        [
            "23/11/2026 09:30",
            "Caixa Um",
            "Dona da Loja",
            "Pagamento estornado (Pagamento nº 2).",
            "Pagamento nº 2",
            "Bia Lima",
        ],
        [
            "23/11/2026 08:30",
            "Caixa Um",
            "",
            "Pagamento recebido (Pagamento nº 2).",
            "Pagamento nº 2",
            "Bia Lima",
        ],
    ]
    assert all(row[0].startswith("23/11/2026") for row in _shown(section))

    combo = section.customer_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Todos os clientes",
        f"Ana Souza (nº {ana})",
        f"Bia Lima (nº {bia})",
    ]
    _reloaded(qtbot, section, lambda: combo.setCurrentIndex(combo.findData(ana)))
    assert [row[3] for row in _shown(section)] == [
        "Cadastro alterado: limite de crédito (R$ 300,00 → R$ 450,00)."
    ]
    _reloaded(qtbot, section, lambda: section.day_check.setChecked(False))
    assert not section.day_edit.isEnabled()
    assert [(row[0], row[3]) for row in _shown(section)] == [
        ("23/11/2026 10:30", "Cadastro alterado: limite de crédito (R$ 300,00 → R$ 450,00)."),
        ("22/11/2026 10:30", "Pagamento recebido (Pagamento nº 1)."),
    ]
    assert section.count_label.text() == "2 registros."
    qtmodeltester.check(section.model)

    with db.unit_of_work() as uow:
        total = audit.verify(uow.session).checked
    assert _verified(qtbot, section) == f"Trilha de auditoria íntegra: {total} registros."
    assert section.status_label.property("state") == "ok"

    _reloaded(qtbot, section, lambda: combo.setCurrentIndex(0))
    assert section.count_label.text() == f"{total} registros."
    assert section.grab().save(str(screenshot_dir / "settings_audit_owner.png"))

    with db.engine.begin() as conn:  # someone lowers Ana's payment of yesterday
        conn.execute(
            text(
                "UPDATE audit_events SET after = :after WHERE entity_id = 1 AND action = "
                "'payment.receive'"
            ),
            {"after": '{"amount": "8.00"}'},
        )
    with db.unit_of_work() as uow:
        broken = audit.verify(uow.session).first_broken_id
    message = _verified(qtbot, section)
    assert message.startswith(
        f"Trilha de auditoria violada no registro nº {broken} (22/11/2026 10:30) — "
        "Pagamento recebido (Pagamento nº 1)."
    )
    assert section.status_label.property("state") == "error"


def test_a_cashier_is_told_only_the_owner_sees_it(
    qtbot: QtBot, db: Database, cashier_ctx: AppContext, owner: Operator, cashier: Operator
) -> None:
    _trail(db, owner, cashier)
    page = SettingsPage(cashier_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.users.loaded, timeout=10_000)
    page.show_section("audit")
    assert page.stack.currentWidget() is page.audit
    assert page.list.currentItem().text() == "Auditoria"
    assert page.audit.cashier_note.isVisible()
    assert page.audit.cashier_note.text() == CASHIER_NOTE == "Somente o dono vê a auditoria."
    assert not page.audit.content.isVisible()
    assert page.audit.model.rowCount() == 0


def test_screenshot_of_the_demo_shop_trail(
    qtbot: QtBot, demo_shop: DemoShop, screenshot_dir: Path, qtmodeltester: Any
) -> None:
    db = demo_shop(customers=20, sales=50)
    page = SettingsPage(operator_ctx(db, "dono", NOW))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.audit.loaded, timeout=10_000)
    page.show_section("audit")
    section = page.audit
    if section.model.rowCount() < 5:  # a quiet day: the whole trail instead
        _reloaded(qtbot, section, lambda: section.day_check.setChecked(False))
    assert section.model.rowCount() > 0
    qtmodeltester.check(section.model)
    assert _verified(qtbot, section).startswith("Trilha de auditoria íntegra:")
    for _ in range(3):
        QApplication.processEvents()
    assert page.grab().save(str(screenshot_dir / "settings_audit.png"))
