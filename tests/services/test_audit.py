from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text

from models import AuditEvent
from services import audit
from services.db import Database

T0 = datetime(2026, 11, 23, 9, 0)


def _write(db: Database, n: int) -> None:
    with db.unit_of_work(write=True) as uow:
        for i in range(n):
            audit.record(
                uow.session,
                at=T0 + timedelta(minutes=i),
                user_id=None,
                action="test.event",
                entity="thing",
                entity_id=i,
                before={"amount": Decimal("1.00")},
                after={"amount": Decimal("2.50"), "when": T0.date()},
            )
        uow.commit()


def test_entries_chain_and_verify(db: Database) -> None:
    _write(db, 5)
    with db.unit_of_work() as uow:
        events = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert events[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
        assert events[0].after == {"amount": "2.50", "when": "2026-11-23"}
        report = audit.verify(uow.session)
    assert report.ok and report.checked == 5


def test_an_edited_entry_is_reported(db: Database) -> None:
    _write(db, 4)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'forged' WHERE id = 3"))
    with db.unit_of_work() as uow:
        report = audit.verify(uow.session)
    assert not report.ok and report.first_broken_id == 3 and report.checked == 2


def test_a_rolled_back_change_leaves_no_entry(db: Database) -> None:
    with db.unit_of_work(write=True) as uow:
        audit.record(uow.session, at=T0, user_id=None, action="x", entity="y")
        # no commit: the unit of work rolls back
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(AuditEvent.id)) is None
