"""Setting up a new shop: its identity and its first owner, in one transaction."""

from __future__ import annotations

from datetime import datetime

from models import Role
from services import settings as settings_service
from services import users
from services.db import Database
from services.settings import ShopIdentity
from services.users import Operator
from services.validation import FieldError, ValidationErrors


def setup_shop(
    db: Database,
    *,
    identity: ShopIdentity,
    owner_username: str,
    owner_name: str,
    owner_password: str,
    now: datetime,
) -> Operator:
    """First run: save the shop identity and create the owner; all or nothing."""
    errors: list[FieldError] = []
    with db.unit_of_work(write=True) as uow:
        if settings_service.is_configured(uow.session):
            raise ValidationErrors(
                [FieldError("name", "Esta loja já foi configurada (talvez em outro caixa).")]
            )
        try:
            settings_service.save_section(uow.session, "identity", identity, user_id=None, now=now)
        except ValidationErrors as e:
            errors += e.errors
        try:
            user = users.create_user(
                uow.session,
                username=owner_username,
                full_name=owner_name,
                role=Role.OWNER,
                password=owner_password,
                now=now,
                created_by=None,
            )
        except FieldError as e:
            errors.append(e)
        if errors:
            raise ValidationErrors(errors)
        operator = Operator(user.id, user.username, user.full_name, user.role)
        uow.commit()
    return operator
