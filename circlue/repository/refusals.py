"""The database's refusals (CHECKs, foreign keys, workflow triggers, guards) as messages a person can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError

from circlue.errors import DomainError, Forbidden, InvalidTransition, ValidationError

_HTTP = "http:// 또는 https:// 로 시작하는 주소여야 합니다 / must be an http(s) address"

# Constraint name -> what to tell the user (Korean / English).
CONSTRAINTS: dict[str, str] = {
    "campaigns_budget_positive": "예산은 ₩0보다 커야 합니다 / the budget must be more than ₩0",
    "campaigns_dates_in_order": "종료일은 시작일 이후여야 합니다 / the end date must be on or after the start date",
    "campaigns_deadline_before_start": (
        "제안 마감은 시작일 또는 그 이전이어야 합니다 / the proposal deadline must be on or before the start date"
    ),
    "campaigns_title_not_blank": "제목을 입력하세요 / enter a title",
    "campaigns_product_brand_fkey": "이 제품은 선택한 브랜드의 제품이 아닙니다 / the product is not this brand's",
    "campaign_target_content_target_age_range": (
        "타깃 연령은 20-29 처럼 NN-NN 형식입니다 / the target age must look like 20-29"
    ),
    "campaign_influencers_campaign_id_influencer_id_key": (
        "이미 이 캠페인에 초대된 인플루언서입니다 / this influencer is already invited to this campaign"
    ),
    "campaign_influencers_fees_not_negative": "금액은 0 이상이어야 합니다 / fees must be ₩0 or more",
    "campaign_influencers_production_dates_in_order": (
        "제작 마감은 제작 시작 이후여야 합니다 / the production deadline must be on or after its start"
    ),
    "campaign_influencers_proposal_has_fee": "제안에는 제안 금액이 필요합니다 / a proposal needs a proposed fee",
    "campaign_influencers_agreement_has_ad_fee": "합의에는 합의 금액이 필요합니다 / an agreement needs an agreed fee",
    "campaign_influencers_contract_has_dates": (
        "계약에는 제작 시작일과 마감일이 필요합니다 / a contract needs production start and deadline"
    ),
    "brands_name_not_blank": "브랜드명을 입력하세요 / enter the brand's name",
    "brands_website_http": _HTTP,
    "brands_logo_url_http": _HTTP,
    "products_name_not_blank": "제품명을 입력하세요 / enter the product's name",
    "products_price_not_negative": "가격은 ₩0 이상이어야 합니다 / the price must be ₩0 or more",
    "products_purchase_url_http": _HTTP,
    "products_image_url_http": _HTTP,
    "products_target_age_range": (
        "타깃 연령은 20-29 처럼 NN-NN 형식이고 앞 숫자가 뒤 숫자 이하입니다 / "
        "the target age looks like 20-29, the first age not above the second"
    ),
    "products_target_gender_check": (
        "타깃 성별은 female, male, unisex 중 하나입니다 / the target gender is female, male or unisex"
    ),
}

# Constraint -> the form field it is about, so a page can show the message beside that field.
FIELDS: dict[str, str] = {
    "brands_name_not_blank": "name",
    "brands_website_http": "website",
    "brands_logo_url_http": "logo_url",
    "products_name_not_blank": "name",
    "products_price_not_negative": "price",
    "products_purchase_url_http": "purchase_url",
    "products_image_url_http": "image_url",
    "products_target_age_range": "target_age",
    "products_target_gender_check": "target_gender",
}

# Messages the triggers raise (English) -> Korean / English, with the figures they carry.
TRIGGER_MESSAGES: tuple[tuple[re.Pattern[str], str, type[DomainError]], ...] = (
    (
        re.compile(r"agreed fees (?P<agreed>₩[\d,]+) exceed the budget (?P<budget>₩[\d,]+)"),
        "합의된 금액 {agreed}이(가) 예산 {budget}을(를) 넘습니다 / agreed fees {agreed} exceed the budget {budget}",
        ValidationError,
    ),
    (
        re.compile(r"campaign cannot move from (?P<a>\S+) to (?P<b>\S+); allowed: (?P<allowed>.*)"),
        "'{a}'에서 '{b}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {allowed} / "
        "cannot move from '{a}' to '{b}'; allowed: {allowed}",
        InvalidTransition,
    ),
    (
        re.compile(r"invitation cannot move from (?P<a>\S+) to (?P<b>\S+); allowed: (?P<allowed>.*)"),
        "초대 상태를 '{a}'에서 '{b}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {allowed} / "
        "an invitation cannot move from '{a}' to '{b}'; allowed: {allowed}",
        InvalidTransition,
    ),
    (
        re.compile(
            r"influencers are invited while a campaign is recruiting, proposing or revising; this one is (?P<s>\S+)"
        ),
        "인플루언서는 캠페인이 모집·제안·수정 단계일 때 초대할 수 있습니다 (지금: {s}) / "
        "influencers are invited while a campaign is recruiting, proposing or revising (now: {s})",
        ValidationError,
    ),
    (
        re.compile(r"a brand may edit only its story; staff edit the rest"),
        "브랜드 사용자는 브랜드 스토리만 고칠 수 있습니다. 다른 정보는 Circlue 담당자에게 요청하세요 / "
        "a brand user edits only its brand's story; ask Circlue staff to change the rest",
        Forbidden,
    ),
    (
        re.compile(r"a brand belongs to a brand user \(role brand\)"),
        "브랜드는 브랜드 역할의 사용자에게만 연결할 수 있습니다 / a brand belongs to a user with the brand role",
        ValidationError,
    ),
    (re.compile(r"a brand may .*|only admins may .*"), "허용되지 않은 변경입니다 / {0}", Forbidden),
    (re.compile(r"only staff may .*"), "Circlue 담당자만 할 수 있습니다 / {0}", Forbidden),
    (
        re.compile(r"the last active admin cannot be deactivated, demoted or deleted"),
        "마지막 관리자는 비활성화하거나 역할을 바꿀 수 없습니다 / {0}",
        ValidationError,
    ),
    # Row-level security refused a write (for a brand user: a row of a brand it does not run).
    (
        re.compile(r'new row violates row-level security policy for table "\w+"'),
        "이 데이터를 쓸 권한이 없어 저장하지 않았습니다 / not saved: you may not write this data",
        Forbidden,
    ),
)


def _constraint(exc: DBAPIError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def _primary(exc: DBAPIError) -> str:
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "message_primary", None) or str(exc.orig).splitlines()[0]


def as_domain_error(exc: DBAPIError) -> DomainError | None:
    """The DomainError a refusal means, or None when it is not one the user can act on."""
    constraint = _constraint(exc)
    if constraint in CONSTRAINTS:
        message = CONSTRAINTS[constraint]
        field = FIELDS.get(constraint)
        return ValidationError(message, fields={field: message} if field else None)
    message = _primary(exc)
    for pattern, template, kind in TRIGGER_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return kind(template.format(match[0], **match.groupdict()))
    return None


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the database's refusals inside the block into DomainErrors; anything else propagates unchanged."""
    try:
        yield
    except DBAPIError as exc:
        error = as_domain_error(exc)
        if error is None:
            raise
        raise error from exc
