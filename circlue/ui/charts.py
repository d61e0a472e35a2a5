"""Plotly figures shared by pages."""

from __future__ import annotations

import plotly.graph_objects as go

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
