"""The campaign pipeline's rules, through the repository and straight at the database (issue 6)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from itertools import pairwise, product

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from circlue.db import unit_of_work
from circlue.errors import InvalidTransition, NotFound, ValidationError
from circlue.repository import campaigns as campaigns_repo
from circlue.repository import invitations as invitations_repo
from circlue.schemas.campaigns import (
    CAMPAIGN_LABELS,
    AgreementInput,
    CampaignInput,
    ContractInput,
    ProposalInput,
    TargetContentInput,
)
from circlue.schemas.common import parse
from circlue.workflow import (
    CAMPAIGN_BRAND_MOVES,
    CAMPAIGN_STAGES,
    INVITATION_STATUSES,
    INVITATION_TRANSITIONS,
    check_invitation_transition,
)
from tests.conftest import actor_of

MANAGER, GLOW, LUMIERE = "manager@circlue.demo", "brand.glow@circlue.demo", "brand.lumiere@circlue.demo"
TODAY = dt.date.today()


def _brand(owner_engine, email: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(brand id, one of its product ids) of a demo brand user."""
    with owner_engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT b.id, p.id FROM brands b JOIN users u ON u.id = b.user_id JOIN products p"
                    " ON p.brand_id = b.id WHERE u.email = :e ORDER BY p.name LIMIT 1"
                ),
                {"e": email},
            ).one()
        )


def _terms(brand_id, product_id, **overrides) -> dict:
    values = {
        "brand_id": brand_id,
        "product_id": product_id,
        "title": "파이프라인 테스트 캠페인",
        "budget": Decimal(50_000_000),
        "campaign_start_date": TODAY + dt.timedelta(days=30),
        "campaign_end_date": TODAY + dt.timedelta(days=60),
        "proposal_deadline": TODAY + dt.timedelta(days=10),
        "ad_type": "branding",
    }
    return values | overrides


@pytest.fixture
def make_campaign(app_engine, owner_engine):
    """Create campaigns through the repository as the manager, walk them to a status; delete them afterwards."""
    made: list[uuid.UUID] = []

    def _make(status: str = "creating", *, email: str = GLOW, budget: int = 50_000_000, by: str = MANAGER):
        brand_id, product_id = _brand(owner_engine, email)
        actor = actor_of(by)
        with unit_of_work(actor, engine=app_engine) as session:
            campaign_id = campaigns_repo.create_campaign(
                session,
                campaign=CampaignInput(**_terms(brand_id, product_id, budget=Decimal(budget))),
                target=TargetContentInput(target_age="20-29", influencer_categories=["뷰티"]),
            )
        made.append(campaign_id)
        stages = list(CAMPAIGN_STAGES)
        manager = actor_of(MANAGER)
        for current, target in pairwise(stages[: stages.index(status) + 1]):
            with unit_of_work(manager, engine=app_engine) as session:
                campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to=target, expected_status=current)
        return campaign_id

    yield _make
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM campaigns WHERE id = ANY(:ids)"), {"ids": made})


def _influencers(owner_engine, n: int, offset: int = 0) -> list[uuid.UUID]:
    with owner_engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT id FROM influencers WHERE is_active ORDER BY name LIMIT :n OFFSET :o"),
                {"n": n, "o": offset},
            ).scalars()
        )


# -- the tables of moves ------------------------------------------------------------------------------------------


def test_database_invitation_moves_are_workflow_py_moves(owner_engine):
    with owner_engine.connect() as conn:
        moves = {tuple(r) for r in conn.execute(text("SELECT from_status, to_status FROM campaign_influencer_transitions"))}
        statuses = [r[0] for r in conn.execute(text("SELECT status FROM campaign_influencer_statuses ORDER BY position"))]
        brand_moves = {
            tuple(r)
            for r in conn.execute(text("SELECT from_status, to_status FROM campaign_status_transitions WHERE by_brand"))
        }
    assert moves == {(a, b) for a, targets in INVITATION_TRANSITIONS.items() for b in targets}
    assert statuses == list(INVITATION_STATUSES)
    assert brand_moves == set(CAMPAIGN_BRAND_MOVES)


