"""End-of-day report: every total printed equals the figures it was given."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.bands import DEFAULT_BANDS
from services.documents.day_report import (
    AgreementEntry,
    BandLine,
    CreditSales,
    DayReport,
    DueToday,
    ReceiptTotal,
    ReversalEntry,
    render_day_report,
)
from tests.documents.conftest import normalized_text, pdf_pages, save_png, shop

D = Decimal
DAY = date(2026, 11, 23)


def bands(count: int = 5) -> tuple[BandLine, ...]:
    late = [b for b in DEFAULT_BANDS if b.max_days is None or b.max_days > 0][:count]
    figures = [
        (41, 52, "3120.40", "3188.95"),
        (63, 97, "8731.25", "9105.60"),
        (28, 61, "5490.00", "5907.31"),
        (17, 49, "4410.49", "4986.02"),
        (35, 212, "19080.00", "24311.77"),
    ]
    return tuple(
        BandLine(band.label, band.colour, customers, installments, D(principal), D(total))
        for band, (customers, installments, principal, total) in zip(late, figures, strict=False)
    )


def report(**kwargs: Any) -> DayReport:
    values: dict[str, Any] = {
        "shop": shop(),
        "day": DAY,
        "generated_at": datetime(2026, 11, 23, 18, 40),
        "operator": "Dono da Loja",
        "receipts_by_method": (
            ReceiptTotal("Dinheiro", 14, D("1830.55"), D("120.00")),
            ReceiptTotal("Pix", 22, D("2741.18")),
            ReceiptTotal("Cartão de débito", 5, D("612.40")),
            ReceiptTotal("Cartão de crédito", 2, D("399.98"), D("99.99")),
        ),
        "receipts_by_cashier": (
            ReceiptTotal("Ana Lúcia", 25, D("3105.63"), D("120.00")),
            ReceiptTotal("Bruno Henrique", 18, D("2478.48"), D("99.99")),
        ),
        "reversals": (
            ReversalEntry(
                datetime(2026, 11, 23, 10, 12),
                "000481",
                "José Antônio Conceição",
                "Dinheiro",
                D("120.00"),
                "pagamento lançado em duplicidade",
                "Ana Lúcia",
            ),
            ReversalEntry(
                datetime(2026, 11, 23, 16, 5),
                "000497",
                "Maria Aparecida Lima",
                "Cartão de crédito",
                D("99.99"),
                "cartão recusado depois do lançamento",
                "Bruno Henrique",
            ),
        ),
        "credit_sales": CreditSales(7, D("850.00"), D("6320.70")),
        "agreements": (
            AgreementEntry("A-0012", "Raimundo Nonato Ferreira", D("1487.33"), D("1400.00"), 6),
            AgreementEntry("A-0013", "Francisca das Chagas Souza", D("602.10"), D("602.10"), 3),
        ),
        "due_today": DueToday(31, D("2874.52"), 19, D("1702.80")),
        "overdue_bands": bands(),
    }
    values.update(kwargs)
    return DayReport(**values)


def test_every_total_printed_equals_the_inputs() -> None:
    pdf = render_day_report(report())
    save_png(pdf, "fechamento-do-dia")
    text = " ".join(normalized_text(pdf))
    for expected in (
        "Magazine Estrela D'Ávila Ltda.",
        "CNPJ 12.345.678/0001-95",
        "Fechamento do dia 23/11/2026 (segunda-feira)",
        "Gerado em 23/11/2026 18:40 por Dono da Loja",
        # Summary: 1830,55 + 2741,18 + 612,40 + 399,98 = 5584,11; reversals 219,99.
        "Recebido no dia R$ 5.584,11",
        "Estornos (descontados) R$ 219,99",
        "Recebido líquido R$ 5.364,12",
        # By method, with the total row.
        "Dinheiro 14 R$ 1.830,55 R$ 120,00 R$ 1.710,55",
        "Pix 22 R$ 2.741,18 R$ 0,00 R$ 2.741,18",
        "Cartão de crédito 2 R$ 399,98 R$ 99,99 R$ 299,99",
        "Total 43 R$ 5.584,11 R$ 219,99 R$ 5.364,12",
        # By cashier.
        "Ana Lúcia 25 R$ 3.105,63 R$ 120,00 R$ 2.985,63",
        "Bruno Henrique 18 R$ 2.478,48 R$ 99,99 R$ 2.378,49",
        # Reversals.
        "10:12 000481 José Antônio Conceição Dinheiro Ana Lúcia",
        "Total R$ 219,99",
        # Credit sales: 850,00 + 6320,70.
        "7 R$ 850,00 R$ 6.320,70 R$ 7.170,70",
        # Agreements.
        "A-0012 Raimundo Nonato Ferreira 6 R$ 1.487,33 R$ 1.400,00",
        "Total 9 R$ 2.089,43 R$ 2.002,10",
        # Due today.
        "Vencendo no dia 31 R$ 2.874,52",
        "Pagas 19 R$ 1.702,80",
        "Em aberto 12 R$ 1.171,72",
        # Bands, with the labels beside the colours, and the grand total.
        "1–7 dias 41 52 R$ 3.120,40 R$ 3.188,95",
        "8–30 dias 63 97 R$ 8.731,25 R$ 9.105,60",
        "Mais de 90 dias 35 212 R$ 19.080,00 R$ 24.311,77",
        "Total 184 471 R$ 40.832,14 R$ 47.499,65",
        "Em atraso (com encargos) 184 clientes — R$ 47.499,65",
        "Página 1 de",
    ):
        assert expected in text, expected
    assert "difere" not in text
    assert "Atenção" not in text


def test_totals_add_up_to_the_cent() -> None:
    r = report()
    assert r.received == D("5584.11")
    assert r.net == D("5364.12")
    assert sum((c.net for c in r.receipts_by_cashier), D(0)) == r.net
    assert r.overdue_total == D("47499.65")


def test_cashier_totals_that_disagree_with_the_methods_are_flagged() -> None:
    cashiers = (ReceiptTotal("Ana Lúcia", 25, D("3105.63"), D("120.00")),)
    text = " ".join(normalized_text(render_day_report(report(receipts_by_cashier=cashiers))))
    assert "Atenção: o total por operador (R$ 2.985,63) difere" in text


def test_an_empty_day_says_so() -> None:
    pdf = render_day_report(
        report(
            receipts_by_method=(),
            receipts_by_cashier=(),
            reversals=(),
            credit_sales=CreditSales(0, D(0), D(0)),
            agreements=(),
            due_today=DueToday(0, D(0), 0, D(0)),
            overdue_bands=(),
        )
    )
    save_png(pdf, "fechamento-do-dia-vazio")
    text = " ".join(normalized_text(pdf))
    for expected in (
        "Nenhum recebimento no dia.",
        "Nenhum estorno no dia.",
        "Nenhuma venda a prazo no dia.",
        "Nenhum acordo no dia.",
        "Nenhuma parcela vencia no dia.",
        "Nenhuma parcela em atraso.",
        "Recebido líquido R$ 0,00",
    ):
        assert expected in text, expected


def test_a_long_report_numbers_its_pages() -> None:
    many = tuple(
        ReversalEntry(
            datetime(2026, 11, 23, 9 + n // 6, n % 60),
            f"{500 + n:06d}",
            f"Cliente {n:02d}",
            "Pix",
            D("10.00"),
            "lançado no cliente errado",
            "Ana Lúcia",
        )
        for n in range(60)
    )
    pdf = render_day_report(report(reversals=many))
    save_png(pdf, "fechamento-do-dia-longo")
    pages = normalized_text(pdf)
    assert pdf_pages(pdf) == len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page
        assert "Magazine Estrela D'Ávila Ltda." in page
    assert "Total R$ 600,00" in " ".join(pages)
    # These 60 reversals do not match the R$ 219,99 in the method totals: the report says so.
    assert "os estornos listados somam R$ 600,00, mas os totais" in " ".join(pages)


def test_same_input_gives_the_same_bytes() -> None:
    assert render_day_report(report()) == render_day_report(report())


def test_report_without_shop_identity_is_refused() -> None:
    with pytest.raises(ValueError, match="falta nome"):
        render_day_report(report(shop=dataclasses.replace(shop(), name=" ")))
