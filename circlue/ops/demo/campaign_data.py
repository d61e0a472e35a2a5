"""What campaigns say: titles by season and ad type, deliverables per platform, contract terms, payment methods."""

DELIVERABLES = {
    "douyin": ("抖音短视频 1条", "抖音短视频 2条"),
    "xiaohongshu": ("小红书图文笔记 1篇", "小红书视频笔记 1条"),
    "weibo": ("微博图文 1条", "微博转发抽奖 1次"),
    "bilibili": ("B站视频 1支（3分钟以上）", "B站动态 1条"),
}
LIVE_DELIVERABLES = {
    "douyin": "抖音直播带货 1场（2小时）",
    "xiaohongshu": "小红书直播 1场",
    "weibo": "微博直播 1场",
    "bilibili": "B站直播 1场",
}
# What the history says of the demo's cancelled campaigns (a cancellation always carries a note).
CANCEL_NOTE = "브랜드 요청으로 취소: 중국 출시 일정이 다음 분기로 미뤄짐"

TERMS = (
    "게시 후 30일간 삭제 금지",
    "2차 활용(브랜드 공식 계정·광고 소재) 90일 허용",
    "게시 전 14일·후 30일 경쟁 브랜드 노출 금지",
    "본문에 Tmall Global 구매 링크 삽입 필수",
    "광고 표기(#广告) 필수, 중국 광고법 준수",
    "라이브 중 브랜드 쿠폰 코드 3회 이상 안내",
)
SEASONS = {
    1: "겨울", 2: "겨울", 3: "봄", 4: "봄", 5: "봄", 6: "618", 7: "여름", 8: "여름",
    9: "가을", 10: "가을", 11: "双11", 12: "연말",
}
BRANDING_TITLES = (
    "{product} 샤오홍슈 시딩 캠페인",
    "{brand} 중국 인지도 캠페인: {product}",
    "{season} {product} 체험단(体验官) 캠페인",
    "{product} KOL 리뷰 브랜딩 캠페인",
)
LIVE_TITLES = (
    "{product} 더우인 라이브커머스 특가전",
    "{season} {product} 라이브 판매전",
    "{brand} x 왕홍 라이브: {product}",
)
# Codes of circlue.schemas.settlements.PAYMENT_METHODS, bank transfers most often.
PAYMENT_METHODS = ("bank-transfer", "bank-transfer", "corporate-card", "virtual-account")
