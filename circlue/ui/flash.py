"""One-shot success messages that survive the rerun an action triggers, and error messages."""

from __future__ import annotations

import streamlit as st

from circlue.ui.text import md

_KEY = "circlue_flash"


def flash(message: str, *, page: str | None = None, query_params: dict[str, str] | None = None) -> None:
    """Remember a success message and rerun (or open `page`), so the page redraws with fresh data and shows it."""
    st.session_state[_KEY] = message
    if page is not None:
        st.switch_page(page, query_params=query_params)
    st.rerun()


def show_flash() -> None:
    """Show (once) the message a previous run left with flash()."""
    message = st.session_state.pop(_KEY, None)
    if message:
        st.success(message)


def show_error(exc: Exception) -> None:
    """Show a domain error's message as plain text (it may quote what the user typed)."""
    st.error(md(str(exc)))


def drawn_with(key: str, value: object) -> object:
    """What a form was drawn with on the previous run (what its user saw), remembering this run's value.

    A submit reruns the page, which reads fresh rows: the expected status of an action is the one the user saw,
    not the one read now, or a change made by someone else in between would go unnoticed.
    """
    previous = st.session_state.get(key, value)
    st.session_state[key] = value
    return previous
