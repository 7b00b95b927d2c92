"""Receiving and reversing payments: amounts to the cent, one transaction, no double charge."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    AuditEvent,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    User,
)
from services import audit, demo, users
from services import customers as cs
from services import payments as pay
from services.db import Database
from services.printing import receipt_for_payment
from services.users import Operator

D = Decimal
DUE = date(2026, 1, 10)
PAID_ON = datetime(2026, 2, 9, 10, 0)  # 30 days late: 2 % fee, 1 % interest
_cpf = itertools.count(10_000_000_000)


# --- helpers -------------------------------------------------------------------------------------


def make_users(db: Database) -> tuple[Operator, Operator]:
    """The demo shop's identity (receipts need it) and its owner and cashier."""
    demo.generate(db, customers=0, sales=0, today=PAID_ON.date())
    with db.unit_of_work() as uow:
        return (
            users.operator_for(uow.session, _user_id(uow.session, "dono")),
            users.operator_for(uow.session, _user_id(uow.session, "caixa")),
        )


def _user_id(session: Session, username: str) -> int:
    return session.scalars(select(User.id).where(User.username == username)).one()


def make_customer(session: Session, name: str = "Ana Paula") -> int:
    customer = Customer(
        name=name, name_search=name.lower(), cpf=str(next(_cpf)), created_at=PAID_ON
    )
    session.add(customer)
    session.flush()
    return customer.id


def make_sale(session: Session, customer_id: int, amounts: Sequence[Decimal]) -> list[int]:
    total = sum(amounts, D(0))
    sale = CreditSale(
        customer_id=customer_id,
        sold_on=date(2025, 12, 10),
        description="Geladeira",
        cash_price=total,
        down_payment=D(0),
        financed_amount=total,
        installment_count=len(amounts),
        created_at=datetime(2025, 12, 10, 9),
    )
    session.add(sale)
    session.flush()
    items = [
        Installment(
            customer_id=customer_id,
            sale_id=sale.id,
            number=n,
            count=len(amounts),
            due_date=date(2026, n, 10),
            amount=amount,
        )
        for n, amount in enumerate(amounts, start=1)
    ]
    session.add_all(items)
    session.flush()
    return [i.id for i in items]


def setup(db: Database, amounts: Sequence[Decimal] = (D("100.00"),)) -> tuple[int, list[int]]:
    with db.unit_of_work(write=True) as uow:
        customer_id = make_customer(uow.session)
        ids = make_sale(uow.session, customer_id, amounts)
        uow.commit()
    return customer_id, ids


@pytest.fixture
def people(db: Database) -> tuple[Operator, Operator]:
    return make_users(db)


def receive(db: Database, customer_id: int, **kw: object) -> pay.PaymentResult:
    args: dict[str, object] = {
        "installment_ids": None,
        "amount": None,
        "method": PaymentMethod.PIX,
        "now": PAID_ON,
    }
    args.update(kw)
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(uow, customer_id=customer_id, **args)  # type: ignore[arg-type]


def inst(db: Database, inst_id: int) -> Installment:
    with db.unit_of_work() as uow:
        row = uow.session.get(Installment, inst_id)
        assert row is not None
        uow.session.expunge(row)  # keep its loaded values after the read-only rollback
        return row


def quote(db: Database, ids: Sequence[int], on: date) -> pay.Quote:
    with db.unit_of_work() as uow:
        return pay.quote(uow.session, ids, on)


def assert_books_balance(db: Database) -> None:
    """Every payment adds up and equals its allocations; installments match their payments."""
    with db.unit_of_work() as uow:
        s = uow.session
        for p in s.scalars(select(Payment)):
            assert p.amount == p.principal + p.fee + p.interest
            allocs = list(
                s.scalars(select(PaymentAllocation).where(PaymentAllocation.payment_id == p.id))
            )
            assert p.amount == sum((a.principal + a.fee + a.interest for a in allocs), D(0))
            assert p.principal == sum((a.principal for a in allocs), D(0))
            assert p.discount == sum((a.discount for a in allocs), D(0))
        for i in s.scalars(select(Installment)):
            allocated = sum(
                s.scalars(
                    select(PaymentAllocation.principal).where(
                        PaymentAllocation.installment_id == i.id
                    )
                ),
                D(0),
            )
            assert i.principal_paid == allocated
            assert D(0) <= i.principal_paid <= i.amount
            assert (i.status is InstallmentStatus.PAID) == (i.principal_paid == i.amount)
        assert audit.verify(s).ok


