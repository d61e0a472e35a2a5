"""Brand and product tables and forms, shared by the staff and brand views of views/brands.py."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.repository import brands as brands_repo
from circlue.repository.brands import BrandRow, BrandUserRow, ProductRow
from circlue.schemas.brands import (
    BRAND_LABELS,
    GENDERS,
    LONG_TEXT,
    PRODUCT_LABELS,
    SALES_CHANNELS,
    SOCIAL_CHANNELS,
    BrandInput,
    BrandStoryInput,
    ProductInput,
    known_channel,
    split_channel_text,
    split_known,
)
from circlue.schemas.common import parse
from circlue.ui.format import format_datetime, format_krw
from circlue.ui.forms import FormErrors, errors_of, forget, seed, submit
from circlue.ui.i18n import t
from circlue.ui.text import md

NEW = "new"
_BRAND_TEXT = ("name", "description", "website", "story", "marketing", "category", "logo_url")
_PRODUCT_TEXT = (
    "name", "description", "purchase_url", "unit", "ingredients", "usage", "effects", "usp", "target_age",
    "category", "image_url",
)


def channel_label(name: str, *, social: bool) -> str:
    """A channel as the reader's language names it (Chinese beside it where it has a Chinese name); free text as is."""
    channel = known_channel(name, social=social)
    return t(f"channel.{'social' if social else 'sales'}.{channel.key}") if channel else name


def channel_labels(names: Iterable[str], *, social: bool) -> str:
    """Channels as one line of labels."""
    return ", ".join(channel_label(n, social=social) for n in names)


def _paragraph(value: str | None) -> str:
    """Typed text for st.markdown: escaped, its line breaks kept."""
    return md(value).replace("\n", "  \n") if value else "—"


def brands_table(brands: list[BrandRow]) -> None:
    """The brand list: what staff scan for (user, channels, product count)."""
    st.dataframe(
        pd.DataFrame(
            {
                t("brands.col.name"): [b.name for b in brands],
                t("brands.col.category"): [b.category or "" for b in brands],
                t("brands.col.user"): [b.owner_name or "—" for b in brands],
                t("brands.col.products"): [b.products for b in brands],
                t("brands.col.updated"): [format_datetime(b.updated_at) for b in brands],
                # Long lists last, so the short facts stay in view.
                t("brands.col.channels"): [channel_labels(b.channels, social=False) for b in brands],
                t("brands.col.social"): [channel_labels(b.social_channels, social=True) for b in brands],
            }
        ),
        hide_index=True,
        key="brand_table",
    )


def brand_facts(brand: BrandRow) -> None:
    """A brand's facts, read-only (what a brand user sees of what staff keep)."""
    st.caption(t("brands.facts_note"))
    left, right = st.columns(2)
    facts = (
        (left, "category", brand.category),
        (left, "website", brand.website),
        (left, "logo_url", brand.logo_url),
        (right, "channels", channel_labels(brand.channels, social=False)),
        (right, "social_channels", channel_labels(brand.social_channels, social=True)),
        (left, "description", brand.description),
        (right, "marketing", brand.marketing),
    )
    for column, name, value in facts:
        column.markdown(f"**{t(f'brands.field.{name}')}**  \n{_paragraph(value)}")


def _channel_inputs(prefix: str, errors: FormErrors, *, social: bool) -> None:
    """Known channels as a multiselect (Chinese names shown), other ones typed in a box beside it."""
    field = "social_channels" if social else "channels"
    known, other = st.columns([2, 1])
    known.multiselect(
        t(f"brands.field.{field}"),
        options=[c.key for c in (SOCIAL_CHANNELS if social else SALES_CHANNELS)],
        format_func=lambda key: channel_label(key, social=social),
        key=prefix + field,
        help=t("brands.channels_help"),
        placeholder=t("brands.channels_placeholder"),
        wrap=True,
    )
    other.text_input(t(f"brands.field.{'social_other' if social else 'channels_other'}"), key=f"{prefix}{field}_other")
    errors.under(field)


def _typed_channels(prefix: str, field: str) -> list[str]:
    state = st.session_state
    return [*state[prefix + field], *split_channel_text(state[f"{prefix}{field}_other"])]


