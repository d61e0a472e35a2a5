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


# -- Review fixes: a missing file, an emptied later page, what changed, file names as text ------------------------


def _sent_with_a_gone_picture(app_engine, owner_engine, made: list) -> str:
    """A submission waiting for review whose only picture (and thumbnail) is no longer on the disk."""
    from circlue import media
    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from circlue.schemas.content import CaptionInput
    from tests.content_helpers import png

    manager, pair = actor_of(MANAGER), pair_of(owner_engine, GLOW)
    stored = media.store(png(size=(71, 53), color=(1, 2, 3)), "gone.png")
    with unit_of_work(manager, engine=app_engine) as session:
        submission_id = content_review.create_submission(
            session, campaign_id=pair[0], influencer_id=pair[1], content_type="image",
            caption=CaptionInput(caption="文件被删了"))
        content_review.add_file(session, submission_id=submission_id, stored=stored)
        content_review.send_for_review(session, kind="submission", item_id=submission_id, expected_status="draft")
    made.append(submission_id)
    media.discard([stored.thumbnail_url, stored.file_url])
    return submission_id


def test_a_file_missing_from_disk_is_a_note_not_a_crash(logged_in, app_engine, owner_engine):  # noqa: F811
    """st.image raised Streamlit's MediaFileStorageError (not an OSError): the review page crashed on load for
    every reviewer when the oldest item's file was gone, and the production page too."""
    with own_content(owner_engine) as made:
        submission_id = _sent_with_a_gone_picture(app_engine, owner_engine, made)
        at = logged_in(ADMIN, page="views/review.py").run()
        at.selectbox(key="review_item").set_value(f"submission:{submission_id}").run()
        assert not at.exception, at.exception
        assert any("파일이 저장소에 없습니다: gone\\.png" in w.value for w in at.warning), [w.value for w in at.warning]
        at = logged_in(MANAGER, page="views/content.py").run()
        pair = pair_of(owner_engine, GLOW)
        at.selectbox(key="production_pair").set_value(f"{pair[0]}:{pair[1]}").run()
        assert not at.exception, at.exception
        assert any("gone\\.png" in w.value for w in at.warning)


def test_an_emptied_later_page_goes_back_to_the_oldest(logged_in):  # noqa: F811
    """The "next" cursor stayed in the session: when its page emptied (its items reviewed) the page said "nothing
    is waiting" and stopped before the "back to the oldest" button, with older items still waiting."""
    import datetime as dt
    import uuid

    at = logged_in(ADMIN, page="views/review.py").run()
    oldest = at.selectbox(key="review_item").options
    assert oldest, "the demo keeps items waiting"
    at.session_state["review_after"] = (dt.datetime(2999, 1, 1, tzinfo=dt.UTC), uuid.UUID(int=0))
    at.run()
    assert not at.exception
    assert at.selectbox(key="review_item").options == oldest
    assert "review_after" not in at.session_state


def test_changing_a_filter_starts_from_the_oldest(logged_in):  # noqa: F811
    import datetime as dt
    import uuid

    at = logged_in(ADMIN, page="views/review.py").run()
    at.session_state["review_after"] = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), uuid.UUID(int=0))
    at.selectbox(key="review_filter_type").set_value("image").run()
    assert not at.exception
    assert "review_after" not in at.session_state


def test_a_replaced_picture_with_the_same_name_shows_in_what_changed(app_engine, owner_engine):
    from circlue import media
    from circlue.db import unit_of_work
    from circlue.repository import content as content_repo
    from circlue.repository import content_review
    from circlue.ui.content_diff import changes
    from tests.content_helpers import png, review

    pair, manager, glow = pair_of(owner_engine, GLOW), actor_of(MANAGER), actor_of(GLOW)
    with own_content(owner_engine) as made:
        submission_id = new_submission(manager, app_engine, pair, sent=True)  # first.png (red)
        made.append(submission_id)
        review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "换一张图")
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.add_file(session, submission_id=submission_id,
                                    stored=media.store(png("blue"), "first.png"))
            content_review.send_for_review(session, kind="submission", item_id=submission_id,
                                           expected_status="revision-requested")
            item = content_repo.get_item(session, kind="submission", item_id=submission_id)
        assert changes(item).splitlines() == ["@@ 파일", "- 파일: first.png", "+ 파일: first.png (같은 이름, 내용 변경)"]


