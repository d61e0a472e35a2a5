"""Benchmark of the pipeline board with 10,000 campaigns: the query under RLS, and the board in headless Chromium.

Usage: .venv/bin/python -m bench.bench_pipeline [--campaigns 10000] [--runs 12]
Builds a database (TEST_DATABASE_URL's server, else an embedded PostgreSQL) with the demo data and
circlue.ops.bench_data on top, then runs `streamlit run app.py` on it and logs in as the manager. Browser times run
from the action (a click, Enter) until the app is idle again, measured in the page with a MutationObserver on
[data-testid='stApp'] data-test-script-state (tests.e2e.harness.rerun). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

from tests.conftest import actor_of, create_database, drop_database
from tests.e2e.harness import (
    chromium,
    open_login,
    rerun,
    sidebar,
    streamlit_server,
    submit_login,
    wait_idle,
)


def _p(samples: list[float], unit: str = "s", scale: float = 1.0) -> str:
    ordered = sorted(x * scale for x in samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    d = 2 if unit == "s" else 1
    return f"{statistics.median(ordered):.{d}f} {unit} p50 / {p95:.{d}f} {unit} p95 (max {ordered[-1]:.{d}f})"


def _time(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: pool, plan cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _queries(url: str, runs: int, rows: list[tuple[str, str]]) -> None:
    """pipeline_board (and the unread count every page run makes) through unit_of_work, as the app runs them."""
    from circlue import db
    from circlue.repository import campaigns, notifications
    from circlue.repository.board import BoardFilter, pipeline_board

    today = dt.date.today()
    actors = {email: actor_of(email, engine=db.owner_engine(url)) for email in
              ("manager@circlue.demo", "brand.glow@circlue.demo")}
    with db.unit_of_work(actors["manager@circlue.demo"]) as session:
        brand = next(b for b in campaigns.brand_choices(session) if b.name.startswith("벤치브랜드"))

    def board(email: str, filters: BoardFilter, per_stage: int = 8) -> Callable[[], object]:
        def run() -> object:
            with db.unit_of_work(actors[email]) as session:
                return pipeline_board(session, filters=filters, today=today, per_stage=per_stage)

        return run

    def unread(email: str) -> Callable[[], object]:
        def run() -> object:
            with db.unit_of_work(actors[email]) as session:
                return notifications.unread_count(session)

        return run

    cases = [
        ("pipeline_board as brand 글로우랩 (RLS), no filter", board("brand.glow@circlue.demo", BoardFilter())),
        ("pipeline_board as brand (RLS), text '쿠션'", board("brand.glow@circlue.demo", BoardFilter(query="쿠션"))),
        ("pipeline_board as manager, no filter", board("manager@circlue.demo", BoardFilter())),
        ("pipeline_board as manager, one brand", board("manager@circlue.demo", BoardFilter(brand_id=brand.id))),
        ("pipeline_board as manager, stage confirmed",
         board("manager@circlue.demo", BoardFilter(statuses=("confirmed",)))),
        ("pipeline_board as manager, text '라이브'", board("manager@circlue.demo", BoardFilter(query="라이브"))),
        ("pipeline_board as manager, table view (50 per stage)",
         board("manager@circlue.demo", BoardFilter(), per_stage=50)),
        ("unread_count as manager (every page run)", unread("manager@circlue.demo")),
        ("unread_count as brand (every page run)", unread("brand.glow@circlue.demo")),
    ]
    for label, fn in cases:
        rows.append((label, _p(_time(fn, runs * 3), "ms", 1000)))


def _click(locator) -> Callable[[], None]:
    return lambda: locator.click()


def _enter(locator) -> Callable[[], None]:
    return lambda: locator.press("Enter")


def _measure(page, app: str, who: str, runs: int, rows: list[tuple[str, str]]) -> None:
    """One logged-in user: open the board from the menu, then change its filters, `runs` times each."""
    menu = page.locator("[data-testid='stSidebarNav'] a[href$='/pipeline']").first
    first = []
    for _ in range(runs):
        sidebar(page, app, "home")
        first.append(rerun(page, _click(menu)))
        page.wait_for_url(f"{app}/pipeline*")
    rows.append((f"board first render from the menu, {who}", _p(first)))
    query = page.locator(".st-key-board_query input")
    texts = []
    for n in range(runs):
        query.fill(("쿠션", "라이브", "체험단")[n % 3])
        texts.append(rerun(page, _enter(query)))
    query.fill("")
    rerun(page, _enter(query))
    rows.append((f"board text filter (type, Enter), {who}", _p(texts)))
    if who != "manager":
        return
    brands = []
    box = page.locator(".st-key-board_brand").get_by_role("combobox")
    for n in range(runs):
        box.click()
        brands.append(rerun(page, _click(page.get_by_role("option").nth(2 + n % 5))))
    rows.append(("board brand filter (pick a brand), manager", _p(brands)))
    rerun(page, _click(page.locator(".st-key-board_brand [aria-label^='Clear']").first))
    added, removed = [], []
    stage_box = page.locator(".st-key-board_stages").get_by_role("combobox")
    names = ("확정", "모집 중", "제안 중", "라이브")
    for n in range(runs):
        name = names[n % len(names)]
        stage_box.click()
        added.append(rerun(page, _click(page.get_by_role("option", name=name, exact=True))))
        page.locator(".st-key-board_stages label").first.click()
        removed.append(rerun(page, _click(page.locator(f".st-key-board_stages [aria-label='Remove {name}']"))))
    rows.append(("board stage filter (add a stage), manager", _p(added)))
    rows.append(("board stage filter (remove it again), manager", _p(removed)))
    page.screenshot(path="test-artifacts/bench-board.png", full_page=True)


def _report(rows: list[tuple[str, str]]) -> None:
    print("| measure | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |", flush=True)


def _browser(url: str, runs: int, rows: list[tuple[str, str]]) -> None:
    with streamlit_server(database_url=url) as app, chromium() as browser:
        for email, who in (("manager@circlue.demo", "manager"), ("brand.glow@circlue.demo", "brand")):
            context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            open_login(page, app)
            submit_login(page, email)
            page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
            wait_idle(page)
            try:
                _measure(page, app, who, runs, rows)
            except Exception as exc:  # noqa: BLE001 - keep what was measured; say what stopped it
                rows.append((f"stopped ({who})", f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
                page.screenshot(path="test-artifacts/bench-failed.png", full_page=True)
            context.close()


def main() -> None:
    """Build, measure, print a markdown table, drop the database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--database-url", help="measure this database, built before with the same data (kept)")
    args = parser.parse_args()

    from circlue import config, db
    from circlue.ops.bench_data import build_pipeline
    from circlue.ops.demo import load_demo

    url = args.database_url or create_database("circlue_bench_pipeline")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    rows: list[tuple[str, str]] = []
    try:
        if not args.database_url:
            db.run_migrations(url)
            load_demo(engine=db.owner_engine(url))
            built = build_pipeline(db.owner_engine(url), campaigns=args.campaigns)
            total = sum(built.per_status.values())
            rows.append((f"build {args.campaigns:,} campaigns over {built.brands} brands, walked through the "
                         f"workflow ({total:,} campaigns in all)", f"{built.seconds:.1f} s"))
        _queries(url, args.runs, rows)
        db.dispose_engines()
        if not args.no_browser:
            _browser(url, args.runs, rows)
    finally:
        db.dispose_engines()
        if not args.database_url:
            drop_database(url)

    server = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "embedded PostgreSQL 18"
    print(f"{server}, {args.runs} runs, load average {os.getloadavg()[0]:.1f}")
    _report(rows)


if __name__ == "__main__":
    main()
