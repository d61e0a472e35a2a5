"""Campaign pipeline in the database (issue 6): field rules, brand moves, the invitation workflow, notifications.

- CHECK constraints for what forms check too: names not blank, http(s) addresses, prices and fees not negative,
  `NN-NN` age ranges, budget > 0, start <= end, proposal deadline <= start, production deadline >= start; and a
  campaign's product must be its brand's (a composite foreign key: foreign keys skip RLS, so this holds for staff).
- A brand user edits only its brand's story (staff create and edit brands; a brand's user must be a brand user).
- `campaign_status_transitions.by_brand` marks the three moves a brand makes itself; the guard allows exactly those.
- Confirming a campaign whose agreed fees exceed its budget is refused with both figures, and so is lowering the
  budget of a confirmed one below them.
- `campaign_influencers` follows its own state machine (`campaign_influencer_transitions`), enforced by a trigger
  like the campaign workflow, with CHECKs for what each state needs (a proposal has a fee, an agreement an ad fee,
  a contract its production dates).
- `campaigns.manager_id` (the account manager on it) and `campaigns.status_changed_at` (days in stage on the board).
- Every campaign move and invitation change notifies the brand's user and the campaign's manager (or every active
  manager when none is assigned), except whoever made it, in the same transaction.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"

# Frozen here: a migration must not change when circlue/workflow.py does (a test compares the two).
BRAND_MOVES = (("creating", "submitted"), ("proposing", "revising"), ("revising", "confirmed"))
INVITATION_STATUSES = ("invited", "proposed", "accepted", "contracted", "completed", "declined", "withdrawn")
INVITATION_TRANSITIONS = (
    ("invited", "proposed"), ("invited", "declined"), ("invited", "withdrawn"),
    ("proposed", "accepted"), ("proposed", "declined"), ("proposed", "withdrawn"),
    ("accepted", "contracted"), ("accepted", "withdrawn"),
    ("contracted", "completed"),
)
COMMITTED = ("confirmed", "planning", "producing", "content-review", "live", "monitoring", "completed")
AGREED = ("accepted", "contracted", "completed")
INVITING = ("recruiting", "proposing", "revising")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _http(column: str) -> str:
    return f"{column} IS NULL OR {column} ~* '^https?://[^[:space:]/]+[^[:space:]]*$'"


def _age(column: str) -> str:
    # CASE so the casts only see strings of the right shape (AND does not promise an order).
    return (
        f"{column} IS NULL OR CASE WHEN {column} ~ '^[0-9]{{1,2}}-[0-9]{{1,2}}$'"
        f" THEN split_part({column}, '-', 1)::int <= split_part({column}, '-', 2)::int ELSE false END"
    )


CHECKS = (
    ("brands", "name_not_blank", "btrim(name) <> ''"),
    ("brands", "website_http", _http("website")),
    ("brands", "logo_url_http", _http("logo_url")),
    ("products", "name_not_blank", "btrim(name) <> ''"),
    ("products", "price_not_negative", "price IS NULL OR price >= 0"),
    ("products", "purchase_url_http", _http("purchase_url")),
    ("products", "image_url_http", _http("image_url")),
    ("products", "target_age_range", _age("target_age")),
    ("campaigns", "title_not_blank", "btrim(title) <> ''"),
    ("campaigns", "budget_positive", "budget > 0"),
    ("campaigns", "dates_in_order", "campaign_start_date <= campaign_end_date"),
    ("campaigns", "deadline_before_start", "proposal_deadline <= campaign_start_date"),
    ("campaign_target_content", "target_age_range", _age("target_age")),
    # The forms offer at most 20; a longer list written as SQL would break the campaign's edit form.
    ("campaign_target_content", "categories_at_most_20", "cardinality(influencer_categories) <= 20"),
    ("campaign_influencers", "fees_not_negative", "(proposed_fee IS NULL OR proposed_fee >= 0) AND (ad_fee IS NULL OR ad_fee >= 0)"),
    (
        "campaign_influencers",
        "production_dates_in_order",
        "production_start_date IS NULL OR production_deadline IS NULL OR production_deadline >= production_start_date",
    ),
    (
        "campaign_influencers",
        "proposal_has_fee",
        f"status NOT IN ('proposed', {_sql_list(AGREED)}) OR proposed_fee IS NOT NULL",
    ),
    ("campaign_influencers", "agreement_has_ad_fee", f"status NOT IN ({_sql_list(AGREED)}) OR ad_fee IS NOT NULL"),
    (
        "campaign_influencers",
        "contract_has_dates",
        "status NOT IN ('contracted', 'completed')"
        " OR (production_start_date IS NOT NULL AND production_deadline IS NOT NULL)",
    ),
)


def _refuse_other_tables(function: str) -> str:
    """The guard every trigger function starts with (0010): only the tables registered for it."""
    return f"""
    IF NOT EXISTS (SELECT 1 FROM public.circlue_trigger_tables t
                   WHERE t.function_name = '{function}' AND t.table_name::oid = TG_RELID) THEN
        RAISE EXCEPTION '{function}() does not run for %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


