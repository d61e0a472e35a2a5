"""Campaign reads and the status workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from circlue.errors import NotFound, ValidationError
from circlue.models import Brand, Campaign, CampaignInfluencer, Product
from circlue.workflow import CAMPAIGN_STATUSES, check_transition, stage_of


@dataclass(frozen=True)
class CampaignRow:
    """A campaign as the list shows it."""

    id: uuid.UUID
    title: str
    brand: str
    product: str
    status: str
    current_stage: int | None
    budget: Decimal
    campaign_start_date: dt.date
    campaign_end_date: dt.date
    proposal_deadline: dt.date
    ad_type: str | None
    influencers: int
    created_at: dt.datetime | None


def list_campaigns(
    session: Session,
    *,
    status: str | None = None,
    brand_id: uuid.UUID | None = None,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 50,
) -> list[CampaignRow]:
    """Campaigns newest first, keyset-paginated by (created_at, id); RLS limits brands to their own."""
    if status is not None and status not in CAMPAIGN_STATUSES:
        raise ValidationError(f"알 수 없는 상태입니다 / unknown status: {status}")
    invited = (
        select(CampaignInfluencer.campaign_id, func.count().label("n"))
        .group_by(CampaignInfluencer.campaign_id)
        .subquery()
    )
    query = (
        select(
            Campaign.id,
            Campaign.title,
            Brand.name,
            Product.name,
            Campaign.status,
            Campaign.current_stage,
            Campaign.budget,
            Campaign.campaign_start_date,
            Campaign.campaign_end_date,
            Campaign.proposal_deadline,
            Campaign.ad_type,
            func.coalesce(invited.c.n, 0),
            Campaign.created_at,
        )
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Product, Product.id == Campaign.product_id)
        .outerjoin(invited, invited.c.campaign_id == Campaign.id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        .limit(min(max(limit, 1), 500))
    )
    if status:
        query = query.where(Campaign.status == status)
    if brand_id:
        query = query.where(Campaign.brand_id == brand_id)
    if after:
        query = query.where(tuple_(Campaign.created_at, Campaign.id) < tuple_(*after))
    return [CampaignRow(*r) for r in session.execute(query).all()]


def advance_campaign(session: Session, *, campaign_id: uuid.UUID, to: str, expected_status: str) -> str:
    """Move a campaign to `to` if the workflow allows it and nobody changed it meanwhile; returns the new status."""
    campaign = session.scalars(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if campaign is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if campaign.status != expected_status:
        raise ValidationError(
            "다른 사용자가 이 캠페인을 먼저 변경했습니다. 새로고침하세요 / "
            "someone else changed this campaign first; reload"
        )
    check_transition(campaign.status, to)
    campaign.status = to
    campaign.current_stage = stage_of(to)
    return to
