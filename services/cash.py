"""Cash sessions (abertura e fechamento de caixa): a cashier's shift at one terminal.

The drawer starts with an opening float; every payment taken during the shift points at the
session (``Payment.cash_session_id``). At the close the cashier counts the drawer and the
difference against what the records expect is stored and audited — shown, never hidden.
Totals are aggregated in SQL (ENGINEERING.md: aggregate in SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.orm import Session

from models import User
from models.base import Money
from models.enums import PaymentMethod
from models.payments import CashSession, Payment
from services import audit
from services.money import CENT, ensure_money
from services.users import NotAllowed, Operator, require_owner
from services.validation import FieldError, Refused

__all__ = [
    "CashSessionError",
    "CashSummary",
    "close_session",
    "current_session",
    "open_session",
    "session_summary",
]

_ZERO = Decimal("0.00")


class CashSessionError(Refused):
    """A cash-session action refused; the message is for the cashier."""


@dataclass(frozen=True)
class CashSummary:
    """The shift's totals. ``received``/``reversed`` are per method, reversals as positive values.

    ``expected_cash`` = opening float + cash tendered − change given − cash reversed, which is the
    float plus the net cash payment amounts. ``difference`` = counted − expected (positive: money
    over; negative: money short); None until the session is closed.
    """

    cash_session_id: int
    operator_id: int
    terminal: str
    opened_at: datetime
    closed_at: datetime | None
    opening_float: Decimal
    received: Mapping[PaymentMethod, Decimal]
    reversed: Mapping[PaymentMethod, Decimal]
    payment_count: int
    cash_tendered: Decimal
    change_given: Decimal
    expected_cash: Decimal
    counted_cash: Decimal | None
    notes: str | None

    def net(self, method: PaymentMethod) -> Decimal:
        return self.received.get(method, _ZERO) - self.reversed.get(method, _ZERO)

    @property
    def net_total(self) -> Decimal:
        return sum((self.net(m) for m in PaymentMethod), _ZERO)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash


def _amount(value: object, field: str, label: str) -> Decimal:
    try:
        amount = ensure_money(value, label)
    except (TypeError, ValueError) as exc:
        raise FieldError(field, str(exc)) from exc
    if amount < 0:
        raise FieldError(field, f"{label}: o valor não pode ser negativo.")
    if amount != amount.quantize(CENT):
        raise FieldError(field, f"{label}: use no máximo duas casas decimais.")
    return amount


def current_session(session: Session, operator_id: int, terminal: str) -> int | None:
    """The open session of this operator at this terminal, if any."""
    return session.scalar(
        select(CashSession.id)
        .where(
            CashSession.operator_id == operator_id,
            CashSession.terminal == terminal.strip(),
            CashSession.closed_at.is_(None),
        )
        .order_by(CashSession.opened_at.desc(), CashSession.id.desc())
        .limit(1)
    )


def open_session(
    session: Session,
    *,
    operator: Operator,
    terminal: str,
    opening_float: Decimal,
    now: datetime,
) -> int:
    """Open the operator's shift at ``terminal``; caller commits. One open session per pair."""
    name = " ".join(terminal.split())
    if not name:
        raise FieldError("terminal", "Informe o nome do terminal (caixa).")
    if len(name) > 60:
        raise FieldError("terminal", "Terminal: no máximo 60 caracteres.")
    amount = _amount(opening_float, "opening_float", "Fundo de troco")
    # Serialise opens of the same operator (PostgreSQL; SQLite's write lock already does).
    user = session.get(User, operator.id, with_for_update=True)
    if user is None or not user.active:
        raise NotAllowed("Usuário inativo ou inexistente.")
    if current_session(session, operator.id, name) is not None:
        raise CashSessionError(
            f"Já existe um caixa aberto por você no terminal “{name}”: "
            "feche-o antes de abrir outro."
        )
    row = CashSession(
        operator_id=operator.id,
        terminal=name,
        opened_at=now,
        opening_float=amount,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        action="cash.open",
        entity="cash_session",
        entity_id=row.id,
        after={"terminal": name, "opening_float": amount},
    )
    return row.id


