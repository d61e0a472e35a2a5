"""Monthly partitions for performance_metrics (metric_date) and audit_logs (created_at) (seed 확장성 1, issue 10).

- Both tables become RANGE-partitioned by month with a DEFAULT partition, so a row for a month without a partition
  is kept, never refused. Primary keys carry the partition key: performance_metrics (id, metric_date), audit_logs
  (id, created_at; created_at becomes NOT NULL). comment_analysis gains metric_date and references
  performance_metrics (id, metric_date). The seed's UNIQUE (campaign_id, influencer_id, platform, metric_date)
  already holds the partition key and stays.
- Existing rows move into the new tables; RLS (forced, the same policies), grants, triggers and their
  circlue_trigger_tables rows are recreated. Partitions get no grants: the app reaches rows only through the
  parent, where the policies are.
- A row trigger on a partitioned table fires with TG_RELID of the partition: the registry check of the trigger
  functions on these tables (circlue_audit, update_updated_at_column) resolves the partition's root with
  pg_partition_root() and compares that with the registered parent; the audit records the parent's name.
- circlue_create_month_partition() makes one month's partition and moves the rows of that month out of the DEFAULT
  partition when there are any; circlue_ensure_partitions() (owner: CLI, app start) and
  circlue_ensure_metric_partitions() (SECURITY DEFINER, staff: the importer and the demo) call it for a range.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"
STAFF = "(SELECT public.circlue_is_staff())"
ADMIN = "(SELECT public.circlue_is_admin())"
BY_CAMPAIGN = "campaign_id = ANY ((SELECT public.circlue_my_campaign_ids())::uuid[])"
UNIQUE_KEY = "performance_metrics_campaign_id_influencer_id_platform_metr_key"

# The seed's indexes and the later ones, recreated on the partitioned tables under the same names.
METRIC_INDEXES = {
    # The campaign index carries the date: a brand's dashboard reads its campaigns for a date range.
    "idx_performance_metrics_campaign_id": "(campaign_id, metric_date)",
    "idx_performance_metrics_date": "(metric_date)",
}
AUDIT_INDEXES = {
    "idx_audit_logs_user_id": "(user_id)",
    "idx_audit_logs_created_at": "(created_at)",
    "idx_audit_logs_entity_id": "(entity_id)",
    "idx_audit_logs_entity_type_created": "(entity_type, created_at DESC)",
}
METRIC_COLUMNS = (
    "id, campaign_id, influencer_id, content_submission_id, platform, metric_date, views, likes, comments, shares,"
    " saves, engagement_rate, click_through_rate, conversion_rate, sales_amount, created_at, updated_at"
)
AUDIT_COLUMNS = "id, user_id, action, entity_type, entity_id, old_values, new_values, ip_address, user_agent, created_at"

METRICS_TABLE = f"""
CREATE TABLE public.performance_metrics (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL,
    influencer_id UUID NOT NULL,
    content_submission_id UUID,
    platform VARCHAR(50) NOT NULL,
    metric_date DATE NOT NULL,
    views INTEGER DEFAULT 0,
    likes INTEGER DEFAULT 0,
    comments INTEGER DEFAULT 0,
    shares INTEGER DEFAULT 0,
    saves INTEGER DEFAULT 0,
    engagement_rate NUMERIC(5, 2),
    click_through_rate NUMERIC(5, 2),
    conversion_rate NUMERIC(5, 2),
    sales_amount NUMERIC(15, 2),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT performance_metrics_pkey PRIMARY KEY (id, metric_date),
    CONSTRAINT {UNIQUE_KEY} UNIQUE (campaign_id, influencer_id, platform, metric_date),
    CONSTRAINT performance_metrics_campaign_id_fkey FOREIGN KEY (campaign_id)
        REFERENCES public.campaigns(id) ON DELETE CASCADE,
    CONSTRAINT performance_metrics_influencer_id_fkey FOREIGN KEY (influencer_id)
        REFERENCES public.influencers(id) ON DELETE CASCADE,
    CONSTRAINT performance_metrics_content_submission_id_fkey FOREIGN KEY (content_submission_id)
        REFERENCES public.content_submissions(id) ON DELETE CASCADE
) PARTITION BY RANGE (metric_date)
"""

AUDIT_TABLE = """
CREATE TABLE public.audit_logs (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id UUID,
    action VARCHAR(100) NOT NULL,
    entity_type VARCHAR(50),
    entity_id UUID,
    old_values JSONB,
    new_values JSONB,
    ip_address INET,
    user_agent TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT audit_logs_pkey PRIMARY KEY (id, created_at),
    CONSTRAINT audit_logs_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL
) PARTITION BY RANGE (created_at)
"""


def _refuse_other_tables(function: str) -> str:
    """0010's guard, resolving a partition to its partitioned root before comparing with the registry."""
    return f"""
    IF NOT EXISTS (SELECT 1 FROM public.circlue_trigger_tables t
                   WHERE t.function_name = '{function}'
                     AND t.table_name::oid = COALESCE(pg_catalog.pg_partition_root(TG_RELID), TG_RELID)) THEN
        RAISE EXCEPTION '{function}() does not run for %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


TRIGGER_FUNCTIONS = (
    f"""
    CREATE OR REPLACE FUNCTION public.update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    BEGIN{_refuse_other_tables("update_updated_at_column")}
        NEW.updated_at = CURRENT_TIMESTAMP;
        RETURN NEW;
    END
    $$
    """,
    # The entity type is the table the app knows (performance_metrics), not the partition the row sits in.
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {PIN} AS $$
    DECLARE
        uid uuid;
        ip inet := NULLIF(current_setting('circlue.ip', true), '')::inet;
        ua text := left(NULLIF(current_setting('circlue.user_agent', true), ''), 500);
        entity text := TG_TABLE_NAME;
        old_j jsonb;
        new_j jsonb;
    BEGIN{_refuse_other_tables("circlue_audit")}
        IF pg_catalog.pg_partition_root(TG_RELID) IS NOT NULL THEN
            SELECT c.relname INTO entity FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.pg_partition_root(TG_RELID);
        END IF;
        uid := public.circlue_current_user_id();
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            old_j := to_jsonb(OLD) - 'password_hash' - 'token';
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            new_j := to_jsonb(NEW) - 'password_hash' - 'token';
        END IF;
        INSERT INTO public.audit_logs
            (user_id, action, entity_type, entity_id, old_values, new_values, ip_address, user_agent)
        VALUES (uid, TG_OP, entity, COALESCE(new_j->>'id', old_j->>'id')::uuid, old_j, new_j, ip, ua);
        RETURN NULL;
    END
    $$
    """,
)

