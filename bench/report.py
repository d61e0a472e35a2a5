"""What the benchmarks share: percentiles and the markdown table they print for docs/performance.md."""

from __future__ import annotations

import os
import statistics


def p50_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(rows: list[tuple[str, str]]) -> None:
    """A two-column markdown table headed by the server the numbers come from."""
    server = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "embedded PostgreSQL"
    print(f"| measure ({server}) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
