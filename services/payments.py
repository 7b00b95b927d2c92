"""Receiving payments at the counter, and reversing them (estorno).

Every amount here is charged to a person, and CDC art. 42 § único makes the shop repay double
anything charged that was not due, so:

- what is due is computed by :func:`services.customers.installment_charges` from what earlier
  (not reversed) payments already paid of fee and interest, exactly as the customer's screen
  shows it;
- each installment's money is imputed interest → fee → principal (Código Civil art. 354,
  :func:`services.charges.impute_payment`);
- the installments are re-read inside the write transaction and locked (``BEGIN IMMEDIATE`` on
  SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), so two counters paying the same installment
  never both charge: a plain read-then-write double-paid 20 races out of 20 (ENGINEERING.md).
  ``Installment.version`` (``version_id_col``) is the last line of defence.

Decisions (documented because the brief left them open):

- A **waiver** (``waive``) forgives late fee and interest only, oldest installment first, and only
  on installments this receipt settles: the customer screen recomputes charges from what was
  *paid* of them, so a waiver on an installment left open would be charged again tomorrow.
- A **written-off** installment can be received only by naming it; the payment is a recovery
  (``is_recovery``) and may not mix with ordinary installments or credit the next ones. When its
  principal is fully paid it becomes ``paid`` (the debt is gone; ``written_off_on`` stays as
  history); a partial recovery leaves it ``written_off``. A reversal puts it back to
  ``written_off``.
- **Early settlement** (CDC art. 52 §2): an installment of a financed sale or agreement paid
  before its due date is brought to present value at the plan's own monthly rate
  (:func:`services.charges.early_settlement_value`); the difference is a ``rebate`` that settles
  principal without money. Like a waiver, it applies only to an installment this receipt
  settles: a partial payment of a future installment is imputed to its full amount.
- **Surplus** ``"change"`` is only possible in cash (a Pix or card overpayment would have to be
  refunded by other means): for other methods an amount above what is due is refused unless
  ``"credit_next"`` can absorb it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Agreement,
    CashSession,
    CreditSale,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from services import audit
from services import settings as settings_service
from services.charges import Charges, early_settlement_value, impute_payment
from services.customers import charges_paid, installment_charges
from services.db import UnitOfWork
from services.money import CENT, ensure_money, format_brl
from services.settings import CollectionPolicy
from services.users import NotAllowed, Operator, require_owner
from services.validation import Refused

__all__ = [
    "CONFLICT_MESSAGE",
    "AllocationLine",
    "PaymentConflict",
    "PaymentRefused",
    "PaymentResult",
    "Quote",
    "QuoteLine",
    "quote",
    "receive_payment",
    "reverse_payment",
]

CONFLICT_MESSAGE = "Esta parcela foi paga em outro caixa agora há pouco; nada foi cobrado."
_ZERO = Decimal("0.00")


class PaymentRefused(Refused):
    """A payment or reversal refused; the message is for the cashier, in Portuguese."""


class PaymentConflict(PaymentRefused):
    """Another counter changed the installment between the quote and the receipt."""

    def __init__(self, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class QuoteLine:
    installment_id: int
    number: int
    count: int
    due_date: date
    days_late: int
    status: InstallmentStatus
    version: int
    open_principal: Decimal
    fee: Decimal
    interest: Decimal
    total: Decimal  # open principal + fee + interest − rebate
    rebate: Decimal = Decimal("0.00")  # early-settlement reduction (CDC art. 52 §2)


@dataclass(frozen=True)
class Quote:
    """What the cashier shows before receiving: oldest due first, charges as of ``today``."""

    today: date
    lines: tuple[QuoteLine, ...]
    principal: Decimal
    fee: Decimal
    interest: Decimal
    total: Decimal
    rebate: Decimal = Decimal("0.00")

    @property
    def versions(self) -> dict[int, int]:
        """Pass to :func:`receive_payment` as ``expected_versions``."""
        return {line.installment_id: line.version for line in self.lines}


@dataclass(frozen=True)
class AllocationLine:
    installment_id: int
    principal: Decimal
    fee: Decimal
    interest: Decimal
    discount: Decimal
    rebate: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    amount: Decimal  # principal + fee + interest actually received
    principal: Decimal
    fee: Decimal
    interest: Decimal
    discount: Decimal
    tendered: Decimal | None
    change: Decimal
    rebate: Decimal
    is_recovery: bool
    allocations: tuple[AllocationLine, ...]
    settled_installment_ids: tuple[int, ...]


# --- what is due ---------------------------------------------------------------------------------


@dataclass
class _Due:
    inst: Installment
    open_principal: Decimal
    fee: Decimal
    interest: Decimal
    rebate: Decimal = _ZERO  # what settling it today takes off (CDC art. 52 §2)

    @property
    def total(self) -> Decimal:
        return self.open_principal + self.fee + self.interest - self.rebate


def _fraction(inst: Installment) -> str:
    return f"{inst.number}/{inst.count}"


def _plan_rates(session: Session, insts: Sequence[Installment]) -> dict[int, Decimal]:
    """The monthly rate of each installment's plan (its sale's, or its agreement's)."""
    sale_ids = {i.sale_id for i in insts if i.sale_id is not None}
    agreement_ids = {i.agreement_id for i in insts if i.agreement_id is not None}
    sales: dict[int, Decimal] = {}
    agreements: dict[int, Decimal] = {}
    if sale_ids:
        stmt = select(CreditSale.id, CreditSale.monthly_rate).where(CreditSale.id.in_(sale_ids))
        sales = {sale_id: rate for sale_id, rate in session.execute(stmt)}
    if agreement_ids:
        stmt = select(Agreement.id, Agreement.monthly_rate).where(Agreement.id.in_(agreement_ids))
        agreements = {agreement_id: rate for agreement_id, rate in session.execute(stmt)}
    rates: dict[int, Decimal] = {}
    for inst in insts:
        if inst.sale_id is not None:
            rates[inst.id] = sales.get(inst.sale_id, _ZERO)
        elif inst.agreement_id is not None:
            rates[inst.id] = agreements.get(inst.agreement_id, _ZERO)
    return rates


