"""The printable tax invoice (세금계산서, 공급받는자 보관용) in the standard Korean layout, as one HTML page (pure).

Self-contained (no outside fonts, scripts or images), A4 portrait, blue rules as on the buyer's copy; everything
typed (company, names, addresses, the campaign) is escaped. The page carries the invoice's id, so a stored file is
recognised as this invoice's before it is shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from circlue.config import Supplier
from circlue.korea import format_krw

# 수정사유 as the National Tax Service names them.
AMENDMENT_REASONS: dict[str, str] = {
    "correction": "기재사항 착오·정정",
    "price-change": "공급가액 변동",
    "cancellation": "계약의 해제",
    "duplicate": "착오에 의한 이중발급",
}


@dataclass(frozen=True)
class InvoiceDocument:
    """What an issued invoice prints: the row as stored, the supplier, the campaign it bills."""

    id: uuid.UUID
    invoice_number: str
    issued_date: dt.date
    amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    business_number: str
    company_name: str
    ceo_name: str
    address: str
    business_type: str
    business_item: str
    campaign: str
    supplier: Supplier
    amends_number: str | None = None
    amendment_reason: str | None = None


def _digits(amount: Decimal) -> str:
    """1,234,000 (negative with a minus), as the form's amount boxes hold them."""
    return format_krw(amount).replace("₩", "")


_STYLE = """
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif;
       color: #111; font-size: 12px; background: #fff; }
.sheet { width: 186mm; margin: 8mm auto; border: 2px solid #1f4fa0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #1f4fa0; padding: 4px 5px; vertical-align: middle; overflow-wrap: anywhere; }
th { color: #1f4fa0; font-weight: 600; background: #f3f6fc; text-align: center; }
.title { font-size: 24px; letter-spacing: 6px; text-align: center; color: #1f4fa0; font-weight: 700; }
.title small { display: block; font-size: 12px; letter-spacing: 0; font-weight: 400; }
.side { width: 6%; writing-mode: vertical-rl; letter-spacing: 4px; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono { font-family: 'Noto Sans Mono CJK KR', monospace; letter-spacing: 1px; }
.big { font-size: 15px; font-weight: 700; }
.note { padding: 6px 8px; color: #333; }
.amending .title { color: #b42318; }
.actions { text-align: center; margin: 10px; }
@media print { .actions { display: none; } .sheet { margin: 0; } body { -webkit-print-color-adjust: exact;
  print-color-adjust: exact; } }
"""


def _party(label: str, brn: str, company: str, ceo: str, address: str, kind: str, item: str) -> str:
    """One party's block: 등록번호, 상호, 성명, 주소, 업태, 종목."""
    e = escape
    return f"""
<table>
  <tr><th class="side" rowspan="4">{label}</th><th style="width:18%">등록번호</th>
      <td colspan="3" class="mono big">{e(brn)}</td></tr>
  <tr><th>상호<br>(법인명)</th><td style="width:34%">{e(company)}</td><th style="width:12%">성명</th>
      <td>{e(ceo)}</td></tr>
  <tr><th>사업장<br>주소</th><td colspan="3">{e(address)}</td></tr>
  <tr><th>업태</th><td>{e(kind)}</td><th>종목</th><td>{e(item)}</td></tr>
</table>"""


def render(doc: InvoiceDocument) -> str:
    """The invoice as a complete HTML page that prints on one A4 sheet."""
    e = escape
    amending = doc.amends_number is not None
    title = "수정세금계산서" if amending else "세금계산서"
    s = doc.supplier
    supplier = _party("공급자", s.business_number, s.company_name, s.ceo_name, s.address, s.business_type,
                      s.business_item)
    buyer = _party("공급받는자", doc.business_number, doc.company_name, doc.ceo_name, doc.address, doc.business_type,
                   doc.business_item)
    reason = AMENDMENT_REASONS.get(doc.amendment_reason or "", doc.amendment_reason or "")
    remark = (
        f"당초 세금계산서 {e(doc.amends_number)} 수정 ({e(reason)})" if amending else "인플루언서 마케팅 정산"
    )
    d = doc.issued_date
    item = f"인플루언서 마케팅 대행 — {doc.campaign}"
    return f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="circlue-invoice-id" content="{doc.id}">
<title>{title} {e(doc.invoice_number)}</title>
<style>{_STYLE}</style>
</head>
<body class="{"amending" if amending else "original"}">
<div class="sheet">
<table>
  <tr><td class="title" rowspan="2" style="width:64%">{title}<small>(공급받는자 보관용)</small></td>
      <th style="width:14%">책 번 호</th><td>권 &nbsp; 호</td></tr>
  <tr><th>일련번호</th><td class="mono big">{e(doc.invoice_number)}</td></tr>
</table>
<table><tr><td style="padding:0;border:none;width:50%">{supplier}</td>
<td style="padding:0;border:none;width:50%">{buyer}</td></tr></table>
<table>
  <tr><th style="width:20%">작성일자</th><th style="width:24%">공급가액</th><th style="width:20%">세액</th>
      <th>비고</th></tr>
  <tr><td class="num">{d.year}년 {d.month:02d}월 {d.day:02d}일</td><td class="num big">{_digits(doc.amount)}</td>
      <td class="num big">{_digits(doc.tax_amount)}</td><td>{remark}</td></tr>
</table>
<table>
  <tr><th style="width:6%">월</th><th style="width:6%">일</th><th style="width:36%">품목</th>
      <th style="width:8%">규격</th>
      <th style="width:7%">수량</th><th style="width:13%">단가</th><th style="width:13%">공급가액</th>
      <th>세액</th></tr>
  <tr><td class="num">{d.month:02d}</td><td class="num">{d.day:02d}</td><td>{e(item)}</td><td>식</td>
      <td class="num">1</td><td class="num">{_digits(doc.amount)}</td><td class="num">{_digits(doc.amount)}</td>
      <td class="num">{_digits(doc.tax_amount)}</td></tr>
  {"<tr>" + "<td>&nbsp;</td>" * 8 + "</tr>"}
  {"<tr>" + "<td>&nbsp;</td>" * 8 + "</tr>"}
</table>
<table>
  <tr><th style="width:20%">합계금액</th><th style="width:14%">현금</th><th style="width:14%">수표</th>
      <th style="width:14%">어음</th><th style="width:16%">외상미수금</th>
      <td rowspan="2" class="note" style="text-align:center">이 금액을 <b>(청구)</b> 함</td></tr>
  <tr><td class="num big">{format_krw(doc.total_amount)}</td><td></td><td></td><td></td>
      <td class="num">{_digits(doc.total_amount)}</td></tr>
</table>
<p class="note">공급가액 {format_krw(doc.amount)} + 세액(10%, 원 미만 절사) {format_krw(doc.tax_amount)}
 = 합계 {format_krw(doc.total_amount)}. 공급자 이메일: {e(s.email)}</p>
</div>
<div class="actions"><button onclick="window.print()">인쇄 / Print</button></div>
</body>
</html>
"""


def belongs_to(page: bytes, invoice_id: uuid.UUID) -> bool:
    """True when a stored page is the document of this invoice (not a leftover of a rolled-back issue)."""
    return f'<meta name="circlue-invoice-id" content="{invoice_id}">'.encode() in page[:2048]
