"""Customers and their phones."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LocalDateTime, Money


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("length(cpf) = 11", name="cpf_has_11_digits"),
        CheckConstraint("credit_limit >= 0", name="credit_limit_non_negative"),
        CheckConstraint("uf IS NULL OR length(uf) = 2", name="uf_two_letters"),
        CheckConstraint("cep IS NULL OR length(cep) = 8", name="cep_has_8_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower-case, accent-free copy of the name: the counter search indexes this, not the name.
    name_search: Mapped[str] = mapped_column(String(120), index=True)
    cpf: Mapped[str] = mapped_column(String(11), unique=True)  # digits only, validated
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(160))
    cep: Mapped[str | None] = mapped_column(String(8))
    street: Mapped[str | None] = mapped_column(String(160))
    number: Mapped[str | None] = mapped_column(String(20))
    complement: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(80))
    city: Mapped[str | None] = mapped_column(String(80))
    uf: Mapped[str | None] = mapped_column(String(2))
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    notes: Mapped[str | None] = mapped_column(Text)
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reported to a credit bureau since this day (None when not reported now); the removal after
    # full payment (STJ Súmula 548) clears it and keeps the day it was done in
    # ``bureau_removed_on``. A later report starts a new cycle.
    bureau_reported_on: Mapped[date | None] = mapped_column(Date)
    bureau_removed_on: Mapped[date | None] = mapped_column(Date)
    protested_on: Mapped[date | None] = mapped_column(Date)
    in_court: Mapped[bool] = mapped_column(Boolean, default=False)
    collection_agency: Mapped[str | None] = mapped_column(String(120))
    # Cadence paused while a dispute or product defect is open (collection does not press on a
    # contested debt).
    collection_paused_since: Mapped[date | None] = mapped_column(Date)
    collection_paused_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    anonymized_at: Mapped[datetime | None] = mapped_column(LocalDateTime)

    phones: Mapped[list[CustomerPhone]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="CustomerPhone.position",
    )


class CustomerPhone(Base):
    __tablename__ = "customer_phones"
    __table_args__ = (CheckConstraint("length(number) IN (10, 11)", name="number_has_ddd"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(11), index=True)  # DDD + number, digits only
    whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)

    customer: Mapped[Customer] = relationship(back_populates="phones")
