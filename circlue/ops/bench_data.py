"""Benchmark data for the pipeline board: thousands of campaigns over many brands and every workflow status.

Set-based SQL as the schema owner, on top of the demo data set (its accounts log in to the benchmarked app). No
trigger is switched off: campaigns are inserted at 'creating' and moved one allowed step at a time, one UPDATE
per step for all the campaigns that go further, so the workflow trigger checks every move, writes the history
and the notifications, and the audit trigger records it all, as it would for moves made through the app.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from sqlalchemy import Engine, text

from circlue.repository.campaigns import set_status_note
from circlue.security import hash_password
from circlue.workflow import CAMPAIGN_STAGES, CAMPAIGN_STATUSES, check_transition

# Where a busy agency's campaigns stand: most in the deal-making and production stages, a long tail completed.
STATUS_WEIGHTS: dict[str, int] = {
    "creating": 4, "submitted": 5, "recruiting": 10, "proposing": 9, "revising": 6, "confirmed": 6, "planning": 7,
    "producing": 8, "content-review": 5, "live": 7, "monitoring": 6, "completed": 20, "cancelled": 7,
}
BENCH_DOMAIN = "circlue.bench"
_TITLES = (
    "{brand} {product} 샤오홍슈 시딩",
    "{brand} {product} 더우인 라이브 특가전",
    "{brand} 중국 인지도 캠페인: {product}",
    "{brand} x 왕홍 라이브: {product}",
    "{product} 체험단 (体验官)",
)
_PRODUCTS = ("쿠션 팩트", "선크림 SPF50+", "비타C 앰플", "수분 크림", "립 틴트", "클렌징 폼", "마스크팩", "헤어 오일",
             "김부각", "떡볶이 스낵", "니트 가디건", "데님 팬츠")


@dataclass(frozen=True)
class BenchData:
    """What was built, and how long it took."""

    campaigns: int
    brands: int
    per_status: dict[str, int]
    seconds: float


def _path(status: str) -> list[str]:
    """The moves from 'creating' to `status` (cancelled ones are cancelled while recruiting)."""
    if status == "cancelled":
        return ["creating", "submitted", "recruiting", "cancelled"]
    stages = [*CAMPAIGN_STAGES, "completed"]
    return stages[: stages.index(status) + 1]


def build_pipeline(engine: Engine, *, campaigns: int = 10_000, brands: int = 40, seed: int = 6) -> BenchData:
    """Add `brands` brands (each with a brand user and three products) and `campaigns` campaigns spread over them.

    The demo's brands take part too, so a demo brand user sees its share of the campaigns under RLS.
    """
    rng = random.Random(seed)
    started = time.perf_counter()
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=campaigns)
    password = hash_password(f"bench-{rng.random()}")  # nobody logs in as these brand users
    with engine.begin() as conn:
        manager = conn.execute(text("SELECT id FROM users WHERE email = 'manager@circlue.demo'")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO users (email, password_hash, name, role)"
                " SELECT 'brand' || g || '@' || :domain, :password, '벤치 브랜드 담당 ' || g, 'brand'"
                " FROM generate_series(1, :n) g"
            ),
            {"domain": BENCH_DOMAIN, "password": password, "n": brands},
        )
        conn.execute(
            text(
                "INSERT INTO brands (user_id, name, category)"
                " SELECT u.id, '벤치브랜드 ' || lpad(split_part(split_part(u.email, '@', 1), 'brand', 2), 2, '0'),"
                " 'beauty' FROM users u WHERE u.email LIKE '%@' || :domain"
            ),
            {"domain": BENCH_DOMAIN},
        )
        conn.execute(
            text(
                "INSERT INTO products (brand_id, name, price)"
                " SELECT b.id, names[1 + (abs(hashtext(b.name)) + k) % cardinality(names)], 25000"
                " FROM brands b JOIN users u ON u.id = b.user_id, generate_series(0, 2) k,"
                " CAST(:names AS text[]) names"
                " WHERE u.email LIKE '%@' || :domain"
            ),
            {"domain": BENCH_DOMAIN, "names": list(_PRODUCTS)},
        )
        brand_rows = conn.execute(
            text(
                "SELECT b.id, b.name, array_agg(p.id ORDER BY p.name, p.id), array_agg(p.name ORDER BY p.name, p.id)"
                " FROM brands b JOIN products p ON p.brand_id = b.id GROUP BY b.id, b.name ORDER BY b.name"
            )
        ).all()
        rows = []
        for n, status in enumerate(statuses):
            brand_id, brand, product_ids, product_names = brand_rows[n % len(brand_rows)]
            k = rng.randrange(len(product_ids))
            start = rng.randint(-120, 120)
            rows.append(
                {
                    "brand_id": brand_id,
                    "product_id": product_ids[k],
                    "title": rng.choice(_TITLES).format(brand=brand, product=product_names[k]) + f" #{n + 1}",
                    "budget": rng.randrange(5, 300) * 1_000_000,
                    "start": start,
                    "end": start + rng.randint(14, 75),
                    "deadline": start - rng.randint(3, 30),
                    "ad_type": rng.choice(("branding", "live-commerce")),
                    "target": status,
                }
            )
        # One statement for every row: unnest of parallel arrays.
        made = conn.execute(
            text(
                "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
                " proposal_deadline, ad_type, manager_id)"
                " SELECT brand_id, product_id, title, budget, current_date + s, current_date + e, current_date + d, ad,"
                " :manager FROM unnest(CAST(:brand AS uuid[]), CAST(:product AS uuid[]), CAST(:title AS text[]),"
                " CAST(:budget AS numeric[]), CAST(:start AS int[]), CAST(:end AS int[]), CAST(:deadline AS int[]),"
                " CAST(:ad AS text[])) AS v(brand_id, product_id, title, budget, s, e, d, ad) RETURNING id, title"
            ),
            {
                "manager": manager,
                **{
                    name: [r[field] for r in rows]
                    for name, field in (
                        ("brand", "brand_id"), ("product", "product_id"), ("title", "title"), ("budget", "budget"),
                        ("start", "start"), ("end", "end"), ("deadline", "deadline"), ("ad", "ad_type"),
                    )
                },
            },
        ).all()
        target_of = {r["title"]: r["target"] for r in rows}
        ids_by_target: dict[str, list] = {}
        for campaign_id, title in made:
            ids_by_target.setdefault(target_of[title], []).append(campaign_id)
        # Walk: each step moves, in one UPDATE per move, every campaign whose path takes that step next.
        paths = {status: _path(status) for status in CAMPAIGN_STATUSES}
        for step in range(max(len(p) for p in paths.values()) - 1):
            moves: dict[tuple[str, str], list] = {}
            for status, path in paths.items():
                if step + 1 < len(path):
                    moves.setdefault((path[step], path[step + 1]), []).extend(ids_by_target.get(status, []))
            for (current, target), ids in moves.items():
                check_transition(current, target)
                set_status_note(conn, "벤치마크: 모집 중 취소" if target == "cancelled" else None)
                conn.execute(
                    text("UPDATE campaigns SET status = :target WHERE id = ANY(:ids) AND status = :current"),
                    {"target": target, "current": current, "ids": ids},
                )
        per_status = dict(conn.execute(text("SELECT status, count(*) FROM campaigns GROUP BY status")).all())
    # The walk leaves a dead row version per move; autovacuum would clean them up in a while, do it now.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return BenchData(
        campaigns=campaigns, brands=len(brand_rows), per_status=per_status, seconds=time.perf_counter() - started
    )
