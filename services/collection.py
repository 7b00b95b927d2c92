"""The collection log: contacts, promises to pay, pauses on a contested debt, bureau reports.

Every write is one transaction (``db.unit_of_work(write=True)``) that commits itself, with an
audit entry naming the operator and the time; time is always a parameter.

Rules and the decisions behind them:

- **Contacts** may be recorded by anyone (cashier or owner). A written notice before a bureau
  report (``cadence_step="bureau_notice"``) and a collection letter must go by letter: STJ does
  not accept e-mail or SMS alone as the notice of CDC art. 43 §2.
- A contact whose root cause is a **dispute** or a **product defect** pauses the cadence
  (``Customer.collection_paused_since``/``collection_paused_reason``) until someone resumes it
  with a note: collection does not press on a contested debt. A paused customer cannot be
  reported to a bureau either.
- **Promises to pay** (outcome "prometeu pagar"): date from today on, amount above zero and at
  most what the customer owes today (every open or written-off installment with today's fee and
  interest, the amount the counter would charge). A customer has at most one pending promise: a
  new one replaces it (the old one is settled first, so one already kept or broken keeps that
  status; only a still-pending one is cancelled).
- A promise is **kept** when the payments received from the moment it was made reach its amount
  by the promised date (inclusive), **broken** when that date passed without it, else pending.
  A **reversed payment** (estorno) never counts: the money was given back. So a promise that
  was kept only by a payment later reversed returns to pending (or becomes broken if its date
  has passed) the next time :func:`settle_promises` runs. A broken promise stays broken.
- **Bureau report** (owner only): refused unless the customer has an overdue open installment,
  the oldest one fell due less than 5 years ago (CDC art. 43 §1, Código Civil art. 206 §5 I),
  the cadence is not paused, and a written notice was recorded after that installment fell due
  (and after any earlier removal) at least 10 days before (CDC art. 43 §2).
- **Removal** (STJ Súmula 548): the reported debt is what was overdue on the report day. Once
  every one of those installments is paid (or the agreement that replaced them is), the owner
  must ask the bureau to remove the report within 5 business days of the payment (weekends and
  national holidays skipped). Marking it done clears ``bureau_reported_on`` and keeps the day
  in ``bureau_removed_on``; a later report starts a new cycle with a new notice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import holidays
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from models import (
    Agreement,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
    PromiseStatus,
    PromiseToPay,
    RootCause,
)
from services import audit
from services.cadence import (
    BUREAU_NOTICE,
    BUREAU_NOTICE_MIN_DAYS,
    COLLECTION_LETTER,
    LETTER_STEPS,
    STEP_KEYS,
)
from services.customers import ROOT_CAUSE_LABELS
from services.db import UnitOfWork
from services.money import CENT, ensure_money, format_brl
from services.payments import quote
from services.plans import add_months
from services.users import NotAllowed, Operator, require_owner
from services.validation import Refused

__all__ = [
    "BUREAU_NOTICE",
    "BUREAU_REPORT_MAX_YEARS",
    "CADENCE_STEPS",
    "COLLECTION_LETTER",
    "NOTICE_DAYS",
    "PAUSING_CAUSES",
    "REMOVAL_BUSINESS_DAYS",
    "BureauCheck",
    "CollectionRefused",
    "PromiseInput",
    "PromiseOutcome",
    "PromiseState",
    "Receipt",
    "RemovalTask",
    "SettleResult",
    "add_business_days",
    "add_contact",
    "broken_promise_count",
    "bureau_removals",
    "bureau_report_check",
    "cancel_promise",
    "make_promise",
    "mark_removed",
    "mark_reported",
    "owed_today",
    "promise_outcome",
    "promise_status_by_customer",
    "record_contact",
    "resume_collection",
    "settle_promises",
]

# The cadence step keys shared by the whole collection routine (ContactAttempt.cadence_step)
# live in services.cadence; the names here are kept for the callers that use them.
CADENCE_STEPS: tuple[str, ...] = STEP_KEYS
_LETTER_STEPS = LETTER_STEPS

NOTICE_DAYS = BUREAU_NOTICE_MIN_DAYS  # CDC art. 43 §2: the written notice, then wait (10–15 days)
BUREAU_REPORT_MAX_YEARS = 5  # CDC art. 43 §1: nothing negative older than 5 years
REMOVAL_BUSINESS_DAYS = 5  # STJ Súmula 548
PAUSING_CAUSES = frozenset({RootCause.DISPUTE, RootCause.DEFECT})

_ZERO = Decimal("0.00")
_NOTES_MAX = 2000
_REASON_MAX = 200  # Customer.collection_paused_reason


class CollectionRefused(Refused):
    """A collection action refused; the message says why, in Portuguese, for the operator."""


@dataclass(frozen=True)
class PromiseInput:
    promised_date: date
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """Money received from the customer (a payment not reversed), for judging promises."""

    at: datetime
    amount: Decimal


@dataclass(frozen=True)
class PromiseOutcome:
    status: PromiseStatus  # PENDING, KEPT or BROKEN
    paid: Decimal  # received from ``made_at`` up to the promised date (and up to today)
    resolved_on: date | None  # kept: day the amount was reached; broken: day after the date


@dataclass(frozen=True)
class SettleResult:
    checked: int
    kept: int
    broken: int
    reopened: int  # kept only by a payment since reversed, pending again

    @property
    def changed(self) -> int:
        return self.kept + self.broken + self.reopened


@dataclass(frozen=True)
class PromiseState:
    """The promise that matters for the overdue list: the pending one, or the latest broken."""

    customer_id: int
    promise_id: int
    status: PromiseStatus  # PENDING or BROKEN
    made_at: datetime
    promised_date: date
    amount: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(_ZERO, self.amount - self.paid)

    @property
    def broken(self) -> bool:
        return self.status is PromiseStatus.BROKEN


@dataclass(frozen=True)
class RemovalTask:
    """A report to remove from the bureau (STJ Súmula 548)."""

    customer_id: int
    name: str
    reported_on: date
    paid_on: date  # the payment that cleared the reported debt
    deadline: date  # 5 business days after ``paid_on``
    late: bool  # today is past the deadline


# --- small helpers -------------------------------------------------------------------------------


def _br(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _need_write(uow: UnitOfWork, name: str) -> None:
    if not uow.write:
        raise RuntimeError(f"{name} needs db.unit_of_work(write=True)")


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        raise CollectionRefused(f"Cliente nº {customer_id} não encontrado.")
    return customer


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned[:limit] if cleaned else None


def _require_owner(session: Session, operator: Operator) -> None:
    if not operator.is_owner:
        raise NotAllowed("Somente o dono pode fazer esta alteração.")
    require_owner(session, operator.id)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (weekends and national holidays skipped)."""
    calendar = holidays.country_holidays("BR", years=range(start.year, start.year + 2))
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in calendar:
            left -= 1
    return day


