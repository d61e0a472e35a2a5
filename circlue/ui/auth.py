"""Login gate, server-side sessions and role checks for pages."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from circlue.config import get_settings
from circlue.db import Actor, unit_of_work
from circlue.repository import users as users_repo
from circlue.ui.i18n import t

USER_ID = "circlue_user_id"
ROLE = "circlue_role"
TOKEN = "circlue_token"
NAME = "circlue_name"
EMAIL = "circlue_email"
NOTICE = "circlue_notice"
_OWN_KEYS = (USER_ID, ROLE, TOKEN, NAME, EMAIL)
_AUTHENTICATOR_KEYS = ("authentication_status", "name", "username", "email", "roles")
COOKIE_NAME = "circlue_auth"


def _request_actor(user_id: uuid.UUID | None, role: str | None = None) -> Actor:
    """An Actor carrying this browser's IP and user agent for the audit trail."""
    try:
        ip, ua = st.context.ip_address, st.context.headers.get("User-Agent")
    except Exception:  # noqa: BLE001 - no request context (AppTest, scripts)
        ip = ua = None
    return Actor(user_id=user_id, role=role, ip=ip, user_agent=ua)


def current_actor() -> Actor | None:
    """The logged-in user of this browser session as stored at login (not re-checked: see require_role)."""
    uid = st.session_state.get(USER_ID)
    if not uid or not st.session_state.get(TOKEN):
        return None
    return _request_actor(uuid.UUID(str(uid)), st.session_state.get(ROLE))


def require_role(*roles: str) -> Actor:
    """Stop the page unless a live session's user has one of `roles` (checked against the database each run)."""
    actor = _validated()
    if actor is None or actor.role not in roles:
        st.error(t("forbidden"))
        st.stop()
    return actor


# The authenticator's re-login cookie is switched off (expiry 0) and signed with a key that lives only in this
# process: a page reload or a typed URL asks for the password again, and no cookie can ever stand in for a
# server-side session. Streamlit keeps one session per browser tab, so moving between pages needs no cookie.
_COOKIE_KEY = secrets.token_urlsafe(32)


def _authenticator(credentials: dict) -> stauth.Authenticate:
    return stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=_COOKIE_KEY,
        cookie_expiry_days=0,
        auto_hash=False,
    )


def _forget() -> None:
    """Drop every trace of the login from this browser session, the authenticator's own state included.

    Leaving the authenticator's authentication_status behind would let the login page reopen a session
    without asking for the password.
    """
    for key in (*_OWN_KEYS, *_AUTHENTICATOR_KEYS):
        st.session_state.pop(key, None)


def _remember(user_id: uuid.UUID, token: str, info: users_repo.SessionInfo | users_repo.LoginCandidate) -> None:
    st.session_state[USER_ID] = str(user_id)
    st.session_state[TOKEN] = token
    st.session_state[ROLE] = info.role
    st.session_state[NAME] = info.name
    st.session_state[EMAIL] = info.email


def _validated() -> Actor | None:
    """Re-check the stored session against the database: ended, expired or deactivated means out."""
    uid, token = st.session_state.get(USER_ID), st.session_state.get(TOKEN)
    if not uid or not token:
        return None
    user_id = uuid.UUID(str(uid))
    with unit_of_work(_request_actor(user_id)) as session:
        info = users_repo.validate_session(session, user_id=user_id, token=token)
    if info is None:
        return None
    st.session_state[ROLE] = info.role
    st.session_state[NAME] = info.name
    return _request_actor(user_id, info.role)


def _open_session(candidate: users_repo.LoginCandidate) -> None:
    """Record the login and open its server-side session (expires after Settings.session_hours)."""
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=get_settings().session_hours)
    with unit_of_work(_request_actor(candidate.id, candidate.role)) as session:
        token = users_repo.start_session(session, user_id=candidate.id, expires_at=expires_at)
    _remember(candidate.id, token, candidate)


def _record_failures(credentials: dict) -> None:
    """Persist the failed attempts the authenticator counted in its credentials dict; lock at the threshold."""
    settings = get_settings()
    failed = [email for email, entry in credentials["usernames"].items() if entry.get("failed_login_attempts")]
    if not failed:
        return
    with unit_of_work(_request_actor(None)) as session:
        for email in failed:
            users_repo.record_failed_login(
                session,
                email=email,
                max_failures=settings.max_failed_logins,
                lockout=dt.timedelta(minutes=settings.lockout_minutes),
            )


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
    token = st.session_state.get(TOKEN)
    if actor is not None and token:
        with unit_of_work(actor) as session:
            users_repo.end_session(session, user_id=actor.user_id, token=token)
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


def login_page() -> None:
    """The login screen: streamlit-authenticator's form over the users table; reruns into the app on success."""
    with unit_of_work(_request_actor(None)) as session:
        candidates = {c.email: c for c in users_repo.login_candidates(session)}
    credentials = {
        "usernames": {
            email: {
                "email": email,
                "name": c.name,
                "password": c.password_hash,
                "roles": [c.role],
                "failed_login_attempts": 0,
            }
            for email, c in candidates.items()
        }
    }
    # One Authenticate per run: its cookie manager is a keyed component.
    authenticator = _authenticator(credentials)
    if st.session_state.get("authentication_status") and not st.session_state.get(TOKEN):
        # Defence in depth: never trust an authenticator login that has no live server-side session behind it.
        _forget()
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice))
    try:
        authenticator.login(
            location="main",
            key="circlue-login",
            fields={
                "Form name": t("login.form"),
                "Username": t("login.username"),
                "Password": t("login.password"),
                "Login": t("login.submit"),
            },
        )
    except LoginError:
        _forget()
        st.error(t("login.failed"))
    status = st.session_state.get("authentication_status")
    if status:
        candidate = candidates.get(str(st.session_state.get("username", "")).lower())
        if candidate is not None:
            _open_session(candidate)
            st.rerun()
        _forget()
    elif status is False:
        _record_failures(authenticator.authentication_controller.authentication_model.credentials)
        st.error(t("login.failed"))
    if get_settings().demo_mode:
        _demo_accounts()
