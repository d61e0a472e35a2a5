"""Settlements, tax invoices and payments in the database (issue 9): the money adds up whatever writes it.

- One settlement per campaign, for its brand, opened once the campaign is committed (confirmed or later, or
  cancelled after that): its amount and how it is made up (influencer fees + platform fee at a rate), kept whole
  won. Older databases holding an advance and a balance settlement per campaign get them folded into one.
- The settlement's figures (net invoiced supply, VAT and total; paid) are kept by its trigger from its invoices and
  payments, whatever the writer sends; its status is derived from them and the due date (the state machine of
  circlue/workflow.py, as `settlement_statuses` + `settlement_transitions`); only `paid -> completed` is a person's
  move. Invoices never exceed the amount; payments never exceed what is invoiced; each refusal names the figures.
- Tax invoices: numbered by the database from a per-year counter row (`tax_invoice_counters`), locked and bumped in
  the issuing transaction, so numbers have no gap and no duplicate (a rolled-back issue returns its number); the
  buyer's business number is check-digit verified (`circlue_brn_valid()`), VAT is 10 % truncated to the won,
  total = supply + VAT; an amending invoice (수정세금계산서) has a negative amount and references an original of the
  same settlement; nobody updates or deletes an issued invoice (TRUNCATE included).
- Payments: positive whole won, transaction id and method required (the unique blind index of 0012 refuses a
  transaction id twice); never deleted; changed only by re-encryption under another key (`keys rotate`).
- Admins write money; managers read it; brands read their own (0004). `circlue_mark_overdue()` moves unpaid
  settlements past their due date to overdue, in the calendar's name (the audit row names no user).

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-26
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PIN = "SET search_path = pg_catalog, public"

# Frozen here: a migration must not change when circlue/workflow.py does (a test compares the two).
STATUSES = ("pending", "invoiced", "partially-paid", "paid", "completed", "overdue")
TRANSITIONS = (
    ("pending", "invoiced"), ("pending", "overdue"), ("pending", "paid"),
    ("invoiced", "pending"), ("invoiced", "partially-paid"), ("invoiced", "paid"), ("invoiced", "overdue"),
    ("partially-paid", "paid"), ("partially-paid", "overdue"),
    ("overdue", "pending"), ("overdue", "invoiced"), ("overdue", "partially-paid"), ("overdue", "paid"),
    ("paid", "completed"),
)
MANUAL = (("paid", "completed"),)
UNPAID = ("pending", "invoiced", "partially-paid")
# A campaign is settled once committed (circlue.workflow.CAMPAIGN_COMMITTED), or after a cancellation.
SETTLED_CAMPAIGNS = ("confirmed", "planning", "producing", "content-review", "live", "monitoring", "completed",
                     "cancelled")
AMENDMENT_REASONS = ("correction", "price-change", "cancellation", "duplicate")
TODAY = "(now() AT TIME ZONE 'Asia/Seoul')::date"
ADMIN = "(SELECT public.circlue_is_admin())"
STAFF = "(SELECT public.circlue_is_staff())"


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


def _whole_won(column: str) -> str:
    return f"{column} = trunc({column})"


_NUMBER = "invoice_number ~ '^[0-9]{4}-[0-9]{6}$'"
CHECKS = (
    ("settlements", "amount_whole_won", f"amount >= 0 AND {_whole_won('amount')}"),
    (
        "settlements",
        "breakdown",
        "(influencer_fees IS NULL AND platform_fee IS NULL AND platform_fee_rate IS NULL)"
        " OR (influencer_fees >= 0 AND platform_fee >= 0 AND platform_fee_rate >= 0 AND platform_fee_rate < 1"
        f" AND {_whole_won('influencer_fees')} AND {_whole_won('platform_fee')}"
        " AND amount = influencer_fees + platform_fee)",
    ),
    ("settlements", "invoiced_within_amount", "invoiced_amount >= 0 AND invoiced_amount <= amount"),
    ("settlements", "invoiced_total", "invoiced_total = invoiced_amount + invoiced_tax"),
    ("settlements", "paid_within_invoiced", "paid_amount >= 0 AND paid_amount <= invoiced_total"),
    ("settlements", "completed_at", "(status = 'completed') = (completed_at IS NOT NULL)"),
    ("settlements", "due_date_set", "due_date IS NOT NULL"),
    # CASE so the casts only see strings of the right shape (AND does not promise an order).
    (
        "tax_invoices",
        "number_of_its_year",
        f"CASE WHEN {_NUMBER} THEN left(invoice_number, 4)::int = extract(year FROM issued_date)"
        " AND right(invoice_number, 6)::int > 0 ELSE false END",
    ),
    ("tax_invoices", "file_url", "file_url = 'tax-invoices/' || left(invoice_number, 4) || '/' || invoice_number || '.html'"),
    ("tax_invoices", "buyer_brn", "public.circlue_brn_valid(business_number)"),
    (
        "tax_invoices",
        "buyer_details",
        " AND ".join(
            f"{c} IS NOT NULL AND btrim({c}) <> ''"
            for c in ("company_name", "ceo_name", "address", "business_type", "business_item")
        ),
    ),
    (
        "tax_invoices",
        "vat",
        # An original's VAT is 10 % of its supply; an amending invoice's is the change in what its original still
        # owes (circlue_settlement_follow checks that), so a fully cancelled invoice owes no won of VAT.
        f"{_whole_won('amount')} AND {_whole_won('tax_amount')} AND total_amount = amount + tax_amount"
        " AND (amends_invoice_id IS NOT NULL OR tax_amount = trunc(amount * 0.1))",
    ),
    (
        "tax_invoices",
        "original_or_amending",
        "(amends_invoice_id IS NULL AND amendment_reason IS NULL AND amount > 0)"
        " OR (amends_invoice_id IS NOT NULL AND amendment_reason IS NOT NULL AND amount < 0)",
    ),
    ("tax_invoices", "amendment_reason", f"amendment_reason IS NULL OR amendment_reason IN ({_sql_list(AMENDMENT_REASONS)})"),
    ("payments", "amount_positive", f"paid_amount > 0 AND {_whole_won('paid_amount')}"),
    (
        "payments",
        "transaction_recorded",
        "transaction_id IS NOT NULL AND transaction_id_bidx IS NOT NULL AND payment_method IS NOT NULL",
    ),
    (
        "payments",
        "receipt_url",
        "receipt_url IS NULL OR receipt_url ~ '^https?://[^[:space:]/]+[^[:space:]]*$'"
        " OR receipt_url ~ '^receipts/[0-9a-f-]{36}[.](pdf|png|jpg|jpeg)$'",
    ),
)

# Older demo data held an advance and a balance settlement per campaign: fold them into the oldest one (its
# invoices and payments move with it), so that one settlement per campaign can be required.
_FOLD = """
    WITH groups AS (
        SELECT s.campaign_id, (array_agg(s.id ORDER BY s.created_at, s.id))[1] AS keep_id,
               sum(s.amount) AS amount, max(s.due_date) AS due_date
        FROM settlements s GROUP BY s.campaign_id HAVING count(*) > 1)
