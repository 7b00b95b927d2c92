"""A seeded, deterministic demo shop: customers, credit sales, payments and collection history.

``python main.py --demo`` opens a shop made by :func:`create_demo_shop`; ``python main.py seed``
calls :func:`generate` at any size for volume tests. Same seed, sizes and ``today`` give the same
rows, because every choice comes from one ``random.Random(seed)`` and time is a parameter.

How it is built, and why:

- **Plan, simulate, write.** Customers and sales are planned first, so the numbers people see
  follow time (customer, sale, agreement, receipt and contact ids grow with their dates, as in a
  real database; installment ids, seen by nobody, run customer by customer). Each customer is then
  lived through with a behaviour (pays on time, a few days late, chronically late, stops paying,
  renegotiates, pays part, is written off); the money rules come from the same services the
  counter uses (``plans.split_installments``, ``plans.cet_yearly``, ``charges.amount_due``), so
  the demo agrees with what the screens compute.
- **Every overdue band is populated on ``today``.** One customer per band of
  ``bands.DEFAULT_BANDS`` is planned to stop paying exactly there, so even a tiny database shows
  every colour and label.
- **Bulk writes.** A million installments must load in well under two minutes on two cores, so
  rows go straight to the DB-API's ``executemany`` in batches, with ids computed here (the
  database is empty) and one transaction for everything; no ORM objects per row and one audit
  entry for the whole load. On SQLite secondary indexes are rebuilt and CHECK constraints
  verified once at the end rather than at every row (see ``_Writer``).
"""

from __future__ import annotations

import dataclasses
import gc
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from operator import attrgetter
from typing import Any, Final, Generic, TypeVar

import holidays
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from stdnum.br import cnpj as stdnum_cnpj

from models import (
    Agreement,
    CashSession,
    ContactAttempt,
    CreditSale,
    Customer,
    CustomerPhone,
    Installment,
    Payment,
    PaymentAllocation,
    PromiseStatus,
    PromiseToPay,
    Role,
    Setting,
    User,
)
from services import audit
from services import demo_data as data
from services import settings as settings_service
from services.bands import DEFAULT_BANDS
from services.charges import amount_due
from services.collection import (
    BUREAU_NOTICE,
    COLLECTION_LETTER,
    NOTICE_DAYS,
    PromiseOutcome,
    Receipt,
    promise_outcome,
)
from services.db import Database, DatabaseError
from services.plans import add_months, cet_yearly, split_installments
from services.settings import CollectionPolicy, PixSettings, ShopIdentity
from services.slips import slip_code_for
from services.text import normalize_name, strip_accents
from services.users import ROLE_LABELS, hash_password

__all__ = [
    "DEMO_CUSTOMERS",
    "DEMO_SALES",
    "DEMO_SEED",
    "DEMO_USERS",
    "DemoRefused",
    "DemoSummary",
    "DemoUser",
    "create_demo_shop",
    "generate",
]

DEMO_SEED: Final = 2026
DEMO_CUSTOMERS: Final = 300
DEMO_SALES: Final = 750
HISTORY_MONTHS: Final = 18
_BATCH: Final = 10_000
_COLLECTION_LETTER_NOTE: Final = "Carta de cobrança amigável enviada pelo correio."


@dataclass(frozen=True)
class DemoUser:
    """A login of the demo shop; the README and the login screen show these."""

    username: str
    password: str
    full_name: str
    role: Role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


DEMO_USERS: Final = (
    DemoUser("dono", "demo1234", "Marta Figueiredo", Role.OWNER),
    DemoUser("caixa", "demo1234", "Lucas Andrade", Role.CASHIER),
)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind were created."""

    customers: int
    sales: int
    installments: int
    payments: int
    agreements: int
    allocations: int = 0
    contact_attempts: int = 0
    promises: int = 0
    cash_sessions: int = 0
    written_off: int = 0


class DemoRefused(DatabaseError, ValueError):
    """The demo only fills an empty database; nothing was changed."""


# --- behaviours ----------------------------------------------------------------------------------

_PUNCTUAL: Final = "punctual"
_SLIGHTLY_LATE: Final = "slightly_late"
_CHRONIC: Final = "chronic"
_DEFAULTER: Final = "defaulter"
_RENEGOTIATED: Final = "renegotiated"
_PARTIAL: Final = "partial"
_WRITTEN_OFF: Final = "written_off"
_SHOWCASE: Final = "showcase"  # pays on time until the installment that must sit in its band

# Share of the customers with purchases; the rare ones get at least one each when there are
# enough customers, so even a small demo shows an agreement, a write-off and a partial payment.
_BEHAVIOUR_SHARES: Final = (
    (_SLIGHTLY_LATE, 0.18),
    (_CHRONIC, 0.09),
    (_DEFAULTER, 0.08),
    (_RENEGOTIATED, 0.04),
    (_PARTIAL, 0.03),
    (_WRITTEN_OFF, 0.02),
)
# Days before ``today`` of a behaviour's last purchase, so that its story fits before today: a
# write-off needs 180 days without payment, an agreement some weeks of delay first.
_LAST_SALE_GAP: Final = {
    _DEFAULTER: 45,
    _PARTIAL: 40,
    _RENEGOTIATED: 85,
    _WRITTEN_OFF: 215,
}
# Minimum days late, on ``today``, of the installment where the customer stops paying.
_MIN_DAYS_STOPPED: Final = {_DEFAULTER: 1, _PARTIAL: 6, _RENEGOTIATED: 50, _WRITTEN_OFF: 182}
_STOPPING: Final = frozenset(_MIN_DAYS_STOPPED)

# The shop's rate table: interest-free up to 5 installments, then a monthly rate by plan length
# (ten-thousandths of a percent, as ``models.base.Rate`` stores them: 19_900 is 1,99 %).
_RATE_BY_COUNT: Final = {6: 19_900, 8: 24_900, 10: 29_900, 12: 34_900}
_MIN_INSTALLMENT: Final = 2_000  # cents; CreditRules.min_installment
_LIMIT_TIERS: Final = (
    (40_000, 8), (60_000, 12), (80_000, 14), (100_000, 18), (150_000, 16), (200_000, 12),
    (250_000, 8), (300_000, 6), (400_000, 4), (500_000, 2),
)  # fmt: skip
_OPENING_FLOAT: Final = 20_000


# --- in-memory rows ----------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Inst:
    id: int
    customer_id: int
    sale: _Sale | None
    agreement: _Agreement | None
    number: int
    count: int
    due: date
    amount: int
    paid: int = 0
    status: str = "open"
    settled_on: date | None = None
    renegotiated_into: _Agreement | None = None
    written_off_on: date | None = None
    touches: int = 0


@dataclass(slots=True, eq=False)
class _Sale:
    customer: _Cust
    sold_at: datetime
    description: str
    price: int
    down: int
    rate: int
    cet: int
    dues: list[date]
    amounts: list[int]
    operator_id: int
    override: bool = False
    cancelled: bool = False
    cet_key: _CetKey | None = None
    id: int = 0
    insts: list[_Inst] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Agreement:
    id: int
    customer_id: int
    agreed_on: date
    created_at: datetime
    principal: int
    fees: int
    interest: int
    discount: int
    count: int
    operator_id: int
    authorized_by_id: int | None
    notes: str
    status: str = "active"
    broken_on: date | None = None
    fulfilled_on: date | None = None
    insts: list[_Inst] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.principal + self.fees + self.interest - self.discount


@dataclass(slots=True, eq=False)
class _Cust:
    seq: int
    behaviour: str
    name: str
    cpf: str
    birth: date
    email: str | None
    cep: str
    street: str
    number: str
    complement: str | None
    district: str
    limit: int
    phones: list[tuple[str, bool, str]]
    consent: bool
    long_standing: bool
    sale_count: int
    band: int | None = None
    created_at: datetime = datetime.min
    id: int = 0
    sales: list[_Sale] = field(default_factory=list)
    agreements: list[_Agreement] = field(default_factory=list)
    stop: date | None = None
    agree_on: date | None = None
    agreement_id: int = 0
    write_off_on: date | None = None
    notes: str | None = None
    blocked: bool = False
    bureau_on: date | None = None
    paused_since: date | None = None
    updated_at: datetime | None = None


@dataclass(slots=True, eq=False)
class _Pay:
    customer_id: int
    at: datetime
    amount: int
    principal: int
    fee: int
    interest: int
    discount: int
    method: str
    tendered: int | None
    change: int | None
    operator_id: int
    authorized_by_id: int | None
    allocs: list[tuple[_Inst, int, int, int, int]]
    reverses: _Pay | None = None
    reason: str | None = None
    notes: str | None = None
    id: int = 0
    session_id: int = 0


@dataclass(slots=True, eq=False)
class _Contact:
    customer_id: int
    at: datetime
    channel: str
    outcome: str
    root_cause: str | None
    notes: str | None
    operator_id: int
    cadence_step: str | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class _Promise:
    customer_id: int
    contact: _Contact
    promised_date: date
    amount: int
    status: str
    resolved_on: date | None
    operator_id: int
    id: int = 0


@dataclass(slots=True)
class _Session:
    day: date
    operator_id: int
    terminal: str
    cash: int = 0
    id: int = 0


# --- calendar ------------------------------------------------------------------------------------


class _Calendar:
    """Shop days (Monday to Saturday, no holidays) and contact days (weekdays, no holidays)."""

    def __init__(self, first: date, last: date) -> None:
        found = holidays.country_holidays("BR", subdiv="SP", years=range(first.year, last.year + 1))
        self._holidays = frozenset(found.keys())
        self._next: dict[date, date] = {}
        self._prev: dict[date, date] = {}
        self._next_contact: dict[date, date] = {}

    def is_open(self, day: date) -> bool:
        return day.weekday() != 6 and day not in self._holidays

    def next_open(self, day: date) -> date:
        found = self._next.get(day)
        if found is None:
            found = day
            while not self.is_open(found):
                found += timedelta(days=1)
            self._next[day] = found
        return found

    def prev_open(self, day: date) -> date:
        found = self._prev.get(day)
        if found is None:
            found = day
            while not self.is_open(found):
                found -= timedelta(days=1)
            self._prev[day] = found
        return found

    def next_contact_day(self, day: date) -> date:
        """Collection contacts: weekdays only, never on holidays (DOMAIN.md, contact hours)."""
        found = self._next_contact.get(day)
        if found is None:
            found = day
            while found.weekday() >= 5 or found in self._holidays:
                found += timedelta(days=1)
            self._next_contact[day] = found
        return found


# --- progress ------------------------------------------------------------------------------------


class _Progress:
    """Reports (done, total) in customers; planning, simulation and writing share the scale."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self._callback = callback
        self._total = max(total, 1)
        self._last = -1

    def at(self, fraction: float) -> None:
        """Report at most about a hundred times, always moving forward."""
        if self._callback is None:
            return
        done = min(self._total, int(self._total * fraction))
        step = max(1, self._total // 100)
        if done > self._last and (
            done - self._last >= step or done == self._total or self._last < 0
        ):
            self._last = done
            self._callback(done, self._total)


# --- the generator -------------------------------------------------------------------------------


def _cpf_check_digits(base: str) -> str:
    """The two check digits of a CPF's first nine (Receita Federal's mod-11 rule)."""
    first = second = 0
    for weight, char in zip(range(10, 1, -1), base, strict=True):
        digit = ord(char) - 48
        first += weight * digit
        second += (weight + 1) * digit
    d1 = (11 - first) % 11 % 10
    d2 = (11 - second - 2 * d1) % 11 % 10
    return f"{d1}{d2}"


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2))


