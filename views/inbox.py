"""Notifications: newest first, unread ones marked; open one's campaign, mark one or all read."""

import datetime as dt

import streamlit as st

from circlue.db import unit_of_work
from circlue.repository import notifications as notifications_repo
from circlue.ui.flash import flash, show_flash
from circlue.ui.i18n import t
from circlue.ui.navigation import guard, page_path
from circlue.ui.notices import ICONS, ago, campaign_of, describe

PAGE = 30
LIMIT = "inbox_limit"

actor = guard("inbox")
st.header(t("nav.inbox"))
show_flash()
# Unread items are containers keyed unread-<id>: one rule highlights them all.
st.html(
    "<style>[class*='st-key-unread-']{background:#F5F4FB;border-left:4px solid #5B4BDB !important}</style>"
)

controls, mark_all = st.columns([4, 1], vertical_alignment="center")
only_unread = controls.toggle(t("inbox.unread_only"), key="inbox_unread_only")
limit = st.session_state.get(LIMIT, PAGE)
with unit_of_work(actor) as session:
    notices = notifications_repo.list_notifications(session, unread_only=only_unread, limit=limit + 1)
more, notices = len(notices) > limit, notices[:limit]

if mark_all.button(t("inbox.mark_all"), icon=":material/done_all:", key="inbox_mark_all",
                   disabled=not any(not n.is_read for n in notices)):
    with unit_of_work(actor) as session:
        changed = notifications_repo.mark_read(session)
    flash(t("inbox.marked", n=changed))

if not notices:
    st.info(t("inbox.empty_unread") if only_unread else t("inbox.empty"))
    st.stop()

now = dt.datetime.now(dt.UTC)
for notice in notices:
    headline, detail = describe(notice)
    campaign_id = campaign_of(notice)
    unread = not notice.is_read
    with st.container(border=True, key=f"{'unread' if unread else 'read'}-{notice.id}"):
        text, open_col, read_col = st.columns([7, 1.3, 1.3], vertical_alignment="center")
        dot = ":violet[●] " if unread else ""
        text.markdown(
            f"{ICONS.get(notice.type, ':material/notifications:')} {dot}**{headline}**  \n"
            f"{detail} · :gray[{ago(notice.created_at, now)}]"
        )
        if campaign_id is not None and open_col.button(
            t("inbox.open"), key=f"open-{notice.id}", icon=":material/open_in_new:"
        ):
            if unread:
                with unit_of_work(actor) as session:
                    notifications_repo.mark_read(session, notification_ids=[notice.id])
            st.switch_page(page_path("campaign"), query_params={"id": str(campaign_id)})
        if unread and read_col.button(t("inbox.mark_one"), key=f"read-{notice.id}", icon=":material/done:"):
            with unit_of_work(actor) as session:
                notifications_repo.mark_read(session, notification_ids=[notice.id])
            flash(t("inbox.marked", n=1))

if more and st.button(t("more"), key="inbox_more"):
    st.session_state[LIMIT] = min(limit + PAGE, 180)
    st.rerun()
