"""Content review in the database (issue 8): plan and submission workflows, review rounds, files by version.

- `content_plans` and `content_submissions` follow state machines of their own (tables + a trigger, like 0011's
  invitations): a new one starts at `draft`; moves follow `content_plan_transitions` /
  `content_submission_transitions`; the review moves (`submitted → approved | revision-requested`) happen only
  by writing a `content_revisions` row, whose AFTER trigger moves its plan or submission. One round, one row.
- `current_revision_number` is computed by the workflow trigger from `content_revisions` on every write, so it
  always equals the highest round (0 when none), whatever wrote it.
- A review round is taken under a row lock on its plan or submission and must carry the next number: of two
  reviewers at once (or a double click) the second is refused ("already reviewed"). Rounds are signed by the
  acting user, only an admin approves, asking for changes needs feedback, and the round's `revision_data` holds a
  snapshot the database takes of what was reviewed (the plan, or the caption and the files of that version).
- Content belongs to a campaign and an influencer contracted on it (composite foreign key + trigger).
- Files belong to a submission's version (`content_files.version` = the round that will review it), each stored
  file once per version; they are added and removed only while that version is being prepared; a submission is
  sent only with files.
- What is under review or approved does not change; publishing needs an address on the influencer's platform.
- `campaigns.included_revision_rounds` (default 3); a change request past it is marked `extra_round` in its round.
- A brand user may now only ask for changes; the final approval is an admin's (guard rewritten).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"

# Frozen here: a migration must not change when circlue/workflow.py does (a test compares the two).
PLAN_STATUSES = ("draft", "submitted", "revision-requested", "approved")
SUBMISSION_STATUSES = (*PLAN_STATUSES, "published")
REVIEW_MOVES = (("submitted", "revision-requested"), ("submitted", "approved"))
PLAN_TRANSITIONS = (("draft", "submitted"), *REVIEW_MOVES, ("revision-requested", "submitted"))
SUBMISSION_TRANSITIONS = (*PLAN_TRANSITIONS, ("approved", "published"))
WORKFLOWS = (
    ("content_plans", "content_plan", PLAN_STATUSES, PLAN_TRANSITIONS),
    ("content_submissions", "content_submission", SUBMISSION_STATUSES, SUBMISSION_TRANSITIONS),
)
EDITABLE = ("draft", "revision-requested")
# Frozen copy of circlue.media's accepted types and stored names.
FILE_TYPES = ("image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime", "video/webm")
MEDIA_KEY = r"^media/[0-9a-f]{2}/[0-9a-f]{64}(\.thumb)?\.(jpg|png|webp|mp4|mov|webm)$"
# Platform -> the domains its posts live on (circlue.schemas.content.PLATFORM_DOMAINS; a test compares them).
PLATFORM_DOMAINS = {
    "douyin": ("douyin.com",),
    "xiaohongshu": ("xiaohongshu.com", "xhslink.com"),
    "weibo": ("weibo.com", "weibo.cn"),
    "bilibili": ("bilibili.com", "b23.tv"),
}


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _refuse_other_tables(function: str) -> str:
    """The guard every trigger function starts with (0010): only the tables registered for it."""
    return f"""
    IF NOT EXISTS (SELECT 1 FROM public.circlue_trigger_tables t
                   WHERE t.function_name = '{function}' AND t.table_name::oid = TG_RELID) THEN
        RAISE EXCEPTION '{function}() does not run for %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


_HTTP = "published_url IS NULL OR published_url ~* '^https?://[^[:space:]/]+[^[:space:]]*$'"
_STORED = f"file_url ~ '^https://[^[:space:]]+$' OR file_url ~ '{MEDIA_KEY}'"
_THUMB = f"thumbnail_url IS NULL OR thumbnail_url ~ '^https://[^[:space:]]+$' OR thumbnail_url ~ '{MEDIA_KEY}'"

