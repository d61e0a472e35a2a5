"""Influencer search."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from circlue.errors import ValidationError
from circlue.models import PLATFORMS, Influencer
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
