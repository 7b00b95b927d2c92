from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from models import Customer
from services.db import Database


def test_money_round_trips_as_decimal_cents(db: Database, now) -> None:
    with db.unit_of_work(write=True) as uow:
        uow.session.add(
            Customer(
                name="Ana",
                name_search="ana",
                cpf="52998224725",
                credit_limit=Decimal("1234.56"),
                created_at=now,
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        c = uow.session.query(Customer).one()
        assert c.credit_limit == Decimal("1234.56")
        assert isinstance(c.credit_limit, Decimal)


def test_database_refuses_a_negative_limit(db: Database, now) -> None:
    with db.unit_of_work(write=True) as uow, pytest.raises(IntegrityError):
        uow.session.add(
            Customer(
                name="Ana",
                name_search="ana",
                cpf="52998224725",
                credit_limit=Decimal("-1"),
                created_at=now,
            )
        )
        uow.session.flush()


def test_float_money_is_refused(db: Database, now) -> None:
    from sqlalchemy.exc import StatementError

    with db.unit_of_work(write=True) as uow, pytest.raises(StatementError):
        uow.session.add(
            Customer(
                name="Ana", name_search="ana", cpf="52998224725", credit_limit=12.5, created_at=now
            )
        )
        uow.session.flush()
