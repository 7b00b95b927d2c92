"""Carnê (own-carnê and bank mode) and the A4 boleto-style slip (recibo do pagador + ficha).

Drawn on the canvas: a slip is a fixed grid of boxes, not flowing text. One ``draw_ficha``
serves both the customer's part of a carnê slip and the A4 ficha de compensação.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas as _Canvas

from services.documents import style
from services.documents.common import (
    Canvas,
    brl,
    dashed_line,
    draw_itf,
    draw_lines,
    draw_qr,
    field,
    fit_lines,
    fmt_date,
    group_digits,
    payer_line,
    require_shop,
    shop_document,
    wrap_chars,
)
from services.documents.data import Carne, Payer, Shop, Slip

MM = style.MM
PIX_NOTE = (
    "QR Code válido para pagamento até o vencimento. Após o vencimento, "
    "peça a 2ª via com o valor atualizado."
)


def _new_canvas(buffer: io.BytesIO, title: str) -> Canvas:
    c = _Canvas(buffer, pagesize=style.A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Crediário")
    c.setLineWidth(0.5)
    return c


def _header(c: Canvas, x: float, y: float, w: float, h: float, shop: Shop, slip: Slip) -> None:
    """Top strip: the shop (own carnê) or bank | code | linha digitável (bank mode)."""
    base = y + 2 * MM
    if slip.bank is not None:
        bank = slip.bank
        lines, size = fit_lines(bank.bank_name, 30 * MM, 1, style.FONT_BOLD, 9)
        c.setFont(style.FONT_BOLD, size)
        c.drawString(x + 1 * MM, base, lines[0])
        c.setFont(style.FONT_BOLD, 11)
        c.drawString(x + 32 * MM, base, bank.bank_code)
        c.line(x + 30 * MM, y, x + 30 * MM, y + h)
        c.line(x + 46 * MM, y, x + 46 * MM, y + h)
        line, size = fit_lines(bank.digitable_line, w - 48 * MM, 1, style.FONT_BOLD, 10.5, 6)
        c.setFont(style.FONT_BOLD, size)
        c.drawRightString(x + w - 1 * MM, base, line[0])
        return
    right = f"Parcela {slip.installment}/{slip.installments}"
    c.setFont(style.FONT_BOLD, 9)
    right_w = c.stringWidth(right, style.FONT_BOLD, 9)
    c.drawRightString(x + w - 1 * MM, base, right)
    lines, size = fit_lines(shop.name, w - right_w - 4 * MM, 1, style.FONT_BOLD, 10, 6)
    c.setFont(style.FONT_BOLD, size)
    c.drawString(x + 1 * MM, base, lines[0])


def _pix_block(c: Canvas, x: float, top: float, w: float, bottom: float, payload: str) -> None:
    side = style.QR_SIDE
    qr_top = top - 3 * MM
    draw_qr(c, x + (w - side) / 2, qr_top - side, side, payload)
    y = qr_top - side - 3.5 * MM
    c.setFont(style.FONT_BOLD, 5.5)
    c.drawString(x + 1.2 * MM, y, "Pix copia e cola:")
    size = 4.2
    lines = wrap_chars(payload, w - 2.4 * MM, style.FONT, size)
    note, note_size = fit_lines(PIX_NOTE, w - 2.4 * MM, 3, style.FONT, 4.8, 4.2)
    needed = (len(lines) * size + len(note) * note_size) * 1.18 + 1 * MM
    while needed > y - bottom - 1 * MM and size > 3.2:
        size -= 0.2
        lines = wrap_chars(payload, w - 2.4 * MM, style.FONT, size)
        needed = (len(lines) * size + len(note) * note_size) * 1.18 + 1 * MM
    after = draw_lines(c, x + 1.2 * MM, y - 1 * MM, lines, style.FONT, size)
    draw_lines(c, x + 1.2 * MM, after - 0.8 * MM, note, style.FONT, note_size)


def draw_ficha(
    c: Canvas, x: float, y: float, w: float, h: float, shop: Shop, payer: Payer, slip: Slip
) -> None:
    """The customer's part: every mandatory block of a ficha (DOMAIN, "Boleto-style slip")."""
    side = style.SIDE_COLUMN
    left_w = w - side
    top = y + h
    header_h = 7 * MM
    rows = [8 * MM, 12 * MM, 8 * MM]
    payer_h = 14 * MM
    barcode_h = 19 * MM
    c.setStrokeColorRGB(*style.INK)
    c.setLineWidth(0.5)

    _header(c, x, top - header_h, w, header_h, shop, slip)
    c.setLineWidth(1)
    c.line(x, top - header_h, x + w, top - header_h)
    c.setLineWidth(0.5)

    cursor = top - header_h
    # Row 1: local de pagamento | vencimento
    r = cursor - rows[0]
    field(c, x, r, left_w, rows[0], "Local de pagamento", slip.payment_place)
    field(
        c,
        x + left_w,
        r,
        side,
        rows[0],
        "Vencimento",
        fmt_date(slip.due_date),
        bold=True,
        align="right",
    )
    c.line(x, r, x + w, r)
    cursor = r
    # Row 2: beneficiário (name, CNPJ/CPF, address) | agência / código do beneficiário
    r = cursor - rows[1]
    beneficiary = f"{shop.name} — {shop_document(shop)} — {shop.address}"
    field(c, x, r, left_w, rows[1], "Beneficiário", beneficiary, size=7)
    agency = slip.bank.agency_code if slip.bank is not None else "Carnê próprio da loja"
    field(
        c,
        x + left_w,
        r,
        side,
        rows[1],
        "Agência / Código do beneficiário",
        agency,
        align="right",
        size=7,
    )
    c.line(x, r, x + w, r)
    cursor = r
    # Row 3: data do documento | nº do documento | nosso número | valor do documento
    r = cursor - rows[2]
    third = left_w / 3
    field(c, x, r, third, rows[2], "Data do documento", fmt_date(slip.document_date))
    field(c, x + third, r, third, rows[2], "Nº do documento", slip.document_number)
    field(c, x + 2 * third, r, third, rows[2], "Nosso número", slip.our_number)
    field(
        c,
        x + left_w,
        r,
        side,
        rows[2],
        "(=) Valor do documento",
        brl(slip.amount),
        bold=True,
        align="right",
        size=9,
    )
    c.line(x + third, r, x + third, cursor)
    c.line(x + 2 * third, r, x + 2 * third, cursor)
    c.line(x, r, x + w, r)
    cursor = r

    # Instructions and payer on the left; the right column holds Pix (or the charges boxes).
    bottom_frame = y + barcode_h
    instr_h = cursor - bottom_frame - payer_h
    text = " ".join(slip.instructions)
    field(
        c,
        x,
        bottom_frame + payer_h,
        left_w,
        instr_h,
        "Instruções (texto de responsabilidade do beneficiário)",
        text,
        size=7.5,
    )
    c.line(x, bottom_frame + payer_h, x + left_w, bottom_frame + payer_h)
    field(
        c,
        x,
        bottom_frame,
        left_w,
        payer_h,
        "Pagador",
        f"{payer_line(payer)} — {payer.address}",
        size=7,
    )
    c.line(x, bottom_frame, x + left_w, bottom_frame)

    if slip.pix_payload:
        c.setFont(style.FONT_BOLD, 6)
        c.drawString(x + left_w + 1.2 * MM, cursor - 2.8 * MM, "Pague com Pix")
        _pix_block(c, x + left_w, cursor - 3.5 * MM, side, y, slip.pix_payload)
    else:
        box = 8 * MM
        labels = ["(-) Desconto / Abatimento", "(+) Mora / Multa", "(=) Valor cobrado"]
        for i, label in enumerate(labels):
            by = cursor - (i + 1) * box
            field(c, x + left_w, by, side, box, label, "")
            c.line(x + left_w, by, x + w, by)
    # Frame: the outer box ends above the barcode strip; with Pix the right column goes on
    # down to the slip's bottom so the QR and its text stay inside a box.
    column_bottom = y if slip.pix_payload else bottom_frame
    c.line(x + left_w, cursor + sum(rows), x + left_w, column_bottom)
    outline = c.beginPath()
    outline.moveTo(x, top)
    outline.lineTo(x + w, top)
    outline.lineTo(x + w, column_bottom)
    outline.lineTo(x + left_w, column_bottom)
    outline.lineTo(x + left_w, bottom_frame)
    outline.lineTo(x, bottom_frame)
    outline.close()
    c.drawPath(outline, stroke=1, fill=0)

    # Barcode bottom left, quiet zone starting at the frame's left edge.
    bars = slip.barcode_digits
    draw_itf(c, x, y + 4 * MM, bars)
    c.setFont(style.FONT, 6)
    under_bars = (
        f"Código da parcela: {group_digits(slip.code)}"
        if slip.bank is None
        else "Ficha de compensação"
    )
    c.drawString(x + style.ITF_QUIET, y + 1.2 * MM, under_bars)
    if not slip.pix_payload:
        c.setFillColorRGB(*style.GREY)
        c.drawRightString(x + w, y + barcode_h - 3 * MM, "Autenticação mecânica")
        c.setFillColorRGB(*style.INK)