# Each status reached from 'invited' by allowed moves, with the fields each one needs.
REACH = {
    "invited": [],
    "proposed": ["proposed"],
    "accepted": ["proposed", "accepted"],
    "contracted": ["proposed", "accepted", "contracted"],
    "completed": ["proposed", "accepted", "contracted", "completed"],
    "declined": ["declined"],
    "withdrawn": ["withdrawn"],
}
FIELDS = (
    " proposed_fee = COALESCE(proposed_fee, 1000000), ad_fee = COALESCE(ad_fee, 900000),"
    " production_start_date = COALESCE(production_start_date, current_date),"
    " production_deadline = COALESCE(production_deadline, current_date + 10)"
)


def test_invitation_machine_pair_by_pair(make_campaign, owner_engine, app_engine):
    """Every (from, to) pair: allowed by workflow.py exactly when the database allows it, written as raw SQL."""
    campaign_id = make_campaign("recruiting", budget=300_000_000)
    pairs = list(product(INVITATION_STATUSES, INVITATION_STATUSES))
    influencers = _influencers(owner_engine, len(INVITATION_STATUSES))
    manager = actor_of(MANAGER)
    with unit_of_work(manager, engine=app_engine) as session:
        invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=influencers)
        ids = dict(
            session.execute(
                text("SELECT influencer_id, id FROM campaign_influencers WHERE campaign_id = :c"), {"c": campaign_id}
            ).all()
        )
        rows = {status: ids[influencer] for status, influencer in zip(INVITATION_STATUSES, influencers, strict=True)}
        for status, steps in REACH.items():
            for step in steps:
                session.execute(
                    text(f"UPDATE campaign_influencers SET status = :s, {FIELDS} WHERE id = :id"),
                    {"s": step, "id": rows[status]},
                )
    outcomes = {}
    for current, target in pairs:
        if current == target:
            continue
        try:
            check_invitation_transition(current, target)
            python = True
        except InvalidTransition:
            python = False
        try:
            with unit_of_work(manager, engine=app_engine) as session:
                session.execute(
                    text(f"UPDATE campaign_influencers SET status = :s, {FIELDS} WHERE id = :id"),
                    {"s": target, "id": rows[current]},
                )
                session.rollback()
            database = True
        except DBAPIError as exc:
            assert "invitation cannot move" in str(exc), exc
            database = False
        outcomes[(current, target)] = (python, database)
    assert all(p == d for p, d in outcomes.values()), {k: v for k, v in outcomes.items() if v[0] != v[1]}
    assert sum(p for p, _ in outcomes.values()) == sum(len(t) for t in INVITATION_TRANSITIONS.values())


