"""The append-only audit trail, chained by hashes so that an edited row shows.

Each entry stores the hash of the one before it; ``verify`` walks the chain and reports the first
entry whose hash no longer matches what it says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, aliased

from models import AuditEvent, Customer, User
from services.money import format_brl

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-safe copy: Decimals as strings to the cent, dates ISO, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": event.at.isoformat(),
            "user": event.user_id,
            "authorized_by": event.authorized_by_id,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "customer": event.customer_id,
            "before": event.before,
            "after": event.after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    *,
    at: datetime,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    customer_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    authorized_by_id: int | None = None,
) -> AuditEvent:
    """Append an entry in the caller's transaction (so it commits or rolls back with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers on the chain's tail; SQLite writers are already serialised.
        session.execute(text("SELECT pg_advisory_xact_lock(7245001)"))
    session.flush()
    last = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or GENESIS
    event = AuditEvent(
        at=at.replace(microsecond=0),
        user_id=user_id,
        authorized_by_id=authorized_by_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        customer_id=customer_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        prev_hash=prev_hash,
    )
    event.hash = _digest(prev_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify(session: Session) -> ChainReport:
    prev = GENESIS
    checked = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return ChainReport(checked, event.id)
        prev = event.hash
        checked += 1
    return ChainReport(checked, None)


ACTION_LABELS: dict[str, str] = {
    "agreement.create": "Acordo feito",
    "bureau.remove": "Negativação retirada",
    "bureau.report": "Cliente negativado",
    "cash.close": "Caixa fechado",
    "cash.open": "Caixa aberto",
    "collection.pause": "Cobrança suspensa",
    "collection.resume": "Cobrança retomada",
    "contact.record": "Contato registrado",
    "credit.override": "Crédito liberado acima do limite",
    "demo.generate": "Loja de demonstração gerada",
    "installment.write_off": "Parcela baixada como perda",
    "payment.receive": "Pagamento recebido",
    "payment.reverse": "Pagamento estornado",
    "promise.cancel": "Promessa de pagamento cancelada",
    "promise.make": "Promessa de pagamento registrada",
    "promise.settle_all": "Promessas de pagamento encerradas",
    "sale.create": "Venda a prazo",
    "settings.update": "Configurações alteradas",
    "user.activate": "Usuário ativado ou desativado",
    "user.create": "Usuário cadastrado",
    "user.password": "Senha de usuário redefinida",
}

ENTITY_LABELS: dict[str, str] = {
    "agreement": "Acordo",
    "cash_session": "Caixa",
    "contact_attempt": "Contato",
    "credit_sale": "Venda",
    "customer": "Cliente",
    "demo": "Demonstração",
    "installment": "Parcela",
    "payment": "Pagamento",
    "promise": "Promessa",
    "settings": "Configurações",
    "user": "Usuário",
}


def entity_label(event: AuditEvent) -> str:
    """ "Pagamento nº 12", "Configurações"…: what the entry is about, in Portuguese."""
    label = ENTITY_LABELS.get(event.entity, event.entity)
    return f"{label} nº {event.entity_id}" if event.entity_id is not None else label


def describe(event: AuditEvent) -> str:
    """The entry in a sentence a shop owner reads ("Cadastro alterado: limite de crédito…")."""
    from services.customers import FIELD_LABELS  # services.customers imports this module

    if event.action == "customer.create":
        return "Cadastro do cliente."
    if event.action == "customer.update":
        before = event.before or {}
        after = event.after or {}
        parts = []
        for key in after:
            label = FIELD_LABELS.get(key, key)
            if key == "credit_limit":
                old, new = before.get(key), after.get(key)
                if old is not None and new is not None:
                    label += f" ({format_brl(Decimal(old))} → {format_brl(Decimal(new))})"
            elif key == "blocked":
                label = "bloqueado" if after.get(key) else "desbloqueado"
            parts.append(label)
        return "Cadastro alterado: " + ", ".join(parts) + "." if parts else "Cadastro alterado."
    if event.action in ACTION_LABELS:
        if event.entity_id is None:
            return f"{ACTION_LABELS[event.action]}."
        return f"{ACTION_LABELS[event.action]} ({entity_label(event)})."
    return f"{event.action} ({event.entity}{f' nº {event.entity_id}' if event.entity_id else ''})"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail as the owner reads it (plain values, safe across threads)."""

    id: int
    at: datetime
    user: str
    authorized_by: str
    action: str
    description: str
    entity: str
    customer_id: int | None
    customer: str


def events(
    session: Session,
    *,
    customer_id: int | None = None,
    day: date | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """The newest ``limit`` entries, of one customer and/or one day, newest first."""
    author = aliased(User)
    authorizer = aliased(User)
    query = (
        select(AuditEvent, author.full_name, authorizer.full_name, Customer.name)
        .outerjoin(author, author.id == AuditEvent.user_id)
        .outerjoin(authorizer, authorizer.id == AuditEvent.authorized_by_id)
        .outerjoin(Customer, Customer.id == AuditEvent.customer_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if customer_id is not None:
        query = query.where(AuditEvent.customer_id == customer_id)
    if day is not None:
        start = datetime.combine(day, time())
        query = query.where(AuditEvent.at >= start, AuditEvent.at < start + timedelta(days=1))
    return [
        AuditEntry(
            id=event.id,
            at=event.at,
            user=user or "",
            authorized_by=authorized or "",
            action=event.action,
            description=describe(event),
            entity=entity_label(event),
            customer_id=event.customer_id,
            customer=customer or "",
        )
        for event, user, authorized, customer in session.execute(query)
    ]


def customers_in_trail(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every customer the trail mentions, by name: the viewer's customer filter."""
    ids = select(AuditEvent.customer_id).where(AuditEvent.customer_id.is_not(None)).distinct()
    rows = session.execute(
        select(Customer.id, Customer.name).where(Customer.id.in_(ids)).order_by(Customer.name)
    )
    return [(customer_id, name) for customer_id, name in rows]


def verdict(session: Session) -> tuple[bool, str]:
    """Verify the chain and say the result in Portuguese: (intact, sentence)."""
    report = verify(session)
    if report.first_broken_id is None:
        return True, f"Trilha de auditoria íntegra: {report.checked} registros"
    broken = session.get(AuditEvent, report.first_broken_id)
    assert broken is not None
    return False, (
        f"Trilha de auditoria violada no registro nº {broken.id} "
        f"({broken.at:%d/%m/%Y %H:%M}) — {describe(broken)} "
        f"Os {report.checked} registros anteriores conferem."
    )
