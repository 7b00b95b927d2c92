"""What every screen is given: the database, who is using the app, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.db import Database
from services.users import Operator


def system_now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class AppContext:
    db: Database
    operator: Operator
    # The UI reads the clock here and passes `today`/`now` down; tests fix it.
    clock: Callable[[], datetime] = field(default=system_now)
    demo: bool = False

    def now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def today(self) -> date:
        return self.clock().date()
