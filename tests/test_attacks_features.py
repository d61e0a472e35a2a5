"""Attacks through the app role on what the later issues added: content review, money, partitions, the metrics
import and comments; tests/test_attacks.py holds the shared helpers. Add a feature's attacks here.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError
from sqlalchemy.orm import Session

from circlue.db import Actor, set_actor, unit_of_work
from circlue.errors import Forbidden
from circlue.repository.comments import HEADER as COMMENT_HEADER
from circlue.repository.partitions import ensure_metric_partitions
from circlue.schemas.metric_rows import HEADER
from circlue.tabular import csv_bytes
from tests.conftest import actor_of
from tests.test_attacks import ADMIN, GLOW, LUMIERE, _count, _run
from tests.test_comments import _import as _import_comments
from tests.test_comments import content  # noqa: F401 - a fixture
from tests.test_import import BASE, _import, _rows, clean_range, pairs  # noqa: F401 - fixtures among them
from tests.test_partitions import FAR

# -- 10. Content review (issue 8) ------------------------------------------------------------------------------------

CONTENT_TABLES = {
    "content_plans": "SELECT p.id FROM content_plans p JOIN campaigns c ON c.id = p.campaign_id"
    " JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_submissions": "SELECT s.id FROM content_submissions s JOIN campaigns c ON c.id = s.campaign_id"
    " JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_files": "SELECT f.id FROM content_files f JOIN content_submissions s ON s.id = f.submission_id"
    " JOIN campaigns c ON c.id = s.campaign_id JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u",
    "content_revisions": "SELECT r.id FROM content_revisions r LEFT JOIN content_plans p ON p.id = r.content_plan_id"
    " LEFT JOIN content_submissions s ON s.id = r.submission_id"
    " JOIN campaigns c ON c.id = COALESCE(p.campaign_id, s.campaign_id) JOIN brands b ON b.id = c.brand_id"
    " WHERE b.user_id = :u",
}


@pytest.fixture
def waiting_of_glow(owner_engine, two_brand_ids):
    """A submission of glow's, sent for review, made for the test and deleted after it."""
    from tests.content_helpers import delete_content, new_submission, pair_of

    submission_id = new_submission(actor_of("manager@circlue.demo"), None, pair_of(owner_engine, GLOW), sent=True)
    yield submission_id
    delete_content(owner_engine, submission_id)


@pytest.fixture
def draft_of_glow(owner_engine, two_brand_ids):
    """A draft submission of glow's (files may be added), made for the test and deleted after it."""
    from tests.content_helpers import delete_content, new_submission, pair_of

    submission_id = new_submission(actor_of("manager@circlue.demo"), None, pair_of(owner_engine, GLOW))
    yield submission_id
    delete_content(owner_engine, submission_id)


@pytest.mark.parametrize("table", list(CONTENT_TABLES))
def test_another_brand_sees_none_of_a_brands_content(table, app_engine, owner_engine, two_brand_ids):
    with owner_engine.connect() as conn:
        glows = {r[0] for r in conn.execute(text(CONTENT_TABLES[table]), {"u": two_brand_ids["glow_user"]})}
    assert glows, f"the demo gives glow some {table}"
    seen = {r[0] for r in _run(app_engine, actor_of(LUMIERE), f"SELECT id FROM {table}")}
    assert seen and not (seen & glows)
    assert _run(app_engine, Actor(user_id=None), f"SELECT count(*) FROM {table}")[0][0] == 0


