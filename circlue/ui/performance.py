"""Shared pieces of the performance pages: KPI tiles with their change, tables of figures, export callables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.metrics import Figures, change
from circlue.repository import analytics
from circlue.tabular import csv_bytes, xlsx_bytes
from circlue.ui.format import format_count, format_krw, today_seoul
from circlue.ui.i18n import platform_label, t


def _pct(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else "—"


def _delta(current: Decimal | int | None, previous: Decimal | int | None) -> str | None:
    moved = change(current, previous)
    return f"{moved:+}%" if moved is not None else None


def _points(current: Decimal | None, previous: Decimal | None) -> str | None:
    """A rate's change in percentage points (a change of a percentage in percent misleads)."""
    if current is None or previous is None:
        return None
    return f"{current - previous:+.2f}%p"


def summary(now: Figures) -> None:
    """One sentence that says what the period cost and what it brought."""
    st.markdown(t(
        "perf.summary", spend=format_krw(now.spend), views=format_count(now.views),
        engagements=format_count(now.engagements), cpe=format_krw(now.cpe) if now.cpe is not None else "—",
        sales=format_krw(now.sales), roas=f"{now.roas}×" if now.roas is not None else "—",
    ))


def kpi_tiles(now: Figures, before: Figures) -> None:
    """Two rows of tiles: reach and engagement first, money second, each with its change against `before`."""
    row = st.columns(4)
    row[0].metric(t("perf.views"), format_count(now.views), _delta(now.views, before.views))
    row[1].metric(t("perf.engagements"), format_count(now.engagements), _delta(now.engagements, before.engagements))
    row[2].metric(t("perf.engagement_rate"), _pct(now.engagement_rate),
                  _points(now.engagement_rate, before.engagement_rate), help=t("perf.help.engagement"))
    row[3].metric(t("perf.sales"), format_krw(now.sales), _delta(now.sales, before.sales))
    row = st.columns(4)
    # Costs going up is bad news: their arrows are coloured the other way.
    row[0].metric(t("perf.spend"), format_krw(now.spend), _delta(now.spend, before.spend), delta_color="off",
                  help=t("perf.help.spend"))
    row[1].metric(t("perf.cpe"), format_krw(now.cpe) if now.cpe is not None else "—", _delta(now.cpe, before.cpe),
                  delta_color="inverse")
    row[2].metric(t("perf.roas"), f"{now.roas}×" if now.roas is not None else "—", _delta(now.roas, before.roas),
                  help=t("perf.help.roas"))
    row[3].metric(t("perf.cpm"), format_krw(now.cpm) if now.cpm is not None else "—", _delta(now.cpm, before.cpm),
                  delta_color="inverse")


def influencer_table(rows: Sequence[analytics.InfluencerRow]) -> pd.DataFrame:
    """The per-influencer comparison as a table."""
    return pd.DataFrame(
        {
            t("col.influencer"): [r.name for r in rows],
            t("col.platform"): [platform_label(r.platform) for r in rows],
            t("col.views"): [format_count(r.views) for r in rows],
            t("col.engagements"): [format_count(r.engagements) for r in rows],
            t("col.er"): [_pct(r.engagement_rate) for r in rows],
            t("col.spend"): [format_krw(r.spend) for r in rows],
            t("col.cpe"): [format_krw(r.cpe) if r.cpe is not None else "—" for r in rows],
            t("col.sales"): [format_krw(r.sales) for r in rows],
            t("col.roas"): [f"{r.roas}×" if r.roas is not None else "—" for r in rows],
        }
    )


def content_table(rows: Sequence[analytics.ContentRow]) -> pd.DataFrame:
    """Top content with its link."""
    return pd.DataFrame(
        {
            t("col.link"): [r.url for r in rows],
            t("col.influencer"): [r.influencer for r in rows],
            t("col.platform"): [platform_label(r.platform) for r in rows],
            t("col.campaign"): [r.campaign for r in rows],
            t("col.views"): [format_count(r.views) for r in rows],
            t("col.er"): [_pct(r.engagement_rate) for r in rows],
            t("col.sales"): [format_krw(r.sales) for r in rows],
        }
    )


EXPORT_HEADER = (
    "metric_date", "campaign", "influencer", "platform", "views", "likes", "comments", "shares", "saves",
    "engagement_rate", "click_through_rate", "conversion_rate", "sales_amount", "published_url",
)


def export_callables(
    actor: Actor, *, start: dt.date, end: dt.date, campaign_ids: Sequence[uuid.UUID] | None
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """(CSV, Excel) makers run only when a download button is clicked, as the same user (RLS applies)."""

    def rows() -> list[list[object]]:
        with unit_of_work(actor, readonly=True) as session:
            data = analytics.export_rows(session, start=start, end=end, campaign_ids=campaign_ids)
        return [[r[h] for h in EXPORT_HEADER] for r in data]

    return (lambda: csv_bytes(EXPORT_HEADER, rows())), (lambda: xlsx_bytes(EXPORT_HEADER, rows(), sheet="metrics"))


PRESETS = (7, 30, 90, 180)


def filters(actor: Actor, *, key: str, label: str) -> tuple[tuple[dt.date, dt.date] | None, list[uuid.UUID]]:
    """The date range (with presets) and the campaign picker of the performance pages; campaigns read as `actor`."""
    with unit_of_work(actor, readonly=True) as session:
        options = analytics.campaign_options(session)
    by_id = {o.id: o for o in options}
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    with left:
        picked = date_range(f"{key}_range", today_seoul())
    with right:
        chosen = st.multiselect(
            label, options=list(by_id), key=f"{key}_campaigns", placeholder=t("filter.all"),
            format_func=lambda cid: (
                by_id[cid].title if actor.role == "brand" else f"{by_id[cid].title} · {by_id[cid].brand}"
            ),
        )
    return picked, chosen


def date_range(key: str, today: dt.date, default_days: int = 90) -> tuple[dt.date, dt.date] | None:
    """A start and end date picker (the last `default_days` days by default) with one-click presets (last 7, 30 …
    days); None until both dates are picked."""

    def preset() -> None:
        days = st.session_state.get(f"{key}_preset")
        if days:
            st.session_state[key] = (today - dt.timedelta(days=days - 1), today)

    st.session_state.setdefault(key, (today - dt.timedelta(days=default_days - 1), today))
    st.pills(t("perf.presets"), options=PRESETS, format_func=lambda d: t("perf.last_days", n=d), key=f"{key}_preset",
             on_change=preset, label_visibility="collapsed")
    picked = st.date_input(
        t("perf.range"), max_value=today, min_value=dt.date(2000, 1, 1), key=key, format="YYYY-MM-DD",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.info(t("perf.pick_range"))
        return None
    return picked[0], picked[1]
