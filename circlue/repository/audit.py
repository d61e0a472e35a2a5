"""Audit log reads (admins only, enforced by RLS): filters, one entry in full, and what it changed."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from circlue.crypto import PREFIX, DecryptionError, keyring
from circlue.errors import ValidationError
from circlue.models import AuditLog, User

ACTIONS = ("INSERT", "UPDATE", "DELETE")
# Bookkeeping every write carries: not what anyone "changed".
_NOISE = frozenset({"updated_at"})


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
    user_agent: str | None
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None


@dataclass(frozen=True)
class AuditFilter:
    """What the audit viewer asks for; every field optional."""

    user_id: uuid.UUID | None = None
    entity_type: str | None = None
    entity_id: uuid.UUID | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its value before and after, and whether it changed."""

    field: str
    old: Any
    new: Any
    changed: bool


def list_audit_logs(
    session: Session,
    *,
    filters: AuditFilter | None = None,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Newest audit entries first, keyset-paginated by (created_at, id), filtered as asked."""
    filters = filters or AuditFilter()
    if filters.action is not None and filters.action not in ACTIONS:
        raise ValidationError(f"작업은 {', '.join(ACTIONS)} 중 하나입니다 / action must be one of {', '.join(ACTIONS)}")
    if filters.since and filters.until and filters.since > filters.until:
        raise ValidationError("시작 일시가 끝 일시보다 늦습니다 / the start is after the end")
    stmt = (
        select(
            AuditLog.id,
            AuditLog.created_at,
            User.email,
            AuditLog.action,
            AuditLog.entity_type,
            AuditLog.entity_id,
            AuditLog.ip_address,
            AuditLog.user_agent,
            AuditLog.old_values,
            AuditLog.new_values,
        )
        .outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(min(max(limit, 1), 5000))
    )
    conditions = {
        AuditLog.user_id: filters.user_id,
        AuditLog.entity_type: filters.entity_type,
        AuditLog.entity_id: filters.entity_id,
        AuditLog.action: filters.action,
    }
    for column, value in conditions.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.since:
        stmt = stmt.where(AuditLog.created_at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditLog.created_at < filters.until)
    if after:
        stmt = stmt.where(tuple_(AuditLog.created_at, AuditLog.id) < tuple_(*after))
    return [AuditRow(*r) for r in session.execute(stmt).all()]


def _readable(value: Any) -> Any:
    """An encrypted value decrypted for the admin reading the log; '🔒' when its key has been retired."""
    if isinstance(value, str) and value.startswith(PREFIX + ":"):
        try:
            return keyring().decrypt(value)
        except DecryptionError:
            return "🔒"
    return value


def changes(entry: AuditRow) -> list[FieldChange]:
    """Every field of the entry, before and after, changed ones first (then by name)."""
    old, new = entry.old_values or {}, entry.new_values or {}
    fields = sorted(set(old) | set(new))
    result = [
        FieldChange(name, _readable(old.get(name)), _readable(new.get(name)), old.get(name) != new.get(name))
        for name in fields
    ]
    # An insert or delete changes every field; an update only those that differ.
    if entry.action == "UPDATE":
        result = [c if c.field not in _NOISE else FieldChange(c.field, c.old, c.new, False) for c in result]
    return sorted(result, key=lambda c: (not c.changed, c.field))
