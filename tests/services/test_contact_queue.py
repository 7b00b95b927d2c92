"""Tomorrow's contacts: who is in the queue, with which step, channel and message, and when.

A fixed calendar (November 2026): Fri 13, Mon 16 … Thu 19, Fri 20 (Consciência Negra, a national
holiday), Sat 21, Sun 22, Mon 23 (the suite's "today"), Tue 24, …, Fri 27, Sat 28, Mon 30.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from models import (
    ContactChannel,
    ContactOutcome,
    CreditSale,
    Customer,
    CustomerPhone,
    Installment,
    InstallmentStatus,
    RootCause,
    User,
)
from services import collection as col
from services import demo, users
from services import settings as settings_service
from services.collection import PromiseInput
from services.contact_queue import QueueItem, contact_queue
from services.db import Database
from services.settings import ContactPolicy, ContactWindow
from services.text import format_phone, normalize_name
from services.users import Operator

D = Decimal
W, SMS, PHONE, LETTER = (
    ContactChannel.WHATSAPP,
    ContactChannel.SMS,
    ContactChannel.PHONE,
    ContactChannel.LETTER,
)
_cpf = itertools.count(30_000_000_000)
HUNDRED = D("100.00")


def nov(day: int) -> date:
    return date(2026, 11, day)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour)


# --- building customers --------------------------------------------------------------------------


@pytest.fixture
def cashier(db: Database) -> Operator:
    """The demo shop's identity and users, no customers."""
    demo.generate(db, customers=0, sales=0, today=date(2026, 9, 1))
    with db.unit_of_work() as uow:
        caixa = uow.session.scalars(select(User.id).where(User.username == "caixa")).one()
        return users.operator_for(uow.session, caixa)


def add_customer(
    db: Database,
    name: str = "Maria Aparecida Souza",
    *,
    dues: Sequence[date] = (),
    paid: Sequence[date] = (),
    amount: D = HUNDRED,
    uf: str = "SP",
    city: str = "Ribeirão Preto",
    phone: str | None = "16991234567",
    whatsapp: bool = True,
    email: str | None = None,
    street: str | None = "Rua das Flores",
    birth_date: date | None = None,
    consent: bool = True,
) -> int:
    """A customer with one sale: ``paid`` installments paid on their due dates, ``dues`` open."""
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        customer = Customer(
            name=name,
            name_search=normalize_name(name),
            cpf=str(next(_cpf)),
            uf=uf,
            city=city,
            district="Centro",
            street=street,
            number="10" if street else None,
            email=email,
            birth_date=birth_date,
            contact_consent=consent,
            created_at=datetime(2024, 1, 5, 9),
        )
        s.add(customer)
        s.flush()
        if phone is not None:
            s.add(CustomerPhone(customer_id=customer.id, number=phone, whatsapp=whatsapp))
        every = [*paid, *dues]
        sale = CreditSale(
            customer_id=customer.id,
            sold_on=min(every) - timedelta(days=30),
            description="Geladeira",
            cash_price=amount * len(every),
            down_payment=D(0),
            financed_amount=amount * len(every),
            installment_count=len(every),
            created_at=datetime.combine(min(every) - timedelta(days=30), time(9)),
        )
        s.add(sale)
        s.flush()
        for n, due in enumerate(every, start=1):
            settled = due in paid
            s.add(
                Installment(
                    customer_id=customer.id,
                    sale_id=sale.id,
                    number=n,
                    count=len(every),
                    due_date=due,
                    amount=amount,
                    principal_paid=amount if settled else D(0),
                    status=InstallmentStatus.PAID if settled else InstallmentStatus.OPEN,
                    settled_on=due if settled else None,
                )
            )
        uow.commit()
        return customer.id


def contact(
    db: Database,
    customer_id: int,
    operator: Operator,
    when: datetime,
    *,
    step: str | None = None,
    channel: ContactChannel = W,
    outcome: ContactOutcome = ContactOutcome.SENT,
    root_cause: RootCause | None = None,
    promise: PromiseInput | None = None,
) -> None:
    with db.unit_of_work(write=True) as uow:
        col.record_contact(
            uow,
            customer_id,
            channel=channel,
            outcome=outcome,
            root_cause=root_cause,
            cadence_step=step,
            promise=promise,
            operator=operator,
            now=when,
        )


