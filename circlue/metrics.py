"""Derived campaign figures, defined once: engagement per platform, clicks and conversions, CPM, CPE, cost per view,
ROI and ROAS. Pure: Decimal in, Decimal out; every page, the importer and the repository use these.

Engagement counts differ by platform. Each follows what the platform's own creator and advertiser tools call
"interactions", as account managers read them there (and as ARCHITECTURE.md section 5 and issue 10 write them):
- Xiaohongshu (小红书, 蒲公英 "互动量"): likes + saves + comments. Shares are not an interaction there.
- Douyin (抖音, 巨量星图 "互动量"), Weibo (微博 "转评赞" plus 收藏) and Bilibili (哔哩哔哩 "互动": 点赞, 收藏,
  分享, 评论; coins are not in the seed's columns): likes + saves + comments + shares.
Engagement rate = engagements / views, as a percentage with two decimals (the seed's NUMERIC(5,2)); a period's rate is
its engagements over its views (weighted by views), never an average of daily rates.

Money (KRW): spend is the agreed ad fees (`campaign_influencers.ad_fee`) of the campaigns shown, accrued evenly over
each campaign's days (start to end, as a fee for a service period is): a period carries the part of the fees its days
of the campaign hold, the periods add up to the fees, and a closed month's spend does not move when metrics arrive
later (`spend_share`); days outside the campaign carry none. Sales are `performance_metrics.sales_amount`.
CPM = spend / views × 1000; CPE = spend / engagements; cost per view = spend / views; ROAS = sales / spend;
ROI = (sales − spend) / spend. A figure whose divisor is zero is None ("—"), never 0 or infinity.

The funnel: clicks = views × click-through rate; conversions = clicks × conversion rate (rates are the day's
percentages; the repository applies the same two products per metric row before summing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLATFORMS = ("douyin", "xiaohongshu", "weibo", "bilibili")

# platform -> the counts that make its engagements, with the source each follows (module docstring).
ENGAGEMENT_COUNTS: dict[str, tuple[str, ...]] = {
    "xiaohongshu": ("likes", "saves", "comments"),
    "douyin": ("likes", "saves", "comments", "shares"),
    "weibo": ("likes", "saves", "comments", "shares"),
    "bilibili": ("likes", "saves", "comments", "shares"),
}
ENGAGEMENT_SOURCE: dict[str, str] = {
    "xiaohongshu": "小红书 蒲公英 互动量 = 点赞 + 收藏 + 评论",
    "douyin": "抖音 巨量星图 互动量 = 点赞 + 评论 + 分享 (+ 收藏)",
    "weibo": "微博 转评赞 (转发 + 评论 + 点赞) + 收藏",
    "bilibili": "哔哩哔哩 互动 = 点赞 + 收藏 + 分享 + 评论 (投币 not tracked)",
}
COUNTS = ("views", "likes", "comments", "shares", "saves")

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal | int, denominator: Decimal | int, places: Decimal = _CENT) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def engagements(platform: str, *, likes: int = 0, comments: int = 0, shares: int = 0, saves: int = 0) -> int:
    """The interactions the platform counts (see ENGAGEMENT_COUNTS)."""
    counts = {"likes": likes or 0, "comments": comments or 0, "shares": shares or 0, "saves": saves or 0}
    try:
        names = ENGAGEMENT_COUNTS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; one of {', '.join(PLATFORMS)}") from None
    return sum(counts[name] for name in names)


def engagement_rate(
    platform: str, *, views: int, likes: int = 0, comments: int = 0, shares: int = 0, saves: int = 0
) -> Decimal | None:
    """Engagements / views in percent, two decimals (None without views)."""
    return _pct(engagements(platform, likes=likes, comments=comments, shares=shares, saves=saves), views or 0)


def engagement_rate_text(
    platform: str, *, views: int, likes: int = 0, comments: int = 0, shares: int = 0, saves: int = 0
) -> str:
    """engagement_rate() as text for COPY ('\\N' without views), in integer arithmetic: the importer calls it for a
    million rows. Half up like the Decimal version, capped at the column's 999.99; a test checks they agree."""
    if not views:
        return "\\N"
    hundredths = (2 * 10_000 * engagements(platform, likes=likes, comments=comments, shares=shares, saves=saves)
                  + views) // (2 * views)
    hundredths = min(hundredths, 99_999)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def period_engagement_rate(engagement_count: int, views: int) -> Decimal | None:
    """Engagements already counted by each platform's rule, over views, in percent (a period, an influencer)."""
    return _pct(engagement_count, views or 0)


