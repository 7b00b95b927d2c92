"""The collection log: contacts, promises, pauses, bureau reports and their removal.

A fixed calendar (November 2026): Fri 13, Sat 14, Sun 15 (Proclamação da República), Mon 16 …
Fri 20 (Consciência Negra, national since 2024), Mon 23 (the suite's "today").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AuditEvent,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    CreditSale,
    Customer,
    Installment,
    PaymentMethod,
    PromiseStatus,
    PromiseToPay,
    RootCause,
    User,
)
from services import audit, demo, users
from services import collection as col
from services import customers as cs
from services import payments as pay
from services.collection import CollectionRefused, PromiseInput, Receipt
from services.db import Database
from services.money import format_brl
from services.profile import profile_for
from services.users import NotAllowed, Operator

D = Decimal
_cpf = itertools.count(20_000_000_000)
HUNDRED = D("100.00")


def at(day: int, hour: int = 10, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour)


def nov(day: int) -> date:
    return date(2026, 11, day)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def people(db: Database) -> tuple[Operator, Operator]:
    """The demo shop's identity and its owner and cashier, no customers."""
    demo.generate(db, customers=0, sales=0, today=date(2026, 9, 1))
    with db.unit_of_work() as uow:
        ids = {u.username: u.id for u in uow.session.scalars(select(User))}
        return (
            users.operator_for(uow.session, ids["dono"]),
            users.operator_for(uow.session, ids["caixa"]),
        )


def make_customer(db: Database, dues: Sequence[date], amount: D = HUNDRED) -> int:
    """A customer with one credit sale whose installments fall due on ``dues``."""
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        customer = Customer(
            name="Maria Aparecida",
            name_search="maria aparecida",
            cpf=str(next(_cpf)),
            created_at=datetime(2020, 1, 2, 9),
        )
        s.add(customer)
        s.flush()
        total = amount * len(dues)
        sale = CreditSale(
            customer_id=customer.id,
            sold_on=min(dues) - timedelta(days=30),
            description="Fogão",
            cash_price=total,
            down_payment=D(0),
            financed_amount=total,
            installment_count=len(dues),
            created_at=datetime.combine(min(dues) - timedelta(days=30), time(9)),
        )
        s.add(sale)
        s.flush()
        for n, due in enumerate(dues, start=1):
            s.add(
                Installment(
                    customer_id=customer.id,
                    sale_id=sale.id,
                    number=n,
                    count=len(dues),
                    due_date=due,
                    amount=amount,
                )
            )
        uow.commit()
        return customer.id


def receive(
    db: Database, customer_id: int, amount: D, when: datetime, operator: Operator
) -> pay.PaymentResult:
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=None,
            amount=amount,
            method=PaymentMethod.PIX,
            operator=operator,
            now=when,
        )


def pay_all(db: Database, customer_id: int, when: datetime, operator: Operator) -> int:
    with db.unit_of_work(write=True) as uow:
        ids = list(
            uow.session.scalars(
                select(Installment.id).where(
                    Installment.customer_id == customer_id, Installment.status == "open"
                )
            )
        )
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=ids,
            amount=None,
            method=PaymentMethod.PIX,
            operator=operator,
            now=when,
        ).payment_id


def promise(
    db: Database,
    customer_id: int,
    operator: Operator,
    *,
    on: date,
    amount: D,
    when: datetime,
) -> int:
    with db.unit_of_work(write=True) as uow:
        col.record_contact(
            uow,
            customer_id,
            channel=ContactChannel.PHONE,
            outcome=ContactOutcome.PROMISED,
            root_cause=RootCause.FORGOT,
            notes="Esqueceu o vencimento.",
            cadence_step="contact",
            promise=PromiseInput(on, amount),
            operator=operator,
            now=when,
        )
    with db.unit_of_work() as uow:
        return uow.session.scalars(
            select(PromiseToPay.id).order_by(PromiseToPay.id.desc()).limit(1)
        ).one()


def settle(db: Database, today: date) -> col.SettleResult:
    with db.unit_of_work(write=True) as uow:
        return col.settle_promises(uow, today)


def stored(db: Database, promise_id: int) -> tuple[PromiseStatus, date | None]:
    with db.unit_of_work() as uow:
        p = uow.session.get(PromiseToPay, promise_id)
        assert p is not None
        return p.status, p.resolved_on


