"""Payment profile: a letter A–D and one sentence saying why.

The cashier sees the letter when selling on credit, so the rules are few, written as
constants, and the sentence always names the fact that decided the letter.

Rules, checked in this order (the first that applies wins):

1. **D** — an open installment more than ``D_MAX_DAYS_LATE_OPEN`` (60) days late, or at
   least ``D_BROKEN_AGREEMENTS`` (1) broken agreement, or at least
   ``D_BROKEN_PROMISES`` (3) broken promises.
2. **C** — at least ``C_RENEGOTIATIONS`` (1) renegotiation.
3. **B** — a new customer: fewer than ``NEW_CUSTOMER_PAID`` (3) installments paid, too few
   for the percentages below to mean anything.
4. **C** — less than ``C_ON_TIME_PCT`` (70 %) paid on time, or an average delay over
   ``C_AVERAGE_DAYS_LATE`` (15) days among the installments paid late.
5. **A** — at least ``A_ON_TIME_PCT`` (90 %) paid on time, nothing open more than
   ``A_MAX_DAYS_LATE_OPEN`` (7) days late and no broken promise to pay (no broken agreement
   is implied by rule 1). Whoever would be A but broke a promise is **B**, and the sentence
   names the broken promises.
6. **B** — everyone else.

Events (D, and a renegotiation) count for everyone; statistics only once there is history.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

__all__ = [
    "A_MAX_BROKEN_PROMISES",
    "A_MAX_DAYS_LATE_OPEN",
    "A_ON_TIME_PCT",
    "C_AVERAGE_DAYS_LATE",
    "C_ON_TIME_PCT",
    "C_RENEGOTIATIONS",
    "D_BROKEN_AGREEMENTS",
    "D_BROKEN_PROMISES",
    "D_MAX_DAYS_LATE_OPEN",
    "NEW_CUSTOMER_PAID",
    "PaymentHistory",
    "Profile",
    "profile_for",
]

D_MAX_DAYS_LATE_OPEN = 60  # more than this → D
D_BROKEN_AGREEMENTS = 1  # at least this many → D
D_BROKEN_PROMISES = 3  # at least this many → D
C_RENEGOTIATIONS = 1  # at least this many → C
NEW_CUSTOMER_PAID = 3  # fewer installments paid than this → new customer
C_ON_TIME_PCT = Decimal(70)  # less than this → C
C_AVERAGE_DAYS_LATE = Decimal(15)  # more than this → C
A_ON_TIME_PCT = Decimal(90)  # at least this → A (with the rule below)
A_MAX_DAYS_LATE_OPEN = 7  # nothing open more late than this → A
A_MAX_BROKEN_PROMISES = 0  # more broken promises than this → not A


@dataclass(frozen=True)
class PaymentHistory:
    """A customer's record, summarised by the caller from installments and agreements.

    ``paid_on_time`` counts installments paid on or before due date + grace days;
    ``average_days_late`` is over the installments paid late only; ``max_days_late_open``
    is the worst open installment today (0 or negative when none is late).
    """

    installments_paid: int
    paid_on_time: int
    average_days_late: Decimal
    max_days_late_open: int
    renegotiations: int
    broken_promises: int
    broken_agreements: int
    months_as_customer: int

    def __post_init__(self) -> None:
        counts = (
            self.installments_paid,
            self.paid_on_time,
            self.renegotiations,
            self.broken_promises,
            self.broken_agreements,
            self.months_as_customer,
        )
        if any(isinstance(n, bool) or not isinstance(n, int) for n in counts):
            raise TypeError("Os contadores do histórico devem ser inteiros.")
        if any(n < 0 for n in counts):
            raise ValueError("Os contadores do histórico não podem ser negativos.")
        if self.paid_on_time > self.installments_paid:
            raise ValueError("Parcelas pagas em dia não podem passar do total de pagas.")
        if not isinstance(self.average_days_late, Decimal):
            raise TypeError("A média de atraso deve ser Decimal.")
        if not self.average_days_late.is_finite() or self.average_days_late < 0:
            raise ValueError("A média de atraso deve ser um número não negativo.")


@dataclass(frozen=True)
class Profile:
    letter: str
    reason: str


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _on_time_pct(history: PaymentHistory) -> Decimal:
    return Decimal(history.paid_on_time * 100) / Decimal(history.installments_paid)


def _shown_pct(pct: Decimal) -> str:
    # Rounded down, so 89,9 % never reads "90 %" next to a letter that needs 90 %.
    return f"{pct.quantize(Decimal(1), rounding=ROUND_DOWN)} %"


def _shown_days(days: Decimal) -> str:
    # Rounded up to one place, so 15,01 never reads "15" next to a rule "over 15".
    if days == days.to_integral_value():
        return str(days.to_integral_value())
    return str(days.quantize(Decimal("0.1"), rounding=ROUND_UP)).replace(".", ",")


def profile_for(history: PaymentHistory) -> Profile:
    """Classify a customer; the thresholds and their order are in the module doc."""
    if history.max_days_late_open > D_MAX_DAYS_LATE_OPEN:
        return Profile(
            "D",
            "Inadimplente: parcela em aberto há "
            f"{_plural(history.max_days_late_open, 'dia', 'dias')}.",
        )
    if history.broken_agreements >= D_BROKEN_AGREEMENTS:
        return Profile(
            "D",
            "Alto risco: "
            f"{_plural(history.broken_agreements, 'acordo descumprido', 'acordos descumpridos')}.",
        )
    if history.broken_promises >= D_BROKEN_PROMISES:
        return Profile(
            "D",
            f"Alto risco: {history.broken_promises} promessas de pagamento não cumpridas.",
        )
    if history.renegotiations >= C_RENEGOTIATIONS:
        times = _plural(history.renegotiations, "vez", "vezes")
        return Profile("C", f"Já renegociou a dívida {times}.")
    if history.installments_paid < NEW_CUSTOMER_PAID:
        return Profile("B", "Cliente novo: ainda sem histórico suficiente.")

    on_time = _on_time_pct(history)
    if on_time < C_ON_TIME_PCT:
        share = (
            f"só {_shown_pct(on_time)} das parcelas pagas"
            if on_time >= 1
            else "nenhuma parcela paga"
        )
        return Profile("C", f"Atrasa com frequência: {share} no vencimento.")
    if history.average_days_late > C_AVERAGE_DAYS_LATE:
        return Profile(
            "C",
            "Atrasa com frequência: média de "
            f"{_shown_days(history.average_days_late)} dias de atraso.",
        )
    if on_time >= A_ON_TIME_PCT and history.max_days_late_open <= A_MAX_DAYS_LATE_OPEN:
        if history.broken_promises > A_MAX_BROKEN_PROMISES:
            promises = _plural(
                history.broken_promises,
                "promessa de pagamento não cumprida",
                "promessas de pagamento não cumpridas",
            )
            return Profile("B", f"Paga em dia, mas tem {promises}.")
        return Profile("A", f"Paga em dia: {_shown_pct(on_time)} das parcelas pagas no vencimento.")
    if history.max_days_late_open > A_MAX_DAYS_LATE_OPEN:
        return Profile(
            "B",
            "Bom pagador, mas com parcela em aberto há "
            f"{_plural(history.max_days_late_open, 'dia', 'dias')}.",
        )
    return Profile("B", f"Bom pagador: {_shown_pct(on_time)} das parcelas pagas no vencimento.")
