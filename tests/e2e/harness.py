"""A real Streamlit server on a fresh embedded database, and headless Debian Chromium, for journeys and benchmarks."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
DEMO_PASSWORD = "circlue-demo-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(data_dir: Path | None = None, database_url: str | None = None) -> Iterator[str]:
    """`streamlit run app.py` with a new CIRCLUE_DATA_DIR (or `data_dir`, prepared by the caller and left in place);
    yields its URL.

    Without `database_url` the app starts its embedded database with demo data, as `make run` does; with one
    (an owner URL of a migrated database with the demo accounts, as benchmarks build) it uses that database, with
    this process's CIRCLUE_SECRET_KEY so it reads what this process encrypted.
    """
    keep = data_dir is not None
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="circlue-e2e-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "READ_DATABASE_URL", "CIRCLUE_SECRET_KEY")}
    env["CIRCLUE_DATA_DIR"] = str(data_dir)
    if database_url:
        key = os.environ.get("CIRCLUE_SECRET_KEY") or secrets.token_urlsafe(32)
        env |= {"DATABASE_URL": database_url, "CIRCLUE_DEMO": "0", "CIRCLUE_SECRET_KEY": key}
    log_path = data_dir / "streamlit.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise RuntimeError("streamlit did not start:\n" + log_path.read_text()) from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            if not keep:
                shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright's Python API (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the page is connected and its script run has finished."""
    page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_login(page, url: str) -> None:
    """Open the app and wait for the login form (the first visit may migrate and load demo data first)."""
    page.goto(url)
    wait_idle(page, 180_000)
    page.get_by_label("이메일").wait_for(timeout=180_000)


def submit_login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill and submit the login form."""
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(password)
    page.locator("[data-testid='stFormSubmitButton'] button").click()


# Watches the app's script state: counts its changes and notes when it last became idle (performance.now()).
# The whole body is observed (subtree), so a re-mounted stApp element is still seen.
_WATCH = """() => {
  if (window.circlueRuns) window.circlueRuns.observer.disconnect();
  const runs = {changes: 0, idleAt: null, start: performance.now()};
  runs.observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.target.getAttribute("data-testid") !== "stApp") continue;
      runs.changes += 1;
      if (record.target.getAttribute("data-test-script-state") === "notRunning") runs.idleAt = performance.now();
    }
  });
  runs.observer.observe(document.body, {attributes: true, subtree: true, attributeFilter: ["data-test-script-state"]});
  window.circlueRuns = runs;
}"""
_RAN = """() => window.circlueRuns.changes > 0
  && document.querySelector("[data-testid='stApp']").getAttribute("data-test-script-state") === "notRunning" """


def rerun(page, action, *, timeout_ms: int = 60_000, settle_ms: int = 250) -> float:
    """Do `action` (which makes the app rerun) and wait until it is idle again; return the seconds it took.

    Measured in the browser from just before the action until the script state last became notRunning, with a
    MutationObserver, so neither a fixed sleep nor Playwright's polling is counted; `settle_ms` of quiet after
    that makes sure a second rerun (a switch_page, a flash) is waited for too.
    """
    page.evaluate(_WATCH)
    action()
    page.wait_for_function(_RAN, timeout=timeout_ms)
    while True:
        changes = page.evaluate("() => window.circlueRuns.changes")
        page.wait_for_timeout(settle_ms)
        if page.evaluate("() => window.circlueRuns.changes") == changes:
            page.wait_for_function(_RAN, timeout=timeout_ms)
            break
    return page.evaluate("() => (window.circlueRuns.idleAt - window.circlueRuns.start) / 1000")


def sidebar(page, url: str, path: str) -> None:
    """Open a page from the sidebar menu (in-session navigation) and wait until it has run."""
    href = "/" if path == "home" else f"/{path}"
    if page.url.split("?")[0].rstrip("/") == f"{url}{href}".rstrip("/"):
        return  # already there: the click would not rerun
    rerun(page, lambda: page.locator(f"[data-testid='stSidebarNav'] a[href$='{href}']").first.click())
    page.wait_for_url(f"{url}{href}*")


def choose(page, where: str, option: str, *, exact: bool = False) -> None:
    """Pick `option` in the selectbox or multiselect inside `where` (a CSS selector such as .st-key-x)."""
    page.locator(where).get_by_role("combobox").first.click()
    page.get_by_role("option", name=option, exact=exact).first.click()
