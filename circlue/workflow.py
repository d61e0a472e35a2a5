"""Campaign, campaign-influencer, content and settlement state machines as explicit tables (pure, no I/O)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from circlue.errors import InvalidTransition

# Seed order: stage 1..11, then completed (캠페인 상태 워크플로우).
CAMPAIGN_STAGES: tuple[str, ...] = (
    "creating",
    "submitted",
    "recruiting",
    "proposing",
    "revising",
    "confirmed",
    "planning",
    "producing",
    "content-review",
    "live",
    "monitoring",
)
CAMPAIGN_STATUSES: tuple[str, ...] = (*CAMPAIGN_STAGES, "completed", "cancelled")

_CANCELLABLE = CAMPAIGN_STAGES[: CAMPAIGN_STAGES.index("live")]

CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset({CAMPAIGN_STATUSES[i + 1], *(("cancelled",) if status in _CANCELLABLE else ())})
    for i, status in enumerate(CAMPAIGN_STAGES)
}
# Beyond the seed (ARCHITECTURE.md section 4): a revised proposal goes back; content is sent back.
CAMPAIGN_TRANSITIONS["revising"] = CAMPAIGN_TRANSITIONS["revising"] | {"proposing"}
CAMPAIGN_TRANSITIONS["content-review"] = CAMPAIGN_TRANSITIONS["content-review"] | {"producing"}
CAMPAIGN_TRANSITIONS["completed"] = frozenset()
CAMPAIGN_TRANSITIONS["cancelled"] = frozenset()

# The moves a brand user makes itself (issue 6): submit its campaign, ask for a revised proposal, confirm the final
# one. Staff make every move; the database allows brands exactly these (migration 0011).
CAMPAIGN_BRAND_MOVES: frozenset[tuple[str, str]] = frozenset(
    {("creating", "submitted"), ("proposing", "revising"), ("revising", "confirmed")}
)
# From here on the agreed fees are the campaign's cost: they may not exceed its budget.
CAMPAIGN_COMMITTED: tuple[str, ...] = CAMPAIGN_STATUSES[CAMPAIGN_STATUSES.index("confirmed") : -1]

# An influencer's place in a campaign (campaign_influencers.status).
INVITATION_STATUSES: tuple[str, ...] = (
    "invited",
    "proposed",
    "accepted",
    "contracted",
    "completed",
    "declined",
    "withdrawn",
)
INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    # The influencer answers the invitation with a proposal (fee, deliverables, terms) or declines it.
    "invited": frozenset({"proposed", "declined", "withdrawn"}),
    # The proposal is agreed (ad_fee set) or declined; staff may withdraw the invitation until it is contracted.
    "proposed": frozenset({"accepted", "declined", "withdrawn"}),
    # A contract fixes the production dates.
    "accepted": frozenset({"contracted", "withdrawn"}),
    "contracted": frozenset({"completed"}),
    "completed": frozenset(),
    "declined": frozenset(),
    "withdrawn": frozenset(),
}
# An invitation's agreed fee counts against the budget once it is accepted.
INVITATION_AGREED: tuple[str, ...] = ("accepted", "contracted", "completed")
# Influencers are invited while the campaign recruits and its proposal is being settled.
INVITING_STAGES: tuple[str, ...] = ("recruiting", "proposing", "revising")

# Content (issue 8). A plan or a submission is prepared (draft), sent for review (submitted), and each review round
# either sends it back (revision-requested, feedback required) or approves it; a submission is then published.
# The review moves are made only by writing a content_revisions row (migration 0013): one round, one row.
CONTENT_STATUSES: tuple[str, ...] = ("draft", "submitted", "revision-requested", "approved", "published")
PLAN_STATUSES: tuple[str, ...] = CONTENT_STATUSES[:-1]
SUBMISSION_STATUSES: tuple[str, ...] = CONTENT_STATUSES
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"revision-requested", "approved"}),
    "revision-requested": frozenset({"submitted"}),
    "approved": frozenset(),
}
SUBMISSION_TRANSITIONS: dict[str, frozenset[str]] = {**PLAN_TRANSITIONS, "approved": frozenset({"published"})}
SUBMISSION_TRANSITIONS["published"] = frozenset()
CONTENT_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "plan": PLAN_TRANSITIONS,
    "submission": SUBMISSION_TRANSITIONS,
}
# Moves that only a review round makes (a content_revisions row with the same status).
REVIEW_MOVES: frozenset[tuple[str, str]] = frozenset({("submitted", "revision-requested"), ("submitted", "approved")})
# While a plan or submission is in one of these, its content (plan, caption, files) may change.
CONTENT_EDITABLE: tuple[str, ...] = ("draft", "revision-requested")
# The revision rounds a campaign includes unless it says otherwise (campaigns.included_revision_rounds).
DEFAULT_INCLUDED_ROUNDS = 3


def stage_of(status: str) -> int:
    """The seed's current_stage for a status: 1..11, 12 once completed, 0 when cancelled."""
    if status == "completed":
        return 12
    if status == "cancelled":
        return 0
    return CAMPAIGN_STAGES.index(status) + 1


