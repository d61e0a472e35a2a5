"""Monthly partitions (migration 0015): ahead of time, on demand, the DEFAULT partition, the registry, the way back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from circlue import db
from circlue.db import unit_of_work
from circlue.repository.partitions import ensure_metric_partitions, ensure_partitions, partition_counts
from tests.conftest import actor_of, create_database, drop_database

FAR = dt.date(2091, 3, 14)  # a month no test or demo makes a partition for by itself


def _partitions(conn, parent: str) -> set[str]:
    return set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = (:p)::regclass"
            ),
            {"p": f"public.{parent}"},
        ).scalars()
    )


def test_both_tables_are_partitioned_by_month_with_a_default(owner_engine):
    with owner_engine.connect() as conn:
        kinds = dict(
            conn.execute(
                text("SELECT relname, relkind FROM pg_class WHERE relname IN ('performance_metrics', 'audit_logs')")
            ).all()
        )
        keys = dict(
            conn.execute(
                text(
                    "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_class c"
                    " WHERE c.relname IN ('performance_metrics', 'audit_logs')"
                )
            ).all()
        )
        metric_parts, audit_parts = _partitions(conn, "performance_metrics"), _partitions(conn, "audit_logs")
    assert kinds == {"performance_metrics": "p", "audit_logs": "p"}
    assert keys == {"performance_metrics": "RANGE (metric_date)", "audit_logs": "RANGE (created_at)"}
    assert "performance_metrics_default" in metric_parts and "audit_logs_default" in audit_parts
    this_month = dt.date.today().strftime("y%Ym%m")
    assert f"performance_metrics_{this_month}" in metric_parts and f"audit_logs_{this_month}" in audit_parts


def test_demo_rows_sit_in_month_partitions_not_the_default(owner_engine):
    with Session(owner_engine) as session:
        counts = {c.partition: c.rows for c in partition_counts(session)}
    assert counts["performance_metrics_default"] == 0
    assert counts["audit_logs_default"] == 0


def test_partitions_ensure_makes_the_months_ahead_and_is_idempotent(owner_engine):
    today = dt.date(2088, 11, 20)
    with Session(owner_engine) as session, session.begin():
        created = ensure_partitions(session, today=today, months_ahead=3)
        again = ensure_partitions(session, today=today, months_ahead=3)
        parts = _partitions(session.connection(), "performance_metrics") | _partitions(session.connection(), "audit_logs")
        session.rollback()
    assert (created, again) == (8, 0)
    for month in ("y2088m11", "y2088m12", "y2089m01", "y2089m02"):
        assert {f"performance_metrics_{month}", f"audit_logs_{month}"} <= parts


def test_partitions_ensure_cli(migrated_url, capsys):
    from circlue.cli import main

    assert main(["partitions", "ensure", "--months-ahead", "2"]) == 0
    out = capsys.readouterr().out
    assert "performance_metrics_default" in out and "audit_logs_default" in out


def test_a_row_for_a_month_without_a_partition_is_kept_and_moves_when_its_month_comes(owner_engine, app_engine):
    """The row lands in the DEFAULT partition; making the month moves it (and its comment analysis) over."""
    manager = actor_of("manager@circlue.demo")
    with owner_engine.connect() as conn:
        campaign, influencer, platform = conn.execute(
            text("SELECT campaign_id, influencer_id, platform FROM performance_metrics LIMIT 1")
        ).one()
    try:
        with unit_of_work(manager, engine=app_engine) as session:
            metric_id = session.scalar(
                text(
                    "INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views)"
                    " VALUES (:c, :i, :p, :d, 1234) RETURNING id"
                ),
                {"c": campaign, "i": influencer, "p": platform, "d": FAR},
            )
            session.execute(
                text(
                    "INSERT INTO comment_analysis (performance_metric_id, metric_date, total_comments)"
                    " VALUES (:m, :d, 3)"
                ),
                {"m": metric_id, "d": FAR},
            )
        with owner_engine.connect() as conn:
            where = conn.execute(
                text("SELECT tableoid::regclass::text FROM performance_metrics WHERE id = :m"), {"m": metric_id}
            ).scalar()
            audited = conn.execute(
                text("SELECT entity_type FROM audit_logs WHERE entity_id = :m AND action = 'INSERT'"), {"m": metric_id}
            ).scalar()
        assert where == "performance_metrics_default"
        # The audit names the table, not the partition the row happens to sit in.
        assert audited == "performance_metrics"

        with unit_of_work(manager, engine=app_engine) as session:
            assert ensure_metric_partitions(session, first=FAR, last=FAR) == 1
        with owner_engine.connect() as conn:
            where, views = conn.execute(
                text("SELECT tableoid::regclass::text, views FROM performance_metrics WHERE id = :m"), {"m": metric_id}
            ).one()
            kept = conn.execute(
                text("SELECT total_comments FROM comment_analysis WHERE performance_metric_id = :m"), {"m": metric_id}
            ).scalar()
            summary = conn.execute(
                text("SELECT new_values FROM audit_logs WHERE action = 'PARTITION' AND new_values->>'partition' = :p"),
                {"p": f"performance_metrics_{FAR:y%Ym%m}"},
            ).scalar()
            deletes = conn.execute(
                text("SELECT count(*) FROM audit_logs WHERE entity_id = :m AND action = 'DELETE'"), {"m": metric_id}
            ).scalar()
        assert (where, views, kept) == (f"performance_metrics_{FAR:y%Ym%m}", 1234, 3)
        assert summary["rows_moved_from_default"] == 1 and summary["comment_analyses_kept"] == 1
        assert deletes == 0, "moving a row between partitions is not a deletion"
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM performance_metrics WHERE metric_date = :d"), {"d": FAR})
            # A partition that a foreign key points into is detached before it can be dropped.
            if conn.execute(text(f"SELECT to_regclass('performance_metrics_{FAR:y%Ym%m}')")).scalar():
                conn.execute(text(f"ALTER TABLE performance_metrics DETACH PARTITION performance_metrics_{FAR:y%Ym%m}"))
                conn.execute(text(f"DROP TABLE performance_metrics_{FAR:y%Ym%m}"))


def test_update_trigger_runs_on_partitions(owner_engine, app_engine):
    """update_updated_at_column() fires on a partition and resolves it to the registered parent."""
    manager = actor_of("manager@circlue.demo")
    with unit_of_work(manager, engine=app_engine) as session:
        before, after = session.execute(
            text(
                "WITH one AS (SELECT id, metric_date, updated_at FROM performance_metrics LIMIT 1)"
                " UPDATE performance_metrics m SET views = m.views FROM one"
                " WHERE m.id = one.id AND m.metric_date = one.metric_date RETURNING one.updated_at, m.updated_at"
            )
        ).one()
        session.rollback()
    assert after > before


def test_the_migration_moves_rows_there_and_back():
    """Demo data at head, down to 0014 (plain tables) and up again: every metric, analysis and audit row survives."""
    from circlue.ops.demo import load_demo

    url = create_database("circlue_partmove")
    queries = {
        "metrics": "SELECT count(*), sum(views) FROM performance_metrics",
        "analyses": "SELECT count(*), count(*) FILTER (WHERE performance_metric_id IN (SELECT id FROM performance_metrics))"
        " FROM comment_analysis",
        "audit": "SELECT count(*) FROM audit_logs",
    }
    engine = create_engine(url)
    try:
        db.run_migrations(url)
        load_demo(engine=engine)

        def snapshot() -> dict[str, tuple]:
            with engine.connect() as conn:
                return {name: tuple(conn.execute(text(sql)).one()) for name, sql in queries.items()}

        at_head = snapshot()
        db.run_migrations(url, "0014", downgrade=True)
        with engine.connect() as conn:
            kind = conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'performance_metrics'")).scalar()
        assert kind == "r"
        assert snapshot() == at_head
        # Rows older than 2000 (the plain tables allowed them) have no month partition: they wait in the default.
        with engine.begin() as conn:
            conn.execute(text(
                "UPDATE performance_metrics SET metric_date = DATE '1999-12-15'"
                " WHERE id = (SELECT id FROM performance_metrics ORDER BY id LIMIT 1)"
            ))
            conn.execute(text(
                "UPDATE audit_logs SET created_at = TIMESTAMPTZ '1998-05-01 09:00+09'"
                " WHERE id = (SELECT id FROM audit_logs ORDER BY id LIMIT 1)"
            ))
        at_0014 = snapshot()  # the update above wrote one audit row
        db.run_migrations(url)
        assert snapshot() == at_0014
        with engine.connect() as conn:
            assert conn.execute(text(
                "SELECT (SELECT count(*) FROM performance_metrics_default WHERE metric_date < '2000-01-01'),"
                " (SELECT count(*) FROM audit_logs_default WHERE created_at < '2000-01-01')"
            )).one() == (1, 1)
        assert at_head["metrics"][0] > 0 and at_head["analyses"][0] == at_head["analyses"][1] > 0
    finally:
        engine.dispose()
        drop_database(url)
