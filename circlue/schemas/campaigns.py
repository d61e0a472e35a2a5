"""What the campaign forms may send: a campaign's terms, its target and content, and invitation answers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from circlue.schemas.common import AgeRange, Input, RequiredLine, Won, optional_text, required_line

AD_TYPES = ("branding", "live-commerce")
# The influencer pool's categories (influencers.category, in Chinese as the platforms use them); a campaign may
# name others too.
INFLUENCER_CATEGORIES = ("美妆", "护肤", "时尚", "穿搭", "美食", "生活方式", "旅行", "健身", "母婴")

CAMPAIGN_LABELS = {
    "brand_id": "브랜드 / brand",
    "product_id": "제품 / product",
    "title": "제목 / title",
    "description": "설명 / description",
    "budget": "예산 / budget",
    "campaign_start_date": "시작일 / start",
    "campaign_end_date": "종료일 / end",
    "proposal_deadline": "제안 마감 / proposal deadline",
    "ad_type": "광고 유형 / ad type",
}
TARGET_LABELS = {
    "influencer_categories": "인플루언서 카테고리 / influencer categories",
    "target_age": "타깃 연령 / target age",
    "usp_importance": "USP 중요도 / USP importance",
    "influencer_impact": "인플루언서 영향 / influencer impact",
    "additional_description": "추가 설명 / additional description",
    "secondary_content_usage": "2차 활용 / secondary use",
}
INVITATION_LABELS = {
    "proposed_fee": "제안 금액 / proposed fee",
    "deliverables": "제공물 / deliverables",
    "additional_terms": "추가 조건 / additional terms",
    "ad_fee": "합의 금액 / agreed fee",
    "production_start_date": "제작 시작 / production start",
    "production_deadline": "제작 마감 / production deadline",
}

# List items are checked like any typed line: a NUL or a direction override gets a message, not a database error.
ShortItem = required_line(50)


class CampaignInput(Input):
    """A campaign's terms: brand, product, title, budget, dates and ad type."""

    brand_id: uuid.UUID
    product_id: uuid.UUID
    title: Annotated[RequiredLine, Field(max_length=200)]
    description: optional_text(5000) = None
    budget: Annotated[Won, Field(gt=0)]
    campaign_start_date: dt.date
    campaign_end_date: dt.date
    proposal_deadline: dt.date
    ad_type: Literal["branding", "live-commerce"]

    # Field validators (not a model validator) so each message lands on the field to fix.
    @field_validator("campaign_end_date")
    @classmethod
    def _end_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("campaign_start_date")
        if start is not None and value < start:
            raise ValueError("종료일은 시작일 이후여야 합니다 / the end date must be on or after the start date")
        return value

    @field_validator("proposal_deadline")
    @classmethod
    def _deadline_before_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("campaign_start_date")
        if start is not None and value > start:
            raise ValueError(
                "제안 마감은 시작일 또는 그 이전이어야 합니다 / "
                "the proposal deadline must be on or before the start date"
            )
        return value


class TargetContentInput(Input):
    """Who the campaign targets and what content it wants (campaign_target_content)."""

    influencer_categories: Annotated[list[ShortItem], Field(max_length=20)] = []
    target_age: AgeRange = None
    usp_importance: Annotated[int, Field(ge=1, le=5)] = 3
    influencer_impact: optional_text(2000) = None
    additional_description: optional_text(5000) = None
    secondary_content_usage: bool = False


class ProposalInput(Input):
    """An influencer's proposal: fee, deliverables and terms."""

    proposed_fee: Won
    deliverables: Annotated[list[required_line(200)], Field(max_length=20)] = []
    additional_terms: optional_text(2000) = None


class AgreementInput(Input):
    """The fee agreed with an influencer (KRW)."""

    ad_fee: Won


class ContractInput(Input):
    """A contract's production window."""

    production_start_date: dt.date
    production_deadline: dt.date

    @field_validator("production_deadline")
    @classmethod
    def _deadline_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("production_start_date")
        if start is not None and value < start:
            raise ValueError(
                "제작 마감은 제작 시작과 같거나 이후여야 합니다 / the production deadline must be on or after its start"
            )
        return value
