"""Installment plans: due dates, amounts, Price table and the CET.

A credit sale must tell the customer the monthly rate, the CET (yearly), the number,
amounts and dates of the installments before the sale (CDC art. 52 caput, art. 54-B),
so these functions compute exactly what the sale's printout shows.
"""

import calendar
import math
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

from services.money import CENT, ensure_money, format_percent, round_money, split_evenly

__all__ = [
    "MAX_INSTALLMENTS",
    "RATE_WARNING_YEARLY",
    "add_months",
    "cet_yearly",
    "price_installment",
    "rate_warning",
    "split_installments",
    "yearly_from_monthly",
]

MAX_INSTALLMENTS = 120

# Reference ceiling for a shop that is not a financial institution: 12 % a year, the
# old Lei de Usura bound (Decreto 22.626/1933 art. 1, twice the 6 % legal rate of the
# time). DOMAIN.md: show a warning above it, never block the sale.
RATE_WARNING_YEARLY = Decimal("12")

_HUNDRED = Decimal(100)
_PRECISION = 40  # digits for the Price factor; the result is rounded to the cent anyway


def add_months(start: date, months: int) -> date:
    """Return the date ``months`` after ``start``, keeping its day of month.

    Anchored on ``start`` and clamped at the month's end (DOMAIN.md, "Money"):
    31/01 + 1 → 28/02 (29/02 in a leap year), 31/01 + 2 → 31/03, never 28/03.
    """
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError("Número de meses deve ser inteiro.")
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def _validate_plan(total: Decimal, count: int, monthly_rate: Decimal) -> tuple[Decimal, Decimal]:
    amount = ensure_money(total, "total")
    rate = ensure_money(monthly_rate, "taxa")
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("Quantidade de parcelas deve ser um número inteiro.")
    if count < 1:
        raise ValueError("Informe ao menos uma parcela.")
    if count > MAX_INSTALLMENTS:
        raise ValueError(f"No máximo {MAX_INSTALLMENTS} parcelas.")
    if amount <= 0:
        raise ValueError("O valor financiado deve ser maior que zero.")
    if amount != round_money(amount):
        raise ValueError("Use no máximo duas casas decimais.")
    if rate < 0:
        raise ValueError("A taxa de juros não pode ser negativa.")
    return amount, rate


