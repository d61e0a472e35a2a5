"""Bench data builders, run as the owner (a superuser on the bench servers): brands with contracted influencers,
and millions of metric rows made by generate_series inside the server, not sent row by row.

`session_replication_role = replica` skips the triggers (audit, workflow, foreign-key checks) for these inserts: the
rows are consistent by construction, and auditing ten million generated rows would measure the audit, not the
dashboard. Needs a superuser; the app never does this.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, text

PLATFORMS = ("douyin", "xiaohongshu", "weibo", "bilibili")


@dataclass(frozen=True)
class Pair:
    """A contracted influencer of a bench campaign."""

    campaign_id: uuid.UUID
    influencer_id: uuid.UUID
    platform: str


def make_pairs(
    conn: Connection, *, brand_email: str | None, brands: int, campaigns: int, influencers: int, label: str
) -> list[Pair]:
    """`brands` new brands (or the brand of `brand_email`) with `campaigns` campaigns each and `influencers`
    contracted influencers per campaign, all new; returns the pairs."""
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    if brand_email:
        brand_ids = [conn.execute(text("SELECT b.id FROM brands b JOIN users u ON u.id = b.user_id WHERE u.email = :e"
                                       " ORDER BY b.created_at LIMIT 1"), {"e": brand_email}).scalar_one()]
    else:
        brand_ids = conn.execute(
            text(
                "WITH u AS (INSERT INTO users (email, password_hash, name, role)"
                " SELECT :label || g || '@bench.example', 'x', 'bench ' || g, 'brand' FROM generate_series(1, :n) g"
                " RETURNING id, name)"
                " INSERT INTO brands (user_id, name, category) SELECT id, name, 'beauty' FROM u RETURNING id"
            ),
            {"n": brands, "label": label},
        ).scalars().all()
    conn.execute(
        text(
            "INSERT INTO products (brand_id, name, price)"
            " SELECT b, :label || ' 제품', 30000 FROM unnest(CAST(:b AS uuid[])) b"
        ),
        {"b": brand_ids, "label": label},
    )
    conn.execute(
        text(
            "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
            " proposal_deadline, ad_type, status, current_stage)"
            " SELECT p.brand_id, p.id, :label || ' 캠페인 ' || g, 100000000, date '2024-01-01', date '2026-12-31',"
            " date '2023-12-01', 'branding', 'monitoring', 11"
            " FROM products p CROSS JOIN generate_series(1, :c) g"
            " WHERE p.brand_id = ANY(CAST(:b AS uuid[])) AND p.name = :label || ' 제품'"
        ),
        {"b": brand_ids, "c": campaigns, "label": label},
    )
    conn.execute(
        text(
            "INSERT INTO influencers (name, platform, followers, avg_views, base_fee, is_active)"
            " SELECT :label || ' KOL ' || g, (ARRAY['douyin','xiaohongshu','weibo','bilibili'])[1 + g % 4],"
            " 100000 + g, 20000, 1000000, true FROM generate_series(1, :n) g"
        ),
        {"n": len(brand_ids) * campaigns * influencers, "label": label},
    )
    rows = conn.execute(
        text(
            "WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM campaigns"
            "           WHERE brand_id = ANY(CAST(:b AS uuid[])) AND title LIKE :label || ' 캠페인 %'),"
            " i AS (SELECT id, platform, row_number() OVER (ORDER BY id) - 1 AS n FROM influencers"
            "       WHERE name LIKE :label || ' KOL %')"
            " INSERT INTO campaign_influencers (campaign_id, influencer_id, proposed_fee, ad_fee, status,"
            " production_start_date, production_deadline)"
            " SELECT c.id, i.id, 1500000, 1500000, 'contracted', date '2024-01-01', date '2024-02-01'"
            " FROM c JOIN i ON i.n / :k = c.n RETURNING campaign_id, influencer_id,"
            " (SELECT platform FROM influencers x WHERE x.id = influencer_id)"
        ),
        {"b": brand_ids, "label": label, "k": influencers},
    ).all()
    return [Pair(*r) for r in rows]


def fill_metrics(
    conn: Connection, pairs: list[Pair], *, first: dt.date, days: int, active_days: int
) -> tuple[int, float]:
    """For each pair, `active_days` daily rows starting at a pair-dependent offset within `days` from `first`
    (views peak at publication and decay); one statement per month, so each fills one partition and its indexes
    while they are in memory; returns (rows, seconds)."""
    started = time.perf_counter()
    last = first + dt.timedelta(days=days)
    conn.execute(text("SELECT circlue_ensure_partitions(:a, :b)"), {"a": first, "b": last})
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    params = {
        "c": [p.campaign_id for p in pairs], "i": [p.influencer_id for p in pairs],
        "pl": [p.platform for p in pairs], "days": days, "active": active_days, "first": first,
    }
    total = 0
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        result = conn.execute(
            text(
                "INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views, likes,"
                " comments, shares, saves, engagement_rate, click_through_rate, conversion_rate, sales_amount)"
                " SELECT p.c, p.i, p.pl, p.day0 + n, v.views, v.views * 5 / 100, v.views / 200, v.views / 150,"
                " v.views / 60, 5.00, 1.50, 2.50, v.views * 30"
                " FROM (SELECT c, i, pl, CAST(:first AS date)"
                "       + (abs(hashtext(c::text || i::text)) % GREATEST(:days - :active, 1)) AS day0"
                "       FROM unnest(CAST(:c AS uuid[]), CAST(:i AS uuid[]), CAST(:pl AS text[])) AS t(c, i, pl)) p"
                " CROSS JOIN LATERAL generate_series(GREATEST(0, CAST(:lo AS date) - p.day0),"
                "                                    LEAST(:active - 1, CAST(:hi AS date) - 1 - p.day0)) AS n"
                " CROSS JOIN LATERAL (SELECT (50000 * exp(-n / 20.0) + 500)::int AS views) v"
            ),
            {**params, "lo": max(month, first), "hi": following},
        )
        total += result.rowcount
        month = following
    return total, time.perf_counter() - started
