"""The settlement rule and recalculation, cancelled campaigns, what each role reads and writes, the printable
invoice on disk and figures that reconcile; tests/test_settlements.py holds invoices and numbering."""


import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from circlue.db import Actor, unit_of_work
from circlue.errors import Forbidden, NotFound, ValidationError
from circlue.repository import invoices as invoices_repo
from circlue.repository import settlement_overview
from circlue.repository import settlements as settlements_repo
from circlue.repository.campaigns import set_status_note
from tests.conftest import actor_of
from tests.settlement_helpers import (
    GLOW,
    LUMIERE,
    MANAGER,
    D,
    amend,
    committed_campaign,
    fresh,
    issue,
    open_settlement,
    settlement,
    sql,
    today,
)

# -- The rule, cancelled campaigns and recalculation ------------------------------------------------------------------


def test_a_settlement_bills_the_agreed_fees_plus_the_platform_fee(owner_engine, admin):
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1_234_567), D(765_433)])
    settlement_id = open_settlement(admin, campaign, rate=D("0.125"))
    row = settlement(owner_engine, settlement_id)
    assert (row["influencer_fees"], row["platform_fee_rate"], row["platform_fee"], row["amount"]) == (
        D(2_000_000), D("0.1250"), D(250_000), D(2_250_000))
    with owner_engine.connect() as conn:
        end = conn.execute(text("SELECT campaign_end_date FROM campaigns WHERE id = :c"), {"c": campaign}).scalar()
    assert row["due_date"] == end + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="already has a settlement"):
        open_settlement(admin, campaign)


def test_a_cancelled_campaign_settles_only_what_was_contracted(owner_engine, admin):
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1_000_000), D(2_000_000), D(400_000)],
                                  contracted=1)
    settlement_id = open_settlement(admin, campaign)
    assert settlement(owner_engine, settlement_id)["amount"] == D(3_910_000)
    invoice = issue(admin, settlement_id, D(3_000_000))
    with owner_engine.begin() as conn:
        set_status_note(conn, "테스트: 계약 전 취소")
        conn.execute(text("UPDATE campaigns SET status = 'cancelled' WHERE id = :c"), {"c": campaign})
    with unit_of_work(admin) as session:
        detail = settlements_repo.get_settlement(session, settlement_id=settlement_id)
    assert detail.rule_now.amount == D(1_150_000), "only the contracted ₩1,000,000 + 15 %"
    with pytest.raises(ValidationError, match="amending invoice first"):
        with unit_of_work(admin) as session:
            settlements_repo.recalculate(session, settlement_id=settlement_id, rate=D("0.15"))
    amend(admin, invoice.id, "1850000", reason="cancellation")
    with unit_of_work(admin) as session:
        settlements_repo.recalculate(session, settlement_id=settlement_id, rate=D("0.15"))
    row = settlement(owner_engine, settlement_id)
    assert (row["amount"], row["influencer_fees"], row["invoiced_amount"]) == (D(1_150_000), D(1_000_000),
                                                                              D(1_150_000))
    fresh = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1_000_000), D(500_000)], contracted=1,
                               to="cancelled")
    with unit_of_work(admin) as session:
        listed = {c.campaign_id: c for c in settlements_repo.campaigns_to_settle(session, rate=D("0.15"))}
    assert listed[fresh].figures.amount == D(1_150_000)


def test_a_settlement_needs_a_confirmed_campaign(owner_engine, admin, app_engine):
    with owner_engine.connect() as conn:
        campaign, brand = conn.execute(
            text("SELECT id, brand_id FROM campaigns WHERE status = 'recruiting' LIMIT 1")).one()
    with pytest.raises(ValidationError, match="confirmed"):
        open_settlement(admin, campaign)
    with pytest.raises(ValidationError, match="confirmed"):
        sql(app_engine, admin, "INSERT INTO settlements (campaign_id, brand_id, amount, influencer_fees,"
             " platform_fee, platform_fee_rate, due_date) VALUES (:c, :b, 115, 100, 15, 0.15, current_date)",
             c=campaign, b=brand)


