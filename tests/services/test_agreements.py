"""Agreements and write-offs: the debt to the cent, the plan, the owner, the lifecycle."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AuditEvent,
    ContactAttempt,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    PaymentMethod,
    User,
)
from models.base import Money
from models.enums import AgreementStatus, ContactChannel, ContactOutcome
from services import agreements as ag
from services import audit, demo, users
from services import payments as pay
from services.db import Database
from services.settings import KEEP_DISCOUNT, AgreementPolicy, CollectionPolicy
from services.slips import parse_slip_code
from services.users import Operator
from services.validation import ValidationErrors

D = Decimal
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)
POLICY = AgreementPolicy()
COLLECTION = CollectionPolicy()  # 2 % fee, 1 % a month
_cpf = itertools.count(20_000_000_000)
HUNDRED = D("100.00")


# --- helpers -------------------------------------------------------------------------------------


def _user_id(session: Session, username: str) -> int:
    return session.scalars(select(User.id).where(User.username == username)).one()


@pytest.fixture
def people(db: Database) -> tuple[Operator, Operator]:
    """The demo shop's owner and cashier."""
    demo.generate(db, customers=0, sales=0, today=TODAY)
    with db.unit_of_work() as uow:
        return (
            users.operator_for(uow.session, _user_id(uow.session, "dono")),
            users.operator_for(uow.session, _user_id(uow.session, "caixa")),
        )


def make_customer(session: Session, name: str = "Ana Paula") -> int:
    customer = Customer(name=name, name_search=name.lower(), cpf=str(next(_cpf)), created_at=NOW)
    session.add(customer)
    session.flush()
    return customer.id


def make_sale(
    session: Session, customer_id: int, dues: Sequence[date], amount: Decimal = HUNDRED
) -> list[int]:
    total = amount * len(dues)
    sale = CreditSale(
        customer_id=customer_id,
        sold_on=min(dues) - timedelta(days=30),
        description="Geladeira",
        cash_price=total,
        down_payment=D(0),
        financed_amount=total,
        installment_count=len(dues),
        created_at=datetime(2026, 1, 1, 9),
    )
    session.add(sale)
    session.flush()
    items = [
        Installment(
            customer_id=customer_id,
            sale_id=sale.id,
            number=n,
            count=len(dues),
            due_date=due,
            amount=amount,
        )
        for n, due in enumerate(dues, start=1)
    ]
    session.add_all(items)
    session.flush()
    return [i.id for i in items]


# 60, 50 and 40 days late on 23/11/2026.
LATE_DUES = (date(2026, 9, 24), date(2026, 10, 4), date(2026, 10, 14))


def setup(db: Database, dues: Sequence[date] = LATE_DUES) -> tuple[int, list[int]]:
    with db.unit_of_work(write=True) as uow:
        customer_id = make_customer(uow.session)
        ids = make_sale(uow.session, customer_id, dues)
        uow.commit()
    return customer_id, ids


def debt(db: Database, customer_id: int, ids: Sequence[int], on: date = TODAY) -> ag.Debt:
    with db.unit_of_work() as uow:
        return ag.debt_for(uow.session, customer_id, ids, on=on)


def simulate(d: ag.Debt, policy: AgreementPolicy = POLICY, **terms: object) -> ag.AgreementPlan:
    return ag.simulate(
        d,
        ag.AgreementTerms(**terms),  # type: ignore[arg-type]
        policy,
        collection_policy=COLLECTION,
    )


def confirm(
    db: Database,
    plan: ag.AgreementPlan,
    operator: Operator,
    owner: Operator | None = None,
    now: datetime = NOW,
    **kw: object,
) -> int:
    with db.unit_of_work(write=True) as uow:
        return ag.confirm_agreement(
            uow,
            plan,
            customer_id=plan.debt.customer_id,
            installment_ids=list(plan.debt.installment_ids),
            expected_versions=plan.debt.versions,
            operator=operator,
            owner=owner,
            now=now,
            **kw,  # type: ignore[arg-type]
        )


def rows(db: Database, ids: Sequence[int]) -> list[Installment]:
    with db.unit_of_work() as uow:
        found = list(
            uow.session.scalars(
                select(Installment).where(Installment.id.in_(ids)).order_by(Installment.id)
            )
        )
        uow.session.expunge_all()
        return found


def agreement(db: Database, agreement_id: int) -> tuple[Agreement, list[Installment]]:
    with db.unit_of_work() as uow:
        row = uow.session.get(Agreement, agreement_id)
        assert row is not None
        insts = list(
            uow.session.scalars(
                select(Installment)
                .where(Installment.agreement_id == agreement_id)
                .order_by(Installment.number)
            )
        )
        uow.session.expunge_all()
        return row, insts


