"""The builder's metrics part: daily performance of published content and weekly comment sentiment."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import ROUND_HALF_UP, Decimal

from circlue.metrics import engagement_rate
from circlue.models import CommentAnalysis, PerformanceMetric
from circlue.ops.demo.base import METRIC_DAYS, BuilderBase, CampaignPlan, Pick, round_won
from circlue.ops.demo.content_data import COMMENTS_NEGATIVE, COMMENTS_NEUTRAL, COMMENTS_POSITIVE, TOPICS
from circlue.repository.partitions import ensure_metric_partitions


def _rate(value: float) -> Decimal:
    """A percentage as NUMERIC(5,2)."""
    return Decimal(f"{min(max(value, 0.0), 999.99):.2f}")


class MetricsMixin(BuilderBase):
    """Plans 90 days of metrics for each published submission, with comment analysis once a week."""

    def plan_metrics(self, campaign: CampaignPlan, pick: Pick, submission_id: uuid.UUID, first: dt.date) -> None:
        """Queue 90 daily metric rows that peak on publication and decay, with weekly comment analysis."""
        r = self.rng
        peak = max(pick.avg_views, 500) * r.uniform(0.7, 1.8)
        live = campaign.ad_type == "live-commerce"
        price = Decimal(campaign.product.price)
        like_rate = {"douyin": 0.045, "xiaohongshu": 0.06, "weibo": 0.02, "bilibili": 0.055}[pick.platform]
        save_rate = {"douyin": 0.007, "xiaohongshu": 0.025, "weibo": 0.002, "bilibili": 0.015}[pick.platform]
        share_rate = {"douyin": 0.008, "xiaohongshu": 0.003, "weibo": 0.004, "bilibili": 0.003}[pick.platform]
        kind = campaign.brand.persona_kind
        for day in range(METRIC_DAYS):
            noise = r.uniform(0.85, 1.15)
            views = int(peak * (0.55 * math.exp(-day / 2.2) + 0.02 * math.exp(-day / 30)) * noise)
            likes = int(views * like_rate * r.uniform(0.8, 1.2))
            comments = int(likes * r.uniform(0.04, 0.1))
            shares = int(views * share_rate * r.uniform(0.7, 1.3))
            saves = int(views * save_rate * r.uniform(0.7, 1.3))
            ctr = r.uniform(2.0, 6.0) if live else r.uniform(0.5, 2.0)
            cvr = r.uniform(1.0, 8.0) if live else r.uniform(0.5, 3.0)
            orders = views * ctr / 100 * cvr / 100
            metric_id = self.put(
                PerformanceMetric,
                campaign_id=campaign.id,
                influencer_id=pick.id,
                content_submission_id=submission_id,
                platform=pick.platform,
                metric_date=first + dt.timedelta(days=day),
                views=views,
                likes=likes,
                comments=comments,
                shares=shares,
                saves=saves,
                engagement_rate=min(
                    engagement_rate(
                        pick.platform, views=views, likes=likes, comments=comments, shares=shares, saves=saves
                    )
                    or Decimal("0.00"),
                    Decimal("999.99"),
                ),
                click_through_rate=_rate(ctr),
                conversion_rate=_rate(cvr),
                sales_amount=round_won(Decimal(orders * r.uniform(1.0, 1.6)) * price, 100),
            )
            if day % 7 == 0 and comments > 0:
                self.plan_comment_analysis(metric_id, first + dt.timedelta(days=day), comments, kind)

    def ensure_metric_partitions(self) -> None:
        """Month partitions for every planned metric date, so no demo row waits in the DEFAULT partition."""
        dates = [row["metric_date"] for row in self.rows.get(PerformanceMetric, [])]
        if dates:
            ensure_metric_partitions(self.session, first=min(dates), last=max(dates))

    def plan_comment_analysis(self, metric_id: uuid.UUID, metric_date: dt.date, total: int, kind: str) -> None:
        """Queue a sentiment summary of one metric row's comments."""
        r = self.rng
        positive = int(total * r.uniform(0.55, 0.8))
        negative = min(int(total * r.uniform(0.03, 0.15)), total - positive)
        neutral = total - positive - negative
        topics = r.sample(TOPICS[kind], r.randint(3, 5))
        samples = (
            [{"text": t, "label": "pos"} for t in r.sample(COMMENTS_POSITIVE[kind], 2)]
            + [{"text": r.choice(COMMENTS_NEUTRAL), "label": "neu"}]
            + ([{"text": r.choice(COMMENTS_NEGATIVE), "label": "neg"}] if negative else [])
        )
        self.put(
            CommentAnalysis,
            performance_metric_id=metric_id,
            metric_date=metric_date,
            total_comments=total,
            positive_comments=positive,
            negative_comments=negative,
            neutral_comments=neutral,
            key_topics=topics,
            sentiment_score=Decimal((positive - negative) / total).quantize(Decimal("0.01"), ROUND_HALF_UP),
            analysis_data={
                "sample_comments": samples,
                "topic_counts": {t: r.randint(1, max(1, total // 3)) for t in topics},
                "engine": "demo",
            },
        )