CHECKS = (
    ("campaigns", "included_revision_rounds_range", "included_revision_rounds BETWEEN 0 AND 20"),
    ("content_plans", "type_required", "content_type IS NOT NULL"),
    ("content_plans", "plan_data_object", "jsonb_typeof(plan_data) = 'object'"),
    ("content_submissions", "type_required", "content_type IS NOT NULL"),
    ("content_submissions", "published_url_http", _HTTP),
    (
        "content_submissions",
        "published_has_url",
        "status <> 'published' OR (published_url IS NOT NULL AND published_at IS NOT NULL)",
    ),
    ("content_submissions", "caption_length", "caption IS NULL OR length(caption) <= 5000"),
    ("content_files", "stored_url", _STORED),
    ("content_files", "thumbnail_stored", _THUMB),
    ("content_files", "known_type", f"file_type IN ({_sql_list(FILE_TYPES)})"),
    ("content_files", "size_positive", "file_size > 0"),
    ("content_files", "duration_not_negative", "duration IS NULL OR duration >= 0"),
    ("content_files", "version_positive", "version >= 1"),
    ("content_revisions", "known_status", "status IN ('approved', 'revision-requested')"),
    ("content_revisions", "number_positive", "revision_number >= 1"),
    (
        "content_revisions",
        "feedback_for_changes",
        "status <> 'revision-requested' OR btrim(COALESCE(feedback, '')) <> ''",
    ),
    ("content_revisions", "data_object", "revision_data IS NULL OR jsonb_typeof(revision_data) = 'object'"),
)


def _platform_case() -> str:
    arms = []
    for platform, domains in PLATFORM_DOMAINS.items():
        tests = " OR ".join(f"host = '{d}' OR right(host, {len(d) + 1}) = '.{d}'" for d in domains)
        arms.append(f"WHEN '{platform}' THEN {tests}")
    return "CASE p_platform " + " ".join(arms) + " ELSE false END"


