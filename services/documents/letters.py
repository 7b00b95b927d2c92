"""Collection letters in batch: the friendly letter and the notice before a bureau report.

One PDF for every selected customer, each letter on its own pages, numbered per letter
("Página 1 de 2"), so the batch can be printed at once and stuffed into window envelopes.

Two kinds, named by the cadence step that sends them (notes/keys.md):

- ``collection_letter``: a soft reminder of a "pendência" with an invitation to pay at the shop
  or by Pix, or to talk about an agreement. CDC art. 42: collection never ridicules, embarrasses
  or threatens, so it says nothing about bureaus and the envelope window shows only the address.
- ``bureau_notice``: the written notice that must precede a bureau report (CDC art. 43 §2). It
  lists the debt, names the creditor (CDC art. 42-A) and gives a deadline of at least
  ``NOTICE_MIN_DAYS`` days after which the CPF may be reported to SPC/Serasa/Boa Vista.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas as PdfCanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Flowable as BaseFlowable

from services.documents import style
from services.documents.common import (
    Canvas,
    brl,
    draw_lines,
    fit_lines,
    fmt_date,
    origin_label,
    require_shop,
    shop_document,
)
from services.documents.data import Shop
from services.documents.flow import Flowable, column_widths, markup, p, totals_table
from services.money import amount_in_words, format_percent
from services.text import mask_cpf

__all__ = [
    "NOTICE_MIN_DAYS",
    "CollectionLetter",
    "LetterKind",
    "LettersCancelled",
    "NumberedCanvas",
    "OverdueItem",
    "Recipient",
    "render_letters",
]

# CDC art. 43 §2 asks for a prior written notice; the usual practice (and DOMAIN.md) is to
# mail it and wait 10–15 days before reporting. The deadline printed is never shorter.
NOTICE_MIN_DAYS = 10

_ZERO = Decimal("0.00")
NBSP = "\u00a0"  # keeps "R$" and its figures on one line

# Page geometry (A4, portrait). The address sits where a window envelope shows it when the
# page is folded in three (fold marks at 99 and 198 mm), with nothing about money near it.
_W, _H = style.A4
_MARGIN = 20 * style.MM
_HEADER_TOP = 12 * style.MM
_RULE_Y = _H - 29 * style.MM
_WINDOW_X = 20 * style.MM
_WINDOW_TOP = _H - 42 * style.MM
_WINDOW_W = 90 * style.MM
_WINDOW_H = 38 * style.MM
_FIRST_FRAME_TOP = _H - 84 * style.MM
_LATER_FRAME_TOP = _H - 40 * style.MM
_FRAME_BOTTOM = 18 * style.MM
_FOOTER_Y = 10 * style.MM
_FOLDS = (99 * style.MM, 198 * style.MM)
_CELL = 8.0  # table text size


class LetterKind(enum.StrEnum):
    """Values are the cadence step keys recorded in ``ContactAttempt.cadence_step``."""

    FRIENDLY = "collection_letter"
    NOTICE = "bureau_notice"


class LettersCancelled(Exception):
    """The operator cancelled the batch; nothing was produced."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"Impressão das cartas cancelada ({done} de {total} prontas).")
        self.done = done
        self.total = total


@dataclass(frozen=True)
class Recipient:
    """The customer as addressed: the envelope window shows ``name`` and ``address_lines``."""

    name: str
    cpf: str  # digits or formatted; printed masked (LGPD): ***.456.789-**
    address_lines: tuple[str, ...]  # e.g. ("Rua X, 45 – ap. 2", "Centro – Cidade/UF – CEP …")


@dataclass(frozen=True)
class OverdueItem:
    """One open overdue installment with its charges as of the letter's date."""

    sale_number: str
    installment: int
    installments: int
    due_date: date
    amount: Decimal  # the installment's original amount
    fee: Decimal = _ZERO  # late fee still open (CDC art. 52 §1)
    interest: Decimal = _ZERO  # late interest still open, up to the letter's date
    paid: Decimal = _ZERO  # already paid towards the principal (a partial payment)
    description: str = ""  # what was bought, short ("Geladeira Frost Free")

    @property
    def open_principal(self) -> Decimal:
        return self.amount - self.paid

    @property
    def total(self) -> Decimal:
        return self.open_principal + self.fee + self.interest


