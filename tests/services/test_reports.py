"""End-of-day documents from the database: the day report, letters in batch, the overdue list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from models import (
    Agreement,
    AuditEvent,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentMethod,
)
from services import day_close, demo, reports
from services import overdue as od
from services import payments as pay
from services import settings as settings_service
from services.collection import CollectionRefused
from services.db import Database
from services.documents.day_report import render_day_report
from services.documents.letters import LetterKind, render_letters
from services.printing import PrintRefused
from services.users import Operator
from tests.documents.conftest import normalized_text, save_png
from tests.services.test_overdue import add_customer, add_sale, operators

D = Decimal
DAY = date(2026, 11, 23)
GENERATED = datetime(2026, 11, 23, 18, 40)


@pytest.fixture(autouse=True)
def _invariant_pdfs() -> Iterator[None]:
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before


def _at(hour: int, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour))


def _receive(
    db: Database, customer_id: int, operator: Operator, method: PaymentMethod, now: datetime
) -> int:
    with db.unit_of_work(write=True) as uow:
        return pay.receive_payment(
            uow,
            customer_id=customer_id,
            installment_ids=None,
            amount=D("25.00"),
            method=method,
            operator=operator,
            now=now,
        ).payment_id


def _demo_with_a_busy_day(db: Database) -> tuple[Operator, Operator, list[int]]:
    """The demo shop, then on DAY: four payments by both users, two of them reversed."""
    demo.generate(db, customers=60, sales=150, today=DAY, seed=7)
    owner, cashier = _demo_operators(db)
    late = _late_ids(db)
    paid = [
        _receive(db, late[0], cashier, PaymentMethod.CASH, _at(9)),
        _receive(db, late[1], cashier, PaymentMethod.PIX, _at(10)),
        _receive(db, late[2], owner, PaymentMethod.CASH, _at(11)),
        # Yesterday by debit, reversed today: it counts as money out of today.
        _receive(db, late[3], cashier, PaymentMethod.DEBIT, _at(17, DAY - timedelta(days=1))),
    ]
    for payment_id, reason in ((paid[1], "Pix devolvido"), (paid[3], "Cartão contestado")):
        with db.unit_of_work(write=True) as uow:
            pay.reverse_payment(uow, payment_id, reason=reason, owner=owner, now=_at(16))
    return owner, cashier, paid


def _demo_operators(db: Database) -> tuple[Operator, Operator]:
    from models import User
    from services import users

    with db.unit_of_work() as uow:
        ids = dict(uow.session.execute(select(User.username, User.id)).all())
        return (
            users.operator_for(uow.session, ids["dono"]),
            users.operator_for(uow.session, ids["caixa"]),
        )


def _late_ids(db: Database, day: date = DAY) -> list[int]:
    with db.unit_of_work() as uow:
        return sorted(r.customer_id for r in od.overdue_rows(uow.session, day))


# --- the day report ------------------------------------------------------------------------------


def test_day_report_figures_are_the_day_summary_and_the_band_rows(db: Database) -> None:
    owner, _cashier, paid = _demo_with_a_busy_day(db)
    with db.unit_of_work() as uow:
        report = reports.day_report(
            uow.session, DAY, generated_at=GENERATED, operator=owner.full_name
        )
        summary = day_close.day_summary(uow.session, DAY)
        rows = od.overdue_rows(uow.session, DAY)
        names = dict(uow.session.execute(select(Customer.id, Customer.name)).all())

    # Receipts: 25 cash (cashier) + 25 Pix (cashier, reversed) + 25 cash (owner) = 75,00;
    # reversed 25 Pix + 25 debit of yesterday = 50,00; net 25,00.
    assert (report.received, report.reversed, report.net) == (D("75.00"), D("50.00"), D("25.00"))
    assert (report.received, report.reversed, report.net) == (
        summary.received,
        summary.reversed,
        summary.net,
    )
    assert [(r.label, r.count, r.received, r.reversed) for r in report.receipts_by_method] == [
        ("Dinheiro", 2, D("50.00"), D("0.00")),
        ("Pix", 1, D("25.00"), D("25.00")),
        ("Cartão de débito", 0, D("0.00"), D("25.00")),
    ]
    assert [(r.label, r.count, r.received, r.reversed) for r in report.receipts_by_cashier] == [
        (c.name, c.count, c.received, c.reversed) for c in summary.by_cashier
    ]
    assert {r.label: r.net for r in report.receipts_by_cashier} == {
        "Lucas Andrade": D("50.00"),  # the cashier
        "Marta Figueiredo": D("-25.00"),  # the owner: 25 received, 50 reversed
    }
    # Reversals: the undone payment's receipt number, its customer and method, who reversed it.
    assert [
        (e.at, e.receipt_number, e.customer, e.method, e.amount, e.reason, e.operator)
        for e in report.reversals
    ] == [
        (
            _at(16),
            f"{paid[1]:06d}",
            names[_customer_of(db, paid[1])],
            "Pix",
            D("25.00"),
            "Pix devolvido",
            "Marta Figueiredo",
        ),
        (
            _at(16),
            f"{paid[3]:06d}",
            names[_customer_of(db, paid[3])],
            "Cartão de débito",
            D("25.00"),
            "Cartão contestado",
            "Marta Figueiredo",
        ),
    ]
    assert sum((e.amount for e in report.reversals), D(0)) == report.reversed
    due = summary.fell_due
    assert (report.due_today.count, report.due_today.amount) == (due.count, due.amount)
    assert (report.due_today.paid_count, report.due_today.paid_amount) == (
        due.paid_count,
        due.paid_amount,
    )
    # Bands: every overdue band, and the totals are the rows' sums.
    assert report.overdue_customers == len(rows) > 0
    assert report.overdue_installments == sum(r.installments for r in rows)
    assert report.overdue_principal == sum((r.principal for r in rows), D(0))
    assert report.overdue_total == sum((r.total for r in rows), D(0))
    for line in report.overdue_bands:
        mine = [r for r in rows if r.band.label == line.label]
        assert (line.customers, line.total) == (
            len(mine),
            sum((r.total for r in mine), D(0)),
        )
        assert line.colour.startswith("#")

    pdf = render_day_report(report)
    save_png(pdf, "relatorio-dia-demo")
    text = " ".join(normalized_text(pdf))
    for expected in (
        "Fechamento do dia 23/11/2026 (segunda-feira)",
        "Gerado em 23/11/2026 18:40 por Marta Figueiredo",
        "Recebido no dia R$ 75,00",
        "Estornos (descontados) R$ 50,00",
        "Recebido líquido R$ 25,00",
        "Dinheiro 2 R$ 50,00 R$ 0,00 R$ 50,00",
        "Cartão de débito 0 R$ 0,00 R$ 25,00 -R$ 25,00",
        "Total 3 R$ 75,00 R$ 50,00 R$ 25,00",
        f"{paid[1]:06d}",
        "Pix devolvido",
        f"Em atraso (com encargos) {len(rows)} clientes",
    ):
        assert expected in text, expected
    total_row = (
        f"Total {report.overdue_customers} {report.overdue_installments} "
        f"{_brl(report.overdue_principal)} {_brl(report.overdue_total)}"
    )
    assert total_row in text
    # Listed reversals and the totals agree: the report prints no warning.
    assert "Atenção" not in text


def _customer_of(db: Database, payment_id: int) -> int:
    with db.unit_of_work() as uow:
        payment = uow.session.get(Payment, payment_id)
        assert payment is not None
        return payment.customer_id


def _brl(value: Decimal) -> str:
    from services.money import format_brl

    return format_brl(value)


def test_day_report_lists_the_days_agreements_and_credit_sales(db: Database) -> None:
    demo.generate(db, customers=60, sales=150, today=DAY, seed=7)
    with db.unit_of_work() as uow:
        latest = uow.session.scalars(select(Agreement).order_by(Agreement.id.desc())).first()
        assert latest is not None
        day, number = latest.agreed_on, f"A{latest.id}"
        made = uow.session.scalars(
            select(Agreement).where(Agreement.agreed_on == day).order_by(Agreement.id)
        ).all()
        expected = [
            (f"A{a.id}", a.principal + a.fees + a.interest, a.total, a.installment_count)
            for a in made
        ]
        report = reports.day_report(uow.session, day, generated_at=GENERATED, operator="Dono")
        summary = day_close.day_summary(uow.session, day)
    assert [(a.number, a.replaced, a.amount, a.installments) for a in report.agreements] == (
        expected
    )
    assert len(report.agreements) == summary.agreements.count > 0
    assert sum((a.amount for a in report.agreements), D(0)) == summary.agreements.total
    assert report.credit_sales.count == summary.sales.count
    assert report.credit_sales.financed == summary.sales.financed
    assert report.credit_sales.down_payments == summary.sales.down_payment
    text = " ".join(normalized_text(render_day_report(report)))
    assert "Atenção" not in text
    assert number in text


def test_a_day_without_the_shop_identity_is_refused(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(PrintRefused, match=r"art\. 42-A"):
        reports.day_report(uow.session, DAY, generated_at=GENERATED, operator="Dono")


def test_overdue_report_rows_are_the_overdue_list(db: Database) -> None:
    demo.generate(db, customers=60, sales=150, today=DAY, seed=7)
    with db.unit_of_work() as uow:
        mine = reports.overdue_report_rows(uow.session, DAY)
        theirs = od.overdue_rows(uow.session, DAY)
    assert mine == theirs
    assert [r.days_late for r in mine] == sorted((r.days_late for r in mine), reverse=True)


# --- letters -------------------------------------------------------------------------------------


def _shop_with_one_late_customer(db: Database) -> tuple[int, list[int]]:
    """An empty demo shop (identity, Pix key, users) and Ana, late on two installments."""
    operators(db)
    with db.unit_of_work(write=True) as uow:
        ana = add_customer(
            uow.session,
            "Ana Beatriz Souza",
            street="Rua Tibiriçá",
            number="120",
            complement="ap. 3",
            district="Centro",
            city="Ribeirão Preto",
            uf="SP",
            cep="14010090",
        )
        ids = add_sale(
            uow.session,
            ana,
            [
                (date(2026, 10, 24), D("100.00")),  # 30 days late
                (date(2026, 11, 20), D("50.00")),  # 3 days late
                (date(2026, 12, 24), D("50.00")),  # not due yet: not in the letter
            ],
        )
        uow.commit()
    return ana, ids


def test_a_letter_to_the_cent(db: Database) -> None:
    ana, _ids = _shop_with_one_late_customer(db)
    with db.unit_of_work() as uow:
        batch = reports.letters_for(uow.session, [ana], LetterKind.FRIENDLY, today=DAY)
        settings = settings_service.load(uow.session)
    assert batch.customer_ids == (ana,)
    assert batch.skipped == ()
    assert batch.skipped_message() == ""
    [letter] = batch.letters
    # 100,00: fee 2 % = 2,00, interest 1 % a month for 30 days = 1,00 → 103,00;
    # 50,00: fee 1,00, interest 3 days = 0,05 → 51,05. Together 154,05.
    assert [(i.installment, i.installments, i.amount, i.fee, i.interest) for i in letter.items] == [
        (1, 3, D("100.00"), D("2.00"), D("1.00")),
        (2, 3, D("50.00"), D("1.00"), D("0.05")),
    ]
    assert letter.total == D("154.05")
    assert letter.items[0].sale_number.isdigit()
    assert letter.items[0].description == "Sofá"
    assert letter.recipient.name == "Ana Beatriz Souza"
    assert letter.recipient.address_lines == (
        "Rua Tibiriçá, 120 – ap. 3",
        "Centro – Ribeirão Preto/SP – CEP 14010-090",
    )
    assert letter.deadline == DAY + timedelta(days=7)
    assert letter.issued_on == DAY
    assert letter.city == f"{settings.identity.city}/{settings.identity.uf}"
    assert letter.pix_key == settings.pix.key != ""
    assert (letter.late_fee_pct, letter.monthly_interest_pct) == (D("2.00"), D("1.00"))

    pdf = render_letters(batch.letters)
    save_png(pdf, "carta-cobranca-banco")
    text = normalized_text(pdf)[0]
    assert "Ana Beatriz Souza" in text
    assert "R$ 154,05" in text


def test_a_partial_payment_shows_as_paid_and_the_charges_follow_the_counter(
    db: Database,
) -> None:
    ana, ids = _shop_with_one_late_customer(db)
    owner, cashier = _demo_operators(db)
    payments = []
    for installment, amount in ((ids[0], D("40.00")), (ids[1], D("30.00"))):
        with db.unit_of_work(write=True) as uow:
            result = pay.receive_payment(
                uow,
                customer_id=ana,
                installment_ids=[installment],
                amount=amount,
                method=PaymentMethod.CASH,
                operator=cashier,
                now=datetime(2026, 11, 21, 10),
            )
            payments.append(result.payment_id)
    # The second payment is undone: what it paid of fee and interest no longer counts.
    with db.unit_of_work(write=True) as uow:
        pay.reverse_payment(uow, payments[1], reason="Engano", owner=owner, now=_at(9))
    with db.unit_of_work() as uow:
        [letter] = reports.letters_for(uow.session, [ana], LetterKind.NOTICE, today=DAY).letters
        counter = pay.quote(uow.session, ids[:2], DAY)
    # 1/3 on 21/11, 28 days late: fee 2,00 + interest 0,93 paid first, principal 37,07.
    # On 23/11 its 62,93 would owe a fee of 1,26 and interest of 0,63: already paid, so nothing
    # more (CDC art. 42 § único). 2/3: the reversed payment counts for nothing, 51,05 as before.
    assert [(i.paid, i.fee, i.interest, i.total) for i in letter.items] == [
        (D("37.07"), D("0.00"), D("0.00"), D("62.93")),
        (D("0.00"), D("1.00"), D("0.05"), D("51.05")),
    ]
    assert [(i.open_principal, i.fee, i.interest, i.total) for i in letter.items] == [
        (line.open_principal, line.fee, line.interest, line.total) for line in counter.lines
    ]
    assert letter.total == counter.total
    assert letter.deadline == DAY + timedelta(days=10)  # CDC art. 43 §2, the legal minimum


def test_letters_match_the_counter_for_every_late_demo_customer(db: Database) -> None:
    demo.generate(db, customers=60, sales=150, today=DAY, seed=7)
    with db.unit_of_work() as uow:
        rows = od.overdue_rows(uow.session, DAY)
        batch = reports.letters_for(
            uow.session, [r.customer_id for r in rows], LetterKind.NOTICE, today=DAY
        )
        by_customer = dict(zip(batch.customer_ids, batch.letters, strict=True))
        paused = {r.customer_id for r in rows if r.paused}
        assert set(by_customer) | {s.customer_id for s in batch.skipped} == {
            r.customer_id for r in rows
        }
        assert {s.customer_id for s in batch.skipped if s.reason is reports.SkipReason.PAUSED} == (
            paused
        )
        assert len(batch.letters) + len(batch.skipped) == len(rows)
        assert len(batch.letters) > 0
        for row in rows:
            letter = by_customer.get(row.customer_id)
            if letter is None:
                continue
            open_ids = uow.session.scalars(
                select(Installment.id).where(
                    Installment.customer_id == row.customer_id,
                    Installment.status == InstallmentStatus.OPEN,
                    Installment.due_date < DAY,
                )
            ).all()
            counter = pay.quote(uow.session, open_ids, DAY)
            assert letter.total == counter.total == row.total
            assert len(letter.items) == row.installments
            assert letter.recipient.cpf == row.cpf
    pdf = render_letters(batch.letters)
    pages = normalized_text(pdf)
    save_png(pdf, "notificacoes-demo")
    # One letter per customer: each name opens exactly one "Página 1 de" page.
    firsts = [page for page in pages if "Página 1 de" in page]
    assert len(firsts) == len(batch.letters)
    for page, letter in zip(firsts, batch.letters, strict=True):
        assert letter.recipient.name in page


def test_customers_who_cannot_get_a_letter_are_reported_not_dropped(db: Database) -> None:
    ana, _ = _shop_with_one_late_customer(db)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        late = {"street": "Rua A", "number": "1", "city": "Franca", "uf": "SP"}
        bruno = add_customer(s, "Bruno Sem Endereço")
        carla = add_customer(s, "Carla Sem CEP", **late)
        davi = add_customer(s, "Davi Em Dia", **late, cep="14400000")
        elisa = add_customer(
            s,
            "Elisa Contestou",
            **late,
            cep="14400000",
            collection_paused_since=DAY,
            collection_paused_reason="Produto com defeito",
        )
        for who in (bruno, carla, elisa):
            add_sale(s, who, [(date(2026, 11, 1), D("80.00"))])
        add_sale(s, davi, [(date(2026, 12, 1), D("80.00"))])
        uow.commit()
    with db.unit_of_work() as uow:
        batch = reports.letters_for(
            uow.session,
            [bruno, ana, carla, 999_999, davi, elisa, ana],
            LetterKind.FRIENDLY,
            today=DAY,
        )
    assert batch.customer_ids == (ana,)
    assert [(s.customer_id, s.reason, s.detail) for s in batch.skipped] == [
        (
            bruno,
            reports.SkipReason.NO_ADDRESS,
            "falta o endereço, a cidade, a UF e o CEP",
        ),
        (carla, reports.SkipReason.NO_ADDRESS, "falta o CEP"),
        (999_999, reports.SkipReason.NOT_FOUND, ""),
        (davi, reports.SkipReason.NOT_LATE, ""),
        (elisa, reports.SkipReason.PAUSED, "Produto com defeito"),
    ]
    assert batch.skipped_message() == (
        "2 clientes sem endereço completo: Bruno Sem Endereço (falta o endereço, a cidade, a UF "
        "e o CEP), Carla Sem CEP (falta o CEP). "
        "1 cliente sem parcela em atraso: Davi Em Dia. "
        "1 cliente com a cobrança suspensa (contestação ou defeito): Elisa Contestou "
        "(Produto com defeito). "
        "1 cliente não encontrado: nº 999999."
    )


def test_a_notice_gives_at_least_ten_days(db: Database) -> None:
    ana, _ = _shop_with_one_late_customer(db)
    with db.unit_of_work() as uow:
        with pytest.raises(ValueError, match="pelo menos 10 dias"):
            reports.letters_for(
                uow.session, [ana], LetterKind.NOTICE, today=DAY, deadline=DAY + timedelta(9)
            )
        batch = reports.letters_for(
            uow.session, [ana], LetterKind.NOTICE, today=DAY, deadline=DAY + timedelta(15)
        )
        assert batch.letters[0].deadline == DAY + timedelta(15)
        # A friendly letter may ask for a call sooner, but not before its own date.
        friendly = reports.letters_for(
            uow.session, [ana], LetterKind.FRIENDLY, today=DAY, deadline=DAY + timedelta(3)
        )
        assert friendly.letters[0].deadline == DAY + timedelta(3)
        with pytest.raises(ValueError, match="anterior"):
            reports.letters_for(
                uow.session, [ana], LetterKind.FRIENDLY, today=DAY, deadline=DAY - timedelta(1)
            )


# --- recording the letters sent ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(LetterKind))
def test_record_letters_records_one_letter_contact_per_customer(
    db: Database, kind: LetterKind
) -> None:
    demo.generate(db, customers=60, sales=150, today=DAY, seed=7)
    _owner, cashier = _demo_operators(db)
    with db.unit_of_work() as uow:
        late = [r.customer_id for r in od.overdue_rows(uow.session, DAY) if not r.paused][:5]
        before = uow.session.scalar(select(func.max(AuditEvent.id)))
    now = _at(18)
    with db.unit_of_work(write=True) as uow:
        assert reports.record_letters(uow, [*late, late[0]], kind, operator=cashier, now=now) == 5
    with db.unit_of_work() as uow:
        contacts = uow.session.scalars(
            select(ContactAttempt).where(ContactAttempt.at == now).order_by(ContactAttempt.id)
        ).all()
        assert [c.customer_id for c in contacts] == late
        for c in contacts:
            assert (c.channel, c.outcome, c.cadence_step, c.operator_id) == (
                ContactChannel.LETTER,
                ContactOutcome.SENT,
                kind.value,
                cashier.id,
            )
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.entity_id, e.customer_id, e.user_id) for e in events] == [
            ("contact.record", c.id, c.customer_id, cashier.id) for c in contacts
        ]


def test_record_letters_refuses_the_whole_batch_for_one_bad_customer(db: Database) -> None:
    ana, _ = _shop_with_one_late_customer(db)
    owner, _cashier = _demo_operators(db)
    with db.unit_of_work(write=True) as uow:
        davi = add_customer(uow.session, "Davi Em Dia")
        add_sale(uow.session, davi, [(date(2026, 12, 1), D("80.00"))])
        uow.commit()
    for bad, message in (
        (davi, "Davi Em Dia: nenhuma parcela em atraso"),
        (424_242, "cliente nº 424242 não encontrado"),
    ):
        with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match=message):
            reports.record_letters(
                uow, [ana, bad], LetterKind.FRIENDLY, operator=owner, now=_at(18)
            )
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(
            update(Customer).where(Customer.id == ana).values(collection_paused_since=DAY)
        )
        uow.commit()
    with db.unit_of_work(write=True) as uow, pytest.raises(CollectionRefused, match="suspensa"):
        reports.record_letters(uow, [ana], LetterKind.NOTICE, operator=owner, now=_at(18))
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ContactAttempt)) == 0


def test_record_letters_needs_a_writing_unit_of_work(db: Database) -> None:
    ana, _ = _shop_with_one_late_customer(db)
    owner, _cashier = _demo_operators(db)
    with db.unit_of_work() as uow, pytest.raises(RuntimeError, match="write=True"):
        reports.record_letters(uow, [ana], LetterKind.FRIENDLY, operator=owner, now=_at(18))