def actions(session: Session, customer_id: int) -> list[tuple[str, int | None]]:
    return [
        (e.action, e.user_id)
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.customer_id == customer_id).order_by(AuditEvent.id)
        )
    ]


def notice(db: Database, customer_id: int, operator: Operator, when: datetime) -> None:
    with db.unit_of_work(write=True) as uow:
        col.record_contact(
            uow,
            customer_id,
            channel=ContactChannel.LETTER,
            outcome=ContactOutcome.SENT,
            cadence_step=col.BUREAU_NOTICE,
            operator=operator,
            now=when,
        )


def report(db: Database, customer_id: int, operator: Operator, today: date) -> None:
    with db.unit_of_work(write=True) as uow:
        col.mark_reported(uow, customer_id, operator=operator, today=today)


def customer(db: Database, customer_id: int) -> Customer:
    with db.unit_of_work() as uow:
        row = uow.session.get(Customer, customer_id)
        assert row is not None
        uow.session.expunge(row)
        return row


# --- the pure rule -------------------------------------------------------------------------------


def outcome(receipts: Sequence[Receipt], today: date) -> col.PromiseOutcome:
    return col.promise_outcome(
        made_at=at(16), promised_date=nov(20), amount=D("150.00"), receipts=receipts, today=today
    )


def test_promise_rule_on_the_calendar() -> None:
    on_the_date = [Receipt(at(20, 17), D("150.00"))]
    assert outcome(on_the_date, nov(20)) == col.PromiseOutcome(
        PromiseStatus.KEPT, D("150.00"), nov(20)
    )
    two_parts = [Receipt(at(17), D("100.00")), Receipt(at(20), D("50.00"))]
    assert outcome(two_parts[:1], nov(18)) == col.PromiseOutcome(
        PromiseStatus.PENDING, D("100.00"), None
    )
    assert outcome(two_parts, nov(23)).status is PromiseStatus.KEPT
    assert outcome([], nov(20)).status is PromiseStatus.PENDING  # on the date: still pending
    assert outcome([], nov(21)) == col.PromiseOutcome(PromiseStatus.BROKEN, D(0), nov(21))
    late = [Receipt(at(21), D("150.00"))]  # the day after does not keep it
    assert outcome(late, nov(23)).status is PromiseStatus.BROKEN
    before = [Receipt(at(16, 9), D("150.00"))]  # paid before the promise was made
    assert outcome(before, nov(23)).status is PromiseStatus.BROKEN
    short = [Receipt(at(18), D("149.99"))]
    assert outcome(short, nov(21)) == col.PromiseOutcome(PromiseStatus.BROKEN, D("149.99"), nov(21))


# --- promises in the database --------------------------------------------------------------------


