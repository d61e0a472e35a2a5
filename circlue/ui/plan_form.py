"""The plan form: one set of widgets per content type, and the values they hold as the plan schema reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from circlue.ui.content import PLAN_FIELDS, field_text
from circlue.ui.forms import FormErrors
from circlue.ui.i18n import t

# Fields typed in a text area (one item a line), and the one picked as a date.
_AREAS = {"shot_list", "caption_draft", "scenes", "script"}


def plan_fields(prefix: str, content_type: str, errors: FormErrors) -> None:
    """The widgets of a plan of `content_type`, each with its message under it after a failed save."""
    for name in PLAN_FIELDS[content_type]:
        label, key = t("plan.field." + name), f"{prefix}{name}"
        if name == "posting_date":
            st.date_input(label, key=key, format="YYYY-MM-DD")
        elif name == "total_seconds":
            st.number_input(label, key=key, min_value=1, max_value=3600, step=1)
        elif name in _AREAS:
            st.text_area(label, key=key, height=100, max_chars=5000)
        else:
            st.text_input(label, key=key, max_chars=500)
        errors.under(name)


def plan_values(
    prefix: str, content_type: str, plan: dict[str, Any] | None = None, *, to_widgets: bool = False
) -> dict[str, Any]:
    """Without `to_widgets`: what the widgets hold, as parse_plan() takes it. With it: a stored plan as widget values
    (keyed by widget key), for seeding the form."""
    names = PLAN_FIELDS[content_type]
    if not to_widgets:
        return {name: st.session_state.get(f"{prefix}{name}") for name in names}
    plan = plan or {}
    values: dict[str, Any] = {}
    for name in names:
        value = plan.get(name)
        if name == "posting_date":
            values[f"{prefix}{name}"] = dt.date.fromisoformat(value) if value else dt.date.today()
        elif name == "total_seconds":
            values[f"{prefix}{name}"] = int(value or 30)
        elif name == "hashtags":
            values[f"{prefix}{name}"] = " ".join(value or [])
        elif name == "scenes":
            values[f"{prefix}{name}"] = "\n".join(f"{s['description']} | {s['seconds']}" for s in value or [])
        else:
            values[f"{prefix}{name}"] = field_text(name, value)
    return values
