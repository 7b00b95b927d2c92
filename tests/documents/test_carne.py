"""Carnê slips: the bars, the QR and the printed words a customer and the counter rely on."""

from __future__ import annotations

import dataclasses

import pytest

from services.documents import style
from services.documents.data import Shop
from services.documents.slip import render_carne
from services.text import format_cpf
from tests.documents.conftest import (
    BB_BARCODE,
    BB_LINE,
    LONG_ADDRESS,
    LONG_NAME,
    PIX,
    carne,
    char_boxes,
    decode,
    normalized_text,
    payer,
    pdf_pages,
    shop,
)

MM = style.MM


def test_three_per_page_every_code_decodes_to_its_slip() -> None:
    data = carne(12)
    pdf = render_carne(data)
    assert pdf_pages(pdf) == 4
    found = decode(pdf)
    for page in range(4):
        expected = {s.code for s in data.slips[page * 3 : page * 3 + 3]}
        itf = [d.text for d in found if d.page == page and d.format == "ITF"]
        qr = [d.text for d in found if d.page == page and d.format == "QR Code"]
        assert sorted(itf) == sorted(expected)  # all 12 digits, no added check digit
        assert qr == [PIX] * 3


def test_one_per_page() -> None:
    data = carne(2, per_page=1)
    pdf = render_carne(data)
    assert pdf_pages(pdf) == 2
    found = decode(pdf)
    assert [(d.page, d.text) for d in found if d.format == "ITF"] == [
        (0, data.slips[0].code),
        (1, data.slips[1].code),
    ]


def test_customer_reads_shop_payer_amount_due_date_and_instructions() -> None:
    data = carne(3)
    text = normalized_text(render_carne(data))[0]
    for expected in (
        "Magazine Estrela D'Ávila Ltda.",
        "CNPJ 12.345.678/0001-95",
        "Av. Getúlio Vargas, 1500, Centro,",
        "José Antônio Conceição",
        f"CPF {format_cpf(data.payer.cpf)}",
        "R$ 123,45",
        "10/12/2026",
        "10/01/2027",
        "10/02/2027",
        "Parcela 1/3",
        "Pagável na loja ou por Pix",
        "Após o vencimento: multa de 2,00 % e juros de 1,00 % ao mês.",
        "Nosso número",
        "Local de pagamento",
        "Agência / Código do beneficiário",
        "Data do documento",
        "23/11/2026",
        "Pix copia e cola",
        "peça a 2ª via com o valor atualizado",
        "Canhoto",
    ):
        assert expected in text, expected


def test_bank_mode_draws_febraban_barcode_and_digitable_line() -> None:
    data = carne(1, per_page=1, bank=True)
    pdf = render_carne(data)
    itf = [d for d in decode(pdf) if d.format == "ITF"]
    assert [d.text for d in itf] == [BB_BARCODE]
    assert all(a == b for a, b in zip(itf[0].text, BB_BARCODE, strict=True))
    text = normalized_text(pdf)[0]
    assert BB_LINE in text
    assert "001-9" in text and "Banco do Brasil" in text and "1234-5 / 0012345-6" in text
    # The symbol is ~103 mm wide (22 pairs × 18 + 9 modules × 0.254 mm), quiet zones excluded.
    width_mm = itf[0].width_px / 300 * 25.4
    assert width_mm == pytest.approx(102.9, abs=1.0)


def test_long_name_and_address_stay_inside_their_boxes() -> None:
    long_shop = dataclasses.replace(
        shop(),
        name="Comércio de Móveis e Eletrodomésticos São João Batista da Silva Irmãos e "
        "Companhia Limitada — Filial Centro",
        address=LONG_ADDRESS,
    )
    data = dataclasses.replace(carne(3), shop=long_shop, payer=payer(LONG_NAME, LONG_ADDRESS))
    pdf = render_carne(data)
    stub_right = style.SLIP_MARGIN + style.STUB_WIDTH
    part_left = stub_right + style.STUB_GAP
    page_right = style.A4[0] - style.SLIP_MARGIN
    column = page_right - style.SIDE_COLUMN
    for char, left, _bottom, right, _top in char_boxes(pdf):
        for border in (stub_right, part_left, column, page_right):
            assert not (left < border - 0.3 and right > border + 0.3), (char, left, border)
    text = normalized_text(pdf)[0]
    assert "Maria da Conceição Aparecida" in text
    # Every code still decodes with the long texts around it.
    assert len([d for d in decode(pdf) if d.format == "ITF"]) == 3


@pytest.mark.parametrize(
    ("change", "missing"),
    [({"name": " "}, "nome"), ({"document": ""}, "CNPJ/CPF"), ({"address": ""}, "endereço")],
)
def test_missing_shop_identity_refuses_to_print(change: dict[str, str], missing: str) -> None:
    broken: Shop = dataclasses.replace(shop(), **change)
    with pytest.raises(ValueError, match=f"falta {missing}"):
        render_carne(dataclasses.replace(carne(1), shop=broken))


def test_same_input_same_bytes() -> None:
    assert render_carne(carne(2)) == render_carne(carne(2))


def test_odd_length_code_is_refused() -> None:
    data = carne(1)
    odd = dataclasses.replace(data.slips[0], code="123")
    with pytest.raises(ValueError, match="quantidade par de dígitos"):
        render_carne(dataclasses.replace(data, slips=(odd,)))
