"""Content production: staff create plans and submissions on the influencers' behalf (influencers have no login),
upload each version's files, send them for review and record publication."""

import uuid

import streamlit as st

from circlue.db import unit_of_work
from circlue.repository import content as content_repo
from circlue.repository import content_review
from circlue.schemas.common import parse
from circlue.schemas.content import CaptionInput, parse_plan
from circlue.ui.content import content_status, kind_label, show_files
from circlue.ui.flash import show_flash
from circlue.ui.format import format_datetime
from circlue.ui.forms import errors_of, seed, submit
from circlue.ui.i18n import platform_label, t
from circlue.ui.navigation import guard
from circlue.ui.plan_form import plan_fields, plan_values
from circlue.ui.production import included_rounds_form, publish_form, save_uploads, upload_limits
from circlue.ui.text import md
from circlue.workflow import CONTENT_EDITABLE

actor = guard("content")
st.header(t("production.title"))
show_flash()

with unit_of_work(actor) as session:
    pairs = content_repo.contracted_pairs(session)
if not pairs:
    st.info(t("production.none"))
    st.stop()
by_key = {f"{p.campaign_id}:{p.influencer_id}": p for p in pairs}
key = st.selectbox(
    t("production.pick"), list(by_key), key="production_pair",
    format_func=lambda k: (
        f"{by_key[k].brand} · {by_key[k].campaign} · {by_key[k].influencer} ({platform_label(by_key[k].platform)})"
    ),
)
pair = by_key[key]
with unit_of_work(actor) as session:
    rows = content_repo.content_of(session, campaign_id=pair.campaign_id, influencer_id=pair.influencer_id)
    items = {r.id: content_repo.get_item(session, kind=r.kind, item_id=r.id) for r in rows}

new_plan, new_submission, rounds = st.columns(3)
with new_plan.popover(t("production.new_plan"), icon=":material/add:"):
    kind = st.selectbox(t("production.type"), ["image", "video"], format_func=lambda v: t(f"type.{v}"),
                        key="new_plan_type")
    errors = errors_of("new_plan_")
    with errors.form("new_plan_form"):
        plan_fields("new_plan_", kind, errors)
        if st.form_submit_button(t("production.create"), type="primary"):
            def _create() -> str:
                plan = parse_plan(kind, plan_values("new_plan_", kind))
                with unit_of_work(actor) as session:
                    content_review.create_plan(session, campaign_id=pair.campaign_id,
                                               influencer_id=pair.influencer_id, content_type=kind, plan_data=plan)
                return t("production.created")

            submit("new_plan_", _create)
with new_submission.popover(t("production.new_submission"), icon=":material/add:"), st.form("new_submission_form"):
    kind = st.selectbox(t("production.type"), ["image", "video"], format_func=lambda v: t(f"type.{v}"),
                        key="new_submission_type")
    st.text_area(t("production.caption"), key="new_submission_caption", max_chars=5000)
    if st.form_submit_button(t("production.create"), type="primary"):
        def _create_submission() -> str:
            caption = parse(CaptionInput, caption=st.session_state.get("new_submission_caption"))
            with unit_of_work(actor) as session:
                content_review.create_submission(session, campaign_id=pair.campaign_id,
                                                 influencer_id=pair.influencer_id, content_type=kind,
                                                 caption=caption)
            return t("production.created")

        submit("new_submission_", _create_submission)
with rounds.popover(t("production.rounds_button", n=pair.included_rounds), icon=":material/tune:"):
    included_rounds_form(actor, campaign_id=pair.campaign_id, included=pair.included_rounds)

st.subheader(t("production.items"))
if not rows:
    st.caption(t("empty"))
for row in rows:
    item = items[row.id]
    prefix = f"{row.kind}_{row.id}_"
    title = f"{kind_label(row.kind)} · {t('type.' + row.content_type)} · {content_status(row.status)} · v{item.version}"
    with st.expander(title, expanded=row.status in CONTENT_EDITABLE):
        editable = row.status in CONTENT_EDITABLE
        last = item.rounds[-1] if item.rounds else None
        if row.status == "revision-requested" and last is not None:
            asked = t("review.answering", n=last.number, who=md(last.reviewer or "—"))
            st.warning(f"**{asked}**  \n{md(last.feedback)}")
        if row.kind == "plan" and editable:
            seed(plan_values(prefix, row.content_type, item.plan_data, to_widgets=True))
            errors = errors_of(prefix)
            with errors.form(f"{prefix}form"):
                plan_fields(prefix, row.content_type, errors)
                save = st.form_submit_button(t("production.save"))
            if save:
                def _save(prefix: str = prefix, row=row) -> str:
                    plan = parse_plan(row.content_type, plan_values(prefix, row.content_type))
                    with unit_of_work(actor) as session:
                        content_review.update_plan(session, plan_id=row.id, plan_data=plan)
                    return t("production.saved")

                submit(prefix, _save)
        elif row.kind == "submission" and editable:
            seed({f"{prefix}caption": item.caption or ""})
            errors = errors_of(prefix)
            with errors.form(f"{prefix}form"):
                st.text_area(t("production.caption"), key=f"{prefix}caption", max_chars=5000, height=120)
                errors.under("caption")
                image_mb, video_mb = upload_limits()
                uploads = st.file_uploader(
                    t("production.upload"), accept_multiple_files=True, key=f"{prefix}files",
                    type=["jpg", "jpeg", "png", "webp", "mp4", "mov", "webm"],
                    help=t("production.upload_help", image=image_mb, video=video_mb),
                )
                errors.under("file")
                save = st.form_submit_button(t("production.add_files"))
            if save:
                def _upload(prefix: str = prefix, row=row, uploads=uploads) -> str:
                    return save_uploads(actor, submission_id=row.id, uploads=uploads or [],
                                        caption=st.session_state.get(f"{prefix}caption"))

                submit(prefix, _upload)
            for file in item.files:
                cols = st.columns([4, 1])
                cols[0].caption(f"{md(file.original_name or '')} · {file.file_type} · {file.file_size:,} B")
                if cols[1].button(t("production.remove"), key=f"{prefix}remove_{file.id}"):
                    def _remove(file_id: uuid.UUID = file.id) -> str:
                        with unit_of_work(actor) as session:
                            content_review.remove_file(session, file_id=file_id)
                        return t("production.saved")

                    submit(prefix, _remove)
        if row.kind == "submission":
            show_files(item.files, key=prefix)
        if editable and st.button(t("production.send"), key=f"{prefix}send", type="primary"):
            def _send(row=row) -> str:
                with unit_of_work(actor) as session:
                    n = content_review.send_for_review(session, kind=row.kind, item_id=row.id,
                                                       expected_status=row.status)
                return t("production.sent", n=n)

            submit(prefix, _send)
        if row.status == "submitted":
            st.caption(t("production.locked"))
        if row.kind == "submission" and row.status == "approved":
            publish_form(actor, prefix=prefix, submission_id=row.id)
        if row.status == "published":
            st.caption(f"{md(item.published_url or '—')} · {format_datetime(item.published_at)}")
