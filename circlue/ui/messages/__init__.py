"""The message catalog, one module per domain (so parallel work on two domains never edits the same file)."""

from __future__ import annotations

from circlue.ui.messages import accounts, analytics, brands, content, core, pipeline, settlements

# Add a domain's module here; catalog() refuses a key defined twice.
MODULES = (core, accounts, brands, pipeline, content, settlements, analytics)


def catalog() -> dict[str, dict[str, str]]:
    """Every module's messages in one dict, key -> {language: text}."""
    merged: dict[str, dict[str, str]] = {}
    for module in MODULES:
        twice = merged.keys() & module.MESSAGES.keys()
        if twice:
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        merged.update(module.MESSAGES)
    return merged
