"""Who may make which campaign move (brand, manager, admin; the database refuses the rest) and the notifications the
moves send (issue 6); tests/test_pipeline.py holds the tables of moves, invitations and campaign terms."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from circlue.db import unit_of_work
from circlue.errors import Forbidden, NotFound, ValidationError
from circlue.repository import campaigns as campaigns_repo
from circlue.repository import notifications as notifications_repo
from circlue.schemas.campaigns import (
    CampaignInput,
    TargetContentInput,
)
from tests import test_pipeline
from tests.conftest import actor_of
from tests.test_pipeline import (
    GLOW,
    LUMIERE,
    MANAGER,
    _brand,
    _invite,
    _terms,
    _walk_invitation,
)

make_campaign = test_pipeline.make_campaign


# -- who makes which move -------------------------------------------------------------------------------------


def test_brand_creates_for_its_own_brand_only_and_submits(owner_engine, app_engine):
    glow_brand, glow_product = _brand(owner_engine, GLOW)
    lumiere_brand, lumiere_product = _brand(owner_engine, LUMIERE)
    brand = actor_of(GLOW)
    with unit_of_work(brand, engine=app_engine) as session:
        campaign_id = campaigns_repo.create_campaign(
            session, campaign=CampaignInput(**_terms(glow_brand, glow_product)), target=TargetContentInput()
        )
    try:
        with unit_of_work(brand, engine=app_engine) as session:
            assert campaigns_repo.get_campaign(session, campaign_id=campaign_id).moves == ["submitted"]
            campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="submitted", expected_status="creating")
        with pytest.raises(NotFound):
            with unit_of_work(brand, engine=app_engine) as session:
                campaigns_repo.create_campaign(
                    session,
                    campaign=CampaignInput(**_terms(lumiere_brand, lumiere_product)),
                    target=TargetContentInput(),
                )
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE id = :c"), {"c": campaign_id})


def test_brand_asks_for_a_revision_and_confirms_but_makes_no_other_move(make_campaign, app_engine):
    campaign_id = make_campaign("proposing")
    brand = actor_of(GLOW)
    with unit_of_work(brand, engine=app_engine) as session:
        assert campaigns_repo.get_campaign(session, campaign_id=campaign_id).moves == ["revising"]
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="revising", expected_status="proposing")
    with unit_of_work(brand, engine=app_engine) as session:
        assert campaigns_repo.get_campaign(session, campaign_id=campaign_id).moves == ["confirmed"]
    with pytest.raises(Forbidden):
        with unit_of_work(brand, engine=app_engine) as session:
            campaigns_repo.advance_campaign(
                session, campaign_id=campaign_id, to="cancelled", expected_status="revising", note="취소"
            )
    # The database refuses the staff moves written as SQL too, and any other change alongside a brand move.
    for statement in (
        "UPDATE campaigns SET status = 'proposing' WHERE id = :c",
        "UPDATE campaigns SET status = 'confirmed', budget = budget * 2 WHERE id = :c",
    ):
        with pytest.raises(DBAPIError, match="a brand may"):
            with unit_of_work(brand, engine=app_engine) as session:
                session.execute(text(statement), {"c": campaign_id})
    with unit_of_work(brand, engine=app_engine) as session:
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="confirmed", expected_status="revising")
    with pytest.raises(DBAPIError, match="a brand may"):
        with unit_of_work(brand, engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET status = 'planning' WHERE id = :c"), {"c": campaign_id})


def test_confirming_over_budget_is_refused_with_both_figures(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    first, second = _invite(app_engine, owner_engine, campaign_id, n=2)
    _walk_invitation(app_engine, first, agreed=Decimal(6_000_000))
    _walk_invitation(app_engine, second, agreed=Decimal(5_000_000))
    manager = actor_of(MANAGER)
    for current, target in (("recruiting", "proposing"), ("proposing", "revising")):
        with unit_of_work(manager, engine=app_engine) as session:
            campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to=target, expected_status=current)
    with pytest.raises(ValidationError, match="₩11,000,000.*₩10,000,000"):
        with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
            campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="confirmed", expected_status="revising")
    # The database says the same to SQL that skips the repository.
    with pytest.raises(DBAPIError, match="agreed fees ₩11,000,000 exceed the budget ₩10,000,000"):
        with unit_of_work(manager, engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET status = 'confirmed' WHERE id = :c"), {"c": campaign_id})
    with unit_of_work(manager, engine=app_engine) as session:
        session.execute(text("UPDATE campaigns SET budget = 12000000 WHERE id = :c"), {"c": campaign_id})
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="confirmed", expected_status="revising")
    # Once confirmed, neither a lower budget nor a new agreement may push the fees over it.
    with pytest.raises(DBAPIError, match="exceed the budget"):
        with unit_of_work(manager, engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET budget = 10000000 WHERE id = :c"), {"c": campaign_id})


def test_two_people_moving_one_campaign_at_once(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("submitted")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(email: str, target: str) -> None:
        actor = actor_of(email)
        barrier.wait()
        try:
            with unit_of_work(actor, engine=app_engine) as session:
                campaigns_repo.advance_campaign(
                    session, campaign_id=campaign_id, to=target, expected_status="submitted", note="동시 변경"
                )
            outcomes.append("moved")
        except ValidationError as exc:
            outcomes.append("reload" if "reload" in str(exc) else str(exc))

    threads = [
        threading.Thread(target=move, args=(MANAGER, "recruiting")),
        threading.Thread(target=move, args=("admin@circlue.demo", "cancelled")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["moved", "reload"]
    with owner_engine.connect() as conn:
        moves = conn.execute(
            text("SELECT count(*) FROM campaign_status_history WHERE campaign_id = :c AND from_status = 'submitted'"),
            {"c": campaign_id},
        ).scalar()
    assert moves == 1


def test_brand_cannot_edit_a_submitted_campaign_through_the_repository(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("submitted")
    brand_id, product_id = _brand(owner_engine, GLOW)
    with pytest.raises(Forbidden):
        with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
            campaigns_repo.update_campaign(
                session,
                campaign_id=campaign_id,
                campaign=CampaignInput(**_terms(brand_id, product_id, budget=Decimal(99_000_000))),
                target=TargetContentInput(),
                expected_updated_at=None,
            )


# -- notifications ------------------------------------------------------------------------------------------------


def test_a_move_notifies_the_brand_and_not_whoever_made_it(make_campaign, app_engine, users_by_email):
    campaign_id = make_campaign("submitted")
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        before = notifications_repo.unread_count(session)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        own_before = notifications_repo.unread_count(session)
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="recruiting", expected_status="submitted")
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        assert notifications_repo.unread_count(session) == before + 1
        latest = notifications_repo.list_notifications(session, limit=1)[0]
        assert latest.type == "campaign.status" and latest.data["campaign_id"] == str(campaign_id)
        assert (latest.data["from"], latest.data["to"]) == ("submitted", "recruiting")
        assert notifications_repo.mark_read(session, notification_ids=[latest.id]) == 1
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        assert notifications_repo.unread_count(session) == own_before
    with unit_of_work(actor_of(LUMIERE), engine=app_engine) as session:
        assert all(n.data.get("campaign_id") != str(campaign_id) for n in notifications_repo.list_notifications(session))


def test_an_invitation_change_notifies_the_brand(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        before = notifications_repo.unread_count(session)
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _walk_invitation(app_engine, invitation)
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        latest = notifications_repo.list_notifications(session, limit=3)
        assert notifications_repo.unread_count(session) == before + 3  # invited, proposed, accepted
    assert [n.data["to"] for n in latest] == ["accepted", "proposed", "invited"]
    assert latest[0].data["ad_fee"] == 7_000_000
