"""The agreements list (issue 6 §6): each agreement with what it has recovered, by status.

Read-only and aggregated in SQL (ENGINEERING.md: loading entities and adding them up in Python
costs 33–75×). "Recuperado" is the money actually received on the agreement's installments —
principal, late fee and interest of every payment allocated to them, reversals (estornos)
netting out — so it is what the renegotiation brought into the till.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Subquery, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from models import Agreement, Customer, Installment, InstallmentStatus
from models.base import Money
from models.enums import AgreementStatus
from models.payments import PaymentAllocation
from services.agreements import Debt, debt_for

__all__ = [
    "AgreementRow",
    "StatusTotal",
    "agreement_rows",
    "open_debt",
    "status_totals",
]

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AgreementRow:
    agreement_id: int
    customer_id: int
    name: str
    agreed_on: date
    status: AgreementStatus
    total: Decimal  # the agreed debt (Agreement.total)
    recovered: Decimal  # money received on its installments, net of reversals
    open_balance: Decimal  # open principal of its installments still being collected
    paid_count: int
    installment_count: int  # every installment of it, down payment included
    broken_on: date | None
    fulfilled_on: date | None


@dataclass(frozen=True)
class StatusTotal:
    status: AgreementStatus
    count: int
    total: Decimal
    recovered: Decimal
    open_balance: Decimal


def _recovered_by_agreement() -> Subquery:
    # The allocation's principal + fee + interest is the money of that payment imputed to the
    # installment (Payment.amount = principal + fee + interest); a reversal's are negative.
    return (
        select(
            Installment.agreement_id.label("agreement_id"),
            func.sum(
                PaymentAllocation.principal + PaymentAllocation.fee + PaymentAllocation.interest
            ).label("recovered"),
        )
        .join(PaymentAllocation, PaymentAllocation.installment_id == Installment.id)
        .where(Installment.agreement_id.is_not(None))
        .group_by(Installment.agreement_id)
        .subquery()
    )


def _installments_by_agreement() -> Subquery:
    is_open = Installment.status == InstallmentStatus.OPEN
    return (
        select(
            Installment.agreement_id.label("agreement_id"),
            func.count().label("installments"),
            func.sum(case((Installment.status == InstallmentStatus.PAID, 1), else_=0)).label(
                "paid"
            ),
            func.sum(
                case((is_open, Installment.amount - Installment.principal_paid), else_=0)
            ).label("open_balance"),
        )
        .where(Installment.agreement_id.is_not(None))
        .group_by(Installment.agreement_id)
        .subquery()
    )


def agreement_rows(
    session: Session, status: AgreementStatus | None = None, *, limit: int | None = None
) -> list[AgreementRow]:
    """Agreements (of one ``status``, or all), the newest first."""
    money = _recovered_by_agreement()
    insts = _installments_by_agreement()
    stmt = (
        select(
            Agreement.id,
            Agreement.customer_id,
            Customer.name,
            Agreement.agreed_on,
            Agreement.status,
            Agreement.total,
            type_coerce(func.coalesce(money.c.recovered, literal(0)), Money),
            type_coerce(func.coalesce(insts.c.open_balance, literal(0)), Money),
            func.coalesce(insts.c.paid, literal(0)),
            func.coalesce(insts.c.installments, literal(0)),
            Agreement.broken_on,
            Agreement.fulfilled_on,
        )
        .join(Customer, Customer.id == Agreement.customer_id)
        .outerjoin(money, money.c.agreement_id == Agreement.id)
        .outerjoin(insts, insts.c.agreement_id == Agreement.id)
        .order_by(Agreement.agreed_on.desc(), Agreement.id.desc())
    )
    if status is not None:
        stmt = stmt.where(Agreement.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        AgreementRow(
            agreement_id=row[0],
            customer_id=row[1],
            name=row[2],
            agreed_on=row[3],
            status=row[4],
            total=row[5],
            recovered=row[6],
            open_balance=row[7],
            paid_count=int(row[8]),
            installment_count=int(row[9]),
            broken_on=row[10],
            fulfilled_on=row[11],
        )
        for row in session.execute(stmt)
    ]


def status_totals(session: Session) -> dict[AgreementStatus, StatusTotal]:
    """For every status (none missing): how many agreements, their agreed total, what they
    recovered and what is still open."""
    money = _recovered_by_agreement()
    insts = _installments_by_agreement()
    stmt = (
        select(
            Agreement.status,
            func.count(Agreement.id),
            type_coerce(func.coalesce(func.sum(Agreement.total), literal(0)), Money),
            type_coerce(func.coalesce(func.sum(money.c.recovered), literal(0)), Money),
            type_coerce(func.coalesce(func.sum(insts.c.open_balance), literal(0)), Money),
        )
        .outerjoin(money, money.c.agreement_id == Agreement.id)
        .outerjoin(insts, insts.c.agreement_id == Agreement.id)
        .group_by(Agreement.status)
    )
    found = {
        row[0]: StatusTotal(row[0], int(row[1]), row[2], row[3], row[4])
        for row in session.execute(stmt)
    }
    return {
        status: found.get(status, StatusTotal(status, 0, _ZERO, _ZERO, _ZERO))
        for status in AgreementStatus
    }


def open_debt(session: Session, customer_id: int, on: date) -> Debt | None:
    """Every open installment of the customer updated to ``on`` (what a write-off would stop
    collecting), or None when nothing is open."""
    ids = list(
        session.scalars(
            select(Installment.id)
            .where(
                Installment.customer_id == customer_id,
                Installment.status == InstallmentStatus.OPEN,
            )
            .order_by(Installment.due_date, Installment.id)
        )
    )
    return debt_for(session, customer_id, ids, on=on) if ids else None
