"""Encrypted personal, contract and payment fields with blind indexes; what admin tools need (issue 7).

The app encrypts before writing (circlue.crypto): the columns widen to TEXT for the ciphertext, a blind index
(HMAC of the normalised value) sits beside each column that must be found by exact value, and a CHECK refuses
plaintext. The CHECKs are NOT VALID so this runs with DATABASE_URL alone: rows written before encryption are
encrypted by `python -m circlue keys rotate`, which then validates them.

The login cookie hand-off: circlue_login_handoffs and circlue_handoff_put()/circlue_handoff_take().

Admin tools: users.must_change_password; admins read anyone's sessions and end them (circlue_end_sessions()); the last active admin cannot
be deactivated, demoted or deleted; indexes for the audit log viewer's filters.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"

# (table, column, old type, has a blind index)
ENCRYPTED = (
    ("influencers", "real_name", "VARCHAR(100)", True),
    ("influencers", "phone", None, True),
    ("influencers", "wechat_id", None, True),
    ("campaign_influencers", "additional_terms", "TEXT", False),
    ("campaign_influencers", "contract_file_ref", None, False),
    ("payments", "transaction_id", "VARCHAR(100)", True),
    ("payments", "payment_method", "VARCHAR(50)", False),
)
ADMIN = "(SELECT public.circlue_is_admin())"
_OWNER_UPDATE = "FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)"
# The owner's rights for key rotation (payments get theirs in 0014; 0015 gives the partitioned audit_logs its own).
ROTATION_POLICIES = (
    ("influencers", "influencers_owner_rotate", _OWNER_UPDATE),
    ("campaign_influencers", "campaign_influencers_owner_rotate", _OWNER_UPDATE),
    ("audit_logs", "audit_logs_owner_read", "FOR SELECT TO CURRENT_USER USING (true)"),
    ("audit_logs", "audit_logs_owner_rotate", _OWNER_UPDATE),
)

GUARD_USERS = f"""
CREATE OR REPLACE FUNCTION public.circlue_guard_users() RETURNS trigger
LANGUAGE plpgsql {PIN} AS $$
DECLARE
    actor uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.circlue_trigger_tables t
                   WHERE t.function_name = 'circlue_guard_users' AND t.table_name::oid = TG_RELID) THEN
        RAISE EXCEPTION 'circlue_guard_users() does not run for %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Whoever writes (app, operator), an admin must remain: lock the active admins so two demotions at once queue.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.role = 'admin' AND OLD.is_active IS TRUE
            AND (TG_OP = 'DELETE' OR NEW.role <> 'admin' OR NEW.is_active IS NOT TRUE) THEN
        PERFORM 1 FROM public.users u WHERE u.role = 'admin' AND u.is_active IS TRUE FOR UPDATE;
        IF NOT EXISTS (SELECT 1 FROM public.users u
                       WHERE u.role = 'admin' AND u.is_active IS TRUE AND u.id <> OLD.id) THEN
            RAISE EXCEPTION 'the last active admin cannot be deactivated, demoted or deleted'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF current_user <> 'circlue_app' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    actor := public.circlue_current_user_id();
    IF actor IS NOT NULL AND public.circlue_is_admin() THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    -- Anyone else changes only their own name; a password only through circlue_change_password(), which wants
    -- the current one (a borrowed session must not be able to keep the account); login bookkeeping is
    -- circlue_login()'s.
    IF actor IS NOT NULL AND TG_OP = 'UPDATE' AND OLD.id = actor
            AND to_jsonb(NEW) - 'name' - 'updated_at' = to_jsonb(OLD) - 'name' - 'updated_at' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'only admins may create or delete users or change their role, e-mail or status'
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


END_SESSIONS = f"""
CREATE FUNCTION public.circlue_end_sessions(p_user uuid) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
DECLARE
    ended integer;
BEGIN
    IF NOT public.circlue_is_admin() THEN
        RAISE EXCEPTION 'only admins may end other users'' sessions' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM public.user_sessions s WHERE s.user_id = p_user;
    GET DIAGNOSTICS ended = ROW_COUNT;
    RETURN ended;
END
$$
"""


# The login cookie hand-off: the logged-in script leaves a one-time nonce (bound to the browser's XSRF cookie);
# the app's /api/auth/session route trades it for a fresh token of the same session and sets that token as an
# HttpOnly cookie. The clear token exists only in that one HTTP response; the database keeps its SHA-256.
HANDOFF_TABLE = (
    "CREATE TABLE circlue_login_handoffs ("
    " nonce_digest VARCHAR(64) PRIMARY KEY,"
    " session_id UUID NOT NULL REFERENCES user_sessions(id) ON DELETE CASCADE,"
    " xsrf_digest VARCHAR(64) NOT NULL,"
    " expires_at TIMESTAMP WITH TIME ZONE NOT NULL)"
)
_CALLER_SESSION = """SELECT s.id FROM public.user_sessions s JOIN public.users u ON u.id = s.user_id
        WHERE s.token = encode(sha256(convert_to(NULLIF(current_setting('circlue.session_token', true), ''), 'UTF8')),
                               'hex')
          AND s.expires_at > now() AND u.is_active IS TRUE
          AND (u.sessions_revoked_at IS NULL OR s.created_at > u.sessions_revoked_at)"""
