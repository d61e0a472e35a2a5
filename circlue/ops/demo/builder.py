"""The demo builder: one class composed of a part per domain, and the order in which the data set is written."""

from __future__ import annotations

import uuid

from circlue.db import act_as_app, end_operator_sessions, operator_actor
from circlue.models import (
    Brand,
    Campaign,
    CampaignTargetContent,
    CommentAnalysis,
    Notification,
    Payment,
    PerformanceMetric,
    Persona,
    Product,
    Settlement,
    TaxInvoice,
    User,
)
from circlue.ops.demo.accounts import ADMIN_EMAIL, AccountsMixin
from circlue.ops.demo.backdate import BackdateMixin
from circlue.ops.demo.campaigns import CampaignsMixin
from circlue.ops.demo.content import ContentMixin
from circlue.ops.demo.influencers import InfluencersMixin
from circlue.ops.demo.metrics import MetricsMixin
from circlue.ops.demo.money import MoneyMixin
from circlue.ops.demo.notifications import NotificationsMixin


class Builder(
    AccountsMixin,
    InfluencersMixin,
    CampaignsMixin,
    BackdateMixin,
    ContentMixin,
    MetricsMixin,
    MoneyMixin,
    NotificationsMixin,
):
    """Plans every row with one seeded Random, then writes them table by table in FK order."""

    def build(self) -> uuid.UUID:
        """Write the demo data set and return the admin's id."""
        self.plan_users()
        self.write(User)
        admin_id = self.user_ids[ADMIN_EMAIL]
        # Users are written as the owner (the app role may not create accounts); from here on the transaction
        # runs as circlue_app with the admin acting: RLS lets staff write brand rows, audit names them.
        admin = operator_actor(self.session, admin_id, "admin")
        self.admin_actor = admin
        act_as_app(self.session, admin)
        self.plan_brands()
        self.write(Brand, Product, Persona)
        self.load_influencers()
        self.plan_campaigns()
        for campaign in self.campaigns:
            self.plan_campaign_children(campaign)
        self.queue_campaigns()
        self.write(Campaign)
        self.walk_workflow()
        self.backdate_walk(admin)
        self.order_invoices()
        self.plan_notifications()
        self.write(CampaignTargetContent)
        # Content goes through its workflows as the people who make and review it (circlue.ops.demo.content).
        self.walk_content()
        self.ensure_metric_partitions()
        self.write(
            PerformanceMetric,
            CommentAnalysis,
            Settlement,
            TaxInvoice,
            Payment,
            Notification,
        )
        self.close_settlements()
        end_operator_sessions(self.session, admin)
        return admin_id
