"""The pipeline's pages through AppTest: board, campaign page, creation, invitations, inbox (issue 6)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text

from circlue.db import unit_of_work
from circlue.repository import campaigns as campaigns_repo
from tests import test_pages, test_pipeline
from tests.conftest import actor_of

# The page fixtures of test_pages (a login cookie for the AppTest's browser, fresh caches) and the campaign factory
# of test_pipeline, shared rather than copied.
_fresh_caches = test_pages._fresh_caches
logged_in = test_pages.logged_in
make_campaign = test_pipeline.make_campaign

MANAGER, ADMIN, GLOW, LUMIERE = (
    "manager@circlue.demo", "admin@circlue.demo", "brand.glow@circlue.demo", "brand.lumiere@circlue.demo",
)
PAGES = ("views/pipeline.py", "views/campaign_new.py", "views/inbox.py", "views/campaign.py")


@pytest.fixture
def open_page(logged_in):
    """Log in through app.py (so st.navigation knows every page), then switch to a page, with query params."""

    def _open(email: str, page: str, lang: str = "ko", **query: str):
        at = logged_in(email, lang=lang).run()
        at.switch_page(page)
        at.query_params.update(query)
        at.run()
        # AppTest 1.67 keeps requesting the page given to switch_page() on every later run, so a page the script
        # itself switched to (st.switch_page after creating a campaign) would be left again; forget it, as a
        # browser does once the page is open.
        at._page_hash = ""
        return at

    return _open


def _board(at) -> str:
    """The board's HTML element (the one that holds the columns)."""
    return next(h.value for h in at.html if "cl-board" in h.value and "<section" in h.value)


def _columns(at) -> list[str]:
    return re.findall(r'data-status="([a-z-]+)"', _board(at))


def _titles(owner_engine, email: str | None = None, *, other_than: str | None = None) -> set[str]:
    with owner_engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT c.title FROM campaigns c JOIN brands b ON b.id = c.brand_id JOIN users u ON u.id = b.user_id"
                    " WHERE (CAST(:e AS text) IS NULL OR u.email = :e) AND (CAST(:o AS text) IS NULL OR u.email <> :o)"
                ),
                {"e": email, "o": other_than},
            ).scalars()
        )


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _move(at, campaign_id, to: str, note: str | None = None):
    """Pick a move in the campaign page's form (keyed by campaign and status), type a note, send it."""
    next(r for r in at.radio if r.key.startswith(f"move_to_{campaign_id}_")).set_value(to)
    if note is not None:
        next(a for a in at.text_area if a.key.startswith(f"move_note_{campaign_id}_")).input(note)
    return at.button(key=f"FormSubmitter:move_{campaign_id}-진행").click().run()


# -- every page, every role ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [MANAGER, GLOW, ADMIN])
@pytest.mark.parametrize("page", PAGES)
def test_pipeline_pages_render_for_every_role(open_page, email, page):
    at = open_page(email, page)
    assert not at.exception, at.exception
    assert not _errors(at)


def test_pages_render_in_english(open_page, make_campaign):
    campaign_id = make_campaign("recruiting")
    at = open_page(MANAGER, "views/campaign.py", lang="en", id=str(campaign_id))
    assert not at.exception
    assert "Next step" in [s.value for s in at.subheader]
    board = open_page(MANAGER, "views/pipeline.py", lang="en")
    assert "Recruiting" in _board(board) and "모집 중" not in _board(board)


# -- the board ----------------------------------------------------------------------------------------------------


def test_board_has_a_column_per_stage_in_workflow_order(open_page):
    from circlue.workflow import CAMPAIGN_STATUSES

    at = open_page(MANAGER, "views/pipeline.py")
    assert _columns(at) == list(CAMPAIGN_STATUSES)
    board = _board(at)
    assert "₩" in board and "cl-card" in board