PLATFORM_URL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION public.circlue_platform_url_ok(p_platform text, p_url text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE {PIN} AS $$
DECLARE
    -- The host only when nothing (user info, odd characters) hides another host behind it.
    host text := lower(substring(p_url from '^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(?::[0-9]+)?(?:[/?#]|$)'));
BEGIN
    IF host IS NULL THEN
        RETURN false;
    END IF;
    RETURN COALESCE({_platform_case()}, false);
END
$$
"""

# The moves, editing rules, revision counter and publishing rules of plans and submissions.
CONTENT_WORKFLOW = f"""
CREATE OR REPLACE FUNCTION public.circlue_content_workflow() RETURNS trigger
LANGUAGE plpgsql {PIN} AS $$
DECLARE
    app boolean := current_user = 'circlue_app';
    invitation text;
    allowed text;
    latest record;
    platform text;
BEGIN{_refuse_other_tables("circlue_content_workflow")}
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'new content starts as a draft, not %', NEW.status USING ERRCODE = 'check_violation';
        END IF;
        SELECT ci.status INTO invitation FROM public.campaign_influencers ci
        WHERE ci.campaign_id = NEW.campaign_id AND ci.influencer_id = NEW.influencer_id;
        IF invitation IS NULL OR invitation NOT IN ('contracted', 'completed') THEN
            RAISE EXCEPTION 'content belongs to an influencer contracted on the campaign (this one is %)',
                COALESCE(invitation, 'not invited') USING ERRCODE = 'check_violation';
        END IF;
        NEW.current_revision_number := 0;
        IF app OR NEW.status_changed_at IS NULL THEN
            NEW.status_changed_at := now();
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.campaign_id IS DISTINCT FROM OLD.campaign_id OR NEW.influencer_id IS DISTINCT FROM OLD.influencer_id
            OR NEW.content_type IS DISTINCT FROM OLD.content_type THEN
        RAISE EXCEPTION 'content keeps its campaign, influencer and type; create new content instead'
            USING ERRCODE = 'check_violation';
    END IF;
    -- The counter is the history's: the highest review round, whatever the writer sent.
    IF TG_TABLE_NAME = 'content_plans' THEN
        SELECT r.revision_number, r.status INTO latest FROM public.content_revisions r
        WHERE r.content_plan_id = NEW.id ORDER BY r.revision_number DESC LIMIT 1;
    ELSE
        SELECT r.revision_number, r.status INTO latest FROM public.content_revisions r
        WHERE r.submission_id = NEW.id ORDER BY r.revision_number DESC LIMIT 1;
    END IF;
    NEW.current_revision_number := COALESCE(latest.revision_number, 0);
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM public.content_workflow_moves m
                       WHERE m.table_name = TG_TABLE_NAME AND m.from_status = OLD.status
                         AND m.to_status = NEW.status) THEN
            SELECT string_agg(m.to_status, ', ' ORDER BY m.position) INTO allowed FROM public.content_workflow_moves m
            WHERE m.table_name = TG_TABLE_NAME AND m.from_status = OLD.status;
            RAISE EXCEPTION 'content cannot move from % to %; allowed: %', OLD.status, NEW.status,
                COALESCE(allowed, 'none') USING ERRCODE = 'check_violation';
        END IF;
        -- A review move is made by its round: the newest round is one more than before and says the same.
        IF OLD.status = 'submitted' AND (NEW.current_revision_number <> OLD.current_revision_number + 1
                                         OR latest.status IS DISTINCT FROM NEW.status) THEN
            RAISE EXCEPTION 'content is approved or sent back only by a review round (a content_revisions row)'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status = 'submitted' AND TG_TABLE_NAME = 'content_submissions' THEN
            IF NOT EXISTS (SELECT 1 FROM public.content_files f
                           WHERE f.submission_id = NEW.id AND f.version = NEW.current_revision_number + 1) THEN
                RAISE EXCEPTION 'a submission is sent with at least one file of its new version'
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        NEW.status_changed_at := now();
    ELSIF app THEN
        NEW.status_changed_at := OLD.status_changed_at;
    END IF;
    -- What a reviewer saw, or what was approved, stays as it was.
    IF OLD.status NOT IN ({_sql_list(EDITABLE)})
            AND to_jsonb(NEW) - 'status' - 'current_revision_number' - 'updated_at' - 'status_changed_at'
                - 'published_url' - 'published_at' - 'created_at'
            <> to_jsonb(OLD) - 'status' - 'current_revision_number' - 'updated_at' - 'status_changed_at'
                - 'published_url' - 'published_at' - 'created_at' THEN
        RAISE EXCEPTION 'content under review or approved does not change; ask for changes first'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'content_submissions' THEN
        IF (to_jsonb(NEW) ->> 'published_url') IS DISTINCT FROM (to_jsonb(OLD) ->> 'published_url')
                OR (to_jsonb(NEW) ->> 'published_at') IS DISTINCT FROM (to_jsonb(OLD) ->> 'published_at') THEN
            IF NEW.status NOT IN ('approved', 'published') THEN
                RAISE EXCEPTION 'only approved content is published' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF NEW.status = 'published' THEN
            IF NEW.published_at IS NULL THEN
                NEW.published_at := now();
            END IF;
            SELECT i.platform INTO platform FROM public.influencers i WHERE i.id = NEW.influencer_id;
            IF NOT public.circlue_platform_url_ok(platform, NEW.published_url) THEN
                RAISE EXCEPTION 'the published address must be on the influencer''s platform (%)', platform
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""

