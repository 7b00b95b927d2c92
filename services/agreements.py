"""Renegotiation agreements (acordos) and write-offs (baixa por perda).

Preview, then commit (Tryton's Reschedule Lines wizard): :func:`debt_for` updates the chosen
installments to a day exactly as the counter does (:func:`services.payments.quote`, itself
:func:`services.customers.installment_charges` over :func:`services.customers.charges_paid`);
:func:`simulate` turns it and the terms into a plan, writing nothing; :func:`confirm_agreement`
recomputes that plan inside the write transaction, with the installments locked, and refuses one
whose parts do not add up or that no longer matches what was shown.

Decisions (documented because the brief left them open):

- **Installments not yet due** of a financed plan enter the debt at present value: their
  early-settlement rebate (CDC art. 52 §2) is taken off, as the counter would if they were paid
  today. ``Debt.principal`` and ``Agreement.principal`` are that net principal.
- **The down payment** is the agreement's installment number 1, due on the day of signing, so the
  counter receives it like any installment (and prints its receipt); the carnê has it as the first
  slip. ``Agreement.installment_count`` counts the installments after it (0 = paid in full today,
  in which case the whole total is that one installment and ``down_payment`` equals the total).
- **With interest** (``monthly_rate`` > 0) the balance after the down payment is financed by the
  Price table (:func:`services.plans.split_installments`): ``Agreement.total`` is the agreed debt,
  the installments add up to it plus ``AgreementPlan.financing_interest``, and paying one early
  sheds interest at the agreement's rate like any financed installment.
- **Owner only** (issue 7): the operator must be an owner, or a cashier brings the owner's
  authorization (:func:`services.users.authorize_owner`). A plan beyond the Settings limits is
  refused without it with the reasons, and the overridden limits are kept in the audit entry.
- **On breach** the agreement's open installments simply stay open and the ordinary collection
  (bands, cadence, fee and interest from their own due dates) takes them up again. With the
  ``lose_discount`` clause one more installment of the agreement, due on the day the breach is
  recorded, brings back the discount **in proportion to what was still unpaid**
  (discount × unpaid ÷ agreed installments). Reopening the original installments instead would
  charge twice what the agreement's installments already charge (CDC art. 42 § único), and
  forfeiting the whole discount after most of it was paid would be an excessive penalty
  (CDC art. 51 IV, art. 53).
- **Write-off suggestions** are only suggestions: a customer is "silent" since the latest of their
  oldest open due date, their last answered contact and their last payment. An acknowledgement of
  the debt interrupts prescription (Código Civil art. 202 VI), so the owner decides.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Agreement,
    ContactAttempt,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
)
from models.base import Money
from models.enums import AgreementStatus, ContactOutcome
from services import audit
from services import payments as payments_service
from services import settings as settings_service
from services.db import UnitOfWork
from services.money import CENT, ensure_money, format_brl, format_percent, round_money
from services.plans import add_months, rate_warning, split_installments
from services.sales import MAX_DAYS_TO_FIRST_DUE, first_due_for_day
from services.settings import LOSE_DISCOUNT, AgreementPolicy, CollectionPolicy
from services.slips import slip_code_for
from services.users import NotAllowed, Operator, require_owner
from services.validation import FieldError, Refused, ValidationErrors

__all__ = [
    "ANSWERED_OUTCOMES",
    "CONFLICT_MESSAGE",
    "AgreementConflict",
    "AgreementOption",
    "AgreementPlan",
    "AgreementRefused",
    "AgreementTerms",
    "Debt",
    "DebtLine",
    "PlannedInstallment",
    "ReviewResult",
    "WriteOffResult",
    "WriteOffSuggestion",
    "confirm_agreement",
    "debt_for",
    "options",
    "review_agreements",
    "simulate",
    "write_off",
    "write_off_suggestions",
]

CONFLICT_MESSAGE = (
    "Estas parcelas mudaram em outro caixa agora há pouco (um pagamento ou outro acordo); "
    "nada foi gravado. Atualize a dívida e simule de novo."
)
MAX_MONTHLY_RATE = Decimal(10)
MAX_COUNT = 120  # Agreement.installment_count's check constraint
PRESCRIPTION_MONTHS = 60  # Código Civil art. 206 §5 I: five years
LOST_DISCOUNT_NOTE = "desconto perdido"
# A contact the customer took part in; a sent letter or an unanswered call is no answer.
ANSWERED_OUTCOMES = (
    ContactOutcome.ANSWERED,
    ContactOutcome.PROMISED,
    ContactOutcome.REFUSED,
    ContactOutcome.PAID,
)
_ZERO = Decimal("0.00")
_RATE_STEP = Decimal("0.0001")
_STATUS_WORDS = {
    InstallmentStatus.PAID: "já está paga",
    InstallmentStatus.RENEGOTIATED: "já foi renegociada",
    InstallmentStatus.WRITTEN_OFF: "foi baixada como perda",
    InstallmentStatus.CANCELLED: "foi cancelada",
}


class AgreementRefused(Refused):
    """An agreement or write-off refused; the message is for the owner, in Portuguese."""


class AgreementConflict(AgreementRefused):
    """Another counter changed the installments between the simulation and the confirmation."""

    def __init__(self, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message)


# --- the debt ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DebtLine:
    """One chosen installment updated to ``Debt.on``, as the counter would charge it."""

    installment_id: int
    origin: str  # "Geladeira (venda nº 3)" or "Acordo nº 2"
    number: int
    count: int
    due_date: date
    days_late: int
    version: int
    amount: Decimal  # as issued
    open_principal: Decimal
    rebate: Decimal  # early-settlement reduction of a financed installment not yet due
    fee: Decimal
    interest: Decimal
    total: Decimal  # open principal − rebate + fee + interest

    @property
    def principal(self) -> Decimal:
        return self.open_principal - self.rebate


@dataclass(frozen=True)
class Debt:
    customer_id: int
    on: date
    lines: tuple[DebtLine, ...]  # oldest due first
    principal: Decimal  # open principal less rebates
    fees: Decimal
    interest: Decimal
    rebate: Decimal
    total: Decimal

    @property
    def charges(self) -> Decimal:
        return self.fees + self.interest

    @property
    def installment_ids(self) -> tuple[int, ...]:
        return tuple(line.installment_id for line in self.lines)

    @property
    def versions(self) -> dict[int, int]:
        """Pass to :func:`confirm_agreement` as ``expected_versions``."""
        return {line.installment_id: line.version for line in self.lines}


def _fraction(inst: Installment) -> str:
    return f"{inst.number}/{inst.count}"


def _check_chosen(rows: Sequence[Installment], customer_id: int, ids: Sequence[int]) -> None:
    if not ids:
        raise AgreementRefused("Escolha ao menos uma parcela.")
    if len(set(ids)) != len(ids):
        raise AgreementRefused("A mesma parcela foi escolhida duas vezes.")
    by_id = {r.id: r for r in rows}
    for inst_id in ids:
        inst = by_id.get(inst_id)
        if inst is None:
            raise AgreementRefused("Parcela não encontrada.")
        if inst.customer_id != customer_id:
            raise AgreementRefused(f"A parcela {_fraction(inst)} é de outro cliente.")
        if inst.status is not InstallmentStatus.OPEN:
            words = _STATUS_WORDS.get(inst.status, "não está em aberto")
            raise AgreementRefused(
                f"A parcela {_fraction(inst)} {words}; só parcelas em aberto entram num acordo."
            )


def _origins(session: Session, rows: Sequence[Installment]) -> dict[int, str]:
    sale_ids = {r.sale_id for r in rows if r.sale_id is not None}
    descriptions: dict[int, str] = {}
    if sale_ids:
        stmt = select(CreditSale.id, CreditSale.description).where(CreditSale.id.in_(sale_ids))
        descriptions = {sale_id: text for sale_id, text in session.execute(stmt)}
    origins = {}
    for r in rows:
        if r.sale_id is not None:
            text = descriptions.get(r.sale_id)
            origins[r.id] = f"{text} (venda nº {r.sale_id})" if text else f"Venda nº {r.sale_id}"
        else:
            origins[r.id] = f"Acordo nº {r.agreement_id}"
    return origins


def _debt(
    session: Session,
    customer_id: int,
    ids: Sequence[int],
    rows: Sequence[Installment],
    on: date,
) -> Debt:
    _check_chosen(rows, customer_id, ids)
    quote = payments_service.quote(session, list(ids), on)  # the counter's own numbers
    by_id = {r.id: r for r in rows}
    origins = _origins(session, rows)
    lines = tuple(
        DebtLine(
            installment_id=q.installment_id,
            origin=origins[q.installment_id],
            number=q.number,
            count=q.count,
            due_date=q.due_date,
            days_late=max(0, q.days_late),
            version=q.version,
            amount=by_id[q.installment_id].amount,
            open_principal=q.open_principal,
            rebate=q.rebate,
            fee=q.fee,
            interest=q.interest,
            total=q.total,
        )
        for q in quote.lines
    )
    return Debt(
        customer_id=customer_id,
        on=on,
        lines=lines,
        principal=quote.principal - quote.rebate,
        fees=quote.fee,
        interest=quote.interest,
        rebate=quote.rebate,
        total=quote.total,
    )


def debt_for(
    session: Session, customer_id: int, installment_ids: Sequence[int], *, on: date
) -> Debt:
    """The chosen open installments of one customer updated to ``on``, oldest first."""
    ids = list(installment_ids)
    rows = list(session.scalars(select(Installment).where(Installment.id.in_(ids))))
    return _debt(session, customer_id, ids, rows, on)


# --- the simulator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementTerms:
    """What the owner and the customer discuss.

    ``count`` installments after the down payment (0 = everything paid today). Each discount is
    an amount or a percent (``*_pct``, of the charges or of the principal), not both.
    ``monthly_rate`` is a percent a month (0 = without interest). Give ``first_due`` or
    ``day_of_month``; with neither, the first installment falls one month after the agreement.
    """

    count: int = 0
    down_payment: Decimal = _ZERO
    monthly_rate: Decimal = Decimal(0)
    charges_discount: Decimal = _ZERO
    charges_discount_pct: Decimal | None = None
    principal_discount: Decimal = _ZERO
    principal_discount_pct: Decimal | None = None
    first_due: date | None = None
    day_of_month: int | None = None


@dataclass(frozen=True)
class PlannedInstallment:
    number: int
    due_date: date
    amount: Decimal
    is_down_payment: bool = False


@dataclass(frozen=True)
class AgreementPlan:
    """A simulated agreement, ready to show side by side and to confirm."""

    debt: Debt
    terms: AgreementTerms
    principal: Decimal
    fees: Decimal
    interest: Decimal
    charges_discount: Decimal
    principal_discount: Decimal
    discount: Decimal
    total: Decimal  # the agreed debt: principal + fees + interest − discount
    down_payment: Decimal
    count: int  # installments after the down payment
    monthly_rate: Decimal
    financing_interest: Decimal  # Price-table interest on the balance after the down payment
    schedule: tuple[PlannedInstallment, ...]  # every new installment, the down payment first
    late_fee_pct: Decimal  # what the new installments are charged when late (for the letter)
    late_interest_pct: Decimal
    breach_days: int
    breach_clause: str
    rate_warning: str | None = None
    violations: tuple[str, ...] = field(default=())

    @property
    def schedule_total(self) -> Decimal:
        """What the customer pays in all: the agreed total plus any financing interest."""
        return sum((p.amount for p in self.schedule), _ZERO)

    @property
    def installments(self) -> tuple[PlannedInstallment, ...]:
        """The schedule without the down payment."""
        return tuple(p for p in self.schedule if not p.is_down_payment)

    @property
    def needs_owner_override(self) -> bool:
        return bool(self.violations)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(value: object, name: str, label: str, errors: list[FieldError]) -> Decimal | None:
    try:
        amount = ensure_money(value, label)
    except (TypeError, ValueError) as exc:
        errors.append(FieldError(name, str(exc)))
        return None
    if amount < 0:
        errors.append(FieldError(name, f"{label}: valor negativo não é aceito."))
        return None
    if amount != amount.quantize(CENT):
        errors.append(FieldError(name, f"{label}: use no máximo duas casas decimais."))
        return None
    return amount.quantize(CENT)


def _percent(value: object, name: str, errors: list[FieldError]) -> Decimal | None:
    try:
        pct = ensure_money(value, "percentual")
    except (TypeError, ValueError) as exc:
        errors.append(FieldError(name, str(exc)))
        return None
    if not Decimal(0) <= pct <= Decimal(100):
        errors.append(FieldError(name, "O percentual de desconto vai de 0 % a 100 %."))
        return None
    return pct


def _discount(
    amount: object,
    pct: object | None,
    base: Decimal,
    name: str,
    what: str,
    errors: list[FieldError],
) -> Decimal:
    typed = _amount(amount, name, "Desconto", errors)
    if pct is None:
        value = typed
    else:
        if typed:
            errors.append(FieldError(name, "Informe o desconto em reais ou em %, não os dois."))
            return _ZERO
        rate = _percent(pct, f"{name}_pct", errors)
        value = None if rate is None else round_money(base * rate / 100)
    if value is None:
        return _ZERO
    if value > base:
        errors.append(FieldError(name, f"O desconto passa {what} ({format_brl(base)})."))
        return _ZERO
    return value


def _anchored(first: date, day_of_month: int, months: int) -> date:
    """Month ``months`` after ``first``, on ``day_of_month`` clamped at the month's end."""
    moved = add_months(first.replace(day=1), months)
    last = calendar.monthrange(moved.year, moved.month)[1]
    return moved.replace(day=min(day_of_month, last))


