"""Login gate: an HttpOnly cookie carries the session token; each run checks it against this browser and the database.

A password login opens a server-side session, leaves a one-time nonce for it and sends the browser to
`/api/auth/session` (circlue.web.server), which sets the token as an HttpOnly cookie and comes back: the script
cannot set a header itself. From then on every run reads the cookie of *this* connection (`st.context.cookies` is
the websocket handshake's): a Streamlit session whose token is not this browser's cookie is forgotten, so a session
id taken from another browser's websocket opens nothing. The database checks the token on every run too.
"""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import quote, urlsplit

import streamlit as st

from circlue.config import get_settings
from circlue.db import Actor, login_unit_of_work, unit_of_work
from circlue.errors import ValidationError
from circlue.repository import users as users_repo
from circlue.ui.flash import show_error
from circlue.ui.i18n import t
from circlue.web.server import COOKIE_NAME, base_path, xsrf_bytes

USER_ID = "circlue_user_id"
ROLE = "circlue_role"
TOKEN = "circlue_token"
NAME = "circlue_name"
EMAIL = "circlue_email"
NOTICE = "circlue_notice"
MUST_CHANGE = "circlue_must_change_password"
HANDOFF = "circlue_handoff"
_OWN_KEYS = (USER_ID, ROLE, TOKEN, NAME, EMAIL, MUST_CHANGE, HANDOFF)


def _cookies() -> dict[str, str]:
    """This connection's cookies (to_dict(): under AppTest, .get() on the mapping returns a truthy mock)."""
    try:
        return dict(st.context.cookies.to_dict())
    except Exception:  # noqa: BLE001 - no request context (scripts)
        return {}


def _request_actor(user_id: uuid.UUID | None, role: str | None = None, token: str | None = None) -> Actor:
    """An Actor carrying this browser's session token, IP and user agent (the audit trail records the last two)."""
    try:
        ip, ua = st.context.ip_address, st.context.headers.get("User-Agent")
    except Exception:  # noqa: BLE001 - no request context (AppTest, scripts)
        ip = ua = None
    return Actor(user_id=user_id, role=role, ip=ip, user_agent=ua if isinstance(ua, str) else None, token=token)


def current_actor() -> Actor | None:
    """The logged-in user of this browser session as last checked (not re-checked: see require_role)."""
    uid, token = st.session_state.get(USER_ID), st.session_state.get(TOKEN)
    if not uid or not token:
        return None
    return _request_actor(uuid.UUID(str(uid)), st.session_state.get(ROLE), token)


def _forget() -> None:
    """Drop every trace of the login from this browser session."""
    for key in _OWN_KEYS:
        st.session_state.pop(key, None)


def _check(token: str) -> Actor | None:
    """Ask the database whether the token's session is live; remember who it belongs to if it is."""
    with unit_of_work(_request_actor(None, token=token)) as session:
        info = users_repo.validate_session(session, token=token)
    if info is None:
        return None
    st.session_state[USER_ID] = str(info.user_id)
    st.session_state[TOKEN] = token
    st.session_state[ROLE] = info.role
    st.session_state[NAME] = info.name
    st.session_state[EMAIL] = info.email
    st.session_state[MUST_CHANGE] = info.must_change_password
    return _request_actor(info.user_id, info.role, token)


def require_role(*roles: str) -> Actor:
    """Stop the page unless this browser's live session belongs to a user with one of `roles` (checked each run)."""
    actor = _browser_session()
    if actor is None or actor.role not in roles:
        st.error(t("forbidden"))
        st.stop()
    return actor


def _browser_session() -> Actor | None:
    """The live session this browser's cookie carries, or None; forgets a session the cookie does not carry."""
    cookie = _cookies().get(COOKIE_NAME)
    held = st.session_state.get(TOKEN)
    if held and held != cookie:
        # The session's token is not this browser's: a session id reattached from elsewhere, a cookie that a logout
        # in another tab cleared, or a newer login. Nothing of the old one stays.
        _forget()
    if not cookie:
        return None
    return _check(cookie)


def session_actor() -> Actor | None:
    """The actor of this browser's live session, or None (with a notice if it just ended)."""
    had = bool(st.session_state.get(TOKEN))
    actor = _browser_session()
    if actor is None and had:
        st.session_state[NOTICE] = "login.expired"
    return actor


def handoff_pending() -> bool:
    """True between a password login and the browser's return with its cookie."""
    return bool(st.session_state.get(HANDOFF))


def _redirect(url: str) -> None:
    """Send the browser to `url` (a top-level navigation, so the next websocket carries the new cookie).

    Streamlit's own message for st.login's redirects: the frontend sets window.location. Private API, checked by
    the browser journeys on every upgrade.
    """
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)


def handoff_page() -> None:
    """What shows while the browser fetches its cookie: a message and a link, should the redirect not happen."""
    url = st.session_state.get(HANDOFF)
    st.title(t("app.title"))
    st.info(t("login.signing_in"))
    st.link_button(t("login.continue"), url)
    _redirect(url)


def _next_path() -> str:
    """The page the login was asked for (a deep link survives the login), as a path of this site."""
    try:
        path = urlsplit(st.context.url or "").path
    except Exception:  # noqa: BLE001 - no request context
        path = ""
    return path if path.startswith("/") and not path.startswith("//") else base_path() + "/"


def _attempt_login(email: str, password: str) -> None:
    """Check the password in the database; on success hand the session to the browser as a cookie."""
    xsrf = xsrf_bytes(_cookies().get("_streamlit_xsrf"))
    if xsrf is None:
        # Streamlit sets this cookie before the page runs; without it (XSRF protection off) the nonce has nothing
        # to bind to, and an unbound nonce could be replayed from another browser.
        st.error(t("login.no_xsrf"))
        return
    try:
        with login_unit_of_work(_request_actor(None)) as session:
            result = users_repo.login(session, email=email, password=password, hours=get_settings().session_hours)
    except ValidationError as exc:
        show_error(exc)
        return
    if result is None:
        st.error(t("login.failed"))
        return
    nonce = secrets.token_urlsafe(32)
    with unit_of_work(_request_actor(result.user_id, result.role, result.token)) as session:
        users_repo.leave_handoff(session, nonce=nonce, xsrf=xsrf)
    _forget()
    st.session_state[HANDOFF] = f"{base_path()}/api/auth/session?n={nonce}&next={quote(_next_path())}"
    st.rerun()


def logout() -> None:
    """End the session server-side, refuse this Streamlit session any reattach, and clear the browser's cookie."""
    actor = current_actor()
    if actor is not None:
        with unit_of_work(actor) as session:
            users_repo.end_session(session)
    _forget()
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    # AppTest's runtime is a mock without it; the session has ended in the database anyway.
    if ctx is not None and runtime.exists() and hasattr(runtime.get_instance(), "mark_session_nonresumable"):
        runtime.get_instance().mark_session_nonresumable(ctx.session_id)
    _redirect(f"{base_path()}/api/auth/logout")


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


def login_page() -> None:
    """The login screen: e-mail and password checked by the database; then the browser fetches its cookie."""
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice))
    if st.query_params.get("login") == "expired":
        st.warning(t("login.link_expired"))
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
