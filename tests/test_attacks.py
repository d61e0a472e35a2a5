"""Attacks through the app role, as a security review made them: each must fail. Add new ones here.

Every attack runs as `circlue_app` (the app's own pool), acting as a brand user or as nobody, the way an SQL
injection or a bug in a page would; each asserts that nothing of another brand is read, nothing shared changes,
no audit or history row is forged and the connection cannot leave the app role.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError
from sqlalchemy.orm import Session

from circlue.db import Actor, _app_engine, login_unit_of_work, set_actor, unit_of_work
from circlue.errors import Forbidden, ValidationError
from circlue.ops.demo import DEMO_PASSWORD
from circlue.repository import users as users_repo
from circlue.repository.comments import HEADER as COMMENT_HEADER
from circlue.repository.partitions import ensure_metric_partitions
from circlue.schemas.metric_rows import HEADER
from circlue.tabular import csv_bytes
from tests.conftest import actor_of
from tests.test_comments import _import as _import_comments
from tests.test_comments import content  # noqa: F401 - a fixture
from tests.test_import import BASE, _import, _rows, clean_range, pairs  # noqa: F401 - fixtures among them
from tests.test_partitions import FAR

GLOW, LUMIERE, ADMIN = "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo"


def _run(app_engine, actor: Actor, *statements: str, params: dict | None = None):
    """Run statements in one transaction as `actor` through the app role; return the last result's rows; roll back."""
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor)
        try:
            result = None
            for statement in statements:
                result = session.execute(text(statement), params or {})
            return result.all() if result is not None and result.returns_rows else result.rowcount
        finally:
            session.rollback()


def _count(owner_engine, sql: str, **params) -> int:
    with owner_engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture
def glow(app_engine) -> Actor:
    """A live session of the first demo brand user."""
    return actor_of(GLOW)


# -- 1. Temporary tables shadowing the schema ----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TEMP TABLE users (id uuid, role text, is_active boolean)",
        "CREATE TEMPORARY VIEW brands AS SELECT 1",
        "CREATE TABLE public.users_shadow (id uuid)",
        "CREATE FUNCTION public.circlue_is_staff2() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        "CREATE SCHEMA attacker",
    ],
)
def test_app_role_cannot_create_objects(statement, app_engine, glow):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, glow, statement)


def test_app_role_has_no_temporary_or_create_privilege(app_engine):
    with app_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT has_database_privilege(current_database(), 'TEMPORARY'),"
                " has_database_privilege(current_database(), 'CREATE'),"
                " has_schema_privilege('public', 'CREATE')"
            )
        ).one()
        # PUBLIC must not carry TEMPORARY either: every future role would inherit it.
        public_temp = conn.execute(
            text(
                "SELECT count(*) FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a"
                " WHERE d.datname = current_database() AND a.grantee = 0 AND a.privilege_type = 'TEMPORARY'"
            )
        ).scalar()
    assert tuple(row) == (False, False, False)
    assert public_temp == 0


def test_every_function_pins_its_search_path(owner_engine):
    with owner_engine.connect() as conn:
        unpinned = conn.execute(
            text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')"
                # functions of extensions (pg_trgm …) are theirs, not ours
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
                " AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c"
                "                 WHERE c LIKE 'search\\_path=%' AND c NOT LIKE '%pg\\_temp%')"
                " ORDER BY 1"
            )
        ).scalars().all()
    assert unpinned == []


def test_a_shadowing_temporary_users_table_changes_nothing(owner_engine, app_engine, two_brand_ids):
    """Even a temporary `users` that names the brand user an admin is not what the policies read."""
    glow_user, other_brand = two_brand_ids["glow_user"], two_brand_ids["other_brand"]
    actor = actor_of(GLOW)
    # The owner may create temporary tables; grant this one to the app role to stage the review's attack.
    with owner_engine.connect() as conn, conn.begin():
        conn.execute(text("CREATE TEMP TABLE users (id uuid, role text, is_active boolean, email text)"))
        conn.execute(text("INSERT INTO users VALUES (:u, 'admin', true, 'x')"), {"u": glow_user})
        conn.execute(text("GRANT ALL ON users TO circlue_app"))
        conn.execute(text("SELECT set_config('role', 'circlue_app', true)"))
        conn.execute(
            text("SELECT set_config('circlue.session_token', :t, true)"), {"t": actor.token}
        )
        seen = conn.execute(text("SELECT count(*) FROM public.brands WHERE id = :b"), {"b": other_brand}).scalar()
        staff = conn.execute(text("SELECT public.circlue_is_staff()")).scalar()
        conn.rollback()
    assert (seen, staff) == (0, False)


@pytest.fixture
def two_brand_ids(owner_engine) -> dict[str, uuid.UUID]:
    """The glow brand user, another brand and one of its campaigns (read as the owner)."""
    with owner_engine.connect() as conn:
        glow_user = conn.execute(text("SELECT id FROM users WHERE email = :e"), {"e": GLOW}).scalar_one()
        other_brand, other_campaign = conn.execute(
            text(
                "SELECT b.id, c.id FROM brands b JOIN campaigns c ON c.brand_id = b.id"
                " WHERE b.user_id <> :u ORDER BY b.name, c.title LIMIT 1"
            ),
            {"u": glow_user},
        ).one()
    return {"glow_user": glow_user, "other_brand": other_brand, "other_campaign": other_campaign}


