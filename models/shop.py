"""Store settings and users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LocalDateTime, str_enum
from models.enums import Role


class Setting(Base):
    """One key of the shop's settings; the typed view lives in ``services.settings``.

    Key/value rows let a new setting arrive without a migration, while bands and cadence steps stay
    data (STYLE.md) that the settings screen edits.
    """

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("failed_logins >= 0", name="failed_logins_non_negative"),
        CheckConstraint("length(username) > 0", name="username_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(LocalDateTime)
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
