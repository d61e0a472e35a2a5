"""Payments, every settlement status transition in the database, and overdue settlements (the calendar's doing);
tests/test_settlements.py holds invoices and numbering, tests/test_settlement_rules.py the rest."""


import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from circlue.db import Actor, set_actor, unit_of_work
from circlue.errors import DomainError, InvalidTransition, ValidationError
from circlue.repository import payments as payments_repo
from circlue.repository import settlements as settlements_repo
from circlue.repository.campaigns import set_status_note
from circlue.schemas.settlements import PaymentInput
from circlue.workflow import (
    SETTLEMENT_MANUAL,
    SETTLEMENT_STATUSES,
    SETTLEMENT_TRANSITIONS,
    check_settlement_transition,
)
from tests.conftest import actor_of
from tests.settlement_helpers import (
    ADMIN,
    GLOW,
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

# -- Payments ---------------------------------------------------------------------------------------------------------


def test_partial_payments_add_up_and_the_status_follows(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
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
    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))  # total ₩1,100,000
    pay(admin, settlement_id, D(1_000_000))
    with pytest.raises(ValidationError) as refused:
        pay(admin, settlement_id, D(100_001))
    for figure in ("₩100,001", "₩1,100,001", "₩1,100,000", "₩100,000"):
        assert figure in str(refused.value)
    assert refused.value.fields["amount"].endswith("₩100,000")
    with pytest.raises(ValidationError) as refused:
        sql(app_engine, admin, "INSERT INTO payments (settlement_id, payment_method, transaction_id,"
             " transaction_id_bidx, paid_amount, paid_at) VALUES (:s, 'enc1:x:y', 'enc1:x:z', :b, 100001, now())",
             s=settlement_id, b=uuid.uuid4().hex)
    for figure in ("₩100,001", "₩1,100,001", "₩1,100,000", "₩100,000"):
        assert figure in str(refused.value)
    assert settlement(owner_engine, settlement_id)["paid_amount"] == D(1_000_000)


def test_nothing_can_be_paid_before_it_is_invoiced(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
    with pytest.raises(ValidationError, match="₩0"):
        pay(admin, settlement_id, D(1))


def test_two_payments_of_the_rest_at_once_pay_it_once(owner_engine, app_engine):
    admin = actor_of(ADMIN)
    settlement_id = fresh(owner_engine, admin)
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
    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    first = f"TXN-DUP-{uuid.uuid4().hex[:6]}"
    pay(admin, settlement_id, D(1000), transaction_id=first)
    typed = again.replace("0001", first[-6:]).replace("０００１", first[-6:])
    with pytest.raises(ValidationError, match="already recorded") as refused:
        pay(admin, settlement_id, D(1000), transaction_id=typed)
    assert "transaction_id" in refused.value.fields
    # Another settlement, another brand: still the same transaction.
    other = fresh(owner_engine, admin, brand=GLOW)
    issue(admin, other, D(1000))
    with pytest.raises(ValidationError, match="already recorded"):
        pay(admin, other, D(1000), transaction_id=typed)


def test_a_duplicate_that_gets_past_the_lookup_is_refused_by_the_unique_index(owner_engine, admin, app_engine):
    from circlue.crypto import keyring

    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(1000), transaction_id="IDX-ONLY-1")
    with pytest.raises(ValidationError, match="already recorded"):
        sql(app_engine, admin, "INSERT INTO payments (settlement_id, payment_method, transaction_id,"
             " transaction_id_bidx, paid_amount, paid_at) VALUES (:s, 'enc1:x:y', 'enc1:x:z', :b, 1, now())",
             s=settlement_id, b=keyring().blind_index("IDX-ONLY-1"))


def test_a_transaction_recorded_under_an_older_key_is_still_found(owner_engine, admin):
    from circlue.crypto import KeyRing, keyring, reset_keyring

    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1_000_000))
    pay(admin, settlement_id, D(1000), transaction_id="OLD-KEY-1")
    old = keyring()
    try:
        reset_keyring(KeyRing(["a brand new key of the ring, newest first", *old_secrets()]))
        with pytest.raises(ValidationError, match="already recorded"):
            pay(admin, settlement_id, D(1000), transaction_id="old-key-1")
    finally:
        reset_keyring(old)


def test_a_payment_in_the_future_is_refused(owner_engine, admin):
    settlement_id = fresh(owner_engine, admin)
    issue(admin, settlement_id, D(1000))
    with pytest.raises(ValidationError, match="future"):
        with unit_of_work(admin) as session:
            payments_repo.record_payment(session, settlement_id=settlement_id, payment=PaymentInput(
                method="bank-transfer", transaction_id="FUTURE-1", amount=D(100),
                paid_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)))


def test_an_uploaded_receipt_is_kept_and_a_fake_one_refused(owner_engine, admin):
    from circlue import files

    settlement_id = fresh(owner_engine, admin)
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
            session, settlement_id=settlement_id, due_date=today() + dt.timedelta(days=days)
        )


def test_every_allowed_transition_happens_by_what_moves_the_money(owner_engine, admin):
    seen: set[tuple[str, str]] = set()

    def expect(settlement_id, before: str, after: str) -> None:
        assert _status(owner_engine, settlement_id) == after, (before, after)
        seen.add((before, after))

    s = fresh(owner_engine, admin)
    invoice = issue(admin, s, D(1_150_000))
    expect(s, "pending", "invoiced")
    amend(admin, invoice.id, "1150000", reason="cancellation")
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

    t = fresh(owner_engine, admin)
    invoice = issue(admin, t, D(1_150_000))
    pay(admin, t, invoice.total_amount)
    expect(t, "invoiced", "paid")
    u = fresh(owner_engine, admin)
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
    made["pending"] = fresh(owner_engine, admin)
    made["invoiced"] = fresh(owner_engine, admin)
    issue(admin, made["invoiced"], D(1_000_000))
    made["partially-paid"] = fresh(owner_engine, admin)
    issue(admin, made["partially-paid"], D(1_000_000))
    pay(admin, made["partially-paid"], D(1000))
    made["paid"] = fresh(owner_engine, admin)
    invoice = issue(admin, made["paid"], D(1_150_000))
    pay(admin, made["paid"], invoice.total_amount)
    made["overdue"] = fresh(owner_engine, admin)
    _due(admin, made["overdue"], -3)
    made["completed"] = fresh(owner_engine, admin)
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
        sql(app_engine, admin, "UPDATE settlements SET status = :t WHERE id = :s", t=target, s=settlement_id)
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
    settlement_id = fresh(owner_engine, admin)
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
