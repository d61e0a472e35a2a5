"""Campaigns: the pipeline list; staff move campaigns through the workflow."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import campaigns as campaigns_repo
from circlue.ui.flash import flash, show_error, show_flash
from circlue.ui.format import format_date, format_datetime, format_krw
from circlue.ui.i18n import status_label, t
from circlue.ui.navigation import STAFF, guard
from circlue.ui.text import md
from circlue.workflow import CAMPAIGN_STATUSES, allowed_next

actor = guard("campaigns")
st.header(t("nav.campaigns"))
show_flash()

status = st.selectbox(
    t("filter.status"),
    options=[None, *CAMPAIGN_STATUSES],
    format_func=lambda s: t("filter.all") if s is None else status_label(s),
    key="campaign_status_filter",
)
with unit_of_work(actor) as session:
    rows = campaigns_repo.list_campaigns(session, status=status, limit=200)

if not rows:
    st.info(t("empty"))
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            t("col.title"): [r.title for r in rows],
            t("col.brand"): [r.brand for r in rows],
            t("col.product"): [r.product for r in rows],
            t("col.status"): [status_label(r.status) for r in rows],
            t("col.stage"): [r.current_stage for r in rows],
            t("col.budget"): [format_krw(r.budget) for r in rows],
            t("col.start"): [format_date(r.campaign_start_date) for r in rows],
            t("col.end"): [format_date(r.campaign_end_date) for r in rows],
            t("col.deadline"): [format_date(r.proposal_deadline) for r in rows],
            t("col.influencers"): [r.influencers for r in rows],
        }
    ),
    hide_index=True,
    key="campaign_table",
)

if actor.role in STAFF:
    st.subheader(t("campaigns.advance"))
    by_id = {str(r.id): r for r in rows}
    picked = st.selectbox(
        t("campaigns.pick"),
        options=list(by_id),
        format_func=lambda cid: f"{by_id[cid].title} · {by_id[cid].brand} · {status_label(by_id[cid].status)}",
        key="advance_campaign",
    )
    campaign = by_id[picked]
    options = allowed_next(campaign.status)
    if not options:
        st.caption(t("campaigns.no_next"))
    else:
        with st.form("advance_form"):
            target = st.selectbox(t("campaigns.to"), options=options, format_func=status_label, key="advance_to")
            note = st.text_input(t("campaigns.note"), key="advance_note", max_chars=1000)
            if st.form_submit_button(t("campaigns.advance")):
                try:
                    with unit_of_work(actor) as session:
                        campaigns_repo.advance_campaign(
                            session, campaign_id=campaign.id, to=target, expected_status=campaign.status, note=note
                        )
                except DomainError as exc:
                    show_error(exc)
                else:
                    flash(t("campaigns.moved", title=md(campaign.title), status=status_label(target)))

    with unit_of_work(actor) as session:
        history = campaigns_repo.status_history(session, campaign_id=campaign.id)
    with st.expander(t("campaigns.history"), expanded=False):
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.when"): [format_datetime(h.changed_at) for h in history],
                    t("campaigns.from"): [status_label(h.from_status) if h.from_status else "—" for h in history],
                    t("campaigns.to"): [status_label(h.to_status) for h in history],
                    t("col.who"): [h.changed_by or t("audit.system") for h in history],
                    t("campaigns.note"): [h.note or "" for h in history],
                }
            ),
            hide_index=True,
            key="status_history",
        )
