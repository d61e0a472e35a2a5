"""The demo data set: built once as circlue_app under RLS, complete, consistent, and idempotent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import Engine, create_engine, func, select

from circlue import db
from circlue.korea import validate_brn, vat_for
from circlue.models import (
    PLATFORMS,
    AuditLog,
    Brand,
    Campaign,
    CampaignInfluencer,
    ContentPlan,
    ContentRevision,
    ContentSubmission,
    Influencer,
    Payment,
    PerformanceMetric,
    Product,
    Settlement,
    TaxInvoice,
    User,
)
from circlue.ops.demo import COPY_THRESHOLD, DEMO_ACCOUNTS, DemoResult, load_demo
from circlue.workflow import (
    CAMPAIGN_STATUSES,
    CONTENT_STATUSES,
    INVITATION_STATUSES,
    stage_of,
)
from tests.conftest import actor_of, create_database, drop_database


@contextmanager
def _scratch_database() -> Iterator[tuple[Engine, Engine]]:
    """A new database at alembic head: (owner engine for load_demo, engine acting as circlue_app); dropped on exit."""
    url = create_database("circlue_demo_test")
    owner = app = None
    try:
        db.run_migrations(url)
        owner = create_engine(url)
        app = db._app_engine(db.app_login_url(url))
        yield owner, app
    finally:
        for engine in (owner, app):
            if engine is not None:
                engine.dispose()
        drop_database(url)


@pytest.fixture(scope="module")
def demo_engines() -> Iterator[tuple[Engine, Engine]]:
    """The scratch database the module's demo is loaded into."""
    with _scratch_database() as engines:
        yield engines


@pytest.fixture(scope="module")
def first_run(demo_engines: tuple[Engine, Engine]) -> DemoResult:
    """The demo loaded once into the scratch database."""
    started = time.perf_counter()
    result = load_demo(engine=demo_engines[0], influencers=300)
    print(f"\nload_demo(influencers=300): {time.perf_counter() - started:.2f} s")
    return result


def _as_admin(engines: tuple[Engine, Engine]):
    """A unit of work acting as the demo admin (staff see every brand's rows)."""
    owner, app = engines
    return db.unit_of_work(actor_of("admin@circlue.demo", engine=owner), engine=app)


def test_first_run_creates_a_complete_data_set(first_run: DemoResult, demo_engines: tuple[Engine, Engine]) -> None:
    """Brands with distinct owners, 300 influencers on four platforms, every campaign status, 90 days of metrics."""
    assert first_run.created is True
    counts = first_run.counts
    assert counts["users"] == len(DEMO_ACCOUNTS)
    assert counts["influencers"] == 300
    for table in (
        "personas", "campaign_target_content", "campaign_influencers", "content_plans", "content_submissions",
        "content_files", "content_revisions", "comment_analysis", "settlements", "tax_invoices", "payments",
        "notifications", "audit_logs",
    ):
        assert counts[table] > 0, table
    with _as_admin(demo_engines) as session:
        owners = session.scalars(select(Brand.user_id)).all()
        assert len(owners) >= 3 and len(set(owners)) >= 3
        roles = session.scalars(select(User.role).where(User.id.in_(owners))).all()
        assert set(roles) == {"brand"}
        platforms = set(session.scalars(select(Influencer.platform).distinct()))
        assert platforms == set(PLATFORMS)
        campaigns = session.execute(select(Campaign.status, Campaign.current_stage)).all()
        assert {status for status, _ in campaigns} == set(CAMPAIGN_STATUSES)
        assert all(stage == stage_of(status) for status, stage in campaigns)
        days = session.scalar(select(func.count(func.distinct(PerformanceMetric.metric_date))))
        assert days >= 90
        assert set(session.scalars(select(CampaignInfluencer.status).distinct())) <= set(INVITATION_STATUSES)
        assert set(session.scalars(select(ContentPlan.status).distinct())) <= set(CONTENT_STATUSES)
        assert set(session.scalars(select(ContentSubmission.status).distinct())) <= set(CONTENT_STATUSES)


def test_revision_numbers_follow_the_revisions(first_run: DemoResult, demo_engines: tuple[Engine, Engine]) -> None:
    """Each plan's and submission's current_revision_number equals its number of revision rows."""
    assert first_run.created
    with _as_admin(demo_engines) as session:
        for parent, column in ((ContentPlan, ContentRevision.content_plan_id),
                               (ContentSubmission, ContentRevision.submission_id)):
            revisions = select(column, func.count().label("n")).group_by(column).subquery()
            rows = session.execute(
                select(parent.current_revision_number, func.coalesce(revisions.c.n, 0)).outerjoin(
                    revisions, revisions.c[column.key] == parent.id
                )
            ).all()
            assert rows and all(current == n for current, n in rows)


