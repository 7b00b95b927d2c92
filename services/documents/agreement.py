"""The renegotiation agreement: "Termo de Acordo e Confissão de Dívida", signed on A4.

A debt acknowledgement signed by the debtor and two witnesses is an enforceable title
(CPC art. 784 III), so the letter identifies both parties in full (the creditor as CDC art.
42-A asks; the debtor with the full CPF: it is the debtor's own contract), lists the replaced
installments with their amounts updated to the agreement's date, the discount, the agreed
total in figures and in words, the new schedule and the numbered clauses, and ends with
signature lines for creditor, debtor and two witnesses.

The common case (up to 12 replaced and 12 new installments) fits one page; longer ones flow
onto more pages, each numbered "Página i de n" and naming the agreement and the creditor.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
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
    origin_label,
    require_shop,
    shop_document,
)
from services.documents.data import Payer, Shop
from services.documents.flow import Flowable, column_widths, markup, p, totals_table
from services.documents.letters import NumberedCanvas
from services.money import amount_in_words, format_percent
from services.text import digits, format_cpf

__all__ = [
    "BREACH_CLAUSES",
    "AgreementLetter",
    "NewInstallment",
    "ReplacedInstallment",
    "check_agreement_letter",
    "render_agreement",
]

# The clause chosen at signing (``Agreement.breach_clause``, the ``agreements`` settings).
BREACH_CLAUSES = ("lose_discount", "keep_discount")

_ZERO = Decimal("0.00")
NBSP = "\u00a0"  # keeps "R$" and its figures on one line

_W, _H = style.A4
_MARGIN = style.A4_MARGIN
_TOP = 12 * style.MM
_BOTTOM = 16 * style.MM
_FOOTER_Y = 8 * style.MM
_CELL = 7.5  # table text size
_SCHEDULE_ROWS = 7  # more rows than this and the schedule folds into side-by-side columns


@dataclass(frozen=True)
class ReplacedInstallment:
    """One original installment the agreement replaces, updated to the agreement's date.

    ``fee`` and ``interest`` are None when they cannot be told apart per installment (the
    agreement stores only their totals); the table then shows "—" and the totals row.
    """

    origin: str  # the sale number ("1237") or, for an earlier agreement, "A<id>"
    number: int
    count: int
    due_date: date
    amount: Decimal  # the installment's original amount
    open_principal: Decimal  # what was still unpaid of it
    fee: Decimal | None = None
    interest: Decimal | None = None
    description: str = ""  # what was bought, short

    @property
    def total(self) -> Decimal | None:
        if self.fee is None or self.interest is None:
            return None
        return self.open_principal + self.fee + self.interest


@dataclass(frozen=True)
class NewInstallment:
    """One installment of the agreement, as its carnê prints it (``number``/``count``)."""

    number: int
    count: int
    due_date: date
    amount: Decimal
    is_down_payment: bool = False


@dataclass(frozen=True)
class AgreementLetter:
    shop: Shop
    debtor: Payer  # printed with the full CPF
    number: str  # the agreement's id
    agreed_on: date  # amounts are updated to this day; the letter's date
    city: str  # "Uberlândia/MG": the place of signing and the forum's comarca
    replaced: tuple[ReplacedInstallment, ...]
    principal: Decimal  # open principal of the replaced installments, less ``rebate``
    fees: Decimal  # late fees up to ``agreed_on``
    interest: Decimal  # late interest up to ``agreed_on``
    discount_charges: Decimal  # discount on fees and interest
    discount_principal: Decimal  # discount on the principal
    total: Decimal  # principal + fees + interest − discounts: the debt acknowledged
    schedule: tuple[NewInstallment, ...]  # the agreement's installments, in order
    late_fee_pct: Decimal  # on the agreement's installments (CDC art. 52 §1: at most 2 %)
    monthly_interest_pct: Decimal  # late interest, a month, pro rata die
    down_payment: Decimal = _ZERO  # paid apart from the installments (at signing)
    down_payment_due: date | None = None  # defaults to ``agreed_on``
    monthly_rate_pct: Decimal = _ZERO  # financing rate on the balance in installments
    breach_days: int = 30  # an installment more than this many days late breaks the agreement
    breach_clause: str = "lose_discount"  # one of BREACH_CLAUSES
    # Interest taken off installments not yet due, settled early (CDC art. 52 §2).
    rebate: Decimal = _ZERO

    @property
    def discount(self) -> Decimal:
        return self.discount_charges + self.discount_principal

    @property
    def open_principal(self) -> Decimal:
        """What the replaced installments still owed, before the early-settlement rebate."""
        return self.principal + self.rebate

    @property
    def paid_up_front(self) -> Decimal:
        """The down payment, whether apart or the schedule's first installment."""
        marked = sum((i.amount for i in self.schedule if i.is_down_payment), _ZERO)
        return self.down_payment + marked

    @property
    def regular(self) -> tuple[NewInstallment, ...]:
        return tuple(i for i in self.schedule if not i.is_down_payment)

    @property
    def updated_debt(self) -> Decimal:
        return self.principal + self.fees + self.interest

    @property
    def to_pay(self) -> Decimal:
        """Down payment plus the installments: the agreed total, plus financing if any."""
        return self.down_payment + sum((i.amount for i in self.schedule), _ZERO)


