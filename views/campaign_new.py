"""New campaign, step by step: brand, then one of its products, then the terms and the target in one form."""

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError, ValidationError
from circlue.repository import campaigns as campaigns_repo
from circlue.ui.campaign_form import Terms, parse_terms, show_field_errors, terms_fields
from circlue.ui.flash import flash, show_error
from circlue.ui.format import today_seoul
from circlue.ui.i18n import t
from circlue.ui.navigation import STAFF, guard, page_path
from circlue.ui.text import md

actor = guard("campaign_new")
st.header(t("nav.campaign_new"))
st.caption(t("new.steps") if actor.role in STAFF else t("new.steps_brand"))

with unit_of_work(actor) as session:
    brands = {b.id: b.name for b in campaigns_repo.brand_choices(session)}
    products = campaigns_repo.product_choices(session)

if not brands:
    st.info(t("new.no_brand"))
    st.stop()

# Pickers outside the form: the product list follows the brand, and a form does not rerun until it is sent.
pick_brand, pick_product = st.columns(2)
if len(brands) == 1:
    brand_id = next(iter(brands))
    pick_brand.text_input(t("col.brand"), value=brands[brand_id], disabled=True, key="new_brand_fixed")
else:
    brand_id = pick_brand.selectbox(
        t("new.brand"), options=list(brands), index=None, format_func=brands.get,
        placeholder=t("new.brand_hint"), key="new_brand",
    )
brand_slot = pick_brand.empty()
own = {p.id: p.name for p in products if p.brand_id == brand_id}
product_id = pick_product.selectbox(
    t("new.product"), options=list(own), index=None, format_func=own.get,
    placeholder=t("new.product_hint") if brand_id else t("new.product_first"), disabled=not own,
    key=f"new_product_{brand_id}",
)
product_slot = pick_product.empty()
if brand_id is not None and not own:
    product_slot.warning(t("new.no_products"))

with st.form("new_campaign", border=True):
    values, slots = terms_fields("new", Terms.fresh(today_seoul()))
    submitted = st.form_submit_button(t("new.create"), type="primary", icon=":material/add_circle:")
slots |= {"brand_id": brand_slot, "product_id": product_slot}

if submitted:
    try:
        campaign, target = parse_terms(values, brand_id=brand_id, product_id=product_id)
        with unit_of_work(actor) as session:
            campaign_id = campaigns_repo.create_campaign(session, campaign=campaign, target=target)
    except ValidationError as exc:
        show_field_errors(exc, slots)
    except DomainError as exc:
        show_error(exc)
    else:
        flash(
            t("new.created", title=md(campaign.title)),
            page=page_path("campaign"),
            query_params={"id": str(campaign_id)},
        )
