"""The overdue list: who is late, the amounts the counter would charge, the band totals."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    CreditSale,
    Customer,
    CustomerPhone,
    Installment,
    InstallmentStatus,
    PaymentMethod,
    PromiseStatus,
    PromiseToPay,
    User,
)
from services import customers as cs
from services import demo, users
from services import overdue as od
from services import payments as pay
from services import settings as settings_service
from services.bands import DEFAULT_BANDS
from services.db import Database
from services.profile import profile_for
from services.settings import CollectionPolicy
from services.users import Operator

D = Decimal
TODAY = date(2026, 11, 23)
POLICY = CollectionPolicy()  # 2 % fee, 1 % a month, no grace days
_cpf = itertools.count(20_000_000_000)


# --- helpers -------------------------------------------------------------------------------------


def add_customer(session: Session, name: str, **fields: object) -> int:
    from services.text import normalize_name

    customer = Customer(
        name=name,
        name_search=normalize_name(name),
        cpf=str(next(_cpf)),
        created_at=datetime(2025, 1, 5, 9),
        **fields,
    )
    session.add(customer)
    session.flush()
    return customer.id


def add_sale(session: Session, customer_id: int, dues: Sequence[tuple[date, Decimal]]) -> list[int]:
    total = sum((amount for _, amount in dues), D(0))
    sale = CreditSale(
        customer_id=customer_id,
        sold_on=date(2025, 6, 1),
        description="Sofá",
        cash_price=total,
        down_payment=D(0),
        financed_amount=total,
        installment_count=len(dues),
        created_at=datetime(2025, 6, 1, 9),
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
        for n, (due, amount) in enumerate(dues, start=1)
    ]
    session.add_all(items)
    session.flush()
    return [i.id for i in items]


def rows(db: Database, today: date = TODAY, **kw: object) -> list[od.OverdueRow]:
    kw.setdefault("policy", POLICY)
    with db.unit_of_work() as uow:
        return od.overdue_rows(uow.session, today, **kw)  # type: ignore[arg-type]


def operators(db: Database) -> tuple[Operator, Operator]:
    """The demo shop's users (owner, cashier) on an empty shop."""
    demo.generate(db, customers=0, sales=0, today=TODAY)
    with db.unit_of_work() as uow:
        ids = dict(uow.session.execute(select(User.username, User.id)).all())
        return (
            users.operator_for(uow.session, ids["dono"]),
            users.operator_for(uow.session, ids["caixa"]),
        )


def receive(
    db: Database, customer_id: int, amount: Decimal, now: datetime, operator: Operator
) -> int:
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=None,
            amount=amount,
            method=PaymentMethod.PIX,
            operator=operator,
            now=now,
        ).payment_id


@pytest.fixture
def demo_rows(db: Database) -> Iterator[list[od.OverdueRow]]:
    demo.create_demo_shop(db, today=TODAY)
    with db.unit_of_work() as uow:
        yield od.overdue_rows(uow.session, TODAY)


# --- worked examples -----------------------------------------------------------------------------


