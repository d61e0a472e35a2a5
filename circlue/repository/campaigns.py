"""Campaigns: create and edit, the status workflow, the list, one campaign in full (the board: board.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select, text, tuple_
from sqlalchemy.orm import Session

from circlue.errors import Forbidden, NotFound, ValidationError
from circlue.korea import format_krw
from circlue.models import (
    Brand,
    Campaign,
    CampaignInfluencer,
    CampaignStatusHistory,
    CampaignTargetContent,
    Product,
    User,
)
from circlue.repository.refusals import CONSTRAINTS, refusals
from circlue.schemas.campaigns import CampaignInput, TargetContentInput
from circlue.text import clean_text
from circlue.workflow import (
    CAMPAIGN_COMMITTED,
    CAMPAIGN_STATUSES,
    INVITATION_AGREED,
    allowed_next,
    brand_may_move,
    check_transition,
    stage_of,
)


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


def _is_staff(session: Session) -> bool:
    """What the database thinks of the acting user (its session), not what the page was told."""
    return bool(session.scalar(select(func.circlue_is_staff())))


def agreed_fees(session: Session, *, campaign_id: uuid.UUID) -> Decimal:
    """The fees agreed with the campaign's influencers so far: what confirming it commits to."""
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(CampaignInfluencer.ad_fee), 0)).where(
                CampaignInfluencer.campaign_id == campaign_id, CampaignInfluencer.status.in_(INVITATION_AGREED)
            )
        )
    )


def campaign_moves(session: Session, *, status: str) -> list[str]:
    """The moves the acting user may make from `status`: every allowed one for staff, a brand's own for a brand."""
    allowed = allowed_next(status)
    if _is_staff(session):
        return allowed
    return [target for target in allowed if brand_may_move(status, target)]


def set_status_note(connection: Session | Connection, note: str | None) -> None:
    """The note the next status move writes into campaign_status_history (transaction-local; cancelling needs one)."""
    connection.execute(text("SELECT set_config('circlue.status_note', :note, true)"), {"note": note or ""})