# -- Impersonation: a claimed user id proves nothing ---------------------------------------------------------


def test_setting_a_user_id_does_not_make_anyone_admin(app_engine, owner_engine, two_brand_ids, users_by_email):
    admin = users_by_email[ADMIN]
    rows = _run(
        app_engine,
        actor_of(GLOW),
        "SELECT set_config('circlue.user_id', :admin, true)",
        "SELECT set_config('circlue.session_token', 'guessed-token', true)",
        "SELECT (SELECT count(*) FROM brands WHERE id = :b), (SELECT count(*) FROM audit_logs), circlue_is_admin()",
        params={"admin": str(admin), "b": two_brand_ids["other_brand"]},
    )
    assert tuple(rows[0]) == (0, 0, False)


def test_a_session_digest_read_from_the_table_is_not_a_token(app_engine, glow):
    rows = _run(
        app_engine,
        glow,
        "SELECT set_config('circlue.session_token', (SELECT token FROM user_sessions LIMIT 1), true)",
        "SELECT circlue_current_user_id()",
    )
    assert rows[0][0] is None


def test_app_role_cannot_open_sessions_for_anyone(app_engine, glow, users_by_email):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(
            app_engine,
            glow,
            "INSERT INTO user_sessions (user_id, token, expires_at) VALUES (:u, :t, now() + interval '1 hour')",
            params={"u": users_by_email[ADMIN], "t": "0" * 64},
        )


# -- 2. Trigger functions on foreign tables --------------------------------------------------------------------


@pytest.mark.parametrize(
    "function",
    [
        "circlue_audit",
        "circlue_campaign_status_history",
        "circlue_campaign_workflow",
        "circlue_guard_users",
        "circlue_guard_brand_writes",
        "update_updated_at_column",
        "circlue_content_workflow",
        "circlue_content_revision",
        "circlue_content_file",
        "circlue_settlement_workflow",
        "circlue_tax_invoice_number",
        "circlue_settlement_follow",
        "circlue_money_records_fixed",
    ],
)
def test_trigger_functions_refuse_tables_they_were_not_written_for(function, owner_engine):
    """Even the owner attaching one to a stray table (a future mistake) gets a refusal, not a forged row."""
    with owner_engine.connect() as conn, conn.begin():
        conn.execute(text("CREATE TABLE public.stray (id uuid PRIMARY KEY, status text, updated_at timestamptz)"))
        conn.execute(
            text(f"CREATE TRIGGER t BEFORE INSERT OR UPDATE ON public.stray FOR EACH ROW EXECUTE FUNCTION {function}()")
        )
        with pytest.raises(DBAPIError, match="does not run for public.stray"):
            with conn.begin_nested():
                conn.execute(text("INSERT INTO public.stray VALUES (gen_random_uuid(), 'completed', now())"))
        conn.rollback()


def test_app_role_cannot_execute_trigger_functions(app_engine, glow):
    with app_engine.connect() as conn:
        allowed = conn.execute(
            text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = 'public' AND p.prorettype = 'trigger'::regtype"
                " AND has_function_privilege(p.oid, 'EXECUTE')"
            )
        ).scalars().all()
    assert allowed == []


def test_audit_and_history_cannot_be_forged(app_engine, owner_engine, glow, two_brand_ids, users_by_email):
    before = _count(owner_engine, "SELECT count(*) FROM audit_logs WHERE ip_address = '6.6.6.6'")
    history = _count(
        owner_engine, "SELECT count(*) FROM campaign_status_history WHERE campaign_id = :c", c=two_brand_ids["other_campaign"]
    )
    for statement in (
        "INSERT INTO audit_logs (user_id, action, ip_address) VALUES (:admin, 'DELETE', '6.6.6.6')",
        "INSERT INTO campaign_status_history (campaign_id, to_status, changed_by) VALUES (:c, 'completed', :admin)",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"):
            _run(app_engine, glow, statement, params={"admin": users_by_email[ADMIN], "c": two_brand_ids["other_campaign"]})
    assert _count(owner_engine, "SELECT count(*) FROM audit_logs WHERE ip_address = '6.6.6.6'") == before
    assert history == _count(
        owner_engine, "SELECT count(*) FROM campaign_status_history WHERE campaign_id = :c", c=two_brand_ids["other_campaign"]
    )


# -- 3. The influencer pool ------------------------------------------------------------------------------------


def test_brand_cannot_delete_or_rewrite_the_influencer_pool(app_engine, owner_engine, glow):
    total = _count(owner_engine, "SELECT count(*) FROM influencers")
    fees = _count(owner_engine, "SELECT sum(base_fee) FROM influencers")
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, glow, "DELETE FROM influencers")
    assert _run(app_engine, glow, "UPDATE influencers SET base_fee = 1, real_name = 'x'") == 0
    with pytest.raises(ProgrammingError, match="row-level security"):
        _run(app_engine, glow, "INSERT INTO influencers (name, platform) VALUES ('가짜', 'douyin')")
    assert _count(owner_engine, "SELECT count(*) FROM influencers") == total
    assert _count(owner_engine, "SELECT sum(base_fee) FROM influencers") == fees


