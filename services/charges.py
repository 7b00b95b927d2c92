"""Late charges, imputation of payments and early settlement.

CDC art. 42 § único makes the shop repay double anything charged that was not due, so
each rule here is exact to the cent and cites where it comes from.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

from services.money import CENT, ensure_money, round_money

__all__ = [
    "MAX_LATE_FEE_PCT",
    "Charges",
    "Imputation",
    "amount_due",
    "early_settlement_value",
    "impute_payment",
]

# CDC art. 52 §1: the late fee may not exceed 2 % of the installment.
MAX_LATE_FEE_PCT = Decimal(2)

_HUNDRED = Decimal(100)
_DAYS_PER_MONTH = 30  # pro rata die on a commercial 30-day month


@dataclass(frozen=True)
class Charges:
    """What an installment is worth on a given day: principal plus late charges."""

    principal: Decimal
    fee: Decimal
    interest: Decimal
    total: Decimal
    days_late: int


@dataclass(frozen=True)
class Imputation:
    """How one payment is split over an installment's parts (Código Civil art. 354)."""

    interest: Decimal
    fee: Decimal
    principal: Decimal
    leftover: Decimal


def _cents_amount(value: Decimal, name: str) -> Decimal:
    amount = ensure_money(value, name)
    if amount < 0:
        raise ValueError(f"{name.capitalize()}: valor negativo não é aceito.")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise ValueError(f"{name.capitalize()}: use no máximo duas casas decimais.")
    return amount.quantize(CENT)


def amount_due(
    principal: Decimal,
    due: date,
    on: date,
    *,
    late_fee_pct: Decimal,
    monthly_interest_pct: Decimal,
    grace_days: int = 0,
) -> Charges:
    """The amount to pay ``on`` a day for an installment of ``principal`` due on ``due``.

    Nothing is added up to ``due + grace_days``. From the next day on:

    - late fee (multa) = principal × ``late_fee_pct`` / 100, charged once; at most 2 %
      (CDC art. 52 §1): a higher rate is refused, and rounding never lifts the fee above
      2 % of the principal;
    - late interest (juros de mora) = principal × ``monthly_interest_pct`` / 100 / 30 ×
      days late: simple, pro rata die, counted from the due date itself, because grace
      days are a tolerance, not a new due date.

    Each is rounded half up to the cent once, at the end (the fee then capped as above).
    ``days_late`` is the number of days after the due date (0 when not yet due), even
    inside the grace period.
    """
    amount = _cents_amount(principal, "valor da parcela")
    fee_pct = ensure_money(late_fee_pct, "multa")
    rate = ensure_money(monthly_interest_pct, "juros de mora")
    if isinstance(grace_days, bool) or not isinstance(grace_days, int):
        raise TypeError("Dias de carência devem ser um número inteiro.")
    if fee_pct < 0:
        raise ValueError("A multa não pode ser negativa.")
    if fee_pct > MAX_LATE_FEE_PCT:
        raise ValueError("A multa não pode passar de 2 % da parcela (CDC art. 52 §1).")
    if rate < 0:
        raise ValueError("Os juros de mora não podem ser negativos.")
    if grace_days < 0:
        raise ValueError("Os dias de carência não podem ser negativos.")

    days = max(0, (on - due).days)
    zero = Decimal("0.00")
    if days <= grace_days:
        return Charges(amount, zero, zero, amount, days)
    # Half up like every amount, but never past the 2 % cap itself: at R$ 12,25 the cap
    # is 0,245, so the fee is 0,24, not 0,25 (CDC art. 52 §1; art. 42 § único).
    cap = (amount * MAX_LATE_FEE_PCT / _HUNDRED).quantize(CENT, rounding=ROUND_DOWN)
    fee = min(round_money(amount * fee_pct / _HUNDRED), cap)
    with localcontext() as ctx:
        ctx.prec = 40
        interest = round_money(amount * rate * days / (_HUNDRED * _DAYS_PER_MONTH))
    return Charges(amount, fee, interest, amount + fee + interest, days)


def impute_payment(amount: Decimal, charges: Charges) -> Imputation:
    """Split a payment: interest first, then the fee, then principal (Código Civil art. 354).

    Whatever exceeds the total is returned as ``leftover`` (change, or credit for the
    next installment — the caller decides).
    """
    paid = _cents_amount(amount, "valor pago")
    to_interest = min(paid, charges.interest)
    remaining = paid - to_interest
    to_fee = min(remaining, charges.fee)
    remaining -= to_fee
    to_principal = min(remaining, charges.principal)
    remaining -= to_principal
    return Imputation(to_interest, to_fee, to_principal, remaining)


def early_settlement_value(
    amount: Decimal,
    due: date,
    on: date,
    monthly_rate_pct: Decimal,
) -> Decimal:
    """What a financed installment is worth if paid before its due date.

    CDC art. 52 §2 gives the customer a proportional reduction of interest when settling
    early: the installment is brought to present value at the plan's own rate,
    ``amount / (1 + i)^(days early / 30)``, rounded half up to the cent. On or after the
    due date, or for an interest-free plan, nothing changes.
    """
    value = _cents_amount(amount, "valor da parcela")
    rate = ensure_money(monthly_rate_pct, "taxa")
    if rate < 0:
        raise ValueError("A taxa de juros não pode ser negativa.")
    days_early = (due - on).days
    if days_early <= 0 or rate == 0:
        return value
    with localcontext() as ctx:
        ctx.prec = 40
        factor = (1 + rate / _HUNDRED) ** (Decimal(days_early) / _DAYS_PER_MONTH)
        present = value / factor
    return round_money(present)
