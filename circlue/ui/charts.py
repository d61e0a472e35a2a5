"""Plotly figures shared by pages."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from circlue.korea import format_krw
from circlue.ui.i18n import status_label


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
        xaxis={"dtick": 1},
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