def test_promise_kept_on_the_date(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    pid = promise(db, cid, cashier, on=nov(20), amount=D("150.00"), when=at(16))
    receive(db, cid, D("150.00"), at(20, 15), cashier)
    assert settle(db, nov(20)) == col.SettleResult(checked=1, kept=1, broken=0, reopened=0)
    assert stored(db, pid) == (PromiseStatus.KEPT, nov(20))
    assert settle(db, nov(20)).changed == 0  # idempotent
    with db.unit_of_work() as uow:
        assert cid not in col.promise_status_by_customer(uow.session, nov(23))


def test_promise_kept_by_two_partial_payments(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    _, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    pid = promise(db, cid, cashier, on=nov(20), amount=D("150.00"), when=at(16))
    receive(db, cid, D("100.00"), at(17), cashier)
    assert settle(db, nov(17)).changed == 0
    with db.unit_of_work() as uow:
        state = col.promise_status_by_customer(uow.session, nov(18))[cid]
    assert (state.status, state.paid, state.remaining) == (
        PromiseStatus.PENDING,
        D("100.00"),
        D("50.00"),
    )
    receive(db, cid, D("50.00"), at(19), cashier)
    settle(db, nov(19))
    assert stored(db, pid) == (PromiseStatus.KEPT, nov(19))


def test_promise_broken_the_day_after(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    pid = promise(db, cid, cashier, on=nov(20), amount=D("150.00"), when=at(16))
    assert settle(db, nov(20)).changed == 0
    with db.unit_of_work() as uow:
        # Before the evening settlement the profile already counts it (judged live).
        assert cs.payment_history(uow.session, cid, nov(21)).broken_promises == 1
        state = col.promise_status_by_customer(uow.session, nov(21))[cid]
        assert state.broken and state.promised_date == nov(20)
    assert settle(db, nov(21)) == col.SettleResult(checked=1, kept=0, broken=1, reopened=0)
    assert stored(db, pid) == (PromiseStatus.BROKEN, nov(21))
    receive(db, cid, D("150.00"), at(23), cashier)  # paying later does not mend it
    assert settle(db, nov(23)).changed == 0
    assert stored(db, pid) == (PromiseStatus.BROKEN, nov(21))
    with db.unit_of_work() as uow:
        assert cs.payment_history(uow.session, cid, nov(23)).broken_promises == 1
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "promise.settle_all")
        ).all()
        assert [e.after["broken"] for e in event] == [[pid]]


def test_a_reversed_payment_does_not_keep_a_promise(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    pid = promise(db, cid, cashier, on=nov(20), amount=D("150.00"), when=at(16))
    payment = receive(db, cid, D("150.00"), at(17), cashier)
    settle(db, nov(17))
    assert stored(db, pid) == (PromiseStatus.KEPT, nov(17))
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(
            uow, payment.payment_id, reason="Pix não compensou", owner=owner, now=at(18)
        )
    assert settle(db, nov(18)) == col.SettleResult(checked=1, kept=0, broken=0, reopened=1)
    assert stored(db, pid) == (PromiseStatus.PENDING, None)
    assert settle(db, nov(21)).broken == 1
    assert stored(db, pid) == (PromiseStatus.BROKEN, nov(21))


def test_a_broken_promise_takes_the_a_away(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    cid = make_customer(
        db, [date(2026, 7, 10), date(2026, 8, 10), date(2026, 9, 10), date(2026, 12, 10)]
    )
    for month in (7, 8, 9):  # three paid on the due date
        receive(db, cid, D("100.00"), datetime(2026, month, 10, 11), cashier)
    with db.unit_of_work() as uow:
        assert profile_for(cs.payment_history(uow.session, cid, nov(16))).letter == "A"
    promise(db, cid, cashier, on=nov(18), amount=D("50.00"), when=at(16))
    settle(db, nov(23))
    with db.unit_of_work() as uow:
        detail = cs.customer_detail(uow.session, cid, nov(23))
    assert detail.profile == profile_for(detail.history)
    assert (detail.profile.letter, detail.profile.reason) == (
        "B",
        "Paga em dia, mas tem 1 promessa de pagamento não cumprida.",
    )


def test_promise_is_checked(db: Database, people: tuple[Operator, Operator]) -> None:
    _, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    with db.unit_of_work() as uow:
        owed = col.owed_today(uow.session, cid, nov(23))
        assert owed == pay.quote(uow.session, _open_ids(uow.session, cid), nov(23)).total
    assert owed > D("200.00")  # principal plus fee and interest

    def attempt(**kw: object) -> None:
        args: dict[str, object] = {
            "channel": ContactChannel.WHATSAPP,
            "outcome": ContactOutcome.PROMISED,
            "promise": PromiseInput(nov(25), D("50.00")),
            "operator": cashier,
            "now": at(23),
        }
        args.update(kw)
        with db.unit_of_work(write=True) as uow:
            col.record_contact(uow, cid, **args)  # type: ignore[arg-type]

    with pytest.raises(CollectionRefused, match="Informe a data e o valor"):
        attempt(promise=None)
    with pytest.raises(CollectionRefused, match="anterior a hoje"):
        attempt(promise=PromiseInput(nov(22), D("50.00")))
    with pytest.raises(CollectionRefused, match="maior que zero"):
        attempt(promise=PromiseInput(nov(25), D("0.00")))
    too_much = owed + D("0.01")
    with pytest.raises(CollectionRefused) as refused:
        attempt(promise=PromiseInput(nov(25), too_much))
    assert str(refused.value) == (
        f"O valor prometido ({format_brl(too_much)}) passa do que o cliente deve hoje "
        f"({format_brl(owed)})."
    )
    with pytest.raises(CollectionRefused, match="prometeu pagar"):
        attempt(outcome=ContactOutcome.ANSWERED)
    with db.unit_of_work() as uow:  # nothing was written by the refusals
        assert uow.session.scalars(select(ContactAttempt)).all() == []
    attempt(promise=PromiseInput(nov(23), owed))  # today, everything owed: fine


def _open_ids(session: Session, customer_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Installment.id).where(
                Installment.customer_id == customer_id, Installment.status == "open"
            )
        )
    )


def test_a_new_promise_replaces_the_pending_one(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    first = promise(db, cid, cashier, on=nov(20), amount=D("150.00"), when=at(16))
    with db.unit_of_work(write=True) as uow:
        second = col.make_promise(
            uow, cid, promise=PromiseInput(nov(27), D("120.00")), operator=cashier, now=at(18)
        )
    assert stored(db, first) == (PromiseStatus.CANCELLED, nov(18))
    with db.unit_of_work() as uow:
        state = col.promise_status_by_customer(uow.session, nov(23), [cid])[cid]
        assert (state.promise_id, state.amount) == (second, D("120.00"))
    with db.unit_of_work(write=True) as uow:
        col.cancel_promise(
            uow, second, reason="Lançada no cliente errado", operator=owner, now=at(23)
        )
    assert stored(db, second) == (PromiseStatus.CANCELLED, nov(23))
    # A broken promise cannot be cancelled away.
    third = promise(db, cid, cashier, on=nov(24), amount=D("10.00"), when=at(23))
    with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match="não cumprida"):
        col.cancel_promise(uow, third, reason="Desistiu", operator=owner, now=at(25))


# --- contacts and pauses -------------------------------------------------------------------------


def test_a_dispute_pauses_until_resumed(db: Database, people: tuple[Operator, Operator]) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10)])
    with db.unit_of_work(write=True) as uow:
        contact_id = col.record_contact(
            uow,
            cid,
            channel=ContactChannel.PHONE,
            outcome=ContactOutcome.ANSWERED,
            root_cause=RootCause.DISPUTE,
            notes="Diz que já pagou a parcela de setembro.",
            operator=cashier,  # a cashier may record contacts
            now=at(16, 14),
        )
    row = customer(db, cid)
    assert row.collection_paused_since == nov(16)
    assert row.collection_paused_reason == "Contestação: Diz que já pagou a parcela de setembro."
    # A second contested contact keeps the first date.
    with db.unit_of_work(write=True) as uow:
        col.record_contact(
            uow,
            cid,
            channel=ContactChannel.IN_PERSON,
            outcome=ContactOutcome.ANSWERED,
            root_cause=RootCause.DEFECT,
            operator=cashier,
            now=at(17),
        )
    assert customer(db, cid).collection_paused_since == nov(16)
    notice(db, cid, owner, at(5))
    with pytest.raises(CollectionRefused, match="pausada desde 16/11/2026"):
        report(db, cid, owner, nov(23))
    with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match="Informe"):
        col.resume_collection(uow, cid, note="  ", operator=owner, now=at(18))
    with db.unit_of_work(write=True) as uow:
        col.resume_collection(
            uow, cid, note="Comprovante conferido: não foi pago.", operator=owner, now=at(18)
        )
    row = customer(db, cid)
    assert (row.collection_paused_since, row.collection_paused_reason) == (None, None)
    with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match="não está"):
        col.resume_collection(uow, cid, note="de novo", operator=owner, now=at(19))
    with db.unit_of_work() as uow:
        contact = uow.session.get(ContactAttempt, contact_id)
        assert contact is not None
        assert (contact.operator_id, contact.root_cause) == (cashier.id, RootCause.DISPUTE)
        assert actions(uow.session, cid)[:4] == [
            ("contact.record", cashier.id),
            ("collection.pause", cashier.id),
            ("contact.record", cashier.id),
            ("contact.record", owner.id),
        ]
        assert actions(uow.session, cid)[-1] == ("collection.resume", owner.id)
        resumed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "collection.resume")
        ).one()
        assert resumed.at == at(18)
        assert resumed.before["collection_paused_since"] == "2026-11-16"
        assert audit.verify(uow.session).ok