def test_staff_cannot_delete_influencers_either(app_engine):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, actor_of("manager@circlue.demo"), "DELETE FROM influencers")


def test_brand_reads_only_the_influencers_of_its_own_campaigns(app_engine, owner_engine, two_brand_ids):
    glow_user = two_brand_ids["glow_user"]
    with owner_engine.connect() as conn:
        own = set(
            conn.execute(
                text(
                    "SELECT DISTINCT ci.influencer_id FROM campaign_influencers ci JOIN campaigns c ON c.id = ci.campaign_id"
                    " JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u"
                ),
                {"u": glow_user},
            ).scalars()
        )
    seen = {row[0] for row in _run(app_engine, actor_of(GLOW), "SELECT id FROM influencers")}
    assert own and seen == own
    assert _run(app_engine, Actor(user_id=None), "SELECT count(*) FROM influencers")[0][0] == 0


# -- 4. Password hashes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [GLOW, ADMIN, None])
@pytest.mark.parametrize(
    "statement",
    ["SELECT password_hash FROM users", "SELECT * FROM users", "SELECT to_jsonb(u) FROM users u"],
)
def test_nobody_reads_password_hashes(who, statement, app_engine):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _run(app_engine, actor_of(who), statement)


def test_login_salt_reveals_neither_hashes_nor_which_emails_exist(auth_engine):
    with auth_engine.connect() as conn:
        real = conn.execute(text("SELECT circlue_login_salt(:e)"), {"e": ADMIN}).scalar()
        fake = conn.execute(text("SELECT circlue_login_salt('nobody@example.com')")).scalar()
        again = conn.execute(text("SELECT circlue_login_salt('NOBODY@example.com ')")).scalar()
    shape = r"^\$2b\$12\$[./A-Za-z0-9]{21}[.Oeu]$"
    assert re.match(shape, real) and re.match(shape, fake)
    assert fake == again and fake != real


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT circlue_login_salt('admin@circlue.demo')",
        "SELECT * FROM circlue_login('admin@circlue.demo', 'x', repeat('0', 64), 1)",
    ],
)
def test_the_app_role_cannot_reach_the_login_functions(statement, app_engine):
    """Inside a transaction of its own an attacker could roll a failed attempt back and guess without a lockout,
    or read which e-mails exist from the row counts; only circlue_auth, on its own connections, may call them."""
    with pytest.raises(ProgrammingError, match="permission denied for function"):
        _run(app_engine, actor_of(GLOW), statement)


def test_the_login_role_can_do_nothing_else(auth_engine):
    for statement in ("SELECT count(*) FROM brands", "SELECT id FROM users", "SELECT circlue_is_staff()"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            with auth_engine.connect() as conn:
                conn.execute(text(statement))


def test_demo_users_have_hashes_of_their_own(owner_engine):
    with owner_engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM users WHERE email LIKE '%@circlue.demo'")).scalars().all()
    assert len(hashes) >= 6 and len(set(hashes)) == len(hashes)
    assert len({h[:29] for h in hashes}) == len(hashes), "each demo user needs a salt of its own"


def test_a_stolen_stored_value_does_not_log_in(auth_engine, owner_engine):
    """Pass-the-hash: the stored value (from a dump or a backup) is not what circlue_login accepts."""
    with owner_engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE email = :e"), {"e": LUMIERE}).scalar()
    try:
        with auth_engine.connect() as conn, conn.begin():
            row = conn.execute(
                text("SELECT * FROM circlue_login(:e, :p, :d, 1)"), {"e": LUMIERE, "p": stored, "d": "a" * 64}
            ).first()
        assert row is None
    finally:
        _unlock(owner_engine, LUMIERE)


# -- 5. Accounts locked or unlocked with no user acting -------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET locked_until = '9999-01-01'",
        "UPDATE users SET locked_until = NULL, failed_login_count = 0",
        "UPDATE users SET is_active = false",
        "DELETE FROM user_sessions",
    ],
)
def test_with_no_user_the_app_role_changes_nothing_in_users(statement, app_engine, owner_engine):
    snapshot = "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u"
    before = _count(owner_engine, snapshot)
    try:
        assert _run(app_engine, Actor(user_id=None), statement) == 0
    except ProgrammingError as exc:  # no DELETE on user_sessions at all (sessions end through circlue_logout())
        assert "permission denied" in str(exc)
    assert _count(owner_engine, snapshot) == before