def test_another_brand_cannot_review_or_move_a_brands_content(app_engine, waiting_of_glow):
    lumiere = actor_of(LUMIERE)
    with pytest.raises(ProgrammingError, match="row-level security"):
        _run(app_engine, lumiere, "INSERT INTO content_revisions (submission_id, revision_number, status, feedback)"
             " VALUES (:s, 1, 'revision-requested', '경쟁사의 방해')", params={"s": waiting_of_glow})
    assert _run(app_engine, lumiere, "UPDATE content_submissions SET status = 'revision-requested' WHERE id = :s",
                params={"s": waiting_of_glow}) == 0


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        # Forged signature: the round is signed by whoever gives it.
        ("INSERT INTO content_revisions (submission_id, revision_number, status, feedback, feedback_by)"
         " VALUES (:s, 1, 'revision-requested', 'x', :admin)", "signed by whoever|row-level security"),
        # Approving is an admin's, by a round or by a bare update.
        ("INSERT INTO content_revisions (submission_id, revision_number, status) VALUES (:s, 1, 'approved')",
         "only an admin"),
        ("UPDATE content_submissions SET status = 'approved' WHERE id = :s", "a brand may only ask for changes"),
        # Skipping the round, jumping the number, or re-writing history.
        ("UPDATE content_submissions SET status = 'revision-requested' WHERE id = :s", "only by a review round"),
        ("INSERT INTO content_revisions (submission_id, revision_number, status, feedback)"
         " VALUES (:s, 5, 'revision-requested', 'x')", "already reviewed"),
        ("UPDATE content_revisions SET feedback = '승인합니다' WHERE submission_id = :s", "permission denied"),
        ("DELETE FROM content_revisions WHERE submission_id = :s", "permission denied"),
        ("UPDATE content_submissions SET caption = '몰래 바꾼 캡션' WHERE id = :s", "a brand may only ask for changes"),
    ],
    ids=["forged-signature", "brand-approves", "brand-sets-approved", "no-round", "round-number-jump",
         "rewrite-round", "delete-round", "brand-edits-caption"],
)
def test_a_brand_cannot_bend_the_review(statement, refusal, app_engine, waiting_of_glow, users_by_email):
    with pytest.raises(DBAPIError, match=refusal):
        _run(app_engine, actor_of(GLOW), statement, params={"s": waiting_of_glow, "admin": users_by_email[ADMIN]})


def test_a_brand_creates_no_content_and_adds_no_files(app_engine, draft_of_glow, owner_engine):
    from tests.content_helpers import pair_of

    campaign, influencer, _ = pair_of(owner_engine, GLOW)
    for statement in (
        "INSERT INTO content_files (submission_id, file_url, file_type, file_size)"
        " VALUES (:s, 'https://evil.example/x.jpg', 'image/jpeg', 1)",
        "INSERT INTO content_plans (campaign_id, influencer_id, content_type, plan_data) VALUES (:c, :i, 'image', '{}')",
    ):
        with pytest.raises(ProgrammingError, match="row-level security|a brand may only ask for changes"):
            _run(app_engine, actor_of(GLOW), statement, params={"s": draft_of_glow, "c": campaign, "i": influencer})


def test_nobody_reviews_without_a_session(app_engine, waiting_of_glow):
    with pytest.raises(DBAPIError, match="row-level security|signed by a logged-in user"):
        _run(app_engine, Actor(user_id=None), "INSERT INTO content_revisions (submission_id, revision_number, status,"
             " feedback) VALUES (:s, 1, 'revision-requested', 'x')", params={"s": waiting_of_glow})


@pytest.mark.parametrize(
    "url",
    ["../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "media/../../etc/passwd.png",
     "media/ab/" + "0" * 64 + ".exe", "javascript:alert(1)"],
)
def test_a_file_row_cannot_point_anywhere_on_the_server(url, app_engine, draft_of_glow):
    """Even staff writing SQL: a file is an https address or one of the media store's own keys."""
    statement = ("INSERT INTO content_files (submission_id, file_url, file_type, file_size)"
                 " VALUES (:s, :u, 'image/jpeg', 1)")
    manager = actor_of("manager@circlue.demo")
    assert _run(app_engine, manager, statement, params={"s": draft_of_glow, "u": "https://files.circlue.example/a.jpg"}) == 1
    with pytest.raises(DBAPIError, match="content_files_stored_url"):
        _run(app_engine, manager, statement, params={"s": draft_of_glow, "u": url})


def test_the_platform_check_takes_any_input_without_failing(app_engine, glow):
    rows = _run(app_engine, glow, "SELECT circlue_platform_url_ok(:p, :u), circlue_platform_url_ok(NULL, NULL)",
                params={"p": "douyin'; DROP TABLE users; --", "u": "https://" + "a." * 5000 + "douyin.com"})
    assert tuple(rows[0]) == (False, False)
# -- Issue 9: money ------------------------------------------------------------------------------------------------