# One review round: locked, numbered, signed, snapshotted; then it moves its plan or submission.
CONTENT_REVISION = f"""
CREATE OR REPLACE FUNCTION public.circlue_content_revision() RETURNS trigger
LANGUAGE plpgsql {PIN} AS $$
DECLARE
    app boolean := current_user = 'circlue_app';
    actor uuid;
    parent record;
    snapshot jsonb;
    requested integer;
    included integer;
BEGIN{_refuse_other_tables("circlue_content_revision")}
    IF TG_WHEN = 'AFTER' THEN
        IF NEW.content_plan_id IS NOT NULL THEN
            UPDATE public.content_plans p SET status = NEW.status WHERE p.id = NEW.content_plan_id;
        ELSE
            UPDATE public.content_submissions s SET status = NEW.status WHERE s.id = NEW.submission_id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM public.content_plans p WHERE p.id = OLD.content_plan_id)
                OR EXISTS (SELECT 1 FROM public.content_submissions s WHERE s.id = OLD.submission_id) THEN
            RAISE EXCEPTION 'a review round is history: it goes only with its plan or submission'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF app OR to_jsonb(NEW) - 'created_at' <> to_jsonb(OLD) - 'created_at' THEN
            RAISE EXCEPTION 'a review round is history and does not change' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.content_plan_id IS NULL) = (NEW.submission_id IS NULL) THEN
        RETURN NEW;  -- the seed's CHECK refuses it with its own name
    END IF;
    IF NEW.content_plan_id IS NOT NULL THEN
        SELECT p.status, p.current_revision_number, p.campaign_id,
               jsonb_build_object('content_type', p.content_type, 'plan_data', p.plan_data) AS snapshot
          INTO parent FROM public.content_plans p WHERE p.id = NEW.content_plan_id FOR UPDATE;
    ELSE
        SELECT s.status, s.current_revision_number, s.campaign_id,
               jsonb_build_object('content_type', s.content_type, 'caption', s.caption,
                                  'version', s.current_revision_number + 1) AS snapshot
          INTO parent FROM public.content_submissions s WHERE s.id = NEW.submission_id FOR UPDATE;
    END IF;
    IF NOT FOUND THEN
        RETURN NEW;  -- not there, or not the caller's to see: the foreign key or row-level security refuses it
    END IF;
    IF parent.status IS DISTINCT FROM 'submitted' THEN
        RAISE EXCEPTION 'already reviewed: this content is % after round %', parent.status,
            parent.current_revision_number USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.revision_number IS DISTINCT FROM parent.current_revision_number + 1 THEN
        RAISE EXCEPTION 'already reviewed: round % is next, not %', parent.current_revision_number + 1,
            NEW.revision_number USING ERRCODE = 'check_violation';
    END IF;
    IF app THEN
        actor := public.circlue_current_user_id();
        IF actor IS NULL THEN
            RAISE EXCEPTION 'a review round is signed by a logged-in user' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.feedback_by IS NULL THEN
            NEW.feedback_by := actor;
        ELSIF NEW.feedback_by <> actor THEN
            RAISE EXCEPTION 'a review round is signed by whoever gives it' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.status = 'approved' AND NOT public.circlue_is_admin() THEN
            RAISE EXCEPTION 'only an admin gives the final approval' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.created_at := now();
    END IF;
    snapshot := parent.snapshot;
    IF NEW.submission_id IS NOT NULL THEN
        snapshot := snapshot || jsonb_build_object('files', COALESCE(
            (SELECT jsonb_agg(jsonb_build_object('id', f.id, 'file_url', f.file_url, 'file_type', f.file_type,
                                                 'file_size', f.file_size, 'thumbnail_url', f.thumbnail_url,
                                                 'duration', f.duration, 'original_name', f.original_name)
                              ORDER BY f.created_at, f.id)
             FROM public.content_files f
             WHERE f.submission_id = NEW.submission_id AND f.version = parent.current_revision_number + 1),
            '[]'::jsonb));
    END IF;
    IF NEW.revision_data IS NOT NULL AND jsonb_typeof(NEW.revision_data) <> 'object' THEN
        RAISE EXCEPTION 'revision_data is a JSON object' USING ERRCODE = 'check_violation';
    END IF;
    NEW.revision_data := (COALESCE(NEW.revision_data, '{{}}'::jsonb) - 'snapshot' - 'extra_round')
        || jsonb_build_object('snapshot', snapshot);
    IF NEW.status = 'revision-requested' THEN
        SELECT c.included_revision_rounds INTO included FROM public.campaigns c WHERE c.id = parent.campaign_id;
        SELECT count(*) INTO requested FROM public.content_revisions r
        WHERE r.status = 'revision-requested'
          AND (r.content_plan_id = NEW.content_plan_id OR r.submission_id = NEW.submission_id);
        IF requested + 1 > COALESCE(included, 3) THEN
            NEW.revision_data := NEW.revision_data || jsonb_build_object('extra_round', true);
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""

# Files are added to (and removed from) the version being prepared; reviewed versions are history.
CONTENT_FILE = f"""
CREATE OR REPLACE FUNCTION public.circlue_content_file() RETURNS trigger
LANGUAGE plpgsql {PIN} AS $$
DECLARE
    app boolean := current_user = 'circlue_app';
    submission record;