def open_total(db: Database, customer_id: int) -> Decimal:
    """The customer's open principal, as the customer's screen adds it up."""
    with db.unit_of_work() as uow:
        total = uow.session.scalar(
            select(
                type_coerce(func.sum(Installment.amount - Installment.principal_paid), Money)
            ).where(
                Installment.customer_id == customer_id,
                Installment.status == InstallmentStatus.OPEN,
            )
        )
        return total if total is not None else D("0.00")


def pay_installment(db: Database, customer_id: int, inst_id: int, on: date, who: Operator) -> None:
    with db.unit_of_work(write=True) as uow:
        pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[inst_id],
            amount=None,
            method=PaymentMethod.PIX,
            operator=who,
            now=datetime.combine(on, time(11)),
        )


def review(db: Database, on: date, policy: AgreementPolicy = POLICY) -> ag.ReviewResult:
    with db.unit_of_work(write=True) as uow:
        return ag.review_agreements(uow, on, policy)


# --- the debt ------------------------------------------------------------------------------------


def test_three_installments_40_50_60_days_late_to_the_cent(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, list(reversed(ids)))
    # Oldest first; fee 2 % once, interest 1 % a month pro rata die on 100,00.
    assert [(x.days_late, x.open_principal, x.fee, x.interest, x.total) for x in d.lines] == [
        (60, D("100.00"), D("2.00"), D("2.00"), D("104.00")),
        (50, D("100.00"), D("2.00"), D("1.67"), D("103.67")),
        (40, D("100.00"), D("2.00"), D("1.33"), D("103.33")),
    ]
    assert [x.installment_id for x in d.lines] == ids
    assert [x.origin for x in d.lines] == [f"Geladeira (venda nº {_sale_of(db, ids[0])})"] * 3
    assert (d.principal, d.fees, d.interest, d.charges, d.total) == (
        D("300.00"),
        D("6.00"),
        D("5.00"),
        D("11.00"),
        D("311.00"),
    )
    # The counter quotes exactly the same amounts.
    with db.unit_of_work() as uow:
        assert pay.quote(uow.session, ids, TODAY).total == d.total


def _sale_of(db: Database, inst_id: int) -> int:
    with db.unit_of_work() as uow:
        row = uow.session.get(Installment, inst_id)
        assert row is not None and row.sale_id is not None
        return row.sale_id


def test_an_upcoming_installment_of_a_financed_sale_enters_at_present_value(
    db: Database,
) -> None:
    with db.unit_of_work(write=True) as uow:
        customer_id = make_customer(uow.session)
        [late, upcoming] = make_sale(
            uow.session, customer_id, [date(2026, 10, 24), date(2026, 12, 23)]
        )
        sale = uow.session.get(CreditSale, _sale_of_session(uow.session, late))
        assert sale is not None
        sale.monthly_rate = D("3")
        uow.commit()
    d = debt(db, customer_id, [late, upcoming])
    # 30 days before its due date at 3 % a month: 100 / 1,03 = 97,09 (CDC art. 52 §2).
    assert [(x.rebate, x.principal, x.fee, x.interest) for x in d.lines] == [
        (D("0.00"), D("100.00"), D("2.00"), D("1.00")),
        (D("2.91"), D("97.09"), D("0.00"), D("0.00")),
    ]
    assert (d.principal, d.rebate, d.total) == (D("197.09"), D("2.91"), D("200.09"))


def _sale_of_session(session: Session, inst_id: int) -> int:
    row = session.get(Installment, inst_id)
    assert row is not None and row.sale_id is not None
    return row.sale_id


def test_only_open_installments_of_that_customer(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    customer_id, ids = setup(db)
    other_id, [foreign, *_] = setup(db)
    with pytest.raises(ag.AgreementRefused, match="é de outro cliente"):
        debt(db, customer_id, [ids[0], foreign])
    with pytest.raises(ag.AgreementRefused, match="Parcela não encontrada"):
        debt(db, customer_id, [ids[0], 999_999])
    with pytest.raises(ag.AgreementRefused, match="escolhida duas vezes"):
        debt(db, customer_id, [ids[0], ids[0]])
    with pytest.raises(ag.AgreementRefused, match="ao menos uma"):
        debt(db, customer_id, [])
    pay_installment(db, customer_id, ids[0], TODAY, owner)
    with pytest.raises(ag.AgreementRefused, match="A parcela 1/3 já está paga"):
        debt(db, customer_id, ids)
    confirm(db, simulate(debt(db, customer_id, ids[1:]), count=0), owner)
    with pytest.raises(ag.AgreementRefused, match="A parcela 2/3 já foi renegociada"):
        debt(db, customer_id, ids[1:2])
    assert other_id != customer_id


# --- the simulator -------------------------------------------------------------------------------


def test_four_installments_without_interest_and_ten_percent_off_the_charges(
    db: Database,
) -> None:
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), count=4, charges_discount_pct=D("10"))
    assert (plan.charges_discount, plan.principal_discount, plan.discount) == (
        D("1.10"),
        D("0.00"),
        D("1.10"),
    )
    assert plan.total == D("309.90")  # 300,00 + 6,00 + 5,00 − 1,10
    assert [(p.number, p.due_date, p.amount) for p in plan.schedule] == [
        (1, date(2026, 12, 23), D("77.47")),
        (2, date(2027, 1, 23), D("77.47")),
        (3, date(2027, 2, 23), D("77.47")),
        (4, date(2027, 3, 23), D("77.49")),  # the remainder on the last
    ]
    assert plan.schedule_total == plan.total
    assert (plan.down_payment, plan.financing_interest, plan.violations) == (D(0), D(0), ())
    assert plan.rate_warning is None
    assert (plan.breach_days, plan.breach_clause) == (30, "lose_discount")


