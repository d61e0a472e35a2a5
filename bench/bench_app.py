"""Benchmark: bootstrap, home pages per role (AppTest) and RLS-scoped repository reads, p50/p95.

Usage: .venv/bin/python -m bench.bench_app [--runs 30] [--influencers 300]
Uses TEST_DATABASE_URL when set, else an embedded PostgreSQL; the database it creates is dropped at the end.
Results go to docs/performance.md by hand, with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text

from circlue.ops.demo import DEMO_PASSWORD
from tests.conftest import actor_of, create_database, drop_database


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: imports, pool, plan cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def main() -> None:
    """Build a database, measure, print a markdown table, drop the database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--influencers", type=int, default=300)
    args = parser.parse_args()

    from circlue import config, db
    from circlue.ops.demo import load_demo
    from circlue.repository import campaigns, dashboard, influencers, settlements
    from circlue.repository.users import login

    url = create_database("circlue_bench")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    rows: list[tuple[str, str]] = []
    try:
        started = time.perf_counter()
        db.run_migrations(url)
        rows.append(("alembic upgrade head (empty database)", f"{time.perf_counter() - started:.2f} s"))
        started = time.perf_counter()
        load_demo(engine=db.owner_engine(url), influencers=args.influencers)
        rows.append((f"demo load ({args.influencers:,} influencers)", f"{time.perf_counter() - started:.2f} s"))

        owner = create_engine(url)
        with owner.connect() as conn:
            users = {r.email: r.id for r in conn.execute(text("SELECT id, email FROM users"))}
        owner.dispose()
        today = dt.date.today()

        actors = {email: actor_of(email) for email in users}

        def scoped(email: str, read: Callable) -> Callable[[], object]:
            def run() -> object:
                with db.unit_of_work(actors[email]) as session:
                    return read(session)

            return run

        reads = [
            ("brand_home as brand (RLS)", "brand.glow@circlue.demo", lambda s: dashboard.brand_home(s, today=today)),
            ("list_campaigns as brand (RLS)", "brand.glow@circlue.demo", lambda s: campaigns.list_campaigns(s)),
            ("list_settlements as brand (RLS)", "brand.glow@circlue.demo", lambda s: settlements.list_settlements(s)),
            ("manager_home as manager", "manager@circlue.demo", lambda s: dashboard.manager_home(s, today=today)),
            ("admin_home as admin", "admin@circlue.demo",
             lambda s: dashboard.admin_home(s, now=dt.datetime.now(dt.UTC))),
            ("search_influencers page 1 (douyin)", "manager@circlue.demo",
             lambda s: influencers.search_influencers(s, platform="douyin", limit=50)),
        ]
        for label, email, read in reads:
            p50, p95 = _time(scoped(email, read), args.runs)
            rows.append((label, f"{p50:.2f} ms p50 / {p95:.2f} ms p95"))

        # A failed login must cost the same whether the e-mail exists or not (timing would tell which ones do).
        owner = create_engine(url)
        with owner.begin() as conn:
            conn.execute(text("UPDATE users SET is_active = false WHERE email = 'brand.hanmat@circlue.demo'"))
            conn.execute(text("UPDATE users SET locked_until = now() + interval '1 day'"
                              " WHERE email = 'brand.lumiere@circlue.demo'"))
        attempts = [
            ("existing account, wrong password", "brand.glow@circlue.demo", "wrong-password-1"),
            ("unknown e-mail", "nobody@example.com", "wrong-password-1"),
            ("locked account", "brand.lumiere@circlue.demo", DEMO_PASSWORD),
            ("deactivated account", "brand.hanmat@circlue.demo", DEMO_PASSWORD),
            ("right password (opens a session)", "manager@circlue.demo", DEMO_PASSWORD),
        ]
        for label, email, password in attempts:
            def attempt(email: str = email, password: str = password) -> None:
                with db.login_unit_of_work(db.Actor(user_id=None)) as session:
                    login(session, email=email, password=password, hours=1)
                with owner.begin() as conn:  # never lock the account being measured
                    conn.execute(text("UPDATE users SET failed_login_count = 0 WHERE email = :e"), {"e": email})

            p50, p95 = _time(attempt, max(5, args.runs // 3))
            rows.append((f"login: {label}", f"{p50:.0f} ms p50 / {p95:.0f} ms p95"))
        owner.dispose()

        from streamlit.testing.v1 import AppTest

        app = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app.py")
        for email in ("manager@circlue.demo", "brand.glow@circlue.demo", "admin@circlue.demo"):
            token = actor_of(email).token

            def render(email: str = email, token: str = token) -> None:
                at = AppTest.from_file(app, default_timeout=60)
                at.session_state["circlue_user_id"] = str(users[email])
                at.session_state["circlue_token"] = token
                at.run()
                assert not at.exception

            p50, p95 = _time(render, max(5, args.runs // 3))
            label = f"home page script run, {email.split('@')[0]} (AppTest)"
            rows.append((label, f"{p50:.0f} ms p50 / {p95:.0f} ms p95"))
    finally:
        db.dispose_engines()
        drop_database(url)

    server = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "embedded PostgreSQL"
    print(f"| measure ({server}, {args.runs} runs) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
