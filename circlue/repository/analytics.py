"""Performance dashboards: one scan of a date range answers every chart (RLS keeps a brand to its own campaigns).

`brand_dashboard` reads the chosen period and the one before it in a single statement with GROUPING SETS (per
campaign-influencer pair and period, per day and platform, per piece of content), then a second for the comment
sentiment; the derived figures come from circlue.metrics. Run it in `unit_of_work(actor, readonly=True)`.

Spend in a period is the agreed fees (`ad_fee` of contracted and completed invitations) of the campaigns shown (not
cancelled ones; the same campaigns the picker offers), accrued evenly over each campaign's days
(circlue.metrics.spend_share): a week of a four-week campaign carries a quarter of its fees, whether or not every
post had results that week. So the week's CPE and its change against the week before are fair, periods add up to the
fees, and a closed period's spend does not move when metrics arrive later. The influencer table shows each pair's
own share, split over its platforms' rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from circlue import metrics
from circlue.errors import ValidationError
from circlue.repository.comments import Sentiment, period_sentiment

MAX_DAYS = 731
_ZERO = Decimal(0)



@dataclass(frozen=True)
class Day:
    """One day's figures (all platforms)."""

    day: dt.date
    views: int
    engagements: int
    sales: Decimal


@dataclass(frozen=True)
class InfluencerRow:
    """One influencer's results in the period across the chosen campaigns."""

    influencer_id: uuid.UUID
    name: str
    platform: str
    views: int
    engagements: int
    engagement_rate: Decimal | None
    spend: Decimal
    cpe: Decimal | None
    sales: Decimal
    roas: Decimal | None


@dataclass(frozen=True)
class PlatformRow:
    """One platform's share of the period."""

    platform: str
    views: int
    engagements: int
    engagement_rate: Decimal | None
    sales: Decimal


@dataclass(frozen=True)
class ContentRow:
    """A piece of content and its results in the period."""

    submission_id: uuid.UUID
    url: str | None
    influencer: str
    platform: str
    campaign: str
    views: int
    engagements: int
    engagement_rate: Decimal | None
    sales: Decimal


@dataclass(frozen=True)
class Dashboard:
    """Everything the brand performance page shows for a period and the one before it."""

    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    current: metrics.Figures
    previous: metrics.Figures
    days: list[Day]
    influencers: list[InfluencerRow]
    platforms: list[PlatformRow]
    content: list[ContentRow]
    sentiment: Sentiment | None = None
    rows: list[dict[str, object]] = field(default_factory=list)


def _check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError("종료일은 시작일 이후여야 합니다 / the end date must be on or after the start date")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"기간은 {MAX_DAYS}일까지입니다 / at most {MAX_DAYS} days at a time")


def _scope(session: Session, campaign_ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID] | None:
    """The campaigns to read, as a condition the planner can use: the chosen ones, limited to a brand user's own.

    Row-level security stays the rule; but its policies are OR'ed with the staff policy, so the planner can only
    filter rows by them, never look them up by index: on ten million rows a brand's 90 days read every brand's rows
    of those months. The same list, said in the query, lets it use (campaign_id, metric_date). None: no limit (staff,
    nothing chosen).
    """
    # work_mem for this transaction too: with the default 4 MB the grouping sets are sorted one after another
    # instead of hashed in one pass (55 ms against 25 ms for a brand's 90 days among ten million rows).
    own = session.execute(
        text(
            "SELECT set_config('work_mem', '32MB', true),"
            " CASE WHEN public.circlue_is_staff() THEN NULL ELSE public.circlue_my_campaign_ids() END"
        )
    ).one()[1]
    if own is None:
        return list(campaign_ids) if campaign_ids else None
    if campaign_ids:
        chosen = set(campaign_ids)
        return [c for c in own if c in chosen]
    return list(own)


