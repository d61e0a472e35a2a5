"""Declarative base with stable constraint names and the column shapes the seed repeats."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, text
from sqlalchemy.orm import DeclarativeBase, mapped_column

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


class Base(DeclarativeBase):
    """Every model's base; see migrations/ for the real DDL."""

    metadata = MetaData(naming_convention=NAMING)