def _rebate(inst: Installment, open_principal: Decimal, rate: Decimal, today: date) -> Decimal:
    """Interest a financed installment sheds when settled before its due date (CDC art. 52 §2).

    Nothing for a written-off installment (a recovery) or on/after the due date.
    """
    if inst.status is not InstallmentStatus.OPEN or today >= inst.due_date or rate <= 0:
        return _ZERO
    return open_principal - early_settlement_value(open_principal, inst.due_date, today, rate)


def _dues(
    session: Session, insts: Sequence[Installment], today: date, policy: CollectionPolicy
) -> list[_Due]:
    paid = charges_paid(session, [i.id for i in insts])
    rates = _plan_rates(session, insts)
    result = []
    for inst in insts:
        open_principal = inst.amount - inst.principal_paid
        fee_paid, interest_paid = paid.get(inst.id, (_ZERO, _ZERO))
        fee, interest = installment_charges(
            open_principal,
            inst.due_date,
            today,
            policy,
            fee_paid=fee_paid,
            interest_paid=interest_paid,
        )
        rebate = _rebate(inst, open_principal, rates.get(inst.id, _ZERO), today)
        result.append(_Due(inst, open_principal, fee, interest, rebate))
    return result


def _by_due(insts: Iterable[Installment]) -> list[Installment]:
    return sorted(insts, key=lambda i: (i.due_date, i.id))


def quote(session: Session, installment_ids: Sequence[int], today: date) -> Quote:
    """Open principal, fee, interest and total of each installment on ``today``, oldest first."""
    insts = list(session.scalars(select(Installment).where(Installment.id.in_(installment_ids))))
    if len(insts) != len(set(installment_ids)):
        raise PaymentRefused("Parcela não encontrada.")
    for inst in insts:
        if inst.status not in (InstallmentStatus.OPEN, InstallmentStatus.WRITTEN_OFF):
            raise PaymentRefused(f"A parcela {_fraction(inst)} não está em aberto.")
    dues = _dues(session, _by_due(insts), today, settings_service.load(session).policy)
    lines = tuple(
        QuoteLine(
            installment_id=d.inst.id,
            number=d.inst.number,
            count=d.inst.count,
            due_date=d.inst.due_date,
            days_late=(today - d.inst.due_date).days,
            status=d.inst.status,
            version=d.inst.version,
            open_principal=d.open_principal,
            fee=d.fee,
            interest=d.interest,
            total=d.total,
            rebate=d.rebate,
        )
        for d in dues
    )
    return Quote(
        today=today,
        lines=lines,
        principal=sum((x.open_principal for x in lines), _ZERO),
        fee=sum((x.fee for x in lines), _ZERO),
        interest=sum((x.interest for x in lines), _ZERO),
        total=sum((x.total for x in lines), _ZERO),
        rebate=sum((x.rebate for x in lines), _ZERO),
    )


