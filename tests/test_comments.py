"""Comment import and sentiment: classification stored, analyses rebuilt per metric day, twice is once, RLS, attacks."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from circlue.db import unit_of_work
from circlue.errors import ValidationError
from circlue.repository import comments
from circlue.tabular import csv_bytes, read_rows
from tests.conftest import actor_of

COMMENTS = [
    ("姐妹们冲！已经回购第三次了😍", 120, "pos"),
    ("求链接！！", 8, "pos"),
    ("用了两天就烂脸了，避雷🙄", 45, "neg"),
    ("智商税，别买", 30, "neg"),
    ("敏感肌能用吗？多少钱", 2, "neu"),
    ("质地很清爽，吸收快，会回购", 15, "pos"),
]


@pytest.fixture(scope="module")
def content(owner_engine):
    """A published submission of the glow brand with metric rows, and its first metric date."""
    with owner_engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT s.id, s.published_url, min(m.metric_date) AS first_day, max(m.metric_date) AS last_day"
                " FROM content_submissions s JOIN performance_metrics m ON m.content_submission_id = s.id"
                " JOIN campaigns c ON c.id = s.campaign_id JOIN brands b ON b.id = c.brand_id"
                " JOIN users u ON u.id = b.user_id WHERE u.email = 'brand.glow@circlue.demo'"
                " GROUP BY s.id, s.published_url ORDER BY s.id LIMIT 1"
            )
        ).one()


def _import(app_engine, data: bytes, submission_id=None, who="manager@circlue.demo", progress=None):
    with unit_of_work(actor_of(who), engine=app_engine) as session:
        return comments.import_comments(
            session, rows=read_rows(io.BytesIO(data), "c.csv", allowed=comments.HEADER, required=comments.REQUIRED),
            submission_id=submission_id, progress=progress,
        )


def test_comments_are_classified_stored_and_aggregated(app_engine, owner_engine, content):
    day = content.first_day.isoformat()
    data = csv_bytes(comments.HEADER, [("douyin", content.published_url, body, day, likes) for body, likes, _ in COMMENTS])
    seen = []
    result = _import(app_engine, data, progress=lambda done, total: seen.append((done, total)))
    assert (result.total, result.new) == (6, 6)
    assert (result.positive, result.negative, result.neutral) == (3, 2, 1)
    assert seen and seen[-1] == (6, 6)
    with owner_engine.connect() as conn:
        labels = dict(conn.execute(
            text("SELECT body, label FROM content_comments WHERE content_submission_id = :s"), {"s": content.id}
        ).all())
        analysis = conn.execute(
            text("SELECT * FROM comment_analysis ca JOIN performance_metrics m ON m.id = ca.performance_metric_id"
                 " AND m.metric_date = ca.metric_date WHERE m.content_submission_id = :s AND ca.metric_date = :d"),
            {"s": content.id, "d": content.first_day},
        ).mappings().one()
    assert labels == {body: label for body, _, label in COMMENTS}
    assert (analysis["total_comments"], analysis["positive_comments"], analysis["negative_comments"]) == (6, 3, 2)
    assert -1 <= analysis["sentiment_score"] <= 1
    data_ = analysis["analysis_data"]
    # 冲/回购, 求链接, 多少钱 (a price question is intent though neutral) and 会回购 are purchase intent; the complaint
    # with 别买 is not.
    assert data_["purchase_intent_share"] == pytest.approx(4 / 6, abs=0.001)
    assert data_["net_sentiment"] == pytest.approx((3 - 2) / 6, abs=0.001)
    assert data_["top_positive"][0]["text"] == "姐妹们冲！已经回购第三次了😍"
    assert data_["top_negative"][0]["text"] == "用了两天就烂脸了，避雷🙄"
    assert analysis["key_topics"]

    again = _import(app_engine, data)
    assert (again.total, again.new) == (6, 0)
    with owner_engine.connect() as conn:
        total = conn.execute(
            text("SELECT sum(ca.total_comments) FROM comment_analysis ca JOIN performance_metrics m"
                 " ON m.id = ca.performance_metric_id AND m.metric_date = ca.metric_date"
                 " WHERE m.content_submission_id = :s AND ca.analysis_data->>'engine' = 'circlue.ai.sentiment'"),
            {"s": content.id},
        ).scalar()
    assert total == 6, "importing the same comments twice must not double them"


def test_a_comment_dated_before_any_metric_joins_the_first_metric_day(app_engine, owner_engine, content):
    data = csv_bytes(comments.HEADER, [("", "", "颜值很高，可惜一点也不好用", "2001-01-01", 0)])
    result = _import(app_engine, data, submission_id=content.id)
    assert result.new == 1
    with owner_engine.connect() as conn:
        days = conn.execute(
            text("SELECT ca.metric_date FROM comment_analysis ca JOIN performance_metrics m"
                 " ON m.id = ca.performance_metric_id AND m.metric_date = ca.metric_date"
                 " WHERE m.content_submission_id = :s AND ca.analysis_data->>'comments_from' = '2001-01-01'"),
            {"s": content.id},
        ).scalars().all()
    assert days == [content.first_day]


def test_bad_lines_are_listed_and_unknown_posts_too(app_engine, content):
    rows = [("douyin", content.published_url, "好用", "2026-13-01", 1),
            ("tiktok", content.published_url, "好用", "2026-01-01", 1),
            ("douyin", "https://example.com/unknown", "好用", "2026-01-01", "many")]
    with pytest.raises(ValidationError):
        _import(app_engine, csv_bytes(comments.HEADER, rows))


def test_a_brand_reads_only_comments_on_its_own_content(app_engine, owner_engine, content):
    with unit_of_work(actor_of("brand.glow@circlue.demo"), engine=app_engine) as session:
        own = session.execute(text("SELECT count(*) FROM content_comments")).scalar()
    with unit_of_work(actor_of("brand.lumiere@circlue.demo"), engine=app_engine) as session:
        other = session.execute(text("SELECT count(*) FROM content_comments WHERE content_submission_id = :s"),
                                {"s": content.id}).scalar()
    assert own > 0 and other == 0