HANDOFF_FUNCTIONS = (
    f"""
    CREATE FUNCTION public.circlue_handoff_put(p_nonce_digest text, p_xsrf_digest text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        caller uuid := ({_CALLER_SESSION});
    BEGIN
        IF caller IS NULL THEN
            RAISE EXCEPTION 'no live session to hand off' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_nonce_digest !~ '^[0-9a-f]{{64}}$' OR p_xsrf_digest !~ '^[0-9a-f]{{64}}$' THEN
            RAISE EXCEPTION 'circlue_handoff_put: digests expected' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        DELETE FROM public.circlue_login_handoffs h WHERE h.expires_at < now();
        INSERT INTO public.circlue_login_handoffs (nonce_digest, session_id, xsrf_digest, expires_at)
        VALUES (p_nonce_digest, caller, p_xsrf_digest, now() + interval '60 seconds');
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_handoff_take(p_nonce_digest text, p_xsrf_digest text)
    RETURNS TABLE (token text, expires_at timestamp with time zone)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        handoff record;
        fresh text;
    BEGIN
        -- Single use: the row goes whatever happens next.
        DELETE FROM public.circlue_login_handoffs h WHERE h.nonce_digest = p_nonce_digest
        RETURNING h.session_id, h.xsrf_digest, h.expires_at INTO handoff;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        IF handoff.expires_at < now() OR handoff.xsrf_digest IS DISTINCT FROM p_xsrf_digest THEN
            RETURN;
        END IF;
        -- 244 random bits from the server's strong source, as hex; the old token of the session stops working.
        fresh := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
        RETURN QUERY
        UPDATE public.user_sessions s SET token = encode(sha256(convert_to(fresh, 'UTF8')), 'hex')
        WHERE s.id = handoff.session_id AND s.expires_at > now()
        RETURNING fresh, s.expires_at;
    END
    $$
    """,
)


# Interpolated as a value, so single braces; the SQL literal is a standard string, so one backslash.
_VERIFIER = r"^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{22}[0-9a-f]{64}$"
PASSWORD_FUNCTIONS = (
    f"""
    CREATE FUNCTION public.circlue_my_salt() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER {PIN} AS $$
        SELECT substr(u.password_hash, 1, 29) FROM public.users u WHERE u.id = public.circlue_current_user_id()
    $$
    """,
    # Wrong current passwords count like failed logins (circlue_login()): five lock the account for 15 minutes, and
    # a locked account changes nothing, so a borrowed session (a stolen cookie, an unlocked PC) cannot guess it.
    # The count is committed by the app even though it reports a refusal (circlue.errors.CountedRefusal).
    f"""
    CREATE FUNCTION public.circlue_change_password(p_current_proof text, p_new_hash text)
    RETURNS TABLE (changed boolean, tries_left integer, locked_till timestamp with time zone)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        me uuid := public.circlue_current_user_id();
        u record;
    BEGIN
        IF me IS NULL THEN
            RAISE EXCEPTION 'no live session' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_new_hash IS NULL OR p_new_hash !~ '{_VERIFIER}' THEN
            RAISE EXCEPTION 'circlue_change_password: a password verifier expected' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT x.password_hash, x.failed_login_count, x.locked_until INTO u FROM public.users x WHERE x.id = me FOR UPDATE;
        IF u.locked_until IS NOT NULL AND u.locked_until > now() THEN
            RETURN QUERY SELECT false, 0, u.locked_until;
            RETURN;
        END IF;
        IF p_current_proof IS NULL
                OR substr(u.password_hash, 1, 29) || encode(sha256(convert_to(p_current_proof, 'UTF8')), 'hex')
                   <> u.password_hash THEN
            UPDATE public.users x SET
                failed_login_count = CASE WHEN x.failed_login_count + 1 >= 5 THEN 0 ELSE x.failed_login_count + 1 END,
                locked_until = CASE WHEN x.failed_login_count + 1 >= 5 THEN now() + interval '15 minutes'
                                    ELSE x.locked_until END
            WHERE x.id = me;
            IF u.failed_login_count + 1 >= 5 THEN
                RETURN QUERY SELECT false, 0, now() + interval '15 minutes';
            ELSE
                RETURN QUERY SELECT false, 5 - (u.failed_login_count + 1), NULL::timestamp with time zone;
            END IF;
            RETURN;
        END IF;
        -- Other sessions of the account end; this one goes on.
        UPDATE public.users x SET password_hash = p_new_hash, must_change_password = false, failed_login_count = 0,
            sessions_revoked_at = clock_timestamp() - interval '1 microsecond'
        WHERE x.id = me;
        UPDATE public.user_sessions s SET created_at = clock_timestamp()
        WHERE s.token = encode(sha256(convert_to(current_setting('circlue.session_token', true), 'UTF8')), 'hex');
        RETURN QUERY SELECT true, 5, NULL::timestamp with time zone;
    END
    $$
    """,
)