def _reais(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _rate_decimal(units: int) -> Decimal:
    return Decimal(units).scaleb(-4)


_CetKey = tuple[int, int, int, tuple[int, ...]]
_CetItem = tuple[int, date, list[date], list[int]]


class _Cet:
    """The CET of every distinct plan, computed once: many sales share the same plan."""

    def __init__(self) -> None:
        self._values: dict[_CetKey, int] = {}

    def request(self, key: _CetKey, sold_on: date, dues: list[date], amounts: list[int]) -> None:
        if key not in self._values:
            plan = list(zip(dues, map(_reais, amounts), strict=True))
            self._values[key] = int(cet_yearly(_reais(key[0]), plan, sold_on).scaleb(4))

    def results(self) -> dict[_CetKey, int]:
        return self._values


_T = TypeVar("_T")


class _Weighted(Generic[_T]):
    """A weighted choice by bisection: ``random.choices`` rebuilds its table on every call."""

    def __init__(self, pairs: Iterable[tuple[_T, int]]) -> None:
        listed = list(pairs)
        self._items = [item for item, _ in listed]
        self._cumulative = list(accumulate(weight for _, weight in listed))
        self._total = self._cumulative[-1]

    def pick(self, rand: Callable[[], float]) -> _T:
        return self._items[bisect_right(self._cumulative, rand() * self._total)]


class _Shop:
    """Plans and simulates the shop in memory; ``_Writer`` then stores it."""

    def __init__(
        self,
        *,
        customers: int,
        sales: int,
        today: date,
        seed: int,
        owner_id: int,
        cashier_id: int,
        first_session_id: int,
        progress: _Progress,
    ) -> None:
        self.rng = random.Random(seed)
        # random() is several times faster than randrange(); hot loops draw integers from it.
        self.rand = self.rng.random
        self.n_customers = customers
        self.n_sales = sales
        self.today = today
        self.start = add_months(today, -HISTORY_MONTHS)
        self.setup_day = add_months(today, -73)
        self.cal = _Calendar(self.setup_day - timedelta(days=370), today + timedelta(days=800))
        self.owner_id = owner_id
        self.cashier_id = cashier_id
        self.first_session_id = first_session_id
        self.progress = progress
        policy = CollectionPolicy()
        self.fee_pct = policy.late_fee_pct
        self.interest_pct = policy.monthly_interest_pct
        self.waiver_limit = _cents(policy.cashier_waiver_limit)
        self.customers: list[_Cust] = []
        self.sales: list[_Sale] = []
        self.agreements: list[_Agreement] = []
        self.payments: list[_Pay] = []
        self.contacts: list[_Contact] = []
        self.promises: list[_Promise] = []
        self.sessions: list[_Session] = []
        self._charge_cache: dict[tuple[int, int], tuple[int, int]] = {}
        self._amounts: dict[tuple[int, int, int], list[int]] = {}
        self._dues: dict[tuple[date, int], list[date]] = {}
        self._next_month: dict[date, date] = {}
        self._cet = _Cet()
        self._products = self._catalogue()
        self._fitting: dict[tuple[str, int, int], list[tuple[str, int]]] = {}
        self._categories = _Weighted(data.CATEGORY_WEIGHTS)
        self._domains = _Weighted(data.EMAIL_DOMAINS)
        self._limits = _Weighted(_LIMIT_TIERS)

    # -- helpers ----------------------------------------------------------------------------

    def _at(self, day: date, *, not_before: time | None = None) -> datetime:
        """A moment in shop hours: 8h–18h on weekdays, 8h–13h on Saturdays."""
        rand = self.rand
        minutes = 300 if day.weekday() == 5 else 600
        first = 0
        if not_before is not None:
            first = min(max(0, (not_before.hour - 8) * 60 + not_before.minute + 1), minutes - 1)
        m = first + int(rand() * (minutes - first))
        return datetime(day.year, day.month, day.day, 8 + m // 60, m % 60, int(rand() * 60))

    def _contact_at(self, day: date) -> datetime:
        """Collection calls and messages: 9h–18h (the default contact window)."""
        rand = self.rand
        m = int(rand() * 540)
        return datetime(day.year, day.month, day.day, 9 + m // 60, m % 60, int(rand() * 60))

    def _day_between(self, first: date, last: date) -> date:
        span = max((last - first).days, 0)
        return first + timedelta(days=int(self.rand() * (span + 1)))

    def _int(self, low: int, high: int) -> int:
        """An integer in [low, high], like ``randint``."""
        return low + int(self.rand() * (high - low + 1))

    def _one(self, items: Sequence[_T]) -> _T:
        """One of ``items``, like ``choice``."""
        return items[int(self.rand() * len(items))]

    def _charges(self, principal: int, due: date, on: date) -> tuple[int, int]:
        """Late fee and interest in cents (services.charges, the shop's default policy)."""
        days = (on - due).days
        if days <= 0:
            return 0, 0
        key = (principal, days)
        found = self._charge_cache.get(key)
        if found is None:
            charges = amount_due(
                _reais(principal),
                due,
                on,
                late_fee_pct=self.fee_pct,
                monthly_interest_pct=self.interest_pct,
            )
            found = (_cents(charges.fee), _cents(charges.interest))
            self._charge_cache[key] = found
        return found

    def _operator(self, owner_share: float) -> int:
        return self.owner_id if self.rand() < owner_share else self.cashier_id

    # -- planning: customers -----------------------------------------------------------------

    def plan(self) -> None:
        rng = self.rng
        n, s = self.n_customers, self.n_sales
        buyers_total = min(n, s)
        order = list(range(n))
        rng.shuffle(order)
        counts = [0] * n
        for i in order[:buyers_total]:
            counts[i] = 1
        extra = s - buyers_total
        showcase = min(len(DEFAULT_BANDS), buyers_total - (1 if extra else 0))
        bands: dict[int, int] = {order[k]: k for k in range(max(showcase, 0))}
        buyers = order[max(showcase, 0) : buyers_total]
        if extra and buyers:
            weights = [min(rng.paretovariate(1.6), 6.0) for _ in buyers]
            for i in rng.choices(buyers, weights=weights, k=extra):
                counts[i] += 1
        behaviours = self._behaviours(len(buyers))
        behaviour_of = dict(zip(buyers, behaviours, strict=True))
        used_cpfs: set[str] = set()
        for i in range(n):
            behaviour = _SHOWCASE if i in bands else behaviour_of.get(i, _PUNCTUAL)
            customer = self._new_customer(i, behaviour, counts[i], used_cpfs)
            customer.band = bands.get(i)
            self.customers.append(customer)
            if i % 2000 == 0:
                self.progress.at(0.05 * i / max(n, 1))
        for customer in self.customers:
            self._plan_sales(customer)
        self.progress.at(0.12)
        # Ids follow time: customers by registration, sales by the moment they were made.
        self.customers.sort(key=lambda c: (c.created_at, c.seq))
        for number, customer in enumerate(self.customers, start=1):
            customer.id = number
        self.sales = [sale for c in self.customers for sale in c.sales]
        self.sales.sort(key=lambda sale: (sale.sold_at, sale.customer.id))
        for number, sale in enumerate(self.sales, start=1):
            sale.id = number
            cid = sale.customer.id
            count = len(sale.amounts)
            sale.insts = [
                _Inst(0, cid, sale, None, k, count, due, amount)
                for k, due, amount in zip(range(1, count + 1), sale.dues, sale.amounts, strict=True)
            ]
        for customer in self.customers:
            customer.sales.sort(key=lambda sale: sale.id)
            self._plan_story(customer)
        # Agreement numbers follow their dates too; they are known now, made while simulating.
        renegotiating = sorted(
            (c for c in self.customers if c.agree_on is not None),
            key=lambda c: (c.agree_on, c.id),
        )
        for number, customer in enumerate(renegotiating, start=1):
            customer.agreement_id = number
        cets = self._cet.results()
        for sale in self.sales:
            if sale.cet_key is not None:
                sale.cet = cets[sale.cet_key]
        self.progress.at(0.15)

    def _behaviours(self, count: int) -> list[str]:
        out: list[str] = []
        for behaviour, share in _BEHAVIOUR_SHARES:
            wanted = int(count * share)
            if wanted == 0 and count >= 3 * len(_BEHAVIOUR_SHARES):
                wanted = 1
            out += [behaviour] * wanted
        out = out[:count]
        out += [_PUNCTUAL] * (count - len(out))
        self.rng.shuffle(out)
        return out

    def _new_customer(self, seq: int, behaviour: str, sales: int, used: set[str]) -> _Cust:
        rng = self.rng
        female = rng.random() < 0.56
        if female:
            given = (
                self._one(data.FEMALE_COMPOUND)
                if rng.random() < 0.18
                else self._one(data.FEMALE_NAMES)
            )
        else:
            given = (
                self._one(data.MALE_COMPOUND) if rng.random() < 0.15 else self._one(data.MALE_NAMES)
            )
        r = rng.random()
        surname_count = 1 if r < 0.2 else 3 if r < 0.3 else 2
        surnames = list(dict.fromkeys(self._one(data.SURNAMES) for _ in range(surname_count)))
        parts = [
            f"{particle} {surname}" if particle and rng.random() < 0.45 else surname
            for surname, particle in surnames
        ]
        name = f"{given} {' '.join(parts)}"
        cpf = self._new_cpf(used)
        age = int(rng.triangular(18, 82, 36))
        birth = date(self.today.year - age - 1, 1, 1) + timedelta(days=self._int(0, 364))
        email = None
        if rng.random() < 0.45:
            local = strip_accents(given.split()[0]).lower()
            last = strip_accents(surnames[-1][0]).lower()
            suffix = str(self._int(1, 99)) if rng.random() < 0.5 else ""
            domain = self._domains.pick(self.rand)
            email = f"{local}.{last}{suffix}@{domain}"
        district, prefix = self._one(data.DISTRICTS)
        cep = f"{prefix}{self._int(0, 899):03d}"
        street = self._one(data.STREETS)
        number = str(self._int(10, 3999))
        complement = self._one(data.COMPLEMENTS) if rng.random() < 0.18 else None
        limit = self._limits.pick(self.rand)
        mobile = f"{data.DDD}9{self._one('9876')}{self._int(0, 10**7 - 1):07d}"
        phones = [(mobile, rng.random() < 0.82, "Celular")]
        r = rng.random()
        if r < 0.22:
            landline = f"{data.DDD}{self._one(data.LANDLINE_PREFIXES)}{self._int(0, 9999):04d}"
            phones.append((landline, False, "Residencial"))
        elif r < 0.32:
            other = f"{data.DDD}9{self._one('9876')}{self._int(0, 10**7 - 1):07d}"
            phones.append((other, rng.random() < 0.5, "Recado"))
        customer = _Cust(
            seq=seq,
            behaviour=behaviour,
            name=name,
            cpf=cpf,
            birth=birth,
            email=email,
            cep=cep,
            street=street,
            number=number,
            complement=complement,
            district=district,
            limit=limit,
            phones=phones,
            consent=rng.random() > 0.03,
            long_standing=rng.random() < 0.35,
            sale_count=sales,
        )
        if rng.random() < 0.10:
            customer.notes = self._one(data.CUSTOMER_NOTES)
        return customer

    def _new_cpf(self, used: set[str]) -> str:
        rand = self.rand
        while True:
            # The ninth digit is the fiscal region; 8 is São Paulo, where most customers were born.
            region = 8 if rand() < 0.8 else int(rand() * 10)
            base = f"{int(rand() * 10**8):08d}{region}"
            if base.count(base[0]) == 9:
                continue
            cpf = base + _cpf_check_digits(base)
            if cpf not in used:
                used.add(cpf)
                return cpf

    # -- planning: sales -------------------------------------------------------------------------

    def _catalogue(self) -> dict[str, list[tuple[str, int]]]:
        by_category: dict[str, list[tuple[str, int]]] = {}
        for description, category, price in data.PRODUCTS:
            by_category.setdefault(category, []).append((description, price))
        for items in by_category.values():
            items.sort(key=lambda item: item[1])
        return by_category

    def _pick_product(self, ceiling: int, floor: int = 0) -> tuple[str, int]:
        category = self._categories.pick(self.rand)
        key = (category, ceiling, floor)
        fitting = self._fitting.get(key)
        if fitting is None:
            items = self._products[category]
            fitting = [item for item in items if floor <= item[1] <= ceiling]
            if not fitting:
                fitting = ([item for item in items if item[1] >= floor] or items)[:3]
            self._fitting[key] = fitting
        return fitting[int(self.rand() * len(fitting))]

    def _plan_sale(
        self, customer: _Cust, sold_at: datetime, *, min_count: int = 1, min_price: int = 0
    ) -> _Sale:
        rng = self.rng
        ceiling = max(customer.limit, min_price)
        description, price = self._pick_product(ceiling, min_price)
        if rng.random() < 0.12:
            other, other_price = self._pick_product(max(ceiling - price, 12_000))
            if other != description:
                description = f"{description}; {other}"
                price += other_price
        down = 0
        r = rng.random()
        if price >= 30_000 and r < 0.35:
            down = price * self._one((10, 20, 30)) // 100 // 1_000 * 1_000
        elif price >= 10_000 and r < 0.15:
            down = 5_000
        financed = price - down
        if financed < 15_000:
            options: tuple[int, ...] = (1, 1, 2, 2, 3)
        elif financed < 40_000:
            options = (1, 2, 3, 3, 4, 5)
        elif financed < 100_000:
            options = (2, 3, 4, 5, 6, 8, 10)
        else:
            options = (4, 5, 6, 8, 10, 10, 12)
        allowed = [n for n in options if n >= min_count and financed // n >= _MIN_INSTALLMENT]
        count = self._one(allowed) if allowed else max(1, min_count)
        rate = _RATE_BY_COUNT.get(count, 0)
        sold_on = sold_at.date()
        first_due = self._next_month.get(sold_on)
        if first_due is None:  # "primeira para 30 dias": the same day next month
            first_due = self._next_month[sold_on] = add_months(sold_on, 1)
        # split_installments' amounts depend on (total, count, rate) only and its due dates are
        # add_months(first_due, k) (its contract), so both are computed once and reused: a
        # quarter of a million plans would otherwise cost seconds.
        amounts = self._amounts.get((financed, count, rate))
        if amounts is None:
            plan = split_installments(_reais(financed), count, first_due, _rate_decimal(rate))
            amounts = self._amounts[(financed, count, rate)] = [_cents(a) for _, a in plan]
        dues = self._dues.get((first_due, count))
        if dues is None:
            dues = self._dues[(first_due, count)] = [add_months(first_due, k) for k in range(count)]
        cet_key = None
        if rate:
            # An interest-free plan with no fees costs exactly what was financed: CET 0.
            cet_key = (financed, count, rate, tuple((due - sold_on).days for due in dues))
            self._cet.request(cet_key, sold_on, dues, amounts)
        return _Sale(
            customer=customer,
            sold_at=sold_at,
            description=description,
            price=price,
            down=down,
            rate=rate,
            cet=0,
            cet_key=cet_key,
            dues=dues,
            amounts=amounts,
            operator_id=self._operator(0.3),
            override=financed > customer.limit,
        )

    def _plan_sales(self, customer: _Cust) -> None:
        rng = self.rng
        if customer.behaviour == _SHOWCASE:
            assert customer.band is not None
            sale = self._plan_showcase(customer, customer.band)
            customer.sales.append(sale)
            self._register(customer, sale.sold_at)
            return
        if customer.sale_count == 0:
            day = self._day_between(self.setup_day, self.today - timedelta(days=1))
            customer.created_at = self._at(self.cal.prev_open(day))
            return
        latest = self.today - timedelta(days=_LAST_SALE_GAP.get(customer.behaviour, 1))
        first = self.start
        if not customer.long_standing:
            first = self._day_between(self.start, latest)
        days = sorted(
            [first if not customer.long_standing else self._day_between(first, latest)]
            + [self._day_between(first, latest) for _ in range(customer.sale_count - 1)]
        )
        for day in days:
            day = self.cal.next_open(day)
            if day > latest:
                day = self.cal.prev_open(latest)
            sale = self._plan_sale(customer, self._at(day))
            if customer.behaviour in (_PUNCTUAL, _SLIGHTLY_LATE) and rng.random() < 0.004:
                sale.cancelled = True  # returned within the week: the plan is cancelled
            customer.sales.append(sale)
        self._register(customer, min(sale.sold_at for sale in customer.sales))

    def _register(self, customer: _Cust, first_sale: datetime) -> None:
        """Long-standing customers registered years ago; new ones just before buying."""
        if customer.long_standing:
            day = self._day_between(self.setup_day, self.start - timedelta(days=1))
            customer.created_at = self._at(self.cal.prev_open(day))
            return
        created = first_sale - timedelta(minutes=self._int(3, 25))
        opening = datetime.combine(first_sale.date(), time(8))
        customer.created_at = max(created, min(opening, first_sale))

    def _plan_showcase(self, customer: _Cust, band_index: int) -> _Sale:
        """A sale whose first unpaid installment is, on ``today``, in the given band."""
        band = DEFAULT_BANDS[band_index]
        previous = DEFAULT_BANDS[band_index - 1].max_days if band_index else None
        high = band.max_days
        low = previous + 1 if previous is not None else (high if high is not None else 0) - 25
        if high is None:
            high = low + 120
        target = self._int(low, high)
        paid_before = 0 if high <= 7 else self._int(0, 2)
        guess = self.today - timedelta(days=target + 30 * (paid_before + 1))
        for shift in range(80):
            offset = (shift + 1) // 2 * (1 if shift % 2 else -1)
            sold_on = guess + timedelta(days=offset)
            if not (self.start <= sold_on < self.today) or not self.cal.is_open(sold_on):
                continue
            sale = self._plan_sale(
                customer, self._at(sold_on), min_count=paid_before + 2, min_price=60_000
            )
            if len(sale.dues) <= paid_before:
                continue
            due = sale.dues[paid_before]
            if low <= (self.today - due).days <= high:
                customer.stop = due
                return sale
        raise RuntimeError(f"no sale fits the band {band.key}")  # pragma: no cover

    def _plan_story(self, customer: _Cust) -> None:
        """When a customer stops paying, renegotiates or is written off."""
        behaviour = customer.behaviour
        if behaviour not in _STOPPING or not customer.sales:
            return
        last_sale = max(sale.sold_at.date() for sale in customer.sales)
        latest_due = self.today - timedelta(days=_MIN_DAYS_STOPPED[behaviour])
        earliest_due = last_sale - timedelta(days=30)
        candidates = [
            inst.due
            for sale in customer.sales
            if not sale.cancelled
            for inst in sale.insts
            if earliest_due <= inst.due <= latest_due
        ]
        if not candidates:
            customer.behaviour = _SLIGHTLY_LATE
            return
        stop = self._one(candidates)
        customer.stop = stop
        if behaviour == _RENEGOTIATED:
            last = min(stop + timedelta(days=120), self.today - timedelta(days=20))
            day = self._day_between(stop + timedelta(days=30), last)
            customer.agree_on = self.cal.next_open(day)
            if customer.agree_on >= self.today:
                customer.agree_on = self.cal.prev_open(self.today - timedelta(days=1))
        elif behaviour == _WRITTEN_OFF:
            last = min(stop + timedelta(days=240), self.today - timedelta(days=1))
            day = self._day_between(stop + timedelta(days=181), last)
            customer.write_off_on = min(self.cal.next_open(day), last)

    # -- simulation ---------------------------------------------------------------------------

    def simulate(self, emit: Callable[[list[_Cust]], None]) -> None:
        """Live every customer's story; ``emit`` gets them in chunks, ready to be written."""
        total = max(len(self.customers), 1)
        chunk: list[_Cust] = []
        next_id = 0
        for k, customer in enumerate(self.customers):
            self._simulate(customer)
            # Installment ids run customer by customer, so each finished chunk of customers is
            # written at once and only receipts wait for the end (they are numbered by time).
            for sale in customer.sales:
                for inst in sale.insts:
                    next_id += 1
                    inst.id = next_id
            for agreement in customer.agreements:
                for inst in agreement.insts:
                    next_id += 1
                    inst.id = next_id
            chunk.append(customer)
            if len(chunk) >= 2_000:
                emit(chunk)
                chunk = []
                self.progress.at(0.15 + 0.6 * k / total)
        if chunk:
            emit(chunk)
        self._settle_promises()
        self._number_everything()
        self.progress.at(0.75)

    def _pay_day(self, behaviour: str, due: date, earliest: date) -> date:
        rand = self.rand
        cal = self.cal
        r = rand()
        if behaviour in (_PUNCTUAL, _SHOWCASE):
            if r < 0.22:
                day = cal.prev_open(due - timedelta(days=1 + int(rand() * 12)))
            elif r < 0.93:
                day = cal.prev_open(due)  # due on a Sunday: paid on Saturday
            else:
                day = cal.next_open(due + timedelta(days=1 + int(rand() * 4)))
        elif behaviour in (_CHRONIC, _WRITTEN_OFF):
            # Pays when the money comes in: the 5th (salary) or the 20th (advance).
            day = due + timedelta(days=4 + int(rand() * 37))
            if day.day <= 5:
                day = day.replace(day=5)
            elif day.day <= 20:
                day = day.replace(day=20)
            else:
                day = add_months(day.replace(day=5), 1)
            day = cal.next_open(day)
        elif r < 0.4:
            day = cal.prev_open(due - timedelta(days=int(rand() * 4)))
        else:
            day = cal.next_open(due + timedelta(days=1 + int(rand() * 15)))
        if day < earliest:
            day = cal.next_open(earliest)
        return day

    def _simulate(self, customer: _Cust) -> None:
        behaviour = customer.behaviour
        stop = customer.stop
        limit_day = customer.agree_on or self.today
        plan: list[tuple[date, _Inst, int]] = []
        for sale in customer.sales:
            if sale.cancelled:
                for inst in sale.insts:
                    inst.status = "cancelled"
                    inst.touches = 1
                continue
            earliest = sale.sold_at.date() + timedelta(days=1)
            for inst in sale.insts:
                if stop is not None and inst.due >= stop:
                    break
                day = self._pay_day(behaviour, inst.due, earliest)
                if day >= limit_day:
                    break
                plan.append((day, inst, inst.amount))
                earliest = day
        if len(plan) > 1 and len(customer.sales) > 1:
            plan = self._visits(plan)
        if behaviour == _PARTIAL and stop is not None:
            target = next(
                (i for s in customer.sales if not s.cancelled for i in s.insts if i.due == stop),
                None,
            )
            last = self.today - timedelta(days=1)
            day = self.cal.prev_open(self._day_between(stop + timedelta(days=5), last))
            if target is not None and target.due < day < self.today:
                part = target.amount * self._int(20, 70) // 100 // 100 * 100
                if 0 < part < target.amount:
                    plan.append((day, target, part))
        self._receive(customer, plan)
        if customer.agree_on is not None:
            self._renegotiate(customer, customer.agree_on)
        if customer.write_off_on is not None:
            for sale in customer.sales:
                for inst in sale.insts:
                    if inst.status == "open":
                        inst.status = "written_off"
                        inst.written_off_on = customer.write_off_on
                        inst.touches += 1
        if behaviour != _PUNCTUAL:  # a few days late at most: nothing to chase or report
            self._collection_log(customer)

    @staticmethod
    def _visits(plan: list[tuple[date, _Inst, int]]) -> list[tuple[date, _Inst, int]]:
        """A customer with several carnês pays what falls due within a week in one visit."""
        plan.sort(key=lambda entry: (entry[0], entry[1].due))
        visit: date | None = None
        grouped: list[tuple[date, _Inst, int]] = []
        for day, inst, part in plan:
            sale = inst.sale
            if (
                visit is not None
                and (day - visit).days <= 7
                and sale is not None
                and visit > sale.sold_at.date()
            ):
                day = visit
            else:
                visit = day
            grouped.append((day, inst, part))
        return grouped

    def _receive(
        self,
        customer: _Cust,
        plan: list[tuple[date, _Inst, int]],
        not_before: dict[date, time] | None = None,
    ) -> None:
        """Turn planned payments into receipts: one per customer and day, however many parts."""
        if len(plan) > 1:
            plan.sort(key=lambda entry: (entry[0], entry[1].due))
        charges = self._charges
        k = 0
        while k < len(plan):
            day = plan[k][0]
            allocs: list[tuple[_Inst, int, int, int]] = []
            while k < len(plan) and plan[k][0] == day:
                _, inst, principal = plan[k]
                if day > inst.due:
                    fee, interest = charges(inst.amount - inst.paid, inst.due, day)
                    allocs.append((inst, principal, fee, interest))
                else:
                    allocs.append((inst, principal, 0, 0))
                k += 1
            self._receipt(customer, day, allocs, not_before.get(day) if not_before else None)

    def _receipt(
        self,
        customer: _Cust,
        day: date,
        allocs: list[tuple[_Inst, int, int, int]],
        not_before: time | None,
    ) -> None:
        rand = self.rand
        principal = fee = interest = discount = 0
        for _, p, f, i in allocs:
            principal += p
            fee += f
            interest += i
        r = rand()
        if interest and r < 0.15:  # the cashier waives the interest of a small delay
            parts = [(inst, p, f, 0, i) for inst, p, f, i in allocs]
            discount, interest = interest, 0
        elif fee and r < 0.18:  # … or the whole late charge
            parts = [(inst, p, 0, 0, f + i) for inst, p, f, i in allocs]
            discount, fee, interest = fee + interest, 0, 0
        else:
            parts = [(inst, p, f, i, 0) for inst, p, f, i in allocs]
        amount = principal + fee + interest
        operator = self.owner_id if rand() < 0.2 else self.cashier_id
        authorized = (
            self.owner_id if operator == self.cashier_id and discount > self.waiver_limit else None
        )
        r = rand()
        method = "cash" if r < 0.40 else "pix" if r < 0.75 else "debit" if r < 0.92 else "credit"
        tendered = change = None
        if method == "cash":
            step = 1_000 if amount <= 5_000 else 5_000 if amount <= 20_000 else 10_000
            tendered = amount if rand() < 0.35 else -(-amount // step) * step
            change = tendered - amount
        reversal = rand() < 0.003
        if reversal and not_before is None:
            not_before = time(8, 15)
        at = self._at(day, not_before=not_before)
        if reversal:
            # Entered with the wrong method, reversed (estorno) and entered again: nothing is
            # deleted, the installment's history shows all three.
            wrong = "cash" if method != "cash" else "pix"
            mistaken = self._payment(
                customer.id, at - timedelta(minutes=7), amount, principal, fee, interest,
                discount, wrong, None, None, operator, authorized, parts,
            )  # fmt: skip
            undo = self._payment(
                customer.id, at - timedelta(minutes=3), -amount, -principal, -fee, -interest,
                -discount, wrong, None, None, operator,
                self.owner_id if operator == self.cashier_id else None,
                [(p[0], -p[1], -p[2], -p[3], -p[4]) for p in parts],
            )  # fmt: skip
            undo.reverses = mistaken
            undo.reason = data.REVERSAL_REASON
            for inst, *_ in parts:
                inst.touches += 2
        payment = self._payment(
            customer.id, at, amount, principal, fee, interest, discount, method, tendered,
            change, operator, authorized, parts,
        )  # fmt: skip
        if rand() < 0.01:
            payment.notes = self._one(data.PAYMENT_NOTES)
        for inst, part, *_ in parts:
            inst.paid += part
            inst.touches += 1
            if inst.paid == inst.amount:
                inst.status = "paid"
                inst.settled_on = day

    def _payment(
        self,
        customer_id: int,
        at: datetime,
        amount: int,
        principal: int,
        fee: int,
        interest: int,
        discount: int,
        method: str,
        tendered: int | None,
        change: int | None,
        operator: int,
        authorized: int | None,
        allocs: list[tuple[_Inst, int, int, int, int]],
    ) -> _Pay:
        payment = _Pay(
            customer_id, at, amount, principal, fee, interest, discount,
            method, tendered, change, operator, authorized, allocs,
        )  # fmt: skip
        self.payments.append(payment)
        return payment

    def _renegotiate(self, customer: _Cust, day: date) -> None:
        """An agreement replaces every open installment: principal + fees + interest − discount."""
        rng = self.rng
        old = [
            inst
            for sale in customer.sales
            if not sale.cancelled
            for inst in sale.insts
            if inst.status == "open"
        ]
        if not old:
            return
        principal = fees = interest = 0
        for inst in old:
            open_principal = inst.amount - inst.paid
            principal += open_principal
            fee, late = self._charges(open_principal, inst.due, day)
            fees += fee
            interest += late
        r = rng.random()
        discount = 0 if r < 0.4 else interest // 2 if r < 0.8 else interest
        operator = self._operator(0.6)
        authorized = self.owner_id if operator == self.cashier_id and discount else None
        created_at = self._at(day)
        created_at = min(created_at, datetime.combine(day, time(12)))
        agreement = _Agreement(
            id=customer.agreement_id,
            customer_id=customer.id,
            agreed_on=day,
            created_at=created_at,
            principal=principal,
            fees=fees,
            interest=interest,
            discount=discount,
            count=0,
            operator_id=operator,
            authorized_by_id=authorized,
            notes=self._one(data.AGREEMENT_NOTES),
        )
        total = agreement.total
        options = [n for n in (2, 3, 4, 5, 6, 8, 10) if total // n >= 3_000] or [1]
        count = self._one(options)
        with_entry = rng.random() < 0.5  # the first installment paid at the counter, as entry
        first_due = day if with_entry else add_months(day, 1)
        plan = split_installments(_reais(total), count, first_due)
        agreement.count = count
        for inst in old:
            inst.status = "renegotiated"
            inst.renegotiated_into = agreement
            inst.touches += 1
        for number, (due, amount) in enumerate(plan, start=1):
            agreement.insts.append(
                _Inst(0, customer.id, None, agreement, number, count, due, _cents(amount))
            )
        self.agreements.append(agreement)
        customer.agreements.append(agreement)
        keeps = rng.random() < 0.7
        first_kept = 1 if with_entry else 0
        stops_at = count if keeps else self._int(first_kept, max(count - 1, first_kept))
        pay_plan: list[tuple[date, _Inst, int]] = []
        earliest = day + timedelta(days=1)
        for inst in agreement.insts[:stops_at]:
            if with_entry and inst.number == 1:
                pay = day
            else:
                pay = self._pay_day(_PUNCTUAL if keeps else _SLIGHTLY_LATE, inst.due, earliest)
            if pay >= self.today:
                break
            pay_plan.append((pay, inst, inst.amount))
            earliest = pay
        self._receive(customer, pay_plan, {day: created_at.time()})
        unpaid = [inst for inst in agreement.insts if inst.status == "open"]
        if not unpaid:
            agreement.status = "fulfilled"
            agreement.fulfilled_on = max(i.settled_on for i in agreement.insts if i.settled_on)
        elif not keeps and (self.today - unpaid[0].due).days > 30:
            agreement.status = "broken"
            agreement.broken_on = unpaid[0].due + timedelta(days=31)

    # -- collection log ---------------------------------------------------------------------------

    def _collection_log(self, customer: _Cust) -> None:
        """Contacts and promises while something was overdue; then blocks and bureau reports."""
        rng = self.rng
        today = self.today
        episodes: list[tuple[date, date, bool, _Inst]] = []
        insts = [i for s in customer.sales for i in s.insts]
        insts += [i for a in customer.agreements for i in a.insts]
        for inst in insts:
            status = inst.status
            if status == "paid":
                assert inst.settled_on is not None
                end, paid = inst.settled_on, True
            elif status == "renegotiated":
                assert inst.renegotiated_into is not None
                end, paid = inst.renegotiated_into.agreed_on, False
            elif status == "written_off":
                assert inst.written_off_on is not None
                end, paid = inst.written_off_on, False
            elif status == "open":
                end, paid = today, False
            else:
                continue
            if (end - inst.due).days < 5:
                continue
            episodes.append((inst.due + timedelta(days=3), end, paid, inst))
        if episodes:
            episodes.sort(key=lambda e: e[0])
            merged: list[list[Any]] = []
            for start, end, paid, inst in episodes:
                if merged and start < merged[-1][1]:
                    if end >= merged[-1][1]:
                        merged[-1][1], merged[-1][2] = end, paid
                else:
                    merged.append([start, end, paid, inst])
            used: set[date] = set()
            for start, end, paid, inst in merged:
                self._contacts(customer, start, end, paid, inst, used)
        oldest = min((i.due for i in insts if i.status == "open" and i.due < today), default=None)
        days_late = (today - oldest).days if oldest is not None else 0
        if customer.write_off_on is not None or days_late > 90:
            customer.blocked = True
        first_unpaid = customer.stop if customer.write_off_on is not None else oldest
        if first_unpaid is not None and (
            customer.write_off_on is not None or (days_late > 60 and rng.random() < 0.7)
        ):
            reported = self.cal.next_open(first_unpaid + timedelta(days=self._int(50, 60)))
            notice = self.cal.next_contact_day(reported - timedelta(days=15))
            # The written notice comes at least NOTICE_DAYS before the report (CDC art. 43 §2).
            reported = max(reported, self.cal.next_open(notice + timedelta(days=NOTICE_DAYS)))
            if reported < (customer.write_off_on or today):
                customer.bureau_on = reported
                letter = self.cal.next_contact_day(first_unpaid + timedelta(days=15))
                if letter < notice:  # the friendly letter of D+15, before the formal notice
                    self._contact(customer.id, datetime.combine(letter, time(10)), "letter",
                                  "sent", None, _COLLECTION_LETTER_NOTE, self.owner_id,
                                  COLLECTION_LETTER)  # fmt: skip
                self._contact(customer.id, self._contact_at(notice), "letter", "sent",
                              None, data.BUREAU_NOTICE_NOTE, self.owner_id,
                              BUREAU_NOTICE)  # fmt: skip
        if customer.write_off_on is not None:
            customer.notes = data.WRITE_OFF_NOTE
        elif customer.behaviour == _DEFAULTER and rng.random() < 0.5:
            customer.notes = self._one(data.DEFAULTER_NOTES)
        if 8 <= days_late <= 60 and rng.random() < 0.02:
            customer.paused_since = today - timedelta(days=self._int(1, 6))
            # What paused it: the customer came to complain of a defect (services.collection).
            self._contact(customer.id, datetime.combine(customer.paused_since, time(11)),
                          "in_person", "answered", "defect", data.PAUSE_REASON,
                          self.cashier_id)  # fmt: skip
        events = [
            datetime.combine(d, time(18))
            for d in (customer.bureau_on, customer.write_off_on, customer.paused_since)
            if d is not None
        ]
        if events:
            customer.updated_at = max(events)

    def _contact(
        self,
        customer_id: int,
        at: datetime,
        channel: str,
        outcome: str,
        root_cause: str | None,
        notes: str | None,
        operator: int,
        cadence_step: str | None = None,
    ) -> _Contact:
        contact = _Contact(
            customer_id, at, channel, outcome, root_cause, notes, operator, cadence_step
        )
        self.contacts.append(contact)
        return contact

    def _contacts(
        self, customer: _Cust, start: date, end: date, paid: bool, inst: _Inst, used: set[date]
    ) -> None:
        rng = self.rng
        cal = self.cal
        today = self.today
        span = (end - start).days
        rand = self.rand
        # A short delay paid on its own often needs no contact at all.
        wanted = 0 if paid and span < 10 and rand() < 0.5 else min(1 + span // 30, 3)
        days = {
            cal.next_contact_day(start + timedelta(days=int(rand() * span))) for _ in range(wanted)
        }
        if not paid and end == today and span >= 3:
            recent = cal.next_contact_day(max(start, today - timedelta(days=6)))
            if recent < today:
                days.add(recent)
        birthday = (customer.birth.month, customer.birth.day)
        whatsapp = customer.consent and customer.phones[0][1]
        for day in sorted(days):
            if day >= end or day >= today or day in used or (day.month, day.day) == birthday:
                continue
            used.add(day)
            r = rng.random()
            if whatsapp and r < 0.55:
                channel = "whatsapp"
            elif r < 0.85:
                channel = "phone"
            else:
                channel = "sms"
            r = rng.random()
            if channel == "phone":
                outcome = (
                    "no_answer" if r < 0.40 else "answered" if r < 0.65 else "promised" if r < 0.90
                    else "wrong_number" if r < 0.95 else "refused"
                )  # fmt: skip
            else:
                outcome = "sent" if r < 0.70 else "answered" if r < 0.82 else "promised"
            recent_open = not paid and end == today and day >= today - timedelta(days=7)
            if recent_open and rng.random() < 0.45:
                outcome = "promised"
            root_cause = notes = None
            if outcome in ("answered", "promised") and rng.random() < 0.6:
                root_cause, notes = self._one(data.ROOT_CAUSE_NOTES)
            operator = self._operator(0.3)
            contact = self._contact(
                customer.id, self._contact_at(day), channel, outcome, root_cause, notes, operator
            )
            if outcome != "promised":
                continue
            promised = self.cal.next_open(day + timedelta(days=self._int(2, 8)))
            if paid and (end - day).days <= 12 and rng.random() < 0.75:
                promised = end  # most promises made close to the payment are kept
            fee, interest = self._charges(inst.amount, inst.due, promised)
            amount = inst.amount + fee + interest
            if paid and end <= promised:
                status, resolved = "kept", end
            elif promised < today:
                status, resolved = "broken", promised + timedelta(days=1)
            else:
                status, resolved = "pending", None
            self.promises.append(
                _Promise(
                    customer.id,
                    contact,
                    promised,
                    amount,
                    status,
                    resolved,
                    operator,
                )
            )

    def _settle_promises(self) -> None:
        """Promise statuses by the rules of ``services.collection``, from the receipts made.

        A promise is kept when the receipts (never reversed) from when it was made reach its
        amount by its date, broken when the date passed without that. A customer has one pending
        promise at a time: asked again while one is pending, the customer only confirms it (the
        contact is recorded as answered, with no new promise).
        """
        if not self.promises:
            return
        reversed_ids = {id(p.reverses) for p in self.payments if p.reverses is not None}
        receipts: dict[int, list[Receipt]] = {}
        for p in self.payments:
            if p.reverses is None and id(p) not in reversed_ids:
                receipts.setdefault(p.customer_id, []).append(
                    Receipt(p.at, Decimal(p.amount) / 100)
                )
        by_customer: dict[int, list[_Promise]] = {}
        for promise in self.promises:
            by_customer.setdefault(promise.customer_id, []).append(promise)
        kept: list[_Promise] = []
        for customer_id, promises in by_customer.items():
            promises.sort(key=lambda p: p.contact.at)
            paid = receipts.get(customer_id, [])

            accepted: list[_Promise] = []
            for promise in promises:
                made = promise.contact.at
                if accepted and _judge_promise(accepted[-1], paid, made.date(), made).status is (
                    PromiseStatus.PENDING
                ):
                    promise.contact.outcome = "answered"
                    continue
                accepted.append(promise)
            for promise in accepted:
                outcome = _judge_promise(promise, paid, self.today, None)
                promise.status, promise.resolved_on = outcome.status.value, outcome.resolved_on
            kept.extend(accepted)
        self.promises = kept

    # -- numbering ------------------------------------------------------------------------------

    def _number_everything(self) -> None:
        """Ids in the order things happened; cash sessions from the receipts of each day."""
        self.agreements.sort(key=lambda a: a.id)
        # Stable sorts: equal moments keep the order they were made in.
        self.payments.sort(key=attrgetter("at"))
        sessions: dict[tuple[date, int], _Session] = {}
        for number, payment in enumerate(self.payments, start=1):
            payment.id = number
            key = (payment.at.date(), payment.operator_id)
            session = sessions.get(key)
            if session is None:
                terminal = "Balcão 1" if payment.operator_id == self.cashier_id else "Balcão 2"
                session = sessions[key] = _Session(key[0], key[1], terminal)
            if payment.method == "cash":
                session.cash += payment.amount
        self.sessions = sorted(sessions.values(), key=lambda s: (s.day, s.terminal))
        for number, session in enumerate(self.sessions, start=self.first_session_id):
            session.id = number
        for payment in self.payments:
            payment.session_id = sessions[(payment.at.date(), payment.operator_id)].id
        self.contacts.sort(key=attrgetter("at"))
        for number, contact in enumerate(self.contacts, start=1):
            contact.id = number
        self.promises.sort(key=lambda p: p.contact.at)
        for number, promise in enumerate(self.promises, start=1):
            promise.id = number


def _judge_promise(
    promise: _Promise, paid: list[Receipt], today: date, before: datetime | None
) -> PromiseOutcome:
    """A demo promise judged on ``today`` from the receipts made before ``before``."""
    return promise_outcome(
        made_at=promise.contact.at,
        promised_date=promise.promised_date,
        amount=Decimal(promise.amount) / 100,
        receipts=[r for r in paid if before is None or r.at < before],
        today=today,
    )


# --- writing -------------------------------------------------------------------------------------


class _Writer:
    """Bulk inserts through the DB-API's ``executemany``, in the caller's transaction.

    At a million rows SQLAlchemy's per-row parameter handling costs more than SQLite's own insert,
    so rows arrive ready to bind: money as integer cents and rates in ten-thousandths (what
    ``Money``/``Rate`` store); dates, datetimes and booleans through :attr:`date`,
    :attr:`datetime` and :attr:`boolean`, which store exactly what the dialect's own processors
    store (checked on a sample when a faster equivalent is used).

    Writing on a second thread was measured and lost: ``sqlite3`` needs the GIL again after
    every row, so it only added hand-offs to the simulation's thread.
    """

    def __init__(self, session: Session) -> None:
        self._conn = session.connection()
        self._dialect = self._conn.dialect
        self._placeholder = "?" if self._dialect.paramstyle == "qmark" else "%s"
        self.max_ids: dict[str, int] = {}
        self.progress: Callable[[int], None] = lambda rows: None
        self.date = self._date_converter()
        self.datetime = self._datetime_converter()
        self.boolean = self._converter(Boolean())
        self._indexes: list[tuple[str, str]] = []

    # -- converters ------------------------------------------------------------------------------

    def _converter(self, column_type: Any) -> Callable[[Any], Any]:
        process = column_type.dialect_impl(self._dialect).bind_processor(self._dialect)
        return process if process is not None else _same

    def _date_converter(self) -> Callable[[date | None], Any]:
        process = self._converter(Date())
        if process is _same:
            return _same
        memo: dict[date | None, Any] = {None: None}

        def convert(value: date | None) -> Any:
            found = memo.get(value, memo)
            if found is memo:
                found = memo[value] = process(value)
            return found

        return convert

    def _datetime_converter(self) -> Callable[[datetime], Any]:
        process = self._converter(DateTime())
        sample = datetime(2001, 2, 3, 4, 5, 6)
        if process is not _same and process(sample) == _isoformat_space(sample):
            # SQLite keeps datetimes as text; isoformat() writes the same text several times
            # faster than the type's processor. Values here are naive and to the second.
            return _isoformat_space
        return process

    # -- loading ---------------------------------------------------------------------------------

    @contextmanager
    def loading(self, tables: Iterable[Table]) -> Iterator[None]:
        """Suspend what slows a bulk load down; afterwards check and restore it."""
        listed = list(tables)
        sqlite = self._dialect.name == "sqlite"
        cache = self._suspend(listed) if sqlite else None
        try:
            try:
                yield
            except SQLAlchemyError as exc:
                raise DatabaseError(f"A loja de demonstração não pôde ser gravada: {exc}") from exc
        finally:
            if sqlite:
                self._conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
                self._conn.exec_driver_sql(f"PRAGMA cache_size = {cache}")
        if sqlite:
            self._verify_checks(listed)
            for _, sql in self._indexes:
                self._conn.exec_driver_sql(sql)

    def _suspend(self, tables: list[Table]) -> int:
        """SQLite: load without secondary indexes and per-row CHECKs, with a larger page cache.

        Building an index from the finished table is several times faster than updating it at
        every random-keyed insert (customer ids, due dates), and evaluating the CHECK constraints
        in one scan per table afterwards (:meth:`_verify_checks`) costs a fifth of evaluating
        them at every insert. Foreign keys, NOT NULL and UNIQUE are enforced as usual. SQLite's
        DDL is transactional, so a failed load rolls the indexes back with the rows; the exact
        DDL the migrations created is read back from ``sqlite_master``. Returns the cache size
        to restore.
        """
        names = tuple(table.name for table in tables)
        found = self._conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(names))}) ORDER BY name",
            names,
        )
        self._indexes = [(str(name), str(sql)) for name, sql in found]
        cache = int(self._conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
        self._conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for this load
        # A flag pragma expires the connection's prepared statements, so nothing compiled
        # without the checks outlives the load (SQLite's pragma.c, OP_Expire).
        self._conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        quote = self._dialect.identifier_preparer.quote
        for name, _ in self._indexes:
            self._conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
        return cache

    def _verify_checks(self, tables: list[Table]) -> None:
        """Every CHECK constraint of the models, over every row loaded: any violation aborts."""
        preparer = self._dialect.identifier_preparer
        for table in tables:
            checks = {
                str(check.name): str(
                    check.sqltext.compile(
                        dialect=self._dialect, compile_kwargs={"literal_binds": True}
                    )
                )
                for check in table.constraints
                if isinstance(check, CheckConstraint)
            }
            if not checks:
                continue
            name = preparer.format_table(table)

            def violated(condition: str, name: str = name) -> bool:
                found = self._conn.exec_driver_sql(
                    f"SELECT 1 FROM {name} WHERE {condition} LIMIT 1"
                )
                return found.first() is not None

            if violated(" OR ".join(f"NOT ({sql})" for sql in checks.values())):
                broken = [key for key, sql in checks.items() if violated(f"NOT ({sql})")]
                raise DatabaseError(
                    "A loja de demonstração gerou dados inválidos "
                    f"({', '.join(broken)}); nada foi gravado."
                )

    def _send(self, sql: str, batch: list[tuple[Any, ...]]) -> None:
        self._conn.exec_driver_sql(sql, batch)
        self.progress(len(batch))

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert ``rows`` (id first) in batches; returns how many."""
        unknown = [name for name in columns if name not in table.c]
        if unknown:
            raise KeyError(f"{table.name} has no column {', '.join(unknown)}")
        preparer = self._dialect.identifier_preparer
        sql = (
            f"INSERT INTO {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(name) for name in columns)}) "
            f"VALUES ({', '.join([self._placeholder] * len(columns))})"
        )
        written = 0
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                written += self._insert_batch(table.name, sql, batch)
                batch = []
        if batch:
            written += self._insert_batch(table.name, sql, batch)
        return written

    def _insert_batch(self, table: str, sql: str, batch: list[tuple[Any, ...]]) -> int:
        top = max(row[0] for row in batch)
        if top > self.max_ids.get(table, 0):
            self.max_ids[table] = top
        self._send(sql, batch)
        return len(batch)

    def update(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """``UPDATE table SET columns… WHERE id = ?`` with rows (values…, id)."""
        preparer = self._dialect.identifier_preparer
        mark = self._placeholder
        assignments = ", ".join(f"{preparer.quote(name)} = {mark}" for name in columns)
        sql = f"UPDATE {preparer.format_table(table)} SET {assignments} WHERE id = {mark}"
        for start in range(0, len(rows), _BATCH):
            self._send(sql, rows[start : start + _BATCH])

    def fix_sequences(self) -> None:
        """PostgreSQL: explicit ids leave the serial sequences behind; move them past the rows."""
        if self._dialect.name != "postgresql":
            return
        for name, top in self.max_ids.items():
            self._conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"), {"t": name, "v": top}
            )


def _same(value: Any) -> Any:
    return value


def _isoformat_space(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _tables() -> dict[str, Table]:
    def table(entity: Any) -> Table:
        found = entity.__table__
        assert isinstance(found, Table)
        return found

    return {
        "customers": table(Customer),
        "phones": table(CustomerPhone),
        "sales": table(CreditSale),
        "agreements": table(Agreement),
        "installments": table(Installment),
        "sessions": table(CashSession),
        "payments": table(Payment),
        "allocations": table(PaymentAllocation),
        "contacts": table(ContactAttempt),
        "promises": table(PromiseToPay),
    }


_CUSTOMER_FLAGS: Final = (
    "notes", "blocked", "bureau_reported_on", "collection_paused_since",
    "collection_paused_reason", "updated_at",
)  # fmt: skip


def _write_planned(shop: _Shop, writer: _Writer, tables: dict[str, Table]) -> None:
    """Customers, phones and sales: known once planned."""
    as_date, as_time, as_bool = writer.date, writer.datetime, writer.boolean
    city, uf, no = data.CITY, data.UF, as_bool(False)
    writer.insert(
        tables["customers"],
        ("id", "name", "name_search", "cpf", "birth_date", "email", "cep", "street", "number",
         "complement", "district", "city", "uf", "credit_limit", "notes", "contact_consent",
         "blocked", "in_court", "created_at"),
        ((c.id, c.name, normalize_name(c.name), c.cpf, as_date(c.birth), c.email, c.cep,
          c.street, c.number, c.complement, c.district, city, uf, c.limit, c.notes,
          as_bool(c.consent), no, no, as_time(c.created_at))
         for c in shop.customers),
    )  # fmt: skip

    def phones() -> Iterator[tuple[Any, ...]]:
        number = 0
        for c in shop.customers:
            for position, (phone, whatsapp, label) in enumerate(c.phones):
                number += 1
                yield (number, c.id, phone, as_bool(whatsapp), label, position)

    writer.insert(
        tables["phones"], ("id", "customer_id", "number", "whatsapp", "label", "position"),
        phones(),
    )  # fmt: skip
    owner = shop.owner_id
    writer.insert(
        tables["sales"],
        ("id", "customer_id", "sold_on", "description", "cash_price", "down_payment",
         "financed_amount", "monthly_rate", "cet_yearly", "installment_count", "status",
         "operator_id", "credit_override_by_id", "credit_override_reason", "created_at"),
        ((s.id, s.customer.id, as_date(s.sold_at.date()), s.description, s.price, s.down,
          s.price - s.down, s.rate, s.cet, len(s.amounts),
          "cancelled" if s.cancelled else "active", s.operator_id, owner if s.override else None,
          data.OVERRIDE_REASON if s.override else None, as_time(s.sold_at))
         for s in shop.sales),
    )  # fmt: skip


def _write_customers(chunk: list[_Cust], writer: _Writer, tables: dict[str, Table]) -> None:
    """What the simulation decided for some customers: flags, agreements, installments."""
    as_date, as_time, as_bool = writer.date, writer.datetime, writer.boolean
    flagged = [
        (c.notes, as_bool(c.blocked), as_date(c.bureau_on), as_date(c.paused_since),
         data.PAUSE_REASON if c.paused_since else None,
         as_time(c.updated_at) if c.updated_at else None, c.id)
        for c in chunk
        if c.updated_at is not None or c.blocked or c.notes
    ]  # fmt: skip
    writer.update(tables["customers"], _CUSTOMER_FLAGS, flagged)
    writer.insert(
        tables["agreements"],
        ("id", "customer_id", "agreed_on", "status", "principal", "fees", "interest", "discount",
         "total", "down_payment", "installment_count", "monthly_rate", "broken_on",
         "fulfilled_on", "operator_id", "authorized_by_id", "notes", "created_at"),
        ((a.id, a.customer_id, as_date(a.agreed_on), a.status, a.principal, a.fees, a.interest,
          a.discount, a.total, 0, a.count, 0, as_date(a.broken_on), as_date(a.fulfilled_on),
          a.operator_id, a.authorized_by_id, a.notes, as_time(a.created_at))
         for c in chunk for a in c.agreements),
    )  # fmt: skip
    reason = data.WRITE_OFF_REASON

    def installments() -> Iterator[tuple[Any, ...]]:
        for c in chunk:
            insts = [i for s in c.sales for i in s.insts] + [
                i for a in c.agreements for i in a.insts
            ]
            for i in insts:
                sale, agreement, into = i.sale, i.agreement, i.renegotiated_into
                yield (
                    i.id, i.customer_id, sale.id if sale else None,
                    agreement.id if agreement else None, i.number, i.count, as_date(i.due),
                    i.amount, i.paid, i.status, as_date(i.settled_on),
                    into.id if into else None, as_date(i.written_off_on),
                    reason if i.written_off_on else None, slip_code_for(i.id), 1 + i.touches,
                )  # fmt: skip

    writer.insert(
        tables["installments"],
        ("id", "customer_id", "sale_id", "agreement_id", "number", "count", "due_date", "amount",
         "principal_paid", "status", "settled_on", "renegotiated_into_id", "written_off_on",
         "write_off_reason", "slip_code", "version"),
        installments(),
    )  # fmt: skip


def _write_receipts(shop: _Shop, writer: _Writer, tables: dict[str, Table]) -> None:
    """Cash sessions, receipts and the collection log: numbered once everyone was simulated."""
    as_date, as_time, as_bool = writer.date, writer.datetime, writer.boolean

    def sessions() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(shop.rng.random())
        for s in shop.sessions:
            saturday = s.day.weekday() == 5
            opened = datetime.combine(s.day, time(7, 50 + rng.randrange(10)))
            closed = datetime.combine(s.day, time(13 if saturday else 18, 5 + rng.randrange(20)))
            expected = _OPENING_FLOAT + s.cash
            counted, notes = expected, None
            if rng.random() < 0.04:
                counted = expected - rng.choice((50, 100, 200, 500))
                notes = data.CASH_DIFFERENCE_NOTE
            yield (s.id, s.operator_id, s.terminal, as_time(opened), _OPENING_FLOAT,
                   as_time(closed), counted, expected, notes)  # fmt: skip

    writer.insert(
        tables["sessions"],
        ("id", "operator_id", "terminal", "opened_at", "opening_float", "closed_at",
         "counted_cash", "expected_cash", "notes"),
        sessions(),
    )  # fmt: skip
    no = as_bool(False)
    writer.insert(
        tables["payments"],
        ("id", "customer_id", "received_at", "amount", "principal", "fee", "interest",
         "discount", "method", "tendered", "change_given", "operator_id", "authorized_by_id",
         "cash_session_id", "reverses_id", "reversal_reason", "is_recovery", "notes"),
        ((p.id, p.customer_id, as_time(p.at), p.amount, p.principal, p.fee, p.interest, p.discount,
          p.method, p.tendered, p.change, p.operator_id, p.authorized_by_id, p.session_id,
          p.reverses.id if p.reverses else None, p.reason, no, p.notes)
         for p in shop.payments),
    )  # fmt: skip

    def allocations() -> Iterator[tuple[Any, ...]]:
        number = 0
        for p in shop.payments:
            pid = p.id
            for inst, principal, fee, interest, discount in p.allocs:
                number += 1
                yield (number, pid, inst.id, principal, fee, interest, discount)

    writer.insert(
        tables["allocations"],
        ("id", "payment_id", "installment_id", "principal", "fee", "interest", "discount"),
        allocations(),
    )  # fmt: skip
    writer.insert(
        tables["contacts"],
        ("id", "customer_id", "at", "channel", "outcome", "root_cause", "notes", "operator_id",
         "cadence_step"),
        ((c.id, c.customer_id, as_time(c.at), c.channel, c.outcome, c.root_cause, c.notes,
          c.operator_id, c.cadence_step) for c in shop.contacts),
    )  # fmt: skip
    writer.insert(
        tables["promises"],
        ("id", "customer_id", "made_at", "promised_date", "amount", "status", "resolved_on",
         "contact_attempt_id", "operator_id"),
        ((p.id, p.customer_id, as_time(p.contact.at), as_date(p.promised_date), p.amount, p.status,
          as_date(p.resolved_on), p.contact.id, p.operator_id) for p in shop.promises),
    )  # fmt: skip


def _summary(shop: _Shop) -> DemoSummary:
    return DemoSummary(
        customers=len(shop.customers),
        sales=len(shop.sales),
        installments=sum(len(s.insts) for s in shop.sales)
        + sum(len(a.insts) for a in shop.agreements),
        payments=len(shop.payments),
        agreements=len(shop.agreements),
        allocations=sum(len(p.allocs) for p in shop.payments),
        contact_attempts=len(shop.contacts),
        promises=len(shop.promises),
        cash_sessions=len(shop.sessions),
        written_off=sum(1 for s in shop.sales for i in s.insts if i.status == "written_off"),
    )


# --- shop identity and users ---------------------------------------------------------------------


def shop_identity() -> ShopIdentity:
    """The demo shop as printed on its slips and letters (CDC art. 42-A)."""
    cnpj = data.SHOP_CNPJ_BASE + stdnum_cnpj.calc_check_digits(data.SHOP_CNPJ_BASE)
    return ShopIdentity(
        name=data.SHOP_NAME,
        document=cnpj,
        street=data.SHOP_STREET,
        number=data.SHOP_NUMBER,
        district=data.SHOP_DISTRICT,
        city=data.CITY,
        uf=data.UF,
        cep=data.SHOP_CEP,
        phone=data.SHOP_PHONE,
        email=data.SHOP_EMAIL,
    )


def _ensure_users(session: Session, created_at: datetime) -> dict[str, int]:
    existing = {
        user.username: user.id
        for user in session.scalars(
            select(User).where(User.username.in_([u.username for u in DEMO_USERS]))
        )
    }
    missing = [u for u in DEMO_USERS if u.username not in existing]
    if missing:
        # One Argon2 hash for both logins: they share the password and each hash costs ~33 ms.
        password_hash = hash_password(missing[0].password)
        for demo_user in missing:
            shared = demo_user.password == missing[0].password
            user = User(
                username=demo_user.username,
                full_name=demo_user.full_name,
                role=demo_user.role,
                password_hash=password_hash if shared else hash_password(demo_user.password),
                active=True,
                failed_logins=0,
                created_at=created_at,
            )
            session.add(user)
            session.flush()
            existing[demo_user.username] = user.id
    return existing


def _ensure_settings(session: Session, owner_id: int, now: datetime) -> None:
    identity = shop_identity()
    if session.get(Setting, "identity") is None:
        settings_service.save_section(session, "identity", identity, user_id=owner_id, now=now)
    if session.get(Setting, "pix") is None:
        pix = PixSettings(identity.document, data.PIX_MERCHANT_NAME, data.PIX_MERCHANT_CITY)
        settings_service.save_section(session, "pix", pix, user_id=owner_id, now=now)


# --- public API ----------------------------------------------------------------------------------


def generate(
    db: Database,
    *,
    customers: int,
    sales: int,
    today: date,
    seed: int = DEMO_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with a plausible shop, all in one transaction.

    Also creates the shop identity, its Pix key and the :data:`DEMO_USERS` when missing. Refuses
    (:class:`DemoRefused`) a database that already has customers. ``progress(done, total)`` counts
    in customers, through planning, simulation and writing.
    """
    if customers < 0 or sales < 0:
        raise ValueError("Informe quantidades positivas de clientes e vendas.")
    if sales and not customers:
        raise ValueError("Para gerar vendas é preciso ao menos um cliente.")
    if "customers" not in inspect(db.engine).get_table_names():
        raise DatabaseError("O banco ainda não tem as tabelas do Crediário: atualize o esquema.")
    reporter = _Progress(progress, customers)
    reporter.at(0.0)
    # Millions of small objects live until the end: the cyclic collector would rescan them over
    # and over (a third of the planning time at 100,000 customers). They are freed afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(db, customers, sales, today, seed, reporter)
    finally:
        if collecting:
            gc.enable()


def _generate(
    db: Database, customers: int, sales: int, today: date, seed: int, reporter: _Progress
) -> DemoSummary:
    setup_at = datetime.combine(add_months(today, -73), time(8))
    with db.unit_of_work(write=True) as uow:
        session = uow.session
        if session.scalar(select(func.count()).select_from(Customer)):
            raise DemoRefused(
                "Este banco já tem clientes: a loja de demonstração só é criada em um banco "
                "vazio. Nada foi alterado."
            )
        users = _ensure_users(session, setup_at)
        owner_id, cashier_id = users["dono"], users["caixa"]
        _ensure_settings(session, owner_id, datetime.combine(today, time(7, 30)))
        shop = _Shop(
            customers=customers,
            sales=sales,
            today=today,
            seed=seed,
            owner_id=owner_id,
            cashier_id=cashier_id,
            # Cash sessions do not depend on customers, so a new shop may already have one.
            first_session_id=(session.scalar(select(func.max(CashSession.id))) or 0) + 1,
            progress=reporter,
        )
        shop.plan()
        tables = _tables()
        writer = _Writer(session)
        with writer.loading(tables.values()):
            _write_planned(shop, writer, tables)
            shop.simulate(lambda chunk: _write_customers(chunk, writer, tables))
            rows = max(1, len(shop.payments) * 2 + len(shop.contacts))
            done = 0

            def advance(count: int) -> None:
                nonlocal done
                done += count
                reporter.at(0.75 + 0.25 * min(done / rows, 1.0))

            writer.progress = advance
            _write_receipts(shop, writer, tables)
        writer.fix_sequences()
        summary = _summary(shop)
        audit.record(
            session,
            at=datetime.combine(today, time(7, 30)),
            user_id=owner_id,
            action="demo.generate",
            entity="demo",
            after={
                "seed": seed,
                "today": today,
                **dataclasses.asdict(summary),
            },
        )
        uow.commit()
    reporter.at(1.0)
    return summary


def create_demo_shop(
    db: Database,
    *,
    today: date,
    seed: int = DEMO_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """The shop ``python main.py --demo`` opens: 300 customers and about 750 sales."""
    return generate(
        db, customers=DEMO_CUSTOMERS, sales=DEMO_SALES, today=today, seed=seed, progress=progress
    )
