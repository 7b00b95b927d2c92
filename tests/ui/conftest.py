"""GUI fixtures: an AppContext over a real database with a configured shop and two users."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from models import Role
from services import users
from services.db import Database
from services.settings import ShopIdentity
from services.shop import setup_shop
from services.users import Operator
from tests.conftest import NOW
from ui.context import AppContext

SHOP = ShopIdentity(
    name="Loja Teste Ltda",
    document="11222333000181",
    street="Rua General Osório",
    number="100",
    district="Centro",
    city="Ribeirão Preto",
    uf="SP",
    cep="14010000",
    phone="1633334444",
)


@pytest.fixture(scope="session", autouse=True)
def _styled_app(qapp):  # type: ignore[no-untyped-def]
    """Tests see the widgets as the shop does: same style, stylesheet and locale."""
    from ui.app import make_application

    make_application()
    return qapp


@pytest.fixture(autouse=True)
def _jobs_finish_before_the_database_closes(request, qtbot):  # type: ignore[no-untyped-def]
    """Every background job of a test answers before its database is disposed.

    Set up after ``db`` (when the test uses it), so torn down before it: a job still reading
    when the engine closes leaves a connection open (a ResourceWarning on PostgreSQL).
    """
    from ui import tasks

    if "db" in request.fixturenames:
        request.getfixturevalue("db")
    yield
    qtbot.waitUntil(lambda: tasks.pending_jobs() == 0, timeout=30_000)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def owner(db: Database) -> Operator:
    return setup_shop(
        db,
        identity=SHOP,
        owner_username="dona",
        owner_name="Dona da Loja",
        owner_password="segredo1",
        now=NOW,
    )


@pytest.fixture
def cashier(db: Database, owner: Operator) -> Operator:
    with db.unit_of_work(write=True) as uow:
        user = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa Um",
            role=Role.CASHIER,
            password="segredo2",
            now=NOW,
            created_by=owner.id,
        )
        op = Operator(user.id, user.username, user.full_name, user.role)
        uow.commit()
    return op


@pytest.fixture
def ctx(db: Database, owner: Operator) -> AppContext:
    """The app as the owner sees it, with the clock fixed at the suite's NOW."""
    return AppContext(db=db, operator=owner, clock=fixed_clock)


@pytest.fixture
def cashier_ctx(db: Database, cashier: Operator) -> AppContext:
    return AppContext(db=db, operator=cashier, clock=fixed_clock)


@pytest.fixture
def screenshot_dir() -> Path:
    """Where GUI tests may save widget.grab() images for a person to look at."""
    path = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
