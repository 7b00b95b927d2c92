"""Closing the day (fechamento do dia): what came in, what was sold and what fell due.

Read-only figures for one calendar day of the shop, aggregated in SQL (ENGINEERING.md). Times
are the shop's wall-clock (``LocalDateTime``), so "the day" is ``[day 00:00, day+1 00:00)``.

Decisions, documented because the brief left them open:

- **Receipts** count every payment entry made that day, whatever day the installment was due.
  A reversal (estorno) made that day is subtracted from that day, under the method of the
  payment it undoes and the person who made the reversal (the owner) — it is money that left
  that day, whoever had received it. A payment received and reversed on the same day nets to
  zero. Recoveries on written-off debts are included and also shown apart (``recovered``).
- **New credit sales** are the sales dated that day and not cancelled.
- **Agreements** are the renegotiations dated that day and not cancelled.
- **Fell due** counts the installments whose due date is that day and that were still due then
  (open, paid or written off; not those renegotiated or cancelled); *paid* means settled by the
  end of that day.
- **Write-offs** are the installments written off that day, with the principal still open on
  them now (a later recovery lowers it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AgreementStatus,
    CreditSale,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentMethod,
    SaleStatus,
    User,
)

__all__ = [
    "AgreementTotals",
    "CashierTotals",
    "DaySummary",
    "DueTotals",
    "MethodTotals",
    "SaleTotals",
    "WriteOffTotals",
    "day_summary",
]

_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


def _cents(value: Any) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(_CENT)


def _raw(column: Any) -> Any:
    return type_coerce(column, Integer)


@dataclass(frozen=True)
class MethodTotals:
    method: PaymentMethod
    received: Decimal  # payments made that day
    reversed: Decimal  # reversals made that day, as a positive amount
    count: int  # payments (not reversals)

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed


@dataclass(frozen=True)
class CashierTotals:
    operator_id: int
    name: str
    received: Decimal
    reversed: Decimal
    count: int

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed


@dataclass(frozen=True)
class SaleTotals:
    count: int
    cash_price: Decimal
    down_payment: Decimal
    financed: Decimal


@dataclass(frozen=True)
class AgreementTotals:
    count: int
    principal: Decimal
    discount: Decimal
    total: Decimal
    down_payment: Decimal


@dataclass(frozen=True)
class DueTotals:
    count: int
    amount: Decimal
    paid_count: int  # settled by the end of the day
    paid_amount: Decimal
    open_principal: Decimal  # what is still open on the others, now

    @property
    def unpaid_count(self) -> int:
        return self.count - self.paid_count


@dataclass(frozen=True)
class WriteOffTotals:
    count: int
    open_principal: Decimal


@dataclass(frozen=True)
class DaySummary:
    day: date
    by_method: tuple[MethodTotals, ...]  # every method, in PaymentMethod order
    by_cashier: tuple[CashierTotals, ...]  # whoever made entries that day, by name
    principal: Decimal  # net of reversals: how the day's receipts split
    fee: Decimal
    interest: Decimal
    discount: Decimal  # late charges waived
    recovered: Decimal  # net received on written-off debts (included in the totals)
    sales: SaleTotals
    agreements: AgreementTotals
    fell_due: DueTotals
    write_offs: WriteOffTotals

    @property
    def received(self) -> Decimal:
        return sum((m.received for m in self.by_method), _ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((m.reversed for m in self.by_method), _ZERO)

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed

    def method(self, method: PaymentMethod) -> MethodTotals:
        return next(m for m in self.by_method if m.method is method)

    @property
    def method_totals(self) -> Mapping[PaymentMethod, Decimal]:
        return {m.method: m.net for m in self.by_method}


def day_summary(session: Session, day: date) -> DaySummary:
    """The day's closing figures; see the module doc for what each one counts."""
    start = datetime.combine(day, time())
    end = datetime.combine(day + timedelta(days=1), time())
    conn = session.connection()
    in_day = and_(Payment.received_at >= start, Payment.received_at < end)
    is_reversal = Payment.reverses_id.is_not(None)

    # A reversal carries its original's method, so grouping by method needs no join.
    methods: dict[PaymentMethod, MethodTotals] = {}
    for method, got, undone, count in conn.execute(
        select(
            Payment.method,
            func.sum(case((is_reversal, 0), else_=_raw(Payment.amount))),
            func.sum(case((is_reversal, -_raw(Payment.amount)), else_=0)),
            func.sum(case((is_reversal, 0), else_=1)),
        )
        .where(in_day)
        .group_by(Payment.method)
    ):
        methods[method] = MethodTotals(method, _cents(got), _cents(undone), int(count or 0))
    by_method = tuple(methods.get(m, MethodTotals(m, _ZERO, _ZERO, 0)) for m in PaymentMethod)

    cashiers = [
        CashierTotals(operator_id, name, _cents(got), _cents(undone), int(count or 0))
        for operator_id, name, got, undone, count in conn.execute(
            select(
                Payment.operator_id,
                User.full_name,
                func.sum(case((is_reversal, 0), else_=_raw(Payment.amount))),
                func.sum(case((is_reversal, -_raw(Payment.amount)), else_=0)),
                func.sum(case((is_reversal, 0), else_=1)),
            )
            .join(User, User.id == Payment.operator_id)
            .where(in_day)
            .group_by(Payment.operator_id, User.full_name)
        )
    ]
    cashiers.sort(key=lambda c: (c.name.casefold(), c.operator_id))

    principal, fee, interest, discount, recovered = conn.execute(
        select(
            func.sum(_raw(Payment.principal)),
            func.sum(_raw(Payment.fee)),
            func.sum(_raw(Payment.interest)),
            func.sum(_raw(Payment.discount)),
            func.sum(case((Payment.is_recovery, _raw(Payment.amount)), else_=0)),
        ).where(in_day)
    ).one()

    sale = conn.execute(
        select(
            func.count(),
            func.sum(_raw(CreditSale.cash_price)),
            func.sum(_raw(CreditSale.down_payment)),
            func.sum(_raw(CreditSale.financed_amount)),
        ).where(CreditSale.sold_on == day, CreditSale.status != SaleStatus.CANCELLED)
    ).one()
    agreement = conn.execute(
        select(
            func.count(),
            func.sum(_raw(Agreement.principal)),
            func.sum(_raw(Agreement.discount)),
            func.sum(_raw(Agreement.total)),
            func.sum(_raw(Agreement.down_payment)),
        ).where(Agreement.agreed_on == day, Agreement.status != AgreementStatus.CANCELLED)
    ).one()

    paid_by_then = and_(Installment.status == InstallmentStatus.PAID, Installment.settled_on <= day)
    due = conn.execute(
        select(
            func.count(),
            func.sum(_raw(Installment.amount)),
            func.sum(case((paid_by_then, 1), else_=0)),
            func.sum(case((paid_by_then, _raw(Installment.amount)), else_=0)),
            func.sum(
                case(
                    (paid_by_then, 0),
                    else_=_raw(Installment.amount) - _raw(Installment.principal_paid),
                )
            ),
        ).where(
            Installment.due_date == day,
            Installment.status.in_(
                (InstallmentStatus.OPEN, InstallmentStatus.PAID, InstallmentStatus.WRITTEN_OFF)
            ),
        )
    ).one()
    written_off = conn.execute(
        select(
            func.count(),
            func.sum(_raw(Installment.amount) - _raw(Installment.principal_paid)),
        ).where(Installment.written_off_on == day)
    ).one()

    return DaySummary(
        day=day,
        by_method=by_method,
        by_cashier=tuple(cashiers),
        principal=_cents(principal),
        fee=_cents(fee),
        interest=_cents(interest),
        discount=_cents(discount),
        recovered=_cents(recovered),
        sales=SaleTotals(int(sale[0]), _cents(sale[1]), _cents(sale[2]), _cents(sale[3])),
        agreements=AgreementTotals(
            int(agreement[0]),
            _cents(agreement[1]),
            _cents(agreement[2]),
            _cents(agreement[3]),
            _cents(agreement[4]),
        ),
        fell_due=DueTotals(
            int(due[0]), _cents(due[1]), int(due[2] or 0), _cents(due[3]), _cents(due[4])
        ),
        write_offs=WriteOffTotals(int(written_off[0]), _cents(written_off[1])),
    )
