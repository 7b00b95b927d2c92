"""Time the end-of-day review's read side on a large database (figures, not a test).

    python main.py seed --customers 100000 --sales 250000 --db /tmp/grande.db --today 2026-11-23
    python benchmarks/overdue_review.py /tmp/grande.db --today 2026-11-23

Reports the best and the median of ``--runs`` runs of each step, each in its own read
transaction, like the screen's background job.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services import day_close, exports, overdue
from services import settings as settings_service
from services.db import Database


def _timed(runs: int, step: Callable[[], Any]) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="SQLite file or database URL")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = Database.open(args.database)
    today: date = args.today
    with db.unit_of_work() as uow:
        policy = settings_service.load(uow.session).policy

    def rows() -> list[overdue.OverdueRow]:
        with db.unit_of_work() as uow:
            return overdue.overdue_rows(uow.session, today, policy=policy)

    def month_ago() -> dict[str, Any]:
        with db.unit_of_work() as uow:
            return overdue.band_amounts_as_of(uow.session, today - timedelta(days=30), policy.bands)

    def closing() -> day_close.DaySummary:
        with db.unit_of_work() as uow:
            return day_close.day_summary(uow.session, today - timedelta(days=1))

    best, median, found = _timed(args.runs, rows)
    print(
        f"overdue_rows          {best:6.3f} s best, {median:6.3f} s median  ({len(found)} rows, "
        f"{sum(r.installments for r in found)} installments)"
    )
    best, median, _ = _timed(args.runs, lambda: overdue.band_summary(found, policy.bands))
    print(f"band_summary          {best:6.3f} s best, {median:6.3f} s median")
    best, median, _ = _timed(args.runs, month_ago)
    print(f"band_amounts_as_of    {best:6.3f} s best, {median:6.3f} s median")
    best, median, _ = _timed(args.runs, closing)
    print(f"day_summary           {best:6.3f} s best, {median:6.3f} s median")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        best, median, _ = _timed(1, lambda: exports.overdue_csv(found, out / "lista.csv"))
        print(f"overdue_csv           {best:6.3f} s")
        best, median, _ = _timed(1, lambda: exports.overdue_xlsx(found, out / "lista.xlsx"))
        print(f"overdue_xlsx          {best:6.3f} s")


if __name__ == "__main__":
    main()
