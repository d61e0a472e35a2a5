"""Showing content: files (images, a video player), plans and captions side by side, review rounds.

What changed between versions is circlue.ui.content_diff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.media_file_storage import MediaFileStorageError

from circlue import media
from circlue.errors import ValidationError
from circlue.repository.content import ContentItem, ReviewFile, Round
from circlue.ui.format import format_datetime
from circlue.ui.i18n import t
from circlue.ui.text import md

# Plan fields in the order people read them.
PLAN_FIELDS = {
    "image": ("concept", "shot_list", "caption_draft", "hashtags", "posting_date"),
    "video": ("hook", "scenes", "script", "music", "call_to_action", "total_seconds"),
}


def kind_label(kind: str) -> str:
    """Plan or submission, in the current language."""
    return t(f"kind.{kind}")


def content_status(status: str) -> str:
    """A content status in the current language."""
    return t(f"content.status.{status}")


def waited(since: dt.datetime, now: dt.datetime) -> str:
    """How long something has waited: days, or hours within the first day."""
    hours = max(0, int((now - since).total_seconds() // 3600))
    return t("waiting.days", n=hours // 24) if hours >= 24 else t("waiting.hours", n=hours)


def field_text(name: str, value: Any) -> str:
    """One plan field as lines of text (lists one item a line, scenes as `description · N s`)."""
    if value is None:
        return ""
    if name == "scenes" and isinstance(value, list):
        # Scenes as the app writes them are objects; anything else written to the JSON is shown as it is.
        return "\n".join(f"{s.get('description', '')} · {s.get('seconds', '')}s" if isinstance(s, dict) else str(s)
                         for s in value)
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def show_plan(plan: dict[str, Any] | None, content_type: str) -> None:
    """A plan's fields, each under its label; what people typed is shown as text."""
    for name in PLAN_FIELDS.get(content_type, ()):
        value = field_text(name, (plan or {}).get(name))
        st.caption(t("plan.field." + name))
        st.markdown(md(value).replace("\n", "  \n") if value else "—")


def show_caption(caption: str | None) -> None:
    """A caption as it will read (Chinese text and hashtags), escaped."""
    st.caption(t("review.caption"))
    st.markdown(md(caption).replace("\n", "  \n") if caption else "—")


def show_files(files: Sequence[ReviewFile], *, key: str) -> None:
    """Images as pictures and videos in a player, two to a row; files kept elsewhere by their poster."""
    if not files:
        st.caption(t("review.no_files"))
        return
    columns = st.columns(2)
    for n, file in enumerate(files):
        with columns[n % 2]:
            _show_file(file)


def _on_disk(key: str | None) -> str | None:
    """The path of a media-store key whose file is there, else None (not ours, or gone from the disk)."""
    if not key or not media.KEY.fullmatch(key):
        return None
    path = media.path_of(key)
    return str(path) if path.is_file() else None


def _missing(name: str) -> None:
    st.warning(t("review.file_missing", name=name), icon=":material/broken_image:")


def _show_file(file: ReviewFile) -> None:
    name = md(file.original_name or "")
    try:
        if file.is_video and media.KEY.fullmatch(file.file_url):
            # Bytes kept in memory by key: Streamlit would read a path whole again on every run.
            data = media.cached_bytes(file.file_url)
            if data is None:
                _missing(name)
                return
            st.video(data, format=file.file_type or "video/mp4")
            suffix = f" · {t('review.duration', seconds=file.duration)}" if file.duration is not None else ""
            st.caption(name + suffix)
        elif file.is_video:
            poster = _on_disk(file.thumbnail_url)
            if poster:
                st.image(poster)
            st.caption(f"{name} · {t('review.external', seconds=file.duration or '?')}")
        else:
            shown = _on_disk(file.thumbnail_url) or _on_disk(file.file_url)
            if shown:
                st.image(shown, caption=name)
            elif media.KEY.fullmatch(file.file_url):
                _missing(name)
            else:
                st.caption(name)
    except (ValidationError, OSError, MediaFileStorageError):
        _missing(name)  # unreadable, or gone between the check and Streamlit's read


def show_version(item: ContentItem, *, previous: bool) -> None:
    """One side of the comparison: the previous version (from its round's snapshot) or the current one."""
    if previous:
        snapshot = item.previous.snapshot if item.previous else {}
        if item.kind == "plan":
            show_plan(snapshot.get("plan_data"), item.content_type)
        else:
            show_caption(snapshot.get("caption"))
            st.caption(t("review.files"))
            show_files(item.previous_files, key="previous")
        return
    if item.kind == "plan":
        show_plan(item.plan_data, item.content_type)
    else:
        show_caption(item.caption)
        st.caption(t("review.files"))
        show_files(item.files, key="current")


def show_history(rounds: Sequence[Round]) -> None:
    """Every review round: number, verdict, who, when and the feedback."""
    if not rounds:
        st.caption(t("review.no_history"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("col.round"): [r.number for r in rounds],
                t("col.verdict"): [
                    content_status(r.status) + (f" ({t('review.extra_badge')})" if r.extra_round else "")
                    for r in rounds
                ],
                t("col.who"): [r.reviewer or "—" for r in rounds],
                t("col.when"): [format_datetime(r.created_at) for r in rounds],
                t("col.feedback"): [r.feedback or "" for r in rounds],
            }
        ),
        hide_index=True,
        key="review_history",
    )
