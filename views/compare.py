"""Campaign comparison for staff: campaigns side by side on the same figures (circlue.metrics) for one period."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import analytics
from circlue.ui import performance_charts as charts
from circlue.ui.flash import show_error
from circlue.ui.format import format_count, format_krw
from circlue.ui.i18n import status_label, t
from circlue.ui.navigation import guard
from circlue.ui.performance import filters

actor = guard("compare")
st.header(t("compare.title"))

picked_range, chosen = filters(actor, key="compare", label=t("compare.pick"))
if picked_range is None:
    st.stop()
try:
    with unit_of_work(actor, readonly=True) as session:
        rows = analytics.campaign_comparison(session, start=picked_range[0], end=picked_range[1],
                                             campaign_ids=chosen or None)
except DomainError as exc:
    show_error(exc)
    st.stop()
if not rows:
    st.info(t("compare.empty"))
    st.stop()


def _money(value):
    return format_krw(value) if value is not None else "—"


st.dataframe(
    pd.DataFrame(
        {
            t("col.campaign"): [r.title for r in rows],
            t("col.brand"): [r.brand for r in rows],
            t("col.status"): [status_label(r.status) for r in rows],
            t("col.influencers"): [r.influencers for r in rows],
            t("col.views"): [format_count(r.figures.views) for r in rows],
            t("col.er"): [f"{r.figures.engagement_rate}%" if r.figures.engagement_rate is not None else "—"
                          for r in rows],
            t("col.spend"): [_money(r.figures.spend) for r in rows],
            t("col.cpe"): [_money(r.figures.cpe) for r in rows],
            t("col.cpm"): [_money(r.figures.cpm) for r in rows],
            t("col.sales"): [_money(r.figures.sales) for r in rows],
            t("col.roas"): [f"{r.figures.roas}×" if r.figures.roas is not None else "—" for r in rows],
            t("col.roi"): [f"{r.figures.roi}%" if r.figures.roi is not None else "—" for r in rows],
        }
    ),
    hide_index=True,
    key="compare_table",
)
st.plotly_chart(charts.compare_campaigns(rows), key="chart_compare", config=charts.plot_config("compare"))
st.caption(t("perf.export_note"))
