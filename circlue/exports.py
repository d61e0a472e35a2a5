"""Settlements as files for finance: CSV (one table) and Excel (settlements, invoices, payments), exact to the won.

Amounts leave as whole numbers, never floats: CSV holds plain digits (1234000) a spreadsheet reads as a number;
Excel cells are integers formatted `₩#,##0`, so sums in the workbook stay exact. Headers are Korean with English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from circlue.korea import SEOUL
from circlue.money import to_won
from circlue.repository.settlements import InvoiceRow, PaymentRow, SettlementRow
from circlue.tabular import csv_bytes, text_cell

WON_FORMAT = '"₩"#,##0;-"₩"#,##0'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _won(value: Decimal | None) -> int | None:
    """A whole-won amount as an exact integer."""
    return None if value is None else int(to_won(value))


def _seoul(value: dt.datetime | None) -> dt.datetime | None:
    """A moment in Seoul's wall time, without zone (Excel has none)."""
    return value.astimezone(SEOUL).replace(tzinfo=None) if value else None


# (header, value, kind) per column; kind is "won", "date", "datetime" or "text".
Column = tuple[str, Callable[[Any], Any], str]

SETTLEMENT_COLUMNS: tuple[Column, ...] = (
    ("브랜드 (Brand)", lambda s: s.brand, "text"),
    ("캠페인 (Campaign)", lambda s: s.campaign, "text"),
    ("상태 (Status)", lambda s: s.status, "text"),
    ("만기일 (Due)", lambda s: s.due_date, "date"),
    ("인플루언서 비용 (Fees)", lambda s: _won(s.influencer_fees), "won"),
    ("수수료율 (Fee rate)", lambda s: None if s.platform_fee_rate is None else str(s.platform_fee_rate), "text"),
    ("플랫폼 수수료 (Platform fee)", lambda s: _won(s.platform_fee), "won"),
    ("정산 금액 (Amount)", lambda s: _won(s.amount), "won"),
    ("발행 공급가액 (Invoiced supply)", lambda s: _won(s.invoiced_amount), "won"),
    ("발행 세액 (Invoiced VAT)", lambda s: _won(s.invoiced_tax), "won"),
    ("발행 합계 (Invoiced total)", lambda s: _won(s.invoiced_total), "won"),
    ("입금 (Paid)", lambda s: _won(s.paid_amount), "won"),
    ("미수금 (Outstanding)", lambda s: _won(s.outstanding), "won"),
    ("미발행 (Not invoiced)", lambda s: _won(s.to_invoice), "won"),
    ("세금계산서 수 (Invoices)", lambda s: s.invoices, "text"),
    ("정산 ID (Settlement id)", lambda s: str(s.id), "text"),
)
INVOICE_COLUMNS: tuple[Column, ...] = (
    ("번호 (Number)", lambda i: i.invoice_number, "text"),
    ("작성일자 (Issued)", lambda i: i.issued_date, "date"),
    ("수정 대상 (Amends)", lambda i: i.amends_number or "", "text"),
    ("수정사유 (Reason)", lambda i: i.amendment_reason or "", "text"),
    ("공급가액 (Supply)", lambda i: _won(i.amount), "won"),
    ("세액 (VAT)", lambda i: _won(i.tax_amount), "won"),
    ("합계 (Total)", lambda i: _won(i.total_amount), "won"),
    ("사업자등록번호 (Business number)", lambda i: i.business_number, "text"),
    ("상호 (Company)", lambda i: i.company_name, "text"),
    ("대표자 (CEO)", lambda i: i.ceo_name, "text"),
    ("정산 ID (Settlement id)", lambda i: str(i.settlement_id), "text"),
)
PAYMENT_COLUMNS: tuple[Column, ...] = (
    ("입금 일시 (Paid at, KST)", lambda p: _seoul(p.paid_at), "datetime"),
    ("입금액 (Amount)", lambda p: _won(p.paid_amount), "won"),
    ("방법 (Method)", lambda p: p.payment_method, "text"),
    ("거래 번호 (Transaction id)", lambda p: p.transaction_id, "text"),
    ("정산 ID (Settlement id)", lambda p: str(p.settlement_id), "text"),
)


def settlements_csv(settlements: Sequence[SettlementRow]) -> bytes:
    """The settlement list as CSV (UTF-8 with BOM, so Excel reads the Korean), amounts as whole-won digits."""

    def text(cell: Any) -> Any:
        return "" if cell is None else cell.isoformat() if isinstance(cell, dt.date) else cell

    return csv_bytes(
        [header for header, _value, _kind in SETTLEMENT_COLUMNS],
        ([text(value(settlement)) for _header, value, _kind in SETTLEMENT_COLUMNS] for settlement in settlements),
    )


def settlements_xlsx(
    settlements: Sequence[SettlementRow], invoices: Sequence[InvoiceRow], payments: Sequence[PaymentRow]
) -> bytes:
    """A workbook with three sheets (settlements with a totals row, invoices, payments); money as ₩ integers.

    Written in openpyxl's write-only mode: row by row, several times faster for tens of thousands of rows.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    formats = {"won": WON_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}
    sheets = (
        ("정산 Settlements", SETTLEMENT_COLUMNS, settlements),
        ("세금계산서 Invoices", INVOICE_COLUMNS, invoices),
        ("입금 Payments", PAYMENT_COLUMNS, payments),
    )
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        for c, (header, _value, _kind) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = max(12, min(40, len(header) + 4))
        sheet.freeze_panes = "A2"

        def cell(value: Any, kind: str, *, strong: bool = False, sheet=sheet) -> WriteOnlyCell:  # noqa: ANN001
            # Typed text (a campaign titled =HYPERLINK(...)) stays text; only the totals row below is a formula.
            written = text_cell(sheet, value)
            if kind in formats:
                written.number_format = formats[kind]
            if strong:
                written.font = bold
            return written

        sheet.append([cell(header, "text", strong=True) for header, _value, _kind in columns])
        for row in rows:
            sheet.append([cell(value(row), kind) for _header, value, kind in columns])
        if rows:
            totals = []
            for c, (_header, _value, kind) in enumerate(columns, start=1):
                letter = get_column_letter(c)
                total = f"=SUM({letter}2:{letter}{len(rows) + 1})" if kind == "won" else None
                totals.append(cell("합계 (Total)" if c == 1 else None, kind if total else "text", strong=True))
                if total:
                    totals[-1].value = total  # the one formula the workbook holds
            sheet.append(totals)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