def test_brand_sees_only_its_own_campaigns_on_the_board(open_page, owner_engine):
    at = open_page(GLOW, "views/pipeline.py")
    board = _board(at)
    own, others = _titles(owner_engine, GLOW), _titles(owner_engine, other_than=GLOW)
    assert any(title in board for title in own)
    assert not [title for title in others if title in board]
    assert "board_brand" not in [s.key for s in at.selectbox], "a brand user has no brand filter"
    table = open_page(GLOW, "views/pipeline.py")
    table.segmented_control(key="board_view").set_value("table").run()
    assert set(table.dataframe[0].value["브랜드"]) == {"글로우랩"}


def test_board_filters_stage_brand_text_and_ad_type(open_page, owner_engine, make_campaign):
    campaign_id = make_campaign("submitted", email=LUMIERE)
    with owner_engine.connect() as conn:
        title, brand_id = conn.execute(
            text("SELECT title, brand_id FROM campaigns WHERE id = :c"), {"c": campaign_id}
        ).one()
    at = open_page(MANAGER, "views/pipeline.py")
    at.multiselect(key="board_stages").set_value(["submitted", "recruiting"]).run()
    assert _columns(at) == ["submitted", "recruiting"]
    at.selectbox(key="board_brand").set_value(brand_id).run()
    board = _board(at)
    assert title in board and "글로우랩" not in board
    at.text_input(key="board_query").input("존재하지 않는 캠페인 제목").run()
    assert "cl-card" not in _board(at) and "캠페인 0건" in " ".join(c.value for c in at.caption)
    at.text_input(key="board_query").input("").run()
    at.selectbox(key="board_ad_type").set_value("live-commerce").run()
    assert title not in _board(at), "the test campaign is branding"


def test_board_date_range_keeps_campaigns_running_inside_it(open_page, make_campaign, owner_engine):
    make_campaign("recruiting")
    at = open_page(MANAGER, "views/pipeline.py")
    far = dt.date.today() + dt.timedelta(days=3650)
    at.date_input(key="board_period").set_value((far, far + dt.timedelta(days=1))).run()
    assert not at.exception
    assert "cl-card" not in _board(at)
    start = dt.date.today() + dt.timedelta(days=40)  # make_campaign runs from day 30 to day 60
    at.date_input(key="board_period").set_value((start, start)).run()
    assert test_pipeline._terms(None, None)["title"] in _board(at)


def test_board_opens_a_campaign_within_the_session(open_page, make_campaign):
    campaign_id = make_campaign("recruiting")
    at = open_page(MANAGER, "views/pipeline.py")
    at.selectbox(key="board_open").set_value(campaign_id).run()
    assert not at.exception
    assert at.header[0].value == "파이프라인 테스트 캠페인"
    assert at.query_params.get("id") == str(campaign_id)


def test_board_table_row_opens_its_campaign(open_page, make_campaign):
    make_campaign("recruiting")
    at = open_page(MANAGER, "views/pipeline.py")
    at.segmented_control(key="board_view").set_value("table").run()
    frame = at.dataframe[0].value
    assert {"상태", "제목", "브랜드", "예산", "단계 일수"} <= set(frame.columns)
    assert frame["예산"].str.startswith("₩").all()


def test_board_escapes_what_people_typed(open_page, owner_engine, make_campaign):
    campaign_id = make_campaign("creating")
    evil = '<img src=x onerror=alert(1)> <script>alert(2)</script> "quoted"'
    with owner_engine.begin() as conn:
        conn.execute(text("UPDATE campaigns SET title = :t WHERE id = :c"), {"t": evil, "c": campaign_id})
    at = open_page(MANAGER, "views/pipeline.py")
    board = _board(at)
    assert "&lt;img src=x onerror=alert(1)&gt;" in board and "<img" not in board and "<script" not in board


