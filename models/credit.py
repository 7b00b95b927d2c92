"""Credit sales, renegotiation agreements and the installments both create."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LocalDateTime, Money, Rate, str_enum
from models.enums import AgreementStatus, InstallmentStatus, SaleStatus

_OPEN = text("status = 'open'")


class CreditSale(Base):
    __tablename__ = "credit_sales"
    __table_args__ = (
        CheckConstraint("cash_price > 0", name="cash_price_positive"),
        CheckConstraint(
            "down_payment >= 0 AND down_payment < cash_price", name="down_payment_range"
        ),
        CheckConstraint(
            "financed_amount = cash_price - down_payment", name="financed_is_price_minus_down"
        ),
        CheckConstraint("monthly_rate >= 0", name="monthly_rate_non_negative"),
        CheckConstraint("installment_count BETWEEN 1 AND 120", name="installment_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sold_on: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(String(200))
    cash_price: Mapped[Decimal] = mapped_column(Money)
    down_payment: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    financed_amount: Mapped[Decimal] = mapped_column(Money)
    monthly_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    cet_yearly: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    installment_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[SaleStatus] = mapped_column(
        str_enum(SaleStatus, "sale_status"), default=SaleStatus.ACTIVE
    )
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The owner who approved a sale the credit check refused (recorded, never silent).
    credit_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    credit_override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)

    installments: Mapped[list[Installment]] = relationship(
        back_populates="sale",
        foreign_keys="Installment.sale_id",
        order_by="Installment.number",
    )


class Agreement(Base):
    """A renegotiation: a new plan that supersedes overdue installments (nothing is deleted)."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("total = principal + fees + interest - discount", name="total_adds_up"),
        CheckConstraint(
            "principal >= 0 AND fees >= 0 AND interest >= 0 AND discount >= 0",
            name="parts_non_negative",
        ),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("down_payment >= 0 AND down_payment <= total", name="down_payment_range"),
        CheckConstraint("installment_count BETWEEN 0 AND 120", name="installment_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    agreed_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus, "agreement_status"), default=AgreementStatus.ACTIVE
    )
    principal: Mapped[Decimal] = mapped_column(Money)
    fees: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    interest: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money)
    down_payment: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    installment_count: Mapped[int] = mapped_column(Integer)
    monthly_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    breach_clause: Mapped[str | None] = mapped_column(String(40))
    broken_on: Mapped[date | None] = mapped_column(Date)
    fulfilled_on: Mapped[date | None] = mapped_column(Date)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    authorized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)

    installments: Mapped[list[Installment]] = relationship(
        back_populates="agreement",
        foreign_keys="Installment.agreement_id",
        order_by="Installment.number",
    )


class Installment(Base):
    """One dated amount of a sale or of an agreement.

    ``principal_paid`` is kept with every payment (in the same transaction) so that band totals
    and open balances aggregate in SQL without touching payments. ``version`` makes two counters
    paying the same installment collide instead of double-charging.
    """

    __tablename__ = "installments"
    __table_args__ = (
        CheckConstraint("(sale_id IS NULL) <> (agreement_id IS NULL)", name="one_origin"),
        CheckConstraint("number BETWEEN 1 AND count", name="number_within_count"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "principal_paid >= 0 AND principal_paid <= amount", name="principal_paid_range"
        ),
        CheckConstraint(
            "status <> 'paid' OR principal_paid = amount", name="paid_means_fully_paid"
        ),
        CheckConstraint(
            "status <> 'renegotiated' OR renegotiated_into_id IS NOT NULL",
            name="renegotiated_has_agreement",
        ),
        Index("ix_installments_open_due", "due_date", sqlite_where=_OPEN, postgresql_where=_OPEN),
        Index(
            "ix_installments_open_customer_due",
            "customer_id",
            "due_date",
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("credit_sales.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    principal_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    status: Mapped[InstallmentStatus] = mapped_column(
        str_enum(InstallmentStatus, "installment_status"), default=InstallmentStatus.OPEN
    )
    settled_on: Mapped[date | None] = mapped_column(Date)
    renegotiated_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id"), index=True
    )
    written_off_on: Mapped[date | None] = mapped_column(Date)
    write_off_reason: Mapped[str | None] = mapped_column(Text)
    # Digits with a check digit, printed as the carnê's barcode; scanning it opens the installment.
    slip_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)

    sale: Mapped[CreditSale | None] = relationship(
        back_populates="installments", foreign_keys=[sale_id]
    )
    agreement: Mapped[Agreement | None] = relationship(
        back_populates="installments", foreign_keys=[agreement_id]
    )

    @property
    def open_principal(self) -> Decimal:
        return self.amount - self.principal_paid
