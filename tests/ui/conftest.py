"""GUI fixtures: an AppContext over a real database with a configured shop and two users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Role, User
from services import demo, users
from services.db import Database
from services.settings import ShopIdentity
from services.shop import setup_shop
from services.users import Operator
from tests.conftest import NOW, TODAY
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


def demo_operator(db: Database, username: str) -> Operator:
    """The shop's user ``username`` (the demo shop's "dono", "caixa"…) as an operator."""
    with db.unit_of_work() as uow:
        user_id = uow.session.scalars(select(User.id).where(User.username == username)).one()
        return users.operator_for(uow.session, user_id)


def operator_ctx(db: Database, username: str, now: datetime) -> AppContext:
    """The app as the user ``username`` sees it, with the clock fixed at ``now``."""
    return AppContext(db=db, operator=demo_operator(db, username), clock=lambda: now)


DemoShop = Callable[..., Database]


@pytest.fixture
def demo_shop(db: Database) -> DemoShop:
    """Fills the test database with the demo shop, and returns it: ``demo_shop(customers=20,
    sales=50, seed=7)`` (``today`` the suite's TODAY, ``seed`` the demo's own by default)."""

    def make(
        *, customers: int, sales: int, seed: int = demo.DEMO_SEED, today: date = TODAY
    ) -> Database:
        demo.generate(db, customers=customers, sales=sales, today=today, seed=seed)
        return db

    return make


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
