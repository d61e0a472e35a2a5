"""Findings of the independent review of the analytics issue: each failed before its fix.

Files that are not what they claim (a workbook that unpacks to gigabytes, cells outside the header, digits that are
not ASCII, percent-formatted Excel cells), partial files that must not erase stored values, bad rows that must not
make partitions, spend that follows the days on screen, and cascades that stay audited whatever the app role set.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from contextlib import contextmanager
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from circlue import metrics, tabular
from circlue.db import unit_of_work
from circlue.repository import analytics
from circlue.schemas.metric_rows import HEADER, REQUIRED, check_cells
from circlue.tabular import csv_bytes, read_cells
from tests.conftest import actor_of
from tests.test_import import _import, _rows, pairs  # noqa: F401 - the module fixture, shared

TODAY = dt.date.today()
BASE = dt.date(2021, 9, 1)


@pytest.fixture
def clean_range(owner_engine):
    """Metric rows of this module's months are removed before and after each test."""

    def clean() -> None:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM performance_metrics WHERE metric_date BETWEEN '2001-01-01' AND '2021-12-31'"))

    clean()
    yield
    clean()


def _cells(data: bytes, name: str = "m.csv") -> list[tuple[int, list]]:
    return list(read_cells(io.BytesIO(data), name, columns=HEADER, required=REQUIRED))


def _stored(owner_engine, pair, day: dt.date):
    with owner_engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT views, likes, saves, engagement_rate, sales_amount FROM performance_metrics"
                " WHERE campaign_id = :c AND influencer_id = :i AND metric_date = :d"
            ),
            {"c": pair.campaign_id, "i": pair.influencer_id, "d": day},
        ).one_or_none()


# --- what a file holds -------------------------------------------------------------------------------------------


def test_a_value_outside_the_header_is_refused_and_a_trailing_comma_is_not(pairs):  # noqa: F811
    row = _rows(pairs["contracted"][0], 1)[0]
    header_line = ",".join(HEADER)
    body = ",".join(str(v) for v in row)
    stray = _cells(f"{header_line}\n{body},999\n".encode())
    problem = check_cells(stray[0][0], stray[0][1], today=TODAY)
    assert "999" in str(problem) and "header" in str(problem)
    # A trailing comma on the header, on the rows, or on both is what spreadsheets write: fine.
    for data in (f"{header_line},\n{body},\n", f"{header_line}\n{body},\n", f"{header_line},\n{body}\n"):
        (line, cells), = _cells(data.encode())
        assert isinstance(check_cells(line, cells, today=TODAY), tuple), data
    # Columns in another order take the careful path: a stray value there is caught too.
    reordered = list(reversed(HEADER))
    stray = _cells(f"{','.join(reordered)},\n{','.join(str(v) for v in reversed(row))},8642\n".encode())
    assert "'8642'" in str(check_cells(stray[0][0], stray[0][1], today=TODAY))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("views", "１２３"),  # full-width digits: str.isdigit() says yes
        ("views", "²"),  # a superscript two: isdigit() yes, int() raises
        ("click_through_rate", "١٢"),  # Arabic-Indic digits match \d
        ("sales_amount", "１０００"),
        ("metric_date", "2021-W36-3"),  # an ISO week date, 10 characters like YYYY-MM-DD
        ("metric_date", "20210901"),
    ],
)
def test_only_ascii_digits_and_calendar_dates_pass(pairs, field, value):  # noqa: F811
    row = _rows(pairs["contracted"][0], 1)[0]
    row[HEADER.index(field)] = value
    problem = check_cells(2, [str(v) for v in row], today=TODAY)
    assert not isinstance(problem, tuple), f"{value!r} passed as {field}"
    assert field in str(problem)


def test_such_values_are_reported_not_crashing_the_import(app_engine, pairs, clean_range):  # noqa: F811
    rows = _rows(pairs["contracted"][0], 3, start=BASE)
    rows[0][HEADER.index("views")] = "²"
    rows[1][HEADER.index("metric_date")] = "2021-W36-3"
    rows[2][HEADER.index("click_through_rate")] = "١٢"
    with pytest.raises(Exception) as refused:
        _import(app_engine, csv_bytes(HEADER, rows))
    assert type(refused.value).__name__ == "ImportRefused"
    assert [p.line for p in refused.value.result.problems] == [2, 3, 4]


