"""Notifications as text in the reader's language, built from their type and data (the database stores no prose)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from circlue.repository.notifications import NotificationRow
from circlue.ui.format import format_datetime, format_krw
from circlue.ui.i18n import status_label, t
from circlue.ui.text import md

ICONS = {
    "campaign.status": ":material/swap_horiz:",
    "campaign.created": ":material/add_circle:",
    "invitation.created": ":material/person_add:",
    "invitation.status": ":material/handshake:",
}


def campaign_of(notice: NotificationRow) -> uuid.UUID | None:
    """The campaign a notification is about, if any (older notifications may name none)."""
    try:
        return uuid.UUID(str(notice.data["campaign_id"]))
    except (KeyError, ValueError):
        return None


def _status(value: object, prefix: str = "") -> str:
    if not value:
        return "—"
    return t(f"invitation_status.{value}") if prefix else status_label(str(value))


def _fees(data: dict) -> str:
    parts = []
    for name, key in (("proposed_fee", "notice.proposed_fee"), ("ad_fee", "notice.ad_fee")):
        if data.get(name) is not None:
            parts.append(t(key, fee=format_krw(Decimal(str(data[name])))))
    return " · ".join(parts)


def describe(notice: NotificationRow) -> tuple[str, str]:
    """(headline, detail) as Markdown-safe text: everything that came from a person or the database is escaped."""
    data = notice.data
    title = md(data.get("campaign_title") or notice.title)
    kind = notice.type
    if kind == "campaign.status":
        return (
            t("notice.campaign.status", title=title),
            f"{_status(data.get('from'))} → **{_status(data.get('to'))}**",
        )
    if kind == "campaign.created":
        return t("notice.campaign.created", title=title), t("notice.campaign.created_detail")
    if kind in ("invitation.created", "invitation.status"):
        who = md(data.get("influencer") or "—")
        move = f"**{_status(data.get('to'), 'invitation')}**"
        if data.get("from"):
            move = f"{_status(data.get('from'), 'invitation')} → {move}"
        fees = _fees(data)
        return t("notice.invitation", title=title, influencer=who), move + (f" · {fees}" if fees else "")
    return md(notice.title), md(notice.message or "")


def ago(when: dt.datetime, now: dt.datetime) -> str:
    """How long ago, for recent things (minutes, hours, days); the date and time beyond a week."""
    seconds = max((now - when).total_seconds(), 0)
    if seconds < 60:
        return t("ago.now")
    if seconds < 3600:
        return t("ago.minutes", n=int(seconds // 60))
    if seconds < 86400:
        return t("ago.hours", n=int(seconds // 3600))
    if seconds < 7 * 86400:
        return t("ago.days", n=int(seconds // 86400))
    return format_datetime(when)
