"""Brands: staff list, create and edit brands and their products; a brand user tells its story and keeps its
products, and sees the rest of its brand read-only."""

import uuid

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import brands as brands_repo
from circlue.ui.brands import brand_facts, brand_form, brands_table, products_section, story_form
from circlue.ui.flash import show_error, show_flash
from circlue.ui.i18n import t
from circlue.ui.navigation import STAFF, guard
from circlue.ui.text import md

PAGE_SIZE = 50
PICK, AFTER, QUERY = "brand_pick", "brand_after", "brand_query"

actor = guard("brands")
staff = actor.role in STAFF
show_flash()


def _picked(ids: list[str]) -> uuid.UUID | None:
    """The brand picked in this browser session, if it is still listed (else the first); set before the widget."""
    if st.session_state.get(PICK) not in ids:
        st.session_state[PICK] = ids[0] if ids else None
    return uuid.UUID(st.session_state[PICK]) if ids else None


def _new_search() -> None:
    st.session_state.pop(AFTER, None)


if staff:
    st.header(t("nav.brands"))
    st.text_input(t("brands.search"), key=QUERY, max_chars=100, on_change=_new_search)

# One transaction reads the page: the brands, the brand users to link (staff), the picked brand's products.
try:
    with unit_of_work(actor) as session:
        brands = brands_repo.list_brands(
            session, query=st.session_state.get(QUERY), after=st.session_state.get(AFTER), limit=PAGE_SIZE
        )
        users = brands_repo.list_brand_users(session) if staff else []
        picked_id = _picked([str(b.id) for b in brands])
        products = brands_repo.list_products(session, brand_id=picked_id, limit=500) if picked_id else []
except DomainError as exc:
    show_error(exc)
    st.stop()
by_id = {str(b.id): b for b in brands}
brand = by_id.get(str(picked_id))

if staff:
    with st.expander(t("brands.new"), expanded=not brands, icon=":material/add_business:"):
        brand_form(actor, brand=None, users=users)
    if not brands:
        st.info(t("brands.empty"))
        st.stop()
    brands_table(brands)
    previous, following = st.columns([1, 5])
    if st.session_state.get(AFTER) and previous.button(t("brands.first_page"), key="brand_first_page"):
        _new_search()
        st.rerun()
    if len(brands) == PAGE_SIZE and following.button(t("brands.next_page"), key="brand_next_page"):
        st.session_state[AFTER] = (brands[-1].name, brands[-1].id)
        st.rerun()
    st.selectbox(
        t("brands.pick"),
        options=list(by_id),
        format_func=lambda bid: by_id[bid].name + (f" · {by_id[bid].category}" if by_id[bid].category else ""),
        key=PICK,
    )
    st.subheader(md(brand.name))
    details, catalogue = st.tabs([t("brands.details"), t("products.title_count", n=len(products))])
    with details:
        brand_form(actor, brand=brand, users=users)
    with catalogue:
        products_section(actor, brand, products)
else:
    st.header(t("brands.own_title"))
    if brand is None:
        st.info(t("brands.none"))
        st.stop()
    if len(brands) > 1:
        st.selectbox(t("brands.pick"), options=list(by_id), format_func=lambda bid: by_id[bid].name, key=PICK)
    st.subheader(md(brand.name))
    brand_facts(brand)
    story_form(actor, brand)
    st.subheader(t("products.title_count", n=len(products)))
    products_section(actor, brand, products)