def test_price_table_at_two_percent_with_a_down_payment(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, ids)
    plan = simulate(
        d, count=4, charges_discount=D("1.10"), down_payment=D("50.00"), monthly_rate=D("2")
    )
    assert plan.total == D("309.90")
    assert [(p.number, p.due_date, p.amount, p.is_down_payment) for p in plan.schedule] == [
        (1, TODAY, D("50.00"), True),
        (2, date(2026, 12, 23), D("68.26"), False),
        (3, date(2027, 1, 23), D("68.26"), False),
        (4, date(2027, 2, 23), D("68.26"), False),
        (5, date(2027, 3, 23), D("68.24"), False),
    ]
    # 259,90 financed at 2 % a month in 4: the Price installments carry 13,12 of interest.
    assert plan.financing_interest == D("13.12")
    assert plan.schedule_total == D("323.02") == plan.total + plan.financing_interest
    assert plan.rate_warning is not None and "26,82 %" in plan.rate_warning
    without_down = simulate(d, count=4, charges_discount=D("1.10"), monthly_rate=D("2"))
    assert [p.amount for p in without_down.schedule] == [D("81.39")] * 3 + [D("81.38")]


def test_pay_in_full_today_and_day_of_month(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, ids)
    cash = simulate(d, count=0, charges_discount_pct=D("100"))
    assert [(p.due_date, p.amount, p.is_down_payment) for p in cash.schedule] == [
        (TODAY, D("300.00"), True)
    ]
    assert (cash.down_payment, cash.count, cash.total) == (D("300.00"), 0, D("300.00"))
    # Day 31, first at least 25 days away: 31/12, then clamped at February's end, back to 31.
    monthly = simulate(d, count=3, day_of_month=31)
    assert [p.due_date for p in monthly.schedule] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
    ]
    assert [p.amount for p in monthly.schedule] == [D("103.66"), D("103.66"), D("103.68")]


def test_beyond_the_limits_are_violations_in_portuguese(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, ids)
    plan = simulate(d, count=15, principal_discount_pct=D("15"))
    assert plan.principal_discount == D("45.00")
    assert plan.total == D("266.00")
    assert plan.violations == (
        "Desconto de 15,00 % no valor principal, acima do limite de 10,00 %.",
        "15 parcelas, acima do máximo de 12.",
        "Parcela de R$ 17,73, abaixo do mínimo de R$ 20,00.",
    )
    tight = AgreementPolicy(max_discount_charges_pct=D("50"))
    assert simulate(d, tight, count=0, charges_discount=D("5.50")).violations == ()
    assert simulate(d, tight, count=0, charges_discount=D("5.51")).violations == (
        "Desconto de 50,09 % na multa e nos juros, acima do limite de 50,00 %.",
    )
    # Exactly 10 % of the principal is within the limit.
    assert simulate(d, count=2, principal_discount=D("30.00")).violations == ()


