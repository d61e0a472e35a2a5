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

CONTENT_STATUSES: tuple[str, ...] = ("draft", "submitted", "revision-requested", "approved", "published")

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


def check_transition(current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless current -> target is allowed."""
    allowed = allowed_next(current)
    if target not in allowed:
        names = ", ".join(allowed) or "없음 / none"
        raise InvalidTransition(
            f"'{current}'에서 '{target}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {names} / "
            f"cannot move from '{current}' to '{target}'; allowed: {names}"
        )


def invitation_next(status: str) -> list[str]:
    """Statuses an invitation in `status` may move to, in workflow order."""
    if status not in INVITATION_TRANSITIONS:
        raise InvalidTransition(f"알 수 없는 초대 상태입니다 / unknown invitation status: {status}")
    return sorted(INVITATION_TRANSITIONS[status], key=INVITATION_STATUSES.index)


def check_invitation_transition(current: str, target: str) -> None:
    """Raise InvalidTransition naming the allowed next states unless the invitation may move current -> target."""
    allowed = invitation_next(current)
    if target not in allowed:
        names = ", ".join(allowed) or "없음 / none"
        raise InvalidTransition(
            f"초대 상태를 '{current}'에서 '{target}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {names} / "
            f"an invitation cannot move from '{current}' to '{target}'; allowed: {names}"
        )


def brand_may_move(current: str, target: str) -> bool:
    """True when a brand user may make this campaign move itself (staff may make every allowed move)."""
    return (current, target) in CAMPAIGN_BRAND_MOVES


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
    # Main's _refuse_unless (issue 8) says the same: use it when the branches meet.
    allowed = settlement_next(current)
    if target not in allowed:
        names = ", ".join(allowed) or "없음 / none"
        raise InvalidTransition(
            f"정산 상태를 '{current}'에서 '{target}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: {names} / "
            f"a settlement cannot move from '{current}' to '{target}'; allowed: {names}"
        )
