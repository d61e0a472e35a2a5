"""Key rotation: re-encrypt every encrypted column with the newest key of CIRCLUE_SECRET_KEY, in resumable batches.

Each batch is one transaction: it takes the rows whose value is not yet under the newest key (plaintext written
before encryption included), re-encrypts them, recomputes their blind indexes and commits. Stopping at any point
loses nothing; running again picks up what is left. When no value is left under an old key, the old key can be
removed from CIRCLUE_SECRET_KEY.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, String, Table, bindparam, func, or_, select, text, type_coerce, update

from circlue.crypto import PREFIX, keyring
from circlue.db import act_as_app, end_operator_sessions, operator_actor, operator_unit_of_work
from circlue.models import Base, User
from circlue.models.base import BLIND_INDEXED, EncryptedText


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


def _raw(table: Table, name: str):  # noqa: ANN202 - a column expression
    """The stored text itself, not decrypted on the way out."""
    return type_coerce(table.c[name], String)


def _admin_id(session) -> uuid.UUID:  # noqa: ANN001 - an owner Session
    admin = session.scalar(
        select(User.id).where(User.role == "admin", User.is_active.is_(True)).order_by(User.created_at).limit(1)
    )
    if admin is None:
        raise RuntimeError(
            "key rotation acts as an admin (RLS, audit): create one first (python -m circlue create-user)"
        )
    return admin


def status(*, engine: Engine | None = None) -> dict[str, Counter[str]]:
    """How many values of each encrypted column each key holds ('' = plaintext, '?' = a key not in the ring)."""
    ring = keyring()
    result: dict[str, Counter[str]] = {}
    with operator_unit_of_work(engine=engine) as session:
        actor = operator_actor(session, _admin_id(session), "admin")
        act_as_app(session, actor)
        for column in encrypted_columns():
            raw = _raw(column.table, column.name)
            encrypted, key = raw.like(f"{PREFIX}:%"), func.split_part(raw, ":", 2)
            rows = session.execute(
                select(encrypted, key, func.count()).where(raw.is_not(None)).group_by(encrypted, key)
            ).all()
            counts: Counter[str] = Counter()
            for encrypted, key, count in rows:
                counts[(key if key in ring.key_ids else "?") if encrypted else ""] += count
            result[f"{column.table.name}.{column.name}"] = counts
        end_operator_sessions(session, actor)
    return result


def rotate(
    *,
    engine: Engine | None = None,
    batch_size: int = 500,
    max_batches: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Re-encrypt (and re-index) every value not under the newest key; returns how many rows were rewritten.

    `max_batches` stops early (the next run resumes); `progress(table, rows)` is told after each batch.
    """
    ring = keyring()
    newest = f"{PREFIX}:{ring.newest_id}:%"
    by_table: dict[Table, list[Column]] = {}
    for column in encrypted_columns():
        by_table.setdefault(column.table, []).append(column)
    done = batches = 0
    for table, columns in by_table.items():
        stale = or_(*(_raw(table, c.name).not_like(newest) for c in columns))
        values = {c.name: bindparam(f"v_{c.name}", type_=String) for c in columns}
        values |= {f"{c.name}_bidx": bindparam(f"b_{c.name}") for c in columns if c.indexed}
        statement = update(table).where(table.c.id == bindparam("row_id")).values(values)
        while max_batches is None or batches < max_batches:
            with operator_unit_of_work(engine=engine) as session:
                actor = operator_actor(session, _admin_id(session), "admin")
                act_as_app(session, actor)
                rows = session.execute(
                    select(table.c.id, *(_raw(table, c.name) for c in columns))
                    .where(stale)
                    .order_by(table.c.id)
                    .limit(batch_size)
                    .with_for_update()
                ).all()
                if rows:
                    params = []
                    for row in rows:
                        item: dict[str, object] = {"row_id": row[0]}
                        for column, stored in zip(columns, row[1:], strict=True):
                            plain = ring.decrypt(stored)
                            item[f"v_{column.name}"] = ring.encrypt(plain)
                            if column.indexed:
                                item[f"b_{column.name}"] = ring.blind_index(plain)
                        params.append(item)
                    session.execute(statement, params, execution_options={"synchronize_session": False})
                end_operator_sessions(session, actor)
            if not rows:
                break
            done += len(rows)
            batches += 1
            if progress is not None:
                progress(table.name, len(rows))
    if max_batches is None or batches < max_batches:
        _validate(engine)
    return done


def _validate(engine: Engine | None) -> None:
    """Every row now holds ciphertext: let the database check that for all of them from here on."""
    with operator_unit_of_work(engine=engine) as session:
        for column in encrypted_columns():
            name = f"{column.table.name}_{column.name}_encrypted"
            # Identifiers from the models, not input.
            session.execute(text(f'ALTER TABLE "{column.table.name}" VALIDATE CONSTRAINT "{name}"'))
