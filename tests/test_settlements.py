"""Settlements, tax invoices and payments against the real database: the rules hold for the repository and for raw
SQL through the app role alike. Each test builds campaigns of its own (issued invoices can never be deleted)."""


import datetime as dt
import random
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from circlue.db import unit_of_work
from circlue.errors import ValidationError
from circlue.korea import brn_check_digit, format_brn, vat_for
from circlue.repository import invoices as invoices_repo
from circlue.repository import settlements as settlements_repo
from circlue.schemas.settlements import InvoiceInput
from circlue.workflow import (
    SETTLEMENT_MANUAL,
    SETTLEMENT_STATUSES,
    SETTLEMENT_TRANSITIONS,
    settlement_status_for,
)
from tests.conftest import actor_of
from tests.settlement_helpers import (
    ADMIN,
    BUYER,
    LUMIERE,
    D,
    amend,
    committed_campaign,
    fresh,
    issue,
    old_secrets,
    open_settlement,
    pay,
    settlement,
    sql,
    today,
)

# -- The state machine: the same in Python and the database ---------------------------------------------------------


def test_database_statuses_and_transitions_are_workflow_py_s(owner_engine):
    with owner_engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM settlement_statuses ORDER BY position")).scalars().all()
        moves = {(a, b): manual for a, b, manual in conn.execute(
            text("SELECT from_status, to_status, manual FROM settlement_transitions"))}
    assert tuple(statuses) == SETTLEMENT_STATUSES
    assert set(moves) == {(a, b) for a, targets in SETTLEMENT_TRANSITIONS.items() for b in targets}
    assert {pair for pair, manual in moves.items() if manual} == SETTLEMENT_MANUAL


def test_database_status_rule_is_workflow_py_s(owner_engine):
    today = dt.date(2026, 6, 1)
    cases = []
    for amount, invoiced, total, paid in [(100, 0, 0, 0), (100, 50, 55, 0), (100, 50, 55, 20), (100, 50, 55, 55),
                                          (100, 100, 110, 0), (100, 100, 110, 109), (100, 100, 110, 110),
                                          (0, 0, 0, 0)]:
        for due in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1), None):
            cases.append((D(amount), D(invoiced), D(total), D(paid), due))
    with owner_engine.connect() as conn:
        for amount, invoiced, total, paid, due in cases:
            database = conn.execute(
                text("SELECT circlue_settlement_status(:a, :i, :t, :p, :d, :today)"),
                {"a": amount, "i": invoiced, "t": total, "p": paid, "d": due, "today": today},
            ).scalar()
            python = settlement_status_for(
                amount=amount, invoiced=invoiced, invoiced_total=total, paid=paid, due_date=due, today=today
            )
            assert database == python, (amount, invoiced, total, paid, due)


# -- Business numbers and VAT: Python and the database agree -----------------------------------------------------------


def test_the_business_number_check_digit_is_the_same_in_python_and_the_database(owner_engine):
    r = random.Random(9)
    numbers = []
    for _ in range(60):
        nine = f"{r.randrange(10**9):09d}"
        numbers += [format_brn(nine + str(d)) for d in range(10)]
    numbers += ["", "220-81-6251", "2208162517", "22O-81-62517", "220-81-62517 ", "٢٢٠-٨١-٦٢٥١٧", None]
    with owner_engine.connect() as conn:
        for number in numbers:
            database = conn.execute(text("SELECT circlue_brn_valid(:n)"), {"n": number}).scalar()
            python = (number is not None and len(number) == 12 and number[3] == "-" and number[6] == "-"
                      and number.replace("-", "").isascii() and number.replace("-", "").isdigit()
                      and brn_check_digit(number.replace("-", "")[:9]) == int(number[-1]))
            assert database is python, number


@pytest.mark.parametrize("supply", [1, 9, 10, 11, 15, 999_999_999, -1, -9, -10, -999_999_999])
def test_the_database_computes_vat_as_python_does(owner_engine, supply):
    with owner_engine.connect() as conn:
        tax = conn.execute(text("SELECT trunc(CAST(:a AS numeric(15, 2)) * 0.1)"), {"a": supply}).scalar()
    assert (tax, D(supply) + tax) == vat_for(D(supply))


