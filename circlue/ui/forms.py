"""Forms that keep what was typed when a save fails, and show each field's message beside the field.

A form is named by the prefix of its widget keys (`brand_<id>_`): its widgets, its row version and its errors
live under that prefix, so forgetting the prefix makes the next run fill the form from the database again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from circlue.errors import Conflict, DomainError, ValidationError
from circlue.ui.flash import flash
from circlue.ui.i18n import t
from circlue.ui.text import md

_KEY = "circlue_form_errors"


@dataclass
class FormErrors:
    """Why a form's last save failed: the message, one message per field, and whether to reload first."""

    message: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    conflict: bool = False
    _shown: set[str] = field(default_factory=set)

    @contextmanager
    def form(self, key: str) -> Iterator[None]:
        """st.form with the failure at its top: how many fields to fix when every one is marked below, else the
        whole message (it may name something the form does not show)."""
        with st.form(key):
            top = st.empty() if self.message else None
            yield
            if top is not None and self.fields and set(self.fields) <= self._shown:
                top.error(t("forms.fix_fields", n=len(self.fields)), icon=":material/error:")
            elif top is not None:
                top.error(md(self.message), icon=":material/error:")

    def under(self, name: str) -> None:
        """Show the message of field `name` (if any) right under its widget."""
        if name in self.fields:
            st.caption(f":red[:material/error: {md(self.fields[name])}]")
            self._shown.add(name)


def seed(values: Mapping[str, Any]) -> None:
    """Give each widget key its value from the database unless the form already holds one (typed or seeded).

    Widgets are then created with their key only: what the user typed survives a failed save and every rerun.
    """
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value


def forget(prefix: str) -> None:
    """Drop every value of the form(s) whose keys start with `prefix`, so the next run fills them afresh."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def errors_of(prefix: str) -> FormErrors:
    """The errors of this form's last failed save, once (the next rerun shows the form clean)."""
    pending = st.session_state.get(_KEY)
    if pending is None or pending[0] != prefix:
        return FormErrors()
    del st.session_state[_KEY]
    return pending[1]


def submit(prefix: str, save: Callable[[], str]) -> None:
    """Run a form's save. On a DomainError rerun with the typed values kept and the messages shown beside the
    fields; on success forget the form (it refills from the database) and flash the message `save` returns."""
    try:
        message = save()
    except DomainError as exc:
        fields = dict(exc.fields) if isinstance(exc, ValidationError) else {}
        st.session_state[_KEY] = (prefix, FormErrors(str(exc), fields, isinstance(exc, Conflict)))
        st.rerun()
    else:
        forget(prefix)
        flash(message)