def test_board_runs_a_fixed_number_of_queries_whatever_the_rows(logged_in, owner_engine):
    """O(1) in campaigns: the same statements with 18 campaigns and with 218."""

    def board_run() -> list[str]:
        at = logged_in(MANAGER).run()
        at.switch_page("views/pipeline.py")
        return test_pages.run_counting_statements(at)

    before = board_run()
    with owner_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO campaigns (brand_id, product_id, title, budget, campaign_start_date, campaign_end_date,"
                " proposal_deadline) SELECT p.brand_id, p.id, 'bulk ' || g, 1000000, current_date + 10,"
                " current_date + 40, current_date + 5 FROM (SELECT * FROM products ORDER BY name LIMIT 1) p,"
                " generate_series(1, 200) g"
            )
        )
    try:
        after = board_run()
    finally:
        with owner_engine.begin() as conn:
            conn.execute(text("DELETE FROM campaigns WHERE title LIKE 'bulk %'"))
    # Session check, unread count, brands, the board's totals and cards: measured 9 with their set_configs.
    assert len(after) == len(before) <= 10, "\n".join(after)


# -- the campaign page --------------------------------------------------------------------------------------------


def test_campaign_page_shows_summary_track_and_history(open_page, make_campaign):
    campaign_id = make_campaign("recruiting")
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    html = " ".join(h.value for h in at.html)
    assert "cl-now" in html and "모집 중" in html
    assert "₩50,000,000" in html
    # Timeline: creating, then the moves the factory made.
    assert html.count("<li>") == 3
    assert [r.label for r in at.radio if r.key.startswith(f"move_to_{campaign_id}_")] == ["할 일"]
    assert at.get("plotly_chart"), "budget use chart"


def test_unknown_or_foreign_campaign_shows_a_message(open_page, make_campaign):
    at = open_page(MANAGER, "views/campaign.py", id="not-a-uuid")
    assert "보드나 알림에서 캠페인을 고르세요." in [i.value for i in at.info]
    # A Lumière campaign is not Glow's: RLS makes it not exist for them.
    campaign_id = make_campaign("submitted", email=LUMIERE)
    at = open_page(GLOW, "views/campaign.py", id=str(campaign_id))
    assert not at.exception
    assert any("찾을 수 없습니다" in w.value for w in at.warning)
    assert not at.header


def test_move_with_a_note_writes_history(open_page, make_campaign, owner_engine, users_by_email):
    campaign_id = make_campaign("submitted")
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    _move(at, campaign_id, "recruiting", "브랜드 승인 완료, 모집 시작")
    assert not at.exception, at.exception
    assert any("→ 모집 중" in s.value for s in at.success)
    with owner_engine.connect() as conn:
        last = conn.execute(
            text(
                "SELECT from_status, to_status, changed_by, note FROM campaign_status_history WHERE campaign_id = :c"
                " ORDER BY changed_at DESC LIMIT 1"
            ),
            {"c": campaign_id},
        ).one()
    assert tuple(last) == ("submitted", "recruiting", users_by_email[MANAGER], "브랜드 승인 완료, 모집 시작")
    assert "브랜드 승인 완료, 모집 시작" in " ".join(h.value for h in at.html), "the timeline shows the note"


def test_cancelling_needs_a_reason(open_page, make_campaign, owner_engine):
    campaign_id = make_campaign("submitted")
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    _move(at, campaign_id, "cancelled")
    assert "취소하려면 메모에 사유를 적어 주세요." in _errors(at)
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar() == "submitted"


def test_a_stale_move_form_is_told_to_reload(open_page, make_campaign, app_engine):
    campaign_id = make_campaign("submitted")
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    # Someone else moves it after the page was drawn; the form still says 'submitted'.
    with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
        campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to="recruiting", expected_status="submitted")
    _move(at, campaign_id, "cancelled", "중복 캠페인")
    assert not at.exception
    assert any("새로고침" in e for e in _errors(at)), _errors(at)


def test_brand_sees_only_its_moves(open_page, make_campaign):
    campaign_id = make_campaign("recruiting")
    at = open_page(GLOW, "views/campaign.py", id=str(campaign_id))
    assert not [r for r in at.radio if r.key.startswith(f"move_to_{campaign_id}_")]
    assert "이 단계의 다음 진행은 Circlue 담당자가 합니다." in [c.value for c in at.caption]
    assert not [m for m in at.multiselect if m.key.startswith("invite_pick")], "brands do not invite"


