"""Real-browser journey of issue 10: an account manager imports a month of metrics twice (nothing doubles); the brand
opens its dashboard, changes the date range and sees the charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from circlue.schemas.metric_rows import HEADER
from circlue.tabular import csv_bytes
from tests.e2e.harness import ROOT, chromium, open_login, streamlit_server, submit_login, wait_idle

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts"
_CHARTS = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4"
_OUTCOME = """(before) => {
  const done = document.querySelector("[data-testid='stAlertContentSuccess']");
  const failed = document.querySelector("[data-testid='stAlertContentError'], [data-testid='stException']");
  return failed !== null || (done !== null && done.innerText !== before);
}"""


def _month_file() -> bytes:
    """Thirty days of one influencer's metrics, ending ten days ago; campaign and influencer are picked on the page."""
    end = dt.date.today() - dt.timedelta(days=10)
    rows = []
    for n in range(30):
        day = end - dt.timedelta(days=29 - n)
        views = 20_000 + 500 * n
        rows.append(["", "", "", "douyin", day.isoformat(), views, views // 20, views // 300, views // 200,
                     views // 80, "", "2.10", "3.50", views * 40])
    return csv_bytes(HEADER, rows)


def _go(page, url: str, path: str) -> None:
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first.click()
    page.wait_for_url(f"{url}/{path}")
    wait_idle(page)


def _import(page, path, *, again: bool = False) -> str:
    """Import the file (the second time it is still in the uploader) and return the page's success message."""
    uploader = page.locator(".st-key-import_file")
    if not again:
        uploader.locator("input[type='file']").set_input_files(str(path))
    # The upload is its own request and its rerun may start after an idle moment: a click on the button while that
    # rerun runs was lost under load (CI waited 60 s for a message that never came).
    uploader.get_by_text(path.name).wait_for(timeout=30_000)
    wait_idle(page)
    message = page.locator("[data-testid='stAlertContentSuccess']")
    before = message.inner_text() if message.count() else ""
    page.locator(".st-key-import_submit button:not([disabled])").click()
    # The last import's message stays until this one replaces it: wait for a new message, or an error.
    page.wait_for_function(_OUTCOME, arg=before, timeout=120_000)
    wait_idle(page)
    assert message.count() == 1, page.locator("[data-testid='stAlertContentError'], [data-testid='stException']").first.inner_text()
    return message.inner_text()


def test_manager_imports_a_month_twice_and_the_brand_sees_its_dashboard(tmp_path):
    path = tmp_path / "month.csv"
    path.write_bytes(_month_file())
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server() as url, chromium() as browser:
        context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1800})
        page = context.new_page()
        open_login(page, url)
        submit_login(page, "manager@circlue.demo")
        page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
        wait_idle(page)
        _go(page, url, "metrics-import")
        # Pick the campaign and influencer by name: the first contracted pair of 글로우랩.
        page.locator(".st-key-import_pair").click()
        option = page.get_by_role("option").nth(1)
        assert "글로우랩" in option.inner_text()
        option.click()
        wait_idle(page)

        first = _import(page, path)
        numbers = dict(re.findall(r"(새로|갱신|변화 없음|건너뜀) ([\d,]+)행", first))
        assert int(numbers["새로"]) + int(numbers["갱신"]) + int(numbers["변화 없음"]) == 30, first
        second = _import(page, path, again=True)
        assert "새로 0행, 갱신 0행, 변화 없음 30행, 건너뜀 0행" in second, second
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "journey-import.png"), full_page=True)
        context.close()

        context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1800})
        page = context.new_page()
        open_login(page, url)
        submit_login(page, "brand.glow@circlue.demo")
        page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
        wait_idle(page)
        _go(page, url, "performance")
        page.get_by_role("heading", name="성과 대시보드").wait_for(timeout=60_000)
        # Charts draw after the script run ends.
        page.wait_for_function(_CHARTS, timeout=60_000)
        before = page.locator("[data-testid='stMetricValue']").first.inner_text()
        page.get_by_role("radio", name="최근 30일").click()
        page.wait_for_function(
            "() => document.querySelector(\"[data-testid='stDateInput'] input\").value.length > 0", timeout=30_000
        )
        wait_idle(page)
        page.wait_for_timeout(500)
        after = page.locator("[data-testid='stMetricValue']").first.inner_text()
        assert after != before, "the tiles must follow the new date range"
        page.wait_for_function(_CHARTS, timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        # Only its own campaigns are on offer.
        page.locator(".st-key-perf_campaigns").click()
        offered = " ".join(page.get_by_role("option").all_inner_texts())
        page.keyboard.press("Escape")
        assert "루미에르" not in offered and "한맛" not in offered
        page.screenshot(path=str(ARTIFACTS / "journey-brand-dashboard.png"), full_page=True)
        context.close()