@dataclass(frozen=True)
class CollectionLetter:
    kind: LetterKind
    shop: Shop
    recipient: Recipient
    items: tuple[OverdueItem, ...]
    issued_on: date  # the letter's date; amounts are as of this day
    city: str  # where it is written, e.g. "Uberlândia/MG"
    deadline: date  # pay or negotiate by (a notice: at least NOTICE_MIN_DAYS later)
    pix_key: str = ""
    late_fee_pct: Decimal | None = None  # printed when given, so the charges are explained
    monthly_interest_pct: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.total for item in self.items), _ZERO)


def check_letter(letter: CollectionLetter) -> None:
    """Refuse a letter that must not go out as it stands; the message names the customer."""
    require_shop(letter.shop)
    who = letter.recipient.name
    if not letter.items:
        raise ValueError(f"Carta para {who}: não há parcelas em atraso.")
    if letter.total <= 0:
        raise ValueError(f"Carta para {who}: o total em aberto é zero.")
    if not letter.recipient.address_lines:
        raise ValueError(f"Carta para {who}: o endereço do cliente está em branco.")
    if letter.kind is LetterKind.NOTICE:
        days = (letter.deadline - letter.issued_on).days
        if days < NOTICE_MIN_DAYS:
            raise ValueError(
                f"Notificação para {who}: o prazo deve ser de pelo menos {NOTICE_MIN_DAYS} dias "
                f"após {fmt_date(letter.issued_on)} (CDC art. 43 §2); está com {days}."
            )
    elif letter.deadline < letter.issued_on:
        raise ValueError(f"Carta para {who}: a data para contato é anterior à data da carta.")


def _money(value: Decimal) -> str:
    return brl(value).replace(" ", NBSP)


def _b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


