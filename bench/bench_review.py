"""Benchmark: an admin clearing a review queue of 200 items in headless Chromium (open an item, approve it).

Usage: .venv/bin/python -m bench.bench_review [--items 200] [--runs 20]
Builds a data dir of its own (embedded PostgreSQL, demo data, then `--items` plans and submissions waiting for
review: image submissions at version 2 after a brand's change request, video submissions with an MP4, plans), stops
that server, starts `streamlit run app.py` on it and times each action from the click to the last
`data-test-script-state = notRunning` (a MutationObserver in the page, as shared/NOTES.md describes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import text

from tests.e2e.harness import chromium, open_login, streamlit_server, submit_login, wait_idle

OBSERVER = """() => {
    window.__idle = [];
    const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'notRunning') window.__idle.push(performance.now());
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def build(data_dir: Path, items: int) -> float:
    """Migrate, load the demo and queue `items` waiting plans and submissions; returns seconds taken."""
    os.environ["CIRCLUE_DATA_DIR"] = str(data_dir)
    for name in ("DATABASE_URL", "READ_DATABASE_URL"):
        os.environ.pop(name, None)
    from circlue import config, db
    from circlue.media import store
    from circlue.ops.demo import load_demo
    from circlue.ops.demo.pictures import picture
    from circlue.repository import content_review
    from circlue.schemas.content import CaptionInput, ReviewInput, parse_plan
    from tests.conftest import actor_of
    from tests.content_helpers import IMAGE_PLAN, mp4

    config.get_settings.cache_clear()
    started = time.perf_counter()
    url = db.owner_url()
    db.run_migrations(url)
    owner = db.owner_engine(url)
    load_demo(engine=owner)
    with owner.connect() as conn:
        pairs = conn.execute(text(
            "SELECT ci.campaign_id, ci.influencer_id, u.email FROM campaign_influencers ci"
            " JOIN campaigns c ON c.id = ci.campaign_id JOIN brands b ON b.id = c.brand_id"
            " JOIN users u ON u.id = b.user_id WHERE ci.status IN ('contracted', 'completed') ORDER BY c.title"
        )).all()
    manager = actor_of("manager@circlue.demo", engine=owner)
    brands = {email: actor_of(email, engine=owner) for _, _, email in pairs}
    pictures = [store(picture("beauty", n), f"IMG_{n:04d}.jpg") for n in range(12)]
    video = store(mp4(seconds=30), "clip.mp4")
    for n in range(items):
        campaign_id, influencer_id, email = pairs[n % len(pairs)]
        with db.unit_of_work(manager) as session:
            if n % 4 == 0:
                item_id = content_review.create_plan(session, campaign_id=campaign_id, influencer_id=influencer_id,
                                                     content_type="image", plan_data=parse_plan("image", IMAGE_PLAN))
                content_review.send_for_review(session, kind="plan", item_id=item_id, expected_status="draft")
                continue
            kind = "video" if n % 4 == 1 else "image"
            item_id = content_review.create_submission(
                session, campaign_id=campaign_id, influencer_id=influencer_id, content_type=kind,
                caption=CaptionInput(caption=f"第{n}条 姐妹们冲！\n#韩国护肤 #好物分享"))
            files = [video] if kind == "video" else pictures[n % 6 : n % 6 + 3]
            for file in files:
                content_review.add_file(session, submission_id=item_id, stored=file)
            content_review.send_for_review(session, kind="submission", item_id=item_id, expected_status="draft")
        if kind == "image":
            with db.unit_of_work(brands[email]) as session:
                content_review.review(session, kind="submission", item_id=item_id, expected_round=1,
                                      verdict=ReviewInput(decision="revision-requested", feedback="패키지 정면 추가"))
            with db.unit_of_work(manager) as session:
                content_review.set_caption(session, submission_id=item_id, caption=CaptionInput(
                    caption=f"第{n}条 姐妹们冲！天猫国际同款\n#韩国护肤 #好物分享 #品牌官方"))
                for file in pictures[n % 6 + 3 : n % 6 + 6]:
                    content_review.add_file(session, submission_id=item_id, stored=file)
                content_review.send_for_review(session, kind="submission", item_id=item_id,
                                               expected_status="revision-requested")
    db.dispose_engines()
    if db._embedded is not None:
        db._embedded.cleanup()  # the Streamlit server starts its own on the same data dir
        db._embedded = None
    return time.perf_counter() - started


def _timed(page, action) -> float:
    """Seconds from just before `action` to the last idle mark once the page has settled."""
    start = page.evaluate("performance.now()")
    action()
    page.wait_for_function(f"window.__idle.some(t => t > {start})", timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(400)  # a second rerun (a flash, a callback) would add a later mark
    last = page.evaluate(f"Math.max(...window.__idle.filter(t => t > {start}))")
    return (last - start) / 1000


def _p(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} s p50 / {p95:.2f} s p95 / {max(ordered):.2f} s max"


def main() -> None:
    """Build, measure, print a markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="circlue-bench-review-"))
    rows = []
    try:
        rows.append((f"build: migrations, demo and {args.items} waiting items", f"{build(data_dir, args.items):.1f} s"))
        with streamlit_server(data_dir) as url, chromium() as browser:
            page = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1000}).new_page()
            open_login(page, url)
            submit_login(page, "admin@circlue.demo")
            page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
            wait_idle(page)
            page.evaluate(OBSERVER)
            first = _timed(page, lambda: page.locator("[data-testid='stSidebarNav'] a[href$='/review']").first.click())
            rows.append(("open the review queue from the sidebar (oldest item shown)", f"{first:.2f} s"))
            waiting = page.locator("[data-testid='stCaptionContainer']", has_text="검토 대기").first.inner_text()
            opened, approved = [], []
            for run in range(args.runs):
                for _attempt in range(3):  # the box may still be settling from the last rerun
                    page.locator(".st-key-review_item button[aria-label='Open']").click()
                    try:
                        page.locator("[role='listbox']").wait_for(timeout=3_000)
                        break
                    except PlaywrightTimeout:
                        page.keyboard.press("Escape")
                option = page.locator("[role='option']").nth(1 + run % 5)
                option.wait_for()
                opened.append(_timed(page, option.click))
                assert page.locator("[data-testid='stException']").count() == 0
                approved.append(_timed(page, lambda: page.locator(".st-key-review_approve button").click()))
                page.locator("[data-testid='stAlertContentSuccess']").first.wait_for()
            rows.append((f"open an item from the queue ({waiting})", _p(opened)))
            rows.append(("approve it (one click: round saved, next item drawn)", _p(approved)))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"| measure (headless Chromium, embedded PostgreSQL 18, {args.runs} runs) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
