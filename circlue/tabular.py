"""CSV and Excel files in and out: rows streamed from an upload or a path, templates, and tables for download.

Reading streams (csv.reader; openpyxl in read-only mode), so a million-row file never sits in memory whole. A row
with a value outside the header's columns comes with one cell more than asked for: the checks refuse it
rather than drop a number silently; empty trailing cells (a trailing comma) are fine.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from circlue.errors import ValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_HASH_CHUNK = 1 << 20
# A workbook is a zip: what it unpacks to is bounded before openpyxl reads it (a 1,000,000-row metrics sheet as our
# template writes it unpacks to about 680 MB), so a small upload cannot expand into gigabytes of XML to parse.
MAX_XLSX_UNPACKED = 1 << 30


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
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if unknown or missing or twice:
        parts = []
        if twice:
            parts.append(f"두 번 있는 열입니다 / columns given twice: {', '.join(twice)}")
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
    width = len(allowed)
    for line, cells in read_cells(stream, file_name, columns=allowed, required=required):
        if len(cells) > width:
            raise ValidationError(
                f"{line}행 / line {line}: 머리글에 없는 열에 값이 있습니다 / a value outside the header's columns"
                f" ({str(cells[width])[:40]!r})"
            )
        yield line, dict(zip(allowed, cells, strict=True))


def read_cells(
    stream: IO[bytes], file_name: str, *, columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, list[Any]]]:
    """(line number, [values in `columns` order]) for every non-empty row after the header, CSV (UTF-8) or Excel
    (first sheet); a missing optional column reads as ''. A row with a value under no header column has that value
    appended (one cell more than `columns`). No dict per row: the million-row imports use it."""
    if is_excel(file_name):
        yield from _excel_cells(stream, columns, required)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        try:
            names = _header(next(reader), columns, required)
        except StopIteration:
            raise ValidationError("빈 파일입니다 / the file is empty") from None
        positions = [names.index(name) if name in names else None for name in columns]
        unnamed = [i for i, name in enumerate(names) if not name]
        width = len(columns)
        if positions == list(range(width)):
            for cells in reader:
                if len(cells) == width:
                    if any(cells):
                        yield reader.line_num, cells
                elif any(cell.strip() for cell in cells):
                    stray = [c for c in cells[width:] if c.strip()]
                    yield reader.line_num, [*cells[:width], *([""] * (width - len(cells))), *stray[:1]]
            return
        for cells in reader:
            if any(cell.strip() for cell in cells):
                row = [cells[i] if i is not None and i < len(cells) else "" for i in positions]
                stray = [c for i, c in enumerate(cells) if (i >= len(names) or i in unnamed) and c.strip()]
                yield reader.line_num, [*row, *stray[:1]]
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "UTF-8 CSV 파일이 아닙니다. Excel에서는 'CSV UTF-8'로 저장하세요 / "
            f"not a UTF-8 CSV file (byte {exc.start}); in Excel save as 'CSV UTF-8'"
        ) from None
    except csv.Error as exc:
        raise ValidationError(f"CSV 형식 오류 / malformed CSV: {exc}") from None
    finally:
        text.detach()


def _unpacked_size(stream: IO[bytes]) -> int:
    """What a workbook's zip unpacks to, from its directory (0 when it is not a zip: openpyxl says so then)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
    finally:
        stream.seek(0)


# A number format's literal text ("…" and \x) shows a % sign without scaling the number.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')


def _is_percent(cell: Any) -> bool:
    try:
        number_format = cell.number_format or ""
    except (IndexError, KeyError, AttributeError):  # a style index past the file's style table
        return False
    return "%" in _FORMAT_LITERALS.sub("", number_format)


def _excel_value(cell: Any) -> Any:
    """A cell's value as the person sees it: a number shown as a percentage (0.052 shown as 5.2%) is 5.2."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _is_percent(cell):
        return Decimal(repr(value)) * 100
    return value


def _excel_cells(
    stream: IO[bytes], columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    stream.seek(0)
    if _unpacked_size(stream) > MAX_XLSX_UNPACKED:
        raise ValidationError(
            f"Excel 파일이 너무 큽니다 (압축을 풀면 {MAX_XLSX_UNPACKED >> 20:,} MB 초과). CSV로 저장해 올려 주세요 / "
            f"the Excel file unpacks to more than {MAX_XLSX_UNPACKED >> 20:,} MB; save it as CSV"
        )
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            f"Excel 파일을 열 수 없습니다 / cannot open the Excel file: {type(exc).__name__}"
        ) from None
    try:
        yield from _sheet_cells(book, columns, required)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails inside openpyxl's parser in many ways
        raise ValidationError(
            f"Excel 파일을 읽을 수 없습니다 (손상된 시트) / cannot read the Excel sheet: {type(exc).__name__}"
        ) from None
    finally:
        book.close()


def _sheet_cells(book: Any, columns: Sequence[str], required: Sequence[str]) -> Iterator[tuple[int, list[Any]]]:
    sheet = book.active or book.worksheets[0]
    # The sheet's own <dimension> is written by whatever made the file; trusted, one stray cell at XFD1048576 pads
    # every row to 16,384 cells. Without it rows are read as they are.
    sheet.reset_dimensions()
    rows = sheet.iter_rows()
    try:
        names = _header([c.value for c in next(rows)], columns, required)
    except StopIteration:
        raise ValidationError("빈 파일입니다 / the file is empty") from None
    positions = [names.index(name) if name in names else None for name in columns]
    for line, cells in enumerate(rows, start=2):
        values = [_excel_value(c) for c in cells]
        if not any(v is not None and str(v).strip() for v in values):
            continue
        row = ["" if i is None or i >= len(values) or values[i] is None else values[i] for i in positions]
        stray = [v for i, v in enumerate(values)
                 if (i >= len(names) or not names[i]) and v is not None and str(v).strip()]
        yield line, [*row, *stray[:1]]


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
