"""Plotly figures shared by pages."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from circlue.korea import format_krw
from circlue.ui.i18n import status_label, t


def stage_bar(per_status: dict[str, int]) -> go.Figure:
    """Horizontal bar of campaigns per workflow status, in workflow order."""
    statuses = list(per_status)
    fig = go.Figure(
        go.Bar(
            x=[per_status[s] for s in statuses],
            y=[status_label(s) for s in statuses],
            orientation="h",
            marker_color="#5B4BDB",
            text=[per_status[s] for s in statuses],
            textposition="outside",
        )
    )
    fig.update_layout(
        height=420,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        # Whole numbers: one tick per campaign while there are few; plotly's own spacing beyond (dtick=1 with
        # thousands of campaigns drew thousands of ticks and froze the browser).
        xaxis={"dtick": 1} if max(per_status.values(), default=0) <= 10 else {"tickformat": ",d"},
    )
    return fig


def budget_bar(budget: Decimal, agreed: Decimal, pending: Decimal) -> go.Figure:
    """One stacked bar against the budget: fees agreed, fees proposed but not agreed yet, what is left.

    A red line marks the budget when agreed and proposed fees together go past it.
    """
    left = max(budget - agreed - pending, Decimal(0))
    parts = (
        (t("budget.agreed"), agreed, "#5B4BDB"),
        (t("budget.pending"), pending, "#B9B2F0"),
        (t("budget.left"), left, "#E5E7EB"),
    )
    fig = go.Figure()
    for name, amount, colour in parts:
        fig.add_trace(
            go.Bar(
                x=[float(amount)],
                y=[""],
                orientation="h",
                name=f"{name} {format_krw(amount)}",
                marker_color=colour,
                hovertemplate=f"{name}: {format_krw(amount)}<extra></extra>",
            )
        )
    if agreed + pending > budget:
        fig.add_vline(x=float(budget), line_color="#C62828", line_width=3)
    # The amounts are in the legend, in full: an axis would only repeat them, cut short.
    fig.update_layout(
        barmode="stack",
        height=140,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False, "range": [0, float(max(budget, agreed + pending))]},
        yaxis={"visible": False},
        legend={"orientation": "v", "yanchor": "top", "y": -0.05, "x": 0, "traceorder": "normal"},
        bargap=0.1,
        showlegend=True,
    )
    return fig


def aging_bar(buckets: dict[str, Decimal], labels: dict[str, str]) -> go.Figure:
    """Bars of what is owed per aging bucket (0-30, 31-60, 61-90, 90+ days), labelled in won."""
    names = list(buckets)
    # Whole won as exact integers: plotly needs numbers, and money never passes through float here.
    values = [int(buckets[name]) for name in names]
    fig = go.Figure(
        go.Bar(
            x=[labels.get(name, name) for name in names],
            y=values,
            marker_color=["#5B4BDB", "#F2A93B", "#E8743B", "#C23B3B"][: len(names)],
            text=[format_krw(buckets[name]) for name in names],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"visible": False, "rangemode": "tozero"},
        showlegend=False,
    )
    return fig
