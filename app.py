"""Circlue ops dashboard entry point.

`streamlit run app.py` finds `app = st.App(...)` below by reading this file: uvicorn imports it once, as the module
`app`, and serves our routes and middleware (circlue.web.server) around Streamlit's own. Every script run executes
it as `__main__`: page config, database bootstrap, login gate, role-aware navigation.
"""

import streamlit as st

if __name__ != "__main__":
    from circlue.web import server

    server.ignore_clear_cache()
    app = st.App("app.py", routes=server.routes(), middleware=server.middleware())
else:
    from circlue.config import MissingSecretKey, get_settings
    from circlue.db import unit_of_work
    from circlue.errors import DatabaseUnavailable
    from circlue.repository import notifications as notifications_repo
    from circlue.ui import auth
    from circlue.ui.bootstrap import ensure_database
    from circlue.ui.i18n import LANGUAGES, t
    from circlue.ui.navigation import UNREAD_CAP, build_navigation, login_navigation
    from circlue.ui.text import md

    st.set_page_config(page_title="Circlue", page_icon=":material/hub:", layout="wide")

    with st.sidebar:
        st.selectbox(t("lang.label"), options=list(LANGUAGES), format_func=LANGUAGES.get, key="lang")

    try:
        ensure_database()
    except DatabaseUnavailable as exc:
        st.error(t("db.unavailable"), icon=":material/cloud_off:")
        # The reason names the server and the login: shown on a demo only, otherwise in the server log alone.
        if get_settings().demo_mode:
            st.markdown(t("db.howto"))
            st.caption(t("db.detail", detail=md(exc)))
        else:
            st.caption(t("db.try_later"))
        st.stop()
    except MissingSecretKey as exc:
        st.error(md(exc), icon=":material/key_off:")
        st.stop()

    if auth.handoff_pending():
        auth.handoff_page()
        st.stop()
    actor = auth.session_actor()
    if actor is None:
        # Every page's URL leads to the login screen, so a deep link survives logging in.
        login_navigation().run()
        st.stop()

    with st.sidebar:
        st.caption(t("signed_in_as", name=md(st.session_state.get(auth.NAME, "")), role=t(f"role.{actor.role}")))
        if st.button(t("logout"), key="circlue_logout", icon=":material/logout:"):
            auth.logout()
            st.stop()

    # One count per run, stopped at 100: the inbox's menu entry says how many notifications wait ("알림 (3)", "99+").
    with unit_of_work(actor) as session:
        unread = notifications_repo.unread_count(session, up_to=UNREAD_CAP)
    build_navigation(actor.role, password_due=bool(st.session_state.get(auth.MUST_CHANGE)), unread=unread).run()
