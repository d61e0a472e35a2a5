"""Import metrics (CSV or Excel) and comments for staff: template, pick by name, line-by-line problems, history."""

import pandas as pd
import streamlit as st

from circlue.db import unit_of_work
from circlue.errors import DomainError
from circlue.repository import content as content_repo
from circlue.repository import metric_imports
from circlue.schemas.metric_rows import HEADER, REQUIRED
from circlue.tabular import csv_bytes, file_sha256, read_cells, xlsx_bytes
from circlue.ui.comments_import import comments_tab
from circlue.ui.flash import flash, show_error, show_flash
from circlue.ui.format import format_date, format_datetime, today_seoul
from circlue.ui.i18n import platform_label, t
from circlue.ui.navigation import guard
from circlue.ui.text import md

actor = guard("metrics-import")
st.header(t("imp.title"))
show_flash()
metrics_tab, comments = st.tabs([t("imp.title"), t("cmt.title")])

with metrics_tab:
    st.markdown(t("imp.intro"))
    st.code(",".join(HEADER), language=None, wrap_lines=True)
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(t("imp.template_csv"), data=csv_bytes(HEADER), file_name="circlue-metrics-template.csv",
                         mime="text/csv", key="template_csv", on_click="ignore", icon=":material/download:")
    right.download_button(
        t("imp.template_xlsx"), data=lambda: xlsx_bytes(HEADER, sheet="metrics"),
        file_name="circlue-metrics-template.xlsx", key="template_xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
    )

    with unit_of_work(actor, readonly=True) as session:
        contracts = content_repo.contracted_pairs(session, producing_only=False, limit=None)
        history = metric_imports.recent_imports(session)
    by_key = {f"{c.campaign_id}|{c.influencer_id}": c for c in contracts}
    st.caption(t("imp.pick_note"))
    pair = st.selectbox(
        t("imp.pick"), options=[None, *by_key], key="import_pair",
        format_func=lambda k: t("imp.none") if k is None else (
            f"{by_key[k].brand} · {by_key[k].campaign} · {by_key[k].influencer} ({platform_label(by_key[k].platform)})"
        ),
    )
    upload = st.file_uploader(t("imp.file"), type=["csv", "xlsx"], key="import_file")
    skip_bad = st.checkbox(t("imp.skip_bad"), key="import_skip_bad")
    if st.button(t("imp.submit"), type="primary", key="import_submit", disabled=upload is None):
        status = st.empty()
        defaults = dict(zip(("campaign_id", "influencer_id"), pair.split("|"), strict=True)) if pair else None
        try:
            with unit_of_work(actor) as session:
                result = metric_imports.import_metrics(
                    session, rows=read_cells(upload, upload.name, columns=HEADER, required=REQUIRED),
                    file_name=upload.name, file_sha256=file_sha256(upload), today=today_seoul(), skip_bad=skip_bad,
                    defaults=defaults, progress=lambda n: status.caption(t("imp.reading", n=n)),
                )
        except metric_imports.ImportRefused as exc:
            status.empty()
            st.error(t("imp.refused", n=exc.result.problem_count))
            st.subheader(t("imp.problems"))
            st.dataframe(
                pd.DataFrame({t("col.line"): [p.line for p in exc.result.problems],
                              t("col.problem"): ["; ".join(p.reasons) for p in exc.result.problems]}),
                hide_index=True, key="import_problems",
            )
        except DomainError as exc:
            status.empty()
            show_error(exc)
        else:
            flash(md(t("imp.done", file=result.file_name, inserted=result.inserted, updated=result.updated,
                       unchanged=result.unchanged, skipped=result.skipped)))

    st.subheader(t("imp.history"))
    if history:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.when"): [format_datetime(h.created_at) for h in history],
                    t("col.who"): [h.created_by or "—" for h in history],
                    t("col.file"): [h.file_name for h in history],
                    t("col.dates"): [f"{format_date(h.first_date)} ~ {format_date(h.last_date)}" for h in history],
                    t("col.inserted"): [h.inserted for h in history],
                    t("col.updated"): [h.updated for h in history],
                    t("col.unchanged"): [h.unchanged for h in history],
                    t("col.skipped"): [h.skipped for h in history],
                    "SHA-256": [h.file_sha256[:12] + "…" for h in history],
                }
            ),
            hide_index=True, key="import_history",
        )
    else:
        st.info(t("empty"))

with comments:
    comments_tab(actor)