PARTITION_FUNCTIONS = (
    # Invoker (the owner, or a definer function below); the app role may not call it.
    f"""
    CREATE FUNCTION public.circlue_create_month_partition(p_parent text, p_month date) RETURNS boolean
    LANGUAGE plpgsql VOLATILE {PIN} AS $$
    DECLARE
        lo date := date_trunc('month', p_month)::date;
        hi date := (date_trunc('month', p_month) + interval '1 month')::date;
        part text := format('%s_y%sm%s', p_parent, to_char(p_month, 'YYYY'), to_char(p_month, 'MM'));
        default_part text := p_parent || '_default';
        key text;
        lo_bound text;
        hi_bound text;
        moved bigint;
        saved public.comment_analysis[];
    BEGIN
        IF p_parent = 'performance_metrics' THEN
            key := 'metric_date';
            lo_bound := lo::text;
            hi_bound := hi::text;
        ELSIF p_parent = 'audit_logs' THEN
            key := 'created_at';
            lo_bound := (lo::timestamp AT TIME ZONE 'UTC')::text;
            hi_bound := (hi::timestamp AT TIME ZONE 'UTC')::text;
        ELSE
            RAISE EXCEPTION 'circlue_create_month_partition: % is not partitioned by month', p_parent
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_month IS NULL OR lo < DATE '2000-01-01' OR lo >= DATE '2100-01-01' THEN
            RAISE EXCEPTION 'circlue_create_month_partition: a month between 2000 and 2099 expected, not %', p_month
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF to_regclass('public.' || part) IS NOT NULL THEN
            RETURN false;
        END IF;
        -- Two creators of the same month queue here (the lock conflicts with itself, not with reads or writes).
        EXECUTE format('LOCK TABLE public.%I IN SHARE UPDATE EXCLUSIVE MODE', p_parent);
        IF to_regclass('public.' || part) IS NOT NULL THEN
            RETURN false;
        END IF;
        EXECUTE format('SELECT count(*) FROM public.%I WHERE %I >= %L AND %I < %L',
                       default_part, key, lo_bound, key, hi_bound) INTO moved;
        IF moved = 0 THEN
            EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                           part, p_parent, lo_bound, hi_bound);
            RETURN true;
        END IF;
        -- Rows of this month wait in the DEFAULT partition: move them into the new month, which is attached only
        -- once they are out of the default (ATTACH checks that). Their comment analyses would go with them through
        -- the cascade, so they are kept aside and put back; the per-row audit is off for the move (one summary
        -- row below says what moved), since nothing about the rows changes.
        EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       part, p_parent);
        IF p_parent = 'performance_metrics' THEN
            SELECT array_agg(ca) INTO saved FROM public.comment_analysis ca
            WHERE ca.metric_date >= lo AND ca.metric_date < hi
              AND EXISTS (SELECT 1 FROM public.performance_metrics_default d
                          WHERE d.id = ca.performance_metric_id AND d.metric_date = ca.metric_date);
            ALTER TABLE public.comment_analysis DISABLE TRIGGER audit_comment_analysis;
            ALTER TABLE public.performance_metrics_default DISABLE TRIGGER audit_performance_metrics;
        END IF;
        EXECUTE format('WITH moved AS (DELETE FROM public.%I WHERE %I >= %L AND %I < %L RETURNING *)'
                       ' INSERT INTO public.%I SELECT * FROM moved',
                       default_part, key, lo_bound, key, hi_bound, part);
        EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                       p_parent, part, lo_bound, hi_bound);
        IF p_parent = 'performance_metrics' THEN
            INSERT INTO public.comment_analysis SELECT * FROM unnest(saved);
            ALTER TABLE public.performance_metrics_default ENABLE TRIGGER audit_performance_metrics;
            ALTER TABLE public.comment_analysis ENABLE TRIGGER audit_comment_analysis;
        END IF;
        INSERT INTO public.audit_logs (user_id, action, entity_type, new_values)
        VALUES (public.circlue_current_user_id(), 'PARTITION', p_parent,
                jsonb_build_object('partition', part, 'rows_moved_from_default', moved,
                                   'comment_analyses_kept', COALESCE(cardinality(saved), 0)));
        RETURN true;
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_ensure_partitions(p_from date, p_to date) RETURNS integer
    LANGUAGE plpgsql VOLATILE {PIN} AS $$
    DECLARE
        month date := date_trunc('month', p_from)::date;
        created integer := 0;
    BEGIN
        IF p_from IS NULL OR p_to IS NULL OR p_to < p_from OR p_to - p_from > 3700 THEN
            RAISE EXCEPTION 'circlue_ensure_partitions: a range of at most ten years expected'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        WHILE month <= p_to LOOP
            created := created + public.circlue_create_month_partition('performance_metrics', month)::int
                               + public.circlue_create_month_partition('audit_logs', month)::int;
            month := (month + interval '1 month')::date;
        END LOOP;
        RETURN created;
    END
    $$
    """,
    # The importer and the demo run as the app role: staff may have metric partitions made for the dates they load.
    f"""
    CREATE FUNCTION public.circlue_ensure_metric_partitions(p_from date, p_to date) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        month date := date_trunc('month', p_from)::date;
        created integer := 0;
    BEGIN
        IF NOT public.circlue_is_staff() THEN
            RAISE EXCEPTION 'only staff may add metric partitions' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_from IS NULL OR p_to IS NULL OR p_to < p_from OR p_to - p_from > 3700
                OR p_from < DATE '2000-01-01' OR p_to >= DATE '2100-01-01' THEN
            RAISE EXCEPTION 'circlue_ensure_metric_partitions: dates between 2000 and 2099, at most ten years apart'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        WHILE month <= p_to LOOP
            created := created + public.circlue_create_month_partition('performance_metrics', month)::int;
            month := (month + interval '1 month')::date;
        END LOOP;
        RETURN created;
    END
    $$
    """,
)