def test_letters_go_by_letter_and_steps_are_known(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    cid = make_customer(db, [date(2026, 9, 10)])
    for channel, step, message in (
        (ContactChannel.WHATSAPP, col.BUREAU_NOTICE, "por carta"),
        (ContactChannel.EMAIL, col.COLLECTION_LETTER, "por carta"),
        (ContactChannel.LETTER, "lembrete", "desconhecida"),
    ):
        with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match=message):
            col.record_contact(
                uow,
                cid,
                channel=channel,
                outcome=ContactOutcome.SENT,
                cadence_step=step,
                operator=owner,
                now=at(5),
            )


# --- bureau reports ------------------------------------------------------------------------------


def test_report_needs_a_notice_ten_days_before(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10)])
    with pytest.raises(CollectionRefused, match="Falta a notificação por escrito"):
        report(db, cid, owner, nov(23))
    notice(db, cid, owner, at(14))  # 9 days before the 23rd
    with pytest.raises(CollectionRefused) as refused:
        report(db, cid, owner, nov(23))
    assert str(refused.value) == (
        "A notificação por escrito foi registrada em 14/11/2026; a negativação só é possível "
        "a partir de 24/11/2026 (10 dias depois, CDC art. 43 §2)."
    )
    with pytest.raises(NotAllowed):
        report(db, cid, cashier, nov(24))
    report(db, cid, owner, nov(24))  # 10 days
    assert customer(db, cid).bureau_reported_on == nov(24)
    with pytest.raises(CollectionRefused, match="já está negativado desde 24/11/2026"):
        report(db, cid, owner, nov(25))
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "bureau.report")
        ).one()
        assert event.user_id == owner.id
        assert event.after == {
            "bureau_reported_on": "2026-11-24",
            "oldest_due_date": "2026-09-10",
            "notice_on": "2026-11-14",
        }


