"""Home: the figures each role cares about first."""

import datetime as dt

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.repository import dashboard
from circlue.ui.charts import stage_bar
from circlue.ui.format import format_count, format_date, format_krw, today_seoul
from circlue.ui.i18n import status_label, t
from circlue.ui.navigation import guard

actor = guard("home")
today = today_seoul()

if actor.role == "manager":
    with unit_of_work(actor) as session:
        home = dashboard.manager_home(session, today=today)
    st.header(t("home.manager.title"))
    st.metric(t("home.manager.active"), format_count(home.active_campaigns))
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("home.manager.per_stage"))
        st.plotly_chart(stage_bar(home.per_status), key="stage_chart")
    with right:
        st.subheader(t("home.manager.deadlines"))
        if home.deadlines:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("col.deadline"): [format_date(d.proposal_deadline) for d in home.deadlines],
                        t("col.title"): [d.title for d in home.deadlines],
                        t("col.brand"): [d.brand for d in home.deadlines],
                        t("col.status"): [status_label(d.status) for d in home.deadlines],
                    }
                ),
                hide_index=True,
                key="deadlines",
            )
        else:
            st.info(t("home.manager.no_deadlines"))

elif actor.role == "brand":
    with unit_of_work(actor) as session:
        home = dashboard.brand_home(session, today=today)
    st.header(t("home.brand.title"))
    # Amounts run to eleven characters (₩115,000,000): give them the room.
    c1, c2, c3, c4 = st.columns([1, 1.7, 1.7, 1.2])
    c1.metric(t("home.brand.live"), format_count(len(home.live)))
    c2.metric(t("home.brand.budget"), format_krw(home.total_budget))
    c3.metric(t("home.brand.outstanding"), format_krw(home.outstanding))
    c4.metric(t("home.brand.views"), format_count(home.views_30d))
    waiting, link = st.columns([1, 3], vertical_alignment="bottom")
    waiting.metric(t("home.content_waiting"), format_count(home.content_waiting))
    link.page_link("views/review.py", label=t("home.open_queue"), icon=":material/rate_review:")
    st.subheader(t("home.brand.live"))
    if home.live:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.title"): [c.title for c in home.live],
                    t("col.status"): [status_label(c.status) for c in home.live],
                    t("col.budget"): [format_krw(c.budget) for c in home.live],
                    t("col.end"): [format_date(c.campaign_end_date) for c in home.live],
                }
            ),
            hide_index=True,
            key="live_campaigns",
        )
    else:
        st.info(t("home.brand.no_live"))
    st.caption(f"{t('home.brand.settled')}: {format_krw(home.settled)}")

else:
    with unit_of_work(actor) as session:
        home = dashboard.admin_home(session, now=dt.datetime.now(dt.UTC))
    st.header(t("home.admin.title"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("home.admin.content"), format_count(home.content_waiting))
    c2.metric(t("home.admin.plans"), format_count(home.plans_waiting))
    c3.metric(
        t("home.admin.settlements"),
        format_count(home.settlements_open),
        help=format_krw(home.settlements_open_amount),
    )
    c4.metric(t("home.admin.locked"), format_count(home.locked_users))
    st.page_link("views/review.py", label=t("home.open_queue"), icon=":material/rate_review:")
    st.subheader(t("home.admin.users"))
    st.dataframe(
        pd.DataFrame(
            {
                t("col.role"): [t(f"role.{r}") for r in home.users_by_role],
                t("col.count"): list(home.users_by_role.values()),
            }
        ),
        hide_index=True,
        key="users_by_role",
    )
