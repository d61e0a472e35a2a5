"""Screenshots of pages as each role sees them, for looking at what was built (not a test).

Usage: .venv/bin/python -m tests.e2e.screens [--pages home,campaigns] [--roles manager,brand,admin] [--out DIR]
Starts `streamlit run app.py` on a fresh embedded database with demo data and writes one PNG per role and page
(full page, 1400 px wide) to test-artifacts/screens/. Install Debian's fonts-noto-cjk so Korean and Chinese render.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.e2e.harness import ROOT, chromium, open_login, streamlit_server, submit_login, wait_idle

ROLES = {
    "manager": "manager@circlue.demo",
    "brand": "brand.glow@circlue.demo",
    "admin": "admin@circlue.demo",
}


def main() -> None:
    """Log in as each role, open each page, save a screenshot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="home")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screens"))
    parser.add_argument("--login", action="store_true", help="also the login page")
    parser.add_argument("--height", type=int, default=900, help="window height: Streamlit scrolls inside the page, so"
                        " a long page needs a tall window to be seen whole")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, chromium() as browser:
        if args.login:
            context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
            page = context.new_page()
            open_login(page, url)
            page.screenshot(path=str(out / "login.png"), full_page=True)
            context.close()
        for role in args.roles.split(","):
            context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": args.height})
            page = context.new_page()
            open_login(page, url)
            submit_login(page, ROLES[role])
            page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
            wait_idle(page)
            for name in args.pages.split(","):
                # Navigate inside the tab (a typed URL is a new session, which asks for the password again).
                href = "/" if name == "home" else f"/{name}"
                link = page.locator(f"[data-testid='stSidebarNav'] a[href$='{href}']")
                if link.count() == 0:
                    print(f"{role}: no page {name}")
                    continue
                link.first.click()
                page.wait_for_url(f"{url}{href}")
                wait_idle(page)
                page.wait_for_timeout(500)  # charts draw after the script run ends
                path = out / f"{role}-{name}.png"
                page.screenshot(path=str(path), full_page=True)
                print(path)
            context.close()


if __name__ == "__main__":
    main()
