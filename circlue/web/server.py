"""The HTTP side of the app (Streamlit 1.67's st.App): the login cookie's routes, and middleware that narrows what
a browser, or anyone else, can reach.

- `/api/auth/session?n=<nonce>&next=<path>` trades the one-time nonce a password login left (circlue_handoff_take)
  for the session token, set as an HttpOnly, SameSite=Strict cookie (Secure over https), and goes back to the app.
  The script cannot set a header, so this one top-level navigation is how the browser gets the cookie.
- `/api/auth/logout` ends the cookie's session and clears the cookie.
- The middleware binds each Streamlit session to its cookie: the websocket handshake gets `X-Circlue-Auth`, a
  fingerprint of the cookie (a client's own copy is dropped), which `server.trustedUserHeaders` puts into the
  session's identity, so a session id taken from one browser cannot be reattached from another.
- It hides what a deployment should not expose (`/_stcore/metrics` but to the host itself, the agent API, the
  script health check, `st.login`'s routes), wants a live session for `/media/` and uploads, and forbids framing.
- Streamlit's `clear_cache` message (any websocket client may send it) is ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

COOKIE_NAME = "circlue_session"
AUTH_HEADER = b"x-circlue-auth"
# Nobody needs these: the agent API (registered even when off), the script health check, st.login's routes.
_HIDDEN = ("/_stcore/agent", "/_stcore/script-health-check", "/auth/")
_log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def fingerprint(token: str) -> str:
    """What the session's identity holds of its cookie: not the token itself."""
    return hashlib.sha256(b"circlue session binding:" + token.encode("utf-8", "replace")).hexdigest()[:32]


def xsrf_bytes(cookie: str | None) -> bytes | None:
    """The token inside Streamlit's `_streamlit_xsrf` cookie (it is masked differently on each request)."""
    if not cookie:
        return None
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    try:
        return decode_xsrf_token_string(cookie)[0]
    except Exception:  # noqa: BLE001 - any malformed cookie means no token
        return None


def base_path() -> str:
    """`server.baseUrlPath` as a path prefix ('' or '/circlue'): our routes and redirects carry it themselves."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _safe_next(value: str | None) -> str:
    """Only a path of this site: no scheme, no //host, no backslash (an open redirect otherwise)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return base_path() + "/"
    return value


def _secure(request: Request) -> bool:
    # uvicorn rewrites the scheme from X-Forwarded-Proto sent by a proxy on the same host.
    return request.url.scheme == "https"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _take(nonce: str, xsrf: bytes) -> tuple[str, dt.datetime] | None:
    from circlue.db import Actor, login_unit_of_work
    from circlue.repository import users as users_repo

    with login_unit_of_work(Actor(user_id=None)) as session:
        return users_repo.take_handoff(session, nonce=nonce, xsrf=xsrf)


def _end(token: str) -> None:
    from circlue.db import Actor, unit_of_work
    from circlue.repository import users as users_repo

    with unit_of_work(Actor(user_id=None, token=token)) as session:
        users_repo.end_session(session)


def _alive(token: str | None) -> bool:
    if not token:
        return False
    from circlue.db import Actor, unit_of_work
    from circlue.repository import users as users_repo

    with unit_of_work(Actor(user_id=None, token=token)) as session:
        return users_repo.validate_session(session, token=token) is not None


async def auth_session(request: Request) -> Response:
    """Trade a login's one-time nonce for the HttpOnly session cookie, then go back to the page asked for."""
    nonce = request.query_params.get("n")
    xsrf = xsrf_bytes(request.cookies.get("_streamlit_xsrf"))
    taken = await run_in_threadpool(_take, nonce, xsrf) if nonce and xsrf else None
    if taken is None:
        return _no_store(RedirectResponse(base_path() + "/?login=expired", status_code=303))
    token, expires_at = taken
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    max_age = max(int((expires_at - dt.datetime.now(dt.UTC)).total_seconds()), 0)
    response.set_cookie(
        COOKIE_NAME, token, max_age=max_age, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    return _no_store(response)


async def auth_logout(request: Request) -> Response:
    """End the cookie's session server-side and clear the cookie."""
    token = request.cookies.get(COOKIE_NAME)
    if token:
        await run_in_threadpool(_end, token)
    response = RedirectResponse(base_path() + "/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return _no_store(response)


def routes() -> list[Route]:
    """The routes st.App serves before Streamlit's own."""
    base = base_path()
    return [
        Route(f"{base}/api/auth/session", auth_session, methods=["GET"]),
        Route(f"{base}/api/auth/logout", auth_logout, methods=["GET"]),
    ]


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None


def _from_this_host(scope: Scope) -> bool:
    """A direct request from the machine itself (behind a proxy on the same host every peer is loopback, so a
    forwarded request does not count)."""
    client = scope.get("client")
    try:
        loopback = bool(client) and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False
    forwarded = any(key in (b"x-forwarded-for", b"forwarded") for key, _ in scope.get("headers", []))
    return loopback and not forwarded


class CirclueMiddleware:
    """Pure ASGI (it must see websocket handshakes too, and must not buffer streamed responses)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = [(k, v) for k, v in scope["headers"] if k != AUTH_HEADER]
            token = _cookie(scope, COOKIE_NAME)
            if token:
                headers.append((AUTH_HEADER, fingerprint(token).encode("ascii")))
            await self.app(dict(scope, headers=headers), receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = base_path()
        path = scope["path"][len(base) :] if base and scope["path"].startswith(base) else scope["path"]
        refusal = None
        hidden = path.startswith(_HIDDEN) or path == "/oauth2callback"
        if hidden or (path.startswith("/_stcore/metrics") and not _from_this_host(scope)):
            refusal = 404
        elif path.startswith(("/media/", "/_stcore/upload_file/")) and not await run_in_threadpool(
            _alive, _cookie(scope, COOKIE_NAME)
        ):
            refusal = 401
        send = _with_security_headers(send, component=path.startswith("/component/"))
        if refusal:
            body = "Not Found" if refusal == 404 else "Unauthorized"
            await PlainTextResponse(body, status_code=refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _with_security_headers(send: Send, *, component: bool) -> Send:
    """No framing by other sites (our own component iframes excepted), no sniffing, no referrer to others."""
    frame_options, frame_ancestors = (b"SAMEORIGIN", b"frame-ancestors 'self'") if component else (
        b"DENY",
        b"frame-ancestors 'none'",
    )

    async def _send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v)
                for k, v in message.get("headers", [])
                if k.lower() not in (b"x-frame-options", b"content-security-policy")
            ]
            headers += [
                (b"x-frame-options", frame_options),
                (b"content-security-policy", frame_ancestors),
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"same-origin"),
            ]
            message = dict(message, headers=headers)
        await send(message)

    return _send


def middleware() -> list[Middleware]:
    """The middleware st.App wraps around Streamlit's own."""
    return [Middleware(CirclueMiddleware)]


def ignore_clear_cache() -> None:
    """Make Streamlit ignore the `clear_cache` message: any websocket client, logged in or not, could empty every
    user's caches with it, and no setting turns it off. Private API: checked by a test on every upgrade."""
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession, "_circlue_ignores_clear_cache", False):
        return

    def _ignored(self: AppSession) -> None:
        _log.warning("ignored a clear_cache message from session %s", self.id)

    AppSession._handle_clear_cache_request = _ignored
    AppSession._circlue_ignores_clear_cache = True
