"""Credit sales: the preview the customer is shown, then the sale and its installments.

CDC art. 52 caput and art. 54-B: before a sale on installments the customer is told the price,
the monthly and yearly rates, the CET, the late charges, the number, amounts and dates of the
installments and the totals with and without financing. :func:`preview_sale` computes exactly
that (writing nothing); :func:`create_sale` recomputes it inside the write transaction, so what is
stored is what the rules allow at that moment, and stores the sale, its installments, the owner's
credit override (if any) and the audit entries together.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from models import Customer, Installment, InstallmentStatus
from models.base import Money
from models.credit import CreditSale
from models.enums import SaleStatus
from services import audit
from services import settings as settings_service
from services.credit import CreditDecision, check_credit, record_override
from services.money import CENT, ensure_money, format_brl
from services.plans import (
    add_months,
    cet_yearly,
    rate_warning,
    split_installments,
    yearly_from_monthly,
)
from services.slips import slip_code_for
from services.users import NotAllowed, Operator, require_owner
from services.validation import FieldError, ValidationErrors

__all__ = [
    "MAX_DAYS_TO_FIRST_DUE",
    "MAX_MONTHLY_RATE",
    "MIN_DAYS_TO_FIRST_DUE",
    "CreditRefused",
    "PlannedInstallment",
    "SalePreview",
    "SaleRequest",
    "create_sale",
    "first_due_for_day",
    "preview_sale",
]

# With a day of the month, the first installment falls on the first such day at least this many
# days after the sale: the customer gets about a month before paying anything.
MIN_DAYS_TO_FIRST_DUE = 25
# An explicit first due date may be anything from tomorrow up to this (a "pague em 90 dias" offer);
# later than that is almost surely a typo in the year.
MAX_DAYS_TO_FIRST_DUE = 90
MAX_MONTHLY_RATE = Decimal(10)
_RATE_STEP = Decimal("0.0001")  # what the Rate column keeps (ten-thousandths of a percent)


class CreditRefused(NotAllowed):
    """The credit check refused the sale and no owner approved it (with a reason)."""

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons


@dataclass(frozen=True)
class SaleRequest:
    """What the sale screen holds. Give ``first_due`` or ``day_of_month``, not both.

    ``monthly_rate`` is a percent a month (``Decimal("2.5")`` is 2,5 %).
    """

    customer_id: int
    description: str
    cash_price: Decimal
    down_payment: Decimal
    count: int
    monthly_rate: Decimal
    first_due: date | None = None
    day_of_month: int | None = None


@dataclass(frozen=True)
class PlannedInstallment:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class SalePreview:
    """Everything the customer is told before confirming (CDC art. 52, 54-B)."""

    customer_id: int
    description: str
    sale_date: date
    cash_price: Decimal  # the total without financing
    down_payment: Decimal
    financed_amount: Decimal
    installments: tuple[PlannedInstallment, ...]
    monthly_rate_pct: Decimal
    yearly_rate_pct: Decimal
    cet_yearly_pct: Decimal
    late_fee_pct: Decimal
    late_interest_monthly_pct: Decimal
    grace_days: int
    rate_warning: str | None
    credit: CreditDecision

    @property
    def count(self) -> int:
        return len(self.installments)

    @property
    def first_due(self) -> date:
        return self.installments[0].due_date

    @property
    def installment_amount(self) -> Decimal:
        """The regular installment (the last one may differ by the rounding cents)."""
        return self.installments[0].amount

    @property
    def installments_total(self) -> Decimal:
        return sum((i.amount for i in self.installments), Decimal("0.00"))

    @property
    def total_with_financing(self) -> Decimal:
        return self.down_payment + self.installments_total

    @property
    def interest_total(self) -> Decimal:
        return self.installments_total - self.financed_amount

    @property
    def credit_approved(self) -> bool:
        return self.credit.approved


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_after(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def first_due_for_day(day_of_month: int, today: date) -> date:
    """The first ``day_of_month`` (clamped at the month's end) at least 25 days after ``today``.

    Sold on 23/11 for day 31: 30/11 is too soon, so 31/12. Sold on 10/01 for day 30: 30/01 is
    20 days away, so 28/02 (clamped); the later installments go back to day 30 (30/03 …).
    """
    year, month = today.year, today.month
    while True:
        candidate = _clamped(year, month, day_of_month)
        if (candidate - today).days >= MIN_DAYS_TO_FIRST_DUE:
            return candidate
        year, month = _month_after(year, month, 1)


def _due_dates(request: SaleRequest, first_due: date, count: int) -> list[date]:
    if request.day_of_month is None:
        return [add_months(first_due, k) for k in range(count)]
    # Anchored on the chosen day, not on a first due that was clamped (28/02 → 30/03, not 28/03).
    dates = []
    for k in range(count):
        year, month = _month_after(first_due.year, first_due.month, k)
        dates.append(_clamped(year, month, request.day_of_month))
    return dates


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _money_field(value: object, field: str, label: str, errors: list[FieldError]) -> Decimal | None:
    try:
        amount = ensure_money(value, label)
    except (TypeError, ValueError) as exc:
        errors.append(FieldError(field, str(exc)))
        return None
    if amount != amount.quantize(CENT):
        errors.append(FieldError(field, f"{label}: use no máximo duas casas decimais."))
        return None
    return amount


def _customer_credit(
    session: Session, customer: Customer, requested: Decimal, today: date, max_late: int
) -> CreditDecision:
    """Open principal and the oldest open due date, aggregated in SQL over every open installment
    (sales and agreements alike)."""
    used, oldest = session.execute(
        select(
            type_coerce(func.sum(Installment.amount - Installment.principal_paid), Money),
            func.min(Installment.due_date),
        ).where(
            Installment.customer_id == customer.id,
            Installment.status == InstallmentStatus.OPEN,
        )
    ).one()
    days_late = max(0, (today - oldest).days) if oldest is not None else 0
    return check_credit(
        limit=customer.credit_limit,
        open_principal=used if used is not None else Decimal("0.00"),
        requested=requested,
        max_days_late=days_late,
        blocked=customer.blocked,
        max_days_late_allowed=max_late,
    )


def preview_sale(session: Session, request: SaleRequest, today: date) -> SalePreview:
    """Validate the request and compute the plan, the CET and the credit check. Writes nothing.

    Raises :class:`ValidationErrors` naming every wrong field (in Portuguese). A credit refusal
    is not an error here: it is in ``credit.reasons`` for the screen to show.
    """
    return _preview(session, request, today, lock=False)


def _preview(session: Session, request: SaleRequest, today: date, *, lock: bool) -> SalePreview:
    settings = settings_service.load(session)
    rules = settings.credit
    errors: list[FieldError] = []

    customer = session.get(Customer, request.customer_id, with_for_update=True if lock else None)
    if customer is None or customer.anonymized_at is not None:
        errors.append(FieldError("customer_id", "Cliente não encontrado."))

    description = " ".join(str(request.description).split())
    if not description:
        errors.append(FieldError("description", "Informe o que foi vendido."))
    elif len(description) > 200:
        errors.append(FieldError("description", "Descrição: no máximo 200 caracteres."))

    price = _money_field(request.cash_price, "cash_price", "Preço à vista", errors)
    if price is not None and price <= 0:
        errors.append(FieldError("cash_price", "O preço à vista deve ser maior que zero."))
        price = None
    down = _money_field(request.down_payment, "down_payment", "Entrada", errors)
    if down is not None and down < 0:
        errors.append(FieldError("down_payment", "A entrada não pode ser negativa."))
        down = None
    if price is not None and down is not None and down >= price:
        errors.append(FieldError("down_payment", "A entrada deve ser menor que o preço à vista."))
        down = None

    count = request.count
    if not _is_int(count) or not 1 <= count <= rules.max_installments:
        errors.append(
            FieldError("count", f"Número de parcelas entre 1 e {rules.max_installments}.")
        )

    rate: Decimal | None = None
    try:
        rate = ensure_money(request.monthly_rate, "Taxa de juros")
    except (TypeError, ValueError) as exc:
        errors.append(FieldError("monthly_rate", str(exc)))
    if rate is not None and not Decimal(0) <= rate <= MAX_MONTHLY_RATE:
        errors.append(FieldError("monthly_rate", "Taxa de juros entre 0 % e 10 % ao mês."))
        rate = None
    elif rate is not None and rate != rate.quantize(_RATE_STEP):
        errors.append(FieldError("monthly_rate", "Taxa: no máximo quatro casas decimais."))
        rate = None

    first_due: date | None = None
    if (request.first_due is None) == (request.day_of_month is None):
        errors.append(
            FieldError("first_due", "Informe a data do 1º vencimento ou o dia do mês, um deles.")
        )
    elif request.day_of_month is not None:
        if not _is_int(request.day_of_month) or not 1 <= request.day_of_month <= 31:
            errors.append(FieldError("day_of_month", "Dia do vencimento entre 1 e 31."))
        else:
            first_due = first_due_for_day(request.day_of_month, today)
    else:
        first_due = request.first_due
        assert first_due is not None
        if first_due <= today:
            errors.append(
                FieldError("first_due", "O 1º vencimento deve ser depois da data da venda.")
            )
            first_due = None
        elif first_due > today + timedelta(days=MAX_DAYS_TO_FIRST_DUE):
            errors.append(
                FieldError(
                    "first_due",
                    f"O 1º vencimento deve ser em até {MAX_DAYS_TO_FIRST_DUE} dias da venda.",
                )
            )
            first_due = None

    if errors:
        raise ValidationErrors(errors)
    assert price is not None and down is not None and rate is not None
    assert first_due is not None and customer is not None

    financed = price - down
    try:
        amounts = [amount for _, amount in split_installments(financed, count, first_due, rate)]
    except ValueError as exc:
        raise ValidationErrors([FieldError("count", str(exc))]) from exc
    smallest = min(amounts)
    if smallest < rules.min_installment:
        raise ValidationErrors(
            [
                FieldError(
                    "count",
                    f"Parcela de {format_brl(smallest)} abaixo do mínimo de "
                    f"{format_brl(rules.min_installment)}: reduza o número de parcelas.",
                )
            ]
        )
    dates = _due_dates(request, first_due, count)
    plan = tuple(
        PlannedInstallment(number, due, amount)
        for number, (due, amount) in enumerate(zip(dates, amounts, strict=True), start=1)
    )
    cet = cet_yearly(financed, [(i.due_date, i.amount) for i in plan], today)
    return SalePreview(
        customer_id=customer.id,
        description=description,
        sale_date=today,
        cash_price=price,
        down_payment=down,
        financed_amount=financed,
        installments=plan,
        monthly_rate_pct=rate,
        yearly_rate_pct=yearly_from_monthly(rate),
        cet_yearly_pct=cet,
        late_fee_pct=settings.policy.late_fee_pct,
        late_interest_monthly_pct=settings.policy.monthly_interest_pct,
        grace_days=settings.policy.grace_days,
        rate_warning=rate_warning(rate),
        credit=_customer_credit(session, customer, financed, today, rules.max_days_late),
    )


def _approver(
    session: Session,
    preview: SalePreview,
    operator: Operator,
    owner: Operator | None,
    override_reason: str | None,
) -> tuple[Operator, str] | None:
    """The owner and reason that let a refused sale through; None when the check approved it."""
    if preview.credit.approved:
        return None
    reasons = preview.credit.reasons
    if owner is None and operator.is_owner:
        owner = operator  # the owner at the counter approves with their own login
    if owner is None or not owner.is_owner:
        raise CreditRefused(
            "Crédito recusado: " + " ".join(reasons) + " Só o dono pode liberar esta venda.",
            reasons,
        )
    require_owner(session, owner.id)  # still an active owner in the database
    reason = " ".join((override_reason or "").split())
    if not reason:
        raise ValidationErrors(
            [FieldError("override_reason", "Informe o motivo da liberação do crédito.")]
        )
    return owner, reason


def create_sale(
    session: Session,
    request: SaleRequest,
    *,
    operator: Operator,
    now: datetime,
    owner: Operator | None = None,
    override_reason: str | None = None,
) -> int:
    """Store the sale and its installments in the caller's write transaction; caller commits.

    The preview is recomputed here (with the customer's row locked on PostgreSQL, and SQLite's
    write lock taken by ``UnitOfWork(write=True)``) so two counters cannot both spend the same
    limit. A refused check needs ``owner`` (from ``users.authorize_owner``) and a reason; the
    approval is stored on the sale and in the audit trail, never silent.
    """
    preview = _preview(session, request, now.date(), lock=True)
    approval = _approver(session, preview, operator, owner, override_reason)

    sale = CreditSale(
        customer_id=preview.customer_id,
        sold_on=preview.sale_date,
        description=preview.description,
        cash_price=preview.cash_price,
        down_payment=preview.down_payment,
        financed_amount=preview.financed_amount,
        monthly_rate=preview.monthly_rate_pct,
        cet_yearly=preview.cet_yearly_pct,
        installment_count=preview.count,
        status=SaleStatus.ACTIVE,
        operator_id=operator.id,
        credit_override_by_id=approval[0].id if approval else None,
        credit_override_reason=approval[1] if approval else None,
        created_at=now,
    )
    session.add(sale)
    session.flush()
    rows = [
        Installment(
            customer_id=preview.customer_id,
            sale_id=sale.id,
            number=planned.number,
            count=preview.count,
            due_date=planned.due_date,
            amount=planned.amount,
            principal_paid=Decimal("0.00"),
            status=InstallmentStatus.OPEN,
        )
        for planned in preview.installments
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        row.slip_code = slip_code_for(row.id)
    if sum((r.amount for r in rows), Decimal("0.00")) != preview.installments_total:
        raise AssertionError("installments do not add up to the plan")  # never reached

    if approval is not None:
        record_override(
            session,
            customer_id=preview.customer_id,
            decision=preview.credit,
            requested=preview.financed_amount,
            owner_id=approval[0].id,
            operator_id=operator.id,
            reason=approval[1],
            now=now,
        )
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        authorized_by_id=approval[0].id if approval else None,
        action="sale.create",
        entity="credit_sale",
        entity_id=sale.id,
        customer_id=preview.customer_id,
        after={
            "description": preview.description,
            "cash_price": preview.cash_price,
            "down_payment": preview.down_payment,
            "financed_amount": preview.financed_amount,
            "count": preview.count,
            "monthly_rate": preview.monthly_rate_pct,
            "cet_yearly": preview.cet_yearly_pct,
            "installments_total": preview.installments_total,
            "first_due": preview.first_due,
            "credit_reasons": list(preview.credit.reasons),
        },
    )
    return sale.id