class _Batch:
    """What the page callbacks need to know while the batch is laid out."""

    def __init__(
        self,
        letters: Sequence[CollectionLetter],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.letters = letters
        self.progress = progress
        self.cancelled = cancelled
        self.current = 0


class _Marker(BaseFlowable):  # type: ignore[misc]
    """Invisible, taking no room: acts on the batch (``draw``) where it stands in the story."""

    def __init__(self, batch: _Batch, index: int) -> None:
        super().__init__()
        self.batch = batch
        self.index = index

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0


class _LetterStart(_Marker):
    """Invisible: marks which letter the following pages belong to."""

    def draw(self) -> None:
        batch = self.batch
        if batch.cancelled is not None and batch.cancelled():
            raise LettersCancelled(self.index, len(batch.letters))
        batch.current = self.index


class _LetterDone(_Marker):
    """Invisible: reports progress once a letter is laid out."""

    def draw(self) -> None:
        if self.batch.progress is not None:
            self.batch.progress(self.index + 1, len(self.batch.letters))


class NumberedCanvas(PdfCanvas):  # type: ignore[misc]
    """Holds pages back until the end so each can say "Página i de n" within its group.

    Page callbacks tag every page with its group (``page_group``: here, the letter); on
    ``save`` the pages are emitted in order with the numbers drawn in the footer's right
    corner. A document that is one group (the day report) just never sets it.
    """

    number_y = _FOOTER_Y
    number_right = _W - _MARGIN

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_group = 0
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        counts: dict[int, int] = {}
        for state in self._held:
            counts[state["page_group"]] = counts.get(state["page_group"], 0) + 1
        seen: dict[int, int] = {}
        for state in self._held:
            self.__dict__.update(state)
            index = state["page_group"]
            seen[index] = seen.get(index, 0) + 1
            self.saveState()
            self.setFont(style.FONT, 7.5)
            self.setFillColorRGB(*style.INK)
            self.drawRightString(
                self.number_right, self.number_y, f"Página {seen[index]} de {counts[index]}"
            )
            self.restoreState()
            super().showPage()
        super().save()


class LettersRenderer:
    """Letters in batch: a first-page template with the envelope window, later pages without."""

    def render(
        self,
        letters: Sequence[CollectionLetter],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> bytes:
        if not letters:
            raise ValueError("Nenhuma carta selecionada.")
        for letter in letters:
            check_letter(letter)
        batch = _Batch(letters, progress, cancelled)
        story: list[Flowable] = []
        for index, letter in enumerate(letters):
            if index:
                story += [NextPageTemplate("first"), PageBreak()]
            story.append(_LetterStart(batch, index))
            story += self._story(letter)
            story.append(_LetterDone(batch, index))

        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=style.A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_FRAME_BOTTOM,
            title=self._title(letters),
            author="Crediário",
            pageCompression=1,
        )
        width = _W - 2 * _MARGIN

        def first_end(c: Canvas, _doc: Any) -> None:
            self._page(c, batch.letters[batch.current], batch.current, first=True)

        def later_end(c: Canvas, _doc: Any) -> None:
            self._page(c, batch.letters[batch.current], batch.current, first=False)

        first = Frame(
            _MARGIN,
            _FRAME_BOTTOM,
            width,
            _FIRST_FRAME_TOP - _FRAME_BOTTOM,
            0,
            0,
            0,
            0,
            id="first",
        )
        later = Frame(
            _MARGIN,
            _FRAME_BOTTOM,
            width,
            _LATER_FRAME_TOP - _FRAME_BOTTOM,
            0,
            0,
            0,
            0,
            id="later",
        )
        doc.addPageTemplates(
            [
                PageTemplate("first", [first], onPageEnd=first_end, autoNextPageTemplate="later"),
                PageTemplate("later", [later], onPageEnd=later_end),
            ]
        )
        doc.build(story, canvasmaker=NumberedCanvas)
        return buffer.getvalue()

    @staticmethod
    def _title(letters: Sequence[CollectionLetter]) -> str:
        kinds = {letter.kind for letter in letters}
        name = "Notificações" if kinds == {LetterKind.NOTICE} else "Cartas de cobrança"
        return f"{name} — {len(letters)} cliente(s)"

    # ---- the story ---------------------------------------------------------------------------

    def _story(self, letter: CollectionLetter) -> list[Flowable]:
        if letter.kind is LetterKind.NOTICE:
            return self._notice(letter)
        return self._friendly(letter)

    def _friendly(self, letter: CollectionLetter) -> list[Flowable]:
        shop = letter.shop
        who = letter.recipient
        story: list[Flowable] = [
            p("Aviso de pendência", "title"),
            Spacer(1, 6),
            markup(f"Olá, {_b(who.name)}."),
            Spacer(1, 5),
            p(
                "Esperamos que você esteja bem. Em nossos registros consta uma pendência no seu "
                "crediário, referente às parcelas abaixo. Pode ter sido apenas um esquecimento, "
                "e por isso estamos escrevendo para lembrar você."
            ),
            Spacer(1, 6),
            self._items_table(letter),
            Spacer(1, 6),
            self._total_paragraph(letter),
            Spacer(1, 8),
            markup(
                "<b>Como regularizar:</b> venha até a loja, em "
                f"{escape(shop.address)}, "
                + (
                    f"ou pague por Pix, com a chave <b>{escape(letter.pix_key)}</b>. "
                    if letter.pix_key.strip()
                    else "onde você pode pagar em dinheiro, cartão ou Pix. "
                )
                + "Se o momento estiver difícil, podemos conversar e combinar um acordo que "
                "caiba no seu orçamento"
                + (f": ligue para {escape(shop.phone)}" if shop.phone.strip() else "")
                + " ou fale com a gente na loja."
            ),
            Spacer(1, 5),
            markup(
                "Pedimos, se possível, que você nos procure até "
                f"<b>{fmt_date(letter.deadline)}</b>."
            ),
            Spacer(1, 5),
            p(
                "Se você já pagou, por favor desconsidere esta carta e aceite nossas desculpas. "
                "Se algum valor não estiver correto, fale conosco: vamos conferir juntos."
            ),
            Spacer(1, 12),
        ]
        story.append(KeepTogether(self._closing(letter, "Um abraço e obrigado pela confiança,")))
        return story

    def _notice(self, letter: CollectionLetter) -> list[Flowable]:
        shop = letter.shop
        who = letter.recipient
        days = (letter.deadline - letter.issued_on).days
        story: list[Flowable] = [
            p("Notificação de débito em aberto", "title"),
            p("Aviso prévio de registro em cadastro de proteção ao crédito", "body"),
            p("Código de Defesa do Consumidor, art. 43, § 2º", "small"),
            Spacer(1, 7),
            markup(f"Prezado(a) Sr.(a) {_b(who.name)}, CPF {escape(mask_cpf(who.cpf))}:"),
            Spacer(1, 5),
            markup(
                f"<b>{escape(shop.name)}</b>, {escape(shop_document(shop))}, com endereço em "
                f"{escape(shop.address)}, comunica que constam em aberto, em seu nome, os "
                "débitos abaixo, referentes a compras a prazo (crediário) feitas em nossa loja:"
            ),
            Spacer(1, 6),
            self._items_table(letter),
            Spacer(1, 6),
            # The total and the deadline stay together: never a deadline without its amount.
            KeepTogether(
                [self._total_paragraph(letter), Spacer(1, 8), self._deadline_box(letter, days)]
            ),
            Spacer(1, 8),
            markup(
                "<b>Como pagar ou negociar:</b> na loja, em "
                f"{escape(shop.address)}, em dinheiro, cartão ou Pix"
                + (
                    f" (chave Pix <b>{escape(letter.pix_key)}</b>)"
                    if letter.pix_key.strip()
                    else ""
                )
                + ". Estamos à disposição para combinar um acordo de pagamento"
                + (f" pelo telefone {escape(shop.phone)}" if shop.phone.strip() else "")
                + " ou pessoalmente."
            ),
            Spacer(1, 5),
            markup(
                "<b>Se você não reconhece este débito ou discorda de algum valor</b>, procure-nos "
                "antes do prazo, na loja ou pelo telefone, com os seus comprovantes: a cobrança "
                "fica suspensa enquanto conferimos. Se o pagamento já foi feito, desconsidere "
                "esta notificação."
            ),
            Spacer(1, 12),
        ]
        story.append(KeepTogether(self._closing(letter, "Atenciosamente,")))
        return story

    @staticmethod
    def _deadline_box(letter: CollectionLetter, days: int) -> Flowable:
        text = (
            "Caso o valor não seja pago ou negociado até "
            f"<b>{fmt_date(letter.deadline)}</b> ({days} dias a contar desta notificação), "
            "seu CPF poderá ser registrado nos serviços de proteção ao crédito "
            "(SPC, Serasa e Boa Vista)."
        )
        box = Table([[markup(text)]], colWidths=[_W - 2 * _MARGIN])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, style.INK_HEX),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return box

    @staticmethod
    def _total_paragraph(letter: CollectionLetter) -> Flowable:
        total = letter.total
        charges = ""
        if letter.late_fee_pct is not None and letter.monthly_interest_pct is not None:
            charges = (
                f" Os valores incluem a multa de {format_percent(letter.late_fee_pct)} e os "
                f"juros de mora de {format_percent(letter.monthly_interest_pct)} ao mês "
                "previstos no contrato"
            )
            charges += (
                "; os juros são recalculados no dia do pagamento."
                if letter.kind is LetterKind.NOTICE
                else ", recalculados no dia do pagamento."
            )
        else:
            charges = " Multa e juros são recalculados no dia do pagamento."
        return markup(
            f"<b>Total atualizado em {fmt_date(letter.issued_on)}: {_money(total)}</b> "
            f"({escape(amount_in_words(total))}).{escape(charges)}"
        )

    @staticmethod
    def _closing(letter: CollectionLetter, greeting: str) -> list[Flowable]:
        shop = letter.shop
        return [
            p(greeting),
            Spacer(1, 22),
            markup(_b(shop.name)),
            p(f"{shop_document(shop)} — {shop.address}", "small"),
            *([p(f"Telefone {shop.phone}", "small")] if shop.phone.strip() else []),
        ]

    @staticmethod
    def _items_table(letter: CollectionLetter) -> Flowable:
        """Plain-string cells (a Paragraph per cell made a 300-letter batch three times slower)."""
        partial = any(item.paid for item in letter.items)
        columns: list[tuple[str, float]] = [  # heading, share of the width
            ("Venda · produto", 0.27 if partial else 0.31),
            ("Parcela", 0.08),
            ("Vencimento", 0.11),
            ("Valor", 0.11 if partial else 0.12),
        ]
        if partial:
            columns.append(("Pago", 0.11))
        columns += [("Multa", 0.10), ("Juros", 0.10), ("Total hoje", 0.12)]
        width = _W - 2 * _MARGIN
        widths = column_widths(columns, width)
        pad = 2.0

        data: list[list[str]] = [[heading for heading, _ in columns]]
        for item in letter.items:
            # An agreement's installments carry "A<id>" (as their carnê prints them).
            what = origin_label(item.sale_number, item.description)
            lines, _ = fit_lines(what, widths[0] - 2 * pad, 2, style.FONT, _CELL, _CELL)
            row = [
                "\n".join(lines),
                f"{item.installment}/{item.installments}",
                fmt_date(item.due_date),
                _money(item.amount),
            ]
            if partial:
                row.append(_money(item.paid))
            row += [_money(item.fee), _money(item.interest), _money(item.total)]
            data.append(row)

        def column_sum(get: Callable[[OverdueItem], Decimal]) -> str:
            return _money(sum((get(item) for item in letter.items), _ZERO))

        total_row = ["Total", "", "", column_sum(lambda i: i.amount)]
        if partial:
            total_row.append(column_sum(lambda i: i.paid))
        total_row += [
            column_sum(lambda i: i.fee),
            column_sum(lambda i: i.interest),
            _money(letter.total),
        ]
        data.append(total_row)
        return totals_table(
            data,
            widths,
            size=_CELL,
            leading=_CELL * 1.2,
            pad=pad,
            top_padding=2,
            bottom_padding=2.5,
        )

    # ---- page furniture ----------------------------------------------------------------------

    def _page(self, c: Canvas, letter: CollectionLetter, index: int, *, first: bool) -> None:
        c.page_group = index  # read by NumberedCanvas for "Página i de n" within the letter
        c.saveState()
        self._header(c, letter.shop)
        if first:
            self._window(c, letter)
            self._folds(c)
        else:
            c.setFont(style.FONT, 8)
            c.setFillColorRGB(*style.GREY)
            kind = "Notificação" if letter.kind is LetterKind.NOTICE else "Carta"
            c.drawString(
                _MARGIN,
                _RULE_Y - 5 * style.MM,
                f"{kind} a {letter.recipient.name}, {fmt_date(letter.issued_on)} (continuação)"[
                    :140
                ],
            )
        self._footer(c, letter)
        c.restoreState()

    @staticmethod
    def _header(c: Canvas, shop: Shop) -> None:
        """The creditor on every page (CDC art. 42-A): name, CNPJ/CPF, address, phone."""
        width = _W - 2 * _MARGIN
        c.setFillColorRGB(*style.INK)
        names, size = fit_lines(shop.name, width, 1, style.FONT_BOLD, 12, 8)
        top = _H - _HEADER_TOP
        top = draw_lines(c, _MARGIN, top, names, style.FONT_BOLD, size)
        c.setFillColorRGB(*style.GREY)
        details = shop_document(shop)
        if shop.phone.strip():
            details += f" — Telefone {shop.phone}"
        top = draw_lines(c, _MARGIN, top - 1, [details], style.FONT, 8)
        address, asize = fit_lines(shop.address, width, 2, style.FONT, 8, 6)
        draw_lines(c, _MARGIN, top, address, style.FONT, asize)
        c.setStrokeColorRGB(*style.INK)
        c.setLineWidth(0.6)
        c.line(_MARGIN, _RULE_Y, _W - _MARGIN, _RULE_Y)

    @staticmethod
    def _window(c: Canvas, letter: CollectionLetter) -> None:
        """Sender line and the addressee, inside a window envelope's opening; date on the right.

        Nothing here says "cobrança" or shows an amount: the envelope must not expose the
        customer (CDC art. 42).
        """
        pad = 2 * style.MM
        inner = _WINDOW_W - 2 * pad
        shop = letter.shop
        sender, ssize = fit_lines(
            f"Remetente: {shop.name} — {shop.address}", inner, 2, style.FONT, 6.5, 5
        )
        c.setFillColorRGB(*style.GREY)
        top = draw_lines(c, _WINDOW_X + pad, _WINDOW_TOP - pad, sender, style.FONT, ssize)
        c.setStrokeColorRGB(*style.LIGHT)
        c.setLineWidth(0.4)
        c.line(_WINDOW_X + pad, top - 1, _WINDOW_X + _WINDOW_W - pad, top - 1)
        c.setFillColorRGB(*style.INK)
        top -= 3 * style.MM
        bottom = _WINDOW_TOP - _WINDOW_H + pad
        for font, lines, size in _address_block(letter.recipient, inner, top - bottom):
            top = draw_lines(c, _WINDOW_X + pad, top, lines, font, size)
        place = f"{letter.city}, " if letter.city.strip() else ""
        c.setFont(style.FONT, 9)
        c.drawRightString(
            _W - _MARGIN, _WINDOW_TOP - pad - 9, f"{place}{fmt_date(letter.issued_on)}"
        )

    @staticmethod
    def _folds(c: Canvas) -> None:
        """Short marks on the left edge where the page folds in three for the envelope."""
        c.setStrokeColorRGB(*style.GREY)
        c.setLineWidth(0.4)
        for y in _FOLDS:
            c.line(4 * style.MM, _H - y, 9 * style.MM, _H - y)

    @staticmethod
    def _footer(c: Canvas, letter: CollectionLetter) -> None:
        c.setFont(style.FONT, 7)
        c.setFillColorRGB(*style.GREY)
        # The page's owner (masked CPF) and the creditor's document always show in full; a long
        # shop name gives way (it is in the header anyway).
        tail = f" — {shop_document(letter.shop)} · Cliente CPF {mask_cpf(letter.recipient.cpf)}"
        room = _W - 2 * _MARGIN - 25 * style.MM - stringWidth(tail, style.FONT, 7)
        name, _ = fit_lines(letter.shop.name, room, 1, style.FONT, 7, 7)
        c.drawString(_MARGIN, _FOOTER_Y, (name[0] if name else "") + tail)


