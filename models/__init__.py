"""SQLAlchemy entities: typed columns and database constraints, no business rules, no Qt."""

from models.audit import AuditEvent
from models.base import Base, LocalDateTime, Money, Rate
from models.collection import ContactAttempt, PromiseToPay
from models.credit import Agreement, CreditSale, Installment
from models.customers import Customer, CustomerPhone
from models.enums import (
    AgreementStatus,
    ContactChannel,
    ContactOutcome,
    InstallmentStatus,
    PaymentMethod,
    PromiseStatus,
    Role,
    RootCause,
    SaleStatus,
)
from models.payments import CashSession, Payment, PaymentAllocation
from models.shop import Setting, User

__all__ = [
    "Agreement",
    "AgreementStatus",
    "AuditEvent",
    "Base",
    "CashSession",
    "ContactAttempt",
    "ContactChannel",
    "ContactOutcome",
    "CreditSale",
    "Customer",
    "CustomerPhone",
    "Installment",
    "InstallmentStatus",
    "LocalDateTime",
    "Money",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "PromiseStatus",
    "PromiseToPay",
    "Rate",
    "Role",
    "RootCause",
    "SaleStatus",
    "Setting",
    "User",
]
