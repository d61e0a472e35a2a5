"""The database's refusals (CHECKs, foreign keys, workflow triggers, guards) as messages a person can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError

from circlue.errors import Conflict, DomainError, Forbidden, InvalidTransition, ValidationError

_HTTP = "http:// 또는 https:// 로 시작하는 주소여야 합니다 / must be an http(s) address"
_CONTRACTED = (
    "콘텐츠는 캠페인에 계약된 인플루언서의 것이어야 합니다 / "
    "content belongs to an influencer contracted on the campaign"
)
_ALREADY_REVIEWED = "이미 검토되었습니다. 새로고침하세요 / already reviewed; reload"
# An amount as circlue_won() writes it in the database's messages.
_WON = r"₩-?[\d,]+"

# Constraint name -> what to tell the user (Korean / English).
CONSTRAINTS: dict[str, str] = {
    "campaigns_budget_positive": "예산은 ₩0보다 커야 합니다 / the budget must be more than ₩0",
    "campaigns_dates_in_order": "종료일은 시작일 이후여야 합니다 / the end date must be on or after the start date",
    "campaigns_deadline_before_start": (
        "제안 마감은 시작일 또는 그 이전이어야 합니다 / the proposal deadline must be on or before the start date"
    ),
    "campaigns_title_not_blank": "제목을 입력하세요 / enter a title",
    "campaigns_product_brand_fkey": "이 제품은 선택한 브랜드의 제품이 아닙니다 / the product is not this brand's",
    "campaign_target_content_categories_at_most_20": (
        "인플루언서 카테고리는 20개까지입니다 / at most 20 influencer categories"
    ),
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
    "campaigns_included_revision_rounds_range": (
        "포함 수정 횟수는 0에서 20 사이입니다 / the included revision rounds are 0 to 20"
    ),
    "content_plans_plan_data_object": "기획안 형식이 올바르지 않습니다 / the plan is not in a known shape",
    "content_plans_invitation_fkey": _CONTRACTED,
    "content_submissions_invitation_fkey": _CONTRACTED,
    "content_submissions_published_url_http": _HTTP,
    "content_submissions_published_has_url": (
        "게시하려면 게시물 주소가 필요합니다 / publishing needs the post's address"
    ),
    "content_submissions_caption_length": "캡션은 5,000자 이하입니다 / a caption is at most 5,000 characters",
    "content_revisions_feedback_for_changes": "무엇을 고쳐야 하는지 적어 주세요 / say what should change",
    "content_files_known_type": "지원하지 않는 파일 형식입니다 / not a supported file type",
    "content_files_stored_url": "저장된 파일이 아닙니다 / not a stored file",
    "content_files_thumbnail_stored": "저장된 파일이 아닙니다 / not a stored file",
    "content_files_duration_not_negative": (
        "영상 길이가 올바르지 않습니다 (0초 이상) / the video's duration is not valid (0 s or more)"
    ),
    "content_files_size_positive": "빈 파일입니다 (0 바이트) / the file is empty (0 bytes)",
    # Money (0014).
    "settlements_campaign_id_key": "이 캠페인의 정산이 이미 있습니다 / this campaign already has a settlement",
    "settlements_campaign_brand_fkey": "정산의 브랜드가 캠페인의 브랜드와 다릅니다 / the brand is not this campaign's",
    "settlements_amount_whole_won": "정산 금액은 ₩0 이상, 원 단위입니다 / a settlement is ₩0 or more, in whole won",
    "settlements_breakdown": (
        "정산 금액은 인플루언서 비용 + 플랫폼 수수료여야 합니다 / the amount must be the fees plus the platform fee"
    ),
    "settlements_due_date_set": "만기일을 입력하세요 / enter the due date",
    "idx_payments_transaction_id_bidx": (
        "이미 기록된 거래 번호입니다. 같은 입금을 두 번 기록할 수 없습니다 / "
        "this transaction id is already recorded: the same payment cannot be recorded twice"
    ),
    "payments_amount_positive": "입금액은 ₩1 이상, 원 단위입니다 / a payment is ₩1 or more, in whole won",
    "payments_transaction_recorded": (
        "입금 방법과 거래 번호를 입력하세요 / enter the payment method and the transaction id"
    ),
    "payments_receipt_url": (
        "영수증 파일 또는 http(s) 주소여야 합니다 / a receipt is an uploaded file or an http(s) address"
    ),
    "tax_invoices_buyer_brn": (
        "사업자등록번호(XXX-XX-XXXXX)의 형식이나 검증 숫자가 맞지 않습니다 / "
        "the business registration number (XXX-XX-XXXXX) is malformed or its check digit is wrong"
    ),
    "tax_invoices_buyer_details": (
        "공급받는자의 상호, 대표자, 주소, 업태, 종목을 모두 입력하세요 / "
        "enter the buyer's company, CEO, address, business type and item"
    ),
    "tax_invoices_vat": (
        "세액은 공급가액의 10%(원 미만 절사), 합계는 공급가액 + 세액입니다 / "
        "VAT is 10 % of the supply amount truncated to the won, and the total is supply + VAT"
    ),
    "tax_invoices_original_or_amending": (
        "세금계산서는 양수 금액, 수정세금계산서는 원본을 가리키는 음수 금액입니다 / "
        "an invoice has a positive amount; an amending invoice a negative one that names the original"
    ),
    "tax_invoices_amends_fkey": (
        "수정세금계산서는 같은 정산의 세금계산서를 수정합니다 / "
        "an amending invoice amends an invoice of the same settlement"
    ),
}

# Unique keys whose violation means someone else was first: reload, do not fix the input.
CONFLICTS: dict[str, str] = {
    "idx_content_revisions_plan_round": _ALREADY_REVIEWED,
    "idx_content_revisions_submission_round": _ALREADY_REVIEWED,
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
    "content_revisions_feedback_for_changes": "feedback",
    "content_submissions_published_url_http": "published_url",
    "content_submissions_caption_length": "caption",
    "content_files_duration_not_negative": "file",
    "content_files_size_positive": "file",
    "campaigns_included_revision_rounds_range": "included_revision_rounds",
    "tax_invoices_buyer_brn": "business_number",
    "payments_amount_positive": "amount",
    "idx_payments_transaction_id_bidx": "transaction_id",
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
        re.compile(r"this campaign is (?P<s>\S+): its invitations may only be withdrawn, declined or completed"),
        "종료된 캠페인({s})의 초대는 철회·거절·완료만 할 수 있습니다 / "
        "this campaign is {s}: its invitations may only be withdrawn, declined or completed",
        ValidationError,
    ),
    (
        re.compile(r"cancelling a campaign needs a note saying why"),
        "취소 사유를 메모에 적어 주세요 / say why in the note to cancel",
        ValidationError,
    ),
    (
        re.compile(r"a campaign's manager and included review rounds are set by Circlue staff"),
        "담당 매니저와 포함 수정 횟수는 Circlue 담당자가 정합니다 / {0}",
        Forbidden,
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
    (
        re.compile(r"a brand may only ask for changes to submitted content; the final approval is an admin's"),
        "브랜드는 제출된 콘텐츠에 수정 요청만 할 수 있습니다. 최종 승인은 관리자가 합니다 / "
        "a brand asks for changes to submitted content; the final approval is an admin's",
        Forbidden,
    ),
    (re.compile(r"a brand may .*|only admins may .*"), "허용되지 않은 변경입니다 / {0}", Forbidden),
    (re.compile(r"only staff may .*"), "Circlue 담당자만 할 수 있습니다 / {0}", Forbidden),
    (
        re.compile(r"content cannot move from (?P<a>\S+) to (?P<b>\S+); allowed: (?P<allowed>.*)"),
        "콘텐츠를 '{a}'에서 '{b}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {allowed} / "
        "content cannot move from '{a}' to '{b}'; allowed: {allowed}",
        InvalidTransition,
    ),
    (re.compile(r"already reviewed: .*"), _ALREADY_REVIEWED, Conflict),
    (
        re.compile(r"only an admin gives the final approval"),
        "최종 승인은 관리자만 할 수 있습니다 / only an admin gives the final approval",
        Forbidden,
    ),
    (
        re.compile(r"a review round is (signed by .*|history.*)|a stored file does not change.*"),
        "허용되지 않은 변경입니다 / {0}",
        Forbidden,
    ),
    (
        re.compile(r"content is approved or sent back only by a review round.*|only approved content is published"),
        "검토 라운드로만 승인하거나 수정을 요청할 수 있습니다 / {0}",
        InvalidTransition,
    ),
    (re.compile(r"content belongs to an influencer contracted on the campaign.*"), _CONTRACTED, ValidationError),
    (
        re.compile(r"a submission is sent with at least one file of its new version"),
        "이 버전의 파일을 하나 이상 올린 뒤 제출하세요 / upload at least one file of this version first",
        ValidationError,
    ),
    (
        re.compile(r"content under review or approved does not change; ask for changes first"),
        "검토 중이거나 승인된 콘텐츠는 바꿀 수 없습니다. 먼저 수정 요청을 하세요 / "
        "content under review or approved does not change; ask for changes first",
        ValidationError,
    ),
    (
        re.compile(r"the published address must be on the influencer's platform \((?P<p>\S+)\)"),
        "게시물 주소는 인플루언서의 플랫폼({p}) 주소여야 합니다 / "
        "the address must be on the influencer's platform ({p})",
        ValidationError,
    ),
    (
        re.compile(r"files are added while .*|only files of the version being prepared can be removed.*"
                   r"|new content starts as a draft.*"),
        "지금은 파일을 바꿀 수 없습니다 / {0}",
        ValidationError,
    ),
    (
        re.compile(r"the last active admin cannot be deactivated, demoted or deleted"),
        "마지막 관리자는 비활성화하거나 역할을 바꿀 수 없습니다 / {0}",
        ValidationError,
    ),
    # Money (0014): every refusal names the figures.
    (
        re.compile(
            rf"payment of (?P<payment>{_WON}) would bring the total paid to (?P<paid>{_WON}), above the invoiced "
            rf"total (?P<invoiced>{_WON}); (?P<due>{_WON}) is still due"
        ),
        "입금 {payment}을(를) 기록하면 입금 합계가 {paid}(으)로 청구 합계 {invoiced}을(를) 넘습니다. 남은 금액은 "
        "{due}입니다 / a payment of {payment} would bring the total paid to {paid}, above the invoiced total "
        "{invoiced}; {due} is still due",
        ValidationError,
    ),
    (
        re.compile(
            rf"invoices of (?P<invoiced>{_WON}) would exceed the settlement amount (?P<amount>{_WON}); "
            rf"(?P<left>{_WON}) is left to invoice"
        ),
        "세금계산서 공급가액 합계 {invoiced}이(가) 정산 금액 {amount}을(를) 넘습니다. "
        "발행할 수 있는 금액은 {left}입니다 / "
        "invoices of {invoiced} would exceed the settlement amount {amount}; {left} is left to invoice",
        ValidationError,
    ),
    (
        re.compile(
            rf"the settlement amount (?P<amount>{_WON}) would be below the (?P<invoiced>{_WON}) already invoiced; "
            r"issue an amending invoice first"
        ),
        "정산 금액 {amount}이(가) 이미 발행한 {invoiced}보다 적습니다. 먼저 수정세금계산서를 발행하세요 / "
        "the settlement amount {amount} would be below the {invoiced} already invoiced; "
        "issue an amending invoice first",
        ValidationError,
    ),
    (
        re.compile(rf"the invoiced total would fall to (?P<invoiced>{_WON}), below the (?P<paid>{_WON}) already paid"),
        "청구 합계가 {invoiced}(으)로 줄어 이미 입금된 {paid}보다 적어집니다 / "
        "the invoiced total would fall to {invoiced}, below the {paid} already paid",
        ValidationError,
    ),
    (
        re.compile(
            rf"amending invoices of (?P<amended>{_WON}) exceed invoice (?P<number>\S+) of (?P<amount>{_WON})"
        ),
        "수정 금액 합계 {amended}이(가) 세금계산서 {number}의 공급가액 {amount}을(를) 넘습니다 / "
        "amending invoices of {amended} exceed invoice {number} of {amount}",
        ValidationError,
    ),
    (
        re.compile(
            r"a settlement's status follows its invoices, payments and due date: it is (?P<s>\S+), not (?P<t>\S+)"
        ),
        "정산 상태는 세금계산서·입금·만기일에 따라 정해집니다. 지금은 '{s}'이며 '{t}'(으)로 바꿀 수 없습니다 / "
        "a settlement's status follows its invoices, payments and due date: it is '{s}', not '{t}'",
        InvalidTransition,
    ),
    (
        re.compile(r"settlement cannot move from (?P<a>\S+) to (?P<b>\S+); allowed: (?P<allowed>.*)"),
        "정산 상태를 '{a}'에서 '{b}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {allowed} / "
        "a settlement cannot move from '{a}' to '{b}'; allowed: {allowed}",
        InvalidTransition,
    ),
    (
        re.compile(r"a completed settlement is closed; nothing about it changes"),
        "완료된 정산은 마감되어 더 이상 바꿀 수 없습니다 / a completed settlement is closed; nothing about it changes",
        ValidationError,
    ),
    (
        re.compile(r"the amount of a paid settlement does not change"),
        "입금이 끝난 정산의 금액은 바꿀 수 없습니다 / the amount of a paid settlement does not change",
        ValidationError,
    ),
    (
        re.compile(r"a settlement follows a confirmed campaign; this one is (?P<s>\S+)"),
        "정산은 확정된 캠페인에 대해서만 만듭니다 (지금: {s}) / a settlement follows a confirmed campaign (now: {s})",
        ValidationError,
    ),
    (
        re.compile(r"an issued tax invoice cannot be changed or deleted; issue an amending invoice instead"),
        "발행된 세금계산서는 고치거나 지울 수 없습니다. 수정세금계산서를 발행하세요 / "
        "an issued tax invoice cannot be changed or deleted; issue an amending invoice instead",
        Forbidden,
    ),
    (
        re.compile(r"a recorded payment cannot be changed or deleted"),
        "기록된 입금은 고치거나 지울 수 없습니다 / a recorded payment cannot be changed or deleted",
        Forbidden,
    ),
    (
        re.compile(r"tax invoices are issued by an admin"),
        "세금계산서는 관리자만 발행할 수 있습니다 / tax invoices are issued by an admin",
        Forbidden,
    ),
    (
        re.compile(r"settlements are written by an admin"),
        "정산은 관리자만 기록할 수 있습니다 / settlements are written by an admin",
        Forbidden,
    ),
    (
        re.compile(r"an amending invoice amends an original invoice, not another amending one"),
        "수정세금계산서는 원본 세금계산서를 수정합니다 / an amending invoice amends an original invoice",
        ValidationError,
    ),
    (
        re.compile(r"a tax invoice cannot be dated after today"),
        "작성일자는 오늘 이후일 수 없습니다 / a tax invoice cannot be dated after today",
        ValidationError,
    ),
    (
        re.compile(r"a payment cannot be dated in the future"),
        "입금 일시는 미래일 수 없습니다 / a payment cannot be dated in the future",
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
    if constraint in CONFLICTS:
        return Conflict(CONFLICTS[constraint])
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