@pytest.fixture
def glow_money(owner_engine) -> dict[str, uuid.UUID]:
    """One of glow's own settlements, pending, with no invoice yet (made for the test by the real workflow)."""
    from decimal import Decimal

    from tests.settlement_helpers import committed_campaign, open_settlement

    campaign = committed_campaign(owner_engine, brand_email=GLOW, fees=[Decimal(1_000_000)])
    return {"settlement": open_settlement(actor_of(ADMIN), campaign), "campaign": campaign}


def _money(owner_engine) -> str:
    return _count(
        owner_engine,
        "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (SELECT s::text AS x FROM settlements s UNION ALL"
        " SELECT t::text FROM tax_invoices t UNION ALL SELECT p::text FROM payments p UNION ALL"
        " SELECT c::text FROM tax_invoice_counters c) q",
    )


_INVOICE = (
    "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name, address, business_type,"
    " business_item, amount, tax_amount, total_amount, issued_date) VALUES (:s, '220-81-62517', 'x', 'y', 'z', 'a',"
    " 'b', 1000000, 100000, 1100000, current_date)"
)
_PAYMENT = (
    "INSERT INTO payments (settlement_id, payment_method, transaction_id, transaction_id_bidx, paid_amount, paid_at)"
    " VALUES (:s, 'enc1:x:y', 'enc1:x:z', md5(random()::text), 1100000, now())"
)


@pytest.mark.parametrize("statement", [_INVOICE, _PAYMENT], ids=["issue-invoice", "record-payment"])
def test_a_brand_cannot_issue_an_invoice_or_record_a_payment_for_itself(statement, owner_engine, app_engine,
                                                                          glow_money):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="by an admin|row-level security|permission denied"):
        _run(app_engine, actor_of(GLOW), statement, params={"s": glow_money["settlement"]})
    assert _money(owner_engine) == before, "no invoice, no payment, no number taken"


def test_a_brand_cannot_use_the_repository_to_issue_or_pay_either(owner_engine, glow_money):
    import datetime as dt
    from decimal import Decimal

    from circlue.errors import DomainError
    from circlue.repository import invoices as invoices_repo
    from circlue.repository import payments as payments_repo
    from circlue.schemas.settlements import InvoiceInput, PaymentInput
    from tests.settlement_helpers import BUYER

    before = _money(owner_engine)
    for action in (
        lambda s: invoices_repo.issue_tax_invoice(s, settlement_id=glow_money["settlement"], invoice=InvoiceInput(
            amount=Decimal(1000), issued_date=dt.date.today(), **BUYER)),
        lambda s: payments_repo.record_payment(s, settlement_id=glow_money["settlement"], payment=PaymentInput(
            method="bank-transfer", transaction_id="BRAND-PAYS", amount=Decimal(1), paid_at=dt.datetime.now(dt.UTC))),
    ):
        with pytest.raises(DomainError):
            with unit_of_work(actor_of(GLOW)) as session:
                action(session)
    assert _money(owner_engine) == before


@pytest.mark.parametrize("who", [GLOW, ADMIN])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tax_invoices SET amount = 1, tax_amount = 0, total_amount = 1",
        "UPDATE tax_invoices SET business_number = '220-81-62517'",
        "DELETE FROM tax_invoices",
        "UPDATE payments SET paid_amount = paid_amount * 2",
        "DELETE FROM payments",
    ],
)
def test_no_one_edits_an_issued_invoice_or_a_payment_through_the_app(who, statement, owner_engine, app_engine):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="permission denied"):
        _run(app_engine, actor_of(who), statement)
    assert _money(owner_engine) == before


@pytest.mark.parametrize(
    ("who", "status", "refusal"),
    [
        (GLOW, "paid", "by an admin|row-level security|^0$"),
        (GLOW, "completed", "by an admin|row-level security|^0$"),
        (ADMIN, "paid", "follows its invoices, payments and due date"),
        (ADMIN, "invoiced", "follows its invoices, payments and due date"),
        (ADMIN, "completed", "cannot move from pending to completed; allowed: invoiced, paid, overdue"),
    ],
)
def test_no_one_skips_a_settlement_status(who, status, refusal, owner_engine, app_engine, glow_money):
    before = _money(owner_engine)
    try:
        result = _run(app_engine, actor_of(who), "UPDATE settlements SET status = :t WHERE id = :s",
                      params={"t": status, "s": glow_money["settlement"]})
    except DBAPIError as exc:
        assert re.search(refusal, str(exc)), exc
    else:
        assert re.search(refusal, str(result)), f"{who} moved a settlement to {status}"
    assert _money(owner_engine) == before


