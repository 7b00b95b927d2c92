"""Acordos: renegotiating a customer's overdue debt (issue 6)."""

from ui.agreements.page import AgreementsPage

__all__ = ["AgreementsPage"]
