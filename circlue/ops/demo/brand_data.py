"""The four demo brands, their products, and the Chinese customer personas each kind of brand targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProductSpec:
    """One product of a demo brand, with its Chinese name for influencer copy."""

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
class BrandSpec:
    """One demo brand: its company record for tax invoices, its China plan, and its products."""

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
    products: tuple[ProductSpec, ...]


BRANDS: tuple[BrandSpec, ...] = (
    BrandSpec(
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
            ProductSpec(
                "시카 카밍 토너", "积雪草舒缓爽肤水", "200ml", 22000, "토너", "female", "20-29",
                "붉어지고 예민해진 피부를 빠르게 진정시키는 약산성 토너",
                "병풀추출물 70%, 판테놀, 마데카소사이드, 알란토인",
                "세안 후 화장솜이나 손바닥에 덜어 피부 결을 따라 가볍게 두드려 흡수시킵니다.",
                "붉은기 진정, 피부 장벽 강화, 수분 공급",
                "병풀추출물 70% 함유, 민감성 피부 임상 완료(자극 지수 0.00)",
            ),
            ProductSpec(
                "히알루론 7중 수분 세럼", "七重玻尿酸补水精华", "50ml", 32000, "세럼", "unisex", "20-34",
                "속건조까지 채우는 가벼운 워터 제형의 수분 세럼",
                "7종 히알루론산 복합체, 베타인, 세라마이드NP",
                "토너 후 2~3방울을 얼굴 전체에 펴 바릅니다.",
                "속건조 개선, 72시간 보습 지속",
                "분자 크기가 다른 7가지 히알루론산이 피부 층층이 수분을 채웁니다",
            ),
            ProductSpec(
                "비타C 브라이트닝 앰플", "维C亮肤安瓶", "30ml", 38000, "앰플", "female", "25-34",
                "칙칙한 피부 톤을 맑게 밝혀 주는 고농축 비타민 앰플",
                "순수 비타민C 15%, 나이아신아마이드 5%, 비타민E",
                "저녁 세안 후 2방울을 얼굴에 흡수시키고, 아침에는 자외선 차단제를 꼭 사용합니다.",
                "톤 업, 잡티 완화, 광채",
                "안정화 공법으로 산화를 막은 순수 비타민C 15%",
            ),
            ProductSpec(
                "세라마이드 장벽 크림", "神经酰胺屏障面霜", "50ml", 29000, "크림", "unisex", "25-39",
                "무너진 피부 장벽을 세우는 고보습 장벽 크림",
                "세라마이드 5종, 콜레스테롤, 스쿠알란, 시어버터",
                "스킨케어 마지막 단계에 적당량을 얼굴 전체에 부드럽게 펴 바릅니다.",
                "피부 장벽 회복, 보습막 형성, 건조함 완화",
                "피부 지질 구조와 같은 비율로 배합한 세라마이드",
            ),
            ProductSpec(
                "마일드 선크림 SPF50+ PA++++", "温和物理防晒霜", "50ml", 19800, "선케어", "unisex", "18-34",
                "백탁 없이 촉촉하게 마무리되는 무기자차 선크림",
                "징크옥사이드, 티타늄디옥사이드, 병풀추출물",
                "외출 30분 전 스킨케어 마지막 단계에 충분한 양을 바릅니다.",
                "자외선 차단, 톤 보정",
                "무기자차인데도 백탁 없는 촉촉한 마무리",
            ),
        ),
    ),
    BrandSpec(
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
            ProductSpec(
                "벨벳 블러 틴트", "丝绒雾面唇釉", "4g", 16000, "립", "female", "18-29",
                "보송하게 블러 처리되는 소프트 매트 립 틴트(12가지 컬러)",
                "실리카, 호호바씨오일, 비타민E",
                "입술 안쪽부터 바른 뒤 손가락으로 펴 발라 그라데이션을 연출합니다.",
                "블러 마무리, 8시간 지속",
                "묻어남을 줄인 소프트 매트 텍스처, 12가지 MLBB 컬러",
            ),
            ProductSpec(
                "글래스 스킨 쿠션 SPF40", "水光气垫", "15g x 2", 34000, "베이스", "female", "20-34",
                "물광 피부를 완성하는 촉촉한 커버 쿠션(리필 포함)",
                "나이아신아마이드, 히알루론산, 티타늄디옥사이드",
                "퍼프에 가볍게 묻혀 얼굴 중앙에서 바깥 방향으로 두드려 줍니다.",
                "물광 피부 표현, 커버력, 미백 기능성",
                "24시간 무너짐 없는 글래스 피니시, 리필 포함 구성",
            ),
            ProductSpec(
                "데일리 무드 아이섀도우 팔레트", "日常氛围九色眼影盘", "9g", 29000, "아이", "female", "18-29",
                "매트·쉬머·글리터로 구성한 9색 데일리 팔레트",
                "마이카, 탤크, 스쿠알란",
                "브러시로 베이스 컬러를 펴 바른 뒤 포인트 컬러로 음영을 더합니다.",
                "선명한 발색, 밀착력, 적은 가루날림",
                "서울의 계절감을 담은 9색 구성",
            ),
            ProductSpec(
                "롱래스팅 브로우 펜슬", "持久细芯眉笔", "0.3g", 12000, "아이브로우", "unisex", "20-39",
                "땀과 물에 강한 1.5mm 초슬림 브로우 펜슬",
                "세레신, 카나우바왁스, 토코페롤",
                "눈썹 결을 따라 짧게 그린 뒤 스크류 브러시로 빗어 자연스럽게 연출합니다.",
                "하루 종일 지속, 자연스러운 결 표현",
                "1.5mm 초슬림 심으로 한 올 한 올 표현",
            ),
        ),
    ),
    BrandSpec(
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
            ProductSpec(
                "오버핏 울 블렌드 코트", "廓形羊毛混纺大衣", "1벌", 189000, "아우터", "female", "25-34",
                "캐시미어 10%를 섞은 미니멀 오버핏 롱코트",
                "울 50%, 폴리에스터 40%, 캐시미어 10%",
                "드라이클리닝을 권장하며 두꺼운 옷걸이에 걸어 보관합니다.",
                "보온성, 체형 커버, 미니멀 실루엣",
                "캐시미어 10% 블렌드, 성수동 아틀리에 디자인",
            ),
            ProductSpec(
                "와이드 데님 팬츠", "高腰阔腿牛仔裤", "1벌", 59000, "하의", "female", "18-29",
                "다리가 길어 보이는 하이웨이스트 와이드 데님",
                "면 98%, 스판덱스 2%",
                "뒤집어서 찬물에 단독 세탁합니다.",
                "다리 라인 보정, 편안한 착용감",
                "하이웨이스트 와이드 핏, 기장 3종 선택",
            ),
            ProductSpec(
                "케이블 니트 가디건", "麻花针织开衫", "1벌", 69000, "니트", "female", "20-29",
                "크롭 기장과 볼륨 소매의 케이블 니트 가디건",
                "아크릴 60%, 울 30%, 나일론 10%",
                "울 코스로 손세탁한 뒤 뉘어서 건조합니다.",
                "레이어드 활용, 보온",
                "크롭 기장과 볼륨 소매로 완성한 서울 무드",
            ),
            ProductSpec(
                "레더 미니 숄더백", "真皮迷你单肩包", "1개", 89000, "가방", "female", "20-34",
                "국내 장인이 수작업으로 만든 소가죽 미니 숄더백",
                "소가죽 100%, 면 안감",
                "가죽 전용 클리너로 관리하고 더스트백에 넣어 보관합니다.",
                "데일리 수납, 스타일 포인트",
                "국내 장인 수작업, 탈착 스트랩 2종 제공",
            ),
        ),
    ),
    BrandSpec(
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
            ProductSpec(
                "찹쌀 김부각 오리지널", "糯米海苔脆片", "50g", 4500, "스낵", "unisex", "20-39",
                "찹쌀풀을 두 번 입혀 바삭하게 구운 전통 김부각",
                "김(국산), 찹쌀, 해바라기유, 참깨, 천일염",
                "개봉 후 바로 드시고, 남은 제품은 지퍼를 닫아 보관합니다.",
                "바삭한 식감, 간식·안주",
                "전통 방식으로 찹쌀풀을 두 번 입혀 구운 김부각",
            ),
            ProductSpec(
                "매콤 떡볶이 스낵", "韩式炒年糕米饼", "80g", 3500, "스낵", "unisex", "18-29",
                "국내산 쌀로 만든 매콤달콤 떡볶이 맛 쌀과자",
                "쌀가루(국산), 고추장 시즈닝, 물엿",
                "그대로 드시거나 전자레인지에 10초 데우면 더 바삭합니다.",
                "매콤달콤한 한국 분식 맛",
                "국내산 쌀 100%로 만든 떡볶이 맛 쌀과자",
            ),
            ProductSpec(
                "개성 약과 선물세트", "开城药果礼盒", "12개입", 25000, "전통과자", "unisex", "25-44",
                "3대째 이어 온 개성식 모약과 선물세트",
                "밀가루, 조청, 참기름, 생강즙",
                "실온에 보관하고 차와 함께 드시면 좋습니다.",
                "전통 디저트, 선물용",
                "3대째 이어 온 개성식 모약과, 고급 선물 패키지",
            ),
            ProductSpec(
                "고흥 유자차", "高兴柚子茶", "1kg", 18000, "차", "unisex", "25-44",
                "고흥산 유자를 껍질째 50% 담은 유자청",
                "유자(고흥산) 50%, 설탕, 꿀",
                "유자청 2~3스푼을 뜨거운 물이나 탄산수에 타서 드세요.",
                "비타민C 보충, 환절기 건강",
                "전남 고흥산 유자 껍질째 50% 함유",
            ),
            ProductSpec(
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

PERSONAS: dict[str, tuple[dict[str, Any], ...]] = {
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
