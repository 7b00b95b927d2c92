"""Users, roles and passwords (argon2id)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Role, User
from services import audit
from services.db import Database
from services.validation import FieldError

# OWASP's minimum for Argon2id: 19 MiB, two passes, 33 ms here (ENGINEERING.md).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 6

ROLE_LABELS = {Role.CASHIER: "Caixa", Role.OWNER: "Dono(a)"}


class AuthError(Exception):
    """Login refused; the message is for the person at the keyboard."""


@dataclass(frozen=True)
class Operator:
    """Who is using the app: what services record as the author of a change."""

    id: int
    username: str
    full_name: str
    role: Role

    @property
    def is_owner(self) -> bool:
        return self.role is Role.OWNER


def _operator(user: User) -> Operator:
    return Operator(user.id, user.username, user.full_name, user.role)


class NotAllowed(AuthError):
    """The acting user's role does not allow this."""


def require_owner(session: Session, user_id: int | None) -> None:
    """Refuse unless ``user_id`` is an active owner (``None`` = the system, e.g. first run)."""
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.active or user.role is not Role.OWNER:
        raise NotAllowed("Somente o dono pode fazer esta alteração.")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(field, f"A senha precisa de pelo menos {MIN_PASSWORD_LENGTH} caracteres.")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    now: datetime,
    created_by: int | None,
) -> User:
    require_owner(session, created_by)
    name = normalize_username(username)
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise FieldError("username", "Usuário: use letras, números, ponto, hífen ou sublinhado.")
    if len(name) > 40:
        raise FieldError("username", "Usuário: no máximo 40 caracteres.")
    if not full_name.strip():
        raise FieldError("full_name", "Informe o nome completo.")
    check_password_strength(password)
    exists = session.scalar(select(func.count()).select_from(User).where(User.username == name))
    if exists:
        raise FieldError("username", f"Já existe o usuário “{name}”.")
    user = User(
        username=name,
        full_name=" ".join(full_name.split()),
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        at=now,
        user_id=created_by,
        action="user.create",
        entity="user",
        entity_id=user.id,
        after={"username": name, "role": role.value, "full_name": user.full_name},
    )
    return user


def authenticate(session: Session, username: str, password: str, now: datetime) -> Operator:
    """Check a password; repeated failures lock the user for a while."""
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or not user.active:
        raise AuthError("Usuário ou senha incorretos.")
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        raise AuthError(
            f"Usuário bloqueado por tentativas erradas. Tente de novo em {minutes} min "
            "ou peça ao dono para redefinir a senha."
        )
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        raise AuthError("Usuário ou senha incorretos.") from None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _operator(user)


def set_password(
    session: Session, user_id: int, password: str, *, now: datetime, changed_by: int
) -> None:
    if changed_by != user_id:
        require_owner(session, changed_by)
    check_password_strength(password)
    user = session.get(User, user_id)
    if user is None:
        raise FieldError("username", "Usuário não encontrado.")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        session,
        at=now,
        user_id=changed_by,
        action="user.password",
        entity="user",
        entity_id=user_id,
    )


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.full_name)))


def operator_for(session: Session, user_id: int) -> Operator:
    user = session.get(User, user_id)
    if user is None:
        raise AuthError("Usuário não encontrado.")
    return _operator(user)


def authorize_owner(session: Session, username: str, password: str, now: datetime) -> Operator:
    """The owner's password at a cashier's side, for an action beyond the cashier's role.

    Counts failures like a login, so guessing at the counter locks the owner's user too.
    """
    operator = authenticate(session, username, password, now)
    if not operator.is_owner:
        raise AuthError("Esta autorização precisa de um usuário dono(a).")
    return operator


def login(db: Database, username: str, password: str, now: datetime) -> Operator:
    """Authenticate in a transaction of its own, keeping failed attempts even when refused."""
    with db.unit_of_work(write=True) as uow:
        try:
            operator = authenticate(uow.session, username, password, now)
        except AuthError:
            uow.commit()  # the failure count (and a lock) must stick
            raise
        uow.commit()
    return operator


def set_user_active(
    session: Session, user_id: int, active: bool, *, now: datetime, changed_by: int
) -> None:
    """Deactivate or reactivate a user, audited; never the last active owner, never oneself."""
    require_owner(session, changed_by)
    user = session.get(User, user_id)
    if user is None:
        raise FieldError("active", "Usuário não encontrado.")
    if user.active == active:
        return
    if not active:
        if user_id == changed_by:
            raise FieldError("active", "Você não pode desativar o seu próprio usuário.")
        if user.role is Role.OWNER:
            others = session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == Role.OWNER, User.active.is_(True), User.id != user_id)
            )
            if not others:
                raise FieldError("active", "A loja precisa de ao menos um dono ativo.")
    user.active = active
    audit.record(
        session,
        at=now,
        user_id=changed_by,
        action="user.activate" if active else "user.deactivate",
        entity="user",
        entity_id=user_id,
        before={"active": not active},
        after={"active": active},
    )
