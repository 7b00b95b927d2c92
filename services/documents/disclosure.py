"""Credit-sale disclosure: the terms told before the sale (CDC art. 52 caput and art. 54-B)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import HRFlowable, KeepTogether, Spacer, Table, TableStyle

from services.documents import style
from services.documents.common import Canvas, brl, fmt_date, require_shop, shop_document
from services.documents.data import Disclosure
from services.documents.flow import Flowable, build, key_value_table, markup, p, shop_block
from services.money import format_percent
from services.text import format_cpf


class DisclosureRenderer:
    """A4 "Demonstrativo da venda a prazo", signed by the customer."""

    def render(self, disclosure: Disclosure) -> bytes:
        require_shop(disclosure.shop)
        if not disclosure.installments:
            raise ValueError("A venda a prazo não tem parcelas.")
        width = style.A4[0] - 2 * style.A4_MARGIN
        story = self._story(disclosure, width)
        return build(
            story,
            style.A4,
            style.A4_MARGIN,
            f"Demonstrativo da venda {disclosure.sale_number}",
            self._footer_for(disclosure),
        )

    def _story(self, d: Disclosure, width: float) -> list[Flowable]:
        count = len(d.installments)
        amounts = {i.amount for i in d.installments}
        if len(amounts) == 1:
            plan = f"{count} × {brl(d.installments[0].amount)}"
        else:
            plan = f"{count} parcelas (valores abaixo)"
        story: list[Flowable] = shop_block(d.shop)
        story.append(HRFlowable(width="100%", thickness=0.6, spaceBefore=4, spaceAfter=4))
        story.append(p("DEMONSTRATIVO DA VENDA A PRAZO", "title"))
        story.append(p("Informações prévias ao crédito — CDC art. 52 e art. 54-B", "small"))
        story.append(Spacer(1, 6))
        story.append(
            markup(
                f"Venda nº <b>{escape(d.sale_number)}</b> — {fmt_date(d.sale_date)}<br/>"
                f"Cliente: <b>{escape(d.payer.name)}</b> — CPF {format_cpf(d.payer.cpf)}<br/>"
                f"Endereço: {escape(d.payer.address)}"
            )
        )
        if d.items:
            story.append(Spacer(1, 4))
            story.append(p("Produtos: " + "; ".join(d.items)))
        story.append(Spacer(1, 8))
        rows = [
            ("Preço à vista", brl(d.cash_price)),
            ("Entrada", brl(d.down_payment)),
            ("Valor financiado", brl(d.financed_amount)),
            ("Parcelas", plan),
            ("Taxa de juros mensal", f"{format_percent(d.monthly_rate_pct)} ao mês"),
            ("Taxa de juros anual", f"{format_percent(d.yearly_rate_pct)} ao ano"),
            ("Custo efetivo total (CET)", f"{format_percent(d.cet_yearly_pct)} ao ano"),
            (
                "Multa por atraso (CDC art. 52 §1)",
                f"{format_percent(d.late_fee_pct)} da parcela",
            ),
            ("Juros de mora", f"{format_percent(d.monthly_interest_pct)} ao mês, pro rata die"),
            ("Total sem financiamento (à vista)", brl(d.cash_price)),
            ("Total com financiamento (entrada + parcelas)", brl(d.total_with_financing)),
        ]
        summary = key_value_table(rows, width * 0.75, bold_last=True, size="body")
        summary.hAlign = "LEFT"
        summary.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -2), 0.25, style.LIGHT_HEX),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        story.append(summary)
        story.append(Spacer(1, 10))
        story.append(markup("<b>Parcelas</b>"))
        story.append(Spacer(1, 3))
        story.append(self._installments_table(d, width * 0.6))
        story.append(Spacer(1, 10))
        story.append(
            p(
                "Você pode pagar antecipadamente, no todo ou em parte, com redução proporcional "
                "dos juros (CDC art. 52 §2). Após o vencimento incidem a multa e os juros de "
                "mora indicados acima, sobre o valor da parcela em atraso.",
                "small",
            )
        )
        place = f"{d.city}, " if d.city else ""
        signature = [
            Spacer(1, 10),
            p(
                "Declaro que recebi estas informações antes de concluir a compra e que "
                "concordo com as condições acima."
            ),
            Spacer(1, 14),
            p(f"{place}{fmt_date(d.sale_date)}"),
            Spacer(1, 34),
            HRFlowable(width="60%", thickness=0.5, color=style.INK_HEX, hAlign="CENTER"),
            p(f"{d.payer.name} — CPF {format_cpf(d.payer.cpf)}", "center"),
        ]
        story.append(KeepTogether(signature))
        return story

    @staticmethod
    def _installments_table(d: Disclosure, width: float) -> Flowable:
        data: list[list[Any]] = [
            [p("Nº", "cell"), p("Vencimento", "cell"), p("Valor", "cell_right")]
        ]
        for item in d.installments:
            data.append(
                [
                    p(f"{item.number}/{len(d.installments)}", "cell"),
                    p(fmt_date(item.due_date), "cell"),
                    p(brl(item.amount), "cell_right"),
                ]
            )
        data.append(
            [
                markup("<b>Total</b>", "cell"),
                p("", "cell"),
                markup(f"<b>{brl(d.installments_total)}</b>", "cell_right"),
            ]
        )
        table = Table(data, colWidths=[width * 0.2, width * 0.4, width * 0.4], repeatRows=1)
        table.hAlign = "LEFT"
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.INK_HEX),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.25, style.LIGHT_HEX),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.6, style.INK_HEX),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    @staticmethod
    def _footer_for(d: Disclosure) -> Any:
        def footer(c: Canvas, doc: Any) -> None:
            """Every page names the creditor (CDC art. 42-A) and the sale."""
            c.saveState()
            c.setFont(style.FONT, 7)
            c.setFillColorRGB(*style.GREY)
            text = f"{d.shop.name} — {shop_document(d.shop)} — Venda nº {d.sale_number}"
            c.drawString(style.A4_MARGIN, 8 * style.MM, text[:150])
            c.drawRightString(style.A4[0] - style.A4_MARGIN, 8 * style.MM, f"Página {doc.page}")
            c.restoreState()

        return footer


def render_disclosure(disclosure: Disclosure) -> bytes:
    return DisclosureRenderer().render(disclosure)
