"""The builder's content part: each contracted influencer's plan, submission, files and feedback rounds."""

from __future__ import annotations

import datetime as dt
import uuid

from circlue.models import ContentFile, ContentPlan, ContentRevision, ContentSubmission
from circlue.ops.demo.accounts import MANAGER_EMAIL
from circlue.ops.demo.base import CST, FILES, METRIC_DAYS, BuilderBase, CampaignPlan, Pick
from circlue.ops.demo.content_data import APPROVALS, HASHTAGS, HOOKS, OUTLINES, PLAN_REQUESTS, SUBMISSION_REQUESTS
from circlue.ops.demo.influencer_data import post_url
from circlue.workflow import CAMPAIGN_STATUSES


class ContentMixin(BuilderBase):
    """Plans content as far as each campaign's stage has gone: plans, then submissions, then what was published."""

    def plan_content(self, campaign: CampaignPlan, pick: Pick, dates: tuple[dt.date, dt.date]) -> None:
        """Queue a contracted influencer's plan, submission, files, revisions and metrics."""
        r = self.rng
        rank = CAMPAIGN_STATUSES.index(campaign.status)
        kind = campaign.brand.persona_kind
        content_type = {
            "douyin": "video", "bilibili": "video",
            "xiaohongshu": r.choice(("image", "video")), "weibo": r.choice(("image", "image", "video")),
        }[pick.platform]
        production_start, production_deadline = dates
        if rank == CAMPAIGN_STATUSES.index("planning"):
            plan_status = r.choice(("draft", "submitted", "revision-requested", "approved"))
        else:
            plan_status = "approved"
        plan_created = self.at(production_start)
        plan_id = self.new_id()
        product_cn = campaign.product.name_cn
        hook = r.choice(HOOKS[kind]).format(product=product_cn)
        plan_data = {
            "title": f"{campaign.brand.name_cn}{product_cn}｜{hook}",
            "hook": hook,
            "outline": list(OUTLINES[kind]),
            "hashtags": [f"#{campaign.brand.name_cn}", *r.sample(HASHTAGS[kind], 3)],
            "key_messages": [campaign.product.usp],
            "cta": "点击左下角小黄车，天猫国际同款" if campaign.ad_type == "live-commerce" else "评论区抽3位送正装",
            "publish_window": "20:00-22:00",
            "format": {"duration_sec": r.choice((30, 45, 60, 90))} if content_type == "video" else {"images": 6},
        }
        revisions = self.plan_revisions("plan", plan_id, plan_status, plan_created, campaign)
        self.put(
            ContentPlan,
            id=plan_id,
            campaign_id=campaign.id,
            influencer_id=pick.id,
            content_type=content_type,
            status=plan_status,
            plan_data=plan_data,
            current_revision_number=revisions,
            created_at=plan_created,
        )
        if rank < CAMPAIGN_STATUSES.index("producing"):
            return
        if campaign.status == "producing":
            status = r.choice(("draft", "submitted", "revision-requested"))
        elif campaign.status == "content-review":
            status = r.choice(("submitted", "submitted", "revision-requested", "approved"))
        else:
            status = "published"
        submission_id = self.new_id()
        created = self.at(production_start + (production_deadline - production_start) / 2)
        published_at = None
        if status == "published":
            window_end = campaign.end if campaign.status == "completed" else self.today
            first_day = window_end - dt.timedelta(days=METRIC_DAYS - 1)
            published_at = self.at(first_day, hours=(18, 22), tz=CST)
        revisions = self.plan_revisions("submission", submission_id, status, created, campaign)
        self.put(
            ContentSubmission,
            id=submission_id,
            campaign_id=campaign.id,
            influencer_id=pick.id,
            content_type=content_type,
            status=status,
            current_revision_number=revisions,
            published_url=post_url(r, pick.platform) if published_at else None,
            published_at=published_at,
            created_at=created,
        )
        self.plan_files(submission_id, content_type, pick.platform, created)
        if published_at is not None:
            self.plan_metrics(campaign, pick, submission_id, published_at.date())

    def plan_revisions(
        self, parent: str, parent_id: uuid.UUID, status: str, created: dt.datetime, campaign: CampaignPlan
    ) -> int:
        """Queue the feedback rounds behind a plan or submission; returns how many (its revision number)."""
        r = self.rng
        if status == "draft":
            return 0
        requested = {"submitted": r.randint(0, 1), "revision-requested": r.randint(1, 2)}.get(status, r.randint(0, 2))
        rounds = ["revision-requested"] * requested
        if status in ("approved", "published"):
            rounds.append("approved")
        requests = PLAN_REQUESTS if parent == "plan" else SUBMISSION_REQUESTS
        reviewers = (self.user_ids[campaign.brand.owner], self.user_ids[MANAGER_EMAIL])
        for number, outcome in enumerate(rounds, start=1):
            feedback = r.choice(APPROVALS) if outcome == "approved" else r.choice(requests)
            self.put(
                ContentRevision,
                content_plan_id=parent_id if parent == "plan" else None,
                submission_id=parent_id if parent == "submission" else None,
                revision_number=number,
                feedback=feedback,
                feedback_by=r.choice(reviewers),
                status=outcome,
                revision_data={"round": number, "requested_changes": [] if outcome == "approved" else [feedback]},
                created_at=min(created + dt.timedelta(days=2 * number, hours=r.randint(0, 8)), self.now),
            )
        return len(rounds)

    def plan_files(self, submission_id: uuid.UUID, content_type: str, platform: str, created: dt.datetime) -> None:
        """Queue the files of a submission: one video, or a carousel of images."""
        r = self.rng
        base = f"{FILES}/content/{submission_id}"
        if content_type == "video":
            seconds = {"douyin": (15, 90), "bilibili": (180, 600), "xiaohongshu": (30, 180), "weibo": (15, 120)}
            duration = r.randint(*seconds[platform])
            self.put(
                ContentFile,
                submission_id=submission_id,
                file_url=f"{base}/final.mp4",
                file_type="video/mp4",
                file_size=duration * r.randint(600_000, 1_500_000),
                thumbnail_url=f"{base}/final_thumb.jpg",
                duration=duration,
                created_at=created,
            )
            return
        for n in range(1, r.randint(3, 9) + 1):
            self.put(
                ContentFile,
                submission_id=submission_id,
                file_url=f"{base}/image_{n:02d}.jpg",
                file_type="image/jpeg",
                file_size=r.randint(800_000, 6_000_000),
                thumbnail_url=f"{base}/image_{n:02d}_thumb.jpg",
                duration=None,
                created_at=created,
            )
