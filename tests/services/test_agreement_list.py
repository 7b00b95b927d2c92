"""The agreements list: each agreement's recovered money and open balance, and the totals."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from models import PaymentMethod, User
from models.enums import AgreementStatus
from services import agreements as ag
from services import demo, users
from services import payments as pay
from services.agreement_list import AgreementRow, StatusTotal, agreement_rows, status_totals
from services.db import Database
from services.settings import AgreementPolicy, CollectionPolicy
from services.users import Operator
from tests.services.test_agreements import LATE_DUES, make_customer, make_sale

D = Decimal
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


def demo_people(db: Database) -> tuple[Operator, Operator]:
    """The demo shop's owner ("dono") and cashier ("caixa"), with no customers."""
    demo.generate(db, customers=0, sales=0, today=TODAY)
    with db.unit_of_work() as uow:
        found = []
        for name in ("dono", "caixa"):
            user_id = uow.session.scalars(select(User.id).where(User.username == name)).one()
            found.append(users.operator_for(uow.session, user_id))
        return found[0], found[1]


def sign_agreement(
    db: Database,
    owner: Operator,
    name: str,
    *,
    now: datetime = NOW,
    dues: tuple[date, ...] = LATE_DUES,
) -> tuple[int, int]:
    """Three R$ 100,00 installments 60, 50 and 40 days late, renegotiated in 4 installments
    with 10 % off the charges: R$ 309,90 (77,47 × 3 + 77,49), the first due on 23/12/2026.
    Returns (customer id, agreement id)."""
    with db.unit_of_work(write=True) as uow:
        customer_id = make_customer(uow.session, name)
        ids = make_sale(uow.session, customer_id, dues)
        uow.commit()
    with db.unit_of_work() as uow:
        debt = ag.debt_for(uow.session, customer_id, ids, on=now.date())
    plan = ag.simulate(
        debt,
        ag.AgreementTerms(count=4, charges_discount_pct=D("10")),
        AgreementPolicy(),
        collection_policy=CollectionPolicy(),
    )
    with db.unit_of_work(write=True) as uow:
        agreement_id = ag.confirm_agreement(
            uow,
            plan,
            customer_id=customer_id,
            installment_ids=list(debt.installment_ids),
            expected_versions=debt.versions,
            operator=owner,
            owner=None,
            now=now,
        )
    return customer_id, agreement_id


def agreement_installments(db: Database, agreement_id: int) -> list[int]:
    from models import Installment

    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(Installment.id)
                .where(Installment.agreement_id == agreement_id)
                .order_by(Installment.number)
            )
        )


def pay_one(
    db: Database, customer_id: int, inst_id: int, on: date, who: Operator
) -> pay.PaymentResult:
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[inst_id],
            amount=None,
            method=PaymentMethod.PIX,
            operator=who,
            now=datetime.combine(on, time(11)),
        )


def rows(db: Database, status: AgreementStatus | None = None) -> list[AgreementRow]:
    with db.unit_of_work() as uow:
        return agreement_rows(uow.session, status)


def totals(db: Database) -> dict[AgreementStatus, StatusTotal]:
    with db.unit_of_work() as uow:
        return status_totals(uow.session)


def test_an_agreement_with_nothing_paid_yet(db: Database) -> None:
    owner, _ = demo_people(db)
    customer_id, agreement_id = sign_agreement(db, owner, "Ana Paula")
    assert rows(db) == [
        AgreementRow(
            agreement_id=agreement_id,
            customer_id=customer_id,
            name="Ana Paula",
            agreed_on=TODAY,
            status=AgreementStatus.ACTIVE,
            total=D("309.90"),
            recovered=D("0.00"),
            open_balance=D("309.90"),
            paid_count=0,
            installment_count=4,
            broken_on=None,
            fulfilled_on=None,
        )
    ]
    assert totals(db)[AgreementStatus.ACTIVE] == StatusTotal(
        AgreementStatus.ACTIVE, 1, D("309.90"), D("0.00"), D("309.90")
    )
    assert totals(db)[AgreementStatus.FULFILLED] == StatusTotal(
        AgreementStatus.FULFILLED, 0, D("0.00"), D("0.00"), D("0.00")
    )