# --- worked examples -----------------------------------------------------------------------------


def test_quote_of_an_installment_thirty_days_late(db: Database) -> None:
    _, [i1] = setup(db)
    q = quote(db, [i1], PAID_ON.date())
    [line] = q.lines
    assert (line.open_principal, line.fee, line.interest, line.total) == (
        D("100.00"),
        D("2.00"),
        D("1.00"),
        D("103.00"),
    )
    assert line.days_late == 30
    assert q.total == D("103.00")


def test_paying_in_full_settles_the_installment(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    result = receive(db, customer_id, installment_ids=[i1], operator=cashier)
    assert (result.amount, result.fee, result.interest, result.principal) == (
        D("103.00"),
        D("2.00"),
        D("1.00"),
        D("100.00"),
    )
    assert result.settled_installment_ids == (i1,)
    row = inst(db, i1)
    assert row.status is InstallmentStatus.PAID
    assert row.settled_on == PAID_ON.date()
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment.receive")
        ).one()
        assert event.user_id == cashier.id
        assert event.before["installments"][str(i1)]["status"] == "open"
        assert event.after["installments"][str(i1)]["status"] == "paid"
    assert_books_balance(db)


def test_partial_payment_imputes_interest_then_fee_then_principal(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    first = receive(db, customer_id, installment_ids=[i1], amount=D("50.00"), operator=cashier)
    assert (first.interest, first.fee, first.principal) == (D("1.00"), D("2.00"), D("47.00"))
    assert first.settled_installment_ids == ()
    assert inst(db, i1).open_principal == D("53.00")
    assert inst(db, i1).status is InstallmentStatus.OPEN

    # Same day: only the principal remains. Thirty days later: interest on 53,00 for 60 days
    # is 1,06, of which 1,00 was paid; the fee on 53,00 (1,06) is below the 2,00 already paid.
    assert quote(db, [i1], PAID_ON.date()).total == D("53.00")
    later = datetime(2026, 3, 11, 9, 0)
    q = quote(db, [i1], later.date())
    assert (q.fee, q.interest, q.total) == (D("0.00"), D("0.06"), D("53.06"))
    # The customer's screen shows the same figure.
    with db.unit_of_work() as uow:
        detail = cs.customer_detail(uow.session, customer_id, later.date())
        assert detail.installments[0].total == q.total

    rest = receive(
        db,
        customer_id,
        installment_ids=[i1],
        operator=cashier,
        now=later,
        expected_versions=q.versions,
    )
    assert (rest.amount, rest.interest, rest.fee, rest.principal) == (
        D("53.06"),
        D("0.06"),
        D("0.00"),
        D("53.00"),
    )
    assert inst(db, i1).status is InstallmentStatus.PAID
    assert_books_balance(db)


def test_an_amount_is_spread_oldest_first(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    customer_id, ids = setup(db, [D("100.00"), D("100.00"), D("100.00")])
    on = datetime(2026, 3, 10, 10)  # 1st 59 days late, 2nd 28 days, 3rd due today
    q = quote(db, ids, on.date())
    assert [line.total for line in q.lines] == [D("103.97"), D("102.93"), D("100.00")]
    result = receive(db, customer_id, amount=D("250.00"), operator=cashier, now=on)
    assert [(a.installment_id, a.interest, a.fee, a.principal) for a in result.allocations] == [
        (ids[0], D("1.97"), D("2.00"), D("100.00")),
        (ids[1], D("0.93"), D("2.00"), D("100.00")),
        (ids[2], D("0.00"), D("0.00"), D("43.10")),
    ]
    assert result.settled_installment_ids == (ids[0], ids[1])
    assert inst(db, ids[2]).open_principal == D("56.90")
    assert_books_balance(db)


# --- waivers --------------------------------------------------------------------------------------


def test_a_cashier_waives_up_to_the_limit(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    result = receive(db, customer_id, installment_ids=[i1], operator=cashier, waive=D("3.00"))
    assert (result.amount, result.principal, result.discount) == (
        D("100.00"),
        D("100.00"),
        D("3.00"),
    )
    assert inst(db, i1).status is InstallmentStatus.PAID
    with db.unit_of_work() as uow:
        assert uow.session.scalars(select(Payment.authorized_by_id)).one() is None
    assert_books_balance(db)


def test_a_waiver_beyond_the_limit_needs_the_owner(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, [i1] = setup(db)
    far = datetime(2027, 1, 10, 10)  # 365 days late: fee 2,00 + interest 12,17
    assert quote(db, [i1], far.date()).total == D("114.17")
    with pytest.raises(pay.PaymentRefused, match="só com a autorização do dono"):
        receive(db, customer_id, installment_ids=[i1], operator=cashier, now=far, waive=D("14.17"))
    with pytest.raises(pay.PaymentRefused, match="só com a autorização do dono"):
        receive(
            db,
            customer_id,
            installment_ids=[i1],
            operator=cashier,
            now=far,
            waive=D("14.17"),
            owner=cashier,
        )
    assert inst(db, i1).status is InstallmentStatus.OPEN
    result = receive(
        db,
        customer_id,
        installment_ids=[i1],
        operator=cashier,
        now=far,
        waive=D("14.17"),
        owner=owner,
    )
    assert (result.amount, result.fee, result.interest, result.discount) == (
        D("100.00"),
        D("0.00"),
        D("0.00"),
        D("14.17"),
    )
    with db.unit_of_work() as uow:
        payment = uow.session.get(Payment, result.payment_id)
        assert payment is not None and payment.authorized_by_id == owner.id
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment.receive")
        ).one()
        assert (event.user_id, event.authorized_by_id) == (cashier.id, owner.id)
    assert_books_balance(db)


def test_a_waiver_never_touches_principal_nor_an_installment_left_open(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, [i1] = setup(db)
    with pytest.raises(pay.PaymentRefused, match="principal não pode ser descontado"):
        receive(db, customer_id, installment_ids=[i1], operator=owner, waive=D("3.01"))
    with pytest.raises(pay.PaymentRefused, match="quitadas neste recebimento"):
        receive(
            db,
            customer_id,
            installment_ids=[i1],
            amount=D("50.00"),
            operator=cashier,
            waive=D("1.00"),
        )
    assert inst(db, i1).principal_paid == D("0.00")


# --- surplus --------------------------------------------------------------------------------------


def test_cash_surplus_becomes_change(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    customer_id, [i1, i2] = setup(db, [D("100.00"), D("100.00")])
    result = receive(
        db,
        customer_id,
        installment_ids=[i1],
        operator=cashier,
        method=PaymentMethod.CASH,
        tendered=D("150.00"),
    )
    assert (result.amount, result.tendered, result.change) == (D("103.00"), D("150.00"), D("47.00"))
    assert inst(db, i2).principal_paid == D("0.00")
    with db.unit_of_work() as uow:
        receipt = receipt_for_payment(uow.session, result.payment_id)
        assert (receipt.total, receipt.change) == (D("103.00"), D("47.00"))
    assert_books_balance(db)


def test_surplus_credited_to_the_next_installment(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _, cashier = people
    customer_id, [i1, i2, i3] = setup(db, [D("100.00"), D("100.00"), D("100.00")])
    result = receive(
        db,
        customer_id,
        installment_ids=[i1],
        amount=D("150.00"),
        operator=cashier,
        surplus="credit_next",
    )
    # 103,00 on the first; 47,00 on the second (due 10/02, one day later: not yet late).
    assert [(a.installment_id, a.interest, a.fee, a.principal) for a in result.allocations] == [
        (i1, D("1.00"), D("2.00"), D("100.00")),
        (i2, D("0.00"), D("0.00"), D("47.00")),
    ]
    assert result.change == D("0.00")
    assert inst(db, i2).open_principal == D("53.00")
    assert inst(db, i3).principal_paid == D("0.00")
    assert_books_balance(db)


def test_overpaying_without_cash_or_credit_is_refused(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    with pytest.raises(pay.PaymentRefused, match="passa do devido"):
        receive(db, customer_id, installment_ids=[i1], amount=D("150.00"), operator=cashier)


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"amount": D("0.00")}, "maior que zero"),
        ({"amount": D("-5.00")}, "maior que zero"),
        ({"amount": D("10.001")}, "duas casas decimais"),
        ({"method": PaymentMethod.CASH, "tendered": D("100.00")}, "menor que o valor a pagar"),
        ({"tendered": D("200.00")}, "só existem em pagamentos em dinheiro"),
    ],
)
def test_refused_amounts(
    db: Database, people: tuple[Operator, Operator], kw: dict[str, object], message: str
) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    with pytest.raises(pay.PaymentRefused, match=message):
        receive(db, customer_id, installment_ids=[i1], operator=cashier, **kw)
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_refused_installments(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    customer_id, [i1] = setup(db)
    other_id, [j1] = setup(db)
    with pytest.raises(pay.PaymentRefused, match="de outro cliente"):
        receive(db, customer_id, installment_ids=[j1], operator=cashier)
    q = quote(db, [i1], PAID_ON.date())
    receive(db, customer_id, installment_ids=[i1], operator=cashier)
    with pytest.raises(pay.PaymentRefused, match="já está paga"):
        receive(db, customer_id, installment_ids=[i1], operator=cashier)
    with pytest.raises(pay.PaymentConflict, match="paga em outro caixa"):
        receive(
            db, customer_id, installment_ids=[i1], operator=cashier, expected_versions=q.versions
        )
    with pytest.raises(pay.PaymentRefused, match="não tem parcelas em aberto"):
        receive(db, customer_id, amount=D("10.00"), operator=cashier)
    assert other_id != customer_id
    assert_books_balance(db)


def test_a_written_off_installment_is_a_recovery(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, [i1, i2] = setup(db, [D("100.00"), D("100.00")])
    with db.unit_of_work(write=True) as uow:
        row = uow.session.get(Installment, i1)
        assert row is not None
        row.status = InstallmentStatus.WRITTEN_OFF
        row.written_off_on = date(2026, 2, 1)
        uow.commit()
    with pytest.raises(pay.PaymentRefused, match="à parte"):
        receive(db, customer_id, installment_ids=[i1, i2], operator=cashier)
    # Typing an amount pays open installments only, never the written-off one.
    typed = receive(db, customer_id, amount=D("10.00"), operator=cashier)
    assert [a.installment_id for a in typed.allocations] == [i2]
    assert not typed.is_recovery
    part = receive(db, customer_id, installment_ids=[i1], amount=D("50.00"), operator=cashier)
    assert part.is_recovery
    assert inst(db, i1).status is InstallmentStatus.WRITTEN_OFF
    rest = receive(db, customer_id, installment_ids=[i1], operator=cashier)
    assert rest.is_recovery and rest.settled_installment_ids == (i1,)
    assert inst(db, i1).status is InstallmentStatus.PAID
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(
            uow, rest.payment_id, reason="Cheque devolvido", owner=owner, now=PAID_ON
        )
    assert inst(db, i1).status is InstallmentStatus.WRITTEN_OFF
    assert_books_balance(db)


# --- reversal -------------------------------------------------------------------------------------


def test_reversal_restores_everything_and_marks_the_receipt(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db, [D("100.00"), D("100.00")])
    before = quote(db, ids, PAID_ON.date())
    result = receive(db, customer_id, amount=D("150.00"), operator=cashier)
    later = PAID_ON + timedelta(hours=2)
    with db.unit_of_work(write=True) as uow, pytest.raises(pay.PaymentRefused, match="dono"):
        pay.reverse_payment(uow, result.payment_id, reason="Erro", owner=cashier, now=later)
    with db.unit_of_work(write=True) as uow, pytest.raises(pay.PaymentRefused, match="motivo"):
        pay.reverse_payment(uow, result.payment_id, reason="  ", owner=owner, now=later)
    with db.unit_of_work(write=True) as uow:
        reversal_id = pay.reverse_payment(
            uow, result.payment_id, reason="Valor digitado errado", owner=owner, now=later
        )
    with db.unit_of_work() as uow:
        s = uow.session
        reversal = s.get(Payment, reversal_id)
        assert reversal is not None
        assert reversal.reverses_id == result.payment_id
        assert (reversal.amount, reversal.principal, reversal.fee, reversal.interest) == (
            D("-150.00"),
            D("-147.00"),
            D("-2.00"),
            D("-1.00"),
        )
        for i in ids:
            row = s.get(Installment, i)
            assert row is not None
            assert (row.principal_paid, row.status, row.settled_on) == (
                D("0.00"),
                InstallmentStatus.OPEN,
                None,
            )
        receipt = receipt_for_payment(s, result.payment_id)
        assert receipt.reversal is not None
        assert receipt.reversal.reason == "Valor digitado errado"
        assert receipt.total == D("150.00")
    # What is due is back to what it was before the payment, fee and interest included.
    assert quote(db, ids, PAID_ON.date()).total == before.total == D("203.00")
    with db.unit_of_work(write=True) as uow, pytest.raises(pay.PaymentRefused, match="já foi"):
        pay.reverse_payment(uow, result.payment_id, reason="De novo", owner=owner, now=later)
    with db.unit_of_work(write=True) as uow, pytest.raises(pay.PaymentRefused, match="estorno"):
        pay.reverse_payment(uow, reversal_id, reason="Desfazer", owner=owner, now=later)
    assert_books_balance(db)


# --- properties -----------------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    amounts=st.lists(
        st.integers(min_value=1, max_value=50_000).map(lambda c: D(c) / 100), min_size=1, max_size=4
    ),
    paid=st.lists(st.integers(min_value=1, max_value=80_000).map(lambda c: D(c) / 100), max_size=4),
    days=st.integers(min_value=0, max_value=400),
)
def test_nothing_is_lost(
    db: Database,
    people: tuple[Operator, Operator],
    amounts: list[Decimal],
    paid: list[Decimal],
    days: int,
) -> None:
    _, cashier = people
    customer_id, ids = setup(db, amounts)
    now = datetime(2026, 1, 10, 12) + timedelta(days=days)
    for value in paid:
        open_ids = [i for i in ids if inst(db, i).status is InstallmentStatus.OPEN]
        if not open_ids:
            break
        q = quote(db, open_ids, now.date())
        result = receive(
            db,
            customer_id,
            amount=min(value, q.total),
            operator=cashier,
            now=now,
        )
        assert result.amount == min(value, q.total)
        assert result.amount == sum(
            (a.principal + a.fee + a.interest for a in result.allocations), D(0)
        )
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Installment).where(Installment.id.in_(ids))))
        for row in rows:
            assert row.principal_paid + row.open_principal == row.amount
            assert row.principal_paid <= row.amount
        principal_received = sum(
            uow.session.scalars(
                select(Payment.principal).where(Payment.customer_id == customer_id)
            ),
            D(0),
        )
        assert principal_received == sum((r.principal_paid for r in rows), D(0))
    assert_books_balance(db)


