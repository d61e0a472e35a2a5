"""The campaign pipeline in a real browser: a manager and a brand user, side by side, take a campaign to confirmed.

`streamlit run app.py` on the embedded database with demo data; two browser contexts (two people, two sessions).
"""

from __future__ import annotations

import re
import secrets

import pytest

from tests.e2e.harness import (
    ROOT,
    choose,
    open_login,
    rerun,
    sidebar,
    submit_login,
    wait_idle,
)

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"


def _person(browser, url: str, email: str):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    open_login(page, url)
    submit_login(page, email)
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
    wait_idle(page)
    return context, page


def _no_crash(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").inner_text()


def _submit(page, form: str) -> None:
    """Submit the form whose key starts with `form` and wait for the rerun(s) it causes."""
    # A form's submit button is keyed FormSubmitter-<form key>-<label>.
    try:
        rerun(page, lambda: page.locator(f"[class*='st-key-FormSubmitter-{form}'] button").first.click())
    except Exception:
        _shot(page, "failed")
        raise
    _no_crash(page)


def _move(page, action: str, note: str = "") -> None:
    """Pick a move on the campaign page (its label starts with the action) and send it with a note."""
    page.locator("[class*='st-key-move_to_']").get_by_text(action).first.click()
    if note:
        page.locator("[class*='st-key-move_note_'] textarea").fill(note)
    _submit(page, "move_")


def _success(page, text: str) -> None:
    """Wait for a success message holding `text`; fail with the messages the page shows instead."""
    try:
        page.locator("[data-testid='stAlertContentSuccess']").filter(has_text=text).first.wait_for(timeout=30_000)
    except Exception as exc:
        _shot(page, "failed")
        shown = page.locator("[data-testid='stAlert']").all_inner_texts()
        raise AssertionError(f"no '{text}'; the page says {shown}") from exc


def _open_notification(page, url: str, text: str) -> None:
    """From the inbox, open the newest notification holding `text` (in the same session)."""
    sidebar(page, url, "inbox")
    item = page.locator("[class*='st-key-unread-']").filter(has_text=text).first
    item.wait_for(timeout=30_000)
    rerun(page, lambda: item.locator("[class*='st-key-open-'] button").click())
    page.wait_for_url(re.compile(r".*/campaign\?id=.*"))


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def _record(page, influencer: str, fee: str, agreed: str) -> None:
    """Record an influencer's proposal, then agree its fee, from the campaign page."""
    rerun(page, lambda: choose(page, "[class*='st-key-handle_']", influencer))
    page.locator("[class*='st-key-fee_'] input").fill(fee)
    page.locator("[class*='st-key-deliverables_'] textarea").fill("小红书 图文笔记 1篇\n抖音 短视频 1条")
    page.locator("[class*='st-key-terms_'] textarea").fill("2차 활용 30일")
    _submit(page, "proposal_")
    _success(page, "제안을 기록했습니다")
    page.locator("[class*='st-key-ad_fee_'] input").fill(agreed)
    _submit(page, "agree_")
    _success(page, "합의했습니다")


def test_manager_and_brand_take_a_campaign_to_confirmed(server, browser):
    title = f"E2E 글로우랩 여름 쿠션 캠페인 {secrets.token_hex(2)}"
    manager_context, manager = _person(browser, server, "manager@circlue.demo")
    brand_context, brand = _person(browser, server, "brand.glow@circlue.demo")
    try:
        # 1. The manager creates the campaign for the brand: brand, then its product, then the form.
        sidebar(manager, server, "campaign_new")
        rerun(manager, lambda: choose(manager, ".st-key-new_brand", "글로우랩"))
        product = manager.locator("[class*='st-key-new_product_']")
        rerun(manager, lambda: (product.get_by_role("combobox").click(),
                                manager.get_by_role("option").first.click()))
        manager.locator(".st-key-new_title input").fill(title)
        manager.locator(".st-key-new_budget input").fill("20000000")
        manager.locator(".st-key-new_ad_type").get_by_text("브랜딩").click()
        manager.locator(".st-key-new_age input").fill("20-29")
        _submit(manager, "new_campaign")
        manager.wait_for_url(re.compile(r".*/campaign\?id=.*"))
        manager.get_by_role("heading", name=title).wait_for(timeout=30_000)
        campaign_url = manager.url
        _shot(manager, "1-created")

        # 2. The brand user finds it in its notifications and submits it.
        _open_notification(brand, server, title)
        brand.get_by_role("heading", name=title).wait_for(timeout=30_000)
        assert brand.url.split("?")[1] == campaign_url.split("?")[1]
        _move(brand, "제출", "제품 사진 최신본으로 부탁드립니다")
        _success(brand, "→ 제출됨")

        # 3. The manager sees the submission and starts recruiting; the brand is notified.
        _open_notification(manager, server, title)
        manager.locator(".cl-step.cl-now").filter(has_text="제출됨").wait_for(timeout=30_000)
        _move(manager, "모집 시작", "인플루언서 모집 시작")
        _success(manager, "→ 모집 중")
        sidebar(brand, server, "inbox")
        inbox_link = brand.locator("[data-testid='stSidebarNav'] a[href$='/inbox']").inner_text()
        assert re.search(r"알림 \(\d+\)", inbox_link), inbox_link
        notice = brand.locator("[class*='st-key-unread-']").filter(has_text=title).first
        notice.wait_for(timeout=30_000)
        assert "제출됨 → 모집 중" in notice.inner_text()
        _shot(brand, "2-brand-notified")

        # 4. The manager invites two influencers and records their proposals and agreed fees.
        rerun(manager, lambda: choose(manager, ".st-key-invite_platform", "샤오홍슈"))
        picker = manager.locator("[class*='st-key-invite_pick_']").get_by_role("combobox")
        picker.click()
        # The first option of a multiselect is "Select all": take two influencers by name instead.
        names = [o.split(" · ")[0] for o in manager.get_by_role("option").filter(has_text=" · ").all_inner_texts()]
        picked = names[:2]
        for name in picked:
            if not manager.get_by_role("option").first.is_visible():
                picker.click()
            manager.get_by_role("option", name=name).first.click()
        # Close the list by clicking the label: Escape in this combobox also drops what was picked.
        manager.locator("[class*='st-key-invite_pick_'] label").first.click()
        _submit(manager, "invite_")
        _success(manager, "2명을 초대했습니다")
        _record(manager, picked[0], "6000000", "5500000")
        _record(manager, picked[1], "8000000", "7500000")
        _move(manager, "제안서 전달", "제안서 2건 전달")
        _success(manager, "→ 제안 중")
        _shot(manager, "3-invited")

        # 5. The brand asks for a revised proposal, then confirms it: agreed fees against the budget first.
        _open_notification(brand, server, title)
        _move(brand, "수정 제안 요청", "2번째 인플루언서 콘텐츠 구성 변경 요청")
        _success(brand, "→ 수정 중")
        check = brand.locator("[data-testid='stAlertContentInfo']").filter(has_text="₩13,000,000")
        check.wait_for(timeout=30_000)
        assert "₩20,000,000" in check.inner_text()
        _move(brand, "최종 확정")
        _success(brand, "→ 확정")
        # Each move starts with an empty note: the confirmation does not repeat the revision request's.
        last = brand.locator(".cl-tl li").last.inner_text()
        assert "확정" in last and "변경 요청" not in last, last
        _shot(brand, "4-confirmed")

        # 6. The board shows it under confirmed.
        sidebar(manager, server, "pipeline")
        rerun(manager, lambda: (manager.locator(".st-key-board_query input").fill(title),
                                manager.locator(".st-key-board_query input").press("Enter")))
        column = manager.locator("section.cl-col[data-status='confirmed']")
        assert title in column.inner_text()
        for other in manager.locator("section.cl-col:not([data-status='confirmed'])").all():
            assert title not in other.inner_text()
        _shot(manager, "5-board")
        _no_crash(manager)
        _no_crash(brand)
    finally:
        manager_context.close()
        brand_context.close()