def test_forged_figures_are_recounted_from_the_invoices_and_payments(owner_engine, app_engine, glow_money):
    """An admin's (or an injection's) UPDATE that claims the money arrived changes nothing: the trigger recounts."""
    rows = _run(
        app_engine, actor_of(ADMIN),
        "UPDATE settlements SET paid_amount = 1265000, invoiced_amount = 1150000, invoiced_tax = 115000,"
        " invoiced_total = 1265000, completed_at = now() WHERE id = :s"
        " RETURNING status, paid_amount, invoiced_total, completed_at",
        params={"s": glow_money["settlement"]},
    )
    assert tuple(rows[0]) == ("pending", 0, 0, None)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM tax_invoice_counters",
        "UPDATE tax_invoice_counters SET last_number = last_number - 1",
        "INSERT INTO tax_invoice_counters VALUES (2099, 0)",
        "SELECT circlue_tax_invoice_number()",
        "SELECT circlue_settlement_follow()",
    ],
)
def test_the_invoice_counter_and_the_trigger_functions_are_out_of_reach(statement, app_engine, owner_engine):
    before = _money(owner_engine)
    with pytest.raises(DBAPIError, match="permission denied|only be called as triggers"):
        _run(app_engine, actor_of(ADMIN), statement)
    assert _money(owner_engine) == before


@pytest.mark.parametrize("who", [None, GLOW])
def test_the_overdue_sweep_gives_nobody_anything(who, app_engine, owner_engine):
    """A definer function any reader may call: it only applies the calendar, and the caller's identity survives."""
    actor = actor_of(who)
    rows = _run(
        app_engine, actor,
        "SELECT circlue_mark_overdue(), current_setting('circlue.session_token', true), circlue_is_staff()",
    )
    moved, token, staff = rows[0]
    assert moved >= 0 and (token or "") == (actor.token or "") and staff is False
    late_and_unpaid = _count(
        owner_engine,
        "SELECT count(*) FROM settlements WHERE due_date < (now() AT TIME ZONE 'Asia/Seoul')::date"
        " AND status IN ('pending', 'invoiced', 'partially-paid')",
    )
    assert late_and_unpaid == 0


@pytest.mark.parametrize(
    "number",
    ["'; DROP TABLE tax_invoices; --", "220-81-62517' OR '1'='1", "", "2" * 10_000, "２２０-８１-６２５１７", "220-81-6251\u200b7"],
)
def test_the_business_number_check_takes_any_input_without_harm(number, app_engine):
    assert _run(app_engine, actor_of(GLOW), "SELECT circlue_brn_valid(:n)", params={"n": number})[0][0] is False


