"""Credit-sale disclosure (CDC art. 52 and 54-B)."""

from __future__ import annotations

import dataclasses

import pytest

from services.documents.disclosure import render_disclosure
from tests.documents.conftest import disclosure, normalized_text, shop


def test_disclosure_tells_every_term_before_the_sale() -> None:
    text = " ".join(normalized_text(render_disclosure(disclosure())))
    for expected in (
        "Magazine Estrela D'Ávila Ltda.",
        "CNPJ 12.345.678/0001-95",
        "DEMONSTRATIVO DA VENDA A PRAZO",
        "José Antônio Conceição",
        "Preço à vista R$ 1.100,00",
        "Entrada R$ 100,00",
        "Valor financiado R$ 1.000,00",
        "Taxa de juros mensal 1,59 % ao mês",
        "Taxa de juros anual 20,82 % ao ano",
        "Custo efetivo total (CET) 21,40 % ao ano",
        "2,00 % da parcela",
        "1,00 % ao mês",
        "Total sem financiamento (à vista) R$ 1.100,00",
        "Total com financiamento (entrada + parcelas) R$ 1.200,00",
        "1/12 23/12/2026 R$ 91,67",
        "12/12 23/11/2027 R$ 91,63",
        "redução proporcional dos juros",
        "CPF 529.982.247-25",
    ):
        assert expected in text, expected


def test_disclosure_without_shop_document_is_refused() -> None:
    with pytest.raises(ValueError, match="falta CNPJ/CPF"):
        render_disclosure(disclosure(shop=dataclasses.replace(shop(), document="")))