BEGIN{_refuse_other_tables("circlue_content_file")}
    IF TG_OP = 'DELETE' THEN
        SELECT s.status, s.current_revision_number INTO submission
        FROM public.content_submissions s WHERE s.id = OLD.submission_id;
        IF FOUND AND (submission.status NOT IN ({_sql_list(EDITABLE)})
                      OR OLD.version <> submission.current_revision_number + 1) THEN
            RAISE EXCEPTION 'only files of the version being prepared can be removed; reviewed versions are history'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF app OR to_jsonb(NEW) - 'created_at' <> to_jsonb(OLD) - 'created_at' THEN
            RAISE EXCEPTION 'a stored file does not change; upload a new one' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    SELECT s.status, s.current_revision_number INTO submission
    FROM public.content_submissions s WHERE s.id = NEW.submission_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;  -- not there, or not the caller's to see: the foreign key or row-level security refuses it
    END IF;
    IF submission.status NOT IN ({_sql_list(EDITABLE)}) THEN
        RAISE EXCEPTION 'files are added while a submission is a draft or sent back for changes; this one is %',
            submission.status USING ERRCODE = 'check_violation';
    END IF;
    NEW.version := submission.current_revision_number + 1;
    IF app OR NEW.created_at IS NULL THEN
        NEW.created_at := now();
    END IF;
    RETURN NEW;
END
$$
"""

# What a brand user may write of its own campaign while creating it (the workflow trigger keeps the rest in step).
_BRAND_TERMS = "ARRAY[" + ", ".join(
    f"'{column}'"
    for column in (
        "brand_id", "product_id", "title", "description", "budget", "campaign_start_date", "campaign_end_date",
        "proposal_deadline", "ad_type", "status", "current_stage", "updated_at", "status_changed_at",
    )
) + "]"

# 0011's guard with its last branch changed: on content a brand user may only ask for changes.
GUARD_BRAND_WRITES = f"""
CREATE OR REPLACE FUNCTION public.circlue_guard_brand_writes() RETURNS trigger
LANGUAGE plpgsql {PIN} AS $$
DECLARE
    campaign_status text;
