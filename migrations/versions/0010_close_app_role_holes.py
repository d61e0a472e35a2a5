"""Close the holes a security review found in what the app role can reach (issue 5).

- Who is acting is proven, not claimed: policies and triggers read the user of a live session whose token the
  app passes in `circlue.session_token`; a bare user id set with set_config() no longer names anyone.
- Every function pins `search_path = pg_catalog, public` and qualifies every table; the app role has no
  TEMPORARY or CREATE privilege and no EXECUTE on anything it does not need.
- Trigger functions refuse to run for a table they were not written for (`circlue_trigger_tables`).
- `users` and `influencers` get row-level security; the app cannot read `password_hash`; logins go through
  `circlue_login_salt()` and `circlue_login()`, owner-run, one locked step per attempt.
- A brand edits a campaign's terms only while it is `creating`.
- The app logs in as `circlue_app` itself (LOGIN), so no statement can switch it to another role.
- Logins run as a role of their own, `circlue_auth`, which may only call the two login functions: the app role
  cannot call them, so no statement it sends can roll a failed attempt back or probe the lockout.
- The app role deletes nothing in `users` or `user_sessions` (`circlue_logout()` ends the caller's session), so it
  cannot lock the tables every policy reads; large objects cannot be created; the audit keeps 500 characters of a
  user agent.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"

AUDITED_TABLES = (
    "users", "user_sessions", "brands", "products", "influencers", "campaigns", "campaign_target_content",
    "campaign_influencers", "personas", "content_plans", "content_submissions", "content_files", "content_revisions",
    "performance_metrics", "comment_analysis", "settlements", "tax_invoices", "payments", "notifications",
)
UPDATED_AT_TABLES = (
    "users", "brands", "products", "influencers", "campaigns", "campaign_influencers", "personas", "content_plans",
    "content_submissions", "performance_metrics", "settlements",
)
TRIGGER_TARGETS = {
    "circlue_audit": AUDITED_TABLES,
    "update_updated_at_column": UPDATED_AT_TABLES,
    "circlue_guard_users": ("users",),
    "circlue_guard_brand_writes": ("campaigns", "campaign_target_content", "content_plans", "content_submissions"),
    "circlue_campaign_workflow": ("campaigns",),
    "circlue_campaign_status_history": ("campaigns",),
}


def _refuse_other_tables(function: str) -> str:
    """The guard every trigger function starts with: only the tables registered for it, in schema public."""
    return f"""
    IF NOT EXISTS (SELECT 1 FROM public.circlue_trigger_tables t
                   WHERE t.function_name = '{function}' AND t.table_name::oid = TG_RELID) THEN
        RAISE EXCEPTION '{function}() does not run for %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


# The session token is the proof: only the login function creates sessions, and only for a right password.
# Each helper is one PL/pgSQL query (its plan cached per connection): nested SQL functions with SET clauses cost
# ten times as much per call, and the audit and guard triggers call them for every row written.
_SESSION_USER = """
        FROM public.user_sessions s JOIN public.users u ON u.id = s.user_id
        WHERE s.token = encode(sha256(convert_to(NULLIF(current_setting('circlue.session_token', true), ''), 'UTF8')),
                               'hex')
          AND s.expires_at > now()
          AND u.is_active IS TRUE
          AND (u.sessions_revoked_at IS NULL OR s.created_at > u.sessions_revoked_at)"""


def _identity_function(name: str, returns: str, expression: str, default: str = "NULL") -> str:
    return f"""
    CREATE OR REPLACE FUNCTION public.{name}() RETURNS {returns}
    LANGUAGE plpgsql STABLE SECURITY DEFINER {PIN} AS $$
    BEGIN
        RETURN COALESCE((SELECT {expression}{_SESSION_USER}), {default});
    END
    $$
    """


