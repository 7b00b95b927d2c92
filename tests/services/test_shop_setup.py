from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditEvent, User
from services import config, credit, users
from services import settings as settings_service
from services.db import Database
from services.settings import ShopIdentity
from services.shop import setup_shop
from services.users import AuthError
from services.validation import ValidationErrors

NOW = datetime(2026, 11, 23, 10, 0)
IDENTITY = ShopIdentity(
    name="Loja Boa Vista",
    document="11.222.333/0001-81",
    street="Rua Tibiriçá",
    number="10",
    city="Ribeirão Preto",
    uf="sp",
    cep="14010-000",
)


def test_first_run_saves_identity_and_owner(db: Database) -> None:
    owner = setup_shop(
        db,
        identity=IDENTITY,
        owner_username="Marta",
        owner_name="Marta F.",
        owner_password="segredo1",
        now=NOW,
    )
    assert owner.is_owner and owner.username == "marta"
    with db.unit_of_work() as uow:
        loaded = settings_service.load(uow.session)
        assert settings_service.is_configured(uow.session)
        assert loaded.identity.document == "11222333000181"
        assert loaded.identity.uf == "SP"
        assert loaded.identity.complete
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_first_run_is_all_or_nothing(db: Database) -> None:
    bad = dataclasses.replace(IDENTITY, document="11.222.333/0001-82")
    with pytest.raises(ValidationErrors) as info:
        setup_shop(
            db,
            identity=bad,
            owner_username="marta",
            owner_name="Marta",
            owner_password="123",
            now=NOW,
        )
    fields = info.value.by_field()
    assert set(fields) == {"document", "password"}
    with db.unit_of_work() as uow:
        assert not settings_service.is_configured(uow.session)
        assert uow.session.scalar(select(func.count()).select_from(User)) == 0


def test_owner_authorization_and_recorded_credit_override(db: Database) -> None:
    owner = setup_shop(
        db,
        identity=IDENTITY,
        owner_username="marta",
        owner_name="Marta",
        owner_password="segredo1",
        now=NOW,
    )
    with db.unit_of_work(write=True) as uow:
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa",
            role=users.Role.CASHIER,
            password="segredo2",
            now=NOW,
            created_by=owner.id,
        )
        uow.commit()
        cashier_id = cashier.id
    with db.unit_of_work(write=True) as uow:
        with pytest.raises(AuthError, match="dono"):
            users.authorize_owner(uow.session, "caixa", "segredo2", NOW)
        approver = users.authorize_owner(uow.session, "marta", "segredo1", NOW)
        decision = credit.check_credit(
            limit=Decimal("500"),
            open_principal=Decimal("400"),
            requested=Decimal("300"),
            max_days_late=0,
            blocked=False,
        )
        assert not decision.approved
        credit.record_override(
            uow.session,
            customer_id=1,
            decision=decision,
            requested=Decimal("300"),
            owner_id=approver.id,
            operator_id=cashier_id,
            reason="Cliente antigo, pagou à vista antes",
            now=NOW,
        )
        uow.commit()
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "credit.override")
        ).one()
        assert event.user_id == cashier_id and event.authorized_by_id == owner.id
        assert event.after["requested"] == "300"


def test_database_location_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.ENV_URL, raising=False)
    assert config.resolve_database().source == "padrão"
    assert config.resolve_database().url.endswith("crediario.db")
    assert config.resolve_database(demo=True).url.endswith("crediario-demo.db")
    config.write_config({"database_url": "postgresql://loja@servidor/crediario"})
    assert config.resolve_database().source == "configuração"
    monkeypatch.setenv(config.ENV_URL, "postgresql://env@host/db")
    assert config.resolve_database().url == "postgresql://env@host/db"
    assert config.resolve_database(cli_db="/x/y.db").url == "/x/y.db"


def test_a_second_first_run_is_refused(db: Database) -> None:
    setup_shop(
        db,
        identity=IDENTITY,
        owner_username="marta",
        owner_name="Marta",
        owner_password="segredo1",
        now=NOW,
    )
    with pytest.raises(ValidationErrors, match="já foi configurada"):
        setup_shop(
            db,
            identity=IDENTITY,
            owner_username="outra",
            owner_name="Outra",
            owner_password="segredo1",
            now=NOW,
        )
