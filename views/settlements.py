"""Settlements: what each brand owes, outstanding and overdue first, aging, totals per brand and month, exports;
one settlement with its tax invoices and payments. Admins issue invoices and record payments; brands see their own."""

import streamlit as st

from circlue.config import get_settings
from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import settlements as settlements_repo
from circlue.repository.settlement_overview import overview
from circlue.ui import settlements as view
from circlue.ui.flash import show_error, show_flash
from circlue.ui.format import today_seoul
from circlue.ui.i18n import t
from circlue.ui.navigation import STAFF, guard
from circlue.ui.settlement_forms import admin_actions, to_settle_section

PAGE_SIZE = 100

actor = guard("settlements")
staff, admin = actor.role in STAFF, actor.role == "admin"
rate = get_settings().platform_fee_rate
st.header(t("nav.settlements"))
show_flash()

filter_box = st.container()
chosen = view.chosen_filter(staff)
try:
    # One transaction: overdue applied first (the calendar), then figures, a page of the list, monthly totals.
    with unit_of_work(actor) as session:
        page = overview(
            session, filters=chosen, after=st.session_state.get(view.AFTER), limit=PAGE_SIZE, today=today_seoul(),
            rate=rate if admin else None,
        )
except DomainError as exc:
    show_error(exc)
    st.stop()
with filter_box:
    view.filters(staff, page.brands)

view.top_figures(page.summary)
view.aging_and_months(page.summary, page.monthly, staff=staff)
if admin:
    to_settle_section(actor, page.to_settle, rate=rate)
st.subheader(t("money.list"))
if not page.rows:
    st.info(t("money.none"))
    st.stop()
view.settlements_table(page.rows, staff=staff)
view.export_buttons(actor, chosen)
view.pager(page.rows, PAGE_SIZE)

picked = view.pick(page.rows, staff=staff)
try:
    with unit_of_work(actor) as session:
        found = settlements_repo.get_settlement(session, settlement_id=picked, rate=rate)
except DomainError as exc:
    show_error(exc)
    st.stop()
view.detail_head(found)
if admin:
    # The forms first: the printed invoice below is long.
    admin_actions(actor, found, rate=rate)
elif not staff:
    st.caption(t("money.brand_note"))
view.detail_records(actor, found)
