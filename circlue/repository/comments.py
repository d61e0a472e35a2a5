"""Comments on a piece of content: import (CSV), classify with circlue.ai.sentiment, keep them in content_comments,
and (re)build the comment_analysis of the metric rows they fall on. Staff write; a brand reads its own (RLS).

A comment belongs to the submission's metric row of its date, or of the latest earlier date with metrics (the first
one when it predates them all), so "sentiment over time" follows the content's own days. An analysis is rebuilt
from every stored comment of its metric row, so importing the same comments twice changes nothing.
period_sentiment() reads the analyses back for the dashboard.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from circlue.ai import sentiment
from circlue.errors import NotFound, ValidationError
from circlue.schemas.metric_rows import PLATFORM_NAMES, Problem

HEADER = ("platform", "post", "text", "date", "likes")
REQUIRED = ("text", "date")
MAX_LENGTH = 2000
ENGINE = "circlue.ai.sentiment"
_ZERO = Decimal(0)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class CommentsResult:
    """What a comments import did."""

    total: int
    new: int
    positive: int
    negative: int
    neutral: int
    analyses: int
    problems: list[Problem]


@dataclass(frozen=True)
class _Row:
    line: int
    platform: str | None
    post: str
    body: str
    day: dt.date
    likes: int


def _clean(value: Any) -> str:
    """Third-party text: control, invisible and direction characters dropped (not refused), trimmed, capped."""
    chars = (
        c for c in str(value or "")
        if c in "\n\t\u200d" or unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp", "Cf")
    )
    return " ".join("".join(chars).split())[:MAX_LENGTH]


def _parse(line: int, row: Mapping[str, Any]) -> _Row | Problem:
    reasons = []
    body = _clean(row.get("text"))
    if not body:
        reasons.append("text: 비어 있습니다 / is empty")
    raw_day = row.get("date")
    day = raw_day.date() if isinstance(raw_day, dt.datetime) else raw_day if isinstance(raw_day, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(raw_day or "").strip()[:10].replace("/", "-"))
        except ValueError:
            reasons.append("date: 날짜(YYYY-MM-DD)가 아닙니다 / is not a date (YYYY-MM-DD)")
    likes_text = str(row.get("likes") or "0").strip().replace(",", "")
    if not likes_text.isdigit():
        reasons.append("likes: 0 이상의 정수여야 합니다 / must be a whole number, 0 or more")
    platform_text = str(row.get("platform") or "").strip().lower()
    platform = PLATFORM_NAMES.get(platform_text) if platform_text else None
    if platform_text and platform is None:
        reasons.append(
            "platform: douyin, xiaohongshu, weibo, bilibili 중 하나 / one of douyin, xiaohongshu, weibo, bilibili"
        )
    if reasons:
        return Problem(line, tuple(reasons))
    return _Row(line, platform, str(row.get("post") or "").strip(), body, day, min(int(likes_text), 2_147_483_647))


def _submissions(session: Session, posts: set[str]) -> dict[str, uuid.UUID]:
    """Post (submission id or published URL) -> submission id, for the posts the acting user can see."""
    ids = [p for p in posts if _UUID.fullmatch(p)]
    urls = [p for p in posts if not _UUID.fullmatch(p)]
    rows = session.execute(
        text(
            "SELECT s.id::text AS post, s.id FROM public.content_submissions s WHERE s.id = ANY(CAST(:ids AS uuid[]))"
            " UNION ALL SELECT s.published_url, s.id FROM public.content_submissions s"
            " WHERE s.published_url = ANY(CAST(:urls AS text[]))"
        ),
        {"ids": ids, "urls": urls},
    ).all()
    return {post: sid for post, sid in rows}


def import_comments(
    session: Session,
    *,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    submission_id: uuid.UUID | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CommentsResult:
    """Classify and store the comments, then rebuild the analyses they touch; rows with problems are skipped and
    listed (a comment file is evidence, not bookkeeping: one unreadable line should not hold back thousands)."""
    parsed: list[_Row] = []
    problems: list[Problem] = []
    for line, row in rows:
        item = _parse(line, row)
        (problems if isinstance(item, Problem) else parsed).append(item)
    if not parsed:
        detail = f": {problems[0]}" if problems else ""
        raise ValidationError("가져올 댓글이 없습니다 / no comments to import" + detail)
    if submission_id is None:
        found = _submissions(session, {r.post for r in parsed if r.post})
        keep = []
        for r in parsed:
            if r.post in found:
                keep.append((r, found[r.post]))
            else:
                problems.append(Problem(r.line, ("post: 알 수 없는 콘텐츠입니다 / unknown content (URL or id)",)))
        pairs = keep
    else:
        pairs = [(r, submission_id) for r in parsed]
    if not pairs:
        raise ValidationError("어느 콘텐츠의 댓글인지 알 수 없습니다 / no row names known content")
    results = sentiment.classify([r.body for r, _ in pairs], on_progress=progress)
    values = {name: [] for name in ("sid", "platform", "day", "body", "likes", "label", "score", "intent", "sha")}
    platforms = _platforms(session, {sid for _, sid in pairs})
    for (r, sid), result in zip(pairs, results, strict=True):
        values["sid"].append(sid)
        values["platform"].append(r.platform or platforms[sid])
        values["day"].append(r.day)
        values["body"].append(r.body)
        values["likes"].append(r.likes)
        values["label"].append(result.label)
        values["score"].append(Decimal(str(result.score)).quantize(Decimal("0.0001")))
        values["intent"].append(sentiment.is_purchase_intent(result))
        values["sha"].append(hashlib.sha256(r.body.encode("utf-8")).hexdigest())
    new = session.execute(
        text(
            "INSERT INTO public.content_comments (content_submission_id, platform, comment_date, body, likes, label,"
            " score, purchase_intent, body_sha256)"
            " SELECT * FROM unnest(CAST(:sid AS uuid[]), CAST(:platform AS varchar[]), CAST(:day AS date[]),"
            " CAST(:body AS text[]), CAST(:likes AS int[]), CAST(:label AS varchar[]), CAST(:score AS numeric[]),"
            " CAST(:intent AS boolean[]), CAST(:sha AS varchar[]))"
            " ON CONFLICT ON CONSTRAINT content_comments_once DO NOTHING"
        ),
        values,
    ).rowcount
    analyses = rebuild_analyses(session, submission_ids={sid for _, sid in pairs})
    labels = [res.label for res in results]
    return CommentsResult(
        total=len(pairs), new=new, positive=labels.count("pos"), negative=labels.count("neg"),
        neutral=labels.count("neu"), analyses=analyses, problems=sorted(problems, key=lambda p: p.line),
    )


def _platforms(session: Session, submission_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = session.execute(
        text(
            "SELECT s.id, i.platform FROM public.content_submissions s JOIN public.influencers i"
            " ON i.id = s.influencer_id WHERE s.id = ANY(:ids)"
        ),
        {"ids": list(submission_ids)},
    ).all()
    found = {sid: platform for sid, platform in rows}
    missing = submission_ids - found.keys()
    if missing:
        raise NotFound("콘텐츠를 찾을 수 없습니다 / content not found")
    return found


def rebuild_analyses(session: Session, *, submission_ids: set[uuid.UUID]) -> int:
    """Replace the comment_analysis of every metric row the submissions' stored comments fall on; returns how many."""
    metric_rows = session.execute(
        text(
            "SELECT m.content_submission_id AS sid, m.id, m.metric_date FROM public.performance_metrics m"
            " WHERE m.content_submission_id = ANY(:ids) ORDER BY m.content_submission_id, m.metric_date"
        ),
        {"ids": list(submission_ids)},
    ).all()
    by_submission: dict[uuid.UUID, list] = defaultdict(list)
    for r in metric_rows:
        by_submission[r.sid].append(r)
    if submission_ids - by_submission.keys():
        raise ValidationError(
            "이 콘텐츠의 성과 데이터가 아직 없습니다. 성과 데이터를 먼저 가져오세요 / "
            "this content has no metrics yet: import its metrics first"
        )
    comments = session.execute(
        text(
            "SELECT c.content_submission_id AS sid, c.comment_date, c.body, c.likes, c.label, c.score"
            " FROM public.content_comments c WHERE c.content_submission_id = ANY(:ids)"
        ),
        {"ids": list(submission_ids)},
    ).all()
    groups: dict[tuple[uuid.UUID, dt.date], list] = defaultdict(list)
    for c in comments:
        days = [m.metric_date for m in by_submission[c.sid]]
        index = max(bisect.bisect_right(days, c.comment_date) - 1, 0)
        metric = by_submission[c.sid][index]
        groups[(metric.id, metric.metric_date)].append(c)
    keys = list(groups)
    session.execute(
        text(
            "DELETE FROM public.comment_analysis ca USING unnest(CAST(:ids AS uuid[]), CAST(:days AS date[])) k(id, d)"
            " WHERE ca.performance_metric_id = k.id AND ca.metric_date = k.d"
        ),
        {"ids": [k[0] for k in keys], "days": [k[1] for k in keys]},
    )
    rows = []
    for (metric_id, metric_date), group in groups.items():
        results = [sentiment.Result(c.body, c.label, float(c.score)) for c in group]
        summary = sentiment.aggregate_results(results, [c.likes for c in group], examples=3, topics=8)
        data = summary.analysis_data()
        data["engine"] = ENGINE
        data["topic_counts"] = {k: sum(k in c.body for c in group) for k in summary.key_topics}
        data["comments_from"] = min(c.comment_date for c in group).isoformat()
        data["comments_to"] = max(c.comment_date for c in group).isoformat()
        rows.append({
            "m": metric_id, "d": metric_date, "total": summary.total, "pos": summary.positive,
            "neg": summary.negative, "neu": summary.neutral, "topics": summary.key_topics,
            "score": Decimal(str(summary.sentiment_score)).quantize(Decimal("0.01"), ROUND_HALF_UP), "data": data,
        })
    if rows:
        session.execute(
            text(
                "INSERT INTO public.comment_analysis (performance_metric_id, metric_date, total_comments,"
                " positive_comments, negative_comments, neutral_comments, key_topics, sentiment_score, analysis_data)"
                " VALUES (:m, :d, :total, :pos, :neg, :neu, :topics, :score, CAST(:data AS jsonb))"
            ),
            [{**r, "data": _json(r["data"])} for r in rows],
        )
    return len(rows)