def test_a_long_chinese_caption_is_compared_by_character():
    """By line, one changed character in a 5,000-character paragraph showed the whole paragraph removed and
    added; by character it shows the place and the change."""
    from circlue.ui.content_diff import caption_changes

    before = "姐妹们" * 800 + "第二版的光线太暗了，" + "真的好用" * 400 + "\n#韩国护肤"
    after = before.replace("太暗", "刚好")
    lines = caption_changes(before, after)
    assert lines[0] == "@@ 캡션"
    assert lines[1:] == ["- …姐妹们姐妹们第二版的光线太暗了，真的好用真的好用真的…", "+ …姐妹们姐妹们第二版的光线刚好了，真的好用真的好用真的…",
                         "  「太暗」 → 「刚好」"], lines
    assert caption_changes(before, before) == []
    short = caption_changes("E2E 첫 버전 姐妹们冲！", "E2E 둘째 버전 姐妹们冲！ #글로우랩")
    assert short[1:3] == ["- E2E 첫 버전 姐妹们冲！", "+ E2E 둘째 버전 姐妹们冲！ #글로우랩"], "short lines whole"
    assert "  「첫」 → 「둘째」" in short and "  추가 「 #글로우랩」" in short


def test_the_production_page_shows_file_names_as_text(logged_in, app_engine, owner_engine):  # noqa: F811
    """safe_name keeps [ ] ( ) ! : (browsers read `https:host` as https://host/): a name reached st.caption as
    Markdown, an image fetched from another site in the staff's browsers."""
    from circlue import media
    from circlue.db import unit_of_work
    from circlue.repository import content_review
    from circlue.schemas.content import CaptionInput
    from circlue.ui.text import md
    from tests.content_helpers import png

    name = "![x](https:evil.example)IMG_0001.png"
    assert media.safe_name(name) == name
    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with own_content(owner_engine) as made:
        with unit_of_work(manager, engine=app_engine) as session:
            submission_id = content_review.create_submission(
                session, campaign_id=pair[0], influencer_id=pair[1], content_type="image", caption=CaptionInput())
            content_review.add_file(session, submission_id=submission_id,
                                    stored=media.store(png("orange", size=(33, 21)), name))
        made.append(submission_id)
        at = logged_in(MANAGER, page="views/content.py").run()
        at.selectbox(key="production_pair").set_value(f"{pair[0]}:{pair[1]}").run()
        assert not at.exception
        shown = [c.value for c in at.caption if "evil" in c.value]
        assert shown and all(md(name) in v and name not in v for v in shown), shown