# --- receiving -----------------------------------------------------------------------------------


def _money(value: object, what: str, *, positive: bool) -> Decimal:
    try:
        amount = ensure_money(value, what)
    except TypeError as exc:
        raise PaymentRefused(f"{what.capitalize()}: valor inválido.") from exc
    if amount < 0 or (positive and amount == 0):
        raise PaymentRefused(f"{what.capitalize()}: informe um valor maior que zero.")
    if amount != amount.quantize(CENT):
        raise PaymentRefused(f"{what.capitalize()}: use no máximo duas casas decimais.")
    return amount.quantize(CENT)


def _lock_installments(
    session: Session, customer_id: int, named: Sequence[int] | None
) -> list[Installment]:
    """Re-read (and on PostgreSQL lock) the customer's open installments plus the named ones.

    One statement ordered by id, so two counters lock in the same order and never deadlock;
    ``populate_existing`` throws away anything this session read before the lock.
    """
    condition = Installment.status == InstallmentStatus.OPEN
    if named:
        condition = or_(condition, Installment.id.in_(named))
    stmt = (
        select(Installment)
        .where(or_(Installment.customer_id == customer_id, Installment.id.in_(named or [])))
        .where(condition)
        .order_by(Installment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(stmt))


def _check_targets(
    rows: list[Installment],
    customer_id: int,
    named: Sequence[int] | None,
    expected_versions: dict[int, int] | None,
) -> tuple[list[Installment], list[Installment], bool]:
    """(targets, the customer's other open installments, is_recovery), oldest due first."""
    by_id = {i.id: i for i in rows}
    expected = expected_versions or {}
    for inst_id, version in expected.items():
        inst = by_id.get(inst_id)
        if inst is None or inst.version != version:
            # Paid (or renegotiated) by someone else after the cashier's quote.
            raise PaymentConflict()
    if named is None:
        targets = [i for i in rows if i.customer_id == customer_id]
        if not targets:
            raise PaymentRefused("Este cliente não tem parcelas em aberto.")
        return _by_due(targets), [], False
    if len(set(named)) != len(named):
        raise PaymentRefused("A mesma parcela foi escolhida duas vezes.")
    targets = []
    for inst_id in named:
        inst = by_id.get(inst_id)
        if inst is None:
            raise PaymentRefused("Parcela não encontrada.")
        if inst.customer_id != customer_id:
            raise PaymentRefused(f"A parcela {_fraction(inst)} é de outro cliente.")
        if inst.status is InstallmentStatus.PAID:
            raise PaymentConflict(
                CONFLICT_MESSAGE
                if expected_versions is not None
                else f"A parcela {_fraction(inst)} já está paga; nada foi cobrado."
            )
        if inst.status not in (InstallmentStatus.OPEN, InstallmentStatus.WRITTEN_OFF):
            raise PaymentRefused(f"A parcela {_fraction(inst)} não está em aberto.")
        targets.append(inst)
    written_off = [i for i in targets if i.status is InstallmentStatus.WRITTEN_OFF]
    if written_off and len(written_off) != len(targets):
        raise PaymentRefused(
            "Parcelas baixadas como perda são recebidas à parte das parcelas em aberto."
        )
    recovery = bool(written_off)
    chosen = {i.id for i in targets}
    others = [
        i
        for i in rows
        if i.customer_id == customer_id
        and i.status is InstallmentStatus.OPEN
        and i.id not in chosen
    ]
    return _by_due(targets), ([] if recovery else _by_due(others)), recovery


def _authorize_waiver(
    session: Session,
    waive: Decimal,
    policy: CollectionPolicy,
    operator: Operator,
    owner: Operator | None,
) -> int | None:
    """Who authorized a waiver beyond the cashier's limit (None when none was needed)."""
    if waive <= policy.cashier_waiver_limit:
        return None
    approver = owner if owner is not None else (operator if operator.is_owner else None)
    if approver is None or not approver.is_owner:
        raise PaymentRefused(
            f"Desconto acima de {format_brl(policy.cashier_waiver_limit)} só com a "
            "autorização do dono."
        )
    try:
        require_owner(session, approver.id)
    except NotAllowed as exc:
        raise PaymentRefused(str(exc)) from exc
    return approver.id


@dataclass
class _Part:
    due: _Due
    discount: Decimal
    interest: Decimal = _ZERO
    fee: Decimal = _ZERO
    principal: Decimal = _ZERO
    rebate: Decimal = _ZERO

    @property
    def paid(self) -> Decimal:
        return self.interest + self.fee + self.principal


def _impute(due: _Due, discount: Decimal, money: Decimal) -> tuple[_Part, Decimal]:
    """Apply ``money`` to one installment after forgiving ``discount`` of its charges.

    The early-settlement rebate counts only when ``money`` settles the installment; otherwise
    the money is imputed to the full open principal.
    """
    # The waiver forgives interest first, then the fee (the order of art. 354).
    waived_interest = min(discount, due.interest)
    interest = due.interest - waived_interest
    fee = due.fee - (discount - waived_interest)
    rebate = due.rebate if money >= due.total - discount else _ZERO
    principal = due.open_principal - rebate
    net = Charges(principal, fee, interest, principal + fee + interest, 0)
    split = impute_payment(min(money, net.total), net)
    part = _Part(due, discount, split.interest, split.fee, split.principal, rebate)
    return part, money - part.paid


def _snapshot(inst: Installment) -> dict[str, Any]:
    return {
        "principal_paid": inst.principal_paid,
        "status": inst.status,
        "settled_on": inst.settled_on,
        "version": inst.version,
    }


def _check_cash_session(session: Session, cash_session_id: int) -> None:
    """Money goes into an open shift only: a closed one has already been counted."""
    shift = session.get(CashSession, cash_session_id, with_for_update=True)
    if shift is None:
        raise PaymentRefused("Caixa não encontrado; abra o caixa antes de receber.")
    if shift.closed_at is not None:
        raise PaymentRefused(
            "Este caixa já foi fechado e conferido; abra um novo caixa para receber."
        )


def receive_payment(
    uow: UnitOfWork,
    *,
    customer_id: int,
    installment_ids: Sequence[int] | None,
    amount: Decimal | None,
    method: PaymentMethod,
    operator: Operator,
    now: datetime,
    waive: Decimal = _ZERO,
    owner: Operator | None = None,
    tendered: Decimal | None = None,
    surplus: Literal["change", "credit_next"] = "change",
    cash_session_id: int | None = None,
    expected_versions: dict[int, int] | None = None,
) -> PaymentResult:
    """Receive money for a customer's installments, in one transaction, and commit it.

    ``installment_ids`` (paid in full, or up to ``amount`` oldest first) or ``None`` (``amount``
    spread oldest first over every open installment). Pass ``Quote.versions`` as
    ``expected_versions``: anything changed since the quote is refused with
    :data:`CONFLICT_MESSAGE` and nothing is charged.
    """
    if not uow.write:
        raise RuntimeError("receive_payment needs db.unit_of_work(write=True)")
    if installment_ids is None and amount is None:
        raise PaymentRefused("Escolha as parcelas ou informe o valor recebido.")
    if installment_ids is not None and not installment_ids:
        raise PaymentRefused("Escolha ao menos uma parcela.")
    if surplus not in ("change", "credit_next"):
        raise ValueError(f"unknown surplus {surplus!r}")
    typed = None if amount is None else _money(amount, "valor recebido", positive=True)
    waived = _money(waive, "desconto", positive=False)
    handed = None if tendered is None else _money(tendered, "valor entregue", positive=True)
    if handed is not None and method is not PaymentMethod.CASH:
        raise PaymentRefused("Valor entregue e troco só existem em pagamentos em dinheiro.")

    session = uow.session
    today = now.date()
    if cash_session_id is not None:
        _check_cash_session(session, cash_session_id)
    policy = settings_service.load(session).policy
    authorized_by = _authorize_waiver(session, waived, policy, operator, owner)

    named = list(installment_ids) if installment_ids is not None else None
    rows = _lock_installments(session, customer_id, named)
    targets, others, recovery = _check_targets(rows, customer_id, named, expected_versions)
    if recovery and surplus == "credit_next":
        raise PaymentRefused("Recuperação de perda não pode ser creditada nas próximas parcelas.")
    target_dues = _dues(session, targets, today, policy)

    charges = sum((d.fee + d.interest for d in target_dues), _ZERO)
    if waived > charges:
        raise PaymentRefused(
            f"O desconto ({format_brl(waived)}) passa da multa e dos juros "
            f"({format_brl(charges)}); o valor principal não pode ser descontado."
        )
    due_total = sum((d.total for d in target_dues), _ZERO) - waived
    money = due_total if typed is None else typed

    parts: list[_Part] = []
    remaining = money
    to_waive = waived
    for due in target_dues:
        discount = min(to_waive, due.fee + due.interest)
        to_waive -= discount
        part, remaining = _impute(due, discount, remaining)
        if discount and part.principal + part.rebate != due.open_principal:
            raise PaymentRefused(
                f"O desconto só vale para parcelas quitadas neste recebimento; a parcela "
                f"{_fraction(due.inst)} ficaria em aberto."
            )
        parts.append(part)
    if remaining and surplus == "credit_next" and others:
        for due in _dues(session, others, today, policy):
            if not remaining:
                break
            part, remaining = _impute(due, _ZERO, remaining)
            parts.append(part)
    parts = [p for p in parts if p.paid or p.discount]
    paid = money - remaining
    if paid <= 0:
        raise PaymentRefused("Nada a receber.")

    change = _ZERO
    if method is PaymentMethod.CASH:
        handed = money if handed is None else handed
        if handed < paid:
            raise PaymentRefused(
                f"Valor entregue ({format_brl(handed)}) menor que o valor a pagar "
                f"({format_brl(paid)})."
            )
        if typed is not None and handed < typed:
            raise PaymentRefused(
                f"Valor entregue ({format_brl(handed)}) menor que o valor informado "
                f"({format_brl(typed)})."
            )
        change = handed - paid
    elif remaining:
        raise PaymentRefused(
            f"O valor passa do devido ({format_brl(paid)}) em {format_brl(remaining)}: "
            "receba só o devido ou credite nas próximas parcelas."
        )

    payment = Payment(
        customer_id=customer_id,
        received_at=now,
        amount=paid,
        principal=sum((p.principal for p in parts), _ZERO),
        fee=sum((p.fee for p in parts), _ZERO),
        interest=sum((p.interest for p in parts), _ZERO),
        discount=waived,
        rebate=sum((p.rebate for p in parts), _ZERO),
        method=method,
        tendered=handed if method is PaymentMethod.CASH else None,
        change_given=change if method is PaymentMethod.CASH else None,
        operator_id=operator.id,
        authorized_by_id=authorized_by,
        cash_session_id=cash_session_id,
        is_recovery=recovery,
    )
    session.add(payment)
    session.flush()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    settled: list[int] = []
    for part in parts:
        inst = part.due.inst
        before[str(inst.id)] = _snapshot(inst)
        session.add(
            PaymentAllocation(
                payment_id=payment.id,
                installment_id=inst.id,
                principal=part.principal,
                fee=part.fee,
                interest=part.interest,
                discount=part.discount,
                rebate=part.rebate,
            )
        )
        inst.principal_paid += part.principal + part.rebate
        if inst.principal_paid == inst.amount:
            inst.status = InstallmentStatus.PAID
            inst.settled_on = today
            settled.append(inst.id)
    try:
        session.flush()
    except StaleDataError as exc:  # another counter got there first despite the lock
        raise PaymentConflict() from exc
    for part in parts:
        after[str(part.due.inst.id)] = _snapshot(part.due.inst)
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        authorized_by_id=authorized_by,
        action="payment.receive",
        entity="payment",
        entity_id=payment.id,
        customer_id=customer_id,
        before={"installments": before},
        after={
            "installments": after,
            "amount": payment.amount,
            "principal": payment.principal,
            "fee": payment.fee,
            "interest": payment.interest,
            "discount": payment.discount,
            "rebate": payment.rebate,
            "method": method,
            "tendered": payment.tendered,
            "change": payment.change_given,
            "is_recovery": recovery,
        },
    )
    uow.commit()
    return PaymentResult(
        payment_id=payment.id,
        amount=payment.amount,
        principal=payment.principal,
        fee=payment.fee,
        interest=payment.interest,
        discount=payment.discount,
        tendered=payment.tendered,
        change=change,
        rebate=payment.rebate,
        is_recovery=recovery,
        allocations=tuple(
            AllocationLine(p.due.inst.id, p.principal, p.fee, p.interest, p.discount, p.rebate)
            for p in parts
        ),
        settled_installment_ids=tuple(settled),
    )


