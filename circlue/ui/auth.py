"""Login gate, server-side sessions and role checks for pages."""

from __future__ import annotations

import uuid

import streamlit as st

from circlue.config import get_settings
from circlue.db import Actor, login_unit_of_work, unit_of_work
from circlue.errors import ValidationError
from circlue.repository import users as users_repo
from circlue.ui.flash import show_error
from circlue.ui.i18n import t

USER_ID = "circlue_user_id"
ROLE = "circlue_role"
TOKEN = "circlue_token"
NAME = "circlue_name"
EMAIL = "circlue_email"
NOTICE = "circlue_notice"
MUST_CHANGE = "circlue_must_change_password"
_OWN_KEYS = (USER_ID, ROLE, TOKEN, NAME, EMAIL, MUST_CHANGE)


def _request_actor(user_id: uuid.UUID | None, role: str | None = None, token: str | None = None) -> Actor:
    """An Actor carrying this browser's session token, IP and user agent (the audit trail records the last two)."""
    try:
        ip, ua = st.context.ip_address, st.context.headers.get("User-Agent")
    except Exception:  # noqa: BLE001 - no request context (AppTest, scripts)
        ip = ua = None
    return Actor(user_id=user_id, role=role, ip=ip, user_agent=ua, token=token)


def current_actor() -> Actor | None:
    """The logged-in user of this browser session as stored at login (not re-checked: see require_role)."""
    uid, token = st.session_state.get(USER_ID), st.session_state.get(TOKEN)
    if not uid or not token:
        return None
    return _request_actor(uuid.UUID(str(uid)), st.session_state.get(ROLE), token)


def require_role(*roles: str) -> Actor:
    """Stop the page unless a live session's user has one of `roles` (checked against the database each run)."""
    actor = _validated()
    if actor is None or actor.role not in roles:
        st.error(t("forbidden"))
        st.stop()
    return actor


def _forget() -> None:
    """Drop every trace of the login from this browser session."""
    for key in _OWN_KEYS:
        st.session_state.pop(key, None)


def _remember(result: users_repo.LoginResult) -> None:
    st.session_state[USER_ID] = str(result.user_id)
    st.session_state[TOKEN] = result.token
    st.session_state[ROLE] = result.role
    st.session_state[NAME] = result.name
    st.session_state[EMAIL] = result.email


def _validated() -> Actor | None:
    """Re-check the stored session against the database: ended, expired or deactivated means out."""
    actor = current_actor()
    if actor is None:
        return None
    with unit_of_work(actor) as session:
        info = users_repo.validate_session(session, token=actor.token)
    if info is None or info.user_id != actor.user_id:
        return None
    st.session_state[ROLE] = info.role
    st.session_state[NAME] = info.name
    st.session_state[MUST_CHANGE] = info.must_change_password
    return _request_actor(info.user_id, info.role, actor.token)


def _demo_accounts() -> None:
    from circlue.ops.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    with st.expander(t("login.demo_title"), expanded=True):
        st.caption(t("login.demo_note", password=DEMO_PASSWORD))
        st.table(
            [
                {t("col.email"): a.email, t("col.role"): t(f"role.{a.role}"), t("col.brand"): a.brand or ""}
                for a in DEMO_ACCOUNTS
            ],
        )


def logout() -> None:
    """End the server-side session and forget the user in this browser tab."""
    actor = current_actor()
    if actor is not None:
        with unit_of_work(actor) as session:
            users_repo.end_session(session)
    _forget()


def session_actor() -> Actor | None:
    """The actor of this browser session's live server-side session, or None (with a notice if it just ended)."""
    if not st.session_state.get(TOKEN):
        return None
    actor = _validated()
    if actor is None:
        _forget()
        st.session_state[NOTICE] = "login.expired"
    return actor


def _attempt_login(email: str, password: str) -> None:
    """Check the password in the database; on success remember the session and rerun into the app."""
    try:
        with login_unit_of_work(_request_actor(None)) as session:
            result = users_repo.login(session, email=email, password=password, hours=get_settings().session_hours)
    except ValidationError as exc:
        show_error(exc)
        return
    if result is None:
        st.error(t("login.failed"))
        return
    _remember(result)
    st.rerun()


def login_page() -> None:
    """The login screen: e-mail and password checked by the database; reruns into the app on success."""
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice))
    with st.form("circlue-login"):
        st.subheader(t("login.form"))
        email = st.text_input(t("login.username"), key="login_email", max_chars=255, autocomplete="username")
        password = st.text_input(
            t("login.password"), type="password", key="login_password", max_chars=200, autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if submitted:
        _attempt_login(email, password)
    if get_settings().demo_mode:
        _demo_accounts()
