"""End-of-day report (fechamento do dia): what came in, what went out on credit, what is late.

An internal A4 report for the owner: receipts by payment method and by cashier, reversals, new
credit sales, agreements, the installments that fell due that day and the overdue position by
band. The figures arrive already aggregated (``services.day_close``, ``services.overdue``
aggregate in SQL); this module only adds them up for the total rows and draws them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from services.documents import style
from services.documents.common import (
    Canvas,
    brl,
    fit_lines,
    fmt_date,
    fmt_datetime,
    require_shop,
    shop_document,
)
from services.documents.data import Shop
from services.documents.flow import Flowable, markup, p
from services.documents.letters import NumberedCanvas

__all__ = [
    "AgreementEntry",
    "BandLine",
    "CreditSales",
    "DayReport",
    "DueToday",
    "ReceiptTotal",
    "ReversalEntry",
    "render_day_report",
]

_ZERO = Decimal("0.00")
_WEEKDAYS = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
             "sábado", "domingo")  # fmt: skip


@dataclass(frozen=True)
class ReceiptTotal:
    """Payments of the day under one heading: a payment method ("Dinheiro") or a cashier."""

    label: str
    count: int  # payments received (reversals not counted)
    received: Decimal  # gross amount received
    reversed: Decimal = _ZERO  # reversals made that day, as a positive amount

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed


@dataclass(frozen=True)
class ReversalEntry:
    """A payment undone that day (nothing is deleted: an opposite entry was made)."""

    at: datetime
    receipt_number: str
    customer: str
    method: str  # "Dinheiro", "Pix"…
    amount: Decimal  # positive
    reason: str
    operator: str


@dataclass(frozen=True)
class CreditSales:
    """New credit sales of the day."""

    count: int
    down_payments: Decimal  # entradas received at the sale
    financed: Decimal  # price − down payment, what the installments carry

    @property
    def total(self) -> Decimal:
        return self.down_payments + self.financed


@dataclass(frozen=True)
class AgreementEntry:
    """An agreement (renegotiation) made that day, replacing overdue installments."""

    number: str
    customer: str
    replaced: Decimal  # what the replaced installments were worth that day, with charges
    amount: Decimal  # the new plan's total
    installments: int


@dataclass(frozen=True)
class DueToday:
    """Installments whose due date is the report's day, and how many of them were paid."""

    count: int
    amount: Decimal
    paid_count: int
    paid_amount: Decimal

    @property
    def open_count(self) -> int:
        return self.count - self.paid_count

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid_amount


@dataclass(frozen=True)
class BandLine:
    """One overdue band as of the report's day (``services.bands``: label and colour)."""

    label: str  # "8–30 dias"
    colour: str  # "#rrggbb", the band's background colour
    customers: int
    installments: int
    principal: Decimal  # open principal
    total: Decimal  # principal + fee + interest as of the day