def _brand_values(prefix: str, brand: BrandRow | None) -> dict:
    """A brand's columns as the form's widget values (known channels picked, other ones as typed text)."""
    values = {prefix + name: (getattr(brand, name) or "") if brand else "" for name in _BRAND_TEXT}
    for field, social in (("channels", False), ("social_channels", True)):
        known, other = split_known(getattr(brand, field) if brand else (), social=social)
        values[prefix + field] = known
        values[f"{prefix}{field}_other"] = ", ".join(other)
    values[prefix + "user_id"] = str(brand.user_id) if brand else None
    values[prefix + "version"] = brand.updated_at if brand else None
    return values


def _user_option(user: BrandUserRow) -> str:
    notes = [t("brands.user_brands", n=user.brands)] if user.brands else []
    if not user.is_active:
        notes.append(t("brands.user_inactive"))
    return f"{user.name} · {user.email}" + (f" ({', '.join(notes)})" if notes else "")


def brand_form(actor: Actor, *, brand: BrandRow | None, users: list[BrandUserRow]) -> None:
    """Create (brand=None) or edit a brand with every fact and its brand user (staff)."""
    prefix = f"brand_{brand.id}_" if brand else "brand_new_"
    seed(_brand_values(prefix, brand))
    by_id = {str(u.id): u for u in users}
    if st.session_state[prefix + "user_id"] not in by_id:
        st.session_state[prefix + "user_id"] = None
    errors = errors_of(prefix)
    if errors.conflict:
        st.button(t("brands.reload"), key=prefix + "reload", on_click=forget, args=(prefix,), icon=":material/refresh:")
    if not users:
        st.warning(t("brands.no_user"))
    with errors.form(prefix + "form"):
        left, right = st.columns(2)
        with left:
            st.text_input(t("brands.field.name"), key=prefix + "name", max_chars=100)
            errors.under("name")
        with right:
            st.selectbox(
                t("brands.field.user_id"),
                options=list(by_id),
                format_func=lambda uid: _user_option(by_id[uid]),
                key=prefix + "user_id",
                placeholder=t("brands.pick_user"),
            )
            errors.under("user_id")
        for column, (name, limit) in zip(
            st.columns([1, 2, 2]), (("category", 50), ("website", 255), ("logo_url", 255)), strict=True
        ):
            with column:
                st.text_input(t(f"brands.field.{name}"), key=prefix + name, max_chars=limit)
                errors.under(name)
        _channel_inputs(prefix, errors, social=False)
        _channel_inputs(prefix, errors, social=True)
        for name in ("description", "story", "marketing"):
            st.text_area(t(f"brands.field.{name}"), key=prefix + name, max_chars=LONG_TEXT, height=110)
            errors.under(name)
        submitted = st.form_submit_button(t("brands.save" if brand else "brands.create"), type="primary")
    if submitted:
        submit(prefix, lambda: _save_brand(actor, prefix, brand))


def _save_brand(actor: Actor, prefix: str, brand: BrandRow | None) -> str:
    state = st.session_state
    data = parse(
        BrandInput,
        BRAND_LABELS,
        user_id=state[prefix + "user_id"],
        channels=_typed_channels(prefix, "channels"),
        social_channels=_typed_channels(prefix, "social_channels"),
        **{name: state[prefix + name] for name in _BRAND_TEXT},
    )
    with unit_of_work(actor) as session:
        if brand is None:
            brands_repo.create_brand(session, brand=data)
        else:
            brands_repo.update_brand(
                session, brand_id=brand.id, brand=data, expected_updated_at=state[prefix + "version"]
            )
    return t("brands.created" if brand is None else "brands.saved", name=md(data.name))


def story_form(actor: Actor, brand: BrandRow) -> None:
    """The brand user's own editor: the brand story, nothing else."""
    prefix = f"story_{brand.id}_"
    seed({prefix + "story": brand.story or "", prefix + "version": brand.updated_at})
    errors = errors_of(prefix)
    if errors.conflict:
        st.button(t("brands.reload"), key=prefix + "reload", on_click=forget, args=(prefix,), icon=":material/refresh:")
    with errors.form(prefix + "form"):
        st.text_area(t("brands.field.story"), key=prefix + "story", max_chars=LONG_TEXT, height=180)
        errors.under("story")
        submitted = st.form_submit_button(t("brands.save"), type="primary")
    if submitted:
        submit(prefix, lambda: _save_story(actor, prefix, brand))


def _save_story(actor: Actor, prefix: str, brand: BrandRow) -> str:
    state = st.session_state
    data = parse(BrandStoryInput, BRAND_LABELS, story=state[prefix + "story"])
    with unit_of_work(actor) as session:
        brands_repo.update_brand_story(
            session, brand_id=brand.id, story=data, expected_updated_at=state[prefix + "version"]
        )
    return t("brands.story_saved")


