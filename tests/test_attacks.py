"""Attacks through the app role, as a security review made them: each must fail. Add new ones here or beside it
(tests/test_attacks_sessions.py: logins, roles, pooled connections; tests/test_attacks_features.py: content, money,
metrics), which share this module's helpers.

Every attack runs as `circlue_app` (the app's own pool), acting as a brand user or as nobody, the way an SQL
injection or a bug in a page would; each asserts that nothing of another brand is read, nothing shared changes,
no audit or history row is forged and the connection cannot leave the app role.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.orm import Session

from circlue.db import Actor, set_actor
from tests.conftest import actor_of
from tests.test_comments import content  # noqa: F401 - a fixture
from tests.test_import import BASE, _import, _rows, clean_range, pairs  # noqa: F401 - fixtures among them

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


def _unlock(owner_engine, email: str) -> None:
    with owner_engine.begin() as conn:
        conn.execute(text("UPDATE users SET locked_until = NULL, failed_login_count = 0 WHERE email = :e"), {"e": email})


def _count(owner_engine, sql: str, **params) -> int:
    with owner_engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


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
