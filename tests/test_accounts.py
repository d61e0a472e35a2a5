"""Admin tools (issue 7): roles, resets, sessions, the last admin, one's own password, the audit viewer."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from circlue.db import Actor, login_unit_of_work, unit_of_work
from circlue.errors import CountedRefusal, Forbidden, ValidationError
from circlue.ops.demo import DEMO_PASSWORD
from circlue.repository import audit as audit_repo
from circlue.repository import users as users_repo
from circlue.security import HashedPassword, hash_password
from tests.conftest import actor_of

ADMIN, MANAGER = "admin@circlue.demo", "manager@circlue.demo"


@pytest.fixture
def scratch_user(owner_engine):
    """A user of the test's own (deleted afterwards): (id, email, password)."""
    made: list[uuid.UUID] = []

    def _make(role: str = "manager", password: str = "first password 2026") -> tuple[uuid.UUID, str, str]:
        email = f"t{uuid.uuid4().hex[:10]}@circlue.ai"
        with owner_engine.begin() as conn:
            user_id = conn.execute(
                text("INSERT INTO users (email, password_hash, name, role) VALUES (:e, :h, '테스트', :r) RETURNING id"),
                {"e": email, "h": hash_password(password), "r": role},
            ).scalar_one()
        made.append(user_id)
        return user_id, email, password

    yield _make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE id = ANY(:ids)"), {"ids": made})


def _login(auth_engine, email: str, password: str) -> users_repo.LoginResult | None:
    with login_unit_of_work(Actor(user_id=None), engine=auth_engine) as session:
        return users_repo.login(session, email=email, password=password, hours=1)


def _alive(app_engine, result: users_repo.LoginResult) -> users_repo.SessionInfo | None:
    actor = Actor(user_id=result.user_id, token=result.token)
    with unit_of_work(actor, engine=app_engine) as session:
        return users_repo.validate_session(session, token=result.token)


# -- the last admin ------------------------------------------------------------------------------------------------


def test_the_last_admin_can_be_neither_deactivated_nor_demoted(app_engine, users_by_email):
    admin = users_by_email[ADMIN]
    for change in (
        lambda s: users_repo.set_user_active(s, user_id=admin, active=False),
        lambda s: users_repo.set_role(s, user_id=admin, role="manager"),
    ):
        with pytest.raises(ValidationError, match="last active admin"):
            with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
                change(session)
    # Whatever writes it: the database refuses too.
    with pytest.raises(DBAPIError, match="last active admin"):
        with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
            session.execute(text("UPDATE users SET role = 'manager' WHERE id = :u"), {"u": admin})