def _address_block(
    recipient: Recipient, width: float, height: float
) -> list[tuple[str, list[str], float]]:
    """The addressee's lines at the largest size that fits the window, nothing cut if possible.

    The post office needs the whole address down to the CEP, so the block shrinks as one
    (10 pt down to 6.5 pt) before anything is cut with "…".
    """
    size = 10.0
    while True:
        name = fit_lines(recipient.name, width, 2, style.FONT_BOLD, size, size)
        block = [(style.FONT_BOLD, *name)]
        for line in recipient.address_lines:
            block.append((style.FONT, *fit_lines(line, width, 4, style.FONT, size, size)))
        used = sum(len(lines) * fitted * 1.18 for _, lines, fitted in block)
        cut = any(lines and lines[-1].endswith("…") for _, lines, _ in block)
        if (used <= height and not cut) or size <= 7.0:
            return [(font, lines, fitted) for font, lines, fitted in block]
        size -= 0.5


def render_letters(
    letters: Sequence[CollectionLetter],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """One PDF for the whole batch, each letter starting on a new page.

    ``progress(done, total)`` is called after each letter is laid out; ``cancelled()`` is asked
    before each letter and, when it answers True, ``LettersCancelled`` is raised.
    """
    return LettersRenderer().render(letters, progress=progress, cancelled=cancelled)