def test_a_brand_user_cannot_lock_or_unlock_accounts(app_engine, owner_engine, glow):
    assert _run(app_engine, glow, "UPDATE users SET locked_until = '9999-01-01' WHERE email <> :e", params={"e": GLOW}) == 0
    with owner_engine.begin() as conn:
        conn.execute(text("UPDATE users SET failed_login_count = 4 WHERE email = :e"), {"e": GLOW})
    try:
        with pytest.raises(DBAPIError, match="only admins may"):
            _run(app_engine, glow, "UPDATE users SET failed_login_count = 0 WHERE email = :e", params={"e": GLOW})
    finally:
        _unlock(owner_engine, GLOW)


# -- 6. The lockout race --------------------------------------------------------------------------------------


def _unlock(owner_engine, email: str) -> None:
    with owner_engine.begin() as conn:
        conn.execute(text("UPDATE users SET locked_until = NULL, failed_login_count = 0 WHERE email = :e"), {"e": email})


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


# -- 10. Content review (issue 8) ------------------------------------------------------------------------------------

CONTENT_TABLES = {
    "content_plans": "SELECT p.id FROM content_plans p JOIN campaigns c ON c.id = p.campaign_id"
    " JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_submissions": "SELECT s.id FROM content_submissions s JOIN campaigns c ON c.id = s.campaign_id"
    " JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_files": "SELECT f.id FROM content_files f JOIN content_submissions s ON s.id = f.submission_id"
    " JOIN campaigns c ON c.id = s.campaign_id JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_revisions": "SELECT r.id FROM content_revisions r LEFT JOIN content_plans p ON p.id = r.content_plan_id"
    " LEFT JOIN content_submissions s ON s.id = r.submission_id"
    " JOIN campaigns c ON c.id = COALESCE(p.campaign_id, s.campaign_id) JOIN brands b ON b.id = c.brand_id"
    " WHERE b.user_id = :u",
}


@pytest.fixture
def waiting_of_glow(owner_engine, two_brand_ids):
    """A submission of glow's, sent for review, made for the test and deleted after it."""
    from tests.content_helpers import delete_content, new_submission, pair_of

    submission_id = new_submission(actor_of("manager@circlue.demo"), None, pair_of(owner_engine, GLOW), sent=True)
    yield submission_id
    delete_content(owner_engine, submission_id)


@pytest.fixture
def draft_of_glow(owner_engine, two_brand_ids):
    """A draft submission of glow's (files may be added), made for the test and deleted after it."""
    from tests.content_helpers import delete_content, new_submission, pair_of

    submission_id = new_submission(actor_of("manager@circlue.demo"), None, pair_of(owner_engine, GLOW))
    yield submission_id
    delete_content(owner_engine, submission_id)


@pytest.mark.parametrize("table", list(CONTENT_TABLES))
def test_another_brand_sees_none_of_a_brands_content(table, app_engine, owner_engine, two_brand_ids):
    with owner_engine.connect() as conn:
        glows = {r[0] for r in conn.execute(text(CONTENT_TABLES[table]), {"u": two_brand_ids["glow_user"]})}
    assert glows, f"the demo gives glow some {table}"
    seen = {r[0] for r in _run(app_engine, actor_of(LUMIERE), f"SELECT id FROM {table}")}
    assert seen and not (seen & glows)
    assert _run(app_engine, Actor(user_id=None), f"SELECT count(*) FROM {table}")[0][0] == 0


def test_another_brand_cannot_review_or_move_a_brands_content(app_engine, waiting_of_glow):
    lumiere = actor_of(LUMIERE)
    with pytest.raises(ProgrammingError, match="row-level security"):
        _run(app_engine, lumiere, "INSERT INTO content_revisions (submission_id, revision_number, status, feedback)"
             " VALUES (:s, 1, 'revision-requested', '경쟁사의 방해')", params={"s": waiting_of_glow})
    assert _run(app_engine, lumiere, "UPDATE content_submissions SET status = 'revision-requested' WHERE id = :s",
                params={"s": waiting_of_glow}) == 0


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        # Forged signature: the round is signed by whoever gives it.
        ("INSERT INTO content_revisions (submission_id, revision_number, status, feedback, feedback_by)"
         " VALUES (:s, 1, 'revision-requested', 'x', :admin)", "signed by whoever|row-level security"),
        # Approving is an admin's, by a round or by a bare update.
        ("INSERT INTO content_revisions (submission_id, revision_number, status) VALUES (:s, 1, 'approved')",
         "only an admin"),
        ("UPDATE content_submissions SET status = 'approved' WHERE id = :s", "a brand may only ask for changes"),
        # Skipping the round, jumping the number, or re-writing history.
        ("UPDATE content_submissions SET status = 'revision-requested' WHERE id = :s", "only by a review round"),
        ("INSERT INTO content_revisions (submission_id, revision_number, status, feedback)"
         " VALUES (:s, 5, 'revision-requested', 'x')", "already reviewed"),
        ("UPDATE content_revisions SET feedback = '승인합니다' WHERE submission_id = :s", "permission denied"),
        ("DELETE FROM content_revisions WHERE submission_id = :s", "permission denied"),
        ("UPDATE content_submissions SET caption = '몰래 바꾼 캡션' WHERE id = :s", "a brand may only ask for changes"),
    ],
    ids=["forged-signature", "brand-approves", "brand-sets-approved", "no-round", "round-number-jump",
         "rewrite-round", "delete-round", "brand-edits-caption"],
)
def test_a_brand_cannot_bend_the_review(statement, refusal, app_engine, waiting_of_glow, users_by_email):
    with pytest.raises(DBAPIError, match=refusal):
        _run(app_engine, actor_of(GLOW), statement, params={"s": waiting_of_glow, "admin": users_by_email[ADMIN]})


