"""``python main.py audit verify``: the owner's check that no one edited the audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

import main
from services import audit
from services.db import Database

T0 = datetime(2026, 11, 23, 9, 0)


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _payments(db: Database, n: int) -> None:
    with db.unit_of_work(write=True) as uow:
        for i in range(1, n + 1):
            audit.record(
                uow.session,
                at=T0 + timedelta(minutes=i),
                user_id=None,
                action="payment.receive",
                entity="payment",
                entity_id=i,
                after={"amount": "150.00"},
            )
        uow.commit()


def test_an_intact_trail(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _payments(db, 3)
    assert main.main(["audit", "verify", "--database-url", _url(db)]) == 0
    assert capsys.readouterr().out == "Trilha de auditoria íntegra: 3 registros\n"


def test_an_empty_trail_is_intact(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["audit", "verify", "--database-url", _url(db)]) == 0
    assert capsys.readouterr().out == "Trilha de auditoria íntegra: 0 registros\n"


def test_a_tampered_entry_is_reported_with_its_id(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _payments(db, 4)
    with db.engine.begin() as conn:  # someone lowers a payment straight in the database
        conn.execute(
            text("UPDATE audit_events SET after = :after WHERE id = 3"),
            {"after": '{"amount": "15.00"}'},
        )
    assert main.main(["audit", "verify", "--database-url", _url(db)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "Trilha de auditoria violada no registro nº 3 (23/11/2026 09:03) — "
        "Pagamento recebido (Pagamento nº 3). Os 2 registros anteriores conferem.\n"
    )