@pytest.mark.parametrize(
    "receipt", ["receipts/../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_a_receipt_cannot_point_anywhere_on_the_disk(receipt, app_engine, owner_engine, glow_money):
    from circlue import files

    with pytest.raises(ValueError, match="not a stored document"):
        files.path_of(receipt)
    before = _money(owner_engine)
    with pytest.raises(IntegrityError, match="payments_receipt_url"):
        _run(app_engine, actor_of(ADMIN),
             "INSERT INTO payments (settlement_id, payment_method, transaction_id, transaction_id_bidx, paid_amount,"
             " paid_at, receipt_url) VALUES (:s, 'enc1:x:y', 'enc1:x:z', md5(random()::text), 1, now(), :r)",
             params={"s": glow_money["settlement"], "r": receipt})
    assert _money(owner_engine) == before
# -- Issue 10: partitions, the metrics import's staging and functions, comments ---------------------------------------
# Fixtures and helpers come from the modules that test those features (pairs of the demo, clean-up of imported rows).

@pytest.mark.parametrize("partition", ["performance_metrics_default", "audit_logs_default", "performance_metrics_{m}"])
def test_partitions_cannot_be_read_around_the_policies(partition, app_engine):
    """A partition has no policies of its own: the app role has no grants on it, only on the parent."""
    name = partition.format(m=dt.date.today().strftime("y%Ym%m"))
    for who in ("brand.glow@circlue.demo", "admin@circlue.demo"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            _run(app_engine, actor_of(who), f"SELECT count(*) FROM {name}")


def test_a_brand_cannot_make_partitions(app_engine):
    with pytest.raises(Forbidden):
        with unit_of_work(actor_of("brand.glow@circlue.demo"), engine=app_engine) as session:
            ensure_metric_partitions(session, first=FAR, last=FAR)


@pytest.mark.parametrize(
    ("first", "last"),
    [(dt.date(1999, 12, 1), dt.date(2000, 1, 1)), (dt.date(2020, 1, 1), dt.date(2040, 1, 1)),
     (dt.date(2030, 2, 1), dt.date(2030, 1, 1)), (dt.date(2099, 12, 1), dt.date(2100, 1, 1))],
)
def test_partition_function_refuses_bad_ranges(first, last, app_engine):
    with pytest.raises(DBAPIError, match="dates between 2000 and 2099"):
        with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
            ensure_metric_partitions(session, first=first, last=last)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT circlue_create_month_partition('users', '2030-01-01')",
        "SELECT circlue_create_month_partition('performance_metrics', '2030-01-01')",
        "SELECT circlue_ensure_partitions('2030-01-01', '2030-02-01')",
    ],
)
def test_app_role_cannot_call_the_owner_partition_functions(statement, app_engine):
    with pytest.raises(ProgrammingError, match="permission denied for function"):
        _run(app_engine, actor_of("admin@circlue.demo"), statement)


def test_owner_partition_function_refuses_other_tables(owner_engine):
    with owner_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="not partitioned by month"):
            conn.execute(text("SELECT circlue_create_month_partition('users; DROP TABLE users', '2030-01-01')"))


def test_a_brand_cannot_import(app_engine, pairs):  # noqa: F811 - pytest fixtures by name
    with pytest.raises(Forbidden):
        _import(app_engine, csv_bytes(HEADER, _rows(pairs["contracted"][0], 1)), who="brand.glow@circlue.demo")


@pytest.mark.parametrize("statement", ["SELECT * FROM metric_import_rows", "DELETE FROM metric_import_rows",
                                       "UPDATE metric_import_rows SET problem = NULL"])
