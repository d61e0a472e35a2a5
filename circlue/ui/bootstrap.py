"""Bring the database up once per process: embedded server, migrations, demo data."""

from __future__ import annotations

import gc
import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from circlue.config import get_settings
from circlue.crypto import keyring
from circlue.db import heal_role_settings, owner_url, run_migrations
from circlue.errors import DatabaseUnavailable

log = logging.getLogger(__name__)


def _ensure_partitions() -> None:
    """This month's partitions and the next three's, at every start (also `python -m circlue partitions ensure`)."""
    from circlue.db import operator_unit_of_work
    from circlue.repository.partitions import ensure_partitions
    from circlue.ui.format import today_seoul

    with operator_unit_of_work() as session:
        ensure_partitions(session, today=today_seoul(), months_ahead=3)


@st.cache_resource(show_spinner="데이터베이스 준비 중 / preparing the database…")
def ensure_database() -> str:
    """Start the embedded server if needed, migrate, and load demo data on a demo database's first start.

    Outside demo mode the app does not start without CIRCLUE_SECRET_KEY (MissingSecretKey): it would write personal
    and payment fields it cannot encrypt.
    """
    settings = get_settings()
    keyring()
    try:
        url = owner_url()
        run_migrations(url)
        _ensure_partitions()
        # A role may ALTER ROLE itself; nothing of ours sets per-role settings, so a start clears any.
        heal_role_settings(url)
        if settings.demo_mode:
            from circlue.ops.demo import load_demo

            load_demo()
    except OperationalError as exc:
        # Host, port and login name are the operator's to read (here, in the server log), not a visitor's.
        detail = str(exc.orig or exc).strip().splitlines()[0]
        log.error("cannot reach the database: %s", detail)
        raise DatabaseUnavailable(detail) from exc
    # What is alive now (modules, the engines, the demo) lives as long as the process: frozen, Python's own full
    # collections skip it (they took 0.1-0.15 s each, holding up the messages of the run they fell in).
    gc.collect()
    gc.freeze()
    return url
