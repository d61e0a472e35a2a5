"""The HTTP side (issue 7): the login cookie's routes and the middleware, against a real database."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from circlue.db import Actor, login_unit_of_work, unit_of_work
from circlue.ops.demo import DEMO_PASSWORD
from circlue.repository import users as users_repo
from circlue.security import new_session_token
from circlue.web import server

XSRF = b"0123456789abcdef"


async def _ok(request):  # noqa: ANN001, ANN202 - a Starlette endpoint
    return PlainTextResponse("app")


async def _echo_identity(websocket):  # noqa: ANN001, ANN202
    await websocket.accept()
    await websocket.send_text(websocket.headers.get("x-circlue-auth", "none"))
    await websocket.close()


@pytest.fixture
def client(migrated_url) -> TestClient:
    """Our routes and middleware around a stand-in for Streamlit's app."""
    app = Starlette(
        routes=[
            *server.routes(),
            Route("/{path:path}", _ok),
            WebSocketRoute("/_stcore/stream", _echo_identity),
        ],
        middleware=server.middleware(),
    )
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def _login(email: str = "manager@circlue.demo") -> users_repo.LoginResult:
    with login_unit_of_work(Actor(user_id=None)) as session:
        return users_repo.login(session, email=email, password=DEMO_PASSWORD, hours=1)


def _handoff(xsrf: bytes = XSRF) -> tuple[users_repo.LoginResult, str]:
    result = _login()
    nonce = new_session_token()
    with unit_of_work(Actor(user_id=result.user_id, token=result.token)) as session:
        users_repo.leave_handoff(session, nonce=nonce, xsrf=xsrf)
    return result, nonce


def _alive(token: str) -> bool:
    with unit_of_work(Actor(user_id=None, token=token)) as session:
        return users_repo.validate_session(session, token=token) is not None


# -- the cookie ---------------------------------------------------------------------------------------------------


def test_a_nonce_becomes_an_httponly_strict_cookie_once(client):
    login, nonce = _handoff()
    client.cookies.set("_streamlit_xsrf", generate_xsrf_token_string(XSRF))
    response = client.get("/api/auth/session", params={"n": nonce, "next": "/campaigns"})
    assert response.status_code == 303 and response.headers["location"] == "/campaigns"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{server.COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http here; https adds it
    token = cookie.split(";")[0].split("=", 1)[1]
    # The cookie's token is a fresh one for the same session: the script's token no longer works.
    assert _alive(token) and not _alive(login.token)
    again = client.get("/api/auth/session", params={"n": nonce})
    assert again.headers["location"] == "/?login=expired" and "set-cookie" not in again.headers


def test_a_nonce_from_another_browser_is_refused(client):
    _, nonce = _handoff()
    client.cookies.set("_streamlit_xsrf", generate_xsrf_token_string(b"another browser!"))
    response = client.get("/api/auth/session", params={"n": nonce})
    assert response.headers["location"] == "/?login=expired" and "set-cookie" not in response.headers


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
def test_the_way_back_stays_on_this_site(client, target):
    _, nonce = _handoff()
    client.cookies.set("_streamlit_xsrf", generate_xsrf_token_string(XSRF))
    assert client.get("/api/auth/session", params={"n": nonce, "next": target}).headers["location"] == "/"


def test_logout_ends_the_session_and_clears_the_cookie(client):
    login = _login()
    client.cookies.set(server.COOKIE_NAME, login.token)
    response = client.get("/api/auth/logout")
    assert response.status_code == 303 and f'{server.COOKIE_NAME}=""' in response.headers["set-cookie"]
    assert not _alive(login.token)


# -- the middleware ---------------------------------------------------------------------------------------------


def test_the_websocket_identity_comes_from_the_cookie_only(client):
    with client.websocket_connect("/_stcore/stream", headers={"X-Circlue-Auth": "forged"}) as ws:
        assert ws.receive_text() == "none"
    client.cookies.set(server.COOKIE_NAME, "a-token")
    with client.websocket_connect("/_stcore/stream", headers={"X-Circlue-Auth": "forged"}) as ws:
        assert ws.receive_text() == server.fingerprint("a-token")


@pytest.mark.parametrize(
    "path", ["/_stcore/agent/openapi.json", "/_stcore/script-health-check", "/auth/login", "/oauth2callback"]
)
def test_what_nobody_needs_is_not_there(client, path):
    assert client.get(path).status_code == 404


def test_metrics_answer_only_the_host_itself():
    app = Starlette(routes=[Route("/{path:path}", _ok)], middleware=server.middleware())
    outside = TestClient(app, client=("203.0.113.9", 50000))
    inside = TestClient(app, client=("127.0.0.1", 50000))
    assert outside.get("/_stcore/metrics").status_code == 404
    assert inside.get("/_stcore/metrics").status_code == 200
    # Behind a proxy on the same host every request comes from loopback: a forwarded one is outside.
    assert inside.get("/_stcore/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404


def test_media_and_uploads_want_a_live_session(client):
    assert client.get("/media/abc.png").status_code == 401
    assert client.put("/_stcore/upload_file/s/f").status_code == 401
    client.cookies.set(server.COOKIE_NAME, "not-a-session")
    assert client.get("/media/abc.png").status_code == 401
    client.cookies.set(server.COOKIE_NAME, _login().token)
    assert client.get("/media/abc.png").status_code == 200


def test_no_page_can_be_framed_by_another_site(client):
    page = client.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert page.headers["x-content-type-options"] == "nosniff"
    # Our own component iframes stay possible.
    assert client.get("/component/x/index.html").headers["x-frame-options"] == "SAMEORIGIN"


def test_clear_cache_messages_are_ignored():
    from streamlit.runtime.app_session import AppSession

    original = AppSession._handle_clear_cache_request
    try:
        server.ignore_clear_cache()
        assert AppSession._handle_clear_cache_request is not original
        cleared = []
        fake = type("FakeSession", (), {"id": "s1"})()
        import streamlit as st

        st.cache_data.clear = lambda: cleared.append(1)  # would run if the original handler did
        AppSession._handle_clear_cache_request(fake)
        assert cleared == []
    finally:
        AppSession._handle_clear_cache_request = original
        AppSession._circlue_ignores_clear_cache = False
        del st.cache_data.clear


def test_app_py_serves_our_st_app():
    """`streamlit run` finds `app = st.App(...)` by reading app.py; it must stay where it looks."""
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(__file__).resolve().parent.parent / "app.py")
    assert found.is_asgi_app and found.app_name == "app"


def test_fingerprints_differ_per_token():
    assert server.fingerprint("a") != server.fingerprint("b") and len(server.fingerprint("a")) == 32
    assert asyncio.iscoroutinefunction(server.auth_session)