def test_a_brand_creates_no_content_and_adds_no_files(app_engine, draft_of_glow, owner_engine):
    from tests.content_helpers import pair_of

    campaign, influencer, _ = pair_of(owner_engine, GLOW)
    for statement in (
        "INSERT INTO content_files (submission_id, file_url, file_type, file_size)"
        " VALUES (:s, 'https://evil.example/x.jpg', 'image/jpeg', 1)",
        "INSERT INTO content_plans (campaign_id, influencer_id, content_type, plan_data) VALUES (:c, :i, 'image', '{}')",
    ):
        with pytest.raises(ProgrammingError, match="row-level security|a brand may only ask for changes"):
            _run(app_engine, actor_of(GLOW), statement, params={"s": draft_of_glow, "c": campaign, "i": influencer})


def test_nobody_reviews_without_a_session(app_engine, waiting_of_glow):
    with pytest.raises(DBAPIError, match="row-level security|signed by a logged-in user"):
        _run(app_engine, Actor(user_id=None), "INSERT INTO content_revisions (submission_id, revision_number, status,"
             " feedback) VALUES (:s, 1, 'revision-requested', 'x')", params={"s": waiting_of_glow})


@pytest.mark.parametrize(
    "url",
    ["../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "media/../../etc/passwd.png",
     "media/ab/" + "0" * 64 + ".exe", "javascript:alert(1)"],
)
def test_a_file_row_cannot_point_anywhere_on_the_server(url, app_engine, draft_of_glow):
    """Even staff writing SQL: a file is an https address or one of the media store's own keys."""
    statement = ("INSERT INTO content_files (submission_id, file_url, file_type, file_size)"
                 " VALUES (:s, :u, 'image/jpeg', 1)")
    manager = actor_of("manager@circlue.demo")
    assert _run(app_engine, manager, statement, params={"s": draft_of_glow, "u": "https://files.circlue.example/a.jpg"}) == 1
    with pytest.raises(DBAPIError, match="content_files_stored_url"):
        _run(app_engine, manager, statement, params={"s": draft_of_glow, "u": url})


def test_the_platform_check_takes_any_input_without_failing(app_engine, glow):
    rows = _run(app_engine, glow, "SELECT circlue_platform_url_ok(:p, :u), circlue_platform_url_ok(NULL, NULL)",
                params={"p": "douyin'; DROP TABLE users; --", "u": "https://" + "a." * 5000 + "douyin.com"})
    assert tuple(rows[0]) == (False, False)
# -- Issue 9: money ------------------------------------------------------------------------------------------------


@pytest.fixture
def glow_money(owner_engine) -> dict[str, uuid.UUID]:
    """One of glow's own settlements, pending, with no invoice yet (made for the test by the real workflow)."""
    from decimal import Decimal

    from tests.settlement_helpers import committed_campaign, open_settlement

    campaign = committed_campaign(owner_engine, brand_email=GLOW, fees=[Decimal(1_000_000)])
    return {"settlement": open_settlement(actor_of(ADMIN), campaign), "campaign": campaign}


def _money(owner_engine) -> str:
    return _count(
        owner_engine,
        "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (SELECT s::text AS x FROM settlements s UNION ALL"
        " SELECT t::text FROM tax_invoices t UNION ALL SELECT p::text FROM payments p UNION ALL"
        " SELECT c::text FROM tax_invoice_counters c) q",
    )


_INVOICE = (
    "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name, address, business_type,"
    " business_item, amount, tax_amount, total_amount, issued_date) VALUES (:s, '220-81-62517', 'x', 'y', 'z', 'a',"
    " 'b', 1000000, 100000, 1100000, current_date)"
)
_PAYMENT = (
    "INSERT INTO payments (settlement_id, payment_method, transaction_id, transaction_id_bidx, paid_amount, paid_at)"
    " VALUES (:s, 'enc1:x:y', 'enc1:x:z', md5(random()::text), 1100000, now())"
)


@pytest.mark.parametrize("statement", [_INVOICE, _PAYMENT], ids=["issue-invoice", "record-payment"])
def test_a_brand_cannot_issue_an_invoice_or_record_a_payment_for_itself(statement, owner_engine, app_engine,
                                                                          glow_money):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="by an admin|row-level security|permission denied"):
        _run(app_engine, actor_of(GLOW), statement, params={"s": glow_money["settlement"]})
    assert _money(owner_engine) == before, "no invoice, no payment, no number taken"


