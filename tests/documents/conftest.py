"""Helpers for the document tests: sample inputs, PDF → images → decoded codes and text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.documents.data import (
    BankFields,
    Carne,
    Disclosure,
    DisclosureInstallment,
    Payer,
    Receipt,
    ReceiptItem,
    Shop,
    Slip,
)

PIX = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
BB_BARCODE = "00193373700000001000500940144816060680935031"
BB_LINE = "00190.50095 40144.816069 06809.350314 3 37370000000100"
LONG_NAME = (
    "Maria da Conceição Aparecida dos Santos Albuquerque Cavalcanti de Oliveira "
    "Guimarães Figueiredo Sampaio Brandão Junqueira"
)[:120]
LONG_ADDRESS = (
    "Rua Desembargador João Guimarães Rosa de Araújo, 12345, Bloco C, Apartamento 1204, "
    "Conjunto Residencial São Sebastião das Águas Claras, Jardim Paraíso, São José dos "
    "Campos/SP, CEP 12245-000"
)


@pytest.fixture(autouse=True)
def _invariant_pdfs() -> Iterator[None]:
    """Same input → same bytes (no timestamps or random ids in the PDF)."""
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before


def shop() -> Shop:
    return Shop(
        name="Magazine Estrela D'Ávila Ltda.",
        document="12345678000195",
        address="Av. Getúlio Vargas, 1500, Centro, Uberlândia/MG, CEP 38400-000",
        phone="(34) 3232-1000",
    )


def payer(name: str = "José Antônio Conceição", address: str = "") -> Payer:
    return Payer(
        name=name,
        cpf="52998224725",
        address=address or "Rua das Acácias, 45, Jardim Brasília, Uberlândia/MG, CEP 38401-120",
    )


def slip(
    n: int = 1,
    total: int = 12,
    *,
    pix: bool = True,
    bank: bool = False,
    amount: str = "123.45",
) -> Slip:
    return Slip(
        sale_number="1237",
        installment=n,
        installments=total,
        due_date=date(2026 + (n + 10) // 12, (n + 10) % 12 + 1, 10),
        amount=Decimal(amount),
        code=f"{1237:08d}{n:02d}{total:02d}",
        document_date=date(2026, 11, 23),
        our_number=f"0001237{n:03d}",
        late_fee_pct=Decimal("2"),
        monthly_interest_pct=Decimal("1"),
        pix_payload=PIX if pix else None,
        bank=(
            BankFields("001-9", "Banco do Brasil", "1234-5 / 0012345-6", BB_BARCODE, BB_LINE)
            if bank
            else None
        ),
    )


def carne(count: int = 12, per_page: int = 3, **kwargs: Any) -> Carne:
    return Carne(
        shop(), payer(), tuple(slip(n, count, **kwargs) for n in range(1, count + 1)), per_page
    )


def receipt(**kwargs: Any) -> Receipt:
    values: dict[str, Any] = {
        "shop": shop(),
        "number": "000482",
        "issued_at": datetime(2026, 11, 23, 10, 30),
        "payer_name": "José Antônio Conceição",
        "payer_cpf": "52998224725",
        "items": (
            ReceiptItem(
                3,
                12,
                date(2026, 10, 10),
                Decimal("100.00"),
                Decimal("2.00"),
                Decimal("1.45"),
                Decimal("0.00"),
                "1237",
            ),
            ReceiptItem(
                4,
                12,
                date(2026, 11, 10),
                Decimal("20.00"),
                Decimal("0.00"),
                Decimal("0.00"),
                Decimal("0.00"),
                "1237",
            ),
        ),
        "method": "Dinheiro",
        "operator": "Ana Lúcia",
        "amount_tendered": Decimal("130.00"),
    }
    values.update(kwargs)
    return Receipt(**values)


def disclosure(**kwargs: Any) -> Disclosure:
    amounts = [Decimal("91.67")] * 11 + [Decimal("91.63")]
    values: dict[str, Any] = {
        "shop": shop(),
        "payer": payer(),
        "sale_number": "1237",
        "sale_date": date(2026, 11, 23),
        "cash_price": Decimal("1100.00"),
        "down_payment": Decimal("100.00"),
        "installments": tuple(
            DisclosureInstallment(i + 1, date(2026 + (i + 11) // 12, (i + 11) % 12 + 1, 23), a)
            for i, a in enumerate(amounts)
        ),
        "monthly_rate_pct": Decimal("1.59"),
        "yearly_rate_pct": Decimal("20.82"),
        "cet_yearly_pct": Decimal("21.40"),
        "late_fee_pct": Decimal("2"),
        "monthly_interest_pct": Decimal("1"),
        "items": ("Geladeira Frost Free 375 L — 1 un.",),
        "city": "Uberlândia/MG",
    }
    values.update(kwargs)
    return Disclosure(**values)


@dataclass(frozen=True)
class Decoded:
    page: int
    format: str
    text: str
    width_px: int


def pdf_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def page_images(pdf: bytes, dpi: int = 300) -> list[Any]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]


def decode(pdf: bytes, dpi: int = 300) -> list[Decoded]:
    """Every ITF and QR code on every page, read back from the rendered image."""
    import zxingcpp

    found: list[Decoded] = []
    formats = zxingcpp.barcode_formats_from_str("ITF,QRCode")
    for number, image in enumerate(page_images(pdf, dpi)):
        for result in zxingcpp.read_barcodes(image, formats=formats):
            xs = [
                p.x
                for p in (
                    result.position.top_left,
                    result.position.top_right,
                    result.position.bottom_left,
                    result.position.bottom_right,
                )
            ]
            found.append(Decoded(number, str(result.format), result.text, max(xs) - min(xs)))
    return found


def pdf_text(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def save_png(pdf: bytes, name: str, dpi: int = 150) -> list[str]:
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "build" / "documents"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, image in enumerate(page_images(pdf, dpi), start=1):
        path = out / f"{name}-p{number}.png"
        image.save(path)
        paths.append(str(path))
    return paths


def normalized_text(pdf: bytes) -> list[str]:
    """Page texts with line breaks and no-break spaces folded to single spaces."""
    return [" ".join(text.replace("\u00a0", " ").split()) for text in pdf_text(pdf)]


def char_boxes(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """(char, left, bottom, right, top) in points for every visible character of a page."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    textpage = document[page].get_textpage()
    boxes = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char.strip():
            boxes.append((char, *textpage.get_charbox(index)))
    return boxes
