"""The production page's forms that do more than one call: uploads (nothing left behind when the save fails), the
campaign's included revision rounds, and publishing with the time the post went live."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import Any

import streamlit as st

from circlue import media
from circlue.config import get_settings
from circlue.db import Actor, unit_of_work
from circlue.korea import SEOUL
from circlue.repository import content as content_repo
from circlue.repository import content_review
from circlue.schemas.common import parse
from circlue.schemas.content import CaptionInput
from circlue.ui.forms import errors_of, seed, submit
from circlue.ui.i18n import t

MB = 1024 * 1024
_log = logging.getLogger(__name__)


def upload_limits() -> tuple[int, int]:
    """The image and video limits in MB as they hold: Streamlit's server.maxUploadSize refuses anything larger
    before our own limits (CIRCLUE_MAX_IMAGE_MB, CIRCLUE_MAX_VIDEO_MB) see it."""
    settings = get_settings()
    cap = int(st.get_option("server.maxUploadSize"))
    return min(settings.max_image_bytes // MB, cap), min(settings.max_video_bytes // MB, cap)


def save_uploads(actor: Actor, *, submission_id: uuid.UUID, caption: Any, uploads: Sequence[Any]) -> str:
    """Check and store the files, then save the caption and attach them in one transaction. When anything fails,
    the files this upload wrote are taken back (unless a row uses them), so a failed upload leaves nothing."""
    stored: list[media.StoredFile] = []
    try:
        checked = parse(CaptionInput, caption=caption)
        for upload in uploads:
            stored.append(media.store(upload.getvalue(), upload.name))
        with unit_of_work(actor) as session:
            content_review.set_caption(session, submission_id=submission_id, caption=checked)
            added = [content_review.add_file(session, submission_id=submission_id, stored=file) for file in stored]
    except BaseException:
        _take_back(actor, [key for file in stored for key in file.written])
        raise
    new = sum(1 for file_id in added if file_id is not None)
    message = t("production.uploaded", n=new)
    return message + (" " + t("production.already_attached", n=len(added) - new) if new < len(added) else "")


def _take_back(actor: Actor, keys: list[str]) -> None:
    if not keys:
        return
    try:
        with unit_of_work(actor) as session:
            used = content_repo.keys_in_use(session, keys=keys)
        media.discard([key for key in keys if key not in used])
    except Exception:  # noqa: BLE001 - keeping unused bytes is safe; the upload's own error is the one to show
        _log.warning("could not take back the files of a failed upload", exc_info=True)


def included_rounds_form(actor: Actor, *, campaign_id: uuid.UUID, included: int) -> None:
    """Staff set how many rounds of changes the campaign includes; past them a change request is an extra round."""
    prefix = f"rounds_{campaign_id}_"
    seed({f"{prefix}included": included})
    errors = errors_of(prefix)
    with errors.form(f"{prefix}form"):
        st.number_input(t("production.included_rounds"), min_value=0, max_value=20, step=1, key=f"{prefix}included",
                        help=t("production.included_rounds_help"))
        errors.under("included_revision_rounds")
        save = st.form_submit_button(t("production.save"), type="primary")
    if save:
        def _save() -> str:
            rounds = int(st.session_state[f"{prefix}included"])
            with unit_of_work(actor) as session:
                content_review.set_included_rounds(session, campaign_id=campaign_id, rounds=rounds)
            return t("production.included_saved", n=rounds)

        submit(prefix, _save)


def publish_form(actor: Actor, *, prefix: str, submission_id: uuid.UUID) -> None:
    """Where the post is and when it went live (Seoul time; now unless said otherwise, never in the future)."""
    now = dt.datetime.now(SEOUL).replace(second=0, microsecond=0)
    seed({f"{prefix}published_on": now.date(), f"{prefix}published_time": now.time()})
    errors = errors_of(prefix)
    with errors.form(f"{prefix}publish"):
        st.text_input(t("production.published_url"), key=f"{prefix}url", max_chars=255)
        errors.under("published_url")
        day, time = st.columns(2)
        day.date_input(t("production.published_on"), key=f"{prefix}published_on", max_value=now.date())
        time.time_input(t("production.published_time"), key=f"{prefix}published_time", step=60)
        errors.under("published_at")
        go = st.form_submit_button(t("production.publish"), type="primary")
    if go:
        def _publish() -> str:
            state = st.session_state
            when = dt.datetime.combine(state[f"{prefix}published_on"], state[f"{prefix}published_time"], tzinfo=SEOUL)
            with unit_of_work(actor) as session:
                content_review.publish(session, submission_id=submission_id, url=state.get(f"{prefix}url", ""),
                                       published_at=when)
            return t("production.published")

        submit(prefix, _publish)