# --- promises: the pure rule ---------------------------------------------------------------------


def promise_outcome(
    *,
    made_at: datetime,
    promised_date: date,
    amount: Decimal,
    receipts: Iterable[Receipt],
    today: date,
) -> PromiseOutcome:
    """Kept, broken or pending on ``today`` (see the module doc); ``receipts`` exclude reversals."""
    paid = _ZERO
    kept_on: date | None = None
    for receipt in sorted(receipts, key=lambda r: r.at):
        day = receipt.at.date()
        if receipt.at < made_at or day > promised_date or day > today:
            continue
        paid += receipt.amount
        if kept_on is None and paid >= amount:
            kept_on = day
    if kept_on is not None:
        return PromiseOutcome(PromiseStatus.KEPT, paid, kept_on)
    if today > promised_date:
        return PromiseOutcome(PromiseStatus.BROKEN, paid, promised_date + timedelta(days=1))
    return PromiseOutcome(PromiseStatus.PENDING, paid, None)


def _receipts(session: Session, promise_ids: Sequence[int]) -> dict[int, list[Receipt]]:
    """Payments (never reversed, not reversals) made since each promise, by promise id."""
    if not promise_ids:
        return {}
    wanted = (
        select(PromiseToPay.id, PromiseToPay.customer_id, PromiseToPay.made_at)
        .where(PromiseToPay.id.in_(list(promise_ids)))
        .subquery()
    )
    reversal = aliased(Payment)
    rows = session.execute(
        select(wanted.c.id, Payment.received_at, Payment.amount)
        .join(
            Payment,
            and_(
                Payment.customer_id == wanted.c.customer_id,
                Payment.received_at >= wanted.c.made_at,
            ),
        )
        .where(
            Payment.reverses_id.is_(None),
            ~exists().where(reversal.reverses_id == Payment.id),
        )
    ).all()
    result: dict[int, list[Receipt]] = {}
    for promise_id, at, amount in rows:
        result.setdefault(promise_id, []).append(Receipt(at, amount))
    return result


