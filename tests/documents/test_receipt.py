"""Payment receipt on the 80 mm roll and on A4."""

from __future__ import annotations

import dataclasses
from datetime import date

import pypdfium2 as pdfium
import pytest

from services.documents import style
from services.documents.data import Reversal
from services.documents.receipt import render_receipt
from tests.documents.conftest import normalized_text, receipt, shop

EXPECTED = (
    "Magazine Estrela D'Ávila Ltda.",
    "CNPJ 12.345.678/0001-95",
    "RECIBO Nº 000482",
    "23/11/2026 10:30",
    "José Antônio Conceição",
    "CPF ***.982.247-**",
    "3/12",
    "10/10/2026",
    "R$ 100,00",
    "R$ 2,00",
    "R$ 1,45",
    "R$ 103,45",
    "Dinheiro",
    "R$ 130,00",
    "Troco R$ 6,55",
    "TOTAL PAGO R$ 123,45",
    "Recebemos de José Antônio Conceição a quantia de R$ 123,45 (cento e vinte e três reais "
    "e quarenta e cinco centavos)",
    "Operador: Ana Lúcia",
)


@pytest.mark.parametrize("size", ["roll", "a4"])
def test_receipt_shows_what_was_paid(size: str) -> None:
    pdf = render_receipt(receipt(), size)  # type: ignore[arg-type]
    text = normalized_text(pdf)[0]
    for expected in EXPECTED:
        assert expected in text, expected
    assert "52998224725" not in text and "529.982.247-25" not in text  # CPF masked (LGPD)
    assert "ESTORNADO" not in text


def test_roll_is_80_mm_wide_and_as_tall_as_its_content() -> None:
    document = pdfium.PdfDocument(render_receipt(receipt()))
    assert len(document) == 1
    width, height = document[0].get_size()
    assert width == pytest.approx(style.ROLL_WIDTH)
    assert 80 * style.MM < height < 200 * style.MM


@pytest.mark.parametrize("size", ["roll", "a4"])
def test_reversed_receipt_says_so(size: str) -> None:
    reversed_ = receipt(reversal=Reversal(date(2026, 11, 24), "pagamento lançado em duplicidade"))
    text = normalized_text(render_receipt(reversed_, size))[0]  # type: ignore[arg-type]
    assert "ESTORNADO em 24/11/2026 — pagamento lançado em duplicidade" in text


def test_receipt_without_shop_address_is_refused() -> None:
    with pytest.raises(ValueError, match="falta endereço"):
        render_receipt(receipt(shop=dataclasses.replace(shop(), address="")))
