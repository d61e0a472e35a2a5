"""Audit trail: every insert, update and delete on a business table writes audit_logs.

The trigger reads who acted from circlue.user_id / circlue.ip / circlue.user_agent, so no write
path through the app can skip it. It runs as the owner (SECURITY DEFINER): the app role has no
INSERT on audit_logs, so it cannot forge an entry. Secrets (password_hash, session token) never
enter the log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

AUDITED_TABLES: tuple[str, ...] = (
    "users",
    "user_sessions",
    "brands",
    "products",
    "influencers",
    "campaigns",
    "campaign_target_content",
    "campaign_influencers",
    "personas",
    "content_plans",
    "content_submissions",
    "content_files",
    "content_revisions",
    "performance_metrics",
    "comment_analysis",
    "settlements",
    "tax_invoices",
    "payments",
    "notifications",
)

AUDIT_FUNCTION = """
CREATE FUNCTION circlue_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    uid uuid := NULLIF(current_setting('circlue.user_id', true), '')::uuid;
    ip inet := NULLIF(current_setting('circlue.ip', true), '')::inet;
    ua text := NULLIF(current_setting('circlue.user_agent', true), '');
    old_j jsonb;
    new_j jsonb;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_j := to_jsonb(OLD) - 'password_hash' - 'token';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_j := to_jsonb(NEW) - 'password_hash' - 'token';
    END IF;
    -- A user deleting their own account must not make the audit row's foreign key fail.
    IF uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = uid) THEN
        uid := NULL;
    END IF;
    INSERT INTO audit_logs (user_id, action, entity_type, entity_id, old_values, new_values, ip_address, user_agent)
    VALUES (uid, TG_OP, TG_TABLE_NAME, COALESCE(new_j->>'id', old_j->>'id')::uuid, old_j, new_j, ip, ua);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    """Create circlue_audit() and attach it to every business table."""
    op.execute(AUDIT_FUNCTION)
    for table in AUDITED_TABLES:
        op.execute(
            f"CREATE TRIGGER audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION circlue_audit()"
        )


def downgrade() -> None:
    """Detach and drop the audit trigger."""
    for table in AUDITED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS audit_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS circlue_audit()")