"""
FOLD = (
    _FOLD + "UPDATE tax_invoices t SET settlement_id = g.keep_id FROM settlements s JOIN groups g"
    " ON g.campaign_id = s.campaign_id WHERE t.settlement_id = s.id AND s.id <> g.keep_id",
    _FOLD + "UPDATE payments p SET settlement_id = g.keep_id FROM settlements s JOIN groups g"
    " ON g.campaign_id = s.campaign_id WHERE p.settlement_id = s.id AND s.id <> g.keep_id",
    _FOLD + "UPDATE settlements s SET amount = g.amount, due_date = g.due_date FROM groups g WHERE s.id = g.keep_id",
    _FOLD + "DELETE FROM settlements s USING groups g WHERE s.campaign_id = g.campaign_id AND s.id <> g.keep_id",
)

FUNCTIONS = (
    # IMMUTABLE for the CHECK constraint; the National Tax Service rule, as circlue.korea.brn_check_digit.
    f"""
    CREATE FUNCTION public.circlue_brn_valid(p_number text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {PIN} AS $$
    DECLARE
        digits text;
        weights integer[] := ARRAY[1, 3, 7, 1, 3, 7, 1, 3, 5];
        total integer := 0;
    BEGIN
        IF p_number IS NULL OR p_number !~ '^[0-9]{{3}}-[0-9]{{2}}-[0-9]{{5}}$' THEN
            RETURN false;
        END IF;
        digits := replace(p_number, '-', '');
        FOR i IN 1..9 LOOP
            total := total + substr(digits, i, 1)::integer * weights[i];
        END LOOP;
        total := total + (substr(digits, 9, 1)::integer * 5) / 10;
        RETURN (10 - total % 10) % 10 = substr(digits, 10, 1)::integer;
    END
    $$
    """,
    # The same rule as circlue.workflow.settlement_status_for (a test compares them).
    f"""
    CREATE FUNCTION public.circlue_settlement_status(p_amount numeric, p_invoiced numeric, p_invoiced_total numeric,
                                                     p_paid numeric, p_due date, p_today date) RETURNS text
    LANGUAGE plpgsql IMMUTABLE {PIN} AS $$
    BEGIN
        IF p_invoiced >= p_amount AND p_paid >= p_invoiced_total THEN
            RETURN 'paid';
        ELSIF p_due IS NOT NULL AND p_due < p_today THEN
            RETURN 'overdue';
        ELSIF p_paid > 0 THEN
            RETURN 'partially-paid';
        ELSIF p_invoiced > 0 THEN
            RETURN 'invoiced';
        END IF;
        RETURN 'pending';
    END
    $$
    """,
    f"""
    CREATE FUNCTION public.circlue_settlement_workflow() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        campaign_status text;
        derived text;
        target text;
        allowed text;
    BEGIN{_refuse_other_tables("circlue_settlement_workflow")}
        -- RLS says the same; said first, so a brand user learns why rather than what its row lacked.
        IF current_user = 'circlue_app' AND NOT public.circlue_is_admin() THEN
            RAISE EXCEPTION 'settlements are written by an admin' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'INSERT' THEN
            SELECT c.status INTO campaign_status FROM public.campaigns c WHERE c.id = NEW.campaign_id;
            IF campaign_status IS NULL OR campaign_status NOT IN ({_sql_list(SETTLED_CAMPAIGNS)}) THEN
                RAISE EXCEPTION 'a settlement follows a confirmed campaign; this one is %', COALESCE(campaign_status, 'unknown')
                    USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.status IS DISTINCT FROM 'pending' THEN
                RAISE EXCEPTION 'a new settlement starts at pending, not %', NEW.status USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.influencer_fees IS NULL OR NEW.platform_fee IS NULL OR NEW.platform_fee_rate IS NULL THEN
                RAISE EXCEPTION 'a new settlement states its influencer fees, platform fee and rate'
                    USING ERRCODE = 'check_violation';
            END IF;
            NEW.invoiced_amount := 0;
            NEW.invoiced_tax := 0;
            NEW.invoiced_total := 0;
            NEW.paid_amount := 0;
            NEW.completed_at := NULL;
            NEW.status := public.circlue_settlement_status(NEW.amount, 0, 0, 0, NEW.due_date, {TODAY});
            RETURN NEW;
        END IF;
        IF OLD.status = 'completed' THEN
            RAISE EXCEPTION 'a completed settlement is closed; nothing about it changes' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.campaign_id IS DISTINCT FROM OLD.campaign_id OR NEW.brand_id IS DISTINCT FROM OLD.brand_id THEN
            RAISE EXCEPTION 'a settlement stays with its campaign and brand' USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status = 'paid' AND (NEW.amount, NEW.influencer_fees, NEW.platform_fee, NEW.platform_fee_rate)
                IS DISTINCT FROM (OLD.amount, OLD.influencer_fees, OLD.platform_fee, OLD.platform_fee_rate) THEN
            RAISE EXCEPTION 'the amount of a paid settlement does not change' USING ERRCODE = 'check_violation';
        END IF;
        -- The figures come from the invoices and payments themselves, whatever the writer sent.
        SELECT COALESCE(sum(t.amount), 0), COALESCE(sum(t.tax_amount), 0), COALESCE(sum(t.total_amount), 0)
          INTO NEW.invoiced_amount, NEW.invoiced_tax, NEW.invoiced_total
          FROM public.tax_invoices t WHERE t.settlement_id = NEW.id;
        SELECT COALESCE(sum(p.paid_amount), 0) INTO NEW.paid_amount FROM public.payments p WHERE p.settlement_id = NEW.id;
        IF NEW.invoiced_amount > NEW.amount THEN
            IF NEW.amount IS DISTINCT FROM OLD.amount THEN
                RAISE EXCEPTION 'the settlement amount % would be below the % already invoiced; issue an amending invoice first',
                    public.circlue_won(NEW.amount), public.circlue_won(NEW.invoiced_amount) USING ERRCODE = 'check_violation';
            END IF;
            RAISE EXCEPTION 'invoices of % would exceed the settlement amount %; % is left to invoice',
                public.circlue_won(NEW.invoiced_amount), public.circlue_won(NEW.amount),
                public.circlue_won(OLD.amount - OLD.invoiced_amount) USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.paid_amount > NEW.invoiced_total THEN
            IF NEW.paid_amount > OLD.paid_amount THEN
                RAISE EXCEPTION 'payment of % would bring the total paid to %, above the invoiced total %; % is still due',
                    public.circlue_won(NEW.paid_amount - OLD.paid_amount), public.circlue_won(NEW.paid_amount),
                    public.circlue_won(NEW.invoiced_total), public.circlue_won(NEW.invoiced_total - OLD.paid_amount)
                    USING ERRCODE = 'check_violation';
            END IF;
            RAISE EXCEPTION 'the invoiced total would fall to %, below the % already paid',
                public.circlue_won(NEW.invoiced_total), public.circlue_won(NEW.paid_amount)
                USING ERRCODE = 'check_violation';
        END IF;
        derived := public.circlue_settlement_status(NEW.amount, NEW.invoiced_amount, NEW.invoiced_total,
                                                    NEW.paid_amount, NEW.due_date, {TODAY});
        IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IS DISTINCT FROM derived THEN
            -- Asked for by a person: only a manual move (closing a paid settlement) is theirs to make, and only
            -- from the state the transitions allow (checked below, naming the allowed ones).
            IF NOT EXISTS (SELECT 1 FROM public.settlement_transitions t WHERE t.to_status = NEW.status AND t.manual) THEN
                RAISE EXCEPTION 'a settlement''s status follows its invoices, payments and due date: it is %, not %',
                    derived, NEW.status USING ERRCODE = 'check_violation';
            END IF;
            target := NEW.status;
        ELSE
            target := derived;
        END IF;
        IF target IS DISTINCT FROM OLD.status AND NOT EXISTS (
                SELECT 1 FROM public.settlement_transitions t WHERE t.from_status = OLD.status AND t.to_status = target) THEN
            SELECT string_agg(t.to_status, ', ' ORDER BY s.position) INTO allowed
            FROM public.settlement_transitions t JOIN public.settlement_statuses s ON s.status = t.to_status
            WHERE t.from_status = OLD.status;
            RAISE EXCEPTION 'settlement cannot move from % to %; allowed: %', OLD.status, target, COALESCE(allowed, 'none')
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.status := target;
        NEW.completed_at := CASE WHEN target = 'completed' THEN now() END;
        RETURN NEW;
    END
    $$
    """,
    # Runs as the owner for one job: take the next number of the invoice's year from its counter row, locked until
    # the issuing transaction ends (a rollback gives the number back). A trigger function cannot be called directly.
    f"""
    CREATE FUNCTION public.circlue_tax_invoice_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {PIN} AS $$
    DECLARE
        v_year integer;
        v_number integer;
    BEGIN{_refuse_other_tables("circlue_tax_invoice_number")}
        IF session_user = 'circlue_app' AND NOT public.circlue_is_admin() THEN
            RAISE EXCEPTION 'tax invoices are issued by an admin' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.issued_date IS NULL THEN
            RAISE EXCEPTION 'a tax invoice needs its issue date' USING ERRCODE = 'not_null_violation';
        END IF;
        v_year := extract(year FROM NEW.issued_date)::integer;
        INSERT INTO public.tax_invoice_counters AS c (year, last_number) VALUES (v_year, 1)
        ON CONFLICT ON CONSTRAINT tax_invoice_counters_pkey DO UPDATE SET last_number = c.last_number + 1
        RETURNING c.last_number INTO v_number;
        IF v_number > 999999 THEN
            RAISE EXCEPTION 'the invoice numbers of % are used up', v_year USING ERRCODE = 'check_violation';
        END IF;
        NEW.invoice_number := v_year::text || '-' || lpad(v_number::text, 6, '0');
        NEW.file_url := 'tax-invoices/' || v_year::text || '/' || NEW.invoice_number || '.html';
        RETURN NEW;
    END
    $$
    """,
    # Statement level, so the invoices and payments of one statement are checked together (a cancelling amending
    # invoice and its re-issue arrive as one INSERT); then the settlement's trigger recounts it.
    f"""
    CREATE FUNCTION public.circlue_settlement_follow() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    DECLARE
        over record;
    BEGIN{_refuse_other_tables("circlue_settlement_follow")}
        IF TG_TABLE_NAME = 'tax_invoices' THEN
            IF EXISTS (SELECT 1 FROM inserted i WHERE i.issued_date > {TODAY}) THEN
                RAISE EXCEPTION 'a tax invoice cannot be dated after today' USING ERRCODE = 'check_violation';
            END IF;
            IF EXISTS (SELECT 1 FROM inserted i JOIN public.tax_invoices o ON o.id = i.amends_invoice_id
                       WHERE o.amends_invoice_id IS NOT NULL) THEN
                RAISE EXCEPTION 'an amending invoice amends an original invoice, not another amending one'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF EXISTS (SELECT 1 FROM inserted i JOIN public.tax_invoices o ON o.id = i.amends_invoice_id
                       WHERE i.issued_date < o.issued_date) THEN
                RAISE EXCEPTION 'an amending invoice cannot be dated before the invoice it amends'
                    USING ERRCODE = 'check_violation';
            END IF;
            -- What an original still stands for owes 10 % VAT on what is left of its supply, to the won.
            IF EXISTS (SELECT 1 FROM public.tax_invoices o JOIN public.tax_invoices a ON a.amends_invoice_id = o.id
                       WHERE o.id IN (SELECT i.amends_invoice_id FROM inserted i)
                       GROUP BY o.id, o.amount, o.tax_amount
                       HAVING o.tax_amount + sum(a.tax_amount) <> trunc((o.amount + sum(a.amount)) * 0.1)) THEN
                RAISE EXCEPTION 'an amending invoice''s VAT must leave 10%% of the remaining supply as VAT'
                    USING ERRCODE = 'check_violation';
            END IF;
            SELECT o.invoice_number, o.amount, -sum(a.amount) AS amended INTO over
            FROM public.tax_invoices o JOIN public.tax_invoices a ON a.amends_invoice_id = o.id
            WHERE o.id IN (SELECT i.amends_invoice_id FROM inserted i)
            GROUP BY o.id, o.invoice_number, o.amount HAVING o.amount + sum(a.amount) < 0
            LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'amending invoices of % exceed invoice % of %', public.circlue_won(over.amended),
                    over.invoice_number, public.circlue_won(over.amount) USING ERRCODE = 'check_violation';
            END IF;
        ELSIF EXISTS (SELECT 1 FROM inserted i WHERE i.paid_at > now() + interval '5 minutes') THEN
            RAISE EXCEPTION 'a payment cannot be dated in the future' USING ERRCODE = 'check_violation';
        END IF;
        UPDATE public.settlements s SET status = s.status WHERE s.id IN (SELECT i.settlement_id FROM inserted i);
        RETURN NULL;
    END
    $$
    """,
    # Issued invoices and recorded payments are facts: corrections are amending invoices. Payments change only by
    # re-encryption under another key, by the owner (keys rotate), which leaves every other column as it was; the
    # app role may not even try (no UPDATE grant, no policy), so no session can put a value of its own there.
    f"""
    CREATE FUNCTION public.circlue_money_records_fixed() RETURNS trigger
    LANGUAGE plpgsql {PIN} AS $$
    BEGIN{_refuse_other_tables("circlue_money_records_fixed")}
        -- Nested: PL/pgSQL plans a whole condition, and tax_invoices has no transaction_id.
        IF TG_TABLE_NAME = 'payments' AND TG_OP = 'UPDATE' AND current_user <> 'circlue_app' THEN
            IF to_jsonb(NEW) - 'payment_method' - 'transaction_id' - 'transaction_id_bidx'
                    = to_jsonb(OLD) - 'payment_method' - 'transaction_id' - 'transaction_id_bidx'
                    AND (NEW.transaction_id IS NOT DISTINCT FROM OLD.transaction_id
                         OR split_part(NEW.transaction_id, ':', 2) IS DISTINCT FROM split_part(OLD.transaction_id, ':', 2))
                    AND (NEW.payment_method IS NOT DISTINCT FROM OLD.payment_method
                         OR split_part(NEW.payment_method, ':', 2) IS DISTINCT FROM split_part(OLD.payment_method, ':', 2))
                    AND (NEW.transaction_id_bidx IS NOT DISTINCT FROM OLD.transaction_id_bidx
                         OR NEW.transaction_id IS DISTINCT FROM OLD.transaction_id) THEN
                RETURN NEW;
            END IF;
        END IF;
        IF TG_TABLE_NAME = 'tax_invoices' THEN
            RAISE EXCEPTION 'an issued tax invoice cannot be changed or deleted; issue an amending invoice instead'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RAISE EXCEPTION 'a recorded payment cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    # Runs as the owner: any page load may run it (it only applies the calendar, the same for everyone), and the
    # statuses it moves are the calendar's doing, so the audit names no user.
    f"""
    CREATE FUNCTION public.circlue_mark_overdue() RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
    DECLARE
        token text := current_setting('circlue.session_token', true);
        moved integer;
    BEGIN
        PERFORM set_config('circlue.session_token', '', true);
        UPDATE public.settlements s SET status = s.status
        WHERE s.status IN ({_sql_list(UNPAID)}) AND s.due_date < {TODAY};
        GET DIAGNOSTICS moved = ROW_COUNT;
        PERFORM set_config('circlue.session_token', COALESCE(token, ''), true);
        RETURN moved;
    END
    $$
    """,
)

