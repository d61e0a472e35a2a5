"""Show text people typed as text: Streamlit renders Markdown in messages, captions and labels."""

from __future__ import annotations

import re

# Markdown and Streamlit's own syntax (:red[...], :material/icon:, $latex$); HTML is already escaped by Streamlit.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$>])")


def md(value: object) -> str:
    """The value with every Markdown-active character escaped, so an image or link in a name stays plain text."""
    return _SPECIAL.sub(r"\\\1", str(value))
