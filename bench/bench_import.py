"""Benchmark: metrics import against a raw COPY of the same rows into the same table, and peak memory by file size.

Usage: .venv/bin/python -m bench.bench_import [--rows 1000000]
Uses TEST_DATABASE_URL when set, else an embedded PostgreSQL; the database it creates is dropped at the end.

The raw COPY sends the same CSV file straight into performance_metrics (partitioned, indexed, partitions made
beforehand) as the owner, in a transaction that is rolled back; the per-row audit trigger is skipped for it the way
the importer skips it (the import writes one audit row instead), so both numbers measure loading, not auditing.
The import runs as the CLI does (`python -m circlue metrics import FILE`) in a child process: its time is the one
the command reports (file read, checks, COPY to staging, database checks, merge), its memory the child's peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.data import make_pairs
from bench.report import print_table
from circlue.schemas.metric_rows import HEADER
from tests.conftest import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent


def write_file(path: Path, pairs, rows: int) -> tuple[dt.date, dt.date]:
    """A CSV export in date order (as platforms export daily reports): every pair once per day."""
    days = -(-rows // len(pairs))
    first = dt.date(2026, 10, 31) - dt.timedelta(days=days - 1)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADER) + "\n")
        for n in range(days):
            day = (first + dt.timedelta(days=n)).isoformat()
            lines = []
            for k, p in enumerate(pairs):
                if written == rows:
                    break
                views = 1000 + (n * 37 + k * 11) % 50_000
                lines.append(
                    f"{p.campaign_id},{p.influencer_id},,{p.platform},{day},{views},{views // 20},{views // 200},"
                    f"{views // 150},{views // 60},,1.50,2.50,{views * 30}\n"
                )
                written += 1
            out.write("".join(lines))
    return first, dt.date(2026, 10, 31)


def raw_copy(url: str, path: Path) -> float:
    """COPY the file into performance_metrics as the owner; rolled back; seconds."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        cur.execute("SELECT set_config('circlue.import_id', gen_random_uuid()::text, true)")
        started = time.perf_counter()
        with path.open("rb") as fh, cur.copy(
            f"COPY performance_metrics ({', '.join(HEADER)}) FROM STDIN (FORMAT csv, HEADER true)"
        ) as copy:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        conn.rollback()
    return elapsed


# The CLI in a child that reports its own peak RSS when it exits (RUSAGE_CHILDREN would keep the largest child's).
_CHILD = (
    "import resource, runpy, sys\n"
    "sys.argv = ['circlue'] + sys.argv[1:]\n"
    "try:\n    runpy.run_module('circlue', run_name='__main__')\n"
    "finally:\n    print('PEAK_RSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def cli_import(url: str, path: Path) -> tuple[float, float, str]:
    """`python -m circlue metrics import` in a child: (seconds it reports, peak RSS MiB, its summary line)."""
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "metrics", "import", str(path), "--quiet", "--as", "manager@circlue.demo"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    seconds = float(re.search(r" in ([\d.]+) s:", done.stdout).group(1))
    peak = int(re.search(r"PEAK_RSS_KIB (\d+)", done.stderr).group(1))
    return seconds, peak / 1024, done.stdout.strip()


def main() -> None:
    """Build, measure, print a markdown table, drop the database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=400)
    args = parser.parse_args()

    from circlue import config, db
    from circlue.ops.demo import load_demo

    url = create_database("circlue_bench_import")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    table: list[tuple[str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="circlue-bench-import-"))
    try:
        db.run_migrations(url)
        engine = create_engine(url)
        load_demo(engine=engine)
        with engine.begin() as conn:
            pairs = make_pairs(conn, brand_email=None, brands=4, campaigns=5, influencers=args.pairs // 20,
                               label="bench-import")
        small, big = work / "metrics_100k.csv", work / "metrics.csv"
        first, last = write_file(big, pairs, args.rows)
        write_file(small, pairs, min(100_000, args.rows))
        with engine.begin() as conn:
            conn.execute(text("SELECT circlue_ensure_partitions(:a, :b)"), {"a": first, "b": last})
        size = big.stat().st_size / 1e6
        table.append((f"file: {args.rows:,} rows, {len(pairs)} campaign-influencer pairs, {first} … {last}",
                      f"{size:.0f} MB CSV"))

        raw1 = raw_copy(url, big)
        first_import, rss_big, summary1 = cli_import(url, big)
        second_import, _rss, summary2 = cli_import(url, big)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("DELETE FROM performance_metrics WHERE metric_date BETWEEN :a AND :b"
                              " AND campaign_id IN (SELECT campaign_id FROM campaign_influencers"
                              " WHERE influencer_id IN (SELECT id FROM influencers WHERE name LIKE 'bench-import%'))"),
                         {"a": first, "b": last})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE performance_metrics"))
        raw2 = raw_copy(url, big)
        raw = (raw1 + raw2) / 2
        small_import, rss_small, _ = cli_import(url, small)
        engine.dispose()

        table += [
            ("raw COPY of the file into performance_metrics (owner, rolled back), two runs",
             f"{raw1:.1f} s / {raw2:.1f} s"),
            ("`metrics import`, first time (all rows new)",
             f"{first_import:.1f} s = {first_import / raw:.2f} × raw COPY"),
            ("`metrics import`, same file again (nothing changes)",
             f"{second_import:.1f} s = {second_import / raw:.2f} × raw COPY"),
            ("summary of the first import", summary1.split(": ", 1)[1]),
            ("summary of the second import", summary2.split(": ", 1)[1]),
            (f"peak RSS of the import process, {args.rows:,}-row file", f"{rss_big:.0f} MiB"),
            ("peak RSS of the import process, 100,000-row file (run after, same process kind)",
             f"{rss_small:.0f} MiB ({small_import:.1f} s)"),
        ]
    finally:
        db.dispose_engines()
        drop_database(url)
        for path in work.glob("*"):
            path.unlink()
        work.rmdir()
    print_table(table)

if __name__ == "__main__":
    main()
