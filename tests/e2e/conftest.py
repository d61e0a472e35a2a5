"""Fixtures of the browser tests: a Streamlit server and a headless Chromium per test module."""

from __future__ import annotations

import pytest

from tests.e2e.harness import chromium, streamlit_server


@pytest.fixture(scope="module")
def server():
    """One server per module: its first visit migrates and loads the demo data."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module; tests open contexts of their own in it."""
    with chromium() as b:
        yield b
