"""Influencer search, and influencers' personal data for staff (real name, phone, WeChat id)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from circlue.crypto import keyring
from circlue.errors import Conflict, Forbidden, NotFound, ValidationError
from circlue.models import PLATFORMS, Influencer
from circlue.repository.refusals import refusals
from circlue.schemas.influencers import ContactInput
from circlue.text import clean_text


@dataclass(frozen=True)
class InfluencerRow:
    """An influencer as the search list shows it."""

    id: uuid.UUID
    name: str
    platform: str | None
    category: str | None
    region: str | None
    followers: int | None
    engagement_rate: Decimal | None
    base_fee: Decimal | None


def search_influencers(
    session: Session,
    *,
    platform: str | None = None,
    query: str | None = None,
    min_followers: int | None = None,
    after: tuple[int, uuid.UUID] | None = None,
    limit: int = 50,
) -> list[InfluencerRow]:
    """Active influencers by followers (desc), keyset-paginated by (followers, id)."""
    if platform is not None and platform not in PLATFORMS:
        raise ValidationError(f"지원하지 않는 플랫폼입니다 / unknown platform: {platform}")
    if min_followers is not None and min_followers < 0:
        raise ValidationError("팔로워 수는 0 이상이어야 합니다 / followers must be 0 or more")
    stmt = (
        select(
            Influencer.id,
            Influencer.name,
            Influencer.platform,
            Influencer.category,
            Influencer.region,
            Influencer.followers,
            Influencer.engagement_rate,
            Influencer.base_fee,
        )
        .where(Influencer.is_active.is_(True), Influencer.followers.is_not(None))
        .order_by(Influencer.followers.desc(), Influencer.id.desc())
        .limit(min(max(limit, 1), 500))
    )
    if platform:
        stmt = stmt.where(Influencer.platform == platform)
    query = clean_text(query, field="검색어 / search", max_length=100)
    if query:
        # Bound parameter: the user's text is data, and % / _ in it are matched literally.
        stmt = stmt.where(Influencer.name.icontains(query, autoescape=True))
    if min_followers:
        stmt = stmt.where(Influencer.followers >= min_followers)
    if after:
        stmt = stmt.where(tuple_(Influencer.followers, Influencer.id) < tuple_(*after))
    return [InfluencerRow(*r) for r in session.execute(stmt).all()]


@dataclass(frozen=True)
class InfluencerContact:
    """Who an influencer is in person: shown to staff only (the columns are encrypted at rest)."""

    id: uuid.UUID
    name: str
    platform: str | None
    real_name: str | None
    phone: str | None
    wechat_id: str | None
    updated_at: dt.datetime | None = None


def _contact(i: Influencer) -> InfluencerContact:
    return InfluencerContact(i.id, i.name, i.platform, i.real_name, i.phone, i.wechat_id, i.updated_at)


def _require_staff(session: Session) -> None:
    # RLS lets a brand read the rows of influencers invited to its campaigns (as ciphertext): the plaintext is
    # decrypted here, for staff only.
    if not session.scalar(select(func.circlue_is_staff())):
        raise Forbidden("실명과 연락처는 Circlue 담당자만 봅니다 / real names and contacts are for Circlue staff only")


def contacts(session: Session, *, influencer_ids: list[uuid.UUID]) -> list[InfluencerContact]:
    """Real names, phones and WeChat ids of these influencers, decrypted; staff only."""
    _require_staff(session)
    rows = session.scalars(select(Influencer).where(Influencer.id.in_(influencer_ids)).order_by(Influencer.name))
    return [_contact(i) for i in rows]


def find_by_real_name(session: Session, *, real_name: str) -> list[InfluencerContact]:
    """Influencers whose real name is exactly this (spacing, case and full-width forms aside); staff only.

    The column is encrypted, so the lookup goes through its blind index, under every key of the ring.
    """
    _require_staff(session)
    name = clean_text(real_name, field="실명 / real name", max_length=100, required=True)
    rows = session.scalars(
        select(Influencer)
        .where(Influencer.real_name_bidx.in_(keyring().blind_indexes(name)))
        .order_by(Influencer.name)
        .limit(50)
    )
    return [_contact(i) for i in rows]


def update_contact(
    session: Session, *, influencer_id: uuid.UUID, contact: ContactInput, expected_updated_at: dt.datetime | None
) -> None:
    """Set an influencer's real name, phone and WeChat id (staff only; encrypted and blind-indexed on the way in).

    Refused (Conflict) when someone saved the influencer after the form read it.
    """
    _require_staff(session)
    row = session.scalars(select(Influencer).where(Influencer.id == influencer_id).with_for_update()).first()
    if row is None:
        raise NotFound("인플루언서를 찾을 수 없습니다 / influencer not found")
    if row.updated_at != expected_updated_at:
        raise Conflict(
            "다른 사용자가 이 인플루언서를 먼저 저장했습니다. 다시 불러온 뒤 고치세요 / "
            "someone else saved this influencer after you opened it; reload and edit again"
        )
    row.real_name, row.phone, row.wechat_id = contact.real_name, contact.phone, contact.wechat_id
    with refusals():
        session.flush()
