"""Influencers' personal data for staff: the real-name lookup and one influencer's contact card with its editor.

Staff only: the page is registered for staff, and the repository refuses anyone else before decrypting.
"""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.errors import DomainError
from circlue.repository import influencers as influencers_repo
from circlue.repository.influencers import InfluencerContact
from circlue.schemas.common import parse
from circlue.schemas.influencers import CONTACT_LABELS, ContactInput
from circlue.ui.flash import show_error
from circlue.ui.forms import errors_of, forget, seed, submit
from circlue.ui.i18n import platform_label, t
from circlue.ui.text import md

FIELDS = ("real_name", "phone", "wechat_id")


def pick(rows: list, *, key: str, columns: dict[str, list]) -> uuid.UUID | None:  # noqa: ANN001 - rows with an id
    """A table of `rows` (its `columns`) where one row can be picked; the picked row's id, if still on the list."""
    picked = st.dataframe(
        pd.DataFrame(columns), hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
        column_config={t("col.followers"): st.column_config.NumberColumn(format="localized")},
    )
    selected = picked.selection.rows if picked and picked.selection else []
    return rows[selected[0]].id if selected and 0 <= selected[0] < len(rows) else None


def real_name_lookup(actor: Actor) -> uuid.UUID | None:
    """Find influencers by their exact real name (through its blind index); the one picked among them, if any."""
    typed = st.text_input(
        t("contact.lookup"), key="influencer_real_name", max_chars=100, help=t("contact.lookup_help"),
        placeholder=t("contact.lookup_placeholder"),
    ).strip()
    if not typed:
        return None
    try:
        with unit_of_work(actor) as session:
            found = influencers_repo.find_by_real_name(session, real_name=typed)
    except DomainError as exc:
        show_error(exc)
        return None
    if not found:
        st.info(t("contact.none_found", name=md(typed)))
        return None
    return pick(found, key="influencer_lookup_table", columns=_contact_columns(found))


def _contact_columns(rows: list[InfluencerContact]) -> dict[str, list]:
    return {
        t("col.name"): [r.name for r in rows],
        t("col.platform"): [platform_label(r.platform) if r.platform else "—" for r in rows],
        t("contact.real_name"): [r.real_name or "—" for r in rows],
        t("contact.phone"): [r.phone or "—" for r in rows],
        t("contact.wechat_id"): [r.wechat_id or "—" for r in rows],
    }


def contact_card(actor: Actor, influencer_id: uuid.UUID, *, origin: str) -> None:
    """One influencer's real name, phone and WeChat id, decrypted, with a form to change them."""
    with unit_of_work(actor) as session:
        found = influencers_repo.contacts(session, influencer_ids=[influencer_id])
    if not found:
        st.info(t("contact.gone"))
        return
    contact = found[0]
    prefix = f"contact_{origin}_{contact.id}_"
    seed({prefix + name: getattr(contact, name) or "" for name in FIELDS} | {prefix + "version": contact.updated_at})
    errors = errors_of(prefix)
    st.subheader(t("contact.title", name=md(contact.name)))
    st.caption(t("contact.private"))
    if errors.conflict:
        st.button(t("contact.reload"), key=prefix + "reload", on_click=forget, args=(prefix,),
                  icon=":material/refresh:")
    with errors.form(prefix + "form"):
        for column, name, limit in zip(st.columns(3), FIELDS, (100, 30, 40), strict=True):
            with column:
                st.text_input(t(f"contact.{name}"), key=prefix + name, max_chars=limit)
                errors.under(name)
        submitted = st.form_submit_button(t("contact.save"), type="primary")
    if submitted:
        submit(prefix, lambda: _save(actor, prefix, contact))


def _save(actor: Actor, prefix: str, contact: InfluencerContact) -> str:
    state = st.session_state
    data = parse(ContactInput, CONTACT_LABELS, **{name: state[prefix + name] for name in FIELDS})
    with unit_of_work(actor) as session:
        influencers_repo.update_contact(
            session, influencer_id=contact.id, contact=data, expected_updated_at=state[prefix + "version"]
        )
    return t("contact.saved", name=md(contact.name))