def test_a_settlement_bills_its_own_campaign_s_brand_and_adds_up(owner_engine, admin, app_engine):
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1000)])
    with owner_engine.connect() as conn:
        other_brand = conn.execute(
            text("SELECT b.id FROM brands b JOIN users u ON u.id = b.user_id WHERE u.email = :e"), {"e": GLOW}
        ).scalar()
        brand = conn.execute(text("SELECT brand_id FROM campaigns WHERE id = :c"), {"c": campaign}).scalar()
    insert = ("INSERT INTO settlements (campaign_id, brand_id, amount, influencer_fees, platform_fee,"
              " platform_fee_rate, due_date) VALUES (:c, :b, :amount, 1000, 150, 0.15, current_date + 30)")
    with pytest.raises(ValidationError, match="brand is not this campaign"):
        sql(app_engine, admin, insert, c=campaign, b=other_brand, amount=1150)
    with pytest.raises(ValidationError, match="fees plus the platform fee"):
        sql(app_engine, admin, insert, c=campaign, b=brand, amount=1151)


# -- What each role reads and writes (RLS on the three tables) --------------------------------------------------------


@pytest.mark.parametrize("table", ["settlements", "tax_invoices", "payments"])
def test_a_brand_reads_its_own_money_and_nobody_else_s(owner_engine, app_engine, users_by_email, table):
    scope = {
        "settlements": "SELECT s.id FROM settlements s JOIN brands b ON b.id = s.brand_id WHERE b.user_id = :u",
        "tax_invoices": "SELECT t.id FROM tax_invoices t JOIN settlements s ON s.id = t.settlement_id"
                        " JOIN brands b ON b.id = s.brand_id WHERE b.user_id = :u",
        "payments": "SELECT p.id FROM payments p JOIN settlements s ON s.id = p.settlement_id"
                    " JOIN brands b ON b.id = s.brand_id WHERE b.user_id = :u",
    }[table]
    with owner_engine.connect() as conn:
        own = set(conn.execute(text(scope), {"u": users_by_email[GLOW]}).scalars())
        everything = set(conn.execute(text(f"SELECT id FROM {table}")).scalars())
    seen = {r[0] for r in sql(app_engine, actor_of(GLOW), f"SELECT id FROM {table}")}
    assert own and seen == own and everything - own, "another brand's rows exist and stay unseen"
    assert sql(app_engine, Actor(user_id=None), f"SELECT count(*) FROM {table}")[0][0] == 0
    staff = {r[0] for r in sql(app_engine, actor_of(MANAGER), f"SELECT id FROM {table}")}
    assert staff == everything


@pytest.mark.parametrize("who", [GLOW, MANAGER])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE settlements SET due_date = due_date + 365",
        "UPDATE settlements SET amount = 1",
        "INSERT INTO payments (settlement_id, payment_method, transaction_id, transaction_id_bidx, paid_amount,"
        " paid_at) SELECT id, 'enc1:x:y', 'enc1:x:z', md5(random()::text), 1, now() FROM settlements LIMIT 1",
        "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name, address, business_type,"
        " business_item, amount, tax_amount, total_amount, issued_date) SELECT id, '220-81-62517', 'x', 'y', 'z',"
        " 'a', 'b', 10, 1, 11, current_date FROM settlements LIMIT 1",
        "DELETE FROM settlements",
        "UPDATE payments SET transaction_id_bidx = 'x'",
    ],
)
def test_brands_and_managers_write_no_money(owner_engine, app_engine, who, statement):
    snapshot = ("SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM (SELECT s::text AS x FROM settlements s"
                " UNION ALL SELECT t::text FROM tax_invoices t UNION ALL SELECT p::text FROM payments p) q")
    with owner_engine.connect() as conn:
        before = conn.execute(text(snapshot)).scalar()
    try:
        assert sql(app_engine, actor_of(who), statement) == 0
    except (DBAPIError, Forbidden) as exc:
        assert any(word in str(exc) for word in ("permission denied", "row-level security", "by an admin", "권한")), exc
    with owner_engine.connect() as conn:
        assert conn.execute(text(snapshot)).scalar() == before


def test_a_brand_opens_only_its_own_invoices(owner_engine, admin):
    invoice = issue(admin, fresh(owner_engine, admin, brand=LUMIERE), D(1000))
    with unit_of_work(actor_of(LUMIERE)) as session:
        shown, page = invoices_repo.invoice_page(session, invoice_id=invoice.id)
    assert shown.invoice_number.encode() in page
    with pytest.raises(NotFound):
        with unit_of_work(actor_of(GLOW)) as session:
            invoices_repo.invoice_page(session, invoice_id=invoice.id)


