"""The builder's content part: plans and submissions walked through their workflows as the people who make them.

Each contracted influencer gets a plan (and, once the campaign produces, a submission) whose story is planned
first (versions, review outcomes, publication), then written the way the app writes it: the manager prepares and
sends each version, the brand asks for changes, the admin approves, the manager publishes. The database numbers
the rounds, signs them and snapshots what was reviewed, so the demo obeys the same rules as the app; only the
times are set afterwards, as the owner, so the queue shows realistic ages.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, text, update

from circlue.db import act_as_app, end_operator_sessions, operator_actor, set_actor
from circlue.models import ContentFile, ContentPlan, ContentRevision, ContentSubmission
from circlue.ops.demo.accounts import ADMIN_EMAIL, MANAGER_EMAIL
from circlue.ops.demo.base import CST, FILES, METRIC_DAYS, BuilderBase, CampaignPlan, Pick
from circlue.ops.demo.content_data import (
    APPROVALS,
    CAPTION_ENDINGS,
    CONCEPTS,
    HASHTAGS,
    HOOKS,
    MUSIC,
    OUTLINES,
    PLAN_REQUESTS,
    SCRIPT_LINES,
    SHOTS,
    SUBMISSION_REQUESTS,
)
from circlue.ops.demo.influencer_data import post_url
from circlue.ops.demo.pictures import PictureShelf
from circlue.schemas.content import parse_plan
from circlue.workflow import CAMPAIGN_STATUSES


@dataclass
class ContentStory:
    """One plan or submission as it will happen: its versions, how each review went, when, and publication."""

    kind: str
    id: uuid.UUID
    reviewer: uuid.UUID  # the brand user who asks for changes
    row: dict[str, Any]
    versions: list[dict[str, Any]]  # per version: plan_data, or caption and files
    submits: int
    rounds: list[tuple[str, str]]  # (outcome, feedback) per reviewed version
    times: list[dt.datetime]  # created, then one per submit and one per round, in order
    publish: dict[str, Any] | None = None
    revision_ids: list[uuid.UUID] = field(default_factory=list)
    file_times: list[tuple[uuid.UUID, dt.datetime]] = field(default_factory=list)


class ContentMixin(BuilderBase):
    """Plans content as far as each campaign's stage has gone, then walks it through the content workflows."""

    def plan_content(self, campaign: CampaignPlan, pick: Pick, dates: tuple[dt.date, dt.date]) -> None:
        """Plan a contracted influencer's plan and submission stories, and the metrics of what was published."""
        if not hasattr(self, "content_stories"):
            self.content_stories: list[ContentStory] = []
            self.content_rng = random.Random(f"{self.seed}:content")
        r = self.content_rng
        rank = CAMPAIGN_STATUSES.index(campaign.status)
        content_type = {
            "douyin": "video", "bilibili": "video",
            "xiaohongshu": r.choice(("image", "video")), "weibo": r.choice(("image", "image", "video")),
        }[pick.platform]
        production_start, production_deadline = dates
        reviewer = self.user_ids[campaign.brand.owner]
        planning = rank == CAMPAIGN_STATUSES.index("planning")
        plan_status = r.choice(("draft", "submitted", "revision-requested", "approved")) if planning else "approved"
        plan = self.plan_story(campaign, pick, content_type, plan_status, self.at(production_start))
        self.content_stories.append(plan)
        if rank < CAMPAIGN_STATUSES.index("producing"):
            return
        if campaign.status == "producing":
            status = r.choice(("draft", "submitted", "revision-requested"))
        elif campaign.status == "content-review":
            status = r.choice(("submitted", "submitted", "revision-requested", "approved"))
        else:
            status = "published"
        created = self.at(production_start + (production_deadline - production_start) / 2)
        submission = self.submission_story(campaign, pick, content_type, status, created, plan)
        submission.reviewer = reviewer
        self.content_stories.append(submission)
        if status == "published":
            window_end = campaign.end if campaign.status == "completed" else self.today
            published_at = self.at(window_end - dt.timedelta(days=METRIC_DAYS - 1), hours=(18, 22), tz=CST)
            submission.publish = {"published_url": post_url(r, pick.platform), "published_at": published_at}
            self.plan_metrics(campaign, pick, submission.id, published_at.date())

    def _rounds(self, status: str, requests: tuple[str, ...]) -> tuple[int, list[tuple[str, str]]]:
        """How many times content in `status` was sent, and each review's outcome and feedback."""
        r = self.content_rng
        if status == "draft":
            return 0, []
        asked = {"submitted": r.randint(0, 1), "revision-requested": r.randint(1, 2)}.get(status, r.randint(0, 2))
        rounds = [("revision-requested", r.choice(requests)) for _ in range(asked)]
        if status in ("approved", "published"):
            rounds.append(("approved", r.choice(APPROVALS)))
        return len(rounds) + (status == "submitted"), rounds

    def _times(self, created: dt.datetime, steps: int) -> list[dt.datetime]:
        """`created`, then `steps` later moments a day or two apart, never in the future."""
        r, moments = self.content_rng, [created]
        # Steps land before now with a few hours to days to spare, so the queue shows waits of different ages.
        latest = self.now - dt.timedelta(hours=r.randint(2, 120))
        for _ in range(steps):
            moments.append(max(moments[-1], min(moments[-1] + dt.timedelta(hours=r.randint(6, 60)), latest)))
        return moments

    def plan_story(
        self, campaign: CampaignPlan, pick: Pick, content_type: str, status: str, created: dt.datetime
    ) -> ContentStory:
        """A plan's story: its first version, a revised one per change request, validated by the plan schema."""
        r, kind = self.content_rng, campaign.brand.persona_kind
        brand_tag = f"#{campaign.brand.name_cn}"
        product = campaign.product.name_cn
        submits, rounds = self._rounds(status, PLAN_REQUESTS)
        if content_type == "image":
            first = {
                "concept": r.choice(CONCEPTS[kind]),
                "shot_list": r.sample(SHOTS[kind], 3),
                "caption_draft": f"{r.choice(HOOKS[kind]).format(product=product)} {product}真的惊艳到我了！",
                "hashtags": r.sample(HASHTAGS[kind], 3),
                "posting_date": (created + dt.timedelta(days=r.randint(10, 20))).date().isoformat(),
            }
        else:
            outline = list(OUTLINES[kind])
            seconds = [r.choice((3, 5, 8, 10, 12)) for _ in outline]
            first = {
                "hook": r.choice(HOOKS[kind]).format(product=product),
                "scenes": [{"description": d, "seconds": s} for d, s in zip(outline, seconds, strict=True)],
                "script": r.sample(SCRIPT_LINES[kind], 3),
                "music": r.choice(MUSIC),
                "call_to_action": (
                    "点击左下角小黄车，天猫国际同款" if campaign.ad_type == "live-commerce" else "评论区抽3位送正装"
                ),
                "total_seconds": sum(seconds),
            }
        versions = [parse_plan(content_type, first)]
        for n in range(1, max(submits, 1)):
            versions.append(parse_plan(content_type, self._revise(versions[-1], content_type, brand_tag, n)))
        return ContentStory(
            kind="plan", id=self.new_id(), reviewer=self.user_ids[campaign.brand.owner],
            row={"campaign_id": campaign.id, "influencer_id": pick.id, "content_type": content_type,
                 "plan_data": versions[0]},
            versions=versions, submits=submits, rounds=rounds, times=self._times(created, submits + len(rounds)),
        )

    def _revise(self, plan: dict[str, Any], content_type: str, brand_tag: str, n: int) -> dict[str, Any]:
        """The next version of a plan after a change request: the brand tag added, a shot or a scene reworked."""
        r, revised = self.content_rng, dict(plan)
        if content_type == "image":
            revised["hashtags"] = [brand_tag, *[h for h in plan["hashtags"] if h != brand_tag]][:6]
            revised["shot_list"] = [*plan["shot_list"], "包装正面特写（3秒以上）"][: 3 + n]
            revised["caption_draft"] = plan["caption_draft"] + " 天猫国际同款。"
        else:
            scenes = [dict(s) for s in plan["scenes"]]
            scenes[0] = {"description": "开场3秒：产品包装正面出镜", "seconds": scenes[0]["seconds"]}
            revised["scenes"] = scenes
            revised["script"] = [*plan["script"], r.choice(("天猫国际搜索品牌名就能买到", "链接放在评论区置顶"))]
        return revised

    def submission_story(
        self, campaign: CampaignPlan, pick: Pick, content_type: str, status: str, created: dt.datetime,
        plan: ContentStory,
    ) -> ContentStory:
        """A submission's story: per version a caption (from the approved plan) and its files."""
        r, kind = self.content_rng, campaign.brand.persona_kind
        submits, rounds = self._rounds(status, SUBMISSION_REQUESTS)
        final_plan = plan.versions[-1]
        base = final_plan.get("caption_draft") or final_plan.get("hook")
        tags = " ".join(final_plan.get("hashtags") or r.sample(HASHTAGS[kind], 3))
        submission_id = self.new_id()
        versions = []
        start = r.randrange(12)
        for n in range(max(submits, 1)):
            ending = CAPTION_ENDINGS[(start + n) % len(CAPTION_ENDINGS)]
            caption = f"{base}\n{ending}\n{tags}" + ("" if n == 0 else f" #{campaign.brand.name_cn}")
            if content_type == "video":
                seconds = final_plan.get("total_seconds") or r.randint(15, 90)
                files = [{"video": f"{FILES}/content/{submission_id}/v{n + 1}.mp4", "seconds": seconds,
                          "poster": start + n}]
            else:
                files = [{"picture": start + n + i} for i in range(r.randint(3, 6))]
            versions.append({"caption": caption, "files": files})
        return ContentStory(
            kind="submission", id=submission_id, reviewer=plan.reviewer,
            row={"campaign_id": campaign.id, "influencer_id": pick.id, "content_type": content_type,
                 "caption": versions[0]["caption"]},
            versions=versions, submits=submits, rounds=rounds, times=self._times(created, submits + len(rounds)),
        )

    def walk_content(self) -> None:
        """Write every story through the app's workflow, each step as the person who takes it; then set times."""
        stories: list[ContentStory] = getattr(self, "content_stories", [])
        session, shelf = self.session, PictureShelf()
        session.execute(text("SELECT set_config('role', 'none', true)"))
        manager = operator_actor(session, self.user_ids[MANAGER_EMAIL], "manager")
        admin = operator_actor(session, self.user_ids[ADMIN_EMAIL], "admin")
        brands = {s.reviewer: operator_actor(session, s.reviewer, "brand") for s in stories}
        act_as_app(session, manager)
        for model, kind in ((ContentPlan, "plan"), (ContentSubmission, "submission")):
            rows = [{"id": s.id, **s.row} for s in stories if s.kind == kind]
            if rows:
                session.execute(insert(model), rows)
        for version in range(1, max((len(s.versions) for s in stories), default=0) + 1):
            set_actor(session, manager)
            self._prepare(version, [s for s in stories if len(s.versions) >= version], shelf)
            for model, kind in ((ContentPlan, "plan"), (ContentSubmission, "submission")):
                sent = [s.id for s in stories if s.kind == kind and s.submits >= version]
                if sent:
                    session.execute(update(model).where(model.id.in_(sent)).values(status="submitted"))
            reviewed = [s for s in stories if len(s.rounds) >= version]
            for who, outcome in [(brands[b], "revision-requested") for b in brands] + [(admin, "approved")]:
                rows = []
                for story in reviewed:
                    verdict, feedback = story.rounds[version - 1]
                    if verdict == outcome and (outcome == "approved" or brands[story.reviewer] is who):
                        story.revision_ids.append(self.new_id())
                        rows.append({"id": story.revision_ids[-1], "revision_number": version, "status": verdict,
                                     "feedback": feedback, "revision_data": {},
                                     "content_plan_id": story.id if story.kind == "plan" else None,
                                     "submission_id": story.id if story.kind == "submission" else None})
                if rows:
                    set_actor(session, who)
                    session.execute(insert(ContentRevision), rows)
        set_actor(session, manager)
        published = [{"id": s.id, "status": "published", **s.publish} for s in stories if s.publish]
        if published:
            session.execute(update(ContentSubmission), published)
        end_operator_sessions(session, manager, admin, *brands.values())
        self._backdate(stories)
        act_as_app(session, self.admin_actor)

    def _prepare(self, version: int, stories: list[ContentStory], shelf: PictureShelf) -> None:
        """The manager readies `version` of each story: its new plan or caption, and a submission's files."""
        session = self.session
        plans = [{"id": s.id, "plan_data": s.versions[version - 1]} for s in stories if s.kind == "plan"]
        captions = [{"id": s.id, "caption": s.versions[version - 1]["caption"]} for s in stories if s.kind != "plan"]
        if version > 1 and plans:
            session.execute(update(ContentPlan), plans)
        if version > 1 and captions:
            session.execute(update(ContentSubmission), captions)
        files = []
        for story in (s for s in stories if s.kind == "submission"):
            kind = next(c.brand.persona_kind for c in self.campaigns if c.id == story.row["campaign_id"])
            for spec in story.versions[version - 1]["files"]:
                file_id = self.new_id()
                story.file_times.append((file_id, story.times[min(version * 2 - 1, len(story.times) - 1)]))
                if "video" in spec:
                    poster = shelf.get(kind, spec["poster"])
                    files.append({"id": file_id, "submission_id": story.id, "file_url": spec["video"],
                                  "file_type": "video/mp4", "file_size": spec["seconds"] * 900_000,
                                  "thumbnail_url": poster.thumbnail_url, "duration": spec["seconds"],
                                  "original_name": f"v{version}.mp4"})
                else:
                    stored = shelf.get(kind, spec["picture"])
                    files.append({"id": file_id, "submission_id": story.id, "file_url": stored.file_url,
                                  "file_type": stored.file_type, "file_size": stored.file_size,
                                  "thumbnail_url": stored.thumbnail_url, "duration": None,
                                  "original_name": f"IMG_{spec['picture']:04d}.jpg"})
        if files:
            session.execute(insert(ContentFile), files)

    def _backdate(self, stories: list[ContentStory]) -> None:
        """As the owner (the app role may not), give rows the times their stories say."""
        session = self.session
        for model, kind in ((ContentPlan, "plan"), (ContentSubmission, "submission")):
            rows = [{"id": s.id, "created_at": s.times[0],
                     "status_changed_at": s.publish["published_at"] if s.publish else s.times[-1]}
                    for s in stories if s.kind == kind]
            if rows:
                session.execute(update(model), rows)
        rounds = [{"id": rid, "created_at": s.times[2 * n + 2] if 2 * n + 2 < len(s.times) else s.times[-1]}
                  for s in stories for n, rid in enumerate(s.revision_ids)]
        if rounds:
            session.execute(update(ContentRevision), rounds)
        files = [{"id": fid, "created_at": at} for s in stories for fid, at in s.file_times]
        if files:
            session.execute(update(ContentFile), files)