def _influencers(owner_engine, n: int) -> list[tuple[uuid.UUID, str]]:
    with owner_engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT id, name FROM influencers WHERE is_active ORDER BY followers DESC NULLS LAST LIMIT :n"),
                {"n": n},
            )
        ]


def _submit(at, form: str):
    """Click a form's submit button (AppTest keys it 'FormSubmitter:<form>-<label>')."""
    button = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}-"))
    return button.click().run()


def test_invitations_flow_on_the_campaign_page(open_page, make_campaign, owner_engine):
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    (first, first_name), (second, second_name) = _influencers(owner_engine, 2)
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    pick = next(m for m in at.multiselect if m.key.startswith("invite_pick"))
    pick.set_value([first, second])
    _submit(at, f"invite_{campaign_id}")
    assert not at.exception, at.exception
    assert any("2명을 초대했습니다" in s.value for s in at.success), [s.value for s in at.success]
    # Inviting again says who already was.
    pick = next(m for m in at.multiselect if m.key.startswith("invite_pick"))
    assert "이미 초대됨" in pick.format_func(first)
    pick.set_value([first])
    _submit(at, f"invite_{campaign_id}")
    assert any("이미 초대된 인플루언서" in s.value for s in at.success)

    with owner_engine.connect() as conn:
        invitation = conn.execute(
            text("SELECT id FROM campaign_influencers WHERE campaign_id = :c AND influencer_id = :i"),
            {"c": campaign_id, "i": first},
        ).scalar_one()
    at.selectbox(key=f"handle_{campaign_id}").set_value(invitation).run()
    key = str(invitation)
    at.number_input(key=f"fee_{key}").set_value(6_000_000)
    at.text_area(key=f"deliverables_{key}").input("小红书 图文笔记 1篇\n抖音 短视频 1条")
    at.text_area(key=f"terms_{key}").input("2차 활용 30일")
    _submit(at, f"proposal_{key}")
    assert any("제안을 기록했습니다" in s.value for s in at.success), _errors(at)
    key = str(invitation)
    assert at.number_input(key=f"ad_fee_{key}").value == 6_000_000, "the agreed fee starts at the proposed one"
    at.number_input(key=f"ad_fee_{key}").set_value(5_500_000)
    _submit(at, f"agree_{key}")
    assert any("₩5,500,000에 합의했습니다" in s.value for s in at.success), _errors(at)
    key = str(invitation)
    _submit(at, f"contract_{key}")
    assert any("계약했습니다" in s.value for s in at.success), _errors(at)
    with owner_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT status, proposed_fee, ad_fee, deliverables, production_start_date FROM campaign_influencers"
                " WHERE id = :i"
            ),
            {"i": invitation},
        ).one()
    assert row.status == "contracted" and row.proposed_fee == Decimal(6_000_000) and row.ad_fee == Decimal(5_500_000)
    assert row.deliverables == ["小红书 图文笔记 1篇", "抖音 短视频 1条"] and row.production_start_date is not None
    frame = at.dataframe[0].value
    assert set(frame["이름"]) == {first_name, second_name}
    assert "₩5,500,000" in set(frame["합의 금액"])
    # The second one declines.
    with owner_engine.connect() as conn:
        other = conn.execute(
            text("SELECT id FROM campaign_influencers WHERE campaign_id = :c AND influencer_id = :i"),
            {"c": campaign_id, "i": second},
        ).scalar_one()
    at.selectbox(key=f"handle_{campaign_id}").set_value(other).run()
    at.radio(key=f"invitation_to_{other}").set_value("declined")
    _submit(at, f"invitation_move_{other}")
    assert any(f"{second_name}: 거절" in s.value for s in at.success), _errors(at)


