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
        assert all(set(counts) <= {KeyRing([KEY_B]).newest_id} for counts in status(engine=owner).values())
        with owner.connect() as conn:
            unchecked = conn.execute(
                text("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%\\_encrypted' AND NOT convalidated")
            ).scalar()
        assert unchecked == 0
    finally:
        reset_keyring()
        app.dispose()
        owner.dispose()
        db.dispose_engines()
        drop_database(url)


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
