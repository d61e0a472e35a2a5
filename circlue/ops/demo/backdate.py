"""The builder's backdating part: the workflow walk's moves and notifications get the times they stand for.

The walk runs inside the demo's one transaction, where now() never moves: every status history row, every
campaign's status_changed_at and every notification the triggers write would say "just now", so the board would
show each card moved today, a campaign's timeline would come out in any order, and every inbox would hold
hundreds of unread items. Here each campaign's moves are spread, in the order walked, from its creation to a
moment that fits its status; notifications take the time of their move and are read once two days old.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

from sqlalchemy import text

from circlue.db import Actor, act_as_app
from circlue.ops.demo.base import BuilderBase, CampaignPlan

# The campaign status by which each invitation move happens (as in the walk).
_INVITATION_MOMENT = {
    "invited": "recruiting", "proposed": "proposing", "accepted": "revising", "declined": "revising",
    "contracted": "planning", "completed": "completed", "withdrawn": "revising",
}


class BackdateMixin(BuilderBase):
    """Rewrites the times the workflow triggers wrote during the walk, as the schema owner."""

    def _last_move(self, campaign: CampaignPlan) -> dt.datetime:
        """When a campaign reached its current status: on air at its start, done after its end, else lately."""
        day = dt.timedelta(days=1)
        if campaign.status == "live":
            moment = self.at(campaign.start)
        elif campaign.status == "monitoring":
            moment = self.at(campaign.end)
        elif campaign.status == "completed":
            moment = self.at(campaign.end + 3 * day)
        else:
            moment = self.now - self.rng.randint(0, 12) * day - dt.timedelta(hours=self.rng.randint(0, 8))
        return min(max(moment, campaign.created_at), self.now)

    def backdate_walk(self, acting: Actor) -> None:
        """Spread the walk's history and notifications over time; then act as `acting` in the app role again.

        Needs a superuser owner: FORCE RLS keeps a plain owner from updating these tables, and the workflow
        trigger (which keeps status_changed_at) is paused for one UPDATE. Skipped otherwise.
        """
        session = self.session
        session.execute(text("RESET ROLE"))
        try:
            if not session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
                return
            walked: dict = defaultdict(list)
            for row in session.execute(
                text(
                    "SELECT id, campaign_id, from_status, to_status FROM campaign_status_history"
                    " WHERE campaign_id = ANY(:ids)"
                ),
                {"ids": [c.id for c in self.campaigns]},
            ):
                walked[row.campaign_id].append(row)
            history: dict = {}
            last: dict = {}
            reached: dict = {}
            for campaign in self.campaigns:
                steps = [(None, campaign.path[0]), *pairwise(campaign.path)]
                first, final = campaign.created_at, self._last_move(campaign)
                rows = walked[campaign.id]
                for k, (before, after) in enumerate(steps):
                    when = (first + (final - first) * (k / max(len(steps) - 1, 1))).replace(microsecond=0)
                    row = next((r for r in rows if (r.from_status, r.to_status) == (before, after)), None)
                    if row is not None:
                        rows.remove(row)
                        history[row.id] = when
                    reached[(str(campaign.id), after)] = when
                last[campaign.id] = final
            session.execute(
                text(
                    "UPDATE campaign_status_history h SET changed_at = v.t"
                    " FROM unnest(CAST(:ids AS uuid[]), CAST(:times AS timestamptz[])) v(id, t) WHERE h.id = v.id"
                ),
                {"ids": list(history), "times": list(history.values())},
            )
            session.execute(text("ALTER TABLE campaigns DISABLE TRIGGER workflow_campaign_status"))
            session.execute(
                text(
                    "UPDATE campaigns c SET status_changed_at = v.t"
                    " FROM unnest(CAST(:ids AS uuid[]), CAST(:times AS timestamptz[])) v(id, t) WHERE c.id = v.id"
                ),
                {"ids": list(last), "times": list(last.values())},
            )
            session.execute(text("ALTER TABLE campaigns ENABLE TRIGGER workflow_campaign_status"))
            self._backdate_notifications(reached)
        finally:
            act_as_app(session, acting)

    def _backdate_notifications(self, reached: dict) -> None:
        """Each trigger-written notification at the time of its move; read when older than two days."""
        ids, times, read = [], [], []
        for row in self.session.execute(
            text("SELECT id, type, data FROM notifications WHERE type LIKE 'campaign.%' OR type LIKE 'invitation.%'")
        ):
            campaign, status = str(row.data.get("campaign_id")), row.data.get("to")
            if row.type.startswith("invitation."):
                status = _INVITATION_MOMENT.get(status, status)
            when = reached.get((campaign, status)) or reached.get((campaign, "creating")) or self.now
            when = min(when + dt.timedelta(minutes=self.rng.randint(1, 90)), self.now)
            ids.append(row.id)
            times.append(when)
            read.append(when < self.now - dt.timedelta(days=2))
        self.session.execute(
            text(
                "UPDATE notifications n SET created_at = v.t, is_read = v.r,"
                " read_at = CASE WHEN v.r THEN v.t + interval '3 hours' END"
                " FROM unnest(CAST(:ids AS uuid[]), CAST(:times AS timestamptz[]), CAST(:read AS boolean[]))"
                " v(id, t, r) WHERE n.id = v.id"
            ),
            {"ids": ids, "times": times, "read": read},
        )
