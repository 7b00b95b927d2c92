"""The append-only audit trail, chained by hashes so that an edited row shows.

Each entry stores the hash of the one before it; ``verify`` walks the chain and reports the first
entry whose hash no longer matches what it says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import AuditEvent

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