def draw_stub(
    c: Canvas, x: float, y: float, w: float, h: float, shop: Shop, payer: Payer, slip: Slip
) -> None:
    """The shop's stub (canhoto): what the counter keeps when the installment is paid."""
    top = y + h
    c.setLineWidth(0.5)
    lines, size = fit_lines(shop.name, w - 2 * MM, 2, style.FONT_BOLD, 8, 5.5)
    draw_lines(c, x + 1 * MM, top - 1 * MM, lines, style.FONT_BOLD, size)
    c.setFont(style.FONT, 5.5)
    c.setFillColorRGB(*style.GREY)
    c.drawString(x + 1 * MM, top - 9 * MM, "Canhoto — via da loja")
    c.setFillColorRGB(*style.INK)
    cursor = top - 10 * MM
    boxes: list[tuple[str, str, bool, float]] = [
        ("Parcela", f"{slip.installment}/{slip.installments}", True, 8 * MM),
        ("Vencimento", fmt_date(slip.due_date), True, 8 * MM),
        ("Valor do documento", brl(slip.amount), True, 8 * MM),
        ("Nº do documento", slip.document_number, False, 8 * MM),
        ("Nosso número", slip.our_number, False, 8 * MM),
        ("Pagador", payer.name, False, 13 * MM),
        ("Recebido em", "____/____/________", False, 9 * MM),
        ("Visto", "", False, 9 * MM),
    ]
    for label, value, bold, bh in boxes:
        cursor -= bh
        align = "right" if label == "Valor do documento" else "left"
        field(c, x, cursor, w, bh, label, value, bold=bold, align=align, size=7.5)
        c.line(x, cursor, x + w, cursor)
    c.rect(x, cursor, w, top - 10 * MM - cursor, stroke=1, fill=0)