BEGIN{_refuse_other_tables("circlue_guard_brand_writes")}
    IF current_user <> 'circlue_app' OR public.circlue_is_staff() THEN
        -- Nested: PL/pgSQL plans a whole condition, and NEW.user_id exists only on brands.
        IF TG_TABLE_NAME = 'brands' THEN
            IF NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = NEW.user_id AND u.role = 'brand') THEN
                RAISE EXCEPTION 'a brand belongs to a brand user (role brand)' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    -- Saving a form unchanged is never a change.
    IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'brands' THEN
        -- Staff create brands and keep their facts; a brand tells its own story.
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'story' - 'updated_at' = to_jsonb(OLD) - 'story' - 'updated_at' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a brand may edit only its story; staff edit the rest'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'campaigns' THEN
        -- A campaign's terms are the brand's to write while it is being created; once submitted they are agreed.
        -- Who manages it, its included review rounds and when it was made are Circlue's, never the brand's.
        IF TG_OP = 'INSERT' AND NEW.status = 'creating' THEN
            IF NEW.manager_id IS NOT NULL OR NEW.included_revision_rounds IS DISTINCT FROM 3 THEN
                RAISE EXCEPTION 'a campaign''s manager and included review rounds are set by Circlue staff'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            NEW.created_at := now();
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status = 'creating' AND NEW.status IN ('creating', 'submitted')
                AND to_jsonb(NEW) - {_BRAND_TERMS} = to_jsonb(OLD) - {_BRAND_TERMS} THEN
            RETURN NEW;
        END IF;
        -- Past creating, a brand makes only its own workflow moves, and changes nothing else.
        IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status
                AND EXISTS (SELECT 1 FROM public.campaign_status_transitions t
                            WHERE t.from_status = OLD.status AND t.to_status = NEW.status AND t.by_brand)
                AND to_jsonb(NEW) - 'status' - 'current_stage' - 'updated_at' - 'status_changed_at'
                    = to_jsonb(OLD) - 'status' - 'current_stage' - 'updated_at' - 'status_changed_at' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a brand may edit a campaign only while it is being created, submit it, ask for a revised proposal and confirm the final one; staff move it further'
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
    -- Content: a brand reviews its campaigns' content by asking for changes (its review round moves the row);
    -- the final approval is an admin's.
    IF TG_OP = 'UPDATE' AND OLD.status = 'submitted' AND NEW.status = 'revision-requested'
            AND to_jsonb(NEW) - 'status' - 'current_revision_number' - 'updated_at' - 'status_changed_at'
                = to_jsonb(OLD) - 'status' - 'current_revision_number' - 'updated_at' - 'status_changed_at' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a brand may only ask for changes to submitted content; the final approval is an admin''s'
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

# function -> tables it is written for; trigger name, table, timing (registered in circlue_trigger_tables first)
TRIGGERS = (
    ("circlue_content_workflow", "content_plans", "workflow_content_status", "BEFORE INSERT OR UPDATE"),
    ("circlue_content_workflow", "content_submissions", "workflow_content_status", "BEFORE INSERT OR UPDATE"),
    ("circlue_content_revision", "content_revisions", "review_round", "BEFORE INSERT OR UPDATE OR DELETE"),
    ("circlue_content_revision", "content_revisions", "review_round_moves", "AFTER INSERT"),
    ("circlue_content_file", "content_files", "version_content_file", "BEFORE INSERT OR UPDATE OR DELETE"),
)
CONTENT_TABLES = ("content_plans", "content_submissions", "content_files", "content_revisions")


