"""Tomorrow's contacts: whom the shop contacts on a day, through which channel, with which
message, and whether the contact may happen then.

The rules are :mod:`services.cadence`'s (which cadence, which step next, contact hours and
consent, the messages); this module only gathers the facts for every customer at once and
applies them. ``day`` is the day the contacts will be made (the end-of-day screen passes
tomorrow); time is always a parameter.

**Who is in the queue.**

- Every late customer of :func:`services.overdue.overdue_rows` (an open installment due before
  ``day``; written-off, renegotiated and cancelled installments are not open), and every customer
  not late whose next open installment falls due within the reminder window (the largest
  ``D−n`` of the cadences, 3 days by default).
- Left out: a paused cadence (dispute or defect, CDC art. 42: collection does not press on a
  contested debt), an anonymized customer (LGPD), and — a decision — a customer with a
  **pending promise to pay**: the customer committed to a date, and pressing before it passes
  only sours the promise; the day after it the promise is either kept (nothing to do) or broken
  (top of the queue).
- A customer is queued when the cadence's next step (:func:`services.cadence.next_step`) falls
  due on or before ``day``. The steps already done are the ``cadence_step`` of the contacts of the
  current episode: for a late customer, contacts from the oldest open overdue due date minus the
  reminder offset (so the D−3 reminder of that installment counts); for a customer not late,
  contacts after the previous due date. ``bureau_report`` is done when the customer is reported.
- **Broken promise**: priority 0, the reason names the promise. When no step is due that day the
  step is the cadence's ``contact`` step (a personal conversation about the broken promise is
  the next sensible move, whatever letter went before), or, without one, the latest enabled
  message step already reached.
- **Bureau report waiting for the notice's 10 days** (CDC art. 43 §2): :func:`next_step` moves
  the report to 10 days after the notice; while the cadence has reached D+60 but the wait is not
  over, the task is shown to the owner anyway, refused with the day it becomes possible, rather
  than the customer vanishing from the queue. Its reason always says whether
  :func:`services.collection.mark_reported` would refuse it, and why.

**Channel**: the step's first channel the customer can receive (WhatsApp: a phone marked
WhatsApp; SMS: a mobile number; phone: any number; e-mail: an address; letter: a street and a
city; in person: always), else the preferred channel, refused as "Sem … para …". Internal steps
(``bureau_report``, ``review``) have no channel and no message: they are the owner's tasks.

**When**: the item is evaluated at the start of the contact window on ``day`` for the customer's
state (the Saturday window on a Saturday, when there is one); letters and internal tasks at 9h.
A refused contact stays in the queue with its reason and ``next_allowed``.

**Links**: a wa.me link, a ``mailto:`` link and a phone script for each of the step's channels
the customer can receive (the screen offers them all; ``channel`` is the one to try first).

**Cost**: :func:`overdue_rows` plus a handful of grouped queries over the candidates' ids, never
one query per customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session

from models import (
    ContactAttempt,
    ContactChannel,
    Customer,
    Installment,
    InstallmentStatus,
    PromiseStatus,
)
from services import settings as settings_service
from services.bands import Band
from services.cadence import (
    BARRIER_STEPS,
    BUREAU_NOTICE,
    BUREAU_NOTICE_MIN_DAYS,
    BUREAU_REPORT,
    CONTACT,
    REVIEW,
    CadenceStep,
    ContactPermission,
    ScheduledStep,
    cadence_for,
    contact_permission,
    day_label,
    mailto_link,
    message_values,
    next_step,
    phone_script,
    render_message,
    whatsapp_link,
)
from services.collection import BureauCheck, bureau_report_check
from services.money import format_brl
from services.overdue import OverdueRow, Phone, _Acc, _histories, _in_ids, _phones, overdue_rows
from services.profile import NEW_CUSTOMER_PAID, profile_for
from services.settings import ShopSettings
from services.text import mask_cpf, normalize_name

__all__ = [
    "PRIORITY_BROKEN_PROMISE",
    "PRIORITY_LEGAL",
    "PRIORITY_OTHER",
    "QueueItem",
    "contact_queue",
    "next_steps",
]

PRIORITY_BROKEN_PROMISE: Final = 0
PRIORITY_LEGAL: Final = 1  # the written notice and the bureau report, due
PRIORITY_OTHER: Final = 2

TASK_HOUR: Final = time(9)  # letters are printed and tasks done from the start of the day

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class QueueItem:
    """One action of the day's contact queue (module doc)."""

    customer_id: int
    name: str
    cpf_masked: str
    band: Band | None  # None for a customer not yet late (D−3 reminder)
    days_late: int  # 0 when not late
    total: Decimal  # due today with charges; for a reminder, the next installment's amount
    step: CadenceStep
    scheduled_on: date  # when the step was meant to happen (≤ day)
    channel: ContactChannel | None  # None = internal task (bureau_report, review)
    phone: str | None  # digits, DDD + number: the one to use
    email: str | None
    message: str  # rendered from the step's template ('' for internal tasks)
    whatsapp_url: str | None
    mailto_url: str | None
    phone_script: str | None
    permission: ContactPermission  # evaluated at ``planned_at``
    planned_at: datetime
    broken_promise: bool
    reason: str  # Portuguese: why this customer is here
    priority: int  # lower first: 0 broken promise, 1 legal step due, 2 the rest