def _judge(promise: PromiseToPay, receipts: Sequence[Receipt], today: date) -> PromiseOutcome:
    return promise_outcome(
        made_at=promise.made_at,
        promised_date=promise.promised_date,
        amount=promise.amount,
        receipts=receipts,
        today=today,
    )


# --- promises: reading ---------------------------------------------------------------------------


def promise_status_by_customer(
    session: Session, today: date, customer_ids: Collection[int] | None = None
) -> dict[int, PromiseState]:
    """Per customer, the latest promise (not cancelled) when it is pending or broken on ``today``.

    Judged live, so the list is right even before :func:`settle_promises` ran today. A customer
    whose latest promise was kept has no entry.
    """
    ranked = select(
        PromiseToPay.id,
        func.row_number()
        .over(
            partition_by=PromiseToPay.customer_id,
            order_by=(PromiseToPay.made_at.desc(), PromiseToPay.id.desc()),
        )
        .label("rank"),
    ).where(PromiseToPay.status != PromiseStatus.CANCELLED)
    if customer_ids is not None:
        ranked = ranked.where(PromiseToPay.customer_id.in_(list(customer_ids)))
    latest = ranked.subquery()
    promises = list(
        session.scalars(
            select(PromiseToPay)
            .join(latest, latest.c.id == PromiseToPay.id)
            .where(latest.c.rank == 1, PromiseToPay.status != PromiseStatus.KEPT)
        )
    )
    pending_ids = [p.id for p in promises if p.status is PromiseStatus.PENDING]
    receipts = _receipts(session, pending_ids)
    result: dict[int, PromiseState] = {}
    for p in promises:
        if p.status is PromiseStatus.PENDING:
            outcome = _judge(p, receipts.get(p.id, []), today)
            status, paid = outcome.status, outcome.paid
        else:  # broken, as settled; what was paid towards it no longer matters
            status, paid = p.status, _ZERO
        if status is PromiseStatus.KEPT:
            continue
        result[p.customer_id] = PromiseState(
            customer_id=p.customer_id,
            promise_id=p.id,
            status=status,
            made_at=p.made_at,
            promised_date=p.promised_date,
            amount=p.amount,
            paid=paid,
        )
    return result


def broken_promise_count(session: Session, customer_id: int, today: date) -> int:
    """Broken promises of a customer on ``today``: settled ones plus pending ones past due."""
    settled = session.scalar(
        select(func.count()).where(
            PromiseToPay.customer_id == customer_id, PromiseToPay.status == PromiseStatus.BROKEN
        )
    )
    overdue_pending = list(
        session.scalars(
            select(PromiseToPay).where(
                PromiseToPay.customer_id == customer_id,
                PromiseToPay.status == PromiseStatus.PENDING,
                PromiseToPay.promised_date < today,
            )
        )
    )
    count = int(settled or 0)
    if overdue_pending:
        receipts = _receipts(session, [p.id for p in overdue_pending])
        count += sum(
            1
            for p in overdue_pending
            if _judge(p, receipts.get(p.id, []), today).status is PromiseStatus.BROKEN
        )
    return count


def owed_today(session: Session, customer_id: int, today: date) -> Decimal:
    """Everything the customer owes on ``today``: open principal plus today's fee and interest."""
    ids = list(
        session.scalars(
            select(Installment.id).where(
                Installment.customer_id == customer_id,
                Installment.status.in_([InstallmentStatus.OPEN, InstallmentStatus.WRITTEN_OFF]),
            )
        )
    )
    return quote(session, ids, today).total if ids else _ZERO


# --- promises: writing ---------------------------------------------------------------------------


def _check_promise(session: Session, customer_id: int, promise: PromiseInput, today: date) -> None:
    if promise.promised_date < today:
        raise CollectionRefused(
            f"A data prometida ({_br(promise.promised_date)}) não pode ser anterior a hoje "
            f"({_br(today)})."
        )
    try:
        amount = ensure_money(promise.amount, "valor prometido")
    except (TypeError, ValueError) as exc:
        raise CollectionRefused("Valor prometido inválido.") from exc
    if amount <= 0:
        raise CollectionRefused("Informe o valor prometido, maior que zero.")
    if amount != amount.quantize(CENT):
        raise CollectionRefused("Valor prometido: use no máximo duas casas decimais.")
    owed = owed_today(session, customer_id, today)
    if amount > owed:
        raise CollectionRefused(
            f"O valor prometido ({format_brl(amount)}) passa do que o cliente deve hoje "
            f"({format_brl(owed)})."
        )


