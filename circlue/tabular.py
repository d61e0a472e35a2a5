"""CSV and Excel files in and out: rows streamed from an upload or a path, templates, and tables for download.

Reading streams (csv.reader; openpyxl in read-only mode), so a million-row file never sits in memory whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from circlue.errors import ValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_HASH_CHUNK = 1 << 20


def file_sha256(stream: IO[bytes]) -> str:
    """SHA-256 of a seekable binary stream's content; leaves it at the start."""
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(_HASH_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def is_excel(file_name: str) -> bool:
    """True for the Excel formats openpyxl reads."""
    return Path(file_name).suffix.lower() in EXCEL_SUFFIXES


def _header(cells: Sequence[Any], allowed: Sequence[str], required: Sequence[str]) -> list[str]:
    names = [str(c).strip().lower().lstrip("\ufeff") if c is not None else "" for c in cells]
    unknown = [n for n in names if n and n not in allowed]
    missing = [n for n in required if n not in names]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"필요한 열이 없습니다 / missing columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"알 수 없는 열입니다 / unknown columns: {', '.join(unknown)}")
        raise ValidationError(
            "1행 / line 1: " + "; ".join(parts) + f" (열 이름 / column names: {', '.join(allowed)})"
        )
    return names


def read_rows(
    stream: IO[bytes], file_name: str, *, allowed: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) for every non-empty row after the header, CSV (UTF-8) or Excel (first sheet).

    Columns are named by the header row; columns in `required` must be there, others must be in `allowed`.
    """
    for line, cells in read_cells(stream, file_name, columns=allowed, required=required):
        yield line, dict(zip(allowed, cells, strict=True))


def read_cells(
    stream: IO[bytes], file_name: str, *, columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, list[Any]]]:
    """(line number, [values in `columns` order]) for every non-empty row after the header, CSV (UTF-8) or Excel
    (first sheet); a missing optional column reads as ''. No dict per row: the million-row imports use it."""
    if is_excel(file_name):
        for line, row in _excel_rows(stream, columns, required):
            yield line, [row.get(name, "") for name in columns]
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        try:
            names = _header(next(reader), columns, required)
        except StopIteration:
            raise ValidationError("빈 파일입니다 / the file is empty") from None
        positions = [names.index(name) if name in names else None for name in columns]
        width = len(names)
        if positions == list(range(len(columns))):
            for cells in reader:
                if len(cells) >= width and any(cells):
                    yield reader.line_num, cells
                elif any(cell.strip() for cell in cells):
                    yield reader.line_num, [*cells, *([""] * (len(columns) - len(cells)))]
            return
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, [cells[i] if i is not None and i < len(cells) else "" for i in positions]
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "UTF-8 CSV 파일이 아닙니다. Excel에서는 'CSV UTF-8'로 저장하세요 / "
            f"not a UTF-8 CSV file (byte {exc.start}); in Excel save as 'CSV UTF-8'"
        ) from None
    except csv.Error as exc:
        raise ValidationError(f"CSV 형식 오류 / malformed CSV: {exc}") from None
    finally:
        text.detach()


def _excel_rows(
    stream: IO[bytes], allowed: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            f"Excel 파일을 열 수 없습니다 / cannot open the Excel file: {type(exc).__name__}"
        ) from None
    try:
        rows = book.active.iter_rows(values_only=True)
        try:
            names = _header(next(rows), allowed, required)
        except StopIteration:
            raise ValidationError("빈 파일입니다 / the file is empty") from None
        for number, cells in enumerate(rows, start=2):
            if any(c is not None and str(c).strip() for c in cells):
                yield number, dict(zip(names, cells, strict=False))
    finally:
        book.close()


# Text a spreadsheet would run as a formula when it starts so (OWASP's CSV injection list): a campaign titled
# =HYPERLINK(...) must reach finance as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """`value` for a CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]] = ()) -> bytes:
    """A UTF-8 CSV (with BOM, so Excel opens Korean and Chinese right) of a header and rows; no cell runs."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([inert(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def text_cell(sheet: Any, value: Any) -> Any:
    """An Excel write-only cell holding `value`; text stays text even when it starts like a formula."""
    from openpyxl.cell import WriteOnlyCell

    if value is not None and not isinstance(value, (int, float, Decimal, str, dt.date)):
        value = str(value)  # ids and the like, as their text
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]] = (), *, sheet: str = "data") -> bytes:
    """An Excel workbook of a header and rows (openpyxl's write-only mode); no cell is a formula."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(header))
    for row in rows:
        ws.append([text_cell(ws, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
