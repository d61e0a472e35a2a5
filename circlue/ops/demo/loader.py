"""load_demo: build the demo once per database, under a lock, and count what is there."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from circlue.db import act_as_app, end_operator_sessions, operator_actor, operator_unit_of_work, set_actor
from circlue.models import (
    AuditLog,
    Brand,
    Campaign,
    CampaignInfluencer,
    CampaignTargetContent,
    CommentAnalysis,
    ContentFile,
    ContentPlan,
    ContentRevision,
    ContentSubmission,
    Influencer,
    Notification,
    Payment,
    PerformanceMetric,
    Persona,
    Product,
    Settlement,
    TaxInvoice,
    User,
)
from circlue.ops.demo.accounts import ADMIN_EMAIL, DEMO_ACCOUNTS
from circlue.ops.demo.builder import Builder


@dataclass(frozen=True)
class DemoResult:
    """What load_demo did: whether it created the data, and rows per table afterwards."""

    created: bool
    counts: dict[str, int]


# Any constant works as long as only load_demo uses it; it serialises concurrent first starts.
_DEMO_LOCK_ID = 727_002

_COUNTED = (
    User,
    Brand,
    Product,
    Persona,
    Influencer,
    Campaign,
    CampaignTargetContent,
    CampaignInfluencer,
    ContentPlan,
    ContentSubmission,
    ContentFile,
    ContentRevision,
    PerformanceMetric,
    CommentAnalysis,
    Settlement,
    TaxInvoice,
    Payment,
    AuditLog,
)


def _counts(session: Session, admin_id: uuid.UUID) -> dict[str, int]:
    """Rows per table as the admin sees them; notifications summed over their demo recipients."""
    users = session.execute(select(User.id, User.role).where(User.email.in_([a.email for a in DEMO_ACCOUNTS]))).all()
    actors = {user_id: operator_actor(session, user_id, role) for user_id, role in users}
    act_as_app(session, actors[admin_id])
    counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0 for model in _COUNTED}
    # Logins (and the sessions operator commands open to act as someone) are audited too; they are not demo data.
    counts[AuditLog.__tablename__] = session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.entity_type != "user_sessions")
    )
    notifications = 0
    # Notifications are visible only to their recipient, staff included.
    for actor in actors.values():
        set_actor(session, actor)
        notifications += session.scalar(select(func.count()).select_from(Notification)) or 0
    counts[Notification.__tablename__] = notifications
    end_operator_sessions(session, *actors.values())
    return counts


def load_demo(
    *, engine: Engine | None = None, influencers: int = 300, seed: int = 20261124, progress: bool = False
) -> DemoResult:
    """Build the demo data set in one owner transaction (default engine: circlue.db.owner_engine()); idempotent."""
    if influencers < 20:
        raise ValueError("the demo needs at least 20 influencers")
    with operator_unit_of_work(engine=engine) as session:
        # Two first starts at once (two app processes) must not both build: the second waits, then finds it.
        session.execute(select(func.pg_advisory_xact_lock(_DEMO_LOCK_ID)))
        admin_id = session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
        created = admin_id is None
        if created:
            admin_id = Builder(session, seed=seed, influencers=influencers, progress=progress).build()
        return DemoResult(created=created, counts=_counts(session, admin_id))
