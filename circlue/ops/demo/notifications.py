"""The builder's notifications part: events are remembered while rows are planned; each user gets the latest six."""

from __future__ import annotations

import datetime as dt

from circlue.models import Notification
from circlue.ops.demo.accounts import ADMIN_EMAIL, DEMO_ACCOUNTS, MANAGER_EMAIL
from circlue.ops.demo.base import BuilderBase, CampaignPlan
from circlue.ops.demo.brand_data import BRANDS


class NotificationsMixin(BuilderBase):
    """Collects notifications while the rest is planned, and queues the latest six per user at the end."""

    def note(
        self, email: str, when: dt.datetime, kind: str, title: str, message: str, campaign: CampaignPlan | None
    ) -> None:
        """Remember a notification for a user at the time its event happened; the latest six are kept."""
        data = {"campaign_id": str(campaign.id)} if campaign else {}
        self.notes[email].append({"when": min(when, self.now), "type": kind, "title": title, "message": message,
                                  "data": data})

    def plan_notifications(self) -> None:
        """Queue each user's six latest notifications; those older than two days are mostly read."""
        r = self.rng
        for account in DEMO_ACCOUNTS:
            joined = self.now - dt.timedelta(days=r.randint(60, 120))
            self.note(account.email, joined, "system", "Circlue에 오신 것을 환영합니다",
                      "대시보드에서 캠페인 진행 상황과 성과를 한눈에 확인하세요.", None)
        for campaign in self.campaigns:
            owner = campaign.brand.owner
            recently = self.now - dt.timedelta(hours=r.randint(2, 72))
            if campaign.status in ("recruiting", "proposing"):
                self.note(MANAGER_EMAIL, recently, "deadline", "제안 마감 임박",
                          f"'{campaign.title}' 제안 마감일은 {campaign.deadline:%m월 %d일}입니다.", campaign)
                self.note(owner, recently, "proposal", "인플루언서 제안서가 도착했습니다",
                          f"'{campaign.title}' 캠페인에 새 제안서가 있습니다.", campaign)
            if campaign.status == "content-review":
                self.note(owner, recently, "content", "콘텐츠 검토 요청",
                          f"'{campaign.title}' 캠페인에 검토할 콘텐츠가 제출되었습니다.", campaign)
        self.note(ADMIN_EMAIL, self.now, "system", "데모 데이터가 준비되었습니다",
                  f"브랜드 {len(BRANDS)}곳, 캠페인 {len(self.campaigns)}건과 성과 데이터가 생성되었습니다.", None)
        for account in DEMO_ACCOUNTS:
            for note in sorted(self.notes[account.email], key=lambda n: n["when"])[-6:]:
                created = note["when"]
                read = created < self.now - dt.timedelta(days=2) and r.random() < 0.8
                self.put(
                    Notification,
                    user_id=self.user_ids[account.email],
                    type=note["type"],
                    title=note["title"],
                    message=note["message"],
                    data=note["data"],
                    is_read=read,
                    read_at=min(created + dt.timedelta(hours=r.randint(1, 30)), self.now) if read else None,
                    created_at=created,
                )
