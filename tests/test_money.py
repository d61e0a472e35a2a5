"""Pure money rules: VAT and totals at the edges, the settlement rule, rates, aging, the settlement state machine,
business numbers, transaction ids, the printable invoice and the exports (no database)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid
from decimal import Decimal

import pytest

from circlue.errors import InvalidTransition, ValidationError
from circlue.korea import brn_check_digit, format_krw, validate_brn, vat_for
from circlue.money import (
    AGING_BUCKETS,
    DEFAULT_PLATFORM_FEE_RATE,
    OpenInvoice,
    aging,
    aging_bucket,
    billable_statuses,
    due_date_for,
    parse_rate,
    settlement_figures,
    to_won,
)
from circlue.schemas.common import parse
from circlue.schemas.settlements import InvoiceInput, PaymentInput, canonical_transaction_id
from circlue.workflow import (
    SETTLEMENT_MANUAL,
    SETTLEMENT_STATUSES,
    SETTLEMENT_TRANSITIONS,
    check_settlement_transition,
    settlement_status_for,
)

D = Decimal


# -- VAT and totals ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("supply", "tax", "total"),
    [
        (1, 0, 1),
        (9, 0, 9),
        (10, 1, 11),
        (19, 1, 20),
        (999_999_999, 99_999_999, 1_099_999_998),
        (1_000_000, 100_000, 1_100_000),
        # Amending invoices: truncation toward zero, so -X carries exactly the negative VAT of X.
        (-1, 0, -1),
        (-10, -1, -11),
        (-999_999_999, -99_999_999, -1_099_999_998),
    ],
)
def test_vat_is_ten_percent_truncated_to_the_won_and_total_is_supply_plus_vat(supply, tax, total):
    assert vat_for(D(supply)) == (D(tax), D(total))
    assert vat_for(D(-supply)) == (D(-tax), D(-total)), "an amendment mirrors its original exactly"


def test_one_rounding_rule_for_all_money():
    assert to_won(D("1.99")) == D(1) and to_won(D("-1.99")) == D(-1)
    assert format_krw(D("1234000.99")) == "₩1,234,000"
    assert format_krw(D("-5000")) == "-₩5,000"


# -- The settlement rule ----------------------------------------------------------------------------------------------


def test_fees_plus_platform_fee_to_the_won():
    figures = settlement_figures(D("1000000"), DEFAULT_PLATFORM_FEE_RATE)
    assert (figures.influencer_fees, figures.platform_fee, figures.amount) == (D(1_000_000), D(150_000), D(1_150_000))
    assert figures.rate_percent == "15%"
    odd = settlement_figures(D("1234567"), D("0.125"))
    assert (odd.platform_fee, odd.amount, odd.rate_percent) == (D(154_320), D(1_388_887), "12.5%")
    assert settlement_figures(D(0), D("0.15")).amount == 0
    with pytest.raises(ValueError, match="negative"):
        settlement_figures(D(-1), D("0.15"))


@pytest.mark.parametrize(
    ("text", "rate"),
    [("0.15", D("0.15")), ("15%", D("0.15")), ("12.5 %", D("0.125")), ("", D("0.15")), (None, D("0.15")),
     ("0", D(0))],
)
def test_the_rate_setting_reads_as_people_write_it(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["1", "100%", "-0.1", "abc", "0.12345", "15%%"])
def test_a_rate_outside_0_to_1_or_too_precise_is_refused(text):
    with pytest.raises(ValueError, match="platform fee rate"):
        parse_rate(text)


def test_a_cancelled_campaign_settles_only_what_was_signed():
    assert billable_statuses("live") == ("accepted", "contracted", "completed")
    assert billable_statuses("cancelled") == ("contracted", "completed")


def test_the_due_date_follows_the_campaign_end():
    end, opened = dt.date(2026, 5, 31), dt.date(2026, 4, 1)
    assert due_date_for(end, opened) == dt.date(2026, 6, 30)
    assert due_date_for(end, dt.date(2026, 7, 1)) == dt.date(2026, 7, 31), "opened after the end: from then"


# -- Aging ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-3, "0-30"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
     (91, "90+"), (4000, "90+")],
)
def test_aging_buckets_cover_every_age(days, bucket):
    assert aging_bucket(days) == bucket
    assert [name for name, _low, _high in AGING_BUCKETS] == ["0-30", "31-60", "61-90", "90+"]


def test_payments_settle_the_oldest_invoices_first():
    today = dt.date(2026, 6, 1)
    invoices = [OpenInvoice(dt.date(2026, 5, 20), D(100)), OpenInvoice(dt.date(2026, 1, 10), D(300))]
    buckets = aging(invoices, D(350), today)
    assert buckets == {"0-30": D(50), "31-60": D(0), "61-90": D(0), "90+": D(0)}
    assert sum(aging(invoices, D(0), today).values()) == D(400)
    assert aging(invoices, D(0), today)["90+"] == D(300)
    # A cancelled invoice (net zero after its amendment) owes nothing and absorbs no payment.
    assert aging([OpenInvoice(dt.date(2026, 1, 1), D(0)), *invoices], D(300), today)["90+"] == D(0)


# -- The settlement state machine ---------------------------------------------------------------------------------------


ALL_PAIRS = [(a, b) for a, b in itertools.product(SETTLEMENT_STATUSES, repeat=2) if a != b]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_status_pair_is_allowed_exactly_when_the_table_lists_it(current, target):
    if target in SETTLEMENT_TRANSITIONS[current]:
        check_settlement_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as refused:
            check_settlement_transition(current, target)
        for allowed in SETTLEMENT_TRANSITIONS[current]:
            assert allowed in str(refused.value)


def test_the_state_machine_is_complete_and_closing_is_the_only_manual_move():
    assert set(SETTLEMENT_TRANSITIONS) == set(SETTLEMENT_STATUSES)
    assert SETTLEMENT_TRANSITIONS["completed"] == frozenset()
    assert {("paid", "completed")} == SETTLEMENT_MANUAL
    with pytest.raises(InvalidTransition, match="unknown"):
        check_settlement_transition("draft", "paid")


TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("figures", "due", "status"),
    [
        ((100, 0, 0, 0), TODAY, "pending"),
        ((100, 50, 55, 0), TODAY, "invoiced"),
        ((100, 50, 55, 10), TODAY, "partially-paid"),
        ((100, 100, 110, 55), TODAY, "partially-paid"),
        ((100, 100, 110, 110), TODAY, "paid"),
        ((100, 100, 110, 110), TODAY - dt.timedelta(days=1), "paid"),
        ((100, 0, 0, 0), TODAY - dt.timedelta(days=1), "overdue"),
        ((100, 100, 110, 50), TODAY - dt.timedelta(days=1), "overdue"),
        # Invoiced in part and the invoices paid: money is still to be billed, so not paid.
        ((100, 50, 55, 55), TODAY, "partially-paid"),
        ((0, 0, 0, 0), TODAY, "paid"),
    ],
)
def test_the_status_follows_the_money(figures, due, status):
    amount, invoiced, total, paid = (D(v) for v in figures)
    assert settlement_status_for(
        amount=amount, invoiced=invoiced, invoiced_total=total, paid=paid, due_date=due, today=TODAY
    ) == status


# -- Business registration numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["220-81-62517", "2208162517", " 220 81 62517 ", "101-81-00001"])
def test_valid_business_numbers(number):
    digits = number.replace("-", "").replace(" ", "")
    assert brn_check_digit(digits[:9]) == int(digits[9])
    assert validate_brn(number) == f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


@pytest.mark.parametrize("last", range(10))
def test_every_wrong_check_digit_is_refused(last):
    number = f"220-81-6251{last}"
    if last == 7:
        assert validate_brn(number) == number
    else:
        with pytest.raises(ValidationError, match="check digit"):
            validate_brn(number)


@pytest.mark.parametrize("number", ["", "220-81-6251", "220-81-625177", "22O-81-62517", "٢٢٠-٨١-٦٢٥١٧", "abc"])
def test_malformed_business_numbers_are_refused(number):
    with pytest.raises(ValidationError, match="10 digits"):
        validate_brn(number)


def test_full_width_digits_are_read_as_digits():
    assert validate_brn("２２０－８１－６２５１７") == "220-81-62517"


# -- Input --------------------------------------------------------------------------------------------------------------


BUYER = {"business_number": "220-81-62517", "company_name": "(주)테스트", "ceo_name": "김", "address": "서울",
         "business_type": "제조업", "business_item": "화장품"}


@pytest.mark.parametrize(
    ("amount", "field"),
    [("0", "amount"), ("-1000", "amount"), ("1000.5", "amount"), ("abc", "amount")],
)
def test_an_invoice_amount_is_whole_positive_won(amount, field):
    with pytest.raises(ValidationError) as refused:
        parse(InvoiceInput, amount=amount, issued_date="2026-06-01", **BUYER)
    assert field in refused.value.fields


def test_an_invoice_needs_a_checked_business_number_and_every_buyer_detail():
    assert parse(InvoiceInput, amount="₩1,150,000", issued_date="2026-06-01", **BUYER).amount == D(1_150_000)
    with pytest.raises(ValidationError) as refused:
        parse(InvoiceInput, amount="1", issued_date="2026-06-01", **{**BUYER, "business_number": "220-81-62518",
                                                                      "ceo_name": " "})
    assert set(refused.value.fields) == {"business_number", "ceo_name"}


@pytest.mark.parametrize("typed", ["TXN2026-AB12", " txn 2026-ab12 ", "Txn2026-aB12", "ＴＸＮ２０２６－ＡＢ１２", "TXN\t2026-AB12"])
def test_a_transaction_id_has_one_form_whatever_its_spelling(typed):
    assert canonical_transaction_id(typed) == "TXN2026-AB12"


def test_a_payment_time_must_say_its_zone():
    with pytest.raises(ValidationError, match="time zone"):
        parse(PaymentInput, method="bank-transfer", transaction_id="x", amount="1", paid_at=dt.datetime(2026, 6, 1))


# -- The printable invoice --------------------------------------------------------------------------------------------


def _document(**changes):
    from circlue.config import supplier
    from circlue.invoice_document import InvoiceDocument

    values = dict(
        id=uuid.uuid4(), invoice_number="2026-000123", issued_date=dt.date(2026, 6, 1), amount=D(1_000_000),
        tax_amount=D(100_000), total_amount=D(1_100_000), campaign="여름 캠페인", supplier=supplier(), **BUYER,
    )
    return InvoiceDocument(**{**values, **changes})


def test_the_invoice_page_has_the_standard_parts_and_escapes_what_was_typed():
    from circlue.invoice_document import belongs_to, render

    doc = _document(company_name="<script>alert(1)</script>", campaign="<img src=x onerror=alert(1)>")
    page = render(doc)
    for part in ("세금계산서", "공급받는자 보관용", "공급자", "공급받는자", "등록번호", "작성일자", "공급가액", "세액",
                 "합계금액", "2026-000123", "1,000,000", "100,000", "₩1,100,000", "(청구)", "220-81-62517"):
        assert part in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "@page" in page and "A4" in page, "it prints on one A4 sheet"
    assert belongs_to(page.encode(), doc.id) and not belongs_to(page.encode(), uuid.uuid4())


def test_an_amending_invoice_says_what_it_amends_and_why():
    from circlue.invoice_document import render

    page = render(_document(amount=D(-1_000_000), tax_amount=D(-100_000), total_amount=D(-1_100_000),
                            amends_number="2026-000100", amendment_reason="price-change"))
    assert "수정세금계산서" in page and "2026-000100" in page and "공급가액 변동" in page and "-1,000,000" in page


# -- Exports --------------------------------------------------------------------------------------------------------


def _row(**changes):
    from circlue.repository.settlements import SettlementRow

    values = dict(
        id=uuid.uuid4(), campaign_id=uuid.uuid4(), campaign="캠페인, \"따옴표\"", campaign_status="live",
        brand_id=uuid.uuid4(), brand="글로우랩", amount=D("1150000.00"), influencer_fees=D(1_000_000),
        platform_fee_rate=D("0.1500"), platform_fee=D(150_000), invoiced_amount=D(1_150_000),
        invoiced_tax=D(115_000), invoiced_total=D(1_265_000), paid_amount=D(1_000_000), status="partially-paid",
        due_date=dt.date(2026, 7, 1), created_at=None, completed_at=None, invoices=1, last_invoice="2026-000001",
    )
    return SettlementRow(**{**values, **changes})


def test_csv_holds_exact_whole_won_and_korean_headers():
    import csv

    from circlue.exports import settlements_csv

    data = settlements_csv([_row(), _row(amount=D("999999999.00"), influencer_fees=D(869_565_217),
                                         platform_fee=D(130_434_782))])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "브랜드 (Brand)"
    amount = header.index("정산 금액 (Amount)")
    assert [r[amount] for r in rows[1:]] == ["1150000", "999999999"]
    assert rows[1][header.index("미수금 (Outstanding)")] == "265000"
    assert rows[1][1] == '캠페인, "따옴표"'


def test_excel_cells_are_integers_with_a_won_format_and_a_total_row():
    from openpyxl import load_workbook

    from circlue.exports import WON_FORMAT, settlements_xlsx

    book = load_workbook(io.BytesIO(settlements_xlsx([_row(), _row()], [], [])))
    sheet = book.worksheets[0]
    assert [ws.title for ws in book.worksheets] == ["정산 Settlements", "세금계산서 Invoices", "입금 Payments"]
    assert sheet["H2"].value == 1_150_000 and isinstance(sheet["H2"].value, int)
    assert sheet["H2"].number_format == WON_FORMAT
    assert sheet["D2"].value == dt.datetime(2026, 7, 1)
    assert sheet["H4"].value == "=SUM(H2:H3)" and sheet["A4"].value == "합계 (Total)"
