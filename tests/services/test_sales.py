"""Credit sales: the preview told to the customer, the credit check, and the stored sale."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from models import AuditEvent, Customer, Installment, User
from models.credit import CreditSale
from services import demo, users
from services.db import Database
from services.printing import PrintJob, carne_for_sale, disclosure_for_sale, render
from services.sales import (
    CreditRefused,
    SaleRequest,
    create_sale,
    first_due_for_day,
    preview_sale,
)
from services.users import Operator
from services.validation import ValidationErrors
from tests.documents.conftest import decode

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)
D = Decimal


@pytest.fixture
def shop(db: Database) -> Database:
    """The demo shop's identity and users (dono, caixa), no customers."""
    demo.generate(db, customers=0, sales=0, today=TODAY)
    return db


def _customer(db: Database, *, limit: str = "5000.00", blocked: bool = False, cpf: str = "") -> int:
    with db.unit_of_work(write=True) as uow:
        row = Customer(
            name="Ana Souza",
            name_search="ana souza",
            cpf=cpf or "52998224725",
            credit_limit=D(limit),
            blocked=blocked,
            city="Campinas",
            uf="SP",
            street="Rua das Flores",
            number="10",
            cep="13010000",
            created_at=NOW - timedelta(days=400),
        )
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


def _operator(db: Database, username: str) -> Operator:
    with db.unit_of_work() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
        assert user_id is not None
        return users.operator_for(uow.session, user_id)


def _owner(db: Database) -> Operator:
    with db.unit_of_work(write=True) as uow:
        owner = users.authorize_owner(uow.session, "dono", "demo1234", NOW)
        uow.commit()
    return owner


def _request(customer_id: int, **changes: object) -> SaleRequest:
    values: dict[str, object] = {
        "customer_id": customer_id,
        "description": "Sofá 3 lugares; Mesa de centro",
        "cash_price": D("1200.00"),
        "down_payment": D("200.00"),
        "count": 10,
        "monthly_rate": D("0"),
        "first_due": date(2026, 12, 23),
    }
    values.update(changes)
    return SaleRequest(**values)  # type: ignore[arg-type]


def _preview(db: Database, request: SaleRequest, today: date = TODAY):  # type: ignore[no-untyped-def]
    with db.unit_of_work() as uow:
        return preview_sale(uow.session, request, today)


def _create(db: Database, request: SaleRequest, operator: Operator, **kw: object) -> int:
    now = kw.pop("now", NOW)
    with db.unit_of_work(write=True) as uow:
        sale_id = create_sale(uow.session, request, operator=operator, now=now, **kw)  # type: ignore[arg-type]
        uow.commit()
    return sale_id


# --- the plan ----------------------------------------------------------------------------------


def test_zero_rate_ten_installments_of_100(shop: Database) -> None:
    p = _preview(shop, _request(_customer(shop)))
    assert p.financed_amount == D("1000.00")
    assert [i.amount for i in p.installments] == [D("100.00")] * 10
    assert [i.due_date for i in p.installments][:3] == [
        date(2026, 12, 23),
        date(2027, 1, 23),
        date(2027, 2, 23),
    ]
    assert p.installments_total == D("1000.00")
    assert p.total_with_financing == D("1200.00") == p.cash_price
    assert p.interest_total == D("0.00")
    assert p.cet_yearly_pct == D("0.00")
    assert p.yearly_rate_pct == D("0.00")
    assert p.rate_warning is None
    assert (p.late_fee_pct, p.late_interest_monthly_pct) == (D("2.00"), D("1.00"))
    assert p.credit_approved and p.credit.reasons == ()


def _price_pmt(pv: Fraction, i: Fraction, n: int) -> Fraction:
    return pv * i / (1 - 1 / (1 + i) ** n)


def _cents(x: Fraction) -> Decimal:
    """Half up to the cent, computed without Decimal's context."""
    return Decimal(math.floor(x * 100 + Fraction(1, 2))) / 100


def test_two_and_a_half_percent_price_and_cet(shop: Database) -> None:
    p = _preview(shop, _request(_customer(shop), monthly_rate=D("2.5")))
    exact = _price_pmt(Fraction(1000), Fraction(25, 1000), 10)  # 114,2587…
    regular = _cents(exact)
    assert regular == D("114.26")
    last = _cents(exact * 10) - 9 * regular
    assert last == D("114.25")
    assert [i.amount for i in p.installments] == [regular] * 9 + [last]
    assert p.installment_amount == D("114.26")
    assert p.installments_total == D("1142.59")
    assert p.total_with_financing == D("1342.59")
    assert p.interest_total == D("142.59")
    assert p.yearly_rate_pct == D("34.49")  # 1,025^12 − 1 = 34,4889 %
    assert p.rate_warning is not None and "34,49" in p.rate_warning

    # CET (Res. CMN 4.881/2020): the yearly rate that discounts the plan, days/365, to the financed
    # amount. Checked independently: the present value crosses R$ 1.000,00 within ±0,005 % of it.
    def present_value(yearly_pct: float) -> float:
        rate = yearly_pct / 100
        return sum(
            float(i.amount) * (1 + rate) ** (-(i.due_date - TODAY).days / 365)
            for i in p.installments
        )

    cet = float(p.cet_yearly_pct)
    assert present_value(cet - 0.005) > 1000 > present_value(cet + 0.005)
    assert 34 < cet < 35.5