def queue(db: Database, day: date) -> list[QueueItem]:
    with db.unit_of_work() as uow:
        return contact_queue(uow.session, day=day)


def item_of(db: Database, day: date, customer_id: int) -> QueueItem:
    found = [i for i in queue(db, day) if i.customer_id == customer_id]
    assert len(found) == 1, found
    return found[0]


def shop(db: Database) -> tuple[str, str]:
    with db.unit_of_work() as uow:
        identity = settings_service.load(uow.session).identity
    return identity.name, format_phone(identity.phone)


def ids(items: Sequence[QueueItem]) -> list[int]:
    return [i.customer_id for i in items]


# --- the first nudges ----------------------------------------------------------------------------


def test_one_day_late_gets_the_gentle_reminder_ready_to_send(
    db: Database, cashier: Operator
) -> None:
    maria = add_customer(db, "MARIA APARECIDA SOUZA", dues=[nov(23), nov(23) + timedelta(30)])
    item = item_of(db, nov(24), maria)
    name, phone = shop(db)

    assert item.step.key == "gentle_reminder"
    assert item.reason == "D+1 · Lembrete gentil"
    assert (item.days_late, item.band is not None and item.band.label) == (1, "1–7 dias")
    # R$ 100,00 + 2 % fee + 1 % a month for one day (R$ 0,03): what the counter charges.
    assert item.total == D("102.03")
    assert item.message == (
        f"Olá, Maria! Aqui é da {name}. A parcela de R$ 102,03 que venceu em 23/11/2026 ainda "
        "aparece em aberto — pode ter sido só um esquecimento. Se já pagou, desconsidere. "
        f"Qualquer dúvida, fale com a gente: {phone}."
    )
    assert item.channel is W and item.phone == "16991234567"
    assert item.whatsapp_url is not None
    link = urlsplit(item.whatsapp_url)
    assert (link.netloc, link.path) == ("wa.me", "/5516991234567")
    assert parse_qs(link.query)["text"] == [item.message]
    assert item.cpf_masked.startswith("***.") and item.cpf_masked.endswith("-**")
    assert item.scheduled_on == nov(24)
    assert item.planned_at == datetime(2026, 11, 24, 9, 0)
    assert item.permission.allowed and item.permission.next_allowed == item.planned_at
    assert (item.priority, item.broken_promise) == (2, False)


def test_a_week_late_after_the_reminder_gets_the_contact_not_the_gentle_reminder(
    db: Database, cashier: Operator
) -> None:
    ana = add_customer(db, "Ana Lima", dues=[nov(16)])
    contact(db, ana, cashier, at(13), step="reminder")  # D−3, recorded
    item = item_of(db, nov(24), ana)  # D+8: D+1 is obsolete, D+7 is due
    assert item.step.key == "contact"
    assert item.reason == "D+7 · Contato (prevista para 23/11/2026)"
    assert item.scheduled_on == nov(23)
    assert item.channel is W
    assert item.phone_script is not None and "Ana Lima" in item.phone_script
    assert "R$ " in item.message and "1 parcela" in item.message


def test_a_step_done_is_not_proposed_again(db: Database, cashier: Operator) -> None:
    ana = add_customer(db, "Ana Lima", dues=[nov(23)])
    contact(db, ana, cashier, at(23, 15), step="gentle_reminder")
    assert ana not in ids(queue(db, nov(24)))


def test_no_whatsapp_goes_by_sms_to_a_mobile_and_no_phone_is_refused(
    db: Database, cashier: Operator
) -> None:
    sms = add_customer(db, "Bia Sem Zap", dues=[nov(23)], whatsapp=False)
    landline = add_customer(db, "Caio Fixo", dues=[nov(23)], phone="1633334444", whatsapp=False)
    nothing = add_customer(db, "Davi Sem Telefone", dues=[nov(23)], phone=None)
    items = {i.customer_id: i for i in queue(db, nov(24))}

    assert (items[sms].channel, items[sms].phone, items[sms].whatsapp_url) == (
        SMS,
        "16991234567",
        None,
    )
    for customer_id in (landline, nothing):
        item = items[customer_id]
        assert item.channel is W  # the preferred one, which cannot be used
        assert not item.permission.allowed
        assert item.permission.reason == "Sem WhatsApp/celular para Lembrete gentil"
        assert item.permission.next_allowed is None