# --- reversing -----------------------------------------------------------------------------------


def reverse_payment(
    uow: UnitOfWork,
    payment_id: int,
    *,
    reason: str,
    owner: Operator,
    now: datetime,
    cash_session_id: int | None = None,
) -> int:
    """Undo a payment with an opposite entry (estorno) and reopen its installments; commits.

    Owner only, with a reason; the original is never changed, a payment is reversed once and a
    reversal is never reversed (the unique ``reverses_id`` backs this against races).
    ``cash_session_id`` is the open shift the money is handed back from, so that shift's
    expected cash drops; without it the reversal counts in no drawer (a Pix or card refund).
    """
    if not uow.write:
        raise RuntimeError("reverse_payment needs db.unit_of_work(write=True)")
    session = uow.session
    if not owner.is_owner:
        raise PaymentRefused("Somente o dono pode estornar um pagamento.")
    try:
        require_owner(session, owner.id)
    except NotAllowed as exc:
        raise PaymentRefused(str(exc)) from exc
    why = " ".join(reason.split())
    if not why:
        raise PaymentRefused("Informe o motivo do estorno.")
    if cash_session_id is not None:
        _check_cash_session(session, cash_session_id)
    original = session.scalar(
        select(Payment)
        .where(Payment.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if original is None:
        raise PaymentRefused(f"Pagamento nº {payment_id} não encontrado.")
    if original.reverses_id is not None:
        raise PaymentRefused("Um estorno não pode ser estornado.")
    if session.scalar(select(Payment.id).where(Payment.reverses_id == payment_id)) is not None:
        raise PaymentRefused(f"O pagamento nº {payment_id} já foi estornado.")
    allocations = list(
        session.scalars(
            select(PaymentAllocation)
            .where(PaymentAllocation.payment_id == payment_id)
            .order_by(PaymentAllocation.id)
        )
    )
    insts = {
        i.id: i
        for i in session.scalars(
            select(Installment)
            .where(Installment.id.in_([a.installment_id for a in allocations]))
            .order_by(Installment.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    reversal = Payment(
        customer_id=original.customer_id,
        received_at=now,
        amount=-original.amount,
        principal=-original.principal,
        fee=-original.fee,
        interest=-original.interest,
        discount=-original.discount,
        rebate=-original.rebate,
        method=original.method,
        operator_id=owner.id,
        authorized_by_id=owner.id,
        reverses_id=original.id,
        reversal_reason=why,
        is_recovery=original.is_recovery,
        cash_session_id=cash_session_id,
    )
    session.add(reversal)
    session.flush()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for alloc in allocations:
        inst = insts[alloc.installment_id]
        if inst.status not in (
            InstallmentStatus.OPEN,
            InstallmentStatus.PAID,
            InstallmentStatus.WRITTEN_OFF,
        ):
            raise PaymentRefused(
                f"A parcela {_fraction(inst)} foi renegociada ou cancelada depois deste "
                "pagamento; o estorno precisa ser feito pelo acordo."
            )
        before[str(inst.id)] = _snapshot(inst)
        session.add(
            PaymentAllocation(
                payment_id=reversal.id,
                installment_id=inst.id,
                principal=-alloc.principal,
                fee=-alloc.fee,
                interest=-alloc.interest,
                discount=-alloc.discount,
                rebate=-alloc.rebate,
            )
        )
        inst.principal_paid -= alloc.principal + alloc.rebate
        if inst.status is InstallmentStatus.PAID and inst.principal_paid < inst.amount:
            inst.status = (
                InstallmentStatus.WRITTEN_OFF
                if inst.written_off_on is not None
                else InstallmentStatus.OPEN
            )
            inst.settled_on = None
    try:
        session.flush()
    except StaleDataError as exc:
        raise PaymentConflict(
            "A parcela mudou em outro caixa agora há pouco; nada foi estornado."
        ) from exc
    for alloc in allocations:
        after[str(alloc.installment_id)] = _snapshot(insts[alloc.installment_id])
    audit.record(
        session,
        at=now,
        user_id=owner.id,
        authorized_by_id=owner.id,
        action="payment.reverse",
        entity="payment",
        entity_id=reversal.id,
        customer_id=original.customer_id,
        before={"installments": before, "payment_id": original.id},
        after={"installments": after, "amount": reversal.amount, "reason": why},
    )
    uow.commit()
    return reversal.id


def refund_drawer(
    session: Session, payment_id: int, *, operator_id: int, terminal: str
) -> int | None:
    """The open shift a reversed cash payment is handed back from: this counter's, if open.

    Pix and card refunds leave no drawer, and neither does a reversal made with no shift open.
    """
    from services.cash import current_session

    payment = session.get(Payment, payment_id)
    if payment is None or payment.method is not PaymentMethod.CASH:
        return None
    return current_session(session, operator_id, terminal)
