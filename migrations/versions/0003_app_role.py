"""The application role circlue_app: not owner, not superuser, no BYPASSRLS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

READ_WRITE_TABLES: tuple[str, ...] = (
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


def upgrade() -> None:
    """Create the role once per cluster (other databases may share it) and grant table rights."""
    op.execute(
        """
        DO $$
        BEGIN
            CREATE ROLE circlue_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object THEN
            NULL;
        END
        $$
        """
    )
    # The login role (owner or superuser) must be able to SET ROLE circlue_app.
    op.execute("GRANT circlue_app TO CURRENT_USER")
    op.execute("GRANT USAGE ON SCHEMA public TO circlue_app")
    for table in READ_WRITE_TABLES:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO circlue_app")
    # The app only reads audit rows (admins, under RLS); the audit trigger writes them as the owner (0005),
    # so the app can neither forge, change nor delete one.
    op.execute("GRANT SELECT ON audit_logs TO circlue_app")


def downgrade() -> None:
    """Revoke this database's grants; drop the role only when no other database still uses it."""
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM circlue_app")
    op.execute("REVOKE ALL ON SCHEMA public FROM circlue_app")
    op.execute(
        """
        DO $$
        BEGIN
            DROP ROLE circlue_app;
        EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
            RAISE NOTICE 'circlue_app is still used by another database; kept';
        END
        $$
        """
    )
