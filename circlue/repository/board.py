"""The pipeline board: campaigns per stage in workflow order, with totals, in one query."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from circlue.errors import ValidationError
from circlue.korea import SEOUL
from circlue.models import Brand, Campaign
from circlue.schemas.campaigns import AD_TYPES
from circlue.text import clean_text
from circlue.workflow import CAMPAIGN_STATUSES

# Until a campaign is confirmed its proposal deadline matters; past it, an open deadline is overdue.
DEADLINE_STAGES: tuple[str, ...] = ("creating", "submitted", "recruiting", "proposing", "revising")


@dataclass(frozen=True)
class BoardFilter:
    """What the pipeline board shows: every filter is optional."""

    brand_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    ad_type: str | None = None
    starts_from: dt.date | None = None
    ends_until: dt.date | None = None
    query: str | None = None


@dataclass(frozen=True)
class BoardCard:
    """A campaign on the board."""

    id: uuid.UUID
    title: str
    brand: str
    status: str
    budget: Decimal
    campaign_start_date: dt.date
    campaign_end_date: dt.date
    proposal_deadline: dt.date
    days_in_stage: int
    overdue: bool


@dataclass(frozen=True)
class BoardColumn:
    """One stage: its totals over every matching campaign, and the cards that waited longest."""

    status: str
    count: int
    budget: Decimal
    cards: list[BoardCard]


def pipeline_board(
    session: Session, *, filters: BoardFilter, today: dt.date, per_stage: int = 20
) -> list[BoardColumn]:
    """Columns per status in workflow order: totals of every match, and the `per_stage` cards longest in stage.

    One query whatever the number of campaigns; RLS limits brands to their own. `per_stage=0` gives totals only.
    """
    if any(status not in CAMPAIGN_STATUSES for status in filters.statuses):
        raise ValidationError("알 수 없는 상태입니다 / unknown status")
    if filters.ad_type is not None and filters.ad_type not in AD_TYPES:
        raise ValidationError("알 수 없는 광고 유형입니다 / unknown ad type")
    query = clean_text(filters.query, field="검색어 / search", max_length=100)
    conditions = []
    if filters.brand_id:
        conditions.append(Campaign.brand_id == filters.brand_id)
    if filters.statuses:
        conditions.append(Campaign.status.in_(filters.statuses))
    if filters.ad_type:
        conditions.append(Campaign.ad_type == filters.ad_type)
    # The date range keeps campaigns that run at some point inside it.
    if filters.starts_from:
        conditions.append(Campaign.campaign_end_date >= filters.starts_from)
    if filters.ends_until:
        conditions.append(Campaign.campaign_start_date <= filters.ends_until)
    if query:
        conditions.append(
            Campaign.title.icontains(query, autoescape=True) | Brand.name.icontains(query, autoescape=True)
        )
    # One scan and one sort: the totals are window aggregates over each stage, beside the cards' ranks. Stages
    # compare byte-wise (COLLATE "C"): a locale-aware sort of 10,000 status strings cost more than the scan.
    stage = Campaign.status.collate("C")
    ranked = (
        select(
            Campaign.id,
            Campaign.title,
            Brand.name.label("brand"),
            Campaign.status,
            Campaign.budget,
            Campaign.campaign_start_date,
            Campaign.campaign_end_date,
            Campaign.proposal_deadline,
            Campaign.status_changed_at,
            func.row_number()
            .over(partition_by=stage, order_by=(Campaign.status_changed_at.asc().nulls_last(), Campaign.id))
            .label("rank"),
            func.count().over(partition_by=stage).label("stage_count"),
            func.sum(Campaign.budget).over(partition_by=stage).label("stage_budget"),
        )
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(*conditions)
        .subquery()
    )
    totals: dict[str, tuple[int, Decimal]] = {}
    cards: dict[str, list[BoardCard]] = {}
    for row in session.execute(select(ranked).where(ranked.c.rank <= max(per_stage, 1)).order_by(ranked.c.rank)):
        totals[row.status] = (row.stage_count, row.stage_budget)
        if row.rank > per_stage:
            continue
        changed = row.status_changed_at.astimezone(SEOUL).date() if row.status_changed_at else today
        cards.setdefault(row.status, []).append(
            BoardCard(
                id=row.id,
                title=row.title,
                brand=row.brand,
                status=row.status,
                budget=row.budget,
                campaign_start_date=row.campaign_start_date,
                campaign_end_date=row.campaign_end_date,
                proposal_deadline=row.proposal_deadline,
                days_in_stage=max((today - changed).days, 0),
                overdue=row.status in DEADLINE_STAGES and row.proposal_deadline < today,
            )
        )
    shown = filters.statuses or CAMPAIGN_STATUSES
    return [
        BoardColumn(
            status=status,
            count=totals.get(status, (0, 0))[0],
            budget=Decimal(totals.get(status, (0, 0))[1]),
            cards=cards.get(status, []),
        )
        for status in CAMPAIGN_STATUSES
        if status in shown
    ]
