"""Shared pieces of every renderer: shop identity check, formats, fitted text, ITF and QR.

Imported only by the renderer modules, so reportlab is loaded on first render, not when
``services.documents`` is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from services.documents import style
from services.documents.data import Payer, Shop
from services.money import format_brl
from services.text import digits, format_cpf, format_document

Canvas = Any  # reportlab.pdfgen.canvas.Canvas (untyped)


def require_shop(shop: Shop) -> None:
    """CDC art. 42-A: a collection document without the creditor's identity must not print."""
    missing = [
        label
        for label, value in (
            ("nome", shop.name),
            ("CNPJ/CPF", digits(shop.document)),
            ("endereço", shop.address),
        )
        if not value.strip()
    ]
    if missing:
        raise ValueError(
            "Dados da loja incompletos para emitir o documento (CDC art. 42-A): falta "
            + ", ".join(missing)
            + "."
        )


def shop_document(shop: Shop) -> str:
    label = "CPF" if len(digits(shop.document)) == 11 else "CNPJ"
    return f"{label} {format_document(shop.document)}"


def shop_lines(shop: Shop) -> list[str]:
    lines = [shop.name, shop_document(shop), shop.address]
    if shop.phone.strip():
        lines.append(f"Telefone {shop.phone}")
    return lines


def payer_line(payer: Payer) -> str:
    return f"{payer.name} — CPF {format_cpf(payer.cpf)}"


def fmt_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def fmt_datetime(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def brl(value: Decimal) -> str:
    return format_brl(value)


def origin_label(origin: str, description: str) -> str:
    """ "Venda 12 · Geladeira", or "Acordo 3" for an agreement's installment (origin "A3")."""
    what = f"Acordo {origin[1:]}" if origin.startswith("A") else f"Venda {origin}"
    if description.strip():
        what += f" · {description.strip()}"
    return what


def fit_lines(
    text: str,
    width: float,
    max_lines: int,
    font: str = style.FONT,
    size: float = style.VALUE_SIZE,
    min_size: float = style.MIN_SIZE,
) -> tuple[list[str], float]:
    """Wrap ``text`` into ``width``; shrink down to ``min_size``, then cut with "…".

    Long names and addresses must never spill out of their box on a printed slip.
    """
    current = size
    while True:
        lines: list[str] = simpleSplit(text, font, current, width)
        if len(lines) <= max_lines:
            return lines, current
        if current - 0.5 < min_size:
            break
        current -= 0.5
    kept = lines[:max_lines]
    last = kept[-1]
    while last and stringWidth(last + "…", font, current) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept, current


def draw_lines(
    c: Canvas,
    x: float,
    top: float,
    lines: Sequence[str],
    font: str,
    size: float,
    align: str = "left",
    width: float = 0.0,
) -> float:
    """Draw lines from ``top`` downward (baseline one ascent below); return the next top."""
    leading = size * 1.18
    y = top - size * 0.82
    c.setFont(font, size)
    for line in lines:
        if align == "right":
            c.drawRightString(x + width, y, line)
        elif align == "center":
            c.drawCentredString(x + width / 2, y, line)
        else:
            c.drawString(x, y, line)
        y -= leading
    return top - leading * len(lines)


def field(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    label: str,
    value: str,
    *,
    bold: bool = False,
    align: str = "left",
    size: float = style.VALUE_SIZE,
) -> None:
    """A ficha box: small label at the top left, the value fitted below it, no overflow."""
    pad = 1.2 * style.MM
    c.setFillColorRGB(*style.GREY)
    c.setFont(style.FONT, style.LABEL_SIZE)
    c.drawString(x + pad, y + h - pad - style.LABEL_SIZE * 0.8, label)
    c.setFillColorRGB(*style.INK)
    inner_w = w - 2 * pad
    avail = h - 2 * pad - style.LABEL_SIZE - 0.6
    font = style.FONT_BOLD if bold else style.FONT
    max_lines = max(1, int(avail // (style.MIN_SIZE * 1.18)))
    lines, fitted = fit_lines(value, inner_w, max_lines, font, size)
    while len(lines) * fitted * 1.18 > avail and fitted > style.MIN_SIZE:
        max_lines = max(1, max_lines - 1)
        lines, fitted = fit_lines(value, inner_w, max_lines, font, size)
        if max_lines == 1:
            break
    draw_lines(
        c, x + pad, y + h - pad - style.LABEL_SIZE - 1.0, lines, font, fitted, align, inner_w
    )


def draw_itf(c: Canvas, x: float, y: float, value: str) -> float:
    """Interleaved 2 of 5 with NO added check digit; ``x`` is the left edge of the quiet zone.

    reportlab's I2of5 default ``checksum=1`` silently adds a digit (DOMAIN, "Boleto-style slip").
    Returns the symbol's width including both quiet zones.
    """
    from reportlab.graphics.barcode.common import I2of5

    if not value.isdigit() or len(value) % 2:
        raise ValueError("O código de barras deve ter uma quantidade par de dígitos.")
    symbol = I2of5(
        value,
        checksum=0,
        bearers=0,
        barWidth=style.ITF_BAR_WIDTH,
        ratio=style.ITF_RATIO,
        barHeight=style.ITF_HEIGHT,
        quiet=1,
        lquiet=style.ITF_QUIET,
        rquiet=style.ITF_QUIET,
    )
    symbol.drawOn(c, x, y)
    return float(symbol.width)


def qr_modules(text: str) -> list[bytes]:
    """QR module rows (nonzero = dark) from zxing-cpp's native encoder, EC level M."""
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    rows, cols = image.shape
    raw = bytes(memoryview(cast(Any, image)))
    # zxing draws dark modules as 0 (black) and light as 255.
    return [bytes(1 if b == 0 else 0 for b in raw[r * cols : (r + 1) * cols]) for r in range(rows)]


def qr_path_operators(rows: Sequence[bytes]) -> str:
    """PDF path operators for the dark modules, in module units with row 0 at the top.

    One ``re`` per horizontal run of dark modules, integers only, then a single fill: the QR
    is ONE path object (reportlab's QR widget costs 123 ms a slip; ENGINEERING, "PDFs").
    """
    n = len(rows)
    parts: list[str] = []
    for r, row in enumerate(rows):
        y = n - 1 - r
        start = -1
        for col in range(n + 1):
            dark = col < n and row[col]
            if dark and start < 0:
                start = col
            elif not dark and start >= 0:
                parts.append(f"{start} {y} {col - start} 1 re")
                start = -1
    parts.append("f")
    return "\n".join(parts)


def draw_qr(c: Canvas, x: float, y: float, side: float, text: str) -> None:
    """Draw the QR as one filled path, bottom-left corner at ``x, y``, ``side`` wide."""
    rows = qr_modules(text)
    module = side / len(rows)
    c.saveState()
    c.setFillColorRGB(*style.INK)
    c.transform(module, 0, 0, module, x, y)
    c.addLiteral(qr_path_operators(rows))
    c.restoreState()


def dashed_line(c: Canvas, x1: float, y1: float, x2: float, y2: float) -> None:
    c.saveState()
    c.setStrokeColorRGB(*style.GREY)
    c.setLineWidth(0.5)
    c.setDash(3, 2)
    c.line(x1, y1, x2, y2)
    c.restoreState()


def wrap_chars(text: str, width: float, font: str, size: float) -> list[str]:
    """Break a string with no spaces (a Pix copia-e-cola payload) by width, char by char."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


def group_digits(code: str, size: int = 4) -> str:
    return " ".join(code[i : i + size] for i in range(0, len(code), size))
