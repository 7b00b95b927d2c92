"""Printing an agreement from the database: the signed letter and the new carnê."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from models import (
    Agreement,
    AgreementStatus,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    SaleStatus,
)
from services import audit, demo, pix
from services import settings as settings_service
from services.db import Database
from services.documents.agreement import render_agreement
from services.printing import (
    PrintJob,
    PrintRefused,
    agreement_letter_for,
    carne_for_agreement,
    render,
)
from services.slips import slip_code_for
from services.text import format_cpf
from tests.documents.conftest import decode, normalized_text, save_png

D = Decimal
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30)


@dataclasses.dataclass(frozen=True)
class Made:
    agreement_id: int
    customer_name: str
    customer_cpf: str
    new_slip_codes: tuple[str, ...]


def make_agreement(
    db: Database,
    *,
    breach_clause: str | None = "keep_discount",
    split: tuple[str, str] | None = None,
) -> Made:
    """A worked example, to the cent, with the shop's default policy (2 % fee, 1 % a month).

    Sale of R$ 450,00 in 3 × R$ 150,00, due 10/08, 10/09 and 10/10/2026, none paid. On
    23/11/2026 they are 105, 74 and 44 days late: fee 3,00 each; interest 150 × 1 % / 30 ×
    days = 5,25, 3,70 and 2,20. Debt 450,00 + 9,00 + 11,15 = 470,15. Discount R$ 40,15:
    R$ 430,00, as R$ 130,00 down and 3 × R$ 100,00. As ``services.agreements`` signs it, the
    down payment is installment 1/4, due on the day; ``split`` (charges, principal) is what the
    signing's audit entry says of the discount.
    """
    with db.unit_of_work(write=True) as uow:
        session = uow.session
        customer = session.scalars(select(Customer).order_by(Customer.id)).first()
        assert customer is not None
        sale = CreditSale(
            customer_id=customer.id,
            sold_on=date(2026, 7, 10),
            description="Guarda-roupa 6 portas; Cômoda",
            cash_price=D("450.00"),
            down_payment=D("0.00"),
            financed_amount=D("450.00"),
            monthly_rate=D("0"),
            cet_yearly=D("0"),
            installment_count=3,
            status=SaleStatus.ACTIVE,
            created_at=datetime(2026, 7, 10, 9, 0),
        )
        session.add(sale)
        session.flush()
        agreement = Agreement(
            customer_id=customer.id,
            agreed_on=TODAY,
            status=AgreementStatus.ACTIVE,
            principal=D("450.00"),
            fees=D("9.00"),
            interest=D("11.15"),
            discount=D("40.15"),
            total=D("430.00"),
            down_payment=D("130.00"),
            installment_count=3,
            monthly_rate=D("0"),
            breach_clause=breach_clause,
            created_at=NOW,
        )
        session.add(agreement)
        session.flush()
        old = [
            Installment(
                customer_id=customer.id,
                sale_id=sale.id,
                number=n,
                count=3,
                due_date=date(2026, 7 + n, 10),
                amount=D("150.00"),
                principal_paid=D("0.00"),
                status=InstallmentStatus.RENEGOTIATED,
                renegotiated_into_id=agreement.id,
            )
            for n in (1, 2, 3)
        ]
        plan = (
            (1, TODAY, D("130.00")),
            (2, date(2026, 12, 23), D("100.00")),
            (3, date(2027, 1, 23), D("100.00")),
            (4, date(2027, 2, 23), D("100.00")),
        )
        new = [
            Installment(
                customer_id=customer.id,
                agreement_id=agreement.id,
                number=n,
                count=4,
                due_date=due,
                amount=amount,
                principal_paid=D("0.00"),
                status=InstallmentStatus.OPEN,
            )
            for n, due, amount in plan
        ]
        session.add_all(old + new)
        session.flush()
        for row in old + new:  # as services.sales does: the code follows the row's id
            row.slip_code = slip_code_for(row.id)
        if split is not None:
            audit.record(
                session,
                at=NOW,
                user_id=None,
                action="agreement.create",
                entity="agreement",
                entity_id=agreement.id,
                customer_id=customer.id,
                after={"charges_discount": D(split[0]), "principal_discount": D(split[1])},
            )
        made = Made(
            agreement.id,
            customer.name,
            customer.cpf,
            tuple(row.slip_code or "" for row in new),
        )
        uow.commit()
    return made


@pytest.fixture
def shop_db(db: Database) -> Database:
    demo.generate(db, customers=4, sales=4, today=TODAY, seed=11)
    return db


def _render(db: Database, job: PrintJob) -> bytes:
    with db.unit_of_work() as uow:
        return render(uow.session, job)


def test_the_letter_shows_parties_amounts_in_words_schedule_and_clauses(
    shop_db: Database,
) -> None:
    made = make_agreement(shop_db)
    pdf = _render(shop_db, PrintJob("agreement", made.agreement_id, TODAY))
    save_png(pdf, "db-acordo")
    text = " ".join(normalized_text(pdf))
    with shop_db.unit_of_work() as uow:
        identity = settings_service.load(uow.session).identity
    assert f"CREDOR: {identity.name}" in text
    assert (
        f"DEVEDOR(A): {made.customer_name}, inscrito(a) no CPF {format_cpf(made.customer_cpf)}"
        in text
    )
    assert f"Acordo nº {made.agreement_id} — {identity.city}/{identity.uf}, 23/11/2026" in text
    # The replaced installments, updated to the agreement's date.
    assert "1/3 10/08/2026 R$ 150,00 R$ 150,00 R$ 3,00 R$ 5,25 R$ 158,25" in text
    assert "2/3 10/09/2026 R$ 150,00 R$ 150,00 R$ 3,00 R$ 3,70 R$ 156,70" in text
    assert "3/3 10/10/2026 R$ 150,00 R$ 150,00 R$ 3,00 R$ 2,20 R$ 155,20" in text
    assert "Total R$ 450,00 R$ 450,00 R$ 9,00 R$ 11,15 R$ 470,15" in text
    assert "Venda " in text and "Guarda-roupa 6 portas" in text
    # The discount: charges first, the rest on the principal.
    assert "(-) Desconto sobre multa e juros R$ 20,15" in text
    assert "(-) Desconto sobre o principal R$ 20,00" in text
    assert (
        "Valor total do acordo: R$ 430,00 (quatrocentos e trinta reais), a pagar com entrada "
        "de R$ 130,00 e 3 parcela(s). Desconto concedido: R$ 40,15." in text
    )
    assert (
        "1/4 (entrada) 23/11/2026 R$ 130,00 2/4 23/12/2026 R$ 100,00 "
        "3/4 23/01/2027 R$ 100,00 4/4 23/02/2027 R$ 100,00 Total R$ 430,00" in text
    )
    # The clause stored on the agreement, and the breach days from Settings (default 30).
    assert "em atraso por mais de 30 dias" in text
    assert "mantido o desconto concedido no item 2" in text
    assert "multa de 2,00 %" in text and "juros de mora de 1,00 % ao mês" in text
    assert f"foro na comarca de {identity.city}/{identity.uf}" in text
    assert "Testemunha 1" in text and "Testemunha 2" in text


def test_an_agreement_without_a_stored_clause_prints_the_settings_one(
    shop_db: Database,
) -> None:
    made = make_agreement(shop_db, breach_clause=None)
    with shop_db.unit_of_work() as uow:
        letter = agreement_letter_for(uow.session, made.agreement_id, today=TODAY)
    assert letter.breach_clause == "lose_discount"
    assert letter.breach_days == 30
    # Without the signing's audit entry the discount counts against the charges first.
    assert (letter.discount_charges, letter.discount_principal) == (D("20.15"), D("20.00"))
    assert letter.paid_up_front == D("130.00") and len(letter.regular) == 3


def test_the_discount_split_comes_from_the_signing(shop_db: Database) -> None:
    made = make_agreement(shop_db, split=("10.15", "30.00"))
    pdf = _render(shop_db, PrintJob("agreement", made.agreement_id, TODAY))
    text = " ".join(normalized_text(pdf))
    assert "(-) Desconto sobre multa e juros R$ 10,15" in text
    assert "(-) Desconto sobre o principal R$ 30,00" in text


def test_a_lost_discount_installment_is_not_part_of_the_signed_letter(
    shop_db: Database,
) -> None:
    made = make_agreement(shop_db, breach_clause="lose_discount")
    with shop_db.unit_of_work(write=True) as uow:
        agreement = uow.session.get(Agreement, made.agreement_id)
        assert agreement is not None
        agreement.status = AgreementStatus.BROKEN
        extra = Installment(
            customer_id=agreement.customer_id,
            agreement_id=agreement.id,
            number=5,
            count=5,
            due_date=date(2027, 1, 24),
            amount=D("37.04"),
            principal_paid=D("0.00"),
            status=InstallmentStatus.OPEN,
        )
        uow.session.add(extra)
        uow.session.flush()
        extra.slip_code = slip_code_for(extra.id)
        extra_code = extra.slip_code
        uow.commit()
    with shop_db.unit_of_work() as uow:
        letter = agreement_letter_for(uow.session, made.agreement_id, today=TODAY)
        carne = carne_for_agreement(uow.session, made.agreement_id)
    assert [i.number for i in letter.schedule] == [1, 2, 3, 4]
    assert "deixa de valer na proporção do que faltar pagar" in " ".join(
        normalized_text(render_agreement(letter))
    )
    # The carnê, though, has every open installment, the lost discount included.
    assert [s.code for s in carne.slips][-1] == extra_code
    assert carne.slips[-1].document_number == f"A{made.agreement_id}-5/5"


def test_after_a_policy_change_only_the_stored_totals_are_printed(
    shop_db: Database,
) -> None:
    made = make_agreement(shop_db)
    with shop_db.unit_of_work(write=True) as uow:
        policy = settings_service.load(uow.session).policy
        changed = dataclasses.replace(policy, late_fee_pct=D("1.00"))
        settings_service.save_section(uow.session, "policy", changed, user_id=None, now=NOW)
        uow.commit()
    text = " ".join(
        normalized_text(_render(shop_db, PrintJob("agreement", made.agreement_id, TODAY)))
    )
    # The per-installment fee would now be 1,50: it no longer adds up to what was signed.
    assert "1/3 10/08/2026 R$ 150,00 R$ 150,00 — — —" in text
    assert "Total R$ 450,00 R$ 450,00 R$ 9,00 R$ 11,15 R$ 470,15" in text


def test_the_new_carne_scans_to_the_new_installments(shop_db: Database) -> None:
    made = make_agreement(shop_db)
    pdf = _render(shop_db, PrintJob("agreement_carne", made.agreement_id, TODAY))
    save_png(pdf, "db-acordo-carne")
    found = decode(pdf)
    itf = [d.text for d in found if d.format.endswith("ITF")]
    assert sorted(itf) == sorted(made.new_slip_codes)
    text = " ".join(normalized_text(pdf))
    for n in (1, 2, 3, 4):
        assert f"A{made.agreement_id}-{n}/4" in text
    payloads = [d.text for d in found if "QR" in d.format]
    amounts = sorted(pix.parse_brcode(p)["54"] for p in payloads)
    assert amounts == ["100.00", "100.00", "100.00", "130.00"]


def test_a_paid_installment_leaves_the_carne(shop_db: Database) -> None:
    made = make_agreement(shop_db)
    with shop_db.unit_of_work(write=True) as uow:
        first = uow.session.scalars(
            select(Installment).where(
                Installment.agreement_id == made.agreement_id, Installment.number == 1
            )
        ).one()
        first.principal_paid = first.amount
        first.status = InstallmentStatus.PAID
        first.settled_on = TODAY
        uow.commit()
    with shop_db.unit_of_work() as uow:
        carne = carne_for_agreement(uow.session, made.agreement_id)
    assert [s.document_number for s in carne.slips] == [
        f"A{made.agreement_id}-2/4",
        f"A{made.agreement_id}-3/4",
        f"A{made.agreement_id}-4/4",
    ]
    assert {s.document_date for s in carne.slips} == {TODAY}


def test_unknown_agreement_is_refused_in_portuguese(shop_db: Database) -> None:
    with pytest.raises(PrintRefused, match="Acordo nº 999 não encontrado"):
        _render(shop_db, PrintJob("agreement", 999, TODAY))
    with pytest.raises(PrintRefused, match="Acordo nº 999 não encontrado"):
        _render(shop_db, PrintJob("agreement_carne", 999, TODAY))


def test_print_agreement_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loja.db"
    args = ["--customers", "4", "--sales", "4", "--today", "2026-11-23", "--db", str(path)]
    assert main.main(["seed", *args]) == 0
    database = Database.open(path)
    try:
        made = make_agreement(database)
    finally:
        database.dispose()
    out = tmp_path / "acordo.pdf"
    base = ["print", "agreement", "--agreement", str(made.agreement_id), "--db", str(path)]
    assert main.main([*base, "--out", str(out)]) == 0
    assert "quatrocentos e trinta reais" in " ".join(normalized_text(out.read_bytes()))
    carne = tmp_path / "carne.pdf"
    assert main.main([*base, "--carne", "--out", str(carne)]) == 0
    itf = sorted(d.text for d in decode(carne.read_bytes()) if d.format.endswith("ITF"))
    assert itf == sorted(made.new_slip_codes)
    capsys.readouterr()
    missing = ["print", "agreement", "--agreement", "999999", "--db", str(path)]
    assert main.main([*missing, "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Não foi possível imprimir: Acordo nº 999999 não encontrado." in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