def test_invoices_at_the_edge_amounts_are_stored_to_the_won(owner_engine, admin):
    # A settlement large enough for ₩999,999,999 of supply and the small ones beside it.
    settlement_id = fresh(owner_engine, admin, fee="869565300")
    edges = [D(1), D(9), D(10), D(999_999_999)]
    for amount in edges:
        invoice = issue(admin, settlement_id, amount)
        assert (invoice.tax_amount, invoice.total_amount) == vat_for(amount)
    row = settlement(owner_engine, settlement_id)
    assert row["invoiced_amount"] == sum(edges)
    assert row["invoiced_tax"] == D(0 + 0 + 1 + 99_999_999)
    assert row["invoiced_total"] == sum(vat_for(a)[1] for a in edges)


@pytest.mark.parametrize(
    ("tax", "total", "constraint"),
    [(150, 1650, "VAT is 10 %"), (149, 1650, "total is supply")],
)
def test_vat_that_is_not_the_rule_is_refused(owner_engine, admin, app_engine, tax, total, constraint):
    settlement_id = fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match=constraint):
        sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 1495, :tax, :total, current_date)",
             s=settlement_id, tax=tax, total=total)


def test_a_wrong_check_digit_is_refused_by_the_database_too(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="check digit"):
        sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62518', 'x', 'y', 'z', 'a', 'b', 10, 1, 11, current_date)", s=settlement_id)


# -- Numbering: sequential per year, no gap, no duplicate ------------------------------------------------------------


def _numbers(owner_engine, year: int) -> list[int]:
    with owner_engine.connect() as conn:
        return conn.execute(
            text("SELECT right(invoice_number, 6)::int FROM tax_invoices WHERE left(invoice_number, 4) = :y"
                 " ORDER BY 1"), {"y": str(year)}
        ).scalars().all()


def test_two_admins_issuing_at_once_get_distinct_numbers_with_no_gap(owner_engine, app_engine):
    """Twelve admins issue at the same moment, each for a settlement of its own (so nothing but the year's counter
    orders them), and a third of them roll back after taking their number."""
    admins = [actor_of(ADMIN) for _ in range(12)]
    settlements = [fresh(owner_engine, admins[0]) for _ in admins]
    barrier = threading.Barrier(len(admins))
    issued: list[str] = []
    failures: list[BaseException] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(admins[n], engine=app_engine) as session:
                invoice = invoices_repo.issue_tax_invoice(
                    session, settlement_id=settlements[n],
                    invoice=InvoiceInput(amount=D(1000), issued_date=today(), **BUYER),
                )
                if n % 3 == 0:
                    raise RuntimeError("the admin's browser went away before commit")
                issued.append(invoice.invoice_number)
        except RuntimeError:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(admins))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(issued) == 8 and len(set(issued)) == 8, "no duplicate"
    numbers = _numbers(owner_engine, today().year)
    assert numbers == list(range(1, len(numbers) + 1)), "no gap in the year, rollbacks included"
    assert [settlement(owner_engine, s)["invoiced_amount"] for s in settlements].count(D(1000)) == 8


def test_a_rolled_back_issue_gives_its_number_back(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
    with pytest.raises(RuntimeError):
        with unit_of_work(admin) as session:
            taken = invoices_repo.issue_tax_invoice(
                session, settlement_id=settlement_id,
                invoice=InvoiceInput(amount=D(1000), issued_date=today(), **BUYER),
            ).invoice_number
            raise RuntimeError("rolled back")
    assert issue(admin, settlement_id, D(1000)).invoice_number == taken


def test_numbers_run_per_year_and_a_sent_number_is_replaced(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)
    last_year = today().year - 1
    before = _numbers(owner_engine, last_year)
    old = issue(admin, settlement_id, D(1000), day=dt.date(last_year, 12, 31))
    assert old.invoice_number == f"{last_year}-{len(before) + 1:06d}"
    assert old.file_url == f"tax-invoices/{last_year}/{old.invoice_number}.html"
    sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, invoice_number, business_number, company_name,"
         " ceo_name, address, business_type, business_item, amount, tax_amount, total_amount, issued_date, file_url)"
         " VALUES (:s, '2026-999999', '220-81-62517', 'x', 'y', 'z', 'a', 'b', 10, 1, 11, current_date, '/etc/passwd')",
         s=settlement_id)
    numbers = _numbers(owner_engine, today().year)
    assert numbers == list(range(1, len(numbers) + 1)) and 999999 not in numbers
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tax_invoices WHERE file_url = '/etc/passwd'")).scalar() == 0