def advance_campaign(
    session: Session, *, campaign_id: uuid.UUID, to: str, expected_status: str, note: str | None = None
) -> str:
    """Move a campaign to `to` if the workflow allows it, this user may and nobody changed it meanwhile.

    The database checks the move again (transition table, brand moves, budget), sets current_stage and writes
    campaign_status_history with the acting user and `note`; returns the new status.
    """
    note = clean_text(note, field="메모 / note", max_length=1000, multiline=True)
    if to == "cancelled" and not (note or "").strip():
        raise ValidationError(
            "취소 사유를 메모에 적어 주세요 / say why in the note to cancel", fields={"note": "취소 사유 / reason"}
        )
    campaign = session.scalars(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if campaign is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if campaign.status != expected_status:
        raise ValidationError(
            "다른 사용자가 이 캠페인을 먼저 변경했습니다. 새로고침하세요 / "
            "someone else changed this campaign first; reload"
        )
    check_transition(campaign.status, to)
    if not brand_may_move(campaign.status, to) and not _is_staff(session):
        raise Forbidden(
            "이 단계 변경은 Circlue 담당자가 합니다 / Circlue staff make this move; "
            "a brand submits, asks for a revised proposal and confirms the final one"
        )
    if to in CAMPAIGN_COMMITTED and campaign.status not in CAMPAIGN_COMMITTED:
        agreed = agreed_fees(session, campaign_id=campaign_id)
        if agreed > campaign.budget:
            raise ValidationError(
                f"합의된 금액 {format_krw(agreed)}이(가) 예산 {format_krw(campaign.budget)}을(를) 넘어 "
                "확정할 수 없습니다 / "
                f"agreed fees {format_krw(agreed)} exceed the budget {format_krw(campaign.budget)}"
            )
    set_status_note(session, note)
    campaign.status = to
    campaign.current_stage = stage_of(to)
    with refusals():
        session.flush()
    return to


def _check_product(session: Session, campaign: CampaignInput) -> None:
    """A friendly refusal before the database's: the product must be one of the brand's (visible to this user)."""
    brand_of_product = session.scalar(select(Product.brand_id).where(Product.id == campaign.product_id))
    if brand_of_product is None:
        raise NotFound("제품을 찾을 수 없습니다 / product not found")
    if brand_of_product != campaign.brand_id:
        message = CONSTRAINTS["campaigns_product_brand_fkey"]
        raise ValidationError(message, fields={"product_id": message})


def create_campaign(session: Session, *, campaign: CampaignInput, target: TargetContentInput) -> uuid.UUID:
    """Create a campaign at 'creating' with its target and content strategy, in the caller's transaction."""
    _check_product(session, campaign)
    row = Campaign(**campaign.model_dump(exclude_none=True), status="creating")
    session.add(row)
    with refusals():
        session.flush()
        session.add(CampaignTargetContent(campaign_id=row.id, **target.model_dump()))
        session.flush()
    return row.id


def update_campaign(
    session: Session,
    *,
    campaign_id: uuid.UUID,
    campaign: CampaignInput,
    target: TargetContentInput,
    expected_updated_at: dt.datetime | None,
) -> None:
    """Save a campaign's terms and target; refuses if someone saved it since the form was opened.

    Brands may edit only while it is 'creating' (the database refuses otherwise); staff at any stage.
    """
    row = session.scalars(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if row is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if expected_updated_at is not None and row.updated_at != expected_updated_at:
        raise ValidationError(
            "다른 사용자가 이 캠페인을 먼저 저장했습니다. 새로고침하세요 / "
            "someone else saved this campaign first; reload"
        )
    if row.status != "creating" and not _is_staff(session):
        raise Forbidden(
            "제출한 캠페인의 조건은 Circlue 담당자가 변경합니다 / "
            "once submitted, Circlue staff change a campaign's terms"
        )
    _check_product(session, campaign)
    for name, value in campaign.model_dump().items():
        setattr(row, name, value)
    existing = session.scalars(
        select(CampaignTargetContent).where(CampaignTargetContent.campaign_id == campaign_id)
    ).first()
    if existing is None:
        session.add(CampaignTargetContent(campaign_id=campaign_id, **target.model_dump()))
    else:
        for name, value in target.model_dump().items():
            setattr(existing, name, value)
    with refusals():
        session.flush()


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


@dataclass(frozen=True)
class TargetContent:
    """A campaign's target and content strategy."""

    influencer_categories: list[str]
    target_age: str | None
    usp_importance: int | None
    influencer_impact: str | None
    additional_description: str | None
    secondary_content_usage: bool


@dataclass(frozen=True)
class CampaignDetail:
    """One campaign in full, as its page shows it (invitations come from repository.invitations)."""

    id: uuid.UUID
    brand_id: uuid.UUID
    brand: str
    product_id: uuid.UUID
    product: str
    title: str
    description: str | None
    budget: Decimal
    campaign_start_date: dt.date
    campaign_end_date: dt.date
    proposal_deadline: dt.date
    ad_type: str | None
    status: str
    current_stage: int | None
    manager_id: uuid.UUID | None
    manager: str | None
    status_changed_at: dt.datetime | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    target: TargetContent | None
    agreed: Decimal
    moves: list[str]


def get_campaign(session: Session, *, campaign_id: uuid.UUID) -> CampaignDetail:
    """A campaign with its brand, product, manager, target, agreed fees and the moves this user may make now."""
    row = session.execute(
        select(
            Campaign,
            Brand.name,
            Product.name,
            User.name,
            CampaignTargetContent,
        )
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Product, Product.id == Campaign.product_id)
        .outerjoin(User, User.id == Campaign.manager_id)
        .outerjoin(CampaignTargetContent, CampaignTargetContent.campaign_id == Campaign.id)
        .where(Campaign.id == campaign_id)
    ).first()
    if row is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    campaign, brand, product, manager, target = row
    return CampaignDetail(
        id=campaign.id,
        brand_id=campaign.brand_id,
        brand=brand,
        product_id=campaign.product_id,
        product=product,
        title=campaign.title,
        description=campaign.description,
        budget=campaign.budget,
        campaign_start_date=campaign.campaign_start_date,
        campaign_end_date=campaign.campaign_end_date,
        proposal_deadline=campaign.proposal_deadline,
        ad_type=campaign.ad_type,
        status=campaign.status,
        current_stage=campaign.current_stage,
        manager_id=campaign.manager_id,
        manager=manager,
        status_changed_at=campaign.status_changed_at,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        target=None
        if target is None
        else TargetContent(
            influencer_categories=list(target.influencer_categories or []),
            target_age=target.target_age,
            usp_importance=target.usp_importance,
            influencer_impact=target.influencer_impact,
            additional_description=target.additional_description,
            secondary_content_usage=bool(target.secondary_content_usage),
        ),
        agreed=agreed_fees(session, campaign_id=campaign_id),
        moves=campaign_moves(session, status=campaign.status),
    )


@dataclass(frozen=True)
class Choice:
    """Something a form lets the user pick: its id and the name shown."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ProductChoice:
    """A product a campaign may promote, with the brand it belongs to."""

    id: uuid.UUID
    brand_id: uuid.UUID
    name: str


def brand_choices(session: Session) -> list[Choice]:
    """The brands the acting user may pick, by name (RLS: a brand user sees its own)."""
    return [Choice(*r) for r in session.execute(select(Brand.id, Brand.name).order_by(Brand.name, Brand.id))]


def product_choices(session: Session, *, brand_id: uuid.UUID | None = None) -> list[ProductChoice]:
    """Products by brand and name, of one brand or of every brand the acting user sees."""
    stmt = select(Product.id, Product.brand_id, Product.name).order_by(Product.brand_id, Product.name, Product.id)
    if brand_id is not None:
        stmt = stmt.where(Product.brand_id == brand_id)
    return [ProductChoice(*r) for r in session.execute(stmt)]