def test_impossible_terms_are_refused_by_field(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, ids)

    def errors(**terms: object) -> dict[str, str]:
        with pytest.raises(ValidationErrors) as caught:
            simulate(d, **terms)
        return caught.value.by_field()

    assert errors(count=3, charges_discount=D("11.01")) == {
        "charges_discount": "O desconto passa da multa e dos juros (R$ 11,00)."
    }
    assert errors(count=3, charges_discount=D("1"), charges_discount_pct=D("5")) == {
        "charges_discount": "Informe o desconto em reais ou em %, não os dois."
    }
    assert errors(count=3, down_payment=D("311.00")) == {
        "down_payment": "A entrada deve ser menor que o total do acordo (R$ 311,00); para pagar "
        "tudo hoje escolha à vista."
    }
    assert errors(count=0, down_payment=D("10.00")) == {
        "down_payment": "No pagamento à vista não há entrada: o total vence hoje."
    }
    assert errors(count=3, first_due=TODAY) == {
        "first_due": "O 1º vencimento deve ser depois de hoje."
    }
    assert errors(count=-1, monthly_rate=D("11")) == {
        "count": "Número de parcelas entre 0 (à vista) e 120.",
        "monthly_rate": "Taxa de juros entre 0 % e 10 % ao mês.",
    }
    assert errors(count=3, principal_discount_pct=D("100"), charges_discount_pct=D("100")) == {
        "principal_discount": "Com esse desconto não sobra nada a pagar: para perdoar a dívida, "
        "use a baixa por perda."
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    principal=st.integers(min_value=2_000, max_value=2_000_000),
    charges=st.integers(min_value=0, max_value=50_000),
    discount_pct=st.integers(min_value=0, max_value=100),
    down=st.integers(min_value=0, max_value=99),
    count=st.integers(min_value=1, max_value=24),
    rate=st.sampled_from([D(0), D("1"), D("2.5"), D("4.99")]),
)
def test_every_plan_adds_up_to_the_cent(
    principal: int, charges: int, discount_pct: int, down: int, count: int, rate: Decimal
) -> None:
    fees = (D(charges) / 100 / 3).quantize(D("0.01"))
    interest = D(charges) / 100 - fees
    cents = D(principal) / 100
    d = ag.Debt(1, TODAY, (), cents, fees, interest, D("0.00"), cents + fees + interest)
    total_before = d.total
    down_payment = (total_before * down / 100).quantize(D("0.01")) if down else D("0.00")
    try:
        plan = simulate(
            d,
            count=count,
            charges_discount_pct=D(discount_pct),
            down_payment=down_payment,
            monthly_rate=rate,
        )
    except ValidationErrors:
        return  # e.g. a down payment that leaves nothing to finance
    assert plan.total == plan.principal + plan.fees + plan.interest - plan.discount
    assert plan.schedule_total == plan.total + plan.financing_interest
    assert plan.schedule[0].amount == plan.down_payment or not plan.down_payment
    if rate == 0:
        assert plan.schedule_total == plan.total
    else:
        assert plan.financing_interest > 0
    assert len(plan.installments) == count


def test_standard_options_side_by_side(db: Database) -> None:
    customer_id, ids = setup(db)
    d = debt(db, customer_id, ids)
    found = ag.options(d, POLICY, collection_policy=COLLECTION)
    assert [(o.label, o.plan.count, o.plan.total) for o in found] == [
        ("À vista, hoje, com 100,00 % de desconto na multa e nos juros", 0, D("300.00")),
        ("3x sem juros", 3, D("311.00")),
        ("6x sem juros", 6, D("311.00")),
        ("12x sem juros", 12, D("311.00")),
    ]
    assert all(not o.plan.violations for o in found)
    # A debt of 104,00 fits five installments of at least 20,00 at most.
    small = debt(db, customer_id, ids[:1])
    labels = [o.label for o in ag.options(small, POLICY, collection_policy=COLLECTION)]
    assert labels[1:] == ["3x sem juros", "5x sem juros"]


# --- confirming ----------------------------------------------------------------------------------


def test_confirming_renegotiates_the_old_installments(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    with db.unit_of_work(write=True) as uow:  # an unrelated open installment stays as it was
        other = make_sale(uow.session, customer_id, [date(2027, 1, 10)])
        uow.commit()
    assert open_total(db, customer_id) == D("400.00")
    plan = simulate(debt(db, customer_id, ids), count=4, charges_discount_pct=D("10"))
    agreement_id = confirm(db, plan, owner, notes="  Cliente   desempregada ")

    row, new = agreement(db, agreement_id)
    assert (row.principal, row.fees, row.interest, row.discount, row.total) == (
        D("300.00"),
        D("6.00"),
        D("5.00"),
        D("1.10"),
        D("309.90"),
    )
    assert (row.down_payment, row.installment_count, row.monthly_rate) == (D(0), 4, D(0))
    assert (row.status, row.breach_clause, row.agreed_on) == (
        AgreementStatus.ACTIVE,
        "lose_discount",
        TODAY,
    )
    assert (row.operator_id, row.authorized_by_id, row.notes) == (
        owner.id,
        owner.id,
        "Cliente desempregada",
    )
    assert [(i.number, i.count, i.due_date, i.amount, i.status) for i in new] == [
        (1, 4, date(2026, 12, 23), D("77.47"), InstallmentStatus.OPEN),
        (2, 4, date(2027, 1, 23), D("77.47"), InstallmentStatus.OPEN),
        (3, 4, date(2027, 2, 23), D("77.47"), InstallmentStatus.OPEN),
        (4, 4, date(2027, 3, 23), D("77.49"), InstallmentStatus.OPEN),
    ]
    assert all(i.slip_code is not None and parse_slip_code(i.slip_code) == i.id for i in new)
    assert all(i.customer_id == customer_id and i.sale_id is None for i in new)
    old = rows(db, ids)
    assert [(i.status, i.renegotiated_into_id) for i in old] == [
        (InstallmentStatus.RENEGOTIATED, agreement_id)
    ] * 3
    assert rows(db, other)[0].status is InstallmentStatus.OPEN
    # The old installments are no longer open; the agreement's are.
    assert open_total(db, customer_id) == D("409.90")  # 309,90 + the unrelated 100,00
    with pytest.raises(pay.PaymentRefused, match="não está em aberto"), db.unit_of_work() as uow:
        pay.quote(uow.session, ids, TODAY)

    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agreement.create")
        ).one()
        assert (event.entity_id, event.customer_id, event.user_id) == (
            agreement_id,
            customer_id,
            owner.id,
        )
        assert event.after is not None and event.after["total"] == "309.90"
        assert [s["amount"] for s in event.after["schedule"]] == ["77.47"] * 3 + ["77.49"]
        assert event.before is not None
        assert {v["status"] for v in event.before["installments"].values()} == {"open"}
        assert audit.verify(uow.session).ok
    assert cashier.id != owner.id