def test_a_brand_cannot_use_the_repository_to_issue_or_pay_either(owner_engine, glow_money):
    import datetime as dt
    from decimal import Decimal

    from circlue.errors import DomainError
    from circlue.repository import invoices as invoices_repo
    from circlue.repository import payments as payments_repo
    from circlue.schemas.settlements import InvoiceInput, PaymentInput
    from tests.settlement_helpers import BUYER

    before = _money(owner_engine)
    for action in (
        lambda s: invoices_repo.issue_tax_invoice(s, settlement_id=glow_money["settlement"], invoice=InvoiceInput(
            amount=Decimal(1000), issued_date=dt.date.today(), **BUYER)),
        lambda s: payments_repo.record_payment(s, settlement_id=glow_money["settlement"], payment=PaymentInput(
            method="bank-transfer", transaction_id="BRAND-PAYS", amount=Decimal(1), paid_at=dt.datetime.now(dt.UTC))),
    ):
        with pytest.raises(DomainError):
            with unit_of_work(actor_of(GLOW)) as session:
                action(session)
    assert _money(owner_engine) == before


@pytest.mark.parametrize("who", [GLOW, ADMIN])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tax_invoices SET amount = 1, tax_amount = 0, total_amount = 1",
        "UPDATE tax_invoices SET business_number = '220-81-62517'",
        "DELETE FROM tax_invoices",
        "UPDATE payments SET paid_amount = paid_amount * 2",
        "DELETE FROM payments",
    ],
)
def test_no_one_edits_an_issued_invoice_or_a_payment_through_the_app(who, statement, owner_engine, app_engine):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="permission denied"):
        _run(app_engine, actor_of(who), statement)
    assert _money(owner_engine) == before


@pytest.mark.parametrize(
    ("who", "status", "refusal"),
    [
        (GLOW, "paid", "by an admin|row-level security|^0$"),
        (GLOW, "completed", "by an admin|row-level security|^0$"),
        (ADMIN, "paid", "follows its invoices, payments and due date"),
        (ADMIN, "invoiced", "follows its invoices, payments and due date"),
        (ADMIN, "completed", "cannot move from pending to completed; allowed: invoiced, paid, overdue"),
    ],
)
def test_no_one_skips_a_settlement_status(who, status, refusal, owner_engine, app_engine, glow_money):
    before = _money(owner_engine)
    try:
        result = _run(app_engine, actor_of(who), "UPDATE settlements SET status = :t WHERE id = :s",
                      params={"t": status, "s": glow_money["settlement"]})
    except DBAPIError as exc:
        assert re.search(refusal, str(exc)), exc
    else:
        assert re.search(refusal, str(result)), f"{who} moved a settlement to {status}"
    assert _money(owner_engine) == before


def test_forged_figures_are_recounted_from_the_invoices_and_payments(owner_engine, app_engine, glow_money):
    """An admin's (or an injection's) UPDATE that claims the money arrived changes nothing: the trigger recounts."""
    rows = _run(
        app_engine, actor_of(ADMIN),
        "UPDATE settlements SET paid_amount = 1265000, invoiced_amount = 1150000, invoiced_tax = 115000,"
        " invoiced_total = 1265000, completed_at = now() WHERE id = :s"
        " RETURNING status, paid_amount, invoiced_total, completed_at",
        params={"s": glow_money["settlement"]},
    )
    assert tuple(rows[0]) == ("pending", 0, 0, None)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM tax_invoice_counters",
        "UPDATE tax_invoice_counters SET last_number = last_number - 1",
        "INSERT INTO tax_invoice_counters VALUES (2099, 0)",
        "SELECT circlue_tax_invoice_number()",
        "SELECT circlue_settlement_follow()",
    ],
)
def test_the_invoice_counter_and_the_trigger_functions_are_out_of_reach(statement, app_engine, owner_engine):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="permission denied|only be called as triggers"):
        _run(app_engine, actor_of(ADMIN), statement)
    assert _money(owner_engine) == before


@pytest.mark.parametrize("who", [None, GLOW])
def test_the_overdue_sweep_gives_nobody_anything(who, app_engine, owner_engine):
    """A definer function any reader may call: it only applies the calendar, and the caller's identity survives."""
    actor = actor_of(who)
    rows = _run(
        app_engine, actor,
        "SELECT circlue_mark_overdue(), current_setting('circlue.session_token', true), circlue_is_staff()",
    )
    moved, token, staff = rows[0]
    assert moved >= 0 and (token or "") == (actor.token or "") and staff is False
    late_and_unpaid = _count(
        owner_engine,
        "SELECT count(*) FROM settlements WHERE due_date < (now() AT TIME ZONE 'Asia/Seoul')::date"
        " AND status IN ('pending', 'invoiced', 'partially-paid')",
    )
    assert late_and_unpaid == 0


