"""The influencer catalogue (weighted bags, Chinese name pools, reach per platform) and its row generator."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from circlue.models import PLATFORMS
from circlue.ops.demo.base import IMAGES

INFLUENCER_COLUMNS: tuple[str, ...] = (
    "name",
    "real_name",
    "category",
    "platform",
    "region",
    "followers",
    "avg_views",
    "avg_likes",
    "avg_comments",
    "engagement_rate",
    "profile_image_url",
    "xiaohongshu_url",
    "douyin_url",
    "weibo_url",
    "bilibili_url",
    "base_fee",
    "is_active",
)

# Repeating an item stands for its weight: rng.choice on a flat tuple is the cheapest weighted draw.
_PLATFORM_BAG = ("douyin",) * 7 + ("xiaohongshu",) * 7 + ("weibo",) * 3 + ("bilibili",) * 3
_CATEGORY_BAG = (
    ("美妆",) * 20 + ("护肤",) * 15 + ("时尚",) * 12 + ("穿搭",) * 10 + ("美食",) * 15
    + ("生活方式",) * 13 + ("旅行",) * 5 + ("健身",) * 5 + ("母婴",) * 5
)
_REGION_BAG = (
    ("上海",) * 8 + ("北京",) * 7 + ("杭州",) * 5 + ("广州",) * 5 + ("深圳",) * 5 + ("成都",) * 5
    + ("重庆",) * 2 + ("武汉",) * 2 + ("南京",) * 2 + ("西安",) * 2 + ("长沙",) * 2 + ("苏州",) * 2
    + ("厦门",) + ("青岛",) + ("天津",)
)
_NICK_PREFIX = (
    "小鹿", "阿紫", "糖糖", "七七", "橙子", "甜甜", "一只", "奶茶", "桃子", "兔兔", "西西", "Momo", "CC",
    "可乐", "柚子", "阿星", "芒果", "鱼丸", "豆豆", "Lisa", "Yuki", "小雨", "大白", "猫咪", "安安", "Coco",
    "小熊", "晴天", "木木", "Mia",
)
_NICK_CORE = {
    "美妆": ("爱美妆", "的化妆台", "美妆日记", "变美研究所", "彩妆控", "的梳妆台"),
    "护肤": ("护肤笔记", "成分党", "的护肤日常", "皮肤管理", "护肤研究所"),
    "时尚": ("时髦研究所", "的衣橱", "时尚手帖", "潮流志", "的时装周"),
    "穿搭": ("每日穿搭", "OOTD", "的穿搭", "显瘦穿搭", "韩系穿搭"),
    "美食": ("吃遍中国", "探店日记", "的小厨房", "爱吃货", "干饭日记", "零食铺"),
    "生活方式": ("的日常", "生活志", "vlog", "慢生活", "好物分享", "的小确幸"),
    "旅行": ("去旅行", "环游记", "旅行日记", "在路上"),
    "健身": ("练起来", "健身日记", "瘦身记", "的自律生活"),
    "母婴": ("育儿经", "宝妈日记", "带娃日常", "亲子时光"),
}
_NICK_SUFFIX = ("", "", "", "", "酱", "呀", "同学", "本人", "ya", "_official")
SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
)
GIVEN_NAMES_FEMALE = (
    "雨桐", "梓涵", "欣怡", "思雨", "佳琪", "诗涵", "可馨", "若曦", "梦琪", "嘉怡", "语嫣", "婉清", "雅琪",
    "欣然", "梓萱", "静怡", "心怡", "乐瑶", "晓彤",
)
GIVEN_NAMES_MALE = ("子轩", "浩然", "宇航", "俊杰", "天佑", "明轩", "子墨", "博文", "沐阳", "一诺", "晨曦")
# Beauty and fashion KOLs in China are mostly women: the list is weighted accordingly.
_GIVEN_NAMES = GIVEN_NAMES_FEMALE * 3 + GIVEN_NAMES_MALE
# platform: (views per follower, engagement % of views), each a (low, high) range.
_PLATFORM_REACH: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "douyin": ((0.2, 1.2), (1.5, 6.0)),
    "xiaohongshu": ((0.08, 0.4), (2.5, 9.0)),
    "weibo": ((0.03, 0.15), (0.3, 2.5)),
    "bilibili": ((0.15, 0.7), (2.0, 7.5)),
}


def _profile_url(rng: random.Random, platform: str) -> str:
    """A plausible profile address on the platform (random ids, so it leads nowhere real)."""
    if platform == "douyin":
        return f"https://www.douyin.com/user/MS4wLjABAAAA{rng.getrandbits(128):032x}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/user/profile/{rng.getrandbits(96):024x}"
    if platform == "weibo":
        return f"https://weibo.com/u/{rng.randrange(1_000_000_000, 8_000_000_000)}"
    return f"https://space.bilibili.com/{rng.randrange(1_000_000, 4_000_000_000)}"


def post_url(rng: random.Random, platform: str) -> str:
    """A plausible address of one post on the platform."""
    if platform == "douyin":
        return f"https://www.douyin.com/video/7{rng.randrange(10**17, 10**18)}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/explore/{rng.getrandbits(96):024x}"
    if platform == "weibo":
        return f"https://weibo.com/{rng.randrange(1_000_000_000, 8_000_000_000)}/P{rng.getrandbits(40):010x}"
    return f"https://www.bilibili.com/video/BV1{rng.getrandbits(45):012x}"


def influencer_rows(rng: random.Random, count: int) -> Iterator[tuple[Any, ...]]:
    """Yield `count` influencer rows in INFLUENCER_COLUMNS order (shared by the ORM and the COPY path)."""
    decimal = Decimal
    for i in range(count):
        # The first four cover every platform so even a tiny demo shows all of them.
        platform = PLATFORMS[i] if i < len(PLATFORMS) else rng.choice(_PLATFORM_BAG)
        category = rng.choice(_CATEGORY_BAG)
        followers = min(max(int(math.exp(rng.gauss(11.3, 1.25))), 5_000), 5_000_000)
        (view_lo, view_hi), (er_lo, er_hi) = _PLATFORM_REACH[platform]
        # Small accounts engage more per view than celebrities: the usual KOL/KOC curve.
        er = rng.uniform(er_lo, er_hi) * (1.3 if followers < 50_000 else 0.8 if followers > 1_000_000 else 1.0)
        avg_views = int(followers * rng.uniform(view_lo, view_hi))
        interactions = avg_views * er / 100
        urls = dict.fromkeys(("xiaohongshu", "douyin", "weibo", "bilibili"))
        urls[platform] = _profile_url(rng, platform)
        if platform != "weibo" and rng.random() < 0.25:
            urls["weibo"] = _profile_url(rng, "weibo")
        fee = round((followers * rng.uniform(9.0, 13.0) + 200_000) / 10_000) * 10_000
        yield (
            rng.choice(_NICK_PREFIX) + rng.choice(_NICK_CORE[category]) + rng.choice(_NICK_SUFFIX),
            rng.choice(SURNAMES) + rng.choice(_GIVEN_NAMES),
            category,
            platform,
            rng.choice(_REGION_BAG),
            followers,
            avg_views,
            int(interactions * 0.86),
            int(interactions * 0.07),
            decimal(f"{er:.2f}"),
            f"{IMAGES}/avatars/{platform}/{rng.getrandbits(48):012x}.jpg",
            urls["xiaohongshu"],
            urls["douyin"],
            urls["weibo"],
            urls["bilibili"],
            decimal(min(max(fee, 300_000), 60_000_000)),
            rng.random() < 0.94,
        )


def contact(rng: random.Random) -> tuple[str, str]:
    """A made-up mainland mobile number (+86 1xx) and WeChat id: personal data the app encrypts."""
    phone = f"+86 1{rng.choice('3456789')}{rng.randrange(10)} {rng.randrange(10_000):04d} {rng.randrange(10_000):04d}"
    wechat = f"wxid_{rng.getrandbits(40):010x}"
    return phone, wechat