def _settle_pending_of(
    session: Session, customer_id: int, operator: Operator, now: datetime
) -> None:
    """Before a new promise: settle the customer's pending one, cancelling it if still pending."""
    today = now.date()
    pending = list(
        session.scalars(
            select(PromiseToPay)
            .where(
                PromiseToPay.customer_id == customer_id,
                PromiseToPay.status == PromiseStatus.PENDING,
            )
            .with_for_update()
        )
    )
    if not pending:
        return
    receipts = _receipts(session, [p.id for p in pending])
    for p in pending:
        outcome = _judge(p, receipts.get(p.id, []), today)
        before = {"status": p.status, "resolved_on": p.resolved_on}
        if outcome.status is PromiseStatus.PENDING:
            p.status, p.resolved_on = PromiseStatus.CANCELLED, today
            action, why = "promise.cancel", "substituída por nova promessa"
        else:
            p.status, p.resolved_on = outcome.status, outcome.resolved_on
            action, why = "promise.settle", None
        audit.record(
            session,
            at=now,
            user_id=operator.id,
            action=action,
            entity="promise",
            entity_id=p.id,
            customer_id=customer_id,
            before=before,
            after={"status": p.status, "resolved_on": p.resolved_on, "reason": why},
        )


def _customer_changed(
    session: Session,
    customer: Customer,
    *,
    action: str,
    operator: Operator,
    at: datetime,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Stamp the customer as updated at ``at``, with the audit entry that records the change."""
    customer.updated_at = at
    audit.record(
        session,
        at=at,
        user_id=operator.id,
        action=action,
        entity="customer",
        entity_id=customer.id,
        customer_id=customer.id,
        before=before,
        after=after,
    )


def _add_audited(
    session: Session,
    row: ContactAttempt | PromiseToPay,
    *,
    action: str,
    entity: str,
    customer_id: int,
    operator: Operator,
    now: datetime,
    after: dict[str, Any],
) -> None:
    """Add a new row and flush it (for its id), with the audit entry that records its creation."""
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        action=action,
        entity=entity,
        entity_id=row.id,
        customer_id=customer_id,
        after=after,
    )


def add_contact(
    session: Session,
    customer_id: int,
    *,
    channel: ContactChannel,
    outcome: ContactOutcome,
    root_cause: RootCause | None,
    cadence_step: str | None,
    notes: str | None,
    operator: Operator,
    now: datetime,
) -> ContactAttempt:
    """Add one contact attempt and its audit entry, unchecked and without committing: the
    callers (:func:`record_contact`, ``services.reports.record_letters``) check and commit."""
    contact = ContactAttempt(
        customer_id=customer_id,
        at=now,
        channel=channel,
        outcome=outcome,
        root_cause=root_cause,
        cadence_step=cadence_step,
        notes=notes,
        operator_id=operator.id,
    )
    _add_audited(
        session,
        contact,
        action="contact.record",
        entity="contact_attempt",
        customer_id=customer_id,
        operator=operator,
        now=now,
        after={
            "channel": channel,
            "outcome": outcome,
            "root_cause": root_cause,
            "cadence_step": cadence_step,
            "notes": notes,
        },
    )
    return contact


def _add_promise(
    session: Session,
    customer_id: int,
    promise: PromiseInput,
    *,
    contact_id: int | None,
    operator: Operator,
    now: datetime,
) -> PromiseToPay:
    _settle_pending_of(session, customer_id, operator, now)
    row = PromiseToPay(
        customer_id=customer_id,
        made_at=now,
        promised_date=promise.promised_date,
        amount=promise.amount,
        status=PromiseStatus.PENDING,
        contact_attempt_id=contact_id,
        operator_id=operator.id,
    )
    _add_audited(
        session,
        row,
        action="promise.make",
        entity="promise",
        customer_id=customer_id,
        operator=operator,
        now=now,
        after={
            "promised_date": row.promised_date,
            "amount": row.amount,
            "contact_attempt_id": contact_id,
        },
    )
    return row


def _pause(
    session: Session,
    customer: Customer,
    cause: RootCause,
    notes: str | None,
    *,
    contact_id: int,
    operator: Operator,
    now: datetime,
) -> None:
    if customer.collection_paused_since is not None:
        return  # already paused: the first contested contact keeps the date
    label = ROOT_CAUSE_LABELS[cause]
    reason = f"{label[0].upper()}{label[1:]}" + (f": {notes}" if notes else ".")
    if len(reason) > _REASON_MAX:
        reason = reason[: _REASON_MAX - 1] + "…"
    customer.collection_paused_since = now.date()
    customer.collection_paused_reason = reason
    _customer_changed(
        session,
        customer,
        action="collection.pause",
        operator=operator,
        at=now,
        before={"collection_paused_since": None, "collection_paused_reason": None},
        after={
            "collection_paused_since": customer.collection_paused_since,
            "collection_paused_reason": reason,
            "contact_attempt_id": contact_id,
        },
    )


def record_contact(
    uow: UnitOfWork,
    customer_id: int,
    *,
    channel: ContactChannel,
    outcome: ContactOutcome,
    root_cause: RootCause | None = None,
    notes: str | None = None,
    cadence_step: str | None = None,
    promise: PromiseInput | None = None,
    operator: Operator,
    now: datetime,
) -> int:
    """Record one contact (and its promise, and the pause a contested debt causes); commits."""
    _need_write(uow, "record_contact")
    channel, outcome = ContactChannel(channel), ContactOutcome(outcome)
    cause = RootCause(root_cause) if root_cause is not None else None
    if cadence_step is not None and cadence_step not in CADENCE_STEPS:
        raise CollectionRefused(f"Etapa da régua de cobrança desconhecida: “{cadence_step}”.")
    if cadence_step in _LETTER_STEPS and channel is not ContactChannel.LETTER:
        raise CollectionRefused(
            "A carta de cobrança e a notificação antes da negativação (CDC art. 43 §2) "
            "são enviadas por carta."
        )
    if outcome is ContactOutcome.PROMISED and promise is None:
        raise CollectionRefused("Informe a data e o valor que o cliente prometeu pagar.")
    if promise is not None and outcome is not ContactOutcome.PROMISED:
        raise CollectionRefused(
            "Promessa de pagamento só pode ser registrada com o resultado “prometeu pagar”."
        )
    session = uow.session
    customer = _customer(session, customer_id)
    if promise is not None:
        _check_promise(session, customer_id, promise, now.date())
    text = _clean(notes, _NOTES_MAX)
    contact = add_contact(
        session,
        customer_id,
        channel=channel,
        outcome=outcome,
        root_cause=cause,
        cadence_step=cadence_step,
        notes=text,
        operator=operator,
        now=now,
    )
    if promise is not None:
        _add_promise(
            session, customer_id, promise, contact_id=contact.id, operator=operator, now=now
        )
    if cause in PAUSING_CAUSES:
        assert cause is not None
        _pause(session, customer, cause, text, contact_id=contact.id, operator=operator, now=now)
    uow.commit()
    return contact.id


def make_promise(
    uow: UnitOfWork,
    customer_id: int,
    *,
    promise: PromiseInput,
    operator: Operator,
    now: datetime,
    contact_attempt_id: int | None = None,
) -> int:
    """Record a promise to pay outside a contact (e.g. at the counter); commits."""
    _need_write(uow, "make_promise")
    session = uow.session
    _customer(session, customer_id)
    _check_promise(session, customer_id, promise, now.date())
    row = _add_promise(
        session, customer_id, promise, contact_id=contact_attempt_id, operator=operator, now=now
    )
    uow.commit()
    return row.id


def cancel_promise(
    uow: UnitOfWork, promise_id: int, *, reason: str, operator: Operator, now: datetime
) -> None:
    """Cancel a promise still pending (e.g. recorded by mistake); a broken one stays broken."""
    _need_write(uow, "cancel_promise")
    why = _clean(reason, _REASON_MAX)
    if not why:
        raise CollectionRefused("Informe o motivo do cancelamento da promessa.")
    session = uow.session
    promise = session.get(PromiseToPay, promise_id, with_for_update=True)
    if promise is None:
        raise CollectionRefused(f"Promessa nº {promise_id} não encontrada.")
    today = now.date()
    outcome = promise.status
    if promise.status is PromiseStatus.PENDING:
        receipts = _receipts(session, [promise_id])
        outcome = _judge(promise, receipts.get(promise_id, []), today).status
    if outcome is PromiseStatus.BROKEN:
        raise CollectionRefused(
            f"A promessa venceu em {_br(promise.promised_date)} sem o pagamento: ela conta "
            "como não cumprida e não pode ser cancelada."
        )
    if outcome is PromiseStatus.KEPT:
        raise CollectionRefused("Esta promessa já foi cumprida.")
    if outcome is PromiseStatus.CANCELLED:
        raise CollectionRefused("Esta promessa já foi cancelada.")
    promise.status, promise.resolved_on = PromiseStatus.CANCELLED, today
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        action="promise.cancel",
        entity="promise",
        entity_id=promise.id,
        customer_id=promise.customer_id,
        before={"status": PromiseStatus.PENDING, "resolved_on": None},
        after={"status": promise.status, "resolved_on": today, "reason": why},
    )
    uow.commit()


def settle_promises(uow: UnitOfWork, today: date, *, now: datetime | None = None) -> SettleResult:
    """Persist the outcome of every pending promise on ``today``; idempotent; commits.

    Also re-judges promises kept while a payment since made was reversed (module doc). One
    audit entry lists what changed (none when nothing did); ``now`` is its time (default: the
    end of ``today``, when the evening review runs).
    """
    _need_write(uow, "settle_promises")
    session = uow.session
    original, reversal = aliased(Payment), aliased(Payment)
    reversed_since = (
        select(original.id)
        .join(reversal, reversal.reverses_id == original.id)
        .where(
            original.customer_id == PromiseToPay.customer_id,
            original.received_at >= PromiseToPay.made_at,
        )
        .exists()
    )
    candidates = (PromiseToPay.status == PromiseStatus.PENDING) | (
        (PromiseToPay.status == PromiseStatus.KEPT) & reversed_since
    )
    promises = list(
        session.scalars(
            select(PromiseToPay).where(candidates).order_by(PromiseToPay.id).with_for_update()
        )
    )
    receipts = _receipts(session, [p.id for p in promises])
    kept: list[int] = []
    broken: list[int] = []
    reopened: list[int] = []
    for p in promises:
        outcome = _judge(p, receipts.get(p.id, []), today)
        if (outcome.status, outcome.resolved_on) == (p.status, p.resolved_on):
            continue
        if outcome.status is PromiseStatus.KEPT:
            kept.append(p.id)
        elif outcome.status is PromiseStatus.BROKEN:
            broken.append(p.id)
        else:
            reopened.append(p.id)
        p.status, p.resolved_on = outcome.status, outcome.resolved_on
    result = SettleResult(len(promises), len(kept), len(broken), len(reopened))
    if result.changed:
        audit.record(
            session,
            at=now or datetime.combine(today, time(23, 59)),
            user_id=None,
            action="promise.settle_all",
            entity="promise",
            after={"today": today, "kept": kept, "broken": broken, "reopened": reopened},
        )
    uow.commit()
    return result


# --- pause ---------------------------------------------------------------------------------------


def resume_collection(
    uow: UnitOfWork, customer_id: int, *, note: str, operator: Operator, now: datetime
) -> None:
    """End a pause (the dispute or defect was resolved), saying how; commits."""
    _need_write(uow, "resume_collection")
    text = _clean(note, _NOTES_MAX)
    if not text:
        raise CollectionRefused("Informe como a contestação ou o defeito foi resolvido.")
    session = uow.session
    customer = _customer(session, customer_id)
    if customer.collection_paused_since is None:
        raise CollectionRefused("A cobrança deste cliente não está pausada.")
    before = {
        "collection_paused_since": customer.collection_paused_since,
        "collection_paused_reason": customer.collection_paused_reason,
    }
    customer.collection_paused_since = None
    customer.collection_paused_reason = None
    _customer_changed(
        session,
        customer,
        action="collection.resume",
        operator=operator,
        at=now,
        before=before,
        after={"collection_paused_since": None, "note": text},
    )
    uow.commit()


# --- bureau reports ------------------------------------------------------------------------------


def _oldest_overdue(session: Session, customer_id: int, today: date) -> date | None:
    return session.scalar(
        select(func.min(Installment.due_date)).where(
            Installment.customer_id == customer_id,
            Installment.status == InstallmentStatus.OPEN,
            Installment.due_date < today,
        )
    )


@dataclass(frozen=True)
class BureauCheck:
    """Whether a bureau report may be recorded on a day: ``refusal`` says why not (Portuguese,
    for the owner), ``possible_from`` is the first day it will be when it is a matter of waiting
    for the written notice's 10 days (None when allowed, or when waiting alone will not do)."""

    refusal: str | None
    possible_from: date | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def bureau_report_check(
    *,
    today: date,
    oldest_due: date | None,
    reported_on: date | None = None,
    removed_on: date | None = None,
    paused_since: date | None = None,
    paused_reason: str | None = None,
    notice_dates: Iterable[date] = (),
) -> BureauCheck:
    """The legal checks of :func:`mark_reported` on plain facts (module doc), so a list of many
    customers (the contact queue) can say in advance what the owner will be told.

    ``oldest_due`` is the customer's oldest open installment due before ``today`` (None: none);
    ``notice_dates`` the days of every written notice (``bureau_notice`` letter) on record.
    """
    if reported_on is not None:
        return BureauCheck(f"Este cliente já está negativado desde {_br(reported_on)}.")
    if paused_since is not None:
        return BureauCheck(
            f"A cobrança deste cliente está pausada desde {_br(paused_since)} "
            f"({paused_reason or 'contestação'}): resolva e retome a "
            "cobrança antes de negativar."
        )
    if oldest_due is None:
        return BureauCheck("Este cliente não tem parcela vencida em aberto: nada a negativar.")
    limit = add_months(oldest_due, 12 * BUREAU_REPORT_MAX_YEARS)
    if today >= limit:
        return BureauCheck(
            f"A parcela mais antiga em aberto venceu em {_br(oldest_due)}, há mais de "
            f"{BUREAU_REPORT_MAX_YEARS} anos: não pode ser negativada (CDC art. 43 §1)."
        )
    after_day = max(oldest_due, removed_on or oldest_due)
    valid = [day for day in notice_dates if after_day < day <= today]
    if not valid:
        return BureauCheck(
            "Falta a notificação por escrito ao cliente antes da negativação (CDC art. 43 §2): "
            f"envie e registre a carta de aviso; a negativação será possível {NOTICE_DAYS} dias "
            f"depois (se enviada hoje, a partir de {_br(today + timedelta(days=NOTICE_DAYS))})."
        )
    earliest = min(valid)
    possible = earliest + timedelta(days=NOTICE_DAYS)
    if today < possible:
        return BureauCheck(
            f"A notificação por escrito foi registrada em {_br(earliest)}; a negativação só "
            f"é possível a partir de {_br(possible)} ({NOTICE_DAYS} dias depois, "
            "CDC art. 43 §2).",
            possible,
        )
    return BureauCheck(None)


def _notice_dates(session: Session, customer_id: int) -> list[date]:
    return [
        at.date()
        for at in session.scalars(
            select(ContactAttempt.at).where(
                ContactAttempt.customer_id == customer_id,
                ContactAttempt.channel == ContactChannel.LETTER,
                ContactAttempt.cadence_step == BUREAU_NOTICE,
            )
        )
    ]


def mark_reported(
    uow: UnitOfWork,
    customer_id: int,
    *,
    operator: Operator,
    today: date,
    now: datetime | None = None,
) -> None:
    """Record that the owner reported the customer to a credit bureau; refused unless lawful.

    ``now`` is the audit time (default: ``today`` at midnight). Raises :class:`CollectionRefused`
    saying why (and, when it is a matter of waiting, from which day it will be possible), or
    ``NotAllowed`` for anyone but the owner. The checks are :func:`bureau_report_check`'s.
    """
    _need_write(uow, "mark_reported")
    session = uow.session
    _require_owner(session, operator)
    customer = _customer(session, customer_id)
    oldest = _oldest_overdue(session, customer_id, today)
    notices = _notice_dates(session, customer_id)
    check = bureau_report_check(
        today=today,
        oldest_due=oldest,
        reported_on=customer.bureau_reported_on,
        removed_on=customer.bureau_removed_on,
        paused_since=customer.collection_paused_since,
        paused_reason=customer.collection_paused_reason,
        notice_dates=notices,
    )
    if check.refusal is not None:
        raise CollectionRefused(check.refusal)
    assert oldest is not None  # refused above otherwise
    after_day = max(oldest, customer.bureau_removed_on or oldest)
    earliest = min(day for day in notices if after_day < day <= today)
    customer.bureau_reported_on = today
    _customer_changed(
        session,
        customer,
        action="bureau.report",
        operator=operator,
        at=now or datetime.combine(today, time()),
        before={"bureau_reported_on": None},
        after={
            "bureau_reported_on": today,
            "oldest_due_date": oldest,
            "notice_on": earliest,
        },
    )
    uow.commit()


def _reported_debt_paid_on(
    reported_on: date, insts: Sequence[Installment], agreements: dict[int, Agreement]
) -> date | None:
    """The day the debt overdue on ``reported_on`` was fully paid, or None while it is not."""
    by_agreement: dict[int, list[Installment]] = {}
    for inst in insts:
        if inst.agreement_id is not None:
            by_agreement.setdefault(inst.agreement_id, []).append(inst)

    def paid_on(inst: Installment, depth: int) -> date | bool | None:
        """A date when paid, False when still owed, True when it needs no payment."""
        if inst.status is InstallmentStatus.PAID:
            return inst.settled_on or False
        if inst.status is InstallmentStatus.CANCELLED:
            return True
        if inst.status is InstallmentStatus.RENEGOTIATED and depth < 10:
            into = inst.renegotiated_into_id
            parts = by_agreement.get(into, []) if into is not None else []
            return settled(parts, depth + 1) if parts else False
        return False  # open or written off: still owed

    def settled(parts: Sequence[Installment], depth: int) -> date | bool | None:
        days: list[date] = []
        for part in parts:
            day = paid_on(part, depth)
            if day is False:
                return False
            if isinstance(day, date):
                days.append(day)
        return max(days) if days else True

    debt = []
    for inst in insts:
        if inst.due_date >= reported_on or inst.status is InstallmentStatus.CANCELLED:
            continue
        if inst.status is InstallmentStatus.PAID and (inst.settled_on or reported_on) < reported_on:
            continue  # paid before the report: not part of it
        if inst.status is InstallmentStatus.RENEGOTIATED:
            agreement = agreements.get(inst.renegotiated_into_id or 0)
            if agreement is not None and agreement.agreed_on < reported_on:
                continue  # replaced before the report; its own installments are the debt
        debt.append(inst)
    if not debt:
        return None
    result = settled(debt, 0)
    return result if isinstance(result, date) else None


def bureau_removals(session: Session, today: date) -> list[RemovalTask]:
    """Reports whose debt has been fully paid: remove within 5 business days (Súmula 548)."""
    customers = list(
        session.execute(
            select(Customer.id, Customer.name, Customer.bureau_reported_on).where(
                Customer.bureau_reported_on.is_not(None)
            )
        ).all()
    )
    if not customers:
        return []
    ids = [c.id for c in customers]
    insts: dict[int, list[Installment]] = {}
    for inst in session.scalars(select(Installment).where(Installment.customer_id.in_(ids))):
        insts.setdefault(inst.customer_id, []).append(inst)
    agreements = {
        a.id: a for a in session.scalars(select(Agreement).where(Agreement.customer_id.in_(ids)))
    }
    tasks = []
    for customer_id, name, reported_on in customers:
        assert reported_on is not None
        paid_on = _reported_debt_paid_on(reported_on, insts.get(customer_id, []), agreements)
        if paid_on is None:
            continue
        deadline = add_business_days(paid_on, REMOVAL_BUSINESS_DAYS)
        tasks.append(
            RemovalTask(customer_id, name, reported_on, paid_on, deadline, today > deadline)
        )
    tasks.sort(key=lambda t: (t.deadline, t.name))
    return tasks


def mark_removed(
    uow: UnitOfWork,
    customer_id: int,
    *,
    operator: Operator,
    today: date,
    now: datetime | None = None,
) -> None:
    """Record that the owner asked the bureau to remove the report; commits.

    Allowed at any time (removing a report never harms the customer); the audit entry says
    whether the reported debt was paid and whether the removal was late.
    """
    _need_write(uow, "mark_removed")
    session = uow.session
    _require_owner(session, operator)
    customer = _customer(session, customer_id)
    reported_on = customer.bureau_reported_on
    removed_before = customer.bureau_removed_on
    if reported_on is None:
        raise CollectionRefused("Este cliente não está negativado.")
    paid_on = _reported_debt_paid_on(
        reported_on,
        list(session.scalars(select(Installment).where(Installment.customer_id == customer_id))),
        {
            a.id: a
            for a in session.scalars(select(Agreement).where(Agreement.customer_id == customer_id))
        },
    )
    deadline = add_business_days(paid_on, REMOVAL_BUSINESS_DAYS) if paid_on else None
    customer.bureau_reported_on = None
    customer.bureau_removed_on = today
    _customer_changed(
        session,
        customer,
        action="bureau.remove",
        operator=operator,
        at=now or datetime.combine(today, time()),
        before={"bureau_reported_on": reported_on, "bureau_removed_on": removed_before},
        after={
            "bureau_removed_on": today,
            "paid_on": paid_on,
            "deadline": deadline,
            "late": bool(deadline and today > deadline),
        },
    )
    uow.commit()
