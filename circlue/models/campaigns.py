"""Campaigns, their target and content strategy, and the influencers invited to them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ARRAY, DateTime, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from circlue.models.base import Base, CreatedAt, EncryptedText, Money, UpdatedAt, UuidPk


class Campaign(Base):
    """A brand's campaign for one product, moving through the 11-stage workflow."""

    __tablename__ = "campaigns"

    id: Mapped[UuidPk]
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[Money]
    campaign_start_date: Mapped[dt.date]
    campaign_end_date: Mapped[dt.date]
    proposal_deadline: Mapped[dt.date]
    ad_type: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(50), server_default=text("'creating'"))
    current_stage: Mapped[int | None] = mapped_column(server_default=text("1"))
    # Since 0011: the account manager working on it, and when it last changed status (kept by the workflow trigger).
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Since 0013: review rounds of each plan or submission included in the fee; past them the reviewer is warned.
    included_revision_rounds: Mapped[int] = mapped_column(server_default=text("3"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class CampaignTargetContent(Base):
    """Who the campaign targets and what content it wants (one per campaign)."""

    __tablename__ = "campaign_target_content"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    influencer_categories: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    target_age: Mapped[str | None] = mapped_column(String(20))
    usp_importance: Mapped[int | None]
    influencer_impact: Mapped[str | None] = mapped_column(Text)
    additional_description: Mapped[str | None] = mapped_column(Text)
    secondary_content_usage: Mapped[bool | None] = mapped_column(server_default=text("false"))


class CampaignInfluencer(Base):
    """An influencer's place in a campaign: invitation, proposal, fee and deadlines."""

    __tablename__ = "campaign_influencers"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    influencer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"))
    proposed_fee: Mapped[Money | None]
    ad_fee: Mapped[Money | None]
    deliverables: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    # Contract data, encrypted by the app (0012); fees stay plain numbers because settlements sum them.
    additional_terms: Mapped[str | None] = mapped_column(EncryptedText)
    contract_file_ref: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(50), server_default=text("'invited'"))
    production_start_date: Mapped[dt.date | None]
    production_deadline: Mapped[dt.date | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class CampaignStatusHistory(Base):
    """One status change of a campaign, written by the workflow trigger (migration 0009)."""

    __tablename__ = "campaign_status_history"

    id: Mapped[UuidPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(50))
    to_status: Mapped[str] = mapped_column(String(50))
    changed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("CURRENT_TIMESTAMP"))