# (function, table, trigger name, DDL after "CREATE TRIGGER <name>")
TRIGGERS = (
    ("circlue_settlement_workflow", "settlements", "workflow_settlement_status",
     "BEFORE INSERT OR UPDATE ON settlements FOR EACH ROW"),
    ("circlue_tax_invoice_number", "tax_invoices", "number_tax_invoice", "BEFORE INSERT ON tax_invoices FOR EACH ROW"),
    ("circlue_settlement_follow", "tax_invoices", "follow_tax_invoices",
     "AFTER INSERT ON tax_invoices REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"),
    ("circlue_settlement_follow", "payments", "follow_payments",
     "AFTER INSERT ON payments REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"),
    ("circlue_money_records_fixed", "tax_invoices", "fixed_tax_invoices",
     "BEFORE UPDATE OR DELETE ON tax_invoices FOR EACH ROW"),
    ("circlue_money_records_fixed", "tax_invoices", "fixed_tax_invoices_truncate",
     "BEFORE TRUNCATE ON tax_invoices FOR EACH STATEMENT"),
    ("circlue_money_records_fixed", "payments", "fixed_payments", "BEFORE UPDATE OR DELETE ON payments FOR EACH ROW"),
    ("circlue_money_records_fixed", "payments", "fixed_payments_truncate", "BEFORE TRUNCATE ON payments FOR EACH STATEMENT"),
)
# 0004 gave staff every write (FOR ALL); money is the admins' to write.
OLD_STAFF_POLICIES = ("settlements", "tax_invoices", "payments")
POLICIES = (
    ("settlements", "settlements_staff_read", f"FOR SELECT TO circlue_app USING ({STAFF})"),
    ("settlements", "settlements_admin_insert", f"FOR INSERT TO circlue_app WITH CHECK ({ADMIN})"),
    ("settlements", "settlements_admin_update", f"FOR UPDATE TO circlue_app USING ({ADMIN}) WITH CHECK ({ADMIN})"),
    ("tax_invoices", "tax_invoices_staff_read", f"FOR SELECT TO circlue_app USING ({STAFF})"),
    ("tax_invoices", "tax_invoices_admin_insert", f"FOR INSERT TO circlue_app WITH CHECK ({ADMIN})"),
    ("payments", "payments_staff_read", f"FOR SELECT TO circlue_app USING ({STAFF})"),
    ("payments", "payments_admin_insert", f"FOR INSERT TO circlue_app WITH CHECK ({ADMIN})"),
    # The owner-run functions (the overdue sweep, numbering) read and write these under FORCE.
    ("settlements", "settlements_owner", "FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)"),
    ("tax_invoices", "tax_invoices_owner_read", "FOR SELECT TO CURRENT_USER USING (true)"),
    ("payments", "payments_owner_read", "FOR SELECT TO CURRENT_USER USING (true)"),
    # Only `keys rotate` updates payments, as the owner (re-encryption, guarded by circlue_money_records_fixed).
    ("payments", "payments_owner_rotate", "FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)"),
    ("tax_invoice_counters", "tax_invoice_counters_owner", "FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)"),
)
INDEXES = (
    "CREATE INDEX idx_settlements_status_due ON settlements(status, due_date)",
    # The list's keyset order: a page of 100 walks the index and stops, RLS filtering on the way.
    "CREATE INDEX idx_settlements_due_id ON settlements(due_date, id)",
    "CREATE INDEX idx_tax_invoices_settlement_id ON tax_invoices(settlement_id, issued_date)",
    "CREATE INDEX idx_tax_invoices_amends_invoice_id ON tax_invoices(amends_invoice_id)",
    "CREATE INDEX idx_payments_settlement_id ON payments(settlement_id, paid_at)",
)


