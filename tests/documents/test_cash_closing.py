"""The printed cash closing: per-method totals, the drawer's check and the entries, to the cent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import main
from models import PaymentMethod
from services.cash import close_session
from services.db import Database
from services.documents import style
from services.printing import PrintJob, PrintRefused, render
from tests.documents.conftest import normalized_text, save_png
from tests.services.test_cash import CLOSE_AT, TODAY, _customer, _open, _operator, _pay
from tests.services.test_cash import shop as shop

D = Decimal


def _shift(db: Database) -> int:
    """Cash 80 (100 handed, 20 change), cash 150, Pix 114,26, debit 60, cash 50 reversed."""
    cashier = _operator(db, "caixa")
    customer = _customer(db)
    session_id = _open(db, cashier)
    _pay(db, session_id, cashier, customer, "80.00", PaymentMethod.CASH, tendered="100.00",
         change="20.00")  # fmt: skip
    _pay(db, session_id, cashier, customer, "150.00", PaymentMethod.CASH)
    _pay(db, session_id, cashier, customer, "114.26", PaymentMethod.PIX)
    _pay(db, session_id, cashier, customer, "60.00", PaymentMethod.DEBIT)
    wrong = _pay(db, session_id, cashier, customer, "50.00", PaymentMethod.CASH)
    _pay(db, session_id, cashier, customer, "-50.00", PaymentMethod.CASH, reverses=wrong)
    return session_id


def _close(db: Database, session_id: int, counted: str) -> None:
    with db.unit_of_work(write=True) as uow:
        close_session(
            uow.session,
            session_id,
            counted_cash=D(counted),
            operator=_operator(db, "caixa"),
            now=CLOSE_AT,
            notes="faltou troco",
        )
        uow.commit()


def _render(db: Database, session_id: int, size: str = "roll") -> bytes:
    with db.unit_of_work() as uow:
        return render(uow.session, PrintJob("cash_closing", session_id, TODAY, receipt_size=size))


@pytest.mark.parametrize("size", ["roll", "a4"])
def test_closing_prints_totals_drawer_and_difference(shop: Database, size: str) -> None:
    session_id = _shift(shop)
    _close(shop, session_id, "327.50")
    pdf = _render(shop, session_id, size)
    save_png(pdf, f"fechamento-caixa-{size}")
    (text,) = normalized_text(pdf)
    for expected in (
        f"FECHAMENTO DE CAIXA Caixa nº {session_id:06d}",
        "Terminal Caixa 1",
        "Abertura 23/11/2026 08:00",
        "Fechamento 23/11/2026 18:05",
        # Forma, recebido, estornado, líquido.
        "Dinheiro R$ 280,00 R$ 50,00 R$ 230,00",
        "Pix R$ 114,26 R$ 0,00 R$ 114,26",
        "Cartão de débito R$ 60,00 R$ 0,00 R$ 60,00",
        "Total R$ 404,26",
        "Fundo de troco (abertura) R$ 100,00",
        "Dinheiro entregue pelos clientes R$ 300,00",
        "Troco devolvido R$ 20,00",
        "Estornos em dinheiro R$ 50,00",
        "Dinheiro esperado R$ 330,00",
        "Dinheiro contado R$ 327,50",
        "Diferença Falta de R$ 2,50",
        "Observações: faltou troco",
        "Lançamentos do caixa (6)",
        "−R$ 50,00",
        "Operador(a) do caixa",
        "Conferido por",
    ):
        assert expected in text, expected
    assert "AINDA ABERTO" not in text
    assert len(pdfium.PdfDocument(pdf)) == 1
    if size == "roll":
        width, _height = pdfium.PdfDocument(pdf)[0].get_size()
        assert width == pytest.approx(style.ROLL_WIDTH)


def test_an_open_shift_prints_as_a_partial_check(shop: Database) -> None:
    session_id = _shift(shop)
    (text,) = normalized_text(_render(shop, session_id))
    assert "CAIXA AINDA ABERTO — parcial de 23/11/2026" in text
    assert "Dinheiro esperado R$ 330,00" in text
    assert "Diferença Não contado" in text
    assert "Fechamento 23" not in text


def test_a_missing_shift_is_refused(shop: Database) -> None:
    with pytest.raises(PrintRefused, match="Caixa nº 999 não encontrado"):
        _render(shop, 999)


def test_print_cash_from_the_shell(shop: Database, tmp_path: Path) -> None:
    session_id = _shift(shop)
    _close(shop, session_id, "330.00")
    out = tmp_path / "fechamento.pdf"
    url = shop.engine.url.render_as_string(hide_password=False)
    args = ["print", "cash", "--session", str(session_id), "--database-url", url]
    assert main.main([*args, "--out", str(out), "--today", "2026-11-23"]) == 0
    (text,) = normalized_text(out.read_bytes())
    assert "Diferença Confere" in text
