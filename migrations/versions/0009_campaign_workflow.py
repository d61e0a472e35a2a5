"""Campaign workflow in the database: an explicit transition table, a trigger, and a status history.

The rules live twice on purpose (ARCHITECTURE.md section 3): circlue/workflow.py gives people clear
messages before anything is sent; this trigger refuses any other status change whatever path a
write takes, keeps current_stage in step, and writes campaign_status_history (who, when, from, to,
note). A test checks that the two tables of moves are the same.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# status -> current_stage (seed: stages 1..11, then completed; cancelled leaves the pipeline)
STAGES = {
    "creating": 1, "submitted": 2, "recruiting": 3, "proposing": 4, "revising": 5, "confirmed": 6,
    "planning": 7, "producing": 8, "content-review": 9, "live": 10, "monitoring": 11,
    "completed": 12, "cancelled": 0,
}
# Seed order one step at a time, plus revising -> proposing, content-review -> producing, and
# cancelled from any state before live (ARCHITECTURE.md section 4). Frozen here: a migration must
# not change when workflow.py does.
TRANSITIONS = (
    ("creating", "submitted"), ("creating", "cancelled"), ("submitted", "recruiting"), ("submitted", "cancelled"),
    ("recruiting", "proposing"), ("recruiting", "cancelled"), ("proposing", "revising"), ("proposing", "cancelled"),
    ("revising", "proposing"), ("revising", "confirmed"), ("revising", "cancelled"), ("confirmed", "planning"),
    ("confirmed", "cancelled"), ("planning", "producing"), ("planning", "cancelled"),
    ("producing", "content-review"), ("producing", "cancelled"), ("content-review", "producing"),
    ("content-review", "live"), ("content-review", "cancelled"), ("live", "monitoring"), ("monitoring", "completed"),
)

BY_CAMPAIGN = "campaign_id = ANY ((SELECT circlue_my_campaign_ids())::uuid[])"
STAFF = "(SELECT circlue_is_staff())"

FUNCTION = """
CREATE FUNCTION circlue_campaign_workflow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'creating' THEN
            RAISE EXCEPTION 'a new campaign starts at creating, not %', NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.current_stage := 1;
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM campaign_status_transitions t
                       WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
            SELECT string_agg(t.to_status, ', ' ORDER BY s.stage = 0, s.stage) INTO allowed
            FROM campaign_status_transitions t JOIN campaign_statuses s ON s.status = t.to_status
            WHERE t.from_status = OLD.status;
            RAISE EXCEPTION 'campaign cannot move from % to %; allowed: %', OLD.status, NEW.status,
                COALESCE(allowed, 'none') USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    NEW.current_stage := (SELECT s.stage FROM campaign_statuses s WHERE s.status = NEW.status);
    RETURN NEW;
END
$$
"""

HISTORY_FUNCTION = """
CREATE FUNCTION circlue_campaign_status_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    uid uuid := circlue_current_user_id();
BEGIN
    IF uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = uid) THEN
        uid := NULL;
    END IF;
    INSERT INTO campaign_status_history (campaign_id, from_status, to_status, changed_by, note)
    VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, uid,
            NULLIF(current_setting('circlue.status_note', true), ''));
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    """Create the status tables, the CHECK, the workflow and history triggers, and their policies."""
    op.execute("CREATE TABLE campaign_statuses (status VARCHAR(50) PRIMARY KEY, stage INTEGER NOT NULL UNIQUE)")
    op.execute(
        "CREATE TABLE campaign_status_transitions ("
        " from_status VARCHAR(50) NOT NULL REFERENCES campaign_statuses(status),"
        " to_status VARCHAR(50) NOT NULL REFERENCES campaign_statuses(status),"
        " PRIMARY KEY (from_status, to_status))"
    )
    values = ", ".join(f"('{status}', {stage})" for status, stage in STAGES.items())
    op.execute(f"INSERT INTO campaign_statuses (status, stage) VALUES {values}")
    values = ", ".join(f"('{a}', '{b}')" for a, b in TRANSITIONS)
    op.execute(f"INSERT INTO campaign_status_transitions (from_status, to_status) VALUES {values}")
    op.execute(
        "ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_fkey "
        "FOREIGN KEY (status) REFERENCES campaign_statuses(status)"
    )
    op.execute(
        "CREATE TABLE campaign_status_history ("
        " id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
        " campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
        " from_status VARCHAR(50) REFERENCES campaign_statuses(status),"
        " to_status VARCHAR(50) NOT NULL REFERENCES campaign_statuses(status),"
        " changed_by UUID REFERENCES users(id) ON DELETE SET NULL,"
        " note TEXT,"
        " changed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    op.execute("CREATE INDEX idx_campaign_status_history_campaign ON campaign_status_history(campaign_id, changed_at)")
    op.execute(FUNCTION)
    op.execute(HISTORY_FUNCTION)
    # current_stage too: a write of the stage alone must not let it drift from the status.
    op.execute(
        "CREATE TRIGGER workflow_campaign_status BEFORE INSERT OR UPDATE OF status, current_stage ON campaigns "
        "FOR EACH ROW EXECUTE FUNCTION circlue_campaign_workflow()"
    )
    op.execute(
        "CREATE TRIGGER history_campaign_created AFTER INSERT ON campaigns "
        "FOR EACH ROW EXECUTE FUNCTION circlue_campaign_status_history()"
    )
    # Only real moves: saving a form that repeats the status is not a workflow step.
    op.execute(
        "CREATE TRIGGER history_campaign_status AFTER UPDATE OF status ON campaigns "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) "
        "EXECUTE FUNCTION circlue_campaign_status_history()"
    )
    op.execute("GRANT SELECT ON campaign_statuses, campaign_status_transitions TO circlue_app")
    # Written only by the history trigger, as the owner: the app can read the history but not forge it.
    op.execute("GRANT SELECT ON campaign_status_history TO circlue_app")
    op.execute("ALTER TABLE campaign_status_history ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE campaign_status_history FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY campaign_status_history_staff_read ON campaign_status_history FOR SELECT TO circlue_app"
        f" USING ({STAFF})"
    )
    op.execute(
        f"CREATE POLICY campaign_status_history_brand_read ON campaign_status_history FOR SELECT TO circlue_app"
        f" USING ({BY_CAMPAIGN})"
    )
    op.execute(
        "CREATE POLICY campaign_status_history_owner_append ON campaign_status_history FOR INSERT TO CURRENT_USER "
        "WITH CHECK (true)"
    )


def downgrade() -> None:
    """Drop the triggers, the history and the status tables."""
    op.execute("DROP TRIGGER IF EXISTS history_campaign_status ON campaigns")
    op.execute("DROP TRIGGER IF EXISTS history_campaign_created ON campaigns")
    op.execute("DROP TRIGGER IF EXISTS workflow_campaign_status ON campaigns")
    op.execute("DROP FUNCTION IF EXISTS circlue_campaign_status_history()")
    op.execute("DROP FUNCTION IF EXISTS circlue_campaign_workflow()")
    op.execute("DROP TABLE IF EXISTS campaign_status_history")
    op.execute("ALTER TABLE campaigns DROP CONSTRAINT IF EXISTS campaigns_status_fkey")
    op.execute("DROP TABLE IF EXISTS campaign_status_transitions")
    op.execute("DROP TABLE IF EXISTS campaign_statuses")
