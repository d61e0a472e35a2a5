"""Product deviations from the seed: the manager role, KRW-sized money, login lockout.

Each change has a line in docs/schema.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# DECIMAL(10,2) stops at 99,999,999.99: a ₩100,000,000 budget does not fit.
MONEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("products", "price"),
    ("influencers", "base_fee"),
    ("campaigns", "budget"),
    ("campaign_influencers", "proposed_fee"),
    ("campaign_influencers", "ad_fee"),
    ("performance_metrics", "sales_amount"),
    ("settlements", "amount"),
    ("tax_invoices", "amount"),
    ("tax_invoices", "tax_amount"),
    ("tax_invoices", "total_amount"),
    ("payments", "paid_amount"),
)


def upgrade() -> None:
    """Add the manager role, widen money to NUMERIC(15,2), add lockout columns."""
    op.execute("ALTER TABLE users DROP CONSTRAINT users_role_check")
    op.execute(
        "ALTER TABLE users ADD CONSTRAINT users_role_check "
        "CHECK (role IN ('brand', 'manager', 'admin'))"
    )
    for table, column in MONEY_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE NUMERIC(15, 2)")
    op.execute("ALTER TABLE users ADD COLUMN failed_login_count INTEGER NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE users ADD COLUMN locked_until TIMESTAMP WITH TIME ZONE")
    op.execute("ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP WITH TIME ZONE")
    # Sessions are visible only to their own user, so an admin ends someone's sessions by date, not by delete.
    op.execute("ALTER TABLE users ADD COLUMN sessions_revoked_at TIMESTAMP WITH TIME ZONE")
    # Sessions are looked up by user on every click; brands by owner in every RLS policy.
    op.execute("CREATE INDEX idx_user_sessions_user_id ON user_sessions(user_id)")
    op.execute("CREATE INDEX idx_brands_user_id ON brands(user_id)")
    op.execute("CREATE INDEX idx_settlements_brand_id ON settlements(brand_id)")
    op.execute("CREATE INDEX idx_notifications_user_id ON notifications(user_id, is_read)")


def downgrade() -> None:
    """Restore the seed's shapes; fails loudly while managers or over-sized amounts exist."""
    for name in (
        "idx_notifications_user_id",
        "idx_settlements_brand_id",
        "idx_brands_user_id",
        "idx_user_sessions_user_id",
    ):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("ALTER TABLE users DROP COLUMN sessions_revoked_at")
    op.execute("ALTER TABLE users DROP COLUMN last_login_at")
    op.execute("ALTER TABLE users DROP COLUMN locked_until")
    op.execute("ALTER TABLE users DROP COLUMN failed_login_count")
    for table, column in MONEY_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE DECIMAL(10, 2)")
    op.execute("ALTER TABLE users DROP CONSTRAINT users_role_check")
    op.execute(
        "ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('brand', 'admin'))"
    )
