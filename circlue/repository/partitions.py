"""Monthly partitions of performance_metrics and audit_logs (migration 0015): make them ahead, and on demand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from circlue.repository.refusals import refusals


@dataclass(frozen=True)
class PartitionCount:
    """Rows in one partition of a partitioned table."""

    table: str
    partition: str
    rows: int


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def ensure_partitions(session: Session, *, today: dt.date, months_ahead: int = 3) -> int:
    """As the owner: partitions of both tables from this month to `months_ahead` months on; returns how many were new.

    A month whose rows already waited in the DEFAULT partition gets them moved into its new partition.
    """
    if not 0 <= months_ahead <= 120:
        raise ValueError("months_ahead must be between 0 and 120")
    first = _month_start(today)
    return int(
        session.scalar(
            text("SELECT public.circlue_ensure_partitions(:first, :last)"),
            {"first": first, "last": _add_months(first, months_ahead)},
        )
    )


def ensure_metric_partitions(session: Session, *, first: dt.date, last: dt.date) -> int:
    """As staff through the app role: metric partitions for every month from `first` to `last`; returns new ones."""
    with refusals():
        return int(
            session.scalar(
                text("SELECT public.circlue_ensure_metric_partitions(:first, :last)"), {"first": first, "last": last}
            )
        )


def partition_counts(session: Session) -> list[PartitionCount]:
    """As the owner: rows per partition of the partitioned tables (estimates from the statistics, then exact for the
    DEFAULT partitions, which should stay empty)."""
    rows = session.execute(
        text(
            "SELECT p.relname, c.relname, GREATEST(c.reltuples, 0)::bigint"
            " FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
            " WHERE p.relname IN ('performance_metrics', 'audit_logs') AND p.relnamespace = 'public'::regnamespace"
            " ORDER BY 1, 2"
        )
    ).all()
    exact = {
        name: session.scalar(text(f"SELECT count(*) FROM public.{name}"))  # noqa: S608 - two fixed names
        for name in ("performance_metrics_default", "audit_logs_default")
    }
    return [PartitionCount(table, part, int(exact.get(part, n))) for table, part, n in rows]
