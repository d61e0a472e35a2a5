"""The message catalog: Korean by default, English selectable."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"ko": "한국어", "en": "English"}
DEFAULT_LANGUAGE = "ko"

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"ko": "Circlue 운영 대시보드", "en": "Circlue ops dashboard"},
    "app.tagline": {
        "ko": "한국 브랜드 × 중국 인플루언서 캠페인 운영",
        "en": "Korean brands × Chinese influencer campaigns",
    },
    "lang.label": {"ko": "언어 / Language", "en": "Language / 언어"},
    "login.form": {"ko": "로그인", "en": "Log in"},
    "login.username": {"ko": "이메일", "en": "E-mail"},
    "login.password": {"ko": "비밀번호", "en": "Password"},
    "login.submit": {"ko": "로그인", "en": "Log in"},
    "login.failed": {
        "ko": "이메일 또는 비밀번호가 올바르지 않거나, 잠시 잠긴 계정입니다.",
        "en": "Wrong e-mail or password, or the account is locked for a while.",
    },
    "login.expired": {
        "ko": "세션이 끝났습니다. 다시 로그인하세요.",
        "en": "Your session has ended. Please log in again.",
    },
    "login.demo_title": {"ko": "데모 계정", "en": "Demo accounts"},
    "login.demo_note": {
        "ko": "데모 모드에서만 보입니다. 비밀번호: `{password}`",
        "en": "Shown in demo mode only. Password: `{password}`",
    },
    "logout": {"ko": "로그아웃", "en": "Log out"},
    "signed_in_as": {"ko": "{name} ({role})", "en": "{name} ({role})"},
    "role.brand": {"ko": "브랜드", "en": "Brand"},
    "role.manager": {"ko": "매니저", "en": "Account manager"},
    "role.admin": {"ko": "관리자", "en": "Admin"},
    "db.unavailable": {"ko": "데이터베이스에 연결할 수 없습니다", "en": "Cannot reach the database"},
    "db.howto": {
        "ko": "DATABASE_URL이 올바른지, PostgreSQL 서버가 실행 중인지 확인하세요. "
        "DATABASE_URL을 비워 두면 내장 PostgreSQL이 `CIRCLUE_DATA_DIR`(기본 `./.circlue`)에서 시작됩니다.",
        "en": "Check that DATABASE_URL is right and the PostgreSQL server is running. "
        "Leave DATABASE_URL unset to start the embedded PostgreSQL under `CIRCLUE_DATA_DIR` (default `./.circlue`).",
    },
    "db.detail": {"ko": "오류: {detail}", "en": "Error: {detail}"},
    "forbidden": {"ko": "이 페이지를 볼 권한이 없습니다.", "en": "You may not open this page."},
    "nav.home": {"ko": "홈", "en": "Home"},
    "nav.campaigns": {"ko": "캠페인", "en": "Campaigns"},
    "nav.influencers": {"ko": "인플루언서", "en": "Influencers"},
    "nav.settlements": {"ko": "정산", "en": "Settlements"},
    "nav.users": {"ko": "사용자 관리", "en": "Users"},
    "nav.audit": {"ko": "감사 로그", "en": "Audit log"},
    "home.manager.title": {"ko": "캠페인 파이프라인", "en": "Campaign pipeline"},
    "home.manager.active": {"ko": "진행 중 캠페인", "en": "Active campaigns"},
    "home.manager.per_stage": {"ko": "단계별 캠페인 수", "en": "Campaigns per stage"},
    "home.manager.deadlines": {"ko": "이번 주 제안 마감", "en": "Proposal deadlines this week"},
    "home.manager.no_deadlines": {
        "ko": "7일 안에 마감되는 제안이 없습니다.",
        "en": "No proposal deadlines in the next 7 days.",
    },
    "home.brand.title": {"ko": "우리 브랜드 현황", "en": "Your brand at a glance"},
    "home.brand.live": {"ko": "라이브 캠페인", "en": "Live campaigns"},
    "home.brand.no_live": {"ko": "지금 라이브 중인 캠페인이 없습니다.", "en": "No campaign is live right now."},
    "home.brand.budget": {"ko": "총 캠페인 예산", "en": "Total campaign budget"},
    "home.brand.settled": {"ko": "정산 완료", "en": "Settled"},
    "home.brand.outstanding": {"ko": "미정산", "en": "Outstanding"},
    "home.brand.views": {"ko": "최근 30일 조회수", "en": "Views, last 30 days"},
    "home.admin.title": {"ko": "승인 대기 및 시스템", "en": "Waiting for approval & system"},
    "home.admin.content": {"ko": "검토 대기 콘텐츠", "en": "Content waiting for review"},
    "home.admin.plans": {"ko": "검토 대기 기획안", "en": "Plans waiting for review"},
    "home.admin.settlements": {"ko": "미완료 정산", "en": "Open settlements"},
    "home.admin.users": {"ko": "역할별 사용자", "en": "Users by role"},
    "home.admin.locked": {"ko": "잠긴 계정", "en": "Locked accounts"},
    "col.title": {"ko": "제목", "en": "Title"},
    "col.brand": {"ko": "브랜드", "en": "Brand"},
    "col.product": {"ko": "제품", "en": "Product"},
    "col.status": {"ko": "상태", "en": "Status"},
    "col.stage": {"ko": "단계", "en": "Stage"},
    "col.budget": {"ko": "예산", "en": "Budget"},
    "col.start": {"ko": "시작일", "en": "Start"},
    "col.end": {"ko": "종료일", "en": "End"},
    "col.deadline": {"ko": "제안 마감", "en": "Proposal deadline"},
    "col.influencers": {"ko": "인플루언서", "en": "Influencers"},
    "col.name": {"ko": "이름", "en": "Name"},
    "col.platform": {"ko": "플랫폼", "en": "Platform"},
    "col.category": {"ko": "카테고리", "en": "Category"},
    "col.region": {"ko": "지역", "en": "Region"},
    "col.followers": {"ko": "팔로워", "en": "Followers"},
    "col.engagement": {"ko": "참여율(%)", "en": "Engagement (%)"},
    "col.fee": {"ko": "기본 단가", "en": "Base fee"},
    "col.amount": {"ko": "금액", "en": "Amount"},
    "col.due": {"ko": "만기일", "en": "Due"},
    "col.invoice": {"ko": "세금계산서", "en": "Tax invoice"},
    "col.invoice_total": {"ko": "계산서 합계", "en": "Invoice total"},
    "col.paid": {"ko": "입금액", "en": "Paid"},
    "col.count": {"ko": "수", "en": "Count"},
    "col.email": {"ko": "이메일", "en": "E-mail"},
    "col.role": {"ko": "역할", "en": "Role"},
    "col.active": {"ko": "활성", "en": "Active"},
    "col.last_login": {"ko": "최근 로그인", "en": "Last login"},
    "col.when": {"ko": "일시", "en": "When"},
    "col.who": {"ko": "사용자", "en": "Who"},
    "col.action": {"ko": "작업", "en": "Action"},
    "col.entity": {"ko": "대상", "en": "Entity"},
    "col.ip": {"ko": "IP", "en": "IP"},
    "filter.status": {"ko": "상태", "en": "Status"},
    "filter.all": {"ko": "전체", "en": "All"},
    "filter.platform": {"ko": "플랫폼", "en": "Platform"},
    "filter.search": {"ko": "닉네임 검색", "en": "Search by name"},
    "filter.min_followers": {"ko": "최소 팔로워", "en": "Minimum followers"},
    "filter.entity": {"ko": "대상 테이블", "en": "Table"},
    "empty": {"ko": "표시할 항목이 없습니다.", "en": "Nothing to show."},
    "more": {"ko": "더 보기", "en": "Show more"},
    "campaigns.advance": {"ko": "상태 변경", "en": "Change status"},
    "campaigns.pick": {"ko": "캠페인 선택", "en": "Campaign"},
    "campaigns.to": {"ko": "다음 상태", "en": "Next status"},
    "campaigns.note": {"ko": "메모 (선택)", "en": "Note (optional)"},
    "campaigns.history": {"ko": "상태 변경 이력", "en": "Status history"},
    "campaigns.from": {"ko": "이전 상태", "en": "From"},
    "campaigns.no_next": {"ko": "이 캠페인은 더 진행할 단계가 없습니다.", "en": "This campaign has no next status."},
    "campaigns.moved": {"ko": "'{title}' → {status}", "en": "'{title}' → {status}"},
    "users.create": {"ko": "사용자 추가", "en": "Add a user"},
    "users.password": {"ko": "초기 비밀번호 (10자 이상)", "en": "Initial password (10+ characters)"},
    "users.created": {"ko": "{email} 계정을 만들었습니다.", "en": "Created {email}."},
    "users.toggle": {"ko": "활성/비활성 전환", "en": "Activate / deactivate"},
    "users.pick": {"ko": "사용자 선택", "en": "User"},
    "users.activated": {"ko": "{email}: 활성", "en": "{email}: active"},
    "users.deactivated": {
        "ko": "{email}: 비활성 (다음 클릭에서 로그아웃)",
        "en": "{email}: deactivated (out at next click)",
    },
    "users.self": {"ko": "자기 계정은 비활성화할 수 없습니다.", "en": "You cannot deactivate yourself."},
    "status.creating": {"ko": "생성 중", "en": "Creating"},
    "status.submitted": {"ko": "제출됨", "en": "Submitted"},
    "status.recruiting": {"ko": "모집 중", "en": "Recruiting"},
    "status.proposing": {"ko": "제안 중", "en": "Proposing"},
    "status.revising": {"ko": "수정 중", "en": "Revising"},
    "status.confirmed": {"ko": "확정", "en": "Confirmed"},
    "status.planning": {"ko": "기획 중", "en": "Planning"},
    "status.producing": {"ko": "제작 중", "en": "Producing"},
    "status.content-review": {"ko": "콘텐츠 검토", "en": "Content review"},
    "status.live": {"ko": "라이브", "en": "Live"},
    "status.monitoring": {"ko": "모니터링", "en": "Monitoring"},
    "status.completed": {"ko": "완료", "en": "Completed"},
    "status.cancelled": {"ko": "취소", "en": "Cancelled"},
    "platform.douyin": {"ko": "더우인 (抖音)", "en": "Douyin (抖音)"},
    "platform.xiaohongshu": {"ko": "샤오홍슈 (小红书)", "en": "Xiaohongshu (小红书)"},
    "platform.weibo": {"ko": "웨이보 (微博)", "en": "Weibo (微博)"},
    "platform.bilibili": {"ko": "빌리빌리 (哔哩哔哩)", "en": "Bilibili (哔哩哔哩)"},
    "audit.system": {"ko": "시스템", "en": "system"},
    "settlement.pending": {"ko": "대기", "en": "Pending"},
    "settlement.invoiced": {"ko": "계산서 발행", "en": "Invoiced"},
    "settlement.paid": {"ko": "입금 완료", "en": "Paid"},
}


def current_language() -> str:
    """The language chosen in this browser session."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The message for `key` in the current language, formatted with `values`; the key itself if missing."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(current_language()) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def platform_label(platform: str | None) -> str:
    """A platform's name in the current language, with its Chinese name."""
    return t(f"platform.{platform}") if platform else "—"


def status_label(status: str) -> str:
    """A campaign or settlement status in the current language."""
    for prefix in ("status.", "settlement."):
        if prefix + status in MESSAGES:
            return t(prefix + status)
    return status
