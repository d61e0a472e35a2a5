"""What an independent review of the pipeline broke, held shut: fees over budget by racing, invitations moved on a
closed campaign, staff-only terms on a brand's draft, stale forms, unchecked list items, forged notifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from circlue.db import unit_of_work
from circlue.errors import DomainError, ValidationError
from circlue.repository import campaigns as campaigns_repo
from circlue.repository import invitations as invitations_repo
from circlue.schemas.campaigns import AgreementInput, CampaignInput, ProposalInput, TargetContentInput
from circlue.schemas.common import parse
from tests import test_pages, test_pipeline, test_pipeline_pages
from tests.conftest import actor_of
from tests.test_pipeline import (
    GLOW,
    MANAGER,
    _brand,
    _invite,
    _terms,
    _walk_invitation,
)

ADMIN = "admin@circlue.demo"
_fresh_caches = test_pages._fresh_caches
logged_in = test_pages.logged_in
open_page = test_pipeline_pages.open_page
make_campaign = test_pipeline.make_campaign


def _figures(owner_engine, campaign_id) -> tuple[str, Decimal, Decimal]:
    """(status, budget, agreed fees) as stored."""
    with owner_engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT c.status, c.budget, (SELECT COALESCE(sum(ad_fee), 0) FROM campaign_influencers ci"
                    " WHERE ci.campaign_id = c.id AND ci.status IN ('accepted', 'contracted', 'completed'))"
                    " FROM campaigns c WHERE c.id = :c"
                ),
                {"c": campaign_id},
            ).one()
        )


def _to_revising(app_engine, campaign_id) -> None:
    for current, target in (("recruiting", "proposing"), ("proposing", "revising")):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to=target, expected_status=current)


def _propose(app_engine, invitation_id, fee: int, *, by: str = MANAGER, expected: str = "invited") -> None:
    with unit_of_work(actor_of(by), engine=app_engine) as session:
        invitations_repo.record_proposal(
            session, invitation_id=invitation_id, proposal=ProposalInput(proposed_fee=Decimal(fee)),
            expected_status=expected,
        )


def _hold_then_commit(app_engine, first: tuple[str, str, dict], second: tuple[str, str, dict]) -> list[str]:
    """Run `first` (actor e-mail, SQL, params) and keep its transaction open while `second` runs on another
    connection; commit `first` half a second later. Returns each one's outcome: "ok" or the error it raised.

    Deterministic: without a lock the second commits at once; with one it waits and then sees the first's commit.
    """
    import threading
    import time

    started, outcomes = threading.Event(), {}

    def run(name: str, email: str, statement: str, params: dict, hold: bool) -> None:
        actor = actor_of(email)
        if not hold:
            started.wait(30)
        try:
            with unit_of_work(actor, engine=app_engine) as session:
                session.execute(text(statement), params)
                if hold:
                    started.set()
                    time.sleep(0.5)
            outcomes[name] = "ok"
        except DBAPIError as exc:
            outcomes[name] = str(exc.orig)
        finally:
            started.set()

    threads = [threading.Thread(target=run, args=("first", *first, True)),
               threading.Thread(target=run, args=("second", *second, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes.get("first", "hung"), outcomes.get("second", "hung")]


AGREE = "UPDATE campaign_influencers SET status = 'accepted', ad_fee = :fee WHERE id = :id"


def test_editing_a_campaign_keeps_its_manager(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    with owner_engine.connect() as conn:
        manager = conn.execute(text("SELECT manager_id FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar()
    assert manager is not None
    brand_id, product_id = _brand(owner_engine, GLOW)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        detail = campaigns_repo.get_campaign(session, campaign_id=campaign_id)
        campaigns_repo.update_campaign(
            session, campaign_id=campaign_id, campaign=CampaignInput(**_terms(brand_id, product_id, title="제목만 고침")),
            target=TargetContentInput(), expected_updated_at=detail.updated_at,
        )
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT manager_id FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar() == manager


def test_a_fee_agreed_while_the_brand_confirms_is_counted_against_the_budget(make_campaign, owner_engine, app_engine):
    # ₩6M agreed of ₩10M; the brand confirms and, before it commits, a manager agrees ₩6M more (plain SQL: the
    # database alone must keep the budget).
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    first, second = _invite(app_engine, owner_engine, campaign_id, n=2)
    _walk_invitation(app_engine, first, agreed=Decimal(6_000_000))
    _propose(app_engine, second, 6_000_000)
    _to_revising(app_engine, campaign_id)
    confirm = (GLOW, "UPDATE campaigns SET status = 'confirmed' WHERE id = :c", {"c": campaign_id})
    agree = (MANAGER, AGREE, {"fee": 6_000_000, "id": second})
    outcomes = _hold_then_commit(app_engine, confirm, agree)
    status, budget, agreed = _figures(owner_engine, campaign_id)
    assert outcomes[0] == "ok" and "exceed the budget" in outcomes[1], outcomes
    assert status == "confirmed" and agreed <= budget


def test_two_fees_agreed_at_once_on_a_confirmed_campaign_keep_its_budget(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    first, second, third = _invite(app_engine, owner_engine, campaign_id, n=3)
    _walk_invitation(app_engine, first, agreed=Decimal(6_000_000))
    _propose(app_engine, second, 3_000_000)
    _propose(app_engine, third, 3_000_000)
    _to_revising(app_engine, campaign_id)
    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="confirmed", expected_status="revising")
    outcomes = _hold_then_commit(
        app_engine, (MANAGER, AGREE, {"fee": 3_000_000, "id": second}), (ADMIN, AGREE, {"fee": 3_000_000, "id": third})
    )
    assert outcomes[0] == "ok" and "exceed the budget" in outcomes[1], outcomes
    assert _figures(owner_engine, campaign_id)[2] == Decimal(9_000_000)


def test_a_cancelled_campaign_takes_no_new_fee_or_contract(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    invitation, other = _invite(app_engine, owner_engine, campaign_id, n=2)
    _propose(app_engine, invitation, 50_000_000)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        campaigns_repo.advance_campaign(
            session, campaign_id=campaign_id, to="cancelled", expected_status="recruiting", note="브랜드 철회"
        )
    with pytest.raises(DomainError, match="withdrawn, declined or completed"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            invitations_repo.agree_fee(
                session, invitation_id=invitation, agreement=AgreementInput(ad_fee=Decimal(50_000_000)),
                expected_status="proposed",
            )
    with pytest.raises(DomainError, match="withdrawn, declined or completed"):
        _propose(app_engine, other, 1_000_000)
    # Closing them is still allowed.
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        invitations_repo.move_invitation(session, invitation_id=invitation, to="withdrawn", expected_status="proposed")
    assert _figures(owner_engine, campaign_id)[2] == 0


def test_cancelling_needs_a_note_in_the_repository_and_the_database(make_campaign, app_engine):
    campaign_id = make_campaign("recruiting")
    with pytest.raises(ValidationError, match="note"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            campaigns_repo.advance_campaign(
                session, campaign_id=campaign_id, to="cancelled", expected_status="recruiting", note="   "
            )
    with pytest.raises(DBAPIError, match="needs a note"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET status = 'cancelled' WHERE id = :c"), {"c": campaign_id})


def test_a_brand_cannot_set_staff_terms_on_its_draft(owner_engine, app_engine, users_by_email):
    brand_id, product_id = _brand(owner_engine, GLOW)
    brand = actor_of(GLOW)
    with unit_of_work(brand, engine=app_engine) as session:
        campaign_id = campaigns_repo.create_campaign(
            session, campaign=CampaignInput(**_terms(brand_id, product_id)), target=TargetContentInput()
        )
    try:
        for assignment in ("included_revision_rounds = 20", "manager_id = :admin", "created_at = '2001-01-01'"):
            with pytest.raises(DBAPIError, match="a brand may edit a campaign only"):
                with unit_of_work(brand, engine=app_engine) as session:
                    session.execute(
                        text(f"UPDATE campaigns SET {assignment} WHERE id = :c"),
                        {"c": campaign_id, "admin": users_by_email[ADMIN]},
                    )
        # Its own terms stay the brand's to write while it creates the campaign.
        with unit_of_work(brand, engine=app_engine) as session:
            session.execute(text("UPDATE campaigns SET title = '브랜드가 고친 제목' WHERE id = :c"), {"c": campaign_id})
        with pytest.raises(DBAPIError, match="set by Circlue staff"):
            with unit_of_work(brand, engine=app_engine) as session:
                session.execute(
                    text(
                        "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date,"
                        " campaign_end_date, proposal_deadline, included_revision_rounds)"
                        " VALUES (:b, :p, 'x', 1, current_date, current_date, current_date, 20)"
                    ),
                    {"b": brand_id, "p": product_id},
                )
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE id = :c"), {"c": campaign_id})


def test_list_items_refuse_control_and_direction_characters():
    with pytest.raises(ValidationError):
        parse(ProposalInput, proposed_fee=Decimal(1), deliverables=["小红书 笔记 \u202egpj.exe"])
    for category in ("美妆\u200b", "美妆\x00"):
        with pytest.raises(ValidationError):
            parse(TargetContentInput, influencer_categories=[category])


def test_the_database_keeps_categories_to_twenty(make_campaign, owner_engine):
    campaign_id = make_campaign("creating")
    with pytest.raises(DBAPIError, match="categories_at_most_20"):
        with owner_engine.begin() as conn:
            conn.execute(
                text("UPDATE campaign_target_content SET influencer_categories = :c WHERE campaign_id = :id"),
                {"c": [f"카테고리{n}" for n in range(21)], "id": campaign_id},
            )


def test_an_invitation_form_drawn_before_a_revised_proposal_is_refused(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _propose(app_engine, invitation, 8_000_000)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        seen = next(i for i in invitations_repo.list_invitations(session, campaign_id=campaign_id) if i.id == invitation)
    # Someone else revises the proposal to ₩9M after the form was drawn at ₩8M.
    _propose(app_engine, invitation, 9_000_000, by=ADMIN, expected="proposed")
    with pytest.raises(ValidationError, match="reload"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            invitations_repo.agree_fee(
                session, invitation_id=invitation, agreement=AgreementInput(ad_fee=Decimal(8_000_000)),
                expected_status=seen.status, expected_updated_at=seen.updated_at,
            )
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        fresh = next(i for i in invitations_repo.list_invitations(session, campaign_id=campaign_id) if i.id == invitation)
        invitations_repo.agree_fee(
            session, invitation_id=invitation, agreement=AgreementInput(ad_fee=Decimal(9_000_000)),
            expected_status=fresh.status, expected_updated_at=fresh.updated_at,
        )


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO notifications (user_id, type, title) VALUES (circlue_current_user_id(), 'campaign.status', 'forged')",
        "UPDATE notifications SET title = 'rewritten' WHERE user_id = circlue_current_user_id()",
        "DELETE FROM notifications WHERE user_id = circlue_current_user_id()",
    ],
    ids=["forge", "rewrite", "delete"],
)
def test_a_brand_neither_forges_rewrites_nor_deletes_its_notifications(statement, app_engine):
    with pytest.raises(DBAPIError):
        with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
            session.execute(text(statement))


def test_a_user_still_marks_its_notifications_read(app_engine):
    from circlue.repository import notifications as notifications_repo

    with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
        notifications_repo.mark_read(session)
        session.rollback()


def test_a_closed_campaign_page_offers_no_fee_or_contract_forms(open_page, make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _propose(app_engine, invitation, 1_000_000)
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    assert f"ad_fee_{invitation}" in [n.key for n in at.number_input]  # open: the agreement form is offered
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        campaigns_repo.advance_campaign(
            session, campaign_id=campaign_id, to="cancelled", expected_status="recruiting", note="테스트 취소"
        )
    at.run()
    assert not at.exception
    keys = [n.key for n in at.number_input]
    assert f"ad_fee_{invitation}" not in keys and f"fee_{invitation}" not in keys
    assert f"invitation_to_{invitation}" in [r.key for r in at.radio]
