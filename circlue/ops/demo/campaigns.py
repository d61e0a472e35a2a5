"""The builder's campaigns part: one at every workflow status, their targets and invitations, the workflow walk."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import insert, update

from circlue.models import Campaign, CampaignInfluencer, CampaignTargetContent
from circlue.ops.demo.accounts import MANAGER_EMAIL
from circlue.ops.demo.base import METRIC_DAYS, BuilderBase, CampaignPlan, InvitationPlan, Pick, round_won
from circlue.ops.demo.brand_data import BRANDS
from circlue.ops.demo.campaign_data import (
    BRANDING_TITLES,
    CANCEL_NOTE,
    DELIVERABLES,
    LIVE_DELIVERABLES,
    LIVE_TITLES,
    SEASONS,
    TERMS,
)
from circlue.repository.campaigns import set_status_note
from circlue.workflow import CAMPAIGN_STAGES, CAMPAIGN_STATUSES, check_transition, stage_of

# The statuses an invitation passes to reach its final one (circlue.workflow.INVITATION_TRANSITIONS).
INVITATION_PATHS: dict[str, list[str]] = {
    "invited": ["invited"],
    "proposed": ["invited", "proposed"],
    "accepted": ["invited", "proposed", "accepted"],
    "contracted": ["invited", "proposed", "accepted", "contracted"],
    "completed": ["invited", "proposed", "accepted", "contracted", "completed"],
    "declined": ["invited", "proposed", "declined"],
}
# The campaign status by which each invitation move happens.
INVITATION_MOMENT = {
    "invited": "recruiting", "proposed": "proposing", "accepted": "revising", "declined": "revising",
    "contracted": "planning", "completed": "completed",
}
# What each move records: a proposal its fee, deliverables and terms; an agreement its fee and production dates.
INVITATION_FIELDS = {
    "proposed": ("proposed_fee", "deliverables", "additional_terms"),
    "accepted": ("ad_fee", "production_start_date", "production_deadline"),
    "contracted": ("production_start_date", "production_deadline"),
}
_UNANSWERED = dict.fromkeys(
    ("proposed_fee", "ad_fee", "deliverables", "additional_terms", "production_start_date", "production_deadline")
)


class CampaignsMixin(BuilderBase):
    """Plans campaigns and their influencers, queues them at 'creating', then walks them to their status."""

    def plan_campaigns(self) -> None:
        """Plan campaigns so that every workflow status appears and every brand has one on air."""
        # The first len(BRANDS) go one to each brand: every brand user's home shows a live campaign and reach.
        on_air = ["live", "monitoring"] * len(BRANDS)
        rest = [*CAMPAIGN_STATUSES, "completed"]
        self.rng.shuffle(rest)
        statuses = on_air[: len(BRANDS)] + rest
        products = {b.key: self.rng.sample(b.products, len(b.products)) for b in BRANDS}
        loop_proposal = loop_content = True
        for n, status in enumerate(statuses):
            brand = BRANDS[n % len(BRANDS)]
            product = products[brand.key][(n // len(BRANDS)) % len(brand.products)]
            start, end, deadline = self.campaign_dates(status)
            ad_type = "live-commerce" if self.rng.random() < brand.live_share else "branding"
            titles = LIVE_TITLES if ad_type == "live-commerce" else BRANDING_TITLES
            title = self.rng.choice(titles).format(
                product=product.name, brand=brand.name, season=SEASONS[start.month]
            )
            created = deadline - dt.timedelta(days=self.rng.randint(10, 30))
            if status in ("creating", "submitted"):
                created = self.today - dt.timedelta(days=self.rng.randint(0, 6))
            path = self.workflow_path(status, loop_proposal, loop_content)
            loop_proposal = loop_proposal and "confirmed" not in path
            loop_content = loop_content and "live" not in path
            self.campaigns.append(
                CampaignPlan(
                    id=self.new_id(),
                    brand=brand,
                    brand_id=self.brand_ids[brand.key],
                    product=product,
                    title=title,
                    status=status,
                    ad_type=ad_type,
                    budget=self.draw_budget(),
                    start=start,
                    end=end,
                    deadline=deadline,
                    created_at=self.at(created),
                    path=path,
                )
            )
        # At least one budget past ₩100,000,000: the seed's DECIMAL(10,2) could not hold it.
        self.campaigns[0].budget = max(self.campaigns[0].budget, Decimal(150_000_000))

    def queue_campaigns(self) -> None:
        """Queue the campaign rows at 'creating': walk_workflow then moves them through the workflow."""
        for n, campaign in enumerate(self.campaigns):
            product = campaign.product
            live = campaign.ad_type == "live-commerce"
            goal = "판매 전환을 위한 라이브커머스" if live else "인지도 확대를 위한 브랜딩"
            self.put(
                Campaign,
                id=campaign.id,
                brand_id=campaign.brand_id,
                product_id=self.product_ids[(campaign.brand.key, product.name)],
                title=campaign.title,
                description=(
                    f"{campaign.brand.name} {product.name}의 중국 시장 {goal} 캠페인입니다. "
                    f"핵심 메시지: {product.usp}. 목표: 총 조회수 {self.rng.randint(5, 80) * 10}만 회, "
                    f"참여율 {self.rng.randint(3, 8)}% 이상."
                ),
                budget=campaign.budget,
                campaign_start_date=campaign.start,
                campaign_end_date=campaign.end,
                proposal_deadline=campaign.deadline,
                ad_type=campaign.ad_type,
                status="creating",
                current_stage=stage_of("creating"),
                manager_id=self.user_ids[MANAGER_EMAIL],
                # Every fourth includes one revision round only: its second change request warns the reviewer.
                included_revision_rounds=1 if n % 4 == 3 else 3,
                created_at=campaign.created_at,
            )

    def draw_budget(self) -> Decimal:
        """A budget between ₩5,000,000 and ₩300,000,000, log-uniform, rounded to ₩1,000,000."""
        value = math.exp(self.rng.uniform(math.log(5e6), math.log(3e8)))
        return round_won(Decimal(int(value)), 1_000_000)

    def campaign_dates(self, status: str) -> tuple[dt.date, dt.date, dt.date]:
        """Start, end and proposal deadline that fit a campaign now at `status`."""
        today, r, day = self.today, self.rng, dt.timedelta(days=1)
        if status in ("live", "monitoring", "completed"):
            if status == "completed":
                end = today - r.randint(20, 60) * day
                window_end = end
            elif status == "monitoring":
                end = today - r.randint(1, 10) * day
                window_end = today
            else:
                end = today + r.randint(7, 30) * day
                window_end = today
            start = window_end - (METRIC_DAYS - 1) * day - r.randint(0, 3) * day
            return start, end, start - r.randint(25, 40) * day
        lead = {
            "creating": (40, 60), "submitted": (35, 50), "recruiting": (26, 40), "proposing": (22, 32),
            "revising": (18, 28), "confirmed": (14, 24), "planning": (10, 20), "producing": (4, 12),
            "content-review": (1, 5), "cancelled": (25, 40),
        }[status]
        start = today + r.randint(*lead) * day
        end = start + r.randint(30, 75) * day
        if status in ("recruiting", "proposing"):
            deadline = today + r.randint(1, 7) * day  # the dashboard's "deadline this week" list
        elif status == "revising":
            deadline = today + r.randint(-2, 2) * day
        else:
            deadline = start - r.randint(14, 35) * day
            if status not in ("creating", "submitted", "cancelled"):
                deadline = min(deadline, today - r.randint(1, 7) * day)
        return start, end, deadline

    @staticmethod
    def workflow_path(status: str, loop_proposal: bool, loop_content: bool) -> list[str]:
        """Statuses a campaign went through to reach `status`, with one send-back loop of each kind."""
        if status == "cancelled":
            return ["creating", "submitted", "recruiting", "proposing", "cancelled"]
        stages = [*CAMPAIGN_STAGES, "completed"]
        path = stages[: stages.index(status) + 1]
        if loop_proposal and "confirmed" in path:
            i = path.index("revising") + 1
            path[i:i] = ["proposing", "revising"]
        if loop_content and "live" in path:
            i = path.index("content-review") + 1
            path[i:i] = ["producing", "content-review"]
        return path

    def walk_workflow(self) -> None:
        """Move each campaign from 'creating' to its status one allowed step at a time, and its invitations with it.

        Influencers are invited once the campaign recruits, propose while it is proposing, are agreed on before it
        is confirmed and contracted once it is planned: the database refuses any other order.
        """
        for campaign in self.campaigns:
            events = self.invitation_events(campaign)
            self.apply_invitation_events(events.get(0, []))
            for step, (current, target) in enumerate(pairwise(campaign.path), start=1):
                check_transition(current, target)
                # Only a cancellation carries a note (the database wants one); the other moves none.
                set_status_note(self.session, CANCEL_NOTE if target == "cancelled" else None)
                self.session.execute(
                    update(Campaign)
                    .where(Campaign.id == campaign.id)
                    .values(status=target, current_stage=stage_of(target)),
                    execution_options={"synchronize_session": False},
                )
                self.apply_invitation_events(events.get(step, []))

    def invitation_events(self, campaign: CampaignPlan) -> dict[int, list[tuple[InvitationPlan, str]]]:
        """Each invitation move, keyed by the step of the campaign's path after which it happens."""
        rank = {status: n for n, status in enumerate(CAMPAIGN_STATUSES)}
        live_steps = [n for n, status in enumerate(campaign.path) if status != "cancelled"]
        events: dict[int, list[tuple[InvitationPlan, str]]] = {}
        for invitation in campaign.invitations:
            earliest = 0
            for status in invitation.path:
                nominal = rank[INVITATION_MOMENT[status]]
                # The first step at or past the move's moment; a campaign that stopped earlier takes it at its last.
                step = next(
                    (n for n in live_steps if rank[campaign.path[n]] >= nominal and n >= earliest), live_steps[-1]
                )
                earliest = max(earliest, step)
                events.setdefault(earliest, []).append((invitation, status))
        return events

    def apply_invitation_events(self, events: list[tuple[InvitationPlan, str]]) -> None:
        """Insert new invitations, then move the others one status each, with the fields each status brings."""
        fresh = [invitation.values | {"status": "invited", **_UNANSWERED} for invitation, s in events if s == "invited"]
        if fresh:
            self.session.execute(insert(CampaignInfluencer), fresh)
        for invitation, status in events:
            if status == "invited":
                continue
            fields = {name: invitation.values[name] for name in INVITATION_FIELDS.get(status, ())}
            self.session.execute(
                update(CampaignInfluencer)
                .where(CampaignInfluencer.id == invitation.values["id"])
                .values(status=status, **fields),
                execution_options={"synchronize_session": False},
            )

    def plan_campaign_children(self, campaign: CampaignPlan) -> None:
        """Queue the campaign row's dependants: target, influencers, content, metrics, money."""
        r = self.rng
        rank = CAMPAIGN_STATUSES.index(campaign.status)
        self.put(
            CampaignTargetContent,
            campaign_id=campaign.id,
            influencer_categories=list(campaign.brand.kol_categories),
            target_age=campaign.product.age,
            usp_importance=r.randint(3, 5),
            influencer_impact=r.choice(
                (
                    "실사용 후기 중심의 신뢰도 높은 리뷰로 구매 전환을 유도합니다.",
                    "팔로워와 친밀도가 높은 KOC 다수로 검색량과 입소문을 만듭니다.",
                    "대형 KOL 1~2명으로 단기간에 인지도를 끌어올립니다.",
                    "라이브 방송에서 한정 특가로 즉시 구매를 이끌어 냅니다.",
                )
            ),
            additional_description=r.choice(
                (
                    "효능 과장 표현 금지(중국 광고법 준수), 제품 패키지 정면 노출 3초 이상.",
                    "한국 현지 느낌을 살린 촬영 선호, 브랜드 공식 해시태그 필수.",
                    "쿠폰 코드와 Tmall Global 링크를 본문 첫 줄에 표기.",
                )
            ),
            secondary_content_usage=r.random() < 0.5,
        )
        if campaign.status in ("creating", "submitted"):
            return
        members = self.plan_members(campaign)
        if campaign.status == "cancelled" or rank < CAMPAIGN_STATUSES.index("confirmed"):
            return
        contracted = [(p, fee, dates) for p, status, fee, dates in members if status in ("contracted", "completed")]
        if rank >= CAMPAIGN_STATUSES.index("planning"):
            for pick, _fee, dates in contracted:
                self.plan_content(campaign, pick, dates)
        self.plan_money(campaign, sum((fee for _p, fee, _d in contracted), Decimal(0)))

    def plan_members(self, campaign: CampaignPlan) -> list[tuple[Pick, str, Decimal, tuple[dt.date, dt.date]]]:
        """Queue 3-8 campaign influencers whose statuses fit the campaign's stage; may raise its budget."""
        r = self.rng
        budget = campaign.budget
        n = r.randint(3, 8)
        matching = [p for p in self.picks if p.category in campaign.brand.kol_categories] or self.picks
        # Brands spend most of a budget on fees: draw from the profiles whose fee is nearest an even share.
        share = float(budget) * 0.7 / n
        nearest = sorted(matching, key=lambda p: abs(math.log(float(p.base_fee) / share)))
        chosen = r.sample(nearest[: max(3 * n, 12)], min(n, len(nearest)))
        statuses = self.member_statuses(campaign.status, len(chosen))
        members = []
        total_fees = Decimal(0)
        for pick, status in zip(chosen, statuses, strict=True):
            proposed = None if status == "invited" else round_won(pick.base_fee * Decimal(r.uniform(0.9, 1.3)), 10_000)
            ad_fee = None
            if status in ("accepted", "contracted", "completed") and proposed is not None:
                ad_fee = round_won(proposed * Decimal(r.uniform(0.85, 1.0)), 10_000)
                total_fees += ad_fee
            deliverables = [r.choice(DELIVERABLES[pick.platform])]
            if campaign.ad_type == "live-commerce":
                deliverables.append(LIVE_DELIVERABLES[pick.platform])
            production_deadline = campaign.start - dt.timedelta(days=r.randint(2, 5))
            production_start = production_deadline - dt.timedelta(days=r.randint(10, 21))
            if CAMPAIGN_STATUSES.index(campaign.status) >= CAMPAIGN_STATUSES.index("planning"):
                production_start = min(production_start, self.today - dt.timedelta(days=r.randint(3, 8)))
            has_dates = status in ("accepted", "contracted", "completed")
            values = {
                "id": self.new_id(),
                "campaign_id": campaign.id,
                "influencer_id": pick.id,
                "proposed_fee": proposed,
                "ad_fee": ad_fee,
                "deliverables": deliverables,
                "additional_terms": " / ".join(r.sample(TERMS, 2)),
                "production_start_date": production_start if has_dates else None,
                "production_deadline": production_deadline if has_dates else None,
                "created_at": self.at(min(campaign.deadline, self.today) - dt.timedelta(days=r.randint(3, 12))),
            }
            campaign.invitations.append(InvitationPlan(values=values, path=INVITATION_PATHS[status]))
            members.append((pick, status, ad_fee or Decimal(0), (production_start, production_deadline)))
        # Agreed fees plus a margin must fit the budget, within the ₩300,000,000 ceiling.
        needed = round_won(total_fees * Decimal("1.2"), 1_000_000)
        campaign.budget = min(max(budget, needed), Decimal(300_000_000))
        return members

    def member_statuses(self, campaign_status: str, n: int) -> list[str]:
        """Campaign-influencer statuses that fit a campaign at `campaign_status`."""
        r = self.rng
        if campaign_status == "recruiting":
            return [r.choice(("invited", "invited", "invited", "proposed", "proposed", "declined")) for _ in range(n)]
        if campaign_status in ("proposing", "cancelled"):
            return [r.choice(("invited", "proposed", "proposed", "proposed", "accepted", "declined")) for _ in range(n)]
        if campaign_status == "revising":
            return ["accepted"] + [r.choice(("proposed", "accepted", "accepted", "declined")) for _ in range(n - 1)]
        declined = r.randint(0, min(2, n - 3))
        statuses = ["declined"] * declined
        for _ in range(n - declined):
            if campaign_status == "completed":
                statuses.append("completed")
            elif campaign_status == "monitoring":
                statuses.append(r.choice(("completed", "contracted")))
            else:
                statuses.append("contracted")
        r.shuffle(statuses)
        return statuses
