"""The acting user's notifications: written by the database on campaign and invitation changes (migration 0011)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import Session

from circlue.models import Notification


@dataclass(frozen=True)
class NotificationRow:
    """One notification: its kind, the campaign it is about and what changed (in `data`)."""

    id: uuid.UUID
    type: str
    title: str
    message: str | None
    data: dict[str, Any]
    is_read: bool
    created_at: dt.datetime


def unread_count(session: Session, *, up_to: int | None = None) -> int:
    """How many of the acting user's notifications are unread (RLS: only their own exist for them).

    With `up_to` the count stops there, so a badge ("99+") costs the same with 60,000 unread as with 6.
    """
    unread = select(Notification.id).where(Notification.is_read.is_not(True))
    if up_to is not None:
        unread = unread.limit(up_to)
    return int(session.scalar(select(func.count()).select_from(unread.subquery())) or 0)


def list_notifications(
    session: Session,
    *,
    unread_only: bool = False,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 50,
) -> list[NotificationRow]:
    """The acting user's notifications, newest first, keyset-paginated by (created_at, id)."""
    stmt = (
        select(
            Notification.id,
            Notification.type,
            Notification.title,
            Notification.message,
            Notification.data,
            Notification.is_read,
            Notification.created_at,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(min(max(limit, 1), 200))
    )
    if unread_only:
        stmt = stmt.where(Notification.is_read.is_not(True))
    if after:
        stmt = stmt.where(tuple_(Notification.created_at, Notification.id) < tuple_(*after))
    return [
        NotificationRow(r.id, r.type, r.title, r.message, dict(r.data or {}), bool(r.is_read), r.created_at)
        for r in session.execute(stmt)
    ]


def mark_read(session: Session, *, notification_ids: list[uuid.UUID] | None = None) -> int:
    """Mark the given notifications (or all of them) read; returns how many changed."""
    stmt = (
        update(Notification)
        .where(Notification.is_read.is_not(True))
        .values(is_read=True, read_at=func.now())
        .execution_options(synchronize_session=False)
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(notification_ids))
    return session.execute(stmt).rowcount