def upgrade() -> None:
    """Workflow tables, new columns and rules, the three content triggers, the brand guard, grants."""
    for _table, prefix, statuses, transitions in WORKFLOWS:
        op.execute(f"CREATE TABLE {prefix}_statuses (status VARCHAR(50) PRIMARY KEY, position INTEGER NOT NULL UNIQUE)")
        op.execute(
            f"CREATE TABLE {prefix}_transitions ("
            f" from_status VARCHAR(50) NOT NULL REFERENCES {prefix}_statuses(status),"
            f" to_status VARCHAR(50) NOT NULL REFERENCES {prefix}_statuses(status),"
            " by_review BOOLEAN NOT NULL DEFAULT false,"
            " PRIMARY KEY (from_status, to_status))"
        )
        values = ", ".join(f"('{s}', {n})" for n, s in enumerate(statuses, start=1))
        op.execute(f"INSERT INTO {prefix}_statuses (status, position) VALUES {values}")
        values = ", ".join(f"('{a}', '{b}', {str((a, b) in REVIEW_MOVES).lower()})" for a, b in transitions)
        op.execute(f"INSERT INTO {prefix}_transitions (from_status, to_status, by_review) VALUES {values}")
        op.execute(f"GRANT SELECT ON {prefix}_statuses, {prefix}_transitions TO circlue_app")
    # One view of both machines for the trigger (security_invoker: it reads the tables as the caller).
    op.execute(
        "CREATE VIEW content_workflow_moves WITH (security_invoker = true) AS"
        " SELECT 'content_plans'::text AS table_name, t.from_status, t.to_status, t.by_review, s.position"
        " FROM content_plan_transitions t JOIN content_plan_statuses s ON s.status = t.to_status"
        " UNION ALL SELECT 'content_submissions', t.from_status, t.to_status, t.by_review, s.position"
        " FROM content_submission_transitions t JOIN content_submission_statuses s ON s.status = t.to_status"
    )
    op.execute("GRANT SELECT ON content_workflow_moves TO circlue_app")

    op.execute("ALTER TABLE campaigns ADD COLUMN included_revision_rounds INTEGER NOT NULL DEFAULT 3")
    for table in ("content_plans", "content_submissions"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN status_changed_at TIMESTAMP WITH TIME ZONE")
        # Before the counter is the history's, make it so for rows written before this revision.
        key = "content_plan_id" if table == "content_plans" else "submission_id"
        op.execute(
            f"UPDATE {table} x SET status_changed_at = COALESCE(x.updated_at, x.created_at, now()),"
            f" current_revision_number = COALESCE((SELECT max(r.revision_number) FROM content_revisions r"
            f" WHERE r.{key} = x.id), 0)"
        )
        op.execute(f"ALTER TABLE {table} ALTER COLUMN status_changed_at SET DEFAULT now()")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN status_changed_at SET NOT NULL")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN current_revision_number SET NOT NULL")
    op.execute("ALTER TABLE content_submissions ADD COLUMN caption TEXT")
    op.execute("ALTER TABLE content_files ADD COLUMN version INTEGER")
    op.execute("ALTER TABLE content_files ADD COLUMN original_name VARCHAR(255)")
    op.execute(
        "UPDATE content_files f SET version = GREATEST(1, (SELECT s.current_revision_number FROM content_submissions s"
        " WHERE s.id = f.submission_id))"
    )
    op.execute("ALTER TABLE content_files ALTER COLUMN version SET NOT NULL")
    op.execute("ALTER TABLE content_revisions ALTER COLUMN status SET NOT NULL")
    for table, name, check in CHECKS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_{name} CHECK ({check})")
    for table, prefix, _statuses, _transitions in WORKFLOWS:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_status_fkey FOREIGN KEY (status) REFERENCES {prefix}_statuses(status)"
        )
        # Content belongs to an influencer invited to (and, by the trigger, contracted on) its campaign.
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_invitation_fkey FOREIGN KEY (campaign_id, influencer_id)"
            " REFERENCES campaign_influencers(campaign_id, influencer_id) ON DELETE CASCADE"
        )
        op.execute(f"CREATE INDEX idx_{table}_invitation ON {table}(campaign_id, influencer_id)")
        # The review queue: what waits, oldest first.
        op.execute(f"CREATE INDEX idx_{table}_waiting ON {table}(status_changed_at, id) WHERE status = 'submitted'")
    op.execute(
        "CREATE UNIQUE INDEX idx_content_revisions_plan_round ON content_revisions(content_plan_id, revision_number)"
        " WHERE content_plan_id IS NOT NULL"
    )
    op.execute(
        "CREATE UNIQUE INDEX idx_content_revisions_submission_round ON content_revisions(submission_id, revision_number)"
        " WHERE submission_id IS NOT NULL"
    )
    # A version holds a stored file once (a double-submitted upload adds nothing); it also serves "the files of
    # version n", by its first two columns.
    op.execute(
        "CREATE UNIQUE INDEX idx_content_files_version_file ON content_files(submission_id, version, file_url)"
    )

    for ddl in (PLATFORM_URL_FUNCTION, CONTENT_WORKFLOW, CONTENT_REVISION, CONTENT_FILE, GUARD_BRAND_WRITES):
        op.execute(ddl)
    # The workflow trigger runs as the app role and calls it.
    op.execute("GRANT EXECUTE ON FUNCTION circlue_platform_url_ok(text, text) TO circlue_app")
    registered = sorted({(function, table) for function, table, *_ in TRIGGERS})
    values = ", ".join(f"('{function}', 'public.{table}')" for function, table in registered)
    op.execute(f"INSERT INTO circlue_trigger_tables (function_name, table_name) VALUES {values}")
    for function, table, name, timing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")

    # The app never deletes plans, submissions or review rounds, nor rewrites a round or a stored file.
    op.execute("REVOKE DELETE ON content_plans, content_submissions, content_revisions FROM circlue_app")
    op.execute("REVOKE UPDATE ON content_revisions, content_files FROM circlue_app")
    # The owner (operator commands, the demo's back-dating) reads and writes content under FORCE RLS; the
    # triggers it fires count review rounds, which an empty view of the table would get wrong.
    for table in CONTENT_TABLES:
        op.execute(f"CREATE POLICY {table}_owner ON {table} FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)")