def test_a_down_payment_is_the_first_installment_due_today(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    plan = simulate(
        debt(db, customer_id, ids),
        count=4,
        charges_discount=D("1.10"),
        down_payment=D("50.00"),
        monthly_rate=D("2"),
    )
    agreement_id = confirm(db, plan, owner)
    row, new = agreement(db, agreement_id)
    assert (row.total, row.down_payment, row.installment_count, row.monthly_rate) == (
        D("309.90"),
        D("50.00"),
        4,
        D("2"),
    )
    assert [(i.number, i.count, i.due_date, i.amount) for i in new] == [
        (1, 5, TODAY, D("50.00")),
        (2, 5, date(2026, 12, 23), D("68.26")),
        (3, 5, date(2027, 1, 23), D("68.26")),
        (4, 5, date(2027, 2, 23), D("68.26")),
        (5, 5, date(2027, 3, 23), D("68.24")),
    ]
    # The counter receives the down payment like any installment, with nothing added.
    with db.unit_of_work() as uow:
        assert pay.quote(uow.session, [new[0].id], TODAY).total == D("50.00")
        # Paying the second one today sheds a month of the agreement's 2 % (CDC art. 52 §2).
        early = pay.quote(uow.session, [new[1].id], TODAY)
        assert early.rebate == D("1.34") and early.total == D("66.92")
    pay_installment(db, customer_id, new[0].id, TODAY, cashier)
    assert open_total(db, customer_id) == D("273.02")


def test_beyond_the_limits_only_with_the_owner_and_recorded(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), count=6, principal_discount_pct=D("15"))
    assert plan.violations
    with pytest.raises(ag.AgreementRefused) as refused:
        confirm(db, plan, cashier)
    assert str(refused.value) == (
        "Acordo fora dos limites: Desconto de 15,00 % no valor principal, acima do limite de "
        "10,00 %. Só com a autorização do dono."
    )
    with pytest.raises(ag.AgreementRefused, match="autorização do dono"):
        confirm(db, plan, cashier, owner=cashier)
    assert all(i.status is InstallmentStatus.OPEN for i in rows(db, ids))
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Agreement)) == 0

    agreement_id = confirm(db, plan, cashier, owner=owner)
    row, _ = agreement(db, agreement_id)
    assert (row.operator_id, row.authorized_by_id, row.discount) == (
        cashier.id,
        owner.id,
        D("45.00"),
    )
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agreement.create")
        ).one()
        assert (event.user_id, event.authorized_by_id) == (cashier.id, owner.id)
        assert event.after is not None
        assert event.after["overridden_limits"] == list(plan.violations)


def test_agreements_are_the_owners_even_within_the_limits(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), count=3)
    with pytest.raises(ag.AgreementRefused, match="Somente o dono pode fechar um acordo"):
        confirm(db, plan, cashier)
    with db.unit_of_work(write=True) as uow:  # a deactivated owner no longer signs
        user = uow.session.get(User, owner.id)
        assert user is not None
        user.active = False
        uow.commit()
    with pytest.raises(ag.AgreementRefused, match="Somente o dono"):
        confirm(db, plan, cashier, owner=owner)