def _exact_pmt(present_value: Decimal, monthly_rate: Decimal, count: int) -> Decimal:
    """The unrounded Price payment: PV · i / (1 − (1 + i)^−n)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        i = monthly_rate / _HUNDRED
        if i == 0:
            return present_value / count
        return present_value * i / (1 - (1 + i) ** -count)


def price_installment(present_value: Decimal, monthly_rate: Decimal, count: int) -> Decimal:
    """The regular installment of the plan ``split_installments`` builds.

    With interest, the Price (French) payment rounded half up to the cent. Without
    interest, the even share rounded down, as every installment but the last.
    """
    amount, rate = _validate_plan(present_value, count, monthly_rate)
    if rate == 0:
        return split_evenly(amount, count)[0]
    return round_money(_exact_pmt(amount, rate, count))


def split_installments(
    total: Decimal,
    count: int,
    first_due: date,
    monthly_rate: Decimal = Decimal(0),
) -> list[tuple[date, Decimal]]:
    """Build the plan: ``count`` monthly (due date, amount) pairs from ``first_due``.

    Due date k is ``add_months(first_due, k)``.

    - Rate 0: ``total`` is split evenly, rounded down, remainder on the last
      (R$ 1.000,00 in 3 → 333,33 · 333,33 · 333,34).
    - Rate > 0 (percent a month): Price table with ``total`` as the financed present value.
      Every installment is the exact PMT rounded half up to the cent; the last one is
      ``round(count × exact PMT) − (count − 1) × rounded PMT``, so the plan sums to the
      rounded total of the exact payments. (R$ 1.000,00 at 2 % in 3 → PMT 346,754…;
      346,75 · 346,75 · 346,76, summing 1.040,26.)

    A plan where some installment would be zero or negative (a few cents split in many
    parts) is refused.
    """
    amount, rate = _validate_plan(total, count, monthly_rate)
    dates = [add_months(first_due, k) for k in range(count)]
    if rate == 0:
        amounts = split_evenly(amount, count)
    else:
        exact = _exact_pmt(amount, rate, count)
        regular = round_money(exact)
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            plan_total = round_money(exact * count)
        amounts = [regular] * (count - 1) + [plan_total - regular * (count - 1)]
    if min(amounts) <= 0:
        # Only for installments of a few cents, where rounding each one moves more
        # than the smallest installment is worth.
        raise ValueError("Parcelas pequenas demais: reduza o número de parcelas.")
    return list(zip(dates, amounts, strict=True))


def yearly_from_monthly(monthly_pct: Decimal) -> Decimal:
    """Compound a monthly rate to a yearly one: (1 + m)^12 − 1, percent, 2 places.

    2 % a month → 26,82 % a year; 1 % a month → 12,68 % a year.
    """
    rate = ensure_money(monthly_pct, "taxa")
    if rate < 0:
        raise ValueError("A taxa de juros não pode ser negativa.")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        yearly = ((1 + rate / _HUNDRED) ** 12 - 1) * _HUNDRED
    return yearly.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_warning(monthly_pct: Decimal) -> str | None:
    """Warn, never block, when the yearly equivalent passes 12 % (DOMAIN.md, "Late interest")."""
    yearly = yearly_from_monthly(monthly_pct)
    if yearly <= RATE_WARNING_YEARLY:
        return None
    return (
        f"Atenção: {format_percent(monthly_pct)} ao mês equivalem a "
        f"{format_percent(yearly)} ao ano, acima da referência de "
        f"{format_percent(RATE_WARNING_YEARLY)} ao ano para lojas que não são "
        "instituições financeiras."
    )


def cet_yearly(
    financed: Decimal,
    schedule: list[tuple[date, Decimal]],
    start: date,
    fees: Decimal = Decimal(0),
) -> Decimal:
    """The Custo Efetivo Total, yearly percent with 2 places (CDC art. 52 caput, 54-B).

    Banco Central's formula (Resolução CMN 4.881/2020 art. 4, which replaced 3.517/2007):
    the rate ``i`` such that
    ``financed − fees = Σ amount_j / (1 + i)^((d_j − start).days / 365)``.
    Fees paid at the start reduce what the customer really receives, so they raise
    the CET. The rate is found by bisection in floats, which is ample precision for a
    rate shown to two decimals; the money itself never goes through a float.
    """
    principal = ensure_money(financed, "valor financiado")
    upfront = ensure_money(fees, "tarifas")
    if upfront < 0:
        raise ValueError("Tarifas não podem ser negativas.")
    net = principal - upfront
    if net <= 0:
        raise ValueError("O valor financiado deve ser maior que as tarifas.")
    if not schedule:
        raise ValueError("O plano não tem parcelas.")
    flows: list[tuple[float, float]] = []
    for due, amount in schedule:
        value = ensure_money(amount, "parcela")
        if value < 0:
            raise ValueError("Parcela com valor negativo.")
        days = (due - start).days
        if days < 0:
            raise ValueError("Parcela com vencimento antes da data da venda.")
        flows.append((days / 365, float(value)))
    if all(years == 0 for years, _ in flows):
        raise ValueError("O CET exige ao menos uma parcela após a data da venda.")

    target = float(net)

    def excess(rate: float) -> float:
        # Present value of the plan minus what was financed; falls as the rate rises.
        return sum(value * math.pow(1 + rate, -years) for years, value in flows) - target

    low, high = -0.9999, 1.0
    if excess(low) < 0:
        raise ValueError("O plano paga bem menos que o valor financiado; CET indefinido.")
    while excess(high) > 0:
        high *= 2
        if high > 1e9:
            raise ValueError("CET alto demais para ser calculado; confira o plano.")
    # Stop once the bracket is far below the 0.01 % the result shows (about 60 halvings).
    for _ in range(200):
        if high - low < 1e-13:
            break
        middle = (low + high) / 2
        if excess(middle) > 0:
            low = middle
        else:
            high = middle
    # Two decimals rounded per ABNT NBR 5891 (Resolução CMN 4.881/2020): half to even.
    result = Decimal(repr((low + high) / 2 * 100)).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return result if result != 0 else Decimal("0.00")