_SCAN = """
SELECT GROUPING(m.metric_date) AS g_day, GROUPING(m.content_submission_id) AS g_content,
       m.campaign_id, m.influencer_id, m.platform, (m.metric_date >= :start) AS current,
       m.metric_date, m.content_submission_id,
       sum(m.views)::bigint AS views, sum(m.likes)::bigint AS likes, sum(m.comments)::bigint AS comments,
       sum(m.shares)::bigint AS shares, sum(m.saves)::bigint AS saves,
       -- circlue.metrics.clicks and .conversions, applied per row before summing; in float8, which sums ten times
       -- faster than numeric: these are estimates (views × a rounded rate), so a float's last digits change nothing.
       sum(m.views * m.click_through_rate::float8) / 100 AS clicks,
       sum(m.views * m.click_through_rate::float8 * m.conversion_rate::float8) / 10000 AS conversions,
       sum(COALESCE(m.sales_amount, 0)) AS sales
FROM public.performance_metrics m
WHERE m.metric_date BETWEEN :previous_start AND :end
  AND (CAST(:campaigns AS uuid[]) IS NULL OR m.campaign_id = ANY(CAST(:campaigns AS uuid[])))
GROUP BY GROUPING SETS (
    (m.campaign_id, m.influencer_id, m.platform, (m.metric_date >= :start)),
    (m.metric_date, m.platform),
    (m.content_submission_id, m.influencer_id, m.platform, m.campaign_id, (m.metric_date >= :start))
)
"""


def _estimate(value: float | None) -> Decimal:
    """A float8 estimate (clicks, conversions) as Decimal with two places."""
    return Decimal(repr(value)).quantize(Decimal("0.01")) if value else _ZERO


def _counts(row) -> dict[str, int]:  # noqa: ANN001 - a result row
    return {k: int(getattr(row, k) or 0) for k in ("views", "likes", "comments", "shares", "saves")}


def _engaged(platform: str, counts: dict[str, int]) -> int:
    return metrics.engagements(platform, **{k: counts[k] for k in ("likes", "comments", "shares", "saves")})


def brand_dashboard(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    campaign_ids: Sequence[uuid.UUID] | None = None,
    top: int = 10,
) -> Dashboard:
    """The performance of the acting user's visible campaigns (a brand: its own) from start to end, and the same
    number of days before, optionally for some campaigns only."""
    _check_range(start, end)
    length = (end - start).days + 1
    previous_end = start - dt.timedelta(days=1)
    previous_start = previous_end - dt.timedelta(days=length - 1)
    scope = _scope(session, campaign_ids)
    params = {"start": start, "end": end, "previous_start": previous_start, "campaigns": scope}
    rows = session.execute(text(_SCAN), params).all()
    # GROUPING() tells the three sets apart; rows without a submission are not content.
    pair_rows = [r for r in rows if r.g_day == 1 and r.g_content == 1]
    content_rows = [r for r in rows if r.g_content == 0 and r.content_submission_id is not None]
    day_rows = [r for r in rows if r.g_day == 0]

    keys = {(r.campaign_id, r.influencer_id) for r in pair_rows}
    fees, names, titles = _pair_facts(session, keys)
    accruing = _campaign_fees(session, scope, previous_start, end)

    def totals(current: bool) -> metrics.Totals:
        by_platform: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        clicks = conversions = sales = _ZERO
        first, last = (start, end) if current else (previous_start, previous_end)
        spend = sum((_accrued(fee, first, last) for fee in accruing.values()), _ZERO)
        for r in pair_rows:
            if r.current is not current:
                continue
            for k, v in _counts(r).items():
                by_platform[r.platform][k] += v
            clicks += _estimate(r.clicks)
            conversions += _estimate(r.conversions)
            sales += r.sales or _ZERO
        return metrics.Totals(by_platform=by_platform, clicks=clicks, conversions=conversions, sales=sales,
                              spend=spend)

    days = _days(day_rows, start, end)
    return Dashboard(
        start=start, end=end, previous_start=previous_start, previous_end=previous_end,
        current=metrics.figures(totals(True)), previous=metrics.figures(totals(False)),
        days=days,
        influencers=_influencers(pair_rows, fees, names, start, end),
        platforms=_platforms(pair_rows),
        content=_content(session, content_rows, names, titles, top),
        sentiment=period_sentiment(session, start=start, end=end, scope=scope),
    )