def check_agreement_letter(letter: AgreementLetter) -> None:
    """Refuse a letter whose figures do not add up: it would be a wrong contract on paper."""
    require_shop(letter.shop)
    who = letter.debtor.name
    if not who.strip() or len(digits(letter.debtor.cpf)) != 11:
        raise ValueError("Termo de acordo: o devedor precisa de nome e CPF completos.")
    if not letter.replaced:
        raise ValueError(f"Termo de acordo de {who}: não há parcelas renegociadas.")
    if letter.breach_clause not in BREACH_CLAUSES:
        raise ValueError(
            f"Termo de acordo: cláusula de quebra desconhecida: {letter.breach_clause}."
        )
    if letter.updated_debt - letter.discount != letter.total:
        raise ValueError(
            f"Termo de acordo de {who}: principal + encargos − desconto "
            f"({_plain(letter.updated_debt - letter.discount)}) difere do total "
            f"({_plain(letter.total)})."
        )
    if letter.rebate < 0 or letter.discount_charges < 0 or letter.discount_principal < 0:
        raise ValueError(f"Termo de acordo de {who}: valor negativo.")
    rows_principal = sum((i.open_principal for i in letter.replaced), _ZERO)
    if rows_principal != letter.open_principal:
        raise ValueError(
            f"Termo de acordo de {who}: as parcelas somam {_plain(rows_principal)} de principal, "
            f"e o acordo {_plain(letter.open_principal)}."
        )
    if letter.discount_charges > letter.fees + letter.interest:
        raise ValueError(f"Termo de acordo de {who}: desconto maior que os encargos.")
    if not letter.schedule and letter.down_payment <= 0:
        raise ValueError(f"Termo de acordo de {who}: não há pagamentos no cronograma.")
    if letter.monthly_rate_pct == 0 and letter.to_pay != letter.total:
        raise ValueError(
            f"Termo de acordo de {who}: o cronograma soma {_plain(letter.to_pay)}, "
            f"e o acordo é de {_plain(letter.total)}."
        )
    if letter.to_pay < letter.total:
        raise ValueError(f"Termo de acordo de {who}: o cronograma soma menos que o acordo.")


def _plain(value: Decimal) -> str:
    return brl(value).replace(NBSP, " ")


def _money(value: Decimal) -> str:
    return brl(value).replace(" ", NBSP)


def _b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


class _Canvas(NumberedCanvas):
    """ "Página i de n" in this document's footer corner."""

    number_y = _FOOTER_Y
    number_right = _W - _MARGIN


