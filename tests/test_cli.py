"""Operator commands, run in-process against the test database."""

from __future__ import annotations

from sqlalchemy import text

from circlue.cli import main


def test_create_user_asks_for_the_password_and_stores_bcrypt(monkeypatch, migrated_url, owner_engine, capsys):
    answers = iter(["correct horse battery", "correct horse battery"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["create-user", "--email", "Kim.Jihyun@Brand.kr", "--name", "김지현", "--role", "manager"]) == 0
    with owner_engine.connect() as conn:
        row = conn.execute(
            text("SELECT name, role, password_hash, is_active FROM users WHERE email = 'kim.jihyun@brand.kr'")
        ).one()
    assert row.name == "김지현" and row.role == "manager" and row.is_active
    assert row.password_hash.startswith("$2b$") and "correct horse" not in row.password_hash
    assert "correct horse" not in capsys.readouterr().out


def test_create_user_refuses_duplicates_and_short_passwords(monkeypatch, migrated_url, capsys):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another long password")
    assert main(["create-user", "--email", "admin@circlue.demo", "--name", "x", "--role", "admin"]) == 2
    assert "already registered" in capsys.readouterr().err
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "short")
    assert main(["create-user", "--email", "new@circlue.demo", "--name", "x", "--role", "admin"]) == 2
    assert "at least 10" in capsys.readouterr().err


def test_create_user_refuses_mismatched_passwords(monkeypatch, migrated_url, capsys):
    answers = iter(["first password 1", "second password 2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["create-user", "--email", "mismatch@circlue.demo", "--name", "x", "--role", "brand"]) == 2
    assert "differ" in capsys.readouterr().err


def test_demo_twice_says_it_is_already_there(migrated_url, capsys):
    assert main(["demo", "--quiet"]) == 0
    assert "already there" in capsys.readouterr().out


def test_settlements_overdue_moves_what_the_calendar_made_late(migrated_url, owner_engine, capsys):
    from decimal import Decimal

    from tests.conftest import actor_of
    from tests.settlement_helpers import committed_campaign, open_settlement, settlement

    campaign = committed_campaign(owner_engine, brand_email="brand.hanmat@circlue.demo", fees=[Decimal(1000)])
    settlement_id = open_settlement(actor_of("admin@circlue.demo"), campaign)
    with owner_engine.begin() as conn:
        # As after midnight: the due date passed while the stored status still says pending.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("UPDATE settlements SET due_date = current_date - 1 WHERE id = :s"), {"s": settlement_id})
    assert main(["settlements", "overdue"]) == 0
    assert "moved to overdue" in capsys.readouterr().out
    assert settlement(owner_engine, settlement_id)["status"] == "overdue"