def _months_sql(table: str, column: str) -> str:
    """The first month with rows in `table` (or this month) to three months ahead, as a set of dates. Months start at
    2000 as partitions do: older rows (the seed's columns allowed them) stay in the DEFAULT partition, kept."""
    return (
        "SELECT generate_series(date_trunc('month', GREATEST(LEAST(COALESCE(min(" + column + ")::date, current_date),"
        " current_date), DATE '2000-01-01')), date_trunc('month', current_date) + interval '3 months',"
        " interval '1 month')::date"
        f" FROM {table}"
    )


def _partition_table(parent: str, column: str, old: str) -> None:
    """The DEFAULT partition, and month partitions covering `old`'s rows and the next three months."""
    op.execute(f"CREATE TABLE public.{parent}_default PARTITION OF public.{parent} DEFAULT")
    op.execute(
        f"""
        DO $$
        DECLARE m date;
        BEGIN
            FOR m IN {_months_sql(old, column)} LOOP
                PERFORM public.circlue_create_month_partition('{parent}', m);
            END LOOP;
        END
        $$
        """
    )


def _set_aside(table: str, indexes: dict[str, str], constraints: tuple[str, ...]) -> str:
    """Rename `table` and its named indexes and constraints out of the way; return the old table's name."""
    old = f"{table}_unpartitioned"
    op.execute(f"ALTER TABLE public.{table} RENAME TO {old}")
    # Short names: the unique key's name is already 63 characters, so a suffix would be cut off again.
    for n, name in enumerate((*constraints, *indexes)):
        op.execute(f"ALTER INDEX public.{name} RENAME TO {table}_retired_{n}")
    # As a non-superuser owner, FORCE would hide the rows from the copy below.
    op.execute(f"ALTER TABLE public.{old} NO FORCE ROW LEVEL SECURITY")
    return old