def _pair_facts(session: Session, keys: set[tuple[uuid.UUID, uuid.UUID]]):  # noqa: ANN202 - three dicts
    """Agreed fees per pair with its campaign's dates (to accrue the fee over), influencer names, campaign titles
    (one query; RLS applies)."""
    if not keys:
        return {}, {}, {}
    campaigns, influencers = zip(*keys, strict=True)
    facts = session.execute(
        text(
            "SELECT ci.campaign_id, ci.influencer_id, COALESCE(ci.ad_fee, 0) AS fee, i.name, c.title,"
            " c.campaign_start_date, c.campaign_end_date"
            " FROM unnest(CAST(:c AS uuid[]), CAST(:i AS uuid[])) AS k(campaign_id, influencer_id)"
            " JOIN public.campaign_influencers ci ON ci.campaign_id = k.campaign_id"
            "  AND ci.influencer_id = k.influencer_id AND ci.status IN ('contracted', 'completed')"
            " JOIN public.influencers i ON i.id = ci.influencer_id JOIN public.campaigns c ON c.id = ci.campaign_id"
        ),
        {"c": list(campaigns), "i": list(influencers)},
    ).all()
    fees = {
        (f.campaign_id, f.influencer_id): (Decimal(f.fee), f.campaign_start_date, f.campaign_end_date) for f in facts
    }
    names = {f.influencer_id: f.name for f in facts}
    titles = {f.campaign_id: f.title for f in facts}
    return fees, names, titles


def _campaign_fees(
    session: Session, scope: list[uuid.UUID] | None, first: dt.date, last: dt.date
) -> dict[uuid.UUID, tuple[Decimal, dt.date, dt.date]]:
    """Per campaign running in first..last: its agreed fees (contracted and completed) and its dates (RLS applies).

    Cancelled campaigns aside: settlements still bill their fees, but here those would accrue over days the campaign
    never ran. The campaign picker (campaign_options) offers the same campaigns."""
    rows = session.execute(
        text(
            "SELECT c.id, sum(COALESCE(ci.ad_fee, 0)) AS fees, c.campaign_start_date, c.campaign_end_date"
            " FROM public.campaigns c JOIN public.campaign_influencers ci ON ci.campaign_id = c.id"
            " AND ci.status IN ('contracted', 'completed')"
            " WHERE c.campaign_start_date <= :last AND c.campaign_end_date >= :first AND c.status <> 'cancelled'"
            " AND (CAST(:campaigns AS uuid[]) IS NULL OR c.id = ANY(CAST(:campaigns AS uuid[])))"
            " GROUP BY c.id"
        ),
        {"first": first, "last": last, "campaigns": scope},
    ).all()
    return {r.id: (Decimal(r.fees), r.campaign_start_date, r.campaign_end_date) for r in rows}


def _accrued(facts: tuple[Decimal, dt.date, dt.date], first: dt.date, last: dt.date) -> Decimal:
    """The part of (fee, campaign start, campaign end) that the period first..last holds."""
    fee, campaign_start, campaign_end = facts
    return metrics.spend_share(fee, first, last, start=campaign_start, end=campaign_end)


def _days(day_rows, start: dt.date, end: dt.date) -> list[Day]:  # noqa: ANN001 - result rows
    by_day: dict[dt.date, list[int | Decimal]] = {}
    for r in day_rows:
        if r.metric_date < start:
            continue
        entry = by_day.setdefault(r.metric_date, [0, 0, _ZERO])
        counts = _counts(r)
        entry[0] += counts["views"]
        entry[1] += _engaged(r.platform, counts)
        entry[2] += r.sales or _ZERO
    # Every day of the range, so a day without metrics shows as zero rather than a line bridging it.
    out = []
    day = start
    while day <= end:
        views, engaged, sales = by_day.get(day, (0, 0, _ZERO))
        out.append(Day(day, int(views), int(engaged), Decimal(sales)))
        day += dt.timedelta(days=1)
    return out