class CarneRenderer:
    """A carnê: three 210 × 99 mm slips per A4 page (or one), each with stub and ficha."""

    def render(self, carne: Carne) -> bytes:
        require_shop(carne.shop)
        if carne.per_page not in (1, 3):
            raise ValueError("O carnê sai com 1 ou 3 parcelas por página.")
        if not carne.slips:
            raise ValueError("O carnê não tem parcelas.")
        buffer = io.BytesIO()
        c = _new_canvas(buffer, f"Carnê — {carne.payer.name}")
        page_top = style.A4[1]
        for index, slip in enumerate(carne.slips):
            position = index % carne.per_page
            if index and position == 0:
                c.showPage()
            slip_y = page_top - (position + 1) * style.SLIP_HEIGHT
            self._draw_slip(c, slip_y, carne.shop, carne.payer, slip)
            if carne.per_page == 3 and position < 2 and index < len(carne.slips) - 1:
                dashed_line(c, 0, slip_y, style.A4[0], slip_y)
        c.showPage()
        c.save()
        return buffer.getvalue()

    @staticmethod
    def _draw_slip(c: Canvas, slip_y: float, shop: Shop, payer: Payer, slip: Slip) -> None:
        inner_y = slip_y + 4 * MM
        inner_h = style.SLIP_HEIGHT - 8 * MM
        stub_x = style.SLIP_MARGIN
        part_x = stub_x + style.STUB_WIDTH + style.STUB_GAP
        part_w = style.A4[0] - style.SLIP_MARGIN - part_x
        draw_stub(c, stub_x, inner_y, style.STUB_WIDTH, inner_h, shop, payer, slip)
        dashed_line(
            c, part_x - style.STUB_GAP / 2, inner_y, part_x - style.STUB_GAP / 2, inner_y + inner_h
        )
        draw_ficha(c, part_x, inner_y, part_w, inner_h, shop, payer, slip)


