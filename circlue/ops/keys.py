"""Key rotation: re-encrypt every encrypted value with the newest key of CIRCLUE_SECRET_KEY, in resumable batches.

Every value means the encrypted columns and the copies of them the audit log keeps (old_values / new_values of
the audit rows of those tables): a retired key must open nothing, not even the history. Rewriting those audit values
is the one sanctioned rewrite of the audit log: the same plaintext under the newest key, nothing else touched.

It runs as the owner (the app role may not update payments or any audit row): each batch is one transaction that
takes the rows still holding a value not under the newest key (plaintext written before encryption included),
re-encrypts them, recomputes their blind indexes and commits. Stopping at any point loses nothing; running again
picks up what is left. The tables' own UPDATEs are audited like any write, with no user (the owner acts without a
session): the log says that the rows were re-encrypted and when, naming nobody who did not act. When no value is left
under an old key, the old key can be removed from CIRCLUE_SECRET_KEY.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, String, Table, and_, bindparam, func, literal, or_, select, text, tuple_, type_coerce
from sqlalchemy import update as sql_update

from circlue.crypto import PREFIX, KeyRing, keyring
from circlue.db import operator_unit_of_work
from circlue.models import AuditLog, Base
from circlue.models.base import BLIND_INDEXED, EncryptedText

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Column:
    """One encrypted column and whether a blind index sits beside it."""

    table: Table
    name: str
    indexed: bool


def encrypted_columns() -> list[Column]:
    """Every EncryptedText column of the models, in table order."""
    columns = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                columns.append(Column(table, column.name, column.name in BLIND_INDEXED.get(table.name, ())))
    return columns


def _by_table() -> dict[Table, list[Column]]:
    result: dict[Table, list[Column]] = {}
    for column in encrypted_columns():
        result.setdefault(column.table, []).append(column)
    return result


def _raw(table: Table, name: str):  # noqa: ANN202 - a column expression
    """The stored text itself, not decrypted on the way out."""
    return type_coerce(table.c[name], String)


def _audited(name: str) -> tuple:
    """The audit copies of column `name`: its text in old_values and in new_values."""
    return AuditLog.old_values[name].astext, AuditLog.new_values[name].astext


def _count(session, value, where) -> Counter[str]:  # noqa: ANN001 - an owner Session, expressions
    """How many values each key holds ('' = plaintext, '?' = a key not in the ring)."""
    ring = keyring()
    encrypted, key = value.like(f"{PREFIX}:%"), func.split_part(value, ":", 2)
    rows = session.execute(
        select(encrypted, key, func.count()).where(value.is_not(None), *where).group_by(encrypted, key)
    ).all()
    counts: Counter[str] = Counter()
    for is_encrypted, key_id, n in rows:
        counts[(key_id if key_id in ring.key_ids else "?") if is_encrypted else ""] += n
    return counts


def status(*, engine: Engine | None = None) -> dict[str, Counter[str]]:
    """How many values of each encrypted column, and of its copies in the audit log, each key holds."""
    result: dict[str, Counter[str]] = {}
    with operator_unit_of_work(engine=engine) as session:
        for column in encrypted_columns():
            result[f"{column.table.name}.{column.name}"] = _count(session, _raw(column.table, column.name), ())
        for column in encrypted_columns():
            counts: Counter[str] = Counter()
            for copy in _audited(column.name):
                counts += _count(session, copy, (AuditLog.entity_type == column.table.name,))
            result[f"audit_logs: {column.table.name}.{column.name}"] = counts
    return result


class _Budget:
    """How many batches a run may still take (None: as many as it needs), and what it has done."""

    def __init__(self, max_batches: int | None, progress: Progress | None) -> None:
        self.left, self.progress, self.rows = max_batches, progress, 0

    def open(self) -> bool:
        return self.left is None or self.left > 0

    def spend(self, name: str, rows: int) -> None:
        self.rows += rows
        if self.left is not None:
            self.left -= 1
        if self.progress is not None:
            self.progress(name, rows)


def _rotate_table(engine: Engine | None, ring: KeyRing, table: Table, columns: list[Column], size: int,
                  budget: _Budget) -> None:
    newest = f"{PREFIX}:{ring.newest_id}:%"
    stale = or_(*(_raw(table, c.name).not_like(newest) for c in columns))
    values = {c.name: bindparam(f"v_{c.name}", type_=String) for c in columns}
    values |= {f"{c.name}_bidx": bindparam(f"b_{c.name}") for c in columns if c.indexed}
    statement = sql_update(table).where(table.c.id == bindparam("row_id")).values(values)
    last: uuid.UUID | None = None
    while budget.open():
        with operator_unit_of_work(engine=engine) as session:
            rows = session.execute(
                select(table.c.id, *(_raw(table, c.name) for c in columns))
                .where(stale, table.c.id > last if last else literal(True))
                .order_by(table.c.id).limit(size).with_for_update()
            ).all()
            params = []
            for row in rows:
                item: dict[str, object] = {"row_id": row[0]}
                for column, stored in zip(columns, row[1:], strict=True):
                    plain = ring.decrypt(stored)
                    item[f"v_{column.name}"] = ring.encrypt(plain)
                    if column.indexed:
                        item[f"b_{column.name}"] = ring.blind_index(plain)
                params.append(item)
            if params:
                session.execute(statement, params, execution_options={"synchronize_session": False})
        if not rows:
            return
        last = rows[-1][0]
        budget.spend(table.name, len(rows))


def _re_encrypted(ring: KeyRing, values: dict | None, names: list[str], newest: str) -> dict | None:
    """The audit values with each copy of an encrypted column under the newest key (plaintext ones encrypted)."""
    if not values:
        return values
    result = dict(values)
    for name in names:
        value = result.get(name)
        if isinstance(value, str) and not value.startswith(newest):
            result[name] = ring.encrypt(ring.decrypt(value))
    return result


def _rotate_audit(engine: Engine | None, ring: KeyRing, table: Table, columns: list[Column], size: int,
                  budget: _Budget) -> None:
    """The audit rows of `table`: its encrypted columns' copies re-encrypted, every other field left as it was."""
    newest = f"{PREFIX}:{ring.newest_id}:"
    names = [c.name for c in columns]
    stale = or_(*(and_(copy.is_not(None), copy.not_like(newest + "%")) for n in names for copy in _audited(n)))
    audit = AuditLog.__table__  # a Core statement: one UPDATE per row, executemany
    statement = (
        sql_update(audit)
        .where(audit.c.id == bindparam("row_id"), audit.c.created_at == bindparam("row_at"))
        .values(old_values=bindparam("v_old", type_=audit.c.old_values.type),
                new_values=bindparam("v_new", type_=audit.c.new_values.type))
    )
    key = tuple_(AuditLog.created_at, AuditLog.id)
    last: tuple | None = None
    while budget.open():
        with operator_unit_of_work(engine=engine) as session:
            rows = session.execute(
                select(AuditLog.id, AuditLog.created_at, AuditLog.old_values, AuditLog.new_values)
                .where(AuditLog.entity_type == table.name, stale, key > tuple_(*last) if last else literal(True))
                .order_by(AuditLog.created_at, AuditLog.id).limit(size).with_for_update()
            ).all()
            params = [
                {"row_id": r.id, "row_at": r.created_at, "v_old": _re_encrypted(ring, r.old_values, names, newest),
                 "v_new": _re_encrypted(ring, r.new_values, names, newest)}
                for r in rows
            ]
            if params:
                session.execute(statement, params, execution_options={"synchronize_session": False})
        if not rows:
            return
        last = (rows[-1].created_at, rows[-1].id)
        budget.spend(f"audit_logs ({table.name})", len(rows))


def rotate(
    *,
    engine: Engine | None = None,
    batch_size: int = 500,
    max_batches: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Re-encrypt (and re-index) every value not under the newest key, the audit log's copies last (so the
    rotation's own audit rows are covered too); returns how many rows were rewritten.

    `max_batches` stops early (the next run resumes); `progress(what, rows)` is told after each batch.
    """
    ring = keyring()
    budget = _Budget(max_batches, progress)
    tables = _by_table()
    for table, columns in tables.items():
        _rotate_table(engine, ring, table, columns, batch_size, budget)
    for table, columns in tables.items():
        _rotate_audit(engine, ring, table, columns, batch_size, budget)
    if budget.open():
        _validate(engine)
    return budget.rows


def _validate(engine: Engine | None) -> None:
    """Every row now holds ciphertext: let the database check that for all of them from here on."""
    with operator_unit_of_work(engine=engine) as session:
        for column in encrypted_columns():
            name = f"{column.table.name}_{column.name}_encrypted"
            # Identifiers from the models, not input.
            session.execute(text(f'ALTER TABLE "{column.table.name}" VALIDATE CONSTRAINT "{name}"'))
