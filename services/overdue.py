"""Who is late, by how much and in which band: the read side of the end-of-day review.

Everything here is read-only and computed for a ``today`` the caller passes (time is a
parameter). At 100,000 customers and a million installments the list must come back in about a
second, so (ENGINEERING.md, "Aggregate in SQL") each query selects columns, never ORM entities,
and is restricted in SQL to the customers who are late; Python only adds the per-installment
charges and assembles one row per customer.

Decisions, documented because the brief left them open:

- **Who is late.** A customer is on the list when at least one installment is ``open`` and its
  due date is before ``today`` (one day late or more). Grace days (carência) are a tolerance on
  the *charges*, not a new due date (see :func:`services.charges.amount_due`): inside them the
  customer is listed in the "1–7 dias" band with no fee and no interest, because the cadence's
  gentle reminder (D+1) is for them. ``after_grace=True`` lists only installments past the grace
  days. Written-off, renegotiated and cancelled installments are not open, so they never count.
- **Charges.** Each overdue installment is computed by
  :func:`services.customers.installment_charges` (which calls
  :func:`services.charges.amount_due`) from its open principal, less the fee and interest that
  earlier payments, not reversed, already paid: exactly what the counter's quote charges
  (:mod:`services.payments`), so the row's total is what the cashier would ask for today.
- **Band.** The band of the customer's oldest open overdue installment (its days late), as
  :func:`services.bands.customer_band` places a customer; every overdue installment of that
  customer counts in that band.
- **Profile.** :func:`services.profile.profile_for` over a :class:`services.profile.PaymentHistory`
  built in bulk with the same definitions as :func:`services.customers.payment_history`.
- **Promise.** The customer's latest promise to pay that is not cancelled and whose promised
  date is on or after the oldest overdue due date (an older one was about a debt already paid).
  Its status is computed read-only as of ``today``: *kept* when payments received since it was
  made (reversed payments and reversals excluded) reach its amount by the promised date; else
  *broken* once the promised date has passed; else *pending*. A promise recorded as broken stays
  broken and one recorded as kept stays kept. Only pending and broken promises are shown.
- **"Last month" series** (:func:`band_amounts_as_of`): see its docstring for the
  approximation.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from models import (
    Agreement,
    AgreementStatus,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    CustomerPhone,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentAllocation,
    PromiseStatus,
    PromiseToPay,
)
from services import settings as settings_service
from services.bands import Band, band_for
from services.customers import _days_between, _months_between, installment_charges
from services.profile import PaymentHistory, Profile, profile_for
from services.settings import CollectionPolicy
from services.text import format_cpf, format_phone, mask_cpf, normalize_name

__all__ = [
    "BandSummary",
    "BandTotals",
    "LastContact",
    "OverdueFilters",
    "OverdueRow",
    "Phone",
    "PromiseInfo",
    "SortKey",
    "band_amounts_as_of",
    "band_summary",
    "overdue_bands",
    "overdue_rows",
    "sort_rows",
]

_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")

SortKey = Literal["days_late", "name", "total"]
PromiseFilter = Literal["any", "pending", "broken", "none"]


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phone:
    number: str  # DDD + number, digits only (what a wa.me link needs)
    whatsapp: bool
    label: str

    @property
    def formatted(self) -> str:
        return format_phone(self.number)


@dataclass(frozen=True, slots=True)
class LastContact:
    at: datetime
    channel: ContactChannel
    outcome: ContactOutcome
    cadence_step: str | None


@dataclass(frozen=True, slots=True)
class PromiseInfo:
    promise_id: int
    made_at: datetime
    promised_date: date
    amount: Decimal
    paid: Decimal  # received since the promise was made, up to the promised date (or today)
    status: PromiseStatus  # PENDING or BROKEN, as of ``today``


@dataclass(frozen=True, slots=True)
class OverdueRow:
    """One late customer as of ``today``: what the overdue table and the exports show."""

    customer_id: int
    name: str
    cpf: str  # digits; show :attr:`cpf_masked` in lists (LGPD), :attr:`cpf_formatted` in exports
    city: str
    district: str
    uf: str
    email: str
    birth_date: date | None
    contact_consent: bool
    phones: tuple[Phone, ...]
    band: Band
    days_late: int  # of the oldest open overdue installment
    oldest_due: date
    next_due: date | None  # earliest open installment due today or later (for the D−3 reminder)
    installments: int  # open overdue installments
    principal: Decimal  # their open principal
    fee: Decimal
    interest: Decimal
    total: Decimal  # principal + fee + interest: what the counter charges today
    profile: Profile
    last_contact: LastContact | None
    promise: PromiseInfo | None
    bureau_reported_on: date | None
    paused_since: date | None
    paused_reason: str
    name_key: str = field(default="", repr=False, compare=False)  # accent-free, for sorting

    @property
    def cpf_masked(self) -> str:
        return mask_cpf(self.cpf)

    @property
    def cpf_formatted(self) -> str:
        return format_cpf(self.cpf)

    @property
    def profile_letter(self) -> str:
        return self.profile.letter

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def reported(self) -> bool:
        return self.bureau_reported_on is not None


@dataclass(frozen=True)
class OverdueFilters:
    """What the overdue page filters by; empty sets and ``None`` mean "any".

    ``city``/``district`` match ignoring case and accents; ``min_total``/``max_total`` bound the
    row's total due today, inclusive; ``reported``/``paused`` are yes (True), no (False) or any.
    """

    bands: frozenset[str] = frozenset()
    city: str | None = None
    district: str | None = None
    profiles: frozenset[str] = frozenset()
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    promise: PromiseFilter = "any"
    reported: bool | None = None
    paused: bool | None = None

    def accepts(self, row: OverdueRow) -> bool:
        if self.bands and row.band.key not in self.bands:
            return False
        if self.city and normalize_name(row.city) != normalize_name(self.city):
            return False
        if self.district and normalize_name(row.district) != normalize_name(self.district):
            return False
        if self.profiles and row.profile.letter not in self.profiles:
            return False
        if self.min_total is not None and row.total < self.min_total:
            return False
        if self.max_total is not None and row.total > self.max_total:
            return False
        if self.promise != "any":
            status = None if row.promise is None else row.promise.status
            wanted = {
                "pending": PromiseStatus.PENDING,
                "broken": PromiseStatus.BROKEN,
                "none": None,
            }[self.promise]
            if status != wanted:
                return False
        if self.reported is not None and row.reported != self.reported:
            return False
        return self.paused is None or row.paused == self.paused


# --- SQL helpers ---------------------------------------------------------------------------------


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _day_of(session: Session, moment: Any) -> ColumnElement[Any]:
    """The calendar day of a stored wall-clock time, comparable with a Date column."""
    if _is_sqlite(session):
        return func.date(moment)
    return cast(moment, Date)


def _cents(value: Any) -> Decimal:
    """Integer cents (a raw column or a SUM) as a Decimal amount."""
    return (Decimal(int(value or 0)) / 100).quantize(_CENT)


def _execute(session: Session, statement: Any) -> Any:
    """Run a column select through Core: the ORM's result layer adds nothing for plain rows.

    Callers take ``.all()``: fetching row by row costs a DB-API call per row.
    """
    return session.connection().execute(statement)


def _raw(column: Any) -> ColumnElement[int]:
    """A Money column as its stored integer cents: converting once per row here is cheaper."""
    return type_coerce(column, Integer)


# --- the list ------------------------------------------------------------------------------------


@dataclass
class _Acc:
    """Per-customer sums while the installments stream in."""

    oldest: date
    count: int = 0
    principal: Decimal = _ZERO
    fee: Decimal = _ZERO
    interest: Decimal = _ZERO


def overdue_rows(
    session: Session,
    today: date,
    *,
    policy: CollectionPolicy | None = None,
    filters: OverdueFilters | None = None,
    sort: SortKey = "days_late",
    descending: bool | None = None,
    after_grace: bool = False,
) -> list[OverdueRow]:
    """One row per customer with an open installment due before ``today``; see the module doc.

    ``policy`` defaults to the shop's settings (fee, interest, grace days, bands). Sorted by
    ``sort`` (days late and total: largest first; name: A–Z), then by name.
    """
    if policy is None:
        policy = settings_service.load(session).policy
    with _collector_paused():
        rows = _rows(session, today, policy, after_grace)
    if filters is not None:
        rows = [row for row in rows if filters.accepts(row)]
    return sort_rows(rows, sort, descending)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while the rows are built.

    Tens of thousands of new tuples and rows, none of them cyclic, would trigger collection after
    collection, each rescanning everything alive: a third of the time at 100,000 customers
    (measured; :func:`services.demo.generate` does the same for its load).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _rows(
    session: Session, today: date, policy: CollectionPolicy, after_grace: bool
) -> list[OverdueRow]:
    cutoff = today - timedelta(days=policy.grace_days) if after_grace else today
    accs = _late_installments(session, cutoff, today, policy)
    if not accs:
        return []
    # Every other query is about these customers only: the ids go as one parameter (a JSON
    # array on SQLite, an array on PostgreSQL) rather than as a subquery each query would
    # recompute from the installments (about 70 ms each at 100,000 customers).
    ids = sorted(accs)
    customers = _customers(session, ids)
    phones = _phones(session, ids)
    next_due = _next_due(session, ids, today)
    histories = _histories(session, ids, today, policy.grace_days, accs, customers)
    contacts = _last_contacts(session, ids)
    promises = _promises(session, ids, today, accs)

    rows: list[OverdueRow] = []
    for customer_id, acc in accs.items():
        c = customers[customer_id]
        late = (today - acc.oldest).days
        rows.append(
            OverdueRow(
                customer_id=customer_id,
                name=c.name,
                cpf=c.cpf,
                city=c.city or "",
                district=c.district or "",
                uf=c.uf or "",
                email=c.email or "",
                birth_date=c.birth_date,
                contact_consent=bool(c.contact_consent),
                phones=phones.get(customer_id, ()),
                band=band_for(late, policy.bands),
                days_late=late,
                oldest_due=acc.oldest,
                next_due=next_due.get(customer_id),
                installments=acc.count,
                principal=acc.principal,
                fee=acc.fee,
                interest=acc.interest,
                total=acc.principal + acc.fee + acc.interest,
                profile=profile_for(histories[customer_id]),
                last_contact=contacts.get(customer_id),
                promise=promises.get(customer_id),
                bureau_reported_on=c.bureau_reported_on,
                paused_since=c.collection_paused_since,
                paused_reason=c.collection_paused_reason or "",
                name_key=c.name_search,
            )
        )
    return rows


def sort_rows(
    rows: Iterable[OverdueRow], sort: SortKey = "days_late", descending: bool | None = None
) -> list[OverdueRow]:
    """Rows ordered by ``sort`` (days late and total: largest first; name: A–Z by default).

    Ties in days late or total stay in name order (A–Z, accents ignored), then customer id.
    """
    if sort not in ("days_late", "name", "total"):
        raise ValueError(f"unknown sort {sort!r}")
    if descending is None:
        descending = sort != "name"
    by_name = sorted(rows, key=lambda r: (r.name_key or normalize_name(r.name), r.customer_id))
    if sort == "name":
        return by_name[::-1] if descending else by_name
    if sort == "days_late":
        return sorted(by_name, key=lambda r: r.days_late, reverse=descending)
    return sorted(by_name, key=lambda r: r.total, reverse=descending)


def _late_installments(
    session: Session, cutoff: date, today: date, policy: CollectionPolicy
) -> dict[int, _Acc]:
    """Each customer's overdue installments summed, with each one's charges as the counter's."""
    is_late = and_(Installment.status == InstallmentStatus.OPEN, Installment.due_date < cutoff)
    paid_charges = _paid_charges(session, select(Installment.id).where(is_late))
    rows = (
        session.connection()
        .execute(
            select(
                Installment.customer_id,
                Installment.id,
                Installment.due_date,
                _raw(Installment.amount) - _raw(Installment.principal_paid),
            ).where(is_late)
        )
        .all()
    )
    accs: dict[int, _Acc] = {}
    # Installments of equal open amount and due date (the same plan sold on the same day) have
    # the same charges: each pair is computed once (a fifth of them in the large demo shop).
    charges: dict[tuple[int, date], tuple[Decimal, Decimal]] = {}
    for customer_id, installment_id, due, open_cents in rows:
        acc = accs.get(customer_id)
        if acc is None:
            acc = accs[customer_id] = _Acc(oldest=due)
        elif due < acc.oldest:
            acc.oldest = due
        open_principal = _cents(open_cents)
        paid = paid_charges.get(installment_id)
        if paid is None:
            key = (open_cents, due)
            found = charges.get(key)
            if found is None:
                found = charges[key] = installment_charges(open_principal, due, today, policy)
            fee, interest = found
        else:
            fee, interest = installment_charges(
                open_principal, due, today, policy, fee_paid=paid[0], interest_paid=paid[1]
            )
        acc.count += 1
        acc.principal += open_principal
        acc.fee += fee
        acc.interest += interest
    return accs