def downgrade() -> None:
    """Drop what upgrade added; put back 0011's brand guard and the seed's columns."""
    import importlib.util
    from pathlib import Path

    for table in CONTENT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS {table}_owner ON {table}")
    op.execute("GRANT UPDATE ON content_revisions, content_files TO circlue_app")
    op.execute("GRANT DELETE ON content_plans, content_submissions, content_revisions TO circlue_app")
    for function, table, name, _timing in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(
            f"DELETE FROM circlue_trigger_tables WHERE function_name = '{function}' AND table_name = 'public.{table}'::regclass"
        )
    for name in ("circlue_content_file", "circlue_content_revision", "circlue_content_workflow"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP FUNCTION IF EXISTS circlue_platform_url_ok(text, text)")
    path = Path(__file__).with_name("0011_campaign_pipeline.py")
    spec = importlib.util.spec_from_file_location("_circlue_rev_0011", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    op.execute(next(ddl for ddl in previous.FUNCTIONS if "circlue_guard_brand_writes" in ddl))

    op.execute("DROP INDEX IF EXISTS idx_content_files_version_file")
    op.execute("DROP INDEX IF EXISTS idx_content_revisions_submission_round")
    op.execute("DROP INDEX IF EXISTS idx_content_revisions_plan_round")
    for table, _prefix, _statuses, _transitions in WORKFLOWS:
        op.execute(f"DROP INDEX IF EXISTS idx_{table}_waiting")
        op.execute(f"DROP INDEX IF EXISTS idx_{table}_invitation")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_invitation_fkey")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_status_fkey")
    for table, name, _check in reversed(CHECKS):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{name}")
    op.execute("ALTER TABLE content_revisions ALTER COLUMN status DROP NOT NULL")
    op.execute("ALTER TABLE content_files DROP COLUMN original_name")
    op.execute("ALTER TABLE content_files DROP COLUMN version")
    op.execute("ALTER TABLE content_submissions DROP COLUMN caption")
    for table in ("content_plans", "content_submissions"):
        op.execute(f"ALTER TABLE {table} ALTER COLUMN current_revision_number DROP NOT NULL")
        op.execute(f"ALTER TABLE {table} DROP COLUMN status_changed_at")
    op.execute("ALTER TABLE campaigns DROP COLUMN included_revision_rounds")
    op.execute("DROP VIEW IF EXISTS content_workflow_moves")
    for _table, prefix, _statuses, _transitions in WORKFLOWS:
        op.execute(f"DROP TABLE IF EXISTS {prefix}_transitions")
        op.execute(f"DROP TABLE IF EXISTS {prefix}_statuses")