def _json(data: dict) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class SentimentDay:
    """Comment sentiment of one day (or of the week starting that day, over ranges longer than a month)."""

    day: dt.date
    comments: int
    positive: int
    negative: int
    neutral: int
    score: Decimal | None


@dataclass(frozen=True)
class Sentiment:
    """Comments behind the period's content: over time, topics, examples."""

    days: list[SentimentDay]
    topics: list[tuple[str, int]]
    positive_examples: list[tuple[str, int]]
    negative_examples: list[tuple[str, int]]
    purchase_intent_share: Decimal | None
    total: int


def period_sentiment(
    session: Session, *, start: dt.date, end: dt.date, scope: list[uuid.UUID] | None
) -> Sentiment | None:
    """Comment analyses of the period's metric rows, by day (by week over ranges longer than a month), with topics,
    purchase intent and examples; `scope` limits the campaigns as circlue.repository.analytics names them (RLS: a
    brand's own)."""
    params = {"start": start, "end": end, "campaigns": scope}
    rows = session.execute(
        text(
            "SELECT ca.metric_date, ca.total_comments, ca.positive_comments, ca.negative_comments,"
            " ca.neutral_comments, ca.sentiment_score, ca.key_topics, ca.analysis_data"
            " FROM public.comment_analysis ca JOIN public.performance_metrics m"
            "   ON m.id = ca.performance_metric_id AND m.metric_date = ca.metric_date"
            " WHERE ca.metric_date BETWEEN :start AND :end AND m.metric_date BETWEEN :start AND :end"
            " AND (CAST(:campaigns AS uuid[]) IS NULL OR m.campaign_id = ANY(CAST(:campaigns AS uuid[])))"
        ),
        params,
    ).all()
    if not rows:
        return None
    days: dict[dt.date, list] = {}
    topics: dict[str, int] = defaultdict(int)
    positive: list[tuple[str, int]] = []
    negative: list[tuple[str, int]] = []
    intent_weighted = _ZERO
    total = 0
    weekly = (end - start).days > 31
    intent_known = 0
    for r in rows:
        n = int(r.total_comments or 0)
        # Weeks over a long range: comments come in bursts, and a day's handful says little.
        bucket = r.metric_date - dt.timedelta(days=r.metric_date.weekday()) if weekly else r.metric_date
        entry = days.setdefault(bucket, [0, 0, 0, 0, _ZERO])
        entry[0] += n
        entry[1] += int(r.positive_comments or 0)
        entry[2] += int(r.negative_comments or 0)
        entry[3] += int(r.neutral_comments or 0)
        entry[4] += Decimal(r.sentiment_score or 0) * n
        total += n
        data = r.analysis_data or {}
        for topic in r.key_topics or ():
            topics[topic] += int((data.get("topic_counts") or {}).get(topic, 1))
        if "purchase_intent_share" in data:
            intent_known += n
            intent_weighted += Decimal(str(data["purchase_intent_share"] or 0)) * n
        for key, target in (("top_positive", positive), ("top_negative", negative)):
            target.extend((c["text"], int(c.get("likes", 0))) for c in data.get(key, ()) if c.get("text"))
        for sample in data.get("sample_comments", ()):  # the demo's own analyses
            target = positive if sample.get("label") == "pos" else negative if sample.get("label") == "neg" else None
            if target is not None:
                target.append((sample["text"], 0))
    sentiment_days = [
        SentimentDay(d, e[0], e[1], e[2], e[3], (e[4] / e[0]).quantize(Decimal("0.01")) if e[0] else None)
        for d, e in sorted(days.items())
    ]

    def top_examples(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        unique = {}
        for text_, likes in items:
            unique[text_] = max(likes, unique.get(text_, 0))
        return sorted(unique.items(), key=lambda kv: -kv[1])[:5]

    return Sentiment(
        days=sentiment_days,
        topics=sorted(topics.items(), key=lambda kv: -kv[1])[:15],
        positive_examples=top_examples(positive),
        negative_examples=top_examples(negative),
        purchase_intent_share=(intent_weighted / intent_known * 100).quantize(Decimal("0.1")) if intent_known else None,
        total=total,
    )


@dataclass(frozen=True)
class ContentOption:
    """A published piece of content comments can be imported for."""

    id: uuid.UUID
    label: str
    url: str | None


def content_options(session: Session) -> list[ContentOption]:
    """Content with metrics, newest first, named by brand, campaign, influencer and platform."""
    rows = session.execute(
        text(
            "SELECT s.id, b.name || ' · ' || c.title || ' · ' || i.name || ' (' || i.platform || ')', s.published_url"
            " FROM public.content_submissions s JOIN public.campaigns c ON c.id = s.campaign_id"
            " JOIN public.brands b ON b.id = c.brand_id JOIN public.influencers i ON i.id = s.influencer_id"
            " WHERE s.published_url IS NOT NULL ORDER BY s.published_at DESC NULLS LAST LIMIT 500"
        )
    ).all()
    return [ContentOption(*r) for r in rows]