def test_nobody_reads_or_changes_staged_rows(statement, app_engine):
    for who in ("brand.glow@circlue.demo", "admin@circlue.demo"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            _run(app_engine, actor_of(who), statement)


def test_a_brand_sees_no_import_history(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    _import(app_engine, csv_bytes(HEADER, _rows(pairs["contracted"][0], 2)))
    assert _run(app_engine, actor_of("brand.glow@circlue.demo"), "SELECT count(*) FROM metric_imports")[0][0] == 0
    assert _run(app_engine, actor_of("manager@circlue.demo"), "SELECT count(*) FROM metric_imports")[0][0] > 0


def test_someone_elses_import_id_is_refused(app_engine, pairs):  # noqa: F811 - pytest fixtures by name
    """Another manager's open import cannot be checked or applied, nor one that does not exist."""
    admin, manager = actor_of("admin@circlue.demo"), actor_of("manager@circlue.demo")
    with Session(app_engine) as session, session.begin():
        set_actor(session, admin)
        import_id = session.scalar(text("SELECT circlue_metric_import_begin('x.csv', repeat('a', 64))"))
        set_actor(session, manager)
        for statement in ("SELECT * FROM circlue_metric_import_apply(:i)",
                          "SELECT * FROM circlue_metric_import_problems(:i, 10)"):
            with pytest.raises(DBAPIError, match="no import"):
                with session.begin_nested():
                    session.execute(text(statement), {"i": import_id})
        with pytest.raises(DBAPIError, match="no import"):
            with session.begin_nested():
                session.execute(text("SELECT * FROM circlue_metric_import_apply(gen_random_uuid())"))
        session.rollback()


@pytest.mark.parametrize(
    "args", ["NULL, repeat('a', 64)", "'x.csv', 'not-a-digest'", "repeat('x', 300), repeat('a', 64)"]
)
def test_import_begin_refuses_bad_input(args, app_engine):
    with pytest.raises(DBAPIError, match="a file name and its SHA-256"):
        _run(app_engine, actor_of("manager@circlue.demo"), f"SELECT circlue_metric_import_begin({args})")


def test_a_brand_cannot_begin_an_import(app_engine):
    with pytest.raises(DBAPIError, match="only staff may import"):
        _run(app_engine, actor_of("brand.glow@circlue.demo"), "SELECT circlue_metric_import_begin('x.csv', repeat('a', 64))")


def test_junk_copied_in_by_a_brand_is_never_imported(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    """A brand may COPY (INSERT) into the staging table, under an id of its choosing; the next import clears it."""
    pair = pairs["contracted"][0]
    brand = actor_of("brand.glow@circlue.demo")
    with unit_of_work(brand, engine=app_engine) as session:
        session.execute(
            text("INSERT INTO metric_import_rows (import_id, line, campaign_id, influencer_id, platform, metric_date,"
                 " views) VALUES (gen_random_uuid(), 2, :c, :i, :p, :d, 7770777)"),
            {"c": pair.campaign_id, "i": pair.influencer_id, "p": pair.platform, "d": BASE},
        )
    result = _import(app_engine, csv_bytes(HEADER, _rows(pair, 1, start=BASE + dt.timedelta(days=5))))
    assert result.inserted == 1
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM metric_import_rows")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM performance_metrics WHERE views = 7770777")).scalar() == 0


def test_the_app_roles_own_metric_writes_stay_audited_row_by_row(app_engine, owner_engine, pairs, clean_range):  # noqa: F811 - pytest fixtures by name
    """Setting circlue.import_id from the app role does not switch the per-row audit off."""
    pair = pairs["contracted"][0]
    with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
        session.execute(text("SELECT set_config('circlue.import_id', gen_random_uuid()::text, true)"))
        metric = session.scalar(
            text("INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views)"
                 " VALUES (:c, :i, :p, :d, 5) RETURNING id"),
            {"c": pair.campaign_id, "i": pair.influencer_id, "p": pair.platform, "d": BASE - dt.timedelta(days=40)},
        )
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_logs WHERE entity_id = :m"), {"m": metric}).scalar() == 1


def test_a_brand_cannot_import_or_forge_comments(app_engine, content):  # noqa: F811 - pytest fixtures by name
    data = csv_bytes(COMMENT_HEADER, [("douyin", "", "好用", "2026-01-01", 1)])
    with pytest.raises((ProgrammingError, DBAPIError)):
        _import_comments(app_engine, data, submission_id=content.id, who="brand.glow@circlue.demo")
    with pytest.raises(DBAPIError, match="row-level security"):
        with unit_of_work(actor_of("brand.glow@circlue.demo"), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO content_comments (content_submission_id, platform, comment_date, body, label, score,"
                     " body_sha256) VALUES (:s, 'douyin', '2026-01-01', '가짜 칭찬', 'pos', 1, repeat('a', 64))"),
                {"s": content.id},
            )
    with pytest.raises(ProgrammingError, match="permission denied"):
        with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
            session.execute(text("DELETE FROM content_comments"))


def test_a_brand_reads_only_its_own_metrics_through_the_partitioned_table(app_engine, owner_engine):
    with owner_engine.connect() as conn:
        own = conn.execute(
            text(
                "SELECT count(*) FROM performance_metrics m JOIN campaigns c ON c.id = m.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id WHERE u.email = :e"
            ),
            {"e": "brand.glow@circlue.demo"},
        ).scalar()
        own_analyses = conn.execute(
            text(
                "SELECT count(*) FROM comment_analysis ca JOIN performance_metrics m ON m.id = ca.performance_metric_id"
                " AND m.metric_date = ca.metric_date JOIN campaigns c ON c.id = m.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id WHERE u.email = :e"
            ),
            {"e": "brand.glow@circlue.demo"},
        ).scalar()
    glow = actor_of("brand.glow@circlue.demo")
    assert own > 0 and own_analyses > 0
    assert _run(app_engine, glow, "SELECT count(*) FROM performance_metrics")[0][0] == own
    assert _run(app_engine, glow, "SELECT count(*) FROM comment_analysis")[0][0] == own_analyses
    assert _run(app_engine, actor_of(None), "SELECT count(*) FROM performance_metrics")[0][0] == 0
    assert _run(app_engine, glow, "SELECT count(*) FROM audit_logs")[0][0] == 0
