"""The pipeline benchmark's data builder: campaigns in every status, walked through the workflow the triggers check."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from circlue.ops.bench_data import _path, build_pipeline
from circlue.workflow import CAMPAIGN_STATUSES
from tests.conftest import create_database, drop_database


@pytest.fixture(scope="module")
def bench_url():
    """A database of its own (the builder adds brands and users the page tests do not expect)."""
    from circlue import db
    from circlue.ops.demo import load_demo

    url = create_database("circlue_benchdata")
    try:
        db.run_migrations(url)
        load_demo(engine=db.owner_engine(url))
        yield url
    finally:
        db.owner_engine(url).dispose()
        drop_database(url)


def test_build_pipeline_spreads_campaigns_over_brands_and_statuses(bench_url):
    from circlue import db

    engine = db.owner_engine(bench_url)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT status, count(*) FROM campaigns GROUP BY status")).all()
    built = build_pipeline(engine, campaigns=300, brands=6)
    assert built.brands == 6 + 4  # and the demo's four
    assert sum(built.per_status.values()) == 300 + sum(n for _, n in before)
    assert set(built.per_status) == set(CAMPAIGN_STATUSES)
    with engine.connect() as conn:
        # Every move went through the workflow trigger: one history row per step of each campaign's path.
        moves = dict(
            conn.execute(
                text(
                    "SELECT c.status, count(h.id)::float / count(DISTINCT c.id) FROM campaigns c"
                    " JOIN campaign_status_history h ON h.campaign_id = c.id WHERE c.title LIKE '%#%'"
                    " GROUP BY c.status"
                )
            ).all()
        )
        stages = set(conn.execute(text("SELECT DISTINCT status = (SELECT s.status FROM campaign_statuses s"
                                       " WHERE s.stage = current_stage) FROM campaigns")).scalars())
    assert moves == {status: len(_path(status)) for status in moves}
    assert stages == {True}
