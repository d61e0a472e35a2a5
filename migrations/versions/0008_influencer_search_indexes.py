"""Indexes for influencer search: keyset pages by followers, overall and per platform.

Built CONCURRENTLY (seed 마이그레이션 전략 3: no downtime on a large influencers table), so this
revision runs outside a transaction.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = {
    # search_influencers: WHERE is_active AND followers IS NOT NULL [AND platform = ?] ORDER BY followers DESC, id DESC
    "idx_influencers_platform_followers": "influencers (platform, followers DESC, id DESC)",
    "idx_influencers_followers": "influencers (followers DESC, id DESC)",
}


def upgrade() -> None:
    """Build the search indexes without blocking writes (rebuilding one an interrupted build left invalid)."""
    with op.get_context().autocommit_block():
        for name, target in INDEXES.items():
            invalid = op.get_bind().execute(
                sa.text(
                    "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname = :name AND NOT i.indisvalid"
                ),
                {"name": name},
            ).scalar()
            if invalid:
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target} "
                "WHERE is_active IS TRUE AND followers IS NOT NULL"
            )


def downgrade() -> None:
    """Drop the search indexes."""
    with op.get_context().autocommit_block():
        for name in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