def products_section(actor: Actor, brand: BrandRow, products: list[ProductRow]) -> None:
    """A brand's products as a table, then a form to add one or edit the one picked."""
    if products:
        st.dataframe(
            pd.DataFrame(
                {
                    t("products.col.name"): [p.name for p in products],
                    t("products.col.category"): [p.category or "" for p in products],
                    t("products.col.unit"): [p.unit or "" for p in products],
                    t("products.col.price"): [format_krw(p.price) for p in products],
                    t("products.col.gender"): [_gender(p.target_gender) for p in products],
                    t("products.col.age"): [p.target_age or "" for p in products],
                    t("products.col.updated"): [format_datetime(p.updated_at) for p in products],
                }
            ),
            hide_index=True,
            key=f"product_table_{brand.id}",
        )
    else:
        st.info(t("products.none"))
    by_id = {str(p.id): p for p in products}
    pick = f"product_pick_{brand.id}"
    if st.session_state.get(pick) not in by_id:
        st.session_state[pick] = NEW
    picked = st.selectbox(
        t("products.pick"),
        options=[NEW, *by_id],
        format_func=lambda pid: t("products.new") if pid == NEW else by_id[pid].name,
        key=pick,
    )
    product_form(actor, brand=brand, product=by_id.get(picked))


def _gender(value: str | None) -> str:
    return t(f"products.gender.{value or 'none'}")


def _product_values(prefix: str, product: ProductRow | None) -> dict:
    values = {prefix + name: (getattr(product, name) or "") if product else "" for name in _PRODUCT_TEXT}
    price = product.price if product else None
    values[prefix + "price"] = f"{price:,.0f}" if price is not None else ""
    values[prefix + "target_gender"] = product.target_gender if product else None
    values[prefix + "version"] = product.updated_at if product else None
    return values


def product_form(actor: Actor, *, brand: BrandRow, product: ProductRow | None) -> None:
    """Add a product to `brand` (product=None) or edit one: staff for any brand, a brand user for its own."""
    prefix = f"product_{product.id}_" if product else f"product_new_{brand.id}_"
    seed(_product_values(prefix, product))
    errors = errors_of(prefix)
    if errors.conflict:
        st.button(t("brands.reload"), key=prefix + "reload", on_click=forget, args=(prefix,), icon=":material/refresh:")
    with errors.form(prefix + "form"):
        first, second, third = st.columns(3)
        with first:
            for name, limit in (("name", 200), ("category", 50), ("unit", 50)):
                st.text_input(t(f"products.field.{name}"), key=prefix + name, max_chars=limit)
                errors.under(name)
        with second:
            st.text_input(t("products.field.price"), key=prefix + "price", max_chars=20, placeholder="22,000")
            errors.under("price")
            st.selectbox(
                t("products.field.target_gender"), options=[None, *GENDERS], format_func=_gender,
                key=prefix + "target_gender", placeholder=_gender(None),
            )
            errors.under("target_gender")
            st.text_input(t("products.field.target_age"), key=prefix + "target_age", max_chars=20, placeholder="20-29")
            errors.under("target_age")
        with third:
            for name in ("purchase_url", "image_url"):
                st.text_input(t(f"products.field.{name}"), key=prefix + name, max_chars=255)
                errors.under(name)
        left, right = st.columns(2)
        for column, name in ((left, "description"), (right, "usp"), (left, "effects"), (right, "ingredients"),
                             (left, "usage")):
            with column:
                st.text_area(t(f"products.field.{name}"), key=prefix + name, max_chars=LONG_TEXT, height=100)
                errors.under(name)
        submitted = st.form_submit_button(t("products.save" if product else "products.create"), type="primary")
    if submitted:
        submit(prefix, lambda: _save_product(actor, prefix, brand, product))


def _save_product(actor: Actor, prefix: str, brand: BrandRow, product: ProductRow | None) -> str:
    state = st.session_state
    data = parse(
        ProductInput,
        PRODUCT_LABELS,
        price=state[prefix + "price"],
        target_gender=state[prefix + "target_gender"],
        **{name: state[prefix + name] for name in _PRODUCT_TEXT},
    )
    with unit_of_work(actor) as session:
        if product is None:
            brands_repo.create_product(session, brand_id=brand.id, product=data)
        else:
            brands_repo.update_product(
                session, product_id=product.id, product=data, expected_updated_at=state[prefix + "version"]
            )
    return t("products.created" if product is None else "products.saved", name=md(data.name))
