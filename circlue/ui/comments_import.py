"""The comments tab of the import page: one piece of content's comments, classified with a progress bar."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from circlue.db import Actor, unit_of_work
from circlue.errors import DomainError
from circlue.repository import comments as comments_repo
from circlue.tabular import csv_bytes, read_rows
from circlue.ui.flash import flash, show_error
from circlue.ui.i18n import t
from circlue.ui.text import md

EXAMPLE = (
    ("douyin", "", "姐妹们冲！已经回购第三次了😍", "2026-11-20", 128),
    ("douyin", "", "求链接！！", "2026-11-20", 12),
    ("douyin", "", "用了两天就烂脸了，避雷🙄", "2026-11-21", 40),
    ("douyin", "", "敏感肌能用吗？多少钱", "2026-11-21", 3),
)


def comments_tab(actor: Actor) -> None:
    """Pick the content, upload its comments CSV, classify (with progress) and store the analysis."""
    st.markdown(t("cmt.intro"))
    st.download_button(t("cmt.template"), data=csv_bytes(comments_repo.HEADER, EXAMPLE),
                       file_name="circlue-comments-template.csv", mime="text/csv", key="comments_template",
                       on_click="ignore", icon=":material/download:")
    with unit_of_work(actor, readonly=True) as session:
        options = comments_repo.content_options(session)
    by_id = {str(o.id): o for o in options}
    picked = st.selectbox(t("cmt.content"), options=[None, *by_id], key="comments_content",
                          format_func=lambda k: t("imp.none") if k is None else by_id[k].label)
    upload = st.file_uploader(t("cmt.file"), type=["csv", "xlsx"], key="comments_file")
    if not st.button(t("cmt.submit"), type="primary", key="comments_submit", disabled=upload is None):
        return
    bar = st.progress(0.0, text=t("cmt.classifying", done=0, total=0))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=t("cmt.classifying", done=done, total=total))

    try:
        with unit_of_work(actor) as session:
            rows = read_rows(upload, upload.name, allowed=comments_repo.HEADER, required=comments_repo.REQUIRED)
            result = comments_repo.import_comments(
                session, rows=rows, submission_id=by_id[picked].id if picked else None, progress=progress
            )
    except DomainError as exc:
        bar.empty()
        show_error(exc)
        return
    if result.problems:
        st.warning("\n".join(md(str(p)) for p in result.problems[:20]))
        st.dataframe(pd.DataFrame({t("col.line"): [p.line for p in result.problems],
                                   t("col.problem"): ["; ".join(p.reasons) for p in result.problems]}),
                     hide_index=True, key="comments_problems")
        return
    flash(t("cmt.done", total=result.total, new=result.new, pos=result.positive, neg=result.negative,
            neu=result.neutral, days=result.analyses))
