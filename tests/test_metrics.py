"""Derived figures (circlue/metrics.py) against examples computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from circlue import metrics as m

D = Decimal


def test_xiaohongshu_counts_likes_saves_and_comments_but_not_shares():
    # 10,000 views; 420 likes + 130 saves + 50 comments = 600 (the 999 shares do not count) -> 6.00 %
    assert m.engagements("xiaohongshu", likes=420, comments=50, shares=999, saves=130) == 600
    assert m.engagement_rate("xiaohongshu", views=10_000, likes=420, comments=50, shares=999, saves=130) == D("6.00")


@pytest.mark.parametrize("platform", ["douyin", "weibo", "bilibili"])
def test_douyin_weibo_bilibili_count_shares_too(platform):
    # 8,000 views; 300 likes + 40 comments + 25 shares + 35 saves = 400 -> 5.00 %
    assert m.engagement_rate(platform, views=8_000, likes=300, comments=40, shares=25, saves=35) == D("5.00")


def test_engagement_rate_rounds_half_up_and_needs_views():
    # 1 / 3 = 33.333… % -> 33.33; 2 / 3 = 66.666… % -> 66.67
    assert m.engagement_rate("douyin", views=3, likes=1) == D("33.33")
    assert m.engagement_rate("douyin", views=3, likes=2) == D("66.67")
    assert m.engagement_rate("weibo", views=0, likes=5) is None


def test_unknown_platform_is_refused():
    with pytest.raises(ValueError, match="unknown platform"):
        m.engagements("tiktok", likes=1)


def test_cost_figures_by_hand():
    spend = D("1500000")  # ₩1,500,000
    # CPM = 1,500,000 / 600,000 * 1000 = 2,500.00; cost per view = 2.5000; CPE = 1,500,000 / 24,000 = 62.50
    assert m.cpm(spend, 600_000) == D("2500.00")
    assert m.cost_per_view(spend, 600_000) == D("2.5000")
    assert m.cpe(spend, 24_000) == D("62.50")
    # sales ₩4,875,000: ROAS = 3.25, ROI = (4,875,000 - 1,500,000) / 1,500,000 = 225.00 %
    assert m.roas(D("4875000"), spend) == D("3.25")
    assert m.roi(D("4875000"), spend) == D("225.00")
    # a loss: sales ₩900,000 -> ROI -40.00 %, ROAS 0.60
    assert m.roi(D("900000"), spend) == D("-40.00")
    assert m.roas(D("900000"), spend) == D("0.60")


def test_no_divisor_means_no_figure():
    assert m.cpm(D(100), 0) is None
    assert m.cpe(D(100), 0) is None
    assert m.roas(D(100), D(0)) is None
    assert m.roi(D(100), D(0)) is None
    assert m.change(D(5), D(0)) is None and m.change(None, D(3)) is None


def test_funnel_by_hand():
    # 20,000 views at 2.50 % CTR = 500 clicks; at 4.00 % conversion = 20 orders
    day_clicks = m.clicks(20_000, D("2.50"))
    assert day_clicks == D("500")
    assert m.conversions(day_clicks, D("4.00")) == D("20")
    assert m.clicks(1000, None) == 0


def test_period_figures_follow_each_platforms_rule_and_weight_by_views():
    totals = m.Totals(
        by_platform={
            # engagements 300 + 100 + 50 = 450 (shares ignored)
            "xiaohongshu": {"views": 10_000, "likes": 300, "saves": 100, "comments": 50, "shares": 70},
            # engagements 900 + 20 + 60 + 20 = 1,000
            "douyin": {"views": 40_000, "likes": 900, "saves": 20, "comments": 60, "shares": 20},
        },
        clicks=D("1000"),
        conversions=D("50"),
        sales=D("2000000"),
        spend=D("800000"),
    )
    f = m.figures(totals)
    assert (f.views, f.engagements) == (50_000, 1_450)
    # 1,450 / 50,000 = 2.90 % (the mean of the two daily rates, 4.50 and 2.50, would say 3.50)
    assert f.engagement_rate == D("2.90")
    assert f.cpe == D("551.72")  # 800,000 / 1,450 = 551.724…
    assert f.cpm == D("16000.00")
    assert f.roas == D("2.50") and f.roi == D("150.00")


def test_change_against_the_previous_period():
    assert m.change(150, 120) == D("25.00")
    assert m.change(D("90"), D("120")) == D("-25.00")


def test_the_importers_integer_rate_agrees_with_the_decimal_one():
    """engagement_rate_text (integer arithmetic, a million rows an import) must round exactly like engagement_rate."""
    import random

    rng = random.Random(7)
    for _ in range(20_000):
        platform = rng.choice(m.PLATFORMS)
        views = rng.choice([1, 3, 7, rng.randint(1, 100), rng.randint(1, 10**7)])
        counts = {k: rng.randint(0, max(1, views // rng.choice([1, 5, 50]))) for k in ("likes", "comments", "shares", "saves")}
        expected = min(m.engagement_rate(platform, views=views, **counts), D("999.99"))
        assert m.engagement_rate_text(platform, views=views, **counts) == str(expected), (platform, views, counts)
    assert m.engagement_rate_text("douyin", views=0, likes=3) == "\\N"