# --- two counters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("from_quote", [True, False], ids=["expected-versions", "lock-only"])
def test_two_counters_paying_the_same_installment(
    db: Database, people: tuple[Operator, Operator], from_quote: bool
) -> None:
    """20 races, each on a fresh installment: one payment, the other counter charged nothing."""
    owner, cashier = people
    url = db.engine.url.render_as_string(hide_password=False)
    counters = [Database.open(url), Database.open(url)]
    rounds = 20
    try:
        for _ in range(rounds):
            customer_id, [i1] = setup(db)
            barrier = threading.Barrier(2)
            outcomes: list[object] = [None, None]

            def counter(
                n: int,
                customer_id: int = customer_id,
                i1: int = i1,
                barrier: threading.Barrier = barrier,
                outcomes: list[object] = outcomes,
            ) -> None:
                counter_db = counters[n]
                with counter_db.unit_of_work() as uow:
                    seen = pay.quote(uow.session, [i1], PAID_ON.date())
                barrier.wait()
                try:
                    outcomes[n] = receive(
                        counter_db,
                        customer_id,
                        installment_ids=[i1],
                        operator=(owner, cashier)[n],
                        expected_versions=seen.versions if from_quote else None,
                    )
                except Exception as exc:
                    outcomes[n] = exc

            threads = [threading.Thread(target=counter, args=(n,)) for n in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            won = [o for o in outcomes if isinstance(o, pay.PaymentResult)]
            lost = [o for o in outcomes if isinstance(o, pay.PaymentConflict)]
            assert len(won) == 1 and len(lost) == 1, outcomes
            if from_quote:
                assert str(lost[0]) == pay.CONFLICT_MESSAGE
            else:
                assert "já está paga; nada foi cobrado" in str(lost[0])
            with db.unit_of_work() as uow:
                s = uow.session
                count = s.scalar(
                    select(func.count())
                    .select_from(PaymentAllocation)
                    .where(PaymentAllocation.installment_id == i1)
                )
                assert count == 1
                row = s.get(Installment, i1)
                assert row is not None and row.principal_paid == row.amount
    finally:
        for c in counters:
            c.dispose()
    assert_books_balance(db)