# --- when a contact may happen -------------------------------------------------------------------


def test_a_saturday_in_rio_is_refused_until_monday(db: Database, cashier: Operator) -> None:
    rio = add_customer(db, "Rita Carioca", dues=[nov(27)], uf="RJ", city="Niterói")
    item = item_of(db, nov(28), rio)
    assert item.step.key == "gentle_reminder"
    assert item.planned_at == datetime(2026, 11, 28, 9, 0)
    assert not item.permission.allowed
    assert item.permission.reason == "Sábado: contato não permitido em RJ"
    assert item.permission.next_allowed == datetime(2026, 11, 30, 9, 0)


def test_a_saturday_in_sao_paulo_starts_at_the_saturday_window(
    db: Database, cashier: Operator
) -> None:
    sp = add_customer(db, "Sílvia Paulista", dues=[nov(27)])
    saturdays = ContactPolicy(by_state={"SP": ContactWindow(time(9), time(18), time(8), time(14))})
    with db.unit_of_work() as uow:
        settings = replace(settings_service.load(uow.session), contact=saturdays)
        (item,) = contact_queue(uow.session, day=nov(28), settings=settings)
    assert item.customer_id == sp
    assert item.planned_at == datetime(2026, 11, 28, 8, 0)
    assert item.permission.allowed


def test_a_holiday_is_refused_until_the_next_business_day(db: Database, cashier: Operator) -> None:
    paulo = add_customer(db, "Paulo Feriado", dues=[nov(19)])
    item = item_of(db, nov(20), paulo)
    assert item.permission.reason == "Feriado: Dia Nacional de Zumbi e da Consciência Negra"
    assert item.permission.next_allowed == datetime(2026, 11, 23, 9, 0)


def test_the_customers_birthday_is_left_in_peace(db: Database, cashier: Operator) -> None:
    bday = add_customer(db, "Lia Aniversário", dues=[nov(23)], birth_date=date(1980, 11, 24))
    item = item_of(db, nov(24), bday)
    assert item.permission.reason == "Aniversário do cliente"
    assert item.permission.next_allowed == datetime(2026, 11, 25, 9, 0)


def test_one_contact_a_day(db: Database, cashier: Operator) -> None:
    joao = add_customer(db, "João Já Falou", dues=[nov(23)])
    # He called the shop that morning (not a cadence step): the day's contact is used up.
    contact(db, joao, cashier, at(24, 8), channel=PHONE, outcome=ContactOutcome.ANSWERED)
    item = item_of(db, nov(24), joao)
    assert item.step.key == "gentle_reminder"
    assert item.permission.reason == "Já houve contato hoje"
    assert item.permission.next_allowed == datetime(2026, 11, 25, 9, 0)


def test_without_consent_whatsapp_is_refused(db: Database, cashier: Operator) -> None:
    nao = add_customer(db, "Nair Não Autorizou", dues=[nov(23)], consent=False)
    item = item_of(db, nov(24), nao)
    assert item.channel is W
    assert not item.permission.allowed
    assert item.permission.reason == "Cliente não autorizou contato"
    assert item.permission.next_allowed is None


# --- letters -------------------------------------------------------------------------------------


def test_the_collection_letter_goes_by_letter_even_on_a_saturday(
    db: Database, cashier: Operator
) -> None:
    carla = add_customer(db, "Carla Carta", dues=[nov(13)], consent=False)
    sem_endereco = add_customer(db, "Sérgio Sem Rua", dues=[nov(13)], street=None)
    for customer_id in (carla, sem_endereco):
        contact(db, customer_id, cashier, at(20), step="contact", channel=PHONE)
    items = {i.customer_id: i for i in queue(db, nov(28))}  # D+15, a Saturday

    letter = items[carla]
    assert (letter.step.key, letter.channel) == ("collection_letter", LETTER)
    assert letter.reason == "D+15 · Carta de cobrança"
    assert letter.message.startswith("Prezado(a) Carla Carta,\n\nConsta em nosso cadastro")
    assert (letter.whatsapp_url, letter.mailto_url, letter.phone_script) == (None, None, None)
    assert letter.planned_at == datetime(2026, 11, 28, 9, 0)
    assert letter.permission.allowed  # mailed: no hours, no weekend; no consent needed

    missing = items[sem_endereco]
    assert missing.channel is LETTER
    assert missing.permission.reason == "Sem endereço para Carta de cobrança"


