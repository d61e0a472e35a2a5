"""Benchmark in headless Chromium: cold start, login to home per role, and page switches (p50/p95).

Usage: .venv/bin/python -m bench.bench_browser [--runs 10]
Starts `streamlit run app.py` on a fresh embedded database, like the README's quick start.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.e2e.harness import chromium, open_login, streamlit_server, submit_login, wait_idle

HOMES = {
    "manager@circlue.demo": "캠페인 파이프라인",
    "brand.glow@circlue.demo": "우리 브랜드 현황",
    "admin@circlue.demo": "승인 대기 및 시스템",
}
PAGES = ("pipeline", "influencers", "settlements", "users", "audit", "home")


def _p(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} s p50 / {p95:.2f} s p95"


def main() -> None:
    """Measure and print a markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    rows = []
    started = time.perf_counter()
    with streamlit_server() as url, chromium() as browser:
        rows.append(("streamlit up (health endpoint answers)", f"{time.perf_counter() - started:.2f} s"))
        context = browser.new_context(locale="ko-KR")
        page = context.new_page()
        started = time.perf_counter()
        open_login(page, url)
        elapsed = time.perf_counter() - started
        rows.append(("first visit to login form (embedded initdb + start, migrations, demo data)", f"{elapsed:.2f} s"))
        context.close()
        for email, heading in HOMES.items():
            form, login = [], []
            for _ in range(args.runs):
                context = browser.new_context(locale="ko-KR")
                page = context.new_page()
                t0 = time.perf_counter()
                open_login(page, url)
                form.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                submit_login(page, email)
                page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
                wait_idle(page)
                login.append(time.perf_counter() - t0)
                context.close()
            rows.append((f"warm visit to login form ({email.split('@')[0]})", _p(form)))
            rows.append((f"submit login to home rendered ({email.split('@')[0]})", _p(login)))
        context = browser.new_context(locale="ko-KR")
        page = context.new_page()
        open_login(page, url)
        submit_login(page, "admin@circlue.demo")
        page.get_by_role("heading", name=HOMES["admin@circlue.demo"]).wait_for(timeout=60_000)
        wait_idle(page)
        switches = []
        for _ in range(args.runs):
            for path in PAGES:
                t0 = time.perf_counter()
                # The default page (home) is served at the root URL.
                href = "/" if path == "home" else f"/{path}"
                page.locator(f"[data-testid='stSidebarNav'] a[href$='{href}']").first.click()
                page.wait_for_url(f"{url}{href}")
                wait_idle(page)
                switches.append(time.perf_counter() - t0)
        rows.append((f"page switch as admin ({len(PAGES)} pages x {args.runs})", _p(switches)))
        context.close()
    print("| measure (headless Chromium, embedded PostgreSQL 18) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