def test_recovered_counts_the_charges_paid_late_and_nets_a_reversal(db: Database) -> None:
    owner, cashier = demo_people(db)
    customer_id, agreement_id = sign_agreement(db, owner, "Ana Paula")
    first, second, *_ = agreement_installments(db, agreement_id)
    on_time = pay_one(db, customer_id, first, date(2026, 12, 23), cashier)
    assert on_time.amount == D("77.47")
    # The second one (due 23/01/2027) paid 10 days late: 77,47 + the 2 % fee 1,54 (the legal
    # cap, rounded down) + 1 % a month pro rata die for 10 days 0,26 = 79,27.
    late = pay_one(db, customer_id, second, date(2027, 2, 2), cashier)
    assert (late.fee, late.interest, late.amount) == (D("1.54"), D("0.26"), D("79.27"))
    [row] = rows(db)
    assert (row.recovered, row.open_balance, row.paid_count, row.installment_count) == (
        D("156.74"),  # 77,47 + 79,27
        D("154.96"),  # 77,47 + 77,49
        2,
        4,
    )
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(
            uow, late.payment_id, reason="Pix devolvido", owner=owner, now=datetime(2027, 2, 3, 9)
        )
    [row] = rows(db)
    assert (row.recovered, row.open_balance, row.paid_count) == (D("77.47"), D("232.43"), 1)


def test_by_status_with_the_totals_of_each(db: Database) -> None:
    owner, cashier = demo_people(db)
    kept_customer, kept = sign_agreement(db, owner, "Bruno Cumpridor")
    broken_customer, broken = sign_agreement(db, owner, "Carla Rompeu")
    for inst in agreement_installments(db, kept):
        pay_one(db, kept_customer, inst, date(2026, 12, 23), cashier)
    first_of_broken = agreement_installments(db, broken)[0]
    pay_one(db, broken_customer, first_of_broken, date(2026, 12, 23), cashier)
    with db.unit_of_work(write=True) as uow:
        # The broken one's second installment (23/01/2027) is 31 days late on 23/02/2027.
        result = ag.review_agreements(uow, date(2027, 2, 23), AgreementPolicy())
    assert (result.fulfilled, result.broken) == ((kept,), (broken,))
    assert [r.agreement_id for r in rows(db)] == [broken, kept]  # same day: newest first
    [fulfilled] = rows(db, AgreementStatus.FULFILLED)
    assert (fulfilled.name, fulfilled.recovered, fulfilled.open_balance) == (
        "Bruno Cumpridor",
        D("309.90"),
        D("0.00"),
    )
    assert (fulfilled.paid_count, fulfilled.installment_count) == (4, 4)
    [lost] = rows(db, AgreementStatus.BROKEN)
    # 1,10 × 232,43 ÷ 309,90 = 0,83 of the discount comes back as a fifth installment.
    assert (lost.name, lost.recovered, lost.open_balance) == (
        "Carla Rompeu",
        D("77.47"),
        D("233.26"),
    )
    assert (lost.paid_count, lost.installment_count, lost.broken_on) == (1, 5, date(2027, 2, 23))
    assert rows(db, AgreementStatus.ACTIVE) == []
    by_status = totals(db)
    assert by_status[AgreementStatus.FULFILLED] == StatusTotal(
        AgreementStatus.FULFILLED, 1, D("309.90"), D("309.90"), D("0.00")
    )
    assert by_status[AgreementStatus.BROKEN] == StatusTotal(
        AgreementStatus.BROKEN, 1, D("309.90"), D("77.47"), D("233.26")
    )
    assert by_status[AgreementStatus.ACTIVE].count == 0
