"""Customers: registration rules, the counter search and the detail screen's figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AgreementStatus,
    AuditEvent,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    CreditSale,
    Customer,
    CustomerPhone,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PromiseStatus,
    PromiseToPay,
    Role,
)
from services import audit, users
from services import customers as cs
from services.bands import DEFAULT_BANDS
from services.customers import CustomerInput
from services.db import Database
from services.slips import slip_code_for
from services.validation import ValidationErrors
from tests.conftest import NOW, TODAY

# Valid CPFs (check digits right).
CPF_ANA = "52998224725"
CPF_JOAO = "11144477735"
CPF_OTHER = "39053344705"


def ana(**changes: object) -> CustomerInput:
    data = CustomerInput(
        name="Ana Paula Conceição",
        cpf="529.982.247-25",
        birth_date="12/03/1985",
        phones=[("(16) 98765-4321", True, "celular"), ("", False, ""), ("", False, "")],
        email="Ana.Paula@Exemplo.com.br",
        cep="14010-000",
        street="Rua General Osório",
        number="100",
        complement="apto 12",
        district="Centro",
        city="Ribeirão Preto",
        uf="sp",
        credit_limit=None,
        notes="Cliente antiga da loja.",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def create(db: Database, data: CustomerInput, *, user_id: int | None = None) -> int:
    with db.unit_of_work(write=True) as uow:
        customer_id = cs.create_customer(uow.session, data, user_id=user_id, now=NOW)
        uow.commit()
    return customer_id


def errors_of(db: Database, data: CustomerInput) -> dict[str, str]:
    with db.unit_of_work(write=True) as uow, pytest.raises(ValidationErrors) as caught:
        cs.create_customer(uow.session, data, user_id=None, now=NOW)
    return caught.value.by_field()


def count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


# --- registration ------------------------------------------------------------------------------


def test_create_stores_clean_values_default_limit_and_audit(db: Database) -> None:
    customer_id = create(db, ana())
    with db.unit_of_work() as uow:
        c = uow.session.get(Customer, customer_id)
        assert c is not None
        assert c.name == "Ana Paula Conceição"
        assert c.name_search == "ana paula conceicao"
        assert c.cpf == CPF_ANA
        assert c.birth_date == date(1985, 3, 12)
        assert c.email == "ana.paula@exemplo.com.br"
        assert (c.cep, c.uf, c.city) == ("14010000", "SP", "Ribeirão Preto")
        assert c.credit_limit == Decimal("1000.00")  # the shop's default limit
        assert [(p.number, p.whatsapp, p.label) for p in c.phones] == [
            ("16987654321", True, "celular")
        ]
        event = uow.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.customer_id, event.before) == (
            "customer.create",
            customer_id,
            None,
        )
        assert event.after["cpf"] == CPF_ANA
        assert event.after["credit_limit"] == "1000.00"


def test_an_empty_form_names_every_required_field(db: Database) -> None:
    assert errors_of(db, CustomerInput()) == {
        "name": "Informe o nome do cliente.",
        "cpf": "Informe o CPF.",
        "street": "Informe a rua do endereço.",
        "city": "Informe a cidade.",
        "uf": "Informe a UF.",
        "phones.0": "Informe ao menos um telefone para contato.",
    }


def test_every_bad_field_gets_its_own_message_and_nothing_is_saved(db: Database) -> None:
    bad = ana(
        name="Ana",
        cpf="529.982.247-26",
        birth_date="31/02/1990",
        phones=[
            ("(16) 98765-4321", True, ""),
            ("(20) 3333-4444", False, ""),
            ("16 98765-4321", False, ""),
        ],
        email="ana@",
        cep="1401",
        uf="XX",
        credit_limit="1.2.3",
    )
    assert errors_of(db, bad) == {
        "name": "Informe o nome completo (nome e sobrenome).",
        "cpf": "CPF inválido: confira os dígitos.",
        "birth_date": "Data inexistente: confira dia e mês.",
        "phones.1": "DDD 20 não existe.",
        "phones.2": "Telefone repetido.",
        "email": "E-mail inválido.",
        "cep": "O CEP tem 8 dígitos (ex.: 01310-100).",
        "uf": "UF desconhecida: XX.",
        "credit_limit": "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56).",
    }
    assert count(db, Customer) == 0
    assert count(db, AuditEvent) == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12/03/20", "Data incompleta: use dd/mm/aaaa."),
        ("01/01/2030", "A data de nascimento está no futuro."),
        ("24/11/2008", "Menor de 18 anos não pode assinar o crediário (Código Civil art. 5º)."),
    ],
)
def test_birth_date_messages(db: Database, typed: str, message: str) -> None:
    assert errors_of(db, ana(birth_date=typed)) == {"birth_date": message}


def test_birth_date_accepts_digits_and_dates(db: Database) -> None:
    first = create(db, ana(birth_date="23111990"))
    second = create(db, ana(cpf=CPF_JOAO, name="João Silva", birth_date=date(1970, 1, 1)))
    with db.unit_of_work() as uow:
        assert uow.session.get(Customer, first).birth_date == date(1990, 11, 23)  # type: ignore[union-attr]
        assert uow.session.get(Customer, second).birth_date == date(1970, 1, 1)  # type: ignore[union-attr]


def test_cpf_already_registered_names_the_customer(db: Database) -> None:
    first = create(db, ana())
    assert errors_of(db, ana(name="Outra Pessoa", cpf=CPF_ANA)) == {
        "cpf": f"Este CPF já está cadastrado para Ana Paula Conceição (cliente nº {first})."
    }
    assert count(db, Customer) == 1


def test_update_keeps_own_cpf_and_audits_only_what_changed(db: Database) -> None:
    customer_id = create(db, ana())
    later = datetime(2026, 11, 24, 9, 0)
    with db.unit_of_work(write=True) as uow:
        data = cs.customer_input(uow.session, customer_id)
        assert data.cpf == "529.982.247-25" and data.phones[0][0] == "(16) 98765-4321"
        data.credit_limit = "1.500,00"
        data.phones = [*data.phones, ("(16) 3333-4444", False, "recado")]
        cs.update_customer(uow.session, customer_id, data, user_id=None, now=later)
        uow.commit()
    with db.unit_of_work() as uow:
        c = uow.session.get(Customer, customer_id)
        assert c is not None and c.credit_limit == Decimal("1500.00")
        assert [p.number for p in c.phones] == ["16987654321", "1633334444"]
        assert c.updated_at == later
        event = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.action == "customer.update"
        assert set(event.after) == {"credit_limit", "phones"}
        assert event.before["credit_limit"] == "1000.00"
        assert event.after["credit_limit"] == "1500.00"
        assert audit.verify(uow.session).ok

    # Saving the same data again changes nothing and writes no audit entry.
    with db.unit_of_work(write=True) as uow:
        data = cs.customer_input(uow.session, customer_id)
        cs.update_customer(uow.session, customer_id, data, user_id=None, now=later)
        uow.commit()
    assert count(db, AuditEvent) == 2


def test_update_refuses_another_customers_cpf(db: Database) -> None:
    create(db, ana())
    joao = create(db, ana(name="João da Silva", cpf=CPF_JOAO))
    with db.unit_of_work(write=True) as uow, pytest.raises(ValidationErrors) as caught:
        cs.update_customer(uow.session, joao, ana(name="João da Silva"), user_id=None, now=NOW)
    assert caught.value.by_field()["cpf"].startswith("Este CPF já está cadastrado para Ana Paula")


def test_a_cashier_may_not_raise_a_limit_or_unblock(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa Um",
            role=Role.CASHIER,
            password="segredo2",
            now=NOW,
            created_by=None,
        )
        uow.commit()
    with db.unit_of_work(write=True) as uow, pytest.raises(ValidationErrors) as caught:
        cs.create_customer(uow.session, ana(credit_limit="5000"), user_id=cashier.id, now=NOW)
    assert caught.value.by_field() == {
        "credit_limit": "Acima do limite padrão (R$ 1.000,00) só com o dono."
    }
    customer_id = create(db, ana(blocked=True, credit_limit=Decimal("800")))
    with db.unit_of_work(write=True) as uow, pytest.raises(ValidationErrors) as caught:
        cs.update_customer(
            uow.session,
            customer_id,
            ana(blocked=False, credit_limit=Decimal("900")),
            user_id=cashier.id,
            now=NOW,
        )
    assert caught.value.by_field() == {
        "credit_limit": "Só o dono pode aumentar o limite de crédito.",
        "blocked": "Só o dono pode desbloquear o cliente.",
    }
    with db.unit_of_work(write=True) as uow:  # lowering the limit is fine
        cs.update_customer(
            uow.session,
            customer_id,
            ana(blocked=True, credit_limit=Decimal("500")),
            user_id=cashier.id,
            now=NOW,
        )
        uow.commit()


# --- search ------------------------------------------------------------------------------------

PEOPLE = [
    ("João da Silva", "11144477735", "11987654321"),
    ("Joana Souza", "52998224725", "1633334444"),
    ("Maria José Gonçalves", "39053344705", "21912345678"),
    ("Antônio Carlos Jobim", "87748248800", "1134567890"),
    ("Sílvia Araújo", "71428793860", "31988887777"),
    ("Ana Silva Santos", "15350946056", "71999990000"),
]


def seed_people(db: Database) -> dict[str, int]:
    """Customers straight into the tables, as an import or the demo generator would."""
    ids: dict[str, int] = {}
    with db.unit_of_work(write=True) as uow:
        for name, cpf, phone in PEOPLE:
            c = Customer(
                name=name,
                name_search=cs.normalize_name(name),
                cpf=cpf,
                city="Ribeirão Preto",
                uf="SP",
                credit_limit=Decimal("1000.00"),
                created_at=NOW,
                phones=[CustomerPhone(number=phone, whatsapp=True, position=0)],
            )
            uow.session.add(c)
            uow.session.flush()
            ids[name] = c.id
        uow.commit()
    return ids


def names(session: Session, typed: str, limit: int = 50) -> list[str]:
    return [hit.name for hit in cs.search(session, typed, limit)]


def test_search_by_parts_of_the_name_ignoring_accents_case_and_order(db: Database) -> None:
    seed_people(db)
    with db.unit_of_work() as uow:
        s = uow.session
        assert names(s, "joao sil") == ["João da Silva"]
        assert names(s, "silva jo") == ["João da Silva"]
        assert names(s, "SÍLVIA") == ["Sílvia Araújo"]
        assert names(s, "silv") == ["Ana Silva Santos", "João da Silva", "Sílvia Araújo"]
        assert names(s, "gonçalves") == ["Maria José Gonçalves"]
        assert names(s, "araujo") == ["Sílvia Araújo"]
        assert names(s, "jo") == ["Joana Souza", "João da Silva"]  # short: start of the name
        assert names(s, "an jo") == ["Antônio Carlos Jobim"]  # then start of a word
        assert names(s, "ana sa") == ["Ana Silva Santos"]
        assert names(s, "obi") == ["Antônio Carlos Jobim"]  # 3+ letters: anywhere
        assert names(s, "xyz") == []
        assert names(s, "100% jo_") == []  # LIKE wildcards are plain text
        # Empty: the first page in alphabetical order.
        assert names(s, "  ") == sorted((p[0] for p in PEOPLE), key=cs.normalize_name)
        assert names(s, "", limit=2) == ["Ana Silva Santos", "Antônio Carlos Jobim"]


def test_search_first_page_of_a_common_word_is_in_name_order(db: Database) -> None:
    seed_people(db)
    with db.unit_of_work() as uow:
        assert names(uow.session, "a", limit=2) == ["Ana Silva Santos", "Antônio Carlos Jobim"]
        assert names(uow.session, "silva", limit=1) == ["Ana Silva Santos"]
        assert names(uow.session, "silva", limit=2) == ["Ana Silva Santos", "João da Silva"]


def test_search_index_follows_renames_and_deletes(db: Database) -> None:
    ids = seed_people(db)
    with db.unit_of_work(write=True) as uow:
        data = cs.customer_input(uow.session, ids["Joana Souza"])
        data.name = "Joana Pereira Lima"
        data.street, data.city, data.uf = "Rua Um", "Ribeirão Preto", "SP"
        cs.update_customer(uow.session, ids["Joana Souza"], data, user_id=None, now=NOW)
        uow.commit()
    with db.unit_of_work(write=True) as uow:
        uow.session.execute(
            text("DELETE FROM customer_phones WHERE customer_id = :i"), {"i": ids["Sílvia Araújo"]}
        )
        uow.session.execute(
            text("DELETE FROM customers WHERE id = :i"), {"i": ids["Sílvia Araújo"]}
        )
        uow.commit()
    with db.unit_of_work() as uow:
        assert names(uow.session, "pereira") == ["Joana Pereira Lima"]
        assert names(uow.session, "souza") == []
        assert names(uow.session, "araujo") == []


def test_search_by_cpf_with_or_without_punctuation_and_by_prefix(db: Database) -> None:
    seed_people(db)
    with db.unit_of_work() as uow:
        s = uow.session
        assert names(s, "111.444.777-35") == ["João da Silva"]
        assert names(s, "11144477735") == ["João da Silva"]
        assert names(s, "529.982") == ["Joana Souza"]
        assert names(s, "5") == ["Joana Souza"]
        assert names(s, "111.444.777-36") == []  # a full CPF is exact
        hit = cs.search(s, "52998224725")[0]
        assert hit.cpf_masked == "***.982.247-**"  # lists never show the whole CPF
        assert (hit.city, hit.uf, hit.place) == ("Ribeirão Preto", "SP", "Ribeirão Preto/SP")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("87654321", "João da Silva"),  # last 8 digits of a mobile
        ("98765-4321", "João da Silva"),  # the 9 digits of a mobile
        ("(11) 98765-4321", "João da Silva"),  # with DDD
        ("+55 11 98765-4321", "João da Silva"),  # with the country code
        ("3333-4444", "Joana Souza"),  # landline, 8 digits
        ("(16) 3333-4444", "Joana Souza"),
        ("34567890", "Antônio Carlos Jobim"),
    ],
)
def test_search_by_phone(db: Database, typed: str, expected: str) -> None:
    seed_people(db)
    with db.unit_of_work() as uow:
        assert names(uow.session, typed) == [expected]


def _sale(
    session: Session,
    customer_id: int,
    *,
    sold_on: date,
    description: str,
    amounts: list[Decimal],
    first_due: date,
) -> list[Installment]:
    total = sum(amounts, Decimal(0))
    sale = CreditSale(
        customer_id=customer_id,
        sold_on=sold_on,
        description=description,
        cash_price=total,
        down_payment=Decimal(0),
        financed_amount=total,
        installment_count=len(amounts),
        created_at=datetime.combine(sold_on, datetime.min.time()),
    )
    session.add(sale)
    session.flush()
    items = []
    for n, amount in enumerate(amounts, start=1):
        month = first_due.month - 1 + n - 1
        due = date(first_due.year + month // 12, month % 12 + 1, first_due.day)
        item = Installment(
            customer_id=customer_id,
            sale_id=sale.id,
            number=n,
            count=len(amounts),
            due_date=due,
            amount=amount,
        )
        session.add(item)
        items.append(item)
    session.flush()
    for item in items:
        item.slip_code = slip_code_for(item.id)
    session.flush()
    return items


def test_search_by_slip_code_opens_that_installment(db: Database) -> None:
    ids = seed_people(db)
    with db.unit_of_work(write=True) as uow:
        items = _sale(
            uow.session,
            ids["Maria José Gonçalves"],
            sold_on=date(2026, 10, 1),
            description="Fogão",
            amounts=[Decimal("150.00")] * 3,
            first_due=date(2026, 11, 1),
        )
        second = items[1].id
        uow.commit()
    with db.unit_of_work() as uow:
        hits = cs.search(uow.session, slip_code_for(second))
        assert [(h.name, h.installment_id) for h in hits] == [("Maria José Gonçalves", second)]
        wrong_check_digit = slip_code_for(second)[:-1] + str(
            (int(slip_code_for(second)[-1]) + 1) % 10
        )
        assert all(h.installment_id is None for h in cs.search(uow.session, wrong_check_digit))
        assert cs.search(uow.session, slip_code_for(99_999)) == []  # no such installment


def test_search_with_bands_gives_the_worst_open_installment(db: Database) -> None:
    ids = seed_people(db)
    with db.unit_of_work(write=True) as uow:
        _sale(
            uow.session,
            ids["João da Silva"],
            sold_on=date(2026, 9, 1),
            description="TV",
            amounts=[Decimal("100.00")] * 3,
            first_due=date(2026, 10, 10),
        )
        uow.commit()
    with db.unit_of_work() as uow:
        hits = cs.search_with_bands(uow.session, "jo", TODAY, DEFAULT_BANDS)
    bands = {h.name: (h.band_key, h.band_label, h.band_colour) for h in hits}
    assert bands["João da Silva"] == ("atraso_31_60", "31–60 dias", "#f6b3a8")  # due 10/10: 44 days
    assert bands["Joana Souza"] == ("em_dia", "Em dia", "#dff2e1")


# --- detail and profile ------------------------------------------------------------------------


@pytest.fixture
def story(db: Database) -> dict[str, int]:
    """Ana's record, with amounts worked out by hand (TODAY = 23/11/2026, default policy).

    Geladeira, 3 × R$ 300,00 due 10/08, 10/09, 10/10:
      1/3 paid on 10/08 (on time); 2/3 paid on 20/09 (10 days late, with R$ 6,00 fee and
      R$ 1,00 interest); 3/3 had R$ 100,00 paid early on 05/10, R$ 200,00 open, 44 days late:
      fee 2 % × 200 = 4,00; interest 200 × 1 % / 30 × 44 = 2,9333 → 2,93; today 206,93.
    Sofá, 2 × R$ 250,00 due 20/11 and 20/12:
      1/2 three days late: fee 5,00; interest 250 × 1 % / 30 × 3 = 0,25; today 255,25.
      A R$ 50,00 payment on it was reversed: it changes nothing.
      2/2 not yet due: 250,00.
    """
    customer_id = create(db, ana())
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        user = users.create_user(
            s,
            username="dona",
            full_name="Dona da Loja",
            role=Role.OWNER,
            password="segredo1",
            now=NOW,
            created_by=None,
        )
        s.get(Customer, customer_id).created_at = datetime(2026, 8, 1, 9, 0)  # type: ignore[union-attr]
        fridge = _sale(
            s,
            customer_id,
            sold_on=date(2026, 7, 10),
            description="Geladeira",
            amounts=[Decimal("300.00")] * 3,
            first_due=date(2026, 8, 10),
        )
        sofa = _sale(
            s,
            customer_id,
            sold_on=date(2026, 10, 20),
            description="Sofá",
            amounts=[Decimal("250.00")] * 2,
            first_due=date(2026, 11, 20),
        )

        def pay(
            at: datetime,
            item: Installment,
            principal: str,
            fee: str = "0",
            interest: str = "0",
            method: PaymentMethod = PaymentMethod.CASH,
        ) -> Payment:
            p, f, i = Decimal(principal), Decimal(fee), Decimal(interest)
            payment = Payment(
                customer_id=customer_id,
                received_at=at,
                amount=p + f + i,
                principal=p,
                fee=f,
                interest=i,
                method=method,
                operator_id=user.id,
            )
            s.add(payment)
            s.flush()
            s.add(
                PaymentAllocation(
                    payment_id=payment.id, installment_id=item.id, principal=p, fee=f, interest=i
                )
            )
            return payment

        pay(datetime(2026, 8, 10, 10), fridge[0], "300", method=PaymentMethod.PIX)
        fridge[0].principal_paid, fridge[0].status = Decimal(300), InstallmentStatus.PAID
        fridge[0].settled_on = date(2026, 8, 10)
        pay(datetime(2026, 9, 20, 11), fridge[1], "300", "6", "1")
        fridge[1].principal_paid, fridge[1].status = Decimal(300), InstallmentStatus.PAID
        fridge[1].settled_on = date(2026, 9, 20)
        pay(datetime(2026, 10, 5, 15), fridge[2], "100")
        fridge[2].principal_paid = Decimal(100)
        undone = pay(datetime(2026, 11, 21, 9), sofa[0], "50")
        s.add(
            Payment(
                customer_id=customer_id,
                received_at=datetime(2026, 11, 21, 9, 5),
                amount=Decimal("-50"),
                principal=Decimal("-50"),
                method=PaymentMethod.CASH,
                operator_id=user.id,
                reverses_id=undone.id,
                reversal_reason="Valor digitado errado",
            )
        )
        attempt = ContactAttempt(
            customer_id=customer_id,
            at=datetime(2026, 10, 20, 10),
            channel=ContactChannel.WHATSAPP,
            outcome=ContactOutcome.PROMISED,
            notes="Recebe dia 30.",
            operator_id=user.id,
        )
        s.add(attempt)
        s.flush()
        s.add(
            PromiseToPay(
                customer_id=customer_id,
                made_at=datetime(2026, 10, 20, 10),
                promised_date=date(2026, 10, 30),
                amount=Decimal("200.00"),
                status=PromiseStatus.BROKEN,
                contact_attempt_id=attempt.id,
            )
        )
        uow.commit()
        return {
            "customer": customer_id,
            "fridge3": fridge[2].id,
            "sofa1": sofa[0].id,
            "sofa2": sofa[1].id,
            "user": user.id,
        }


def test_detail_figures_worked_by_hand(db: Database, story: dict[str, int]) -> None:
    with db.unit_of_work() as uow:
        d = cs.customer_detail(uow.session, story["customer"], TODAY)

    assert d.name == "Ana Paula Conceição"
    assert d.cpf == "529.982.247-25"  # the detail shows it in full
    assert d.phones == (cs.PhoneLine("(16) 98765-4321", True, "celular"),)
    assert d.address_lines == (
        "Rua General Osório, 100 – apto 12",
        "Centro – Ribeirão Preto/SP – CEP 14010-000",
    )
    rows = [
        (
            i.fraction,
            i.origin,
            i.due_date,
            i.days_late,
            i.amount,
            i.open_principal,
            i.fee,
            i.interest,
            i.total,
            i.band.key,
        )
        for i in d.installments
    ]
    D = Decimal
    assert rows == [
        (
            "3/3",
            "Geladeira (venda nº 1)",
            date(2026, 10, 10),
            44,
            D("300.00"),
            D("200.00"),
            D("4.00"),
            D("2.93"),
            D("206.93"),
            "atraso_31_60",
        ),
        (
            "1/2",
            "Sofá (venda nº 2)",
            date(2026, 11, 20),
            3,
            D("250.00"),
            D("250.00"),
            D("5.00"),
            D("0.25"),
            D("255.25"),
            "atraso_1_7",
        ),
        (
            "2/2",
            "Sofá (venda nº 2)",
            date(2026, 12, 20),
            -27,
            D("250.00"),
            D("250.00"),
            D("0.00"),
            D("0.00"),
            D("250.00"),
            "em_dia",
        ),
    ]
    assert d.open_total == Decimal("712.18")
    assert d.overdue_count == 2
    assert d.band.label == "31–60 dias"

    assert (d.credit.limit, d.credit.used, d.credit.available) == (
        Decimal("1000.00"),
        Decimal("700.00"),
        Decimal("300.00"),
    )
    assert d.credit.reasons == ("Parcela em atraso há 44 dias (máximo permitido: 30).",)

    assert d.history == cs.PaymentHistory(
        installments_paid=2,
        paid_on_time=1,
        average_days_late=Decimal("10.00"),
        max_days_late_open=44,
        renegotiations=0,
        broken_promises=1,
        broken_agreements=0,
        months_as_customer=4,  # first sale 10/07/2026
    )
    assert (d.profile.letter, d.profile.reason) == (
        "B",
        "Cliente novo: ainda sem histórico suficiente.",
    )

    payments = [
        (p.received_at.date(), p.amount, p.method, p.installments, p.reversed, p.is_reversal)
        for p in d.payments
    ]
    assert payments == [
        (date(2026, 11, 21), D("-50.00"), "Estorno (Dinheiro)", "do pagamento nº 4", False, True),
        (date(2026, 11, 21), D("50.00"), "Dinheiro", "1/2", True, False),
        (date(2026, 10, 5), D("100.00"), "Dinheiro", "3/3", False, False),
        (date(2026, 9, 20), D("307.00"), "Dinheiro", "2/3", False, False),
        (date(2026, 8, 10), D("300.00"), "Pix", "1/3", False, False),
    ]
    assert d.payments[0].operator == "Dona da Loja"
    assert [(c.channel, c.outcome, c.notes) for c in d.contacts] == [
        ("WhatsApp", "prometeu pagar", "Recebe dia 30.")
    ]
    assert [(p.promised_date, p.amount, p.status) for p in d.promises] == [
        (date(2026, 10, 30), D("200.00"), "Não cumprida")
    ]
    assert [a.description for a in d.audit] == ["Cadastro do cliente."]


def test_fee_and_interest_already_paid_are_not_charged_again(
    db: Database, story: dict[str, int]
) -> None:
    # A late partial payment on 3/3 already paid R$ 4,00 of fee and R$ 1,00 of interest.
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        item = s.get(Installment, story["fridge3"])
        assert item is not None
        payment = Payment(
            customer_id=story["customer"],
            received_at=datetime(2026, 11, 1, 10),
            amount=Decimal("5.00"),
            principal=Decimal(0),
            fee=Decimal("4.00"),
            interest=Decimal("1.00"),
            method=PaymentMethod.CASH,
            operator_id=story["user"],
        )
        s.add(payment)
        s.flush()
        s.add(
            PaymentAllocation(
                payment_id=payment.id,
                installment_id=item.id,
                principal=Decimal(0),
                fee=Decimal("4.00"),
                interest=Decimal("1.00"),
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        first = cs.customer_detail(uow.session, story["customer"], TODAY).installments[0]
    assert (first.fee, first.interest, first.total) == (
        Decimal("0.00"),
        Decimal("1.93"),
        Decimal("201.93"),
    )


def test_profile_letters_follow_the_record(db: Database, story: dict[str, int]) -> None:
    customer_id = story["customer"]
    with db.unit_of_work() as uow:
        # 61 days after 3/3's due date it is more than 60 days late: D.
        late = cs.customer_detail(uow.session, customer_id, date(2026, 12, 10))
    assert late.profile.letter == "D"
    assert late.profile.reason == "Inadimplente: parcela em aberto há 61 dias."
    assert late.band.label == "61–90 dias"

    with db.unit_of_work(write=True) as uow:
        uow.session.add(
            Agreement(
                customer_id=customer_id,
                agreed_on=date(2026, 11, 1),
                principal=Decimal(100),
                total=Decimal(100),
                installment_count=1,
                status=AgreementStatus.ACTIVE,
                created_at=NOW,
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        renegotiated = cs.customer_detail(uow.session, customer_id, TODAY)
    assert renegotiated.history.renegotiations == 1
    assert renegotiated.profile.letter == "C"


def test_a_good_payer_is_an_a(db: Database) -> None:
    customer_id = create(db, ana())
    with db.unit_of_work(write=True) as uow:
        items = _sale(
            uow.session,
            customer_id,
            sold_on=date(2025, 10, 1),
            description="Cama",
            amounts=[Decimal("80.00")] * 10,
            first_due=date(2025, 11, 5),
        )
        for n, item in enumerate(items):
            item.principal_paid, item.status = item.amount, InstallmentStatus.PAID
            # one paid 3 days late, the rest on the due date
            item.settled_on = item.due_date if n != 4 else date(2026, 3, 8)
        uow.commit()
    with db.unit_of_work() as uow:
        d = cs.customer_detail(uow.session, customer_id, TODAY)
        history = cs.payment_history(uow.session, customer_id, TODAY, grace_days=3)
    assert (d.history.installments_paid, d.history.paid_on_time) == (10, 9)
    assert d.history.average_days_late == Decimal("3.00")
    assert (d.profile.letter, d.profile.reason) == (
        "A",
        "Paga em dia: 90 % das parcelas pagas no vencimento.",
    )
    assert d.installments == () and d.credit.used == Decimal("0.00")
    assert d.band.key == "em_dia"
    assert history.paid_on_time == 10  # inside three grace days
    assert history.months_as_customer == 13


def test_audit_lines_describe_changes(db: Database) -> None:
    customer_id = create(db, ana())
    with db.unit_of_work(write=True) as uow:
        data = cs.customer_input(uow.session, customer_id)
        data.credit_limit = Decimal("1200")
        data.blocked = True
        cs.update_customer(uow.session, customer_id, data, user_id=None, now=NOW)
        uow.commit()
    with db.unit_of_work() as uow:
        lines = [a.description for a in cs.customer_detail(uow.session, customer_id, TODAY).audit]
    assert lines[0] == (
        "Cadastro alterado: limite de crédito (R$ 1.000,00 → R$ 1.200,00), bloqueado."
    )


def test_unknown_customer(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(LookupError):
        cs.customer_detail(uow.session, 999, TODAY)


def test_search_finds_a_cpf_that_starts_with_zero(db: Database) -> None:
    """A CPF may begin with 0: it is a CPF, not a long-distance 0 in front of a phone."""
    customer_id = create(db, ana(cpf="014.793.928-39"))
    with db.unit_of_work() as uow:
        for typed in ("01479392839", "014.793.928-39", "0147939"):
            assert [h.customer_id for h in cs.search(uow.session, typed)] == [customer_id]
