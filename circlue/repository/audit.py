"""Audit log reads (admins only, enforced by RLS)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from circlue.models import AuditLog, User


@dataclass(frozen=True)
class AuditRow:
    """One audit entry with the acting user's e-mail."""

    id: uuid.UUID
    created_at: dt.datetime | None
    user_email: str | None
    action: str
    entity_type: str | None
    entity_id: uuid.UUID | None
    ip_address: Any
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None


def list_audit_logs(
    session: Session,
    *,
    entity_type: str | None = None,
    user_id: uuid.UUID | None = None,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Newest audit entries first, keyset-paginated by (created_at, id)."""
    stmt = (
        select(
            AuditLog.id,
            AuditLog.created_at,
            User.email,
            AuditLog.action,
            AuditLog.entity_type,
            AuditLog.entity_id,
            AuditLog.ip_address,
            AuditLog.old_values,
            AuditLog.new_values,
        )
        .outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(min(max(limit, 1), 1000))
    )
    if entity_type:
        stmt = stmt.where(AuditLog.entity_type == entity_type)
    if user_id:
        stmt = stmt.where(AuditLog.user_id == user_id)
    if after:
        stmt = stmt.where(tuple_(AuditLog.created_at, AuditLog.id) < tuple_(*after))
    return [AuditRow(*r) for r in session.execute(stmt).all()]