def test_two_admins_demoting_each_other_at_once_leave_one(app_engine, scratch_user, users_by_email, owner_engine):
    second, second_email, _ = scratch_user("admin")
    first = users_by_email[ADMIN]
    actors = {first: actor_of(ADMIN), second: actor_of(second_email)}
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: Actor, target: uuid.UUID) -> None:
        barrier.wait()
        try:
            with unit_of_work(actor, engine=app_engine) as session:
                changed = session.execute(
                    text("UPDATE users SET role = 'manager' WHERE id = :u"), {"u": target}
                ).rowcount
            # A demoted admin's statement sees nobody to update (RLS): nothing happened.
            outcomes.append("demoted" if changed else "nothing")
        except DBAPIError as exc:
            outcomes.append("refused" if "last active admin" in str(exc) else str(exc))

    threads = [
        threading.Thread(target=demote, args=(actors[first], second)),
        threading.Thread(target=demote, args=(actors[second], first)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        # One wins; the other is refused (it waited on the admins' lock) or, demoted first, changes nothing.
        assert outcomes.count("demoted") == 1 and len(outcomes) == 2
        with owner_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users WHERE role = 'admin' AND is_active")).scalar() >= 1
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE users SET role = 'admin' WHERE id = :u"), {"u": first})


# -- roles, resets, sessions ----------------------------------------------------------------------------------------


def test_a_role_change_ends_the_sessions_opened_under_the_old_role(app_engine, auth_engine, scratch_user):
    user_id, email, password = scratch_user("manager")
    before = _login(auth_engine, email, password)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        users_repo.set_role(session, user_id=user_id, role="brand")
    assert _alive(app_engine, before) is None
    after = _login(auth_engine, email, password)
    assert after.role == "brand"


def test_a_reset_ends_sessions_and_makes_a_new_password_due(app_engine, auth_engine, scratch_user):
    user_id, email, password = scratch_user("manager")
    before = _login(auth_engine, email, password)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        users_repo.reset_password(session, user_id=user_id, password="temporary 12345")
    assert _alive(app_engine, before) is None
    assert _login(auth_engine, email, password) is None
    temporary = _login(auth_engine, email, "temporary 12345")
    assert _alive(app_engine, temporary).must_change_password is True
    other_device = _login(auth_engine, email, "temporary 12345")
    actor = Actor(user_id=user_id, token=temporary.token)
    with pytest.raises(ValidationError, match="current password is wrong"):
        with unit_of_work(actor, engine=app_engine) as session:
            users_repo.change_own_password(session, current_password="not it at all", new_password="brand new 2026!")
    with unit_of_work(actor, engine=app_engine) as session:
        users_repo.change_own_password(session, current_password="temporary 12345", new_password="brand new 2026!")
    # This session goes on with nothing due; the other device's ends; the new password logs in.
    assert _alive(app_engine, temporary).must_change_password is False
    assert _alive(app_engine, other_device) is None
    assert _login(auth_engine, email, "brand new 2026!") is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda s, u: users_repo.reset_password(s, user_id=u, password=HashedPassword.of("temporary 12345")),
        lambda s, u: users_repo.set_role(s, user_id=u, role="brand"),
        lambda s, u: users_repo.set_user_active(s, user_id=u, active=False),
    ],
    ids=["reset", "role", "deactivate"],
)
def test_a_login_while_the_change_is_being_made_ends_with_it(change, app_engine, auth_engine, scratch_user):
    """Revocation is stamped when the UPDATE runs, not when the admin's transaction began (bcrypt, a slow page):
    a login with the old password in between must not outlive the change."""
    user_id, email, password = scratch_user("manager")
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        session.execute(text("SELECT 1"))  # the admin's transaction has begun
        intruder = _login(auth_engine, email, password)
        assert intruder is not None
        change(session, user_id)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:  # a reactivation revives no session either
        users_repo.set_user_active(session, user_id=user_id, active=True)
    assert _alive(app_engine, intruder) is None


def test_wrong_current_passwords_count_and_lock_like_failed_logins(app_engine, auth_engine, scratch_user, owner_engine):
    """A borrowed session cannot guess the current password on the change form: five wrong ones lock the account
    for 15 minutes (the login too), and while locked even the right one changes nothing."""
    user_id, email, password = scratch_user("manager")
    borrowed = actor_of(email)

    def change(current: str) -> None:
        with unit_of_work(borrowed, engine=app_engine) as session:
            users_repo.change_own_password(session, current_password=current, new_password="chosen by a thief 1")

    for n, left in zip(range(4), (4, 3, 2, 1), strict=True):
        with pytest.raises(CountedRefusal, match=f"current password is wrong; {left} more wrong tries"):
            change(f"guess number {n}")
    with pytest.raises(CountedRefusal, match="locked until"):
        change("guess number 4")
    with pytest.raises(CountedRefusal, match="locked until"):
        change(password)
    assert _login(auth_engine, email, password) is None, "the lock holds for the login too"
    with owner_engine.connect() as conn:
        locked_until = conn.execute(text("SELECT locked_until FROM users WHERE id = :u"), {"u": user_id}).scalar()
    assert dt.timedelta(minutes=14) < locked_until - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        users_repo.unlock(session, user_id=user_id)
    change(password)  # unlocked, the right password works and the count starts again
    assert _login(auth_engine, email, "chosen by a thief 1") is not None


def test_the_password_page_says_how_many_tries_are_left(logged_in_at, scratch_user):
    _user_id, email, _password = scratch_user("manager")
    at = logged_in_at(email, page="views/password.py").run()
    at.text_input(key="pw_current").input("not my password")
    at.text_input(key="pw_new").input("my own password 1")
    at.text_input(key="pw_repeat").input("my own password 1")
    at.button(key="FormSubmitter:password_form-비밀번호 변경").click().run()
    assert not at.exception
    assert any("4번 더 틀리면 15분 동안 잠깁니다" in e.value for e in at.error)


def test_nobody_sets_their_own_password_without_the_current_one(app_engine, scratch_user, owner_engine):
    user_id, email, _ = scratch_user("manager")
    with pytest.raises(DBAPIError, match="only admins may"):
        with unit_of_work(actor_of(email), engine=app_engine) as session:
            session.execute(
                text("UPDATE users SET password_hash = :h, must_change_password = false WHERE id = :u"),
                {"h": hash_password("chosen by a thief"), "u": user_id},
            )


