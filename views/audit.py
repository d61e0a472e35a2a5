"""Audit log (admin): who changed what, when and from where; filters, pages, the changed fields, CSV export."""

import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import audit as audit_repo
from circlue.repository import users as users_repo
from circlue.ui import audit as audit_ui
from circlue.ui.flash import show_error
from circlue.ui.format import today_seoul
from circlue.ui.i18n import t
from circlue.ui.navigation import guard

actor = guard("audit")
st.header(t("nav.audit"))

with unit_of_work(actor) as session:
    people = users_repo.list_users(session)
    entity_types = audit_repo.entity_types(session)

filters = audit_ui.filter_form(people, entity_types)
if filters is None:
    st.stop()
try:
    page = audit_ui.current_page(actor, filters)
except DomainError as exc:
    show_error(exc)
    st.stop()

if not page.rows:
    st.info(t("empty"))
    st.stop()

entry = audit_ui.picked_entry(page.rows)
audit_ui.pager(page)
st.download_button(
    t("audit.export"),
    data=audit_ui.export_maker(actor, filters),  # every match, read when clicked; typed text never runs
    file_name=f"circlue-audit-{today_seoul():%Y%m%d}.csv",
    mime="text/csv",
    key="audit_export",
    on_click="ignore",
    icon=":material/download:",
    help=t("audit.export_help"),
)

if entry is None:
    st.caption(t("audit.pick"))
    st.stop()
audit_ui.detail(entry)
