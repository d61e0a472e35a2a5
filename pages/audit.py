"""Audit log (admin): who changed what, when and from where."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.repository import audit as audit_repo
from circlue.ui.format import format_datetime
from circlue.ui.i18n import t
from circlue.ui.navigation import guard

ENTITY_TYPES = (
    "users", "brands", "products", "influencers", "campaigns", "campaign_influencers", "content_plans",
    "content_submissions", "content_revisions", "performance_metrics", "settlements", "tax_invoices", "payments",
)

actor = guard("audit")
st.header(t("nav.audit"))
entity = st.selectbox(
    t("filter.entity"),
    options=[None, *ENTITY_TYPES],
    format_func=lambda e: t("filter.all") if e is None else e,
    key="audit_entity",
)
with unit_of_work(actor) as session:
    rows = audit_repo.list_audit_logs(session, entity_type=entity, limit=300)

if not rows:
    st.info(t("empty"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                t("col.when"): [format_datetime(r.created_at) for r in rows],
                t("col.who"): [r.user_email or t("audit.system") for r in rows],
                t("col.action"): [r.action for r in rows],
                t("col.entity"): [f"{r.entity_type}:{r.entity_id}" for r in rows],
                t("col.ip"): [str(r.ip_address) if r.ip_address else "" for r in rows],
            }
        ),
        hide_index=True,
        key="audit_table",
    )
