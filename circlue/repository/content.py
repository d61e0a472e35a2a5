"""Content reads: the review queue, one item with its versions and rounds, a campaign's content for staff."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, null, or_, select, tuple_, union_all
from sqlalchemy.orm import Session

from circlue.errors import NotFound, ValidationError
from circlue.models import (
    Brand,
    Campaign,
    CampaignInfluencer,
    ContentFile,
    ContentPlan,
    ContentRevision,
    ContentSubmission,
    Influencer,
    User,
)
from circlue.workflow import CONTENT_EDITABLE, DEFAULT_INCLUDED_ROUNDS

KINDS = ("plan", "submission")
_PARENT = {"plan": ContentPlan, "submission": ContentSubmission}


@dataclass(frozen=True)
class QueueItem:
    """A plan or submission waiting for review, oldest first."""

    kind: str
    id: uuid.UUID
    campaign_id: uuid.UUID
    campaign: str
    brand_id: uuid.UUID
    brand: str
    influencer_id: uuid.UUID
    influencer: str
    platform: str | None
    content_type: str
    round: int
    waiting_since: dt.datetime


@dataclass(frozen=True)
class QueuePage:
    """One keyset page of the queue, how many wait in all (with the filters), and where the next page starts."""

    items: list[QueueItem]
    total: int
    next_after: tuple[dt.datetime, uuid.UUID] | None


@dataclass(frozen=True)
class QueueChoice:
    """A value the queue can be filtered by, and its label."""

    id: uuid.UUID
    label: str


@dataclass(frozen=True)
class QueueFilters:
    """What the waiting items' campaigns, brands and influencers are, for the filter pickers."""

    campaigns: list[QueueChoice]
    brands: list[QueueChoice]
    influencers: list[QueueChoice]


@dataclass(frozen=True)
class ReviewFile:
    """A stored file of one submission version."""

    id: uuid.UUID
    version: int
    file_url: str
    file_type: str | None
    file_size: int | None
    thumbnail_url: str | None
    duration: int | None
    original_name: str | None

    @property
    def is_video(self) -> bool:
        """Shown with a player rather than as an image."""
        return bool(self.file_type and self.file_type.startswith("video/"))


@dataclass(frozen=True)
class Round:
    """One review round: its verdict, feedback, reviewer and the snapshot of what was reviewed."""

    number: int
    status: str
    feedback: str | None
    reviewer: str | None
    reviewer_role: str | None
    created_at: dt.datetime | None
    extra_round: bool
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class ContentItem:
    """A plan or submission in full: what it is now, its files by version, and every round so far."""

    kind: str
    id: uuid.UUID
    status: str
    content_type: str
    campaign_id: uuid.UUID
    campaign: str
    brand: str
    influencer: str
    platform: str | None
    current_revision_number: int
    status_changed_at: dt.datetime
    included_rounds: int
    plan_data: dict[str, Any] | None
    caption: str | None
    published_url: str | None
    published_at: dt.datetime | None
    files: list[ReviewFile] = field(default_factory=list)
    previous_files: list[ReviewFile] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)

    @property
    def version(self) -> int:
        """The version shown as current: the one being prepared or reviewed, else the last one reviewed."""
        if self.status in (*CONTENT_EDITABLE, "submitted"):
            return self.current_revision_number + 1
        return max(self.current_revision_number, 1)

    @property
    def change_requests(self) -> int:
        """How many rounds asked for changes so far."""
        return sum(1 for r in self.rounds if r.status == "revision-requested")

    @property
    def previous(self) -> Round | None:
        """The last round before the current version (what the current version answers)."""
        return next((r for r in reversed(self.rounds) if r.number == self.version - 1), None)


def _waiting(kind: str):
    """The waiting rows of one kind, with everything the queue shows (plans have no brand column: via campaigns)."""
    model = _PARENT[kind]
    return (
        select(
            literal(kind).label("kind"),
            model.id.label("id"),
            Campaign.id.label("campaign_id"),
            Campaign.title.label("campaign"),
            Brand.id.label("brand_id"),
            Brand.name.label("brand"),
            Influencer.id.label("influencer_id"),
            Influencer.name.label("influencer"),
            Influencer.platform.label("platform"),
            model.content_type.label("content_type"),
            (model.current_revision_number + 1).label("round"),
            model.status_changed_at.label("waiting_since"),
        )
        .join(Campaign, Campaign.id == model.campaign_id)
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Influencer, Influencer.id == model.influencer_id)
        .where(model.status == "submitted")
    )


