"""Payments (and their reversals), how each is spread over installments, and cash sessions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LocalDateTime, Money, str_enum
from models.enums import PaymentMethod


class CashSession(Base):
    """A cashier's shift at one terminal, from the opening float to the counted close."""

    __tablename__ = "cash_sessions"
    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="opening_float_non_negative"),
        CheckConstraint("closed_at IS NULL OR closed_at >= opened_at", name="closes_after_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    terminal: Mapped[str] = mapped_column(String(60))
    opened_at: Mapped[datetime] = mapped_column(LocalDateTime, index=True)
    opening_float: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    closed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    counted_cash: Mapped[Decimal | None] = mapped_column(Money)
    expected_cash: Mapped[Decimal | None] = mapped_column(Money)
    notes: Mapped[str | None] = mapped_column(Text)


class Payment(Base):
    """Money received at the counter, or the reversal (estorno) of such an entry.

    A reversal is a new row with the opposite amounts pointing at the original, which is never
    changed or deleted. ``amount`` = principal + fee + interest; ``discount`` is what was waived;
    ``rebate`` is the interest taken off installments settled before their due date (CDC art. 52
    §2): principal no longer owed, though no money came in for it.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount = principal + fee + interest", name="amount_adds_up"),
        CheckConstraint(
            "(reverses_id IS NULL AND amount > 0 AND principal >= 0 AND fee >= 0 "
            "AND interest >= 0 AND discount >= 0) OR "
            "(reverses_id IS NOT NULL AND amount < 0 AND principal <= 0 AND fee <= 0 "
            "AND interest <= 0 AND discount <= 0)",
            name="signs_match_kind",
        ),
        CheckConstraint(
            "change_given IS NULL OR (tendered IS NOT NULL AND change_given >= 0)",
            name="change_needs_tendered",
        ),
        Index("ix_payments_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(LocalDateTime)
    amount: Mapped[Decimal] = mapped_column(Money)
    principal: Mapped[Decimal] = mapped_column(Money)
    fee: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    interest: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    rebate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    tendered: Mapped[Decimal | None] = mapped_column(Money)
    change_given: Mapped[Decimal | None] = mapped_column(Money)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authorized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cash_session_id: Mapped[int | None] = mapped_column(ForeignKey("cash_sessions.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    # Money received on a written-off debt is a recovery, reported apart from ordinary receipts.
    is_recovery: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", order_by="PaymentAllocation.id"
    )


class PaymentAllocation(Base):
    """The part of one payment imputed to one installment (Código Civil art. 354)."""

    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("payment_id", "installment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"), index=True)
    principal: Mapped[Decimal] = mapped_column(Money)
    fee: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    interest: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    # Early-settlement reduction (CDC art. 52 §2): settles this much principal with no money;
    # the installment's ``principal_paid`` grows by ``principal + rebate``.
    rebate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")

    payment: Mapped[Payment] = relationship(back_populates="allocations")
