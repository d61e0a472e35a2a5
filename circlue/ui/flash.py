"""One-shot success messages that survive the rerun an action triggers, and error messages."""

from __future__ import annotations

import streamlit as st

from circlue.ui.text import md

_KEY = "circlue_flash"


def flash(message: str) -> None:
    """Remember a success message and rerun, so the page redraws with fresh data and then shows it."""
    st.session_state[_KEY] = message
    st.rerun()


def show_flash() -> None:
    """Show (once) the message a previous run left with flash()."""
    message = st.session_state.pop(_KEY, None)
    if message:
        st.success(message)


def show_error(exc: Exception) -> None:
    """Show a domain error's message as plain text (it may quote what the user typed)."""
    st.error(md(str(exc)))
