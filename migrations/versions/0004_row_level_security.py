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

# The product a campaign or persona names must be one of the brand's own (foreign keys skip RLS).
OWN_PRODUCT = "product_id IN (SELECT p.id FROM products p)"

# table -> (which rows a brand user sees, what else a row they write must satisfy, the writes they may make).
# Brand users never DELETE: cascades from a campaign would take settlements and tax invoices with it.
BRAND_SCOPED: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "brands": (
        "user_id = (SELECT circlue_current_user_id()) AND (SELECT circlue_current_role()) IS NOT NULL",
        None,
        ("INSERT", "UPDATE"),
    ),
    "products": (BY_BRAND, None, ("INSERT", "UPDATE")),
    "campaigns": (BY_BRAND, OWN_PRODUCT, ("INSERT", "UPDATE")),
    "personas": (BY_BRAND, f"(product_id IS NULL OR {OWN_PRODUCT})", ("INSERT", "UPDATE")),
    "settlements": (BY_BRAND, None, ()),
    "campaign_target_content": (BY_CAMPAIGN, None, ("INSERT", "UPDATE")),
    "campaign_influencers": (BY_CAMPAIGN, None, ()),
    # Brands review plans and submissions (0007 limits which columns and statuses they may change).
    "content_plans": (BY_CAMPAIGN, None, ("UPDATE",)),
    "content_submissions": (BY_CAMPAIGN, None, ("UPDATE",)),
    "performance_metrics": (BY_CAMPAIGN, None, ()),
    # Deeper tables lean on their parent's own policy through the sub-select.
    "content_files": ("submission_id IN (SELECT s.id FROM content_submissions s)", None, ()),
    "content_revisions": (
        "content_plan_id IN (SELECT p.id FROM content_plans p)"
        " OR submission_id IN (SELECT s.id FROM content_submissions s)",
        # Feedback is signed by whoever gives it.
        "feedback_by = (SELECT circlue_current_user_id())",
        ("INSERT",),
    ),
    "comment_analysis": ("performance_metric_id IN (SELECT m.id FROM performance_metrics m)", None, ()),
    "tax_invoices": ("settlement_id IN (SELECT s.id FROM settlements s)", None, ()),
    "payments": ("settlement_id IN (SELECT s.id FROM settlements s)", None, ()),
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
    for table, (scope, extra_check, writes) in BRAND_SCOPED.items():
        op.execute(f"CREATE POLICY {table}_staff ON {table} FOR ALL TO circlue_app USING ({STAFF}) WITH CHECK ({STAFF})")
        op.execute(f"CREATE POLICY {table}_brand_read ON {table} FOR SELECT TO circlue_app USING ({scope})")
        check = f"({scope}) AND {extra_check}" if extra_check else scope
        if "INSERT" in writes:
            op.execute(f"CREATE POLICY {table}_brand_insert ON {table} FOR INSERT TO circlue_app WITH CHECK ({check})")
        if "UPDATE" in writes:
            op.execute(
                f"CREATE POLICY {table}_brand_update ON {table} FOR UPDATE TO circlue_app"
                f" USING ({scope}) WITH CHECK ({check})"
            )
    op.execute(f"CREATE POLICY user_sessions_own ON user_sessions FOR ALL TO circlue_app USING ({OWN_ROWS}) WITH CHECK ({OWN_ROWS})")
    op.execute(f"CREATE POLICY notifications_own ON notifications FOR ALL TO circlue_app USING ({OWN_ROWS}) WITH CHECK ({OWN_ROWS})")
    # Staff notify brand users (content reviewed, invoice issued); a brand user cannot message others.
    op.execute(f"CREATE POLICY notifications_staff_send ON notifications FOR INSERT TO circlue_app WITH CHECK ({STAFF})")
    op.execute("CREATE POLICY audit_logs_admin_read ON audit_logs FOR SELECT TO circlue_app USING ((SELECT circlue_is_admin()))")
    # The audit trigger (SECURITY DEFINER, 0005) appends as the owner, which FORCE makes subject to RLS too.
    op.execute("CREATE POLICY audit_logs_owner_append ON audit_logs FOR INSERT TO CURRENT_USER WITH CHECK (true)")
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
