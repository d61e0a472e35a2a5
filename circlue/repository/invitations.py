"""Invitations and proposals: influencers in a campaign (campaign_influencers), moved through their workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from circlue.errors import Forbidden, NotFound, ValidationError
from circlue.models import Campaign, CampaignInfluencer, Influencer
from circlue.repository.refusals import refusals
from circlue.schemas.campaigns import AgreementInput, ContractInput, ProposalInput
from circlue.workflow import INVITING_STAGES, check_invitation_transition


@dataclass(frozen=True)
class InvitationRow:
    """An influencer in a campaign, with the proposal, the agreed fee and the production window."""

    id: uuid.UUID
    influencer_id: uuid.UUID
    influencer: str
    platform: str | None
    followers: int | None
    status: str
    proposed_fee: Decimal | None
    ad_fee: Decimal | None
    deliverables: list[str]
    additional_terms: str | None
    production_start_date: dt.date | None
    production_deadline: dt.date | None
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class InviteResult:
    """Who was invited now, and who already was (the pair is unique)."""

    invited: list[str]
    already: list[str]


def list_invitations(session: Session, *, campaign_id: uuid.UUID) -> list[InvitationRow]:
    """A campaign's influencers in workflow order, then by name; RLS limits brands to their own campaigns."""
    rows = session.execute(
        select(
            CampaignInfluencer.id,
            CampaignInfluencer.influencer_id,
            Influencer.name,
            Influencer.platform,
            Influencer.followers,
            CampaignInfluencer.status,
            CampaignInfluencer.proposed_fee,
            CampaignInfluencer.ad_fee,
            CampaignInfluencer.deliverables,
            CampaignInfluencer.additional_terms,
            CampaignInfluencer.production_start_date,
            CampaignInfluencer.production_deadline,
            CampaignInfluencer.updated_at,
        )
        .join(Influencer, Influencer.id == CampaignInfluencer.influencer_id)
        .where(CampaignInfluencer.campaign_id == campaign_id)
        .order_by(CampaignInfluencer.created_at, Influencer.name)
    ).all()
    return [InvitationRow(*row[:8], list(row.deliverables or []), *row[9:]) for row in rows]


def invite_influencers(
    session: Session, *, campaign_id: uuid.UUID, influencer_ids: Sequence[uuid.UUID]
) -> InviteResult:
    """Invite influencers to a campaign (staff); those already invited are reported, not invited twice.

    The influencer search calls this too. The database refuses invitations outside recruiting, proposing and
    revising, and from anyone but staff.
    """
    if not influencer_ids:
        raise ValidationError("초대할 인플루언서를 고르세요 / pick the influencers to invite")
    if len(influencer_ids) > 200:
        raise ValidationError("한 번에 200명까지 초대할 수 있습니다 / at most 200 influencers at a time")
    status = session.scalar(select(Campaign.status).where(Campaign.id == campaign_id).with_for_update())
    if status is None:
        raise NotFound("캠페인을 찾을 수 없습니다 / campaign not found")
    if status not in INVITING_STAGES:
        raise ValidationError(
            "인플루언서는 캠페인이 모집·제안·수정 단계일 때 초대할 수 있습니다 / "
            "influencers are invited while a campaign is recruiting, proposing or revising"
        )
    wanted = list(dict.fromkeys(influencer_ids))
    names = dict(session.execute(select(Influencer.id, Influencer.name).where(Influencer.id.in_(wanted))).all())
    if len(names) != len(wanted):
        raise NotFound("인플루언서를 찾을 수 없습니다 / influencer not found")
    with refusals():
        created = set(
            session.scalars(
                insert(CampaignInfluencer)
                .values([{"campaign_id": campaign_id, "influencer_id": i, "status": "invited"} for i in wanted])
                .on_conflict_do_nothing(index_elements=["campaign_id", "influencer_id"])
                .returning(CampaignInfluencer.influencer_id)
            )
        )
    return InviteResult(
        invited=[names[i] for i in wanted if i in created],
        already=[names[i] for i in wanted if i not in created],
    )


def _locked(
    session: Session, invitation_id: uuid.UUID, expected_status: str, expected_updated_at: dt.datetime | None
) -> CampaignInfluencer:
    """The invitation, locked for this transaction; refused if someone changed it since the form was opened.

    Its campaign is locked first, in the order advance_campaign locks it, so a fee agreed while the brand confirms
    is counted against the budget by whichever of the two commits second (the database's trigger locks it too).
    """
    campaign_id = session.scalar(
        select(CampaignInfluencer.campaign_id).where(CampaignInfluencer.id == invitation_id)
    )
    if campaign_id is None:
        raise NotFound("초대를 찾을 수 없습니다 / invitation not found")
    session.execute(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update(key_share=False))
    row = session.scalars(
        select(CampaignInfluencer).where(CampaignInfluencer.id == invitation_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound("초대를 찾을 수 없습니다 / invitation not found")
    # The status alone would let a form drawn before someone revised the proposal agree the old figures.
    if row.status != expected_status or (expected_updated_at is not None and row.updated_at != expected_updated_at):
        raise ValidationError(
            "다른 사용자가 이 초대를 먼저 변경했습니다. 새로고침하세요 / "
            "someone else changed this invitation first; reload"
        )
    return row


def _save(session: Session, row: CampaignInfluencer, status: str, **values: object) -> str:
    if status != row.status:
        check_invitation_transition(row.status, status)
    for name, value in values.items():
        setattr(row, name, value)
    row.status = status
    with refusals():
        session.flush()
    return status


def record_proposal(
    session: Session,
    *,
    invitation_id: uuid.UUID,
    proposal: ProposalInput,
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
) -> str:
    """Record an influencer's proposal (fee, deliverables, terms): invited -> proposed, or revise a proposal."""
    row = _locked(session, invitation_id, expected_status, expected_updated_at)
    if row.status not in ("invited", "proposed"):
        raise ValidationError(
            "제안은 초대됨 또는 제안됨 상태에서 기록합니다 / a proposal is recorded while invited or proposed"
        )
    return _save(session, row, "proposed", **proposal.model_dump())


def agree_fee(
    session: Session,
    *,
    invitation_id: uuid.UUID,
    agreement: AgreementInput,
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
) -> str:
    """Agree the fee of a proposal: proposed -> accepted, with the agreed ad_fee."""
    row = _locked(session, invitation_id, expected_status, expected_updated_at)
    return _save(session, row, "accepted", ad_fee=agreement.ad_fee)


def contract(
    session: Session,
    *,
    invitation_id: uuid.UUID,
    contract: ContractInput,
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
) -> str:
    """Sign the contract: accepted -> contracted, with the production start and deadline."""
    row = _locked(session, invitation_id, expected_status, expected_updated_at)
    return _save(session, row, "contracted", **contract.model_dump())


def move_invitation(
    session: Session,
    *,
    invitation_id: uuid.UUID,
    to: str,
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
) -> str:
    """A move that records nothing new: declined, withdrawn or completed."""
    if to not in ("declined", "withdrawn", "completed"):
        raise Forbidden(
            "제안·합의·계약은 각자의 양식으로 기록합니다 / proposals, agreements and contracts have forms of their own"
        )
    row = _locked(session, invitation_id, expected_status, expected_updated_at)
    return _save(session, row, to)
