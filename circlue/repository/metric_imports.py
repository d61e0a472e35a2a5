"""Metrics import: stream checked rows through COPY into the staging table, let the database check the rest, and
merge on the seed's UNIQUE key (migration 0016). Staff only; the caller's unit_of_work is the one transaction, so a
refused import leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from circlue.errors import ValidationError
from circlue.repository.refusals import refusals
from circlue.schemas.metric_rows import HEADER, STAGE_COLUMNS, Problem, check_cells, database_problem

# Lines written to COPY at a time: large enough to keep the server busy, small enough for a steady progress bar.
CHUNK_ROWS = 5_000
MAX_PROBLEMS = 1_000


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, refused, would not do)."""

    import_id: uuid.UUID | None
    file_name: str
    file_sha256: str
    rows_read: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0


class ImportRefused(ValidationError):
    """The file has bad rows and the caller did not choose to import the good ones: nothing was imported."""

    def __init__(self, result: ImportResult) -> None:
        shown = "\n".join(str(p) for p in result.problems[:20])
        more = result.problem_count - min(len(result.problems), 20)
        tail = f"\n… {more}건 더 / {more} more" if more > 0 else ""
        super().__init__(
            f"{result.problem_count}개 행에 문제가 있어 아무것도 가져오지 않았습니다 / "
            f"{result.problem_count} row(s) have problems, nothing was imported:\n{shown}{tail}"
        )
        self.result = result


def _fill(cells: list[Any], defaults: Mapping[int, Any]) -> list[Any]:
    """Empty cells take the page's choices (campaign and influencer picked by name)."""
    for index, value in defaults.items():
        if cells[index] is None or str(cells[index]).strip() == "":
            cells[index] = value
    return cells


def import_metrics(
    session: Session,
    *,
    rows: Iterable[tuple[int, list[Any]]],
    file_name: str,
    file_sha256: str,
    today: dt.date,
    skip_bad: bool = False,
    defaults: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import (line, cells in HEADER order) pairs (circlue.tabular.read_cells); raise ImportRefused when any row is bad
    and `skip_bad` is false.

    Rows stream: the file is never held in memory, and at most MAX_PROBLEMS problems are kept (all are counted).
    """
    with refusals():
        import_id = session.scalar(
            text("SELECT public.circlue_metric_import_begin(:name, :sha)"),
            {"name": file_name[:255], "sha": file_sha256},
        )
    problems: list[Problem] = []
    problem_count = rows_read = 0
    filled = {HEADER.index(name): str(value) for name, value in (defaults or {}).items()}
    statement = f"COPY public.metric_import_rows ({', '.join(STAGE_COLUMNS)}) FROM STDIN"
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        buffer: list[str] = []
        for line, row in rows:
            rows_read += 1
            checked = check_cells(line, _fill(row, filled) if filled else row, today=today)
            if isinstance(checked, Problem):
                problem_count += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(checked)
                continue
            buffer.append(checked[0])
            if len(buffer) == CHUNK_ROWS:
                copy.write("".join(buffer))
                buffer.clear()
                if progress is not None:
                    progress(rows_read)
        if buffer:
            copy.write("".join(buffer))
    if progress is not None:
        progress(rows_read)
    found = session.execute(
        text("SELECT line, problem, total FROM public.circlue_metric_import_problems(:id, :limit)"),
        {"id": import_id, "limit": MAX_PROBLEMS},
    ).all()
    if found:
        problem_count += found[0].total
        problems = sorted([*problems, *(database_problem(r.line, r.problem) for r in found)], key=lambda p: p.line)
        problems = problems[:MAX_PROBLEMS]
    result = ImportResult(
        import_id=import_id, file_name=file_name, file_sha256=file_sha256, rows_read=rows_read,
        problems=problems, problem_count=problem_count,
    )
    if problem_count and not skip_bad:
        raise ImportRefused(result)
    if rows_read == 0:
        raise ValidationError("가져올 행이 없습니다 / the file has no rows to import")
    applied = session.execute(
        text(
            "SELECT inserted, updated, unchanged, skipped, first_date, last_date"
            " FROM public.circlue_metric_import_apply(:id)"
        ),
        {"id": import_id},
    ).one()
    return ImportResult(
        import_id=import_id, file_name=file_name, file_sha256=file_sha256, rows_read=rows_read,
        inserted=applied.inserted, updated=applied.updated, unchanged=applied.unchanged,
        skipped=applied.skipped + (problem_count - found[0].total if found else problem_count),
        first_date=applied.first_date, last_date=applied.last_date, problems=problems, problem_count=problem_count,
    )


@dataclass(frozen=True)
class ImportRecord:
    """One past import, as staff see it."""

    id: uuid.UUID
    created_at: dt.datetime
    created_by: str | None
    file_name: str
    file_sha256: str
    inserted: int
    updated: int
    unchanged: int
    skipped: int
    first_date: dt.date | None
    last_date: dt.date | None


def recent_imports(session: Session, *, limit: int = 20) -> list[ImportRecord]:
    """The latest applied imports, newest first (staff; RLS shows brands none)."""
    rows = session.execute(
        text(
            "SELECT i.id, i.created_at, u.name, i.file_name, i.file_sha256, COALESCE(i.rows_inserted, 0),"
            " COALESCE(i.rows_updated, 0), COALESCE(i.rows_unchanged, 0), COALESCE(i.rows_skipped, 0),"
            " i.first_date, i.last_date FROM public.metric_imports i LEFT JOIN public.users u ON u.id = i.created_by"
            " WHERE i.status = 'applied' ORDER BY i.created_at DESC, i.id DESC LIMIT :limit"
        ),
        {"limit": min(max(limit, 1), 200)},
    ).all()
    return [ImportRecord(*r) for r in rows]
