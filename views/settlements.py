"""Settlements: what each brand owes, its tax invoice and payments (brands see only their own)."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.repository import settlements as settlements_repo
from circlue.ui.format import format_date, format_krw
from circlue.ui.i18n import status_label, t
from circlue.ui.navigation import guard

actor = guard("settlements")
st.header(t("nav.settlements"))

with unit_of_work(actor) as session:
    rows = settlements_repo.list_settlements(session)

if not rows:
    st.info(t("empty"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                t("col.brand"): [r.brand for r in rows],
                t("col.title"): [r.campaign for r in rows],
                t("col.amount"): [format_krw(r.amount) for r in rows],
                t("col.status"): [status_label(r.status) for r in rows],
                t("col.due"): [format_date(r.due_date) for r in rows],
                t("col.invoice"): [r.invoice_number or "—" for r in rows],
                t("col.invoice_total"): [format_krw(r.invoice_total) for r in rows],
                t("col.paid"): [format_krw(r.paid) for r in rows],
            }
        ),
        hide_index=True,
        key="settlement_table",
    )
