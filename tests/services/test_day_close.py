"""Closing the day: receipts by method and cashier net of reversals, sales, agreements, dues."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from models import (
    Agreement,
    CreditSale,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentMethod,
    SaleStatus,
)
from services import day_close, demo
from services import payments as pay
from services.db import Database
from services.users import Operator
from tests.services.test_overdue import add_customer, add_sale, operators

D = Decimal
DAY = date(2026, 11, 23)


def _at(hour: int, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour))


def _receive(
    db: Database,
    customer_id: int,
    operator: Operator,
    method: PaymentMethod,
    now: datetime,
    *,
    installment_ids: list[int] | None = None,
    amount: Decimal | None = None,
) -> int:
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=installment_ids,
            amount=amount,
            method=method,
            operator=operator,
            now=now,
        ).payment_id


def test_a_day_to_the_cent(db: Database) -> None:
    owner, cashier = operators(db)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        ana = add_customer(s, "Ana Atrasada")
        [late] = add_sale(s, ana, [(date(2026, 10, 24), D("100.00"))])  # 30 days late
        bia = add_customer(s, "Bia Adiantada")
        add_sale(s, bia, [(date(2026, 12, 10), D("150.00"))])
        caio = add_customer(s, "Caio Vence Hoje")
        due_today = add_sale(s, caio, [(DAY, D("60.00")), (DAY, D("60.00"))])
        davi = add_customer(s, "Davi Estornado")
        add_sale(s, davi, [(date(2026, 12, 10), D("90.00"))])
        # A sale today (and a cancelled one, not counted), an agreement, a write-off.
        for status in (SaleStatus.ACTIVE, SaleStatus.CANCELLED):
            s.add(
                CreditSale(
                    customer_id=bia,
                    sold_on=DAY,
                    description="TV",
                    cash_price=D("1000.00"),
                    down_payment=D("200.00"),
                    financed_amount=D("800.00"),
                    installment_count=4,
                    status=status,
                    created_at=_at(9),
                )
            )
        s.add(
            Agreement(
                customer_id=ana,
                agreed_on=DAY,
                principal=D("100.00"),
                fees=D("2.00"),
                interest=D("1.00"),
                discount=D("3.00"),
                total=D("100.00"),
                down_payment=D("20.00"),
                installment_count=2,
                created_at=_at(9),
            )
        )
        eva = add_customer(s, "Eva Perda")
        [lost] = add_sale(s, eva, [(date(2025, 11, 1), D("70.00"))])
        s.execute(
            update(Installment)
            .where(Installment.id == lost)
            .values(status=InstallmentStatus.WRITTEN_OFF, written_off_on=DAY)
        )
        uow.commit()

    # Cash 103,00 (100 + fee 2,00 + interest 1,00) by the cashier; a Pix of 50 and of 60 by the
    # owner; 10 in cash received and reversed today; 20 by debit yesterday, reversed today.
    _receive(db, ana, cashier, PaymentMethod.CASH, _at(10), installment_ids=[late])
    _receive(db, bia, owner, PaymentMethod.PIX, _at(11), amount=D("50.00"))
    _receive(db, caio, owner, PaymentMethod.PIX, _at(11), installment_ids=[due_today[0]])
    today_undone = _receive(db, davi, cashier, PaymentMethod.CASH, _at(12), amount=D("10.00"))
    yesterday = _receive(
        db, davi, cashier, PaymentMethod.DEBIT, _at(15, DAY - timedelta(days=1)), amount=D("20")
    )
    for payment_id in (today_undone, yesterday):
        with db.unit_of_work(write=True) as uow:
            pay.reverse_payment(uow, payment_id, reason="Engano", owner=owner, now=_at(16))

    with db.unit_of_work() as uow:
        summary = day_close.day_summary(uow.session, DAY)

    cash = summary.method(PaymentMethod.CASH)
    assert (cash.received, cash.reversed, cash.net, cash.count) == (
        D("113.00"),
        D("10.00"),
        D("103.00"),
        2,
    )
    pix = summary.method(PaymentMethod.PIX)
    assert (pix.received, pix.reversed, pix.count) == (D("110.00"), D("0.00"), 2)
    debit = summary.method(PaymentMethod.DEBIT)
    assert (debit.received, debit.net) == (D("0.00"), D("-20.00"))
    assert [m.method for m in summary.by_method] == list(PaymentMethod)
    assert (summary.received, summary.reversed, summary.net) == (
        D("223.00"),
        D("30.00"),
        D("193.00"),
    )
    assert (summary.principal, summary.fee, summary.interest) == (
        D("190.00"),
        D("2.00"),
        D("1.00"),
    )
    by_id = {c.operator_id: c for c in summary.by_cashier}
    assert (by_id[cashier.id].received, by_id[cashier.id].reversed) == (D("113.00"), D("0.00"))
    assert (by_id[owner.id].received, by_id[owner.id].reversed, by_id[owner.id].net) == (
        D("110.00"),
        D("30.00"),
        D("80.00"),
    )
    assert sum((c.net for c in summary.by_cashier), D(0)) == summary.net

    assert summary.sales == day_close.SaleTotals(1, D("1000.00"), D("200.00"), D("800.00"))
    assert summary.agreements == day_close.AgreementTotals(
        1, D("100.00"), D("3.00"), D("100.00"), D("20.00")
    )
    due = summary.fell_due
    assert (due.count, due.amount, due.paid_count, due.paid_amount, due.open_principal) == (
        2,
        D("120.00"),
        1,
        D("60.00"),
        D("60.00"),
    )
    assert summary.write_offs == day_close.WriteOffTotals(1, D("70.00"))

    with db.unit_of_work() as uow:
        quiet = day_close.day_summary(uow.session, DAY + timedelta(days=1))
    assert (quiet.net, quiet.sales.count, quiet.fell_due.count) == (D(0), 0, 0)


def test_demo_days_add_up(db: Database) -> None:
    demo.create_demo_shop(db, today=DAY)
    with db.unit_of_work() as uow:
        payments = uow.session.execute(
            select(Payment.received_at, Payment.method, Payment.amount)
        ).all()
        sales = uow.session.execute(
            select(CreditSale.sold_on, CreditSale.status, CreditSale.financed_amount)
        ).all()
    busiest = max(
        {p.received_at.date() for p in payments},
        key=lambda d: sum(1 for p in payments if p.received_at.date() == d),
    )
    with db.unit_of_work() as uow:
        summary = day_close.day_summary(uow.session, busiest)
    by_method: dict[PaymentMethod, Decimal] = defaultdict(lambda: D(0))
    for p in payments:
        if p.received_at.date() == busiest:
            by_method[p.method] += p.amount
    assert {m.method: m.net for m in summary.by_method if m.net or m.count} == dict(by_method)
    assert summary.net == summary.principal + summary.fee + summary.interest
    sold = [s for s in sales if s.sold_on == busiest and s.status is SaleStatus.ACTIVE]
    assert summary.sales.count == len(sold)
    assert summary.sales.financed == sum((s.financed_amount for s in sold), D(0))
