"""Users (admin): list accounts, add one, activate or deactivate."""

import uuid

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.models import ROLES
from circlue.repository import users as users_repo
from circlue.ui.flash import flash, show_error, show_flash
from circlue.ui.format import format_datetime
from circlue.ui.i18n import t
from circlue.ui.navigation import guard
from circlue.ui.text import md

actor = guard("users")
st.header(t("nav.users"))
show_flash()

with unit_of_work(actor) as session:
    rows = users_repo.list_users(session)

st.dataframe(
    pd.DataFrame(
        {
            t("col.email"): [u.email for u in rows],
            t("col.name"): [u.name for u in rows],
            t("col.role"): [t(f"role.{u.role}") for u in rows],
            t("col.active"): [u.is_active for u in rows],
            t("col.last_login"): [format_datetime(u.last_login_at) for u in rows],
        }
    ),
    hide_index=True,
    key="user_table",
)

left, right = st.columns(2)
with left, st.form("create_user", clear_on_submit=False):
    st.subheader(t("users.create"))
    email = st.text_input(t("col.email"), key="new_email", max_chars=255)
    name = st.text_input(t("col.name"), key="new_name", max_chars=100)
    role = st.selectbox(t("col.role"), options=list(ROLES), format_func=lambda r: t(f"role.{r}"), key="new_role")
    password = st.text_input(t("users.password"), type="password", key="new_password")
    if st.form_submit_button(t("users.create")):
        try:
            with unit_of_work(actor) as session:
                created = users_repo.create_user(session, email=email, name=name, role=role, password=password)
        except DomainError as exc:
            show_error(exc)
        else:
            flash(t("users.created", email=md(created.email)))

with right, st.form("toggle_user"):
    st.subheader(t("users.toggle"))
    by_id = {str(u.id): u for u in rows}
    picked = st.selectbox(
        t("users.pick"),
        options=list(by_id),
        format_func=lambda uid: f"{by_id[uid].email} ({'✓' if by_id[uid].is_active else '✗'})",
        key="toggle_pick",
    )
    if st.form_submit_button(t("users.toggle")):
        target = by_id[picked]
        if target.id == actor.user_id:
            st.error(t("users.self"))
        else:
            with unit_of_work(actor) as session:
                users_repo.set_user_active(session, user_id=uuid.UUID(picked), active=not target.is_active)
            flash(t("users.activated" if not target.is_active else "users.deactivated", email=md(target.email)))
