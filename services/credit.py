"""Credit check before a sale on installments.

Every failing rule gives its own reason, so the cashier can tell the customer what to
fix and the owner knows what an override would accept. ``record_override`` writes the
owner's approval to the audit trail in the sale's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from services.money import ensure_money, format_brl

__all__ = ["DEFAULT_MAX_DAYS_LATE_ALLOWED", "CreditDecision", "check_credit", "record_override"]

DEFAULT_MAX_DAYS_LATE_ALLOWED = 30


@dataclass(frozen=True)
class CreditDecision:
    """The outcome of a check: approved iff ``reasons`` is empty."""

    approved: bool
    limit: Decimal
    used: Decimal
    available: Decimal
    reasons: tuple[str, ...]


def _non_negative(value: Decimal, name: str) -> Decimal:
    amount = ensure_money(value, name)
    if amount < 0:
        raise ValueError(f"{name.capitalize()}: valor negativo não é aceito.")
    return amount


def check_credit(
    *,
    limit: Decimal,
    open_principal: Decimal,
    requested: Decimal,
    max_days_late: int,
    blocked: bool,
    max_days_late_allowed: int = DEFAULT_MAX_DAYS_LATE_ALLOWED,
) -> CreditDecision:
    """Decide whether a new credit sale of ``requested`` fits the customer's situation.

    ``available`` = limit − open principal, never below zero. Rules: the customer is
    not blocked; no open installment more than ``max_days_late_allowed`` days late;
    the financed amount fits in what is available.
    """
    credit_limit = _non_negative(limit, "limite")
    used = _non_negative(open_principal, "saldo em aberto")
    wanted = _non_negative(requested, "valor financiado")
    for name, number in (
        ("dias de atraso", max_days_late),
        ("atraso máximo", max_days_late_allowed),
    ):
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"{name.capitalize()} deve ser um número inteiro.")
    if not isinstance(blocked, bool):
        raise TypeError("Bloqueado deve ser verdadeiro ou falso.")
    if max_days_late_allowed < 0:
        raise ValueError("O atraso máximo permitido não pode ser negativo.")

    available = max(Decimal(0), credit_limit - used)
    reasons: list[str] = []
    if blocked:
        reasons.append("Cliente bloqueado para novas compras.")
    if max_days_late > max_days_late_allowed:
        days = "1 dia" if max_days_late == 1 else f"{max_days_late} dias"
        reasons.append(f"Parcela em atraso há {days} (máximo permitido: {max_days_late_allowed}).")
    if wanted > available:
        reasons.append(
            f"Valor financiado ({format_brl(wanted)}) acima do limite disponível "
            f"({format_brl(available)})."
        )
    return CreditDecision(
        approved=not reasons,
        limit=credit_limit,
        used=used,
        available=available,
        reasons=tuple(reasons),
    )


def record_override(
    session: Session,
    *,
    customer_id: int,
    decision: CreditDecision,
    requested: Decimal,
    owner_id: int,
    operator_id: int,
    reason: str,
    now: datetime,
) -> None:
    """Write down that the owner approved credit the check refused (never silent)."""
    from services import audit

    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("Informe o motivo da liberação do crédito.")
    audit.record(
        session,
        at=now,
        user_id=operator_id,
        authorized_by_id=owner_id,
        action="credit.override",
        entity="customer",
        entity_id=customer_id,
        customer_id=customer_id,
        before={"reasons": list(decision.reasons), "available": decision.available},
        after={"requested": requested, "reason": reason},
    )