# --- the facts of every candidate ----------------------------------------------------------------


@dataclass
class _Candidate:
    """What the queue needs to know of one customer, late or not."""

    customer_id: int
    name: str
    name_key: str
    cpf: str
    uf: str
    city: str
    email: str
    birth_date: date | None
    consent: bool
    phones: tuple[Phone, ...]
    band: Band | None
    days_late: int
    oldest_due: date | None  # oldest open overdue due date (None: not late)
    next_due: date | None
    installments: int
    total: Decimal
    profile_letter: str
    broken_promise: tuple[date, Decimal] | None = None  # promised date and amount
    # From the customers table (overdue rows do not carry them).
    street: str = ""
    removed_on: date | None = None
    reported_on: date | None = None
    reviewed: bool = False  # protested, sent to an agency or to court: the D+90 review is done
    installments_paid: int | None = None  # only looked up when the letter depends on it


def _cents(value: Any) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(_CENT)


def _execute(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement).all())


def _reminder_horizon(settings: ShopSettings) -> int:
    """Days before a due date that the earliest enabled reminder step runs (−1: none)."""
    offsets = [
        -s.offset_days
        for s in (*settings.cadence.standard, *settings.cadence.soft)
        if s.enabled and s.offset_days <= 0
    ]
    return max(offsets, default=-1)


def _late_candidates(
    session: Session, day: date, settings: ShopSettings
) -> tuple[list[_Candidate], set[int]]:
    """The late customers to contact, and the ids of every late customer (none gets a D−3)."""
    rows = overdue_rows(session, day, policy=settings.policy)
    return _candidates_from_rows([r for r in rows if not r.paused]), {
        row.customer_id for row in rows
    }


def _candidates_from_rows(rows: Sequence[OverdueRow]) -> list[_Candidate]:
    """Candidates for the late customers; a pending promise makes the cadence wait (module doc)."""
    found: list[_Candidate] = []
    for row in rows:
        broken: tuple[date, Decimal] | None = None
        if row.promise is not None:
            if row.promise.status is PromiseStatus.PENDING:
                continue  # the cadence waits for the promised date (module doc)
            contacted = row.last_contact.at.date() if row.last_contact is not None else None
            if contacted is None or contacted <= row.promise.promised_date:
                broken = (row.promise.promised_date, row.promise.amount)
        found.append(
            _Candidate(
                customer_id=row.customer_id,
                name=row.name,
                name_key=row.name_key or normalize_name(row.name),
                cpf=row.cpf,
                uf=row.uf,
                city=row.city,
                email=row.email,
                birth_date=row.birth_date,
                consent=row.contact_consent,
                phones=row.phones,
                band=row.band,
                days_late=row.days_late,
                oldest_due=row.oldest_due,
                next_due=row.next_due,
                installments=row.installments,
                total=row.total,
                profile_letter=row.profile.letter,
                broken_promise=broken,
                reported_on=row.bureau_reported_on,
            )
        )
    return found


