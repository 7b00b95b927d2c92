"""Render every document kind to PNG (150 dpi) in build/documents/ to look at, and time a carnê.

Run: .venv/bin/python -m tests.documents.make_previews
"""

from __future__ import annotations

import dataclasses
import time
from datetime import date

from reportlab import rl_config

from services.documents.data import Reversal
from services.documents.disclosure import render_disclosure
from services.documents.receipt import render_receipt
from services.documents.slip import render_boleto, render_carne
from tests.documents.conftest import (
    LONG_ADDRESS,
    LONG_NAME,
    carne,
    disclosure,
    payer,
    receipt,
    save_png,
    shop,
    slip,
)


def main() -> None:
    rl_config.invariant = 1
    long_shop = dataclasses.replace(
        shop(),
        name="Comércio de Móveis e Eletrodomésticos São João Batista da Silva Irmãos e "
        "Companhia Limitada — Filial Centro",
        address=LONG_ADDRESS,
    )
    reversal = Reversal(date(2026, 11, 24), "pagamento lançado em duplicidade")
    outputs = {
        "carne-3-por-pagina": render_carne(carne(3)),
        "carne-3-por-pagina-sem-pix": render_carne(carne(3, pix=False)),
        "carne-1-por-pagina-banco-nomes-longos": render_carne(
            dataclasses.replace(
                carne(1, per_page=1, bank=True),
                shop=long_shop,
                payer=payer(LONG_NAME, LONG_ADDRESS),
            )
        ),
        "boleto-a4-banco-pix": render_boleto(shop(), payer(), (slip(1, 12, bank=True),)),
        "recibo-80mm": render_receipt(receipt()),
        "recibo-80mm-estornado": render_receipt(receipt(reversal=reversal)),
        "recibo-a4": render_receipt(receipt(city="Uberlândia/MG"), "a4"),
        "recibo-a4-estornado": render_receipt(receipt(reversal=reversal), "a4"),
        "demonstrativo-venda-a-prazo": render_disclosure(disclosure()),
    }
    for name, pdf in outputs.items():
        for path in save_png(pdf, name):
            print(path)
    for kwargs in ({}, {"bank": True}):
        twelve = carne(12, **kwargs)
        render_carne(twelve)  # warm-up: imports, fonts
        runs = []
        for _ in range(10):
            start = time.perf_counter()
            render_carne(twelve)
            runs.append((time.perf_counter() - start) * 1000)
        runs.sort()
        print(
            f"carnê 12 parcelas com ITF + QR {kwargs}: mediana {runs[5]:.1f} ms, mín {runs[0]:.1f}"
        )


if __name__ == "__main__":
    main()