def _metric_security() -> None:
    op.execute("ALTER TABLE public.performance_metrics ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE public.performance_metrics FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY performance_metrics_staff ON public.performance_metrics FOR ALL TO circlue_app"
        f" USING ({STAFF}) WITH CHECK ({STAFF})"
    )
    op.execute(
        f"CREATE POLICY performance_metrics_brand_read ON public.performance_metrics FOR SELECT TO circlue_app"
        f" USING ({BY_CAMPAIGN})"
    )
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON public.performance_metrics TO circlue_app")
    op.execute(
        "CREATE TRIGGER audit_performance_metrics AFTER INSERT OR UPDATE OR DELETE ON public.performance_metrics"
        " FOR EACH ROW EXECUTE FUNCTION public.circlue_audit()"
    )
    op.execute(
        "CREATE TRIGGER update_performance_metrics_updated_at BEFORE UPDATE ON public.performance_metrics"
        " FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column()"
    )
    op.execute(
        "INSERT INTO public.circlue_trigger_tables (function_name, table_name)"
        " VALUES ('circlue_audit', 'public.performance_metrics'), ('update_updated_at_column', 'public.performance_metrics')"
    )


def _audit_security() -> None:
    op.execute("ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE public.audit_logs FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY audit_logs_admin_read ON public.audit_logs FOR SELECT TO circlue_app USING ({ADMIN})")
    op.execute(
        "CREATE POLICY audit_logs_owner_append ON public.audit_logs FOR INSERT TO CURRENT_USER WITH CHECK (true)"
    )
    for name, command in (("read", "SELECT"), ("rotate", "UPDATE")):  # `keys rotate` re-encrypts as the owner (0012)
        op.execute(f"CREATE POLICY audit_logs_owner_{name} ON public.audit_logs FOR {command} TO CURRENT_USER USING (true)")
    op.execute("GRANT SELECT ON public.audit_logs TO circlue_app")


def _comment_analysis_policy() -> str:
    return (
        "CREATE POLICY comment_analysis_brand_read ON public.comment_analysis FOR SELECT TO circlue_app USING ("
        "EXISTS (SELECT 1 FROM public.performance_metrics m"
        " WHERE m.id = comment_analysis.performance_metric_id AND m.metric_date = comment_analysis.metric_date))"
    )


