"""Messages of the brands and products page; channel names come from the known channels in circlue.schemas.brands."""

from circlue.schemas.brands import SALES_CHANNELS, SOCIAL_CHANNELS, Channel


def _channel(channel: Channel) -> dict[str, str]:
    """A channel's name per language, with its Chinese name beside it where it has one (티몰 글로벌 (天猫国际))."""
    suffix = f" ({channel.zh})" if channel.zh else ""
    return {"ko": channel.ko + suffix, "en": channel.en + suffix}


MESSAGES: dict[str, dict[str, str]] = {
    "nav.brands": {"ko": "브랜드", "en": "Brands"},
    "forms.fix_fields": {
        "ko": "저장하지 않았습니다. 아래에 표시된 {n}개 항목을 고쳐 주세요.",
        "en": "Not saved: fix the {n} field(s) marked below.",
    },
    "brands.own_title": {"ko": "우리 브랜드", "en": "Our brand"},
    "brands.search": {"ko": "브랜드 검색 (이름, 카테고리)", "en": "Search brands (name, category)"},
    "brands.pick": {"ko": "브랜드 선택", "en": "Brand"},
    "brands.next_page": {"ko": "다음 페이지", "en": "Next page"},
    "brands.first_page": {"ko": "처음으로", "en": "First page"},
    "brands.new": {"ko": "새 브랜드 등록", "en": "New brand"},
    "brands.details": {"ko": "브랜드 정보", "en": "Brand details"},
    "brands.create": {"ko": "브랜드 등록", "en": "Create brand"},
    "brands.save": {"ko": "저장", "en": "Save"},
    "brands.reload": {"ko": "최신 내용 다시 불러오기", "en": "Reload the latest version"},
    "brands.created": {"ko": "브랜드 '{name}'을(를) 등록했습니다.", "en": "Created brand '{name}'."},
    "brands.saved": {"ko": "브랜드 '{name}'을(를) 저장했습니다.", "en": "Saved brand '{name}'."},
    "brands.story_saved": {"ko": "브랜드 스토리를 저장했습니다.", "en": "Saved the brand story."},
    "brands.none": {
        "ko": "이 계정에 연결된 브랜드가 없습니다. Circlue 담당 매니저에게 브랜드 연결을 요청하세요.",
        "en": "No brand is linked to this account yet. Ask your Circlue account manager to link it.",
    },
    "brands.empty": {"ko": "조건에 맞는 브랜드가 없습니다.", "en": "No brand matches."},
    "brands.facts_note": {
        "ko": "아래 정보는 Circlue 담당자가 관리합니다. 바꿀 내용은 담당 매니저에게 알려 주세요. "
        "브랜드 스토리와 제품은 직접 고칠 수 있습니다.",
        "en": "Circlue staff keep these facts: tell your account manager what should change. "
        "You edit the brand story and the products yourself.",
    },
    "brands.pick_user": {"ko": "브랜드 사용자를 고르세요", "en": "Choose the brand user"},
    "brands.user_brands": {"ko": "브랜드 {n}개", "en": "{n} brand(s)"},
    "brands.user_inactive": {"ko": "비활성", "en": "inactive"},
    "brands.no_user": {
        "ko": "브랜드 역할의 사용자가 없습니다. 관리자가 사용자 관리에서 먼저 만들어야 합니다.",
        "en": "There is no user with the brand role yet: an admin creates one under Users first.",
    },
    "brands.channels_placeholder": {"ko": "채널 선택", "en": "Pick channels"},
    "brands.channels_help": {
        "ko": "목록에 없는 채널은 아래 칸에 쉼표로 구분해 적으세요.",
        "en": "Channels not in the list go in the box below, separated by commas.",
    },
    "brands.field.user_id": {"ko": "브랜드 사용자", "en": "Brand user"},
    "brands.field.name": {"ko": "브랜드명", "en": "Brand name"},
    "brands.field.description": {"ko": "소개", "en": "Description"},
    "brands.field.website": {"ko": "웹사이트", "en": "Website"},
    "brands.field.story": {"ko": "브랜드 스토리", "en": "Brand story"},
    "brands.field.channels": {"ko": "판매 채널", "en": "Sales channels"},
    "brands.field.channels_other": {
        "ko": "기타 판매 채널 (쉼표로 구분)",
        "en": "Other sales channels (comma-separated)",
    },
    "brands.field.social_channels": {"ko": "SNS 채널", "en": "Social channels"},
    "brands.field.social_other": {
        "ko": "기타 SNS 채널 (쉼표로 구분)",
        "en": "Other social channels (comma-separated)",
    },
    "brands.field.marketing": {"ko": "마케팅 전략", "en": "Marketing"},
    "brands.field.category": {"ko": "카테고리", "en": "Category"},
    "brands.field.logo_url": {"ko": "로고 URL", "en": "Logo URL"},
    "brands.col.name": {"ko": "브랜드", "en": "Brand"},
    "brands.col.category": {"ko": "카테고리", "en": "Category"},
    "brands.col.user": {"ko": "브랜드 사용자", "en": "Brand user"},
    "brands.col.channels": {"ko": "판매 채널", "en": "Sales channels"},
    "brands.col.social": {"ko": "SNS 채널", "en": "Social channels"},
    "brands.col.products": {"ko": "제품 수", "en": "Products"},
    "brands.col.updated": {"ko": "수정", "en": "Updated"},
    "products.title": {"ko": "제품", "en": "Products"},
    "products.title_count": {"ko": "제품 ({n})", "en": "Products ({n})"},
    "products.none": {"ko": "아직 등록된 제품이 없습니다.", "en": "No products yet."},
    "products.pick": {"ko": "제품 선택", "en": "Product"},
    "products.new": {"ko": "+ 새 제품", "en": "+ New product"},
    "products.create": {"ko": "제품 등록", "en": "Add product"},
    "products.save": {"ko": "제품 저장", "en": "Save product"},
    "products.created": {"ko": "제품 '{name}'을(를) 등록했습니다.", "en": "Added product '{name}'."},
    "products.saved": {"ko": "제품 '{name}'을(를) 저장했습니다.", "en": "Saved product '{name}'."},
    "products.field.name": {"ko": "제품명", "en": "Product name"},
    "products.field.description": {"ko": "설명", "en": "Description"},
    "products.field.purchase_url": {"ko": "구매 URL", "en": "Purchase URL"},
    "products.field.unit": {"ko": "단위 (예: 200ml)", "en": "Unit (e.g. 200ml)"},
    "products.field.price": {"ko": "가격 (원)", "en": "Price (KRW)"},
    "products.field.ingredients": {"ko": "성분", "en": "Ingredients"},
    "products.field.usage": {"ko": "사용법", "en": "Usage"},
    "products.field.effects": {"ko": "효과", "en": "Effects"},
    "products.field.usp": {"ko": "USP (차별점)", "en": "USP"},
    "products.field.target_gender": {"ko": "타깃 성별", "en": "Target gender"},
    "products.field.target_age": {"ko": "타깃 연령 (예: 20-29)", "en": "Target age (e.g. 20-29)"},
    "products.field.category": {"ko": "카테고리", "en": "Category"},
    "products.field.image_url": {"ko": "이미지 URL", "en": "Image URL"},
    "products.col.name": {"ko": "제품", "en": "Product"},
    "products.col.category": {"ko": "카테고리", "en": "Category"},
    "products.col.unit": {"ko": "단위", "en": "Unit"},
    "products.col.price": {"ko": "가격", "en": "Price"},
    "products.col.gender": {"ko": "타깃 성별", "en": "Gender"},
    "products.col.age": {"ko": "타깃 연령", "en": "Age"},
    "products.col.updated": {"ko": "수정", "en": "Updated"},
    "products.gender.none": {"ko": "지정 안 함", "en": "Not set"},
    "products.gender.female": {"ko": "여성", "en": "Female"},
    "products.gender.male": {"ko": "남성", "en": "Male"},
    "products.gender.unisex": {"ko": "남녀 공용", "en": "Unisex"},
    **{f"channel.sales.{c.key}": _channel(c) for c in SALES_CHANNELS},
    **{f"channel.social.{c.key}": _channel(c) for c in SOCIAL_CHANNELS},
}