def clicks(views: int, click_through_rate: Decimal | None) -> Decimal:
    """Clicks a day's views made: views × CTR (%)."""
    return Decimal(views or 0) * (click_through_rate or Decimal(0)) / _HUNDRED


def conversions(day_clicks: Decimal, conversion_rate: Decimal | None) -> Decimal:
    """Orders the clicks made: clicks × conversion rate (%)."""
    return day_clicks * (conversion_rate or Decimal(0)) / _HUNDRED


def spend_share(fee: Decimal, first: dt.date, last: dt.date, *, start: dt.date, end: dt.date) -> Decimal:
    """The part of a fee for the days `start`..`end` (inclusive) that a period `first`..`last` holds (KRW, 2 places)."""
    days = (end - start).days + 1
    held = (min(last, end) - max(first, start)).days + 1
    if not fee or days <= 0 or held <= 0:
        return Decimal(0)
    return (fee * Decimal(min(held, days)) / Decimal(days)).quantize(_CENT, ROUND_HALF_UP)


def cpm(spend: Decimal, views: int) -> Decimal | None:
    """Cost per thousand views (KRW, 2 decimals)."""
    return _ratio(spend * 1000, views)


def cpe(spend: Decimal, engagement_count: int) -> Decimal | None:
    """Cost per engagement (KRW, 2 decimals)."""
    return _ratio(spend, engagement_count)


def cost_per_view(spend: Decimal, views: int) -> Decimal | None:
    """Cost per view (KRW, 4 decimals: views cost won-fractions)."""
    return _ratio(spend, views, Decimal("0.0001"))


def roas(sales: Decimal, spend: Decimal) -> Decimal | None:
    """Sales per won spent (2 decimals; 3.25 means ₩3.25 of sales per ₩1)."""
    return _ratio(sales, spend)


def roi(sales: Decimal, spend: Decimal) -> Decimal | None:
    """(Sales − spend) / spend, as a percentage with two decimals."""
    return _pct(sales - spend, spend)


@dataclass(frozen=True)
class Totals:
    """Summed counts of a set of metric rows, kept per platform so engagements follow each platform's rule."""

    by_platform: Mapping[str, Mapping[str, int]]
    clicks: Decimal = Decimal(0)
    conversions: Decimal = Decimal(0)
    sales: Decimal = Decimal(0)
    spend: Decimal = Decimal(0)

    @property
    def views(self) -> int:
        """All views."""
        return sum(c.get("views", 0) or 0 for c in self.by_platform.values())

    @property
    def engagements(self) -> int:
        """Engagements, each platform counted by its own rule."""
        return sum(
            engagements(p, **{k: c.get(k, 0) or 0 for k in ("likes", "comments", "shares", "saves")})
            for p, c in self.by_platform.items()
        )


@dataclass(frozen=True)
class Figures:
    """What a dashboard tile row shows for one period."""

    views: int
    engagements: int
    engagement_rate: Decimal | None
    spend: Decimal
    cpe: Decimal | None
    cpm: Decimal | None
    cost_per_view: Decimal | None
    clicks: Decimal
    conversions: Decimal
    sales: Decimal
    roas: Decimal | None
    roi: Decimal | None


def figures(totals: Totals) -> Figures:
    """Every derived figure of a period from its totals."""
    views, engaged = totals.views, totals.engagements
    return Figures(
        views=views,
        engagements=engaged,
        engagement_rate=period_engagement_rate(engaged, views),
        spend=totals.spend,
        cpe=cpe(totals.spend, engaged),
        cpm=cpm(totals.spend, views),
        cost_per_view=cost_per_view(totals.spend, views),
        clicks=totals.clicks,
        conversions=totals.conversions,
        sales=totals.sales,
        roas=roas(totals.sales, totals.spend),
        roi=roi(totals.sales, totals.spend),
    )


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """Change against the previous period in percent (None when there is nothing to compare with)."""
    if current is None or previous is None or not previous:
        return None
    return _pct(Decimal(current) - Decimal(previous), previous)