def upgrade() -> None:
    """Partition both tables by month, move their rows, and put security, triggers and references back."""
    for ddl in (*TRIGGER_FUNCTIONS, *PARTITION_FUNCTIONS):
        op.execute(ddl)
    op.execute("GRANT EXECUTE ON FUNCTION public.circlue_ensure_metric_partitions(date, date) TO circlue_app")
    # The partition functions read and write comment_analysis as the owner, which FORCE subjects to policies.
    op.execute(
        "CREATE POLICY comment_analysis_owner ON public.comment_analysis FOR ALL TO CURRENT_USER"
        " USING (true) WITH CHECK (true)"
    )

    # performance_metrics, and comment_analysis which references it.
    op.execute("ALTER TABLE public.comment_analysis DROP CONSTRAINT comment_analysis_performance_metric_id_fkey")
    op.execute("DROP POLICY comment_analysis_brand_read ON public.comment_analysis")
    old = _set_aside("performance_metrics", METRIC_INDEXES, ("performance_metrics_pkey", UNIQUE_KEY))
    op.execute(f"DELETE FROM public.circlue_trigger_tables WHERE table_name = 'public.{old}'::regclass")
    op.execute(METRICS_TABLE)
    for name, columns in METRIC_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON public.performance_metrics {columns}")
    _partition_table("performance_metrics", "metric_date", old)
    op.execute(f"INSERT INTO public.performance_metrics ({METRIC_COLUMNS}) SELECT {METRIC_COLUMNS} FROM public.{old}")

    op.execute("ALTER TABLE public.comment_analysis ADD COLUMN metric_date DATE")
    # Migration bookkeeping, not a change anyone made: no audit row per analysis.
    op.execute("ALTER TABLE public.comment_analysis DISABLE TRIGGER audit_comment_analysis")
    op.execute(
        f"UPDATE public.comment_analysis ca SET metric_date = m.metric_date FROM public.{old} m"
        " WHERE m.id = ca.performance_metric_id"
    )
    op.execute("ALTER TABLE public.comment_analysis ENABLE TRIGGER audit_comment_analysis")
    op.execute("ALTER TABLE public.comment_analysis ALTER COLUMN metric_date SET NOT NULL")
    op.execute(
        "ALTER TABLE public.comment_analysis ADD CONSTRAINT comment_analysis_performance_metric_id_fkey"
        " FOREIGN KEY (performance_metric_id, metric_date) REFERENCES public.performance_metrics (id, metric_date)"
        " ON DELETE CASCADE"
    )
    # The cascade from a metric row and the dashboards find a row's analyses by this key.
    op.execute(
        "CREATE INDEX idx_comment_analysis_metric ON public.comment_analysis (performance_metric_id, metric_date)"
    )
    op.execute(f"DROP TABLE public.{old}")
    _metric_security()
    op.execute(_comment_analysis_policy())

    # audit_logs: nothing references it.
    old = _set_aside("audit_logs", AUDIT_INDEXES, ("audit_logs_pkey",))
    op.execute(AUDIT_TABLE)
    for name, columns in AUDIT_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON public.audit_logs {columns}")
    _partition_table("audit_logs", "created_at", old)
    op.execute(
        f"INSERT INTO public.audit_logs ({AUDIT_COLUMNS})"
        f" SELECT id, user_id, action, entity_type, entity_id, old_values, new_values, ip_address, user_agent,"
        f" COALESCE(created_at, now()) FROM public.{old}"
    )
    op.execute(f"DROP TABLE public.{old}")
    _audit_security()