def _influencers(pair_rows, fees, names, start: dt.date, end: dt.date) -> list[InfluencerRow]:  # noqa: ANN001
    acc: dict[tuple[uuid.UUID, str], dict] = {}
    # A pair with results on two platforms has one fee: each platform's row carries an equal part of its share.
    platforms = Counter((r.campaign_id, r.influencer_id) for r in pair_rows if r.current)
    for r in pair_rows:
        if not r.current:
            continue
        entry = acc.setdefault(
            (r.influencer_id, r.platform), {"views": 0, "engaged": 0, "sales": _ZERO, "spend": _ZERO}
        )
        counts = _counts(r)
        entry["views"] += counts["views"]
        entry["engaged"] += _engaged(r.platform, counts)
        entry["sales"] += r.sales or _ZERO
        pair = (r.campaign_id, r.influencer_id)
        if pair in fees:
            entry["spend"] += (_accrued(fees[pair], start, end) / platforms[pair]).quantize(Decimal("0.01"))
    out = [
        InfluencerRow(
            influencer_id=influencer, name=names.get(influencer, "—"), platform=platform, views=e["views"],
            engagements=e["engaged"], engagement_rate=metrics.period_engagement_rate(e["engaged"], e["views"]),
            spend=e["spend"], cpe=metrics.cpe(e["spend"], e["engaged"]), sales=e["sales"],
            roas=metrics.roas(e["sales"], e["spend"]),
        )
        for (influencer, platform), e in acc.items()
    ]
    return sorted(out, key=lambda row: (-row.views, row.name))


def _platforms(pair_rows) -> list[PlatformRow]:  # noqa: ANN001 - result rows
    acc: dict[str, dict] = {}
    for r in pair_rows:
        if not r.current:
            continue
        entry = acc.setdefault(r.platform, {"views": 0, "engaged": 0, "sales": _ZERO})
        counts = _counts(r)
        entry["views"] += counts["views"]
        entry["engaged"] += _engaged(r.platform, counts)
        entry["sales"] += r.sales or _ZERO
    return [
        PlatformRow(p, e["views"], e["engaged"], metrics.period_engagement_rate(e["engaged"], e["views"]), e["sales"])
        for p, e in sorted(acc.items(), key=lambda kv: -kv[1]["views"])
    ]


def _content(session: Session, content_rows, names, titles, top: int) -> list[ContentRow]:  # noqa: ANN001
    current = [r for r in content_rows if r.current]
    current.sort(key=lambda r: -(r.views or 0))
    current = current[:top]
    if not current:
        return []
    urls = dict(
        session.execute(
            text("SELECT s.id, s.published_url FROM public.content_submissions s WHERE s.id = ANY(:ids)"),
            {"ids": [r.content_submission_id for r in current]},
        ).all()
    )
    out = []
    for r in current:
        counts = _counts(r)
        engaged = _engaged(r.platform, counts)
        out.append(
            ContentRow(
                submission_id=r.content_submission_id, url=urls.get(r.content_submission_id),
                influencer=names.get(r.influencer_id, "—"), platform=r.platform,
                campaign=titles.get(r.campaign_id, "—"), views=counts["views"], engagements=engaged,
                engagement_rate=metrics.period_engagement_rate(engaged, counts["views"]), sales=r.sales or _ZERO,
            )
        )
    return out


@dataclass(frozen=True)
class CampaignOption:
    """A campaign the acting user may filter by."""

    id: uuid.UUID
    title: str
    brand: str
    status: str


def campaign_options(session: Session) -> list[CampaignOption]:
    """Campaigns with agreed fees the acting user can see, cancelled ones aside, newest first (RLS: a brand's own)."""
    rows = session.execute(
        text(
            "SELECT c.id, c.title, b.name, c.status FROM public.campaigns c JOIN public.brands b ON b.id = c.brand_id"
            # The campaigns whose fees count as spend (_campaign_fees): agreed fees, not cancelled.
            " WHERE c.status <> 'cancelled' AND EXISTS (SELECT 1 FROM public.campaign_influencers x"
            "  WHERE x.campaign_id = c.id AND x.status IN ('contracted', 'completed'))"
            " ORDER BY c.campaign_start_date DESC, c.title LIMIT 500"
        ),
    ).all()
    return [CampaignOption(*r) for r in rows]


