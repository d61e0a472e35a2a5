"""Target personas generated for a brand's product."""

from __future__ import annotations

import uuid

from sqlalchemy import ARRAY, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, UpdatedAt, UuidPk


class Persona(Base):
    """A target-customer persona."""

    __tablename__ = "personas"

    id: Mapped[UuidPk]
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100))
    age: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(20))
    interests: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    occupation: Mapped[str | None] = mapped_column(String(100))
    lifestyle: Mapped[str | None] = mapped_column(Text)
    shopping_habits: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
