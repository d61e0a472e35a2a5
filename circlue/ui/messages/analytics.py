"""Messages of the performance dashboard, campaign comparison, metrics import and comment import pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.performance": {"ko": "성과", "en": "Performance"},
    "nav.compare": {"ko": "캠페인 비교", "en": "Compare campaigns"},
    "nav.metrics_import": {"ko": "성과 데이터 가져오기", "en": "Import metrics"},
    "perf.title": {"ko": "성과 대시보드", "en": "Performance dashboard"},
    "perf.range": {"ko": "기간", "en": "Date range"},
    "perf.presets": {"ko": "빠른 기간 선택", "en": "Quick ranges"},
    "perf.last_days": {"ko": "최근 {n}일", "en": "Last {n} days"},
    "perf.campaigns": {"ko": "캠페인 (비우면 전체)", "en": "Campaigns (empty: all)"},
    "perf.compared": {
        "ko": "{start} ~ {end}, 직전 같은 기간({pstart} ~ {pend})과 비교",
        "en": "{start} to {end}, against the {days} days before ({pstart} to {pend})",
    },
    "perf.summary": {
        "ko": "이 기간 **{spend}** 집행으로 조회 **{views}**회, 참여 **{engagements}**회(참여당 {cpe}), "
        "매출 **{sales}**(ROAS {roas})를 얻었습니다.",
        "en": "This period **{spend}** spent bought **{views}** views and **{engagements}** engagements "
        "({cpe} each) and **{sales}** in sales (ROAS {roas}).",
    },
    "perf.pick_range": {"ko": "시작일과 종료일을 모두 고르세요.", "en": "Pick both a start and an end date."},
    "perf.empty": {
        "ko": "이 기간에는 성과 데이터가 없습니다. 기간이나 캠페인을 바꿔 보세요.",
        "en": "No metrics in this period. Try another date range or campaign.",
    },
    "perf.views": {"ko": "조회수", "en": "Views"},
    "perf.engagements": {"ko": "참여수", "en": "Engagements"},
    "perf.engagement_rate": {"ko": "참여율", "en": "Engagement rate"},
    "perf.spend": {"ko": "집행 비용", "en": "Spend"},
    "perf.cpe": {"ko": "참여당 비용(CPE)", "en": "Cost per engagement"},
    "perf.cpm": {"ko": "CPM", "en": "CPM"},
    "perf.sales": {"ko": "매출", "en": "Sales"},
    "perf.roas": {"ko": "ROAS", "en": "ROAS"},
    "perf.roi": {"ko": "ROI", "en": "ROI"},
    "perf.clicks": {"ko": "클릭", "en": "Clicks"},
    "perf.conversions": {"ko": "전환(주문)", "en": "Conversions (orders)"},
    "perf.help.engagement": {
        "ko": "참여수 ÷ 조회수. 샤오홍슈는 좋아요+저장+댓글, 도우인·웨이보·빌리빌리는 공유도 포함합니다.",
        "en": "Engagements ÷ views. Xiaohongshu counts likes + saves + comments; Douyin, Weibo and Bilibili "
        "add shares.",
    },
    "perf.help.spend": {
        "ko": "캠페인 계약 금액을 캠페인 기간(시작일~종료일)에 고르게 나눈 것 중 이 기간의 몫",
        "en": "The campaigns' agreed fees spread evenly over each campaign's days (start to end): this period's part",
    },
    "perf.help.roas": {"ko": "매출 ÷ 집행 비용 (1원당 매출)", "en": "Sales ÷ spend (sales per ₩1 spent)"},
    "perf.over_time": {"ko": "일별 조회수와 참여", "en": "Views and engagement by day"},
    "perf.by_influencer": {"ko": "인플루언서별 비교", "en": "By influencer"},
    "perf.by_platform": {"ko": "플랫폼별", "en": "By platform"},
    "perf.funnel": {"ko": "전환 퍼널", "en": "Funnel"},
    "perf.funnel_sales": {"ko": "매출 {sales}", "en": "Sales {sales}"},
    "perf.top_content": {"ko": "성과 상위 콘텐츠", "en": "Top content"},
    "perf.open": {"ko": "열기", "en": "Open"},
    "perf.sentiment": {"ko": "댓글 반응", "en": "Comment sentiment"},
    "perf.sentiment_over_time": {"ko": "일별 댓글 감성", "en": "Sentiment by day"},
    "perf.topics": {"ko": "자주 나온 키워드", "en": "Topics"},
    "perf.positive_examples": {"ko": "긍정 댓글 예시", "en": "Positive comments"},
    "perf.negative_examples": {"ko": "부정 댓글 예시", "en": "Negative comments"},
    "perf.intent": {"ko": "구매 의향 댓글 비율", "en": "Purchase-intent comments"},
    "perf.no_sentiment": {
        "ko": "이 기간의 댓글 분석이 아직 없습니다.",
        "en": "No comment analysis for this period yet.",
    },
    "perf.positive": {"ko": "긍정", "en": "Positive"},
    "perf.negative": {"ko": "부정", "en": "Negative"},
    "perf.neutral": {"ko": "중립", "en": "Neutral"},
    "perf.score": {"ko": "감성 점수", "en": "Sentiment score"},
    "perf.export": {"ko": "데이터 내보내기", "en": "Export the data"},
    "perf.export_csv": {"ko": "CSV 다운로드", "en": "Download CSV"},
    "perf.export_xlsx": {"ko": "Excel 다운로드", "en": "Download Excel"},
    "perf.export_note": {
        "ko": "차트는 오른쪽 위 카메라 아이콘으로 PNG로 저장할 수 있습니다.",
        "en": "Save any chart as PNG with the camera icon at its top right.",
    },
    "perf.vs_previous": {"ko": "직전 기간 대비", "en": "vs previous period"},
    "col.date": {"ko": "날짜", "en": "Date"},
    "col.views": {"ko": "조회수", "en": "Views"},
    "col.engagements": {"ko": "참여수", "en": "Engagements"},
    "col.er": {"ko": "참여율", "en": "Engagement"},
    "col.spend": {"ko": "비용", "en": "Spend"},
    "col.cpe": {"ko": "CPE", "en": "CPE"},
    "col.cpm": {"ko": "CPM", "en": "CPM"},
    "col.sales": {"ko": "매출", "en": "Sales"},
    "col.roas": {"ko": "ROAS", "en": "ROAS"},
    "col.roi": {"ko": "ROI", "en": "ROI"},
    "col.link": {"ko": "링크", "en": "Link"},
    "compare.title": {"ko": "캠페인 비교", "en": "Campaigns side by side"},
    "compare.pick": {"ko": "비교할 캠페인 (비우면 전체)", "en": "Campaigns to compare (empty: all)"},
    "compare.empty": {
        "ko": "이 기간에 성과가 있는 캠페인이 없습니다.", "en": "No campaign has metrics in this period."
    },
    "imp.title": {"ko": "성과 데이터 가져오기", "en": "Import metrics"},
    "imp.intro": {
        "ko": "플랫폼에서 내보낸 파일이나 직접 관리하는 CSV·Excel 파일을 올리세요. 첫 행은 아래 열 이름입니다. "
        "같은 파일을 두 번 올려도 데이터는 한 번만 들어갑니다(같은 캠페인·인플루언서·플랫폼·날짜의 행은 갱신). "
        "파일에 없는 열이나 빈 칸은 저장된 값을 지우지 않습니다: 예를 들어 키 열과 sales_amount만 있는 파일은 매출만 "
        "더합니다.",
        "en": "Upload a CSV or Excel file as exported from a platform or kept by hand; its first row holds the column "
        "names below. Uploading the same file twice stores it once (a row with the same campaign, influencer, "
        "platform and date is updated). A column the file leaves out, or an empty cell, keeps the stored value: a "
        "file of the key columns and sales_amount adds sales and nothing else.",
    },
    "imp.template_csv": {"ko": "CSV 양식 받기", "en": "Download CSV template"},
    "imp.template_xlsx": {"ko": "Excel 양식 받기", "en": "Download Excel template"},
    "imp.pick_note": {
        "ko": "캠페인과 인플루언서를 여기서 이름으로 고르면, 파일의 campaign_id·influencer_id 칸은 비워 둬도 됩니다.",
        "en": "Pick the campaign and influencer by name here and the file may leave campaign_id and influencer_id "
        "empty.",
    },
    "imp.pick": {"ko": "캠페인 · 인플루언서 (선택)", "en": "Campaign · influencer (optional)"},
    "imp.none": {"ko": "— 파일의 ID를 사용 —", "en": "— use the ids in the file —"},
    "imp.file": {"ko": "파일 (.csv, .xlsx)", "en": "File (.csv, .xlsx)"},
    "imp.skip_bad": {
        "ko": "문제가 있는 행은 건너뛰고 나머지를 가져오기",
        "en": "Import the good rows and skip the bad ones",
    },
    "imp.submit": {"ko": "가져오기", "en": "Import"},
    "imp.reading": {"ko": "{n:,}행 읽는 중…", "en": "Reading row {n:,}…"},
    "imp.done": {
        "ko": "{file}: 새로 {inserted:,}행, 갱신 {updated:,}행, 변화 없음 {unchanged:,}행, 건너뜀 {skipped:,}행",
        "en": "{file}: {inserted:,} new, {updated:,} updated, {unchanged:,} unchanged, {skipped:,} skipped",
    },
    "imp.refused": {
        "ko": "{n:,}개 행에 문제가 있어 아무것도 가져오지 않았습니다. "
        "파일을 고치거나, 아래 선택 후 좋은 행만 가져오세요.",
        "en": "{n:,} row(s) have problems, so nothing was imported. Fix the file, or tick the box to import the good "
        "rows only.",
    },
    "imp.problems": {"ko": "문제가 있는 행", "en": "Rows with problems"},
    "imp.history": {"ko": "최근 가져오기", "en": "Recent imports"},
    "col.file": {"ko": "파일", "en": "File"},
    "col.inserted": {"ko": "새로", "en": "New"},
    "col.updated": {"ko": "갱신", "en": "Updated"},
    "col.unchanged": {"ko": "변화 없음", "en": "Unchanged"},
    "col.skipped": {"ko": "건너뜀", "en": "Skipped"},
    "col.dates": {"ko": "기간", "en": "Dates"},
    "col.line": {"ko": "행", "en": "Line"},
    "col.problem": {"ko": "문제", "en": "Problem"},
    "cmt.title": {"ko": "댓글 가져오기와 감성 분석", "en": "Import comments and analyse sentiment"},
    "cmt.intro": {
        "ko": "콘텐츠 하나의 댓글 CSV(platform, post, text, date, likes)를 올리면 브랜드 관점에서 긍정·부정·중립으로 "
        "분류하고 날짜별로 집계합니다. post 칸은 게시물 주소나 제출물 ID입니다"
        "(아래에서 콘텐츠를 고르면 비워 둬도 됩니다).",
        "en": "Upload one piece of content's comments as CSV (platform, post, text, date, likes): each is classified "
        "positive, negative or neutral from the brand's side and the results are totalled by day. post is the "
        "post's URL or the submission id (leave it empty when you pick the content below).",
    },
    "cmt.content": {"ko": "콘텐츠", "en": "Content"},
    "cmt.file": {"ko": "댓글 CSV", "en": "Comments CSV"},
    "cmt.submit": {"ko": "댓글 분석하기", "en": "Analyse comments"},
    "cmt.classifying": {"ko": "댓글 {done:,}/{total:,}개 분류 중…", "en": "Classifying comment {done:,} of {total:,}…"},
    "cmt.done": {
        "ko": "댓글 {total:,}개(새로 {new:,}개): 긍정 {pos:,} · 부정 {neg:,} · 중립 {neu:,}, 분석 {days:,}일",
        "en": "{total:,} comments ({new:,} new): {pos:,} positive · {neg:,} negative · {neu:,} neutral, "
        "{days:,} day(s) analysed",
    },
    "cmt.template": {"ko": "댓글 CSV 양식 받기", "en": "Download comments template"},
}
