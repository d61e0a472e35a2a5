"""The content review journey in a real browser: upload, changes requested, a new version, admin approval, counts."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.e2e.harness import ROOT, open_login, submit_login, wait_idle

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"
WAITING = "검토 대기 콘텐츠"


def _login(browser, url: str, email: str):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    open_login(page, url)
    submit_login(page, email)
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
    wait_idle(page)
    return page


def _go(page, url: str, path: str) -> None:
    href = "/" if path == "home" else f"/{path}"
    page.locator(f"[data-testid='stSidebarNav'] a[href$='{href}']").first.click()
    page.wait_for_url(f"{url}{href}")
    wait_idle(page)
    _no_crash(page)


def _no_crash(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").inner_text()


def _pick(page, key: str, *parts: str, last: bool = False) -> str:
    """Open a select box and choose the (first or last) option containing every part; returns its text."""
    page.locator(f".st-key-{key} button[aria-label='Open']").click()
    options = page.locator("[role='option']")
    options.first.wait_for()
    texts = options.all_inner_texts()
    exact = [i for i, text in enumerate(texts) if len(parts) == 1 and text == parts[0]]
    matches = exact or [i for i, text in enumerate(texts) if all(p in text for p in parts)]
    assert matches, (parts, texts)
    index = matches[-1 if last else 0]
    options.nth(index).click()
    wait_idle(page)
    return texts[index]


def _open_in_queue(page, campaign: str, influencer: str, round_label: str) -> None:
    """Narrow the queue to one pair, then open its newest item of that round (the queue shows 200 at a time)."""
    _pick(page, "review_filter_campaign", campaign)
    _pick(page, "review_filter_influencer", influencer)
    _pick(page, "review_item", campaign, influencer, round_label, last=True)


def _waiting(page, url: str) -> int:
    """The home page's count of content waiting, freshly drawn (a click on the page already open may not rerun)."""
    _go(page, url, "review")
    _go(page, url, "home")
    metric = page.locator("[data-testid='stMetric']", has_text=WAITING).locator("[data-testid='stMetricValue']")
    return int(metric.inner_text().replace(",", ""))


def _success(page, text: str) -> None:
    page.locator("[data-testid='stAlertContentSuccess']", has_text=text).wait_for(timeout=30_000)
    _no_crash(page)


def _draft_expander(page, status: str):
    return page.locator("[data-testid='stExpander']").filter(has_text=f"제출물 · 이미지 · {status}").last


def test_upload_changes_new_version_approval_and_counts(server, browser, tmp_path):
    first, second = tmp_path / "첫 번째.png", tmp_path / "second.jpg"
    Image.new("RGB", (640, 800), (240, 170, 190)).save(first, "PNG")
    Image.new("RGB", (640, 800), (170, 200, 240)).save(second, "JPEG")
    manager = _login(browser, server, "manager@circlue.demo")
    brand = _login(browser, server, "brand.glow@circlue.demo")
    admin = _login(browser, server, "admin@circlue.demo")
    before = {"admin": _waiting(admin, server), "brand": _waiting(brand, server)}

    # The manager uploads a submission on the influencer's behalf and sends it for review.
    _go(manager, server, "content")
    label = _pick(manager, "production_pair", "글로우랩")
    campaign, influencer = label.split(" · ")[1], re.sub(r" \(.*\)$", "", label.split(" · ")[2])
    manager.get_by_role("button", name="새 제출물").click()
    manager.locator(".st-key-new_submission_caption textarea").fill("E2E 첫 버전 姐妹们冲！#韩国护肤")
    manager.locator("[data-testid='stForm']").filter(
        has=manager.locator(".st-key-new_submission_caption")).get_by_role("button", name="만들기").click()
    _success(manager, "만들었습니다.")
    manager.keyboard.press("Escape")
    draft = _draft_expander(manager, "작성 중")
    draft.locator("input[type='file']").set_input_files(str(first))
    draft.get_by_text("첫 번째.png").wait_for()
    draft.get_by_role("button", name="파일 추가").click()
    _success(manager, "파일 1개를 올렸습니다.")
    _draft_expander(manager, "작성 중").get_by_role("button", name="검토 요청").click()
    _success(manager, "1차 검토를 요청했습니다.")
    assert _waiting(admin, server) == before["admin"] + 1
    assert _waiting(brand, server) == before["brand"] + 1

    # The brand opens it in its queue and asks for changes.
    _go(brand, server, "review")
    _open_in_queue(brand, campaign, influencer, "1차")
    brand.get_by_text("E2E 첫 버전").first.wait_for()
    assert brand.locator(".st-key-review_approve").count() == 0, "brands do not approve"
    brand.locator(".st-key-review_feedback textarea").fill("패키지 정면이 3초 이상 보이게 다시 찍어 주세요")
    brand.get_by_role("button", name="수정 요청").click()
    _success(brand, "1차 검토: 수정을 요청했습니다.")
    assert _waiting(brand, server) == before["brand"]

    # The manager sees the feedback, uploads version 2 with a new caption and sends it again.
    _go(manager, server, "home")
    _go(manager, server, "content")
    _pick(manager, "production_pair", label)
    sent_back = _draft_expander(manager, "수정 요청됨")
    sent_back.get_by_text("패키지 정면이 3초 이상").wait_for()
    sent_back.locator("textarea").fill("E2E 둘째 버전 姐妹们冲！#韩国护肤 #글로우랩")
    sent_back.locator("input[type='file']").set_input_files(str(second))
    sent_back.get_by_text("second.jpg").wait_for()
    sent_back.get_by_role("button", name="파일 추가").click()
    _success(manager, "파일 1개를 올렸습니다.")
    _draft_expander(manager, "수정 요청됨").get_by_role("button", name="검토 요청").click()
    _success(manager, "2차 검토를 요청했습니다.")

    # The admin opens it: version 2 beside version 1 with what changed, the feedback, one click approves.
    _go(admin, server, "review")
    _open_in_queue(admin, campaign, influencer, "2차")
    admin.get_by_text("이전 버전 (v1)").wait_for()
    diff = admin.locator("[data-testid='stCode']").inner_text()
    assert "E2E 둘째 버전" in diff and "E2E 첫 버전" in diff, diff
    assert admin.locator("[data-testid='stImage']").count() >= 2, "both versions' pictures side by side"
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "review-journey-admin.png"), full_page=True)
    admin.locator(".st-key-review_approve button").click()
    _success(admin, "2차 검토: 승인했습니다.")
    assert _waiting(admin, server) == before["admin"]
    assert _waiting(brand, server) == before["brand"]
    for page in (manager, brand, admin):
        page.context.close()