def test_a_bad_proposal_saves_nothing_and_says_why(open_page, make_campaign, owner_engine):
    campaign_id = make_campaign("recruiting")
    ((influencer, _),) = _influencers(owner_engine, 1)
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    next(m for m in at.multiselect if m.key.startswith("invite_pick")).set_value([influencer])
    _submit(at, f"invite_{campaign_id}")
    with owner_engine.connect() as conn:
        invitation = conn.execute(
            text("SELECT id FROM campaign_influencers WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar_one()
    at.selectbox(key=f"handle_{campaign_id}").set_value(invitation).run()
    _submit(at, f"proposal_{invitation}")  # no fee typed
    assert any("제안 금액" in e and "required" in e for e in _errors(at)), _errors(at)
    with owner_engine.connect() as conn:
        assert conn.execute(
            text("SELECT status FROM campaign_influencers WHERE id = :i"), {"i": invitation}
        ).scalar() == "invited"


def test_brand_confirms_only_within_budget_and_sees_both_figures(open_page, make_campaign, owner_engine, app_engine):
    campaign_id = make_campaign("recruiting", budget=10_000_000)
    first, second = test_pipeline._invite(app_engine, owner_engine, campaign_id, n=2)
    test_pipeline._walk_invitation(app_engine, first, agreed=Decimal(6_000_000))
    test_pipeline._walk_invitation(app_engine, second, agreed=Decimal(5_000_000))
    manager = actor_of(MANAGER)
    for current, target in (("recruiting", "proposing"), ("proposing", "revising")):
        with unit_of_work(manager, engine=app_engine) as session:
            campaigns_repo.advance_campaign(session, campaign_id=campaign_id, to=target, expected_status=current)
    at = open_page(GLOW, "views/campaign.py", id=str(campaign_id))
    assert any("₩11,000,000" in w.value and "₩10,000,000" in w.value for w in at.warning)
    _move(at, campaign_id, "confirmed")
    assert any("₩11,000,000" in e and "₩10,000,000" in e for e in _errors(at)), _errors(at)
    with owner_engine.begin() as conn:
        assert conn.execute(text("SELECT status FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar() == "revising"
        conn.execute(text("UPDATE campaigns SET budget = 12000000 WHERE id = :c"), {"c": campaign_id})
    at = open_page(GLOW, "views/campaign.py", id=str(campaign_id))
    assert any("₩11,000,000" in i.value for i in at.info), "the brand sees what confirming commits to"
    _move(at, campaign_id, "confirmed")
    assert any("→ 확정" in s.value for s in at.success), _errors(at)


def test_staff_edit_the_terms_and_a_stale_edit_is_refused(open_page, make_campaign, owner_engine):
    campaign_id = make_campaign("recruiting")
    at = open_page(MANAGER, "views/campaign.py", id=str(campaign_id))
    at.toggle(key=f"edit_on_{campaign_id}").set_value(True).run()
    budget = next(n for n in at.number_input if n.key.endswith("_budget"))
    assert budget.value == 50_000_000
    budget.set_value(60_000_000)
    form = next(b.key for b in at.button if b.key and b.key.startswith(f"FormSubmitter:edit_{campaign_id}"))
    at.button(key=form).click().run()
    assert any("저장했습니다" in s.value for s in at.success), _errors(at)
    with owner_engine.begin() as conn:
        assert conn.execute(text("SELECT budget FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar() == 60_000_000
        # Someone else saves meanwhile.
        conn.execute(text("UPDATE campaigns SET title = title || ' (수정)' WHERE id = :c"), {"c": campaign_id})
    budget = next(n for n in at.number_input if n.key.endswith("_budget"))
    budget.set_value(70_000_000)
    form = next(b.key for b in at.button if b.key and b.key.startswith(f"FormSubmitter:edit_{campaign_id}"))
    at.button(key=form).click().run()
    assert any("새로고침" in e for e in _errors(at)), _errors(at)
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT budget FROM campaigns WHERE id = :c"), {"c": campaign_id}).scalar() == 60_000_000