@pytest.mark.parametrize(
    "number",
    ["'; DROP TABLE tax_invoices; --", "220-81-62517' OR '1'='1", "", "2" * 10_000, "２２０-８１-６２５１７", "220-81-6251\u200b7"],
)
def test_the_business_number_check_takes_any_input_without_harm(number, app_engine):
    assert _run(app_engine, actor_of(GLOW), "SELECT circlue_brn_valid(:n)", params={"n": number})[0][0] is False


@pytest.mark.parametrize(
    "receipt", ["receipts/../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_a_receipt_cannot_point_anywhere_on_the_disk(receipt, app_engine, owner_engine, glow_money):
    from circlue import files

    with pytest.raises(ValueError, match="not a stored document"):
        files.path_of(receipt)
    before = _money(owner_engine)
    with pytest.raises(IntegrityError, match="payments_receipt_url"):
        _run(app_engine, actor_of(ADMIN),
             "INSERT INTO payments (settlement_id, payment_method, transaction_id, transaction_id_bidx, paid_amount,"
             " paid_at, receipt_url) VALUES (:s, 'enc1:x:y', 'enc1:x:z', md5(random()::text), 1, now(), :r)",
             params={"s": glow_money["settlement"], "r": receipt})
    assert _money(owner_engine) == before
# -- Issue 10: partitions, the metrics import's staging and functions, comments ---------------------------------------
# Fixtures and helpers come from the modules that test those features (pairs of the demo, clean-up of imported rows).

@pytest.mark.parametrize("partition", ["performance_metrics_default", "audit_logs_default", "performance_metrics_{m}"])
def test_partitions_cannot_be_read_around_the_policies(partition, app_engine):
    """A partition has no policies of its own: the app role has no grants on it, only on the parent."""
    name = partition.format(m=dt.date.today().strftime("y%Ym%m"))
    for who in ("brand.glow@circlue.demo", "admin@circlue.demo"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            _run(app_engine, actor_of(who), f"SELECT count(*) FROM {name}")


def test_a_brand_cannot_make_partitions(app_engine):
    with pytest.raises(Forbidden):
        with unit_of_work(actor_of("brand.glow@circlue.demo"), engine=app_engine) as session:
            ensure_metric_partitions(session, first=FAR, last=FAR)


@pytest.mark.parametrize(
    ("first", "last"),
    [(dt.date(1999, 12, 1), dt.date(2000, 1, 1)), (dt.date(2020, 1, 1), dt.date(2040, 1, 1)),
     (dt.date(2030, 2, 1), dt.date(2030, 1, 1)), (dt.date(2099, 12, 1), dt.date(2100, 1, 1))],
)
def test_partition_function_refuses_bad_ranges(first, last, app_engine):
    with pytest.raises(DBAPIError, match="dates between 2000 and 2099"):
        with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
            ensure_metric_partitions(session, first=first, last=last)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT circlue_create_month_partition('users', '2030-01-01')",
        "SELECT circlue_create_month_partition('performance_metrics', '2030-01-01')",
        "SELECT circlue_ensure_partitions('2030-01-01', '2030-02-01')",
    ],
)
def test_app_role_cannot_call_the_owner_partition_functions(statement, app_engine):
    with pytest.raises(ProgrammingError, match="permission denied for function"):
        _run(app_engine, actor_of("admin@circlue.demo"), statement)


def test_owner_partition_function_refuses_other_tables(owner_engine):
    with owner_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="not partitioned by month"):
            conn.execute(text("SELECT circlue_create_month_partition('users; DROP TABLE users', '2030-01-01')"))


def test_a_brand_cannot_import(app_engine, pairs):  # noqa: F811 - pytest fixtures by name
    with pytest.raises(Forbidden):
        _import(app_engine, csv_bytes(HEADER, _rows(pairs["contracted"][0], 1)), who="brand.glow@circlue.demo")


@pytest.mark.parametrize("statement", ["SELECT * FROM metric_import_rows", "DELETE FROM metric_import_rows",
                                       "UPDATE metric_import_rows SET problem = NULL"])