def _percent_fields(pair, cells: dict[str, tuple[float, str]]) -> list[str]:
    """One row as an Excel file with the given {column: (number, number format)}, read and checked: its COPY fields
    (line, 3 ids, platform, date, 5 counts, engagement, CTR, conversion, sales)."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    row = _rows(pair, 1)[0]
    for column, (number, _) in cells.items():
        row[HEADER.index(column)] = number
    sheet.append([str(v) if isinstance(v, uuid.UUID) else v for v in row])
    for column, (_, number_format) in cells.items():
        sheet.cell(row=2, column=HEADER.index(column) + 1).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    (line, read), = _cells(out.getvalue(), "m.xlsx")
    good = check_cells(line, read, today=TODAY)
    assert isinstance(good, tuple), good
    return good[0].rstrip("\n").split("\t")


def test_excel_percent_cells_are_read_as_the_percentages_shown(pairs):  # noqa: F811
    fields = _percent_fields(
        pairs["contracted"][0], {"click_through_rate": (0.015, "0.00%"), "conversion_rate": (0.02, "0%")}
    )
    assert Decimal(fields[12]) == Decimal("1.50") and Decimal(fields[13]) == Decimal("2.00")


def test_percent_signs_that_are_literal_text_do_not_scale_the_number(pairs):  # noqa: F811
    fields = _percent_fields(
        pairs["contracted"][0], {"engagement_rate": (5.2, '0.00"%"'), "click_through_rate": (1.5, "0.0\\%")}
    )
    assert (Decimal(fields[11]), Decimal(fields[12])) == (Decimal("5.20"), Decimal("1.50"))


def _rewritten(data: bytes, member: str, change) -> bytes:
    """The workbook with one zip member's bytes changed."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


def test_damaged_workbooks_get_a_message_not_a_crash(pairs):  # noqa: F811
    import re

    book = Workbook()
    book.active.append(list(HEADER))
    book.active.append([str(v) for v in _rows(pairs["contracted"][0], 1)[0]])
    out = io.BytesIO()
    book.save(out)
    sheet = "xl/worksheets/sheet1.xml"
    truncated = _rewritten(out.getvalue(), sheet, lambda body: body[:-40])
    with pytest.raises(tabular.ValidationError, match="cannot read the Excel sheet"):
        _cells(truncated, "m.xlsx")
    # A number whose style index points past the style table reads as the plain number.
    bad_style = _rewritten(out.getvalue(), sheet, lambda body: re.sub(rb'<c r="F2"( s="\d+")?', b'<c r="F2" s="99"', body))
    (line, cells), = _cells(bad_style, "m.xlsx")
    assert isinstance(check_cells(line, cells, today=TODAY), tuple)


def test_a_column_given_twice_is_refused():
    header = list(reversed(HEADER)) + ["views"]
    with pytest.raises(tabular.ValidationError, match="columns given twice: views"):
        _cells((",".join(header) + "\n").encode())


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing(pairs, monkeypatch):  # noqa: F811
    book = Workbook()
    book.active.append(list(HEADER))
    for row in _rows(pairs["contracted"][0], 50):
        book.active.append([str(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    monkeypatch.setattr(tabular, "MAX_XLSX_UNPACKED", 20_000)
    with pytest.raises(tabular.ValidationError, match="unpacks to more than"):
        _cells(out.getvalue(), "m.xlsx")


def test_a_value_in_an_unnamed_excel_column_is_reported_not_dropped(pairs):  # noqa: F811
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for row in _rows(pairs["contracted"][0], 2):
        sheet.append([str(v) for v in row])
    sheet.cell(row=3, column=40).value = 77
    out = io.BytesIO()
    book.save(out)
    rows = _cells(out.getvalue(), "m.xlsx")
    assert [len(cells) for _, cells in rows] == [len(HEADER), len(HEADER) + 1]
    assert "77" in str(check_cells(*rows[1], today=TODAY))


# --- what an import stores -----------------------------------------------------------------------------------------


def test_a_partial_file_updates_what_it_carries_and_erases_nothing(app_engine, owner_engine, pairs, clean_range):  # noqa: F811
    pair = pairs["contracted"][0]
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 2, start=BASE)))
    before = _stored(owner_engine, pair, BASE)
    assert before.views and before.sales_amount == Decimal("150000.00") and before.engagement_rate is not None
    # Sales came later, in a file of its own: only the key and the sales column.
    sales_only = ("campaign_id", "influencer_id", "platform", "metric_date", "sales_amount")
    rows = [[pair.campaign_id, pair.influencer_id, pair.platform, BASE.isoformat(), "990000"]]
    result = _import(app_engine, csv_bytes(sales_only, rows))
    assert result.updated == 1
    after = _stored(owner_engine, pair, BASE)
    assert after.sales_amount == Decimal("990000.00")
    assert (after.views, after.likes, after.saves, after.engagement_rate) == (
        before.views, before.likes, before.saves, before.engagement_rate)
    # An empty cell in a column the file has keeps the stored value too.
    rows = _rows(pair, 1, start=BASE, views="", sales_amount="")
    _import(app_engine, csv_bytes(HEADER, rows))
    assert _stored(owner_engine, pair, BASE).views == before.views
    assert _stored(owner_engine, pair, BASE).sales_amount == Decimal("990000.00")


