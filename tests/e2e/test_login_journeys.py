"""Real-browser journeys: `streamlit run app.py` on the embedded database, headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A real Streamlit server on a fresh embedded database (first start migrates and loads demo data)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    data_dir = tempfile.mkdtemp(prefix="circlue-e2e-")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "READ_DATABASE_URL", "CIRCLUE_SECRET_KEY")}
    env["CIRCLUE_DATA_DIR"] = data_dir
    log = open(Path(data_dir) / "streamlit.log", "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("streamlit did not start: " + (Path(data_dir) / "streamlit.log").read_text())
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


def _wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)


def _login(page, url: str, email: str) -> None:
    page.goto(url)
    _wait_idle(page)
    # The first visit may spend a while migrating and loading demo data before the form shows.
    page.get_by_label("이메일").wait_for(timeout=180_000)
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill("circlue-demo-2026")
    page.locator("[data-testid='stFormSubmitButton'] button").click()


ROLES = [
    ("manager@circlue.demo", "캠페인 파이프라인", {"홈", "캠페인", "인플루언서", "정산"}, {"사용자 관리", "감사 로그"}),
    ("brand.glow@circlue.demo", "우리 브랜드 현황", {"홈", "캠페인", "정산"}, {"인플루언서", "사용자 관리", "감사 로그"}),
    ("admin@circlue.demo", "승인 대기 및 시스템", {"홈", "캠페인", "인플루언서", "정산", "사용자 관리", "감사 로그"}, set()),
]


@pytest.mark.parametrize(("email", "heading", "visible", "hidden"), ROLES, ids=["manager", "brand", "admin"])
def test_role_logs_in_and_lands_on_home(server, browser, email, heading, visible, hidden):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        _login(page, server, email)
        page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
        _wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        # Each link's text is "<material icon name>\n\n<title>": keep the title.
        nav = {t.strip().splitlines()[-1] for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()}
        assert visible <= nav, f"missing pages for {email}: {visible - nav}"
        assert not (hidden & nav), f"{email} sees pages it must not: {hidden & nav}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"home-{email.split('@')[0]}.png"), full_page=True)
    finally:
        context.close()


def test_brand_cannot_open_admin_page_by_url(server, browser):
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    try:
        _login(page, server, "brand.glow@circlue.demo")
        page.get_by_role("heading", name="우리 브랜드 현황").wait_for(timeout=60_000)
        # A typed URL opens a new Streamlit session: it must not reach the page's content.
        page.goto(f"{server}/users")
        _wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_role("heading", name="사용자 관리").count() == 0
    finally:
        context.close()


def test_wrong_password_shows_neutral_message(server, browser):
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(server)
        _wait_idle(page)
        page.get_by_label("이메일").wait_for(timeout=180_000)
        # Before login the sidebar lists no pages (no fallback to the files in pages/).
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        page.get_by_label("이메일").fill("manager@circlue.demo")
        page.get_by_label("비밀번호").fill("not-the-password")
        page.locator("[data-testid='stFormSubmitButton'] button").click()
        page.get_by_text("이메일 또는 비밀번호가 올바르지 않거나").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()
