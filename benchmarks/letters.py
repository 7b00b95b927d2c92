"""Benchmark: render a batch of 300 collection letters into one PDF (reports figures only).

.venv/bin/python -m benchmarks.letters
"""

from __future__ import annotations

import statistics
import time

from services.documents.letters import render_letters
from tests.documents.test_letters import letter, notice


def main(runs: int = 3, count: int = 300) -> None:
    batch = [
        (notice if n % 3 == 0 else letter)(f"Cliente {n:03d}", count=1 + n % 12)
        for n in range(count)
    ]
    times = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_letters(batch)
        times.append(time.perf_counter() - start)
        size = len(pdf)
    print(
        f"{count} letters: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}), {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
