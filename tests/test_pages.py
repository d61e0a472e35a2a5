"""Pages through Streamlit's AppTest: login gate, each role's home, role checks, sessions, page actions."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from circlue.ops.demo import DEMO_PASSWORD
from circlue.ui.text import md
from tests.conftest import actor_of, statements_sent

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _fresh_caches(migrated_url):
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _app(lang: str = "ko") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    return at


def _login_state(at: AppTest, actor) -> None:  # noqa: ANN001 - an Actor
    """Give the AppTest's browser the login cookie of a live session, as the login's cookie round trip leaves it."""
    from circlue.web.server import COOKIE_NAME
    from tests.conftest import BROWSER_COOKIES

    BROWSER_COOKIES[COOKIE_NAME] = actor.token


@pytest.fixture
def logged_in(app_engine):
    """Seed an AppTest with a real server-side session for a demo user (as a login through the form would)."""

    def _login(email: str, lang: str = "ko", page: str = APP) -> AppTest:
        at = AppTest.from_file(page if page == APP else str(ROOT / page), default_timeout=60)
        at.session_state["lang"] = lang
        _login_state(at, actor_of(email))
        return at

    return _login


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.header, *at.title, *at.subheader, *at.markdown, *at.caption)]
    parts += [e.value for e in (*at.error, *at.info, *at.success)]
    parts += [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_login_form_when_nobody_is_logged_in():
    at = _app().run()
    assert not at.exception
    labels = [w.label for w in at.text_input]
    assert "이메일" in labels and "비밀번호" in labels
    # DATABASE_URL is set: not demo mode, so no demo credentials on the page.
    assert "데모 계정" not in [e.label for e in at.expander]


def test_demo_mode_lists_the_demo_accounts(monkeypatch):
    from circlue import config

    monkeypatch.setenv("CIRCLUE_DEMO", "1")
    config.get_settings.cache_clear()
    try:
        at = _app().run()
        assert not at.exception
        assert "데모 계정" in [e.label for e in at.expander]
        assert "admin@circlue.demo" in at.table[0].value.to_string()
    finally:
        monkeypatch.delenv("CIRCLUE_DEMO")
        config.get_settings.cache_clear()


@pytest.mark.parametrize(
    ("email", "heading", "lang"),
    [
        ("manager@circlue.demo", "캠페인 파이프라인", "ko"),
        ("brand.glow@circlue.demo", "우리 브랜드 현황", "ko"),
        ("admin@circlue.demo", "승인 대기 및 시스템", "ko"),
        ("manager@circlue.demo", "Campaign pipeline", "en"),
    ],
)
def test_each_role_lands_on_its_home(logged_in, email, heading, lang):
    at = logged_in(email, lang=lang).run()
    assert not at.exception, at.exception
    assert heading in [h.value for h in at.header]


def test_manager_home_shows_stage_chart_and_figures(logged_in):
    at = logged_in("manager@circlue.demo").run()
    assert not at.exception
    assert int(at.metric[0].value.replace(",", "")) > 0
    assert at.get("plotly_chart"), "the campaigns-per-stage chart is missing"


def test_brand_home_shows_krw(logged_in):
    at = logged_in("brand.glow@circlue.demo").run()
    assert not at.exception
    assert any(m.value.startswith("₩") for m in at.metric)


@pytest.mark.parametrize("page", ["views/users.py", "views/audit.py", "views/influencers.py"])
def test_brand_user_cannot_open_staff_pages_directly(logged_in, page):
    at = logged_in("brand.glow@circlue.demo", page=page).run()
    assert not at.exception
    assert "이 페이지를 볼 권한이 없습니다." in [e.value for e in at.error]
    assert not at.dataframe


def test_manager_cannot_open_admin_pages(logged_in):
    at = logged_in("manager@circlue.demo", page="views/users.py").run()
    assert "이 페이지를 볼 권한이 없습니다." in [e.value for e in at.error]


@pytest.mark.parametrize("page", ["views/settlements.py", "views/influencers.py", "views/users.py", "views/audit.py"])
def test_admin_pages_render(logged_in, page):
    at = logged_in("admin@circlue.demo", page=page).run()
    assert not at.exception, at.exception
    assert not at.error
    assert at.dataframe


def test_no_session_no_page(logged_in):
    at = AppTest.from_file(str(ROOT / "views/pipeline.py"), default_timeout=60).run()
    assert "이 페이지를 볼 권한이 없습니다." in [e.value for e in at.error]


def test_deactivated_user_is_out_at_the_next_click(logged_in, owner_engine, users_by_email):
    email = "brand.hanmat@circlue.demo"
    at = logged_in(email).run()
    assert "우리 브랜드 현황" in [h.value for h in at.header]
    with owner_engine.begin() as conn:
        conn.execute(text("UPDATE users SET is_active = false WHERE email = :e"), {"e": email})
    try:
        at.run()
        assert not at.exception
        assert "우리 브랜드 현황" not in [h.value for h in at.header]
        assert "세션이 끝났습니다. 다시 로그인하세요." in [i.value for i in at.info]
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE users SET is_active = true WHERE email = :e"), {"e": email})


def test_logout_ends_the_session_server_side(logged_in, owner_engine, users_by_email):
    at = logged_in("manager@circlue.demo").run()
    token_count = _sessions(owner_engine, users_by_email["manager@circlue.demo"])
    at.button(key="circlue_logout").click().run()
    assert not at.exception
    assert "circlue_token" not in at.session_state
    assert _sessions(owner_engine, users_by_email["manager@circlue.demo"]) == token_count - 1


def _sessions(engine, user_id: uuid.UUID) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM user_sessions WHERE user_id = :u"), {"u": user_id}).scalar()


def _submit_login(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input[0].input(email)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_wrong_password_gets_one_neutral_message_and_locks_after_five(owner_engine):
    email = "brand.seoulstyle@circlue.demo"
    try:
        at = _app().run()
        for _ in range(5):
            at = _submit_login(at, email, "wrong-password-123")
            assert not at.exception
            assert "이메일 또는 비밀번호가 올바르지 않거나, 잠시 잠긴 계정입니다." in [e.value for e in at.error]
        with owner_engine.connect() as conn:
            locked_until = conn.execute(text("SELECT locked_until FROM users WHERE email = :e"), {"e": email}).scalar()
        assert locked_until is not None and locked_until > dt.datetime.now(dt.UTC)
        # Even the right password is refused while locked, with the same message.
        at = _submit_login(_app().run(), email, DEMO_PASSWORD)
        assert "circlue_token" not in at.session_state
        assert "이메일 또는 비밀번호가 올바르지 않거나, 잠시 잠긴 계정입니다." in [e.value for e in at.error]
        unknown = _submit_login(_app().run(), "nobody@example.com", "whatever-123")
        assert [e.value for e in unknown.error] == [e.value for e in at.error]
    finally:
        with owner_engine.begin() as conn:
            conn.execute(
                text("UPDATE users SET locked_until = NULL, failed_login_count = 0 WHERE email = :e"), {"e": email}
            )


def test_password_login_opens_a_session_and_hands_it_to_the_browser(owner_engine, users_by_email, browser_cookies):
    from urllib.parse import parse_qs, urlsplit

    from circlue.web import server

    email = "admin@circlue.demo"
    before = _sessions(owner_engine, users_by_email[email])
    at = _submit_login(_app().run(), email, DEMO_PASSWORD)
    assert not at.exception
    assert _sessions(owner_engine, users_by_email[email]) == before + 1
    # The script keeps no token: it sends the browser to trade a one-time nonce for the HttpOnly cookie.
    assert "circlue_token" not in at.session_state
    handoff = urlsplit(at.session_state["circlue_handoff"])
    assert handoff.path == "/api/auth/session"
    at.run()
    assert "로그인하는 중입니다…" in [i.value for i in at.info]
    # What the browser does: the route, with this browser's XSRF cookie, answers with the cookie; a reload follows.
    nonce = parse_qs(handoff.query)["n"][0]
    token, _ = server._take(nonce, server.xsrf_bytes(browser_cookies["_streamlit_xsrf"]))
    browser_cookies[server.COOKIE_NAME] = token
    reloaded = _app().run()
    assert "승인 대기 및 시스템" in [h.value for h in reloaded.header]


def test_a_session_the_browser_does_not_carry_is_forgotten(logged_in, browser_cookies):
    """A Streamlit session reattached from another browser (no cookie, or another one) is not logged in there."""
    at = logged_in("admin@circlue.demo").run()
    assert "승인 대기 및 시스템" in [h.value for h in at.header]
    browser_cookies.pop("circlue_session")
    at.run()
    assert "승인 대기 및 시스템" not in [h.value for h in at.header]
    assert "circlue_token" not in at.session_state


@pytest.mark.parametrize("demo", [False, True], ids=["visitors", "demo"])
def test_unreachable_database_tells_visitors_nothing_of_the_server(demo, monkeypatch, migrated_url, caplog):
    """Host, port and login name go to the server log; the page shows them (and how to fix it) on a demo only."""
    from circlue import config, db

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://circlue_owner:pw@127.0.0.1:1/circlue_prod")
    if demo:
        monkeypatch.setenv("CIRCLUE_DEMO", "1")
    config.get_settings.cache_clear()
    st.cache_resource.clear()
    try:
        at = _app().run()
        assert not at.exception
        assert "데이터베이스에 연결할 수 없습니다" in [e.value for e in at.error]
        shown = _texts(at)
        assert ("DATABASE_URL" in shown and "127" in shown) is demo
        assert ("circlue_owner" in shown or "port" in shown or "127" in shown) is demo
        assert "127.0.0.1" in caplog.text, "the operator finds the reason in the server log"
    finally:
        monkeypatch.delenv("CIRCLUE_DEMO", raising=False)
        monkeypatch.setenv("DATABASE_URL", migrated_url)
        config.get_settings.cache_clear()
        st.cache_resource.clear()
        db.dispose_engines()


def test_expired_session_is_out_at_the_next_click(logged_in, owner_engine, users_by_email):
    email = "brand.lumiere@circlue.demo"
    at = logged_in(email).run()
    assert "우리 브랜드 현황" in [h.value for h in at.header]
    with owner_engine.begin() as conn:
        conn.execute(
            text("UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE user_id = :u"),
            {"u": users_by_email[email]},
        )
    at.run()
    assert not at.exception
    assert "우리 브랜드 현황" not in [h.value for h in at.header]
    assert "세션이 끝났습니다. 다시 로그인하세요." in [i.value for i in at.info]


def test_admin_creates_a_user_from_the_form(logged_in, owner_engine):
    at = logged_in("admin@circlue.demo", page="views/users.py").run()
    at.text_input(key="new_email").input("Li.Na@Circlue.AI")
    at.text_input(key="new_name").input("李娜")
    at.selectbox(key="new_role").set_value("manager")
    at.text_input(key="new_password").input("매니저 비밀번호 2026")
    at.button[0].click().run()
    assert not at.exception
    # Typed text is shown escaped, so Markdown in it renders as the characters typed.
    assert md("li.na@circlue.ai") + " 계정을 만들었습니다." in [s.value for s in at.success]
    assert "li.na@circlue.ai" in set(at.dataframe[0].value["이메일"])
    with owner_engine.connect() as conn:
        row = conn.execute(text("SELECT name, role FROM users WHERE email = 'li.na@circlue.ai'")).one()
    assert tuple(row) == ("李娜", "manager")


def test_bad_user_input_shows_an_error_and_saves_nothing(logged_in, owner_engine):
    at = logged_in("admin@circlue.demo", page="views/users.py").run()
    at.text_input(key="new_email").input("not-an-email")
    at.text_input(key="new_name").input("홍길동")
    at.text_input(key="new_password").input("long enough password")
    at.button[0].click().run()
    assert not at.exception
    assert any("올바른 이메일" in e.value for e in at.error)
    assert at.text_input(key="new_name").value == "홍길동", "the form keeps what was typed"
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE name = '홍길동'")).scalar() == 0


@pytest.mark.parametrize(
    ("email", "page", "budget"),
    [
        # Measured with the home page behind app.py's login check and the inbox's unread count (a unit of work of
        # two statements); 4 for a page on its own. The board's own test is in test_pipeline_pages.
        ("manager@circlue.demo", APP, 10),
        ("brand.glow@circlue.demo", APP, 12),
        ("admin@circlue.demo", APP, 13),
        # The settlements page (issue 9): overdue sweep, figures, aging, list, monthly totals, campaigns to settle,
        # the picked settlement with its invoices, payments and printable invoice; none of it per row.
        ("admin@circlue.demo", "views/settlements.py", 24),
        # The audit page also reads the users and the audited tables for its filters (one more unit of work), and
        # beside its page whether newer entries exist.
        ("admin@circlue.demo", "views/audit.py", 8),
    ],
)
def test_heavy_pages_run_a_fixed_number_of_queries(logged_in, email, page, budget):
    """No query per row (N+1): the count stays small and independent of how many rows a page shows."""
    statements = run_counting_statements(logged_in(email, page=page))
    assert 0 < len(statements) <= budget, "\n".join(statements)


def run_counting_statements(at: AppTest) -> list[str]:
    """Run the app once and return the SQL statements the app's pool sent meanwhile."""
    from circlue.db import app_engine

    with statements_sent(app_engine()) as statements:
        at.run()
    assert not at.exception
    return statements


