"""Settlements, tax invoices and payments against the real database: the rules hold for the repository and for raw
SQL through the app role alike. Each test builds campaigns of its own (issued invoices can never be deleted)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from circlue.db import Actor, set_actor, unit_of_work
from circlue.errors import DomainError, Forbidden, InvalidTransition, NotFound, ValidationError
from circlue.korea import SEOUL, brn_check_digit, format_brn, vat_for
from circlue.repository import invoices as invoices_repo
from circlue.repository import payments as payments_repo
from circlue.repository import settlement_overview
from circlue.repository import settlements as settlements_repo
from circlue.repository.campaigns import set_status_note
from circlue.repository.refusals import as_domain_error
from circlue.schemas.settlements import AmendmentInput, InvoiceInput, PaymentInput
from circlue.workflow import (
    SETTLEMENT_MANUAL,
    SETTLEMENT_STATUSES,
    SETTLEMENT_TRANSITIONS,
    check_settlement_transition,
    settlement_status_for,
)
from tests.conftest import actor_of
from tests.settlement_helpers import BUYER, committed_campaign, issue, open_settlement, pay, settlement

D = Decimal
GLOW, LUMIERE, ADMIN, MANAGER = (
    "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo", "manager@circlue.demo",
)


@pytest.fixture
def admin(app_engine) -> Actor:
    """A live session of the demo admin."""
    return actor_of(ADMIN)


def _today() -> dt.date:
    return dt.datetime.now(SEOUL).date()


def _fresh(owner, admin: Actor, fee: str = "1000000", brand: str = LUMIERE) -> uuid.UUID:
    """A settlement of a new confirmed campaign: fee + 15 %."""
    return open_settlement(admin, committed_campaign(owner, brand_email=brand, fees=[D(fee)]))


def _sql(app_engine, actor: Actor, statement: str, **params):
    """One statement through the app role as `actor`, committed; its refusal as the page would show it."""
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor)
        try:
            result = session.execute(text(statement), params)
        except DBAPIError as exc:
            raise (as_domain_error(exc) or exc) from exc
        return result.all() if result.returns_rows else result.rowcount


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
    settlement_id = _fresh(owner_engine, admin, fee="869565300")
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
    settlement_id = _fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match=constraint):
        _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 1495, :tax, :total, current_date)",
             s=settlement_id, tax=tax, total=total)


def test_a_wrong_check_digit_is_refused_by_the_database_too(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="check digit"):
        _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
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
    settlements = [_fresh(owner_engine, admins[0]) for _ in admins]
    barrier = threading.Barrier(len(admins))
    issued: list[str] = []
    failures: list[BaseException] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(admins[n], engine=app_engine) as session:
                invoice = invoices_repo.issue_tax_invoice(
                    session, settlement_id=settlements[n],
                    invoice=InvoiceInput(amount=D(1000), issued_date=_today(), **BUYER),
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
    numbers = _numbers(owner_engine, _today().year)
    assert numbers == list(range(1, len(numbers) + 1)), "no gap in the year, rollbacks included"
    assert [settlement(owner_engine, s)["invoiced_amount"] for s in settlements].count(D(1000)) == 8


def test_a_rolled_back_issue_gives_its_number_back(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    with pytest.raises(RuntimeError):
        with unit_of_work(admin) as session:
            taken = invoices_repo.issue_tax_invoice(
                session, settlement_id=settlement_id,
                invoice=InvoiceInput(amount=D(1000), issued_date=_today(), **BUYER),
            ).invoice_number
            raise RuntimeError("rolled back")
    assert issue(admin, settlement_id, D(1000)).invoice_number == taken


def test_numbers_run_per_year_and_a_sent_number_is_replaced(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    last_year = _today().year - 1
    before = _numbers(owner_engine, last_year)
    old = issue(admin, settlement_id, D(1000), day=dt.date(last_year, 12, 31))
    assert old.invoice_number == f"{last_year}-{len(before) + 1:06d}"
    assert old.file_url == f"tax-invoices/{last_year}/{old.invoice_number}.html"
    _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, invoice_number, business_number, company_name,"
         " ceo_name, address, business_type, business_item, amount, tax_amount, total_amount, issued_date, file_url)"
         " VALUES (:s, '2026-999999', '220-81-62517', 'x', 'y', 'z', 'a', 'b', 10, 1, 11, current_date, '/etc/passwd')",
         s=settlement_id)
    numbers = _numbers(owner_engine, _today().year)
    assert numbers == list(range(1, len(numbers) + 1)) and 999999 not in numbers
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tax_invoices WHERE file_url = '/etc/passwd'")).scalar() == 0


def test_a_future_issue_date_is_refused(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="after today"):
        issue(admin, settlement_id, D(1000), day=_today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="after today"):
        _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 10, 1, 11, current_date + 2)", s=settlement_id)


# -- Invoices never exceed the settlement ------------------------------------------------------------------------------


def test_invoices_never_exceed_the_settlement_amount(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)  # ₩1,150,000
    issue(admin, settlement_id, D(1_000_000))
    with pytest.raises(ValidationError, match=r"₩150,000"):
        issue(admin, settlement_id, D(150_001))
    with pytest.raises(ValidationError) as refused:
        _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
             " address, business_type, business_item, amount, tax_amount, total_amount, issued_date) VALUES"
             " (:s, '220-81-62517', 'x', 'y', 'z', 'a', 'b', 150001, 15000, 165001, current_date)", s=settlement_id)
    assert "₩1,150,001" in str(refused.value) and "₩1,150,000" in str(refused.value) and "₩150,000" in str(refused.value)
    issue(admin, settlement_id, D(150_000))
    assert settlement(owner_engine, settlement_id)["invoiced_amount"] == D(1_150_000)


# -- Amending invoices (수정세금계산서) ----------------------------------------------------------------------------------


def _amend(actor: Actor, invoice_id: uuid.UUID, amount: str, reason: str = "price-change", buyer: dict | None = None):
    with unit_of_work(actor) as session:
        return invoices_repo.amend_tax_invoice(session, amendment=AmendmentInput(
            invoice_id=invoice_id, amount=D(amount), reason=reason, issued_date=_today(), buyer=buyer))


def test_an_amending_invoice_takes_off_with_a_negative_amount_that_names_the_original(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    [amending] = _amend(admin, original.id, "300000")
    assert (amending.amount, amending.tax_amount, amending.total_amount) == (D(-300_000), D(-30_000), D(-330_000))
    assert amending.amends_invoice_id == original.id and amending.amends_number == original.invoice_number
    assert amending.amendment_reason == "price-change"
    row = settlement(owner_engine, settlement_id)
    assert (row["invoiced_amount"], row["invoiced_total"]) == (D(700_000), D(770_000))
    with pytest.raises(ValidationError, match="₩700,000"):
        _amend(admin, original.id, "700001")


def test_amendments_are_refused_when_they_break_the_rules(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    [amending] = _amend(admin, original.id, "100000")
    other = issue(admin, _fresh(owner_engine, admin), D(1000))
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
            _sql(app_engine, admin, statement, s=settlement_id, o=target)
    assert settlement(owner_engine, settlement_id)["invoiced_amount"] == D(900_000)


def test_a_correction_of_a_paid_invoice_cancels_and_reissues_it_in_one_step(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_150_000))
    pay(admin, settlement_id, original.total_amount)
    assert settlement(owner_engine, settlement_id)["status"] == "paid"
    fixed = {**BUYER, "company_name": "(주)고친이름"}
    cancel, reissue = _amend(admin, original.id, "1150000", reason="correction", buyer=fixed)
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
    settlement_id = _fresh(owner_engine, admin)
    original = issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(900_000))
    with pytest.raises(ValidationError) as refused:
        _sql(app_engine, admin, "INSERT INTO tax_invoices (settlement_id, business_number, company_name, ceo_name,"
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
    settlement_id = _fresh(owner_engine, admin)
    invoice = issue(admin, settlement_id, D(1000))
    pay(admin, settlement_id, D(500))
    # Through the app, not even an admin: no such privilege (or no row an admin may change).
    with pytest.raises(DBAPIError, match="permission denied|cannot be changed"):
        _sql(app_engine, admin, statement, i=invoice.id, s=settlement_id)
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

    settlement_id = _fresh(owner_engine, admin)
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


# -- Payments ---------------------------------------------------------------------------------------------------------


def test_partial_payments_add_up_and_the_status_follows(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    assert settlement(owner_engine, settlement_id)["status"] == "pending"
    invoice = issue(admin, settlement_id, D(1_150_000))
    assert settlement(owner_engine, settlement_id)["status"] == "invoiced"
    for part, status in ((D(500_000), "partially-paid"), (D(500_000), "partially-paid"), (D(265_000), "paid")):
        pay(admin, settlement_id, part)
        assert settlement(owner_engine, settlement_id)["status"] == status
    row = settlement(owner_engine, settlement_id)
    assert row["paid_amount"] == invoice.total_amount == D(1_265_000)
    assert row["invoiced_amount"] == row["amount"] and row["completed_at"] is None


def test_an_overpayment_is_refused_with_the_figures(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))  # total ₩1,100,000
    pay(admin, settlement_id, D(1_000_000))
    with pytest.raises(ValidationError) as refused:
        pay(admin, settlement_id, D(100_001))
    for figure in ("₩100,001", "₩1,100,001", "₩1,100,000", "₩100,000"):
        assert figure in str(refused.value)
    assert refused.value.fields["amount"].endswith("₩100,000")
    with pytest.raises(ValidationError) as refused:
        _sql(app_engine, admin, "INSERT INTO payments (settlement_id, payment_method, transaction_id,"
             " transaction_id_bidx, paid_amount, paid_at) VALUES (:s, 'enc1:x:y', 'enc1:x:z', :b, 100001, now())",
             s=settlement_id, b=uuid.uuid4().hex)
    for figure in ("₩100,001", "₩1,100,001", "₩1,100,000", "₩100,000"):
        assert figure in str(refused.value)
    assert settlement(owner_engine, settlement_id)["paid_amount"] == D(1_000_000)


def test_nothing_can_be_paid_before_it_is_invoiced(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="₩0"):
        pay(admin, settlement_id, D(1))


def test_two_payments_of_the_rest_at_once_pay_it_once(owner_engine, app_engine):
    admin = actor_of(ADMIN)
    settlement_id = _fresh(owner_engine, admin)
    invoice = issue(admin, settlement_id, D(1_150_000))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        actor = actor_of(ADMIN)
        barrier.wait()
        try:
            pay(actor, settlement_id, invoice.total_amount, transaction_id=f"RACE-{n}-{uuid.uuid4().hex[:6]}")
            outcomes.append("paid")
        except ValidationError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("paid") == 1 and any("₩0 is still due" in o for o in outcomes), outcomes
    assert settlement(owner_engine, settlement_id)["paid_amount"] == invoice.total_amount


@pytest.mark.parametrize("again", ["TXN-DUP-0001", " txn-dup-0001 ", "Txn - Dup - 0001", "ＴＸＮ－ＤＵＰ－０００１"])
def test_the_same_transaction_id_twice_is_refused_whatever_its_spelling(owner_engine, admin, app_engine, again):
    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    first = f"TXN-DUP-{uuid.uuid4().hex[:6]}"
    pay(admin, settlement_id, D(1000), transaction_id=first)
    typed = again.replace("0001", first[-6:]).replace("０００１", first[-6:])
    with pytest.raises(ValidationError, match="already recorded") as refused:
        pay(admin, settlement_id, D(1000), transaction_id=typed)
    assert "transaction_id" in refused.value.fields
    # Another settlement, another brand: still the same transaction.
    other = _fresh(owner_engine, admin, brand=GLOW)
    issue(admin, other, D(1000))
    with pytest.raises(ValidationError, match="already recorded"):
        pay(admin, other, D(1000), transaction_id=typed)


def test_a_duplicate_that_gets_past_the_lookup_is_refused_by_the_unique_index(owner_engine, admin, app_engine):
    from circlue.crypto import keyring

    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(1000), transaction_id="IDX-ONLY-1")
    with pytest.raises(ValidationError, match="already recorded"):
        _sql(app_engine, admin, "INSERT INTO payments (settlement_id, payment_method, transaction_id,"
             " transaction_id_bidx, paid_amount, paid_at) VALUES (:s, 'enc1:x:y', 'enc1:x:z', :b, 1, now())",
             s=settlement_id, b=keyring().blind_index("IDX-ONLY-1"))


def test_a_transaction_recorded_under_an_older_key_is_still_found(owner_engine, admin):
    from circlue.crypto import KeyRing, keyring, reset_keyring

    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(1000), transaction_id="OLD-KEY-1")
    old = keyring()
    try:
        reset_keyring(KeyRing(["a brand new key of the ring, newest first", *old_secrets()]))
        with pytest.raises(ValidationError, match="already recorded"):
            pay(admin, settlement_id, D(1000), transaction_id="old-key-1")
    finally:
        reset_keyring(old)


def old_secrets() -> list[str]:
    import os

    return os.environ["CIRCLUE_SECRET_KEY"].split(",")


def test_a_payment_in_the_future_is_refused(owner_engine, admin):
    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1000))
    with pytest.raises(ValidationError, match="future"):
        with unit_of_work(admin) as session:
            payments_repo.record_payment(session, settlement_id=settlement_id, payment=PaymentInput(
                method="bank-transfer", transaction_id="FUTURE-1", amount=D(100),
                paid_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)))


def test_an_uploaded_receipt_is_kept_and_a_fake_one_refused(owner_engine, admin):
    from circlue import files

    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1000))
    with unit_of_work(admin) as session:
        payment = payments_repo.record_payment(
            session, settlement_id=settlement_id, receipt=b"%PDF-1.7 receipt",
            payment=PaymentInput(method="bank-transfer", transaction_id=uuid.uuid4().hex, amount=D(100),
                                 paid_at=dt.datetime.now(dt.UTC)),
        )
    assert payment.receipt_url.startswith("receipts/") and payment.receipt_url.endswith(".pdf")
    assert files.read(payment.receipt_url) == b"%PDF-1.7 receipt"
    with pytest.raises(ValidationError, match="PDF, PNG"):
        with unit_of_work(admin) as session:
            payments_repo.record_payment(
                session, settlement_id=settlement_id, receipt=b"<html>not a receipt</html>",
                payment=PaymentInput(method="bank-transfer", transaction_id=uuid.uuid4().hex, amount=D(100),
                                     paid_at=dt.datetime.now(dt.UTC)),
            )


# -- Every status transition in the database --------------------------------------------------------------------------


def _status(owner_engine, settlement_id) -> str:
    return settlement(owner_engine, settlement_id)["status"]


def _due(admin: Actor, settlement_id, days: int) -> str:
    with unit_of_work(admin) as session:
        return settlements_repo.change_due_date(
            session, settlement_id=settlement_id, due_date=_today() + dt.timedelta(days=days)
        )


def test_every_allowed_transition_happens_by_what_moves_the_money(owner_engine, admin):
    seen: set[tuple[str, str]] = set()

    def expect(settlement_id, before: str, after: str) -> None:
        assert _status(owner_engine, settlement_id) == after, (before, after)
        seen.add((before, after))

    s = _fresh(owner_engine, admin)
    invoice = issue(admin, s, D(1_150_000))
    expect(s, "pending", "invoiced")
    _amend(admin, invoice.id, "1150000", reason="cancellation")
    expect(s, "invoiced", "pending")
    _due(admin, s, -1)
    expect(s, "pending", "overdue")
    _due(admin, s, 10)
    expect(s, "overdue", "pending")
    invoice = issue(admin, s, D(1_150_000))
    _due(admin, s, -1)
    expect(s, "invoiced", "overdue")
    _due(admin, s, 10)
    expect(s, "overdue", "invoiced")
    pay(admin, s, D(100_000))
    expect(s, "invoiced", "partially-paid")
    _due(admin, s, -1)
    expect(s, "partially-paid", "overdue")
    _due(admin, s, 10)
    expect(s, "overdue", "partially-paid")
    pay(admin, s, D(100_000))
    _due(admin, s, -1)
    pay(admin, s, invoice.total_amount - D(200_000))
    expect(s, "overdue", "paid")
    with unit_of_work(admin) as session:
        settlements_repo.close_settlement(session, settlement_id=s)
    expect(s, "paid", "completed")
    assert settlement(owner_engine, s)["completed_at"] is not None

    t = _fresh(owner_engine, admin)
    invoice = issue(admin, t, D(1_150_000))
    pay(admin, t, invoice.total_amount)
    expect(t, "invoiced", "paid")
    u = _fresh(owner_engine, admin)
    issue(admin, u, D(1_150_000))
    pay(admin, u, D(1))
    pay(admin, u, D(1_264_999))
    expect(u, "partially-paid", "paid")

    # A confirmed campaign cancelled before anything was signed owes nothing: recalculated, it is paid at once.
    campaign = committed_campaign(owner_engine, brand_email=LUMIERE, fees=[D(500_000)])
    v = open_settlement(admin, campaign)
    with owner_engine.begin() as conn:
        set_status_note(conn, "테스트: 계약 전 취소")
        conn.execute(text("UPDATE campaigns SET status = 'cancelled' WHERE id = :c"), {"c": campaign})
    with unit_of_work(admin) as session:
        assert settlements_repo.recalculate(session, settlement_id=v, rate=D("0.15")).amount == 0
    expect(v, "pending", "paid")

    allowed = {(a, b) for a, targets in SETTLEMENT_TRANSITIONS.items() for b in targets}
    assert seen == allowed, f"not exercised: {allowed - seen}"


@pytest.fixture(scope="module")
def one_of_each(owner_engine, app_engine) -> dict[str, uuid.UUID]:
    """A settlement in every status, built by the money (read-only afterwards: attempts are rolled back)."""
    admin = actor_of(ADMIN)
    made = {}
    made["pending"] = _fresh(owner_engine, admin)
    made["invoiced"] = _fresh(owner_engine, admin)
    issue(admin, made["invoiced"], D(1_000_000))
    made["partially-paid"] = _fresh(owner_engine, admin)
    issue(admin, made["partially-paid"], D(1_000_000))
    pay(admin, made["partially-paid"], D(1000))
    made["paid"] = _fresh(owner_engine, admin)
    invoice = issue(admin, made["paid"], D(1_150_000))
    pay(admin, made["paid"], invoice.total_amount)
    made["overdue"] = _fresh(owner_engine, admin)
    _due(admin, made["overdue"], -3)
    made["completed"] = _fresh(owner_engine, admin)
    invoice = issue(admin, made["completed"], D(1_150_000))
    pay(admin, made["completed"], invoice.total_amount)
    with unit_of_work(admin) as session:
        settlements_repo.close_settlement(session, settlement_id=made["completed"])
    for status, settlement_id in made.items():
        assert _status(owner_engine, settlement_id) == status
    return made


@pytest.mark.parametrize(
    ("current", "target"),
    [(a, b) for a in SETTLEMENT_STATUSES for b in SETTLEMENT_STATUSES if a != b],
)
def test_no_one_writes_a_status_the_money_does_not_give(one_of_each, app_engine, owner_engine, current, target):
    """Pair by pair: a status asked for directly moves only paid -> completed; everything else is refused."""
    admin = actor_of(ADMIN)
    settlement_id = one_of_each[current]
    if (current, target) in SETTLEMENT_MANUAL:
        with Session(app_engine) as session, session.begin():
            set_actor(session, admin)
            session.execute(text("UPDATE settlements SET status = :t WHERE id = :s"), {"t": target, "s": settlement_id})
            assert session.scalar(text("SELECT status FROM settlements WHERE id = :s"), {"s": settlement_id}) == target
            session.rollback()
        return
    with pytest.raises(DomainError) as refused:
        _sql(app_engine, admin, "UPDATE settlements SET status = :t WHERE id = :s", t=target, s=settlement_id)
    if current == "completed":
        assert "closed" in str(refused.value)
    else:
        assert isinstance(refused.value, InvalidTransition)
    if target in SETTLEMENT_TRANSITIONS[current]:
        check_settlement_transition(current, target)  # allowed, but only when the money moves it
    else:
        with pytest.raises(InvalidTransition):
            check_settlement_transition(current, target)
    assert _status(owner_engine, settlement_id) == current


def test_closing_anything_but_a_paid_settlement_names_the_allowed_moves(one_of_each, admin):
    with pytest.raises(InvalidTransition, match="allowed: invoiced, paid, overdue"):
        with unit_of_work(admin) as session:
            settlements_repo.close_settlement(session, settlement_id=one_of_each["pending"])


def test_a_completed_settlement_takes_no_more_invoices_payments_or_due_dates(one_of_each, admin):
    closed = one_of_each["completed"]
    for action in (
        lambda: issue(admin, closed, D(1)),
        lambda: pay(admin, closed, D(1)),
        lambda: _due(admin, closed, 30),
    ):
        with pytest.raises(ValidationError, match="closed|paid already"):
            action()


# -- Overdue: the calendar's doing -------------------------------------------------------------------------------------


def test_the_overdue_sweep_moves_what_the_calendar_made_late_in_no_ones_name(owner_engine, admin, app_engine):
    settlement_id = _fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1000))
    # Time passes: the due date is behind us while the stored status still says invoiced (as after midnight).
    with owner_engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("UPDATE settlements SET due_date = current_date - 1 WHERE id = :s"), {"s": settlement_id})
    assert _status(owner_engine, settlement_id) == "invoiced"
    # Any reader's page load runs it, a brand user's included; it only applies the calendar.
    with unit_of_work(actor_of(GLOW)) as session:
        assert settlements_repo.mark_overdue(session) >= 1
        assert session.scalar(text("SELECT current_setting('circlue.session_token', true)")), "token restored"
    assert _status(owner_engine, settlement_id) == "overdue"
    with owner_engine.connect() as conn:
        audit = conn.execute(
            text("SELECT user_id, new_values->>'status' FROM audit_logs WHERE entity_id = :s AND action = 'UPDATE'"
                 " ORDER BY created_at DESC LIMIT 1"), {"s": settlement_id}
        ).one()
    assert tuple(audit) == (None, "overdue")
    with unit_of_work(admin) as session:
        assert settlements_repo.mark_overdue(session) == 0, "nothing left to move"


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
    _amend(admin, invoice.id, "1850000", reason="cancellation")
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
        _sql(app_engine, admin, "INSERT INTO settlements (campaign_id, brand_id, amount, influencer_fees,"
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
        _sql(app_engine, admin, insert, c=campaign, b=other_brand, amount=1150)
    with pytest.raises(ValidationError, match="fees plus the platform fee"):
        _sql(app_engine, admin, insert, c=campaign, b=brand, amount=1151)


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
    seen = {r[0] for r in _sql(app_engine, actor_of(GLOW), f"SELECT id FROM {table}")}
    assert own and seen == own and everything - own, "another brand's rows exist and stay unseen"
    assert _sql(app_engine, Actor(user_id=None), f"SELECT count(*) FROM {table}")[0][0] == 0
    staff = {r[0] for r in _sql(app_engine, actor_of(MANAGER), f"SELECT id FROM {table}")}
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
        assert _sql(app_engine, actor_of(who), statement) == 0
    except (DBAPIError, Forbidden) as exc:
        assert any(word in str(exc) for word in ("permission denied", "row-level security", "by an admin", "권한")), exc
    with owner_engine.connect() as conn:
        assert conn.execute(text(snapshot)).scalar() == before


def test_a_brand_opens_only_its_own_invoices(owner_engine, admin):
    invoice = issue(admin, _fresh(owner_engine, admin, brand=LUMIERE), D(1000))
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

    invoice = issue(admin, _fresh(owner_engine, admin), D(123_456))
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
            due_from=_today(), due_to=_today() + dt.timedelta(days=60)))
        page = settlements_repo.list_settlements(session, limit=3)
        following = settlements_repo.list_settlements(session, limit=3, after=(page[-1].due_date, page[-1].id))
        with pytest.raises(ValidationError, match="unknown settlement status"):
            settlements_repo.list_settlements(session, filters=settlements_repo.SettlementFilter(statuses=("x",)))
    assert late and {r.status for r in late} == {"overdue"}
    assert one_brand and {r.brand_id for r in one_brand} == {everything[0].brand_id}
    assert words and all(everything[0].campaign[:6] in r.campaign for r in words)
    assert all(_today() <= r.due_date <= _today() + dt.timedelta(days=60) for r in soon)
    assert [r.id for r in page + following] == [r.id for r in everything[:6]]
