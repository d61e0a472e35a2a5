"""Products a brand sells."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, Money, UpdatedAt, UuidPk


class Product(Base):
    """A product with its selling points and target audience."""

    __tablename__ = "products"

    id: Mapped[UuidPk]
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    purchase_url: Mapped[str | None] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(50))
    price: Mapped[Money | None]
    ingredients: Mapped[str | None] = mapped_column(Text)
    usage: Mapped[str | None] = mapped_column(Text)
    effects: Mapped[str | None] = mapped_column(Text)
    usp: Mapped[str | None] = mapped_column(Text)
    target_gender: Mapped[str | None] = mapped_column(String(20))
    target_age: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(50))
    image_url: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