def test_new_counts_without_a_rate_clear_the_stale_stored_rate(app_engine, owner_engine, pairs, clean_range):  # noqa: F811
    pair = pairs["contracted"][0]
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 1, start=BASE)))
    assert _stored(owner_engine, pair, BASE).engagement_rate is not None
    corrected = ("campaign_id", "influencer_id", "platform", "metric_date", "views")
    _import(app_engine, csv_bytes(corrected, [[pair.campaign_id, pair.influencer_id, pair.platform, BASE, 40000]]))
    after = _stored(owner_engine, pair, BASE)
    assert after.views == 40000 and after.engagement_rate is None, "a rate of the old views would be wrong"
    # The same views again change nothing, and a sales-only file keeps a rate the counts still match.
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 1, start=BASE, views=40000)))
    rate = _stored(owner_engine, pair, BASE).engagement_rate
    assert rate is not None
    sales_only = ("campaign_id", "influencer_id", "platform", "metric_date", "sales_amount")
    _import(app_engine, csv_bytes(sales_only, [[pair.campaign_id, pair.influencer_id, pair.platform, BASE, 5]]))
    assert _stored(owner_engine, pair, BASE).engagement_rate == rate


def test_no_engagement_rate_from_counts_the_file_does_not_give(app_engine, owner_engine, pairs, clean_range):  # noqa: F811
    pair = pairs["contracted"][0]
    views_only = ("campaign_id", "influencer_id", "platform", "metric_date", "views", "likes")
    rows = [[pair.campaign_id, pair.influencer_id, pair.platform, BASE.isoformat(), "10000", "500"]]
    _import(app_engine, csv_bytes(views_only, rows))
    assert _stored(owner_engine, pair, BASE).engagement_rate is None


def test_bad_rows_make_no_partitions(app_engine, owner_engine, pairs, clean_range):  # noqa: F811
    good = _rows(pairs["contracted"][0], 1, start=BASE)
    bad = _rows(pairs["contracted"][0], 1, start=dt.date(2001, 1, 1), campaign_id=uuid.uuid4())

    def partitions() -> int:
        with owner_engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.performance_metrics'::regclass")
            ).scalar_one()

    before = partitions()
    result = _import(app_engine, csv_bytes(HEADER, [*bad, *good]), skip_bad=True)
    assert (result.inserted, result.skipped) == (1, 1)
    assert (result.first_date, result.last_date) == (BASE, BASE)
    assert partitions() - before <= 1, "only the good row's month may get a partition"


# --- what the dashboard says it cost -------------------------------------------------------------------------------


@pytest.fixture
def thirty_day_campaign(owner_engine, pairs):  # noqa: F811
    """The first contracted pair's campaign, moved to BASE .. BASE + 29 days for the test; its fees and the pair's."""
    pair = pairs["contracted"][0]
    with owner_engine.begin() as conn:
        fees, fee, dates = conn.execute(
            text(
                "SELECT (SELECT sum(ad_fee) FROM campaign_influencers WHERE campaign_id = c.id"
                "  AND status IN ('contracted', 'completed')), ci.ad_fee,"
                " ARRAY[c.proposal_deadline, c.campaign_start_date, c.campaign_end_date]"
                " FROM campaign_influencers ci JOIN campaigns c ON c.id = ci.campaign_id"
                " WHERE ci.campaign_id = :c AND ci.influencer_id = :i"
            ),
            {"c": pair.campaign_id, "i": pair.influencer_id},
        ).one()
        move = text("UPDATE campaigns SET proposal_deadline = :d, campaign_start_date = :s, campaign_end_date = :e"
                    " WHERE id = :c")
        conn.execute(move, {"d": BASE - dt.timedelta(days=7), "s": BASE, "e": BASE + dt.timedelta(days=29),
                            "c": pair.campaign_id})
    assert fee and fee > 0 and fees >= fee
    yield pair, Decimal(fees), Decimal(fee)
    with owner_engine.begin() as conn:
        conn.execute(move, {"d": dates[0], "s": dates[1], "e": dates[2], "c": pair.campaign_id})


def _read(app_engine, campaign_id, first: dt.date, last: dt.date):
    with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine, readonly=True) as session:
        board = analytics.brand_dashboard(session, start=first, end=last, campaign_ids=[campaign_id])
        compared = analytics.campaign_comparison(session, start=first, end=last, campaign_ids=[campaign_id])
    return board, compared


