"""Closed vocabularies stored in the database (values are the stored strings)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CASHIER = "cashier"
    OWNER = "owner"


class InstallmentStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    RENEGOTIATED = "renegotiated"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    PIX = "pix"
    DEBIT = "debit"
    CREDIT = "credit"
    OTHER = "other"


class SaleStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class AgreementStatus(enum.StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class ContactChannel(enum.StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"


class ContactOutcome(enum.StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    PROMISED = "promised"
    REFUSED = "refused"
    PAID = "paid"
    SENT = "sent"


class RootCause(enum.StrEnum):
    FORGOT = "forgot"
    UNEMPLOYMENT = "unemployment"
    HEALTH = "health"
    DEFECT = "defect"
    DISPUTE = "dispute"
    OTHER = "other"


class PromiseStatus(enum.StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"
