"""The campaign terms and target fields, shared by the creation page and the campaign page's edit form.

Drawn inside an st.form; each field gets a slot under it for its own message, filled after a failed save (the form
keeps what was typed, because its widgets keep their values).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from circlue.errors import ValidationError
from circlue.repository.campaigns import CampaignDetail
from circlue.schemas.campaigns import (
    AD_TYPES,
    CAMPAIGN_LABELS,
    INFLUENCER_CATEGORIES,
    TARGET_LABELS,
    CampaignInput,
    TargetContentInput,
)
from circlue.schemas.common import parse
from circlue.ui.i18n import MESSAGES, t
from circlue.ui.text import md

CAMPAIGN_FIELDS = (
    "title", "description", "budget", "campaign_start_date", "campaign_end_date", "proposal_deadline", "ad_type",
)
TARGET_FIELDS = (
    "influencer_categories", "target_age", "usp_importance", "influencer_impact", "additional_description",
    "secondary_content_usage",
)


@dataclass
class Terms:
    """What a campaign form starts with."""

    title: str = ""
    description: str = ""
    budget: int | None = None
    campaign_start_date: dt.date | None = None
    campaign_end_date: dt.date | None = None
    proposal_deadline: dt.date | None = None
    ad_type: str | None = None
    influencer_categories: list[str] = field(default_factory=list)
    target_age: str = ""
    usp_importance: int = 3
    influencer_impact: str = ""
    additional_description: str = ""
    secondary_content_usage: bool = False

    @classmethod
    def fresh(cls, today: dt.date) -> Terms:
        """A new campaign's starting values: proposals due in two weeks, running a month from day 30."""
        return cls(
            campaign_start_date=today + dt.timedelta(days=30),
            campaign_end_date=today + dt.timedelta(days=60),
            proposal_deadline=today + dt.timedelta(days=14),
        )

    @classmethod
    def of(cls, campaign: CampaignDetail) -> Terms:
        """A saved campaign's values, for editing."""
        target = campaign.target
        return cls(
            title=campaign.title,
            description=campaign.description or "",
            budget=int(campaign.budget),
            campaign_start_date=campaign.campaign_start_date,
            campaign_end_date=campaign.campaign_end_date,
            proposal_deadline=campaign.proposal_deadline,
            ad_type=campaign.ad_type,
            influencer_categories=list(target.influencer_categories) if target else [],
            target_age=(target.target_age or "") if target else "",
            usp_importance=(target.usp_importance or 3) if target else 3,
            influencer_impact=(target.influencer_impact or "") if target else "",
            additional_description=(target.additional_description or "") if target else "",
            secondary_content_usage=bool(target.secondary_content_usage) if target else False,
        )


def category_label(category: str) -> str:
    """A category with its Korean or English name beside the Chinese one; a typed category as typed."""
    key = f"category.{category}"
    return t(key) if key in MESSAGES else category


