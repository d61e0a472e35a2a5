"""Change your own password (required after an admin's reset); other devices' logins end."""

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import users as users_repo
from circlue.ui.auth import MUST_CHANGE
from circlue.ui.flash import flash, show_error, show_flash
from circlue.ui.i18n import t
from circlue.ui.navigation import guard

actor = guard("password")
st.header(t("password.title"))
show_flash()
if st.session_state.get(MUST_CHANGE):
    st.warning(t("password.due"))

with st.form("password_form", clear_on_submit=False):
    current = st.text_input(t("password.current"), type="password", key="pw_current", autocomplete="current-password")
    new = st.text_input(t("password.new"), type="password", key="pw_new", autocomplete="new-password")
    repeat = st.text_input(t("password.repeat"), type="password", key="pw_repeat", autocomplete="new-password")
    if st.form_submit_button(t("password.title"), type="primary"):
        if new != repeat:
            st.error(t("password.mismatch"))
        else:
            try:
                with unit_of_work(actor) as session:
                    users_repo.change_own_password(session, current_password=current, new_password=new)
            except DomainError as exc:
                show_error(exc)
            else:
                st.session_state.pop(MUST_CHANGE, None)
                flash(t("password.changed"))