def upgrade() -> None:
    """Widen and add the encrypted columns and their blind indexes; must_change_password; admin session rights."""
    for table, column, old_type, indexed in ENCRYPTED:
        if old_type is None:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
        elif old_type != "TEXT":
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT")
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_encrypted"
            f" CHECK ({column} IS NULL OR {column} LIKE 'enc1:%') NOT VALID"
        )
        if indexed:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column}_bidx VARCHAR(64)")
            op.execute(f"CREATE INDEX idx_{table}_{column}_bidx ON {table}({column}_bidx)")
    # The same transaction recorded twice is refused by the database too (within one key; `keys rotate` re-indexes).
    op.execute("DROP INDEX idx_payments_transaction_id_bidx")
    op.execute(
        "CREATE UNIQUE INDEX idx_payments_transaction_id_bidx ON payments(transaction_id_bidx)"
        " WHERE transaction_id_bidx IS NOT NULL"
    )

    op.execute("ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false")
    op.execute("GRANT SELECT (must_change_password), INSERT (must_change_password), UPDATE (must_change_password)"
               " ON users TO circlue_app")
    op.execute(GUARD_USERS)
    op.execute(f"CREATE POLICY user_sessions_admin_read ON user_sessions FOR SELECT TO circlue_app USING ({ADMIN})")
    # Ending sessions is a function, like logout: the app role has no DELETE on the table (0010).
    op.execute(END_SESSIONS)
    op.execute("GRANT EXECUTE ON FUNCTION circlue_end_sessions(uuid) TO circlue_app")

    op.execute(HANDOFF_TABLE)
    op.execute("ALTER TABLE circlue_login_handoffs ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE circlue_login_handoffs FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY circlue_login_handoffs_owner ON circlue_login_handoffs FOR ALL TO CURRENT_USER"
        " USING (true) WITH CHECK (true)"
    )
    for ddl in (*HANDOFF_FUNCTIONS, *PASSWORD_FUNCTIONS):
        op.execute(ddl)
    op.execute("GRANT EXECUTE ON FUNCTION circlue_my_salt(), circlue_change_password(text, text) TO circlue_app")
    op.execute("GRANT EXECUTE ON FUNCTION circlue_handoff_put(text, text) TO circlue_app")
    op.execute("GRANT EXECUTE ON FUNCTION circlue_handoff_take(text, text) TO circlue_auth")

    # `keys rotate` re-encrypts as the owner, which FORCE subjects to policies when it is not a superuser (0011's
    # owner policies let it read these): it updates the encrypted tables and the audit values (docs/security.md).
    for table, name, body in ROTATION_POLICIES:
        op.execute(f"CREATE POLICY {name} ON {table} {body}")

    # The audit viewer filters by entity, entity type and time (user_id and created_at have the seed's indexes).
    op.execute("CREATE INDEX idx_audit_logs_entity_id ON audit_logs(entity_id)")
    op.execute("CREATE INDEX idx_audit_logs_entity_type_created ON audit_logs(entity_type, created_at DESC)")


def downgrade() -> None:
    """Drop what upgrade added; ciphertext stays in the widened columns (decrypt with `keys` before going back)."""
    import importlib.util
    from pathlib import Path

    for table, name, _body in reversed(ROTATION_POLICIES):
        op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    op.execute("DROP INDEX IF EXISTS idx_audit_logs_entity_type_created")
    op.execute("DROP INDEX IF EXISTS idx_audit_logs_entity_id")
    op.execute("DROP FUNCTION IF EXISTS circlue_end_sessions(uuid)")
    op.execute("DROP FUNCTION IF EXISTS circlue_change_password(text, text)")
    op.execute("DROP FUNCTION IF EXISTS circlue_my_salt()")
    op.execute("DROP FUNCTION IF EXISTS circlue_handoff_take(text, text)")
    op.execute("DROP FUNCTION IF EXISTS circlue_handoff_put(text, text)")
    op.execute("DROP TABLE IF EXISTS circlue_login_handoffs")
    op.execute("DROP POLICY IF EXISTS user_sessions_admin_read ON user_sessions")
    path = Path(__file__).with_name("0010_close_app_role_holes.py")
    spec = importlib.util.spec_from_file_location("_circlue_rev_0010", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    op.execute(next(ddl for ddl in previous.TRIGGER_FUNCTIONS if "circlue_guard_users" in ddl))
    op.execute("ALTER TABLE users DROP COLUMN must_change_password")
    for table, column, old_type, indexed in reversed(ENCRYPTED):
        if indexed:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}_bidx")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_encrypted")
        if old_type is None:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        elif old_type != "TEXT":
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {old_type} USING left({column}, 100)")
