"""A real Streamlit server on a fresh embedded database, and headless Debian Chromium, for journeys and benchmarks."""

from __future__ import annotations

import os
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
def streamlit_server(data_dir: Path | None = None) -> Iterator[str]:
    """`streamlit run app.py` with DATABASE_URL unset and a new CIRCLUE_DATA_DIR (or `data_dir`, prepared by the
    caller and left in place); yields its URL."""
    keep = data_dir is not None
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="circlue-e2e-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "READ_DATABASE_URL", "CIRCLUE_SECRET_KEY")}
    env["CIRCLUE_DATA_DIR"] = str(data_dir)
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
