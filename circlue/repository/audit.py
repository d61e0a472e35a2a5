"""Audit log reads (admins only, by RLS): filters, keyset pages, every match in pages, what an entry changed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import Session

from circlue.crypto import PREFIX, DecryptionError, keyring
from circlue.errors import ValidationError
from circlue.models import AuditLog, User

# Row triggers write the first three; a metric import writes one IMPORT row (0016), a new partition PARTITION (0015).
ACTIONS = ("INSERT", "UPDATE", "DELETE", "IMPORT", "PARTITION")
# (created_at, id): the keyset position of an entry, newest first.
Position = tuple[dt.datetime, uuid.UUID]
# Shown for a value whose key has been retired.
LOCKED = "🔒"
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


def _statement(filters: AuditFilter):  # noqa: ANN202 - a Select
    """The entries matching `filters`, newest first, with the acting user's e-mail; refuses nonsense filters."""
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
    return stmt


_KEY = tuple_(AuditLog.created_at, AuditLog.id)


def list_audit_logs(
    session: Session,
    *,
    filters: AuditFilter | None = None,
    after: Position | None = None,
    through: Position | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Newest audit entries first, filtered as asked, keyset-paginated by (created_at, id): older than `after`,
    or from `through` (included) down."""
    stmt = _statement(filters or AuditFilter()).limit(min(max(limit, 1), 5000))
    if after:
        stmt = stmt.where(tuple_(*after) > _KEY)
    if through:
        stmt = stmt.where(tuple_(*through) >= _KEY)
    return [AuditRow(*r) for r in session.execute(stmt).all()]


@dataclass(frozen=True)
class AuditPage:
    """One page of the viewer: its entries (newest first) and whether older or newer ones match too."""

    rows: list[AuditRow]
    has_older: bool
    has_newer: bool

    @property
    def top(self) -> Position | None:
        """The page's newest entry: asking `through` it shows this page again, whatever was written since."""
        return (self.rows[0].created_at, self.rows[0].id) if self.rows else None

    @property
    def bottom(self) -> Position | None:
        """The page's oldest entry: the next older page starts after it."""
        return (self.rows[-1].created_at, self.rows[-1].id) if self.rows else None


def audit_page(
    session: Session, *, filters: AuditFilter, through: Position | None = None, after: Position | None = None,
    size: int = 100,
) -> AuditPage:
    """`size` matching entries from `through` (included) or older than `after` (the newest when neither)."""
    rows = list_audit_logs(session, filters=filters, through=through, after=after, limit=size + 1)
    page = rows[:size]
    newer = False
    if page:
        newer_rows = _statement(filters).where(tuple_(page[0].created_at, page[0].id) < _KEY).order_by(None)
        newer = bool(session.scalar(select(newer_rows.exists())))
    return AuditPage(page, has_older=len(rows) > size, has_newer=newer)


def newer_start(session: Session, *, filters: AuditFilter, than: Position, size: int = 100) -> Position | None:
    """Where the page of up to `size` entries just newer than `than` begins (its newest entry); None if none."""
    stmt = (
        _statement(filters).with_only_columns(AuditLog.created_at, AuditLog.id)
        .where(tuple_(*than) < _KEY).order_by(None).order_by(AuditLog.created_at, AuditLog.id)
        .limit(min(max(size, 1), 5000))
    )
    rows = session.execute(stmt).all()
    return (rows[-1][0], rows[-1][1]) if rows else None


def every_match(session: Session, *, filters: AuditFilter, page: int = 1000) -> Iterator[AuditRow]:
    """Every matching entry, newest first, read `page` at a time by keyset (an export of the whole log fits)."""
    after: Position | None = None
    while True:
        rows = list_audit_logs(session, filters=filters, after=after, limit=page)
        yield from rows
        if len(rows) < page:
            return
        after = (rows[-1].created_at, rows[-1].id)


# What the log holds: every table the audit trigger is attached to, and whatever entity types older rows (a metric
# import's, a partition's) name. The distinct types are read with a skip scan of idx_audit_logs_entity_type_created.
_ENTITY_TYPES = text(
    """
    WITH RECURSIVE logged(entity_type) AS (
        (SELECT a.entity_type FROM public.audit_logs a WHERE a.entity_type IS NOT NULL
         ORDER BY a.entity_type LIMIT 1)
        UNION ALL
        SELECT (SELECT a.entity_type FROM public.audit_logs a WHERE a.entity_type > l.entity_type
                ORDER BY a.entity_type LIMIT 1)
        FROM logged l WHERE l.entity_type IS NOT NULL
    )
    SELECT c.relname::text FROM public.circlue_trigger_tables t JOIN pg_catalog.pg_class c ON c.oid = t.table_name
    WHERE t.function_name = 'circlue_audit'
    UNION
    SELECT l.entity_type::text FROM logged l WHERE l.entity_type IS NOT NULL
    ORDER BY 1
    """
)


def entity_types(session: Session) -> list[str]:
    """The entity types an admin may filter by: every audited table and every type the log holds."""
    return list(session.scalars(_ENTITY_TYPES))


def _readable(value: Any) -> Any:
    """An encrypted value decrypted for the admin reading the log; '🔒' when its key has been retired."""
    if isinstance(value, str) and value.startswith(PREFIX + ":"):
        try:
            return keyring().decrypt(value)
        except DecryptionError:
            return LOCKED
    return value


def changes(entry: AuditRow) -> list[FieldChange]:
    """Every field of the entry, before and after, changed ones first (then by name)."""
    old, new = entry.old_values or {}, entry.new_values or {}
    fields = sorted(set(old) | set(new))
    # Compared as read: two encryptions of one value differ as text (a key rotation re-encrypts, changing nothing).
    result = []
    for name in fields:
        before, after = _readable(old.get(name)), _readable(new.get(name))
        changed = old.get(name) != new.get(name) if LOCKED in (before, after) else before != after
        result.append(FieldChange(name, before, after, changed))
    # An insert or delete changes every field; an update only those that differ.
    if entry.action == "UPDATE":
        result = [c if c.field not in _NOISE else FieldChange(c.field, c.old, c.new, False) for c in result]
    return sorted(result, key=lambda c: (not c.changed, c.field))
