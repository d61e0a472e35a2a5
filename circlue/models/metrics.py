"""Daily performance metrics and comment sentiment analysis."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, DateTime, ForeignKey, ForeignKeyConstraint, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, Money, Rate, UpdatedAt, UuidPk


class PerformanceMetric(Base):
    """One day of one influencer's numbers on one platform for one campaign (partitioned by month: migration 0015)."""

    __tablename__ = "performance_metrics"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    influencer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"))
    content_submission_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("content_submissions.id", ondelete="CASCADE")
    )
    platform: Mapped[str] = mapped_column(String(50))
    # Part of the primary key: the table is partitioned by it.
    metric_date: Mapped[dt.date] = mapped_column(primary_key=True)
    views: Mapped[int | None] = mapped_column(server_default=text("0"))
    likes: Mapped[int | None] = mapped_column(server_default=text("0"))
    comments: Mapped[int | None] = mapped_column(server_default=text("0"))
    shares: Mapped[int | None] = mapped_column(server_default=text("0"))
    saves: Mapped[int | None] = mapped_column(server_default=text("0"))
    engagement_rate: Mapped[Rate]
    click_through_rate: Mapped[Rate]
    conversion_rate: Mapped[Rate]
    sales_amount: Mapped[Money | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class CommentAnalysis(Base):
    """Sentiment and topics of the comments behind one metric row."""

    __tablename__ = "comment_analysis"
    __table_args__ = (
        ForeignKeyConstraint(
            ["performance_metric_id", "metric_date"],
            ["performance_metrics.id", "performance_metrics.metric_date"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[UuidPk]
    performance_metric_id: Mapped[uuid.UUID]
    # The metric row's date: the foreign key to the partitioned table carries it.
    metric_date: Mapped[dt.date]
    total_comments: Mapped[int | None]
    positive_comments: Mapped[int | None]
    negative_comments: Mapped[int | None]
    neutral_comments: Mapped[int | None]
    key_topics: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    sentiment_score: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    analysis_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    analyzed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("CURRENT_TIMESTAMP")
    )