def upgrade() -> None:
    """Statuses, figures, numbering, amending invoices, refusals and who writes money."""
    op.execute("CREATE TABLE settlement_statuses (status VARCHAR(50) PRIMARY KEY, position INTEGER NOT NULL UNIQUE)")
    op.execute(
        "CREATE TABLE settlement_transitions ("
        " from_status VARCHAR(50) NOT NULL REFERENCES settlement_statuses(status),"
        " to_status VARCHAR(50) NOT NULL REFERENCES settlement_statuses(status),"
        " manual BOOLEAN NOT NULL DEFAULT false,"
        " PRIMARY KEY (from_status, to_status))"
    )
    values = ", ".join(f"('{s}', {n})" for n, s in enumerate(STATUSES, start=1))
    op.execute(f"INSERT INTO settlement_statuses (status, position) VALUES {values}")
    values = ", ".join(f"('{a}', '{b}', {str((a, b) in MANUAL).lower()})" for a, b in TRANSITIONS)
    op.execute(f"INSERT INTO settlement_transitions (from_status, to_status, manual) VALUES {values}")
    op.execute("GRANT SELECT ON settlement_statuses, settlement_transitions TO circlue_app")

    for statement in FOLD:
        op.execute(statement)

    op.execute("ALTER TABLE settlements ADD COLUMN influencer_fees NUMERIC(15, 2)")
    op.execute("ALTER TABLE settlements ADD COLUMN platform_fee_rate NUMERIC(5, 4)")
    op.execute("ALTER TABLE settlements ADD COLUMN platform_fee NUMERIC(15, 2)")
    for column in ("invoiced_amount", "invoiced_tax", "invoiced_total", "paid_amount"):
        op.execute(f"ALTER TABLE settlements ADD COLUMN {column} NUMERIC(15, 2) NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE tax_invoices ADD COLUMN amends_invoice_id UUID")
    op.execute("ALTER TABLE tax_invoices ADD COLUMN amendment_reason VARCHAR(30)")

    op.execute("CREATE TABLE tax_invoice_counters (year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),"
               " last_number INTEGER NOT NULL CHECK (last_number >= 0))")
    op.execute("ALTER TABLE tax_invoice_counters ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE tax_invoice_counters FORCE ROW LEVEL SECURITY")
    op.execute(
        f"INSERT INTO tax_invoice_counters (year, last_number) SELECT left(invoice_number, 4)::int,"
        f" max(right(invoice_number, 6)::int) FROM tax_invoices WHERE {_NUMBER} GROUP BY 1"
    )

    for ddl in FUNCTIONS:
        op.execute(ddl)
    op.execute(
        "GRANT EXECUTE ON FUNCTION circlue_brn_valid(text), circlue_mark_overdue(),"
        " circlue_settlement_status(numeric, numeric, numeric, numeric, date, date) TO circlue_app"
    )

    # The figures and statuses of rows written before this revision, by the rule the trigger applies from now on.
    op.execute(
        "UPDATE tax_invoices SET file_url = 'tax-invoices/' || left(invoice_number, 4) || '/' || invoice_number || '.html'"
    )
    op.execute(
        """
        UPDATE settlements s SET
            invoiced_amount = COALESCE(i.amount, 0), invoiced_tax = COALESCE(i.tax, 0),
            invoiced_total = COALESCE(i.total, 0), paid_amount = COALESCE(p.paid, 0)
        FROM settlements x
        LEFT JOIN (SELECT settlement_id, sum(amount) AS amount, sum(tax_amount) AS tax, sum(total_amount) AS total
                   FROM tax_invoices GROUP BY settlement_id) i ON i.settlement_id = x.id
        LEFT JOIN (SELECT settlement_id, sum(paid_amount) AS paid FROM payments GROUP BY settlement_id) p
               ON p.settlement_id = x.id
        WHERE s.id = x.id
        """
    )
    op.execute(
        "UPDATE settlements SET status = circlue_settlement_status(amount, invoiced_amount, invoiced_total,"
        f" paid_amount, due_date, {TODAY}), completed_at = NULL"
    )

    op.execute("ALTER TABLE campaigns ADD CONSTRAINT campaigns_id_brand_key UNIQUE (id, brand_id)")
    op.execute(
        "ALTER TABLE settlements ADD CONSTRAINT settlements_campaign_brand_fkey FOREIGN KEY (campaign_id, brand_id)"
        " REFERENCES campaigns(id, brand_id) ON DELETE CASCADE"
    )
    op.execute("ALTER TABLE settlements ADD CONSTRAINT settlements_campaign_id_key UNIQUE (campaign_id)")
    op.execute(
        "ALTER TABLE settlements ADD CONSTRAINT settlements_status_fkey FOREIGN KEY (status)"
        " REFERENCES settlement_statuses(status)"
    )
    op.execute("ALTER TABLE tax_invoices ADD CONSTRAINT tax_invoices_id_settlement_key UNIQUE (id, settlement_id)")
    # An amending invoice belongs to the settlement of the invoice it amends.
    op.execute(
        "ALTER TABLE tax_invoices ADD CONSTRAINT tax_invoices_amends_fkey FOREIGN KEY (amends_invoice_id, settlement_id)"
        " REFERENCES tax_invoices(id, settlement_id)"
    )
    for table, name, check in CHECKS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_{name} CHECK ({check})")
    for ddl in INDEXES:
        op.execute(ddl)

    registered = sorted({(function, table) for function, table, *_ in TRIGGERS})
    values = ", ".join(f"('{function}', 'public.{table}')" for function, table in registered)
    op.execute(f"INSERT INTO circlue_trigger_tables (function_name, table_name) VALUES {values}")
    for _function, _table, name, timing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {timing} EXECUTE FUNCTION {_function}()")

    for table in OLD_STAFF_POLICIES:
        op.execute(f"DROP POLICY {table}_staff ON {table}")
    for table, name, body in POLICIES:
        op.execute(f"CREATE POLICY {name} ON {table} {body}")
    # Nobody deletes money through the app; invoices and payments are never updated through it.
    op.execute("REVOKE DELETE ON settlements, tax_invoices, payments FROM circlue_app")
    op.execute("REVOKE UPDATE ON tax_invoices, payments FROM circlue_app")


