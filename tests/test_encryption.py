"""Field encryption (issue 7): ciphertext at rest and in audit rows, blind indexes, key rotation, the key's absence."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from circlue import db
from circlue.crypto import DecryptionError, KeyRing, keyring, normalise, reset_keyring
from circlue.models import Influencer, Payment
from tests.conftest import ROOT, actor_of, create_database, drop_database

KEY_A, KEY_B = "a" * 24 + "-first-key", "b" * 24 + "-second-key"
ENCRYPTED = (
    ("influencers", "real_name"),
    ("influencers", "phone"),
    ("influencers", "wechat_id"),
    ("campaign_influencers", "additional_terms"),
    ("payments", "transaction_id"),
    ("payments", "payment_method"),
)


# -- the key ring, without a database -----------------------------------------------------------------------------


def test_values_round_trip_and_every_encryption_differs():
    ring = KeyRing([KEY_A])
    first, second = ring.encrypt("王小美"), ring.encrypt("王小美")
    assert first != second and first.startswith(f"enc1:{ring.newest_id}:")
    assert ring.decrypt(first) == ring.decrypt(second) == "王小美"
    assert ring.encrypt(None) is None and ring.decrypt(None) is None
    assert ring.decrypt("written before encryption") == "written before encryption"


def test_an_older_key_still_decrypts_until_it_is_removed():
    old = KeyRing([KEY_A]).encrypt("+86 138 0000 0000")
    assert KeyRing([KEY_B, KEY_A]).decrypt(old) == "+86 138 0000 0000"
    with pytest.raises(DecryptionError, match="removed before"):
        KeyRing([KEY_B]).decrypt(old)


def test_a_tampered_value_does_not_decrypt():
    ring = KeyRing([KEY_A])
    stored = ring.encrypt("TXN-001")
    forged = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(DecryptionError, match="altered"):
        ring.decrypt(forged)


def test_blind_indexes_match_equal_values_only():
    ring = KeyRing([KEY_A])
    assert ring.blind_index("ＴＸＮ-001 ") == ring.blind_index("txn-001") == ring.blind_index("TXN-001")
    assert ring.blind_index("TXN-002") != ring.blind_index("TXN-001")
    assert normalise(" ＡＢｃ ") == "abc"
    # Lookups during a rotation try every key of the ring.
    assert KeyRing([KEY_B, KEY_A]).blind_indexes("x")[1] == ring.blind_index("x")


def test_short_keys_are_refused():
    with pytest.raises(ValueError, match="at least 16"):
        KeyRing(["short"])


# -- at rest ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "column"), ENCRYPTED)
def test_the_raw_table_holds_only_ciphertext(table, column, owner_engine):
    with owner_engine.connect() as conn:
        values = conn.execute(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars().all()
    assert values, f"the demo has no {table}.{column}: the test would prove nothing"
    assert all(v.startswith("enc1:") for v in values)


@pytest.mark.parametrize(("table", "column"), ENCRYPTED)
def test_the_database_refuses_plaintext(table, column, owner_engine):
    with owner_engine.connect() as conn:
        row_id = conn.execute(text(f"SELECT id FROM {table} WHERE {column} IS NOT NULL LIMIT 1")).scalar()
    with pytest.raises(DBAPIError, match=f"{table}_{column}_encrypted"):
        with owner_engine.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET {column} = 'plain text' WHERE id = :i"), {"i": row_id})


def test_audit_rows_hold_ciphertext(owner_engine):
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT new_values->>'real_name', new_values->>'phone' FROM audit_logs"
                " WHERE entity_type = 'influencers' AND action = 'INSERT' LIMIT 50"
            )
        ).all()
    assert rows and all(name.startswith("enc1:") and phone.startswith("enc1:") for name, phone in rows)


def test_staff_read_plaintext_through_the_app(app_engine):
    with db.unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine) as session:
        influencer = session.scalars(select(Influencer).where(Influencer.phone.is_not(None)).limit(1)).one()
        payment = session.scalars(select(Payment).limit(1)).one()
    assert influencer.phone.startswith("+86 ") and influencer.wechat_id.startswith("wxid_")
    assert 2 <= len(influencer.real_name) <= 4 and not influencer.real_name.startswith("enc1:")
    assert payment.transaction_id.startswith("TXN") and not payment.payment_method.startswith("enc1:")


def test_a_real_name_is_found_by_its_blind_index(app_engine):
    from circlue.repository.influencers import find_by_real_name

    manager = actor_of("manager@circlue.demo")
    with db.unit_of_work(manager, engine=app_engine) as session:
        name = session.scalars(select(Influencer.real_name).limit(1)).one()
        found = find_by_real_name(session, real_name=f" {name} ")
    assert found and all(row.real_name == name for row in found)


def test_a_transaction_id_is_unique_whatever_its_spelling(app_engine, owner_engine):
    with owner_engine.connect() as conn:
        settlement = conn.execute(text("SELECT settlement_id FROM payments LIMIT 1")).scalar()
    with db.unit_of_work(actor_of("admin@circlue.demo"), engine=app_engine) as session:
        existing = session.scalars(select(Payment.transaction_id).limit(1)).one()
    with pytest.raises(DBAPIError, match="idx_payments_transaction_id_bidx"):
        with db.unit_of_work(actor_of("admin@circlue.demo"), engine=app_engine) as session:
            session.add(Payment(settlement_id=settlement, transaction_id=f" {existing.lower()} ", paid_amount=1,
                                payment_method="bank-transfer", paid_at=db_now(session)))
            session.flush()


def db_now(session):
    return session.scalar(text("SELECT now()"))


# -- rotation ---------------------------------------------------------------------------------------------------------


def _plaintexts(app) -> dict:
    with db.unit_of_work(actor_of("admin@circlue.demo", engine=app[0]), engine=app[1]) as session:
        return {
            "influencers": sorted(session.execute(select(Influencer.id, Influencer.real_name, Influencer.phone)).all()),
            "payments": sorted(session.execute(select(Payment.id, Payment.transaction_id)).all()),
        }


def test_data_survives_a_key_rotation_that_stops_half_way():
    from circlue.ops.demo import load_demo
    from circlue.ops.keys import rotate, status

    url = create_database("circlue_rotate")
    owner = create_engine(url)
    app = db._app_engine(db.app_login_url(url))
    try:
        reset_keyring(KeyRing([KEY_A]))
        db.run_migrations(url)
        load_demo(engine=owner, influencers=40)
        before = _plaintexts((owner, app))
        with owner.connect() as conn:
            started = conn.execute(text("SELECT clock_timestamp()")).scalar()
        reset_keyring(KeyRing([KEY_B, KEY_A]))
        # Stop after one batch: half old key, half new; the app still reads everything.
        assert rotate(engine=owner, batch_size=25, max_batches=1) == 25
        mixed = status(engine=owner)["influencers.real_name"]
        assert mixed[KeyRing([KEY_B]).newest_id] == 25 and mixed[KeyRing([KEY_A]).newest_id] == 15
        assert _plaintexts((owner, app)) == before
        rotate(engine=owner, batch_size=25)
        # The old key can go: everything decrypts with the new one alone, and the CHECKs now cover every row.
        reset_keyring(KeyRing([KEY_B]))
        assert _plaintexts((owner, app)) == before
        counts = status(engine=owner)
        assert counts["audit_logs: influencers.real_name"], "status counts the audit log's copies too"
        assert all(set(c) <= {KeyRing([KEY_B]).newest_id} for c in counts.values())
        old_id = KeyRing([KEY_A]).newest_id
        with owner.connect() as conn:
            unchecked = conn.execute(
                text("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%\\_encrypted' AND NOT convalidated")
            ).scalar()
            # Nothing anywhere under the retired key: not in the tables, not in the history the audit log keeps.
            leftover = conn.execute(
                text("SELECT count(*) FROM audit_logs WHERE old_values::text LIKE :k OR new_values::text LIKE :k"),
                {"k": f"%enc1:{old_id}:%"},
            ).scalar()
            history = conn.execute(
                text("SELECT new_values->>'real_name' FROM audit_logs WHERE entity_type = 'influencers'"
                     " AND action = 'INSERT' AND entity_id = :i"), {"i": before["influencers"][0][0]},
            ).scalar()
            # The rotation's own writes name nobody: no admin acted.
            named = conn.execute(
                text("SELECT count(*) FILTER (WHERE user_id IS NOT NULL), count(*) FROM audit_logs"
                     " WHERE created_at >= :t"), {"t": started},
            ).one()
        assert unchecked == 0 and leftover == 0 and named[0] == 0 and named[1] >= 40
        assert KeyRing([KEY_B]).decrypt(history) == before["influencers"][0][1], "the history still reads"
    finally:
        reset_keyring()
        app.dispose()
        owner.dispose()
        db.dispose_engines()
        drop_database(url)


def test_an_upgraded_database_keeps_no_plaintext_after_rotate():
    """Rows written before 0012 were audited in plaintext; `keys rotate` encrypts those audit values too."""
    from circlue.ops.keys import rotate

    url = create_database("circlue_upgrade_rotate")
    owner = create_engine(url)
    try:
        reset_keyring(KeyRing([KEY_A]))
        db.run_migrations(url, revision="0011")
        with owner.begin() as conn:
            conn.execute(text("INSERT INTO influencers (name, real_name, platform) VALUES ('kol', '王小美', 'douyin')"))
        db.run_migrations(url)
        assert rotate(engine=owner) >= 2  # the row, and its audit rows (no admin needed: the owner rotates)
        with owner.connect() as conn:
            stored = conn.execute(text("SELECT real_name FROM influencers")).scalar()
            plain = conn.execute(
                text("SELECT count(*) FROM audit_logs WHERE old_values::text LIKE '%王小美%'"
                     " OR new_values::text LIKE '%王小美%'")
            ).scalar()
            copies = conn.execute(
                text("SELECT count(*) FROM audit_logs WHERE entity_type = 'influencers'"
                     " AND (new_values->>'real_name' LIKE 'enc1:%' OR old_values->>'real_name' LIKE 'enc1:%')")
            ).scalar()
        assert stored.startswith("enc1:") and plain == 0 and copies >= 2
    finally:
        reset_keyring()
        owner.dispose()
        db.dispose_engines()
        drop_database(url)


def test_no_session_can_rewrite_a_recorded_payment(app_engine, owner_engine):
    """Only the owner re-encrypts payments (keys rotate): the app role has no UPDATE on them, not even an admin."""
    with owner_engine.connect() as conn:
        payment = conn.execute(text("SELECT id FROM payments LIMIT 1")).scalar()
        granted = conn.execute(
            text("SELECT has_table_privilege('circlue_app', 'payments', 'UPDATE')"
                 " OR has_any_column_privilege('circlue_app', 'payments', 'UPDATE')")
        ).scalar()
    assert not granted
    with pytest.raises(DBAPIError, match="permission denied"):
        with db.unit_of_work(actor_of("admin@circlue.demo"), engine=app_engine) as session:
            session.execute(text("UPDATE payments SET transaction_id = 'enc1:deadbeef:forged' WHERE id = :p"),
                            {"p": payment})


@pytest.mark.parametrize("table", ["influencers", "campaign_influencers", "payments", "audit_logs"])
def test_the_owner_may_re_encrypt_under_forced_rls(table, owner_engine):
    """An owner that is not a superuser is bound by FORCE RLS: `keys rotate` needs an owner policy to update."""
    with owner_engine.connect() as conn:
        policies = conn.execute(
            text("SELECT p.cmd FROM pg_policies p JOIN pg_class c ON c.relname = p.tablename"
                 " WHERE p.schemaname = 'public' AND p.tablename = :t"
                 " AND pg_get_userbyid(c.relowner) = ANY(p.roles)"),
            {"t": table},
        ).scalars().all()
    assert {"SELECT", "UPDATE"} <= set(policies) or "ALL" in policies, policies


def test_the_demo_key_is_never_readable_by_others(tmp_path, monkeypatch):
    """Created 0600 in one step (not written with the umask's mode and narrowed after)."""
    from pathlib import Path

    from circlue import config

    monkeypatch.delenv("CIRCLUE_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CIRCLUE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(Path, "chmod", lambda *_a, **_k: None)  # a narrowing afterwards does not count
    monkeypatch.setattr(os, "chmod", lambda *_a, **_k: None)
    config.get_settings.cache_clear()
    mask = os.umask(0o022)
    try:
        key = config.secret_key()
        assert len(key) > 40 and config.secret_key() == key
        assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(mask)
        monkeypatch.undo()
        config.get_settings.cache_clear()


# -- without the key ---------------------------------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "circlue", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_migrate_needs_only_the_database_url_and_keys_say_what_they_need(migrated_url):
    env = {k: v for k, v in os.environ.items() if k not in ("CIRCLUE_SECRET_KEY", "CIRCLUE_DEMO")}
    env["DATABASE_URL"] = migrated_url
    migrated = _cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    refused = _cli("keys", "status", env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0 and "CIRCLUE_SECRET_KEY must be set" in refused.stderr


def test_the_ring_in_use_is_the_environments():
    assert keyring().newest_id == KeyRing([os.environ["CIRCLUE_SECRET_KEY"]]).newest_id


def test_the_app_refuses_to_start_without_the_key_outside_demo_mode(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from circlue import config

    monkeypatch.delenv("CIRCLUE_SECRET_KEY")
    monkeypatch.delenv("CIRCLUE_DEMO", raising=False)
    config.get_settings.cache_clear()
    reset_keyring()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception
        assert any("must be set outside demo mode" in e.value for e in at.error)
        assert not at.text_input, "no login form without the key"
    finally:
        reset_keyring()
        st.cache_resource.clear()


def test_no_password_reaches_the_logs(caplog, app_engine):
    """A failed login and a failed users write log nothing of what was typed or stored."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from circlue.db import Actor, login_unit_of_work
    from circlue.repository import users as users_repo
    from circlue.security import hash_password

    secret = "typed-password-9f3a"
    caplog.set_level(logging.DEBUG)
    with login_unit_of_work(Actor(user_id=None)) as session:
        assert users_repo.login(session, email="admin@circlue.demo", password=secret, hours=1) is None
    stored = hash_password(secret)
    with pytest.raises(IntegrityError) as caught:
        with db.unit_of_work(actor_of("admin@circlue.demo"), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO users (email, password_hash, name, role) VALUES ('admin@circlue.demo', :h, 'x', 'admin')"),
                {"h": stored},
            )
    logging.getLogger("test").error("unit of work failed", exc_info=caught.value)
    assert secret not in caplog.text and stored not in caplog.text and stored[:29] not in caplog.text
    with db.owner_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_logs WHERE new_values::text LIKE :s"), {"s": f"%{stored[:29]}%"}).scalar() == 0
    _unlock_admin()


def _unlock_admin():
    with db.owner_engine().begin() as conn:
        conn.execute(text("UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE email = 'admin@circlue.demo'"))