# Agreed fees of a campaign, as the acting user may see them (RLS: staff, or the campaign's brand).
_AGREED_FEES = f"""(SELECT COALESCE(sum(ci.ad_fee), 0) FROM public.campaign_influencers ci
                     WHERE ci.campaign_id = {{campaign}} AND ci.status IN ({_sql_list(AGREED)}))"""

FUNCTIONS = (
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_won(amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE {PIN} AS $$
        SELECT '₩' || to_char(round(amount), 'FM999,999,999,999,990')
    $$
    """,
    f"""
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
            IF TG_OP = 'INSERT' AND NEW.status = 'creating' THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'creating' AND NEW.status IN ('creating', 'submitted') THEN
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
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_campaign_workflow() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        allowed text;
        agreed numeric;
    BEGIN{_refuse_other_tables("circlue_campaign_workflow")}
        IF NEW.manager_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.manager_id IS DISTINCT FROM OLD.manager_id)
                AND NOT EXISTS (SELECT 1 FROM public.users u
                                WHERE u.id = NEW.manager_id AND u.role IN ('manager', 'admin')) THEN
            RAISE EXCEPTION 'a campaign''s manager must be Circlue staff (manager or admin)'
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'creating' THEN
                RAISE EXCEPTION 'a new campaign starts at creating, not %', NEW.status
                    USING ERRCODE = 'check_violation';
            END IF;
            NEW.current_stage := 1;
            NEW.status_changed_at := now();
            -- Staff who create a campaign work on it unless they name someone else.
            IF NEW.manager_id IS NULL AND public.circlue_is_staff() THEN
                NEW.manager_id := public.circlue_current_user_id();
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NOT EXISTS (SELECT 1 FROM public.campaign_status_transitions t
                           WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
                SELECT string_agg(t.to_status, ', ' ORDER BY s.stage = 0, s.stage) INTO allowed
                FROM public.campaign_status_transitions t JOIN public.campaign_statuses s ON s.status = t.to_status
                WHERE t.from_status = OLD.status;
                RAISE EXCEPTION 'campaign cannot move from % to %; allowed: %', OLD.status, NEW.status,
                    COALESCE(allowed, 'none') USING ERRCODE = 'check_violation';
            END IF;
            -- Why a campaign was cancelled is what its brand and finance ask first: the move carries a note.
            IF NEW.status = 'cancelled'
                    AND btrim(COALESCE(current_setting('circlue.status_note', true), '')) = '' THEN
                RAISE EXCEPTION 'cancelling a campaign needs a note saying why' USING ERRCODE = 'check_violation';
            END IF;
            NEW.status_changed_at := now();
        ELSE
            NEW.status_changed_at := OLD.status_changed_at;
        END IF;
        -- Once confirmed, the agreed fees are what the campaign costs: they must fit its budget.
        IF NEW.status IN ({_sql_list(COMMITTED)})
                AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.budget IS DISTINCT FROM OLD.budget) THEN
            agreed := {_AGREED_FEES.format(campaign="NEW.id")};
            IF agreed > NEW.budget THEN
                RAISE EXCEPTION 'agreed fees % exceed the budget %', public.circlue_won(agreed),
                    public.circlue_won(NEW.budget) USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        NEW.current_stage := (SELECT s.stage FROM public.campaign_statuses s WHERE s.status = NEW.status);
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_invitation_workflow() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        allowed text;
        campaign record;
    BEGIN{_refuse_other_tables("circlue_invitation_workflow")}
        SELECT c.status, c.budget INTO campaign FROM public.campaigns c WHERE c.id = NEW.campaign_id;
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'invited' THEN
                RAISE EXCEPTION 'a new invitation starts at invited, not %', NEW.status
                    USING ERRCODE = 'check_violation';
            END IF;
            IF campaign.status NOT IN ({_sql_list(INVITING)}) THEN
                RAISE EXCEPTION 'influencers are invited while a campaign is recruiting, proposing or revising; this one is %',
                    campaign.status USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.campaign_id IS DISTINCT FROM OLD.campaign_id OR NEW.influencer_id IS DISTINCT FROM OLD.influencer_id THEN
            RAISE EXCEPTION 'an invitation stays with its campaign and influencer; invite anew instead'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (
                SELECT 1 FROM public.campaign_influencer_transitions t
                WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
            SELECT string_agg(t.to_status, ', ' ORDER BY s.position) INTO allowed
            FROM public.campaign_influencer_transitions t
            JOIN public.campaign_influencer_statuses s ON s.status = t.to_status
            WHERE t.from_status = OLD.status;
            RAISE EXCEPTION 'invitation cannot move from % to %; allowed: %', OLD.status, NEW.status,
                COALESCE(allowed, 'none') USING ERRCODE = 'check_violation';
        END IF;
        -- A cancelled or completed campaign takes no new proposal, fee or contract: its invitations only close.
        IF campaign.status IN ('cancelled', 'completed')
                AND ((NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('proposed', 'accepted', 'contracted'))
                     OR NEW.proposed_fee IS DISTINCT FROM OLD.proposed_fee OR NEW.ad_fee IS DISTINCT FROM OLD.ad_fee
                     OR NEW.deliverables IS DISTINCT FROM OLD.deliverables
                     OR NEW.production_start_date IS DISTINCT FROM OLD.production_start_date
                     OR NEW.production_deadline IS DISTINCT FROM OLD.production_deadline) THEN
            RAISE EXCEPTION 'this campaign is %: its invitations may only be withdrawn, declined or completed',
                campaign.status USING ERRCODE = 'check_violation';
        END IF;
        -- What was agreed stays agreed: a contract's fee and a proposal once accepted do not change.
        IF OLD.status IN ({_sql_list(AGREED)}) AND NEW.proposed_fee IS DISTINCT FROM OLD.proposed_fee THEN
            RAISE EXCEPTION 'the proposed fee of an accepted proposal does not change' USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status IN ('contracted', 'completed') AND NEW.ad_fee IS DISTINCT FROM OLD.ad_fee THEN
            RAISE EXCEPTION 'a contracted fee does not change' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    # AFTER, so the sum sees this row's new values (and the rows of the same statement before it).
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_invitation_budget() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        campaign record;
        agreed numeric;
    BEGIN{_refuse_other_tables("circlue_invitation_budget")}
        -- Locked, so a fee agreed while the brand confirms (or two fees agreed at once) is summed by whichever
        -- commits second: each waits for the other, then reads the campaign's fees afresh.
        SELECT c.status, c.budget INTO campaign FROM public.campaigns c WHERE c.id = NEW.campaign_id
            FOR NO KEY UPDATE;
        IF campaign.status IN ({_sql_list(COMMITTED)}) THEN
            agreed := {_AGREED_FEES.format(campaign="NEW.campaign_id")};
            IF agreed > campaign.budget THEN
                RAISE EXCEPTION 'agreed fees % exceed the budget %', public.circlue_won(agreed),
                    public.circlue_won(campaign.budget) USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # Runs as the owner: it writes notifications for other users, which the app role may not.
    f"""
    CREATE OR REPLACE FUNCTION public.circlue_notify() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {PIN} AS $$
    DECLARE
        actor uuid := public.circlue_current_user_id();
        c record;
        kind text;
        message text;
        payload jsonb;
        influencer_name text;
    BEGIN{_refuse_other_tables("circlue_notify")}
        IF TG_TABLE_NAME = 'campaigns' THEN
            -- A move notifies; a new campaign only when staff prepared it for the brand (a brand's own draft is
            -- news to nobody until it is submitted).
            IF (TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status)
                    OR (TG_OP = 'INSERT' AND NOT public.circlue_is_staff()) THEN
                RETURN NULL;
            END IF;
            kind := CASE WHEN TG_OP = 'INSERT' THEN 'campaign.created' ELSE 'campaign.status' END;
            SELECT NEW.id AS id, NEW.title AS title, NEW.brand_id AS brand_id, NEW.manager_id AS manager_id INTO c;
            payload := jsonb_build_object('campaign_id', NEW.id, 'campaign_title', NEW.title,
                                          'from', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, 'to', NEW.status);
            message := CASE WHEN TG_OP = 'UPDATE' THEN OLD.status || ' → ' ELSE '' END || NEW.status;
        ELSE
            IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status
                    AND NEW.ad_fee IS NOT DISTINCT FROM OLD.ad_fee
                    AND NEW.proposed_fee IS NOT DISTINCT FROM OLD.proposed_fee THEN
                RETURN NULL;
            END IF;
            kind := CASE WHEN TG_OP = 'INSERT' THEN 'invitation.created' ELSE 'invitation.status' END;
            SELECT x.id, x.title, x.brand_id, x.manager_id INTO c FROM public.campaigns x WHERE x.id = NEW.campaign_id;
            SELECT i.name INTO influencer_name FROM public.influencers i WHERE i.id = NEW.influencer_id;
            payload := jsonb_build_object('campaign_id', c.id, 'campaign_title', c.title,
                                          'influencer_id', NEW.influencer_id, 'influencer', influencer_name,
                                          'from', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, 'to', NEW.status,
                                          'proposed_fee', NEW.proposed_fee, 'ad_fee', NEW.ad_fee);
            message := influencer_name || ': ' || CASE WHEN TG_OP = 'UPDATE' THEN OLD.status || ' → ' ELSE '' END
                || NEW.status;
        END IF;
        -- The brand's user, and the campaign's manager (every active manager while none is assigned).
        INSERT INTO public.notifications (user_id, type, title, message, data)
        SELECT u.id, kind, left(c.title, 200), message, payload
        FROM public.users u
        WHERE u.is_active IS TRUE AND u.id IS DISTINCT FROM actor
          AND (u.id = (SELECT b.user_id FROM public.brands b WHERE b.id = c.brand_id)
               OR u.id = c.manager_id
               OR (c.manager_id IS NULL AND u.role = 'manager'));
        RETURN NULL;
    END
    $$
    """,
)

# table -> function -> trigger DDL (registered in circlue_trigger_tables first)
TRIGGERS = (
    ("circlue_guard_brand_writes", "brands", "guard_brand_writes", "BEFORE INSERT OR UPDATE"),
    ("circlue_invitation_workflow", "campaign_influencers", "workflow_invitation_status", "BEFORE INSERT OR UPDATE"),
    ("circlue_invitation_budget", "campaign_influencers", "budget_invitation_fees", "AFTER INSERT OR UPDATE"),
    ("circlue_notify", "campaigns", "notify_campaign", "AFTER INSERT OR UPDATE OF status"),
    ("circlue_notify", "campaign_influencers", "notify_invitation", "AFTER INSERT OR UPDATE"),
)


def upgrade() -> None:
    """Field rules, brand moves, the invitation workflow and notifications."""
    op.execute("ALTER TABLE campaign_status_transitions ADD COLUMN by_brand BOOLEAN NOT NULL DEFAULT false")
    for a, b in BRAND_MOVES:
        op.execute(f"UPDATE campaign_status_transitions SET by_brand = true WHERE from_status = '{a}' AND to_status = '{b}'")
    op.execute("CREATE TABLE campaign_influencer_statuses (status VARCHAR(50) PRIMARY KEY, position INTEGER NOT NULL UNIQUE)")
    op.execute(
        "CREATE TABLE campaign_influencer_transitions ("
        " from_status VARCHAR(50) NOT NULL REFERENCES campaign_influencer_statuses(status),"
        " to_status VARCHAR(50) NOT NULL REFERENCES campaign_influencer_statuses(status),"
        " PRIMARY KEY (from_status, to_status))"
    )
    values = ", ".join(f"('{s}', {n})" for n, s in enumerate(INVITATION_STATUSES, start=1))
    op.execute(f"INSERT INTO campaign_influencer_statuses (status, position) VALUES {values}")
    values = ", ".join(f"('{a}', '{b}')" for a, b in INVITATION_TRANSITIONS)
    op.execute(f"INSERT INTO campaign_influencer_transitions (from_status, to_status) VALUES {values}")
    op.execute("GRANT SELECT ON campaign_influencer_statuses, campaign_influencer_transitions TO circlue_app")
    op.execute(
        "ALTER TABLE campaign_influencers ADD CONSTRAINT campaign_influencers_status_fkey"
        " FOREIGN KEY (status) REFERENCES campaign_influencer_statuses(status)"
    )

    op.execute("ALTER TABLE campaigns ADD COLUMN manager_id UUID REFERENCES users(id) ON DELETE SET NULL")
    op.execute("ALTER TABLE campaigns ADD COLUMN status_changed_at TIMESTAMP WITH TIME ZONE")
    op.execute(
        "UPDATE campaigns c SET status_changed_at = COALESCE("
        " (SELECT max(h.changed_at) FROM campaign_status_history h WHERE h.campaign_id = c.id), c.created_at)"
    )
    op.execute("CREATE INDEX idx_campaigns_manager_id ON campaigns(manager_id)")
    # Board filters: stage and brand first, newest first within them.
    op.execute("CREATE INDEX idx_campaigns_status_created ON campaigns(status, created_at DESC, id DESC)")

    op.execute("ALTER TABLE products ADD CONSTRAINT products_id_brand_key UNIQUE (id, brand_id)")
    # A brand's products: the product pickers and every brand user's product policy look them up by brand.
    op.execute("CREATE INDEX idx_products_brand_id ON products(brand_id)")
    op.execute(
        "ALTER TABLE campaigns ADD CONSTRAINT campaigns_product_brand_fkey FOREIGN KEY (product_id, brand_id)"
        " REFERENCES products(id, brand_id) ON DELETE CASCADE"
    )
    for table, name, check in CHECKS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_{name} CHECK ({check})")

    for ddl in FUNCTIONS:
        op.execute(ddl)
    # The workflow triggers run as the app role and format their messages with it.
    op.execute("GRANT EXECUTE ON FUNCTION circlue_won(numeric) TO circlue_app")
    registered = {(function, table) for function, table, *_ in TRIGGERS}
    values = ", ".join(f"('{function}', 'public.{table}')" for function, table in sorted(registered))
    op.execute(f"INSERT INTO circlue_trigger_tables (function_name, table_name) VALUES {values}")
    for function, table, name, timing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    # The budget can make a confirmed campaign's fees too much, and the workflow trigger checks that.
    op.execute("DROP TRIGGER workflow_campaign_status ON campaigns")
    op.execute(
        "CREATE TRIGGER workflow_campaign_status BEFORE INSERT OR UPDATE OF status, current_stage, budget, manager_id,"
        " status_changed_at ON campaigns FOR EACH ROW EXECUTE FUNCTION circlue_campaign_workflow()"
    )

    # The SECURITY DEFINER functions (notify, 0010's identity helpers) read these as the owner, which FORCE
    # subjects to RLS when the owner is not a superuser; the app role is not the owner, so this opens nothing to it.
    for table in ("brands", "campaigns", "campaign_influencers", "influencers"):
        op.execute(f"CREATE POLICY {table}_owner_read ON {table} FOR SELECT TO CURRENT_USER USING (true)")
    op.execute("CREATE POLICY notifications_owner_insert ON notifications FOR INSERT TO CURRENT_USER WITH CHECK (true)")
    # Notifications are written by the database (circlue_notify) and by staff sending: a user reads and marks
    # read their own, and neither forges, rewrites nor deletes one.
    op.execute("DROP POLICY notifications_own ON notifications")
    own = "user_id = (SELECT public.circlue_current_user_id())"
    op.execute(f"CREATE POLICY notifications_read ON notifications FOR SELECT TO circlue_app USING ({own})")
    op.execute(
        f"CREATE POLICY notifications_mark_read ON notifications FOR UPDATE TO circlue_app USING ({own}) WITH CHECK ({own})"
    )
    op.execute("REVOKE UPDATE, DELETE ON notifications FROM circlue_app")
    op.execute("GRANT UPDATE (is_read, read_at) ON notifications TO circlue_app")


def downgrade() -> None:
    """Drop the triggers, rules and tables of this revision; restore 0010's functions."""
    import importlib.util
    from pathlib import Path

    op.execute("DROP POLICY IF EXISTS notifications_owner_insert ON notifications")
    op.execute("DROP POLICY IF EXISTS notifications_read ON notifications")
    op.execute("DROP POLICY IF EXISTS notifications_mark_read ON notifications")
    op.execute("REVOKE UPDATE (is_read, read_at) ON notifications FROM circlue_app")
    op.execute("GRANT UPDATE, DELETE ON notifications TO circlue_app")
    op.execute(
        "CREATE POLICY notifications_own ON notifications FOR ALL TO circlue_app"
        " USING (user_id = (SELECT circlue_current_user_id())) WITH CHECK (user_id = (SELECT circlue_current_user_id()))"
    )
    for table in ("brands", "campaigns", "campaign_influencers", "influencers"):
        op.execute(f"DROP POLICY IF EXISTS {table}_owner_read ON {table}")
    for function, table, name, _timing in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DELETE FROM circlue_trigger_tables WHERE function_name = '{function}' AND table_name = 'public.{table}'::regclass")
    op.execute("DROP TRIGGER workflow_campaign_status ON campaigns")
    op.execute(
        "CREATE TRIGGER workflow_campaign_status BEFORE INSERT OR UPDATE OF status, current_stage ON campaigns "
        "FOR EACH ROW EXECUTE FUNCTION circlue_campaign_workflow()"
    )
    for name in ("circlue_notify", "circlue_invitation_budget", "circlue_invitation_workflow"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    path = Path(__file__).with_name("0010_close_app_role_holes.py")
    spec = importlib.util.spec_from_file_location("_circlue_rev_0010", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    for ddl in previous.TRIGGER_FUNCTIONS:
        if "circlue_guard_brand_writes" in ddl or "circlue_campaign_workflow" in ddl:
            op.execute(ddl)
    op.execute("DROP FUNCTION IF EXISTS circlue_won(numeric)")
    for table, name, _check in reversed(CHECKS):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{name}")
    op.execute("ALTER TABLE campaigns DROP CONSTRAINT IF EXISTS campaigns_product_brand_fkey")
    op.execute("ALTER TABLE products DROP CONSTRAINT IF EXISTS products_id_brand_key")
    op.execute("DROP INDEX IF EXISTS idx_products_brand_id")
    op.execute("DROP INDEX IF EXISTS idx_campaigns_status_created")
    op.execute("DROP INDEX IF EXISTS idx_campaigns_manager_id")
    op.execute("ALTER TABLE campaigns DROP COLUMN status_changed_at")
    op.execute("ALTER TABLE campaigns DROP COLUMN manager_id")
    op.execute("ALTER TABLE campaign_influencers DROP CONSTRAINT IF EXISTS campaign_influencers_status_fkey")
    op.execute("DROP TABLE IF EXISTS campaign_influencer_transitions")
    op.execute("DROP TABLE IF EXISTS campaign_influencer_statuses")
    op.execute("ALTER TABLE campaign_status_transitions DROP COLUMN by_brand")