def session_summary(session: Session, cash_session_id: int) -> CashSummary:
    """The shift's totals from the payments linked to it (reversals included as negatives)."""
    row = session.get(CashSession, cash_session_id)
    if row is None:
        raise CashSessionError(f"Caixa nº {cash_session_id} não encontrado.")
    return _summary(session, row)


def _summary(session: Session, row: CashSession) -> CashSummary:
    is_reversal = Payment.reverses_id.is_not(None)
    by_method = session.execute(
        select(
            Payment.method,
            type_coerce(func.sum(case((is_reversal, None), else_=Payment.amount)), Money),
            type_coerce(func.sum(case((is_reversal, Payment.amount), else_=None)), Money),
            func.count(),
        )
        .where(Payment.cash_session_id == row.id)
        .group_by(Payment.method)
    ).all()
    received: dict[PaymentMethod, Decimal] = {}
    reversed_: dict[PaymentMethod, Decimal] = {}
    count = 0
    for method, got, undone, n in by_method:
        received[method] = got if got is not None else _ZERO
        reversed_[method] = -undone if undone is not None else _ZERO
        count += n
    # What physically crossed the drawer for cash payments: what was handed over (the amount when
    # no tendered value was typed) and the change handed back (tendered − amount when not typed).
    handed = func.coalesce(Payment.tendered, Payment.amount)
    tendered, change = session.execute(
        select(
            type_coerce(func.sum(handed), Money),
            type_coerce(
                func.sum(func.coalesce(Payment.change_given, handed - Payment.amount)), Money
            ),
        ).where(
            Payment.cash_session_id == row.id,
            Payment.method == PaymentMethod.CASH,
            Payment.reverses_id.is_(None),
        )
    ).one()
    tendered = tendered if tendered is not None else _ZERO
    change = change if change is not None else _ZERO
    expected = row.opening_float + tendered - change - reversed_.get(PaymentMethod.CASH, _ZERO)
    if row.expected_cash is not None:
        expected = row.expected_cash  # a closed session keeps what was expected at its close
    return CashSummary(
        cash_session_id=row.id,
        operator_id=row.operator_id,
        terminal=row.terminal,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        opening_float=row.opening_float,
        received=received,
        reversed=reversed_,
        payment_count=count,
        cash_tendered=tendered,
        change_given=change,
        expected_cash=expected,
        counted_cash=row.counted_cash,
        notes=row.notes,
    )


def close_session(
    session: Session,
    cash_session_id: int,
    *,
    counted_cash: Decimal,
    operator: Operator,
    now: datetime,
    notes: str | None = None,
) -> CashSummary:
    """Close the shift with the counted drawer; caller commits. Only its operator or an owner.

    Stores counted and expected cash (the difference is shown and audited, never adjusted) and
    refuses a second close.
    """
    counted = _amount(counted_cash, "counted_cash", "Dinheiro contado")
    row = session.get(CashSession, cash_session_id, with_for_update=True)
    if row is None:
        raise CashSessionError(f"Caixa nº {cash_session_id} não encontrado.")
    if row.closed_at is not None:
        raise CashSessionError(
            f"O caixa nº {row.id} já foi fechado em {row.closed_at:%d/%m/%Y %H:%M}."
        )
    if row.operator_id != operator.id:
        if not operator.is_owner:
            raise NotAllowed("Só quem abriu o caixa ou o dono pode fechá-lo.")
        require_owner(session, operator.id)
    if now < row.opened_at:
        raise CashSessionError("O fechamento não pode ser antes da abertura do caixa.")
    text = " ".join((notes or "").split()) or None
    summary = _summary(session, row)
    row.closed_at = now
    row.counted_cash = counted
    row.expected_cash = summary.expected_cash
    row.notes = text
    session.flush()
    closed = _summary(session, row)
    audit.record(
        session,
        at=now,
        user_id=operator.id,
        action="cash.close",
        entity="cash_session",
        entity_id=row.id,
        after={
            "terminal": row.terminal,
            "opening_float": row.opening_float,
            "expected_cash": closed.expected_cash,
            "counted_cash": counted,
            "difference": closed.difference,
            "received": {m.value: v for m, v in closed.received.items()},
            "reversed": {m.value: v for m, v in closed.reversed.items()},
            "notes": text,
        },
    )
    return closed