class BoletoRenderer:
    """A4 boleto-style slip: recibo do pagador on top, ficha de compensação below the cut."""

    def render(self, shop: Shop, payer: Payer, slips: tuple[Slip, ...]) -> bytes:
        require_shop(shop)
        if not slips:
            raise ValueError("Nenhuma parcela para emitir.")
        buffer = io.BytesIO()
        c = _new_canvas(buffer, f"Boleto — {payer.name}")
        for slip in slips:
            self._draw_page(c, shop, payer, slip)
            c.showPage()
        c.save()
        return buffer.getvalue()

    @staticmethod
    def _draw_page(c: Canvas, shop: Shop, payer: Payer, slip: Slip) -> None:
        margin = 10 * MM
        w = style.A4[0] - 2 * margin
        top = style.A4[1] - margin
        # Recibo do pagador: repeats beneficiary, payer, nosso número, nº, vencimento, valor.
        header_h = 7 * MM
        _header(c, margin, top - header_h, w, header_h, shop, slip)
        c.setFont(style.FONT_BOLD, 8)
        c.drawRightString(margin + w, top + 1.5 * MM, "Recibo do pagador")
        c.setLineWidth(1)
        c.line(margin, top - header_h, margin + w, top - header_h)
        c.setLineWidth(0.5)
        cursor = top - header_h
        row = 12 * MM
        half = w * 0.62
        r = cursor - row
        field(
            c,
            margin,
            r,
            half,
            row,
            "Beneficiário",
            f"{shop.name} — {shop_document(shop)} — {shop.address}",
            size=7,
        )
        field(c, margin + half, r, w - half, row, "Pagador", payer_line(payer), size=7)
        c.line(margin + half, r, margin + half, cursor)
        c.line(margin, r, margin + w, r)
        cursor = r
        r = cursor - 8 * MM
        quarter = w / 4
        cells = [
            ("Nosso número", slip.our_number, False, "left"),
            ("Nº do documento", slip.document_number, False, "left"),
            ("Vencimento", fmt_date(slip.due_date), True, "left"),
            ("(=) Valor do documento", brl(slip.amount), True, "right"),
        ]
        for i, (label, value, bold, align) in enumerate(cells):
            field(c, margin + i * quarter, r, quarter, 8 * MM, label, value, bold=bold, align=align)
            if i:
                c.line(margin + i * quarter, r, margin + i * quarter, cursor)
        c.rect(margin, r, w, top - r, stroke=1, fill=0)
        c.setFont(style.FONT, 6)
        c.setFillColorRGB(*style.GREY)
        c.drawRightString(margin + w, r - 3 * MM, "Autenticação mecânica")
        c.setFillColorRGB(*style.INK)
        cut = r - 22 * MM
        dashed_line(c, 0, cut, style.A4[0], cut)
        c.setFont(style.FONT, 5.5)
        c.drawRightString(margin + w, cut + 1.2 * MM, "Corte na linha pontilhada")
        ficha_h = 95 * MM
        draw_ficha(c, margin, cut - 6 * MM - ficha_h, w, ficha_h, shop, payer, slip)


def render_carne(carne: Carne) -> bytes:
    return CarneRenderer().render(carne)


def render_boleto(shop: Shop, payer: Payer, slips: tuple[Slip, ...]) -> bytes:
    return BoletoRenderer().render(shop, payer, slips)
