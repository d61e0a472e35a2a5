"""A login that behaves like every web app's (issue 7): reloads, tabs, deep links, logout, a stolen session id."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import open_login, submit_login, wait_idle

pytestmark = pytest.mark.e2e

ADMIN_HOME, BRAND_HOME = "승인 대기 및 시스템", "우리 브랜드 현황"

# Makes the frontend offer someone else's Streamlit session id when it opens its websocket (the third
# Sec-WebSocket-Protocol entry is the session to reattach to), as the security review did.
HIJACK_JS = """
(() => {
  const victim = %s;
  const Original = window.WebSocket;
  function Hijacking(url, protocols) {
    if (Array.isArray(protocols) && protocols[0] === "streamlit") {
      protocols = [protocols[0], protocols[1] || "PLACEHOLDER_AUTH_TOKEN", victim];
    }
    return new Original(url, protocols);
  }
  Hijacking.prototype = Original.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Hijacking[k] = Original[k];
  window.WebSocket = Hijacking;
})();
"""


def _heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for(timeout=60_000)
    wait_idle(page)


def _session_ids(page) -> list[str]:
    """Streamlit session ids the server gives this page, in order (read from its websocket frames)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found: list[str] = []

    def on_websocket(ws) -> None:  # noqa: ANN001 - Playwright's WebSocket
        def on_frame(payload) -> None:  # noqa: ANN001 - bytes or str
            if isinstance(payload, bytes | bytearray):
                try:
                    message = ForwardMsg.FromString(bytes(payload))
                except Exception:  # noqa: BLE001 - not every frame is a ForwardMsg
                    return
                if message.WhichOneof("type") == "new_session":
                    found.append(message.new_session.initialize.session_id)

        ws.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    return found


def test_the_login_survives_reloads_tabs_and_deep_links_and_logout_reaches_every_tab(server, browser):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    try:
        first = context.new_page()
        open_login(first, server)
        submit_login(first, "admin@circlue.demo")
        _heading(first, ADMIN_HOME)
        cookie = next(c for c in context.cookies() if c["name"] == "circlue_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert first.evaluate("document.cookie").find("circlue_session") == -1, "scripts must not read it"

        first.reload()
        _heading(first, ADMIN_HOME)

        second = context.new_page()
        second.goto(f"{server}/audit")
        _heading(second, "감사 로그")

        first.locator(".st-key-circlue_logout button").click()
        first.get_by_label("이메일").wait_for(timeout=60_000)
        # The other tab still shows the audit log; its next click asks for the password.
        second.get_by_role("link", name="홈").first.click()
        second.get_by_label("이메일").wait_for(timeout=60_000)
        assert second.get_by_role("heading", name=ADMIN_HOME).count() == 0
        assert not [c for c in context.cookies() if c["name"] == "circlue_session" and c["value"]]
    finally:
        context.close()


def test_a_copied_cookie_of_an_ended_session_opens_nothing(server, browser):
    victim = browser.new_context(locale="ko-KR")
    thief = browser.new_context(locale="ko-KR")
    try:
        page = victim.new_page()
        open_login(page, server)
        submit_login(page, "brand.glow@circlue.demo")
        _heading(page, BRAND_HOME)
        stolen = [c for c in victim.cookies() if c["name"] == "circlue_session"]
        page.locator(".st-key-circlue_logout button").click()
        page.get_by_label("이메일").wait_for(timeout=60_000)
        thief.add_cookies(stolen)
        replay = thief.new_page()
        replay.goto(server)
        replay.get_by_label("이메일").wait_for(timeout=60_000)
        assert replay.get_by_role("heading", name=BRAND_HOME).count() == 0
    finally:
        victim.close()
        thief.close()


def test_a_session_id_taken_from_the_websocket_opens_nothing(server, browser):
    victim = browser.new_context(locale="ko-KR")
    attacker = browser.new_context(locale="ko-KR", user_agent="AttackerUA/1.0")
    try:
        page = victim.new_page()
        ids = _session_ids(page)
        open_login(page, server)
        submit_login(page, "admin@circlue.demo")
        _heading(page, ADMIN_HOME)
        assert ids, "no session id seen on the websocket"
        attacker.add_init_script(HIJACK_JS % json.dumps(ids[-1]))
        intruder = attacker.new_page()
        intruder.goto(f"{server}/audit")
        wait_idle(intruder, 60_000)
        intruder.get_by_label("이메일").wait_for(timeout=60_000)
        assert intruder.get_by_role("heading", name="감사 로그").count() == 0
        # The victim is untouched: its session goes on.
        page.get_by_role("link", name="감사 로그").first.click()
        _heading(page, "감사 로그")
    finally:
        victim.close()
        attacker.close()
