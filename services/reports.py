"""The end-of-day documents: the day report, collection letters in batch, the overdue list.

This module gathers what the renderers in ``services.documents`` draw, from the figures other
services already compute, so that every printed amount is one the screens show too:

- :func:`day_report` — ``services.day_close.day_summary`` for the day's money, and
  ``services.overdue.overdue_rows`` + ``band_summary`` for the position by band;
- :func:`letters_for` — one letter per customer, each installment priced as the counter's
  quote (``services.payments.quote``) prices it, so the letter asks for what the cashier would;
- :func:`record_letters` — the letters sent, recorded as contacts the way
  ``services.collection.record_contact`` records one, in a single transaction;
- :func:`overdue_report_rows` — the rows the CSV/XLSX exports write, on screen and from the
  command line alike.

Decisions, documented because the brief left them open:

- **Overdue position of a past day.** The bands are computed from the installments open *now*
  with their charges as of ``day``: exact for the day being closed; for a day in the past, a
  payment made since then is not undone (``services.overdue.band_amounts_as_of`` reconstructs a
  past day's principal, without charges, for the chart).
- **Receipts by method** list the methods that moved money that day (a payment or a reversal);
  by cashier, whoever made an entry that day. A reversal counts under the method of the payment
  it undoes and under the person who made it (``services.day_close``).
- **Reversals** list every estorno made that day: the receipt number is the undone payment's
  (``000123``, as printed on its receipt), the operator is who reversed it. They are the same
  entries ``day_summary`` subtracts, so the PDF's check (listed = subtracted) holds.
- **Agreements** are numbered ``A<id>``, as their installments' carnê prints them.
- **Letters**: a customer who cannot get a letter is not dropped silently: :class:`LetterBatch`
  carries the letters, the customer ids in the same order (what :func:`record_letters` needs)
  and the customers left out with the reason (no complete address, nothing overdue, collection
  paused on a dispute or a defect, not found); :meth:`LetterBatch.skipped_message` says it in
  Portuguese for the screen. Collection does not press on a contested debt, so a paused
  customer gets no letter (keys.md).
- **Deadline**: a notice gives at least ``NOTICE_MIN_DAYS`` (10) days (CDC art. 43 §2) and
  defaults to that; a friendly letter defaults to 7 days.

The reportlab-based document modules are imported when first used (ENGINEERING.md: reportlab
costs 185–296 ms at start-up), so a screen may import this module freely.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AgreementStatus,
    ContactChannel,
    ContactOutcome,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
    User,
)
from services import settings as settings_service
from services.collection import CADENCE_STEPS, CollectionRefused, add_contact
from services.customers import _address_lines, installment_charges
from services.day_close import day_summary
from services.db import UnitOfWork
from services.overdue import OverdueRow, _paid_charges, band_summary, overdue_rows
from services.printing import METHOD_LABELS, shop_for
from services.users import Operator

if TYPE_CHECKING:
    from services.documents.day_report import DayReport, ReversalEntry
    from services.documents.letters import CollectionLetter, LetterKind

__all__ = [
    "FRIENDLY_DAYS",
    "LetterBatch",
    "SkipReason",
    "SkippedCustomer",
    "day_report",
    "default_deadline",
    "letters_for",
    "overdue_report_rows",
    "record_letters",
]

FRIENDLY_DAYS = 7  # a friendly letter's default deadline: a week to pay or call
_CHUNK = 500  # ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits
_ZERO = Decimal("0.00")


# --- the day report ------------------------------------------------------------------------------


def day_report(session: Session, day: date, *, generated_at: datetime, operator: str) -> DayReport:
    """The end-of-day report of ``day``; refused (``PrintRefused``) without the shop identity."""
    from services.documents.day_report import (
        AgreementEntry,
        BandLine,
        CreditSales,
        DayReport,
        DueToday,
        ReceiptTotal,
    )

    settings = settings_service.load(session)
    shop = shop_for(settings)
    summary = day_summary(session, day)
    rows = overdue_rows(session, day, policy=settings.policy)
    bands = band_summary(rows, settings.policy.bands)

    by_method = tuple(
        ReceiptTotal(METHOD_LABELS[m.method], m.count, m.received, m.reversed)
        for m in summary.by_method
        if m.count or m.reversed
    )
    by_cashier = tuple(
        ReceiptTotal(c.name, c.count, c.received, c.reversed) for c in summary.by_cashier
    )
    agreements = tuple(
        AgreementEntry(
            number=f"A{agreement_id}",
            customer=name,
            replaced=principal + fees + interest,
            amount=total,
            installments=count,
        )
        for agreement_id, name, principal, fees, interest, total, count in session.execute(
            select(
                Agreement.id,
                Customer.name,
                Agreement.principal,
                Agreement.fees,
                Agreement.interest,
                Agreement.total,
                Agreement.installment_count,
            )
            .join(Customer, Customer.id == Agreement.customer_id)
            .where(Agreement.agreed_on == day, Agreement.status != AgreementStatus.CANCELLED)
            .order_by(Agreement.id)
        ).all()
    )
    due = summary.fell_due
    return DayReport(
        shop=shop,
        day=day,
        generated_at=generated_at,
        operator=operator,
        receipts_by_method=by_method,
        receipts_by_cashier=by_cashier,
        reversals=_reversals(session, day),
        credit_sales=CreditSales(
            summary.sales.count, summary.sales.down_payment, summary.sales.financed
        ),
        agreements=agreements,
        due_today=DueToday(due.count, due.amount, due.paid_count, due.paid_amount),
        overdue_bands=tuple(
            BandLine(
                label=b.label,
                colour=b.band.colour if b.band is not None else "",
                customers=b.customers,
                installments=b.installments,
                principal=b.principal,
                total=b.total,
            )
            for b in bands.bands
        ),
    )


def _reversals(session: Session, day: date) -> tuple[ReversalEntry, ...]:
    """Every reversal made on ``day`` (the same entries ``day_summary`` subtracts)."""
    from services.documents.day_report import ReversalEntry

    start = datetime.combine(day, time())
    end = datetime.combine(day + timedelta(days=1), time())
    rows = session.execute(
        select(
            Payment.received_at,
            Payment.reverses_id,
            Customer.name,
            Payment.method,
            Payment.amount,
            Payment.reversal_reason,
            User.full_name,
        )
        .join(Customer, Customer.id == Payment.customer_id)
        .join(User, User.id == Payment.operator_id)
        .where(
            Payment.received_at >= start,
            Payment.received_at < end,
            Payment.reverses_id.is_not(None),
        )
        .order_by(Payment.received_at, Payment.id)
    ).all()
    return tuple(
        ReversalEntry(
            at=at,
            receipt_number=f"{original:06d}",  # the undone payment's receipt number
            customer=name,
            method=METHOD_LABELS[method],
            amount=-amount,  # stored negative
            reason=reason or "",
            operator=operator,
        )
        for at, original, name, method, amount, reason, operator in rows
    )


# --- the overdue list ----------------------------------------------------------------------------


def overdue_report_rows(session: Session, day: date) -> list[OverdueRow]:
    """Every late customer as of ``day``, most days late first: the exported list.

    No filter: the export is the shop's working file. The screen's export passes its own
    filtered rows to ``services.exports``; this is the unfiltered list the command line writes.
    """
    return overdue_rows(session, day, sort="days_late")


# --- letters -------------------------------------------------------------------------------------


class SkipReason(enum.StrEnum):
    """Why a customer gets no letter; the message lists them in this order."""

    NO_ADDRESS = "no_address"
    NOT_LATE = "not_late"
    PAUSED = "paused"
    NOT_FOUND = "not_found"


# (one, many) — the words after the count: "1 cliente sem endereço completo".
_SKIP_WORDS: dict[SkipReason, tuple[str, str]] = {
    SkipReason.NO_ADDRESS: ("cliente sem endereço completo", "clientes sem endereço completo"),
    SkipReason.NOT_LATE: ("cliente sem parcela em atraso", "clientes sem parcela em atraso"),
    SkipReason.PAUSED: (
        "cliente com a cobrança suspensa (contestação ou defeito)",
        "clientes com a cobrança suspensa (contestação ou defeito)",
    ),
    SkipReason.NOT_FOUND: ("cliente não encontrado", "clientes não encontrados"),
}
_NAMES_SHOWN = 10


@dataclass(frozen=True)
class SkippedCustomer:
    """A customer asked for who gets no letter, and why."""

    customer_id: int
    name: str  # "" when not found
    reason: SkipReason
    detail: str = ""  # Portuguese: "falta o CEP", the pause's reason…

    @property
    def shown(self) -> str:
        who = self.name or f"nº {self.customer_id}"
        return f"{who} ({self.detail})" if self.detail else who


@dataclass(frozen=True)
class LetterBatch:
    """The letters to print and who was left out.

    ``customer_ids[i]`` is the customer of ``letters[i]``: pass ``customer_ids`` to
    :func:`record_letters` once the PDF is printed.
    """

    letters: tuple[CollectionLetter, ...]
    customer_ids: tuple[int, ...]
    skipped: tuple[SkippedCustomer, ...]

    def skipped_message(self) -> str:
        """``"3 clientes sem endereço completo: Ana, Bia (falta o CEP), Caio."``, one sentence
        per reason; ``""`` when nobody was left out."""
        by_reason: dict[SkipReason, list[SkippedCustomer]] = defaultdict(list)
        for s in self.skipped:
            by_reason[s.reason].append(s)
        sentences = []
        for reason in SkipReason:
            group = by_reason.get(reason)
            if not group:
                continue
            one, many = _SKIP_WORDS[reason]
            names = ", ".join(s.shown for s in group[:_NAMES_SHOWN])
            more = len(group) - _NAMES_SHOWN
            if more > 0:
                names += f" e mais {more}"
            sentences.append(f"{len(group)} {one if len(group) == 1 else many}: {names}.")
        return " ".join(sentences)


def _missing_address(c: Customer) -> list[str]:
    """What a letter needs to reach the customer by post, in the words of the customer form."""
    parts = (("o endereço", c.street), ("a cidade", c.city), ("a UF", c.uf), ("o CEP", c.cep))
    return [label for label, value in parts if not (value or "").strip()]


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _unique(ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def default_deadline(kind: LetterKind, today: date) -> date:
    """A notice: the legal minimum (CDC art. 43 §2); a friendly letter: a week."""
    from services.documents.letters import NOTICE_MIN_DAYS, LetterKind

    days = NOTICE_MIN_DAYS if LetterKind(kind) is LetterKind.NOTICE else FRIENDLY_DAYS
    return today + timedelta(days=days)


def letters_for(
    session: Session,
    customer_ids: Sequence[int],
    kind: LetterKind,
    *,
    today: date,
    deadline: date | None = None,
) -> LetterBatch:
    """One letter per customer (in the order given, each once), amounts as of ``today``.

    Refused as a whole (``PrintRefused``, ``ValueError``) only for what no letter could have:
    the shop's identity incomplete, or a notice's deadline under 10 days. A customer who cannot
    get a letter goes to :attr:`LetterBatch.skipped` (module doc).
    """
    from services.documents.letters import (
        NOTICE_MIN_DAYS,
        CollectionLetter,
        LetterKind,
        OverdueItem,
        Recipient,
        check_letter,
    )

    kind = LetterKind(kind)
    settings = settings_service.load(session)
    shop = shop_for(settings)
    deadline = deadline or default_deadline(kind, today)
    if kind is LetterKind.NOTICE and (deadline - today).days < NOTICE_MIN_DAYS:
        raise ValueError(
            f"O prazo da notificação deve ser de pelo menos {NOTICE_MIN_DAYS} dias (CDC art. 43 "
            f"§2): a partir de {today:%d/%m/%Y}, até {today + timedelta(NOTICE_MIN_DAYS):%d/%m/%Y}"
            " ou depois."
        )
    if deadline < today:
        raise ValueError("O prazo da carta é anterior à data da carta.")
    identity, policy = settings.identity, settings.policy
    city = f"{identity.city}/{identity.uf}" if identity.uf else identity.city
    pix_key = settings.pix.key.strip() if settings.pix.enabled else ""

    ids = _unique(customer_ids)
    customers: dict[int, Customer] = {}
    late: dict[int, list[tuple[Installment, str | None]]] = defaultdict(list)
    for chunk in _chunks(ids):
        customers.update(
            (c.id, c) for c in session.scalars(select(Customer).where(Customer.id.in_(chunk)))
        )
        for inst, description in session.execute(
            select(Installment, CreditSale.description)
            .outerjoin(CreditSale, CreditSale.id == Installment.sale_id)
            .where(
                Installment.customer_id.in_(chunk),
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date < today,
            )
            .order_by(Installment.due_date, Installment.id)
        ).all():
            late[inst.customer_id].append((inst, description))

    chosen: list[Customer] = []
    skipped: list[SkippedCustomer] = []
    for customer_id in ids:
        c = customers.get(customer_id)
        if c is None:
            skipped.append(SkippedCustomer(customer_id, "", SkipReason.NOT_FOUND))
        elif c.collection_paused_since is not None:
            reason = c.collection_paused_reason or ""
            skipped.append(SkippedCustomer(c.id, c.name, SkipReason.PAUSED, reason))
        elif not late.get(c.id):
            skipped.append(SkippedCustomer(c.id, c.name, SkipReason.NOT_LATE))
        elif missing := _missing_address(c):
            detail = "falta " + _join(missing)
            skipped.append(SkippedCustomer(c.id, c.name, SkipReason.NO_ADDRESS, detail))
        else:
            chosen.append(c)

    # Each installment priced as the counter's quote prices it (``services.payments._dues``):
    # its open principal, and ``installment_charges`` less the fee and interest already paid.
    # The charges paid come from ``services.overdue``'s query, equal to the counter's (its tests
    # compare both) and thousands of times faster over many installments: the counter's costs
    # about 5 ms an installment at 18,000 payments, 2.4 s for 500.
    wanted = [inst.id for c in chosen for inst, _ in late[c.id]]
    paid: dict[int, tuple[Decimal, Decimal]] = {}
    for chunk in _chunks(wanted):
        paid.update(_paid_charges(session, list(chunk)))

    letters: list[CollectionLetter] = []
    for c in chosen:
        items = []
        for inst, bought in late[c.id]:
            open_principal = inst.amount - inst.principal_paid
            fee_paid, interest_paid = paid.get(inst.id, (_ZERO, _ZERO))
            fee, interest = installment_charges(
                open_principal,
                inst.due_date,
                today,
                policy,
                fee_paid=fee_paid,
                interest_paid=interest_paid,
            )
            if inst.sale_id is not None:
                number, what = str(inst.sale_id), bought or ""
            else:
                number, what = f"A{inst.agreement_id}", "renegociação"
            items.append(
                OverdueItem(
                    sale_number=number,
                    installment=inst.number,
                    installments=inst.count,
                    due_date=inst.due_date,
                    amount=inst.amount,
                    fee=fee,
                    interest=interest,
                    paid=inst.principal_paid,
                    description=what,
                )
            )
        letter = CollectionLetter(
            kind=kind,
            shop=shop,
            recipient=Recipient(name=c.name, cpf=c.cpf, address_lines=_address_lines(c)),
            items=tuple(items),
            issued_on=today,
            city=city,
            deadline=deadline,
            pix_key=pix_key,
            late_fee_pct=policy.late_fee_pct,
            monthly_interest_pct=policy.monthly_interest_pct,
        )
        check_letter(letter)  # the renderer's own guard, so a bad letter fails here, named
        letters.append(letter)
    return LetterBatch(tuple(letters), tuple(c.id for c in chosen), tuple(skipped))


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " e " + words[-1]


_LETTER_NOTES = {
    "collection_letter": "Carta de cobrança impressa (lote de {n}).",
    "bureau_notice": "Notificação prévia de negativação impressa, CDC art. 43 §2 (lote de {n}).",
}


def record_letters(
    uow: UnitOfWork,
    customer_ids: Sequence[int],
    kind: LetterKind,
    *,
    operator: Operator,
    now: datetime,
) -> int:
    """Record the letters sent: one ``LETTER`` contact per customer, outcome ``SENT``, the
    cadence step ``kind.value``, each audited as ``contact.record``; commits once.

    The whole batch is refused (:class:`CollectionRefused`, nothing recorded) when a customer is
    not found, has the collection paused, or has nothing overdue on ``now``'s day. A customer
    listed twice is recorded once. Returns how many contacts were recorded.
    """
    from services.documents.letters import LetterKind

    if not uow.write:
        raise RuntimeError("record_letters needs db.unit_of_work(write=True)")
    step = LetterKind(kind).value
    assert step in CADENCE_STEPS
    ids = _unique(customer_ids)
    if not ids:
        return 0
    session = uow.session
    today = now.date()
    customers: dict[int, Customer] = {}
    late: set[int] = set()
    for chunk in _chunks(ids):
        customers.update(
            (c.id, c)
            for c in session.scalars(
                select(Customer).where(Customer.id.in_(chunk)).with_for_update()
            )
        )
        late.update(
            session.scalars(
                select(Installment.customer_id)
                .where(
                    and_(
                        Installment.customer_id.in_(chunk),
                        Installment.status == InstallmentStatus.OPEN,
                        Installment.due_date < today,
                    )
                )
                .distinct()
            )
        )
    problems: list[str] = []
    for customer_id in ids:
        c = customers.get(customer_id)
        if c is None:
            problems.append(f"cliente nº {customer_id} não encontrado")
        elif c.collection_paused_since is not None:
            problems.append(f"{c.name}: cobrança suspensa")
        elif c.id not in late:
            problems.append(f"{c.name}: nenhuma parcela em atraso")
    if problems:
        shown = "; ".join(problems[:_NAMES_SHOWN])
        if len(problems) > _NAMES_SHOWN:
            shown += f"; e mais {len(problems) - _NAMES_SHOWN}"
        raise CollectionRefused(f"Nenhuma carta foi registrada: {shown}.")

    notes = _LETTER_NOTES[step].format(n=len(ids))
    for customer_id in ids:
        add_contact(
            session,
            customer_id,
            channel=ContactChannel.LETTER,
            outcome=ContactOutcome.SENT,
            root_cause=None,
            cadence_step=step,
            notes=notes,
            operator=operator,
            now=now,
        )
    uow.commit()
    return len(ids)