def test_a_notice_sent_before_the_debt_fell_due_does_not_count(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    cid = make_customer(db, [date(2026, 9, 10)])
    notice(db, cid, owner, datetime(2026, 9, 1, 10))
    with pytest.raises(CollectionRefused, match="Falta a notificação"):
        report(db, cid, owner, nov(23))


def test_report_needs_an_overdue_debt_under_five_years(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    nothing_late = make_customer(db, [date(2026, 12, 10)])
    with pytest.raises(CollectionRefused, match="não tem parcela vencida em aberto"):
        report(db, nothing_late, owner, nov(23))
    old = make_customer(db, [date(2021, 11, 23)])  # five years ago today
    notice(db, old, owner, at(2))
    with pytest.raises(CollectionRefused) as refused:
        report(db, old, owner, nov(23))
    assert str(refused.value) == (
        "A parcela mais antiga em aberto venceu em 23/11/2021, há mais de 5 anos: "
        "não pode ser negativada (CDC art. 43 §1)."
    )
    almost = make_customer(db, [date(2021, 11, 24)])  # five years tomorrow
    notice(db, almost, owner, at(2))
    report(db, almost, owner, nov(23))


def test_business_days_skip_weekend_and_holidays() -> None:
    # Fri 13/11/2026 → Mon 16 (1), 17, 18, 19 (4), Fri 20 Consciência Negra skipped → Mon 23.
    assert col.add_business_days(nov(13), 5) == nov(23)
    # Sun 15/11 (Proclamação) is a weekend anyway; from Thu 12: 13, 16, 17, 18, 19.
    assert col.add_business_days(nov(12), 5) == nov(19)
    # Christmas (Fri 25/12) and, across the year end, New Year's Day (Fri 01/01/2027).
    assert col.add_business_days(date(2026, 12, 23), 5) == date(2026, 12, 31)
    assert col.add_business_days(date(2026, 12, 28), 5) == date(2027, 1, 5)


def test_removal_after_full_payment(db: Database, people: tuple[Operator, Operator]) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    notice(db, cid, owner, datetime(2026, 10, 13, 10))
    report(db, cid, owner, date(2026, 10, 23))  # the debt: both installments
    with db.unit_of_work() as uow:
        assert col.bureau_removals(uow.session, nov(12)) == []
    with db.unit_of_work(write=True) as uow:  # September's only
        pay.receive_payment(
            uow,
            customer_id=cid,
            installment_ids=_open_ids(uow.session, cid)[:1],
            amount=None,
            method=PaymentMethod.PIX,
            operator=cashier,
            now=at(12),
        )
    with db.unit_of_work() as uow:
        assert col.bureau_removals(uow.session, nov(12)) == []
    pay_all(db, cid, at(13, 16), cashier)  # Friday 13/11/2026
    with db.unit_of_work() as uow:
        [task] = col.bureau_removals(uow.session, nov(16))
        assert (task.customer_id, task.reported_on, task.paid_on, task.deadline, task.late) == (
            cid,
            date(2026, 10, 23),
            nov(13),
            nov(23),
            False,
        )
        assert col.bureau_removals(uow.session, nov(23))[0].late is False
        assert col.bureau_removals(uow.session, nov(24))[0].late is True
    with db.unit_of_work(write=True) as uow, pytest.raises(NotAllowed):
        col.mark_removed(uow, cid, operator=cashier, today=nov(17))
    with db.unit_of_work(write=True) as uow:
        col.mark_removed(uow, cid, operator=owner, today=nov(17), now=at(17, 9))
    row = customer(db, cid)
    assert (row.bureau_reported_on, row.bureau_removed_on) == (None, nov(17))
    with db.unit_of_work() as uow:
        assert col.bureau_removals(uow.session, nov(24)) == []
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "bureau.remove")
        ).one()
        assert (event.user_id, event.at) == (owner.id, at(17, 9))
        assert event.after == {
            "bureau_removed_on": "2026-11-17",
            "paid_on": "2026-11-13",
            "deadline": "2026-11-23",
            "late": False,
        }
    with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match="não está"):
        col.mark_removed(uow, cid, operator=owner, today=nov(18))


