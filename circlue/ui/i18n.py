"""The message catalog: Korean by default, English selectable."""

from __future__ import annotations

import streamlit as st

from circlue.ui.messages import catalog

LANGUAGES = {"ko": "한국어", "en": "English"}
DEFAULT_LANGUAGE = "ko"

MESSAGES: dict[str, dict[str, str]] = catalog()


def current_language() -> str:
    """The language chosen in this browser session."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The message for `key` in the current language, formatted with `values`; the key itself if missing."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(current_language()) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def platform_label(platform: str | None) -> str:
    """A platform's name in the current language, with its Chinese name."""
    return t(f"platform.{platform}") if platform else "—"


def status_label(status: str) -> str:
    """A campaign or settlement status in the current language."""
    for prefix in ("status.", "settlement."):
        if prefix + status in MESSAGES:
            return t(prefix + status)
    return status