def test_a_future_issue_date_is_refused(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="after today"):
        issue(admin, settlement_id, D(1000), day=today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="after today"):
        sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 10, 1, 11, current_date + 2)", s=settlement_id)


# -- Invoices never exceed the settlement ------------------------------------------------------------------------------


def test_invoices_never_exceed_the_settlement_amount(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)  # ₩1,150,000
    issue(admin, settlement_id, D(1_000_000))
    with pytest.raises(ValidationError, match=r"₩150,000"):
        issue(admin, settlement_id, D(150_001))
    with pytest.raises(ValidationError) as refused:
        sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 150001, 15000, 165001, current_date)", s=settlement_id)
    assert "₩1,150,001" in str(refused.value) and "₩1,150,000" in str(refused.value) and "₩150,000" in str(refused.value)
    issue(admin, settlement_id, D(150_000))
    assert settlement(owner_engine, settlement_id)["invoiced_amount"] == D(1_150_000)


# -- Amending invoices (수정세금계산서) ----------------------------------------------------------------------------------


def test_an_amending_invoice_takes_off_with_a_negative_amount_that_names_the_original(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    [amending] = amend(admin, original.id, "300000")
    assert (amending.amount, amending.tax_amount, amending.total_amount) == (D(-300_000), D(-30_000), D(-330_000))
    assert amending.amends_invoice_id == original.id and amending.amends_number == original.invoice_number
    assert amending.amendment_reason == "price-change"
    row = settlement(owner_engine, settlement_id)
    assert (row["invoiced_amount"], row["invoiced_total"]) == (D(700_000), D(770_000))
    with pytest.raises(ValidationError, match="₩700,000"):
        amend(admin, original.id, "700001")


def test_amendments_are_refused_when_they_break_the_rules(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    [amending] = amend(admin, original.id, "100000")
    other = issue(admin, fresh(owner_engine, admin), D(1000))
    columns = ("INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name, address,"
               " business_type, business_item, amount, tax_amount, total_amount, issued_date, amends_invoice_id,"
               " amendment_reason) VALUES (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', ")
    cases = [
        # more than is left of the original (₩900,000)
        (columns + "-900001, -90000, -990001, current_date, :o, 'price-change')", "exceed invoice", original.id),
        # an amendment of an amendment
        (columns + "-10, -1, -11, current_date, :o, 'price-change')", "amends an original", amending.id),
        # a positive amending invoice, or one without a reason
        (columns + "10, 1, 11, current_date, :o, 'price-change')", "negative", original.id),
        (columns + "-10, -1, -11, current_date, :o, NULL)", "negative", original.id),
        # another settlement's invoice
        (columns + "-10, -1, -11, current_date, :o, 'price-change')", "same settlement", other.id),
    ]
    for statement, message, target in cases:
        with pytest.raises(ValidationError, match=message):
            sql(app_engine, admin, statement, s=settlement_id, o=target)
    assert settlement(owner_engine, settlement_id)["invoiced_amount"] == D(900_000)


def test_a_correction_of_a_paid_invoice_cancels_and_reissues_it_in_one_step(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_150_000))
    pay(admin, settlement_id, original.total_amount)
    assert settlement(owner_engine, settlement_id)["status"] == "paid"
    fixed = {**BUYER, "company_name": "(주)고친이름"}
    cancel, reissue = amend(admin, original.id, "1150000", reason="correction", buyer=fixed)
    assert cancel.amount == -original.amount and cancel.amends_invoice_id == original.id
    assert reissue.amount == original.amount and reissue.company_name == "(주)고친이름"
    assert reissue.amends_invoice_id is None
    row = settlement(owner_engine, settlement_id)
    assert (row["status"], row["invoiced_total"], row["paid_amount"]) == ("paid", original.total_amount,
                                                                         original.total_amount)
    with unit_of_work(admin) as session:
        invoices = settlements_repo.get_settlement(session, settlement_id=settlement_id).invoices
    first = next(i for i in invoices if i.id == original.id)
    assert first.company_name == BUYER["company_name"], "the original is never edited"


def test_an_amendment_below_what_is_paid_is_refused_with_the_figures(owner_engine, admin, app_engine):
    settlement_id = fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(900_000))
    with pytest.raises(ValidationError) as refused:
        sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date,"
             " amends_invoice_id, amendment_reason) VALUES (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', -200000,"
             " -20000, -220000, current_date, :o, 'price-change')", s=settlement_id, o=original.id)
    assert "₩880,000" in str(refused.value) and "₩900,000" in str(refused.value)


