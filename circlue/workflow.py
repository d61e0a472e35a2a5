"""Campaign, campaign-influencer and content state machines as explicit tables (pure, no I/O)."""

from __future__ import annotations

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

CAMPAIGN_INFLUENCER_STATUSES: tuple[str, ...] = (
    "invited",
    "proposed",
    "accepted",
    "declined",
    "contracted",
    "completed",
)
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