def _reminder_candidates(
    session: Session, day: date, horizon: int, late_ids: set[int], settings: ShopSettings
) -> list[_Candidate]:
    """Customers not late whose next open installment falls due within ``horizon`` days."""
    if horizon < 0:
        return []
    due: dict[int, tuple[date, int, int]] = {}  # customer → (next due, open cents, count)
    for customer_id, due_date, open_cents in _execute(
        session,
        select(
            Installment.customer_id,
            Installment.due_date,
            type_coerce(Installment.amount, Integer)
            - type_coerce(Installment.principal_paid, Integer),
        ).where(
            Installment.status == InstallmentStatus.OPEN,
            Installment.due_date >= day,
            Installment.due_date <= day + timedelta(days=horizon),
        ),
    ):
        if customer_id in late_ids:
            continue
        seen = due.get(customer_id)
        if seen is None or due_date < seen[0]:
            due[customer_id] = (due_date, int(open_cents), 1)
        elif due_date == seen[0]:
            due[customer_id] = (due_date, seen[1] + int(open_cents), seen[2] + 1)
    if not due:
        return []
    ids = sorted(due)
    facts = {
        row.id: row
        for row in _execute(
            session,
            select(
                Customer.id,
                Customer.name,
                Customer.name_search,
                Customer.cpf,
                Customer.uf,
                Customer.city,
                Customer.email,
                Customer.birth_date,
                Customer.contact_consent,
                Customer.created_at,
            ).where(
                _in_ids(session, Customer.id, ids),
                Customer.collection_paused_since.is_(None),
                Customer.anonymized_at.is_(None),
            ),
        )
    }
    ids = [i for i in ids if i in facts]
    if not ids:
        return []
    phones = _phones(session, ids)
    accs = {i: _Acc(oldest=due[i][0]) for i in ids}  # not late: max days late ≤ 0
    histories = _histories(session, ids, day, settings.policy.grace_days, accs, facts)
    found: list[_Candidate] = []
    for customer_id in ids:
        c = facts[customer_id]
        next_due, cents, count = due[customer_id]
        history = histories[customer_id]
        found.append(
            _Candidate(
                customer_id=customer_id,
                name=c.name,
                name_key=c.name_search or normalize_name(c.name),
                cpf=c.cpf,
                uf=c.uf or "",
                city=c.city or "",
                email=c.email or "",
                birth_date=c.birth_date,
                consent=bool(c.contact_consent),
                phones=phones.get(customer_id, ()),
                band=None,
                days_late=0,
                oldest_due=None,
                next_due=next_due,
                installments=count,
                total=_cents(cents),
                profile_letter=profile_for(history).letter,
                installments_paid=history.installments_paid,
            )
        )
    return found


