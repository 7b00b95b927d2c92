"""A4 boleto-style slip: recibo do pagador + ficha de compensação in bank mode."""

from __future__ import annotations

from services.documents.slip import render_boleto
from tests.documents.conftest import BB_BARCODE, BB_LINE, PIX, decode, normalized_text, payer
from tests.documents.conftest import shop as make_shop
from tests.documents.conftest import slip as make_slip


def test_boleto_codes_and_blocks() -> None:
    slips = (make_slip(1, 12, bank=True), make_slip(2, 12, bank=True, pix=False))
    pdf = render_boleto(make_shop(), payer(), slips)
    found = decode(pdf)
    assert sorted((d.page, d.format, d.text) for d in found) == [
        (0, "ITF", BB_BARCODE),
        (0, "QR Code", PIX),
        (1, "ITF", BB_BARCODE),
    ]
    first = normalized_text(pdf)[0]
    assert first.count(BB_LINE) == 2  # recibo do pagador and ficha
    for expected in (
        "Recibo do pagador",
        "Magazine Estrela D'Ávila Ltda. — CNPJ 12.345.678/0001-95",
        "José Antônio Conceição — CPF 529.982.247-25",
        "0001237001",
        "1237-1/12",
        "10/12/2026",
        "R$ 123,45",
        "Após o vencimento: multa de 2,00 % e juros de 1,00 % ao mês.",
        "Corte na linha pontilhada",
    ):
        assert expected in first, expected
    assert "Ficha de compensação" in normalized_text(pdf)[1]
