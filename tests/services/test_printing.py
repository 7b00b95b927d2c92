"""Printing from the database: the right installments, codes that scan, amounts to the cent."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

import main
from models import Installment, InstallmentStatus, Payment, PaymentAllocation
from services import boleto, demo, pix
from services import settings as settings_service
from services.charges import amount_due
from services.db import Database
from services.printing import PrintJob, PrintRefused, render
from services.settings import BankAgreement
from tests.documents.conftest import decode, normalized_text, save_png

TODAY = date(2026, 11, 23)


@pytest.fixture
def shop_db(db: Database) -> Database:
    demo.generate(db, customers=25, sales=60, today=TODAY, seed=11)
    return db


@dataclasses.dataclass(frozen=True)
class Open:
    id: int
    slip_code: str
    open_amount: Decimal
    due_date: date


def _sale_with_open_installments(db: Database) -> tuple[int, list[Open]]:
    with db.unit_of_work() as uow:
        sale_id = uow.session.scalar(
            select(Installment.sale_id)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.sale_id.is_not(None))
            .group_by(Installment.sale_id)
            .having(func.count() >= 2)
            .order_by(Installment.sale_id)
            .limit(1)
        )
        assert sale_id is not None
        rows = [
            Open(i.id, i.slip_code or "", i.amount - i.principal_paid, i.due_date)
            for i in uow.session.scalars(
                select(Installment)
                .where(Installment.sale_id == sale_id, Installment.status == InstallmentStatus.OPEN)
                .order_by(Installment.number)
            )
        ]
    return sale_id, rows


def _render(db: Database, job: PrintJob) -> bytes:
    with db.unit_of_work() as uow:
        return render(uow.session, job)


def test_carne_has_one_scannable_slip_per_open_installment(shop_db: Database) -> None:
    sale_id, open_rows = _sale_with_open_installments(shop_db)
    pdf = _render(shop_db, PrintJob("carne", sale_id, TODAY))
    save_png(pdf, "db-carne")
    found = decode(pdf)
    itf = sorted(d.text for d in found if d.format.endswith("ITF"))
    assert itf == sorted(i.slip_code for i in open_rows)
    payloads = [d.text for d in found if "QR" in d.format]
    assert len(payloads) == len(open_rows)
    amounts = sorted(pix.parse_brcode(p)["54"] for p in payloads)
    assert amounts == sorted(f"{i.open_amount:.2f}" for i in open_rows)
    text = " ".join(normalized_text(pdf))
    assert "Móveis e Confecções Boa Vista Ltda" in text
    assert "multa de 2,00 % e juros de 1,00 % ao mês" in text


def test_bank_mode_prints_the_febraban_barcode(shop_db: Database, now) -> None:  # type: ignore[no-untyped-def]
    with shop_db.unit_of_work(write=True) as uow:
        settings_service.save_section(
            uow.session,
            "bank",
            BankAgreement(
                bank_code="001",
                agency="1234-5",
                account="12345-6",
                wallet="18",
                agreement_code="1238798",
            ),
            user_id=None,
            now=now,
        )
        uow.commit()
    sale_id, open_rows = _sale_with_open_installments(shop_db)
    pdf = _render(shop_db, PrintJob("carne", sale_id, TODAY, per_page=1))
    codes = [d.text for d in decode(pdf) if d.format.endswith("ITF")]
    assert len(codes) == len(open_rows)
    first = open_rows[0]
    expected = next(c for c in codes if c[-12:-2] == f"{first.id:010d}")
    assert boleto.check_barcode(expected) == expected
    assert expected[:3] == "001"
    assert expected[9:19] == f"{int(first.open_amount * 100):010d}"
    assert expected[5:9] == boleto.due_date_factor(first.due_date)
    text = " ".join(normalized_text(pdf))
    assert boleto.digitable_line(expected) in text


def test_overdue_slip_is_a_duplicate_updated_to_today(shop_db: Database) -> None:
    with shop_db.unit_of_work() as uow:
        row = uow.session.scalars(
            select(Installment)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.due_date < TODAY)
            .order_by(Installment.due_date)
            .limit(1)
        ).one()
        late = Open(row.id, row.slip_code or "", row.amount - row.principal_paid, row.due_date)
    charges = amount_due(
        late.open_amount,
        late.due_date,
        TODAY,
        late_fee_pct=Decimal("2"),
        monthly_interest_pct=Decimal("1"),
    )
    pdf = _render(shop_db, PrintJob("slip", late.id, TODAY))
    qr = next(d.text for d in decode(pdf) if "QR" in d.format)
    assert pix.parse_brcode(qr)["54"] == f"{charges.total:.2f}"
    text = " ".join(normalized_text(pdf))
    assert f"2ª via: valor atualizado até {TODAY:%d/%m/%Y}" in text


def test_receipt_says_the_amount_in_words(shop_db: Database) -> None:
    with shop_db.unit_of_work() as uow:
        payment = uow.session.scalars(select(Payment).order_by(Payment.id).limit(1)).one()
        payment_id, paid = payment.id, payment.amount
        parts = uow.session.scalar(
            select(func.count()).where(PaymentAllocation.payment_id == payment_id)
        )
    pdf = _render(shop_db, PrintJob("receipt", payment_id, TODAY, receipt_size="a4"))
    save_png(pdf, "db-recibo-a4")
    text = " ".join(normalized_text(pdf))
    from services.money import amount_in_words, format_brl

    assert format_brl(paid) in text
    assert amount_in_words(paid) in text
    assert parts and f"{payment_id:06d}" in text


def test_incomplete_shop_identity_refuses_to_print(shop_db: Database, now) -> None:  # type: ignore[no-untyped-def]
    with shop_db.unit_of_work(write=True) as uow:
        row = uow.session.get(settings_service.Setting, "identity")
        assert row is not None
        row.value = {**row.value, "street": ""}
        uow.commit()
    sale_id, _ = _sale_with_open_installments(shop_db)
    with pytest.raises(PrintRefused, match="falta endereço"):
        _render(shop_db, PrintJob("carne", sale_id, TODAY))


def test_print_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loja.db"
    assert (
        main.main(
            [
                "seed",
                "--customers",
                "20",
                "--sales",
                "40",
                "--today",
                "2026-11-23",
                "--db",
                str(path),
            ]
        )
        == 0
    )
    database = Database.open(path)
    try:
        sale_id, _ = _sale_with_open_installments(database)
    finally:
        database.dispose()
    out = tmp_path / "carne.pdf"
    assert (
        main.main(["print", "carne", "--sale", str(sale_id), "--db", str(path), "--out", str(out)])
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        main.main(
            [
                "print",
                "slip",
                "--installment",
                "999999",
                "--db",
                str(path),
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 1
    )
    assert "Parcela nº 999999 não encontrada" in capsys.readouterr().err


def test_disclosure_lists_the_sale(shop_db: Database) -> None:
    sale_id, _ = _sale_with_open_installments(shop_db)
    pdf = _render(shop_db, PrintJob("disclosure", sale_id, TODAY))
    save_png(pdf, "db-demonstrativo")
    text = " ".join(normalized_text(pdf))
    assert "Boa Vista" in text and "CET" in text


def test_a_batch_joins_documents_and_can_be_cancelled(shop_db: Database) -> None:
    from services.printing import Cancelled, open_sales_of, render_batch
    from tests.documents.conftest import pdf_pages

    with shop_db.unit_of_work() as uow:
        customer_id = uow.session.scalar(
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN)
            .group_by(Installment.customer_id)
            .having(func.count(func.distinct(Installment.sale_id)) >= 2)
            .limit(1)
        )
        assert customer_id is not None
        sales = open_sales_of(uow.session, customer_id)
    jobs = [PrintJob("carne", sale, TODAY, per_page=1) for sale in sales]
    seen: list[tuple[int, int]] = []
    pdf = render_batch(shop_db, jobs, progress=lambda d, t: seen.append((d, t)))
    singles = [pdf_pages(_render(shop_db, job)) for job in jobs]
    assert pdf_pages(pdf) == sum(singles)
    assert seen[-1] == (len(jobs), len(jobs))
    with pytest.raises(Cancelled):
        render_batch(shop_db, jobs, cancelled=lambda: True)


def test_the_shop_phone_is_printed_formatted(shop_db: Database) -> None:
    sale_id, _ = _sale_with_open_installments(shop_db)
    text = " ".join(normalized_text(_render(shop_db, PrintJob("disclosure", sale_id, TODAY))))
    assert "Telefone (16) " in text


def test_waived_charges_are_shown_but_not_taken_off_the_total_again(shop_db: Database) -> None:
    """Payment.amount is what was paid; the waiver is informative (charging less is no favour
    to a receipt that under-states what the customer handed over)."""
    from services.money import format_brl

    with shop_db.unit_of_work() as uow:
        payment = uow.session.scalars(
            select(Payment)
            .where(Payment.discount > 0, Payment.reverses_id.is_(None))
            .order_by(Payment.id)
            .limit(1)
        ).one()
        payment_id, paid, waived = payment.id, payment.amount, payment.discount
    for size in ("roll", "a4"):
        pdf = _render(shop_db, PrintJob("receipt", payment_id, TODAY, receipt_size=size))
        text = " ".join(normalized_text(pdf))
        assert f"TOTAL PAGO {format_brl(paid)}" in text
        assert format_brl(paid - waived) not in text.split("TOTAL PAGO")[1][:30]
    save_png(pdf, "db-recibo-com-dispensa")