def test_staff_record_when_a_post_went_live_and_the_rounds_included(logged_in, app_engine, owner_engine):  # noqa: F811
    import datetime as dt

    from circlue.korea import SEOUL
    from tests.content_helpers import included_rounds_kept, review, rounds_included

    pair, admin = pair_of(owner_engine, GLOW), actor_of(ADMIN)
    url = {"douyin": "https://www.douyin.com/video/7", "xiaohongshu": "https://www.xiaohongshu.com/explore/7",
           "weibo": "https://weibo.com/1/P7", "bilibili": "https://www.bilibili.com/video/BV7"}[pair[2]]
    yesterday = dt.datetime.now(SEOUL).date() - dt.timedelta(days=1)
    with own_content(owner_engine) as made:
        submission_id = new_submission(admin, app_engine, pair, sent=True)
        made.append(submission_id)
        review(admin, app_engine, "submission", submission_id, 1, "approved")
        at = logged_in(MANAGER, page="views/content.py").run()
        at.selectbox(key="production_pair").set_value(f"{pair[0]}:{pair[1]}").run()
        prefix = f"submission_{submission_id}_"
        at.text_input(key=f"{prefix}url").input(url)
        at.date_input(key=f"{prefix}published_on").set_value(yesterday)
        at.time_input(key=f"{prefix}published_time").set_value(dt.time(21, 30))
        next(b for b in at.button if b.label == "게시 기록").click().run()
        assert not at.exception, at.exception
        assert any("게시를 기록했습니다" in s.value for s in at.success), [e.value for e in at.error]
        with owner_engine.connect() as conn:
            status, when = conn.execute(text("SELECT status, published_at FROM content_submissions WHERE id = :id"),
                                        {"id": submission_id}).one()
        assert (status, when) == ("published", dt.datetime.combine(yesterday, dt.time(21, 30), tzinfo=SEOUL))
    with included_rounds_kept(owner_engine, pair[0]) as before:
        at.number_input(key=f"rounds_{pair[0]}_included").set_value(before + 1)
        next(b for b in at.button if b.label == "저장" and "rounds_" in str(b.form_id)).click().run()
        assert not at.exception, at.exception
        assert rounds_included(owner_engine, pair[0]) == before + 1


def test_the_upload_help_shows_the_limit_that_holds(monkeypatch):
    """CIRCLUE_MAX_VIDEO_MB above Streamlit's server.maxUploadSize had no effect, yet the help promised it."""
    import streamlit as st

    from circlue import config
    from circlue.ui.production import upload_limits

    monkeypatch.setenv("CIRCLUE_MAX_VIDEO_MB", "500")
    config.get_settings.cache_clear()
    try:
        assert upload_limits() == (20, min(500, int(st.get_option("server.maxUploadSize"))))
    finally:
        monkeypatch.delenv("CIRCLUE_MAX_VIDEO_MB")
        config.get_settings.cache_clear()


def _two_players(key: str) -> None:
    """A page with one stored video twice, as the review page draws the current and the previous version."""
    import uuid

    from circlue.repository.content import ReviewFile
    from circlue.ui.content import _show_file

    file = ReviewFile(uuid.uuid4(), 1, key, "video/mp4", 1, None, 30, "clip.mp4")
    _show_file(file)
    _show_file(file)


def test_a_video_is_read_from_the_disk_once_not_on_every_run(monkeypatch):
    """st.video(path) read the whole file on every script run (0.2 s and a transient copy per run for 190 MB)."""
    import builtins
    import pathlib

    from streamlit.testing.v1 import AppTest

    from circlue import media
    from tests.content_helpers import mp4

    stored = media.store(mp4(seconds=30), "clip.mp4")
    path = str(media.path_of(stored.file_url))
    getattr(media, "_cache", {}).pop(stored.file_url, None)  # read afresh by this test
    reads = []
    real_open, real_read = builtins.open, pathlib.Path.read_bytes

    def counting_open(file, *args, **kwargs):
        if str(file) == path:
            reads.append("open")
        return real_open(file, *args, **kwargs)

    def counting_read(self):
        if str(self) == path:
            reads.append("read_bytes")
        return real_read(self)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", counting_read)
    at = AppTest.from_function(_two_players, args=(stored.file_url,))
    for _ in range(3):
        at.run()
        assert not at.exception, at.exception
    assert len(at.get("video")) == 2
    assert len(reads) == 1, reads


def test_plan_scenes_not_written_by_the_app_are_shown_not_a_crash():
    """The database checks only that plan_data is an object: scenes as strings crashed field_text (s.get)."""
    from circlue.ui.content import field_text

    assert field_text("scenes", [{"description": "开场", "seconds": 3}, "试用 10s"]) == "开场 · 3s\n试用 10s"
    assert field_text("scenes", "开场 | 3") == "开场 | 3"
