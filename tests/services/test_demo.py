"""The demo shop: deterministic, every band on ``today``, and every amount adding up."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, inspect, select
from sqlalchemy.exc import IntegrityError
from stdnum.br import cnpj as stdnum_cnpj
from stdnum.br import cpf as stdnum_cpf

from models import (
    Agreement,
    AuditEvent,
    CashSession,
    ContactAttempt,
    CreditSale,
    Customer,
    CustomerPhone,
    Installment,
    Payment,
    PaymentAllocation,
    PromiseToPay,
    Role,
    User,
)
from services import audit, demo, users, validation
from services import db as dbmod
from services import settings as settings_service
from services.bands import DEFAULT_BANDS, band_for, days_late
from services.db import Database, DatabaseError
from services.plans import add_months, cet_yearly, split_installments
from services.settings import ShopIdentity
from services.slips import slip_code_for
from services.text import normalize_name

TABLES: tuple[Any, ...] = (
    Customer,
    CustomerPhone,
    CreditSale,
    Agreement,
    Installment,
    CashSession,
    Payment,
    PaymentAllocation,
    ContactAttempt,
    PromiseToPay,
)
ALL_BANDS = {band.key for band in DEFAULT_BANDS}


def _table(entity: Any) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)
    return table


def _rows(db: Database, entity: Any) -> list[Any]:
    table = _table(entity)
    with db.unit_of_work() as uow:
        return list(uow.session.execute(select(table).order_by(table.c.id)))


def _digest(db: Database) -> str:
    sha = hashlib.sha256()
    for entity in TABLES:
        for row in _rows(db, entity):
            sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def _bands_of_open_installments(db: Database, today: date) -> set[str]:
    return {
        band_for(days_late(row.due_date, today)).key
        for row in _rows(db, Installment)
        if row.status == "open"
    }


@pytest.fixture
def demo_shop(db: Database, today: date) -> Iterator[demo.DemoSummary]:
    yield demo.create_demo_shop(db, today=today)


def test_demo_users_are_documented() -> None:
    assert [(u.username, u.password, u.role) for u in demo.DEMO_USERS] == [
        ("dono", "demo1234", Role.OWNER),
        ("caixa", "demo1234", Role.CASHIER),
    ]
    assert [u.role_label for u in demo.DEMO_USERS] == ["Dono(a)", "Caixa"]


def test_demo_shop_shows_every_band_and_every_story(
    db: Database, today: date, now: datetime, demo_shop: demo.DemoSummary
) -> None:
    assert _bands_of_open_installments(db, today) == ALL_BANDS
    assert (demo_shop.customers, demo_shop.sales) == (demo.DEMO_CUSTOMERS, demo.DEMO_SALES)
    with db.unit_of_work() as uow:
        s = uow.session
        counts = {e.__name__: s.scalar(select(func.count()).select_from(e)) for e in TABLES}
        status = dict(
            s.execute(select(Installment.status, func.count()).group_by(Installment.status)).all()
        )
        promises = {row[0] for row in s.execute(select(PromiseToPay.status).distinct()).all()}
        agreement_status = {row[0] for row in s.execute(select(Agreement.status).distinct())}
        partial = s.scalar(
            select(func.count())
            .select_from(Installment)
            .where(
                Installment.status == "open",
                Installment.principal_paid > 0,
                Installment.principal_paid < Installment.amount,
            )
        )
        late_paid = s.scalar(select(func.count()).select_from(Payment).where(Payment.fee > 0))
        reversals = s.scalar(
            select(func.count()).select_from(Payment).where(Payment.reverses_id.is_not(None))
        )
        methods = {row[0] for row in s.execute(select(Payment.method).distinct())}
        blocked = s.scalar(select(func.count()).select_from(Customer).where(Customer.blocked))
        reported = s.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.bureau_reported_on.is_not(None))
        )
        operator = users.authenticate(s, "caixa", "demo1234", now)
    assert counts["Customer"] == demo_shop.customers
    assert counts["CreditSale"] == demo_shop.sales
    assert counts["Installment"] == demo_shop.installments
    assert counts["Payment"] == demo_shop.payments
    assert counts["Agreement"] == demo_shop.agreements >= 3
    assert counts["PaymentAllocation"] == demo_shop.allocations
    assert counts["ContactAttempt"] == demo_shop.contact_attempts > 0
    assert counts["PromiseToPay"] == demo_shop.promises
    assert status["paid"] > status["open"] / 2
    assert status["renegotiated"] > 0 and status["written_off"] == demo_shop.written_off > 0
    assert 0 < status.get("cancelled", 0) < demo_shop.installments / 50
    assert promises == {"kept", "broken", "pending"}
    assert "active" in agreement_status
    assert partial and late_paid and reversals and blocked and reported
    assert methods == {"cash", "pix", "debit", "credit"}
    assert operator.role is Role.CASHIER


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 23),  # the suite's Monday
        date(2027, 1, 1),  # a holiday
        date(2026, 3, 1),  # a Sunday, a short month behind it
    ],
)
def test_every_band_even_in_a_tiny_shop(db: Database, day: date) -> None:
    demo.generate(db, customers=10, sales=12, today=day, seed=11)
    assert _bands_of_open_installments(db, day) == ALL_BANDS


def test_money_adds_up(db: Database, today: date) -> None:
    demo.generate(db, customers=80, sales=200, today=today, seed=7)
    installments = {row.id: row for row in _rows(db, Installment)}
    payments = {row.id: row for row in _rows(db, Payment)}
    allocations = _rows(db, PaymentAllocation)
    sales = _rows(db, CreditSale)
    agreements = _rows(db, Agreement)
    sessions = {row.id: row for row in _rows(db, CashSession)}
    zero = Decimal("0.00")

    # Every receipt: parts add up, and its allocations add up to its parts.
    by_payment: dict[int, list[Decimal]] = defaultdict(lambda: [zero] * 4)
    principal_by_installment: dict[int, Decimal] = defaultdict(lambda: zero)
    for a in allocations:
        parts = by_payment[a.payment_id]
        for k, value in enumerate((a.principal, a.fee, a.interest, a.discount)):
            parts[k] += value
        principal_by_installment[a.installment_id] += a.principal
        # CDC art. 52 §1: the late fee never passes 2 % of the installment.
        amount = installments[a.installment_id].amount
        assert abs(a.fee) <= (amount * 2 / 100).quantize(Decimal("0.01"))
    assert set(by_payment) == set(payments)
    cash_by_session: dict[int, Decimal] = defaultdict(lambda: zero)
    for p in payments.values():
        assert p.amount == p.principal + p.fee + p.interest
        assert by_payment[p.id] == [p.principal, p.fee, p.interest, p.discount]
        assert p.received_at.date() < today and p.received_at.weekday() != 6
        assert time(8) <= p.received_at.time() < time(18)
        if p.reverses_id is not None:
            original = payments[p.reverses_id]
            assert (p.amount, p.principal) == (-original.amount, -original.principal)
        if p.method == "cash":
            cash_by_session[p.cash_session_id] += p.amount
        if p.tendered is not None:
            assert p.tendered - p.change_given == p.amount
    for session in sessions.values():
        assert session.expected_cash == session.opening_float + cash_by_session[session.id]

    # Every installment: what was paid is what was allocated; the status says the same.
    for i in installments.values():
        assert i.principal_paid == principal_by_installment[i.id]
        assert i.slip_code == slip_code_for(i.id)
        if i.status == "paid":
            assert i.principal_paid == i.amount and i.settled_on is not None
        elif i.status == "open":
            assert i.principal_paid < i.amount
        elif i.status == "renegotiated":
            assert i.renegotiated_into_id is not None
        elif i.status == "written_off":
            assert i.written_off_on is not None and i.write_off_reason
        assert (i.sale_id is None) != (i.agreement_id is None)

    # Every sale: the plan the counter would have printed (plans.split_installments, CET).
    by_sale: dict[int, list[Any]] = defaultdict(list)
    by_agreement: dict[int, list[Any]] = defaultdict(list)
    renegotiated: dict[int, list[Any]] = defaultdict(list)
    for i in installments.values():
        if i.sale_id is not None:
            by_sale[i.sale_id].append(i)
        else:
            by_agreement[i.agreement_id].append(i)
        if i.renegotiated_into_id is not None:
            renegotiated[i.renegotiated_into_id].append(i)
    rated = 0
    for sale in sales:
        plan = sorted(by_sale[sale.id], key=lambda i: i.number)
        assert [i.number for i in plan] == list(range(1, sale.installment_count + 1))
        assert sale.financed_amount == sale.cash_price - sale.down_payment
        expected = split_installments(
            sale.financed_amount,
            sale.installment_count,
            add_months(sale.sold_on, 1),
            sale.monthly_rate,
        )
        assert [(i.due_date, i.amount) for i in plan] == expected
        if sale.monthly_rate == 0:
            assert sum(i.amount for i in plan) == sale.financed_amount
            assert sale.cet_yearly == 0
        else:
            rated += 1
            assert sum(i.amount for i in plan) > sale.financed_amount
            assert sale.cet_yearly == cet_yearly(sale.financed_amount, expected, sale.sold_on)
    assert rated > 0

    # Every agreement: its installments sum to its total; it took over exactly the open principal.
    for agreement in agreements:
        plan = by_agreement[agreement.id]
        assert sum(i.amount for i in plan) == agreement.total
        assert len(plan) == agreement.installment_count
        old = renegotiated[agreement.id]
        assert old and all(i.status == "renegotiated" for i in old)
        assert sum(i.amount - i.principal_paid for i in old) == agreement.principal
        if agreement.status == "fulfilled":
            assert all(i.status == "paid" for i in plan)


def test_customers_are_plausible(db: Database, today: date) -> None:
    demo.generate(db, customers=120, sales=200, today=today)
    customers = _rows(db, Customer)
    assert len({c.cpf for c in customers}) == len(customers) == 120
    assert all(stdnum_cpf.is_valid(c.cpf) for c in customers)
    assert all(c.name_search == normalize_name(c.name) for c in customers)
    assert any(c.name != c.name.encode("ascii", "ignore").decode() for c in customers)
    assert {(c.city, c.uf) for c in customers} == {("Ribeirão Preto", "SP")}
    assert all(c.cep.startswith("140") and len(c.cep) == 8 for c in customers)
    assert all(c.birth_date.year <= today.year - 18 for c in customers)
    created = [c.created_at for c in customers]
    assert created == sorted(created) and created[-1].date() < today
    emails = [c.email for c in customers if c.email]
    assert 0 < len(emails) < len(customers)
    assert all(validation.email(e) == e for e in emails)
    phones = _rows(db, CustomerPhone)
    assert {p.customer_id for p in phones} == {c.id for c in customers}
    assert all(validation.phone(p.number) == p.number and p.number[:2] == "16" for p in phones)
    assert any(p.whatsapp for p in phones) and any(len(p.number) == 10 for p in phones)
    first_sale: dict[int, date] = {}
    for sale in _rows(db, CreditSale):
        first_sale.setdefault(sale.customer_id, sale.sold_on)
        assert add_months(today, -18) <= sale.sold_on < today
    assert all(c.created_at.date() <= first_sale.get(c.id, today) for c in customers)
    with db.unit_of_work() as uow:
        shop = settings_service.load(uow.session)
    assert shop.identity.name == "Móveis e Confecções Boa Vista Ltda"
    assert stdnum_cnpj.is_valid(shop.identity.document)
    assert shop.identity.city == "Ribeirão Preto" and shop.identity.complete
    assert shop.pix.key == shop.identity.document


def test_same_seed_same_rows(db: Database, today: date, tmp_path: Path) -> None:
    demo.generate(db, customers=40, sales=90, today=today, seed=5)
    other = Database.open(tmp_path / "other.db")  # always SQLite: also compares the backends
    dbmod.upgrade(other)
    try:
        demo.generate(other, customers=40, sales=90, today=today, seed=5)
        assert _digest(db) == _digest(other)
        third = Database.open(tmp_path / "third.db")
        dbmod.upgrade(third)
        try:
            demo.generate(third, customers=40, sales=90, today=today, seed=6)
            assert _digest(third) != _digest(other)
        finally:
            third.dispose()
    finally:
        other.dispose()


def test_refuses_a_database_with_customers(db: Database, today: date) -> None:
    demo.generate(db, customers=5, sales=5, today=today)
    before = _digest(db)
    with pytest.raises(demo.DemoRefused, match="já tem clientes") as caught:
        demo.generate(db, customers=5, sales=5, today=today)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, DatabaseError)
    assert _digest(db) == before


def test_keeps_the_shop_it_finds(db: Database, today: date, now: datetime) -> None:
    identity = ShopIdentity(
        name="Loja da Ana", document="11222333000181", street="Rua A", city="Franca", uf="SP"
    )
    with db.unit_of_work(write=True) as uow:
        settings_service.save_section(uow.session, "identity", identity, user_id=None, now=now)
        owner = users.create_user(
            uow.session, username="dono", full_name="Ana Souza", role=Role.OWNER,
            password="segredo123", now=now, created_by=None,
        )  # fmt: skip
        owner_id = owner.id
        uow.commit()
    demo.generate(db, customers=8, sales=10, today=today)
    with db.unit_of_work() as uow:
        s = uow.session
        assert settings_service.load(s).identity.name == "Loja da Ana"
        assert settings_service.load(s).pix.enabled  # missing, so the demo filled it
        names = dict(s.execute(select(User.username, User.full_name)).all())
        assert names == {"dono": "Ana Souza", "caixa": "Lucas Andrade"}
        operators = set(s.scalars(select(Payment.operator_id).distinct()))
        assert owner_id in operators
        assert audit.verify(s).ok
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions.count("demo.generate") == 1


def test_new_rows_after_the_demo_get_fresh_ids(db: Database, today: date, now: datetime) -> None:
    """PostgreSQL sequences were moved past the demo's explicit ids."""
    summary = demo.generate(db, customers=6, sales=9, today=today)
    with db.unit_of_work(write=True) as uow:
        customer = Customer(
            name="Nova Cliente", name_search="nova cliente", cpf="52998224725",
            credit_limit=Decimal(0), created_at=now,
        )  # fmt: skip
        uow.session.add(customer)
        uow.session.flush()
        session = CashSession(operator_id=1, terminal="Balcão 1", opened_at=now)
        uow.session.add(session)
        uow.session.flush()
        assert customer.id == summary.customers + 1
        assert session.id == summary.cash_sessions + 1


