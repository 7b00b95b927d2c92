"""Cash closing (fechamento de caixa): the shift's totals per method and the drawer's check.

Printed on the counter's 80 mm roll (height to content) or on A4, to be signed by the cashier
and whoever checks the drawer. A difference is printed as it is — over or short — never hidden.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import HRFlowable, Spacer, Table, TableStyle

from services.documents import style
from services.documents.common import brl, fmt_date, fmt_datetime, require_shop
from services.documents.data import CashClosing
from services.documents.flow import (
    Flowable,
    Size,
    build_roll_or_a4,
    key_value_table,
    markup,
    p,
    shop_block,
)


def difference_text(closing: CashClosing) -> str:
    """ "Confere", "Sobra de R$ x" or "Falta de R$ x" — the words the cashier reads."""
    difference = closing.difference
    if difference is None:
        return "Não contado"
    if difference > 0:
        return f"Sobra de {brl(difference)}"
    if difference < 0:
        return f"Falta de {brl(-difference)}"
    return "Confere"


class CashClosingRenderer:
    def render(self, closing: CashClosing, size: Size = "roll") -> bytes:
        require_shop(closing.shop)
        return build_roll_or_a4(
            size,
            lambda width, compact: self._story(closing, width, compact=compact),
            f"Fechamento de caixa {closing.number}",
        )

    def _story(self, closing: CashClosing, width: float, *, compact: bool) -> list[Flowable]:
        small = "small" if compact else "body"
        cell = "cell"
        story: list[Flowable] = shop_block(closing.shop, small)
        story.append(HRFlowable(width="100%", thickness=0.6, spaceBefore=3, spaceAfter=2))
        story.append(markup("FECHAMENTO DE CAIXA", "title"))
        if closing.closed_at is None:
            story.append(Spacer(1, 3))
            banner = Table(
                [[p(f"CAIXA AINDA ABERTO — parcial de {fmt_date(closing.printed_on)}", "banner")]],
                colWidths=[width],
            )
            banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, style.RED_HEX)]))
            story.append(banner)
        head = [
            ("Caixa nº", closing.number),
            ("Terminal", closing.terminal),
            ("Operador(a)", closing.operator),
            ("Abertura", fmt_datetime(closing.opened_at)),
        ]
        if closing.closed_at is not None:
            head.append(("Fechamento", fmt_datetime(closing.closed_at)))
        story.append(Spacer(1, 3))
        story.append(self._pairs(head, width, compact, cell))

        story.append(Spacer(1, 5))
        story.append(markup("<b>Recebimentos por forma de pagamento</b>", small))
        story.append(Spacer(1, 2))
        story.append(self._methods_table(closing, width))

        story.append(Spacer(1, 6))
        story.append(markup("<b>Conferência do dinheiro na gaveta</b>", small))
        story.append(Spacer(1, 2))
        drawer = [
            ("Fundo de troco (abertura)", brl(closing.opening_float)),
            ("+ Dinheiro entregue pelos clientes", brl(closing.cash_tendered)),
            ("− Troco devolvido", brl(closing.change_given)),
            ("− Estornos em dinheiro", brl(closing.cash_reversed)),
            ("= Dinheiro esperado", brl(closing.expected_cash)),
        ]
        if closing.counted_cash is not None:
            drawer.append(("Dinheiro contado", brl(closing.counted_cash)))
        drawer.append(("Diferença", difference_text(closing)))
        story.append(self._pairs(drawer, width, compact, cell, bold_last=True))
        if closing.notes:
            story.append(Spacer(1, 3))
            story.append(p(f"Observações: {closing.notes}", small))

        if closing.payments:
            story.append(Spacer(1, 6))
            count = len(closing.payments)
            story.append(markup(f"<b>Lançamentos do caixa ({count})</b>", small))
            story.append(Spacer(1, 2))
            story.append(self._payments_table(closing, width))

        story.append(Spacer(1, 26 if compact else 40))
        gap = width * 0.08
        signatures = Table(
            [[p("Operador(a) do caixa", "center"), "", p("Conferido por", "center")]],
            colWidths=[(width - gap) / 2, gap, (width - gap) / 2],
        )
        signatures.setStyle(
            TableStyle(
                [
                    ("LINEABOVE", (0, 0), (0, 0), 0.5, style.INK_HEX),
                    ("LINEABOVE", (2, 0), (2, 0), 0.5, style.INK_HEX),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(signatures)
        story.append(Spacer(1, 4))
        story.append(p(f"Impresso em {fmt_date(closing.printed_on)}", "small"))
        return story

    @staticmethod
    def _pairs(
        rows: list[tuple[str, str]],
        width: float,
        compact: bool,
        size: str,
        *,
        bold_last: bool = False,
    ) -> Flowable:
        if compact:
            return key_value_table(rows, width, bold_last=bold_last, size=size)
        table = key_value_table(rows, width * 0.6, bold_last=bold_last, size="body")
        table.hAlign = "LEFT"
        return table

    @staticmethod
    def _grid(data: list[list[Any]], widths: list[float]) -> Flowable:
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.INK_HEX),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.25, style.LIGHT_HEX),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return table

    def _methods_table(self, closing: CashClosing, width: float) -> Flowable:
        data: list[list[Any]] = [
            [
                p("Forma", "cell"),
                p("Recebido", "cell_right"),
                p("Estornado", "cell_right"),
                p("Líquido", "cell_right"),
            ]
        ]
        for line in closing.methods:
            data.append(
                [
                    p(line.method, "cell"),
                    p(brl(line.received), "cell_right"),
                    p(brl(line.reversed), "cell_right"),
                    p(brl(line.net), "cell_right"),
                ]
            )
        data.append(
            [
                markup("<b>Total</b>", "cell"),
                p("", "cell"),
                p("", "cell"),
                markup(f"<b>{escape(brl(closing.net_total))}</b>", "cell_right"),
            ]
        )
        table = self._grid(data, [width * f for f in (0.28, 0.24, 0.24, 0.24)])
        table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.6, style.INK_HEX)]))
        return table

    def _payments_table(self, closing: CashClosing, width: float) -> Flowable:
        data: list[list[Any]] = [
            [
                p("Hora", "cell"),
                p("Recibo", "cell"),
                p("Forma", "cell"),
                p("Valor", "cell_right"),
            ]
        ]
        for entry in closing.payments:
            amount = brl(entry.amount)
            data.append(
                [
                    p(f"{entry.at:%H:%M}", "cell"),
                    p(f"{entry.receipt}{' estorno' if entry.is_reversal else ''}", "cell"),
                    p(entry.method, "cell"),
                    p(f"−{amount}" if entry.is_reversal else amount, "cell_right"),
                ]
            )
        return self._grid(data, [width * f for f in (0.16, 0.34, 0.24, 0.26)])


def render_cash_closing(closing: CashClosing, size: Size = "roll") -> bytes:
    return CashClosingRenderer().render(closing, size)
