"""Users (admin): list accounts, add one, change a role, activate or deactivate, reset a password, end sessions."""

import uuid

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.models import ROLES
from circlue.repository import users as users_repo
from circlue.security import HashedPassword
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
            t("col.locked"): [u.locked for u in rows],
            t("col.must_change"): [u.must_change_password for u in rows],
            t("col.last_login"): [format_datetime(u.last_login_at) for u in rows],
        }
    ),
    hide_index=True,
    key="user_table",
)


def _act(action, message) -> None:  # noqa: ANN001 - two callables
    """Run one admin action in its own transaction; show the refusal, or come back with message(result)."""
    try:
        with unit_of_work(actor) as session:
            result = action(session)
    except DomainError as exc:
        show_error(exc)
    else:
        flash(message(result))


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

with right:
    st.subheader(t("users.manage"))
    by_id = {str(u.id): u for u in rows}
    picked = st.selectbox(
        t("users.pick"),
        options=list(by_id),
        format_func=lambda uid: f"{by_id[uid].email} · {t(f'role.{by_id[uid].role}')}"
        + ("" if by_id[uid].is_active else " ✗"),
        key="manage_pick",
    )
    target = by_id[picked]
    target_id = uuid.UUID(picked)
    is_self = target.id == actor.user_id
    who = md(target.email)

    with st.form("role_form"):
        new_role = st.selectbox(
            t("users.role_change"),
            options=list(ROLES),
            index=list(ROLES).index(target.role),
            format_func=lambda r: t(f"role.{r}"),
            key="role_pick",
        )
        if st.form_submit_button(t("users.role_change"), disabled=is_self):
            _act(lambda s: users_repo.set_role(s, user_id=target_id, role=new_role),
                 lambda _: t("users.role_changed", email=who, role=t(f"role.{new_role}")))
    if is_self:
        st.caption(t("users.self_role"))

    c1, c2 = st.columns(2)
    if c1.button(t("users.toggle"), key="toggle_user", disabled=is_self):
        _act(lambda s: users_repo.set_user_active(s, user_id=target_id, active=not target.is_active),
             lambda _: t("users.activated" if not target.is_active else "users.deactivated", email=who))
    if target.locked and c2.button(t("users.unlock"), key="unlock_user"):
        _act(lambda s: users_repo.unlock(s, user_id=target_id), lambda _: t("users.unlocked", email=who))

    with st.form("reset_form", clear_on_submit=True):
        st.markdown(f"**{t('users.reset')}**")
        st.caption(t("users.reset_help"))
        temporary = st.text_input(t("users.temp_password"), type="password", key="temp_password")
        if st.form_submit_button(t("users.reset")):
            try:
                hashed = HashedPassword.of(temporary)  # bcrypt before the transaction, not inside it
            except DomainError as exc:
                show_error(exc)
            else:
                _act(lambda s: users_repo.reset_password(s, user_id=target_id, password=hashed),
                     lambda _: t("users.reset_done", email=who))

    st.markdown(f"**{t('users.sessions')}**")
    with unit_of_work(actor) as session:
        sessions = users_repo.list_sessions(session, user_id=target_id)
    if sessions:
        st.dataframe(
            pd.DataFrame(
                {
                    t("users.opened"): [format_datetime(s.created_at) for s in sessions],
                    t("users.expires"): [format_datetime(s.expires_at) for s in sessions],
                }
            ),
            hide_index=True,
            key="session_table",
        )
        if st.button(t("users.end_sessions"), key="end_sessions"):
            _act(lambda s: users_repo.end_sessions(s, user_id=target_id),
                 lambda n: t("users.sessions_ended", email=who, n=n))
    else:
        st.caption(t("users.no_sessions"))