def test_a_late_customer_to_the_cent(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        ana = add_customer(s, "Ana Paula Souza", city="Ribeirão Preto", district="Centro")
        s.add(CustomerPhone(customer_id=ana, number="16991234567", whatsapp=True, position=0))
        paid, first, second, future = add_sale(
            s,
            ana,
            [
                (date(2026, 9, 24), D("100.00")),
                (date(2026, 10, 24), D("100.00")),  # 30 days late
                (date(2026, 11, 13), D("50.00")),  # 10 days late
                (date(2026, 12, 10), D("50.00")),  # not yet due
            ],
        )
        s.execute(
            update(Installment)
            .where(Installment.id == paid)
            .values(
                status=InstallmentStatus.PAID,
                principal_paid=D("100.00"),
                settled_on=date(2026, 9, 24),
            )
        )
        add_customer(s, "Bruno Em Dia")  # nothing open: not listed
        uow.commit()

    [row] = rows(db)
    # 100,00: fee 2 % = 2,00; interest 1 % a month × 30/30 = 1,00.
    # 50,00: fee 1,00; interest 50 × 1 % × 10/30 = 0,1666… → 0,17.
    assert (row.customer_id, row.name, row.installments) == (ana, "Ana Paula Souza", 2)
    assert (row.principal, row.fee, row.interest, row.total) == (
        D("150.00"),
        D("3.00"),
        D("1.17"),
        D("154.17"),
    )
    assert (row.days_late, row.band.key, row.band.label) == (30, "atraso_8_30", "8–30 dias")
    assert (row.oldest_due, row.next_due) == (date(2026, 10, 24), date(2026, 12, 10))
    assert [p.formatted for p in row.phones] == ["(16) 99123-4567"]
    assert (row.city, row.district) == ("Ribeirão Preto", "Centro")
    assert row.cpf_masked == f"***.{row.cpf[3:6]}.{row.cpf[6:9]}-**"
    assert row.cpf_formatted.count(".") == 2 and "-" in row.cpf_formatted
    assert (row.last_contact, row.promise, row.paused, row.reported) == (None, None, False, False)
    # The profile letter is the customer screen's.
    with db.unit_of_work() as uow:
        history = cs.payment_history(uow.session, ana, TODAY, grace_days=0)
    assert row.profile == profile_for(history)
    del first, second, future


def test_each_installment_is_what_the_counter_charges(db: Database) -> None:
    owner, cashier = operators(db)
    with db.unit_of_work(write=True) as uow:
        carla = add_customer(uow.session, "Carla Dias")
        ids = add_sale(
            uow.session,
            carla,
            [(date(2026, 8, 7), D("123.45")), (date(2026, 9, 7), D("123.45"))],
        )
        uow.commit()
    # A partial payment in October pays interest and fee first (art. 354), then some principal;
    # a second one is reversed, so it paid nothing.
    receive(db, carla, D("60.00"), datetime(2026, 10, 1, 10), cashier)
    undone = receive(db, carla, D("30.00"), datetime(2026, 10, 20, 10), cashier)
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(
            uow, undone, reason="Cheque devolvido", owner=owner, now=datetime(2026, 10, 21, 9)
        )

    with db.unit_of_work() as uow:
        policy = settings_service.load(uow.session).policy
        quote = pay.quote(uow.session, ids, TODAY)
    [row] = rows(db, policy=policy)
    assert (row.principal, row.fee, row.interest, row.total) == (
        quote.principal,
        quote.fee,
        quote.interest,
        quote.total,
    )
    assert row.principal < D("246.90")  # the first payment reached principal


def test_grace_days_charge_nothing_inside_them(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        inside = add_customer(uow.session, "Dentro Da Carencia")
        add_sale(uow.session, inside, [(TODAY - timedelta(days=3), D("200.00"))])
        past = add_customer(uow.session, "Fora Da Carencia")
        add_sale(uow.session, past, [(TODAY - timedelta(days=6), D("200.00"))])
        uow.commit()
    policy = replace(POLICY, grace_days=5)

    by_id = {r.customer_id: r for r in rows(db, policy=policy)}
    # Listed (they are late: the D+1 reminder is for them), in "1–7 dias", with no charges.
    assert (by_id[inside].days_late, by_id[inside].band.key) == (3, "atraso_1_7")
    assert (by_id[inside].fee, by_id[inside].interest) == (D(0), D(0))
    # Past the grace days, interest counts from the due date: 200 × 1 % × 6/30 = 0,40.
    assert (by_id[past].fee, by_id[past].interest, by_id[past].total) == (
        D("4.00"),
        D("0.40"),
        D("204.40"),
    )
    # Only those past the grace days, when asked.
    assert [r.customer_id for r in rows(db, policy=policy, after_grace=True)] == [past]


def test_not_open_is_not_late(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        for status in InstallmentStatus:
            if status in (InstallmentStatus.OPEN, InstallmentStatus.RENEGOTIATED):
                continue  # a renegotiated one needs an agreement; not open either way
            cid = add_customer(s, f"Cliente {status.value.title()} Silva")
            [iid] = add_sale(s, cid, [(date(2026, 10, 1), D("80.00"))])
            values: dict[str, object] = {"status": status}
            if status is InstallmentStatus.PAID:
                values.update(principal_paid=D("80.00"), settled_on=date(2026, 10, 2))
            s.execute(update(Installment).where(Installment.id == iid).values(**values))
        due_today = add_customer(s, "Vence Hoje Santos")
        add_sale(s, due_today, [(TODAY, D("80.00"))])
        uow.commit()
    assert rows(db) == []


# --- promises and contacts -----------------------------------------------------------------------


def test_promise_status_as_of_today(db: Database) -> None:
    _, cashier = operators(db)
    made = datetime(2026, 11, 10, 15)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        names = ("Pendente", "Quebrada", "Cumprida", "Antiga", "Cancelada")
        ids = {n: add_customer(s, f"Promessa {n} Lima") for n in names}
        for cid in ids.values():
            add_sale(s, cid, [(date(2026, 10, 20), D("100.00")), (date(2026, 12, 20), D("100"))])
        s.add_all(
            [
                PromiseToPay(
                    customer_id=ids["Pendente"],
                    made_at=made,
                    promised_date=date(2026, 11, 30),
                    amount=D("50.00"),
                ),
                PromiseToPay(
                    customer_id=ids["Quebrada"],
                    made_at=made,
                    promised_date=date(2026, 11, 20),
                    amount=D("50.00"),
                ),
                PromiseToPay(
                    customer_id=ids["Cumprida"],
                    made_at=made,
                    promised_date=date(2026, 11, 20),
                    amount=D("50.00"),
                ),
                # About a debt paid long ago: before the oldest open one fell due.
                PromiseToPay(
                    customer_id=ids["Antiga"],
                    made_at=datetime(2026, 3, 1, 10),
                    promised_date=date(2026, 3, 10),
                    amount=D("50.00"),
                ),
                PromiseToPay(
                    customer_id=ids["Cancelada"],
                    made_at=made,
                    promised_date=date(2026, 11, 20),
                    amount=D("50.00"),
                    status=PromiseStatus.CANCELLED,
                ),
            ]
        )
        uow.commit()
    # Paid 30 towards the broken one (not enough), 50 towards the kept one, before the date.
    receive(db, ids["Quebrada"], D("30.00"), datetime(2026, 11, 18, 11), cashier)
    receive(db, ids["Cumprida"], D("50.00"), datetime(2026, 11, 19, 11), cashier)

    with db.unit_of_work() as uow:
        policy = settings_service.load(uow.session).policy
    by_id = {r.customer_id: r for r in rows(db, policy=policy)}
    pending = by_id[ids["Pendente"]].promise
    broken = by_id[ids["Quebrada"]].promise
    assert pending is not None and broken is not None
    assert (pending.status, pending.promised_date, pending.amount, pending.paid) == (
        PromiseStatus.PENDING,
        date(2026, 11, 30),
        D("50.00"),
        D("0.00"),
    )
    assert (broken.status, broken.paid) == (PromiseStatus.BROKEN, D("30.00"))
    for name in ("Cumprida", "Antiga", "Cancelada"):
        assert by_id[ids[name]].promise is None, name

    promise = od.OverdueFilters(promise="broken")
    assert [r.customer_id for r in rows(db, policy=policy, filters=promise)] == [ids["Quebrada"]]
    none = od.OverdueFilters(promise="none")
    assert {r.customer_id for r in rows(db, policy=policy, filters=none)} == {
        ids[n] for n in ("Cumprida", "Antiga", "Cancelada")
    }


def test_last_contact_is_the_latest(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        cid = add_customer(s, "Edu Contato")
        add_sale(s, cid, [(date(2026, 11, 1), D("70.00"))])
        at = datetime(2026, 11, 20, 10)
        s.add_all(
            [
                ContactAttempt(
                    customer_id=cid,
                    at=at - timedelta(days=5),
                    channel=ContactChannel.PHONE,
                    outcome=ContactOutcome.NO_ANSWER,
                ),
                ContactAttempt(
                    customer_id=cid,
                    at=at,
                    channel=ContactChannel.WHATSAPP,
                    outcome=ContactOutcome.PROMISED,
                    cadence_step="contact",
                ),
            ]
        )
        uow.commit()
    [row] = rows(db)
    assert row.last_contact == od.LastContact(
        at, ContactChannel.WHATSAPP, ContactOutcome.PROMISED, "contact"
    )


# --- the demo shop -------------------------------------------------------------------------------


def test_demo_rows_equal_the_counter_and_the_customer_screen(
    db: Database, demo_rows: list[od.OverdueRow]
) -> None:
    assert len(demo_rows) > 30
    assert {r.band.key for r in demo_rows} == {b.key for b in od.overdue_bands(DEFAULT_BANDS)}
    with db.unit_of_work() as uow:
        s = uow.session
        for row in demo_rows:
            late = list(
                s.scalars(
                    select(Installment.id).where(
                        Installment.customer_id == row.customer_id,
                        Installment.status == InstallmentStatus.OPEN,
                        Installment.due_date < TODAY,
                    )
                )
            )
            quote = pay.quote(s, late, TODAY)
            assert (row.principal, row.fee, row.interest, row.total, row.installments) == (
                quote.principal,
                quote.fee,
                quote.interest,
                quote.total,
                len(late),
            ), row.name
            detail = cs.customer_detail(s, row.customer_id, TODAY)
            assert row.band == detail.band
            assert row.profile == detail.profile, row.name
            assert row.days_late == max(i.days_late for i in detail.installments)
            assert row.bureau_reported_on == detail.bureau_reported_on


def test_band_totals_equal_the_sum_of_the_rows(demo_rows: list[od.OverdueRow]) -> None:
    summary = od.band_summary(demo_rows, DEFAULT_BANDS)
    assert [t.band.key for t in summary.bands if t.band] == [
        b.key for b in DEFAULT_BANDS if b.key not in ("em_dia", "vence_em_breve")
    ]
    for totals in summary.bands:
        assert totals.band is not None
        mine = [r for r in demo_rows if r.band.key == totals.band.key]
        assert totals.customers == len(mine) > 0
        assert totals.installments == sum(r.installments for r in mine)
        assert totals.principal == sum((r.principal for r in mine), D(0))
        assert totals.total == sum((r.total for r in mine), D(0))
        assert totals.total == totals.principal + totals.fee + totals.interest
    total = summary.total
    assert total.label == "Total"
    assert total.customers == len(demo_rows) == sum(t.customers for t in summary.bands)
    assert total.total == sum((r.total for r in demo_rows), D(0))
    assert total.principal == sum((t.principal for t in summary.bands), D(0))


def test_an_empty_band_is_still_listed() -> None:
    summary = od.band_summary([], DEFAULT_BANDS)
    assert len(summary.bands) == 5
    assert all(t.customers == 0 and t.total == 0 for t in summary.bands)
    assert summary.total.total == D("0.00")


def test_filters(db: Database, demo_rows: list[od.OverdueRow]) -> None:
    def only(filters: od.OverdueFilters) -> list[od.OverdueRow]:
        with db.unit_of_work() as uow:
            return od.overdue_rows(uow.session, TODAY, filters=filters)

    assert only(od.OverdueFilters()) == demo_rows
    late_90 = only(od.OverdueFilters(bands=frozenset({"atraso_90_mais"})))
    assert late_90 and all(r.days_late > 90 for r in late_90)
    letters = only(od.OverdueFilters(profiles=frozenset({"A", "B"})))
    assert letters and {r.profile.letter for r in letters} <= {"A", "B"}
    low, high = D("100.00"), D("500.00")
    middle = only(od.OverdueFilters(min_total=low, max_total=high))
    assert middle and all(low <= r.total <= high for r in middle)
    assert len(middle) == sum(1 for r in demo_rows if low <= r.total <= high)
    district = demo_rows[0].district
    here = only(od.OverdueFilters(district=district.upper()))  # case does not matter
    assert here and {r.district for r in here} == {district}
    city = demo_rows[0].city
    assert len(only(od.OverdueFilters(city=city))) == sum(r.city == city for r in demo_rows)

    # Reported to a bureau and paused: set two customers apart.
    reported, paused = demo_rows[0].customer_id, demo_rows[1].customer_id
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(
            update(Customer).where(Customer.id == reported).values(bureau_reported_on=TODAY)
        )
        uow.session.execute(
            update(Customer)
            .where(Customer.id == paused)
            .values(collection_paused_since=TODAY, collection_paused_reason="Produto com defeito")
        )
        uow.commit()
    yes = only(od.OverdueFilters(reported=True))
    assert reported in {r.customer_id for r in yes} and all(r.reported for r in yes)
    assert reported not in {r.customer_id for r in only(od.OverdueFilters(reported=False))}
    [stopped] = [r for r in only(od.OverdueFilters(paused=True)) if r.customer_id == paused]
    assert stopped.paused_reason == "Produto com defeito"
    assert len(only(od.OverdueFilters(paused=False))) == len(demo_rows) - len(
        only(od.OverdueFilters(paused=True))
    )


def test_sorting(demo_rows: list[od.OverdueRow]) -> None:
    assert [r.days_late for r in demo_rows] == sorted(
        (r.days_late for r in demo_rows), reverse=True
    )
    by_total = od.sort_rows(demo_rows, "total")
    assert [r.total for r in by_total] == sorted((r.total for r in demo_rows), reverse=True)
    by_name = od.sort_rows(demo_rows, "name")
    assert [r.name_key for r in by_name] == sorted(r.name_key for r in demo_rows)
    assert od.sort_rows(demo_rows, "name", descending=True) == by_name[::-1]
    with pytest.raises(ValueError):
        od.sort_rows(demo_rows, "cpf")  # type: ignore[arg-type]


# --- a past day ----------------------------------------------------------------------------------


def test_band_amounts_today_equal_the_summary(db: Database, demo_rows: list[od.OverdueRow]) -> None:
    summary = od.band_summary(demo_rows, DEFAULT_BANDS)
    with db.unit_of_work() as uow:
        today = od.band_amounts_as_of(uow.session, TODAY, DEFAULT_BANDS)
        month_ago = od.band_amounts_as_of(uow.session, TODAY - timedelta(days=30), DEFAULT_BANDS)
    assert today == {t.band.key: t.principal for t in summary.bands if t.band}
    assert set(month_ago) == set(today) and sum(month_ago.values()) > 0


def test_band_amounts_of_a_past_day(db: Database) -> None:
    owner, cashier = operators(db)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        later = add_customer(s, "Pagou Depois")
        add_sale(s, later, [(date(2026, 10, 1), D("100.00"))])
        undone = add_customer(s, "Teve Estorno")
        add_sale(s, undone, [(date(2026, 10, 1), D("40.00"))])
        uow.commit()
    # Paid in full on 10/11 (with charges); the other paid in full on 05/10 (40,00 + fee 0,80 +
    # interest 40 × 1 % × 4/30 = 0,05) and reversed on 15/10.
    with db.unit_of_work() as uow:
        quote = pay.quote(
            uow.session,
            list(
                uow.session.scalars(select(Installment.id).where(Installment.customer_id == later))
            ),
            date(2026, 11, 10),
        )
    receive(db, later, quote.total, datetime(2026, 11, 10, 10), cashier)
    payment = receive(db, undone, D("40.85"), datetime(2026, 10, 5, 10), cashier)
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(
            uow, payment, reason="Pix devolvido", owner=owner, now=datetime(2026, 10, 15, 9)
        )

    def on(day: date) -> dict[str, Decimal]:
        with db.unit_of_work() as uow:
            return {
                k: v for k, v in od.band_amounts_as_of(uow.session, day, DEFAULT_BANDS).items() if v
            }

    # 03/10: both open, 2 days late. 10/10: the 40,00 was paid then (reversed only on 15/10).
    assert on(date(2026, 10, 3)) == {"atraso_1_7": D("140.00")}
    assert on(date(2026, 10, 10)) == {"atraso_8_30": D("100.00")}
    # 20/10: reversed, so open again; 10/11 at the end of the day: paid.
    assert on(date(2026, 10, 20)) == {"atraso_8_30": D("140.00")}
    assert on(date(2026, 11, 10)) == {"atraso_31_60": D("40.00")}
    assert on(TODAY) == {"atraso_31_60": D("40.00")}


_money = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@given(
    st.lists(
        st.tuples(st.integers(1, 2000), _money, _money, _money, st.integers(1, 24)), max_size=40
    )
)
def test_band_totals_always_add_up(lines: list[tuple[int, Decimal, Decimal, Decimal, int]]) -> None:
    from services.bands import band_for
    from services.profile import Profile

    rows = [
        od.OverdueRow(
            customer_id=n,
            name=f"Cliente {n}",
            cpf="12345678909",
            city="",
            district="",
            uf="SP",
            email="",
            birth_date=None,
            contact_consent=True,
            phones=(),
            band=band_for(days),
            days_late=days,
            oldest_due=TODAY - timedelta(days=days),
            next_due=None,
            installments=count,
            principal=principal,
            fee=fee,
            interest=interest,
            total=principal + fee + interest,
            profile=Profile("B", ""),
            last_contact=None,
            promise=None,
            bureau_reported_on=None,
            paused_since=None,
            paused_reason="",
        )
        for n, (days, principal, fee, interest, count) in enumerate(lines)
    ]
    summary = od.band_summary(rows, DEFAULT_BANDS)
    assert len(summary.bands) == 5
    for field in ("customers", "installments", "principal", "fee", "interest", "total"):
        assert sum(getattr(t, field) for t in summary.bands) == getattr(summary.total, field)
    assert summary.total.total == sum((r.total for r in rows), Decimal(0))
    assert summary.total.customers == len(rows)