def test_the_written_notice_is_a_legal_step_first_after_promises(
    db: Database, cashier: Operator
) -> None:
    old = add_customer(db, "Otávio Antigo", dues=[date(2026, 10, 8)])  # D+47 on 24/11
    contact(db, old, cashier, at(8), step="agreement_proposal", channel=PHONE)
    recent = add_customer(db, "Rui Recente", dues=[nov(13)])  # D+11, contact due
    item = queue(db, nov(24))
    assert ids(item) == [old, recent]
    assert (item[0].step.key, item[0].channel, item[0].priority) == ("bureau_notice", LETTER, 1)


# --- promises and pauses -------------------------------------------------------------------------


def test_a_broken_promise_rises_to_the_top(db: Database, cashier: Operator) -> None:
    far = add_customer(db, "Antônio Muito Atrasado", dues=[date(2026, 10, 20)])  # D+35
    broke = add_customer(db, "Zélia Prometeu", dues=[nov(19)])  # D+5
    contact(
        db,
        broke,
        cashier,
        at(20, 11),
        step="gentle_reminder",
        channel=PHONE,
        outcome=ContactOutcome.PROMISED,
        promise=PromiseInput(nov(21), D("50.00")),
    )
    waiting = add_customer(db, "Wagner Vai Pagar", dues=[nov(16)])
    contact(
        db,
        waiting,
        cashier,
        at(23, 11),
        step="contact",
        channel=PHONE,
        outcome=ContactOutcome.PROMISED,
        promise=PromiseInput(nov(27), D("100.00")),
    )
    items = queue(db, nov(24))

    assert ids(items)[:2] == [broke, far]
    top = items[0]
    assert (top.priority, top.broken_promise) == (0, True)
    # No step was due on D+5 (the next, D+7, is on 26/11): a personal contact about the promise.
    assert top.step.key == "contact"
    assert top.reason == "Promessa de R$ 50,00 para 21/11/2026 não cumprida · Contato"
    assert top.scheduled_on == nov(22)
    assert waiting not in ids(items)  # a pending promise holds the cadence until its date

    # Once someone talked to her after the promise broke, it no longer jumps the queue.
    contact(db, broke, cashier, at(24, 9), channel=PHONE, outcome=ContactOutcome.NO_ANSWER)
    assert broke not in ids(queue(db, nov(24)))


def test_a_dispute_pauses_the_cadence(db: Database, cashier: Operator) -> None:
    davi = add_customer(db, "Davi Contesta", dues=[nov(16)])
    contact(
        db,
        davi,
        cashier,
        at(18),
        step="gentle_reminder",
        channel=PHONE,
        outcome=ContactOutcome.REFUSED,
        root_cause=RootCause.DISPUTE,
    )
    assert davi not in ids(queue(db, nov(24)))
    with db.unit_of_work(write=True) as uow:
        col.resume_collection(
            uow, davi, note="Cobrança conferida com o cliente.", operator=cashier, now=at(23, 17)
        )
    assert item_of(db, nov(24), davi).step.key == "contact"


def test_an_anonymized_customer_is_not_contacted(db: Database, cashier: Operator) -> None:
    gone = add_customer(db, "Fulano Anonimizado", dues=[nov(23)])
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(
            update(Customer).where(Customer.id == gone).values(anonymized_at=at(23))
        )
        uow.commit()
    assert gone not in ids(queue(db, nov(24)))


# --- the two cadences ----------------------------------------------------------------------------