# -- Issued invoices and recorded payments never change ---------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tax_invoices SET amount = amount + 1 WHERE id = :i",
        "UPDATE tax_invoices SET company_name = 'x' WHERE id = :i",
        "DELETE FROM tax_invoices WHERE id = :i",
        "UPDATE payments SET paid_amount = 1 WHERE settlement_id = :s",
        "DELETE FROM payments WHERE settlement_id = :s",
        "DELETE FROM settlements WHERE id = :s",
    ],
)
def test_nobody_edits_or_deletes_an_issued_invoice_or_a_payment(owner_engine, admin, app_engine, statement):
    settlement_id = fresh(owner_engine, admin)
    invoice = issue(admin, settlement_id, D(1000))
    pay(admin, settlement_id, D(500))
    # Through the app, not even an admin: no such privilege (or no row an admin may change).
    with pytest.raises(DBAPIError, match="permission denied|cannot be changed"):
        sql(app_engine, admin, statement, i=invoice.id, s=settlement_id)
    # The owner neither: the trigger refuses every role (a campaign with invoices cannot be deleted either).
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with owner_engine.begin() as conn:
            conn.execute(text(statement), {"i": invoice.id, "s": settlement_id})


@pytest.mark.parametrize("table", ["tax_invoices", "payments"])
def test_not_even_the_owner_truncates_money(owner_engine, table):
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with owner_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))


def test_a_campaign_with_invoices_cannot_be_deleted(owner_engine, admin):
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(1000)])
    issue(admin, open_settlement(admin, campaign), D(1000))
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE id = :c"), {"c": campaign})


def test_key_rotation_may_re_encrypt_a_payment_and_nothing_else(owner_engine, admin):
    from circlue.crypto import KeyRing, keyring

    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1000))
    pay(admin, settlement_id, D(500), transaction_id="ROTATE-1")
    old = keyring()
    newer = KeyRing(["a newer key that rotation moves to", *old_secrets()])

    def rewrite(ring: KeyRing) -> None:
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE payments SET transaction_id = :t, transaction_id_bidx = :b"
                              " WHERE settlement_id = :s"),
                         {"t": ring.encrypt("ROTATE-1"), "b": ring.blind_index("ROTATE-1"), "s": settlement_id})

    rewrite(newer)  # what `keys rotate` writes: the same value under another key
    with pytest.raises(DBAPIError, match="cannot be changed"):
        rewrite(newer)  # under the same key again: a rewrite, not a rotation
    with pytest.raises(DBAPIError, match="cannot be changed"):
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE payments SET paid_amount = 400, transaction_id = :t WHERE settlement_id = :s"),
                         {"t": old.encrypt("ROTATE-1"), "s": settlement_id})
    rewrite(old)  # and back, so the rest of the session reads it with its own ring
