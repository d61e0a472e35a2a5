"""Real-browser journeys: `streamlit run app.py` on the embedded database, headless Debian Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.harness import ROOT, open_login, submit_login, wait_idle

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def _nav(page) -> set[str]:
    # Each link's text is "<material icon name>\n\n<title>": keep the title.
    return {t.strip().splitlines()[-1] for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()}


ROLES = [
    ("manager@circlue.demo", "캠페인 파이프라인", {"홈", "캠페인", "인플루언서", "정산"}, {"사용자 관리", "감사 로그"}),
    ("brand.glow@circlue.demo", "우리 브랜드 현황", {"홈", "캠페인", "정산"}, {"인플루언서", "사용자 관리", "감사 로그"}),
    ("admin@circlue.demo", "승인 대기 및 시스템", {"홈", "캠페인", "인플루언서", "정산", "사용자 관리", "감사 로그"}, set()),
]


@pytest.mark.parametrize(("email", "heading", "visible", "hidden"), ROLES, ids=["manager", "brand", "admin"])
def test_role_logs_in_and_lands_on_home(server, page, email, heading, visible, hidden):
    open_login(page, server)
    submit_login(page, email)
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    nav = _nav(page)
    assert visible <= nav, f"missing pages for {email}: {visible - nav}"
    assert not (hidden & nav), f"{email} sees pages it must not: {hidden & nav}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{email.split('@')[0]}.png"), full_page=True)


def test_typed_url_needs_login_and_keeps_the_deep_link(server, page):
    # A typed URL is a new Streamlit session: the login screen, whatever the path.
    open_login(page, f"{server}/audit")
    assert page.get_by_role("heading", name="감사 로그").count() == 0
    submit_login(page, "admin@circlue.demo")
    page.get_by_role("heading", name="감사 로그").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_brand_cannot_open_admin_page_by_url(server, page):
    open_login(page, f"{server}/users")
    submit_login(page, "brand.glow@circlue.demo")
    # Not one of the brand's pages: Streamlit falls back to the brand's home.
    page.get_by_role("heading", name="우리 브랜드 현황").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_role("heading", name="사용자 관리").count() == 0


def test_logout_ends_the_session_and_reload_asks_for_login(server, page):
    open_login(page, server)
    submit_login(page, "manager@circlue.demo")
    page.get_by_role("heading", name="캠페인 파이프라인").wait_for(timeout=60_000)
    wait_idle(page)
    page.locator(".st-key-circlue_logout button").click()
    page.get_by_label("이메일").wait_for(timeout=60_000)
    page.reload()
    wait_idle(page)
    page.get_by_label("이메일").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="캠페인 파이프라인").count() == 0


def test_wrong_password_shows_neutral_message(server, page):
    open_login(page, server)
    # Before login the sidebar lists no pages (no fallback to the files in pages/).
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    submit_login(page, "manager@circlue.demo", "not-the-password")
    page.get_by_text("이메일 또는 비밀번호가 올바르지 않거나").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize(
    "cookie",
    [
        # A JWT signed with "none", the forgery that crashed the login page in review.
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VybmFtZSI6ImFkbWluQGNpcmNsdWUuZGVtbyIsImV4cF9kYXRlIjo5OTk5OTk5OTk5fQ.",
        "not-a-jwt-at-all",
        "%00%ff%fe",
    ],
    ids=["alg-none", "garbage", "bytes"],
)
def test_any_cookie_value_leaves_the_login_page_working(server, browser, cookie):
    context = browser.new_context(locale="ko-KR")
    try:
        context.add_cookies([{"name": "circlue_auth", "value": cookie, "url": server}])
        page = context.new_page()
        open_login(page, server)
        assert page.locator("[data-testid='stException']").count() == 0
        # The cookie opens nothing: the login form is what shows.
        assert page.get_by_role("heading", name="승인 대기 및 시스템").count() == 0
        submit_login(page, "admin@circlue.demo")
        page.get_by_role("heading", name="승인 대기 및 시스템").wait_for(timeout=60_000)
    finally:
        context.close()