# The seed's tables as 0012 left them, for the way back.
OLD_METRICS_TABLE = """
CREATE TABLE public.performance_metrics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES public.campaigns(id) ON DELETE CASCADE,
    influencer_id UUID NOT NULL REFERENCES public.influencers(id) ON DELETE CASCADE,
    content_submission_id UUID REFERENCES public.content_submissions(id) ON DELETE CASCADE,
    platform VARCHAR(50) NOT NULL,
    metric_date DATE NOT NULL,
    views INTEGER DEFAULT 0,
    likes INTEGER DEFAULT 0,
    comments INTEGER DEFAULT 0,
    shares INTEGER DEFAULT 0,
    saves INTEGER DEFAULT 0,
    engagement_rate DECIMAL(5, 2),
    click_through_rate DECIMAL(5, 2),
    conversion_rate DECIMAL(5, 2),
    sales_amount NUMERIC(15, 2),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(campaign_id, influencer_id, platform, metric_date)
)
"""
OLD_AUDIT_TABLE = """
CREATE TABLE public.audit_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES public.users(id) ON DELETE SET NULL,
    action VARCHAR(100) NOT NULL,
    entity_type VARCHAR(50),
    entity_id UUID,
    old_values JSONB,
    new_values JSONB,
    ip_address INET,
    user_agent TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
)
"""
OLD_METRIC_INDEXES = {"idx_performance_metrics_campaign_id": "(campaign_id)", "idx_performance_metrics_date": "(metric_date)"}


def _unpartition(table: str, ddl: str, indexes: dict[str, str], constraints: tuple[str, ...], columns: str) -> str:
    """Set the partitioned `table` aside and create the plain one; return the partitioned table's new name."""
    partitioned = f"{table}_partitioned"
    op.execute(f"ALTER TABLE public.{table} RENAME TO {partitioned}")
    for n, name in enumerate((*constraints, *indexes)):
        op.execute(f"ALTER INDEX public.{name} RENAME TO {table}_partitioned_{n}")
    op.execute(f"ALTER TABLE public.{partitioned} NO FORCE ROW LEVEL SECURITY")
    op.execute(ddl)
    for name, target in indexes.items():
        op.execute(f"CREATE INDEX {name} ON public.{table} {target}")
    op.execute(f"INSERT INTO public.{table} ({columns}) SELECT {columns} FROM public.{partitioned}")
    return partitioned


def downgrade() -> None:
    """Move the rows back into plain tables, as 0012 had them, and restore 0010's trigger functions."""
    op.execute("DROP POLICY comment_analysis_brand_read ON public.comment_analysis")
    op.execute("ALTER TABLE public.comment_analysis DROP CONSTRAINT comment_analysis_performance_metric_id_fkey")
    op.execute("DROP INDEX public.idx_comment_analysis_metric")
    partitioned = _unpartition(
        "performance_metrics", OLD_METRICS_TABLE, OLD_METRIC_INDEXES, ("performance_metrics_pkey", UNIQUE_KEY),
        METRIC_COLUMNS,
    )
    op.execute(f"DELETE FROM public.circlue_trigger_tables WHERE table_name = 'public.{partitioned}'::regclass")
    op.execute(f"DROP TABLE public.{partitioned}")
    op.execute("ALTER TABLE public.comment_analysis DROP COLUMN metric_date")
    op.execute(
        "ALTER TABLE public.comment_analysis ADD CONSTRAINT comment_analysis_performance_metric_id_fkey"
        " FOREIGN KEY (performance_metric_id) REFERENCES public.performance_metrics(id) ON DELETE CASCADE"
    )
    _metric_security()
    op.execute(
        "CREATE POLICY comment_analysis_brand_read ON public.comment_analysis FOR SELECT TO circlue_app"
        " USING (performance_metric_id IN (SELECT m.id FROM performance_metrics m))"
    )
    op.execute("DROP POLICY comment_analysis_owner ON public.comment_analysis")

    partitioned = _unpartition("audit_logs", OLD_AUDIT_TABLE, AUDIT_INDEXES, ("audit_logs_pkey",), AUDIT_COLUMNS)
    op.execute(f"DROP TABLE public.{partitioned}")
    _audit_security()

    for name in ("circlue_ensure_metric_partitions(date, date)", "circlue_ensure_partitions(date, date)",
                 "circlue_create_month_partition(text, date)"):
        op.execute(f"DROP FUNCTION public.{name}")
    path = Path(__file__).with_name("0010_close_app_role_holes.py")
    spec = importlib.util.spec_from_file_location("_circlue_rev_0010", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    for ddl in previous.TRIGGER_FUNCTIONS:
        if "update_updated_at_column()" in ddl.split("RETURNS")[0] or "circlue_audit()" in ddl.split("RETURNS")[0]:
            op.execute(ddl)
