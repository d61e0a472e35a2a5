"""The month-end journey in a real browser: an admin issues a tax invoice for a confirmed campaign and records two
partial payments; the brand's user then sees the settlement paid and opens (and downloads) the invoice."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from circlue.ops.demo import DEMO_ACCOUNTS
from tests.e2e.harness import ROOT, open_login, submit_login, wait_idle

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"
BRAND_USERS = {a.brand: a.email for a in DEMO_ACCOUNTS if a.role == "brand"}


def _login_to_settlements(browser, server: str, email: str):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    open_login(page, server)
    submit_login(page, email)
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav'] a[href$='/settlements']").first.click()
    page.wait_for_url(f"{server}/settlements")
    page.get_by_role("heading", name="정산", exact=True).wait_for(timeout=60_000)
    wait_idle(page)
    return context, page


def _choose(page, key: str, typed: str) -> None:
    """Pick the option of a keyed selectbox whose label contains `typed` (type to filter, then Enter)."""
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(typed)
    page.locator("[role='option']").filter(has_text=typed).first.click()
    wait_idle(page)


def _fill(page, form: str, field: str, value: str) -> None:
    """Type into a field of a form whose widget keys are `<form>_<settlement id>_<field>`."""
    page.locator(f"[class*='st-key-{form}_'][class*='_{field}'] input").first.fill(value)


def _no_crash(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def _won(text: str) -> int:
    return int(text.replace("₩", "").replace(",", ""))


def test_admin_bills_a_confirmed_campaign_and_the_brand_sees_it_paid(server, browser):
    context, page = _login_to_settlements(browser, server, "admin@circlue.demo")
    try:
        # The demo's confirmed campaign has its settlement opened and nothing invoiced yet: find it in the CSV export.
        with page.expect_download() as download:
            page.locator(".st-key-export_csv button").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        pending = [r for r in rows if r["상태 (Status)"] == "pending"]
        assert len(pending) == 1, rows
        brand, title = pending[0]["브랜드 (Brand)"], pending[0]["캠페인 (Campaign)"]
        assert brand in BRAND_USERS, brand
        _choose(page, "money_pick", title)
        _no_crash(page)
        page.get_by_text(re.compile(r"^대기 · ")).wait_for(timeout=30_000)
        rule = page.get_by_text(re.compile(r"^인플루언서 비용 ₩")).inner_text()
        amount = _won(rule.rsplit("= ", 1)[1])

        # Issue the invoice for the whole amount (the form offers it), to the brand's buyer details.
        page.get_by_role("tab", name="세금계산서 발행").click()
        assert _won(page.locator("[class*='st-key-issue_'][class*='_amount'] input").input_value()) == amount
        for key, value in (("business_number", "220-81-62517"), ("company_name", "(주)이투이테스트"),
                           ("ceo_name", "박정산"), ("address", "서울특별시 종로구 세종대로 175"),
                           ("business_type", "제조업"), ("business_item", "화장품")):
            _fill(page, "issue", key, value)
        page.locator("[data-testid='stFormSubmitButton'] button").filter(has_text="발행").click()
        wait_idle(page)
        issued = page.get_by_text(re.compile(r"세금계산서 \d{4}-\d{6}을\(를\) 발행했습니다")).inner_text()
        number = re.search(r"\d{4}-\d{6}", issued)[0]
        total = _won(re.search(r"합계 (₩[\d,]+)", issued)[1])
        assert total == amount + amount // 10, "VAT 10 %, truncated to the won"
        _no_crash(page)

        # Two partial payments; the second is what the form offers: the rest.
        first = total // 2
        page.get_by_role("tab", name="입금 기록").click()
        _fill(page, "pay", "transaction_id", "E2E 2026-0001")
        _fill(page, "pay", "amount", f"{first:,}")
        page.locator("[data-testid='stFormSubmitButton'] button").filter(has_text="입금 기록").click()
        wait_idle(page)
        page.get_by_text("상태: 부분 입금").wait_for(timeout=30_000)
        page.get_by_role("tab", name="입금 기록").click()
        assert _won(page.locator("[class*='st-key-pay_'][class*='_amount'] input").input_value()) == total - first
        _fill(page, "pay", "transaction_id", "E2E 2026-0002")
        page.locator("[data-testid='stFormSubmitButton'] button").filter(has_text="입금 기록").click()
        wait_idle(page)
        page.get_by_text("상태: 입금 완료").wait_for(timeout=30_000)
        _no_crash(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "settlement-admin-paid.png"), full_page=True)
    finally:
        context.close()

    context, page = _login_to_settlements(browser, server, BRAND_USERS[brand])
    try:
        _choose(page, "money_pick", title)
        _no_crash(page)
        page.get_by_text(re.compile(r"^입금 완료 · ")).wait_for(timeout=30_000)
        assert page.get_by_text("인플루언서 비용 ₩").count() == 1, "the brand sees how its bill is made up"
        # Its invoice, as printed, in the page…
        frame = page.frame_locator("iframe").first
        frame.get_by_text(number).wait_for(timeout=30_000)
        frame.get_by_text("공급받는자 보관용").wait_for()
        # …and as a file to print.
        with page.expect_download() as download:
            page.locator(".st-key-invoice_download button").click()
        saved = download.value
        assert saved.suggested_filename == f"tax-invoice-{number}.html"
        html = Path(saved.path()).read_text(encoding="utf-8")
        assert number in html and f"₩{total:,}" in html
        page.screenshot(path=str(ARTIFACTS / "settlement-brand-paid.png"), full_page=True)
        _no_crash(page)
    finally:
        context.close()
