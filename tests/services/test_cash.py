"""Cash sessions: open, take payments, count the drawer, close once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditEvent, CashSession, Customer, Payment, PaymentMethod, User
from services import demo, users
from services.cash import (
    CashSessionError,
    close_session,
    current_session,
    open_session,
    session_summary,
)
from services.db import Database
from services.users import NotAllowed, Operator
from services.validation import FieldError

TODAY = date(2026, 11, 23)
OPEN_AT = datetime(2026, 11, 23, 8, 0)
CLOSE_AT = datetime(2026, 11, 23, 18, 5)
D = Decimal


@pytest.fixture
def shop(db: Database) -> Database:
    demo.generate(db, customers=0, sales=0, today=TODAY)
    return db


def _operator(db: Database, username: str) -> Operator:
    with db.unit_of_work() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
        assert user_id is not None
        return users.operator_for(uow.session, user_id)


def _customer(db: Database) -> int:
    with db.unit_of_work(write=True) as uow:
        row = Customer(
            name="Ana Souza", name_search="ana souza", cpf="52998224725", created_at=OPEN_AT
        )
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


def _open(
    db: Database, operator: Operator, terminal: str = "Caixa 1", float_: str = "100.00"
) -> int:
    with db.unit_of_work(write=True) as uow:
        session_id = open_session(
            uow.session, operator=operator, terminal=terminal, opening_float=D(float_), now=OPEN_AT
        )
        uow.commit()
    return session_id


def _pay(
    db: Database,
    cash_session_id: int,
    operator: Operator,
    customer_id: int,
    amount: str,
    method: PaymentMethod,
    *,
    tendered: str | None = None,
    change: str | None = None,
    reverses: int | None = None,
) -> int:
    value = D(amount)
    with db.unit_of_work(write=True) as uow:
        row = Payment(
            customer_id=customer_id,
            received_at=OPEN_AT + timedelta(hours=1),
            amount=value,
            principal=value,
            fee=D(0),
            interest=D(0),
            discount=D(0),
            method=method,
            tendered=D(tendered) if tendered else None,
            change_given=D(change) if change else None,
            operator_id=operator.id,
            cash_session_id=cash_session_id,
            reverses_id=reverses,
            reversal_reason="valor digitado errado" if reverses else None,
        )
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


def test_shift_from_open_to_close(shop: Database) -> None:
    cashier = _operator(shop, "caixa")
    customer = _customer(shop)
    session_id = _open(shop, cashier)
    with shop.unit_of_work() as uow:
        assert current_session(uow.session, cashier.id, "Caixa 1") == session_id
        assert current_session(uow.session, cashier.id, "Caixa 2") is None

    # Cash 80,00 paid with a 100,00 note (20,00 change); cash 150,00 exact; Pix 114,26;
    # debit 60,00; a cash 50,00 payment that is then reversed.
    _pay(
        shop,
        session_id,
        cashier,
        customer,
        "80.00",
        PaymentMethod.CASH,
        tendered="100.00",
        change="20.00",
    )
    _pay(shop, session_id, cashier, customer, "150.00", PaymentMethod.CASH)
    _pay(shop, session_id, cashier, customer, "114.26", PaymentMethod.PIX)
    _pay(shop, session_id, cashier, customer, "60.00", PaymentMethod.DEBIT)
    wrong = _pay(shop, session_id, cashier, customer, "50.00", PaymentMethod.CASH)
    _pay(shop, session_id, cashier, customer, "-50.00", PaymentMethod.CASH, reverses=wrong)

    with shop.unit_of_work() as uow:
        summary = session_summary(uow.session, session_id)
    assert summary.received == {
        PaymentMethod.CASH: D("280.00"),
        PaymentMethod.PIX: D("114.26"),
        PaymentMethod.DEBIT: D("60.00"),
    }
    assert summary.reversed[PaymentMethod.CASH] == D("50.00")
    assert summary.net(PaymentMethod.CASH) == D("230.00")
    assert summary.net_total == D("404.26")
    assert (summary.cash_tendered, summary.change_given) == (D("300.00"), D("20.00"))
    # 100,00 float + 300,00 handed over − 20,00 change − 50,00 reversed.
    assert summary.expected_cash == D("330.00")
    assert summary.counted_cash is None and summary.difference is None
    assert summary.payment_count == 6

    with shop.unit_of_work(write=True) as uow:
        closed = close_session(
            uow.session,
            session_id,
            counted_cash=D("327.50"),
            operator=cashier,
            now=CLOSE_AT,
            notes="  faltou   troco ",
        )
        uow.commit()
    assert closed.expected_cash == D("330.00")
    assert closed.counted_cash == D("327.50")
    assert closed.difference == D("-2.50")
    assert closed.closed_at == CLOSE_AT

    with shop.unit_of_work() as uow:
        row = uow.session.get(CashSession, session_id)
        assert row is not None
        assert (row.counted_cash, row.expected_cash, row.notes) == (
            D("327.50"),
            D("330.00"),
            "faltou troco",
        )
        assert current_session(uow.session, cashier.id, "Caixa 1") is None
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "cash.close")
        ).one()
        assert event.user_id == cashier.id
        assert event.after is not None
        assert (event.after["expected_cash"], event.after["difference"]) == ("330.00", "-2.50")

    with shop.unit_of_work(write=True) as uow, pytest.raises(CashSessionError, match="já foi"):
        close_session(
            uow.session, session_id, counted_cash=D("330.00"), operator=cashier, now=CLOSE_AT
        )


def test_empty_shift_expects_the_float(shop: Database) -> None:
    cashier = _operator(shop, "caixa")
    session_id = _open(shop, cashier, float_="50.00")
    with shop.unit_of_work(write=True) as uow:
        closed = close_session(
            uow.session, session_id, counted_cash=D("50.00"), operator=cashier, now=CLOSE_AT
        )
        uow.commit()
    assert closed.received == {} and closed.expected_cash == D("50.00")
    assert closed.difference == D("0.00")


def test_second_open_session_refused_per_terminal(shop: Database) -> None:
    cashier = _operator(shop, "caixa")
    _open(shop, cashier)
    with pytest.raises(CashSessionError, match="Já existe um caixa aberto"):
        _open(shop, cashier)
    _open(shop, cashier, terminal="Caixa 2")  # another terminal is another drawer
    _open(shop, _operator(shop, "dono"))  # and another operator at the same one


def test_only_its_operator_or_an_owner_closes(shop: Database) -> None:
    cashier = _operator(shop, "caixa")
    owner = _operator(shop, "dono")
    session_id = _open(shop, owner)
    with shop.unit_of_work(write=True) as uow, pytest.raises(NotAllowed):
        close_session(
            uow.session, session_id, counted_cash=D("100.00"), operator=cashier, now=CLOSE_AT
        )

    other = _open(shop, cashier, terminal="Caixa 2")
    with shop.unit_of_work(write=True) as uow:
        closed = close_session(
            uow.session, other, counted_cash=D("100.00"), operator=owner, now=CLOSE_AT
        )
        uow.commit()
    assert closed.difference == D("0.00")


def test_bad_amounts_refused(shop: Database) -> None:
    cashier = _operator(shop, "caixa")
    with shop.unit_of_work(write=True) as uow:
        with pytest.raises(FieldError) as info:
            open_session(
                uow.session,
                operator=cashier,
                terminal="Caixa 1",
                opening_float=D("-1"),
                now=OPEN_AT,
            )
        assert info.value.field == "opening_float"
        with pytest.raises(FieldError):
            open_session(
                uow.session, operator=cashier, terminal=" ", opening_float=D("0"), now=OPEN_AT
            )
        with pytest.raises(FieldError):
            open_session(
                uow.session,
                operator=cashier,
                terminal="Caixa 1",
                opening_float=10.0,
                now=OPEN_AT,  # type: ignore[arg-type]
            )
    session_id = _open(shop, cashier)
    with (
        shop.unit_of_work(write=True) as uow,
        pytest.raises(CashSessionError, match="antes da abertura"),
    ):
        close_session(
            uow.session,
            session_id,
            counted_cash=D("1"),
            operator=cashier,
            now=OPEN_AT - timedelta(1),
        )


def test_a_closed_shift_takes_no_more_money(shop: Database) -> None:
    from sqlalchemy import func

    from services.payments import PaymentRefused, receive_payment

    cashier = _operator(shop, "caixa")
    session_id = _open(shop, cashier, float_="50.00")
    with shop.unit_of_work(write=True) as uow:
        close_session(
            uow.session, session_id, counted_cash=D("50.00"), operator=cashier, now=CLOSE_AT
        )
        uow.commit()
    customer_id = _customer(shop)
    with (
        shop.unit_of_work(write=True) as uow,
        pytest.raises(PaymentRefused, match="já foi fechado"),
    ):
        receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[1],  # refused before any installment is read
            amount=None,
            method=PaymentMethod.PIX,
            operator=cashier,
            now=CLOSE_AT + timedelta(minutes=5),
            cash_session_id=session_id,
        )
    with shop.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_cash_refund_comes_out_of_the_shift_it_names(db: Database) -> None:
    from models import Installment, InstallmentStatus
    from services.payments import receive_payment, reverse_payment

    demo.generate(db, customers=5, sales=10, today=TODAY, seed=3)
    cashier, owner = _operator(db, "caixa"), _operator(db, "dono")
    shift = _open(db, cashier, float_="100.00")
    with db.unit_of_work() as uow:
        inst = uow.session.scalars(
            select(Installment)
            .where(Installment.status == InstallmentStatus.OPEN)
            .order_by(Installment.due_date)
            .limit(1)
        ).one()
        customer_id, installment_id = inst.customer_id, inst.id
    with db.unit_of_work(write=True) as uow:
        paid = receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[installment_id],
            amount=None,
            method=PaymentMethod.CASH,
            operator=cashier,
            now=OPEN_AT + timedelta(hours=1),
            cash_session_id=shift,
        )
    with db.unit_of_work() as uow:
        assert session_summary(uow.session, shift).expected_cash == D("100.00") + paid.amount
    with db.unit_of_work(write=True) as uow:
        reverse_payment(
            uow,
            paid.payment_id,
            reason="cobrado em duplicidade",
            owner=owner,
            now=OPEN_AT + timedelta(hours=2),
            cash_session_id=shift,
        )
    with db.unit_of_work() as uow:
        assert session_summary(uow.session, shift).expected_cash == D("100.00")


def test_the_refund_drawer_is_this_counters_open_shift_for_cash_only(db: Database) -> None:
    from models import Installment, InstallmentStatus
    from services.payments import receive_payment, refund_drawer

    demo.generate(db, customers=5, sales=10, today=TODAY, seed=3)
    cashier = _operator(db, "caixa")
    shift = _open(db, cashier)
    with db.unit_of_work() as uow:
        rows = list(
            uow.session.scalars(
                select(Installment)
                .where(Installment.status == InstallmentStatus.OPEN)
                .order_by(Installment.id)
                .limit(2)
            )
        )
        targets = [(i.customer_id, i.id) for i in rows]
    paid = {}
    for method, (customer_id, installment_id) in zip(
        (PaymentMethod.CASH, PaymentMethod.PIX), targets, strict=True
    ):
        with db.unit_of_work(write=True) as uow:
            paid[method] = receive_payment(
                uow,
                customer_id=customer_id,
                installment_ids=[installment_id],
                amount=None,
                method=method,
                operator=cashier,
                now=OPEN_AT + timedelta(hours=1),
                cash_session_id=shift,
            ).payment_id
    with db.unit_of_work() as uow:
        s = uow.session
        assert (
            refund_drawer(s, paid[PaymentMethod.CASH], operator_id=cashier.id, terminal="Caixa 1")
            == shift
        )
        assert (
            refund_drawer(s, paid[PaymentMethod.PIX], operator_id=cashier.id, terminal="Caixa 1")
            is None
        )
        assert (
            refund_drawer(s, paid[PaymentMethod.CASH], operator_id=cashier.id, terminal="Caixa 2")
            is None
        )