def terms_fields(prefix: str, start: Terms) -> tuple[dict[str, Any], dict[str, DeltaGenerator]]:
    """Draw the terms and the target inside the current form; return the values and a message slot per field."""
    values: dict[str, Any] = {}
    slots: dict[str, DeltaGenerator] = {}

    def slot(name: str, where: DeltaGenerator | None = None) -> None:
        slots[name] = (where or st).empty()

    slot("__top__")
    st.markdown(f"**{t('form.terms')}**")
    values["title"] = st.text_input(t("form.title"), value=start.title, max_chars=200, key=f"{prefix}_title")
    slot("title")
    values["description"] = st.text_area(
        t("form.description"), value=start.description, max_chars=5000, height=90, key=f"{prefix}_description"
    )
    slot("description")
    money, kind = st.columns(2)
    values["budget"] = money.number_input(
        t("form.budget"), min_value=0, value=start.budget, step=1_000_000, format="%d",
        placeholder="50000000", key=f"{prefix}_budget",
    )
    slot("budget", money)
    values["ad_type"] = kind.radio(
        t("board.ad_type"), options=list(AD_TYPES), format_func=lambda a: t(f"ad_type.{a}"),
        index=AD_TYPES.index(start.ad_type) if start.ad_type in AD_TYPES else None, horizontal=True,
        key=f"{prefix}_ad_type",
    )
    slot("ad_type", kind)
    begin, end, deadline = st.columns(3)
    values["campaign_start_date"] = begin.date_input(
        t("col.start"), value=start.campaign_start_date, format="YYYY-MM-DD", key=f"{prefix}_start"
    )
    slot("campaign_start_date", begin)
    values["campaign_end_date"] = end.date_input(
        t("col.end"), value=start.campaign_end_date, format="YYYY-MM-DD", key=f"{prefix}_end"
    )
    slot("campaign_end_date", end)
    values["proposal_deadline"] = deadline.date_input(
        t("col.deadline"), value=start.proposal_deadline, format="YYYY-MM-DD", key=f"{prefix}_deadline",
        help=t("form.deadline_help"),
    )
    slot("proposal_deadline", deadline)

    st.markdown(f"**{t('form.target')}**")
    categories, age = st.columns([2, 1])
    values["influencer_categories"] = categories.multiselect(
        t("form.categories"), options=sorted({*INFLUENCER_CATEGORIES, *start.influencer_categories}),
        default=start.influencer_categories, format_func=category_label, accept_new_options=True,
        max_selections=20, placeholder=t("form.categories_hint"), key=f"{prefix}_categories",
    )
    slot("influencer_categories", categories)
    values["target_age"] = age.text_input(
        t("form.target_age"), value=start.target_age, max_chars=5, placeholder="20-29", key=f"{prefix}_age"
    )
    slot("target_age", age)
    values["usp_importance"] = st.slider(
        t("form.usp"), min_value=1, max_value=5, value=start.usp_importance, key=f"{prefix}_usp",
        help=t("form.usp_help"),
    )
    slot("usp_importance")
    values["influencer_impact"] = st.text_area(
        t("form.impact"), value=start.influencer_impact, max_chars=2000, height=80, key=f"{prefix}_impact",
        placeholder=t("form.impact_hint"),
    )
    slot("influencer_impact")
    values["additional_description"] = st.text_area(
        t("form.additional"), value=start.additional_description, max_chars=5000, height=80,
        key=f"{prefix}_additional",
    )
    slot("additional_description")
    values["secondary_content_usage"] = st.checkbox(
        t("form.secondary"), value=start.secondary_content_usage, key=f"{prefix}_secondary"
    )
    slot("secondary_content_usage")
    return values, slots


def _present(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    # A value left empty is missing (pydantic says "required"), not an invalid None.
    return {name: values[name] for name in names if values.get(name) is not None}


def parse_terms(
    values: dict[str, Any], *, brand_id: uuid.UUID | None, product_id: uuid.UUID | None
) -> tuple[CampaignInput, TargetContentInput]:
    """Both schemas at once, so every bad field is named in one go (ValidationError.fields)."""
    campaign_values = _present(values, CAMPAIGN_FIELDS) | _present(
        {"brand_id": brand_id, "product_id": product_id}, ("brand_id", "product_id")
    )
    if isinstance(campaign_values.get("budget"), int | float):
        campaign_values["budget"] = Decimal(int(campaign_values["budget"]))
    errors: dict[str, str] = {}
    parsed: list[Any] = []
    for model, labels, names in (
        (CampaignInput, CAMPAIGN_LABELS, campaign_values),
        (TargetContentInput, TARGET_LABELS, _present(values, TARGET_FIELDS)),
    ):
        try:
            parsed.append(parse(model, labels, **names))
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        labels = CAMPAIGN_LABELS | TARGET_LABELS
        raise ValidationError(
            " · ".join(f"{labels.get(name, name)}: {text}" for name, text in errors.items()), fields=errors
        )
    return parsed[0], parsed[1]


def show_field_errors(error: ValidationError, slots: dict[str, DeltaGenerator]) -> None:
    """A summary at the top of the form, each field's message under the field (or in the summary without one)."""
    top = slots.get("__top__", st)
    if not error.fields:
        top.error(md(str(error)))
        return
    labels = CAMPAIGN_LABELS | TARGET_LABELS
    unplaced = [f"{labels.get(n, n)}: {text}" for n, text in error.fields.items() if n not in slots]
    top.error("  \n".join([t("form.fix", n=len(error.fields)), *(md(line) for line in unplaced)]))
    for name, text in error.fields.items():
        if name in slots:
            slots[name].error(md(text), icon=":material/error:")
