"""The audit viewer's parts: filters, keyset pages pinned under the admin's selection, the export, one entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.repository import audit as audit_repo
from circlue.repository.audit import AuditFilter, AuditPage, AuditRow
from circlue.repository.users import UserRow
from circlue.tabular import csv_bytes
from circlue.ui.format import SEOUL, format_datetime, today_seoul
from circlue.ui.i18n import t
from circlue.ui.text import md

PAGE_SIZE = 100
TABLE = "audit_table"
_VIEW = "audit_view"


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SEOUL)


def filter_form(people: list[UserRow], entity_types: list[str]) -> AuditFilter | None:
    """The filter widgets; the filters they make, or None (with a message) when the entity id is not a UUID."""
    emails = {u.id: u.email for u in people}
    with st.expander(t("audit.filters"), expanded=True):
        c1, c2, c3 = st.columns(3)
        user_id = c1.selectbox(
            t("audit.user"), options=[None, *emails], key="audit_user",
            format_func=lambda u: t("filter.all") if u is None else emails[u],
        )
        entity = c2.selectbox(
            t("filter.entity"), options=[None, *entity_types], key="audit_entity",
            format_func=lambda e: t("filter.all") if e is None else e,
        )
        action = c3.selectbox(
            t("audit.action"), options=[None, *audit_repo.ACTIONS], key="audit_action",
            format_func=lambda a: t("filter.all") if a is None else a,
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
            return None
    return AuditFilter(
        user_id=user_id,
        entity_type=entity,
        entity_id=entity_id,
        action=action,
        since=_start_of(since) if since else None,
        until=_start_of(until + dt.timedelta(days=1)) if until else None,
    )


def _move(**where: object) -> None:
    """Go to another page of the same filters (newest, newer or older than the one shown)."""
    view = st.session_state[_VIEW]
    st.session_state[_VIEW] = {"filters": view["filters"], "moves": view["moves"] + 1, **where}


def table_key() -> str:
    """The key of the table on screen: new for every filter and every page, so that its selection (which the
    browser keeps) starts empty there instead of pointing at the same position in another list."""
    view = st.session_state[_VIEW]
    digest = hashlib.sha256(view["filters"].encode()).hexdigest()[:12]
    return f"{TABLE}_{digest}_{view['moves']}"


def current_page(actor: Actor, filters: AuditFilter) -> AuditPage:
    """The page the admin is on for these filters (the newest when they changed), pinned to its newest entry.

    Pinned, so entries written since (every write adds one) do not shift the rows under a selection.
    """
    key = repr(filters)
    view = st.session_state.get(_VIEW)
    if view is None or view["filters"] != key:
        view = {"filters": key, "moves": 0}
    with unit_of_work(actor) as session:
        through = view.get("through")
        if view.get("newer_than"):
            through = audit_repo.newer_start(session, filters=filters, than=view["newer_than"], size=PAGE_SIZE)
        page = audit_repo.audit_page(session, filters=filters, through=through, after=view.get("after"),
                                     size=PAGE_SIZE)
    st.session_state[_VIEW] = {"filters": key, "moves": view["moves"], "through": page.top} if page.rows else view
    return page


def pager(page: AuditPage) -> None:
    """Where the page is, with newest / newer / older buttons, in one row under the table."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(t("audit.newest"), key="audit_newest", disabled=not page.has_newer, icon=":material/first_page:",
                  on_click=_move)
        st.button(t("audit.newer"), key="audit_newer", disabled=not page.has_newer, icon=":material/chevron_left:",
                  on_click=_move, kwargs={"newer_than": page.top})
        st.button(t("audit.older"), key="audit_older", disabled=not page.has_older, icon=":material/chevron_right:",
                  icon_position="right", on_click=_move, kwargs={"after": page.bottom})
        st.caption(
            t("audit.page", n=f"{len(page.rows):,}", first=format_datetime(page.rows[0].created_at),
              last=format_datetime(page.rows[-1].created_at))
        )


def _columns() -> list[str]:
    return [t("col.when"), t("col.who"), t("col.action"), t("col.entity"), "ID", t("col.ip")]


def _cells(r: AuditRow, when: str, system: str) -> list[object]:
    return [
        when,
        r.user_email or system,
        r.action,
        r.entity_type,
        str(r.entity_id) if r.entity_id else "",
        str(r.ip_address) if r.ip_address else "",
    ]


def picked_entry(rows: list[AuditRow]) -> AuditRow | None:
    """The page as a table; the entry the admin selected in it, if any (and if it is on this page)."""
    system = t("audit.system")
    table = pd.DataFrame([_cells(r, format_datetime(r.created_at), system) for r in rows], columns=_columns())
    picked = st.dataframe(
        table, hide_index=True, key=table_key(), on_select="rerun", selection_mode="single-row", height=360
    )
    selected = picked.selection.rows if picked and picked.selection else []
    if not selected or not 0 <= selected[0] < len(rows):
        return None
    return rows[selected[0]]


def _export_row(r: AuditRow, system: str) -> list[object]:
    when = r.created_at.astimezone(SEOUL).isoformat(timespec="seconds") if r.created_at else ""
    return [
        *_cells(r, when, system),
        r.user_agent or "",
        json.dumps(r.old_values, ensure_ascii=False) if r.old_values else "",
        json.dumps(r.new_values, ensure_ascii=False) if r.new_values else "",
    ]


def export_maker(actor: Actor, filters: AuditFilter) -> Callable[[], bytes]:
    """Every entry the filters match as CSV (not only the page), read in keyset pages when the button is clicked."""

    # Labels now: the maker runs on a thread of its own, without this session's language.
    header, system = [*_columns(), t("audit.agent"), "old_values", "new_values"], t("audit.system")

    def make() -> bytes:
        with unit_of_work(actor) as session:
            matches = audit_repo.every_match(session, filters=filters, page=1000)
            return csv_bytes(header, (_export_row(r, system) for r in matches))

    return make


def _shown(value: object) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def detail(entry: AuditRow) -> None:
    """One entry: what, which row, when, who (all as text), the browser, and each field before and after."""
    st.subheader(
        t(
            "audit.detail",
            action=md(entry.action),
            entity=md(f"{entry.entity_type or ''} {entry.entity_id or ''}".strip()),
            when=format_datetime(entry.created_at),
            who=md(entry.user_email) if entry.user_email else t("audit.system"),
        )
    )
    if entry.user_agent:
        st.caption(f"{t('audit.agent')}: {md(entry.user_agent[:200])}")
    changes = audit_repo.changes(entry)
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