def test_nobody_reads_or_changes_staged_rows(statement, app_engine):
    for who in ("brand.glow@circlue.demo", "admin@circlue.demo"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            _run(app_engine, actor_of(who), statement)


def test_a_brand_sees_no_import_history(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    _import(app_engine, csv_bytes(HEADER, _rows(pairs["contracted"][0], 2)))
    assert _run(app_engine, actor_of("brand.glow@circlue.demo"), "SELECT count(*) FROM metric_imports")[0][0] == 0
    assert _run(app_engine, actor_of("manager@circlue.demo"), "SELECT count(*) FROM metric_imports")[0][0] > 0


def test_someone_elses_import_id_is_refused(app_engine, pairs):  # noqa: F811 - pytest fixtures by name
    """Another manager's open import cannot be checked or applied, nor one that does not exist."""
    admin, manager = actor_of("admin@circlue.demo"), actor_of("manager@circlue.demo")
    with Session(app_engine) as session, session.begin():
        set_actor(session, admin)
        import_id = session.scalar(text("SELECT circlue_metric_import_begin('x.csv', repeat('a', 64))"))
        set_actor(session, manager)
        for statement in ("SELECT * FROM circlue_metric_import_apply(:i)",
                          "SELECT * FROM circlue_metric_import_problems(:i, 10)"):
            with pytest.raises(DBAPIError, match="no import"):
                with session.begin_nested():
                    session.execute(text(statement), {"i": import_id})
        with pytest.raises(DBAPIError, match="no import"):
            with session.begin_nested():
                session.execute(text("SELECT * FROM circlue_metric_import_apply(gen_random_uuid())"))
        session.rollback()


@pytest.mark.parametrize(
    "args", ["NULL, repeat('a', 64)", "'x.csv', 'not-a-digest'", "repeat('x', 300), repeat('a', 64)"]
)
def test_import_begin_refuses_bad_input(args, app_engine):
    with pytest.raises(DBAPIError, match="a file name and its SHA-256"):
        _run(app_engine, actor_of("manager@circlue.demo"), f"SELECT circlue_metric_import_begin({args})")


def test_a_brand_cannot_begin_an_import(app_engine):
    with pytest.raises(DBAPIError, match="only staff may import"):
        _run(app_engine, actor_of("brand.glow@circlue.demo"), "SELECT circlue_metric_import_begin('x.csv', repeat('a', 64))")


def test_junk_copied_in_by_a_brand_is_never_imported(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    """A brand may COPY (INSERT) into the staging table, under an id of its choosing; the next import clears it."""
    pair = pairs["contracted"][0]
    brand = actor_of("brand.glow@circlue.demo")
    with unit_of_work(brand, engine=app_engine) as session:
        session.execute(
            text("INSERT INTO metric_import_rows (import_id, line, campaign_id, influencer_id, platform, metric_date,"
                 " views) VALUES (gen_random_uuid(), 2, :c, :i, :p, :d, 7770777)"),
            {"c": pair.campaign_id, "i": pair.influencer_id, "p": pair.platform, "d": BASE},
        )
    result = _import(app_engine, csv_bytes(HEADER, _rows(pair, 1, start=BASE + dt.timedelta(days=5))))
    assert result.inserted == 1
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM metric_import_rows")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM performance_metrics WHERE views = 7770777")).scalar() == 0


def test_the_app_roles_own_metric_writes_stay_audited_row_by_row(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    """Setting circlue.import_id from the app role does not switch the per-row audit off."""
    pair = pairs["contracted"][0]
    with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
        session.execute(text("SELECT set_config('circlue.import_id', gen_random_uuid()::text, true)"))
        metric = session.scalar(
            text("INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views)"
                 " VALUES (:c, :i, :p, :d, 5) RETURNING id"),
            {"c": pair.campaign_id, "i": pair.influencer_id, "p": pair.platform, "d": BASE - dt.timedelta(days=40)},
        )
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_logs WHERE entity_id = :m"), {"m": metric}).scalar() == 1


def test_a_brand_cannot_import_or_forge_comments(app_engine, content):  # noqa: F811 - pytest fixtures by name
    data = csv_bytes(COMMENT_HEADER, [("douyin", "", "好用", "2026-01-01", 1)])
    with pytest.raises((ProgrammingError, DBAPIError)):
        _import_comments(app_engine, data, submission_id=content.id, who="brand.glow@circlue.demo")
    with pytest.raises(DBAPIError, match="row-level security"):
        with unit_of_work(actor_of("brand.glow@circlue.demo"), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO content_comments (content_submission_id, platform, comment_date, body, label, score,"
                     " body_sha256) VALUES (:s, 'douyin', '2026-01-01', '가짜 칭찬', 'pos', 1, repeat('a', 64))"),
                {"s": content.id},
            )
    with pytest.raises(ProgrammingError, match="permission denied"):
        with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
            session.execute(text("DELETE FROM content_comments"))


def test_a_brand_reads_only_its_own_metrics_through_the_partitioned_table(app_engine, owner_engine):
    with owner_engine.connect() as conn:
        own = conn.execute(
            text(
                "SELECT count(*) FROM performance_metrics m JOIN campaigns c ON c.id = m.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id WHERE u.email = :e"
            ),
            {"e": "brand.glow@circlue.demo"},
        ).scalar()
        own_analyses = conn.execute(
            text(
                "SELECT count(*) FROM comment_analysis ca JOIN performance_metrics m ON m.id = ca.performance_metric_id"
                " AND m.metric_date = ca.metric_date JOIN campaigns c ON c.id = m.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id WHERE u.email = :e"
            ),
            {"e": "brand.glow@circlue.demo"},
        ).scalar()
    glow = actor_of("brand.glow@circlue.demo")
    assert own > 0 and own_analyses > 0
    assert _run(app_engine, glow, "SELECT count(*) FROM performance_metrics")[0][0] == own
    assert _run(app_engine, glow, "SELECT count(*) FROM comment_analysis")[0][0] == own_analyses
    assert _run(app_engine, actor_of(None), "SELECT count(*) FROM performance_metrics")[0][0] == 0
    assert _run(app_engine, glow, "SELECT count(*) FROM audit_logs")[0][0] == 0