def review_queue(
    session: Session,
    *,
    campaign_id: uuid.UUID | None = None,
    brand_id: uuid.UUID | None = None,
    influencer_id: uuid.UUID | None = None,
    content_type: str | None = None,
    kind: str | None = None,
    older_than: dt.datetime | None = None,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
    limit: int = 200,
) -> QueuePage:
    """Plans and submissions waiting for review, oldest first, keyset-paginated; RLS gives a brand its own."""
    if kind is not None and kind not in KINDS:
        raise ValidationError(f"알 수 없는 종류입니다 / unknown kind: {kind}")
    if content_type is not None and content_type not in ("image", "video"):
        raise ValidationError(f"알 수 없는 유형입니다 / unknown type: {content_type}")
    waiting = union_all(*(_waiting(k) for k in KINDS if kind in (None, k))).subquery()
    conditions = []
    for column, value in (
        (waiting.c.campaign_id, campaign_id),
        (waiting.c.brand_id, brand_id),
        (waiting.c.influencer_id, influencer_id),
        (waiting.c.content_type, content_type),
    ):
        if value is not None:
            conditions.append(column == value)
    if older_than is not None:
        conditions.append(waiting.c.waiting_since <= older_than)
    # The count is of the whole filtered queue, taken before the keyset cut and the limit.
    counted = select(waiting, func.count().over().label("total")).where(*conditions).subquery()
    query = select(counted).order_by(counted.c.waiting_since, counted.c.id).limit(limit + 1)
    if after is not None:
        query = query.where(tuple_(counted.c.waiting_since, counted.c.id) > tuple_(*after))
    rows = session.execute(query).all()
    items = [QueueItem(*row[:12]) for row in rows[:limit]]
    total = rows[0].total if rows else 0
    next_after = (items[-1].waiting_since, items[-1].id) if len(rows) > limit else None
    return QueuePage(items=items, total=total, next_after=next_after)


def queue_filters(session: Session) -> QueueFilters:
    """The campaigns, brands and influencers that have something waiting (one query)."""
    waiting = union_all(*(_waiting(k) for k in KINDS)).subquery()
    rows = session.execute(
        select(
            waiting.c.campaign_id, waiting.c.campaign, waiting.c.brand_id, waiting.c.brand,
            waiting.c.influencer_id, waiting.c.influencer,
        ).distinct()
    ).all()

    def choices(index: int) -> list[QueueChoice]:
        seen = {row[index]: row[index + 1] for row in rows}
        return [QueueChoice(i, label) for i, label in sorted(seen.items(), key=lambda kv: kv[1])]

    return QueueFilters(campaigns=choices(0), brands=choices(2), influencers=choices(4))


def waiting_counts(session: Session) -> tuple[int, int]:
    """(plans, submissions) waiting for review, as the acting user may see them."""
    plans = select(func.count()).select_from(ContentPlan).where(ContentPlan.status == "submitted").scalar_subquery()
    submissions = (
        select(func.count()).select_from(ContentSubmission).where(ContentSubmission.status == "submitted")
    ).scalar_subquery()
    row = session.execute(select(plans, submissions)).one()
    return int(row[0]), int(row[1])


def get_item(session: Session, *, kind: str, item_id: uuid.UUID) -> ContentItem:
    """One plan or submission with its current and previous versions' files and every round (three queries)."""
    if kind not in KINDS:
        raise ValidationError(f"알 수 없는 종류입니다 / unknown kind: {kind}")
    model = _PARENT[kind]
    is_plan = kind == "plan"
    row = session.execute(
        select(
            model.id,
            model.status,
            model.content_type,
            Campaign.id,
            Campaign.title,
            Brand.name,
            Influencer.name,
            Influencer.platform,
            model.current_revision_number,
            model.status_changed_at,
            Campaign.included_revision_rounds,
            ContentPlan.plan_data if is_plan else null(),
            null() if is_plan else ContentSubmission.caption,
            null() if is_plan else ContentSubmission.published_url,
            null() if is_plan else ContentSubmission.published_at,
        )
        .join(Campaign, Campaign.id == model.campaign_id)
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Influencer, Influencer.id == model.influencer_id)
        .where(model.id == item_id)
    ).first()
    if row is None:
        raise NotFound("콘텐츠를 찾을 수 없습니다 / content not found")
    parent = ContentRevision.content_plan_id if is_plan else ContentRevision.submission_id
    rounds = [
        Round(
            number=r.revision_number,
            status=r.status,
            feedback=r.feedback,
            reviewer=r.name,
            reviewer_role=r.role,
            created_at=r.created_at,
            extra_round=bool((r.revision_data or {}).get("extra_round")),
            snapshot=(r.revision_data or {}).get("snapshot") or {},
        )
        for r in session.execute(
            select(
                ContentRevision.revision_number,
                ContentRevision.status,
                ContentRevision.feedback,
                User.name,
                User.role,
                ContentRevision.created_at,
                ContentRevision.revision_data,
            )
            .outerjoin(User, User.id == ContentRevision.feedback_by)
            .where(parent == item_id)
            .order_by(ContentRevision.revision_number)
        )
    ]
    item = ContentItem(
        kind, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10],
        row[11], row[12], row[13], row[14], rounds=rounds,
    )
    if is_plan:
        return item
    files = [
        ReviewFile(*f)
        for f in session.execute(
            select(
                ContentFile.id, ContentFile.version, ContentFile.file_url, ContentFile.file_type,
                ContentFile.file_size, ContentFile.thumbnail_url, ContentFile.duration, ContentFile.original_name,
            )
            .where(ContentFile.submission_id == item_id, ContentFile.version.in_((item.version, item.version - 1)))
            .order_by(ContentFile.created_at, ContentFile.id)
        )
    ]
    return ContentItem(
        **{**item.__dict__, "files": [f for f in files if f.version == item.version],
           "previous_files": [f for f in files if f.version == item.version - 1]}
    )


