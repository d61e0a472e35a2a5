"""Brands: the Korean companies whose products the campaigns promote."""

from __future__ import annotations

import uuid

from sqlalchemy import ARRAY, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, UpdatedAt, UuidPk


class Brand(Base):
    """A brand with its story and channels; owned by one brand user."""

    __tablename__ = "brands"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(255))
    story: Mapped[str | None] = mapped_column(Text)
    channels: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    marketing: Mapped[str | None] = mapped_column(Text)
    social_channels: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    category: Mapped[str | None] = mapped_column(String(50))
    logo_url: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
