"""Row-level security, the app role, pooled connections and the audit trail, tested as circlue_app."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.orm import Session

from circlue.db import set_actor, unit_of_work
from tests.conftest import actor_of

# For each brand-data table: the ids of its rows that belong to brand :bid (run as the superuser).
OWNED_ROWS = {
    "brands": "SELECT id FROM brands WHERE id = :bid",
    "products": "SELECT id FROM products WHERE brand_id = :bid",
    "campaigns": "SELECT id FROM campaigns WHERE brand_id = :bid",
    "personas": "SELECT id FROM personas WHERE brand_id = :bid",
    "settlements": "SELECT id FROM settlements WHERE brand_id = :bid",
    "campaign_target_content": "SELECT t.id FROM campaign_target_content t "
    "JOIN campaigns c ON c.id = t.campaign_id WHERE c.brand_id = :bid",
    "campaign_influencers": "SELECT t.id FROM campaign_influencers t "
    "JOIN campaigns c ON c.id = t.campaign_id WHERE c.brand_id = :bid",
    "content_plans": "SELECT t.id FROM content_plans t JOIN campaigns c ON c.id = t.campaign_id WHERE c.brand_id = :bid",
    "content_submissions": "SELECT t.id FROM content_submissions t "
    "JOIN campaigns c ON c.id = t.campaign_id WHERE c.brand_id = :bid",
    "performance_metrics": "SELECT t.id FROM performance_metrics t "
    "JOIN campaigns c ON c.id = t.campaign_id WHERE c.brand_id = :bid",
    "content_files": "SELECT f.id FROM content_files f JOIN content_submissions s ON s.id = f.submission_id "
    "JOIN campaigns c ON c.id = s.campaign_id WHERE c.brand_id = :bid",
    "content_revisions": "SELECT r.id FROM content_revisions r "
    "LEFT JOIN content_plans p ON p.id = r.content_plan_id "
    "LEFT JOIN content_submissions s ON s.id = r.submission_id "
    "JOIN campaigns c ON c.id = COALESCE(p.campaign_id, s.campaign_id) WHERE c.brand_id = :bid",
    "comment_analysis": "SELECT a.id FROM comment_analysis a JOIN performance_metrics m ON m.id = a.performance_metric_id "
    "JOIN campaigns c ON c.id = m.campaign_id WHERE c.brand_id = :bid",
    "tax_invoices": "SELECT i.id FROM tax_invoices i JOIN settlements s ON s.id = i.settlement_id "
    "WHERE s.brand_id = :bid",
    "payments": "SELECT p.id FROM payments p JOIN settlements s ON s.id = p.settlement_id WHERE s.brand_id = :bid",
    "campaign_status_history": "SELECT h.id FROM campaign_status_history h "
    "JOIN campaigns c ON c.id = h.campaign_id WHERE c.brand_id = :bid",
}


def _ids(conn, sql: str, **params) -> set[uuid.UUID]:
    return {row[0] for row in conn.execute(text(sql), params)}


def _attempt(app_engine, actor_id, statement: str, params: dict) -> int:
    """Run one statement as circlue_app acting as actor_id (through a live session); rolled back whatever happens."""
    actor = actor_of(actor_id)
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor)
        try:
            return session.execute(text(statement), params).rowcount
        finally:
            session.rollback()


@pytest.fixture(scope="module")
def two_brands(owner_engine: Engine) -> tuple[tuple[uuid.UUID, uuid.UUID], tuple[uuid.UUID, uuid.UUID]]:
    """(user, brand) of two different brand users who both own data in every brand table."""
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.id, b.id FROM users u JOIN brands b ON b.user_id = u.id "
                "WHERE u.role = 'brand' ORDER BY u.email, b.name"
            )
        ).all()
    owners: dict[uuid.UUID, uuid.UUID] = {}
    for user_id, brand_id in rows:
        owners.setdefault(user_id, brand_id)
    assert len(owners) >= 2, "demo data must give brands to at least two brand users"
    (ua, ba), (ub, bb) = list(owners.items())[:2]
    return (ua, ba), (ub, bb)


@pytest.mark.parametrize("table", sorted(OWNED_ROWS))
def test_brand_user_sees_none_of_another_brands_rows(table, two_brands, owner_engine, app_engine):
    (user_a, brand_a), (user_b, brand_b) = two_brands
    with owner_engine.connect() as conn:
        rows_b = _ids(conn, OWNED_ROWS[table], bid=brand_b)
        rows_a = _ids(conn, OWNED_ROWS[table], bid=brand_a)
    assert rows_b, f"demo data has no {table} rows for the second brand: the test would prove nothing"
    with unit_of_work(actor_of(user_a), engine=app_engine) as session:
        seen_by_a = {row[0] for row in session.execute(text(f"SELECT id FROM {table}"))}
    assert not (seen_by_a & rows_b), f"brand A read brand B's {table}"
    assert rows_a <= seen_by_a, f"brand A cannot read its own {table}"
    with unit_of_work(actor_of(user_b), engine=app_engine) as session:
        seen_by_b = {row[0] for row in session.execute(text(f"SELECT id FROM {table}"))}
    assert rows_b <= seen_by_b


@pytest.mark.parametrize("table", sorted(OWNED_ROWS))
def test_brand_user_cannot_update_or_delete_another_brands_rows(table, two_brands, owner_engine, app_engine):
    (user_a, _), (_, brand_b) = two_brands
    with owner_engine.connect() as conn:
        target = next(iter(_ids(conn, OWNED_ROWS[table], bid=brand_b)))
    outcomes = []
    for statement in (f"UPDATE {table} SET id = id WHERE id = :id", f"DELETE FROM {table} WHERE id = :id"):
        try:
            # RLS turns another brand's rows invisible: the statement matches nothing.
            outcomes.append(_attempt(app_engine, user_a, statement, {"id": target}))
        except ProgrammingError as exc:
            # Append-only tables (the status history) refuse the statement outright.
            assert "permission denied" in str(exc)
            outcomes.append(0)
    assert outcomes == [0, 0]


# Each statement tries to create a row for brand B with B's own ids passed in as literals, so only the
# policy's WITH CHECK can stop it (an INSERT ... SELECT would find nothing of B's under RLS anyway).
INSERTS = {
    "brands": "INSERT INTO brands (user_id, name) VALUES (:owner_b, 'x')",
    "products": "INSERT INTO products (brand_id, name) VALUES (:bid, 'x')",
    "personas": "INSERT INTO personas (brand_id, name) VALUES (:bid, 'x')",
    "campaigns": "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
    " proposal_deadline) VALUES (:bid, :product_b, 'x', 1, now(), now(), now())",
    "settlements": "INSERT INTO settlements (brand_id, campaign_id, amount) VALUES (:bid, :campaign_b, 1)",
    "campaign_target_content": "INSERT INTO campaign_target_content (campaign_id) VALUES (:campaign_b)",
    "content_revisions": "INSERT INTO content_revisions (submission_id, revision_number) VALUES (:submission_b, 99)",
    "campaign_influencers": "INSERT INTO campaign_influencers (campaign_id, influencer_id)"
    " VALUES (:campaign_b, :influencer)",
    "content_plans": "INSERT INTO content_plans (campaign_id, influencer_id, plan_data)"
    " VALUES (:campaign_b, :influencer, '{}')",
    "content_submissions": "INSERT INTO content_submissions (campaign_id, influencer_id)"
    " VALUES (:campaign_b, :influencer)",
    "content_files": "INSERT INTO content_files (submission_id, file_url) VALUES (:submission_b, 'x')",
    "performance_metrics": "INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date)"
    " VALUES (:campaign_b, :influencer, 'douyin', '1999-01-01')",
    "comment_analysis": "INSERT INTO comment_analysis (performance_metric_id) VALUES (:metric_b)",
    "tax_invoices": "INSERT INTO tax_invoices (settlement_id, invoice_number, amount, tax_amount, total_amount,"
    " issued_date) VALUES (:settlement_b, 'X-1', 1, 0, 1, now())",
    "payments": "INSERT INTO payments (settlement_id, paid_amount, paid_at) VALUES (:settlement_b, 1, now())",
    "campaign_status_history": "INSERT INTO campaign_status_history (campaign_id, to_status, changed_by)"
    " VALUES (:campaign_b, 'submitted', :owner_b)",
    "notifications": "INSERT INTO notifications (user_id, type, title) VALUES (:owner_b, 'phish', 'reset password')",
    # Moving one of A's own rows over to brand B is an insert into B's data too.
    "products (move)": "UPDATE products SET brand_id = :bid WHERE brand_id = :bid_a",
    # A's own campaign must not name B's product (foreign keys skip RLS).
    "campaigns (foreign product)": "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date,"
    " campaign_end_date, proposal_deadline) VALUES (:bid_a, :product_b, 'x', 1, now(), now(), now())",
}


@pytest.fixture(scope="module")
def brand_b_ids(two_brands, owner_engine) -> dict[str, uuid.UUID]:
    """Ids of brand B's rows (and brand A's id), read as the superuser."""
    (_, brand_a), (user_b, brand_b) = two_brands
    with owner_engine.connect() as conn:
        def one(sql: str) -> uuid.UUID:
            return conn.execute(text(sql), {"bid": brand_b}).scalar_one()

        return {
            "bid": brand_b,
            "bid_a": brand_a,
            "owner_b": user_b,
            "product_b": one("SELECT id FROM products WHERE brand_id = :bid LIMIT 1"),
            "campaign_b": one("SELECT id FROM campaigns WHERE brand_id = :bid LIMIT 1"),
            "settlement_b": one("SELECT id FROM settlements WHERE brand_id = :bid LIMIT 1"),
            "metric_b": one(
                "SELECT m.id FROM performance_metrics m JOIN campaigns c ON c.id = m.campaign_id"
                " WHERE c.brand_id = :bid LIMIT 1"
            ),
            "influencer": one("SELECT id FROM influencers WHERE :bid IS NOT NULL LIMIT 1"),
            "submission_b": one(
                "SELECT s.id FROM content_submissions s JOIN campaigns c ON c.id = s.campaign_id"
                " WHERE c.brand_id = :bid LIMIT 1"
            ),
        }


@pytest.mark.parametrize("case", sorted(INSERTS))
def test_brand_user_cannot_write_rows_into_another_brand(case, two_brands, brand_b_ids, app_engine):
    (user_a, _), _ = two_brands
    statement = INSERTS[case]
    params = {k: v for k, v in brand_b_ids.items() if f":{k}" in statement}
    # Refused by RLS, by the 0007 guard on tables brands may never insert into, by grants (append-only history), or
    # by the money triggers (0014: admins write settlements and invoices).
    with pytest.raises(ProgrammingError, match="row-level security|a brand may|permission denied|by an admin"):
        _attempt(app_engine, user_a, statement, params)


def test_brand_user_cannot_delete_even_own_campaigns(two_brands, app_engine):
    (user_a, brand_a), _ = two_brands
    # Deleting a campaign would cascade to its settlements and tax invoices.
    assert _attempt(app_engine, user_a, "DELETE FROM campaigns WHERE brand_id = :b", {"b": brand_a}) == 0
    assert _attempt(app_engine, user_a, "DELETE FROM brands WHERE id = :b", {"b": brand_a}) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE campaigns SET status = 'completed', current_stage = 12 WHERE brand_id = :b",
        "UPDATE campaigns SET status = 'live' WHERE brand_id = :b",
        "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
        " proposal_deadline, status, current_stage) SELECT :b, id, 'x', 1, now(), now(), now(), 'live', 10"
        " FROM products WHERE brand_id = :b LIMIT 1",
        "UPDATE content_submissions SET published_url = 'https://example.com/x'"
        " WHERE campaign_id IN (SELECT id FROM campaigns WHERE brand_id = :b)",
        # Whatever each row's status, this is never a brand's review move (only submitted -> approved/revision).
        "UPDATE content_submissions SET status = CASE status WHEN 'submitted' THEN 'published' ELSE 'submitted' END"
        " WHERE campaign_id IN (SELECT id FROM campaigns WHERE brand_id = :b)",
    ],
)
def test_brand_user_cannot_make_staff_moves_on_own_rows(statement, two_brands, app_engine):
    (user_a, brand_a), _ = two_brands
    with pytest.raises(DBAPIError, match="a brand may"):
        _attempt(app_engine, user_a, statement, {"b": brand_a})


def test_brand_user_may_edit_own_campaign_and_review_submitted_content(app_engine, owner_engine):
    with owner_engine.connect() as conn:
        user_id, brand_id, submitted = conn.execute(
            text(
                "SELECT b.user_id, b.id, s.id FROM content_submissions s JOIN campaigns c ON c.id = s.campaign_id"
                " JOIN brands b ON b.id = c.brand_id WHERE s.status = 'submitted' ORDER BY b.name LIMIT 1"
            )
        ).one()
    with owner_engine.begin() as conn:
        campaign_id = conn.execute(
            text(
                "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
                " proposal_deadline) SELECT brand_id, id, '작성 중 캠페인', 1000000, current_date + 10, current_date + 40,"
                " current_date + 5 FROM products WHERE brand_id = :b LIMIT 1 RETURNING id"
            ),
            {"b": brand_id},
        ).scalar_one()
    try:
        edit = "UPDATE campaigns SET description = '설명 수정', budget = 2000000 WHERE id = :c"
        assert _attempt(app_engine, user_id, edit, {"c": campaign_id}) == 1
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE id = :c"), {"c": campaign_id})
    # A form that saves every field unchanged is not a change, whatever the campaign's stage.
    resaved = _attempt(
        app_engine, user_id, "UPDATE campaigns SET status = status, title = title WHERE brand_id = :b", {"b": brand_id}
    )
    assert resaved > 0
    # A brand reviews by asking for changes in a review round of the next number (0013); approving is an admin's,
    # and no status moves without its round.
    asked = _attempt(
        app_engine, user_id,
        "INSERT INTO content_revisions (submission_id, revision_number, status, feedback)"
        " SELECT s.id, s.current_revision_number + 1, 'revision-requested', '패키지가 잘 보이게 다시 찍어 주세요'"
        " FROM content_submissions s WHERE s.id = :s",
        {"s": submitted},
    )
    assert asked == 1
    with pytest.raises(DBAPIError, match="only an admin gives the final approval"):
        _attempt(
            app_engine, user_id,
            "INSERT INTO content_revisions (submission_id, revision_number, status)"
            " SELECT s.id, s.current_revision_number + 1, 'approved' FROM content_submissions s WHERE s.id = :s",
            {"s": submitted},
        )
    with pytest.raises(DBAPIError, match="a brand may only ask for changes|only by a review round"):
        _attempt(app_engine, user_id, "UPDATE content_submissions SET status = 'approved' WHERE id = :s", {"s": submitted})


def test_brand_feedback_is_signed_by_the_brand_user(app_engine, owner_engine, users_by_email):
    with owner_engine.connect() as conn:
        user_id, submission = conn.execute(
            text(
                "SELECT b.user_id, s.id FROM content_submissions s JOIN campaigns c ON c.id = s.campaign_id"
                " JOIN brands b ON b.id = c.brand_id WHERE s.status = 'submitted' ORDER BY b.name LIMIT 1"
            )
        ).one()
    statement = (
        "INSERT INTO content_revisions (submission_id, revision_number, status, feedback, feedback_by)"
        " SELECT s.id, s.current_revision_number + 1, 'revision-requested', '수정 부탁드립니다', :by"
        " FROM content_submissions s WHERE s.id = :s"
    )
    with pytest.raises(ProgrammingError, match="row-level security|signed by whoever gives it"):
        _attempt(app_engine, user_id, statement, {"s": submission, "by": users_by_email["admin@circlue.demo"]})
    assert _attempt(app_engine, user_id, statement, {"s": submission, "by": user_id}) == 1


def test_brand_user_can_write_own_products(two_brands, app_engine):
    (user_a, brand_a), _ = two_brands
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor_of(user_a))
        inserted = session.execute(
            text("INSERT INTO products (brand_id, name) VALUES (:bid, '테스트 토너')"), {"bid": brand_a}
        ).rowcount
        session.rollback()
    assert inserted == 1


@pytest.mark.parametrize("table", ["brands", "campaigns", "settlements", "payments", "performance_metrics"])
def test_no_user_set_returns_nothing(table, app_engine, owner_engine):
    with owner_engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
    with app_engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_staff_sees_every_brand(app_engine, owner_engine, users_by_email):
    with owner_engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM campaigns")).scalar()
    for email in ("manager@circlue.demo", "admin@circlue.demo"):
        with unit_of_work(actor_of(users_by_email[email]), engine=app_engine) as session:
            assert session.execute(text("SELECT count(*) FROM campaigns")).scalar() == total


def test_app_connections_run_as_circlue_app_without_bypass(app_engine):
    with app_engine.connect() as conn:
        row = conn.execute(
            text("SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user")
        ).one()
    assert tuple(row) == ("circlue_app", False, False)


def test_pooled_connection_keeps_no_user_between_transactions(two_brands, owner_engine):
    from circlue.db import _app_engine, app_login_url

    (user_a, _), _ = two_brands
    engine = _app_engine(app_login_url(owner_engine.url.render_as_string(hide_password=False)))
    engine.pool.dispose()
    single = engine.execution_options()
    try:
        with unit_of_work(actor_of(user_a), engine=single) as session:
            pid_1 = session.execute(text("SELECT pg_backend_pid()")).scalar()
            assert session.execute(text("SELECT count(*) FROM brands")).scalar() > 0
        with single.connect() as conn:
            pid_2 = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            setting = conn.execute(text("SELECT current_setting('circlue.user_id', true)")).scalar()
            brands = conn.execute(text("SELECT count(*) FROM brands")).scalar()
        assert pid_1 == pid_2, "the test must reuse the same pooled connection"
        assert setting in ("", None)
        assert brands == 0
    finally:
        engine.dispose()


def test_update_through_the_app_leaves_one_audit_row_naming_the_user(app_engine, users_by_email, owner_engine):
    manager = users_by_email["manager@circlue.demo"]
    with owner_engine.connect() as conn:
        campaign_id = conn.execute(text("SELECT id FROM campaigns ORDER BY title LIMIT 1")).scalar()
    actor = actor_of(manager, ip="203.0.113.7", user_agent="pytest-agent")
    with unit_of_work(actor, engine=app_engine) as session:
        session.execute(
            text("UPDATE campaigns SET description = :d WHERE id = :id"),
            {"d": "감사 로그 테스트 / audit test", "id": campaign_id},
        )
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT user_id, action, host(ip_address), user_agent, old_values->>'description',"
                " new_values->>'description' FROM audit_logs"
                " WHERE entity_id = :id AND action = 'UPDATE' AND new_values->>'description' = :d"
            ),
            {"id": campaign_id, "d": "감사 로그 테스트 / audit test"},
        ).all()
    assert len(rows) == 1
    user_id, action, ip, ua, old, new = rows[0]
    assert (user_id, action, ip, ua, new) == (manager, "UPDATE", "203.0.113.7", "pytest-agent", "감사 로그 테스트 / audit test")
    assert old != new


def test_app_cannot_write_audit_rows_itself(app_engine, users_by_email):
    admin = users_by_email["admin@circlue.demo"]
    for statement in (
        "UPDATE audit_logs SET action = 'x'",
        "DELETE FROM audit_logs",
        "TRUNCATE audit_logs",
        # Only the audit trigger writes entries: the app cannot forge one.
        f"INSERT INTO audit_logs (user_id, action) VALUES ('{admin}', 'DELETE')",
        "INSERT INTO audit_logs (action) VALUES ('DELETE')",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            with unit_of_work(actor_of(admin), engine=app_engine) as session:
                session.execute(text(statement))


def test_only_admins_read_audit_logs(app_engine, users_by_email):
    counts = {}
    for email in ("admin@circlue.demo", "manager@circlue.demo", "brand.glow@circlue.demo"):
        with unit_of_work(actor_of(users_by_email[email]), engine=app_engine) as session:
            counts[email] = session.execute(text("SELECT count(*) FROM audit_logs")).scalar()
    assert counts["admin@circlue.demo"] > 0
    assert counts["manager@circlue.demo"] == 0
    assert counts["brand.glow@circlue.demo"] == 0


def test_audit_rows_never_hold_secrets(owner_engine):
    with owner_engine.connect() as conn:
        leaked = conn.execute(
            text(
                "SELECT count(*) FROM audit_logs WHERE new_values ? 'password_hash' OR old_values ? 'password_hash'"
                " OR new_values ? 'token' OR old_values ? 'token'"
            )
        ).scalar()
    assert leaked == 0


@pytest.mark.parametrize("table", ["notifications", "user_sessions"])
def test_own_rows_only(table, app_engine, users_by_email, owner_engine):
    glow, manager = users_by_email["brand.glow@circlue.demo"], users_by_email["manager@circlue.demo"]
    actor_of(manager)  # a session of someone else's to hide
    with owner_engine.connect() as conn:
        others = conn.execute(text(f"SELECT count(*) FROM {table} WHERE user_id <> :u"), {"u": glow}).scalar()
    assert others > 0, "nothing of other users to hide: the test would prove nothing"
    with unit_of_work(actor_of(glow), engine=app_engine) as session:
        foreign = session.execute(text(f"SELECT count(*) FROM {table} WHERE user_id <> :u"), {"u": glow}).scalar()
    assert foreign == 0


@pytest.mark.parametrize(
    ("actor_email", "statement"),
    [
        ("brand.glow@circlue.demo", "UPDATE users SET role = 'admin' WHERE email = 'brand.glow@circlue.demo'"),
        ("brand.glow@circlue.demo", "UPDATE users SET password_hash = 'x' WHERE email = 'admin@circlue.demo'"),
        ("manager@circlue.demo", "UPDATE users SET is_active = false WHERE email = 'admin@circlue.demo'"),
        ("manager@circlue.demo", "INSERT INTO users (email, password_hash, name, role) VALUES ('x@y.z', 'h', 'x', 'admin')"),
        ("manager@circlue.demo", "DELETE FROM users WHERE email = 'brand.glow@circlue.demo'"),
        (None, "UPDATE users SET role = 'admin' WHERE email = 'brand.glow@circlue.demo'"),
        (None, "INSERT INTO users (email, password_hash, name, role) VALUES ('x@y.z', 'h', 'x', 'admin')"),
        (None, "UPDATE users SET sessions_revoked_at = '2000-01-01' WHERE email = 'brand.glow@circlue.demo'"),
        ("brand.glow@circlue.demo", "UPDATE users SET sessions_revoked_at = '2000-01-01' WHERE email = 'brand.glow@circlue.demo'"),
        (None, "UPDATE users SET is_active = true, role = 'manager' WHERE email = 'brand.hanmat@circlue.demo'"),
    ],
)
def test_users_cannot_escalate_through_the_app_role(actor_email, statement, app_engine, users_by_email, owner_engine):
    snapshot = "SELECT id, email, role, is_active, password_hash, sessions_revoked_at FROM users ORDER BY id"
    with owner_engine.connect() as conn:
        before = conn.execute(text(snapshot)).all()
    actor = users_by_email[actor_email] if actor_email else None
    # Refused outright (the 0006/0010 guard, a policy's WITH CHECK), or the rows are invisible and nothing changes.
    try:
        changed = _attempt(app_engine, actor, statement, {})
    except DBAPIError as exc:
        assert re.search("only admins may|row-level security|permission denied", str(exc)), exc
    else:
        assert changed == 0
    with owner_engine.connect() as conn:
        assert conn.execute(text(snapshot)).all() == before


def test_allowed_user_writes_still_work(app_engine, users_by_email):
    admin, glow = users_by_email["admin@circlue.demo"], users_by_email["brand.glow@circlue.demo"]
    assert _attempt(app_engine, admin, "UPDATE users SET is_active = false WHERE id = :u", {"u": glow}) == 1
    assert _attempt(app_engine, glow, "UPDATE users SET name = '정하늘2' WHERE id = :u", {"u": glow}) == 1
    # With no user acting, the app role sees no account and changes none (logins count failures in circlue_login).
    assert _attempt(app_engine, None, "UPDATE users SET failed_login_count = 1 WHERE id = :u", {"u": glow}) == 0


def test_deactivating_a_user_ends_their_sessions(app_engine, users_by_email):
    from circlue.repository.users import set_user_active, validate_session

    admin, hanmat = users_by_email["admin@circlue.demo"], users_by_email["brand.hanmat@circlue.demo"]
    before = actor_of(hanmat)
    try:
        with unit_of_work(actor_of(admin), engine=app_engine) as session:
            set_user_active(session, user_id=hanmat, active=False)
        with unit_of_work(actor_of(admin), engine=app_engine) as session:
            set_user_active(session, user_id=hanmat, active=True)
        # Reactivated, but the session from before is not revived: the database names nobody for its token.
        with unit_of_work(before, engine=app_engine) as session:
            assert validate_session(session, token=before.token) is None
            assert session.execute(text("SELECT count(*) FROM brands")).scalar() == 0
        fresh = actor_of(hanmat)
        with unit_of_work(fresh, engine=app_engine) as session:
            assert validate_session(session, token=fresh.token) is not None
    finally:
        with unit_of_work(actor_of(admin), engine=app_engine) as session:
            set_user_active(session, user_id=hanmat, active=True)


def test_insert_cases_cover_every_brand_table():
    covered = {case.split(" ")[0] for case in INSERTS}
    assert set(OWNED_ROWS) <= covered