def export_rows(
    session: Session, *, start: dt.date, end: dt.date, campaign_ids: Sequence[uuid.UUID] | None = None,
    limit: int = 100_000,
) -> list[dict[str, object]]:
    """The metric rows behind the dashboard, with names, for CSV and Excel export (RLS applies)."""
    _check_range(start, end)
    params = {"start": start, "end": end, "limit": limit, "campaigns": _scope(session, campaign_ids)}
    rows = session.execute(
        text(
            "SELECT m.metric_date, c.title AS campaign, i.name AS influencer, m.platform, m.views, m.likes,"
            " m.comments, m.shares, m.saves, m.engagement_rate, m.click_through_rate, m.conversion_rate,"
            " m.sales_amount, s.published_url"
            " FROM public.performance_metrics m JOIN public.campaigns c ON c.id = m.campaign_id"
            " JOIN public.influencers i ON i.id = m.influencer_id"
            " LEFT JOIN public.content_submissions s ON s.id = m.content_submission_id"
            " WHERE m.metric_date BETWEEN :start AND :end"
            " AND (CAST(:campaigns AS uuid[]) IS NULL OR m.campaign_id = ANY(CAST(:campaigns AS uuid[])))"
            " ORDER BY m.metric_date, c.title, i.name LIMIT :limit"
        ),
        params,
    ).mappings().all()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class CampaignFigures:
    """One campaign's figures over a period, for the staff comparison."""

    campaign_id: uuid.UUID
    title: str
    brand: str
    status: str
    influencers: int
    figures: metrics.Figures


def campaign_comparison(
    session: Session, *, start: dt.date, end: dt.date, campaign_ids: Sequence[uuid.UUID] | None = None
) -> list[CampaignFigures]:
    """Campaigns side by side on the same figures for one period (staff see all; RLS keeps a brand to its own)."""
    _check_range(start, end)
    scope = _scope(session, campaign_ids)
    rows = session.execute(
        text(
            "SELECT m.campaign_id, m.influencer_id, m.platform,"
            " sum(m.views)::bigint AS views, sum(m.likes)::bigint AS likes, sum(m.comments)::bigint AS comments,"
            " sum(m.shares)::bigint AS shares, sum(m.saves)::bigint AS saves,"
            " sum(m.views * m.click_through_rate::float8) / 100 AS clicks,"
            " sum(m.views * m.click_through_rate::float8 * m.conversion_rate::float8) / 10000 AS conversions,"
            " sum(COALESCE(m.sales_amount, 0)) AS sales"
            " FROM public.performance_metrics m WHERE m.metric_date BETWEEN :start AND :end"
            " AND (CAST(:campaigns AS uuid[]) IS NULL OR m.campaign_id = ANY(CAST(:campaigns AS uuid[])))"
            " GROUP BY m.campaign_id, m.influencer_id, m.platform"
        ),
        {"start": start, "end": end, "campaigns": scope},
    ).all()
    if not rows:
        return []
    accruing = _campaign_fees(session, scope, start, end)
    info = {
        r.id: r
        for r in session.execute(
            text(
                "SELECT c.id, c.title, b.name AS brand, c.status FROM public.campaigns c"
                " JOIN public.brands b ON b.id = c.brand_id WHERE c.id = ANY(:ids)"
            ),
            {"ids": list({r.campaign_id for r in rows})},
        ).all()
    }
    acc: dict[uuid.UUID, dict] = {}
    for r in rows:
        entry = acc.setdefault(
            r.campaign_id,
            {"platforms": defaultdict(lambda: defaultdict(int)), "clicks": _ZERO, "conversions": _ZERO,
             "sales": _ZERO, "influencers": set()},
        )
        for k, v in _counts(r).items():
            entry["platforms"][r.platform][k] += v
        entry["clicks"] += _estimate(r.clicks)
        entry["conversions"] += _estimate(r.conversions)
        entry["sales"] += r.sales or _ZERO
        entry["influencers"].add(r.influencer_id)
    out = [
        CampaignFigures(
            campaign_id=cid, title=info[cid].title, brand=info[cid].brand, status=info[cid].status,
            influencers=len(e["influencers"]),
            figures=metrics.figures(
                metrics.Totals(by_platform=e["platforms"], clicks=e["clicks"], conversions=e["conversions"],
                               sales=e["sales"],
                               spend=_accrued(accruing[cid], start, end) if cid in accruing else _ZERO)
            ),
        )
        for cid, e in acc.items()
        if cid in info
    ]
    return sorted(out, key=lambda c: (-(c.figures.roas or 0), c.title))
