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


def _people(db: Database) -> tuple[int, int, int, int]:
    """An owner, a cashier and two customers; returns their ids."""
    from models import Customer, Role, User

    with db.unit_of_work(write=True) as uow:
        owner = User(username="dona", full_name="Dona Maria", role=Role.OWNER, password_hash="x")
        cashier = User(
            username="caixa", full_name="João Caixa", role=Role.CASHIER, password_hash="x"
        )
        ana = Customer(name="Ana Souza", name_search="ana souza", cpf="52998224725")
        bia = Customer(name="Bia Lima", name_search="bia lima", cpf="11144477735")
        for row in (owner, cashier):
            row.created_at = T0
        for row in (ana, bia):
            row.created_at = T0
        uow.session.add_all([owner, cashier, ana, bia])
        uow.session.flush()
        ids = (owner.id, cashier.id, ana.id, bia.id)
        uow.commit()
    return ids


def test_events_read_as_the_owner_reads_them(db: Database) -> None:
    owner, cashier, ana, bia = _people(db)
    with db.unit_of_work(write=True) as uow:
        s = uow.session
        audit.record(
            s,
            at=T0,
            user_id=owner,
            action="customer.create",
            entity="customer",
            entity_id=ana,
            customer_id=ana,
        )
        audit.record(
            s,
            at=T0 + timedelta(hours=1),
            user_id=owner,
            action="customer.update",
            entity="customer",
            entity_id=ana,
            customer_id=ana,
            before={"credit_limit": Decimal("500.00")},
            after={"credit_limit": Decimal("1250.50"), "blocked": True},
        )
        audit.record(
            s,
            at=T0 + timedelta(hours=2),
            user_id=cashier,
            authorized_by_id=owner,
            action="payment.reverse",
            entity="payment",
            entity_id=7,
            customer_id=bia,
        )
        audit.record(
            s,
            at=T0 + timedelta(days=1),
            user_id=cashier,
            action="payment.receive",
            entity="payment",
            entity_id=8,
            customer_id=ana,
        )
        audit.record(
            s,
            at=T0 - timedelta(minutes=1),
            user_id=None,
            action="settings.update",
            entity="settings",
        )
        uow.commit()
    with db.unit_of_work() as uow:
        day = audit.events(uow.session, day=T0.date())
        of_ana = audit.events(uow.session, customer_id=ana)
        ana_that_day = audit.events(uow.session, customer_id=ana, day=T0.date())
        newest = audit.events(uow.session, limit=2)

    assert [(e.at, e.description) for e in day] == [
        (datetime(2026, 11, 23, 11, 0), "Pagamento estornado (Pagamento nº 7)."),
        (
            datetime(2026, 11, 23, 10, 0),
            "Cadastro alterado: limite de crédito (R$ 500,00 → R$ 1.250,50), bloqueado.",
        ),
        (datetime(2026, 11, 23, 9, 0), "Cadastro do cliente."),
        (datetime(2026, 11, 23, 8, 59), "Configurações alteradas."),
    ]
    reversal = day[0]
    assert (reversal.user, reversal.authorized_by, reversal.customer) == (
        "João Caixa",
        "Dona Maria",
        "Bia Lima",
    )
    assert reversal.entity == "Pagamento nº 7"
    assert (day[3].user, day[3].customer, day[3].customer_id) == ("", "", None)
    assert [e.description for e in of_ana] == [
        "Pagamento recebido (Pagamento nº 8).",
        "Cadastro alterado: limite de crédito (R$ 500,00 → R$ 1.250,50), bloqueado.",
        "Cadastro do cliente.",
    ]
    assert {e.customer for e in of_ana} == {"Ana Souza"}
    assert len(ana_that_day) == 2
    assert [e.at.day for e in newest] == [24, 23]


def test_an_unknown_action_still_says_what_and_where(db: Database) -> None:
    _write(db, 1)
    with db.unit_of_work() as uow:
        (entry,) = audit.events(uow.session)
    assert entry.description == "test.event (thing)"  # entity_id 0 is not shown
    assert entry.user == ""