def _part(amount: Decimal, days: int) -> Decimal:
    return (amount * days / 30).quantize(Decimal("0.01"))


def test_spend_is_the_part_of_the_fees_the_period_holds(app_engine, thirty_day_campaign, clean_range):
    """Fees accrue over the campaign's days: five days of a thirty-day campaign carry a sixth of them, in this period
    and the one before alike, and metrics arriving later do not move a closed period's spend."""
    pair, fees, fee = thirty_day_campaign
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 15, start=BASE)))
    board, _ = _read(app_engine, pair.campaign_id, BASE + dt.timedelta(days=10), BASE + dt.timedelta(days=14))
    _, compared = _read(app_engine, pair.campaign_id, BASE, BASE + dt.timedelta(days=4))
    assert board.current.spend == _part(fees, 5) and board.previous.spend == _part(fees, 5)
    assert [row.spend for row in board.influencers] == [_part(fee, 5)], "the table shows the pair's own share"
    assert compared[0].figures.spend == _part(fees, 5)
    # Two more weeks of metrics arrive: what the first weeks cost stays what it was.
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 14, start=BASE + dt.timedelta(days=15))))
    later, _ = _read(app_engine, pair.campaign_id, BASE + dt.timedelta(days=10), BASE + dt.timedelta(days=14))
    assert later.current.spend == _part(fees, 5)


def test_periods_add_up_to_the_fees_even_before_the_first_results(app_engine, thirty_day_campaign, clean_range):
    """Results only in the campaign's last ten days: the first ten days still cost their part (review: they cost
    nothing, and the whole month more than its parts)."""
    pair, fees, _fee = thirty_day_campaign
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 10, start=BASE + dt.timedelta(days=20))))
    thirds = [
        _read(app_engine, pair.campaign_id, BASE + dt.timedelta(days=d), BASE + dt.timedelta(days=d + 9))[0]
        for d in (0, 10, 20)
    ]
    whole, _ = _read(app_engine, pair.campaign_id, BASE, BASE + dt.timedelta(days=29))
    assert [board.current.spend for board in thirds] == [_part(fees, 10)] * 3
    assert abs(sum(board.current.spend for board in thirds) - whole.current.spend) <= Decimal("0.02")
    assert whole.current.spend == fees


@contextmanager
def _moved(owner_engine, campaign_id, start: dt.date, end: dt.date):
    """The campaign runs start..end for the test (its proposal deadline a week before), then as it was."""
    move = text("UPDATE campaigns SET proposal_deadline = :d, campaign_start_date = :s, campaign_end_date = :e"
                " WHERE id = :c")
    with owner_engine.begin() as conn:
        old = conn.execute(text("SELECT proposal_deadline, campaign_start_date, campaign_end_date FROM campaigns"
                                " WHERE id = :c"), {"c": campaign_id}).one()
        conn.execute(move, {"d": start - dt.timedelta(days=7), "s": start, "e": end, "c": campaign_id})
    try:
        yield
    finally:
        with owner_engine.begin() as conn:
            conn.execute(move, {"d": old[0], "s": old[1], "e": old[2], "c": campaign_id})


def _campaign_with_fees(owner_engine, *, other_than) -> tuple[uuid.UUID, Decimal]:
    """Another demo campaign with contracted fees, and the sum of those fees."""
    with owner_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.id, sum(ci.ad_fee) FROM campaigns c JOIN campaign_influencers ci ON ci.campaign_id = c.id"
                " AND ci.status IN ('contracted', 'completed') AND ci.ad_fee > 0"
                " WHERE c.status <> 'cancelled' AND c.id <> :other GROUP BY c.id ORDER BY c.id LIMIT 1"
            ),
            {"other": other_than},
        ).one()
    return row[0], Decimal(row[1])


