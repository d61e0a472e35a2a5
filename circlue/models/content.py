"""Content plans, submissions, their files and revision history."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, UpdatedAt, UuidPk


class ContentPlan(Base):
    """An influencer's plan for a piece of content."""

    __tablename__ = "content_plans"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    influencer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"))
    content_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(50), server_default=text("'draft'"))
    plan_data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Kept by the database (0013): the highest review round, and when the status last changed.
    current_revision_number: Mapped[int] = mapped_column(server_default=text("0"))
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ContentSubmission(Base):
    """Content an influencer submitted for review, and where it was published."""

    __tablename__ = "content_submissions"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    influencer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"))
    content_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(50), server_default=text("'draft'"))
    current_revision_number: Mapped[int] = mapped_column(server_default=text("0"))
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    # The post's text as it will be published (Chinese on Xiaohongshu and Douyin); each round snapshots it.
    caption: Mapped[str | None] = mapped_column(Text)
    published_url: Mapped[str | None] = mapped_column(String(255))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ContentFile(Base):
    """A file (image or video) attached to a submission."""

    __tablename__ = "content_files"

    id: Mapped[UuidPk]
    submission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_submissions.id", ondelete="CASCADE"))
    file_url: Mapped[str] = mapped_column(String(255))
    file_type: Mapped[str | None] = mapped_column(String(50))
    file_size: Mapped[int | None]
    thumbnail_url: Mapped[str | None] = mapped_column(String(255))
    duration: Mapped[int | None]
    # The submission version it belongs to (set by the database: the round that will review it) and the
    # sanitised name it was uploaded under.
    version: Mapped[int] = mapped_column(server_default=text("1"))
    original_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]


class ContentRevision(Base):
    """One round of feedback on a plan or a submission (exactly one of the two)."""

    __tablename__ = "content_revisions"

    id: Mapped[UuidPk]
    content_plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_plans.id", ondelete="CASCADE"))
    submission_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("content_submissions.id", ondelete="CASCADE")
    )
    revision_number: Mapped[int]
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(50))
    revision_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[CreatedAt]
