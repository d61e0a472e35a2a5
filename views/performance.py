"""Performance dashboard: is it working and what did it cost, for a date range and chosen campaigns (RLS: a brand
sees only its own); every figure comes from circlue.metrics."""

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import analytics
from circlue.ui import performance_charts as charts
from circlue.ui.flash import show_error
from circlue.ui.format import format_date
from circlue.ui.i18n import t
from circlue.ui.navigation import guard
from circlue.ui.performance import content_table, export_callables, filters, influencer_table, kpi_tiles, summary
from circlue.ui.text import md

actor = guard("performance")
st.header(t("perf.title"))

picked_range, chosen = filters(actor, key="perf", label=t("perf.campaigns"))
if picked_range is None:
    st.stop()
start, end = picked_range
try:
    with unit_of_work(actor, readonly=True) as session:
        board = analytics.brand_dashboard(session, start=start, end=end, campaign_ids=chosen or None)
except DomainError as exc:
    show_error(exc)
    st.stop()

st.caption(
    md(t("perf.compared", start=format_date(board.start), end=format_date(board.end), days=len(board.days),
         pstart=format_date(board.previous_start), pend=format_date(board.previous_end)))
)
if not board.current.views and not board.previous.views:
    st.info(t("perf.empty"))
    st.stop()

summary(board.current)
kpi_tiles(board.current, board.previous)

st.subheader(t("perf.over_time"))
st.plotly_chart(charts.over_time(board.days), key="chart_over_time", config=charts.plot_config("over-time"))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("perf.by_influencer"))
    st.plotly_chart(charts.by_influencer(board.influencers), key="chart_influencers",
                    config=charts.plot_config("influencers"))
with right:
    st.subheader(t("perf.by_platform"))
    st.plotly_chart(charts.by_platform(board.platforms), key="chart_platforms", config=charts.plot_config("platforms"))
    st.subheader(t("perf.funnel"))
    st.plotly_chart(charts.funnel(board.current), key="chart_funnel", config=charts.plot_config("funnel"))
st.dataframe(influencer_table(board.influencers), hide_index=True, key="influencer_table")

st.subheader(t("perf.top_content"))
st.dataframe(
    content_table(board.content), hide_index=True, key="content_table",
    column_config={t("col.link"): st.column_config.LinkColumn(display_text=t("perf.open"))},
)

st.subheader(t("perf.sentiment"))
if board.sentiment is None:
    st.info(t("perf.no_sentiment"))
else:
    sentiment = board.sentiment
    left, right = st.columns([3, 2])
    with left:
        st.caption(t("perf.sentiment_over_time"))
        st.plotly_chart(charts.sentiment_over_time(sentiment.days), key="chart_sentiment",
                        config=charts.plot_config("sentiment"))
    with right:
        intent = f"{sentiment.purchase_intent_share}%" if sentiment.purchase_intent_share is not None else "—"
        st.metric(t("perf.intent"), intent)
        st.caption(t("perf.topics"))
        st.plotly_chart(charts.topics(sentiment.topics[:10]), key="chart_topics", config=charts.plot_config("topics"))
    left, right = st.columns(2)
    with left:
        st.caption(t("perf.positive_examples"))
        for text_, likes in sentiment.positive_examples:
            st.success(md(f"{text_}" + (f"  · 👍 {likes:,}" if likes else "")))
    with right:
        st.caption(t("perf.negative_examples"))
        for text_, likes in sentiment.negative_examples:
            st.error(md(f"{text_}" + (f"  · 👍 {likes:,}" if likes else "")))

st.subheader(t("perf.export"))
make_csv, make_xlsx = export_callables(actor, start=start, end=end, campaign_ids=chosen or None)
left, right, _ = st.columns([1, 1, 3])
name = f"circlue-metrics-{start:%Y%m%d}-{end:%Y%m%d}"
left.download_button(t("perf.export_csv"), data=make_csv, file_name=f"{name}.csv", mime="text/csv",
                     key="export_csv", on_click="ignore", icon=":material/download:")
right.download_button(
    t("perf.export_xlsx"), data=make_xlsx, file_name=f"{name}.xlsx", key="export_xlsx", on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
)
st.caption(t("perf.export_note"))
