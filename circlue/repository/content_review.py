"""Content writes: plans and submissions prepared by staff, their files, review rounds, publishing.

Every move is checked here first for a clear message and again by the database (migration 0013), which is what
holds whatever path a write takes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from circlue.errors import Conflict, NotFound, ValidationError
from circlue.media import StoredFile
from circlue.models import Campaign, ContentFile, ContentPlan, ContentRevision, ContentSubmission, Influencer
from circlue.repository.content import _PARENT, KINDS, last_reviewer
from circlue.repository.refusals import refusals
from circlue.schemas.common import parse
from circlue.schemas.content import CaptionInput, PublishInput, ReviewInput
from circlue.workflow import CONTENT_EDITABLE, check_content_transition, extra_round

_NOT_FOUND = "콘텐츠를 찾을 수 없습니다 / content not found"


def _locked(session: Session, kind: str, item_id: uuid.UUID) -> Any:
    """The plan or submission's status, round and campaign, locked until the transaction ends."""
    if kind not in KINDS:
        raise ValidationError(f"알 수 없는 종류입니다 / unknown kind: {kind}")
    model = _PARENT[kind]
    row = session.execute(
        select(model.status, model.current_revision_number, model.campaign_id, model.influencer_id)
        .where(model.id == item_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


def _editable(row: Any, what: str) -> None:
    if row.status not in CONTENT_EDITABLE:
        raise ValidationError(
            f"{what}은(는) 작성 중이거나 수정 요청을 받은 상태에서만 바꿀 수 있습니다 (지금: {row.status}) / "
            f"the {what.split(' / ')[-1]} can change only while a draft or sent back for changes (now: {row.status})"
        )


def create_plan(
    session: Session, *, campaign_id: uuid.UUID, influencer_id: uuid.UUID, content_type: str, plan_data: dict
) -> uuid.UUID:
    """A new draft plan for a contracted influencer (staff, on the influencer's behalf); plan_data parsed first."""
    with refusals():
        return session.scalar(
            insert(ContentPlan)
            .values(campaign_id=campaign_id, influencer_id=influencer_id, content_type=content_type,
                    plan_data=plan_data, status="draft")
            .returning(ContentPlan.id)
        )


def update_plan(session: Session, *, plan_id: uuid.UUID, plan_data: dict) -> None:
    """Replace a draft's (or a sent-back plan's) content with a newly validated plan."""
    row = _locked(session, "plan", plan_id)
    _editable(row, "기획안 / plan")
    with refusals():
        session.execute(update(ContentPlan).where(ContentPlan.id == plan_id).values(plan_data=plan_data))


def create_submission(
    session: Session, *, campaign_id: uuid.UUID, influencer_id: uuid.UUID, content_type: str, caption: CaptionInput
) -> uuid.UUID:
    """A new draft submission; files are added to it before it is sent."""
    with refusals():
        return session.scalar(
            insert(ContentSubmission)
            .values(campaign_id=campaign_id, influencer_id=influencer_id, content_type=content_type,
                    caption=caption.caption, status="draft")
            .returning(ContentSubmission.id)
        )


def set_caption(session: Session, *, submission_id: uuid.UUID, caption: CaptionInput) -> None:
    """Change the caption of the version being prepared."""
    row = _locked(session, "submission", submission_id)
    _editable(row, "캡션 / caption")
    with refusals():
        session.execute(
            update(ContentSubmission).where(ContentSubmission.id == submission_id).values(caption=caption.caption)
        )


def add_file(session: Session, *, submission_id: uuid.UUID, stored: StoredFile) -> uuid.UUID | None:
    """Attach a stored file to the version of the submission being prepared (the database numbers the version);
    None when that version already holds the same file (a double-submitted upload adds nothing)."""
    row = _locked(session, "submission", submission_id)
    _editable(row, "파일 / files")
    with refusals():
        return session.scalar(
            pg_insert(ContentFile)
            .values(
                submission_id=submission_id,
                file_url=stored.file_url,
                file_type=stored.file_type,
                file_size=stored.file_size,
                thumbnail_url=stored.thumbnail_url,
                duration=stored.duration,
                original_name=stored.original_name,
            )
            .on_conflict_do_nothing(index_elements=["submission_id", "version", "file_url"])
            .returning(ContentFile.id)
        )


def remove_file(session: Session, *, file_id: uuid.UUID) -> None:
    """Take a file out of the version being prepared (the stored bytes stay: another version may use them)."""
    submission_id = session.scalar(select(ContentFile.submission_id).where(ContentFile.id == file_id))
    if submission_id is None:
        raise NotFound("파일을 찾을 수 없습니다 / file not found")
    row = _locked(session, "submission", submission_id)
    _editable(row, "파일 / files")
    with refusals():
        session.execute(ContentFile.__table__.delete().where(ContentFile.id == file_id))


def send_for_review(session: Session, *, kind: str, item_id: uuid.UUID, expected_status: str) -> int:
    """Draft or sent-back content goes to review; returns the round that will review it."""
    row = _locked(session, kind, item_id)
    if row.status != expected_status:
        raise Conflict("다른 사용자가 먼저 변경했습니다. 새로고침하세요 / someone else changed this first; reload")
    check_content_transition(kind, row.status, "submitted")
    model = _PARENT[kind]
    if kind == "submission":
        files = session.scalar(
            select(func.count()).select_from(ContentFile).where(
                ContentFile.submission_id == item_id, ContentFile.version == row.current_revision_number + 1
            )
        )
        if not files:
            raise ValidationError(
                "이 버전의 파일을 하나 이상 올린 뒤 제출하세요 / upload at least one file of this version first",
                fields={"file": "파일 / file"},
            )
    with refusals():
        session.execute(update(model).where(model.id == item_id).values(status="submitted"))
    return row.current_revision_number + 1


def review(
    session: Session, *, kind: str, item_id: uuid.UUID, expected_round: int, verdict: ReviewInput,
    accept_extra_round: bool = False,
) -> int:
    """One review round: approve (admins) or ask for changes with feedback; returns the round's number.

    `expected_round` is the round the reviewer was looking at: a double click or a second reviewer finds it taken
    and gets Conflict naming who reviewed it. Asking for changes past the campaign's included rounds needs
    `accept_extra_round` (the page warns first).
    """
    row = _locked(session, kind, item_id)
    if row.status != "submitted" or row.current_revision_number + 1 != expected_round:
        # The same person's second click on the same verdict: the round they were looking at is the newest, says
        # what they said and is theirs; count it once. A newer version waiting means their page is stale.
        if row.current_revision_number == expected_round and row.status == verdict.decision:
            parent = ContentRevision.content_plan_id if kind == "plan" else ContentRevision.submission_id
            mine = session.execute(
                select(ContentRevision.status, ContentRevision.feedback_by == func.circlue_current_user_id())
                .where(parent == item_id, ContentRevision.revision_number == expected_round)
            ).first()
            if mine is not None and mine[0] == verdict.decision and mine[1]:
                return expected_round
        if row.status == "submitted" and row.current_revision_number + 1 > expected_round:
            newer = row.current_revision_number + 1
            raise Conflict(
                f"새 버전(v{newer})이 검토를 기다립니다. 보고 있던 v{expected_round}은(는) 이미 검토되었습니다. "
                f"새로고침하세요 / a newer version (v{newer}) is waiting; v{expected_round}, the one on your page, "
                "was already reviewed; reload"
            )
        who, verdict_given = last_reviewer(session, kind=kind, item_id=item_id)
        raise Conflict(
            f"이미 검토되었습니다 ({who or '—'}: {verdict_given or row.status}). 새로고침하세요 / "
            f"already reviewed ({who or '—'}: {verdict_given or row.status}); reload"
        )
    if verdict.decision == "revision-requested" and not accept_extra_round:
        parent = ContentRevision.content_plan_id if kind == "plan" else ContentRevision.submission_id
        asked, included = session.execute(
            select(
                select(func.count()).select_from(ContentRevision)
                .where(parent == item_id, ContentRevision.status == "revision-requested").scalar_subquery(),
                select(Campaign.included_revision_rounds).where(Campaign.id == row.campaign_id).scalar_subquery(),
            )
        ).one()
        if extra_round(asked, included):
            message = (
                f"캠페인에 포함된 수정 {included}회를 넘는 {asked + 1}번째 수정 요청입니다. "
                "추가 비용이 들 수 있습니다 / "
                f"this is change request {asked + 1}, past the {included} the campaign includes; it may cost extra"
            )
            raise ValidationError(message, fields={"accept_extra_round": message})
    with refusals():
        session.execute(
            insert(ContentRevision).values(
                content_plan_id=item_id if kind == "plan" else None,
                submission_id=item_id if kind == "submission" else None,
                revision_number=expected_round,
                status=verdict.decision,
                feedback=verdict.feedback,
                revision_data={},
            )
        )
    return expected_round


def publish(session: Session, *, submission_id: uuid.UUID, url: str, published_at: dt.datetime | None = None) -> None:
    """Record where and when an approved submission went live (an address on the influencer's platform)."""
    row = _locked(session, "submission", submission_id)
    check_content_transition("submission", row.status, "published")
    platform = session.scalar(select(Influencer.platform).where(Influencer.id == row.influencer_id))
    checked = parse(
        PublishInput,
        {"published_url": "게시물 주소 / post address", "published_at": "게시 일시 / published at"},
        published_url=url,
        published_at=published_at,
        platform=platform or "",
    )
    with refusals():
        session.execute(
            update(ContentSubmission)
            .where(ContentSubmission.id == submission_id)
            .values(status="published", published_url=checked.published_url, published_at=checked.published_at)
        )


def set_included_rounds(session: Session, *, campaign_id: uuid.UUID, rounds: int) -> None:
    """How many rounds of changes the campaign includes before a change request counts as extra (0 to 20)."""
    with refusals():
        done = session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(included_revision_rounds=rounds)
        )
    if not done.rowcount:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
