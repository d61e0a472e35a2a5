"""Attacks on logins, roles and pooled connections through the app role (issue 5's findings 6 to 9 and the second
review's); tests/test_attacks.py holds the first five and the shared helpers.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError

from circlue.db import Actor, _app_engine, login_unit_of_work, unit_of_work
from circlue.errors import ValidationError
from circlue.ops.demo import DEMO_PASSWORD
from circlue.repository import users as users_repo
from tests.conftest import actor_of
from tests.test_attacks import ADMIN, GLOW, _count, _run, _unlock

# -- 6. The lockout race --------------------------------------------------------------------------------------


def _login(auth_engine, email: str, password: str) -> bool:
    with login_unit_of_work(Actor(user_id=None), engine=auth_engine) as session:
        return users_repo.login(session, email=email, password=password, hours=1) is not None


def test_concurrent_wrong_passwords_lock_once_and_the_lock_holds(auth_engine, owner_engine):
    email = "brand.seoulstyle@circlue.demo"
    started = dt.datetime.now(dt.UTC)
    barrier = threading.Barrier(20)
    results: list[bool] = []

    def attempt(n: int) -> None:
        barrier.wait()
        results.append(_login(auth_engine, email, f"wrong-password-{n:02d}"))

    try:
        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert results == [False] * 20
        locks = _count(
            owner_engine,
            "SELECT count(*) FROM audit_logs WHERE entity_type = 'users' AND action = 'UPDATE'"
            " AND created_at >= :t AND new_values->>'email' = :e"
            " AND new_values->>'locked_until' IS NOT NULL AND old_values->>'locked_until' IS NULL",
            t=started,
            e=email,
        )
        assert locks == 1, "twenty attempts at once must lock the account exactly once"
        # The right password, while the lock stands, is refused like any other.
        assert _login(auth_engine, email, DEMO_PASSWORD) is False
    finally:
        _unlock(owner_engine, email)
    assert _login(auth_engine, email, DEMO_PASSWORD) is True


# -- 7. A brand editing a running campaign ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE campaigns SET budget = budget * 10 WHERE id = :c",
        "UPDATE campaigns SET title = '몰래 바꾼 제목' WHERE id = :c",
        "UPDATE campaign_target_content SET target_age = '10-19' WHERE campaign_id = :c",
    ],
)
def test_brand_cannot_edit_a_running_campaign(statement, app_engine, owner_engine):
    with owner_engine.connect() as conn:
        campaign = conn.execute(
            text(
                "SELECT c.id FROM campaigns c JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
                " WHERE u.email = :e AND c.status = 'live' LIMIT 1"
            ),
            {"e": GLOW},
        ).scalar_one()
    with pytest.raises(DBAPIError, match="only while it is being created"):
        _run(app_engine, actor_of(GLOW), statement, params={"c": campaign})


# -- 8. Leaving the app role ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["SET ROLE postgres", "SET SESSION AUTHORIZATION postgres", "SELECT set_config('role', 'postgres', false)"],
)
def test_the_app_connection_cannot_become_another_role(statement, app_engine, glow):
    with pytest.raises(ProgrammingError, match="permission denied|must be superuser"):
        _run(app_engine, glow, statement)


def test_reset_role_stays_the_app_role(app_engine, glow):
    rows = _run(app_engine, glow, "RESET ROLE", "SELECT current_user, session_user, (SELECT rolsuper FROM pg_roles"
                " WHERE rolname = session_user)")
    assert tuple(rows[0]) == ("circlue_app", "circlue_app", False)


def test_the_app_refuses_a_pool_that_logs_in_as_the_owner(migrated_url):
    engine = _app_engine(migrated_url)
    try:
        with pytest.raises(RuntimeError, match="must log in as circlue_app"):
            engine.connect()
    finally:
        engine.dispose()


# -- 9. Input edge cases -----------------------------------------------------------------------------------------


def test_nul_and_control_characters_get_a_validation_message(app_engine, users_by_email):
    from circlue.repository.campaigns import advance_campaign
    from circlue.repository.influencers import search_influencers

    admin = actor_of(ADMIN)
    cases = [
        lambda s: users_repo.create_user(s, email="nul@circlue.ai", name="김\x00철수", role="manager", password="x" * 12),
        lambda s: users_repo.create_user(s, email="nul\x00@circlue.ai", name="김철수", role="manager", password="x" * 12),
        lambda s: users_repo.create_user(s, email="bell@circlue.ai", name="김\x07철수", role="manager", password="x" * 12),
        lambda s: search_influencers(s, query="小红\x00书"),
        lambda s: advance_campaign(s, campaign_id=uuid.uuid4(), to="submitted", expected_status="creating", note="메모\x00"),
    ]
    for case in cases:
        with pytest.raises(ValidationError, match="control characters"):
            with unit_of_work(admin, engine=app_engine) as session:
                case(session)


def test_a_failed_users_write_does_not_print_its_parameters(app_engine):
    """SQLAlchemy puts bound parameters into error messages (and logs) unless told not to."""
    from circlue.security import hash_password

    secret_hash = hash_password("a-secret-password")
    with pytest.raises(IntegrityError) as caught:
        with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO users (email, password_hash, name, role) VALUES (:e, :h, 'x', 'admin')"),
                {"e": ADMIN, "h": secret_hash},
            )
    assert secret_hash not in str(caught.value) and "a-secret" not in str(caught.value)


def test_owner_engine_hides_parameters_too(migrated_url):
    from circlue.db import owner_engine

    assert owner_engine(migrated_url).hide_parameters is True
    assert create_engine(migrated_url).hide_parameters is False, "the check above must be able to fail"


# -- Review 2: what one request leaves on a pooled connection for the next ----------------------------------------


@pytest.fixture
def one_connection(migrated_url):
    """An app pool of exactly one connection, so the next request surely gets what the previous one left."""
    from circlue.db import _role_engine, app_login_url

    engine = _role_engine(app_login_url(migrated_url), "circlue_app", pool_size=1, max_overflow=0, name="circlue-app")
    yield engine
    engine.dispose()


def test_a_poisoned_prepared_statement_cannot_steal_the_next_token(one_connection):
    """The review prepared psycopg's statement name so that the next user's set_config copied its session token
    into application_name, read it from pg_stat_activity and acted as the admin."""
    attacker = Actor(user_id=None)
    for _ in range(6):  # past psycopg's prepare threshold, if it still prepared
        with unit_of_work(attacker, engine=one_connection) as session:
            session.execute(text("SELECT 1"))
    with unit_of_work(attacker, engine=one_connection) as session:
        assert session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() == 0
        session.execute(
            text(
                "PREPARE _pg3_0(text, text, text) AS SELECT set_config('application_name', left($1, 63), false),"
                " $2, $3; SELECT set_config('application_name', 'planted', false),"
                " set_config('circlue.status_note', 'approved by the CEO', false), pg_advisory_lock(727001)"
            )
        )
    with unit_of_work(actor_of(ADMIN), engine=one_connection) as session:
        left_over = session.execute(
            text(
                "SELECT current_setting('application_name'), current_setting('circlue.status_note', true),"
                " (SELECT count(*) FROM pg_prepared_statements),"
                " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())"
            )
        ).one()
    assert tuple(left_over) == ("circlue-app", "", 0, 0)


@pytest.mark.parametrize("table", ["users", "user_sessions"])
def test_the_tables_every_policy_reads_cannot_be_locked(table, app_engine, glow):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, glow, f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")


@pytest.mark.parametrize(
    "statement",
    ["SELECT lo_from_bytea(0, 'glow was here')", "SELECT lo_create(0)", "SELECT lo_creat(-1)"],
)
def test_large_objects_cannot_be_created(statement, app_engine, glow):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, glow, statement)


def test_functions_created_later_are_not_executable_by_default(owner_engine, app_engine):
    with owner_engine.begin() as conn:
        conn.execute(text("CREATE FUNCTION public.later_fn() RETURNS int LANGUAGE sql SET search_path = pg_catalog"
                          " AS 'SELECT 1'"))
    try:
        with app_engine.connect() as conn:
            assert conn.execute(text("SELECT has_function_privilege('public.later_fn()', 'EXECUTE')")).scalar() is False
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DROP FUNCTION public.later_fn()"))


def test_settings_the_app_role_gives_itself_stop_its_pool_until_healed(migrated_url, app_engine, glow):
    """A role may ALTER ROLE itself (no grant prevents it): the pool refuses such a role, and a start clears it."""
    from circlue.db import _app_engine, app_login_url, heal_role_settings

    database = app_engine.url.database
    with app_engine.connect() as conn, conn.begin():
        set_actor_sql = "SELECT set_config('circlue.session_token', :t, true)"
        conn.execute(text(set_actor_sql), {"t": glow.token})
        conn.execute(text(f'ALTER ROLE circlue_app IN DATABASE "{database}" SET default_transaction_read_only = on'))
    fresh = _app_engine(app_login_url(migrated_url))
    try:
        with pytest.raises(RuntimeError, match="per-role settings"):
            fresh.connect()
    finally:
        fresh.dispose()
        heal_role_settings(migrated_url)
    healed = _app_engine(app_login_url(migrated_url))
    try:
        with healed.connect() as conn:
            assert conn.execute(text("SELECT current_setting('default_transaction_read_only')")).scalar() == "off"
    finally:
        healed.dispose()


def test_the_audit_keeps_a_bounded_user_agent(app_engine, owner_engine):
    actor = actor_of(ADMIN, user_agent="A" * 10_000)
    with unit_of_work(actor, engine=app_engine) as session:
        session.execute(text("UPDATE brands SET name = name || '' WHERE name = (SELECT min(name) FROM brands)"))
        session.execute(text("SELECT set_config('circlue.user_agent', repeat('B', 100000), true)"))
        session.execute(text("UPDATE brands SET description = description WHERE name = (SELECT min(name) FROM brands)"))
    with owner_engine.connect() as conn:
        lengths = conn.execute(
            text("SELECT length(user_agent) FROM audit_logs WHERE entity_type = 'brands' ORDER BY created_at DESC LIMIT 2")
        ).scalars().all()
    assert lengths and max(lengths) <= 500


@pytest.mark.parametrize(
    "value",
    ["ad\u200bmin", "evil\u202etxt.exe", "line\u2028break", "surrogate\ud800", "bom\ufeff"],
    ids=["zero-width-space", "right-to-left-override", "line-separator", "lone-surrogate", "bom"],
)
def test_invisible_and_direction_characters_are_refused(value):
    from circlue.text import clean_text

    with pytest.raises(ValidationError):
        clean_text(value, field="이름 / name", max_length=100)


def test_emoji_sequences_and_cjk_stay_allowed():
    from circlue.text import clean_text

    for value in ("李娜 👩\u200d💻", "정하늘 ✨", "小红书 种草 yyds 😍"):
        assert clean_text(value, field="x", max_length=100) == value


def test_look_alike_admin_e_mails_are_refused(app_engine):
    with pytest.raises(ValidationError):
        with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
            users_repo.create_user(session, email="ad\u200bmin@circlue.demo", name="x", role="admin", password="x" * 12)
    with pytest.raises(ValidationError):
        users_repo.normalise_email("admin@circlué.demo")