def allowed_next(status: str) -> list[str]:
    """Statuses a campaign in `status` may move to, in workflow order."""
    if status not in CAMPAIGN_TRANSITIONS:
        raise InvalidTransition(f"알 수 없는 상태입니다 / unknown status: {status}")
    return sorted(CAMPAIGN_TRANSITIONS[status], key=CAMPAIGN_STATUSES.index)


def _refuse_unless(allowed: list[str], current: str, target: str, *, ko: str = "", en: str = "") -> None:
    """Raise InvalidTransition naming the allowed next states unless `target` is one of them."""
    if target not in allowed:
        names = ", ".join(allowed) or "없음 / none"
        raise InvalidTransition(
            f"{ko}'{current}'에서 '{target}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {names} / "
            f"{en}cannot move from '{current}' to '{target}'; allowed: {names}"
        )


def check_transition(current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless current -> target is allowed."""
    _refuse_unless(allowed_next(current), current, target)


def invitation_next(status: str) -> list[str]:
    """Statuses an invitation in `status` may move to, in workflow order."""
    if status not in INVITATION_TRANSITIONS:
        raise InvalidTransition(f"알 수 없는 초대 상태입니다 / unknown invitation status: {status}")
    return sorted(INVITATION_TRANSITIONS[status], key=INVITATION_STATUSES.index)


def check_invitation_transition(current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless the invitation may move current -> target."""
    _refuse_unless(invitation_next(current), current, target, ko="초대 상태를 ", en="an invitation ")


def brand_may_move(current: str, target: str) -> bool:
    """True when a brand user may make this campaign move itself (staff may make every allowed move)."""
    return (current, target) in CAMPAIGN_BRAND_MOVES


def content_next(kind: str, status: str) -> list[str]:
    """Statuses a plan (`kind` = "plan") or submission ("submission") in `status` may move to, in workflow order."""
    table = CONTENT_TRANSITIONS.get(kind)
    if table is None or status not in table:
        raise InvalidTransition(f"알 수 없는 콘텐츠 상태입니다 / unknown content status: {kind} {status}")
    return sorted(table[status], key=CONTENT_STATUSES.index)


def check_content_transition(kind: str, current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless the plan/submission may move current -> target."""
    _refuse_unless(content_next(kind, current), current, target)


def extra_round(change_requests_so_far: int, included: int) -> bool:
    """True when one more change request would go past the rounds the campaign includes."""
    return change_requests_so_far + 1 > included


# A settlement's status follows its money (migration 0014 derives it in the database whatever wrote the rows):
# pending (nothing invoiced) -> invoiced -> partially-paid -> paid -> completed (an admin closes the books), and
# overdue when the due date passes before it is paid.
SETTLEMENT_STATUSES: tuple[str, ...] = ("pending", "invoiced", "partially-paid", "paid", "completed", "overdue")
SETTLEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    # Invoiced; overdue when the due date passes first; paid at once when a recalculation leaves nothing owed
    # (a cancelled campaign with nothing contracted).
    "pending": frozenset({"invoiced", "overdue", "paid"}),
    # Paid in part or in full; back to pending when amending invoices cancel everything invoiced.
    "invoiced": frozenset({"pending", "partially-paid", "paid", "overdue"}),
    "partially-paid": frozenset({"paid", "overdue"}),
    # Paid at last, or no longer late because an admin moved the due date.
    "overdue": frozenset({"pending", "invoiced", "partially-paid", "paid"}),
    "paid": frozenset({"completed"}),
    "completed": frozenset(),
}
# The one move a person makes; every other one follows invoices, payments and the calendar.
SETTLEMENT_MANUAL: frozenset[tuple[str, str]] = frozenset({("paid", "completed")})
# Still owed: the statuses the overdue sweep looks at.
SETTLEMENT_UNPAID: tuple[str, ...] = ("pending", "invoiced", "partially-paid")


def settlement_status_for(
    *, amount: Decimal, invoiced: Decimal, invoiced_total: Decimal, paid: Decimal, due_date: dt.date | None,
    today: dt.date,
) -> str:
    """The status a settlement's figures give it (never 'completed', which an admin sets on a paid one).

    Paid: everything invoiced and every invoice paid. Overdue: not paid after the due date. Partially paid: some
    money received. Invoiced: something invoiced. Pending: nothing yet. The database's
    circlue_settlement_status() is the same rule (a test compares them).
    """
    if invoiced >= amount and paid >= invoiced_total:
        return "paid"
    if due_date is not None and due_date < today:
        return "overdue"
    if paid > 0:
        return "partially-paid"
    if invoiced > 0:
        return "invoiced"
    return "pending"


def settlement_next(status: str) -> list[str]:
    """Statuses a settlement in `status` may move to, in workflow order."""
    if status not in SETTLEMENT_TRANSITIONS:
        raise InvalidTransition(f"알 수 없는 정산 상태입니다 / unknown settlement status: {status}")
    return sorted(SETTLEMENT_TRANSITIONS[status], key=SETTLEMENT_STATUSES.index)


def check_settlement_transition(current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless a settlement may move current -> target."""
    _refuse_unless(settlement_next(current), current, target, ko="정산 상태를 ", en="a settlement ")