def test_admins_see_and_end_a_users_sessions(app_engine, auth_engine, scratch_user):
    user_id, email, password = scratch_user("manager")
    first, second = _login(auth_engine, email, password), _login(auth_engine, email, password)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        assert len(users_repo.list_sessions(session, user_id=user_id)) == 2
        assert users_repo.end_sessions(session, user_id=user_id) == 2
    assert _alive(app_engine, first) is None and _alive(app_engine, second) is None


def test_only_admins_end_sessions(app_engine, users_by_email):
    with pytest.raises(Forbidden):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            users_repo.end_sessions(session, user_id=users_by_email[ADMIN])


def test_an_unlocked_account_logs_in_again(app_engine, auth_engine, scratch_user):
    user_id, email, password = scratch_user("manager")
    for n in range(5):
        assert _login(auth_engine, email, f"wrong password {n}") is None
    assert _login(auth_engine, email, password) is None
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        users_repo.unlock(session, user_id=user_id)
    assert _login(auth_engine, email, password) is not None


# -- the audit viewer --------------------------------------------------------------------------------------------------


def test_who_changed_this_and_when(app_engine, users_by_email, owner_engine):
    with owner_engine.connect() as conn:
        campaign = conn.execute(text("SELECT id FROM campaigns ORDER BY title LIMIT 1")).scalar()
    with unit_of_work(actor_of(MANAGER, ip="198.51.100.4"), engine=app_engine) as session:
        session.execute(text("UPDATE campaigns SET description = '감사 추적 / audit trail' WHERE id = :c"), {"c": campaign})
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        rows = audit_repo.list_audit_logs(
            session,
            filters=audit_repo.AuditFilter(
                entity_id=campaign, action="UPDATE", user_id=users_by_email[MANAGER], since=since
            ),
        )
    assert rows and rows[0].user_email == MANAGER and str(rows[0].ip_address) == "198.51.100.4"
    changes = audit_repo.changes(rows[0])
    assert changes[0].field == "description" and changes[0].changed and changes[0].new == "감사 추적 / audit trail"
    assert not any(c.changed for c in changes if c.field == "updated_at")


def test_audit_filters_refuse_nonsense(app_engine):
    with pytest.raises(ValidationError):
        with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
            audit_repo.list_audit_logs(session, filters=audit_repo.AuditFilter(action="TRUNCATE"))


def test_encrypted_values_in_the_audit_are_shown_decrypted_to_admins(app_engine):
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        (entry,) = audit_repo.list_audit_logs(
            session, filters=audit_repo.AuditFilter(entity_type="influencers", action="INSERT"), limit=1
        )
    assert entry.new_values["real_name"].startswith("enc1:")
    shown = {c.field: c.new for c in audit_repo.changes(entry)}
    assert not shown["real_name"].startswith("enc1:") and shown["phone"].startswith("+86")


# -- pages --------------------------------------------------------------------------------------------------------------


def test_a_due_password_is_the_only_page_until_changed(logged_in_at, scratch_user, app_engine):
    user_id, email, _ = scratch_user("manager")
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        users_repo.reset_password(session, user_id=user_id, password="temporary 12345")
    at = logged_in_at(email).run()
    assert not at.exception
    assert [h.value for h in at.header] == ["비밀번호 변경"]
    at.text_input(key="pw_current").input("temporary 12345")
    at.text_input(key="pw_new").input("my own password 1")
    at.text_input(key="pw_repeat").input("my own password 1")
    at.button[1].click().run()  # [0] is the sidebar's log-out button
    assert not at.exception
    at.run()
    assert "비밀번호 변경" not in [h.value for h in at.header]


def test_admin_resets_a_password_from_the_users_page(logged_in_at, scratch_user, owner_engine):
    user_id, email, _ = scratch_user("manager")
    at = logged_in_at(ADMIN, page="views/users.py").run()
    at.selectbox(key="manage_pick").set_value(str(user_id)).run()
    at.text_input(key="temp_password").input("temporary 12345")
    at.button(key="FormSubmitter:reset_form-비밀번호 초기화").click().run()
    assert not at.exception, at.exception
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT must_change_password FROM users WHERE id = :u"), {"u": user_id}).scalar()


@pytest.fixture
def logged_in_at(app_engine):
    """An AppTest of app.py (or a page) with a live session of `email` in its session state."""
    from tests.test_pages import ROOT, _login_state

    def _make(email: str, page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / (page or "app.py")), default_timeout=60)
        _login_state(at, actor_of(email))
        return at

    return _make


def test_the_demo_password_still_works_for_the_demo(auth_engine):
    assert _login(auth_engine, MANAGER, DEMO_PASSWORD) is not None