def test_a_good_payer_follows_the_soft_cadence(db: Database, cashier: Operator) -> None:
    paid = [date(2026, m, 23) for m in range(1, 11)]
    good = add_customer(db, "Glória Boa Pagadora", paid=paid, dues=[nov(23)])
    new = add_customer(db, "Nelson Novo", dues=[nov(23)])  # B only for lack of history

    assert ids(queue(db, nov(24))) == [new]  # standard: D+1; soft: nothing before D+3
    item = item_of(db, nov(26), good)
    assert item.step.key == "gentle_reminder"
    assert item.reason == "D+3 · Lembrete gentil"


# --- internal tasks ------------------------------------------------------------------------------


def test_the_bureau_report_task_says_when_it_is_allowed(db: Database, cashier: Operator) -> None:
    neg = add_customer(db, "Nestor Negativar", dues=[date(2026, 9, 10)])  # D+60 on 09/11
    contact(db, neg, cashier, at(20), step="bureau_notice", channel=LETTER)

    waiting = item_of(db, nov(24), neg)
    assert waiting.step.key == "bureau_report"
    assert (waiting.channel, waiting.message, waiting.whatsapp_url) == (None, "", None)
    assert waiting.scheduled_on == nov(9)
    assert not waiting.permission.allowed
    assert waiting.permission.reason == (
        "A notificação por escrito foi registrada em 20/11/2026; a negativação só é possível "
        "a partir de 30/11/2026 (10 dias depois, CDC art. 43 §2)."
    )
    assert waiting.permission.next_allowed == datetime(2026, 11, 30, 9, 0)
    assert waiting.reason.startswith("D+60 · Negativação (prevista para 09/11/2026) · Ainda não:")
    assert waiting.priority == 2  # waiting, not due

    due = item_of(db, nov(30), neg)
    assert due.permission.allowed and due.priority == 1
    assert due.reason.endswith("Negativação permitida: aviso por escrito há 10 dias ou mais")

    with db.unit_of_work(write=True) as uow:  # what the task announced
        owner_id = uow.session.scalars(select(User.id).where(User.username == "dono")).one()
        owner = users.operator_for(uow.session, owner_id)
        col.mark_reported(uow, neg, operator=owner, today=nov(30))
    assert neg not in ids(queue(db, nov(30)))  # reported: next is the review, at D+90 (09/12)


def test_review_follows_the_report_and_is_done_when_protested(
    db: Database, cashier: Operator
) -> None:
    rev = add_customer(db, "Renato Revisão", dues=[date(2026, 8, 20)])  # D+96 on 24/11
    contact(db, rev, cashier, at(1, month=10), step="bureau_notice", channel=LETTER)
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(
            update(Customer).where(Customer.id == rev).values(bureau_reported_on=date(2026, 10, 20))
        )
        uow.commit()
    item = item_of(db, nov(24), rev)
    assert (item.step.key, item.channel, item.message) == ("review", None, "")
    assert item.permission.allowed
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(update(Customer).where(Customer.id == rev).values(protested_on=nov(23)))
        uow.commit()
    assert rev not in ids(queue(db, nov(24)))


# --- before the due date -------------------------------------------------------------------------


def test_three_days_before_the_due_date_a_reminder(db: Database, cashier: Operator) -> None:
    lu = add_customer(db, "Lúcia Em Dia", paid=[date(2026, 10, 27)], dues=[nov(27)])
    contact(db, lu, cashier, at(24, month=10), step="reminder")  # last month's, not this one's
    later = add_customer(db, "Lauro Depois", dues=[nov(28)])  # D−4 on 24/11: not yet
    items = queue(db, nov(24))

    assert later not in ids(items)
    item = item_of(db, nov(24), lu)
    assert (item.step.key, item.band, item.days_late) == ("reminder", None, 0)
    assert item.total == D("100.00")
    assert item.reason == "D−3 · Lembrete 3 dias antes"
    assert "a sua parcela de R$ 100,00 vence em 27/11/2026" in item.message
    assert item.whatsapp_url is not None

    contact(db, lu, cashier, at(24, 10), step="reminder")
    assert lu not in ids(queue(db, nov(25)))


# --- the demo shop -------------------------------------------------------------------------------


