"""Benchmark: the brand dashboard over 10,000,000 metric rows, as the brand user with RLS on; optionally the browser.

Usage: .venv/bin/python -m bench.bench_dashboard [--rows 10000000] [--runs 30] [--browser]
Uses TEST_DATABASE_URL when set, else an embedded PostgreSQL; the database it creates is dropped at the end.

Data (bench/data.py, built as the owner inside the server): the demo, plus 300 brands with 18 campaigns of 15
contracted influencers each, plus 40 more campaigns of 15 for the demo brand 글로우랩 (the brand measured, about
2.3 times an average brand), every influencer with 123 daily rows starting on a day spread over the last two years.
"Database time" adds up the statements the dashboard sends (the time each takes to answer, as the app sees it);
"call" is the whole repository call with the figures computed in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from sqlalchemy import create_engine, event, text

from bench.data import fill_metrics, make_pairs
from bench.report import p50_p95, print_table
from tests.conftest import actor_of, create_database, drop_database

BRAND = "brand.glow@circlue.demo"


def _p(samples: list[float]) -> str:
    p50, p95 = p50_p95(samples)
    return f"{p50:.1f} ms p50 / {p95:.1f} ms p95"


def build(url: str, rows: int) -> list[tuple[str, str]]:
    """Demo data plus `rows` generated metric rows; returns table lines with the build times."""
    from circlue import db
    from circlue.ops.demo import load_demo

    out = []
    engine = create_engine(url)
    load_demo(engine=engine)
    active = 123
    per_brand = 18 * 15
    brands = max(1, round((rows / active - 40 * 15) / per_brand))
    today = dt.date.today()
    first = today - dt.timedelta(days=729)
    started = time.perf_counter()
    with engine.begin() as conn:
        others = make_pairs(conn, brand_email=None, brands=brands, campaigns=18, influencers=15, label="bench")
        glow = make_pairs(conn, brand_email=BRAND, brands=1, campaigns=40, influencers=15, label="bench-glow")
    out.append((f"pairs: {len(others):,} for {brands} bench brands, {len(glow):,} more for 글로우랩",
                f"{time.perf_counter() - started:.1f} s"))
    pairs = others + glow
    total, seconds = 0, 0.0
    chunk = 5_000
    for start in range(0, len(pairs), chunk):
        with engine.begin() as conn:
            n, s = fill_metrics(conn, pairs[start : start + chunk], first=first, days=730, active_days=active)
        total, seconds = total + n, seconds + s
        print(f"  {total:,} metric rows in {seconds:.0f} s", flush=True)
    out.append(("metric rows generated (INSERT … SELECT generate_series, one statement per month and 5,000 pairs)",
                f"{total:,} in {seconds:.1f} s ({total / seconds:,.0f} rows/s)"))
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE performance_metrics"))
        conn.execute(text("VACUUM ANALYZE campaign_influencers"))
        conn.execute(text("VACUUM ANALYZE campaigns"))
    out.append(("VACUUM ANALYZE afterwards", f"{time.perf_counter() - started:.1f} s"))
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM performance_metrics")).scalar()
        own = conn.execute(
            text(
                "SELECT count(*) FROM performance_metrics m JOIN campaigns c ON c.id = m.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
                " WHERE u.email = :e AND m.metric_date > current_date - 90"
            ),
            {"e": BRAND},
        ).scalar()
        size = conn.execute(text("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_inherits i"
                                 " JOIN pg_class c ON c.oid = i.inhrelid"
                                 " WHERE i.inhparent = 'performance_metrics'::regclass")).scalar()
    out.append(("performance_metrics rows / size with indexes", f"{count:,} / {size}"))
    out.append(("글로우랩's rows in the last 90 days (what its dashboard aggregates)", f"{own:,}"))
    engine.dispose()
    db.dispose_engines()
    return out


def measure(runs: int) -> list[tuple[str, str]]:
    """Dashboard calls as the brand user through the app's pool (RLS), 90 days and 30 days."""
    from circlue import db
    from circlue.repository import analytics

    engine = db.app_engine()
    spent: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        spent.append((time.perf_counter() - conn.info.pop("started")) * 1000)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    actor = actor_of(BRAND)
    today = dt.date.today()
    out = []
    for days in (90, 30, 365):
        database, calls = [], []
        for run in range(runs + 1):
            spent.clear()
            started = time.perf_counter()
            with db.unit_of_work(actor, engine=engine, readonly=True) as session:
                board = analytics.brand_dashboard(session, start=today - dt.timedelta(days=days - 1), end=today)
            if run:  # the first run warms the pool and the plan cache
                calls.append((time.perf_counter() - started) * 1000)
                database.append(sum(spent[1:]))  # without set_actor's set_config
        out.append((f"brand dashboard, {days} days, database time (as the brand, RLS)", _p(database)))
        out.append((f"brand dashboard, {days} days, whole call with the figures", _p(calls)))
        out.append((f"  ({days} days: {board.current.views:,} views, {len(board.influencers)} influencers)", ""))
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    return out


def browser(url: str, runs: int) -> list[tuple[str, str]]:
    """`streamlit run app.py` on this database: log in as the brand, open the dashboard, switch date ranges."""
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    from tests.e2e.harness import IDLE, _free_port, chromium, submit_login, wait_idle

    root = Path(__file__).resolve().parent.parent
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true"], cwd=root, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(0.5)
        with chromium() as b:
            page = b.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900}).new_page()
            page.goto(base)
            wait_idle(page, 180_000)
            submit_login(page, BRAND)
            page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
            wait_idle(page)
            started = time.perf_counter()
            page.locator("[data-testid='stSidebarNav'] a[href$='/performance']").first.click()
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            wait_idle(page)
            opened = time.perf_counter() - started
            out.append(("browser: open the dashboard from the menu until idle", f"{opened:.2f} s"))
            samples = []
            labels = ["최근 30일", "최근 90일", "최근 7일", "최근 180일"]
            for run in range(runs):
                label = labels[run % len(labels)]
                page.evaluate(
                    "() => { window.__idle = null; const app = document.querySelector(\"[data-testid='stApp']\");"
                    " new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'notRunning')"
                    " window.__idle = performance.now(); }).observe(app, {attributes: true}); }"
                )
                t0 = page.evaluate("() => performance.now()")
                page.get_by_role("radio", name=label).click()
                page.wait_for_function("() => window.__idle !== null", timeout=60_000)
                page.wait_for_selector(IDLE)
                page.wait_for_timeout(300)  # a later rerun would move __idle on
                samples.append((page.evaluate("() => window.__idle") - t0) / 1000)
            p50, p95 = p50_p95(samples)
            out.append((f"browser: change the date range until rendered and idle ({runs} changes)",
                        f"{p50:.2f} s p50 / {p95:.2f} s p95"))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def main() -> None:
    """Build, measure, print a markdown table, drop the database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--browser", action="store_true", help="also measure date-range changes in Chromium")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    args = parser.parse_args()

    from circlue import config, db

    url = create_database("circlue_bench_dash")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    table: list[tuple[str, str]] = []
    try:
        started = time.perf_counter()
        db.run_migrations(url)
        table += build(url, args.rows)
        table.append(("whole build (migrations, demo, bench data, VACUUM)", f"{time.perf_counter() - started:.0f} s"))
        table += measure(args.runs)
        if args.browser:
            table += browser(url, max(8, args.runs // 3))
    finally:
        db.dispose_engines()
        if args.keep:
            print(f"kept {url}")
        else:
            drop_database(url)
    print_table(table)

if __name__ == "__main__":
    main()