def _first_due(terms: AgreementTerms, on: date, errors: list[FieldError]) -> date | None:
    if terms.first_due is not None and terms.day_of_month is not None:
        errors.append(FieldError("first_due", "Informe a data do 1º vencimento ou o dia do mês."))
        return None
    if terms.day_of_month is not None:
        if not _is_int(terms.day_of_month) or not 1 <= terms.day_of_month <= 31:
            errors.append(FieldError("day_of_month", "Dia do vencimento entre 1 e 31."))
            return None
        return first_due_for_day(terms.day_of_month, on)
    if terms.first_due is None:
        return add_months(on, 1)
    if terms.first_due <= on:
        errors.append(FieldError("first_due", "O 1º vencimento deve ser depois de hoje."))
        return None
    if terms.first_due > on + timedelta(days=MAX_DAYS_TO_FIRST_DUE):
        errors.append(
            FieldError(
                "first_due", f"O 1º vencimento deve ser em até {MAX_DAYS_TO_FIRST_DUE} dias."
            )
        )
        return None
    return terms.first_due


def _exceeds(part: Decimal, base: Decimal, max_pct: Decimal) -> bool:
    """Is ``part`` more than ``max_pct`` % of ``base``? Exact, no rounding decides it."""
    return part * 100 > base * max_pct


