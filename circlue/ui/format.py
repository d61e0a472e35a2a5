"""Formatting for Korea: KRW amounts, dates and counts."""

from __future__ import annotations

import datetime as dt

from circlue.korea import SEOUL, format_krw, today_seoul

__all__ = ["SEOUL", "format_count", "format_date", "format_datetime", "format_krw", "today_seoul"]


def format_date(value: dt.date | None) -> str:
    """2026-11-24 (the ISO order Korean offices use)."""
    return value.isoformat() if value else "—"


def format_datetime(value: dt.datetime | None) -> str:
    """2026-11-24 14:05 in Seoul time."""
    return value.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if value else "—"


def format_count(value: int | None) -> str:
    """1,234,567."""
    return f"{value:,}" if value is not None else "—"
