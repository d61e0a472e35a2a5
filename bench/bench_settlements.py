"""Benchmark the settlements page and its reads as a brand user (row-level security on) and as an admin, p50/p95.

Usage: .venv/bin/python -m bench.bench_settlements [--runs 30] [--settlements 10000]
Uses TEST_DATABASE_URL when set, else an embedded PostgreSQL; the database it creates is dropped at the end.
`--settlements N` adds N completed campaigns with a settlement, two invoices and one or two payments each, spread
over the four demo brands (written as the owner with triggers off, every CHECK still applying), so the reads are
measured at a size where RLS and the aggregates matter. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import create_engine, insert, text

from bench.bench_app import _time
from tests.conftest import actor_of, create_database, drop_database

BRAND = "brand.glow@circlue.demo"
ADMIN = "admin@circlue.demo"


def _scale(url: str, n: int) -> None:
    """N completed campaigns, each with a settlement, two invoices and one or two payments, consistent to the won."""
    from circlue.crypto import keyring
    from circlue.korea import vat_for
    from circlue.models import Campaign, Payment, Settlement, TaxInvoice
    from circlue.money import settlement_figures

    ring = keyring()
    r = random.Random(7)
    engine = create_engine(url)
    today = dt.date.today()
    with engine.begin() as conn:
        brands = conn.execute(
            text("SELECT b.id, (SELECT p.id FROM products p WHERE p.brand_id = b.id ORDER BY p.name LIMIT 1)"
                 " FROM brands b ORDER BY b.name")
        ).all()
        # Owner-only bulk load: no triggers (the figures below are what they would compute), CHECKs still apply.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        campaigns, settlements, invoices, payments = [], [], [], []
        for i in range(n):
            brand_id, product_id = brands[i % len(brands)]
            end = today - dt.timedelta(days=r.randint(1, 700))
            campaign_id, settlement_id = uuid.uuid4(), uuid.uuid4()
            figures = settlement_figures(Decimal(r.randint(100, 5000) * 10_000), Decimal("0.15"))
            campaigns.append(dict(
                id=campaign_id, brand_id=brand_id, product_id=product_id, title=f"벤치 캠페인 {i}", budget=10**10,
                campaign_start_date=end - dt.timedelta(days=60), campaign_end_date=end,
                proposal_deadline=end - dt.timedelta(days=90), status="completed", current_stage=12,
            ))
            parts = [figures.amount // 2, figures.amount - figures.amount // 2]
            totals = [vat_for(p)[1] for p in parts]
            paid = [totals[0]] + ([totals[1]] if r.random() < 0.7 else [])
            status = "paid" if len(paid) == 2 else ("overdue" if end < today - dt.timedelta(days=30) else
                                                    "partially-paid")
            settlements.append(dict(
                id=settlement_id, campaign_id=campaign_id, brand_id=brand_id, amount=figures.amount,
                influencer_fees=figures.influencer_fees, platform_fee_rate=figures.platform_fee_rate,
                platform_fee=figures.platform_fee, invoiced_amount=figures.amount,
                invoiced_tax=sum(vat_for(p)[0] for p in parts), invoiced_total=sum(totals),
                paid_amount=sum(paid), status=status, due_date=end + dt.timedelta(days=30),
            ))
            for k, part in enumerate(parts):
                issued = end - dt.timedelta(days=40) if k == 0 else end + dt.timedelta(days=1)
                # Numbers past the demo's, in each invoice's own year (the trigger is off for this load).
                number = f"{issued.year}-{100_000 + 2 * i + k + 1:06d}"
                tax, total = vat_for(part)
                invoices.append(dict(
                    settlement_id=settlement_id, invoice_number=number, business_number="220-81-62517",
                    company_name="(주)벤치", ceo_name="김벤치", address="서울", business_type="제조업",
                    business_item="화장품", amount=part, tax_amount=tax, total_amount=total,
                    issued_date=issued, file_url=f"tax-invoices/{issued.year}/{number}.html",
                ))
            for k, amount in enumerate(paid):
                transaction = f"BENCH-{i}-{k}"
                payments.append(dict(
                    settlement_id=settlement_id, payment_method=ring.encrypt("bank-transfer"),
                    transaction_id=ring.encrypt(transaction), transaction_id_bidx=ring.blind_index(transaction),
                    paid_amount=amount, paid_at=dt.datetime.combine(end, dt.time(12), dt.UTC),
                ))
        for model, rows in ((Campaign, campaigns), (Settlement, settlements), (TaxInvoice, invoices)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(model.__table__), rows[start : start + 5000])
        for start in range(0, len(payments), 5000):
            conn.execute(insert(Payment.__table__), payments[start : start + 5000])
        conn.execute(text("ANALYZE settlements; ANALYZE tax_invoices; ANALYZE payments; ANALYZE campaigns"))
    engine.dispose()


def main() -> None:
    """Build a database, measure, print a markdown table, drop the database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--settlements", type=int, default=0)
    args = parser.parse_args()

    from circlue import config, db
    from circlue.ops.demo import load_demo
    from circlue.repository import invoices, settlement_overview, settlements

    url = create_database("circlue_bench_money")
    os.environ["DATABASE_URL"] = url
    config.get_settings.cache_clear()
    rows: list[tuple[str, str]] = []
    try:
        db.run_migrations(url)
        load_demo(engine=db.owner_engine(url))
        if args.settlements:
            started = time.perf_counter()
            _scale(url, args.settlements)
            rows.append((f"bulk load of {args.settlements:,} settlements", f"{time.perf_counter() - started:.1f} s"))
        actors = {email: actor_of(email) for email in (BRAND, ADMIN)}
        everything = settlements.SettlementFilter()
        rate = Decimal("0.15")

        def scoped(email: str, read: Callable) -> Callable[[], object]:
            def run() -> object:
                with db.unit_of_work(actors[email]) as session:
                    return read(session)

            return run

        with db.unit_of_work(actors[BRAND]) as session:
            own = settlements.list_settlements(session, limit=1)[0].id
            invoice = settlements.get_settlement(session, settlement_id=own).invoices[0].id
            visible = session.scalar(text("SELECT count(*) FROM settlements"))
        rows.append(("settlements the brand sees (RLS)", f"{visible:,}"))
        reads = [
            ("overview (sweep, figures, aging, first 100, monthly) as brand (RLS)", BRAND,
             lambda s: settlement_overview.overview(s, filters=everything, limit=100)),
            ("overview as admin (all brands, campaigns to settle)", ADMIN,
             lambda s: settlement_overview.overview(s, filters=everything, limit=100, rate=rate)),
            ("list_settlements first 100 as brand (RLS)", BRAND, lambda s: settlements.list_settlements(s, limit=100)),
            ("summary (figures + aging) as brand (RLS)", BRAND, lambda s: settlement_overview.summary(s)),
            ("monthly_totals as brand (RLS)", BRAND, lambda s: settlement_overview.monthly_totals(s)),
            ("get_settlement (detail, invoices, payments) as brand (RLS)", BRAND,
             lambda s: settlements.get_settlement(s, settlement_id=own, rate=rate)),
            ("invoice_page (stored printable invoice) as brand (RLS)", BRAND,
             lambda s: invoices.invoice_page(s, invoice_id=invoice)),
            ("mark_overdue (nothing to move)", BRAND, lambda s: settlements.mark_overdue(s)),
        ]
        for label, email, read in reads:
            p50, p95 = _time(scoped(email, read), args.runs)
            rows.append((label, f"{p50:.2f} ms p50 / {p95:.2f} ms p95"))

        from circlue import exports

        def export() -> None:
            with db.unit_of_work(actors[ADMIN]) as session:
                data = settlements.export_rows(session)
            exports.settlements_xlsx(*data)

        p50, p95 = _time(export, max(3, args.runs // 10))
        rows.append(("Excel export of every settlement, invoice and payment (admin)",
                     f"{p50:.0f} ms p50 / {p95:.0f} ms p95"))

        from streamlit.testing.v1 import AppTest

        page = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pages", "settlements.py")
        for email in (BRAND, ADMIN):
            actor = actors[email]

            def render(actor=actor) -> None:  # noqa: ANN001 - an Actor
                at = AppTest.from_file(page, default_timeout=60)
                at.session_state["circlue_user_id"] = str(actor.user_id)
                at.session_state["circlue_token"] = actor.token
                at.run()
                assert not at.exception, at.exception

            p50, p95 = _time(render, max(5, args.runs // 3))
            rows.append((f"settlements page script run, {email.split('@')[0]} (AppTest)",
                         f"{p50:.0f} ms p50 / {p95:.0f} ms p95"))
    finally:
        db.dispose_engines()
        drop_database(url)

    server = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "embedded PostgreSQL"
    print(f"| measure ({server}, {args.runs} runs, +{args.settlements:,} settlements) | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
