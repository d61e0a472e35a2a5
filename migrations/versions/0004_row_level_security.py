"""Row-level security: brand users see only their brands' rows; staff see all; no user, no rows.

Policies read the transaction-local setting circlue.user_id (set by circlue.db.unit_of_work).
Lookups are wrapped in (SELECT ...) so PostgreSQL evaluates them once per statement.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FUNCTIONS = (
    # '' after a local setting ends, hence NULLIF (shared/NOTES.md).
    """
    CREATE FUNCTION circlue_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT NULLIF(current_setting('circlue.user_id', true), '')::uuid
    $$
    """,
    """
    CREATE FUNCTION circlue_current_role() RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT role FROM users WHERE id = circlue_current_user_id() AND is_active IS TRUE
    $$
    """,
    """
    CREATE FUNCTION circlue_is_staff() RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(circlue_current_role() IN ('admin', 'manager'), false)
    $$
    """,
    """
    CREATE FUNCTION circlue_is_admin() RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(circlue_current_role() = 'admin', false)
    $$
    """,
    """
    CREATE FUNCTION circlue_my_brand_ids() RETURNS uuid[]
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(array_agg(b.id), '{}')
        FROM brands b JOIN users u ON u.id = b.user_id
        WHERE u.id = circlue_current_user_id() AND u.is_active IS TRUE
    $$
    """,
    """
    CREATE FUNCTION circlue_my_campaign_ids() RETURNS uuid[]
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(array_agg(c.id), '{}')
        FROM campaigns c WHERE c.brand_id = ANY (circlue_my_brand_ids())
    $$
    """,
)

STAFF = "(SELECT circlue_is_staff())"
BY_BRAND = "brand_id = ANY ((SELECT circlue_my_brand_ids())::uuid[])"
BY_CAMPAIGN = "campaign_id = ANY ((SELECT circlue_my_campaign_ids())::uuid[])"

# table -> (what a brand user may see, may the brand user also write it)
BRAND_SCOPED: dict[str, tuple[str, bool]] = {
    "brands": (
        "user_id = (SELECT circlue_current_user_id()) AND (SELECT circlue_current_role()) IS NOT NULL",
        True,
    ),
    "products": (BY_BRAND, True),
    "campaigns": (BY_BRAND, True),
    "personas": (BY_BRAND, True),
    "settlements": (BY_BRAND, False),
    "campaign_target_content": (BY_CAMPAIGN, True),
    "campaign_influencers": (BY_CAMPAIGN, True),
    "content_plans": (BY_CAMPAIGN, True),
    "content_submissions": (BY_CAMPAIGN, True),
    "performance_metrics": (BY_CAMPAIGN, False),
    # Deeper tables lean on their parent's own policy through the sub-select.
    "content_files": ("submission_id IN (SELECT s.id FROM content_submissions s)", False),
    "content_revisions": (
        "content_plan_id IN (SELECT p.id FROM content_plans p)"
        " OR submission_id IN (SELECT s.id FROM content_submissions s)",
        True,
    ),
    "comment_analysis": ("performance_metric_id IN (SELECT m.id FROM performance_metrics m)", False),
    "tax_invoices": ("settlement_id IN (SELECT s.id FROM settlements s)", False),
    "payments": ("settlement_id IN (SELECT s.id FROM settlements s)", False),
}

OWN_ROWS = "user_id = (SELECT circlue_current_user_id())"
ALL_RLS_TABLES = (*BRAND_SCOPED, "notifications", "user_sessions", "audit_logs")


def upgrade() -> None:
    """Create the helper functions, enable and force RLS, and add the policies."""
    for ddl in FUNCTIONS:
        op.execute(ddl)
    for table in ALL_RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for table, (scope, brand_writes) in BRAND_SCOPED.items():
        op.execute(f"CREATE POLICY {table}_staff ON {table} FOR ALL TO circlue_app USING ({STAFF}) WITH CHECK ({STAFF})")
        if brand_writes:
            op.execute(
                f"CREATE POLICY {table}_brand ON {table} FOR ALL TO circlue_app USING ({scope}) WITH CHECK ({scope})"
            )
        else:
            op.execute(f"CREATE POLICY {table}_brand_read ON {table} FOR SELECT TO circlue_app USING ({scope})")
    op.execute(f"CREATE POLICY user_sessions_own ON user_sessions FOR ALL TO circlue_app USING ({OWN_ROWS}) WITH CHECK ({OWN_ROWS})")
    op.execute(f"CREATE POLICY notifications_own ON notifications FOR ALL TO circlue_app USING ({OWN_ROWS}) WITH CHECK ({OWN_ROWS})")
    # Staff notify brand users (content reviewed, invoice issued): insert for anyone, read only one's own.
    op.execute(
        "CREATE POLICY notifications_send ON notifications FOR INSERT TO circlue_app "
        "WITH CHECK ((SELECT circlue_current_role()) IS NOT NULL)"
    )
    op.execute("CREATE POLICY audit_logs_admin_read ON audit_logs FOR SELECT TO circlue_app USING ((SELECT circlue_is_admin()))")
    # The audit trigger runs as the app: it may append rows naming the acting user (or nobody).
    op.execute(
        "CREATE POLICY audit_logs_append ON audit_logs FOR INSERT TO circlue_app "
        "WITH CHECK (user_id IS NULL OR user_id = (SELECT circlue_current_user_id()))"
    )
    op.execute(
        "GRANT EXECUTE ON FUNCTION circlue_current_user_id(), circlue_current_role(), circlue_is_staff(),"
        " circlue_is_admin(), circlue_my_brand_ids(), circlue_my_campaign_ids() TO circlue_app"
    )


def downgrade() -> None:
    """Drop the policies, disable RLS and drop the helper functions."""
    for table in ALL_RLS_TABLES:
        op.execute(
            f"""
            DO $$
            DECLARE p record;
            BEGIN
                FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = '{table}' LOOP
                    EXECUTE format('DROP POLICY %I ON {table}', p.policyname);
                END LOOP;
            END
            $$
            """
        )
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in (
        "circlue_my_campaign_ids",
        "circlue_my_brand_ids",
        "circlue_is_admin",
        "circlue_is_staff",
        "circlue_current_role",
        "circlue_current_user_id",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
