"""The Termo de Acordo e Confissão de Dívida: parties, amounts in figures and words, clauses."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.documents.agreement import (
    AgreementLetter,
    NewInstallment,
    ReplacedInstallment,
    render_agreement,
)
from tests.documents.conftest import (
    LONG_ADDRESS,
    LONG_NAME,
    char_boxes,
    normalized_text,
    payer,
    pdf_pages,
    save_png,
    shop,
)

D = Decimal
AGREED_ON = date(2026, 11, 23)


def replaced(count: int = 3) -> tuple[ReplacedInstallment, ...]:
    """Three overdue installments of sale 1237, the last one half paid."""
    base = [
        ReplacedInstallment("1237", 3, 10, date(2026, 8, 10), D("150.00"), D("150.00"),
                            D("3.00"), D("5.25"), "Geladeira Frost Free 375 L"),
        ReplacedInstallment("1237", 4, 10, date(2026, 9, 10), D("150.00"), D("150.00"),
                            D("3.00"), D("3.70"), "Geladeira Frost Free 375 L"),
        ReplacedInstallment("1237", 5, 10, date(2026, 10, 10), D("150.00"), D("100.00"),
                            D("2.00"), D("1.43"), "Geladeira Frost Free 375 L"),
    ]  # fmt: skip
    if count <= 3:
        return tuple(base[:count])
    more = [
        ReplacedInstallment(
            str(1300 + n), 1 + n % 10, 10, date(2024 + n // 12, 1 + n % 12, 5),
            D("80.00"), D("80.00"), D("1.60"), D("4.00"), "Sofá retrátil 3 lugares",
        )
        for n in range(count - 3)
    ]  # fmt: skip
    return tuple(base + more)


def schedule(
    count: int, amount: str, first: date = date(2026, 12, 23)
) -> tuple[NewInstallment, ...]:
    items = []
    for n in range(count):
        month = first.month - 1 + n
        items.append(
            NewInstallment(
                n + 1, count, date(first.year + month // 12, month % 12 + 1, first.day), D(amount)
            )
        )
    return tuple(items)


def letter(**kwargs: Any) -> AgreementLetter:
    """R$ 418,38 of debt (400,00 + 8,00 fee + 10,38 interest), charges waived: R$ 400,00,
    paid as R$ 100,00 today and 3 × R$ 100,00."""
    values: dict[str, Any] = {
        "shop": shop(),
        "debtor": payer(),
        "number": "7",
        "agreed_on": AGREED_ON,
        "city": "Uberlândia/MG",
        "replaced": replaced(),
        "principal": D("400.00"),
        "fees": D("8.00"),
        "interest": D("10.38"),
        "discount_charges": D("18.38"),
        "discount_principal": D("0.00"),
        "total": D("400.00"),
        "down_payment": D("100.00"),
        "schedule": schedule(3, "100.00"),
        "late_fee_pct": D("2"),
        "monthly_interest_pct": D("1"),
    }
    values.update(kwargs)
    return AgreementLetter(**values)


def text_of(pdf: bytes) -> str:
    return " ".join(normalized_text(pdf))


def test_both_parties_are_fully_identified() -> None:
    pdf = render_agreement(letter())
    save_png(pdf, "acordo")
    text = text_of(pdf)
    assert "TERMO DE ACORDO E CONFISSÃO DE DÍVIDA" in text
    assert "Acordo nº 7 — Uberlândia/MG, 23/11/2026" in text
    # The creditor (CDC art. 42-A): name, CNPJ, address.
    assert "CREDOR: Magazine Estrela D'Ávila Ltda., inscrito no CNPJ 12.345.678/0001-95" in text
    assert "Av. Getúlio Vargas, 1500, Centro, Uberlândia/MG, CEP 38400-000" in text
    # The debtor, with the full CPF: the one document where it is not masked.
    assert "DEVEDOR(A): José Antônio Conceição, inscrito(a) no CPF 529.982.247-25" in text
    assert "Rua das Acácias, 45, Jardim Brasília, Uberlândia/MG, CEP 38401-120" in text
    assert "***" not in text


def test_the_replaced_installments_with_original_and_updated_amounts() -> None:
    text = text_of(render_agreement(letter()))
    assert "atualizados até 23/11/2026" in text
    assert (
        "Venda 1237 · Geladeira Frost Free 375 L 3/10 10/08/2026 R$ 150,00 R$ 150,00 R$ 3,00 "
        "R$ 5,25 R$ 158,25" in text
    )
    assert "5/10 10/10/2026 R$ 150,00 R$ 100,00 R$ 2,00 R$ 1,43 R$ 103,43" in text
    assert "Total R$ 450,00 R$ 400,00 R$ 8,00 R$ 10,38 R$ 418,38" in text


def test_discount_total_in_words_and_schedule() -> None:
    text = text_of(render_agreement(letter()))
    assert "(=) Débito atualizado R$ 418,38" in text
    assert "(-) Desconto sobre multa e juros R$ 18,38" in text
    assert "(-) Desconto sobre o principal R$ 0,00" in text
    assert "(=) Valor do acordo R$ 400,00" in text
    assert (
        "Valor total do acordo: R$ 400,00 (quatrocentos reais), a pagar com entrada de "
        "R$ 100,00 e 3 parcela(s). Desconto concedido: R$ 18,38." in text
    )
    assert "Entrada 23/11/2026 R$ 100,00" in text
    assert "1/3 23/12/2026 R$ 100,00" in text
    assert "2/3 23/01/2027 R$ 100,00" in text
    assert "3/3 23/02/2027 R$ 100,00" in text
    assert "Total R$ 400,00" in text


def test_the_clauses() -> None:
    text = text_of(render_agreement(letter()))
    assert "confessa dever ao CREDOR a quantia líquida, certa e exigível de R$ 400,00" in text
    assert "art. 784, III" in text and "duas testemunhas" in text
    assert (
        "multa de 2,00 % sobre o seu valor (Código de Defesa do Consumidor, art. 52, § 1º)" in text
    )
    assert "juros de mora de 1,00 % ao mês, pro rata die" in text
    assert "redução proporcional dos juros (Código de Defesa do Consumidor, art. 52, § 2º)" in text
    assert "em atraso por mais de 30 dias, o acordo estará rompido" in text
    # As services.agreements applies it: open installments back to collection, and the share of
    # the discount matching what is unpaid comes back as one more installment.
    assert "as parcelas deste acordo em aberto voltam à cobrança normal" in text
    assert "o desconto de R$ 18,38 concedido no item 2 deixa de valer na proporção" in text
    assert "desconto × valor ainda não pago ÷ valor total das parcelas deste acordo" in text
    assert "pagas todas as parcelas do item 2, ficam quitadas as parcelas originais" in text
    assert "LGPD, art. 7º, X" in text
    assert "foro na comarca de Uberlândia/MG" in text
    assert "Uberlândia/MG, 23/11/2026." in text
    for line in ("CREDOR", "DEVEDOR(A)", "Testemunha 1", "Testemunha 2"):
        assert line in text
    assert text.count("Nome: ") == 2 and text.count("CPF: ") == 2


def test_keep_discount_clause_and_breach_days_come_from_the_agreement() -> None:
    text = text_of(render_agreement(letter(breach_clause="keep_discount", breach_days=45)))
    assert "em atraso por mais de 45 dias" in text
    assert "mantido o desconto concedido no item 2" in text
    assert "deixa de valer" not in text


def test_discount_on_principal_and_payment_in_full() -> None:
    # 418,38 − 18,38 on charges − 40,00 on principal (10 %) = 360,00 paid today.
    pdf = render_agreement(
        letter(
            discount_principal=D("40.00"),
            total=D("360.00"),
            down_payment=D("360.00"),
            schedule=(),
        )
    )
    save_png(pdf, "acordo-a-vista")
    text = text_of(pdf)
    assert "(-) Desconto sobre o principal R$ 40,00" in text
    assert (
        "Valor total do acordo: R$ 360,00 (trezentos e sessenta reais), a pagar à vista, "
        "em 23/11/2026. Desconto concedido: R$ 58,38." in text
    )
    assert "À vista 23/11/2026 R$ 360,00" in text


def test_financing_interest_prints_both_totals() -> None:
    # R$ 400,00 in 4 × R$ 102,52 at 1 % a month (Price): R$ 410,08 to pay.
    pdf = render_agreement(
        letter(
            down_payment=D("0.00"),
            schedule=schedule(4, "102.52"),
            monthly_rate_pct=D("1.00"),
        )
    )
    text = text_of(pdf)
    assert "Total a pagar (juros de 1,00 % a.m.) R$ 410,08" in text
    assert "somando R$ 410,08 (quatrocentos e dez reais e oito centavos)" in text
    assert "juros de 1,00 % ao mês, já incluídos no valor das parcelas" in text


def test_twelve_and_twelve_fit_one_page_and_nothing_leaves_it() -> None:
    many = replaced(12)
    principal = sum((i.open_principal for i in many), D("0"))
    fees = sum((i.fee or D(0) for i in many), D("0"))
    interest = sum((i.interest or D(0) for i in many), D("0"))
    total = principal + fees + interest  # no discount: 1.188,78 = 11 × 99,07 + 99,01
    amounts = [D("99.07")] * 11 + [total - D("99.07") * 11]
    plan = tuple(
        dataclasses.replace(item, amount=a)
        for item, a in zip(schedule(12, "1.00"), amounts, strict=True)
    )
    pdf = render_agreement(
        letter(
            debtor=payer(LONG_NAME, LONG_ADDRESS),
            replaced=many,
            principal=principal,
            fees=fees,
            interest=interest,
            discount_charges=D("0.00"),
            total=total,
            down_payment=D("0.00"),
            schedule=plan,
        )
    )
    save_png(pdf, "acordo-12x12")
    assert pdf_pages(pdf) == 1
    text = text_of(pdf)
    assert "12/12 23/11/2027 R$ 99,01" in text
    assert "Página 1 de 1" in text
    width, height = 595.27, 841.89  # A4; nothing outside the 15 mm side margins
    for char, left, bottom, right, top in char_boxes(pdf):
        assert left >= 42 and right <= width - 42 and bottom >= 20 and top <= height - 30, char


def test_a_long_agreement_flows_onto_numbered_pages() -> None:
    many = replaced(40)
    principal = sum((i.open_principal for i in many), D("0"))
    fees = sum((i.fee or D(0) for i in many), D("0"))
    interest = sum((i.interest or D(0) for i in many), D("0"))
    total = principal + fees + interest - fees - interest
    per = (total / 24).quantize(D("0.01"))
    amounts = [per] * 23 + [total - per * 23]
    plan = tuple(
        dataclasses.replace(item, amount=a)
        for item, a in zip(schedule(24, "1.00"), amounts, strict=True)
    )
    pdf = render_agreement(
        letter(
            replaced=many,
            principal=principal,
            fees=fees,
            interest=interest,
            discount_charges=fees + interest,
            total=total,
            down_payment=D("0.00"),
            schedule=plan,
        )
    )
    save_png(pdf, "acordo-longo")
    pages = normalized_text(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page
        assert "Termo de acordo nº 7" in page and "CNPJ 12.345.678/0001-95" in page
    assert "Testemunha 2" in pages[-1]


def test_unknown_per_installment_charges_print_a_dash() -> None:
    rows = tuple(dataclasses.replace(i, fee=None, interest=None) for i in replaced())
    text = text_of(render_agreement(letter(replaced=rows)))
    assert "3/10 10/08/2026 R$ 150,00 R$ 150,00 — — —" in text
    assert "Total R$ 450,00 R$ 400,00 R$ 8,00 R$ 10,38 R$ 418,38" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"total": D("399.99")}, "difere do total"),
        ({"schedule": schedule(3, "99.00")}, "o cronograma soma R\\$ 397,00"),
        ({"replaced": ()}, "não há parcelas renegociadas"),
        ({"debtor": payer().__class__("José", "123", "Rua A")}, "CPF completos"),
        ({"breach_clause": "whatever"}, "cláusula de quebra"),
    ],
)
def test_a_letter_that_does_not_add_up_is_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_agreement(letter(**change))


def test_down_payment_as_the_first_installment() -> None:
    """As services.agreements signs it: the entrada is installment 1/4, due on the day."""
    plan = (
        NewInstallment(1, 4, AGREED_ON, D("100.00"), is_down_payment=True),
        *(dataclasses.replace(i, number=i.number + 1, count=4) for i in schedule(3, "100.00")),
    )
    text = text_of(render_agreement(letter(down_payment=D("0.00"), schedule=plan)))
    assert "1/4 (entrada) 23/11/2026 R$ 100,00 2/4 23/12/2026 R$ 100,00" in text
    assert "4/4 23/02/2027 R$ 100,00 Total R$ 400,00" in text
    assert "a pagar com entrada de R$ 100,00 e 3 parcela(s)" in text
    only = (NewInstallment(1, 1, AGREED_ON, D("400.00"), is_down_payment=True),)
    text = text_of(render_agreement(letter(down_payment=D("0.00"), schedule=only)))
    assert "1/1 (à vista) 23/11/2026 R$ 400,00" in text
    assert "a pagar à vista, em 23/11/2026" in text


def test_installments_not_yet_due_show_their_early_settlement_rebate() -> None:
    # An upcoming installment of R$ 150,00 entered at present value, R$ 4,35 less (CDC 52 §2).
    upcoming = ReplacedInstallment(
        "1237", 8, 10, date(2027, 1, 10), D("150.00"), D("150.00"), D("0.00"), D("0.00"),
        "Geladeira Frost Free 375 L",
    )  # fmt: skip
    pdf = render_agreement(
        letter(
            replaced=(*replaced(), upcoming),
            principal=D("545.65"),
            rebate=D("4.35"),
            total=D("545.65"),
            down_payment=D("245.65"),
        )
    )
    text = text_of(pdf)
    assert "Principal em aberto R$ 550,00" in text
    assert "(-) Redução de juros por antecipação R$ 4,35" in text
    assert "(=) Débito atualizado R$ 564,03" in text
    assert "(=) Valor do acordo R$ 545,65" in text
    assert "Total R$ 600,00 R$ 550,00 R$ 8,00 R$ 10,38 R$ 568,38" in text


def test_same_input_same_bytes() -> None:
    assert render_agreement(letter()) == render_agreement(letter())