@dataclass(frozen=True)
class DayReport:
    shop: Shop
    day: date
    generated_at: datetime
    operator: str  # who asked for the report
    receipts_by_method: tuple[ReceiptTotal, ...]
    receipts_by_cashier: tuple[ReceiptTotal, ...]
    reversals: tuple[ReversalEntry, ...]
    credit_sales: CreditSales
    agreements: tuple[AgreementEntry, ...]
    due_today: DueToday
    overdue_bands: tuple[BandLine, ...]  # in band order; the late bands only, or all of them

    @property
    def received(self) -> Decimal:
        return sum((r.received for r in self.receipts_by_method), _ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((r.reversed for r in self.receipts_by_method), _ZERO)

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed

    @property
    def overdue_customers(self) -> int:
        return sum(b.customers for b in self.overdue_bands)

    @property
    def overdue_installments(self) -> int:
        return sum(b.installments for b in self.overdue_bands)

    @property
    def overdue_principal(self) -> Decimal:
        return sum((b.principal for b in self.overdue_bands), _ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((b.total for b in self.overdue_bands), _ZERO)


_MARGIN = style.A4_MARGIN
_W, _H = style.A4
_HEADER_H = 19 * style.MM
_FOOTER_Y = 8 * style.MM
_CELL = 8.5
_GRID = 0.25
_KEEP_ROWS = 12  # a table up to this many rows is kept on one page


class _Numbered(NumberedCanvas):
    number_y = _FOOTER_Y
    number_right = _W - _MARGIN


def _rgb(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` → reportlab's 0–1 floats; a malformed colour prints grey, never fails."""
    try:
        value = int(colour.removeprefix("#"), 16)
        if len(colour.removeprefix("#")) != 6:
            raise ValueError(colour)
    except ValueError:
        return style.LIGHT
    return ((value >> 16) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class DayReportRenderer:
    def render(self, report: DayReport) -> bytes:
        require_shop(report.shop)
        width = _W - 2 * _MARGIN
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=style.A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN + _HEADER_H,
            bottomMargin=_MARGIN,
            title=f"Fechamento do dia {fmt_date(report.day)}",
            author="Crediário",
            pageCompression=1,
        )
        frame = Frame(
            _MARGIN,
            _MARGIN,
            width,
            _H - 2 * _MARGIN - _HEADER_H,
            0,
            0,
            0,
            0,
            id="body",
        )

        def furniture(c: Canvas, _doc: Any) -> None:
            self._page(c, report)

        doc.addPageTemplates([PageTemplate("page", [frame], onPage=furniture)])
        doc.build(self._story(report, width), canvasmaker=_Numbered)
        return buffer.getvalue()

    # ---- story -------------------------------------------------------------------------------

    def _story(self, r: DayReport, width: float) -> list[Flowable]:
        story: list[Flowable] = [
            p(f"Fechamento do dia {fmt_date(r.day)} ({_WEEKDAYS[r.day.weekday()]})", "title"),
            p(f"Gerado em {fmt_datetime(r.generated_at)} por {r.operator}", "small"),
            Spacer(1, 8),
            self._summary(r, width),
        ]
        story += self._section(
            "Recebimentos por forma de pagamento",
            self._receipts_table(r.receipts_by_method, "Forma de pagamento", width),
            len(r.receipts_by_method),
        )
        story += self._section(
            "Recebimentos por operador",
            self._receipts_table(r.receipts_by_cashier, "Operador", width),
            len(r.receipts_by_cashier),
        )
        by_cashier = sum((c.net for c in r.receipts_by_cashier), _ZERO)
        if r.receipts_by_cashier and by_cashier != r.net:
            story.append(Spacer(1, 3))
            story.append(
                p(
                    f"Atenção: o total por operador ({brl(by_cashier)}) difere do total por "
                    f"forma de pagamento ({brl(r.net)}). Confira os lançamentos do dia.",
                    "banner",
                )
            )
        story += self._section("Estornos", self._reversals(r, width), len(r.reversals))
        listed = _sum(r.reversals, lambda e: e.amount)
        if listed != r.reversed:
            story.append(Spacer(1, 3))
            story.append(
                p(
                    f"Atenção: os estornos listados somam {brl(listed)}, mas os totais por "
                    f"forma de pagamento somam {brl(r.reversed)}. Confira os lançamentos do dia.",
                    "banner",
                )
            )
        story += self._section("Vendas a prazo", self._credit_sales(r, width))
        story += self._section("Acordos", self._agreements(r, width), len(r.agreements))
        story += self._section("Parcelas com vencimento no dia", self._due_today(r, width))
        story += self._section(
            f"Em atraso por faixa — posição em {fmt_date(r.day)}",
            self._bands(r, width),
            len(r.overdue_bands),
        )
        return story

    @staticmethod
    def _section(title: str, body: Flowable, rows: int = 0) -> list[Flowable]:
        # A heading never sits alone at the bottom of a page (30 mm or a new page); a short
        # table moves whole, a long one starts at once and repeats its headings.
        parts = [markup(f"<b>{escape(title)}</b>"), Spacer(1, 3), body]
        return [
            CondPageBreak(30 * style.MM),
            Spacer(1, 10),
            *(parts if rows > _KEEP_ROWS else [KeepTogether(parts)]),
        ]

    def _summary(self, r: DayReport, width: float) -> Flowable:
        rows = [
            ("Recebido no dia", brl(r.received)),
            ("Estornos (descontados)", brl(r.reversed)),
            ("Recebido líquido", brl(r.net)),
            (
                "Vendas a prazo",
                f"{_count(r.credit_sales.count)} — {brl(r.credit_sales.financed)} financiados",
            ),
            (
                "Acordos",
                f"{_count(len(r.agreements))} — "
                f"{brl(sum((a.amount for a in r.agreements), _ZERO))}",
            ),
            (
                "Vencimentos do dia",
                f"{_count(r.due_today.count)} — {brl(r.due_today.amount)}, "
                f"{_count(r.due_today.paid_count)} pagas",
            ),
            (
                "Em atraso (com encargos)",
                f"{_count(r.overdue_customers)} clientes — {brl(r.overdue_total)}",
            ),
        ]
        data = [[label, value] for label, value in rows]
        table = Table(data, colWidths=[width * 0.35, width * 0.40], hAlign="LEFT")
        table.setStyle(
            [
                *self._base_style(),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, 2), (-1, 2), style.FONT_BOLD, _CELL, _CELL * 1.2),
                ("LINEBELOW", (0, 0), (-1, -1), _GRID, style.LIGHT_HEX),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, style.INK_HEX),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, style.INK_HEX),
            ]
        )
        return table

    @staticmethod
    def _base_style() -> list[tuple[Any, ...]]:
        return [
            ("FONT", (0, 0), (-1, -1), style.FONT, _CELL, _CELL * 1.2),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]

    def _grid(
        self,
        data: list[list[Any]],
        widths: Sequence[float],
        right_from: int,
        *,
        total_row: bool,
        extra: Sequence[tuple[Any, ...]] = (),
    ) -> Flowable:
        """A table with a bold heading row, amounts right-aligned from column ``right_from``."""
        table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        commands = [
            *self._base_style(),
            ("FONT", (0, 0), (-1, 0), style.FONT_BOLD, _CELL, _CELL * 1.2),
            ("ALIGN", (right_from, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.INK_HEX),
            ("LINEBELOW", (0, 1), (-1, -2 if total_row else -1), _GRID, style.LIGHT_HEX),
        ]
        if total_row:
            commands += [
                ("FONT", (0, -1), (-1, -1), style.FONT_BOLD, _CELL, _CELL * 1.2),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, style.INK_HEX),
            ]
        table.setStyle(TableStyle(commands + list(extra)))
        return table

    def _receipts_table(self, rows: Sequence[ReceiptTotal], heading: str, width: float) -> Flowable:
        if not rows:
            return p("Nenhum recebimento no dia.")
        data: list[list[Any]] = [[heading, "Pagamentos", "Recebido", "Estornado", "Líquido"]]
        for row in rows:
            data.append(
                [
                    _cut(row.label, width * 0.34),
                    _count(row.count),
                    brl(row.received),
                    brl(row.reversed),
                    brl(row.net),
                ]
            )
        data.append(
            [
                "Total",
                _count(sum(r.count for r in rows)),
                brl(_sum(rows, lambda r: r.received)),
                brl(_sum(rows, lambda r: r.reversed)),
                brl(_sum(rows, lambda r: r.net)),
            ]
        )
        shares = (0.34, 0.12, 0.18, 0.18, 0.18)
        return self._grid(data, [width * s for s in shares], 1, total_row=True)

    def _reversals(self, r: DayReport, width: float) -> Flowable:
        if not r.reversals:
            return p("Nenhum estorno no dia.")
        shares = (0.07, 0.08, 0.22, 0.15, 0.14, 0.20, 0.14)
        data: list[list[Any]] = [
            ["Hora", "Recibo", "Cliente", "Forma", "Operador", "Motivo", "Valor"]
        ]
        for e in r.reversals:
            data.append(
                [
                    e.at.strftime("%H:%M"),
                    e.receipt_number,
                    _wrap(e.customer, width * shares[2]),
                    _cut(e.method, width * shares[3]),
                    _cut(e.operator, width * shares[4]),
                    _wrap(e.reason, width * shares[5]),
                    brl(e.amount),
                ]
            )
        data.append(["Total", "", "", "", "", "", brl(_sum(r.reversals, lambda e: e.amount))])
        return self._grid(data, [width * s for s in shares], 6, total_row=True)

    def _credit_sales(self, r: DayReport, width: float) -> Flowable:
        s = r.credit_sales
        if not s.count:
            return p("Nenhuma venda a prazo no dia.")
        data = [
            ["Vendas", "Entradas", "Financiado", "Total das vendas"],
            [_count(s.count), brl(s.down_payments), brl(s.financed), brl(s.total)],
        ]
        shares = (0.16, 0.2, 0.2, 0.2)
        return self._grid(data, [width * x for x in shares], 0, total_row=False)

    def _agreements(self, r: DayReport, width: float) -> Flowable:
        if not r.agreements:
            return p("Nenhum acordo no dia.")
        shares = (0.1, 0.36, 0.12, 0.21, 0.21)
        data: list[list[Any]] = [
            ["Acordo", "Cliente", "Parcelas", "Valor substituído", "Novo total"]
        ]
        for a in r.agreements:
            data.append(
                [
                    a.number,
                    _wrap(a.customer, width * shares[1]),
                    _count(a.installments),
                    brl(a.replaced),
                    brl(a.amount),
                ]
            )
        data.append(
            [
                "Total",
                "",
                _count(sum(a.installments for a in r.agreements)),
                brl(_sum(r.agreements, lambda a: a.replaced)),
                brl(_sum(r.agreements, lambda a: a.amount)),
            ]
        )
        return self._grid(data, [width * x for x in shares], 2, total_row=True)

    def _due_today(self, r: DayReport, width: float) -> Flowable:
        d = r.due_today
        if not d.count:
            return p("Nenhuma parcela vencia no dia.")
        data = [
            ["", "Parcelas", "Valor"],
            ["Vencendo no dia", _count(d.count), brl(d.amount)],
            ["Pagas", _count(d.paid_count), brl(d.paid_amount)],
            ["Em aberto", _count(d.open_count), brl(d.open_amount)],
        ]
        shares = (0.3, 0.14, 0.2)
        return self._grid(data, [width * x for x in shares], 1, total_row=True)

    def _bands(self, r: DayReport, width: float) -> Flowable:
        if not r.overdue_bands:
            return p("Nenhuma parcela em atraso.")
        swatch = 6 * style.MM
        shares = (0.28, 0.14, 0.14, 0.22, 0.22)
        widths = [swatch, width * shares[0] - swatch, *(width * x for x in shares[1:])]
        data: list[list[Any]] = [
            ["Faixa", "", "Clientes", "Parcelas", "Principal", "Total com encargos"]
        ]
        extra: list[tuple[Any, ...]] = [("SPAN", (0, 0), (1, 0)), ("SPAN", (0, -1), (1, -1))]
        for row, band in enumerate(r.overdue_bands, start=1):
            data.append(
                [
                    "",
                    _cut(band.label, widths[1]),
                    _count(band.customers),
                    _count(band.installments),
                    brl(band.principal),
                    brl(band.total),
                ]
            )
            # Colour plus its label: the colour is never the only signal.
            extra += [
                ("BACKGROUND", (0, row), (0, row), _rgb(band.colour)),
                ("BOX", (0, row), (0, row), 0.5, style.GREY),
            ]
        data.append(
            [
                "Total",
                "",
                _count(r.overdue_customers),
                _count(r.overdue_installments),
                brl(r.overdue_principal),
                brl(r.overdue_total),
            ]
        )
        return self._grid(data, widths, 2, total_row=True, extra=extra)

    # ---- page furniture ----------------------------------------------------------------------

    @staticmethod
    def _page(c: Canvas, r: DayReport) -> None:
        width = _W - 2 * _MARGIN
        top = _H - _MARGIN
        c.saveState()
        c.setFillColorRGB(*style.INK)
        names, size = fit_lines(r.shop.name, width * 0.62, 1, style.FONT_BOLD, 11, 7)
        c.setFont(style.FONT_BOLD, size)
        c.drawString(_MARGIN, top - size, names[0])
        c.setFont(style.FONT_BOLD, 10)
        c.drawRightString(_W - _MARGIN, top - 10, "Fechamento do dia")
        c.setFont(style.FONT, 8)
        c.drawRightString(_W - _MARGIN, top - 20, fmt_date(r.day))
        c.setFillColorRGB(*style.GREY)
        details = shop_document(r.shop)
        if r.shop.phone.strip():
            details += f" — Telefone {r.shop.phone}"
        c.drawString(_MARGIN, top - 20, details)
        address, asize = fit_lines(r.shop.address, width * 0.75, 1, style.FONT, 8, 6)
        c.setFont(style.FONT, asize)
        c.drawString(_MARGIN, top - 30, address[0])
        c.setStrokeColorRGB(*style.INK)
        c.setLineWidth(0.6)
        c.line(
            _MARGIN, top - _HEADER_H + 3 * style.MM, _W - _MARGIN, top - _HEADER_H + 3 * style.MM
        )
        c.setFont(style.FONT, 7)
        c.drawString(
            _MARGIN,
            _FOOTER_Y,
            f"Gerado em {fmt_datetime(r.generated_at)} por {r.operator} — uso interno",
        )
        c.restoreState()


def _sum(rows: Sequence[Any], get: Callable[[Any], Decimal]) -> Decimal:
    return sum((get(row) for row in rows), _ZERO)


def _cut(text: str, width: float) -> str:
    lines, _ = fit_lines(text, width - 6, 1, style.FONT, _CELL, _CELL)
    return lines[0] if lines else ""


def _wrap(text: str, width: float) -> str:
    lines, _ = fit_lines(text, width - 6, 3, style.FONT, _CELL, _CELL)
    return "\n".join(lines)


def render_day_report(report: DayReport) -> bytes:
    return DayReportRenderer().render(report)