def test_spend_follows_the_chosen_campaigns_and_the_previous_period(
    app_engine, owner_engine, thirty_day_campaign, clean_range
):
    """A: BASE..BASE+29 with results. B (contracted fees, no results) ran the 20 days before BASE, so the previous
    period of BASE..BASE+9 holds half of its days, and only when B is shown."""
    pair, fees_a, _fee = thirty_day_campaign
    b, fees_b = _campaign_with_fees(owner_engine, other_than=pair.campaign_id)
    _import(app_engine, csv_bytes(HEADER, _rows(pair, 10, start=BASE)))
    first, last = BASE, BASE + dt.timedelta(days=9)
    with _moved(owner_engine, b, BASE - dt.timedelta(days=20), BASE - dt.timedelta(days=1)):
        only_a, _ = _read(app_engine, pair.campaign_id, first, last)
        with unit_of_work(actor_of("manager@circlue.demo"), engine=app_engine, readonly=True) as session:
            a_and_b = analytics.brand_dashboard(session, start=first, end=last, campaign_ids=[pair.campaign_id, b])
            everything = analytics.brand_dashboard(session, start=first, end=last)
    assert (only_a.current.spend, only_a.previous.spend) == (_part(fees_a, 10), 0)
    assert (a_and_b.current.spend, a_and_b.previous.spend) == (_part(fees_a, 10), (fees_b / 2).quantize(Decimal("0.01")))
    # Nothing chosen: every campaign the user sees (only A and B ran in 2021).
    assert (everything.current.spend, everything.previous.spend) == (a_and_b.current.spend, a_and_b.previous.spend)


def test_a_pair_on_two_platforms_splits_its_share_between_them(app_engine, thirty_day_campaign, clean_range):
    pair, _fees, fee = thirty_day_campaign
    other = "douyin" if pair.platform != "douyin" else "weibo"
    rows = [*_rows(pair, 5, start=BASE), *_rows(pair, 5, start=BASE, platform=other)]
    _import(app_engine, csv_bytes(HEADER, rows))
    board, _ = _read(app_engine, pair.campaign_id, BASE, BASE + dt.timedelta(days=4))
    assert sorted(row.platform for row in board.influencers) == sorted([pair.platform, other])
    assert [row.spend for row in board.influencers] == [(_part(fee, 5) / 2).quantize(Decimal("0.01"))] * 2
    assert all(row.cpe is not None and row.cpe > 0 for row in board.influencers)


def test_spend_share_adds_up_to_the_fee_and_stops_at_the_campaign_end():
    fee, start, end = Decimal("1000000"), dt.date(2026, 1, 1), dt.date(2026, 3, 31)  # 90 days
    months = [(dt.date(2026, m, 1), dt.date(2026, m + 1, 1) - dt.timedelta(days=1)) for m in (1, 2, 3)]
    parts = [metrics.spend_share(fee, a, b, start=start, end=end) for a, b in months]
    assert abs(sum(parts) - fee) <= Decimal("0.01"), "periods add up to the fee, to the rounding of a cent"
    assert parts[1] == (fee * 28 / 90).quantize(Decimal("0.01"))
    assert metrics.spend_share(fee, dt.date(2026, 4, 1), dt.date(2026, 4, 30), start=start, end=end) == 0
    assert metrics.spend_share(fee, dt.date(2025, 1, 1), dt.date(2027, 1, 1), start=start, end=end) == fee
    assert metrics.spend_share(Decimal(0), start, end, start=start, end=end) == 0


# --- the audit ---------------------------------------------------------------------------------------------------


def test_cascaded_metric_deletes_are_audited_whatever_the_import_setting(app_engine, owner_engine):
    """The importer's exemption is for its own statements: an admin deleting a campaign, with circlue.import_id set
    through the app role, cascades into its metric rows as the owner; those deletions were not audited when the
    exemption was keyed on the setting alone. (Rolled back: nothing is deleted for good.)"""
    with owner_engine.begin() as conn:
        campaign, influencer = conn.execute(
            text(
                "SELECT c.id, (SELECT id FROM influencers ORDER BY id LIMIT 1) FROM campaigns c"
                " WHERE c.status IN ('creating', 'submitted') ORDER BY c.id LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                "INSERT INTO performance_metrics (campaign_id, influencer_id, platform, metric_date, views)"
                " SELECT :c, :i, 'douyin', d::date, 100 FROM generate_series(DATE '2021-09-01', DATE '2021-09-03',"
                " interval '1 day') d"
            ),
            {"c": campaign, "i": influencer},
        )
    try:
        with unit_of_work(actor_of("admin@circlue.demo"), engine=app_engine) as session:
            session.execute(text("SELECT set_config('circlue.import_id', :id, true)"), {"id": str(uuid.uuid4())})
            assert session.execute(text("DELETE FROM campaigns WHERE id = :c"), {"c": campaign}).rowcount == 1
            audited = session.execute(
                text(
                    "SELECT count(*) FROM audit_logs WHERE entity_type = 'performance_metrics' AND action = 'DELETE'"
                    " AND old_values->>'campaign_id' = :c"
                ),
                {"c": str(campaign)},
            ).scalar_one()
            session.rollback()
        assert audited == 3
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM performance_metrics WHERE campaign_id = :c AND metric_date < '2022-01-01'"),
                         {"c": campaign})
