"""The collection log: contact attempts and promises to pay."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LocalDateTime, Money, str_enum
from models.enums import ContactChannel, ContactOutcome, PromiseStatus, RootCause


class ContactAttempt(Base):
    __tablename__ = "contact_attempts"
    __table_args__ = (Index("ix_contact_attempts_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    at: Mapped[datetime] = mapped_column(LocalDateTime)
    channel: Mapped[ContactChannel] = mapped_column(str_enum(ContactChannel, "contact_channel"))
    outcome: Mapped[ContactOutcome] = mapped_column(str_enum(ContactOutcome, "contact_outcome"))
    root_cause: Mapped[RootCause | None] = mapped_column(str_enum(RootCause, "root_cause"))
    cadence_step: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PromiseToPay(Base):
    __tablename__ = "promises_to_pay"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_promises_to_pay_customer_date", "customer_id", "promised_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    made_at: Mapped[datetime] = mapped_column(LocalDateTime)
    promised_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[PromiseStatus] = mapped_column(
        str_enum(PromiseStatus, "promise_status"), default=PromiseStatus.PENDING
    )
    resolved_on: Mapped[date | None] = mapped_column(Date)
    contact_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("contact_attempts.id"))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
