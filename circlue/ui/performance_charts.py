"""Plotly figures of the performance pages; every chart saves as PNG from its modebar (client-side, no kaleido)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from circlue.ui.format import format_krw
from circlue.ui.i18n import platform_label, t

PLATFORM_COLOURS = {"douyin": "#1F1F1F", "xiaohongshu": "#FF2442", "weibo": "#F5A623", "bilibili": "#00A1D6"}
VIEWS, ENGAGED, SALES = "#5B4BDB", "#E8590C", "#2B8A3E"
POSITIVE, NEUTRAL, NEGATIVE = "#2B8A3E", "#ADB5BD", "#C92A2A"


def plot_config(name: str) -> dict:
    """st.plotly_chart config: a PNG download named after the chart, no plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": f"circlue-{name}", "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def _layout(fig: go.Figure, height: int = 340) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified", separators=".,",
    )
    return fig


def over_time(days: Sequence) -> go.Figure:
    """Views as bars and engagements as a line on a second axis, one point per day."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [d.day for d in days]
    fig.add_trace(go.Bar(x=x, y=[d.views for d in days], name=t("perf.views"), marker_color=VIEWS, opacity=0.75))
    fig.add_trace(
        go.Scatter(x=x, y=[d.engagements for d in days], name=t("perf.engagements"), mode="lines",
                   line={"color": ENGAGED, "width": 2.5}),
        secondary_y=True,
    )
    fig.update_yaxes(title_text=t("perf.views"), secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=t("perf.engagements"), secondary_y=True, rangemode="tozero", showgrid=False)
    return _layout(fig)


def by_influencer(rows: Sequence, limit: int = 12) -> go.Figure:
    """Views per influencer (the top ones), coloured by platform, with engagement rate and CPE on hover."""
    rows = list(rows)[:limit][::-1]
    fig = go.Figure(
        go.Bar(
            x=[r.views for r in rows],
            y=[f"{r.name} · {platform_label(r.platform)}" for r in rows],
            orientation="h",
            marker_color=[PLATFORM_COLOURS.get(r.platform, VIEWS) for r in rows],
            text=[f"{r.engagement_rate or 0}% · CPE {format_krw(r.cpe) if r.cpe is not None else '—'}" for r in rows],
            textposition="auto",
            textangle=0,  # a label too long for its bar goes beside it, not turned on its side
            hovertemplate="%{y}<br>" + t("perf.views") + " %{x:,}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=t("perf.views"))
    fig = _layout(fig, height=max(260, 34 * len(rows) + 60))
    fig.update_layout(hovermode="closest")
    return fig


def by_platform(rows: Sequence) -> go.Figure:
    """Share of views per platform."""
    total = sum(r.views for r in rows) or 1
    fig = go.Figure(
        go.Pie(
            # The legend names every platform with its share; small slices carry no label that would not fit (an
            # outside label of a 0.2 % slice ran off the chart's edge).
            labels=[f"{platform_label(r.platform)} {r.views / total:.1%}" for r in rows],
            values=[r.views for r in rows],
            hole=0.55,
            marker={"colors": [PLATFORM_COLOURS.get(r.platform, VIEWS) for r in rows]},
            textinfo="percent",
            textposition="inside",
            insidetextorientation="horizontal",
            sort=False,
        )
    )
    fig = _layout(fig, height=300)
    fig.update_layout(showlegend=True, hovermode="closest", uniformtext={"minsize": 11, "mode": "hide"},
                      legend={"orientation": "v", "x": 1.0, "y": 0.5})
    return fig


def funnel(figures) -> go.Figure:  # noqa: ANN001 - circlue.metrics.Figures
    """Views → clicks → conversions, with the sales they made."""
    values = [figures.views, int(round(figures.clicks)), int(round(figures.conversions))]
    fig = go.Figure(
        go.Funnel(
            y=[t("perf.views"), t("perf.clicks"), t("perf.conversions")],
            x=values,
            texttemplate="%{value:,}<br>%{percentInitial:.2%}",
            marker={"color": [VIEWS, ENGAGED, SALES]},
        )
    )
    fig = _layout(fig, height=300)
    fig.update_layout(
        hovermode="closest",
        title={"text": t("perf.funnel_sales", sales=format_krw(figures.sales)), "font": {"size": 14}, "x": 0.5},
    )
    return fig


def sentiment_over_time(days: Sequence) -> go.Figure:
    """Shares of positive, neutral and negative comments per day or week (100 % stacked), with the sentiment score."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [d.day for d in days]
    for attr, label, colour in (("positive", "perf.positive", POSITIVE), ("neutral", "perf.neutral", NEUTRAL),
                                ("negative", "perf.negative", NEGATIVE)):
        fig.add_trace(go.Bar(
            x=x, y=[getattr(d, attr) / d.comments * 100 if d.comments else 0 for d in days], name=t(label),
            marker_color=colour, customdata=[getattr(d, attr) for d in days],
            hovertemplate="%{y:.0f}% (%{customdata:,})",
        ))
    fig.add_trace(
        go.Scatter(x=x, y=[float(d.score) if d.score is not None else None for d in days], name=t("perf.score"),
                   mode="lines+markers", line={"color": "#212529"}),
        secondary_y=True,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(range=[0, 100], ticksuffix="%", secondary_y=False)
    fig.update_yaxes(range=[-1, 1], dtick=0.5, secondary_y=True, showgrid=False, title_text=t("perf.score"))
    return _layout(fig, height=300)


def topics(items: Sequence[tuple[str, int]]) -> go.Figure:
    """The most frequent comment keywords."""
    items = list(items)[::-1]
    fig = go.Figure(go.Bar(x=[n for _, n in items], y=[w for w, _ in items], orientation="h", marker_color=VIEWS))
    fig = _layout(fig, height=max(240, 24 * len(items) + 60))
    fig.update_layout(hovermode="closest")
    return fig


def _short(title: str, width: int = 26) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def compare_campaigns(rows: Sequence) -> go.Figure:
    """ROAS, engagement rate and CPE per campaign, side by side with the campaigns down the shared axis."""
    rows = list(rows)[::-1]
    names = [f"{_short(r.title)} · {r.brand}" for r in rows]
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("ROAS (×)", f"{t('perf.engagement_rate')} (%)", "CPE (₩)"))
    series = (
        ([float(r.figures.roas or 0) for r in rows], SALES,
         [f"{r.figures.roas}×" if r.figures.roas is not None else "—" for r in rows]),
        ([float(r.figures.engagement_rate or 0) for r in rows], VIEWS,
         [f"{r.figures.engagement_rate}%" if r.figures.engagement_rate is not None else "—" for r in rows]),
        ([float(r.figures.cpe or 0) for r in rows], ENGAGED,
         [format_krw(r.figures.cpe) if r.figures.cpe is not None else "—" for r in rows]),
    )
    for col, (values, colour, labels) in enumerate(series, start=1):
        fig.add_trace(go.Bar(x=values, y=names, orientation="h", marker_color=colour, text=labels,
                             textposition="auto", textangle=0, showlegend=False, hovertext=[r.title for r in rows]),
                      row=1, col=col)
    fig = _layout(fig, height=max(300, 38 * len(rows) + 90))
    fig.update_layout(hovermode="closest")
    return fig