def test_a_new_debt_after_the_report_does_not_hold_the_removal(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, cashier = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 11, 10)])
    notice(db, cid, owner, datetime(2026, 10, 13, 10))
    report(db, cid, owner, date(2026, 10, 23))  # only September's was overdue then
    with db.unit_of_work(write=True) as uow:
        [september] = _open_ids(uow.session, cid)[:1]
        paid = pay.receive_payment(
            uow,
            customer_id=cid,
            installment_ids=[september],
            amount=None,
            method=PaymentMethod.PIX,
            operator=cashier,
            now=at(13),
        )
    with db.unit_of_work() as uow:
        [task] = col.bureau_removals(uow.session, nov(23))
        assert (task.paid_on, task.deadline) == (nov(13), nov(23))
    # The payment reversed: the reported debt is open again, no removal is due.
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(uow, paid.payment_id, reason="Pix devolvido", owner=owner, now=at(16))
    with db.unit_of_work() as uow:
        assert col.bureau_removals(uow.session, nov(23)) == []


def test_a_new_report_after_a_removal_needs_a_new_notice(
    db: Database, people: tuple[Operator, Operator]
) -> None:
    owner, _ = people
    cid = make_customer(db, [date(2026, 9, 10), date(2026, 10, 10)])
    notice(db, cid, owner, datetime(2026, 10, 1, 10))
    report(db, cid, owner, date(2026, 10, 11))
    with db.unit_of_work(write=True) as uow:  # removed (e.g. a mistake), debt still open
        col.mark_removed(uow, cid, operator=owner, today=date(2026, 10, 20))
    with pytest.raises(CollectionRefused, match="Falta a notificação"):
        report(db, cid, owner, nov(23))
    notice(db, cid, owner, at(3))
    report(db, cid, owner, nov(13))
    assert customer(db, cid).bureau_reported_on == nov(13)


# --- the demo follows the same rules -------------------------------------------------------------


def test_demo_collection_log_follows_the_rules(db: Database, today: date) -> None:
    demo.generate(db, customers=400, sales=700, today=today)
    with db.unit_of_work() as uow:
        s = uow.session
        reported = list(s.scalars(select(Customer).where(Customer.bureau_reported_on.is_not(None))))
        assert reported
        for c in reported:
            notices = [
                a.at.date()
                for a in s.scalars(
                    select(ContactAttempt).where(
                        ContactAttempt.customer_id == c.id,
                        ContactAttempt.cadence_step == col.BUREAU_NOTICE,
                    )
                )
            ]
            assert c.bureau_reported_on is not None
            assert notices and min(notices) <= c.bureau_reported_on - timedelta(days=10)
        letters = list(
            s.scalars(select(ContactAttempt).where(ContactAttempt.channel == ContactChannel.LETTER))
        )
        assert {a.cadence_step for a in letters} == {col.BUREAU_NOTICE, col.COLLECTION_LETTER}
        for c in s.scalars(select(Customer).where(Customer.collection_paused_since.is_not(None))):
            causes = s.scalars(
                select(ContactAttempt.root_cause).where(
                    ContactAttempt.customer_id == c.id,
                    ContactAttempt.at < datetime.combine(today + timedelta(days=1), time()),
                )
            ).all()
            assert set(causes) & col.PAUSING_CAUSES
        pending = s.scalars(
            select(PromiseToPay.customer_id).where(PromiseToPay.status == PromiseStatus.PENDING)
        ).all()
        assert len(pending) == len(set(pending))  # one pending promise per customer
    # The stored statuses are what the rules say: settling changes nothing.
    assert settle(db, today).changed == 0
