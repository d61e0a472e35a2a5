"""The migrated schema against the seed's own DDL, element by element, and the rollback plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from circlue import db
from tests.conftest import ROOT, create_database, drop_database

FIXTURE = Path(__file__).parent / "fixtures" / "seed_schema.sql"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

# Partitions are rows of their parent's design (documented with it), so only their parents are compared.
CATALOG = {
    "tables": "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND c.relname <> 'alembic_version'",
    "columns": "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
    "AND d.adnum = a.attnum WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND a.attnum > 0 "
    "AND NOT a.attisdropped AND c.relname <> 'alembic_version'",
    "constraints": "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
    "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relname <> 'alembic_version'",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "AND tablename <> 'alembic_version'",
    "triggers": "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
    "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND NOT t.tgisinternal",
    "functions": "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
}


def snapshot(url: str) -> dict[str, set[tuple]]:
    """Every schema element the seed defines, as comparable sets."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {kind: {tuple(row) for row in conn.execute(text(sql))} for kind, sql in CATALOG.items()}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seed_and_0001():
    """Two scratch databases: the seed's DDL applied verbatim, and alembic at revision 0001."""
    seed_url, migrated_url = create_database("circlue_seed"), create_database("circlue_rev1")
    try:
        engine = create_engine(seed_url)
        with engine.begin() as conn:
            conn.exec_driver_sql(FIXTURE.read_text(encoding="utf-8"))
        engine.dispose()
        db.run_migrations(migrated_url, revision="0001")
        yield snapshot(seed_url), snapshot(migrated_url)
    finally:
        drop_database(seed_url)
        drop_database(migrated_url)


@pytest.mark.parametrize("kind", list(CATALOG))
def test_revision_0001_is_exactly_the_seed(kind, seed_and_0001):
    seed, migrated = seed_and_0001
    assert seed[kind], f"the seed defines no {kind}: the comparison would prove nothing"
    assert migrated[kind] - seed[kind] == set(), f"{kind} in 0001 but not in the seed"
    assert seed[kind] - migrated[kind] == set(), f"{kind} in the seed but not in 0001"


def test_seed_counts(seed_and_0001):
    seed, _ = seed_and_0001
    assert len(seed["tables"]) == 20
    assert len([i for i in seed["indexes"] if i[1].startswith("idx_")]) == 10
    updated_at_tables = {c[0] for c in seed["columns"] if c[1] == "updated_at"}
    triggered = {t[0] for t in seed["triggers"] if t[1].startswith("update_")}
    assert triggered == updated_at_tables and len(triggered) == 11


def test_head_deviations_from_the_seed_are_documented(seed_and_0001, migrated_url):
    seed, _ = seed_and_0001
    head = snapshot(migrated_url)
    docs = DOCS.read_text(encoding="utf-8")
    seed_columns = {(c[0], c[1]): c for c in seed["columns"]}
    seed_tables = {t[0] for t in seed["tables"]}
    for column in head["columns"]:
        key = (column[0], column[1])
        if column[0] not in seed_tables:
            continue  # a new table is documented as a whole, below
        if key not in seed_columns:
            assert f"{column[0]}.{column[1]}" in docs, f"new column {key} has no line in docs/schema.md"
        elif seed_columns[key] != column:
            assert f"{column[0]}.{column[1]}" in docs, f"changed column {key} has no line in docs/schema.md"
    for table in {t[0] for t in head["tables"]} - {t[0] for t in seed["tables"]}:
        assert f"`{table}`" in docs, f"new table {table} has no line in docs/schema.md"
    # Nothing of the seed disappeared on the way to head.
    assert {t[0] for t in seed["tables"]} <= {t[0] for t in head["tables"]}
    assert {i[1] for i in seed["indexes"]} <= {i[1] for i in head["indexes"]}
    assert {t[1] for t in seed["triggers"]} <= {t[1] for t in head["triggers"]}


def test_money_holds_a_hundred_million_won(migrated_url):
    head = snapshot(migrated_url)
    money = {(c[0], c[1]): c[2] for c in head["columns"] if re.fullmatch(r"numeric\(\d+,2\)", c[2])}
    narrow = {k: v for k, v in money.items() if v == "numeric(10,2)"}
    assert money and not narrow, f"money columns still DECIMAL(10,2): {narrow}"


def test_downgrade_base_removes_everything_and_upgrade_works_again():
    url = create_database("circlue_rollback")
    try:
        db.run_migrations(url)
        head = snapshot(url)
        db.run_migrations(url, "base", downgrade=True)
        after = snapshot(url)
        assert after["tables"] == set() and after["functions"] == set() and after["triggers"] == set()
        engine = create_engine(url)
        with engine.connect() as conn:
            policies = conn.execute(text("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).scalar()
        engine.dispose()
        assert policies == 0
        db.run_migrations(url)
        assert snapshot(url) == head
    finally:
        drop_database(url)


def test_two_processes_migrating_at_once_both_finish_with_valid_indexes():
    """The second waits for the first without holding a snapshot that CREATE INDEX CONCURRENTLY would wait on."""
    from concurrent.futures import ThreadPoolExecutor

    url = create_database("circlue_race")
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = [pool.submit(db.run_migrations, url) for _ in range(2)]
            for future in results:
                future.result(timeout=120)
        engine = create_engine(url)
        with engine.connect() as conn:
            invalid = conn.execute(text("SELECT count(*) FROM pg_index WHERE NOT indisvalid")).scalar()
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        engine.dispose()
        assert invalid == 0
        assert version == ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_current_head()
    finally:
        drop_database(url)
