"""Paying a financed installment before its due date: interest is reduced (CDC art. 52 §2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from models import AuditEvent, CreditSale, Installment, InstallmentStatus, PaymentAllocation
from models.enums import PaymentMethod
from services import payments as pay
from services.charges import early_settlement_value
from services.db import Database
from services.documents.receipt import render_receipt
from services.printing import receipt_for_payment
from services.users import Operator
from tests.documents.conftest import normalized_text, save_png
from tests.services.test_payments import PAID_ON, receive, setup
from tests.services.test_payments import people as people

D = Decimal
HUNDREDS = (D("100.00"),) * 4  # due 10/01, 10/02, 10/03 and 10/04/2026; paid on 09/02/2026


def _financed(db: Database, rate: str = "2.00") -> tuple[int, list[int]]:
    customer_id, ids = setup(db, HUNDREDS)
    with db.unit_of_work(write=True) as uow:
        sale_id = uow.session.scalar(select(Installment.sale_id).where(Installment.id == ids[0]))
        uow.session.execute(
            update(CreditSale).where(CreditSale.id == sale_id).values(monthly_rate=D(rate))
        )
        uow.commit()
    return customer_id, ids


def _installment(db: Database, installment_id: int) -> Installment:
    with db.unit_of_work() as uow:
        inst = uow.session.get(Installment, installment_id)
        assert inst is not None
        uow.session.expunge(inst)
        return inst


def test_worked_example_sixty_days_early_at_two_percent(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _owner, cashier = people
    customer_id, ids = _financed(db)
    fourth = ids[3]  # due 10/04/2026: 60 days after 09/02/2026
    # 100,00 / 1,02^(60/30) = 100 / 1,0404 = 96,1168… → 96,12; 3,88 of interest taken off.
    assert early_settlement_value(D("100.00"), date(2026, 4, 10), PAID_ON.date(), D(2)) == D(
        "96.12"
    )
    with db.unit_of_work() as uow:
        quote = pay.quote(uow.session, [fourth], PAID_ON.date())
    (line,) = quote.lines
    assert (line.open_principal, line.rebate, line.total) == (D("100.00"), D("3.88"), D("96.12"))
    assert (quote.total, quote.rebate) == (D("96.12"), D("3.88"))

    result = receive(
        db,
        customer_id,
        installment_ids=[fourth],
        operator=cashier,
        method=PaymentMethod.CASH,
        tendered=D("100.00"),
        expected_versions=quote.versions,
    )
    assert (result.amount, result.principal, result.rebate) == (D("96.12"), D("96.12"), D("3.88"))
    assert result.change == D("3.88")
    assert result.settled_installment_ids == (fourth,)
    stored = _installment(db, fourth)
    assert stored.status is InstallmentStatus.PAID
    assert stored.principal_paid == D("100.00")  # 96,12 paid + 3,88 reduced
    with db.unit_of_work() as uow:
        alloc = uow.session.scalars(
            select(PaymentAllocation).where(PaymentAllocation.payment_id == result.payment_id)
        ).one()
        assert (alloc.principal, alloc.rebate) == (D("96.12"), D("3.88"))
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment.receive")
        ).one()
        assert event.after is not None and event.after["rebate"] == "3.88"
        receipt = receipt_for_payment(uow.session, result.payment_id)

    for size in ("roll", "a4"):
        pdf = render_receipt(receipt, size)  # type: ignore[arg-type]
        save_png(pdf, f"recibo-antecipado-{size}")
        text = normalized_text(pdf)[0]
        assert "Desconto por pagamento antecipado (CDC art. 52 §2)" in text
        assert "R$ 3,88" in text
        assert "TOTAL PAGO R$ 96,12" in text


def test_an_interest_free_sale_has_nothing_to_reduce(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _owner, cashier = people
    customer_id, ids = _financed(db, rate="0")
    with db.unit_of_work() as uow:
        quote = pay.quote(uow.session, [ids[3]], PAID_ON.date())
    assert (quote.total, quote.rebate) == (D("100.00"), D("0.00"))
    result = receive(db, customer_id, installment_ids=[ids[3]], operator=cashier)
    assert (result.amount, result.rebate) == (D("100.00"), D("0.00"))


def test_a_partial_payment_of_a_future_installment_gets_no_reduction(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _owner, cashier = people
    customer_id, ids = _financed(db)
    result = receive(db, customer_id, installment_ids=[ids[3]], amount=D("50.00"), operator=cashier)
    assert (result.principal, result.rebate) == (D("50.00"), D("0.00"))
    stored = _installment(db, ids[3])
    assert stored.status is InstallmentStatus.OPEN and stored.principal_paid == D("50.00")
    # Settling the rest later, still early, reduces what is left: 50 / 1,0404 → 48,06.
    with db.unit_of_work() as uow:
        quote = pay.quote(uow.session, [ids[3]], PAID_ON.date())
    assert (quote.total, quote.rebate) == (D("48.06"), D("1.94"))


def test_only_installments_not_yet_due_are_reduced(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _owner, cashier = people
    customer_id, ids = _financed(db)
    # 10/01 is 30 days late (2 % fee, 1 % interest a month by default → 1,00); 10/02 is due
    # tomorrow: 100 / 1,02^(1/30) = 99,934… → 99,93.
    with db.unit_of_work() as uow:
        quote = pay.quote(uow.session, ids[:2], PAID_ON.date())
    late, tomorrow = quote.lines
    assert late.rebate == D("0.00") and late.fee == D("2.00")
    assert (tomorrow.rebate, tomorrow.total) == (D("0.07"), D("99.93"))
    result = receive(db, customer_id, installment_ids=ids[:2], operator=cashier)
    assert result.amount == late.total + D("99.93")
    assert result.rebate == D("0.07")
    assert _installment(db, ids[1]).principal_paid == D("100.00")


def test_a_reversal_restores_the_reduced_principal(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = _financed(db)
    result = receive(db, customer_id, installment_ids=[ids[3]], operator=cashier)
    with db.unit_of_work(write=True) as uow:
        reversal_id = pay.reverse_payment(
            uow, result.payment_id, reason="pago por engano", owner=owner, now=PAID_ON
        )
    stored = _installment(db, ids[3])
    assert stored.status is InstallmentStatus.OPEN and stored.principal_paid == D("0.00")
    with db.unit_of_work() as uow:
        parts = uow.session.execute(
            select(PaymentAllocation.principal, PaymentAllocation.rebate).where(
                PaymentAllocation.payment_id == reversal_id
            )
        ).one()
    assert tuple(parts) == (D("-96.12"), D("-3.88"))


@pytest.mark.parametrize("surplus", ["credit_next"])
def test_credit_to_the_next_installments_reduces_what_it_settles(
    db: Database, people: tuple[Operator, Operator], surplus: str
) -> None:
    _owner, cashier = people
    customer_id, ids = _financed(db)
    receive(db, customer_id, installment_ids=ids[:2], operator=cashier)
    # Pay the 10/03 installment (29 days early) and credit 96,12 more: it settles 10/04 too.
    with db.unit_of_work() as uow:
        quote = pay.quote(uow.session, [ids[2]], PAID_ON.date())
    amount = quote.total + D("96.12")
    result = receive(
        db,
        customer_id,
        installment_ids=[ids[2]],
        amount=amount,
        surplus=surplus,
        operator=cashier,
    )
    assert set(result.settled_installment_ids) == {ids[2], ids[3]}
    assert result.rebate == quote.rebate + D("3.88")