def test_the_demo_queue_follows_the_rules(db: Database, today: date) -> None:
    demo.create_demo_shop(db, today=today)
    day = today + timedelta(days=1)
    items = queue(db, day)
    assert items
    with db.unit_of_work() as uow:
        paused = set(
            uow.session.scalars(
                select(Customer.id).where(Customer.collection_paused_since.is_not(None))
            )
        )
    assert not paused & set(ids(items))
    assert len(set(ids(items))) == len(items)  # one action per customer
    keys = [(i.priority, -i.days_late) for i in items]
    assert keys == sorted(keys)
    for item in items:
        assert item.scheduled_on <= day
        assert (item.channel is None) == item.step.internal
        assert (item.message == "") == item.step.internal
        assert "{" not in item.message
        assert item.permission.allowed or item.permission.reason
        if item.channel is LETTER:
            assert item.whatsapp_url is None
        if item.band is None:
            assert item.step.key == "reminder" and item.days_late == 0


def test_the_overdue_list_shows_each_customers_next_step_and_its_date(
    db: Database, cashier: Operator
) -> None:
    from services.contact_queue import next_steps
    from services.overdue import overdue_rows

    ana = add_customer(db, "Ana Lima", dues=[nov(16)])  # D+8 on 24/11
    contact(db, ana, cashier, at(13), step="reminder")
    bia = add_customer(db, "Bia Santos", dues=[nov(22)])  # D+2, gentle reminder done
    contact(db, bia, cashier, at(23, 10), step="gentle_reminder")
    davi = add_customer(db, "Davi Contesta", dues=[nov(16)])
    contact(
        db, davi, cashier, at(18), channel=PHONE, outcome=ContactOutcome.REFUSED,
        root_cause=RootCause.DISPUTE,
    )  # fmt: skip
    eva = add_customer(db, "Eva Promete", dues=[nov(16)])
    contact(
        db, eva, cashier, at(20), channel=PHONE, outcome=ContactOutcome.PROMISED,
        promise=PromiseInput(promised_date=nov(30), amount=D("50.00")),
    )  # fmt: skip
    with db.unit_of_work() as uow:
        rows = overdue_rows(uow.session, nov(24))
        texts = next_steps(uow.session, day=nov(24), rows=rows)
    assert texts[ana] == "D+7 · Contato — hoje"
    assert texts[bia] == "D+7 · Contato — 29/11/2026"
    assert texts[davi] == "Cobrança pausada"
    assert texts[eva] == "Aguardando a promessa de 30/11/2026"


def test_a_list_for_today_opened_after_hours_says_the_window_has_closed(
    db: Database, cashier: Operator
) -> None:
    ana = add_customer(db, "Ana Lima", dues=[nov(23)])  # D+1 on 24/11 (a Tuesday)
    with db.unit_of_work() as uow:
        morning = contact_queue(uow.session, day=nov(24), now=at(24, 8))
        evening = contact_queue(uow.session, day=nov(24), now=at(24, 20))
    (early,) = [i for i in morning if i.customer_id == ana]
    (late,) = [i for i in evening if i.customer_id == ana]
    assert early.permission.allowed and early.planned_at == at(24, 9)
    assert not late.permission.allowed and late.planned_at == at(24, 20)
    assert late.permission.next_allowed == at(25, 9)


def test_a_broken_promise_of_a_long_overdue_customer_is_a_call_not_the_review(
    db: Database, cashier: Operator
) -> None:
    old = add_customer(db, "Olga Antiga", dues=[date(2026, 7, 20)])  # D+127: the review is due
    with db.unit_of_work(write=True) as uow:
        customer = uow.session.get(Customer, old)
        assert customer is not None
        customer.bureau_reported_on = date(2026, 9, 30)
        uow.commit()
    contact(
        db, old, cashier, at(18, 11), channel=PHONE, outcome=ContactOutcome.PROMISED,
        promise=PromiseInput(nov(21), D("50.00")),
    )  # fmt: skip
    top = item_of(db, nov(24), old)
    assert (top.priority, top.broken_promise) == (0, True)
    assert not top.step.internal and top.channel is not None
    assert top.reason.startswith("Promessa de R$ 50,00 para 21/11/2026 não cumprida")
    # Followed up: the owner's review comes back.
    contact(db, old, cashier, at(24, 9), channel=PHONE, outcome=ContactOutcome.NO_ANSWER)
    assert item_of(db, nov(25), old).step.key == "review"