def test_influencer_search_filters_by_platform_with_chinese_names(logged_in):
    at = logged_in("manager@circlue.demo", page="views/influencers.py").run()
    at.selectbox(key="influencer_platform").set_value("xiaohongshu").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) > 0 and set(frame["플랫폼"]) == {"샤오홍슈 (小红书)"}
    followers = list(frame["팔로워"])
    assert followers == sorted(followers, reverse=True)



def test_names_with_markdown_render_as_text(logged_in, owner_engine):
    """A name holding an image (fetched by every browser that renders it) or a link shows as the characters typed."""
    import re

    from circlue.security import hash_password

    name = "![x](http://evil.example/x.png) [클릭](http://evil.example) **굵게** :red[빨강]"
    with owner_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (email, password_hash, name, role) VALUES ('md@circlue.ai', :h, :n, 'manager')"),
            {"h": hash_password("long enough password"), "n": name},
        )
    try:
        at = logged_in("md@circlue.ai").run()
        assert not at.exception
        caption = next(c.value for c in at.sidebar.caption if "evil" in c.value)
        assert caption.startswith(md(name)), caption
        assert not re.search(r"(?<!\\)\]\(", caption), "an unescaped link or image would render"
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE email = 'md@circlue.ai'"))


def test_markdown_escaping():
    assert md("![x](http://a/b.png)") == r"\!\[x\]\(http\://a/b\.png\)"
    assert md("**굵게** :red[빨강] $x$") == r"\*\*굵게\*\* \:red\[빨강\] \$x\$"
    assert md("김철수 李娜") == "김철수 李娜"