def test_progress_counts_customers(db: Database, today: date) -> None:
    seen: list[tuple[int, int]] = []
    demo.generate(
        db, customers=50, sales=100, today=today, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (50, 50)
    assert {total for _, total in seen} == {50}
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})


def test_empty_shop_and_bad_sizes(db: Database, today: date) -> None:
    with pytest.raises(ValueError):
        demo.generate(db, customers=-1, sales=0, today=today)
    with pytest.raises(ValueError):
        demo.generate(db, customers=0, sales=3, today=today)
    summary = demo.generate(db, customers=0, sales=0, today=today)
    assert summary.customers == summary.installments == 0


def _index_names(db: Database) -> set[tuple[str, str | None]]:
    inspector = inspect(db.engine)
    return {
        (table.name, index["name"])
        for table in (_table(entity) for entity in TABLES)
        for index in inspector.get_indexes(table.name)
    }


def test_indexes_survive_the_load(db: Database, today: date) -> None:
    before = _index_names(db)
    assert before  # the migrations created secondary indexes
    demo.generate(db, customers=12, sales=20, today=today)
    assert _index_names(db) == before


def test_a_failed_load_leaves_nothing_behind(
    db: Database, today: date, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexes = _index_names(db)
    # A negative opening float breaks ck_cash_sessions_opening_float_non_negative.
    monkeypatch.setattr(demo, "_OPENING_FLOAT", -100)
    with pytest.raises(DatabaseError, match="demonstração"):
        demo.generate(db, customers=20, sales=40, today=today)
    with db.unit_of_work() as uow:
        for entity in (*TABLES, User, AuditEvent):
            assert uow.session.scalar(select(func.count()).select_from(entity)) == 0
    assert _index_names(db) == indexes
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
    with db.unit_of_work(write=True) as uow, pytest.raises(IntegrityError):
        uow.session.add(
            Customer(
                name="Ana", name_search="ana", cpf="52998224725", credit_limit=Decimal("-1"),
                created_at=now,
            )
        )  # fmt: skip
        uow.session.flush()
