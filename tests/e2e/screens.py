"""Screenshots of pages as each role sees them, for looking at what was built (not a test).

Usage: .venv/bin/python -m tests.e2e.screens [--pages home,pipeline,campaign] [--roles manager,brand,admin] [--out DIR]
Starts `streamlit run app.py` on a fresh embedded database with demo data and writes one PNG per role and page
(full page, 1400 px wide) to test-artifacts/screens/. Install Debian's fonts-noto-cjk so Korean and Chinese render.
`campaign` is the campaign page, opened from the board's first card in the `--campaign-status` column.
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
    parser.add_argument("--campaign-status", default="revising", help="board column whose first card to open")
    parser.add_argument("--lang", default="ko", choices=("ko", "en"))
    # Streamlit scrolls its main block, not the page: a full-page shot shows one viewport, so make it tall.
    parser.add_argument("--height", type=int, default=900, help="viewport height in pixels")
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
            if args.lang == "en":
                choose_english(page)
            for name in args.pages.split(","):
                if name == "campaign":
                    if not open_campaign(page, url, args.campaign_status):
                        print(f"{role}: no campaign in {args.campaign_status}")
                        continue
                    path = out / f"{role}-{name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                    continue
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


def choose_english(page) -> None:
    """Switch the sidebar's language picker to English."""
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="English").click()
    wait_idle(page)


def open_campaign(page, url: str, status: str) -> bool:
    """From the board, click the first card's title in a stage's column (an in-session link)."""
    page.locator("[data-testid='stSidebarNav'] a[href$='/pipeline']").first.click()
    page.wait_for_url(f"{url}/pipeline")
    wait_idle(page)
    card = page.locator(f"section.cl-col[data-status='{status}'] a[data-circlue-page]")
    if card.count() == 0:
        card = page.locator("section.cl-col a[data-circlue-page]")  # another stage's, then
    if card.count() == 0:
        return False
    card.first.click()
    page.wait_for_url(f"{url}/campaign?id=*")
    wait_idle(page)
    page.wait_for_timeout(500)  # charts draw after the script run ends
    return True


if __name__ == "__main__":
    main()
