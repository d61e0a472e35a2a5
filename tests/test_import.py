"""Metrics import (CSV and Excel): rules with line numbers, all-or-nothing, --skip-bad, twice is once, audit, attacks."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from circlue.db import set_actor, unit_of_work
from circlue.repository.content import contracted_pairs
from circlue.repository.metric_imports import ImportRefused, import_metrics
from circlue.schemas.metric_rows import HEADER, REQUIRED, check_row
from circlue.tabular import csv_bytes, file_sha256, read_cells, xlsx_bytes
from tests.conftest import actor_of

TODAY = dt.date.today()
# Far enough back that no demo row shares a key with the rows these tests write.
BASE = dt.date(2021, 3, 1)


@pytest.fixture(scope="module")
def pairs(owner_engine):
    """Two contracted (campaign, influencer, platform) pairs of the glow brand, and one invited-only pair."""
    with owner_engine.connect() as conn:
        contracted = conn.execute(
            text(
                "SELECT ci.campaign_id, ci.influencer_id, i.platform FROM campaign_influencers ci"
                " JOIN influencers i ON i.id = ci.influencer_id JOIN campaigns c ON c.id = ci.campaign_id"
                " JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
                " WHERE ci.status IN ('contracted', 'completed') AND u.email = 'brand.glow@circlue.demo'"
                " ORDER BY ci.id LIMIT 2"
            )
        ).all()
        invited = conn.execute(
            text(
                "SELECT ci.campaign_id, ci.influencer_id, i.platform FROM campaign_influencers ci"
                " JOIN influencers i ON i.id = ci.influencer_id"
                " WHERE ci.status NOT IN ('contracted', 'completed') ORDER BY ci.id LIMIT 1"
            )
        ).one()
    assert len(contracted) == 2
    return {"contracted": contracted, "invited": invited}


def _rows(pair, days: int, start: dt.date = BASE, **overrides) -> list[list]:
    rows = []
    for n in range(days):
        values = {
            "campaign_id": pair.campaign_id, "influencer_id": pair.influencer_id, "content_submission_id": "",
            "platform": pair.platform, "metric_date": (start + dt.timedelta(days=n)).isoformat(),
            "views": 10_000 + n, "likes": 400, "comments": 30, "shares": 20, "saves": 50, "engagement_rate": "",
            "click_through_rate": "1.50", "conversion_rate": "2.00", "sales_amount": "150000",
        }
        values.update(overrides)
        rows.append([values[h] for h in HEADER])
    return rows


def _import(app_engine, data: bytes, name: str = "metrics.csv", *, skip_bad: bool = False, who: str = "manager@circlue.demo",
            defaults=None):
    stream = io.BytesIO(data)
    with unit_of_work(actor_of(who), engine=app_engine) as session:
        return import_metrics(
            session, rows=read_cells(stream, name, columns=HEADER, required=REQUIRED), file_name=name,
            file_sha256=file_sha256(stream), today=TODAY, skip_bad=skip_bad, defaults=defaults,
        )


def _snapshot(owner_engine, start: dt.date, end: dt.date):
    with owner_engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT campaign_id, influencer_id, platform, metric_date, views, engagement_rate, sales_amount"
                " FROM performance_metrics WHERE metric_date BETWEEN :a AND :b ORDER BY 1, 2, 3, 4"
            ),
            {"a": start, "b": end},
        ).all()


@pytest.fixture
def clean_range(owner_engine):
    """Delete what a test imported into the BASE years afterwards."""
    yield
    with owner_engine.begin() as conn:
        conn.execute(text("DELETE FROM performance_metrics WHERE metric_date < '2023-01-01'"))


def test_importing_the_same_file_twice_leaves_the_same_rows(app_engine, owner_engine, pairs, clean_range):
    """An account manager imports a month twice: nothing doubles, and the second time changes nothing."""
    data = csv_bytes(HEADER, _rows(pairs["contracted"][0], 31) + _rows(pairs["contracted"][1], 31))
    first = _import(app_engine, data)
    after_first = _snapshot(owner_engine, BASE, BASE + dt.timedelta(days=40))
    second = _import(app_engine, data)
    after_second = _snapshot(owner_engine, BASE, BASE + dt.timedelta(days=40))
    assert (first.inserted, first.updated, first.unchanged) == (62, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 62)
    assert len(after_first) == 62 and after_second == after_first
    # Rows for 2021 found their partition: the importer made it.
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM performance_metrics_default")).scalar() == 0


def test_a_corrected_file_updates_only_the_changed_rows(app_engine, owner_engine, pairs, clean_range):
    rows = _rows(pairs["contracted"][0], 10)
    _import(app_engine, csv_bytes(HEADER, rows))
    rows[3][HEADER.index("views")] = 99_999
    result = _import(app_engine, csv_bytes(HEADER, rows))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 9)
    assert max(r.views for r in _snapshot(owner_engine, BASE, BASE + dt.timedelta(days=9))) == 99_999


def test_an_empty_engagement_rate_is_computed_by_the_platform_rule(app_engine, owner_engine, pairs, clean_range):
    pair = pairs["contracted"][0]
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 1)))
    rate = _snapshot(owner_engine, BASE, BASE)[0].engagement_rate
    counts = {"likes": 400, "comments": 30, "shares": 20, "saves": 50}
    # xiaohongshu: (400 + 50 + 30) / 10,000 = 4.80 %; the others add the 20 shares: 5.00 %
    assert rate == (Decimal("4.80") if pair.platform == "xiaohongshu" else Decimal("5.00")), counts


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(app_engine, owner_engine, pairs, clean_range):
    good = _rows(pairs["contracted"][0], 5)
    bad_date = _rows(pairs["contracted"][0], 1, metric_date="2021-02-30")[0]
    negative = _rows(pairs["contracted"][0], 1, start=BASE + dt.timedelta(days=20), views=-3)[0]
    percent = _rows(pairs["contracted"][0], 1, start=BASE + dt.timedelta(days=21), click_through_rate="120")[0]
    platform = _rows(pairs["contracted"][0], 1, start=BASE + dt.timedelta(days=22), platform="tiktok")[0]
    not_contracted = _rows(pairs["invited"], 1)[0]
    unknown = _rows(pairs["contracted"][0], 1, start=BASE + dt.timedelta(days=23), campaign_id=str(uuid.uuid4()))[0]
    duplicate = good[1]
    future = _rows(pairs["contracted"][0], 1, start=TODAY + dt.timedelta(days=2))[0]
    data = csv_bytes(HEADER, [*good, bad_date, negative, percent, platform, not_contracted, unknown, duplicate, future])
    with pytest.raises(ImportRefused) as refused:
        _import(app_engine, data)
    problems = {p.line: " ".join(p.reasons) for p in refused.value.result.problems}
    # line 1 is the header; the good rows are lines 2-6
    assert set(problems) == {7, 8, 9, 10, 11, 12, 13, 14}, problems
    assert "metric_date" in problems[7] and "날짜" in problems[7]
    assert "views" in problems[8]
    assert "click_through_rate" in problems[9]
    assert "platform" in problems[10]
    assert "contracted" in problems[11]
    assert "unknown campaign" in problems[12]
    assert "line 3" in problems[13]
    assert "today" in problems[14]
    assert refused.value.result.problem_count == 8
    assert "7행 / line 7" in str(refused.value)
    assert _snapshot(owner_engine, BASE, BASE + dt.timedelta(days=30)) == []
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM metric_import_rows")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM metric_imports WHERE file_name = 'metrics.csv'"
                                 " AND rows_skipped = 8")).scalar() == 0

    result = _import(app_engine, data, skip_bad=True)
    assert (result.inserted, result.skipped, result.problem_count) == (5, 8, 8)
    assert len(_snapshot(owner_engine, BASE, BASE + dt.timedelta(days=30))) == 5


def test_excel_files_import_like_csv(app_engine, owner_engine, pairs, clean_range):
    rows = _rows(pairs["contracted"][1], 7)
    for row in rows:  # Excel cells hold dates and numbers, not text
        row[HEADER.index("metric_date")] = dt.date.fromisoformat(row[HEADER.index("metric_date")])
        row[HEADER.index("click_through_rate")] = 1.5
    result = _import(app_engine, xlsx_bytes(HEADER, rows), "metrics.xlsx")
    assert result.inserted == 7
    again = _import(app_engine, xlsx_bytes(HEADER, rows), "metrics.xlsx")
    assert again.unchanged == 7


def test_the_page_choices_fill_empty_campaign_and_influencer(app_engine, owner_engine, pairs, clean_range):
    pair = pairs["contracted"][0]
    rows = _rows(pair, 3, campaign_id="", influencer_id="")
    result = _import(
        app_engine, csv_bytes(HEADER, rows),
        defaults={"campaign_id": str(pair.campaign_id), "influencer_id": str(pair.influencer_id)},
    )
    assert result.inserted == 3


def test_a_header_with_unknown_or_missing_columns_is_refused(app_engine):
    from circlue.errors import ValidationError

    with pytest.raises(ValidationError, match="missing columns: metric_date"):
        _import(app_engine, csv_bytes(["campaign_id", "influencer_id", "platform", "views"], [["a", "b", "douyin", 1]]))
    with pytest.raises(ValidationError, match="unknown columns: veiws"):
        _import(app_engine, csv_bytes([*REQUIRED, "veiws"], [["a", "b", "douyin", "2024-01-01", 1]]))


def test_one_audit_row_per_import_not_per_metric_row(app_engine, owner_engine, pairs, clean_range):
    data = csv_bytes(HEADER, _rows(pairs["contracted"][0], 20))
    result = _import(app_engine, data)
    with owner_engine.connect() as conn:
        per_row = conn.execute(
            text("SELECT count(*) FROM audit_logs WHERE entity_type = 'performance_metrics' AND action = 'INSERT'"
                 " AND (new_values->>'metric_date')::date BETWEEN :a AND :b"),
            {"a": BASE, "b": BASE + dt.timedelta(days=19)},
        ).scalar()
        summary = conn.execute(
            text("SELECT a.new_values, u.email FROM audit_logs a JOIN users u ON u.id = a.user_id"
                 " WHERE a.action = 'IMPORT' AND a.entity_id = :id"),
            {"id": result.import_id},
        ).one()
    assert per_row == 0
    assert summary.email == "manager@circlue.demo"
    assert summary.new_values["file_sha256"] == file_sha256(io.BytesIO(data))
    assert summary.new_values["inserted"] == 20


def test_import_offers_every_contracted_pair_by_name(app_engine, pairs):
    with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine, readonly=True) as session:
        contracts = contracted_pairs(session, producing_only=False, limit=None)
    keys = {(c.campaign_id, c.influencer_id) for c in contracts}
    assert {(p.campaign_id, p.influencer_id) for p in pairs["contracted"]} <= keys
    assert (pairs["invited"].campaign_id, pairs["invited"].influencer_id) not in keys
    assert all(c.campaign and c.influencer and c.brand for c in contracts)


def test_check_row_reads_what_people_type():
    row = dict.fromkeys(HEADER, "")
    row.update(campaign_id=str(uuid.uuid4()).upper(), influencer_id=str(uuid.uuid4()), platform="小红书",
               metric_date="2024/05/01", views="12,000", likes="300", saves="60", comments="40",
               click_through_rate="2.5%", sales_amount="₩1,234,000")
    line, day = check_row(9, row, today=TODAY)
    fields = line.rstrip("\n").split("\t")
    assert day == dt.date(2024, 5, 1) and fields[0] == "9"
    assert fields[HEADER.index("platform") + 1] == "xiaohongshu"
    assert fields[HEADER.index("engagement_rate") + 1] == "3.33"  # (300 + 60 + 40) / 12,000
    assert fields[HEADER.index("sales_amount") + 1] == "1234000.00"
    assert fields[HEADER.index("shares") + 1] == "\\N"


def _as(app_engine, actor, *statements: str, **params):
    with Session(app_engine) as session, session.begin():
        set_actor(session, actor)
        try:
            result = None
            for statement in statements:
                result = session.execute(text(statement), params)
            return result.all() if result is not None and result.returns_rows else None
        finally:
            session.rollback()


def test_metric_rows_obey_the_rules_whatever_writes_them(app_engine, pairs):
    pair = pairs["contracted"][0]
    for column, value, constraint in (("views", -1, "counts_not_negative"), ("platform", "'tiktok'", "platform_known"),
                                      ("click_through_rate", 101, "rates_in_range")):
        values = {"views": 1, "platform": f"'{pair.platform}'", "click_through_rate": 1} | {column: value}
        with pytest.raises(DBAPIError, match=constraint):
            _as(app_engine, actor_of("manager@circlue.demo"),
                "INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views,"
                f" click_through_rate) VALUES (:c, :i, {values['platform']}, '2021-01-01', {values['views']},"
                f" {values['click_through_rate']})", c=pair.campaign_id, i=pair.influencer_id)


def test_cli_import_refuses_a_bad_file_and_skip_bad_imports_the_rest(tmp_path, pairs, owner_engine, clean_range, capsys):
    from circlue.cli import main

    good = _rows(pairs["contracted"][0], 4, start=BASE + dt.timedelta(days=60))
    bad = _rows(pairs["contracted"][0], 1, start=BASE + dt.timedelta(days=70), views="many")
    path = tmp_path / "month.csv"
    path.write_bytes(csv_bytes(HEADER, [*good, *bad]))
    assert main(["metrics", "import", str(path), "--quiet", "--as", "manager@circlue.demo"]) == 1
    assert "6행 / line 6" in capsys.readouterr().err
    assert main(["metrics", "import", str(path), "--quiet", "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert "4 inserted" in out and "1 skipped" in out
    assert main(["metrics", "import", str(path), "--quiet", "--skip-bad"]) == 0
    assert "0 inserted, 0 updated, 4 unchanged" in capsys.readouterr().out
