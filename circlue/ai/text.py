"""Chinese social-comment text helpers: normalisation, negation-aware tokens, keywords (jieba)."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba
import jieba.analyse
import opencc

# jieba logs "Building prefix dict ..." to stderr on first load; the CLI's stderr is for errors.
jieba.setLogLevel(logging.WARNING)

# Comments mix traditional and simplified script (Taiwan, Hong Kong, overseas buyers); the model
# and the keyword list work on simplified only, so both spellings share one set of features.
_T2S = opencc.OpenCC("t2s")

# Emoji carry much of the sentiment in short comments and a few hundred examples cannot cover
# every emoji: each one of a known mood also emits a class marker (a private-use character) so
# that an emoji the training set never showed still counts like its siblings. 🙂 and 🙃 are
# sarcastic on Chinese platforms ("微笑" reads as contempt), not friendly. 😭 and 😂 are left
# alone: they go both ways ("美哭了😭" / "烂脸了😭").
POSITIVE_EMOJI = frozenset("😍🥰❤💕💖💗💞😘😻🤩🥳👍👏🙌💯🔥✨🎉🌟💪😋🤤🥹😊☺😎💋🌸")
NEGATIVE_EMOJI = frozenset("🙄🙂🙃😅😒😤😡😠👎💩😞😓😩😫🤮🤢😑⚠🤡")
POSITIVE_MARK = "\ue001"
NEGATIVE_MARK = "\ue002"

# Words that jieba's stock dictionary splits apart but that mean one thing in comment slang; kept
# whole, they become single features and readable topics ("烂脸", not "烂" + "脸").
SLANG = (
    "种草", "拔草", "长草", "踩雷", "避雷", "排雷", "翻车", "烂脸", "爆痘", "闷痘", "闭口", "智商税", "回购",
    "空瓶", "无限回购", "yyds", "绝绝子", "绝了", "真香", "平替", "恰饭", "广子", "带货", "割韭菜", "收割",
    "求链接", "蹲链接", "已下单", "已拍", "已入", "入手", "加购", "囤货", "卡粉", "搓泥", "假白", "脱妆",
    "持妆", "斑驳", "氧化", "拔干", "沾杯", "显白", "上脸", "肤感", "敏感肌", "干皮", "油皮", "混油",
    "黄皮", "色号", "试色", "素颜", "底妆", "手残党", "学生党", "成分党", "性价比", "颜值", "质感",
    "踩坑", "劝退", "一言难尽", "拉胯", "无语", "买家秀", "卖家秀", "滤镜", "种草机", "宝藏", "天花板",
    "闭眼入", "闭眼冲", "无脑冲", "入股不亏", "冲就完事", "安利", "吹爆", "打卡", "出片", "小黄车", "福袋",
    "直播间", "up主", "三连", "弹幕", "家人们", "老铁", "宝子", "姐妹们", "集美",
)

# Words that say nothing about a product: fillers, pronouns, platform forms of address, and verbs
# every comment has. Sentiment slang ("烂脸", "回购") is kept: it is what a brand wants to see.
_TOPIC_STOP_WORDS = """
    这个 那个 一个 这种 这款 这次 这样 那么 这么 什么 怎么 为什么 哪个 哪里 有没有 是不是 会不会 能不能
    真的 就是 还是 但是 不过 而且 所以 因为 如果 虽然 然后 已经 还有 没有 不是 可以 不能 可能 应该 感觉
    觉得 知道 看到 看看 一下 一点 有点 一直 一样 之前 之后 现在 今天 时候 以后 以前 其实 确实 简直 直接
    我们 你们 他们 大家 自己 别人 我妈 博主 主播 up up主 楼主 楼上 姐妹 姐妹们 宝子 宝子们 家人们 老铁
    集美 亲们 用了 买了 用过 买过 用完 看完 东西 产品 哈哈 哈哈哈 哈哈哈哈 啊啊 呜呜 嗯嗯 谢谢 求问 请问
    问下 想问 多少 一下子 非常 特别 超级 太 好像 比较 出来 起来 下来 时间 个人
"""
TOPIC_STOP_WORDS = frozenset(_TOPIC_STOP_WORDS.split())

NEGATORS = frozenset(
    {
        "不", "没", "没有", "无", "别", "未", "毫无", "从不", "从没", "并不", "并没有", "绝不", "不会", "不是",
        "没什么", "不太", "不怎么", "不要", "不用", "再也不", "一点也不", "一点都不", "完全不", "根本不",
        "根本没", "丝毫不", "也不", "都不", "不算", "不再",
    }
)
_CLAUSE_END = frozenset("，。！？,.!?;；~～、…\n ")
# A negator reaches the next two words of its clause ("一点也不 | 后悔"), not the whole sentence:
# "不贵，效果也好" must not read as "not good".
_NEGATION_REACH = 2
_REPEATS = re.compile(r"(.)\1{2,}")
_REPEATED_PAIRS = re.compile(r"(..)\1{2,}")
_VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f\u200d]")

_tokenizer_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_keywords: jieba.analyse.TFIDF | None = None


def normalise(text: str) -> str:
    """Simplified script, half-width, lower case, repeats cut to two, emoji mood markers added."""
    text = _T2S.convert(text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = _VARIATION_SELECTORS.sub("", text)
    # "好好好好好用" and "哈哈哈哈哈" carry the same signal as two repeats; longer runs only
    # spread it over n-grams the training set never saw.
    text = _REPEATED_PAIRS.sub(r"\1\1", _REPEATS.sub(r"\1\1", text))
    out = []
    for ch in text:
        if ch in POSITIVE_EMOJI:
            out.append(POSITIVE_MARK)
        elif ch in NEGATIVE_EMOJI:
            out.append(NEGATIVE_MARK)
        out.append(ch)
    return "".join(out).strip()


def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with comment slang added (a private one: the global jieba stays as it was)."""
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            tk = jieba.Tokenizer()
            tk.initialize()
            for word in SLANG:
                tk.add_word(word, freq=20000)
            _tokenizer = tk
        return _tokenizer


def tokens(text: str) -> list[str]:
    """jieba words of normalised text; words right after a negator become "NOT_word"."""
    out: list[str] = []
    reach = 0
    for word in tokenizer().lcut(text):
        if not word.strip() or all(ch in _CLAUSE_END for ch in word):
            reach = 0
            continue
        if word in NEGATORS:
            reach = _NEGATION_REACH
            out.append(word)
        elif reach:
            out.append("NOT_" + word)
            reach -= 1
        else:
            out.append(word)
    return out


def keywords(texts: Iterable[str], top: int = 10) -> list[str]:
    """The `top` keywords of a batch of comments (jieba TF-IDF, slang kept whole, fillers dropped)."""
    global _keywords
    tk = tokenizer()
    with _tokenizer_lock:
        if _keywords is None:
            extractor = jieba.analyse.TFIDF()
            extractor.tokenizer = tk
            extractor.stop_words |= TOPIC_STOP_WORDS
            _keywords = extractor
    # Markers and emoji are features, not topics; each comment is its own line so that words do
    # not run together across comments.
    body = "\n".join(
        "".join(ch for ch in normalise(t) if ch not in (POSITIVE_MARK, NEGATIVE_MARK) and not _is_symbol(ch))
        for t in texts
    )
    words = _keywords.extract_tags(body, topK=top * 3)
    return [w for w in words if not w.isdigit() and not w.startswith("not_")][:top]


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Cs", "Co")