@dataclass(frozen=True)
class ContractedPair:
    """An influencer contracted on a campaign: who content can be made for."""

    campaign_id: uuid.UUID
    campaign: str
    brand: str
    influencer_id: uuid.UUID
    influencer: str
    platform: str | None
    included_rounds: int = DEFAULT_INCLUDED_ROUNDS


def contracted_pairs(session: Session, *, producing_only: bool = True, limit: int | None = 500) -> list[ContractedPair]:
    """Contracted (or completed) influencers by brand, campaign and name; with `producing_only`, of campaigns that
    are planning or producing content (the production page), otherwise of any campaign (the metrics import)."""
    query = (
        select(Campaign.id, Campaign.title, Brand.name, Influencer.id, Influencer.name, Influencer.platform,
               Campaign.included_revision_rounds)
        .join(CampaignInfluencer, CampaignInfluencer.campaign_id == Campaign.id)
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Influencer, Influencer.id == CampaignInfluencer.influencer_id)
        .where(CampaignInfluencer.status.in_(("contracted", "completed")))
        .order_by(Brand.name, Campaign.title, Influencer.name)
        .limit(limit)
    )
    if producing_only:
        query = query.where(Campaign.status.in_(("planning", "producing", "content-review", "live", "monitoring")))
    return [ContractedPair(*row) for row in session.execute(query).all()]


@dataclass(frozen=True)
class ContentRow:
    """A plan or submission of one campaign and influencer, as the staff's production list shows it."""

    kind: str
    id: uuid.UUID
    content_type: str
    status: str
    current_revision_number: int
    status_changed_at: dt.datetime


def content_of(session: Session, *, campaign_id: uuid.UUID, influencer_id: uuid.UUID) -> list[ContentRow]:
    """Every plan and submission for one influencer on one campaign, plans first, oldest first."""
    queries = [
        select(
            literal(kind).label("kind"), model.id, model.content_type, model.status, model.current_revision_number,
            model.status_changed_at, model.created_at,
        ).where(model.campaign_id == campaign_id, model.influencer_id == influencer_id)
        for kind, model in _PARENT.items()
    ]
    both = union_all(*queries).subquery()
    rows = session.execute(select(both).order_by(both.c.kind, both.c.created_at, both.c.id)).all()
    return [ContentRow(*row[:6]) for row in rows]


def files_of(session: Session, *, submission_id: uuid.UUID, version: int) -> list[ReviewFile]:
    """The files of one version of a submission."""
    rows = session.execute(
        select(
            ContentFile.id, ContentFile.version, ContentFile.file_url, ContentFile.file_type, ContentFile.file_size,
            ContentFile.thumbnail_url, ContentFile.duration, ContentFile.original_name,
        )
        .where(ContentFile.submission_id == submission_id, ContentFile.version == version)
        .order_by(ContentFile.created_at, ContentFile.id)
    ).all()
    return [ReviewFile(*row) for row in rows]


def last_reviewer(session: Session, *, kind: str, item_id: uuid.UUID) -> tuple[str | None, str | None]:
    """Who gave the newest round and what it said (status), for the "already reviewed" message."""
    parent = ContentRevision.content_plan_id if kind == "plan" else ContentRevision.submission_id
    row = session.execute(
        select(User.name, ContentRevision.status)
        .outerjoin(User, User.id == ContentRevision.feedback_by)
        .where(parent == item_id)
        .order_by(ContentRevision.revision_number.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def keys_in_use(session: Session, *, keys: Sequence[str]) -> set[str]:
    """Which of these media keys a file row names (as its file or its thumbnail): those stay on the disk."""
    if not keys:
        return set()
    rows = session.execute(
        select(ContentFile.file_url, ContentFile.thumbnail_url)
        .where(or_(ContentFile.file_url.in_(keys), ContentFile.thumbnail_url.in_(keys)))
    ).all()
    return {key for row in rows for key in row if key in keys}