IDENTITY_FUNCTIONS = (
    _identity_function("circlue_current_user_id", "uuid", "u.id"),
    _identity_function("circlue_current_role", "text", "u.role::text"),
    _identity_function("circlue_is_staff", "boolean", "u.role IN ('admin', 'manager')", "false"),
    _identity_function("circlue_is_admin", "boolean", "u.role = 'admin'", "false"),
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_my_brand_ids() RETURNS uuid[]
    LANGUAGE plpgsql STABLE {PIN} AS $$
    BEGIN
        RETURN (SELECT COALESCE(array_agg(b.id), '{{}}')
                FROM public.brands b WHERE b.user_id = public.circlue_current_user_id());
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_my_campaign_ids() RETURNS uuid[]
    LANGUAGE plpgsql STABLE {PIN} AS $$
    BEGIN
        RETURN (SELECT COALESCE(array_agg(c.id), '{{}}')
                FROM public.campaigns c WHERE c.brand_id = ANY (public.circlue_my_brand_ids()));
    END
    $$
    """,
)

# Stored hashes have the form <bcrypt salt, 29 chars><sha256 hex of the full bcrypt hash> (circlue.security): the
# app computes bcrypt from the typed password and the salt, the database compares its SHA-256. The stored value
# never leaves the database, and a copy of it (a dump, a backup) does not log anyone in.
LOGIN_FUNCTIONS = (
    f"""
    CREATE FUNCTION public.circlue_login_salt(p_email text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER {PIN} AS $$
    DECLARE
        stored text;
        digest bytea;
    BEGIN
        IF p_email IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT u.password_hash INTO stored FROM public.users u WHERE u.email = lower(btrim(p_email));
        IF stored ~ '^\\$2[aby]\\$[0-9]{{2}}\\$[./A-Za-z0-9]{{22}}' THEN
            RETURN substr(stored, 1, 29);
        END IF;
        -- An unknown e-mail gets a salt that looks like a real one (cost 12; bcrypt's last salt character carries
        -- two bits, so it is one of .Oeu) and is the same on every call, so no answer tells which e-mails exist.
        SELECT sha256(convert_to(s.value || ':' || lower(btrim(p_email)), 'UTF8')) INTO digest
        FROM public.circlue_secrets s WHERE s.name = 'login_salt';
        RETURN '$2b$12$' || translate(substr(encode(digest, 'base64'), 1, 21), '+/', './')
            || substr('.Oeu', get_byte(digest, 31) % 4 + 1, 1);
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_login(p_email text, p_proof text, p_token_digest text, p_hours integer)
    RETURNS TABLE (user_id uuid, name text, role text, email text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        u record;
    BEGIN
        IF p_token_digest IS NULL OR p_token_digest !~ '^[0-9a-f]{{64}}$' OR p_hours IS NULL
                OR p_hours NOT BETWEEN 1 AND 24 THEN
            RAISE EXCEPTION 'circlue_login: a session token digest and 1 to 24 hours are required'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- One locked step per attempt: attempts on one account queue on this row lock, so each is counted and a
        -- lock, once set, refuses even the right password until it ends.
        SELECT x.id, x.name, x.role, x.email, x.password_hash, x.is_active, x.locked_until
          INTO u FROM public.users x WHERE x.email = lower(btrim(p_email)) FOR UPDATE;
        IF NOT FOUND OR u.is_active IS NOT TRUE OR (u.locked_until IS NOT NULL AND u.locked_until > now()) THEN
            RETURN;
        END IF;
        IF p_proof IS NULL OR length(u.password_hash) <> 93
                OR substr(u.password_hash, 1, 29) || encode(sha256(convert_to(p_proof, 'UTF8')), 'hex')
                   <> u.password_hash THEN
            -- Five failures lock the account for 15 minutes; the count starts again after the lock.
            UPDATE public.users x SET
                failed_login_count = CASE WHEN x.failed_login_count + 1 >= 5 THEN 0 ELSE x.failed_login_count + 1 END,
                locked_until = CASE WHEN x.failed_login_count + 1 >= 5 THEN now() + interval '15 minutes'
                                    ELSE x.locked_until END
            WHERE x.id = u.id;
            RETURN;
        END IF;
        UPDATE public.users x SET failed_login_count = 0, locked_until = NULL, last_login_at = now()
        WHERE x.id = u.id;
        INSERT INTO public.user_sessions (user_id, token, expires_at)
        VALUES (u.id, p_token_digest, now() + make_interval(hours => p_hours));
        RETURN QUERY SELECT u.id, u.name::text, u.role::text, u.email::text;
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_logout() RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER {PIN} AS $$
        WITH ended AS (
            DELETE FROM public.user_sessions s
            WHERE s.token = encode(sha256(convert_to(NULLIF(current_setting('circlue.session_token', true), ''),
                                                     'UTF8')), 'hex')
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM ended)
    $$
    """,
)

TRIGGER_FUNCTIONS = (
    f"""
    CREATE OR REPLACE FUNCTION public.update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    BEGIN{_refuse_other_tables("update_updated_at_column")}
        NEW.updated_at = CURRENT_TIMESTAMP;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {PIN} AS $$
    DECLARE
        uid uuid;
        ip inet := NULLIF(current_setting('circlue.ip', true), '')::inet;
        ua text := left(NULLIF(current_setting('circlue.user_agent', true), ''), 500);
        old_j jsonb;
        new_j jsonb;
    BEGIN{_refuse_other_tables("circlue_audit")}
        uid := public.circlue_current_user_id();
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            old_j := to_jsonb(OLD) - 'password_hash' - 'token';
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            new_j := to_jsonb(NEW) - 'password_hash' - 'token';
        END IF;
        INSERT INTO public.audit_logs
            (user_id, action, entity_type, entity_id, old_values, new_values, ip_address, user_agent)
        VALUES (uid, TG_OP, TG_TABLE_NAME, COALESCE(new_j->>'id', old_j->>'id')::uuid, old_j, new_j, ip, ua);
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_guard_users() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        actor uuid;
    BEGIN{_refuse_other_tables("circlue_guard_users")}
        IF current_user <> 'circlue_app' THEN
            RETURN COALESCE(NEW, OLD);
        END IF;
        actor := public.circlue_current_user_id();
        IF actor IS NOT NULL AND public.circlue_is_admin() THEN
            RETURN COALESCE(NEW, OLD);
        END IF;
        -- Anyone else changes only their own name and password; login bookkeeping is circlue_login()'s.
        IF actor IS NOT NULL AND TG_OP = 'UPDATE' AND OLD.id = actor
                AND to_jsonb(NEW) - 'name' - 'password_hash' - 'updated_at'
                    = to_jsonb(OLD) - 'name' - 'password_hash' - 'updated_at' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'only admins may create or delete users or change their role, e-mail or status'
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_guard_brand_writes() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        campaign_status text;
    BEGIN{_refuse_other_tables("circlue_guard_brand_writes")}
        IF current_user <> 'circlue_app' OR public.circlue_is_staff() THEN
            RETURN NEW;
        END IF;
        -- Saving a form unchanged is never a change.
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN
            RETURN NEW;
        END IF;
        IF TG_TABLE_NAME = 'campaigns' THEN
            -- A campaign's terms are the brand's to write while it is being created; once submitted they are agreed.
            IF TG_OP = 'INSERT' AND NEW.status = 'creating' THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'creating' AND NEW.status IN ('creating', 'submitted') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'a brand may edit a campaign only while it is being created, and submit it; staff move it further'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_TABLE_NAME = 'campaign_target_content' THEN
            SELECT c.status INTO campaign_status FROM public.campaigns c WHERE c.id = NEW.campaign_id;
            IF campaign_status = 'creating' AND (TG_OP = 'INSERT' OR OLD.campaign_id = NEW.campaign_id) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'a brand may change a campaign''s target and content only while it is being created'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE'
                AND to_jsonb(NEW) - 'status' - 'current_revision_number' - 'updated_at'
                    = to_jsonb(OLD) - 'status' - 'current_revision_number' - 'updated_at'
                AND (NEW.status = OLD.status
                     OR (OLD.status = 'submitted' AND NEW.status IN ('approved', 'revision-requested'))) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a brand may only approve submitted content or ask for a revision'
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_campaign_workflow() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        allowed text;
    BEGIN{_refuse_other_tables("circlue_campaign_workflow")}
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'creating' THEN
                RAISE EXCEPTION 'a new campaign starts at creating, not %', NEW.status
                    USING ERRCODE = 'check_violation';
            END IF;
            NEW.current_stage := 1;
            RETURN NEW;
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NOT EXISTS (SELECT 1 FROM public.campaign_status_transitions t
                           WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
                SELECT string_agg(t.to_status, ', ' ORDER BY s.stage = 0, s.stage) INTO allowed
                FROM public.campaign_status_transitions t JOIN public.campaign_statuses s ON s.status = t.to_status
                WHERE t.from_status = OLD.status;
                RAISE EXCEPTION 'campaign cannot move from % to %; allowed: %', OLD.status, NEW.status,
                    COALESCE(allowed, 'none') USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        NEW.current_stage := (SELECT s.stage FROM public.campaign_statuses s WHERE s.status = NEW.status);
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_campaign_status_history() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {PIN} AS $$
    BEGIN{_refuse_other_tables("circlue_campaign_status_history")}
        INSERT INTO public.campaign_status_history (campaign_id, from_status, to_status, changed_by, note)
        VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
                public.circlue_current_user_id(), NULLIF(current_setting('circlue.status_note', true), ''));
        RETURN NULL;
    END
    $$
    """,
)

APP_FUNCTIONS = (
    "circlue_current_user_id()", "circlue_current_role()", "circlue_is_staff()", "circlue_is_admin()",
    "circlue_my_brand_ids()", "circlue_my_campaign_ids()", "circlue_logout()",
)
AUTH_FUNCTIONS = ("circlue_login_salt(text)", "circlue_login(text, text, text, integer)")
# Large objects would give every app session shared storage outside RLS and audit.
LARGE_OBJECT_FUNCTIONS = (
    "lo_create(oid)", "lo_creat(integer)", "lo_from_bytea(oid, bytea)", "lo_put(oid, bigint, bytea)",
    "lowrite(integer, bytea)", "lo_import(text)", "lo_import(text, oid)",
)
STAFF = "(SELECT public.circlue_is_staff())"
ADMIN = "(SELECT public.circlue_is_admin())"
ME = "(SELECT public.circlue_current_user_id())"
USER_COLUMNS_READ = (
    "id, email, name, role, is_active, failed_login_count, locked_until, last_login_at, sessions_revoked_at,"
    " created_at, updated_at"
)


def _database_privileges(grant: bool) -> None:
    """TEMPORARY on this database: temporary tables could shadow the schema for any unqualified lookup."""
    verb = "GRANT TEMPORARY ON DATABASE %I TO PUBLIC" if grant else "REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC"
    op.execute(f"DO $$ BEGIN EXECUTE format('{verb}', current_database()); END $$")
    if not grant:
        op.execute("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM circlue_app',"
                   " current_database()); END $$")


def upgrade() -> None:
    """Pin, qualify and narrow every function; RLS on users and influencers; login through owner functions."""
    _database_privileges(grant=False)
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    # Roles belong to the cluster: other databases on it may be migrating at this moment, so change a role only
    # when it needs it, and take a concurrent creation as done.
    op.execute(
        """
        DO $$
        BEGIN
            IF NOT (SELECT r.rolcanlogin FROM pg_catalog.pg_roles r WHERE r.rolname = 'circlue_app') THEN
                ALTER ROLE circlue_app LOGIN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = 'circlue_auth') THEN
                CREATE ROLE circlue_auth LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END
        $$
        """
    )
    op.execute("GRANT USAGE ON SCHEMA public TO circlue_auth")

    op.execute(
        "CREATE TABLE circlue_trigger_tables (function_name TEXT NOT NULL, table_name REGCLASS NOT NULL,"
        " PRIMARY KEY (function_name, table_name))"
    )
    for function, tables in TRIGGER_TARGETS.items():
        values = ", ".join(f"('{function}', 'public.{table}')" for table in tables)
        op.execute(f"INSERT INTO circlue_trigger_tables (function_name, table_name) VALUES {values}")
    # Trigger functions that run as the invoker read it too; it holds nothing secret.
    op.execute("GRANT SELECT ON circlue_trigger_tables TO circlue_app")
    op.execute("CREATE TABLE circlue_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    op.execute(
        "INSERT INTO circlue_secrets (name, value)"
        " VALUES ('login_salt', gen_random_uuid()::text || gen_random_uuid()::text)"
    )

    for ddl in (*IDENTITY_FUNCTIONS, *LOGIN_FUNCTIONS, *TRIGGER_FUNCTIONS):
        op.execute(ddl)
    # A stored bcrypt hash is the proof the new login computes: keep its salt, store its SHA-256, and every existing
    # password keeps working.
    op.execute(
        "UPDATE users SET password_hash = substr(password_hash, 1, 29)"
        " || encode(sha256(convert_to(password_hash, 'UTF8')), 'hex')"
        " WHERE password_hash ~ '^\\$2[aby]\\$[0-9]{2}\\$[./A-Za-z0-9]{53}$'"
    )

    # Nothing runs a function it was not given: trigger functions need no EXECUTE to fire.
    op.execute("REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC")
    # Global, not IN SCHEMA: per-schema defaults can only add to the global ones, never take PUBLIC's away.
    op.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {', '.join(APP_FUNCTIONS)} TO circlue_app")
    op.execute(f"GRANT EXECUTE ON FUNCTION {', '.join(AUTH_FUNCTIONS)} TO circlue_auth")
    op.execute(f"REVOKE EXECUTE ON FUNCTION {', '.join(LARGE_OBJECT_FUNCTIONS)} FROM PUBLIC")

    # users: the hash is unreadable; rows are visible to staff, to their own user, and staff rows to anyone logged in
    # (names in status histories). The login functions run as the owner, which FORCE makes subject to RLS too.
    op.execute("REVOKE ALL ON users FROM circlue_app")
    op.execute(f"GRANT SELECT ({USER_COLUMNS_READ}) ON users TO circlue_app")
    # Only admins insert (policy and guard); the ORM names every nullable column in its INSERT.
    op.execute(
        "GRANT INSERT (email, password_hash, name, role, is_active, failed_login_count, locked_until, last_login_at,"
        " sessions_revoked_at) ON users TO circlue_app"
    )
    op.execute(
        "GRANT UPDATE (email, password_hash, name, role, is_active, failed_login_count, locked_until,"
        " sessions_revoked_at) ON users TO circlue_app"
    )
    # No DELETE: users are deactivated, never deleted through the app, and DELETE would let it LOCK the table that
    # every policy reads.
    op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY users_owner ON users FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)")
    op.execute(f"CREATE POLICY users_staff_read ON users FOR SELECT TO circlue_app USING ({STAFF})")
    op.execute(f"CREATE POLICY users_self_read ON users FOR SELECT TO circlue_app USING (id = {ME})")
    op.execute(
        "CREATE POLICY users_staff_visible ON users FOR SELECT TO circlue_app"
        f" USING (role IN ('admin', 'manager') AND {ME} IS NOT NULL)"
    )
    op.execute(f"CREATE POLICY users_admin_insert ON users FOR INSERT TO circlue_app WITH CHECK ({ADMIN})")
    op.execute(f"CREATE POLICY users_admin_update ON users FOR UPDATE TO circlue_app USING ({ADMIN}) WITH CHECK ({ADMIN})")
    op.execute(f"CREATE POLICY users_self_update ON users FOR UPDATE TO circlue_app USING (id = {ME}) WITH CHECK (id = {ME})")

    # Sessions are opened only by circlue_login() and ended by circlue_logout(); a user reads their own. Without
    # INSERT, UPDATE or DELETE the app role cannot LOCK the table every identity check reads either.
    op.execute("REVOKE INSERT, UPDATE, DELETE ON user_sessions FROM circlue_app")
    op.execute("CREATE POLICY user_sessions_owner ON user_sessions FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)")

    # The influencer pool is shared: staff keep it; a brand reads the influencers of its own campaigns; no one deletes
    # one (its cascade would erase other brands' invitations, content and metrics).
    op.execute("REVOKE DELETE ON influencers FROM circlue_app")
    op.execute("ALTER TABLE influencers ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE influencers FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY influencers_staff_read ON influencers FOR SELECT TO circlue_app USING ({STAFF})")
    op.execute(f"CREATE POLICY influencers_staff_insert ON influencers FOR INSERT TO circlue_app WITH CHECK ({STAFF})")
    op.execute(
        f"CREATE POLICY influencers_staff_update ON influencers FOR UPDATE TO circlue_app USING ({STAFF}) WITH CHECK ({STAFF})"
    )
    op.execute(
        "CREATE POLICY influencers_brand_read ON influencers FOR SELECT TO circlue_app"
        " USING (id IN (SELECT ci.influencer_id FROM public.campaign_influencers ci))"
    )

    op.execute(
        "CREATE TRIGGER guard_brand_writes BEFORE INSERT OR UPDATE ON campaign_target_content "
        "FOR EACH ROW EXECUTE FUNCTION circlue_guard_brand_writes()"
    )


def _load(filename: str):
    """An earlier revision's module, for restoring the function bodies it created."""
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(f"_circlue_rev_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _restore(ddl: str) -> None:
    op.execute(ddl.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


def downgrade() -> None:
    """Put back the 0009 functions, grants and policies."""
    op.execute("DROP TRIGGER IF EXISTS guard_brand_writes ON campaign_target_content")
    for policy in ("influencers_staff_read", "influencers_staff_insert", "influencers_staff_update",
                   "influencers_brand_read"):
        op.execute(f"DROP POLICY IF EXISTS {policy} ON influencers")
    op.execute("ALTER TABLE influencers NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE influencers DISABLE ROW LEVEL SECURITY")
    op.execute("GRANT DELETE ON influencers TO circlue_app")
    op.execute("DROP POLICY IF EXISTS user_sessions_owner ON user_sessions")
    op.execute("GRANT INSERT, UPDATE, DELETE ON user_sessions TO circlue_app")
    for policy in ("users_owner", "users_staff_read", "users_self_read", "users_staff_visible", "users_admin_insert",
                   "users_admin_update", "users_self_update"):
        op.execute(f"DROP POLICY IF EXISTS {policy} ON users")
    op.execute("ALTER TABLE users NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE users DISABLE ROW LEVEL SECURITY")
    op.execute("REVOKE ALL ON users FROM circlue_app")
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON users TO circlue_app")

    op.execute("ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    op.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {', '.join(LARGE_OBJECT_FUNCTIONS)} TO PUBLIC")
    op.execute("DROP FUNCTION IF EXISTS circlue_logout()")
    op.execute("DROP FUNCTION IF EXISTS circlue_login(text, text, text, integer)")
    op.execute("DROP FUNCTION IF EXISTS circlue_login_salt(text)")
    op.execute("REVOKE ALL ON SCHEMA public FROM circlue_auth")
    op.execute(
        """
        DO $$
        BEGIN
            DROP ROLE circlue_auth;
        EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
            RAISE NOTICE 'circlue_auth is still used by another database; kept';
        END
        $$
        """
    )

    seed, rls, audit = _load("0001_seed_schema.py"), _load("0004_row_level_security.py"), _load("0005_audit_triggers.py")
    guard_users, guard_brands = _load("0006_guard_users.py"), _load("0007_guard_brand_writes.py")
    workflow = _load("0009_campaign_workflow.py")
    op.execute(seed.UPDATE_UPDATED_AT_FUNCTION)
    for ddl in (*rls.FUNCTIONS, audit.AUDIT_FUNCTION, guard_users.GUARD_FUNCTION, guard_brands.GUARD_FUNCTION,
                workflow.FUNCTION, workflow.HISTORY_FUNCTION):
        _restore(ddl)

    op.execute("DROP TABLE IF EXISTS circlue_secrets")
    op.execute("DROP TABLE IF EXISTS circlue_trigger_tables")
    # circlue_app keeps LOGIN: role attributes belong to the cluster, and other databases on it may be at head.
    # Passwords stay in the 0010 form (SHA-256 of the bcrypt hash, not reversible): reset them after going back.
    _database_privileges(grant=True)
