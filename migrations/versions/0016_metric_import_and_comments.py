"""Bulk import of metrics through COPY and staging, rules on metric rows, and stored comments (issue 10).

- `metric_import_rows`: an UNLOGGED, owner-only staging table. COPY FROM is refused on a table under row-level
  security, so this one has none; instead the app role may only INSERT (COPY) into it: no SELECT, UPDATE or DELETE,
  so no user reads or changes anyone's staged rows. Staged rows carry the import's id, which exists only inside the
  importing transaction (made by `circlue_metric_import_begin()`), and only the SECURITY DEFINER functions below
  read them, for the caller's own import.
- `metric_imports`: one row per applied import (who, file name and SHA-256, counts, date range), staff read.
- `circlue_metric_import_problems()` marks the staged rows that break a rule only the database can check (unknown
  campaign or influencer, no contracted or completed invitation, a submission of someone else, the same key twice)
  and returns them by line; `circlue_metric_import_apply()` updates the rows whose values changed and inserts the new
  ones (the seed's UNIQUE key decides which), so importing a file twice leaves the same rows. An empty cell (or a
  column the file does not have) keeps the stored value: a file of sales figures alone does not erase the views.
  The one exception is a stored engagement rate that the row's new counts make stale: it is cleared unless the row
  gives (or the importer computes) a new one.
- The per-row audit trigger of performance_metrics does not fire for the importer's own statements (they run as the
  owner, outside any trigger, inside the apply function with the import's id set): one audit row per import records
  who imported which file (its SHA-256), how many rows were inserted, updated and left alone. The app role's own
  writes stay audited row by row, since it runs as circlue_app whatever it sets, and so do the owner's cascades
  (a deleted campaign's metrics), which run inside a foreign-key trigger whatever the app role has set.
- CHECKs on performance_metrics: counts not negative, a known platform, CTR and conversion rate within 0–100 %,
  engagement rate and sales not negative.
- `content_comments`: the comments imported for a piece of content, with their label and score (RLS like the
  submission they belong to; staff write), so sentiment can be shown over time and recomputed when the model improves.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"
STAFF = "(SELECT public.circlue_is_staff())"
PLATFORMS = "('douyin', 'xiaohongshu', 'weibo', 'bilibili')"
AGREED = "('contracted', 'completed')"
KEY = ("campaign_id", "influencer_id", "platform", "metric_date")
VALUES = (
    "content_submission_id", "views", "likes", "comments", "shares", "saves", "engagement_rate",
    "click_through_rate", "conversion_rate", "sales_amount",
)
IMPORT_LOCK = 727_004

METRIC_CHECKS = (
    ("counts_not_negative", "views >= 0 AND likes >= 0 AND comments >= 0 AND shares >= 0 AND saves >= 0"),
    ("platform_known", f"platform IN {PLATFORMS}"),
    (
        "rates_in_range",
        "engagement_rate >= 0 AND click_through_rate BETWEEN 0 AND 100 AND conversion_rate BETWEEN 0 AND 100",
    ),
    ("sales_not_negative", "sales_amount >= 0"),
)

TABLES = (
    """
    CREATE TABLE public.metric_imports (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        created_by UUID NOT NULL REFERENCES public.users(id),
        file_name VARCHAR(255) NOT NULL,
        file_sha256 VARCHAR(64) NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        status VARCHAR(20) NOT NULL DEFAULT 'staging' CHECK (status IN ('staging', 'applied')),
        rows_inserted BIGINT, rows_updated BIGINT, rows_unchanged BIGINT, rows_skipped BIGINT,
        first_date DATE, last_date DATE,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
    )
    """,
    """
    CREATE UNLOGGED TABLE public.metric_import_rows (
        import_id UUID NOT NULL DEFAULT NULLIF(current_setting('circlue.import_id', true), '')::uuid,
        line INTEGER NOT NULL,
        campaign_id UUID NOT NULL,
        influencer_id UUID NOT NULL,
        content_submission_id UUID,
        platform VARCHAR(50) NOT NULL,
        metric_date DATE NOT NULL,
        views INTEGER, likes INTEGER, comments INTEGER, shares INTEGER, saves INTEGER,
        engagement_rate NUMERIC(5, 2), click_through_rate NUMERIC(5, 2), conversion_rate NUMERIC(5, 2),
        sales_amount NUMERIC(15, 2),
        problem TEXT
    )
    """,
    f"""
    CREATE TABLE public.content_comments (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        content_submission_id UUID NOT NULL REFERENCES public.content_submissions(id) ON DELETE CASCADE,
        platform VARCHAR(50) NOT NULL CHECK (platform IN {PLATFORMS}),
        comment_date DATE NOT NULL,
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        likes INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),
        label VARCHAR(3) NOT NULL CHECK (label IN ('pos', 'neg', 'neu')),
        score NUMERIC(5, 4) NOT NULL CHECK (score BETWEEN -1 AND 1),
        purchase_intent BOOLEAN NOT NULL DEFAULT false,
        body_sha256 VARCHAR(64) NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
        CONSTRAINT content_comments_once UNIQUE (content_submission_id, comment_date, body_sha256)
    )
    """,
)

# The caller's own open import: another user's id is refused (and ids are random and never shown to brands).
_OWN_IMPORT = """
        IF NOT public.circlue_is_staff() THEN
            RAISE EXCEPTION 'only staff may import metrics' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM public.metric_imports i WHERE i.id = p_import AND i.status = 'staging'
                       AND i.created_by = public.circlue_current_user_id()) THEN
            RAISE EXCEPTION 'no import % of yours is open in this transaction', p_import
                USING ERRCODE = 'insufficient_privilege';
        END IF;"""

_KEY_MATCH = " AND ".join(f"m.{c} = s.{c}" for c in KEY)
# A file updates what it carries: an empty cell or a missing column never erases a stored value. The one exception
# is a stored engagement rate the row's new counts make stale: without a rate of its own (the importer computes one
# when the row has the counts its platform's rule needs), a row that changes any count clears it.
_COUNTS = ("views", "likes", "comments", "shares", "saves")
_MERGE = {c: f"COALESCE(s.{c}, m.{c})" for c in VALUES}
_MERGE["engagement_rate"] = (
    f"COALESCE(s.engagement_rate, CASE WHEN ({', '.join('m.' + c for c in _COUNTS)}) IS NOT DISTINCT FROM"
    f" ({', '.join(f'COALESCE(s.{c}, m.{c})' for c in _COUNTS)}) THEN m.engagement_rate END)"
)
_CHANGED = f"({', '.join('m.' + c for c in VALUES)}) IS DISTINCT FROM ({', '.join(_MERGE.values())})"
_SET = ", ".join(f"{c} = {merged}" for c, merged in _MERGE.items())
_COLUMNS = ", ".join((*KEY, *VALUES))
_S_COLUMNS = ", ".join("s." + c for c in (*KEY, *VALUES))

FUNCTIONS = (
    f"""
    CREATE FUNCTION public.circlue_metric_import_begin(p_file_name text, p_sha256 text) RETURNS uuid
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        me uuid := public.circlue_current_user_id();
        new_id uuid;
    BEGIN
        IF NOT public.circlue_is_staff() THEN
            RAISE EXCEPTION 'only staff may import metrics' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{{64}}$' OR p_file_name IS NULL
                OR length(p_file_name) NOT BETWEEN 1 AND 255 THEN
            RAISE EXCEPTION 'circlue_metric_import_begin: a file name and its SHA-256 expected'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- Every committed staged row is left over (an import deletes its rows before it commits): clear them.
        DELETE FROM public.metric_import_rows;
        INSERT INTO public.metric_imports (created_by, file_name, file_sha256)
        VALUES (me, p_file_name, p_sha256) RETURNING id INTO new_id;
        -- COPY fills import_id from this setting (the column's default), for this transaction only.
        PERFORM set_config('circlue.import_id', new_id::text, true);
        RETURN new_id;
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_metric_import_problems(p_import uuid, p_limit integer)
    RETURNS TABLE (line integer, problem text, total bigint)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    BEGIN{_OWN_IMPORT}
        PERFORM set_config('work_mem', '256MB', true);
        -- The staged rows are new in this transaction, so the planner knows nothing of them: without statistics it
        -- joins a million rows by nested loop (minutes instead of seconds, measured). ANALYZE counts our own rows.
        ANALYZE public.metric_import_rows;
        UPDATE public.metric_import_rows r SET problem = bad.problem
        FROM (
            SELECT s.line,
                   CASE WHEN c.id IS NULL THEN 'unknown_campaign'
                        WHEN i.id IS NULL THEN 'unknown_influencer'
                        WHEN ci.id IS NULL THEN 'not_contracted'
                        WHEN s.content_submission_id IS NOT NULL AND cs.id IS NULL THEN 'foreign_submission'
                   END AS problem
            FROM public.metric_import_rows s
            LEFT JOIN public.campaigns c ON c.id = s.campaign_id
            LEFT JOIN public.influencers i ON i.id = s.influencer_id
            LEFT JOIN public.campaign_influencers ci ON ci.campaign_id = s.campaign_id
                 AND ci.influencer_id = s.influencer_id AND ci.status IN {AGREED}
            LEFT JOIN public.content_submissions cs ON cs.id = s.content_submission_id
                 AND cs.campaign_id = s.campaign_id AND cs.influencer_id = s.influencer_id
            WHERE s.import_id = p_import
              AND (c.id IS NULL OR i.id IS NULL OR ci.id IS NULL
                   OR (s.content_submission_id IS NOT NULL AND cs.id IS NULL))
            UNION ALL
            -- The same key twice: the first line counts, the later ones name it.
            SELECT d.line, 'duplicate:' || d.first_line
            FROM (SELECT s.line, min(s.line) OVER (PARTITION BY {', '.join('s.' + c for c in KEY)}) AS first_line
                  FROM public.metric_import_rows s
                  WHERE s.import_id = p_import
                    AND ({', '.join('s.' + c for c in KEY)}) IN (
                        SELECT {', '.join('k.' + c for c in KEY)} FROM public.metric_import_rows k
                        WHERE k.import_id = p_import GROUP BY {', '.join('k.' + c for c in KEY)}
                        HAVING count(*) > 1)) d
            WHERE d.line <> d.first_line
        ) bad
        WHERE r.import_id = p_import AND r.line = bad.line AND r.problem IS NULL;
        RETURN QUERY
        SELECT r.line, r.problem, count(*) OVER ()
        FROM public.metric_import_rows r WHERE r.import_id = p_import AND r.problem IS NOT NULL
        ORDER BY r.line LIMIT GREATEST(p_limit, 0);
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_metric_import_apply(p_import uuid)
    RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, skipped bigint, first_date date, last_date date)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        lo date;
        hi date;
        good bigint;
        bad bigint;
        n_inserted bigint := 0;
        n_updated bigint := 0;
        any_stored boolean;
        month date;
        file record;
    BEGIN{_OWN_IMPORT}
        -- Imports queue: two at once would both see a key as new and the second would fail on it.
        PERFORM pg_advisory_xact_lock({IMPORT_LOCK});
        PERFORM set_config('work_mem', '256MB', true);
        -- The range is the good rows' only: a bad row's date makes no partition and widens no scan.
        SELECT min(s.metric_date) FILTER (WHERE s.problem IS NULL), max(s.metric_date) FILTER (WHERE s.problem IS NULL),
               count(*) FILTER (WHERE s.problem IS NULL), count(*) FILTER (WHERE s.problem IS NOT NULL)
          INTO lo, hi, good, bad
        FROM public.metric_import_rows s WHERE s.import_id = p_import;
        IF good > 0 THEN
            month := date_trunc('month', lo)::date;
            WHILE month <= hi LOOP
                PERFORM public.circlue_create_month_partition('performance_metrics', month);
                month := (month + interval '1 month')::date;
            END LOOP;
            -- The dates are literals so that only the import's months are planned and scanned.
            EXECUTE format(
                'UPDATE public.performance_metrics m SET {_SET}'
                ' FROM public.metric_import_rows s'
                ' WHERE s.import_id = %L AND s.problem IS NULL AND {_KEY_MATCH}'
                ' AND m.metric_date BETWEEN %L AND %L AND {_CHANGED}', p_import, lo, hi);
            GET DIAGNOSTICS n_updated = ROW_COUNT;
            -- Keys already stored are left to the UPDATE above; when none is (a new month), the insert needs no
            -- anti-join against the table at all.
            EXECUTE format(
                'SELECT EXISTS (SELECT 1 FROM public.metric_import_rows s JOIN public.performance_metrics m'
                ' ON {_KEY_MATCH} AND m.metric_date BETWEEN %L AND %L WHERE s.import_id = %L AND s.problem IS NULL)',
                lo, hi, p_import) INTO any_stored;
            EXECUTE format(
                'INSERT INTO public.performance_metrics ({_COLUMNS}) SELECT {_S_COLUMNS}'
                ' FROM public.metric_import_rows s'
                ' WHERE s.import_id = %L AND s.problem IS NULL AND (NOT %L OR NOT EXISTS ('
                ' SELECT 1 FROM public.performance_metrics m WHERE {_KEY_MATCH}'
                ' AND m.metric_date BETWEEN %L AND %L))', p_import, any_stored, lo, hi);
            GET DIAGNOSTICS n_inserted = ROW_COUNT;
        END IF;
        UPDATE public.metric_imports i SET status = 'applied', rows_inserted = n_inserted, rows_updated = n_updated,
            rows_unchanged = good - n_inserted - n_updated, rows_skipped = bad, first_date = lo, last_date = hi
        WHERE i.id = p_import RETURNING i.file_name, i.file_sha256 INTO file;
        -- One audit row for the whole import instead of one per metric row (see docs/security.md).
        INSERT INTO public.audit_logs (user_id, action, entity_type, entity_id, new_values, ip_address, user_agent)
        VALUES (public.circlue_current_user_id(), 'IMPORT', 'performance_metrics', p_import,
                jsonb_build_object('file_name', file.file_name, 'file_sha256', file.file_sha256,
                                   'inserted', n_inserted, 'updated', n_updated,
                                   'unchanged', good - n_inserted - n_updated, 'skipped', bad,
                                   'first_date', lo, 'last_date', hi),
                NULLIF(current_setting('circlue.ip', true), '')::inet,
                left(NULLIF(current_setting('circlue.user_agent', true), ''), 500));
        DELETE FROM public.metric_import_rows s WHERE s.import_id = p_import;
        RETURN QUERY SELECT n_inserted, n_updated, good - n_inserted - n_updated, bad, lo, hi;
    END
    $$
    """,
)

INFLUENCERS_BRAND_READ = "CREATE POLICY influencers_brand_read ON public.influencers FOR SELECT TO circlue_app USING ({rule})"
INFLUENCERS_BY_IN = "id IN (SELECT ci.influencer_id FROM public.campaign_influencers ci)"
INFLUENCERS_BY_EXISTS = (
    "EXISTS (SELECT 1 FROM public.campaign_influencers ci WHERE ci.influencer_id = influencers.id)"
)

# Not when the importer's own statements run (as the owner, inside circlue_metric_import_apply, with the import's id
# set). The setting is the app role's to set, so it exempts nothing else: the app role's writes run as circlue_app,
# and the owner's cascades (ON DELETE CASCADE from campaigns, influencers, submissions) run inside the foreign key's
# trigger (pg_trigger_depth() > 0); the only owner statements at depth 0 with the setting are the importer's.
AUDIT_WHEN = (
    "current_user = 'circlue_app' OR pg_trigger_depth() > 0"
    " OR NULLIF(current_setting('circlue.import_id', true), '') IS NULL"
)


def upgrade() -> None:
    """Staging, import functions, metric CHECKs, the import audit rule and stored comments."""
    for name, check in METRIC_CHECKS:
        op.execute(f"ALTER TABLE public.performance_metrics ADD CONSTRAINT performance_metrics_{name} CHECK ({check})")
    for ddl in TABLES:
        op.execute(ddl)

    # metric_imports: staff read the history; only the functions write it.
    op.execute("ALTER TABLE public.metric_imports ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE public.metric_imports FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY metric_imports_staff_read ON public.metric_imports FOR SELECT TO circlue_app USING ({STAFF})")
    op.execute(
        "CREATE POLICY metric_imports_owner ON public.metric_imports FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)"
    )
    op.execute("GRANT SELECT ON public.metric_imports TO circlue_app")
    op.execute("CREATE INDEX idx_metric_imports_created ON public.metric_imports (created_at DESC)")
    # metric_import_rows: COPY target only (no RLS, see the docstring).
    op.execute("GRANT INSERT ON public.metric_import_rows TO circlue_app")

    # The importer runs as the owner under FORCE: it reads and writes metrics.
    op.execute(
        "CREATE POLICY performance_metrics_owner ON public.performance_metrics FOR ALL TO CURRENT_USER"
        " USING (true) WITH CHECK (true)"
    )
    # Submissions: the owner reads them through content_submissions_owner (0013).
    for ddl in FUNCTIONS:
        op.execute(ddl)
    op.execute(
        "GRANT EXECUTE ON FUNCTION public.circlue_metric_import_begin(text, text),"
        " public.circlue_metric_import_problems(uuid, integer), public.circlue_metric_import_apply(uuid) TO circlue_app"
    )
    op.execute("DROP TRIGGER audit_performance_metrics ON public.performance_metrics")
    op.execute(
        "CREATE TRIGGER audit_performance_metrics AFTER INSERT OR UPDATE OR DELETE ON public.performance_metrics"
        f" FOR EACH ROW WHEN ({AUDIT_WHEN}) EXECUTE FUNCTION public.circlue_audit()"
    )
    op.execute(
        "INSERT INTO public.circlue_trigger_tables (function_name, table_name)"
        " VALUES ('circlue_audit', 'public.metric_imports'), ('circlue_audit', 'public.content_comments')"
    )
    op.execute(
        "CREATE TRIGGER audit_metric_imports AFTER INSERT OR UPDATE OR DELETE ON public.metric_imports"
        " FOR EACH ROW EXECUTE FUNCTION public.circlue_audit()"
    )

    # The same rule as 0010's, said per influencer: "IN (SELECT …)" hashed every invitation the brand can see on each
    # statement (20 ms among 80,000 invitations, on every dashboard), EXISTS probes the influencer's own (0.01 ms).
    op.execute("DROP POLICY influencers_brand_read ON public.influencers")
    op.execute(INFLUENCERS_BRAND_READ.format(rule=INFLUENCERS_BY_EXISTS))

    # content_comments: a brand reads the comments on its own content; staff import them.
    op.execute("ALTER TABLE public.content_comments ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE public.content_comments FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY content_comments_staff ON public.content_comments FOR ALL TO circlue_app"
        f" USING ({STAFF}) WITH CHECK ({STAFF})"
    )
    op.execute(
        "CREATE POLICY content_comments_brand_read ON public.content_comments FOR SELECT TO circlue_app"
        " USING (content_submission_id IN (SELECT s.id FROM public.content_submissions s))"
    )
    op.execute("GRANT SELECT, INSERT, UPDATE ON public.content_comments TO circlue_app")
    op.execute(
        "CREATE INDEX idx_content_comments_submission ON public.content_comments (content_submission_id, comment_date)"
    )
    op.execute(
        "CREATE TRIGGER audit_content_comments AFTER INSERT OR UPDATE OR DELETE ON public.content_comments"
        " FOR EACH ROW EXECUTE FUNCTION public.circlue_audit()"
    )


def downgrade() -> None:
    """Drop what upgrade added and give performance_metrics its plain audit trigger back."""
    op.execute("DROP POLICY influencers_brand_read ON public.influencers")
    op.execute(INFLUENCERS_BRAND_READ.format(rule=INFLUENCERS_BY_IN))
    op.execute(
        "DELETE FROM public.circlue_trigger_tables"
        " WHERE table_name IN ('public.metric_imports'::regclass, 'public.content_comments'::regclass)"
    )
    op.execute("DROP TABLE public.content_comments")
    op.execute("DROP TRIGGER audit_performance_metrics ON public.performance_metrics")
    op.execute(
        "CREATE TRIGGER audit_performance_metrics AFTER INSERT OR UPDATE OR DELETE ON public.performance_metrics"
        " FOR EACH ROW EXECUTE FUNCTION public.circlue_audit()"
    )
    for name in ("circlue_metric_import_apply(uuid)", "circlue_metric_import_problems(uuid, integer)",
                 "circlue_metric_import_begin(text, text)"):
        op.execute(f"DROP FUNCTION public.{name}")
    op.execute("DROP POLICY performance_metrics_owner ON public.performance_metrics")
    op.execute("DROP TABLE public.metric_import_rows")
    op.execute("DROP TABLE public.metric_imports")
    for name, _check in reversed(METRIC_CHECKS):
        op.execute(f"ALTER TABLE public.performance_metrics DROP CONSTRAINT performance_metrics_{name}")
