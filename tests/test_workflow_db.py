"""The campaign workflow as the database enforces it: the same moves as workflow.py, refused otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from circlue.db import unit_of_work
from circlue.workflow import CAMPAIGN_STATUSES, CAMPAIGN_TRANSITIONS, stage_of
from tests.conftest import actor_of


def test_database_moves_are_workflow_py_moves(owner_engine):
    with owner_engine.connect() as conn:
        moves = {tuple(r) for r in conn.execute(text("SELECT from_status, to_status FROM campaign_status_transitions"))}
        stages = dict(conn.execute(text("SELECT status, stage FROM campaign_statuses")).all())
    assert moves == {(a, b) for a, targets in CAMPAIGN_TRANSITIONS.items() for b in targets}
    assert stages == {status: stage_of(status) for status in CAMPAIGN_STATUSES}


@pytest.fixture
def fresh_campaign(owner_engine):
    """A campaign at 'creating' made for one test and deleted after it."""
    with owner_engine.begin() as conn:
        campaign_id = conn.execute(
            text(
                "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
                " proposal_deadline) SELECT brand_id, id, 'trigger test', 1, current_date, current_date + 1,"
                " current_date FROM products ORDER BY name LIMIT 1 RETURNING id"
            )
        ).scalar_one()
    yield campaign_id
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM campaigns WHERE id = :id"), {"id": campaign_id})


def test_a_skipped_stage_is_refused_naming_the_allowed_moves(fresh_campaign, app_engine, users_by_email):
    manager = users_by_email["manager@circlue.demo"]
    with pytest.raises(IntegrityError, match="cannot move from creating to live; allowed: submitted, cancelled"):
        with unit_of_work(actor_of(manager), engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET status = 'live' WHERE id = :id"), {"id": fresh_campaign})


def test_current_stage_follows_status_whatever_the_writer_sends(fresh_campaign, app_engine, users_by_email):
    manager = users_by_email["manager@circlue.demo"]
    with unit_of_work(actor_of(manager), engine=app_engine) as session:
        session.execute(
            text("UPDATE campaigns SET status = 'submitted', current_stage = 9 WHERE id = :id"), {"id": fresh_campaign}
        )
        stage = session.execute(
            text("SELECT current_stage FROM campaigns WHERE id = :id"), {"id": fresh_campaign}
        ).scalar()
    assert stage == 2


def test_new_campaigns_start_at_creating(app_engine, users_by_email):
    manager = users_by_email["manager@circlue.demo"]
    with pytest.raises(IntegrityError, match="starts at creating"):
        with unit_of_work(actor_of(manager), engine=app_engine) as session:
            session.execute(
                text(
                    "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date,"
                    " campaign_end_date, proposal_deadline, status) SELECT brand_id, id, 'x', 1, current_date,"
                    " current_date, current_date, 'live' FROM products LIMIT 1"
                )
            )


def test_every_move_is_recorded_with_who_made_it(fresh_campaign, app_engine, owner_engine, users_by_email):
    from circlue.repository.campaigns import advance_campaign, status_history

    manager = users_by_email["manager@circlue.demo"]
    for current, target, note in (("creating", "submitted", None), ("submitted", "recruiting", "모집 시작")):
        with unit_of_work(actor_of(manager), engine=app_engine) as session:
            advance_campaign(session, campaign_id=fresh_campaign, to=target, expected_status=current, note=note)
    with unit_of_work(actor_of(manager), engine=app_engine) as session:
        history = status_history(session, campaign_id=fresh_campaign)
    assert [(h.from_status, h.to_status, h.note) for h in history] == [
        (None, "creating", None),
        ("creating", "submitted", None),
        ("submitted", "recruiting", "모집 시작"),
    ]
    assert [h.changed_by for h in history][1:] == ["박지현", "박지현"]


def test_writing_current_stage_alone_cannot_make_it_drift(fresh_campaign, app_engine, users_by_email):
    manager = users_by_email["manager@circlue.demo"]
    with unit_of_work(actor_of(manager), engine=app_engine) as session:
        session.execute(text("UPDATE campaigns SET current_stage = 11 WHERE id = :id"), {"id": fresh_campaign})
        stage = session.execute(
            text("SELECT current_stage FROM campaigns WHERE id = :id"), {"id": fresh_campaign}
        ).scalar()
    assert stage == 1


def test_history_is_written_only_by_the_trigger_and_only_for_real_moves(fresh_campaign, app_engine, users_by_email):
    from sqlalchemy.exc import ProgrammingError

    manager = users_by_email["manager@circlue.demo"]
    with pytest.raises(ProgrammingError, match="permission denied"):
        with unit_of_work(actor_of(manager), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO campaign_status_history (campaign_id, to_status, note) VALUES (:id, 'live', 'forged')"),
                {"id": fresh_campaign},
            )
    with unit_of_work(actor_of(manager), engine=app_engine) as session:
        session.execute(text("UPDATE campaigns SET status = status, title = 't2' WHERE id = :id"), {"id": fresh_campaign})
        moves = session.execute(
            text("SELECT count(*) FROM campaign_status_history WHERE campaign_id = :id"), {"id": fresh_campaign}
        ).scalar()
    assert moves == 1, "only the creation; saving the same status is not a move"