class AgreementRenderer:
    def render(self, letter: AgreementLetter) -> bytes:
        check_agreement_letter(letter)
        width = _W - 2 * _MARGIN
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=style.A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_TOP,
            bottomMargin=_BOTTOM,
            title=f"Termo de acordo nº {letter.number} — {letter.debtor.name}",
            author="Crediário",
            pageCompression=1,
        )
        frame = Frame(_MARGIN, _BOTTOM, width, _H - _TOP - _BOTTOM, 0, 0, 0, 0, id="body")

        def on_page(c: Canvas, doc: Any) -> None:
            self._furniture(c, doc, letter)

        doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
        doc.build(self._story(letter, width), canvasmaker=_Canvas)
        return buffer.getvalue()

    # ---- the story ---------------------------------------------------------------------------

    def _story(self, d: AgreementLetter, width: float) -> list[Flowable]:
        story: list[Flowable] = [
            p("TERMO DE ACORDO E CONFISSÃO DE DÍVIDA", "center_bold"),
            p(
                f"Acordo nº {d.number} — {d.city + ', ' if d.city else ''}{fmt_date(d.agreed_on)}",
                "center",
            ),
            Spacer(1, 5),
            self._parties(d),
            Spacer(1, 5),
            markup(
                "<b>1. Débito renegociado.</b> Parcelas em atraso substituídas por este acordo, "
                f"com multa e juros atualizados até {fmt_date(d.agreed_on)}:",
                "small",
            ),
            Spacer(1, 2),
            self._replaced_table(d, width),
            Spacer(1, 6),
            KeepTogether(
                [
                    markup("<b>2. Valores do acordo e forma de pagamento.</b>", "small"),
                    Spacer(1, 2),
                    self._figures_and_schedule(d, width),
                ]
            ),
            Spacer(1, 4),
            self._total_in_words(d),
            Spacer(1, 5),
            *self._clauses(d),
            Spacer(1, 6),
        ]
        story.append(KeepTogether(self._signatures(d, width)))
        return story

    @staticmethod
    def _parties(d: AgreementLetter) -> Flowable:
        shop, debtor = d.shop, d.debtor
        phone = f", telefone {escape(shop.phone)}" if shop.phone.strip() else ""
        return markup(
            f"<b>CREDOR:</b> {_b(shop.name)}, inscrito no {escape(shop_document(shop))}, com "
            f"endereço em {escape(shop.address)}{phone}.<br/>"
            f"<b>DEVEDOR(A):</b> {_b(debtor.name)}, inscrito(a) no CPF "
            f"<b>{escape(format_cpf(debtor.cpf))}</b>, residente em {escape(debtor.address)}.<br/>"
            "As partes acima identificadas celebram este acordo para o pagamento do débito "
            "abaixo, que o(a) DEVEDOR(A) reconhece, mediante as cláusulas seguintes.",
            "small",
        )

    @staticmethod
    def _replaced_table(d: AgreementLetter, width: float) -> Flowable:
        """Plain-string cells, like the collection letters (fast, and they never overflow)."""
        columns: list[tuple[str, float]] = [  # heading, share of the width
            ("Origem · produto", 0.28),
            ("Parcela", 0.07),
            ("Vencimento", 0.10),
            ("Valor\noriginal", 0.11),
            ("Principal\nem aberto", 0.12),
            ("Multa", 0.09),
            ("Juros", 0.09),
            ("Total\natualizado", 0.14),
        ]
        widths = column_widths(columns, width)
        pad = 2.0
        data: list[list[str]] = [[heading for heading, _ in columns]]
        for item in d.replaced:
            what = origin_label(item.origin, item.description)
            lines, _ = fit_lines(what, widths[0] - 2 * pad, 1, style.FONT, _CELL, _CELL)
            total = item.total
            data.append(
                [
                    lines[0] if lines else "",
                    f"{item.number}/{item.count}",
                    fmt_date(item.due_date),
                    _money(item.amount),
                    _money(item.open_principal),
                    _money(item.fee) if item.fee is not None else "—",
                    _money(item.interest) if item.interest is not None else "—",
                    _money(total) if total is not None else "—",
                ]
            )
        data.append(
            [
                "Total",
                "",
                "",
                _money(sum((i.amount for i in d.replaced), _ZERO)),
                _money(d.open_principal),
                _money(d.fees),
                _money(d.interest),
                _money(d.open_principal + d.fees + d.interest),
            ]
        )
        return totals_table(
            data,
            widths,
            size=_CELL,
            leading=_CELL * 1.15,
            pad=pad,
            top_padding=1.2,
            bottom_padding=1.8,
            heading_at_bottom=True,
        )

    def _figures_and_schedule(self, d: AgreementLetter, width: float) -> Flowable:
        """The agreed figures on the left, the payment schedule on the right."""
        left_w = width * 0.40
        gap = width * 0.04
        right_w = width - left_w - gap
        outer = Table(
            [[self._figures(d, left_w), "", self._schedule(d, right_w)]],
            colWidths=[left_w, gap, right_w],
        )
        outer.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return outer

    @staticmethod
    def _figures(d: AgreementLetter, width: float) -> Flowable:
        rows: list[tuple[str, str]] = [("Principal em aberto", _money(d.open_principal))]
        if d.rebate > 0:
            rows.append(("(-) Redução de juros por antecipação", _money(d.rebate)))
        rows += [
            ("(+) Multa", _money(d.fees)),
            ("(+) Juros de mora", _money(d.interest)),
            ("(=) Débito atualizado", _money(d.updated_debt)),
            ("(-) Desconto sobre multa e juros", _money(d.discount_charges)),
            ("(-) Desconto sobre o principal", _money(d.discount_principal)),
            ("(=) Valor do acordo", _money(d.total)),
        ]
        if d.to_pay != d.total:
            rows.append(
                (
                    f"Total a pagar (juros de {format_percent(d.monthly_rate_pct)} a.m.)",
                    _money(d.to_pay),
                )
            )
        table = Table(rows, colWidths=[width * 0.66, width * 0.34])
        shift = 1 if d.rebate > 0 else 0
        agreed = 6 + shift
        bold_rows = [3 + shift, agreed] + ([agreed + 1] if d.to_pay != d.total else [])
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), style.FONT, _CELL + 0.5, (_CELL + 0.5) * 1.15),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, style.LIGHT_HEX),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
            ("BOX", (0, agreed), (-1, agreed), 0.8, style.INK_HEX),
        ]
        for row in bold_rows:
            commands.append(
                ("FONT", (0, row), (-1, row), style.FONT_BOLD, _CELL + 0.5, (_CELL + 0.5) * 1.15)
            )
        table.setStyle(TableStyle(commands))
        return table

    @staticmethod
    def _schedule(d: AgreementLetter, width: float) -> Flowable:
        entries: list[tuple[str, str, str]] = []
        due = d.down_payment_due or d.agreed_on
        if d.down_payment > 0:
            label = "Entrada" if d.schedule else "À vista"
            entries.append((label, fmt_date(due), _money(d.down_payment)))
        for item in d.schedule:
            label = f"{item.number}/{item.count}"
            if item.is_down_payment:
                label += " (à vista)" if len(d.schedule) == 1 else " (entrada)"
            entries.append((label, fmt_date(item.due_date), _money(item.amount)))
        groups = 1 if len(entries) <= _SCHEDULE_ROWS else 2
        per_group = -(-len(entries) // groups)
        heading = ["Parcela", "Vencimento", "Valor"]
        spacer = 6.0
        group_w = (width - spacer * (groups - 1)) / groups
        shares = [0.34, 0.33, 0.33]
        col_widths: list[float] = []
        header: list[str] = []
        for g in range(groups):
            if g:
                col_widths.append(spacer)
                header.append("")
            col_widths += [group_w * s for s in shares]
            header += heading
        data: list[list[str]] = [header]
        for r in range(per_group):
            row: list[str] = []
            for g in range(groups):
                if g:
                    row.append("")
                index = g * per_group + r
                row += list(entries[index]) if index < len(entries) else ["", "", ""]
            data.append(row)
        total_row = [""] * len(header)
        total_row[-3] = "Total"
        total_row[-1] = _money(d.to_pay)
        data.append(total_row)
        table = Table(data, colWidths=col_widths)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), style.FONT, _CELL + 0.5, (_CELL + 0.5) * 1.15),
            ("FONT", (0, 0), (-1, 0), style.FONT_BOLD, _CELL + 0.5, (_CELL + 0.5) * 1.15),
            ("FONT", (0, -1), (-1, -1), style.FONT_BOLD, _CELL + 0.5, (_CELL + 0.5) * 1.15),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ]
        for g in range(groups):
            first = g * 4
            commands += [
                ("ALIGN", (first + 2, 0), (first + 2, -1), "RIGHT"),
                ("LINEBELOW", (first, 0), (first + 2, 0), 0.6, style.INK_HEX),
                ("LINEBELOW", (first, 1), (first + 2, -3), 0.25, style.LIGHT_HEX),
            ]
        last = len(header) - 3
        commands.append(("LINEABOVE", (last, -1), (-1, -1), 0.6, style.INK_HEX))
        table.setStyle(TableStyle(commands))
        table.hAlign = "RIGHT"
        return table

    @staticmethod
    def _total_in_words(d: AgreementLetter) -> Flowable:
        count = len(d.regular)
        down = d.paid_up_front
        if count and down > 0:
            how = f"com entrada de {_money(down)} e {count} parcela(s)"
        elif count:
            how = f"em {count} parcela(s)"
        else:
            due = d.schedule[0].due_date if d.schedule else d.down_payment_due or d.agreed_on
            how = f"à vista, em {fmt_date(due)}"
        text = (
            f"<b>Valor total do acordo: {_money(d.total)}</b> "
            f"({escape(amount_in_words(d.total))}), a pagar {how}"
        )
        if d.to_pay != d.total:
            text += (
                f", com juros de {format_percent(d.monthly_rate_pct)} ao mês sobre o saldo "
                f"parcelado, somando <b>{_money(d.to_pay)}</b> "
                f"({escape(amount_in_words(d.to_pay))})"
            )
        if d.discount > 0:
            text += f". Desconto concedido: <b>{_money(d.discount)}</b>"
        return markup(text + ".", "body")

    @staticmethod
    def _clauses(d: AgreementLetter) -> list[Flowable]:
        fee = format_percent(d.late_fee_pct)
        rate = format_percent(d.monthly_interest_pct)
        words = escape(amount_in_words(d.total))
        where = f" na comarca de {escape(d.city)}" if d.city.strip() else " do domicílio do credor"
        # What services.agreements.review_agreements does on breach: the open installments go
        # back to ordinary collection; with "lose_discount" the share of the discount matching
        # what is still unpaid comes back as one more installment, due on the day of the breach.
        back = (
            "as parcelas deste acordo em aberto voltam à cobrança normal, com a multa e os "
            "juros do item 5 desde os seus vencimentos"
        )
        if d.breach_clause == "lose_discount" and d.discount > 0:
            breach = (
                f"{back}, e o desconto de {_money(d.discount)} concedido no item 2 deixa de "
                "valer na proporção do que faltar pagar: volta a ser devida, em uma parcela "
                "adicional com vencimento na data da quebra, a parte do desconto igual ao "
                "desconto × valor ainda não pago ÷ valor total das parcelas deste acordo."
            )
        elif d.discount > 0:
            breach = f"{back}, mantido o desconto concedido no item 2."
        else:
            breach = f"{back}."
        financing = (
            f" O saldo parcelado tem juros de {format_percent(d.monthly_rate_pct)} ao mês, já "
            "incluídos no valor das parcelas."
            if d.to_pay != d.total
            else ""
        )
        clauses = [
            f"<b>3. Confissão de dívida.</b> O(A) DEVEDOR(A) reconhece e confessa dever ao "
            f"CREDOR a quantia líquida, certa e exigível de <b>{_money(d.total)}</b> ({words}), "
            "correspondente às parcelas do item 1, atualizadas e deduzido o desconto. Este termo, "
            "assinado pelo(a) DEVEDOR(A) e por duas testemunhas, é título executivo "
            "extrajudicial (Código de Processo Civil, art. 784, III).",
            "<b>4. Pagamento.</b> O valor será pago nas datas e valores do item 2, na loja do "
            "CREDOR ou por Pix, com os boletos do carnê entregue junto com este termo." + financing,
            f"<b>5. Atraso.</b> Parcela paga após o vencimento terá multa de {fee} sobre o seu "
            f"valor (Código de Defesa do Consumidor, art. 52, § 1º) e juros de mora de {rate} ao "
            "mês, pro rata die, sobre o valor em atraso.",
            "<b>6. Pagamento antecipado.</b> O(A) DEVEDOR(A) pode antecipar o pagamento, no "
            "todo ou em parte, com redução proporcional dos juros (Código de Defesa do "
            "Consumidor, art. 52, § 2º).",
            f"<b>7. Quebra do acordo.</b> Se qualquer parcela deste acordo ficar em atraso por "
            f"mais de {d.breach_days} dias, o acordo estará rompido e {breach}",
            "<b>8. Quitação.</b> As parcelas do item 1 ficam substituídas por este acordo; pagas "
            "todas as parcelas do item 2, ficam quitadas as parcelas originais, e o CREDOR dará "
            "quitação e, se houver registro em cadastro de proteção ao crédito, pedirá a sua "
            "baixa em até 5 dias úteis (STJ, Súmula 548).",
            "<b>9. Dados pessoais.</b> Nome, CPF, endereço e histórico de pagamentos do(a) "
            "DEVEDOR(A) são tratados pelo CREDOR para a proteção do crédito (Lei 13.709/2018 — "
            "LGPD, art. 7º, X), enquanto necessários à cobrança e pelo prazo legal de guarda.",
            f"<b>10. Foro.</b> Fica eleito o foro{where} para as questões deste termo, sem "
            "prejuízo do direito do(a) DEVEDOR(A) de demandar no seu domicílio (Código de "
            "Defesa do Consumidor, art. 101, I).",
        ]
        out: list[Flowable] = []
        for text in clauses:
            out += [markup(text, "small"), Spacer(1, 1.5)]
        return out

    @staticmethod
    def _signatures(d: AgreementLetter, width: float) -> list[Flowable]:
        place = f"{d.city}, " if d.city.strip() else ""
        half = width / 2

        def block(role: str, lines: list[str]) -> list[Flowable]:
            return [
                Spacer(1, 22),
                HRFlowable(width="100%", thickness=0.5, color=style.INK_HEX, spaceAfter=1),
                markup(f"<b>{escape(role)}</b>", "small"),
                *(p(line, "small") for line in lines),
            ]

        def witness(n: int) -> list[Flowable]:
            return [
                Spacer(1, 22),
                HRFlowable(width="100%", thickness=0.5, color=style.INK_HEX, spaceAfter=1),
                markup(f"<b>Testemunha {n}</b>", "small"),
                p("Nome: " + "_" * 44, "small"),
                p("CPF: " + "_" * 45, "small"),
            ]

        creditor = block("CREDOR", [d.shop.name, shop_document(d.shop)])
        debtor = block("DEVEDOR(A)", [d.debtor.name, f"CPF {format_cpf(d.debtor.cpf)}"])
        grid = Table(
            [[creditor, debtor], [witness(1), witness(2)]],
            colWidths=[half, half],
        )
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return [
            p(
                "E, por estarem de acordo, as partes assinam este termo em duas vias de igual "
                "teor, com as duas testemunhas abaixo.",
                "small",
            ),
            Spacer(1, 4),
            p(f"{place}{fmt_date(d.agreed_on)}.", "body"),
            grid,
        ]

    # ---- page furniture ----------------------------------------------------------------------

    @staticmethod
    def _furniture(c: Canvas, doc: Any, d: AgreementLetter) -> None:
        """Every page names the agreement, the creditor (CDC art. 42-A) and the debtor."""
        c.saveState()
        c.setFont(style.FONT, 7)
        c.setFillColorRGB(*style.GREY)
        text = (
            f"Termo de acordo nº {d.number} — {d.shop.name} — {shop_document(d.shop)} — "
            f"Devedor(a): {d.debtor.name}"
        )
        lines, size = fit_lines(text, _W - 2 * _MARGIN - 28 * style.MM, 1, style.FONT, 7, 6)
        c.setFont(style.FONT, size)
        c.drawString(_MARGIN, _FOOTER_Y, lines[0])
        if doc.page > 1:
            c.setFont(style.FONT, 7)
            c.drawString(
                _MARGIN,
                _H - _TOP + 3 * style.MM,
                f"Termo de acordo nº {d.number} (continuação) — rubricas: "
                "_____________  _____________",
            )
        c.restoreState()


def render_agreement(letter: AgreementLetter) -> bytes:
    return AgreementRenderer().render(letter)