def test_money_is_decimal_and_invoices_are_valid(first_run: DemoResult, demo_engines: tuple[Engine, Engine]) -> None:
    """Money columns load as Decimal; invoices carry a valid BRN, 10 % VAT and sequential numbers."""
    assert first_run.created
    with _as_admin(demo_engines) as session:
        for column in (
            Product.price, Influencer.base_fee, Campaign.budget, CampaignInfluencer.ad_fee,
            PerformanceMetric.sales_amount, Settlement.amount, TaxInvoice.amount, TaxInvoice.tax_amount,
            TaxInvoice.total_amount, Payment.paid_amount,
        ):
            values = [v for v in session.scalars(select(column).limit(50)) if v is not None]
            assert values and all(isinstance(v, Decimal) for v in values), column
        assert session.scalar(select(func.max(Campaign.budget))) >= Decimal(100_000_000)
        invoices = session.scalars(select(TaxInvoice).order_by(TaxInvoice.invoice_number)).all()
        assert invoices
        for invoice in invoices:
            assert validate_brn(invoice.business_number) == invoice.business_number
            assert invoice.total_amount == invoice.amount + invoice.tax_amount
            assert (invoice.tax_amount, invoice.total_amount) == vat_for(invoice.amount)
        by_year: dict[str, list[int]] = {}
        for invoice in invoices:
            year, number = invoice.invoice_number.split("-")
            by_year.setdefault(year, []).append(int(number))
        assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
        # Every settlement reconciles to the won: fees + platform fee = amount >= invoiced supply; VAT and totals of
        # its invoices; payments never above the invoices; a paid one is fully invoiced and fully paid.
        invoiced = dict(session.execute(
            select(TaxInvoice.settlement_id, func.sum(TaxInvoice.total_amount)).group_by(TaxInvoice.settlement_id)
        ).all())
        paid = dict(session.execute(
            select(Payment.settlement_id, func.sum(Payment.paid_amount)).group_by(Payment.settlement_id)
        ).all())
        settlements = session.scalars(select(Settlement)).all()
        assert {s.status for s in settlements} >= {"pending", "invoiced", "partially-paid", "paid", "completed",
                                                   "overdue"}
        for s in settlements:
            assert s.amount == s.influencer_fees + s.platform_fee
            assert s.invoiced_total == invoiced.get(s.id, 0) and s.paid_amount == paid.get(s.id, 0)
            assert s.invoiced_amount <= s.amount and s.paid_amount <= s.invoiced_total
            if s.status in ("paid", "completed"):
                assert s.invoiced_amount == s.amount and s.paid_amount == s.invoiced_total
        assert any(i.amends_invoice_id for i in invoices), "the demo shows an amending invoice"


def test_each_brand_user_sees_only_their_brand(first_run: DemoResult, demo_engines: tuple[Engine, Engine]) -> None:
    """Row-level security holds on the demo: each brand account sees its own brand and campaigns only."""
    assert first_run.created
    for account in (a for a in DEMO_ACCOUNTS if a.role == "brand"):
        actor = actor_of(account.email, engine=demo_engines[0])
        with db.unit_of_work(actor, engine=demo_engines[1]) as session:
            assert session.scalars(select(Brand.name)).all() == [account.brand]
            assert session.scalar(select(func.count()).select_from(Campaign)) > 0


def test_second_run_adds_nothing(first_run: DemoResult, demo_engines: tuple[Engine, Engine]) -> None:
    """Loading again finds the demo and leaves every table as it was."""
    again = load_demo(engine=demo_engines[0], influencers=300)
    assert again.created is False
    assert again.counts == first_run.counts


def test_large_demo_copies_extra_influencers_with_audit(capsys: pytest.CaptureFixture[str]) -> None:
    """Past the COPY threshold the extra influencers arrive through COPY, still audited, with a progress bar."""
    total = COPY_THRESHOLD + 1_001
    with _scratch_database() as (owner, engine):
        result = load_demo(engine=owner, influencers=total, progress=True)
        assert result.created and result.counts["influencers"] == total
        with _as_admin((owner, engine)) as session:
            audited = session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.entity_type == "influencers")
            )
            assert audited == total
            rates = session.scalars(select(Influencer.engagement_rate).limit(1000)).all()
            assert all(isinstance(rate, Decimal) for rate in rates)
    bar = capsys.readouterr().err.split("\r")[-1]
    assert bar.startswith(f"influencers  {total}/{total} [") and bar.rstrip().endswith("100%")
