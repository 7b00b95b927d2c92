"""Payment receipt: 80 mm thermal roll (height to content) or A4."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import HRFlowable, Spacer, Table, TableStyle

from services.documents import style
from services.documents.common import Canvas, brl, fmt_date, fmt_datetime, require_shop
from services.documents.data import Receipt
from services.documents.flow import (
    Flowable,
    Size,
    build_roll_or_a4,
    key_value_table,
    markup,
    p,
    shop_block,
)
from services.money import amount_in_words
from services.text import mask_cpf

REBATE_LABEL = "Desconto por pagamento antecipado (CDC art. 52 §2)"
NBSP = "\u00a0"  # keeps "R$" and the figures on one line


def words_sentence(receipt: Receipt) -> str:
    total = receipt.total
    return (
        f"Recebemos de {receipt.payer_name} a quantia de {brl(total).replace(' ', NBSP)} "
        f"({amount_in_words(total)}), referente às parcelas acima."
    )


def reversal_text(receipt: Receipt) -> str:
    assert receipt.reversal is not None
    return f"ESTORNADO em {fmt_date(receipt.reversal.on)} — {receipt.reversal.reason}"


class ReceiptRenderer:
    """RECIBO for installments paid at the counter; a reversal prints a banner and watermark."""

    def render(self, receipt: Receipt, size: Size = "roll") -> bytes:
        require_shop(receipt.shop)
        if not receipt.items:
            raise ValueError("O recibo não tem parcelas pagas.")
        return build_roll_or_a4(
            size,
            lambda width, compact: self._story(receipt, width, compact=compact),
            f"Recibo {receipt.number}",
            self._watermark if receipt.reversal is not None else None,
        )

    def _story(self, receipt: Receipt, width: float, *, compact: bool) -> list[Flowable]:
        small = "small" if compact else "body"
        story: list[Flowable] = shop_block(receipt.shop, small)
        story.append(HRFlowable(width="100%", thickness=0.6, spaceBefore=3, spaceAfter=2))
        story.append(markup(f"RECIBO Nº {escape(receipt.number)}", "title"))
        story.append(p(f"Emitido em {fmt_datetime(receipt.issued_at)}", small))
        if receipt.reversal is not None:
            story.append(Spacer(1, 3))
            banner = Table([[p(reversal_text(receipt), "banner")]], colWidths=[width])
            banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, style.RED_HEX)]))
            story.append(banner)
        story.append(Spacer(1, 4))
        story.append(
            markup(
                f"Cliente: <b>{escape(receipt.payer_name)}</b> — "
                f"CPF {escape(mask_cpf(receipt.payer_cpf))}",
                small,
            )
        )
        story.append(Spacer(1, 4))
        story.extend(
            self._items_compact(receipt, width) if compact else [self._items_table(receipt, width)]
        )
        rebate = sum((item.rebate for item in receipt.items), Decimal("0.00"))
        if rebate and not compact:
            story.append(Spacer(1, 3))
            story.append(p(f"{REBATE_LABEL}: {brl(rebate)}, já abatido do valor pago.", "body"))
        story.append(HRFlowable(width="100%", thickness=0.6, spaceBefore=3, spaceAfter=3))
        money_rows = [("Forma de pagamento", receipt.method)]
        if receipt.amount_tendered is not None:
            money_rows.append(("Valor entregue", brl(receipt.amount_tendered)))
            money_rows.append(("Troco", brl(receipt.change)))
        money_rows.append(("TOTAL PAGO", brl(receipt.total)))
        if compact:
            story.append(key_value_table(money_rows, width, bold_last=True))
        else:
            table = key_value_table(money_rows, width * 0.5, bold_last=True, size="body")
            table.hAlign = "RIGHT"
            story.append(table)
        story.append(Spacer(1, 5))
        story.append(p(words_sentence(receipt), small))
        story.append(Spacer(1, 5))
        story.append(p(f"Operador: {receipt.operator}", small))
        if not compact:
            story.append(Spacer(1, 30))
            place = f"{receipt.city}, " if receipt.city else ""
            story.append(p(f"{place}{fmt_date(receipt.issued_at.date())}", "body"))
            story.append(Spacer(1, 28))
            story.append(
                HRFlowable(
                    width="60%", thickness=0.5, color=style.INK_HEX, spaceAfter=2, hAlign="CENTER"
                )
            )
            story.append(p(receipt.shop.name, "center"))
        return story

    @staticmethod
    def _items_compact(receipt: Receipt, width: float) -> list[Flowable]:
        story: list[Flowable] = []
        for item in receipt.items:
            sale = f"Venda {item.sale_number} · " if item.sale_number else ""
            story.append(
                markup(
                    f"<b>{escape(sale)}Parcela {item.installment}/{item.installments}</b> — "
                    f"venc. {fmt_date(item.due_date)}",
                    "cell",
                )
            )
            rows = [("Principal", brl(item.principal))]
            if item.fee:
                rows.append(("Multa", brl(item.fee)))
            if item.interest:
                rows.append(("Juros", brl(item.interest)))
            if item.discount:
                rows.append(("Encargos dispensados (não cobrados)", brl(item.discount)))
            if item.rebate:
                rows.append((REBATE_LABEL, brl(item.rebate)))
            rows.append(("Valor pago da parcela", brl(item.total)))
            story.append(key_value_table(rows, width, bold_last=True))
            story.append(Spacer(1, 3))
        return story

    @staticmethod
    def _items_table(receipt: Receipt, width: float) -> Flowable:
        head = [
            "Venda · parcela",
            "Vencimento",
            "Principal",
            "Multa",
            "Juros",
            "Dispensado",
            "Pago",
        ]
        data: list[list[Any]] = [
            [p(h, "cell") if i < 2 else p(h, "cell_right") for i, h in enumerate(head)]
        ]
        for item in receipt.items:
            sale = f"{item.sale_number} · " if item.sale_number else ""
            data.append(
                [
                    p(f"{sale}{item.installment}/{item.installments}", "cell"),
                    p(fmt_date(item.due_date), "cell"),
                    p(brl(item.principal), "cell_right"),
                    p(brl(item.fee), "cell_right"),
                    p(brl(item.interest), "cell_right"),
                    p(brl(item.discount), "cell_right"),
                    p(brl(item.total), "cell_right"),
                ]
            )
        fractions = [0.16, 0.14, 0.14, 0.13, 0.13, 0.14, 0.16]
        table = Table(data, colWidths=[width * f for f in fractions], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.INK_HEX),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, style.LIGHT_HEX),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    @staticmethod
    def _watermark(c: Canvas, doc: Any) -> None:
        """Diagonal "ESTORNADO" behind the content: a reversed receipt must not pass as paid."""
        width, height = doc.pagesize
        c.saveState()
        c.setFillColorRGB(1.0, 0.82, 0.82)
        c.translate(width / 2, height / 2)
        c.rotate(35 if height > width else 20)
        size = min(width, height) / (6 if height > width * 2 else 7.5)
        c.setFont(style.FONT_BOLD, size)
        c.drawCentredString(0, -size / 3, "ESTORNADO")
        c.restoreState()


def render_receipt(receipt: Receipt, size: Size = "roll") -> bytes:
    return ReceiptRenderer().render(receipt, size)
