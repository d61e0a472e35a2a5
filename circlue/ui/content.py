"""Showing content: files (images, a video player), plans and captions side by side, text diffs, review rounds."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

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
    if name == "scenes":
        return "\n".join(f"{s.get('description', '')} · {s.get('seconds', '')}s" for s in value)
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def plan_lines(plan: dict[str, Any] | None, content_type: str) -> list[str]:
    """A plan as labelled lines, for a text diff."""
    lines: list[str] = []
    for name in PLAN_FIELDS.get(content_type, ()):
        lines.append(f"[{t('plan.field.' + name)}]")
        lines.extend(field_text(name, (plan or {}).get(name)).splitlines() or [""])
    return lines


def unified(previous: Sequence[str], current: Sequence[str]) -> str:
    """A unified diff of two texts (lines), or '' when they are the same."""
    diff = difflib.unified_diff(list(previous), list(current), "v-1", "v", lineterm="", n=1)
    return "\n".join(list(diff)[2:])


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


def _show_file(file: ReviewFile) -> None:
    name = md(file.original_name or "")
    try:
        if file.is_video and media.KEY.fullmatch(file.file_url):
            st.video(str(media.path_of(file.file_url)), format=file.file_type or "video/mp4")
            suffix = f" · {t('review.duration', seconds=file.duration)}" if file.duration is not None else ""
            st.caption(name + suffix)
        elif file.is_video:
            if file.thumbnail_url and media.KEY.fullmatch(file.thumbnail_url):
                st.image(str(media.path_of(file.thumbnail_url)))
            st.caption(f"{name} · {t('review.external', seconds=file.duration or '?')}")
        else:
            shown = file.thumbnail_url if file.thumbnail_url and media.KEY.fullmatch(file.thumbnail_url) else None
            shown = shown or (file.file_url if media.KEY.fullmatch(file.file_url) else None)
            if shown:
                st.image(str(media.path_of(shown)), caption=name)
            else:
                st.caption(name)
    except (ValidationError, OSError):
        st.caption(f"{name} · —")


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


def changes(item: ContentItem) -> str:
    """The text diff between the previous version and the current one (plan fields, or the caption)."""
    snapshot = item.previous.snapshot if item.previous else {}
    if item.kind == "plan":
        return unified(plan_lines(snapshot.get("plan_data"), item.content_type),
                       plan_lines(item.plan_data, item.content_type))
    before = (snapshot.get("caption") or "").splitlines()
    after = (item.caption or "").splitlines()
    label = t("review.files")
    old_files = [f"{label}: {f.get('original_name') or f.get('file_url')}" for f in snapshot.get("files", [])]
    new_files = [f"{label}: {f.original_name or f.file_url}" for f in item.files]
    return unified([*before, *old_files], [*after, *new_files])


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
