"""Brands and products (issue 6): every rule through the schema, with a message a person can act on."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from circlue.errors import ValidationError
from circlue.schemas.brands import (
    BRAND_LABELS,
    SALES_CHANNELS,
    SOCIAL_CHANNELS,
    BrandInput,
    BrandStoryInput,
    split_channel_text,
    split_known,
)
from circlue.schemas.campaigns import CampaignInput, TargetContentInput
from circlue.schemas.common import parse
from tests.brand_helpers import (
    brand_input,
    brand_values,
    product_input,
)

# -- The schema: every rule with a message a person can act on -------------------------------------------------


def test_known_channels_are_stored_under_one_name_and_free_text_is_kept():
    brand = brand_input(uuid.uuid4(), channels=[" 天猫国际 ", "tmall", "자사몰", "무신사 뷰티", "京东"], social_channels=None)
    assert brand.channels == ["Tmall Global", "Tmall", "Own mall", "무신사 뷰티", "JD"]
    assert brand.social_channels == []
    assert brand_input(uuid.uuid4(), social_channels=["小红书", "B站", "RED note"]).social_channels == [
        "Xiaohongshu", "Bilibili", "RED note"
    ]
    # The same word is a shop among sales channels and an app among social ones.
    assert brand_input(uuid.uuid4(), channels=["抖音小店"], social_channels=["抖音"]).model_dump()["channels"] == [
        "Douyin shop"
    ]


def test_channel_text_splits_and_known_channels_are_picked_back():
    assert split_channel_text("무신사 뷰티, 29CM，W컨셉、 이마트;\n컬리,, ") == ["무신사 뷰티", "29CM", "W컨셉", "이마트", "컬리"]
    assert split_known(["小红书", "Instagram", "RED note", "xiaohongshu"], social=True) == (
        ["Xiaohongshu", "Instagram"],
        ["RED note"],
    )


def test_every_known_channel_is_named_in_korean_and_english_with_its_chinese_name():
    from circlue.ui.i18n import MESSAGES

    for kind, channels in (("sales", SALES_CHANNELS), ("social", SOCIAL_CHANNELS)):
        for channel in channels:
            entry = MESSAGES[f"channel.{kind}.{channel.key}"]
            assert entry["ko"] and entry["en"]
            if channel.zh:
                assert channel.zh in entry["ko"] and channel.zh in entry["en"]
    assert MESSAGES["channel.sales.Tmall Global"]["ko"] == "티몰 글로벌 (天猫国际)"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "비워 둘 수 없습니다"),
        ("name", "글로우\x00랩", "제어 문자"),
        ("name", "글로우\n랩", "한 줄로"),
        ("name", "가" * 101, "100자 이하"),
        ("website", "ftp://files.example.com", "http(s) address"),
        ("website", "www.example.com", "http(s) address"),
        ("website", "https://", "http(s) address"),
        ("website", "https://exa mple.com", "http(s) address"),
        ("logo_url", "javascript:alert(1)", "http(s) address"),
        ("logo_url", "https://cdn.example.com/" + "a" * 240, "255자 이하"),
        ("category", "스킨\n케어", "한 줄로"),
        ("category", "가" * 51, "50자 이하"),
        ("story", "이야기\x07", "제어 문자"),
        ("description", "가" * 5001, "5000자 이하"),
        ("channels", ["Tmall", "天猫"], "listed twice: 'Tmall', '天猫'"),
        ("channels", ["무신사", "MUSINSA"], "listed twice"),
        ("channels", ["29cm", "29CM"], "listed twice"),
        ("channels", [f"채널{i}" for i in range(21)], "at most 20 channels"),
        ("channels", ["가" * 51], "50 characters or fewer"),
        ("channels", ["Tmall\x00"], "control characters"),
        ("social_channels", ["小红书", "Xiaohongshu"], "listed twice"),
        ("social_channels", ["위\n챗"], "control characters"),
        ("user_id", None, "choose the brand user"),
        ("user_id", "not-a-uuid", "not a valid choice"),
    ],
)
def test_bad_brand_input_gets_a_message_on_its_field(field, value, message):
    with pytest.raises(ValidationError) as info:
        parse(BrandInput, BRAND_LABELS, **brand_values(uuid.uuid4()) | {field: value})
    assert list(info.value.fields) == [field]
    assert message in info.value.fields[field]
    assert str(info.value).startswith(BRAND_LABELS[field])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "비워 둘 수 없습니다"),
        ("name", "가" * 201, "200자 이하"),
        ("price", "-1", "0 이상"),
        ("price", "-₩1,000", "0 이상"),
        ("price", "1.5", "whole won"),
        ("price", "이만원", "enter a number"),
        ("price", "1e13", "less than"),
        ("target_age", "30-20", "the first age must not exceed the second"),
        ("target_age", "20~29", "must look like 20-29"),
        ("target_age", "20", "must look like 20-29"),
        ("target_age", "100-120", "must look like 20-29"),
        ("target_gender", "other", "must be one of"),
        ("purchase_url", "tmall.com/item/1", "http(s) address"),
        ("image_url", "data:image/png;base64,AAAA", "http(s) address"),
        ("unit", "200\nml", "한 줄로"),
        ("usp", "\x1b[31m빨강", "제어 문자"),
    ],
)
def test_bad_product_input_gets_a_message_on_its_field(field, value, message):
    with pytest.raises(ValidationError) as info:
        product_input(**{field: value})
    assert list(info.value.fields) == [field]
    assert message in info.value.fields[field] or message in str(info.value)


def test_good_product_input_is_normalised():
    product = product_input(price="22,000원", target_age=" 5-9 ", target_gender="", description="  ", unit=" 50ml ")
    assert product.price == Decimal(22000)
    assert (product.target_age, product.target_gender, product.description, product.unit) == ("5-9", None, None, "50ml")
    assert product_input(price="", target_age="0-99").price is None
    assert product_input(price=0).price == 0


def test_blank_optional_fields_are_none_not_a_crash():
    """Field(max_length) over a nullable validated type raised TypeError on None; blank is now simply none."""
    assert TargetContentInput(influencer_impact="", additional_description=None).influencer_impact is None
    terms = CampaignInput(
        brand_id=uuid.uuid4(), product_id=uuid.uuid4(), title="t", description="", budget=1,
        campaign_start_date="2026-12-01", campaign_end_date="2026-12-31", proposal_deadline="2026-11-30",
        ad_type="branding",
    )
    assert terms.description is None
    assert BrandStoryInput(story="").story is None
