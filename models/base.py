"""Declarative base, naming convention and the column types every entity shares.

Money is stored as integer cents and rates as integer ten-thousandths of a percent: SQLite hands
``Numeric`` back through ``float`` (ENGINEERING.md), so neither may ever be a floating type.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Alembic needs stable names to alter constraints on SQLite (batch mode) and to compare schemas.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_CENT = Decimal("0.01")
_RATE_SCALE = Decimal(10_000)
_RATE_QUANTUM = Decimal("0.0001")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _as_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"{what} must be Decimal or int, not {type(value).__name__}")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    raise TypeError(f"{what} must be Decimal or int, not {type(value).__name__}")


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` amount in reais, stored as integer cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        cents = _as_decimal(value, "money") * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"money has fractions of a cent: {value}")
        return int(cents)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(_CENT)


class Rate(TypeDecorator[Decimal]):
    """A percentage (``Decimal("2.99")`` is 2,99 %), stored in ten-thousandths of a percent."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = _as_decimal(value, "rate") * _RATE_SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"rate has more than four decimals: {value}")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / _RATE_SCALE).quantize(_RATE_QUANTUM)


class LocalDateTime(TypeDecorator[datetime]):
    """Wall-clock time of the shop, naive, to the second.

    Every terminal of one shop shares its time zone, and "what came in today" is a question about
    the shop's calendar, so times are stored as the shop reads them.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            raise ValueError("store the shop's local wall-clock time (naive datetime)")
        return value.replace(microsecond=0)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value  # type: ignore[no-any-return]


def str_enum(cls: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: a VARCHAR plus a CHECK constraint holding the values."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in cls) + 4,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