def test_day_of_month_rule_across_months(shop: Database) -> None:
    # Sold 23/11 for day 31: 30/11 is only 7 days away → 31/12, then clamped in February.
    assert first_due_for_day(31, TODAY) == date(2026, 12, 31)
    # Day 10 on 23/11: 10/12 is 17 days away (< 25) → 10/01.
    assert first_due_for_day(10, TODAY) == date(2027, 1, 10)
    # Exactly 25 days is enough: 23/11 + 25 = 18/12.
    assert first_due_for_day(18, TODAY) == date(2026, 12, 18)
    assert first_due_for_day(17, TODAY) == date(2027, 1, 17)
    customer = _customer(shop)
    p = _preview(shop, _request(customer, first_due=None, day_of_month=31, count=4))
    assert [i.due_date for i in p.installments] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
    # A first due clamped to 28/02 does not drag the later ones to the 28th.
    sold = date(2027, 1, 10)
    assert first_due_for_day(30, sold) == date(2027, 2, 28)
    p = _preview(shop, _request(customer, first_due=None, day_of_month=30, count=3), sold)
    assert [i.due_date for i in p.installments] == [
        date(2027, 2, 28),
        date(2027, 3, 30),
        date(2027, 4, 30),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cash_price": D("0")}, "cash_price"),
        ({"down_payment": D("1200.00")}, "down_payment"),
        ({"down_payment": D("-1")}, "down_payment"),
        ({"cash_price": D("10.001")}, "cash_price"),
        ({"count": 0}, "count"),
        ({"count": 13}, "count"),  # settings: at most 12
        ({"monthly_rate": D("10.01")}, "monthly_rate"),
        ({"monthly_rate": D("-0.5")}, "monthly_rate"),
        ({"first_due": TODAY}, "first_due"),
        ({"first_due": TODAY + timedelta(days=91)}, "first_due"),
        ({"first_due": None}, "first_due"),
        ({"first_due": None, "day_of_month": 32}, "day_of_month"),
        ({"description": "  "}, "description"),
        ({"count": 12, "cash_price": D("300.00"), "down_payment": D("100.00")}, "count"),
    ],
)
def test_invalid_requests_name_the_field(
    shop: Database, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationErrors) as info:
        _preview(shop, _request(_customer(shop), **changes))
    assert field in info.value.by_field()


def test_minimum_installment_message(shop: Database) -> None:
    request = _request(_customer(shop), count=12, cash_price=D("300.00"), down_payment=D("100"))
    with pytest.raises(ValidationErrors) as info:
        _preview(shop, request)
    assert info.value.by_field()["count"] == (
        "Parcela de R$ 16,66 abaixo do mínimo de R$ 20,00: reduza o número de parcelas."
    )


def test_float_money_refused(shop: Database) -> None:
    with pytest.raises(ValidationErrors) as info:
        _preview(shop, _request(_customer(shop), cash_price=1200.0))
    assert "cash_price" in info.value.by_field()


def test_preview_writes_nothing(shop: Database) -> None:
    _preview(shop, _request(_customer(shop)))
    with shop.unit_of_work() as uow:
        assert uow.session.scalars(select(CreditSale)).first() is None


# --- storing the sale --------------------------------------------------------------------------


def test_created_sale_matches_preview_and_prints(shop: Database) -> None:
    customer = _customer(shop)
    request = _request(customer, monthly_rate=D("2.5"))
    preview = _preview(shop, request)
    sale_id = _create(shop, request, _operator(shop, "caixa"))
    with shop.unit_of_work() as uow:
        s = uow.session
        sale = s.get(CreditSale, sale_id)
        assert sale is not None
        assert (sale.cash_price, sale.down_payment, sale.financed_amount) == (
            D("1200.00"),
            D("200.00"),
            D("1000.00"),
        )
        assert (sale.monthly_rate, sale.cet_yearly) == (D("2.5"), preview.cet_yearly_pct)
        assert sale.credit_override_by_id is None
        rows = list(sale.installments)
        assert [(r.number, r.count, r.due_date, r.amount) for r in rows] == [
            (i.number, 10, i.due_date, i.amount) for i in preview.installments
        ]
        assert sum(r.amount for r in rows) == D("1142.59")
        assert all(r.slip_code and r.slip_code[:11] == f"{r.id:011d}" for r in rows)

        carne = carne_for_sale(s, sale_id)
        assert [(x.installment, x.due_date, x.amount, x.code) for x in carne.slips] == [
            (r.number, r.due_date, r.amount, r.slip_code) for r in rows
        ]
        disclosure = disclosure_for_sale(s, sale_id)
        assert disclosure.installments_total == preview.installments_total == D("1142.59")
        assert disclosure.total_with_financing == preview.total_with_financing == D("1342.59")
        assert disclosure.financed_amount == D("1000.00")
        assert disclosure.cet_yearly_pct == preview.cet_yearly_pct
        assert disclosure.yearly_rate_pct == preview.yearly_rate_pct
        assert disclosure.items == ("Sofá 3 lugares", "Mesa de centro")

        pdf = render(s, PrintJob("carne", sale_id, TODAY))
        codes = sorted(d.text for d in decode(pdf) if d.format.endswith("ITF"))
        assert codes == sorted(r.slip_code or "" for r in rows)
        assert render(s, PrintJob("disclosure", sale_id, TODAY)).startswith(b"%PDF")

        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "sale.create")).one()
        assert event.entity_id == sale_id and event.customer_id == customer
        assert event.after is not None and event.after["installments_total"] == "1142.59"


