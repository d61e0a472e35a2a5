"""Fixtures every browser journey module shares: one server and one Chromium per module."""

from __future__ import annotations

import pytest

from tests.e2e.harness import chromium, streamlit_server


@pytest.fixture(scope="module")
def server():
    """One server for the module: its first visit migrates and loads demo data."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    with chromium() as b:
        yield b
