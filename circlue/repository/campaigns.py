"""Campaign reads and the status workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session

from circlue.errors import NotFound, ValidationError
from circlue.models import Brand, Campaign, CampaignInfluencer, CampaignStatusHistory, Product, User
from circlue.text import clean_text
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


def advance_campaign(
    session: Session, *, campaign_id: uuid.UUID, to: str, expected_status: str, note: str | None = None
) -> str:
    """Move a campaign to `to` if the workflow allows it and nobody changed it meanwhile; returns the new status.

    The database trigger checks the move again, sets current_stage and writes campaign_status_history
    with the acting user and `note`.
    """
    note = clean_text(note, field="메모 / note", max_length=1000, multiline=True)
    campaign = session.scalars(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if campaign is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if campaign.status != expected_status:
        raise ValidationError(
            "다른 사용자가 이 캠페인을 먼저 변경했습니다. 새로고침하세요 / "
            "someone else changed this campaign first; reload"
        )
    check_transition(campaign.status, to)
    session.execute(text("SELECT set_config('circlue.status_note', :note, true)"), {"note": note})
    campaign.status = to
    campaign.current_stage = stage_of(to)
    session.flush()
    return to


@dataclass(frozen=True)
class StatusChange:
    """One move of a campaign through the workflow."""

    changed_at: dt.datetime
    from_status: str | None
    to_status: str
    changed_by: str | None
    note: str | None


def status_history(session: Session, *, campaign_id: uuid.UUID) -> list[StatusChange]:
    """A campaign's status changes, oldest first, with who made them."""
    rows = session.execute(
        select(
            CampaignStatusHistory.changed_at,
            CampaignStatusHistory.from_status,
            CampaignStatusHistory.to_status,
            User.name,
            CampaignStatusHistory.note,
        )
        .outerjoin(User, User.id == CampaignStatusHistory.changed_by)
        .where(CampaignStatusHistory.campaign_id == campaign_id)
        .order_by(CampaignStatusHistory.changed_at, CampaignStatusHistory.id)
    ).all()
    return [StatusChange(*r) for r in rows]