def _add_customer_facts(session: Session, candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Street, anonymization and the last removal from a bureau: one query for everyone."""
    ids = [c.customer_id for c in candidates]
    rows = {
        row.id: row
        for row in _execute(
            session,
            select(
                Customer.id,
                Customer.street,
                Customer.anonymized_at,
                Customer.bureau_removed_on,
                Customer.protested_on,
                Customer.collection_agency,
                Customer.in_court,
            ).where(_in_ids(session, Customer.id, ids)),
        )
    }
    kept: list[_Candidate] = []
    for c in candidates:
        row = rows.get(c.customer_id)
        if row is None or row.anonymized_at is not None:
            continue  # anonymized (LGPD): nobody to contact
        c.street = (row.street or "").strip()
        c.removed_on = row.bureau_removed_on
        c.reviewed = bool(
            row.protested_on is not None or (row.collection_agency or "").strip() or row.in_court
        )
        kept.append(c)
    return kept


def _add_paid_counts(session: Session, candidates: Sequence[_Candidate]) -> None:
    """Installments paid, for the late customers whose cadence depends on it (profile B)."""
    ids = {
        c.customer_id for c in candidates if c.installments_paid is None and c.profile_letter == "B"
    }
    if not ids:
        return
    counts = {
        customer_id: int(count)
        for customer_id, count in _execute(
            session,
            select(Installment.customer_id, func.count())
            .where(
                Installment.status == InstallmentStatus.PAID,
                _in_ids(session, Installment.customer_id, sorted(ids)),
            )
            .group_by(Installment.customer_id),
        )
    }
    for c in candidates:
        if c.customer_id in ids:
            c.installments_paid = counts.get(c.customer_id, 0)


def _episode_start(c: _Candidate, steps: Sequence[CadenceStep], previous_due: date | None) -> date:
    """The first day whose contacts count for this round of the cadence (module doc)."""
    if c.oldest_due is not None:
        ahead = min((s.offset_days for s in steps if s.offset_days <= 0), default=0)
        return c.oldest_due + timedelta(days=ahead)
    if previous_due is not None:
        return previous_due + timedelta(days=1)
    return date.min


def _previous_dues(session: Session, ids: Sequence[int], day: date) -> dict[int, date]:
    """For customers not late: the latest due date before ``day`` of any installment kept."""
    if not ids:
        return {}
    return {
        customer_id: due
        for customer_id, due in _execute(
            session,
            select(Installment.customer_id, func.max(Installment.due_date))
            .where(
                _in_ids(session, Installment.customer_id, ids),
                Installment.due_date < day,
                Installment.status != InstallmentStatus.CANCELLED,
            )
            .group_by(Installment.customer_id),
        )
    }


@dataclass
class _Contacts:
    steps: dict[str, date] = field(default_factory=dict)  # step → the latest day recorded
    last_notice: date | None = None  # the latest written notice (a ``bureau_notice`` letter)
    today: int = 0  # contacts recorded on ``day``


def _contacts(session: Session, ids: Sequence[int], day: date) -> dict[int, _Contacts]:
    """Per customer: the latest day of each cadence step, of the notice, and today's count."""
    found: dict[int, _Contacts] = defaultdict(_Contacts)
    for customer_id, step, channel, last in _execute(
        session,
        select(
            ContactAttempt.customer_id,
            ContactAttempt.cadence_step,
            ContactAttempt.channel,
            func.max(ContactAttempt.at),
        )
        .where(
            _in_ids(session, ContactAttempt.customer_id, ids),
            ContactAttempt.cadence_step.is_not(None),
            ContactAttempt.at < datetime.combine(day + timedelta(days=1), time()),
        )
        .group_by(ContactAttempt.customer_id, ContactAttempt.cadence_step, ContactAttempt.channel),
    ):
        entry = found[customer_id]
        last_day = last.date()
        if step not in entry.steps or entry.steps[step] < last_day:
            entry.steps[step] = last_day
        if step == BUREAU_NOTICE and channel is ContactChannel.LETTER:
            entry.last_notice = max(last_day, entry.last_notice or last_day)
    for customer_id, count in _execute(
        session,
        select(ContactAttempt.customer_id, func.count())
        .where(
            _in_ids(session, ContactAttempt.customer_id, ids),
            ContactAttempt.at >= datetime.combine(day, time()),
            ContactAttempt.at < datetime.combine(day + timedelta(days=1), time()),
        )
        .group_by(ContactAttempt.customer_id),
    ):
        found[customer_id].today = int(count)
    return dict(found)


def _notice_dates(session: Session, ids: Sequence[int]) -> dict[int, list[date]]:
    """Every written notice on record of these customers (for the bureau report's check)."""
    found: dict[int, list[date]] = defaultdict(list)
    if ids:
        for customer_id, at in _execute(
            session,
            select(ContactAttempt.customer_id, ContactAttempt.at).where(
                _in_ids(session, ContactAttempt.customer_id, ids),
                ContactAttempt.channel == ContactChannel.LETTER,
                ContactAttempt.cadence_step == BUREAU_NOTICE,
            ),
        ):
            found[customer_id].append(at.date())
    return found


# --- one item ------------------------------------------------------------------------------------

_PHONE_CHANNELS: Final = frozenset(
    {ContactChannel.WHATSAPP, ContactChannel.SMS, ContactChannel.PHONE}
)
_NEEDS: Final[dict[ContactChannel, str]] = {
    ContactChannel.WHATSAPP: "WhatsApp",
    ContactChannel.SMS: "celular",
    ContactChannel.PHONE: "telefone",
    ContactChannel.EMAIL: "e-mail",
    ContactChannel.LETTER: "endereço",
}


def _address_for(c: _Candidate, channel: ContactChannel) -> str | None:
    """The phone number, e-mail or address through which ``channel`` reaches the customer."""
    if channel is ContactChannel.WHATSAPP:
        return next((p.number for p in c.phones if p.whatsapp), None)
    if channel is ContactChannel.SMS:
        mobile = [p for p in c.phones if len(p.number) == 11]  # DDD + 9 digits: a mobile
        return next((p.number for p in sorted(mobile, key=lambda p: not p.whatsapp)), None)
    if channel is ContactChannel.PHONE:
        return c.phones[0].number if c.phones else None
    if channel is ContactChannel.EMAIL:
        return c.email.strip() or None
    if channel is ContactChannel.LETTER:
        return c.street if c.street and c.city.strip() else None  # a street and a city
    return "pessoalmente"  # in person: always possible


def _planned_at(
    day: date,
    uf: str,
    channel: ContactChannel | None,
    settings: ShopSettings,
    now: datetime | None = None,
) -> datetime:
    """The start of ``day``'s contact window; when ``day`` is today, not before ``now``.

    So a list opened at 20h says the window has closed, not that it opened at 9h.
    """
    if channel is None or channel is ContactChannel.LETTER:
        start = datetime.combine(day, TASK_HOUR)
    else:
        window = settings.contact.window_for(uf)
        if day.weekday() == 5 and window.saturday_start is not None:
            start = datetime.combine(day, window.saturday_start)
        else:
            start = datetime.combine(day, window.weekday_start)
    if now is not None and now.date() == day and now > start:
        return now
    return start


def _br(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _step_reason(scheduled: ScheduledStep) -> str:
    text = f"{day_label(scheduled.step.offset_days)} · {scheduled.step.label}"
    if scheduled.behind:
        text += f" (prevista para {_br(scheduled.planned)})"
    return text


def _promise_step(steps: Sequence[CadenceStep], days_late: int) -> CadenceStep | None:
    """The step for a broken promise when none is due: ``contact``, else the latest reached."""
    enabled = [s for s in steps if s.enabled and s.offset_days > 0 and not s.internal]
    for step in enabled:
        if step.key == CONTACT:
            return step
    reached = [s for s in enabled if s.offset_days <= days_late]
    if reached:
        return max(reached, key=lambda s: s.offset_days)
    return min(enabled, key=lambda s: s.offset_days, default=None)


def _item(
    c: _Candidate,
    scheduled: ScheduledStep,
    *,
    day: date,
    contacts_today: int,
    settings: ShopSettings,
    bureau: BureauCheck | None,
    by_promise: bool = False,
    now: datetime | None = None,
) -> QueueItem:
    step = scheduled.step
    identity = settings.identity
    # A step chosen for a broken promise is not the cadence's D+n: its label alone.
    reason = step.label if by_promise else _step_reason(scheduled)
    if c.broken_promise is not None:
        promised, amount = c.broken_promise
        reason = f"Promessa de {format_brl(amount)} para {_br(promised)} não cumprida · {reason}"

    channel: ContactChannel | None = None
    phone = next(
        (p.number for p in c.phones if p.whatsapp), c.phones[0].number if c.phones else None
    )
    email = c.email.strip() or None
    message = ""
    wa_url = mail_url = script = None
    refusal: ContactPermission | None = None
    if step.internal:
        planned_at = _planned_at(day, c.uf, None, settings)
        if bureau is not None and bureau.refusal is not None:
            reason += f" · Ainda não: {bureau.refusal}"
            possible = bureau.possible_from
            refusal = ContactPermission(
                False,
                bureau.refusal,
                datetime.combine(possible, TASK_HOUR) if possible is not None else None,
            )
        elif bureau is not None:
            reason += (
                " · Negativação permitida: aviso por escrito há "
                f"{BUREAU_NOTICE_MIN_DAYS} dias ou mais"
            )
        permission = refusal or ContactPermission(True, None, planned_at)
    else:
        reachable = [ch for ch in step.channels if _address_for(c, ch) is not None]
        values = message_values(
            customer_name=c.name,
            shop_name=identity.name,
            shop_phone=identity.phone,
            amount=c.total,
            due=c.oldest_due or c.next_due,
            days_late=c.days_late,
            installments=c.installments,
        )
        channel = reachable[0] if reachable else step.preferred_channel
        message = render_message(step.template, values)
        if reachable and channel in _PHONE_CHANNELS:
            phone = _address_for(c, reachable[0])
        if channel is not ContactChannel.LETTER:
            for ch in reachable:
                if ch is ContactChannel.WHATSAPP:
                    wa_url = whatsapp_link(_address_for(c, ch) or "", message)
                elif ch is ContactChannel.EMAIL and email is not None:
                    subject = f"{identity.name.strip() or 'Loja'}: {step.label}"
                    mail_url = mailto_link(email, subject, message)
                elif ch is ContactChannel.PHONE:
                    script = phone_script(values)
        planned_at = _planned_at(day, c.uf, channel, settings, now)
        if channel is None:
            permission = ContactPermission(False, "A etapa não tem canal de contato", None)
        elif not reachable:
            needs = "/".join(dict.fromkeys(_NEEDS.get(ch, ch.value) for ch in step.channels))
            permission = ContactPermission(False, f"Sem {needs} para {step.label}", None)
        else:
            same_city = normalize_name(c.city) == normalize_name(identity.city) and (
                c.uf.upper() == identity.uf.upper()
            )
            permission = contact_permission(
                planned_at,
                uf=c.uf or None,
                birth_date=c.birth_date,
                contacts_today=contacts_today,
                consent=c.consent,
                channel=channel,
                policy=settings.contact,
                # The shop's city holidays are for customers in the shop's city.
                local_holidays=None if same_city else (),
            )

    if c.broken_promise is not None:
        priority = PRIORITY_BROKEN_PROMISE
    elif step.key in BARRIER_STEPS and (bureau is None or bureau.possible_from is None):
        priority = PRIORITY_LEGAL  # a report still waiting for the notice's days is not due
    else:
        priority = PRIORITY_OTHER
    return QueueItem(
        customer_id=c.customer_id,
        name=c.name,
        cpf_masked=mask_cpf(c.cpf),
        band=c.band,
        days_late=c.days_late,
        total=c.total,
        step=step,
        scheduled_on=scheduled.planned,
        channel=channel,
        phone=phone,
        email=email,
        message=message,
        whatsapp_url=wa_url,
        mailto_url=mail_url,
        phone_script=script,
        permission=permission,
        planned_at=planned_at,
        broken_promise=c.broken_promise is not None,
        reason=reason,
        priority=priority,
    )


# --- the queue -----------------------------------------------------------------------------------


def _schedule(
    session: Session, candidates: Sequence[_Candidate], day: date, settings: ShopSettings
) -> list[tuple[_Candidate, ScheduledStep | None, _Contacts]]:
    """Each candidate's next cadence step as of ``day`` (None when the cadence has ended)."""
    _add_paid_counts(session, candidates)
    ids = [c.customer_id for c in candidates]
    contacts = _contacts(session, ids, day)
    previous = _previous_dues(
        session, [c.customer_id for c in candidates if c.oldest_due is None], day
    )
    result: list[tuple[_Candidate, ScheduledStep | None, _Contacts]] = []
    for c in candidates:
        # A B that only means "too new to tell" (profile rule 3) follows the standard cadence.
        new_customer = c.installments_paid is not None and c.installments_paid < NEW_CUSTOMER_PAID
        steps = cadence_for(c.profile_letter, settings.cadence, new_customer=new_customer)
        log = contacts.get(c.customer_id) or _Contacts()
        start = _episode_start(c, steps, previous.get(c.customer_id))
        done = {key for key, last in log.steps.items() if last >= start}
        if c.reported_on is not None:
            done.add(BUREAU_REPORT)
        if c.reviewed:
            done.add(REVIEW)
        notice = log.last_notice if log.last_notice and log.last_notice >= start else None
        scheduled = next_step(
            steps,
            oldest_due=c.oldest_due,
            next_due=c.next_due,
            done_steps=done,
            today=day,
            notice_sent_on=notice,
        )
        result.append((c, scheduled, log))
    return result


def contact_queue(
    session: Session,
    *,
    day: date,
    settings: ShopSettings | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """The actions of ``day``, sorted by (priority, most days late, name); see the module doc.

    ``now``: when ``day`` is today, each contact's permission is judged at ``now`` (a list opened
    after the window closed says so) rather than at the window's start.
    """
    if settings is None:
        settings = settings_service.load(session)
    late, late_ids = _late_candidates(session, day, settings)
    reminders = _reminder_candidates(session, day, _reminder_horizon(settings), late_ids, settings)
    candidates = _add_customer_facts(session, [*late, *reminders])
    if not candidates:
        return []

    planned: list[tuple[_Candidate, ScheduledStep, int, bool]] = []
    for c, scheduled, log in _schedule(session, candidates, day, settings):
        if scheduled is not None and scheduled.on > day:
            nominal = _nominal_day(c, scheduled.step)
            if scheduled.key == BUREAU_REPORT and nominal is not None and nominal <= day:
                # Reached, but waiting for the notice's days: shown to the owner (module doc).
                scheduled = ScheduledStep(scheduled.step, day, nominal, scheduled.skipped)
            else:
                scheduled = None
        by_promise = False
        # A broken promise calls for talking to the customer: an owner's task (the review) waits
        # until the promise has been followed up.
        if c.broken_promise is not None and (scheduled is None or scheduled.step.internal):
            steps = cadence_for(
                c.profile_letter,
                settings.cadence,
                new_customer=c.installments_paid is not None
                and c.installments_paid < NEW_CUSTOMER_PAID,
            )
            step = _promise_step(steps, c.days_late)
            if step is not None:
                broke_on = c.broken_promise[0] + timedelta(days=1)
                scheduled, by_promise = ScheduledStep(step, day, min(broke_on, day)), True
        if scheduled is not None:
            planned.append((c, scheduled, log.today, by_promise))

    notices_by_customer = _notice_dates(
        session, [c.customer_id for c, s, _, _ in planned if s.key == BUREAU_REPORT]
    )
    items: list[QueueItem] = []
    keys: dict[int, str] = {}
    for c, scheduled, today_count, by_promise in planned:
        bureau = None
        if scheduled.key == BUREAU_REPORT:
            bureau = bureau_report_check(
                today=day,
                oldest_due=c.oldest_due,
                reported_on=c.reported_on,
                removed_on=c.removed_on,
                notice_dates=notices_by_customer.get(c.customer_id, []),
            )
        items.append(
            _item(
                c,
                scheduled,
                day=day,
                contacts_today=today_count,
                settings=settings,
                bureau=bureau,
                by_promise=by_promise,
                now=now,
            )
        )
        keys[c.customer_id] = c.name_key
    items.sort(key=lambda i: (i.priority, -i.days_late, keys[i.customer_id], i.customer_id))
    return items


def next_steps(
    session: Session,
    *,
    day: date,
    rows: Sequence[OverdueRow],
    settings: ShopSettings | None = None,
) -> dict[int, str]:
    """For the overdue list: each late customer's next cadence step and its date, in words.

    ``rows`` are the day's :func:`services.overdue.overdue_rows` (already loaded by the screen).
    A paused customer reads "Cobrança pausada"; one with a pending promise, "Aguardando a
    promessa de dd/mm/aaaa"; one whose cadence has ended, "Régua concluída".
    """
    if settings is None:
        settings = settings_service.load(session)
    texts: dict[int, str] = {}
    late = []
    for row in rows:
        if row.paused:
            texts[row.customer_id] = "Cobrança pausada"
        elif row.promise is not None and row.promise.status is PromiseStatus.PENDING:
            texts[row.customer_id] = f"Aguardando a promessa de {_br(row.promise.promised_date)}"
        else:
            late.append(row)
    candidates = _add_customer_facts(session, _candidates_from_rows(late))
    for c, scheduled, _log in _schedule(session, candidates, day, settings):
        if scheduled is None:
            texts[c.customer_id] = "Régua concluída"
            continue
        when = "hoje" if scheduled.on <= day else _br(scheduled.on)
        texts[c.customer_id] = (
            f"{day_label(scheduled.step.offset_days)} · {scheduled.step.label} — {when}"
        )
    return texts


def _nominal_day(c: _Candidate, step: CadenceStep) -> date | None:
    anchor = c.oldest_due if c.oldest_due is not None else c.next_due
    return None if anchor is None else anchor + timedelta(days=step.offset_days)
