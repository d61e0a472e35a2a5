"""Demo data: four Korean brands, Chinese influencers and campaigns at every workflow stage, in one transaction."""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from circlue.db import Actor, act_as_app, operator_unit_of_work, set_actor
from circlue.korea import brn_check_digit, format_brn, format_krw, vat_for
from circlue.models import (
    PLATFORMS,
    AuditLog,
    Brand,
    Campaign,
    CampaignInfluencer,
    CampaignTargetContent,
    CommentAnalysis,
    ContentFile,
    ContentPlan,
    ContentRevision,
    ContentSubmission,
    Influencer,
    Notification,
    Payment,
    PerformanceMetric,
    Persona,
    Product,
    Settlement,
    TaxInvoice,
    User,
)
from circlue.repository.bulk import copy_rows
from circlue.security import hash_password
from circlue.workflow import CAMPAIGN_STAGES, CAMPAIGN_STATUSES, check_transition, stage_of

DEMO_PASSWORD = "circlue-demo-2026"  # not a secret: shown on the login page in demo mode only


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: everyone shares DEMO_PASSWORD; brand users own the brand named here."""

    email: str
    name: str
    role: str
    brand: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@circlue.demo", "이서준", "admin"),
    DemoAccount("manager@circlue.demo", "박지현", "manager"),
    DemoAccount("brand.glow@circlue.demo", "정하늘", "brand", "글로우랩"),
    DemoAccount("brand.lumiere@circlue.demo", "윤채원", "brand", "루미에르"),
    DemoAccount("brand.seoulstyle@circlue.demo", "최민지", "brand", "서울스타일"),
    DemoAccount("brand.hanmat@circlue.demo", "한도윤", "brand", "한맛"),
)
ADMIN_EMAIL = DEMO_ACCOUNTS[0].email


@dataclass(frozen=True)
class DemoResult:
    """What load_demo did: whether it created the data, and rows per table afterwards."""

    created: bool
    counts: dict[str, int]


# Any constant works as long as only load_demo uses it; it serialises concurrent first starts.
_DEMO_LOCK_ID = 727_002
# Below this many influencers plain ORM inserts are fast enough; above it COPY carries the rest.
COPY_THRESHOLD = 5_000
# Campaigns draw their influencers from this many profiles, whatever the total.
CAMPAIGN_POOL = 300
METRIC_DAYS = 90
KST = dt.timezone(dt.timedelta(hours=9))
CST = dt.timezone(dt.timedelta(hours=8))
# Reserved .example domains: demo links must never point at someone's real site.
IMAGES = "https://images.circlue.example"
FILES = "https://files.circlue.example"


# ----------------------------------------------------------------------------------------------
# Brands and products
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProductSpec:
    name: str
    name_cn: str
    unit: str
    price: int
    category: str
    gender: str
    age: str
    description: str
    ingredients: str
    usage: str
    effects: str
    usp: str


@dataclass(frozen=True)
class _BrandSpec:
    key: str
    owner: str
    name: str
    name_cn: str
    company: str
    ceo: str
    address: str
    business_type: str
    business_item: str
    category: str
    persona_kind: str
    kol_categories: tuple[str, ...]
    live_share: float
    description: str
    story: str
    marketing: str
    channels: tuple[str, ...]
    social_channels: tuple[str, ...]
    products: tuple[_ProductSpec, ...]


_BRANDS: tuple[_BrandSpec, ...] = (
    _BrandSpec(
        key="glowlab",
        owner="brand.glow@circlue.demo",
        name="글로우랩",
        name_cn="格洛研",
        company="(주)글로우랩",
        ceo="정하늘",
        address="서울특별시 성동구 성수이로 113, 4층",
        business_type="제조업",
        business_item="화장품",
        category="스킨케어",
        persona_kind="beauty",
        kol_categories=("护肤", "美妆"),
        live_share=0.35,
        description="민감 피부를 위한 저자극 더마 스킨케어 브랜드",
        story=(
            "피부과 연구원 출신 창업자가 2018년 성수동의 작은 연구실에서 시작했습니다. 제주 병풀과 "
            "세라마이드로 예민한 피부도 안심하고 쓸 수 있는 저자극 루틴을 만드는 것이 목표입니다."
        ),
        marketing=(
            "올리브영 어워즈 수상 이력과 성분 투명성을 앞세워 중국 2030 여성에게 '민감 피부 진정'으로 "
            "포지셔닝하고, 샤오홍슈 시딩 후 Tmall Global 전환을 노립니다."
        ),
        channels=("올리브영", "쿠팡", "자사몰", "Tmall Global"),
        social_channels=("Instagram", "小红书", "抖音", "YouTube"),
        products=(
            _ProductSpec(
                "시카 카밍 토너", "积雪草舒缓爽肤水", "200ml", 22000, "토너", "female", "20-29",
                "붉어지고 예민해진 피부를 빠르게 진정시키는 약산성 토너",
                "병풀추출물 70%, 판테놀, 마데카소사이드, 알란토인",
                "세안 후 화장솜이나 손바닥에 덜어 피부 결을 따라 가볍게 두드려 흡수시킵니다.",
                "붉은기 진정, 피부 장벽 강화, 수분 공급",
                "병풀추출물 70% 함유, 민감성 피부 임상 완료(자극 지수 0.00)",
            ),
            _ProductSpec(
                "히알루론 7중 수분 세럼", "七重玻尿酸补水精华", "50ml", 32000, "세럼", "unisex", "20-34",
                "속건조까지 채우는 가벼운 워터 제형의 수분 세럼",
                "7종 히알루론산 복합체, 베타인, 세라마이드NP",
                "토너 후 2~3방울을 얼굴 전체에 펴 바릅니다.",
                "속건조 개선, 72시간 보습 지속",
                "분자 크기가 다른 7가지 히알루론산이 피부 층층이 수분을 채웁니다",
            ),
            _ProductSpec(
                "비타C 브라이트닝 앰플", "维C亮肤安瓶", "30ml", 38000, "앰플", "female", "25-34",
                "칙칙한 피부 톤을 맑게 밝혀 주는 고농축 비타민 앰플",
                "순수 비타민C 15%, 나이아신아마이드 5%, 비타민E",
                "저녁 세안 후 2방울을 얼굴에 흡수시키고, 아침에는 자외선 차단제를 꼭 사용합니다.",
                "톤 업, 잡티 완화, 광채",
                "안정화 공법으로 산화를 막은 순수 비타민C 15%",
            ),
            _ProductSpec(
                "세라마이드 장벽 크림", "神经酰胺屏障面霜", "50ml", 29000, "크림", "unisex", "25-39",
                "무너진 피부 장벽을 세우는 고보습 장벽 크림",
                "세라마이드 5종, 콜레스테롤, 스쿠알란, 시어버터",
                "스킨케어 마지막 단계에 적당량을 얼굴 전체에 부드럽게 펴 바릅니다.",
                "피부 장벽 회복, 보습막 형성, 건조함 완화",
                "피부 지질 구조와 같은 비율로 배합한 세라마이드",
            ),
            _ProductSpec(
                "마일드 선크림 SPF50+ PA++++", "温和物理防晒霜", "50ml", 19800, "선케어", "unisex", "18-34",
                "백탁 없이 촉촉하게 마무리되는 무기자차 선크림",
                "징크옥사이드, 티타늄디옥사이드, 병풀추출물",
                "외출 30분 전 스킨케어 마지막 단계에 충분한 양을 바릅니다.",
                "자외선 차단, 톤 보정",
                "무기자차인데도 백탁 없는 촉촉한 마무리",
            ),
        ),
    ),
    _BrandSpec(
        key="lumiere",
        owner="brand.lumiere@circlue.demo",
        name="루미에르",
        name_cn="露米尔",
        company="(주)루미에르코스메틱",
        ceo="윤채원",
        address="서울특별시 강남구 도산대로 45길 12, 3층",
        business_type="제조업",
        business_item="색조화장품",
        category="메이크업",
        persona_kind="beauty",
        kol_categories=("美妆", "时尚"),
        live_share=0.5,
        description="서울의 계절 무드를 담은 데일리 색조 메이크업 브랜드",
        story=(
            "메이크업 아티스트 세 명이 모여 '매일 쓰고 싶은 색'을 만들겠다는 생각으로 2020년에 시작했습니다. "
            "K-드라마 속 자연스러운 메이크업을 누구나 5분 안에 완성하도록 돕습니다."
        ),
        marketing=(
            "K-드라마·아이돌 메이크업 수요를 겨냥해 더우인 라이브커머스로 판매 전환을 만들고, "
            "샤오홍슈 발색 리뷰로 색상별 검색 수요를 잡습니다."
        ),
        channels=("올리브영", "무신사 뷰티", "자사몰", "Tmall Global", "抖音小店"),
        social_channels=("Instagram", "抖音", "小红书", "微博"),
        products=(
            _ProductSpec(
                "벨벳 블러 틴트", "丝绒雾面唇釉", "4g", 16000, "립", "female", "18-29",
                "보송하게 블러 처리되는 소프트 매트 립 틴트(12가지 컬러)",
                "실리카, 호호바씨오일, 비타민E",
                "입술 안쪽부터 바른 뒤 손가락으로 펴 발라 그라데이션을 연출합니다.",
                "블러 마무리, 8시간 지속",
                "묻어남을 줄인 소프트 매트 텍스처, 12가지 MLBB 컬러",
            ),
            _ProductSpec(
                "글래스 스킨 쿠션 SPF40", "水光气垫", "15g x 2", 34000, "베이스", "female", "20-34",
                "물광 피부를 완성하는 촉촉한 커버 쿠션(리필 포함)",
                "나이아신아마이드, 히알루론산, 티타늄디옥사이드",
                "퍼프에 가볍게 묻혀 얼굴 중앙에서 바깥 방향으로 두드려 줍니다.",
                "물광 피부 표현, 커버력, 미백 기능성",
                "24시간 무너짐 없는 글래스 피니시, 리필 포함 구성",
            ),
            _ProductSpec(
                "데일리 무드 아이섀도우 팔레트", "日常氛围九色眼影盘", "9g", 29000, "아이", "female", "18-29",
                "매트·쉬머·글리터로 구성한 9색 데일리 팔레트",
                "마이카, 탤크, 스쿠알란",
                "브러시로 베이스 컬러를 펴 바른 뒤 포인트 컬러로 음영을 더합니다.",
                "선명한 발색, 밀착력, 적은 가루날림",
                "서울의 계절감을 담은 9색 구성",
            ),
            _ProductSpec(
                "롱래스팅 브로우 펜슬", "持久细芯眉笔", "0.3g", 12000, "아이브로우", "unisex", "20-39",
                "땀과 물에 강한 1.5mm 초슬림 브로우 펜슬",
                "세레신, 카나우바왁스, 토코페롤",
                "눈썹 결을 따라 짧게 그린 뒤 스크류 브러시로 빗어 자연스럽게 연출합니다.",
                "하루 종일 지속, 자연스러운 결 표현",
                "1.5mm 초슬림 심으로 한 올 한 올 표현",
            ),
        ),
    ),
    _BrandSpec(
        key="seoulstyle",
        owner="brand.seoulstyle@circlue.demo",
        name="서울스타일",
        name_cn="首尔风格",
        company="(주)서울스타일컴퍼니",
        ceo="최민지",
        address="서울특별시 마포구 와우산로 29길 8, 2층",
        business_type="도소매",
        business_item="의류",
        category="패션",
        persona_kind="fashion",
        kol_categories=("时尚", "穿搭", "生活方式"),
        live_share=0.4,
        description="성수동 아틀리에에서 디자인하는 미니멀 여성 캐주얼",
        story=(
            "동대문 원단 시장에서 10년을 일한 디자이너가 '오래 입는 기본템'을 만들겠다며 2016년에 시작했습니다. "
            "모든 제품을 서울 성수동 아틀리에에서 디자인하고 국내 공장에서 생산합니다."
        ),
        marketing=(
            "한국 스트리트 패션에 관심 많은 중국 1선 도시 20~30대 여성을 대상으로 샤오홍슈 코디 콘텐츠와 "
            "더우인 라이브 특가를 병행합니다."
        ),
        channels=("무신사", "29CM", "W컨셉", "자사몰", "Tmall Global"),
        social_channels=("Instagram", "小红书", "抖音"),
        products=(
            _ProductSpec(
                "오버핏 울 블렌드 코트", "廓形羊毛混纺大衣", "1벌", 189000, "아우터", "female", "25-34",
                "캐시미어 10%를 섞은 미니멀 오버핏 롱코트",
                "울 50%, 폴리에스터 40%, 캐시미어 10%",
                "드라이클리닝을 권장하며 두꺼운 옷걸이에 걸어 보관합니다.",
                "보온성, 체형 커버, 미니멀 실루엣",
                "캐시미어 10% 블렌드, 성수동 아틀리에 디자인",
            ),
            _ProductSpec(
                "와이드 데님 팬츠", "高腰阔腿牛仔裤", "1벌", 59000, "하의", "female", "18-29",
                "다리가 길어 보이는 하이웨이스트 와이드 데님",
                "면 98%, 스판덱스 2%",
                "뒤집어서 찬물에 단독 세탁합니다.",
                "다리 라인 보정, 편안한 착용감",
                "하이웨이스트 와이드 핏, 기장 3종 선택",
            ),
            _ProductSpec(
                "케이블 니트 가디건", "麻花针织开衫", "1벌", 69000, "니트", "female", "20-29",
                "크롭 기장과 볼륨 소매의 케이블 니트 가디건",
                "아크릴 60%, 울 30%, 나일론 10%",
                "울 코스로 손세탁한 뒤 뉘어서 건조합니다.",
                "레이어드 활용, 보온",
                "크롭 기장과 볼륨 소매로 완성한 서울 무드",
            ),
            _ProductSpec(
                "레더 미니 숄더백", "真皮迷你单肩包", "1개", 89000, "가방", "female", "20-34",
                "국내 장인이 수작업으로 만든 소가죽 미니 숄더백",
                "소가죽 100%, 면 안감",
                "가죽 전용 클리너로 관리하고 더스트백에 넣어 보관합니다.",
                "데일리 수납, 스타일 포인트",
                "국내 장인 수작업, 탈착 스트랩 2종 제공",
            ),
        ),
    ),
    _BrandSpec(
        key="hanmat",
        owner="brand.hanmat@circlue.demo",
        name="한맛",
        name_cn="韩味",
        company="한맛식품(주)",
        ceo="한도윤",
        address="서울특별시 영등포구 경인로 775, 에이스하이테크시티 2동 1106호",
        business_type="제조업",
        business_item="과자류",
        category="식품",
        persona_kind="food",
        kol_categories=("美食", "生活方式"),
        live_share=0.6,
        description="전통 간식을 요즘 입맛으로 만드는 K-스낵 브랜드",
        story=(
            "할머니의 김부각 레시피로 2015년 광장시장 좌판에서 시작했습니다. 국내산 원료와 전통 방식을 지키면서 "
            "세계 어디서나 즐길 수 있는 한국 간식을 만듭니다."
        ),
        marketing=(
            "한국 여행에서 맛본 간식을 다시 찾는 중국 소비자를 겨냥해 더우인 먹방 라이브와 "
            "명절 선물세트 프로모션을 운영합니다."
        ),
        channels=("쿠팡", "마켓컬리", "이마트", "Tmall Global", "京东国际"),
        social_channels=("Instagram", "抖音", "微博", "bilibili"),
        products=(
            _ProductSpec(
                "찹쌀 김부각 오리지널", "糯米海苔脆片", "50g", 4500, "스낵", "unisex", "20-39",
                "찹쌀풀을 두 번 입혀 바삭하게 구운 전통 김부각",
                "김(국산), 찹쌀, 해바라기유, 참깨, 천일염",
                "개봉 후 바로 드시고, 남은 제품은 지퍼를 닫아 보관합니다.",
                "바삭한 식감, 간식·안주",
                "전통 방식으로 찹쌀풀을 두 번 입혀 구운 김부각",
            ),
            _ProductSpec(
                "매콤 떡볶이 스낵", "韩式炒年糕米饼", "80g", 3500, "스낵", "unisex", "18-29",
                "국내산 쌀로 만든 매콤달콤 떡볶이 맛 쌀과자",
                "쌀가루(국산), 고추장 시즈닝, 물엿",
                "그대로 드시거나 전자레인지에 10초 데우면 더 바삭합니다.",
                "매콤달콤한 한국 분식 맛",
                "국내산 쌀 100%로 만든 떡볶이 맛 쌀과자",
            ),
            _ProductSpec(
                "개성 약과 선물세트", "开城药果礼盒", "12개입", 25000, "전통과자", "unisex", "25-44",
                "3대째 이어 온 개성식 모약과 선물세트",
                "밀가루, 조청, 참기름, 생강즙",
                "실온에 보관하고 차와 함께 드시면 좋습니다.",
                "전통 디저트, 선물용",
                "3대째 이어 온 개성식 모약과, 고급 선물 패키지",
            ),
            _ProductSpec(
                "고흥 유자차", "高兴柚子茶", "1kg", 18000, "차", "unisex", "25-44",
                "고흥산 유자를 껍질째 50% 담은 유자청",
                "유자(고흥산) 50%, 설탕, 꿀",
                "유자청 2~3스푼을 뜨거운 물이나 탄산수에 타서 드세요.",
                "비타민C 보충, 환절기 건강",
                "전남 고흥산 유자 껍질째 50% 함유",
            ),
            _ProductSpec(
                "천안 호두과자", "天安核桃饼", "20개입", 15000, "베이커리", "unisex", "20-49",
                "호두 한 알이 통째로 들어간 천안 명물 호두과자",
                "밀가루, 팥앙금, 호두, 달걀",
                "에어프라이어 160도에서 3분 데우면 갓 구운 맛이 납니다.",
                "고소한 맛, 간식",
                "호두 한 알을 통째로 넣은 천안 전통 방식",
            ),
        ),
    ),
)

_PERSONAS: dict[str, tuple[dict[str, Any], ...]] = {
    "beauty": (
        {
            "city": "상하이", "occupation": "마케팅 매니저", "gender": "female", "age": "25-34",
            "interests": ["护肤", "成分党", "普拉提", "咖啡探店"],
            "lifestyle": "외국계 기업에 다니며 야근이 잦아 간편하면서도 효과가 확실한 제품을 찾습니다. "
            "주말에는 필라테스와 카페 투어를 즐깁니다.",
            "shopping": "샤오홍슈 후기를 꼼꼼히 비교한 뒤 Tmall Global 공식 스토어에서 사고, "
            "618·双11 세일에 한 번에 쟁여 둡니다.",
        },
        {
            "city": "항저우", "occupation": "대학생", "gender": "female", "age": "18-24",
            "interests": ["彩妆", "追星", "韩剧", "拍照打卡"],
            "lifestyle": "K-드라마와 K-팝으로 한국 메이크업 트렌드를 따라가며, "
            "용돈 안에서 가성비 좋은 제품을 고릅니다.",
            "shopping": "더우인 라이브 방송에서 즉흥 구매가 많고 쿠폰과 사은품 구성에 민감합니다.",
        },
        {
            "city": "청두", "occupation": "프리랜서 디자이너", "gender": "female", "age": "28-35",
            "interests": ["敏感肌", "极简生活", "瑜伽", "旅行"],
            "lifestyle": "재택근무를 하며 피부가 예민해 성분표부터 확인합니다. 단계가 적은 미니멀 루틴을 선호합니다.",
            "shopping": "성분 분석 앱과 빌리빌리 리뷰 영상을 참고하고, 정착한 제품은 꾸준히 재구매합니다.",
        },
        {
            "city": "선전", "occupation": "IT 엔지니어", "gender": "male", "age": "25-34",
            "interests": ["男士护肤", "数码", "健身", "游戏"],
            "lifestyle": "최근 기초 스킨케어에 관심이 생겼지만 복잡한 단계는 싫어합니다.",
            "shopping": "징둥과 Tmall에서 판매량과 평점을 기준으로 올인원·간편 제품을 고릅니다.",
        },
    ),
    "fashion": (
        {
            "city": "베이징", "occupation": "광고회사 AE", "gender": "female", "age": "25-34",
            "interests": ["韩系穿搭", "通勤穿搭", "展览", "咖啡"],
            "lifestyle": "출근룩과 주말룩을 한 벌로 해결하는 미니멀 코디를 좋아하고, 서울 여행을 1년에 두 번 갑니다.",
            "shopping": "샤오홍슈 코디 게시물에서 아이템을 저장해 두었다가 시즌 초에 몰아서 삽니다.",
        },
        {
            "city": "광저우", "occupation": "대학원생", "gender": "female", "age": "20-27",
            "interests": ["OOTD", "显瘦穿搭", "vlog", "K-pop"],
            "lifestyle": "매일 OOTD를 찍어 올리는 것이 취미이고, 체형을 보완하는 핏에 관심이 많습니다.",
            "shopping": "더우인 라이브에서 사이즈 설명을 듣고 구매하며 반품 정책을 꼭 확인합니다.",
        },
        {
            "city": "상하이", "occupation": "브랜드 매장 점장", "gender": "female", "age": "28-36",
            "interests": ["质感穿搭", "小众设计师品牌", "旅行", "摄影"],
            "lifestyle": "소재와 봉제 품질을 보는 눈이 까다롭고, 오래 입을 수 있는 기본 아이템에 투자합니다.",
            "shopping": "티몰 글로벌과 브랜드 공식 몰을 선호하고, 가격보다 소재 정보를 먼저 봅니다.",
        },
    ),
    "food": (
        {
            "city": "청두", "occupation": "회사원", "gender": "female", "age": "22-30",
            "interests": ["韩国零食", "追剧", "探店", "下午茶"],
            "lifestyle": "드라마를 보며 먹는 간식을 좋아하고, 한국 편의점 간식 리뷰를 즐겨 봅니다.",
            "shopping": "더우인 먹방 라이브에서 여러 개 묶음 특가로 사고, 친구들과 나눠 먹습니다.",
        },
        {
            "city": "베이징", "occupation": "공무원", "gender": "male", "age": "30-39",
            "interests": ["茶", "传统点心", "送礼", "健康饮食"],
            "lifestyle": "명절과 기념일 선물을 챙기는 편이며, 첨가물이 적은 전통 간식을 선호합니다.",
            "shopping": "징둥 국제관에서 포장이 고급스러운 선물세트를 고르고, 배송 속도를 중요하게 봅니다.",
        },
        {
            "city": "광저우", "occupation": "전업주부", "gender": "female", "age": "30-44",
            "interests": ["亲子", "健康零食", "烘焙", "家居"],
            "lifestyle": "아이 간식을 고를 때 원재료와 당 함량을 꼼꼼히 확인합니다.",
            "shopping": "샤오홍슈 엄마 커뮤니티 추천을 믿고 Tmall Global에서 정기적으로 삽니다.",
        },
    ),
}

# ----------------------------------------------------------------------------------------------
# Influencer vocabulary
# ----------------------------------------------------------------------------------------------

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
_SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
)
_GIVEN_NAMES_FEMALE = (
    "雨桐", "梓涵", "欣怡", "思雨", "佳琪", "诗涵", "可馨", "若曦", "梦琪", "嘉怡", "语嫣", "婉清", "雅琪",
    "欣然", "梓萱", "静怡", "心怡", "乐瑶", "晓彤",
)
_GIVEN_NAMES_MALE = ("子轩", "浩然", "宇航", "俊杰", "天佑", "明轩", "子墨", "博文", "沐阳", "一诺", "晨曦")
# Beauty and fashion KOLs in China are mostly women: the list is weighted accordingly.
_GIVEN_NAMES = _GIVEN_NAMES_FEMALE * 3 + _GIVEN_NAMES_MALE
# platform: (views per follower, engagement % of views), each a (low, high) range.
_PLATFORM_REACH: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "douyin": ((0.2, 1.2), (1.5, 6.0)),
    "xiaohongshu": ((0.08, 0.4), (2.5, 9.0)),
    "weibo": ((0.03, 0.15), (0.3, 2.5)),
    "bilibili": ((0.15, 0.7), (2.0, 7.5)),
}
_DELIVERABLES = {
    "douyin": ("抖音短视频 1条", "抖音短视频 2条"),
    "xiaohongshu": ("小红书图文笔记 1篇", "小红书视频笔记 1条"),
    "weibo": ("微博图文 1条", "微博转发抽奖 1次"),
    "bilibili": ("B站视频 1支（3分钟以上）", "B站动态 1条"),
}
_LIVE_DELIVERABLES = {
    "douyin": "抖音直播带货 1场（2小时）",
    "xiaohongshu": "小红书直播 1场",
    "weibo": "微博直播 1场",
    "bilibili": "B站直播 1场",
}
_TERMS = (
    "게시 후 30일간 삭제 금지",
    "2차 활용(브랜드 공식 계정·광고 소재) 90일 허용",
    "게시 전 14일·후 30일 경쟁 브랜드 노출 금지",
    "본문에 Tmall Global 구매 링크 삽입 필수",
    "광고 표기(#广告) 필수, 중국 광고법 준수",
    "라이브 중 브랜드 쿠폰 코드 3회 이상 안내",
)


def _profile_url(rng: random.Random, platform: str) -> str:
    """A plausible profile address on the platform (random ids, so it leads nowhere real)."""
    if platform == "douyin":
        return f"https://www.douyin.com/user/MS4wLjABAAAA{rng.getrandbits(128):032x}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/user/profile/{rng.getrandbits(96):024x}"
    if platform == "weibo":
        return f"https://weibo.com/u/{rng.randrange(1_000_000_000, 8_000_000_000)}"
    return f"https://space.bilibili.com/{rng.randrange(1_000_000, 4_000_000_000)}"


def _post_url(rng: random.Random, platform: str) -> str:
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
            rng.choice(_SURNAMES) + rng.choice(_GIVEN_NAMES),
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


# ----------------------------------------------------------------------------------------------
# Content vocabulary (Chinese for what influencers write, Korean for what brands and staff write)
# ----------------------------------------------------------------------------------------------

_HOOKS = {
    "beauty": (
        "敏感肌姐妹看过来！换季泛红怎么办？",
        "素颜出门被夸皮肤好，秘密就是它",
        "韩国小姐姐都在用的{product}，我替你们试了",
        "熬夜党救星！一周皮肤状态对比",
    ),
    "fashion": (
        "158小个子也能穿出大长腿？",
        "首尔街头同款，一衣三穿不重样",
        "通勤周末都能穿的{product}，真的太百搭了",
        "今年秋冬最值得入的一件，质感绝了",
    ),
    "food": (
        "韩国旅游必带回来的零食，终于在国内买到了！",
        "一口下去咔嚓响！{product}测评",
        "追剧必备小零食，停不下来",
        "送长辈不踩雷的韩国伴手礼",
    ),
}
_OUTLINES = {
    "beauty": ("开场3秒：痛点展示", "开箱+质地展示", "上脸实测", "使用前后对比", "总结+天猫国际购买引导"),
    "fashion": ("开场：身材痛点", "单品细节与面料", "三套穿搭示范", "尺码建议", "总结+购买链接"),
    "food": ("开场：咔嚓声特写", "开箱+配料表", "试吃反应", "搭配吃法推荐", "总结+直播间优惠"),
}
_HASHTAGS = {
    "beauty": ("#韩国护肤", "#敏感肌", "#好物分享", "#素颜霜", "#韩妆"),
    "fashion": ("#韩系穿搭", "#每日穿搭", "#显瘦", "#通勤穿搭", "#OOTD"),
    "food": ("#韩国零食", "#零食测评", "#追剧零食", "#伴手礼", "#吃货日常"),
}
_TOPICS = {
    "beauty": ("保湿", "敏感肌", "回购", "性价比", "成分", "温和", "显色", "持久", "韩妆"),
    "fashion": ("显瘦", "面料", "尺码", "韩系", "百搭", "质感", "价格", "版型"),
    "food": ("好吃", "口感", "包装", "送礼", "回购", "韩国零食", "甜度", "性价比"),
}
_COMMENTS_POSITIVE = {
    "beauty": ("已经回购第三次了，真的好用！", "敏感肌用了也没泛红，爱了", "姐妹们冲！性价比太高了", "颜色好看😍"),
    "fashion": ("穿上显瘦又有气质", "面料摸着很舒服，不起球", "同款已下单！", "这件真的百搭yyds"),
    "food": ("味道绝了，一口接一口", "包装好精致，送人很有面子", "咔嚓咔嚓太解压了", "已经囤了五包🤤"),
}
_COMMENTS_NEUTRAL = ("多少钱？", "天猫国际有卖吗？", "什么时候补货", "和上一款有什么区别", "求链接🙏", "有小样吗")
_COMMENTS_NEGATIVE = ("价格有点贵", "物流太慢了", "感觉一般般，没有宣传的那么好", "又是恰饭视频", "踩雷了，不太适合我")
_PLAN_REQUESTS = (
    "도입부 3초 안에 제품이 보이도록 수정 부탁드립니다.",
    "효능 표현 중 '치료'처럼 의약품으로 오인될 수 있는 표현은 빼 주세요.",
    "해시태그에 브랜드 공식 태그를 추가해 주세요.",
    "마지막에 Tmall Global 구매 링크 안내 멘트를 넣어 주세요.",
    "타깃 연령대에 맞게 톤을 조금 더 밝게 바꿔 주세요.",
)
_SUBMISSION_REQUESTS = (
    "제품 패키지 정면 샷이 흐립니다. 다시 촬영 부탁드립니다.",
    "자막의 브랜드명 표기를 공식 중문명으로 통일해 주세요.",
    "배경 음악 저작권 확인이 필요합니다.",
    "사용 전후 비교 장면의 조명을 같게 맞춰 주세요.",
    "영상 길이를 60초 이내로 줄여 주세요.",
)
_APPROVALS = (
    "좋습니다. 이대로 진행해 주세요.",
    "수정 사항 모두 반영된 것 확인했습니다. 승인합니다.",
    "브랜드 톤과 잘 맞습니다. 일정대로 업로드 부탁드립니다.",
)
_SEASONS = {
    1: "겨울", 2: "겨울", 3: "봄", 4: "봄", 5: "봄", 6: "618", 7: "여름", 8: "여름",
    9: "가을", 10: "가을", 11: "双11", 12: "연말",
}
_BRANDING_TITLES = (
    "{product} 샤오홍슈 시딩 캠페인",
    "{brand} 중국 인지도 캠페인: {product}",
    "{season} {product} 체험단(体验官) 캠페인",
    "{product} KOL 리뷰 브랜딩 캠페인",
)
_LIVE_TITLES = (
    "{product} 더우인 라이브커머스 특가전",
    "{season} {product} 라이브 판매전",
    "{brand} x 왕홍 라이브: {product}",
)
_PAYMENT_METHODS = ("계좌이체", "계좌이체", "법인카드", "가상계좌")


# ----------------------------------------------------------------------------------------------
# The builder
# ----------------------------------------------------------------------------------------------


def _round_won(amount: Decimal, step: int = 1) -> Decimal:
    """Round a KRW amount to a multiple of `step` won."""
    return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _rate(value: float) -> Decimal:
    """A percentage as NUMERIC(5,2)."""
    return Decimal(f"{min(max(value, 0.0), 999.99):.2f}")


@dataclass
class _Pick:
    """An influencer as campaigns see it while the data set is planned."""

    id: uuid.UUID
    category: str
    platform: str
    avg_views: int
    base_fee: Decimal


@dataclass
class _CampaignPlan:
    """A campaign being planned: what its children need to know about it."""

    id: uuid.UUID
    brand: _BrandSpec
    brand_id: uuid.UUID
    product: _ProductSpec
    title: str
    status: str
    ad_type: str
    budget: Decimal
    start: dt.date
    end: dt.date
    deadline: dt.date
    created_at: dt.datetime
    path: list[str]


class _Builder:
    """Plans every row with one seeded Random, then writes them table by table in FK order."""

    def __init__(self, session: Session, *, seed: int, influencers: int, progress: bool) -> None:
        self.session = session
        self.influencers = influencers
        self.progress = progress
        self.rng = random.Random(seed)
        # Separate streams keep the core data identical whatever the number of influencers.
        self.id_rng = random.Random(f"{seed}:ids")
        self.influencer_rng = random.Random(f"{seed}:influencers")
        self.today = dt.date.today()
        self.now = dt.datetime.now(KST).replace(microsecond=0)
        self.rows: dict[type, list[dict[str, Any]]] = defaultdict(list)
        self.user_ids: dict[str, uuid.UUID] = {}
        self.brand_ids: dict[str, uuid.UUID] = {}
        self.product_ids: dict[tuple[str, str], uuid.UUID] = {}
        self.picks: list[_Pick] = []
        self.campaigns: list[_CampaignPlan] = []
        self.brns: dict[str, str] = {}
        self.notes: dict[str, list[dict[str, Any]]] = defaultdict(list)

    # -- helpers -------------------------------------------------------------------------------

    def new_id(self) -> uuid.UUID:
        """A deterministic random UUID, so a demo built twice has the same ids."""
        return uuid.UUID(int=self.id_rng.getrandbits(128), version=4)

    def at(self, day: dt.date, hours: tuple[int, int] = (9, 19), tz: dt.tzinfo = KST) -> dt.datetime:
        """A time on `day` within office hours, never later than now."""
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(*hours), self.rng.randrange(60)), tz)
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(5, 90)))

    def put(self, model: type, **values: Any) -> uuid.UUID:
        """Queue one row for `model` and return its id."""
        values.setdefault("id", self.new_id())
        self.rows[model].append(values)
        return values["id"]

    def write(self, *models: type) -> None:
        """Insert the queued rows of each model, in the order given (parents before children)."""
        for model in models:
            rows = self.rows.pop(model, [])
            # Without RETURNING: the app role may insert rows it cannot read back (notifications).
            for start in range(0, len(rows), 5_000):
                self.session.execute(insert(model), rows[start : start + 5_000])

    # -- the whole data set --------------------------------------------------------------------

    def build(self) -> uuid.UUID:
        """Write the demo data set and return the admin's id."""
        self.plan_users()
        self.write(User)
        admin_id = self.user_ids[ADMIN_EMAIL]
        # Users are written as the owner (the app role may not create accounts); from here on the transaction
        # runs as circlue_app with the admin acting: RLS lets staff write brand rows, audit names them.
        act_as_app(self.session, Actor(user_id=admin_id, role="admin"))
        self.plan_brands()
        self.write(Brand, Product, Persona)
        self.load_influencers()
        self.plan_campaigns()
        for campaign in self.campaigns:
            self.plan_campaign_children(campaign)
        self.queue_campaigns()
        self.write(Campaign)
        self.walk_workflow()
        self.number_invoices()
        self.plan_notifications()
        self.write(
            CampaignTargetContent,
            CampaignInfluencer,
            ContentPlan,
            ContentSubmission,
            ContentFile,
            ContentRevision,
            PerformanceMetric,
            CommentAnalysis,
            Settlement,
            TaxInvoice,
            Payment,
            Notification,
        )
        return admin_id

    def plan_users(self) -> None:
        """Queue the demo accounts; one bcrypt hash serves all since they share one public password."""
        password_hash = hash_password(DEMO_PASSWORD)
        for account in DEMO_ACCOUNTS:
            self.user_ids[account.email] = self.put(
                User,
                email=account.email,
                password_hash=password_hash,
                name=account.name,
                role=account.role,
                is_active=True,
                created_at=self.now - dt.timedelta(days=self.rng.randint(200, 400)),
            )

    def plan_brands(self) -> None:
        """Queue brands, their products and one or two personas per product."""
        for brand in _BRANDS:
            brand_id = self.put(
                Brand,
                user_id=self.user_ids[brand.owner],
                name=brand.name,
                description=brand.description,
                website=f"https://{brand.key}.example.com",
                story=brand.story,
                channels=list(brand.channels),
                marketing=brand.marketing,
                social_channels=list(brand.social_channels),
                category=brand.category,
                logo_url=f"{IMAGES}/brands/{brand.key}/logo.png",
                created_at=self.now - dt.timedelta(days=self.rng.randint(150, 300)),
            )
            self.brand_ids[brand.key] = brand_id
            for n, product in enumerate(brand.products, start=1):
                product_id = self.put(
                    Product,
                    brand_id=brand_id,
                    name=product.name,
                    description=product.description,
                    purchase_url=f"https://{brand.key}.example.com/products/{n:03d}",
                    unit=product.unit,
                    price=Decimal(product.price),
                    ingredients=product.ingredients,
                    usage=product.usage,
                    effects=product.effects,
                    usp=product.usp,
                    target_gender=product.gender,
                    target_age=product.age,
                    category=product.category,
                    image_url=f"{IMAGES}/products/{brand.key}/{n:03d}.jpg",
                    created_at=self.now - dt.timedelta(days=self.rng.randint(100, 150)),
                )
                self.product_ids[(brand.key, product.name)] = product_id
                for persona in self.rng.sample(_PERSONAS[brand.persona_kind], self.rng.randint(1, 2)):
                    self.put(
                        Persona,
                        brand_id=brand_id,
                        product_id=product_id,
                        name=f"{self.chinese_name(persona['gender'])} ({persona['city']} {persona['occupation']})",
                        age=persona["age"],
                        gender=persona["gender"],
                        interests=list(persona["interests"]),
                        occupation=persona["occupation"],
                        lifestyle=persona["lifestyle"],
                        shopping_habits=persona["shopping"],
                    )

    def chinese_name(self, gender: str) -> str:
        """A Chinese full name that fits the gender."""
        given = _GIVEN_NAMES_MALE if gender == "male" else _GIVEN_NAMES_FEMALE
        return self.rng.choice(_SURNAMES) + self.rng.choice(given)

    def load_influencers(self) -> None:
        """Insert the influencers: the campaign pool through the ORM, any large remainder through COPY."""
        total = self.influencers
        orm_count = total if total <= COPY_THRESHOLD else CAMPAIGN_POOL
        rows = influencer_rows(self.influencer_rng, total)
        bar = _ProgressBar("influencers", total) if self.progress else None
        batch: list[dict[str, Any]] = []
        for _ in range(orm_count):
            values = dict(zip(INFLUENCER_COLUMNS, next(rows), strict=True))
            values["id"] = self.new_id()
            batch.append(values)
            if values["is_active"] and len(self.picks) < CAMPAIGN_POOL:
                self.picks.append(
                    _Pick(
                        values["id"], values["category"], values["platform"], values["avg_views"], values["base_fee"]
                    )
                )
        self.rows[Influencer] = batch
        self.write(Influencer)
        if bar:
            bar(orm_count)
        if total > orm_count:
            copy_rows(
                self.session,
                Influencer.__tablename__,
                INFLUENCER_COLUMNS,
                rows,
                progress=(lambda done: bar(orm_count + done)) if bar else None,
            )
        if bar:
            bar.close()

    # -- campaigns -----------------------------------------------------------------------------

    def plan_campaigns(self) -> None:
        """Plan campaigns so that every workflow status appears and every brand has one on air."""
        # The first len(_BRANDS) go one to each brand: every brand user's home shows a live campaign and reach.
        on_air = ["live", "monitoring"] * len(_BRANDS)
        rest = [*CAMPAIGN_STATUSES, "completed"]
        self.rng.shuffle(rest)
        statuses = on_air[: len(_BRANDS)] + rest
        products = {b.key: self.rng.sample(b.products, len(b.products)) for b in _BRANDS}
        loop_proposal = loop_content = True
        for n, status in enumerate(statuses):
            brand = _BRANDS[n % len(_BRANDS)]
            product = products[brand.key][(n // len(_BRANDS)) % len(brand.products)]
            start, end, deadline = self.campaign_dates(status)
            ad_type = "live-commerce" if self.rng.random() < brand.live_share else "branding"
            titles = _LIVE_TITLES if ad_type == "live-commerce" else _BRANDING_TITLES
            title = self.rng.choice(titles).format(
                product=product.name, brand=brand.name, season=_SEASONS[start.month]
            )
            created = deadline - dt.timedelta(days=self.rng.randint(10, 30))
            if status in ("creating", "submitted"):
                created = self.today - dt.timedelta(days=self.rng.randint(0, 6))
            path = self.workflow_path(status, loop_proposal, loop_content)
            loop_proposal = loop_proposal and "confirmed" not in path
            loop_content = loop_content and "live" not in path
            self.campaigns.append(
                _CampaignPlan(
                    id=self.new_id(),
                    brand=brand,
                    brand_id=self.brand_ids[brand.key],
                    product=product,
                    title=title,
                    status=status,
                    ad_type=ad_type,
                    budget=self.draw_budget(),
                    start=start,
                    end=end,
                    deadline=deadline,
                    created_at=self.at(created),
                    path=path,
                )
            )
        # At least one budget past ₩100,000,000: the seed's DECIMAL(10,2) could not hold it.
        self.campaigns[0].budget = max(self.campaigns[0].budget, Decimal(150_000_000))

    def queue_campaigns(self) -> None:
        """Queue the campaign rows at 'creating': walk_workflow then moves them through the workflow."""
        for campaign in self.campaigns:
            product = campaign.product
            live = campaign.ad_type == "live-commerce"
            goal = "판매 전환을 위한 라이브커머스" if live else "인지도 확대를 위한 브랜딩"
            self.put(
                Campaign,
                id=campaign.id,
                brand_id=campaign.brand_id,
                product_id=self.product_ids[(campaign.brand.key, product.name)],
                title=campaign.title,
                description=(
                    f"{campaign.brand.name} {product.name}의 중국 시장 {goal} 캠페인입니다. "
                    f"핵심 메시지: {product.usp}. 목표: 총 조회수 {self.rng.randint(5, 80) * 10}만 회, "
                    f"참여율 {self.rng.randint(3, 8)}% 이상."
                ),
                budget=campaign.budget,
                campaign_start_date=campaign.start,
                campaign_end_date=campaign.end,
                proposal_deadline=campaign.deadline,
                ad_type=campaign.ad_type,
                status="creating",
                current_stage=stage_of("creating"),
                created_at=campaign.created_at,
            )

    def draw_budget(self) -> Decimal:
        """A budget between ₩5,000,000 and ₩300,000,000, log-uniform, rounded to ₩1,000,000."""
        value = math.exp(self.rng.uniform(math.log(5e6), math.log(3e8)))
        return _round_won(Decimal(int(value)), 1_000_000)

    def campaign_dates(self, status: str) -> tuple[dt.date, dt.date, dt.date]:
        """Start, end and proposal deadline that fit a campaign now at `status`."""
        today, r, day = self.today, self.rng, dt.timedelta(days=1)
        if status in ("live", "monitoring", "completed"):
            if status == "completed":
                end = today - r.randint(20, 60) * day
                window_end = end
            elif status == "monitoring":
                end = today - r.randint(1, 10) * day
                window_end = today
            else:
                end = today + r.randint(7, 30) * day
                window_end = today
            start = window_end - (METRIC_DAYS - 1) * day - r.randint(0, 3) * day
            return start, end, start - r.randint(25, 40) * day
        lead = {
            "creating": (40, 60), "submitted": (35, 50), "recruiting": (26, 40), "proposing": (22, 32),
            "revising": (18, 28), "confirmed": (14, 24), "planning": (10, 20), "producing": (4, 12),
            "content-review": (1, 5), "cancelled": (25, 40),
        }[status]
        start = today + r.randint(*lead) * day
        end = start + r.randint(30, 75) * day
        if status in ("recruiting", "proposing"):
            deadline = today + r.randint(1, 7) * day  # the dashboard's "deadline this week" list
        elif status == "revising":
            deadline = today + r.randint(-2, 2) * day
        else:
            deadline = start - r.randint(14, 35) * day
            if status not in ("creating", "submitted", "cancelled"):
                deadline = min(deadline, today - r.randint(1, 7) * day)
        return start, end, deadline

    @staticmethod
    def workflow_path(status: str, loop_proposal: bool, loop_content: bool) -> list[str]:
        """Statuses a campaign went through to reach `status`, with one send-back loop of each kind."""
        if status == "cancelled":
            return ["creating", "submitted", "recruiting", "proposing", "cancelled"]
        stages = [*CAMPAIGN_STAGES, "completed"]
        path = stages[: stages.index(status) + 1]
        if loop_proposal and "confirmed" in path:
            i = path.index("revising") + 1
            path[i:i] = ["proposing", "revising"]
        if loop_content and "live" in path:
            i = path.index("content-review") + 1
            path[i:i] = ["producing", "content-review"]
        return path

    def walk_workflow(self) -> None:
        """Move each campaign from 'creating' to its status one allowed step at a time."""
        for campaign in self.campaigns:
            for current, target in pairwise(campaign.path):
                check_transition(current, target)
                self.session.execute(
                    update(Campaign)
                    .where(Campaign.id == campaign.id)
                    .values(status=target, current_stage=stage_of(target)),
                    execution_options={"synchronize_session": False},
                )

    def plan_campaign_children(self, campaign: _CampaignPlan) -> None:
        """Queue the campaign row's dependants: target, influencers, content, metrics, money."""
        r = self.rng
        rank = CAMPAIGN_STATUSES.index(campaign.status)
        self.put(
            CampaignTargetContent,
            campaign_id=campaign.id,
            influencer_categories=list(campaign.brand.kol_categories),
            target_age=campaign.product.age,
            usp_importance=r.randint(3, 5),
            influencer_impact=r.choice(
                (
                    "실사용 후기 중심의 신뢰도 높은 리뷰로 구매 전환을 유도합니다.",
                    "팔로워와 친밀도가 높은 KOC 다수로 검색량과 입소문을 만듭니다.",
                    "대형 KOL 1~2명으로 단기간에 인지도를 끌어올립니다.",
                    "라이브 방송에서 한정 특가로 즉시 구매를 이끌어 냅니다.",
                )
            ),
            additional_description=r.choice(
                (
                    "효능 과장 표현 금지(중국 광고법 준수), 제품 패키지 정면 노출 3초 이상.",
                    "한국 현지 느낌을 살린 촬영 선호, 브랜드 공식 해시태그 필수.",
                    "쿠폰 코드와 Tmall Global 링크를 본문 첫 줄에 표기.",
                )
            ),
            secondary_content_usage=r.random() < 0.5,
        )
        if campaign.status in ("creating", "submitted"):
            return
        members = self.plan_members(campaign)
        if campaign.status == "cancelled" or rank < CAMPAIGN_STATUSES.index("confirmed"):
            return
        contracted = [(p, fee, dates) for p, status, fee, dates in members if status in ("contracted", "completed")]
        if rank >= CAMPAIGN_STATUSES.index("planning"):
            for pick, _fee, dates in contracted:
                self.plan_content(campaign, pick, dates)
        self.plan_money(campaign, sum((fee for _p, fee, _d in contracted), Decimal(0)))

    def plan_members(self, campaign: _CampaignPlan) -> list[tuple[_Pick, str, Decimal, tuple[dt.date, dt.date]]]:
        """Queue 3-8 campaign influencers whose statuses fit the campaign's stage; may raise its budget."""
        r = self.rng
        budget = campaign.budget
        n = r.randint(3, 8)
        matching = [p for p in self.picks if p.category in campaign.brand.kol_categories] or self.picks
        # Brands spend most of a budget on fees: draw from the profiles whose fee is nearest an even share.
        share = float(budget) * 0.7 / n
        nearest = sorted(matching, key=lambda p: abs(math.log(float(p.base_fee) / share)))
        chosen = r.sample(nearest[: max(3 * n, 12)], min(n, len(nearest)))
        statuses = self.member_statuses(campaign.status, len(chosen))
        members = []
        total_fees = Decimal(0)
        for pick, status in zip(chosen, statuses, strict=True):
            proposed = None if status == "invited" else _round_won(pick.base_fee * Decimal(r.uniform(0.9, 1.3)), 10_000)
            ad_fee = None
            if status in ("accepted", "contracted", "completed") and proposed is not None:
                ad_fee = _round_won(proposed * Decimal(r.uniform(0.85, 1.0)), 10_000)
                total_fees += ad_fee
            deliverables = [r.choice(_DELIVERABLES[pick.platform])]
            if campaign.ad_type == "live-commerce":
                deliverables.append(_LIVE_DELIVERABLES[pick.platform])
            production_deadline = campaign.start - dt.timedelta(days=r.randint(2, 5))
            production_start = production_deadline - dt.timedelta(days=r.randint(10, 21))
            if CAMPAIGN_STATUSES.index(campaign.status) >= CAMPAIGN_STATUSES.index("planning"):
                production_start = min(production_start, self.today - dt.timedelta(days=r.randint(3, 8)))
            has_dates = status in ("accepted", "contracted", "completed")
            self.put(
                CampaignInfluencer,
                campaign_id=campaign.id,
                influencer_id=pick.id,
                proposed_fee=proposed,
                ad_fee=ad_fee,
                deliverables=deliverables,
                additional_terms=" / ".join(r.sample(_TERMS, 2)),
                status=status,
                production_start_date=production_start if has_dates else None,
                production_deadline=production_deadline if has_dates else None,
                created_at=self.at(min(campaign.deadline, self.today) - dt.timedelta(days=r.randint(3, 12))),
            )
            members.append((pick, status, ad_fee or Decimal(0), (production_start, production_deadline)))
        # Agreed fees plus a margin must fit the budget, within the ₩300,000,000 ceiling.
        needed = _round_won(total_fees * Decimal("1.2"), 1_000_000)
        campaign.budget = min(max(budget, needed), Decimal(300_000_000))
        return members

    def member_statuses(self, campaign_status: str, n: int) -> list[str]:
        """Campaign-influencer statuses that fit a campaign at `campaign_status`."""
        r = self.rng
        if campaign_status == "recruiting":
            return [r.choice(("invited", "invited", "invited", "proposed", "proposed", "declined")) for _ in range(n)]
        if campaign_status in ("proposing", "cancelled"):
            return [r.choice(("invited", "proposed", "proposed", "proposed", "accepted", "declined")) for _ in range(n)]
        if campaign_status == "revising":
            return ["accepted"] + [r.choice(("proposed", "accepted", "accepted", "declined")) for _ in range(n - 1)]
        declined = r.randint(0, min(2, n - 3))
        statuses = ["declined"] * declined
        for _ in range(n - declined):
            if campaign_status == "completed":
                statuses.append("completed")
            elif campaign_status == "monitoring":
                statuses.append(r.choice(("completed", "contracted")))
            else:
                statuses.append("contracted")
        r.shuffle(statuses)
        return statuses

    # -- content -------------------------------------------------------------------------------

    def plan_content(self, campaign: _CampaignPlan, pick: _Pick, dates: tuple[dt.date, dt.date]) -> None:
        """Queue a contracted influencer's plan, submission, files, revisions and metrics."""
        r = self.rng
        rank = CAMPAIGN_STATUSES.index(campaign.status)
        kind = campaign.brand.persona_kind
        content_type = {
            "douyin": "video", "bilibili": "video",
            "xiaohongshu": r.choice(("image", "video")), "weibo": r.choice(("image", "image", "video")),
        }[pick.platform]
        production_start, production_deadline = dates
        if rank == CAMPAIGN_STATUSES.index("planning"):
            plan_status = r.choice(("draft", "submitted", "revision-requested", "approved"))
        else:
            plan_status = "approved"
        plan_created = self.at(production_start)
        plan_id = self.new_id()
        product_cn = campaign.product.name_cn
        hook = r.choice(_HOOKS[kind]).format(product=product_cn)
        plan_data = {
            "title": f"{campaign.brand.name_cn}{product_cn}｜{hook}",
            "hook": hook,
            "outline": list(_OUTLINES[kind]),
            "hashtags": [f"#{campaign.brand.name_cn}", *r.sample(_HASHTAGS[kind], 3)],
            "key_messages": [campaign.product.usp],
            "cta": "点击左下角小黄车，天猫国际同款" if campaign.ad_type == "live-commerce" else "评论区抽3位送正装",
            "publish_window": "20:00-22:00",
            "format": {"duration_sec": r.choice((30, 45, 60, 90))} if content_type == "video" else {"images": 6},
        }
        revisions = self.plan_revisions("plan", plan_id, plan_status, plan_created, campaign)
        self.put(
            ContentPlan,
            id=plan_id,
            campaign_id=campaign.id,
            influencer_id=pick.id,
            content_type=content_type,
            status=plan_status,
            plan_data=plan_data,
            current_revision_number=revisions,
            created_at=plan_created,
        )
        if rank < CAMPAIGN_STATUSES.index("producing"):
            return
        if campaign.status == "producing":
            status = r.choice(("draft", "submitted", "revision-requested"))
        elif campaign.status == "content-review":
            status = r.choice(("submitted", "submitted", "revision-requested", "approved"))
        else:
            status = "published"
        submission_id = self.new_id()
        created = self.at(production_start + (production_deadline - production_start) / 2)
        published_at = None
        if status == "published":
            window_end = campaign.end if campaign.status == "completed" else self.today
            first_day = window_end - dt.timedelta(days=METRIC_DAYS - 1)
            published_at = self.at(first_day, hours=(18, 22), tz=CST)
        revisions = self.plan_revisions("submission", submission_id, status, created, campaign)
        self.put(
            ContentSubmission,
            id=submission_id,
            campaign_id=campaign.id,
            influencer_id=pick.id,
            content_type=content_type,
            status=status,
            current_revision_number=revisions,
            published_url=_post_url(r, pick.platform) if published_at else None,
            published_at=published_at,
            created_at=created,
        )
        self.plan_files(submission_id, content_type, pick.platform, created)
        if published_at is not None:
            self.plan_metrics(campaign, pick, submission_id, published_at.date())

    def plan_revisions(
        self, parent: str, parent_id: uuid.UUID, status: str, created: dt.datetime, campaign: _CampaignPlan
    ) -> int:
        """Queue the feedback rounds behind a plan or submission; returns how many (its revision number)."""
        r = self.rng
        if status == "draft":
            return 0
        requested = {"submitted": r.randint(0, 1), "revision-requested": r.randint(1, 2)}.get(status, r.randint(0, 2))
        rounds = ["revision-requested"] * requested
        if status in ("approved", "published"):
            rounds.append("approved")
        requests = _PLAN_REQUESTS if parent == "plan" else _SUBMISSION_REQUESTS
        reviewers = (self.user_ids[campaign.brand.owner], self.user_ids["manager@circlue.demo"])
        for number, outcome in enumerate(rounds, start=1):
            feedback = r.choice(_APPROVALS) if outcome == "approved" else r.choice(requests)
            self.put(
                ContentRevision,
                content_plan_id=parent_id if parent == "plan" else None,
                submission_id=parent_id if parent == "submission" else None,
                revision_number=number,
                feedback=feedback,
                feedback_by=r.choice(reviewers),
                status=outcome,
                revision_data={"round": number, "requested_changes": [] if outcome == "approved" else [feedback]},
                created_at=min(created + dt.timedelta(days=2 * number, hours=r.randint(0, 8)), self.now),
            )
        return len(rounds)

    def plan_files(self, submission_id: uuid.UUID, content_type: str, platform: str, created: dt.datetime) -> None:
        """Queue the files of a submission: one video, or a carousel of images."""
        r = self.rng
        base = f"{FILES}/content/{submission_id}"
        if content_type == "video":
            seconds = {"douyin": (15, 90), "bilibili": (180, 600), "xiaohongshu": (30, 180), "weibo": (15, 120)}
            duration = r.randint(*seconds[platform])
            self.put(
                ContentFile,
                submission_id=submission_id,
                file_url=f"{base}/final.mp4",
                file_type="video/mp4",
                file_size=duration * r.randint(600_000, 1_500_000),
                thumbnail_url=f"{base}/final_thumb.jpg",
                duration=duration,
                created_at=created,
            )
            return
        for n in range(1, r.randint(3, 9) + 1):
            self.put(
                ContentFile,
                submission_id=submission_id,
                file_url=f"{base}/image_{n:02d}.jpg",
                file_type="image/jpeg",
                file_size=r.randint(800_000, 6_000_000),
                thumbnail_url=f"{base}/image_{n:02d}_thumb.jpg",
                duration=None,
                created_at=created,
            )

    def plan_metrics(self, campaign: _CampaignPlan, pick: _Pick, submission_id: uuid.UUID, first: dt.date) -> None:
        """Queue 90 daily metric rows that peak on publication and decay, with weekly comment analysis."""
        r = self.rng
        peak = max(pick.avg_views, 500) * r.uniform(0.7, 1.8)
        live = campaign.ad_type == "live-commerce"
        price = Decimal(campaign.product.price)
        like_rate = {"douyin": 0.045, "xiaohongshu": 0.06, "weibo": 0.02, "bilibili": 0.055}[pick.platform]
        save_rate = {"douyin": 0.007, "xiaohongshu": 0.025, "weibo": 0.002, "bilibili": 0.015}[pick.platform]
        share_rate = {"douyin": 0.008, "xiaohongshu": 0.003, "weibo": 0.004, "bilibili": 0.003}[pick.platform]
        kind = campaign.brand.persona_kind
        for day in range(METRIC_DAYS):
            noise = r.uniform(0.85, 1.15)
            views = int(peak * (0.55 * math.exp(-day / 2.2) + 0.02 * math.exp(-day / 30)) * noise)
            likes = int(views * like_rate * r.uniform(0.8, 1.2))
            comments = int(likes * r.uniform(0.04, 0.1))
            shares = int(views * share_rate * r.uniform(0.7, 1.3))
            saves = int(views * save_rate * r.uniform(0.7, 1.3))
            # Xiaohongshu's interactions are likes + saves + comments; the others count shares too.
            interactions = likes + saves + comments + (0 if pick.platform == "xiaohongshu" else shares)
            ctr = r.uniform(2.0, 6.0) if live else r.uniform(0.5, 2.0)
            cvr = r.uniform(1.0, 8.0) if live else r.uniform(0.5, 3.0)
            orders = views * ctr / 100 * cvr / 100
            metric_id = self.put(
                PerformanceMetric,
                campaign_id=campaign.id,
                influencer_id=pick.id,
                content_submission_id=submission_id,
                platform=pick.platform,
                metric_date=first + dt.timedelta(days=day),
                views=views,
                likes=likes,
                comments=comments,
                shares=shares,
                saves=saves,
                engagement_rate=_rate(interactions / views * 100) if views else Decimal("0.00"),
                click_through_rate=_rate(ctr),
                conversion_rate=_rate(cvr),
                sales_amount=_round_won(Decimal(orders * r.uniform(1.0, 1.6)) * price, 100),
            )
            if day % 7 == 0 and comments > 0:
                self.plan_comment_analysis(metric_id, comments, kind)

    def plan_comment_analysis(self, metric_id: uuid.UUID, total: int, kind: str) -> None:
        """Queue a sentiment summary of one metric row's comments."""
        r = self.rng
        positive = int(total * r.uniform(0.55, 0.8))
        negative = min(int(total * r.uniform(0.03, 0.15)), total - positive)
        neutral = total - positive - negative
        topics = r.sample(_TOPICS[kind], r.randint(3, 5))
        samples = (
            [{"text": t, "label": "pos"} for t in r.sample(_COMMENTS_POSITIVE[kind], 2)]
            + [{"text": r.choice(_COMMENTS_NEUTRAL), "label": "neu"}]
            + ([{"text": r.choice(_COMMENTS_NEGATIVE), "label": "neg"}] if negative else [])
        )
        self.put(
            CommentAnalysis,
            performance_metric_id=metric_id,
            total_comments=total,
            positive_comments=positive,
            negative_comments=negative,
            neutral_comments=neutral,
            key_topics=topics,
            sentiment_score=Decimal((positive - negative) / total).quantize(Decimal("0.01"), ROUND_HALF_UP),
            analysis_data={
                "sample_comments": samples,
                "topic_counts": {t: r.randint(1, max(1, total // 3)) for t in topics},
                "engine": "demo",
            },
        )

    # -- money ---------------------------------------------------------------------------------

    def plan_money(self, campaign: _CampaignPlan, fees: Decimal) -> None:
        """Queue an advance (50 %) and, once live, a balance settlement with invoices and payments."""
        r = self.rng
        # Influencer fees plus Circlue's 15 % service fee, in thousands of won.
        total = _round_won(fees * Decimal("1.15"), 1_000)
        advance = _round_won(total / 2, 1_000)
        status = campaign.status
        advance_status = {"confirmed": "pending", "planning": "invoiced"}.get(status, "paid")
        confirmed_on = min(campaign.deadline + dt.timedelta(days=r.randint(2, 5)), self.today)
        self.plan_settlement(
            campaign, advance, advance_status, due=campaign.start - dt.timedelta(days=7), opened=confirmed_on,
            issued=min(confirmed_on + dt.timedelta(days=r.randint(1, 4)), self.today),
        )
        if status in ("live", "monitoring", "completed"):
            balance_status = {"live": "pending", "monitoring": "invoiced"}.get(status, "paid")
            closed_on = min(campaign.end, self.today)
            self.plan_settlement(
                campaign, total - advance, balance_status, due=campaign.end + dt.timedelta(days=30),
                opened=min(campaign.start + dt.timedelta(days=1), self.today),
                issued=min(closed_on + dt.timedelta(days=r.randint(1, 5)), self.today),
            )

    def plan_settlement(
        self, campaign: _CampaignPlan, amount: Decimal, status: str, *, due: dt.date, opened: dt.date,
        issued: dt.date,
    ) -> None:
        """Queue one settlement, its tax invoice once invoiced, and its payment once paid."""
        r = self.rng
        settlement_id = self.new_id()
        paid_at = None
        if status == "paid":
            paid_at = self.at(min(issued + dt.timedelta(days=r.randint(2, 12)), self.today), hours=(10, 16))
        self.put(
            Settlement,
            id=settlement_id,
            campaign_id=campaign.id,
            brand_id=campaign.brand_id,
            amount=amount,
            status=status,
            due_date=due,
            completed_at=paid_at,
            created_at=self.at(opened),
        )
        if status == "pending":
            return
        tax, total = vat_for(amount)
        brand = campaign.brand
        self.put(
            TaxInvoice,
            settlement_id=settlement_id,
            invoice_number=None,  # numbered in issue order once every invoice is known
            business_number=self.brn(brand.key),
            company_name=brand.company,
            ceo_name=brand.ceo,
            address=brand.address,
            business_type=brand.business_type,
            business_item=brand.business_item,
            amount=amount,
            tax_amount=tax,
            total_amount=total,
            issued_date=issued,
            file_url=None,
            created_at=self.at(issued),
        )
        self.note(brand.owner, self.at(issued), "invoice", "세금계산서가 발행되었습니다",
                  f"'{campaign.title}' 정산 세금계산서 합계 {format_krw(total)}", campaign)
        if paid_at is None:
            return
        transaction_id = f"TXN{paid_at:%Y%m%d}-{r.getrandbits(24):06X}"
        self.put(
            Payment,
            settlement_id=settlement_id,
            payment_method=r.choice(_PAYMENT_METHODS),
            transaction_id=transaction_id,
            paid_amount=total,
            paid_at=paid_at,
            receipt_url=f"{FILES}/receipts/{transaction_id}.pdf",
            created_at=paid_at,
        )
        self.note("admin@circlue.demo", paid_at, "payment", "입금이 확인되었습니다",
                  f"{brand.company} {format_krw(total)} 입금 ({transaction_id})", campaign)

    def brn(self, brand_key: str) -> str:
        """The brand's 사업자등록번호: tax office 101-899, corporate code 81-88, serial, check digit."""
        if brand_key not in self.brns:
            r = self.rng
            digits = f"{r.randint(101, 899)}{r.randint(81, 88)}{r.randrange(10_000):04d}"
            self.brns[brand_key] = format_brn(digits + str(brn_check_digit(digits)))
        return self.brns[brand_key]

    # -- notifications -------------------------------------------------------------------------

    def note(
        self, email: str, when: dt.datetime, kind: str, title: str, message: str, campaign: _CampaignPlan | None
    ) -> None:
        """Remember a notification for a user at the time its event happened; the latest six are kept."""
        data = {"campaign_id": str(campaign.id)} if campaign else {}
        self.notes[email].append({"when": min(when, self.now), "type": kind, "title": title, "message": message,
                                  "data": data})

    def plan_notifications(self) -> None:
        """Queue each user's six latest notifications; those older than two days are mostly read."""
        r = self.rng
        for account in DEMO_ACCOUNTS:
            joined = self.now - dt.timedelta(days=r.randint(60, 120))
            self.note(account.email, joined, "system", "Circlue에 오신 것을 환영합니다",
                      "대시보드에서 캠페인 진행 상황과 성과를 한눈에 확인하세요.", None)
        for campaign in self.campaigns:
            owner = campaign.brand.owner
            recently = self.now - dt.timedelta(hours=r.randint(2, 72))
            if campaign.status == "submitted":
                for staff in ("admin@circlue.demo", "manager@circlue.demo"):
                    self.note(staff, campaign.created_at, "campaign", "신규 캠페인 검토 요청",
                              f"{campaign.brand.name}의 '{campaign.title}' 캠페인이 제출되었습니다.", campaign)
            if campaign.status in ("recruiting", "proposing"):
                self.note("manager@circlue.demo", recently, "deadline", "제안 마감 임박",
                          f"'{campaign.title}' 제안 마감일은 {campaign.deadline:%m월 %d일}입니다.", campaign)
                self.note(owner, recently, "proposal", "인플루언서 제안서가 도착했습니다",
                          f"'{campaign.title}' 캠페인에 새 제안서가 있습니다.", campaign)
            if campaign.status == "content-review":
                self.note(owner, recently, "content", "콘텐츠 검토 요청",
                          f"'{campaign.title}' 캠페인에 검토할 콘텐츠가 제출되었습니다.", campaign)
            if campaign.status == "live":
                went_live = self.at(campaign.start + dt.timedelta(days=3))
                self.note(owner, went_live, "campaign", "캠페인이 라이브되었습니다",
                          f"'{campaign.title}' 콘텐츠가 게시되었습니다. 성과 대시보드에서 확인하세요.", campaign)
        self.note("admin@circlue.demo", self.now, "system", "데모 데이터가 준비되었습니다",
                  f"브랜드 {len(_BRANDS)}곳, 캠페인 {len(self.campaigns)}건과 성과 데이터가 생성되었습니다.", None)
        for account in DEMO_ACCOUNTS:
            for note in sorted(self.notes[account.email], key=lambda n: n["when"])[-6:]:
                created = note["when"]
                read = created < self.now - dt.timedelta(days=2) and r.random() < 0.8
                self.put(
                    Notification,
                    user_id=self.user_ids[account.email],
                    type=note["type"],
                    title=note["title"],
                    message=note["message"],
                    data=note["data"],
                    is_read=read,
                    read_at=min(created + dt.timedelta(hours=r.randint(1, 30)), self.now) if read else None,
                    created_at=created,
                )

    def number_invoices(self) -> None:
        """Give tax invoices unique numbers, sequential per year in issue order (2026-000001)."""
        per_year: dict[int, int] = defaultdict(int)
        invoices = self.rows[TaxInvoice]
        for invoice in sorted(invoices, key=lambda i: (i["issued_date"], i["created_at"])):
            year = invoice["issued_date"].year
            per_year[year] += 1
            invoice["invoice_number"] = f"{year}-{per_year[year]:06d}"
            invoice["file_url"] = f"{FILES}/tax-invoices/{invoice['invoice_number']}.pdf"


class _ProgressBar:
    """`influencers  412000/1000000 [=====>     ] 41%` on stderr, redrawn in place."""

    def __init__(self, label: str, total: int, width: int = 30) -> None:
        self.label, self.total, self.width = label, max(total, 1), width

    def __call__(self, done: int) -> None:
        filled = self.width * done // self.total
        arrow = ">" if filled < self.width else ""
        bar = ("=" * filled + arrow).ljust(self.width)
        sys.stderr.write(f"\r{self.label}  {done}/{self.total} [{bar}] {100 * done // self.total}%")
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line."""
        sys.stderr.write("\n")
        sys.stderr.flush()


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------

_COUNTED = (
    User,
    Brand,
    Product,
    Persona,
    Influencer,
    Campaign,
    CampaignTargetContent,
    CampaignInfluencer,
    ContentPlan,
    ContentSubmission,
    ContentFile,
    ContentRevision,
    PerformanceMetric,
    CommentAnalysis,
    Settlement,
    TaxInvoice,
    Payment,
    AuditLog,
)


def _counts(session: Session, admin_id: uuid.UUID) -> dict[str, int]:
    """Rows per table as the admin sees them; notifications summed over their demo recipients."""
    set_actor(session, Actor(user_id=admin_id, role="admin"))
    counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0 for model in _COUNTED}
    users = session.execute(select(User.id, User.role).where(User.email.in_([a.email for a in DEMO_ACCOUNTS])))
    notifications = 0
    # Notifications are visible only to their recipient, staff included.
    for user_id, role in users.all():
        set_actor(session, Actor(user_id=user_id, role=role))
        notifications += session.scalar(select(func.count()).select_from(Notification)) or 0
    set_actor(session, Actor(user_id=admin_id, role="admin"))
    counts[Notification.__tablename__] = notifications
    return counts


def load_demo(
    *, engine: Engine | None = None, influencers: int = 300, seed: int = 20261124, progress: bool = False
) -> DemoResult:
    """Build the demo data set in one owner transaction (default engine: circlue.db.owner_engine()); idempotent."""
    if influencers < 20:
        raise ValueError("the demo needs at least 20 influencers")
    with operator_unit_of_work(engine=engine) as session:
        # Two first starts at once (two app processes) must not both build: the second waits, then finds it.
        session.execute(select(func.pg_advisory_xact_lock(_DEMO_LOCK_ID)))
        admin_id = session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
        created = admin_id is None
        if created:
            admin_id = _Builder(session, seed=seed, influencers=influencers, progress=progress).build()
        else:
            act_as_app(session, Actor(user_id=admin_id, role="admin"))
        return DemoResult(created=created, counts=_counts(session, admin_id))
