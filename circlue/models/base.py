"""Declarative base with stable constraint names and the column shapes the seed repeats."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import DateTime, MetaData, Numeric, Text, event, text
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

from circlue.crypto import keyring

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}

UuidPk = Annotated[uuid.UUID, mapped_column(primary_key=True, server_default=text("gen_random_uuid()"))]
CreatedAt = Annotated[
    dt.datetime | None, mapped_column(DateTime(timezone=True), server_default=text("CURRENT_TIMESTAMP"))
]
UpdatedAt = Annotated[
    dt.datetime | None, mapped_column(DateTime(timezone=True), server_default=text("CURRENT_TIMESTAMP"))
]
# KRW: NUMERIC(15,2) since revision 0002 (docs/schema.md).
Money = Annotated[Decimal, mapped_column(Numeric(15, 2))]
Rate = Annotated[Decimal | None, mapped_column(Numeric(5, 2))]


class EncryptedText(TypeDecorator[str]):
    """TEXT holding `enc1:<key id>:<token>`: encrypted on the way in, decrypted on the way out (circlue.crypto).

    Never compare it to a value in SQL (each encryption differs): look values up by their blind index column.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        """Encrypt with the newest key."""
        return keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        """Decrypt with whichever key wrote it."""
        return keyring().decrypt(value)


class Base(DeclarativeBase):
    """Every model's base; see migrations/ for the real DDL."""

    metadata = MetaData(naming_convention=NAMING)


# table -> encrypted columns that have a `<column>_bidx` blind index beside them
BLIND_INDEXED: dict[str, tuple[str, ...]] = {}


def fill_blind_indexes(model: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    """`values` with the blind index of each indexed column it sets (for inserts that skip the ORM's events)."""
    for column in BLIND_INDEXED.get(model.__tablename__, ()):
        if column in values:
            values[f"{column}_bidx"] = keyring().blind_index(values[column])
    return values


def blind_indexed(model: type[Base], *columns: str) -> None:
    """Keep `<column>_bidx` in step with each column whenever the ORM writes the model."""
    BLIND_INDEXED[model.__tablename__] = columns

    def _fill(_mapper: object, _connection: object, target: Base) -> None:
        for column in columns:
            setattr(target, f"{column}_bidx", keyring().blind_index(getattr(target, column)))

    event.listen(model, "before_insert", _fill)
    event.listen(model, "before_update", _fill)