# -- The printable invoice on disk ------------------------------------------------------------------------------------


def test_the_printable_invoice_is_stored_and_linked_from_file_url(owner_engine, admin):
    from circlue import files
    from circlue.config import get_settings

    invoice = issue(admin, fresh(owner_engine, admin), D(123_456))
    path = get_settings().data_dir / "files" / invoice.file_url
    assert path.is_file() and invoice.invoice_number in path.read_text(encoding="utf-8")
    assert "₩135,801" in path.read_text(encoding="utf-8")
    # A leftover page of another invoice at that path (a rolled-back issue of the same number) is replaced.
    files.write(invoice.file_url, b"<meta name=\"circlue-invoice-id\" content=\"someone-else\">")
    with unit_of_work(admin) as session:
        _shown, page = invoices_repo.invoice_page(session, invoice_id=invoice.id)
    assert str(invoice.id).encode() in page and path.read_bytes() == page
    path.unlink()
    with unit_of_work(admin) as session:
        _shown, again = invoices_repo.invoice_page(session, invoice_id=invoice.id)
    assert again == page, "an issued invoice never changes, so its page is the same when written again"


# -- The figures reconcile -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("narrowed", [False, True], ids=["everything", "one-brand-unpaid"])
def test_the_page_figures_reconcile_to_the_won(admin, narrowed):
    with unit_of_work(admin) as session:
        chosen = settlements_repo.SettlementFilter()
        if narrowed:
            brand = settlements_repo.list_settlements(session, limit=1)[0].brand_id
            chosen = settlements_repo.SettlementFilter(
                brand_id=brand, statuses=("invoiced", "partially-paid", "overdue", "paid"), query=" "
            )
        overview = settlement_overview.overview(session, filters=chosen, limit=5000, rate=D("0.15"))
        _rows, invoices, payments = settlements_repo.export_rows(session, filters=chosen)
    rows, summary = overview.rows, overview.summary
    assert rows and summary.settlements == len(rows)
    if narrowed:
        assert {r.brand_id for r in rows} == {chosen.brand_id} and {r.status for r in rows} <= set(chosen.statuses)
    assert summary.outstanding == sum(r.outstanding for r in rows)
    assert summary.overdue == sum(r.outstanding for r in rows if r.status == "overdue")
    assert summary.to_invoice == sum(r.to_invoice for r in rows)
    assert sum(summary.aging.values()) == summary.outstanding, "aging spreads exactly what is owed"
    assert sum(m.opened for m in overview.monthly) == sum(r.amount for r in rows)
    assert sum(m.invoiced_total for m in overview.monthly) == sum(r.invoiced_total for r in rows)
    assert sum(m.invoiced_total for m in overview.monthly) == sum(i.total_amount for i in invoices)
    assert sum(m.paid for m in overview.monthly) == sum(r.paid_amount for r in rows) == sum(
        p.paid_amount for p in payments)


def test_filters_narrow_the_list(admin):
    with unit_of_work(admin) as session:
        everything = settlements_repo.list_settlements(session, limit=5000)
        late = settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(
            statuses=("overdue",)))
        one_brand = settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(
            brand_id=everything[0].brand_id))
        words = settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(
            query=everything[0].campaign[:6]))
        soon = settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(
            due_from=today(), due_to=today() + dt.timedelta(days=60)))
        page = settlements_repo.list_settlements(session, limit=3)
        following = settlements_repo.list_settlements(session, limit=3, after=(page[-1].due_date, page[-1].id))
        with pytest.raises(ValidationError, match="unknown settlement status"):
            settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(statuses=("x",)))
    assert late and {r.status for r in late} == {"overdue"}
    assert one_brand and {r.brand_id for r in one_brand} == {everything[0].brand_id}
    assert words and all(everything[0].campaign[:6] in r.campaign for r in words)
    assert all(today() <= r.due_date <= today() + dt.timedelta(days=60) for r in soon)
    assert [r.id for r in page + following] == [r.id for r in everything[:6]]
