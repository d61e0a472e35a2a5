"""What a brand user may change in their own rows: no workflow moves beyond submitting, reviews only.

RLS decides which rows a brand user may write; this trigger decides which changes. A brand user
may create a campaign (at 'creating') and submit it, but only staff move it further. On content
plans and submissions a brand user may only review: 'submitted' becomes 'approved' or
'revision-requested', and nothing else in the row changes except the revision counter.
Staff and connections that are not circlue_app are not limited.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GUARDED_TABLES = ("campaigns", "content_plans", "content_submissions")

GUARD_FUNCTION = """
CREATE FUNCTION circlue_guard_brand_writes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> 'circlue_app' OR circlue_is_staff() THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'campaigns' THEN
        -- current_stage follows status (the 0009 workflow trigger sets it), so only status is checked here.
        IF TG_OP = 'INSERT' AND NEW.status = 'creating' THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.status = OLD.status OR (OLD.status = 'creating' AND NEW.status = 'submitted')) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a brand may create and submit campaigns; only staff move them further'
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
"""


def upgrade() -> None:
    """Create circlue_guard_brand_writes() and attach it before inserts and updates of the guarded tables."""
    op.execute(GUARD_FUNCTION)
    for table in GUARDED_TABLES:
        op.execute(
            f"CREATE TRIGGER guard_brand_writes BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION circlue_guard_brand_writes()"
        )


def downgrade() -> None:
    """Drop the guard."""
    for table in GUARDED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS guard_brand_writes ON {table}")
    op.execute("DROP FUNCTION IF EXISTS circlue_guard_brand_writes()")