def _share_pct(part: Decimal, base: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        return part * 100 / base


def _violations(
    plan_count: int,
    charges_discount: Decimal,
    principal_discount: Decimal,
    debt: Debt,
    smallest: Decimal | None,
    policy: AgreementPolicy,
) -> tuple[str, ...]:
    found = []
    if charges_discount and _exceeds(
        charges_discount, debt.charges, policy.max_discount_charges_pct
    ):
        found.append(
            f"Desconto de {format_percent(_share_pct(charges_discount, debt.charges))} na multa "
            f"e nos juros, acima do limite de {format_percent(policy.max_discount_charges_pct)}."
        )
    if principal_discount and _exceeds(
        principal_discount, debt.principal, policy.max_discount_principal_pct
    ):
        found.append(
            f"Desconto de {format_percent(_share_pct(principal_discount, debt.principal))} no "
            f"valor principal, acima do limite de "
            f"{format_percent(policy.max_discount_principal_pct)}."
        )
    if plan_count > policy.max_installments:
        found.append(f"{plan_count} parcelas, acima do máximo de {policy.max_installments}.")
    if smallest is not None and smallest < policy.min_installment:
        found.append(
            f"Parcela de {format_brl(smallest)}, abaixo do mínimo de "
            f"{format_brl(policy.min_installment)}."
        )
    return tuple(found)


def simulate(
    debt: Debt,
    terms: AgreementTerms,
    policy: AgreementPolicy,
    *,
    collection_policy: CollectionPolicy,
) -> AgreementPlan:
    """The plan for ``terms`` over ``debt``; writes nothing.

    Raises :class:`ValidationErrors` naming each impossible field (a negative amount, a discount
    beyond what is owed, a down payment not below the total…). What is merely beyond the
    Settings limits is not an error: it is listed in ``violations`` and needs the owner.
    """
    errors: list[FieldError] = []
    on = debt.on
    count = terms.count
    if not _is_int(count) or not 0 <= count <= MAX_COUNT:
        errors.append(FieldError("count", f"Número de parcelas entre 0 (à vista) e {MAX_COUNT}."))
        count = 0
    rate: Decimal | None
    try:
        rate = ensure_money(terms.monthly_rate, "Taxa de juros")
    except (TypeError, ValueError) as exc:
        errors.append(FieldError("monthly_rate", str(exc)))
        rate = None
    if rate is not None and not Decimal(0) <= rate <= MAX_MONTHLY_RATE:
        errors.append(FieldError("monthly_rate", "Taxa de juros entre 0 % e 10 % ao mês."))
        rate = None
    elif rate is not None and rate != rate.quantize(_RATE_STEP):
        errors.append(FieldError("monthly_rate", "Taxa: no máximo quatro casas decimais."))
        rate = None
    elif rate and count == 0:
        errors.append(FieldError("monthly_rate", "Pagamento à vista não tem juros."))
    down = _amount(terms.down_payment, "down_payment", "Entrada", errors)
    if down and count == 0:
        errors.append(
            FieldError("down_payment", "No pagamento à vista não há entrada: o total vence hoje.")
        )
    charges_discount = _discount(
        terms.charges_discount,
        terms.charges_discount_pct,
        debt.charges,
        "charges_discount",
        "da multa e dos juros",
        errors,
    )
    principal_discount = _discount(
        terms.principal_discount,
        terms.principal_discount_pct,
        debt.principal,
        "principal_discount",
        "do valor principal",
        errors,
    )
    first_due = _first_due(terms, on, errors) if count else None
    discount = charges_discount + principal_discount
    total = debt.principal + debt.fees + debt.interest - discount
    if not errors and total <= 0:
        errors.append(
            FieldError(
                "principal_discount",
                "Com esse desconto não sobra nada a pagar: para perdoar a dívida, use a baixa "
                "por perda.",
            )
        )
    if not errors and count and down is not None and down >= total:
        errors.append(
            FieldError(
                "down_payment",
                f"A entrada deve ser menor que o total do acordo ({format_brl(total)}); "
                "para pagar tudo hoje escolha à vista.",
            )
        )
    if errors:
        raise ValidationErrors(errors)
    assert rate is not None and down is not None

    schedule: list[PlannedInstallment] = []
    financing_interest = _ZERO
    if count == 0:
        down = total
        schedule.append(PlannedInstallment(1, on, total, is_down_payment=True))
    else:
        assert first_due is not None
        if down:
            schedule.append(PlannedInstallment(1, on, down, is_down_payment=True))
        financed = total - down
        try:
            planned = split_installments(financed, count, first_due, rate)
        except ValueError as exc:
            raise ValidationErrors([FieldError("count", str(exc))]) from exc
        for k, (due, amount) in enumerate(planned):
            if terms.day_of_month is not None:
                due = _anchored(first_due, terms.day_of_month, k)
            schedule.append(PlannedInstallment(len(schedule) + 1, due, amount))
        financing_interest = sum((a for _, a in planned), _ZERO) - financed
    regular = [p.amount for p in schedule if not p.is_down_payment]
    return AgreementPlan(
        debt=debt,
        terms=terms,
        principal=debt.principal,
        fees=debt.fees,
        interest=debt.interest,
        charges_discount=charges_discount,
        principal_discount=principal_discount,
        discount=discount,
        total=total,
        down_payment=down,
        count=count,
        monthly_rate=rate,
        financing_interest=financing_interest,
        schedule=tuple(schedule),
        late_fee_pct=collection_policy.late_fee_pct,
        late_interest_pct=collection_policy.monthly_interest_pct,
        breach_days=policy.breach_days,
        breach_clause=policy.breach_clause,
        rate_warning=rate_warning(rate) if rate else None,
        violations=_violations(
            count,
            charges_discount,
            principal_discount,
            debt,
            min(regular) if regular else None,
            policy,
        ),
    )


def _plan_within_limits(
    debt: Debt,
    count: int,
    policy: AgreementPolicy,
    collection_policy: CollectionPolicy,
    first_due: date | None,
) -> AgreementPlan | None:
    try:
        plan = simulate(
            debt,
            AgreementTerms(count=count, first_due=first_due),
            policy,
            collection_policy=collection_policy,
        )
    except ValidationErrors:
        return None
    return None if plan.violations else plan


@dataclass(frozen=True)
class AgreementOption:
    label: str
    plan: AgreementPlan


def options(
    debt: Debt,
    policy: AgreementPolicy,
    *,
    collection_policy: CollectionPolicy,
    first_due: date | None = None,
) -> tuple[AgreementOption, ...]:
    """Standard offers side by side, each within the Settings limits.

    À vista with the largest discount on the charges the owner allows without an override, then
    3, 6 and the maximum number of installments without interest, each reduced to the largest
    count whose installments stay above the minimum (repeats dropped).
    """
    found: list[AgreementOption] = []
    pct = policy.max_discount_charges_pct
    cash = simulate(
        debt,
        AgreementTerms(count=0, charges_discount_pct=pct if debt.charges else None),
        policy,
        collection_policy=collection_policy,
    )
    label = "À vista, hoje"
    if cash.charges_discount:
        label += f", com {format_percent(pct)} de desconto na multa e nos juros"
    found.append(AgreementOption(label, cash))
    seen: set[int] = set()
    for wanted in sorted({3, 6, policy.max_installments}):
        for count in range(min(wanted, policy.max_installments), 1, -1):
            plan = _plan_within_limits(debt, count, policy, collection_policy, first_due)
            if plan is not None:
                if count not in seen:
                    seen.add(count)
                    found.append(AgreementOption(f"{count}x sem juros", plan))
                break
    return tuple(found)


# --- confirming ----------------------------------------------------------------------------------


def _approver(
    session: Session, plan: AgreementPlan, operator: Operator, owner: Operator | None
) -> Operator:
    """The owner who signs the agreement: the operator if an owner, else ``owner``."""
    approver = operator if operator.is_owner else owner
    if approver is None or not approver.is_owner:
        if plan.violations:
            raise AgreementRefused(
                "Acordo fora dos limites: "
                + " ".join(plan.violations)
                + " Só com a autorização do dono."
            )
        raise AgreementRefused("Somente o dono pode fechar um acordo: peça a senha do dono.")
    try:
        require_owner(session, approver.id)
    except NotAllowed as exc:
        raise AgreementRefused(str(exc)) from exc
    return approver


def _check_adds_up(plan: AgreementPlan) -> None:
    """Refuse a plan whose parts do not add up (whatever built it)."""
    if plan.discount != plan.charges_discount + plan.principal_discount:
        raise AgreementRefused("O desconto do acordo não confere com as suas partes.")
    if plan.total != plan.principal + plan.fees + plan.interest - plan.discount:
        raise AgreementRefused(
            "O total do acordo não confere: principal + multa + juros − desconto."
        )
    if (plan.principal, plan.fees, plan.interest) != (
        plan.debt.principal,
        plan.debt.fees,
        plan.debt.interest,
    ):
        raise AgreementRefused("O acordo não confere com a dívida das parcelas escolhidas.")
    if plan.schedule_total != plan.total + plan.financing_interest:
        raise AgreementRefused("As parcelas do acordo não somam o total acordado.")
    down = [p for p in plan.schedule if p.is_down_payment]
    if sum((p.amount for p in down), _ZERO) != plan.down_payment or len(down) > 1:
        raise AgreementRefused("A entrada do acordo não confere com as parcelas.")
    if len(plan.installments) != plan.count:
        raise AgreementRefused("O número de parcelas do acordo não confere.")
    if any(p.amount <= 0 for p in plan.schedule):
        raise AgreementRefused("Há parcela sem valor no acordo.")


def _lock(session: Session, ids: Sequence[int]) -> list[Installment]:
    """Re-read and lock (FOR UPDATE on PostgreSQL; SQLite's write lock is already held)."""
    stmt = (
        select(Installment)
        .where(Installment.id.in_(ids))
        .order_by(Installment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(stmt))


def _check_versions(rows: Sequence[Installment], expected: dict[int, int]) -> None:
    by_id = {r.id: r for r in rows}
    for inst_id, version in expected.items():
        inst = by_id.get(inst_id)
        if inst is None or inst.version != version:
            raise AgreementConflict()
        if inst.status is not InstallmentStatus.OPEN:
            raise AgreementConflict()


def _snapshot(inst: Installment) -> dict[str, Any]:
    return {
        "status": inst.status,
        "principal_paid": inst.principal_paid,
        "renegotiated_into_id": inst.renegotiated_into_id,
        "written_off_on": inst.written_off_on,
        "version": inst.version,
    }


def _clean_notes(notes: str | None) -> str | None:
    text = " ".join((notes or "").split())
    if len(text) > 2000:
        raise AgreementRefused("Observações: no máximo 2.000 caracteres.")
    return text or None


def confirm_agreement(
    uow: UnitOfWork,
    plan: AgreementPlan,
    *,
    customer_id: int,
    installment_ids: Sequence[int],
    expected_versions: dict[int, int],
    operator: Operator,
    owner: Operator | None,
    now: datetime,
    notes: str | None = None,
) -> int:
    """Sign the agreement in one transaction and commit it; returns the agreement's id.

    The installments are locked and must still have the versions of the simulation
    (:attr:`Debt.versions`): of two agreements over the same installments exactly one is signed,
    the other gets :data:`CONFLICT_MESSAGE`. The plan is recomputed from the locked rows, the
    day's Settings and its terms, and must be the one shown.
    """
    if not uow.write:
        raise RuntimeError("confirm_agreement needs db.unit_of_work(write=True)")
    session = uow.session
    today = now.date()
    ids = list(installment_ids)
    approver = _approver(session, plan, operator, owner)
    why = _clean_notes(notes)
    if plan.debt.on != today:
        raise AgreementRefused(
            f"A simulação foi feita para {plan.debt.on:%d/%m/%Y}; simule de novo com a data "
            "de hoje."
        )
    if plan.debt.customer_id != customer_id or sorted(plan.debt.installment_ids) != sorted(ids):
        raise AgreementRefused("A simulação é de outras parcelas; simule de novo.")
    if set(expected_versions) != set(ids):
        raise AgreementRefused("Faltam as versões das parcelas simuladas; simule de novo.")
    _check_adds_up(plan)

    settings = settings_service.load(session)
    rows = _lock(session, ids)
    _check_versions(rows, expected_versions)
    debt = _debt(session, customer_id, ids, rows, today)
    try:
        fresh = simulate(debt, plan.terms, settings.agreements, collection_policy=settings.policy)
    except ValidationErrors as exc:
        raise AgreementRefused(f"O acordo não vale mais: {exc}") from exc
    if fresh != plan:
        raise AgreementRefused(
            "Os valores ou as regras do acordo mudaram desde a simulação; simule de novo."
        )

    agreement = Agreement(
        customer_id=customer_id,
        agreed_on=today,
        status=AgreementStatus.ACTIVE,
        principal=plan.principal,
        fees=plan.fees,
        interest=plan.interest,
        discount=plan.discount,
        total=plan.total,
        down_payment=plan.down_payment,
        installment_count=plan.count,
        monthly_rate=plan.monthly_rate,
        breach_clause=plan.breach_clause,
        operator_id=operator.id,
        authorized_by_id=approver.id,
        notes=why,
        created_at=now,
    )
    session.add(agreement)
    session.flush()
    before = {str(r.id): _snapshot(r) for r in rows}
    for row in rows:
        row.status = InstallmentStatus.RENEGOTIATED
        row.renegotiated_into_id = agreement.id
    new_rows = [
        Installment(
            customer_id=customer_id,
            agreement_id=agreement.id,
            number=p.number,
            count=len(plan.schedule),
            due_date=p.due_date,
            amount=p.amount,
            principal_paid=_ZERO,
            status=InstallmentStatus.OPEN,
        )
        for p in plan.schedule
    ]
    session.add_all(new_rows)
    try:
        session.flush()
    except StaleDataError as exc:  # another counter got there despite the lock
        raise AgreementConflict() from exc
    for new in new_rows:
        new.slip_code = slip_code_for(new.id)
    session.flush()
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        authorized_by_id=approver.id,
        action="agreement.create",
        entity="agreement",
        entity_id=agreement.id,
        customer_id=customer_id,
        before={"installments": before},
        after={
            "installments": {str(r.id): _snapshot(r) for r in rows},
            "principal": plan.principal,
            "fees": plan.fees,
            "interest": plan.interest,
            "charges_discount": plan.charges_discount,
            "principal_discount": plan.principal_discount,
            "discount": plan.discount,
            "total": plan.total,
            "down_payment": plan.down_payment,
            "count": plan.count,
            "monthly_rate": plan.monthly_rate,
            "financing_interest": plan.financing_interest,
            "breach_clause": plan.breach_clause,
            "schedule": [
                {"id": new.id, "number": new.number, "due": new.due_date, "amount": new.amount}
                for new in new_rows
            ],
            "overridden_limits": list(plan.violations),
        },
    )
    uow.commit()
    return agreement.id


# --- lifecycle -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewResult:
    fulfilled: tuple[int, ...] = ()
    broken: tuple[int, ...] = ()
    # Installments added by the lose_discount clause: (agreement id, installment id, amount).
    lost_discounts: tuple[tuple[int, int, Decimal], ...] = ()


def _lost_discount(agreement: Agreement, insts: Sequence[Installment]) -> Decimal:
    """The part of the discount that comes back: discount × unpaid ÷ agreed installments."""
    agreed = sum((i.amount for i in insts), _ZERO)
    unpaid = sum(
        (
            i.amount - i.principal_paid
            for i in insts
            if i.status in (InstallmentStatus.OPEN, InstallmentStatus.WRITTEN_OFF)
        ),
        _ZERO,
    )
    if agreed <= 0 or unpaid <= 0:
        return _ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        return round_money(agreement.discount * unpaid / agreed)


def _record_review(
    session: Session, at: datetime, agreement: Agreement, action: str, after: dict[str, Any]
) -> None:
    """The audit entry of an active agreement the review closed (no user: the system did it)."""
    audit.record(
        session,
        at=at,
        user_id=None,
        action=action,
        entity="agreement",
        entity_id=agreement.id,
        customer_id=agreement.customer_id,
        before={"status": AgreementStatus.ACTIVE},
        after=after,
    )


def review_agreements(
    uow: UnitOfWork, today: date, policy: AgreementPolicy, *, now: datetime | None = None
) -> ReviewResult:
    """Follow every active agreement to ``today`` and commit; running it twice changes nothing.

    Fulfilled when every installment is paid (on the day of the last payment); broken when one is
    more than ``policy.breach_days`` days late (on the first day past that), or when nothing is
    left open because the owner wrote the rest off (on the day of the write-off). On breach with the
    ``lose_discount`` clause signed, the lost share of the discount becomes one more installment
    of the agreement, due ``today`` (see the module's notes).
    """
    if not uow.write:
        raise RuntimeError("review_agreements needs db.unit_of_work(write=True)")
    session = uow.session
    at = now or datetime.combine(today, time())
    active = list(
        session.scalars(
            select(Agreement)
            .where(Agreement.status == AgreementStatus.ACTIVE)
            .order_by(Agreement.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    by_agreement: dict[int, list[Installment]] = {a.id: [] for a in active}
    if active:
        for inst in session.scalars(
            select(Installment)
            .where(Installment.agreement_id.in_(list(by_agreement)))
            .order_by(Installment.agreement_id, Installment.number)
            .execution_options(populate_existing=True)
        ):
            assert inst.agreement_id is not None
            by_agreement[inst.agreement_id].append(inst)
    fulfilled: list[int] = []
    broken: list[int] = []
    lost: list[tuple[int, int, Decimal]] = []
    for agreement in active:
        insts = by_agreement[agreement.id]
        if insts and all(i.status is InstallmentStatus.PAID for i in insts):
            agreement.status = AgreementStatus.FULFILLED
            agreement.fulfilled_on = max(
                (i.settled_on for i in insts if i.settled_on is not None), default=today
            )
            fulfilled.append(agreement.id)
            _record_review(
                session,
                at,
                agreement,
                "agreement.fulfilled",
                {"status": agreement.status, "fulfilled_on": agreement.fulfilled_on},
            )
            continue
        late = [
            i
            for i in insts
            if i.status is InstallmentStatus.OPEN and (today - i.due_date).days > policy.breach_days
        ]
        written_off = [i for i in insts if i.status is InstallmentStatus.WRITTEN_OFF]
        if not late and written_off and not any(i.status is InstallmentStatus.OPEN for i in insts):
            # The owner wrote the rest off: the agreement was not kept, and nothing comes back
            # (a lost discount would be collecting what the shop itself gave up on).
            agreement.status = AgreementStatus.BROKEN
            agreement.broken_on = max(i.written_off_on or today for i in written_off)
            broken.append(agreement.id)
            _record_review(
                session,
                at,
                agreement,
                "agreement.broken",
                {
                    "status": agreement.status,
                    "broken_on": agreement.broken_on,
                    "written_off_installments": [i.id for i in written_off],
                },
            )
            continue
        if not late:
            continue
        agreement.status = AgreementStatus.BROKEN
        agreement.broken_on = min(i.due_date for i in late) + timedelta(days=policy.breach_days + 1)
        broken.append(agreement.id)
        after: dict[str, Any] = {
            "status": agreement.status,
            "broken_on": agreement.broken_on,
            "late_installments": [i.id for i in late],
            "breach_clause": agreement.breach_clause,
        }
        if agreement.breach_clause == LOSE_DISCOUNT and agreement.discount > 0:
            amount = _lost_discount(agreement, insts)
            if amount > 0:
                number = max(i.number for i in insts) + 1
                extra = Installment(
                    customer_id=agreement.customer_id,
                    agreement_id=agreement.id,
                    number=number,
                    count=number,
                    due_date=today,
                    amount=amount,
                    principal_paid=_ZERO,
                    status=InstallmentStatus.OPEN,
                )
                session.add(extra)
                session.flush()
                extra.slip_code = slip_code_for(extra.id)
                lost.append((agreement.id, extra.id, amount))
                after["lost_discount"] = {
                    "installment_id": extra.id,
                    "amount": amount,
                    "note": LOST_DISCOUNT_NOTE,
                }
        _record_review(session, at, agreement, "agreement.broken", after)
    uow.commit()
    return ReviewResult(tuple(fulfilled), tuple(broken), tuple(lost))


# --- write-off -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOffResult:
    installment_ids: tuple[int, ...]
    principal: Decimal  # open principal written off


def write_off(
    uow: UnitOfWork,
    *,
    customer_id: int,
    installment_ids: Sequence[int] | None = None,
    reason: str,
    owner: Operator,
    now: datetime,
    expected_versions: dict[int, int] | None = None,
) -> WriteOffResult:
    """Stop collecting (baixa por perda) the named installments, or every open one of the
    customer, in one transaction; commits. Owner only, with a reason. The debt is kept: it can
    still be received, as a recovery (:mod:`services.payments`)."""
    if not uow.write:
        raise RuntimeError("write_off needs db.unit_of_work(write=True)")
    session = uow.session
    if not owner.is_owner:
        raise AgreementRefused("Somente o dono pode baixar uma dívida como perda.")
    try:
        require_owner(session, owner.id)
    except NotAllowed as exc:
        raise AgreementRefused(str(exc)) from exc
    why = " ".join(reason.split())
    if not why:
        raise AgreementRefused("Informe o motivo da baixa por perda.")
    if len(why) > 500:
        raise AgreementRefused("Motivo: no máximo 500 caracteres.")
    if installment_ids is None:
        ids = list(
            session.scalars(
                select(Installment.id).where(
                    Installment.customer_id == customer_id,
                    Installment.status == InstallmentStatus.OPEN,
                )
            )
        )
        if not ids:
            raise AgreementRefused("Este cliente não tem parcelas em aberto.")
    else:
        ids = list(installment_ids)
    rows = _lock(session, ids)
    if expected_versions is not None:
        _check_versions(rows, expected_versions)
    _check_chosen(rows, customer_id, ids)
    today = now.date()
    before = {str(r.id): _snapshot(r) for r in rows}
    for row in rows:
        row.status = InstallmentStatus.WRITTEN_OFF
        row.written_off_on = today
        row.write_off_reason = why
    try:
        session.flush()
    except StaleDataError as exc:
        raise AgreementConflict(
            "Estas parcelas mudaram em outro caixa agora há pouco; nada foi baixado."
        ) from exc
    principal = sum((r.amount - r.principal_paid for r in rows), _ZERO)
    audit.record(
        session,
        at=now,
        user_id=owner.id,
        authorized_by_id=owner.id,
        action="installment.write_off",
        entity="customer",
        entity_id=customer_id,
        customer_id=customer_id,
        before={"installments": before},
        after={
            "installments": {str(r.id): _snapshot(r) for r in rows},
            "principal": principal,
            "reason": why,
        },
    )
    uow.commit()
    return WriteOffResult(tuple(r.id for r in rows), principal)


@dataclass(frozen=True)
class WriteOffSuggestion:
    customer_id: int
    name: str
    open_principal: Decimal
    oldest_due: date
    last_answer: date | None  # last answered contact or payment
    silent_days: int
    reasons: tuple[str, ...]


def write_off_suggestions(
    session: Session, today: date, policy: AgreementPolicy
) -> tuple[WriteOffSuggestion, ...]:
    """Customers whose overdue debt the owner may want to write off, with the reasons.

    A small debt (open principal below ``write_off_below``) with no answer for more than
    ``write_off_silent_days`` days, or a debt due more than five years ago (prescribed, Código
    Civil art. 206 §5 I). Aggregated in SQL; ordered by name.
    """
    debts = (
        select(
            Installment.customer_id.label("customer_id"),
            type_coerce(func.sum(Installment.amount - Installment.principal_paid), Money).label(
                "open_principal"
            ),
            func.min(Installment.due_date).label("oldest_due"),
        )
        .where(Installment.status == InstallmentStatus.OPEN)
        .group_by(Installment.customer_id)
        .having(func.min(Installment.due_date) < today)
        .subquery()
    )
    answers = (
        select(
            ContactAttempt.customer_id.label("customer_id"),
            func.max(ContactAttempt.at).label("at"),
        )
        .where(ContactAttempt.outcome.in_(ANSWERED_OUTCOMES))
        .group_by(ContactAttempt.customer_id)
        .subquery()
    )
    paid = (
        select(
            Payment.customer_id.label("customer_id"),
            func.max(Payment.received_at).label("at"),
        )
        .where(Payment.reverses_id.is_(None))
        .group_by(Payment.customer_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Customer.id,
            Customer.name,
            debts.c.open_principal,
            debts.c.oldest_due,
            answers.c.at,
            paid.c.at,
        )
        .join(debts, debts.c.customer_id == Customer.id)
        .outerjoin(answers, answers.c.customer_id == Customer.id)
        .outerjoin(paid, paid.c.customer_id == Customer.id)
        .order_by(Customer.name, Customer.id)
    ).all()
    found = []
    for customer_id, name, open_principal, oldest_due, answered_at, paid_at in rows:
        signs = [d.date() for d in (answered_at, paid_at) if d is not None]
        last_answer = max(signs) if signs else None
        silent_since = max([oldest_due, *signs])
        silent_days = (today - silent_since).days
        reasons = []
        if today > add_months(oldest_due, PRESCRIPTION_MONTHS):
            reasons.append(
                f"Dívida vencida em {oldest_due:%d/%m/%Y}, há mais de 5 anos: prescrita "
                "(Código Civil art. 206 §5 I)."
            )
        if open_principal < policy.write_off_below and silent_days > policy.write_off_silent_days:
            reasons.append(
                f"Dívida de {format_brl(open_principal)}, abaixo de "
                f"{format_brl(policy.write_off_below)}, e sem resposta há {silent_days} dias."
            )
        if reasons:
            found.append(
                WriteOffSuggestion(
                    customer_id=customer_id,
                    name=name,
                    open_principal=open_principal,
                    oldest_due=oldest_due,
                    last_answer=last_answer,
                    silent_days=silent_days,
                    reasons=tuple(reasons),
                )
            )
    return tuple(found)