def test_a_plan_whose_parts_do_not_add_up_is_refused(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), count=4, charges_discount_pct=D("10"))
    bad_total = dataclasses.replace(plan, total=D("300.00"))
    with pytest.raises(ag.AgreementRefused, match="O total do acordo não confere"):
        confirm(db, bad_total, owner)
    cut = dataclasses.replace(
        plan,
        schedule=(*plan.schedule[:-1], dataclasses.replace(plan.schedule[-1], amount=D("50.00"))),
    )
    with pytest.raises(ag.AgreementRefused, match="não somam o total acordado"):
        confirm(db, cut, owner)
    # Parts that add up but are not what the terms give (a discount slipped in) are refused too.
    sneaky = dataclasses.replace(
        plan,
        charges_discount=D("11.00"),
        discount=D("11.00"),
        total=D("300.00"),
        schedule=tuple(dataclasses.replace(p, amount=D("75.00")) for p in plan.schedule),
    )
    with pytest.raises(ag.AgreementRefused, match="mudaram desde a simulação"):
        confirm(db, sneaky, owner)
    with pytest.raises(ag.AgreementRefused, match="simule de novo com a data de hoje"):
        confirm(db, plan, owner, now=NOW + timedelta(days=1))
    with db.unit_of_work(write=True) as uow:  # the settings changed after the preview
        from services import settings as settings_service

        settings_service.save_section(
            uow.session, "agreements", AgreementPolicy(breach_days=45), user_id=owner.id, now=NOW
        )
        uow.commit()
    with pytest.raises(ag.AgreementRefused, match="mudaram desde a simulação"):
        confirm(db, plan, owner)
    assert all(i.status is InstallmentStatus.OPEN for i in rows(db, ids))


def test_a_payment_after_the_simulation_is_a_conflict(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), count=3)
    pay_installment(db, customer_id, ids[0], TODAY, cashier)
    with pytest.raises(ag.AgreementConflict) as caught:
        confirm(db, plan, owner)
    assert str(caught.value) == ag.CONFLICT_MESSAGE