def test_credit_refusal_reasons(shop: Database) -> None:
    over = _customer(shop, limit="500.00")
    p = _preview(shop, _request(over))
    assert not p.credit_approved
    assert p.credit.reasons == (
        "Valor financiado (R$ 1.000,00) acima do limite disponível (R$ 500,00).",
    )

    blocked = _customer(shop, blocked=True, cpf="11144477735")
    assert _preview(shop, _request(blocked)).credit.reasons == (
        "Cliente bloqueado para novas compras.",
    )

    # An earlier sale whose first installment fell due 45 days ago and is still open.
    late = _customer(shop, cpf="39053344705")
    first_due = TODAY - timedelta(days=45)
    _create(
        shop,
        _request(late, cash_price=D("300.00"), down_payment=D("0"), count=3, first_due=first_due),
        _operator(shop, "caixa"),
        now=datetime(2026, 9, 1, 9, 0),
    )
    p = _preview(shop, _request(late))
    assert p.credit.used == D("300.00")
    assert p.credit.available == D("4700.00")
    assert p.credit.reasons == ("Parcela em atraso há 45 dias (máximo permitido: 30).",)


def test_cashier_alone_is_refused_and_nothing_is_written(shop: Database) -> None:
    customer = _customer(shop, limit="500.00")
    with pytest.raises(CreditRefused) as info:
        _create(shop, _request(customer), _operator(shop, "caixa"))
    assert info.value.reasons == (
        "Valor financiado (R$ 1.000,00) acima do limite disponível (R$ 500,00).",
    )
    assert "Só o dono" in str(info.value)
    # A cashier passed as "owner" does not count either.
    with pytest.raises(CreditRefused):
        _create(
            shop,
            _request(customer),
            _operator(shop, "caixa"),
            owner=_operator(shop, "caixa"),
            override_reason="cliente antigo",
        )
    with shop.unit_of_work() as uow:
        assert uow.session.scalars(select(CreditSale)).first() is None
        assert uow.session.scalars(select(Installment)).first() is None


def test_owner_override_needs_a_reason_and_is_recorded(shop: Database) -> None:
    customer = _customer(shop, limit="500.00")
    cashier, owner = _operator(shop, "caixa"), _owner(shop)
    with pytest.raises(ValidationErrors) as info:
        _create(shop, _request(customer), cashier, owner=owner, override_reason="  ")
    assert "override_reason" in info.value.by_field()

    sale_id = _create(
        shop, _request(customer), cashier, owner=owner, override_reason="Cliente há 10 anos"
    )
    with shop.unit_of_work() as uow:
        sale = uow.session.get(CreditSale, sale_id)
        assert sale is not None
        assert sale.operator_id == cashier.id
        assert sale.credit_override_by_id == owner.id
        assert sale.credit_override_reason == "Cliente há 10 anos"
        override = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "credit.override")
        ).one()
        assert (override.user_id, override.authorized_by_id) == (cashier.id, owner.id)
        assert override.customer_id == customer
        assert override.after == {"requested": "1000.00", "reason": "Cliente há 10 anos"}
        created = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sale.create")
        ).one()
        assert created.authorized_by_id == owner.id


def test_approved_sale_ignores_an_unneeded_owner(shop: Database) -> None:
    customer = _customer(shop)
    sale_id = _create(
        shop, _request(customer), _operator(shop, "caixa"), owner=_owner(shop), override_reason="x"
    )
    with shop.unit_of_work() as uow:
        sale = uow.session.get(CreditSale, sale_id)
        assert sale is not None and sale.credit_override_by_id is None


def test_limit_is_spent_by_the_first_sale(shop: Database) -> None:
    customer = _customer(shop, limit="1500.00")
    cashier = _operator(shop, "caixa")
    _create(shop, _request(customer), cashier)
    with pytest.raises(CreditRefused):
        _create(shop, _request(customer), cashier)


def test_two_counters_cannot_spend_the_same_limit(shop: Database) -> None:
    """Both sales fit the limit alone, not together: the write transaction serialises them."""
    import threading

    customer = _customer(shop, limit="1500.00")
    cashier = _operator(shop, "caixa")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sell() -> None:
        barrier.wait()
        try:
            _create(shop, _request(customer), cashier)
            outcomes.append("sold")
        except CreditRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=sell) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused", "sold"]
    with shop.unit_of_work() as uow:
        assert len(uow.session.scalars(select(CreditSale)).all()) == 1