def downgrade() -> None:
    """Drop what upgrade added; folded settlements stay folded (their invoices and payments moved with them).

    Refuses while amending invoices exist: without amends_invoice_id their negative amounts would lose the invoice
    they correct, and no later upgrade could tell them apart from a wrong entry.
    """
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM public.tax_invoices WHERE amends_invoice_id IS NOT NULL) THEN
                RAISE EXCEPTION 'amending invoices (수정세금계산서) exist: they cannot be kept below 0014';
            END IF;
        END
        $$
        """
    )
    op.execute("GRANT UPDATE, DELETE ON settlements, tax_invoices, payments TO circlue_app")
    for table, name, _body in reversed(POLICIES):
        op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in OLD_STAFF_POLICIES:
        op.execute(
            f"CREATE POLICY {table}_staff ON {table} FOR ALL TO circlue_app USING ({STAFF.replace('public.', '')})"
            f" WITH CHECK ({STAFF.replace('public.', '')})"
        )
    for function, table, name, _timing in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(
            f"DELETE FROM circlue_trigger_tables WHERE function_name = '{function}' AND table_name = 'public.{table}'::regclass"
        )
    for ddl in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {ddl.split()[2]}")
    for table, name, _check in reversed(CHECKS):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{name}")
    op.execute("ALTER TABLE tax_invoices DROP CONSTRAINT IF EXISTS tax_invoices_amends_fkey")
    op.execute("ALTER TABLE tax_invoices DROP CONSTRAINT IF EXISTS tax_invoices_id_settlement_key")
    op.execute("ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_status_fkey")
    op.execute("ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_campaign_id_key")
    op.execute("ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_campaign_brand_fkey")
    op.execute("ALTER TABLE campaigns DROP CONSTRAINT IF EXISTS campaigns_id_brand_key")
    for signature in (
        "circlue_mark_overdue()", "circlue_money_records_fixed()", "circlue_settlement_follow()",
        "circlue_tax_invoice_number()", "circlue_settlement_workflow()",
        "circlue_settlement_status(numeric, numeric, numeric, numeric, date, date)", "circlue_brn_valid(text)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    op.execute("DROP TABLE IF EXISTS tax_invoice_counters")
    op.execute("ALTER TABLE tax_invoices DROP COLUMN amendment_reason")
    op.execute("ALTER TABLE tax_invoices DROP COLUMN amends_invoice_id")
    for column in ("paid_amount", "invoiced_total", "invoiced_tax", "invoiced_amount", "platform_fee",
                   "platform_fee_rate", "influencer_fees"):
        op.execute(f"ALTER TABLE settlements DROP COLUMN {column}")
    op.execute("DROP TABLE IF EXISTS settlement_transitions")
    op.execute("DROP TABLE IF EXISTS settlement_statuses")