def test_two_agreements_over_the_same_installments_one_wins(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    url = db.engine.url.render_as_string(hide_password=False)
    counters = [Database.open(url), Database.open(url)]
    try:
        for _ in range(5):
            customer_id, ids = setup(db)
            barrier = threading.Barrier(2)
            outcomes: list[object] = [None, None]

            def counter(
                n: int,
                customer_id: int = customer_id,
                ids: list[int] = ids,
                barrier: threading.Barrier = barrier,
                outcomes: list[object] = outcomes,
            ) -> None:
                counter_db = counters[n]
                with counter_db.unit_of_work() as uow:
                    seen = ag.debt_for(uow.session, customer_id, ids, on=TODAY)
                plan = simulate(seen, count=(3, 6)[n])
                barrier.wait()
                try:
                    outcomes[n] = confirm(counter_db, plan, owner)
                except Exception as exc:
                    outcomes[n] = exc

            threads = [threading.Thread(target=counter, args=(n,)) for n in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            won = [o for o in outcomes if isinstance(o, int)]
            lost = [o for o in outcomes if isinstance(o, ag.AgreementConflict)]
            assert len(won) == 1 and len(lost) == 1, outcomes
            assert str(lost[0]) == ag.CONFLICT_MESSAGE
            old = rows(db, ids)
            assert {i.renegotiated_into_id for i in old} == {won[0]}
            with db.unit_of_work() as uow:
                signed = uow.session.scalar(
                    select(func.count())
                    .select_from(Agreement)
                    .where(Agreement.customer_id == customer_id)
                )
                assert signed == 1
            assert open_total(db, customer_id) == D("311.00")
    finally:
        for c in counters:
            c.dispose()


# --- lifecycle -----------------------------------------------------------------------------------


def _signed(
    db: Database, owner: Operator, policy: AgreementPolicy = POLICY
) -> tuple[int, int, list[Installment]]:
    if policy != POLICY:
        from services import settings as settings_service

        with db.unit_of_work(write=True) as uow:
            settings_service.save_section(
                uow.session, "agreements", policy, user_id=owner.id, now=NOW
            )
            uow.commit()
    customer_id, ids = setup(db)
    plan = simulate(debt(db, customer_id, ids), policy, count=4, charges_discount_pct=D("10"))
    agreement_id = confirm(db, plan, owner)
    return customer_id, agreement_id, agreement(db, agreement_id)[1]


def test_broken_on_the_31st_day_late_and_the_lost_discount_comes_back(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, agreement_id, new = _signed(db, owner)
    pay_installment(db, customer_id, new[0].id, date(2026, 12, 23), cashier)
    second_due = new[1].due_date
    assert second_due == date(2027, 1, 23)
    day = TODAY
    while day < second_due + timedelta(days=31):  # walk the calendar up to the 30th day late
        assert review(db, day) == ag.ReviewResult(), day
        day += timedelta(days=1)
    assert day == date(2027, 2, 23)
    assert agreement(db, agreement_id)[0].status is AgreementStatus.ACTIVE
    result = review(db, day)  # 31 days late
    assert result.broken == (agreement_id,) and result.fulfilled == ()
    row, insts = agreement(db, agreement_id)
    assert (row.status, row.broken_on) == (AgreementStatus.BROKEN, date(2027, 2, 23))
    # 1,10 of discount × 232,43 unpaid ÷ 309,90 agreed = 0,825… → 0,83, due at once.
    [(_, extra_id, amount)] = result.lost_discounts
    assert amount == D("0.83")
    extra = insts[-1]
    assert (extra.id, extra.number, extra.count, extra.due_date, extra.amount) == (
        extra_id,
        5,
        5,
        date(2027, 2, 23),
        D("0.83"),
    )
    assert extra.slip_code is not None
    # The rest goes back to collection: the agreement's open installments stay open.
    assert open_total(db, customer_id) == D("233.26")  # 77,47 × 2 + 77,49 + 0,83
    assert review(db, day) == ag.ReviewResult()  # idempotent
    assert review(db, day + timedelta(days=40)) == ag.ReviewResult()
    assert len(agreement(db, agreement_id)[1]) == 5
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agreement.broken")
        ).one()
        assert event.after is not None and event.after["lost_discount"]["amount"] == "0.83"


def test_keep_discount_breaks_without_adding_anything(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    policy = AgreementPolicy(breach_clause=KEEP_DISCOUNT, breach_days=10)
    customer_id, agreement_id, new = _signed(db, owner, policy)
    assert agreement(db, agreement_id)[0].breach_clause == KEEP_DISCOUNT
    assert review(db, date(2027, 1, 2), policy) == ag.ReviewResult()  # 10 days late
    result = review(db, date(2027, 1, 3), policy)
    assert result == ag.ReviewResult(broken=(agreement_id,))
    assert len(agreement(db, agreement_id)[1]) == 4
    assert open_total(db, customer_id) == D("309.90")
    assert new[0].due_date == date(2026, 12, 23)


def test_the_clause_signed_is_the_one_applied(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    """Settings changed to keep_discount after signing: the agreement still loses it."""
    owner, _ = people
    _, agreement_id, _ = _signed(db, owner)
    later = AgreementPolicy(breach_clause=KEEP_DISCOUNT)
    result = review(db, date(2027, 1, 23), later)  # the first installment 31 days late
    assert result.broken == (agreement_id,)
    assert [a for a, _, _ in result.lost_discounts] == [agreement_id]
    assert result.lost_discounts[0][2] == D("1.10")  # nothing was paid: all of it


def test_fulfilled_when_everything_is_paid(db: Database, people: tuple[Operator, Operator]) -> None:
    owner, cashier = people
    customer_id, agreement_id, new = _signed(db, owner)
    for n, inst in enumerate(new):
        pay_installment(db, customer_id, inst.id, inst.due_date + timedelta(days=n), cashier)
        result = review(db, inst.due_date + timedelta(days=n))
        if n < 3:
            assert result == ag.ReviewResult()
    assert result == ag.ReviewResult(fulfilled=(agreement_id,))
    row, insts = agreement(db, agreement_id)
    assert (row.status, row.fulfilled_on) == (AgreementStatus.FULFILLED, date(2027, 3, 26))
    assert all(i.status is InstallmentStatus.PAID for i in insts)
    assert open_total(db, customer_id) == D("0.00")
    assert review(db, date(2027, 6, 1)) == ag.ReviewResult()


# --- write-off -----------------------------------------------------------------------------------


def test_write_off_is_the_owners_with_a_reason_and_can_still_be_recovered(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, ids = setup(db)
    now = datetime(2026, 11, 23, 15, 0)
    with (
        pytest.raises(ag.AgreementRefused, match="Somente o dono"),
        db.unit_of_work(write=True) as uow,
    ):
        ag.write_off(uow, customer_id=customer_id, reason="Mudou-se", owner=cashier, now=now)
    with (
        pytest.raises(ag.AgreementRefused, match="Informe o motivo"),
        db.unit_of_work(write=True) as uow,
    ):
        ag.write_off(uow, customer_id=customer_id, reason="   ", owner=owner, now=now)
    with db.unit_of_work(write=True) as uow:
        result = ag.write_off(
            uow,
            customer_id=customer_id,
            installment_ids=ids[:2],
            reason=" Mudou-se sem  endereço ",
            owner=owner,
            now=now,
        )
    assert result == ag.WriteOffResult(tuple(ids[:2]), D("200.00"))
    first, second, third = rows(db, ids)
    assert (first.status, first.written_off_on, first.write_off_reason) == (
        InstallmentStatus.WRITTEN_OFF,
        TODAY,
        "Mudou-se sem endereço",
    )
    assert second.status is InstallmentStatus.WRITTEN_OFF
    assert third.status is InstallmentStatus.OPEN
    assert open_total(db, customer_id) == D("100.00")
    # The rest of the customer, by customer.
    with db.unit_of_work(write=True) as uow:
        rest = ag.write_off(uow, customer_id=customer_id, reason="Perda", owner=owner, now=now)
    assert rest.installment_ids == (ids[2],)
    with (
        pytest.raises(ag.AgreementRefused, match="não tem parcelas em aberto"),
        db.unit_of_work(write=True) as uow,
    ):
        ag.write_off(uow, customer_id=customer_id, reason="Perda", owner=owner, now=now)
    with db.unit_of_work() as uow:
        events = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "installment.write_off")
            )
        )
        assert [e.after["principal"] for e in events if e.after] == ["200.00", "100.00"]
        assert all(e.user_id == owner.id for e in events)

    # A written-off debt can still be received: the payment is a recovery.
    with db.unit_of_work(write=True) as uow:
        received = pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=[ids[0]],
            amount=None,
            method=PaymentMethod.CASH,
            operator=cashier,
            now=datetime(2026, 12, 1, 10, 0),
        )
    assert received.is_recovery
    assert received.principal == D("100.00")
    assert received.fee == D("2.00")  # 68 days late: fee 2,00, interest 2,27
    assert received.interest == D("2.27")
    assert rows(db, ids[:1])[0].status is InstallmentStatus.PAID


def test_write_off_suggestions(db: Database, people: tuple[Operator, Operator]) -> None:
    owner, _ = people
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        silent = make_customer(s, "Bruno Silencioso")
        make_sale(s, silent, [date(2026, 3, 10)], D("80.00"))
        talking = make_customer(s, "Carla Atende")
        make_sale(s, talking, [date(2026, 3, 10)], D("80.00"))
        s.add(
            ContactAttempt(
                customer_id=talking,
                at=datetime(2026, 11, 13, 10),
                channel=ContactChannel.PHONE,
                outcome=ContactOutcome.PROMISED,
            )
        )
        unanswered = make_customer(s, "Davi Nunca Atende")
        make_sale(s, unanswered, [date(2026, 3, 10)], D("80.00"))
        s.add(
            ContactAttempt(
                customer_id=unanswered,
                at=datetime(2026, 11, 13, 10),
                channel=ContactChannel.PHONE,
                outcome=ContactOutcome.NO_ANSWER,
            )
        )
        old = make_customer(s, "Alice Antiga")
        make_sale(s, old, [date(2021, 11, 22)], D("900.00"))
        recent = make_customer(s, "Eva Recente")
        make_sale(s, recent, [date(2026, 3, 10)], D("900.00"))
        fresh = make_customer(s, "Fábio Novo")
        make_sale(s, fresh, [date(2026, 11, 1)], D("50.00"))
        uow.commit()
    with db.unit_of_work() as uow:
        found = ag.write_off_suggestions(uow.session, TODAY, POLICY)
    assert [(x.name, x.reasons) for x in found] == [
        (
            "Alice Antiga",
            (
                "Dívida vencida em 22/11/2021, há mais de 5 anos: prescrita "
                "(Código Civil art. 206 §5 I).",
            ),
        ),
        (
            "Bruno Silencioso",
            ("Dívida de R$ 80,00, abaixo de R$ 100,00, e sem resposta há 258 dias.",),
        ),
        (
            "Davi Nunca Atende",
            ("Dívida de R$ 80,00, abaixo de R$ 100,00, e sem resposta há 258 dias.",),
        ),
    ]
    assert found[1].open_principal == D("80.00") and found[1].last_answer is None
    # Exactly five years is not yet prescribed; a day later it is.
    with db.unit_of_work() as uow:
        earlier = ag.write_off_suggestions(uow.session, date(2026, 11, 22), POLICY)
    assert "Alice Antiga" not in [x.name for x in earlier]
    assert owner.is_owner


def test_an_agreement_written_off_is_broken_without_a_lost_discount(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    customer_id, agreement_id, new = _signed(db, owner)
    pay_installment(db, customer_id, new[0].id, date(2026, 12, 23), cashier)
    with db.unit_of_work(write=True) as uow:
        ag.write_off(
            uow,
            customer_id=customer_id,
            reason="Falecimento",
            owner=owner,
            now=datetime(2027, 1, 5, 9),
        )
    result = review(db, date(2027, 1, 6))
    assert result == ag.ReviewResult(broken=(agreement_id,))
    row, insts = agreement(db, agreement_id)
    assert (row.status, row.broken_on) == (AgreementStatus.BROKEN, date(2027, 1, 5))
    assert len(insts) == 4
    assert review(db, date(2027, 3, 1)) == ag.ReviewResult()
