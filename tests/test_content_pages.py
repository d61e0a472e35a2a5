"""The review queue and production pages through AppTest: who sees what, one click approves, bad input explained."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import actor_of, statements_sent
from tests.content_helpers import new_submission, own_content, pair_of
from tests.test_pages import logged_in  # noqa: F401 - the fixture

GLOW, ADMIN, MANAGER = "brand.glow@circlue.demo", "admin@circlue.demo", "manager@circlue.demo"


def _rounds(owner_engine, submission_id) -> list[tuple]:
    with owner_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            text("SELECT revision_number, status, feedback FROM content_revisions WHERE submission_id = :s"
                 " ORDER BY revision_number"), {"s": submission_id})]


def test_admin_opens_the_oldest_item_and_approves_it_in_one_click(logged_in, app_engine, owner_engine):  # noqa: F811
    with own_content(owner_engine) as made:
        submission_id = new_submission(actor_of(MANAGER), app_engine, pair_of(owner_engine, GLOW), sent=True,
                                       caption="姐妹们冲！#韩国护肤")
        made.append(submission_id)
        at = logged_in(ADMIN, page="views/review.py").run()
        assert not at.exception, at.exception
        options = at.selectbox(key="review_item").options
        assert len(options) >= 2, "the demo keeps items waiting"
        at.selectbox(key="review_item").set_value(f"submission:{submission_id}").run()
        assert any("姐妹们冲" in m.value for m in at.markdown)
        assert at.get("imgs") or at.get("image"), "the uploaded picture is shown"
        at.button(key="review_approve").click().run()
        assert not at.exception
        assert any("1차 검토: 승인했습니다." in s.value for s in at.success), [e.value for e in (*at.error, *at.success)]
        assert _rounds(owner_engine, submission_id) == [(1, "approved", None)]
        assert f"submission:{submission_id}" not in at.selectbox(key="review_item").options


def test_a_change_request_needs_feedback_and_brands_cannot_approve(logged_in, app_engine, owner_engine):  # noqa: F811
    with own_content(owner_engine) as made:
        submission_id = new_submission(actor_of(MANAGER), app_engine, pair_of(owner_engine, GLOW), sent=True)
        made.append(submission_id)
        at = logged_in(GLOW, page="views/review.py").run()
        assert not at.exception
        assert not [b for b in at.button if b.key == "review_approve"], "brands do not approve"
        at.selectbox(key="review_item").set_value(f"submission:{submission_id}").run()
        at.button[-1].click().run()  # the form's "request changes" with an empty box
        assert any("무엇을 고쳐야 하는지" in e.value for e in at.error)
        assert _rounds(owner_engine, submission_id) == []
        at.text_area(key="review_feedback").input("패키지 정면이 3초 이상 보이게 해 주세요")
        at.button[-1].click().run()
        assert not at.exception
        assert _rounds(owner_engine, submission_id) == [(1, "revision-requested", "패키지 정면이 3초 이상 보이게 해 주세요")]


def test_a_brand_queue_holds_only_its_own_campaigns(logged_in, app_engine, owner_engine, users_by_email):  # noqa: F811
    manager = actor_of(MANAGER)
    with own_content(owner_engine) as made:
        made.append(new_submission(manager, app_engine, pair_of(owner_engine, GLOW), sent=True))
        made.append(new_submission(manager, app_engine, pair_of(owner_engine, "brand.lumiere@circlue.demo"), sent=True))
        at = logged_in(GLOW, page="views/review.py").run()
        assert not at.exception
        at.toggle(key="review_show_table").set_value(True).run()
        queue = at.dataframe[-1].value
        with owner_engine.connect() as conn:
            waiting = conn.execute(text(
                "SELECT count(*) FROM (SELECT campaign_id FROM content_plans WHERE status = 'submitted' UNION ALL"
                " SELECT campaign_id FROM content_submissions WHERE status = 'submitted') x"
                " JOIN campaigns c ON c.id = x.campaign_id JOIN brands b ON b.id = c.brand_id WHERE b.user_id = :u"),
                {"u": users_by_email[GLOW]}).scalar()
        assert set(queue["브랜드"]) == {"글로우랩"} and len(queue) == waiting
        at.selectbox(key="review_item").set_value(f"submission:{made[0]}").run()
        assert not at.exception
        assert "review_filter_brand" not in [s.key for s in at.selectbox]


def test_managers_ask_for_changes_but_do_not_approve(logged_in):  # noqa: F811
    at = logged_in(MANAGER, page="views/review.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "review_approve"]
    assert any("최종 승인은 관리자만" in c.value for c in at.caption)


@pytest.mark.parametrize(("email", "budget"), [(ADMIN, 8), (GLOW, 8)])
def test_the_review_page_runs_a_fixed_number_of_queries(logged_in, email, budget):  # noqa: F811
    """Session check, filters, the queue page, the item and its rounds (and files): not one per item."""
    from circlue.db import app_engine

    at = logged_in(email, page="views/review.py")
    with statements_sent(app_engine()) as statements:
        at.run()
    assert not at.exception
    assert 0 < len(statements) <= budget, "\n".join(statements)


def test_home_pages_count_what_waits_and_link_to_the_queue(logged_in):  # noqa: F811
    for email, label in ((ADMIN, "검토 대기 콘텐츠"), (GLOW, "검토 대기 콘텐츠")):
        at = logged_in(email).run()
        assert not at.exception
        assert label in [m.label for m in at.metric]
        links = at.get("page_link")
        assert any("review" in str(link.proto.page) for link in links), links


def test_staff_plan_form_explains_each_bad_field_and_saves_a_good_plan(logged_in, owner_engine):  # noqa: F811
    at = logged_in(MANAGER, page="views/content.py").run()
    assert not at.exception, at.exception
    pair = at.selectbox(key="production_pair").value
    campaign_id, influencer_id = pair.split(":")
    at.selectbox(key="new_plan_type").set_value("video").run()
    at.text_input(key="new_plan_hook").input("")
    at.text_area(key="new_plan_scenes").input("开场 | 5\n试用 | 10")
    at.text_area(key="new_plan_script").input("姐妹们看过来")
    at.text_input(key="new_plan_call_to_action").input("评论区抽3位送正装")
    at.number_input(key="new_plan_total_seconds").set_value(20)
    create = next(b for b in at.button if b.label == "만들기")
    create.click().run()
    assert not at.exception
    assert "비워 둘 수 없습니다" in " ".join(c.value for c in at.caption), "the empty hook, under its field"
    assert at.text_area(key="new_plan_scenes").value == "开场 | 5\n试用 | 10", "what was typed is kept"
    at.text_input(key="new_plan_hook").input("听听这个声音！")
    next(b for b in at.button if b.label == "만들기").click().run()
    assert "the scenes add up to 15 s" in " ".join(c.value for c in at.caption), "the total, under its field"
    at.number_input(key="new_plan_total_seconds").set_value(15)
    next(b for b in at.button if b.label == "만들기").click().run()
    assert not at.exception
    with owner_engine.begin() as conn:
        made = conn.execute(text(
            "SELECT id, plan_data->>'hook', status FROM content_plans WHERE campaign_id = :c AND influencer_id = :i"
            " AND plan_data->>'hook' = '听听这个声音！'"), {"c": campaign_id, "i": influencer_id}).all()
        conn.execute(text("DELETE FROM content_plans WHERE id = ANY(:ids)"), {"ids": [r[0] for r in made]})
    assert [(r[1], r[2]) for r in made] == [("听听这个声音！", "draft")]
