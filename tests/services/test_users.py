"""Users: creation rules, passwords, and the lock after repeated wrong passwords."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Role, User
from services import users
from services.db import Database
from services.users import AuthError, Operator
from services.validation import FieldError


def create(
    db: Database,
    now: datetime,
    username: str = "joana",
    password: str = "segredo1",
    role: Role = Role.CASHIER,
    full_name: str = "Joana Prado",
) -> Operator:
    with db.unit_of_work(write=True) as uow:
        user = users.create_user(
            uow.session, username=username, full_name=full_name, role=role,
            password=password, now=now, created_by=None,
        )  # fmt: skip
        operator = Operator(user.id, user.username, user.full_name, user.role)
        uow.commit()
    return operator


def login(db: Database, username: str, password: str, now: datetime) -> Operator:
    """As the login dialog does it: a failed attempt is committed too (it counts)."""
    with db.unit_of_work(write=True) as uow:
        try:
            operator = users.authenticate(uow.session, username, password, now)
        except AuthError:
            uow.commit()
            raise
        uow.commit()
    return operator


def user_row(db: Database, username: str) -> User:
    """The stored row, detached with its values loaded (the unit of work rolls back on exit)."""
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        uow.session.expunge(user)
        return user


def test_create_user_normalises_and_audits(db: Database, now: datetime) -> None:
    operator = create(db, now, username="  Joana.Prado ", full_name=" Joana   Prado ")
    assert operator.username == "joana.prado"
    assert operator.full_name == "Joana Prado"
    assert operator.role is Role.CASHIER and not operator.is_owner
    row = user_row(db, "joana.prado")
    assert row.active and row.failed_logins == 0 and row.created_at == now
    assert row.password_hash.startswith("$argon2id$") and "segredo1" not in row.password_hash
    with db.unit_of_work() as uow:
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert event is not None and event.entity_id == operator.id
        assert event.after == {
            "username": "joana.prado",
            "role": "cashier",
            "full_name": "Joana Prado",
        }


def test_duplicate_username_is_refused_whatever_the_case(db: Database, now: datetime) -> None:
    create(db, now, username="joana")
    with pytest.raises(FieldError) as caught:
        create(db, now, username="JOANA ")
    assert (caught.value.field, caught.value.message) == (
        "username",
        "Já existe o usuário “joana”.",
    )


@pytest.mark.parametrize(
    ("username", "full_name", "password", "field", "message"),
    [
        ("joana", "Joana", "12345", "password", "A senha precisa de pelo menos 6 caracteres."),
        ("", "Joana", "segredo1", "username",
         "Usuário: use letras, números, ponto, hífen ou sublinhado."),
        ("jo ana", "Joana", "segredo1", "username",
         "Usuário: use letras, números, ponto, hífen ou sublinhado."),
        ("j" * 41, "Joana", "segredo1", "username", "Usuário: no máximo 40 caracteres."),
        ("joana", "  ", "segredo1", "full_name", "Informe o nome completo."),
    ],
)  # fmt: skip
def test_invalid_users_are_refused_by_field(
    db: Database, now: datetime, username: str, full_name: str, password: str, field: str,
    message: str,
) -> None:  # fmt: skip
    with pytest.raises(FieldError) as caught:
        create(db, now, username=username, full_name=full_name, password=password)
    assert (caught.value.field, caught.value.message) == (field, message)
    with db.unit_of_work() as uow:
        assert users.list_users(uow.session) == []


def test_authenticate_right_and_wrong(db: Database, now: datetime) -> None:
    created = create(db, now, role=Role.OWNER)
    operator = login(db, " JOANA", "segredo1", now)
    assert operator == created and operator.is_owner
    assert user_row(db, "joana").last_login_at == now
    with pytest.raises(AuthError, match=r"^Usuário ou senha incorretos\.$"):
        login(db, "joana", "Segredo1", now)
    # An unknown user gets the same words: the screen does not confirm who exists.
    with pytest.raises(AuthError, match=r"^Usuário ou senha incorretos\.$"):
        login(db, "ninguem", "segredo1", now)
    assert user_row(db, "joana").failed_logins == 1


def test_a_right_password_clears_earlier_failures(db: Database, now: datetime) -> None:
    create(db, now)
    for _ in range(4):
        with pytest.raises(AuthError):
            login(db, "joana", "errada", now)
    login(db, "joana", "segredo1", now)
    assert user_row(db, "joana").failed_logins == 0
    with pytest.raises(AuthError, match="incorretos"):
        login(db, "joana", "errada", now)  # counting starts over: not locked


def test_five_wrong_passwords_lock_for_fifteen_minutes(db: Database, now: datetime) -> None:
    create(db, now)
    for _ in range(5):
        with pytest.raises(AuthError, match="incorretos"):
            login(db, "joana", "errada", now)
    assert user_row(db, "joana").locked_until == now + timedelta(minutes=15)

    # Even the right password is refused while locked, all through the 15 minutes.
    for minutes in (0, 1, 14):
        with pytest.raises(AuthError, match="bloqueado por tentativas erradas"):
            login(db, "joana", "segredo1", now + timedelta(minutes=minutes))
    later = now + timedelta(minutes=15)
    assert login(db, "joana", "segredo1", later).username == "joana"
    row = user_row(db, "joana")
    assert row.locked_until is None and row.failed_logins == 0 and row.last_login_at == later


def test_the_lock_message_says_how_long_is_left(db: Database, now: datetime) -> None:
    create(db, now)
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "joana", "errada", now)
    with pytest.raises(AuthError) as caught:
        login(db, "joana", "segredo1", now + timedelta(minutes=10, seconds=30))
    assert str(caught.value) == (
        "Usuário bloqueado por tentativas erradas. Tente de novo em 5 min "
        "ou peça ao dono para redefinir a senha."
    )


def test_right_after_the_lock_the_message_says_fifteen_minutes(db: Database, now: datetime) -> None:
    create(db, now)
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "joana", "errada", now)
    with pytest.raises(AuthError, match="Tente de novo em 15 min"):
        login(db, "joana", "segredo1", now)


def test_the_owner_resets_a_password_and_lifts_the_lock(db: Database, now: datetime) -> None:
    owner = create(db, now, username="dona", role=Role.OWNER)
    cashier = create(db, now)
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "joana", "errada", now)
    with db.unit_of_work(write=True) as uow:
        users.set_password(uow.session, cashier.id, "novasenha", now=now, changed_by=owner.id)
        uow.commit()
    assert login(db, "joana", "novasenha", now) == cashier
    with pytest.raises(AuthError):
        login(db, "joana", "segredo1", now)
    with db.unit_of_work() as uow:
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password"))
        assert event is not None and (event.user_id, event.entity_id) == (owner.id, cashier.id)


def test_a_weak_new_password_is_refused(db: Database, now: datetime) -> None:
    cashier = create(db, now)
    with db.unit_of_work(write=True) as uow, pytest.raises(FieldError) as caught:
        users.set_password(uow.session, cashier.id, "abc", now=now, changed_by=cashier.id)
    assert caught.value.field == "password"
    assert login(db, "joana", "segredo1", now) == cashier


def test_an_inactive_user_cannot_log_in(db: Database, now: datetime) -> None:
    create(db, now)
    with db.unit_of_work(write=True) as uow:
        user = uow.session.scalar(select(User).where(User.username == "joana"))
        assert user is not None
        user.active = False
        uow.commit()
    with pytest.raises(AuthError, match=r"^Usuário ou senha incorretos\.$"):
        login(db, "joana", "segredo1", now)


def test_list_users_is_ordered_by_name_and_roles_have_labels(db: Database, now: datetime) -> None:
    create(db, now, username="zeca", full_name="Zeca Lima")
    create(db, now, username="ana", full_name="Ana Reis", role=Role.OWNER)
    with db.unit_of_work() as uow:
        listed = [(u.full_name, users.ROLE_LABELS[u.role]) for u in users.list_users(uow.session)]
    assert listed == [("Ana Reis", "Dono(a)"), ("Zeca Lima", "Caixa")]


def test_login_keeps_the_failure_count_across_attempts(db: Database, now: datetime) -> None:
    create(db, now)
    for _ in range(5):
        with pytest.raises(AuthError):
            users.login(db, "joana", "errada", now)
    with pytest.raises(AuthError, match="bloqueado"):
        users.login(db, "joana", "segredo1", now)


def test_only_an_owner_manages_users(db: Database, now: datetime) -> None:
    from models import Role
    from services.users import NotAllowed

    with db.unit_of_work(write=True) as uow:
        owner = users.create_user(
            uow.session,
            username="dona",
            full_name="Dona",
            role=Role.OWNER,
            password="segredo1",
            now=now,
            created_by=None,
        )
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa",
            role=Role.CASHIER,
            password="segredo2",
            now=now,
            created_by=owner.id,
        )
        with pytest.raises(NotAllowed, match="Somente o dono"):
            users.create_user(
                uow.session,
                username="outro",
                full_name="Outro",
                role=Role.OWNER,
                password="segredo3",
                now=now,
                created_by=cashier.id,
            )
        with pytest.raises(NotAllowed):
            users.set_user_active(uow.session, owner.id, False, now=now, changed_by=cashier.id)
        with pytest.raises(FieldError, match="próprio usuário"):
            users.set_user_active(uow.session, owner.id, False, now=now, changed_by=owner.id)
        # A cashier may change their own password, not someone else's.
        users.set_password(uow.session, cashier.id, "nova-senha", now=now, changed_by=cashier.id)
        with pytest.raises(NotAllowed):
            users.set_password(uow.session, owner.id, "nova-senha", now=now, changed_by=cashier.id)