@pytest.mark.parametrize("status", ["accepted", "proposed", "declined"])
def test_a_new_invitation_starts_at_invited(status, make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    influencer = _influencers(owner_engine, 1)[0]
    with pytest.raises(DBAPIError, match="starts at invited"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(
                text(
                    "INSERT INTO campaign_influencers (campaign_id, influencer_id, status, proposed_fee, ad_fee)"
                    " VALUES (:c, :i, :s, 1, 1)"
                ),
                {"c": campaign_id, "i": influencer, "s": status},
            )


def test_an_unknown_invitation_status_is_refused(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    influencer = _influencers(owner_engine, 1)[0]
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=[influencer])
    with pytest.raises(DBAPIError, match="foreign key|invitation cannot move"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(text("UPDATE campaign_influencers SET status = 'hired' WHERE campaign_id = :c"),
                            {"c": campaign_id})


# -- invitations through the repository ----------------------------------------------------------------------------


def test_invite_twice_says_so_and_keeps_one_row(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    first, second = _influencers(owner_engine, 2)
    manager = actor_of(MANAGER)
    with unit_of_work(manager, engine=app_engine) as session:
        result = invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=[first])
    assert len(result.invited) == 1 and result.already == []
    with unit_of_work(manager, engine=app_engine) as session:
        again = invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=[first, second])
    assert again.already == result.invited and len(again.invited) == 1
    with owner_engine.connect() as conn:
        assert conn.execute(
            text("SELECT count(*) FROM campaign_influencers WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar() == 2


@pytest.mark.parametrize("status", ["submitted", "confirmed"])
def test_invitations_only_while_recruiting_proposing_or_revising(status, make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign(status)
    influencer = _influencers(owner_engine, 1)[0]
    with pytest.raises(ValidationError, match="recruiting, proposing or revising"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=[influencer])
    # The database refuses it too, whatever writes it.
    with pytest.raises(DBAPIError, match="recruiting, proposing or revising"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO campaign_influencers (campaign_id, influencer_id) VALUES (:c, :i)"),
                {"c": campaign_id, "i": influencer},
            )


def test_brand_cannot_invite_or_change_invitations(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    influencer = _influencers(owner_engine, 1)[0]
    # The brand does not even see influencers it has not invited; the insert itself breaks RLS.
    with pytest.raises(NotFound):
        with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
            invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=[influencer])
    with pytest.raises(DBAPIError, match="row-level security"):
        with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
            session.execute(
                text("INSERT INTO campaign_influencers (campaign_id, influencer_id) VALUES (:c, :i)"),
                {"c": campaign_id, "i": influencer},
            )


def _walk_invitation(app_engine, invitation_id, *, fee=Decimal(8_000_000), agreed=Decimal(7_000_000)):
    manager = actor_of(MANAGER)
    with unit_of_work(manager, engine=app_engine) as session:
        invitations_repo.record_proposal(
            session,
            invitation_id=invitation_id,
            proposal=ProposalInput(proposed_fee=fee, deliverables=["小红书 图文笔记 1篇"], additional_terms="2차 활용 30일"),
            expected_status="invited",
        )
    with unit_of_work(manager, engine=app_engine) as session:
        invitations_repo.agree_fee(
            session, invitation_id=invitation_id, agreement=AgreementInput(ad_fee=agreed), expected_status="proposed"
        )


def _invite(app_engine, owner_engine, campaign_id, n=1, offset=0) -> list[uuid.UUID]:
    influencers = _influencers(owner_engine, n, offset)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        invitations_repo.invite_influencers(session, campaign_id=campaign_id, influencer_ids=influencers)
        return [r.id for r in invitations_repo.list_invitations(session, campaign_id=campaign_id)]


def test_proposal_agreement_and_contract(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _walk_invitation(app_engine, invitation)
    bad = parse(ContractInput, production_start_date=TODAY, production_deadline=TODAY + dt.timedelta(days=5))
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        invitations_repo.contract(session, invitation_id=invitation, contract=bad, expected_status="accepted")
        (row,) = invitations_repo.list_invitations(session, campaign_id=campaign_id)
    assert (row.status, row.proposed_fee, row.ad_fee, row.production_deadline) == (
        "contracted", Decimal(8_000_000), Decimal(7_000_000), TODAY + dt.timedelta(days=5)
    )
    assert row.deliverables == ["小红书 图文笔记 1篇"]
    # A contracted fee does not change, whoever writes it.
    with pytest.raises(DBAPIError, match="contracted fee does not change"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(text("UPDATE campaign_influencers SET ad_fee = 1 WHERE id = :i"), {"i": invitation})


def test_contract_dates_in_order(make_campaign, owner_engine, app_engine):
    with pytest.raises(ValidationError, match="production deadline"):
        parse(ContractInput, production_start_date=TODAY, production_deadline=TODAY - dt.timedelta(days=1))
    campaign_id = make_campaign("recruiting")
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _walk_invitation(app_engine, invitation)
    with pytest.raises(DBAPIError, match="production_dates_in_order"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(
                text(
                    "UPDATE campaign_influencers SET status = 'contracted', production_start_date = current_date,"
                    " production_deadline = current_date - 1 WHERE id = :i"
                ),
                {"i": invitation},
            )


def test_a_stale_invitation_form_is_told_to_reload(make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting")
    (invitation,) = _invite(app_engine, owner_engine, campaign_id)
    _walk_invitation(app_engine, invitation)
    with pytest.raises(ValidationError, match="reload"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            invitations_repo.move_invitation(session, invitation_id=invitation, to="declined", expected_status="proposed")


# -- campaign terms ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"budget": Decimal(0)}, "budget", "greater than 0"),
        ({"budget": Decimal("-5")}, "budget", "0 or more"),
        ({"campaign_end_date": TODAY}, "campaign_end_date", "end date must be on or after"),
        ({"proposal_deadline": TODAY + dt.timedelta(days=31)}, "proposal_deadline", "on or before the start"),
        ({"title": "   "}, "title", "may not be empty"),
        ({"title": "제목\x00"}, "title", "control characters"),
        ({"ad_type": "tv"}, "ad_type", "branding"),
    ],
)
def test_campaign_rules_name_the_field(overrides, field, message):
    values = _terms(uuid.uuid4(), uuid.uuid4(), **overrides)
    with pytest.raises(ValidationError, match=message) as caught:
        parse(CampaignInput, CAMPAIGN_LABELS, **values)
    assert field in caught.value.fields


def test_blank_optional_text_is_none_and_long_text_is_named():
    """Forms send '' for an empty text area: it means none (it used to crash the length check with a TypeError)."""
    target = parse(TargetContentInput, target_age="", influencer_impact="", additional_description="  ")
    assert (target.target_age, target.influencer_impact, target.additional_description) == (None, None, None)
    assert parse(ProposalInput, proposed_fee=Decimal(1), additional_terms="").additional_terms is None
    with pytest.raises(ValidationError) as caught:
        parse(ProposalInput, proposed_fee=Decimal(1), additional_terms="x" * 2001)
    assert "2000" in caught.value.fields["additional_terms"]


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("budget = 0", "campaigns_budget_positive"),
        ("campaign_end_date = campaign_start_date - 1", "campaigns_dates_in_order"),
        ("proposal_deadline = campaign_start_date + 1", "campaigns_deadline_before_start"),
        ("title = ' '", "campaigns_title_not_blank"),
    ],
)
def test_campaign_rules_hold_in_the_database(assignment, constraint, make_campaign, app_engine):
    campaign_id = make_campaign("creating")
    with pytest.raises(DBAPIError, match=constraint):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(text(f"UPDATE campaigns SET {assignment} WHERE id = :c"), {"c": campaign_id})


def test_the_product_must_be_the_brands(owner_engine, app_engine):
    glow_brand, _ = _brand(owner_engine, GLOW)
    _, lumiere_product = _brand(owner_engine, LUMIERE)
    campaign = CampaignInput(**_terms(glow_brand, lumiere_product))
    with pytest.raises(ValidationError, match="not this brand's") as caught:
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            campaigns_repo.create_campaign(session, campaign=campaign, target=TargetContentInput())
    assert "product_id" in caught.value.fields
    # Foreign keys skip RLS, so staff writing SQL directly is stopped by the composite key.
    with pytest.raises(DBAPIError, match="campaigns_product_brand_fkey"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            session.execute(
                text(
                    "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date,"
                    " campaign_end_date, proposal_deadline) VALUES (:b, :p, 'x', 1, current_date, current_date,"
                    " current_date)"
                ),
                {"b": glow_brand, "p": lumiere_product},
            )


def test_a_failed_create_saves_nothing(owner_engine, app_engine):
    brand_id, product_id = _brand(owner_engine, GLOW)
    campaign = CampaignInput(**_terms(brand_id, product_id, title="반쯤 저장되면 안 되는 캠페인"))
    # The target passes the schema only by construction; the database refuses its age, after the campaign row.
    target = TargetContentInput.model_construct(target_age="29-20", usp_importance=3, influencer_categories=[])
    with pytest.raises(ValidationError, match="NN-NN"):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            campaigns_repo.create_campaign(session, campaign=campaign, target=target)
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM campaigns WHERE title = '반쯤 저장되면 안 되는 캠페인'")).scalar() == 0
