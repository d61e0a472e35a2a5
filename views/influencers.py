"""Influencers (staff): search the KOL pool by platform, name and reach; look one up by real name; see and edit an
influencer's personal data (real name, phone, WeChat id)."""

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.models import PLATFORMS
from circlue.repository import influencers as influencers_repo
from circlue.ui import influencers as influencers_ui
from circlue.ui.flash import show_error, show_flash
from circlue.ui.format import format_krw
from circlue.ui.i18n import platform_label, t
from circlue.ui.navigation import guard

actor = guard("influencers")
st.header(t("nav.influencers"))
show_flash()

search, lookup = st.tabs([t("contact.tab_search"), t("contact.tab_lookup")])
with search:
    c1, c2, c3 = st.columns(3)
    platform = c1.selectbox(
        t("filter.platform"),
        options=[None, *PLATFORMS],
        format_func=lambda p: t("filter.all") if p is None else platform_label(p),
        key="influencer_platform",
    )
    query = c2.text_input(t("filter.search"), key="influencer_query", max_chars=100)
    min_followers = c3.number_input(t("filter.min_followers"), min_value=0, step=10_000, key="influencer_min")
    try:
        with unit_of_work(actor) as session:
            rows = influencers_repo.search_influencers(
                session, platform=platform, query=query, min_followers=int(min_followers), limit=200
            )
    except DomainError as exc:
        show_error(exc)
        rows = []
    if not rows:
        st.info(t("empty"))
    else:
        picked = influencers_ui.pick(rows, key="influencer_table", columns={
            t("col.name"): [r.name for r in rows],
            t("col.platform"): [platform_label(r.platform) for r in rows],
            t("col.category"): [r.category for r in rows],
            t("col.region"): [r.region for r in rows],
            t("col.followers"): [r.followers for r in rows],
            t("col.engagement"): [r.engagement_rate for r in rows],
            t("col.fee"): [format_krw(r.base_fee) for r in rows],
        })
        if picked is None:
            st.caption(t("contact.pick"))
        else:
            influencers_ui.contact_card(actor, picked, origin="search")

with lookup:
    found = influencers_ui.real_name_lookup(actor)
    if found is not None:
        influencers_ui.contact_card(actor, found, origin="lookup")
