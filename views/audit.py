"""Audit log (admin): who changed what, when and from where; filters, the changed fields, CSV export."""

import datetime as dt
import json
import uuid

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import audit as audit_repo
from circlue.repository import users as users_repo
from circlue.tabular import csv_bytes
from circlue.ui.flash import show_error
from circlue.ui.format import SEOUL, format_datetime, today_seoul
from circlue.ui.i18n import t
from circlue.ui.navigation import guard

ENTITY_TYPES = (
    "users", "user_sessions", "brands", "products", "influencers", "campaigns", "campaign_target_content",
    "campaign_influencers", "personas", "content_plans", "content_submissions", "content_files", "content_revisions",
    "performance_metrics", "comment_analysis", "settlements", "tax_invoices", "payments", "notifications",
)
LIMIT = 500

actor = guard("audit")
st.header(t("nav.audit"))

with unit_of_work(actor) as session:
    people = users_repo.list_users(session)
emails = {u.id: u.email for u in people}

with st.expander(t("audit.filters"), expanded=True):
    c1, c2, c3 = st.columns(3)
    user_id = c1.selectbox(
        t("audit.user"), options=[None, *emails], format_func=lambda u: t("filter.all") if u is None else emails[u],
        key="audit_user",
    )
    entity = c2.selectbox(
        t("filter.entity"), options=[None, *ENTITY_TYPES], format_func=lambda e: t("filter.all") if e is None else e,
        key="audit_entity",
    )
    action = c3.selectbox(
        t("audit.action"), options=[None, *audit_repo.ACTIONS],
        format_func=lambda a: t("filter.all") if a is None else a, key="audit_action",
    )
    c4, c5, c6 = st.columns(3)
    entity_id_text = c4.text_input(t("audit.entity_id"), key="audit_entity_id", max_chars=36).strip()
    since = c5.date_input(t("audit.since"), value=today_seoul() - dt.timedelta(days=30), key="audit_since")
    until = c6.date_input(t("audit.until"), value=today_seoul(), key="audit_until")

entity_id = None
if entity_id_text:
    try:
        entity_id = uuid.UUID(entity_id_text)
    except ValueError:
        st.error(t("audit.bad_id"))
        st.stop()


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SEOUL)


filters = audit_repo.AuditFilter(
    user_id=user_id,
    entity_type=entity,
    entity_id=entity_id,
    action=action,
    since=_start_of(since) if since else None,
    until=_start_of(until + dt.timedelta(days=1)) if until else None,
)
try:
    with unit_of_work(actor) as session:
        rows = audit_repo.list_audit_logs(session, filters=filters, limit=LIMIT)
except DomainError as exc:
    show_error(exc)
    st.stop()

if not rows:
    st.info(t("empty"))
    st.stop()

st.caption(t("audit.shown", n=f"{len(rows):,}", limit=f"{LIMIT:,}"))
table = pd.DataFrame(
    {
        t("col.when"): [format_datetime(r.created_at) for r in rows],
        t("col.who"): [r.user_email or t("audit.system") for r in rows],
        t("col.action"): [r.action for r in rows],
        t("col.entity"): [r.entity_type for r in rows],
        "ID": [str(r.entity_id) if r.entity_id else "" for r in rows],
        t("col.ip"): [str(r.ip_address) if r.ip_address else "" for r in rows],
    }
)
picked = st.dataframe(
    table, hide_index=True, key="audit_table", on_select="rerun", selection_mode="single-row", height=360
)
export = table.assign(
    old_values=[json.dumps(r.old_values, ensure_ascii=False) if r.old_values else "" for r in rows],
    new_values=[json.dumps(r.new_values, ensure_ascii=False) if r.new_values else "" for r in rows],
)
st.download_button(
    t("audit.export"),
    data=csv_bytes(list(export.columns), export.itertuples(index=False, name=None)),  # typed text never runs
    file_name=f"circlue-audit-{today_seoul():%Y%m%d}.csv",
    mime="text/csv",
    key="audit_export",
)

selected = picked.selection.rows if picked and picked.selection else []
if not selected:
    st.caption(t("audit.pick"))
    st.stop()

entry = rows[selected[0]]
st.subheader(
    t(
        "audit.detail",
        action=entry.action,
        entity=f"{entry.entity_type} {entry.entity_id or ''}",
        when=format_datetime(entry.created_at),
        who=entry.user_email or t("audit.system"),
    )
)
if entry.user_agent:
    st.caption(f"{t('audit.agent')}: {entry.user_agent[:200]}")
changes = audit_repo.changes(entry)


def _shown(value: object) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


diff = pd.DataFrame(
    {
        t("audit.field"): [c.field for c in changes],
        t("audit.before"): [_shown(c.old) for c in changes],
        t("audit.after"): [_shown(c.new) for c in changes],
        t("audit.changed"): [c.changed for c in changes],
    }
)
st.dataframe(
    diff.style.apply(
        lambda row: ["background-color: #FFF3C4" if row[t("audit.changed")] else "" for _ in row], axis=1
    ),
    hide_index=True,
    key="audit_diff",
    column_config={t("audit.changed"): st.column_config.CheckboxColumn(width="small")},
)
