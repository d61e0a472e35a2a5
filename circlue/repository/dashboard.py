"""The figures each role's home page shows, one query set per role."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from circlue.models import Brand, Campaign, ContentPlan, ContentSubmission, PerformanceMetric, Settlement, User
from circlue.workflow import CAMPAIGN_STAGES

# Settlements whose money is all in (0014 added 'completed', closed by an admin after 'paid').
_SETTLED = ("paid", "completed")


@dataclass(frozen=True)
class Deadline:
    """A campaign whose proposal deadline falls soon."""

    campaign_id: uuid.UUID
    title: str
    brand: str
    status: str
    proposal_deadline: dt.date


@dataclass(frozen=True)
class ManagerHome:
    """Campaigns per workflow stage and the proposal deadlines of the next seven days."""

    per_status: dict[str, int]
    deadlines: list[Deadline]
    active_campaigns: int


@dataclass(frozen=True)
class BrandCampaign:
    """One of the brand's campaigns with what it has cost so far."""

    campaign_id: uuid.UUID
    title: str
    status: str
    budget: Decimal
    campaign_end_date: dt.date


@dataclass(frozen=True)
class BrandHome:
    """A brand user's live campaigns, spend and reach."""

    live: list[BrandCampaign]
    total_budget: Decimal
    settled: Decimal
    outstanding: Decimal
    views_30d: int
    content_waiting: int = 0


@dataclass(frozen=True)
class AdminHome:
    """What waits for an admin: content to approve, settlements to close, accounts."""

    content_waiting: int
    plans_waiting: int
    settlements_open: int
    settlements_open_amount: Decimal
    users_by_role: dict[str, int]
    locked_users: int


def manager_home(session: Session, *, today: dt.date) -> ManagerHome:
    """Campaign counts per stage and proposal deadlines within a week of `today`."""
    counts = dict(session.execute(select(Campaign.status, func.count()).group_by(Campaign.status)).all())
    rows = session.execute(
        select(Campaign.id, Campaign.title, Brand.name, Campaign.status, Campaign.proposal_deadline)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(
            Campaign.proposal_deadline.between(today, today + dt.timedelta(days=7)),
            Campaign.status.in_(CAMPAIGN_STAGES),
        )
        .order_by(Campaign.proposal_deadline, Campaign.title)
    ).all()
    return ManagerHome(
        per_status={status: counts.get(status, 0) for status in (*CAMPAIGN_STAGES, "completed", "cancelled")},
        deadlines=[Deadline(*r) for r in rows],
        active_campaigns=sum(counts.get(s, 0) for s in CAMPAIGN_STAGES),
    )


def brand_home(session: Session, *, today: dt.date) -> BrandHome:
    """The acting brand user's figures; RLS limits every query to their brands."""
    live = session.execute(
        select(Campaign.id, Campaign.title, Campaign.status, Campaign.budget, Campaign.campaign_end_date)
        .where(Campaign.status.in_(("live", "monitoring")))
        .order_by(Campaign.campaign_end_date)
    ).all()
    total_budget = session.scalar(
        select(func.coalesce(func.sum(Campaign.budget), 0)).where(Campaign.status != "cancelled")
    )
    settled, outstanding = session.execute(
        select(
            func.coalesce(func.sum(Settlement.amount).filter(Settlement.status.in_(_SETTLED)), 0),
            func.coalesce(func.sum(Settlement.amount).filter(Settlement.status.not_in(_SETTLED)), 0),
        )
    ).one()
    views = session.scalar(
        select(func.coalesce(func.sum(PerformanceMetric.views), 0)).where(
            PerformanceMetric.metric_date > today - dt.timedelta(days=30)
        )
    )
    # Plans and submissions of its campaigns waiting for review (the brand may ask for changes).
    waiting = session.scalar(
        select(
            select(func.count()).select_from(ContentPlan).where(ContentPlan.status == "submitted").scalar_subquery()
            + select(func.count())
            .select_from(ContentSubmission)
            .where(ContentSubmission.status == "submitted")
            .scalar_subquery()
        )
    )
    return BrandHome(
        live=[BrandCampaign(*r) for r in live],
        total_budget=Decimal(total_budget),
        settled=Decimal(settled),
        outstanding=Decimal(outstanding),
        views_30d=int(views),
        content_waiting=int(waiting or 0),
    )


def admin_home(session: Session, *, now: dt.datetime) -> AdminHome:
    """Counts of items waiting for an admin."""
    content_waiting = session.scalar(
        select(func.count()).select_from(ContentSubmission).where(ContentSubmission.status == "submitted")
    )
    plans_waiting = session.scalar(
        select(func.count()).select_from(ContentPlan).where(ContentPlan.status == "submitted")
    )
    open_count, open_amount = session.execute(
        select(func.count(), func.coalesce(func.sum(Settlement.amount), 0)).where(Settlement.status.not_in(_SETTLED))
    ).one()
    by_role = dict(session.execute(select(User.role, func.count()).group_by(User.role)).all())
    locked = session.scalar(
        select(func.count()).select_from(User).where(and_(User.locked_until.is_not(None), User.locked_until > now))
    )
    return AdminHome(
        content_waiting=int(content_waiting or 0),
        plans_waiting=int(plans_waiting or 0),
        settlements_open=int(open_count),
        settlements_open_amount=Decimal(open_amount),
        users_by_role=by_role,
        locked_users=int(locked or 0),
    )