def _paid_charges(session: Session, installment_ids: Any) -> dict[int, tuple[Decimal, Decimal]]:
    """Fee and interest already paid on each overdue installment, net of reversals.

    The counter (``services.payments._paid_charges``) sums the allocations of payments neither
    reversed nor reversals; a reversal's allocations are the exact negatives of its original's
    (``services.payments.reverse_payment``), so summing every allocation gives the same amounts
    without touching the payments table (tests compare both).
    """
    rows = (
        session.connection()
        .execute(
            select(
                PaymentAllocation.installment_id,
                func.sum(_raw(PaymentAllocation.fee)),
                func.sum(_raw(PaymentAllocation.interest)),
            )
            .where(PaymentAllocation.installment_id.in_(installment_ids))
            .group_by(PaymentAllocation.installment_id)
        )
        .all()
    )
    return {i: (_cents(fee), _cents(interest)) for i, fee, interest in rows}


def _in_ids(session: Session, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as one parameter, however many there are.

    SQLite reads a JSON array through ``json_each``; PostgreSQL takes an array (``= ANY``).
    Thousands of separate parameters would hit SQLite's limit and cost a parse each.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        values = func.json_each(bindparam(None, json.dumps(list(ids)), type_=String))
        return column.in_(select(values.table_valued("value").c.value))  # type: ignore[no-any-return]
    if dialect == "postgresql":
        array = bindparam(None, list(ids), type_=postgresql.ARRAY(Integer))
        return column == any_(array)  # type: ignore[no-any-return]
    return column.in_(list(ids))  # type: ignore[no-any-return]


def _customers(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    rows = (
        session.connection()
        .execute(
            select(
                Customer.id,
                Customer.name,
                Customer.name_search,
                Customer.cpf,
                Customer.city,
                Customer.district,
                Customer.uf,
                Customer.email,
                Customer.birth_date,
                Customer.contact_consent,
                Customer.bureau_reported_on,
                Customer.collection_paused_since,
                Customer.collection_paused_reason,
                Customer.created_at,
            ).where(_in_ids(session, Customer.id, ids))
        )
        .all()
    )
    return {row.id: row for row in rows}


def _phones(session: Session, ids: Sequence[int]) -> dict[int, tuple[Phone, ...]]:
    found: dict[int, list[Phone]] = defaultdict(list)
    for customer_id, number, whatsapp, label in _execute(
        session,
        select(
            CustomerPhone.customer_id,
            CustomerPhone.number,
            CustomerPhone.whatsapp,
            CustomerPhone.label,
        )
        .where(_in_ids(session, CustomerPhone.customer_id, ids))
        .order_by(CustomerPhone.customer_id, CustomerPhone.position, CustomerPhone.id),
    ).all():
        found[customer_id].append(Phone(number, bool(whatsapp), label or ""))
    return {customer_id: tuple(phones) for customer_id, phones in found.items()}


def _next_due(session: Session, ids: Sequence[int], today: date) -> dict[int, date]:
    rows = (
        session.connection()
        .execute(
            select(Installment.customer_id, func.min(Installment.due_date))
            .where(
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date >= today,
                _in_ids(session, Installment.customer_id, ids),
            )
            .group_by(Installment.customer_id)
        )
        .all()
    )
    return {customer_id: due for customer_id, due in rows}


def _histories(
    session: Session,
    ids: Sequence[int],
    today: date,
    grace_days: int,
    accs: dict[int, _Acc],
    customers: dict[int, Any],
) -> dict[int, PaymentHistory]:
    """:func:`services.customers.payment_history` for every late customer, in a few queries.

    The definitions are the same (tests compare both on the demo shop): on time = settled on or
    before due date + grace days; the average delay is over the installments paid late. Only
    ``months_as_customer`` is simpler (from the registration date), as the letter ignores it.
    """
    settled = func.coalesce(Installment.settled_on, Installment.due_date)
    days = _days_between(session, settled, Installment.due_date)
    late = days > grace_days
    paid = {
        row[0]: tuple(int(v) for v in row[1:])
        for row in _execute(
            session,
            select(
                Installment.customer_id,
                func.count(),
                func.coalesce(func.sum(case((late, 0), else_=1)), 0),
                func.coalesce(func.sum(case((late, days), else_=0)), 0),
                func.coalesce(func.sum(case((late, 1), else_=0)), 0),
            )
            .where(
                Installment.status == InstallmentStatus.PAID,
                _in_ids(session, Installment.customer_id, ids),
            )
            .group_by(Installment.customer_id),
        ).all()
    }
    agreements = {
        row[0]: (int(row[1]), int(row[2]))
        for row in _execute(
            session,
            select(
                Agreement.customer_id,
                func.count(),
                func.coalesce(
                    func.sum(case((Agreement.status == AgreementStatus.BROKEN, 1), else_=0)), 0
                ),
            )
            .where(
                _in_ids(session, Agreement.customer_id, ids),
                Agreement.status != AgreementStatus.CANCELLED,
            )
            .group_by(Agreement.customer_id),
        ).all()
    }
    broken_promises: dict[int, int] = {
        customer_id: int(count)
        for customer_id, count in _execute(
            session,
            select(PromiseToPay.customer_id, func.count())
            .where(
                _in_ids(session, PromiseToPay.customer_id, ids),
                PromiseToPay.status == PromiseStatus.BROKEN,
            )
            .group_by(PromiseToPay.customer_id),
        ).all()
    }
    histories: dict[int, PaymentHistory] = {}
    for customer_id, acc in accs.items():
        count, on_time, late_days, late_count = paid.get(customer_id, (0, 0, 0, 0))
        average = (
            (Decimal(late_days) / Decimal(late_count)).quantize(_CENT) if late_count else Decimal(0)
        )
        made, broken = agreements.get(customer_id, (0, 0))
        created_at = customers[customer_id].created_at
        histories[customer_id] = PaymentHistory(
            installments_paid=count,
            paid_on_time=on_time,
            average_days_late=average,
            max_days_late_open=(today - acc.oldest).days,
            renegotiations=made,
            broken_promises=broken_promises.get(customer_id, 0),
            broken_agreements=broken,
            # From the registration only: the first sale's date would cost a query over every
            # sale, and the profile's letter does not depend on it.
            months_as_customer=_months_between(created_at.date(), today) if created_at else 0,
        )
    return histories


def _last_contacts(session: Session, ids: Sequence[int]) -> dict[int, LastContact]:
    """Each customer's latest contact (the highest id among contacts at the same moment).

    A ``max(at)`` per customer joined back on (customer, at): both steps run on the
    (customer_id, at) index, five times faster than a window function over every contact.
    """
    latest = (
        select(ContactAttempt.customer_id, func.max(ContactAttempt.at).label("at"))
        .where(_in_ids(session, ContactAttempt.customer_id, ids))
        .group_by(ContactAttempt.customer_id)
        .subquery()
    )
    found: dict[int, tuple[int, LastContact]] = {}
    for row in _execute(
        session,
        select(
            ContactAttempt.id,
            ContactAttempt.customer_id,
            ContactAttempt.at,
            ContactAttempt.channel,
            ContactAttempt.outcome,
            ContactAttempt.cadence_step,
        ).join(
            latest,
            and_(
                ContactAttempt.customer_id == latest.c.customer_id,
                ContactAttempt.at == latest.c.at,
            ),
        ),
    ).all():
        seen = found.get(row.customer_id)
        if seen is None or row.id > seen[0]:
            contact = LastContact(row.at, row.channel, row.outcome, row.cadence_step)
            found[row.customer_id] = (row.id, contact)
    return {customer_id: contact for customer_id, (_, contact) in found.items()}


def _promises(
    session: Session, ids: Sequence[int], today: date, accs: dict[int, _Acc]
) -> dict[int, PromiseInfo]:
    """Each late customer's current promise, if pending or broken as of ``today``."""
    newest = (
        select(PromiseToPay.customer_id, func.max(PromiseToPay.made_at).label("made_at"))
        .where(
            _in_ids(session, PromiseToPay.customer_id, ids),
            PromiseToPay.status != PromiseStatus.CANCELLED,
        )
        .group_by(PromiseToPay.customer_id)
        .subquery()
    )
    latest_by_customer: dict[int, Any] = {}
    for row in _execute(
        session,
        select(
            PromiseToPay.id,
            PromiseToPay.customer_id,
            PromiseToPay.made_at,
            PromiseToPay.promised_date,
            PromiseToPay.amount,
            PromiseToPay.status,
        ).join(
            newest,
            and_(
                PromiseToPay.customer_id == newest.c.customer_id,
                PromiseToPay.made_at == newest.c.made_at,
                PromiseToPay.status != PromiseStatus.CANCELLED,
            ),
        ),
    ).all():
        seen = latest_by_customer.get(row.customer_id)
        if seen is None or row.id > seen.id:  # two made at the same second: the later id
            latest_by_customer[row.customer_id] = row
    latest = [
        row
        for row in latest_by_customer.values()
        # A promise dated before the oldest overdue due date was about a debt since paid.
        if row.promised_date >= accs[row.customer_id].oldest
    ]
    received = _received(
        session, [row.id for row in latest if row.status is PromiseStatus.PENDING], today
    )
    found: dict[int, PromiseInfo] = {}
    for row in latest:
        paid = received.get(row.id, _ZERO)
        status = promise_status(row.status, row.amount, paid, row.promised_date, today)
        if status in (PromiseStatus.PENDING, PromiseStatus.BROKEN):
            found[row.customer_id] = PromiseInfo(
                row.id, row.made_at, row.promised_date, row.amount, paid, status
            )
    return found


def _received(session: Session, promise_ids: Sequence[int], today: date) -> dict[int, Decimal]:
    """Money received towards each promise: since it was made, up to its date (and today).

    Reversed payments and the reversals themselves are left out: a payment undone paid nothing.
    """
    if not promise_ids:
        return {}
    reversal = aliased(Payment)
    rows = (
        session.connection()
        .execute(
            select(PromiseToPay.id, func.sum(_raw(Payment.amount)))
            .join(
                Payment,
                and_(
                    Payment.customer_id == PromiseToPay.customer_id,
                    Payment.received_at >= PromiseToPay.made_at,
                    _day_of(session, Payment.received_at) <= PromiseToPay.promised_date,
                ),
            )
            .where(
                _in_ids(session, PromiseToPay.id, promise_ids),
                Payment.received_at < datetime.combine(today + timedelta(days=1), time()),
                # Not a reversal: the CHECK ``signs_match_kind`` makes that ``amount > 0``. Written
                # so, not ``reverses_id IS NULL``, because SQLite would walk that unique index over
                # every payment instead of starting from the promises.
                Payment.amount > 0,
                ~exists().where(reversal.reverses_id == Payment.id),
            )
            .group_by(PromiseToPay.id)
        )
        .all()
    )
    return {promise_id: _cents(cents) for promise_id, cents in rows}


def promise_status(
    recorded: PromiseStatus, amount: Decimal, paid: Decimal, promised: date, today: date
) -> PromiseStatus:
    """A promise's status as of ``today`` from what was paid towards it (module doc)."""
    if recorded is not PromiseStatus.PENDING:
        return recorded
    if paid >= amount:
        return PromiseStatus.KEPT
    if promised < today:
        return PromiseStatus.BROKEN
    return PromiseStatus.PENDING


# --- band totals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandTotals:
    """One line of the summary (``band`` None: the grand total)."""

    band: Band | None
    customers: int
    installments: int
    principal: Decimal
    fee: Decimal
    interest: Decimal
    total: Decimal  # principal + fee + interest

    @property
    def label(self) -> str:
        return self.band.label if self.band is not None else "Total"


@dataclass(frozen=True)
class BandSummary:
    bands: tuple[BandTotals, ...]  # every band that can hold a late customer, in band order
    total: BandTotals


def overdue_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """The bands that can hold an installment one day late or more ("Em dia" cannot)."""
    return tuple(b for b in bands if b.max_days is None or b.max_days >= 1)


def _totals(band: Band | None, rows: Sequence[OverdueRow]) -> BandTotals:
    principal = sum((r.principal for r in rows), _ZERO)
    fee = sum((r.fee for r in rows), _ZERO)
    interest = sum((r.interest for r in rows), _ZERO)
    return BandTotals(
        band=band,
        customers=len(rows),
        installments=sum(r.installments for r in rows),
        principal=principal,
        fee=fee,
        interest=interest,
        total=principal + fee + interest,
    )


def band_summary(rows: Sequence[OverdueRow], bands: Sequence[Band]) -> BandSummary:
    """Totals per band made from the rows themselves, so the summary always equals the list.

    Every overdue band is listed, empty or not, in the table's order; a row whose band is not in
    ``bands`` (the table changed after the rows were computed) is refused rather than dropped.
    """
    shown = overdue_bands(bands)
    by_key: dict[str, list[OverdueRow]] = {b.key: [] for b in shown}
    for row in rows:
        if row.band.key not in by_key:
            raise ValueError(f"Faixa “{row.band.label}” fora da tabela de faixas.")
        by_key[row.band.key].append(row)
    return BandSummary(
        bands=tuple(_totals(b, by_key[b.key]) for b in shown),
        total=_totals(None, rows),
    )


# --- a past day ----------------------------------------------------------------------------------


def band_amounts_as_of(session: Session, day: date, bands: Sequence[Band]) -> dict[str, Decimal]:
    """Open principal of the overdue installments by band as it stood at the end of ``day``.

    For the chart's "last month" series; the same grouping as :func:`band_summary` (a customer's
    overdue principal goes to the band of their oldest overdue installment on that day), without
    late charges. An installment counts when it was due before ``day`` and still open at the end
    of it:

    - its principal paid by then is the sum of its payment allocations received up to that day,
      reversals (negative allocations) included when made by then; paid before → not counted;
    - renegotiated into an agreement made after ``day``, or written off after ``day``: counted
      (it was open); on or before ``day``: not;
    - approximation: a **cancelled** installment is never counted, because a sale's cancellation
      date is not stored; and one whose principal was paid without allocations (none in this
      app) counts as paid only from its ``settled_on``.
    """
    day_end = datetime.combine(day + timedelta(days=1), time())
    candidates = (
        select(Installment.id, Installment.customer_id, Installment.due_date, Installment.amount)
        .outerjoin(Agreement, Agreement.id == Installment.renegotiated_into_id)
        .where(
            Installment.due_date < day,
            Installment.status != InstallmentStatus.CANCELLED,
            or_(
                Installment.status != InstallmentStatus.PAID,
                Installment.settled_on.is_(None),
                Installment.settled_on > day,
            ),
            or_(Installment.written_off_on.is_(None), Installment.written_off_on > day),
            or_(Installment.renegotiated_into_id.is_(None), Agreement.agreed_on > day),
        )
        .cte("candidates")
    )
    # Per candidate, through the allocations' installment index: a grouped subquery made
    # SQLite walk all the allocations instead (4 s against 1 s at a million installments).
    paid_by_then = (
        select(func.coalesce(func.sum(_raw(PaymentAllocation.principal)), 0))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            PaymentAllocation.installment_id == candidates.c.id,
            Payment.received_at < day_end,
        )
        .scalar_subquery()
    )
    open_on_day = (
        select(
            candidates.c.customer_id,
            candidates.c.due_date,
            (_raw(candidates.c.amount) - paid_by_then).label("open"),
        )
    ).subquery()
    per_customer = (
        select(
            func.min(open_on_day.c.due_date).label("oldest"),
            func.sum(open_on_day.c.open).label("principal"),
        )
        .where(open_on_day.c.open > 0)
        .group_by(open_on_day.c.customer_id)
        .subquery()
    )
    totals: dict[str, Decimal] = {b.key: _ZERO for b in overdue_bands(bands)}
    for oldest, principal in _execute(
        session,
        select(per_customer.c.oldest, func.sum(per_customer.c.principal)).group_by(
            per_customer.c.oldest
        ),
    ).all():
        band = band_for((day - oldest).days, bands)
        totals[band.key] = totals.get(band.key, _ZERO) + _cents(principal)
    return totals
