"""The Acordos page: the debt as the counter charges it, the simulator, the owner, the print."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Agreement, Installment, InstallmentStatus, User
from services import agreements as ag
from services import settings as settings_service
from services.db import Database
from services.money import format_brl
from services.printing import PrintJob
from tests.ui.conftest import DemoShop, demo_operator, operator_ctx
from ui.agreements import page as page_module
from ui.agreements.page import AgreementsPage, AgreementSummaryDialog
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)
D = Decimal


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=15, sales=40, seed=7)


@pytest.fixture
def owner_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "dono", NOW)


@pytest.fixture
def cashier_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "caixa", NOW)


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[PrintJob], str]]:
    calls: list[tuple[list[PrintJob], str]] = []

    def fake_print(parent: Any, ctx: AppContext, jobs: list[PrintJob], title: str, fn: str) -> None:
        calls.append((list(jobs), title))

    monkeypatch.setattr(page_module, "print_documents", fake_print)
    return calls


def _late_customer(db: Database) -> tuple[int, list[int], list[int]]:
    """The demo customer with the most overdue installments: (id, overdue ids, upcoming ids)."""
    with db.unit_of_work() as uow:
        customer_id = uow.session.execute(
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.due_date < TODAY)
            .group_by(Installment.customer_id)
            .order_by(func.count().desc(), Installment.customer_id)
            .limit(1)
        ).scalar_one()
        rows = uow.session.execute(
            select(Installment.id, Installment.due_date)
            .where(
                Installment.customer_id == customer_id,
                Installment.status == InstallmentStatus.OPEN,
            )
            .order_by(Installment.due_date, Installment.id)
        ).all()
    overdue = [i for i, due in rows if due < TODAY]
    upcoming = [i for i, due in rows if due >= TODAY]
    return customer_id, overdue, upcoming


def _debt(db: Database, customer_id: int, ids: list[int], on: date = TODAY) -> ag.Debt:
    with db.unit_of_work() as uow:
        return ag.debt_for(uow.session, customer_id, ids, on=on)


def _simulate(db: Database, debt: ag.Debt, terms: ag.AgreementTerms) -> ag.AgreementPlan:
    with db.unit_of_work() as uow:
        shop = settings_service.load(uow.session)
    return ag.simulate(debt, terms, shop.agreements, collection_policy=shop.policy)


def _open(qtbot: QtBot, ctx: AppContext, customer_id: int) -> AgreementsPage:
    page = AgreementsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    with qtbot.waitSignal(page.debtUpdated, timeout=10_000):
        page.open_customer(customer_id)
    return page


def _grab(qtbot: QtBot, widget: Any, path: Path) -> None:
    qtbot.wait(50)  # let the layout settle after the last update
    assert widget.grab().save(str(path))


def _statuses(db: Database, ids: list[int]) -> dict[int, tuple[InstallmentStatus, int | None]]:
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Installment.id, Installment.status, Installment.renegotiated_into_id).where(
                Installment.id.in_(ids)
            )
        ).all()
    return {i: (status, into) for i, status, into in rows}


def _user_id(db: Database, username: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalars(select(User.id).where(User.username == username)).one()


def test_a_late_customer_shows_the_debt_of_the_ticked_installments(
    qtbot: QtBot, owner_ctx: AppContext, qtmodeltester: Any, screenshot_dir: Path
) -> None:
    db = owner_ctx.db
    customer_id, overdue, upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)

    # Overdue ticked, upcoming not; every open installment listed with its own amounts.
    assert page.debt_model.checked_ids() == overdue
    assert page.debt_model.rowCount() == len(overdue) + len(upcoming)
    expected = _debt(db, customer_id, overdue)
    assert page.debt == expected
    every = _debt(db, customer_id, overdue + upcoming)
    assert page.debt_model.lines() == list(every.lines)
    row = page.debt_model.index(0, 7)
    assert row.data() == format_brl(every.lines[0].total)
    assert format_brl(expected.total) in page.debt_totals.text()
    assert page.simulator.debt_total.text() == format_brl(expected.total)
    qtmodeltester.check(page.debt_model)
    qtmodeltester.check(page.simulator.schedule_model)
    qtmodeltester.check(page.results_model)
    _grab(qtbot, page, screenshot_dir / "agreements_page_debt.png")

    # Ticking an upcoming installment recomputes the debt in the background.
    if upcoming:
        with qtbot.waitSignal(page.debtUpdated, timeout=10_000):
            page.debt_model.set_checked(upcoming[0], True)
        assert page.debt == _debt(db, customer_id, [*overdue, upcoming[0]])

    # So does another date: the charges run on to it, the ticks stay.
    later = TODAY + timedelta(days=10)
    ticked = page.debt_model.checked_ids()
    with qtbot.waitSignal(page.debtUpdated, timeout=10_000):
        page.on_edit.setDate(QDate(later.year, later.month, later.day))
    assert page.debt == _debt(db, customer_id, ticked, later)
    assert page.debt is not None and page.debt.total > expected.total


def test_search_opens_the_customer(qtbot: QtBot, owner_ctx: AppContext) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    with db.unit_of_work() as uow:
        from models import Customer

        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        name = customer.name
    page = AgreementsPage(owner_ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.searchFinished, timeout=10_000):
        page.search_field.setText(name)
    row = page.results_model.row_of_id(customer_id)
    assert row is not None
    with qtbot.waitSignal(page.debtUpdated, timeout=10_000):
        page.results_view.activated.emit(page.results_model.index(row, 0))
    assert page.customer_id == customer_id
    assert page.debt_model.checked_ids() == overdue


def test_the_plan_shown_is_simulate_of_the_terms(
    qtbot: QtBot, owner_ctx: AppContext, qtmodeltester: Any, screenshot_dir: Path
) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    sim = page.simulator
    with qtbot.waitSignal(sim.planUpdated, timeout=5_000):
        sim.count.setValue(4)
        sim.charges_discount.unit.setCurrentText("%")
        sim.charges_discount.edit.setText("50")
        sim.rate.setText("1,5")
        sim.down.setText("20,00")
    qtbot.waitUntil(lambda: sim.plan is not None and sim.plan.count == 4, timeout=5_000)

    debt = _debt(db, customer_id, overdue)
    terms = ag.AgreementTerms(
        count=4,
        down_payment=D("20.00"),
        monthly_rate=D("1.5"),
        charges_discount_pct=D("50"),
        first_due=date(2026, 12, 23),
    )
    assert sim.terms() == terms
    plan = _simulate(db, debt, terms)
    assert sim.plan == plan
    assert sim.schedule_model.rows() == list(plan.schedule)
    assert sim.total.text() == format_brl(plan.total)
    assert sim.to_pay.text() == format_brl(plan.schedule_total)
    assert sim.discount.text() == f"− {format_brl(plan.discount)}"
    assert sim.schedule_model.index(0, 0).data() == "1/5 entrada"
    assert sim.schedule_model.index(0, 2).data() == "R$ 20,00"
    qtmodeltester.check(sim.schedule_model)
    _grab(qtbot, page, screenshot_dir / "agreements_page_plan.png")

    # An impossible term is said under its field; what was typed stays.
    with qtbot.waitSignal(sim.planUpdated, timeout=5_000):
        sim.down.setText(format_brl(plan.total * 2).replace("R$ ", ""))
    assert sim.plan is None
    assert "entrada" in sim.errors.messages()["down_payment"].lower()
    assert sim.rate.text() == "1,5"
    _grab(qtbot, page, screenshot_dir / "agreements_page_error.png")


def test_an_offer_fills_the_terms(qtbot: QtBot, owner_ctx: AppContext) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    sim = page.simulator
    debt = _debt(db, customer_id, overdue)
    with db.unit_of_work() as uow:
        shop = settings_service.load(uow.session)
    offers = ag.options(
        debt, shop.agreements, collection_policy=shop.policy, first_due=date(2026, 12, 23)
    )
    assert [o.label for o in sim.offers] == [o.label for o in offers]
    assert len(sim.option_buttons) == len(offers) >= 2
    assert sim.option_buttons[0].text().startswith("À vista, hoje")

    with qtbot.waitSignal(sim.planUpdated, timeout=5_000):
        sim.option_buttons[1].click()
    assert sim.count.value() == offers[1].plan.count
    assert sim.terms() == offers[1].plan.terms
    assert sim.plan == offers[1].plan

    with qtbot.waitSignal(sim.planUpdated, timeout=5_000):
        sim.option_buttons[0].click()
    assert sim.count.value() == 0
    assert sim.terms() == offers[0].plan.terms
    assert sim.plan == offers[0].plan
    if offers[0].plan.charges_discount:
        assert sim.charges_discount.is_percent
        assert sim.charges_discount.edit.text() == "100,00"


def test_a_cashier_over_the_limits_needs_the_owner_then_it_is_signed_and_printed(
    qtbot: QtBot,
    cashier_ctx: AppContext,
    printed: list[tuple[list[PrintJob], str]],
    screenshot_dir: Path,
) -> None:
    db = cashier_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, cashier_ctx, customer_id)
    sim = page.simulator
    with qtbot.waitSignal(sim.planUpdated, timeout=5_000):
        sim.count.setValue(3)
        sim.principal_discount.unit.setCurrentText("%")
        sim.principal_discount.edit.setText("15")
    qtbot.waitUntil(lambda: sim.plan is not None and sim.plan.count == 3, timeout=5_000)
    plan = sim.plan
    assert plan is not None and plan.violations
    assert sim.violations.isVisible()
    assert sim.violations.text().startswith("Acima do limite: precisa da senha do dono.")
    assert "15,00 %" in sim.violations.text()
    _grab(qtbot, page, screenshot_dir / "agreements_page_violation.png")

    page.confirm_button.click()
    summary = page.findChild(AgreementSummaryDialog)
    assert summary is not None
    qtbot.waitUntil(summary.isVisible)
    _grab(qtbot, summary, screenshot_dir / "agreements_summary.png")
    summary.confirm_button.click()
    qtbot.waitUntil(lambda: page.findChild(OwnerAuthorizationDialog) is not None, timeout=5_000)
    auth = page.findChild(OwnerAuthorizationDialog)
    assert auth is not None and auth.objectName() == "ownerAuthDialog"
    assert "Acima dos limites" in auth.reason_label.text()
    qtbot.waitUntil(auth.isVisible)
    auth.username_edit.setText("dono")
    auth.password_edit.setText("demo1234")
    with qtbot.waitSignal(page.agreementConfirmed, timeout=15_000) as signed:
        auth.authorize_button.click()
    agreement_id = signed.args[0]

    with db.unit_of_work() as uow:
        agreement = uow.session.get(Agreement, agreement_id)
        assert agreement is not None
        assert agreement.customer_id == customer_id
        assert agreement.total == plan.total
        assert agreement.discount == plan.discount
        assert agreement.installment_count == 3
        assert agreement.authorized_by_id == _user_id(db, "dono")
        assert agreement.operator_id == _user_id(db, "caixa")
        new = uow.session.scalars(
            select(Installment.amount).where(Installment.agreement_id == agreement_id)
        ).all()
    assert sum(new, D("0.00")) == plan.schedule_total
    assert _statuses(db, overdue) == {
        i: (InstallmentStatus.RENEGOTIATED, agreement_id) for i in overdue
    }
    assert [[(j.kind, j.record_id) for j in jobs] for jobs, _title in printed] == [
        [("agreement", agreement_id), ("agreement_carne", agreement_id)]
    ]
    # The page reads the customer again: the old installments are gone, the new ones listed.
    qtbot.waitUntil(
        lambda: not set(overdue) & {ln.installment_id for ln in page.debt_model.lines()},
        timeout=10_000,
    )
    assert page.done.isVisible() and f"Acordo nº {agreement_id}" in page.done.text()


def test_a_cashier_whom_the_owner_refuses_signs_nothing(
    qtbot: QtBot, cashier_ctx: AppContext, printed: list[tuple[list[PrintJob], str]]
) -> None:
    db = cashier_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, cashier_ctx, customer_id)
    page.notes.setText("Cliente desempregado, voltou a trabalhar")
    page.confirm_button.click()
    summary = page.findChild(AgreementSummaryDialog)
    assert summary is not None
    summary.confirm_button.click()
    qtbot.waitUntil(lambda: page.findChild(OwnerAuthorizationDialog) is not None, timeout=5_000)
    auth = page.findChild(OwnerAuthorizationDialog)
    assert auth is not None
    with qtbot.waitSignal(page.agreementFailed, timeout=5_000):
        auth.reject()
    assert page.general.text() == "Acordo não fechado: o dono não autorizou."
    assert page.notes.text() == "Cliente desempregado, voltou a trabalhar"
    assert {s for s, _ in _statuses(db, overdue).values()} == {InstallmentStatus.OPEN}
    assert printed == []


def test_the_owner_signs_with_their_own_login(
    qtbot: QtBot, owner_ctx: AppContext, printed: list[tuple[list[PrintJob], str]]
) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    page.notes.setText("Paga no dia 10")
    page.confirm_button.click()
    summary = page.findChild(AgreementSummaryDialog)
    assert summary is not None
    with qtbot.waitSignal(page.agreementConfirmed, timeout=15_000) as signed:
        summary.confirm_button.click()
    assert page.findChild(OwnerAuthorizationDialog) is None
    agreement_id = signed.args[0]
    with db.unit_of_work() as uow:
        agreement = uow.session.get(Agreement, agreement_id)
        assert agreement is not None
        assert agreement.installment_count == 0  # à vista, the terms as the page opened
        assert agreement.authorized_by_id == owner_ctx.operator.id
        assert agreement.notes == "Paga no dia 10"
    assert {s for s, _ in _statuses(db, overdue).values()} == {InstallmentStatus.RENEGOTIATED}
    assert [j.kind for j in printed[0][0]] == ["agreement", "agreement_carne"]


def test_installments_changed_elsewhere_reload_and_say_so(
    qtbot: QtBot, owner_ctx: AppContext, printed: list[tuple[list[PrintJob], str]]
) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    plan = page.simulator.plan
    assert plan is not None
    # Another counter signs an agreement over the first installment meanwhile.
    first = _debt(db, customer_id, overdue[:1])
    other = _simulate(db, first, ag.AgreementTerms())
    with db.unit_of_work(write=True) as uow:
        ag.confirm_agreement(
            uow,
            other,
            customer_id=customer_id,
            installment_ids=overdue[:1],
            expected_versions=first.versions,
            operator=demo_operator(db, "dono"),
            owner=None,
            now=NOW,
        )

    page.confirm_button.click()
    summary = page.findChild(AgreementSummaryDialog)
    assert summary is not None
    with qtbot.waitSignal(page.agreementFailed, timeout=15_000):
        summary.confirm_button.click()
    assert "outro caixa" in page.general.text()
    qtbot.waitUntil(
        lambda: overdue[0] not in {ln.installment_id for ln in page.debt_model.lines()},
        timeout=10_000,
    )
    assert page.debt_model.checked_ids() == overdue[1:]
    assert printed == []


def test_only_a_debt_updated_to_today_is_signed(qtbot: QtBot, owner_ctx: AppContext) -> None:
    db = owner_ctx.db
    customer_id, _overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    later = TODAY + timedelta(days=5)
    with qtbot.waitSignal(page.debtUpdated, timeout=10_000):
        page.on_edit.setDate(QDate(later.year, later.month, later.day))
    with qtbot.waitSignal(page.agreementFailed, timeout=5_000):
        page.confirm_button.click()
    assert "volte a data para hoje (23/11/2026)" in page.general.text()
    assert page.findChild(AgreementSummaryDialog) is None


def test_nothing_ticked_means_no_plan(qtbot: QtBot, owner_ctx: AppContext) -> None:
    db = owner_ctx.db
    customer_id, overdue, _upcoming = _late_customer(db)
    page = _open(qtbot, owner_ctx, customer_id)
    for inst_id in overdue:
        page.debt_model.set_checked(inst_id, False)
    qtbot.waitUntil(lambda: page.debt is None and not page._debt_timer.isActive(), timeout=10_000)
    qtbot.waitUntil(lambda: page.loaded is not None and page.loaded.debt is None, timeout=10_000)
    assert page.simulator.plan is None
    assert page.debt_totals.text() == "Nenhuma parcela marcada."
    with qtbot.waitSignal(page.agreementFailed, timeout=5_000):
        page.confirm_button.click()
    assert page.general.text() == "Marque ao menos uma parcela para o acordo."
    assert page.debt_model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked
    )
