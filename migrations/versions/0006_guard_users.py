"""Guard the users table against privilege escalation through the app role.

users has no row-level security (the login form must read it before anyone is known), so a
trigger decides what circlue_app may change: only admins create or delete users or change a
role, e-mail or active flag; other users may touch only their own row's name, password and
login bookkeeping (never their revocation date); with no acting user (the login form) only the
failed-login counter and lockout.
Operator commands (create-user, demo) connect as the owner, which this guard does not limit.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GUARD_FUNCTION = """
CREATE FUNCTION circlue_guard_users() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    actor uuid := circlue_current_user_id();
BEGIN
    IF current_user <> 'circlue_app' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF actor IS NULL THEN
        -- The login form, before anyone is known: failed-login counting and lockout only.
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'failed_login_count' - 'locked_until' - 'updated_at'
                = to_jsonb(OLD) - 'failed_login_count' - 'locked_until' - 'updated_at' THEN
            RETURN NEW;
        END IF;
    ELSIF circlue_is_admin() THEN
        RETURN COALESCE(NEW, OLD);
    ELSIF TG_OP = 'UPDATE' AND OLD.id = actor
            AND (NEW.id, NEW.email, NEW.role, NEW.is_active, NEW.sessions_revoked_at)
                IS NOT DISTINCT FROM (OLD.id, OLD.email, OLD.role, OLD.is_active, OLD.sessions_revoked_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'only admins may create or delete users or change their role, e-mail or status'
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    """Create circlue_guard_users() and attach it before every write on users."""
    op.execute(GUARD_FUNCTION)
    op.execute(
        "CREATE TRIGGER guard_users BEFORE INSERT OR UPDATE OR DELETE ON users "
        "FOR EACH ROW EXECUTE FUNCTION circlue_guard_users()"
    )


def downgrade() -> None:
    """Drop the guard."""
    op.execute("DROP TRIGGER IF EXISTS guard_users ON users")
    op.execute("DROP FUNCTION IF EXISTS circlue_guard_users()")
