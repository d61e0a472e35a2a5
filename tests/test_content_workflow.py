"""The content state machines, walked pair by pair in Python and in the database; review rounds and their numbers."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from circlue.db import set_actor, unit_of_work
from circlue.errors import Conflict, InvalidTransition, ValidationError
from circlue.repository import content as content_repo
from circlue.repository import content_review
from circlue.workflow import (
    CONTENT_TRANSITIONS,
    PLAN_STATUSES,
    REVIEW_MOVES,
    SUBMISSION_STATUSES,
    check_content_transition,
    content_next,
)
from tests.conftest import actor_of
from tests.content_helpers import (
    included_rounds_kept,
    new_plan,
    new_submission,
    own_content,
    pair_of,
    review,
    rounds_included,
)

GLOW, LUMIERE, ADMIN, MANAGER = (
    "brand.glow@circlue.demo", "brand.lumiere@circlue.demo", "admin@circlue.demo", "manager@circlue.demo",
)
STATUSES = {"plan": PLAN_STATUSES, "submission": SUBMISSION_STATUSES}
TABLES = {"plan": "content_plans", "submission": "content_submissions"}


def test_database_machines_are_workflow_py_machines(owner_engine):
    for kind, prefix in (("plan", "content_plan"), ("submission", "content_submission")):
        with owner_engine.connect() as conn:
            statuses = conn.execute(text(f"SELECT status FROM {prefix}_statuses ORDER BY position")).scalars().all()
            moves = {(a, b, r) for a, b, r in conn.execute(
                text(f"SELECT from_status, to_status, by_review FROM {prefix}_transitions"))}
        assert tuple(statuses) == STATUSES[kind]
        assert moves == {(a, b, (a, b) in REVIEW_MOVES) for a, targets in CONTENT_TRANSITIONS[kind].items()
                         for b in targets}


@pytest.mark.parametrize("kind", ["plan", "submission"])
def test_python_machine_pair_by_pair(kind):
    for current, target in itertools.product(STATUSES[kind], repeat=2):
        if target in CONTENT_TRANSITIONS[kind][current]:
            check_content_transition(kind, current, target)
        else:
            with pytest.raises(InvalidTransition, match="allowed"):
                check_content_transition(kind, current, target)
    with pytest.raises(InvalidTransition, match="unknown"):
        content_next(kind, "archived")
    assert content_next("submission", "submitted") == ["revision-requested", "approved"]


# How to bring a fresh row (inserted as a draft, with one file if a submission) to each status, as an admin.
_ROUND = (
    "INSERT INTO content_revisions ({col}, revision_number, status, feedback)"
    " SELECT id, current_revision_number + 1, '{status}', '수정해 주세요' FROM {table} WHERE id = :id"
)
_WALK = {
    "draft": [],
    "submitted": ["UPDATE {table} SET status = 'submitted' WHERE id = :id"],
    "revision-requested": ["UPDATE {table} SET status = 'submitted' WHERE id = :id", _ROUND.replace("{status}", "revision-requested")],
    "approved": ["UPDATE {table} SET status = 'submitted' WHERE id = :id", _ROUND.replace("{status}", "approved")],
    "published": [
        "UPDATE {table} SET status = 'submitted' WHERE id = :id", _ROUND.replace("{status}", "approved"),
        "UPDATE {table} SET status = 'published', published_url = :url WHERE id = :id",
    ],
}
_URLS = {"douyin": "https://www.douyin.com/video/1", "xiaohongshu": "https://www.xiaohongshu.com/explore/1",
         "weibo": "https://weibo.com/1/P1", "bilibili": "https://www.bilibili.com/video/BV1"}


def _add_file(session: Session, submission_id: object) -> None:
    session.execute(
        text("INSERT INTO content_files (submission_id, file_url, file_type, file_size)"
             " VALUES (:id, 'https://files.circlue.example/a.jpg', 'image/jpeg', 10)"),
        {"id": submission_id},
    )


def _fresh(session: Session, kind: str, pair: tuple) -> object:
    table = TABLES[kind]
    data = "plan_data, " if kind == "plan" else ""
    value = "'{}'::jsonb, " if kind == "plan" else ""
    row_id = session.execute(
        text(f"INSERT INTO {table} (campaign_id, influencer_id, content_type, {data}status)"
             f" VALUES (:c, :i, 'image', {value}'draft') RETURNING id"),
        {"c": pair[0], "i": pair[1]},
    ).scalar_one()
    if kind == "submission":
        _add_file(session, row_id)
    return row_id


@pytest.mark.parametrize("kind", ["plan", "submission"])
def test_database_machine_pair_by_pair(kind, app_engine, owner_engine):
    """Every (from, to) pair: allowed plain moves pass, review moves need their round, the rest are refused."""
    pair = pair_of(owner_engine, GLOW)
    table = TABLES[kind]
    col = "content_plan_id" if kind == "plan" else "submission_id"
    admin = actor_of(ADMIN)
    for current, target in itertools.product((*STATUSES[kind], "archived"), repeat=2):
        if current == "archived":
            continue
        with Session(app_engine) as session, session.begin():
            set_actor(session, admin)
            row_id = _fresh(session, kind, pair)
            params = {"id": row_id, "url": _URLS[pair[2]]}
            for step in _WALK[current]:
                session.execute(text(step.format(table=table, col=col)), params)
            assert session.execute(text(f"SELECT status FROM {table} WHERE id = :id"), params).scalar() == current
            if kind == "submission" and current == "revision-requested":
                _add_file(session, row_id)  # the next version's file, or it may not be sent
            move = f"UPDATE {table} SET status = :to" + (", published_url = :url" if target == "published" else "")
            allowed = target in CONTENT_TRANSITIONS[kind][current]
            try:
                with session.begin_nested():
                    session.execute(text(move + " WHERE id = :id"), {**params, "to": target})
                outcome = "moved"
            except DBAPIError as exc:
                outcome = str(exc.orig)
            if current == target or allowed and (current, target) not in REVIEW_MOVES:
                assert outcome == "moved", (current, target, outcome)
            elif allowed:
                assert "only by a review round" in outcome, (current, target, outcome)
            else:
                assert "cannot move" in outcome or "foreign key" in outcome, (current, target, outcome)
            session.rollback()


def test_new_content_starts_as_a_draft_for_a_contracted_influencer(app_engine, owner_engine):
    pair = pair_of(owner_engine, GLOW)
    with owner_engine.connect() as conn:
        stranger = conn.execute(
            text("SELECT i.id FROM influencers i WHERE NOT EXISTS (SELECT 1 FROM campaign_influencers ci"
                 " WHERE ci.influencer_id = i.id AND ci.campaign_id = :c) LIMIT 1"), {"c": pair[0]}
        ).scalar_one()
    statement = ("INSERT INTO content_plans (campaign_id, influencer_id, content_type, plan_data, status)"
                 " VALUES (:c, :i, 'image', '{}', :s)")
    for values, message in (({"i": pair[1], "s": "approved"}, "starts as a draft"),
                            ({"i": stranger, "s": "draft"}, "invitation_fkey|contracted")):
        with pytest.raises(DBAPIError, match=message):
            with unit_of_work(actor_of(ADMIN), engine=app_engine) as session:
                session.execute(text(statement), {"c": pair[0], **values})


def test_the_revision_counter_is_the_history(app_engine, owner_engine):
    pair, admin = pair_of(owner_engine, GLOW), actor_of(ADMIN)
    with own_content(owner_engine) as made:
        plan_id = new_plan(admin, app_engine, pair, sent=True)
        made.append(plan_id)
        review(admin, app_engine, "plan", plan_id, 1, "revision-requested", "해시태그 추가")
        with unit_of_work(admin, engine=app_engine) as session:
            session.execute(text("UPDATE content_plans SET current_revision_number = 7 WHERE id = :id"), {"id": plan_id})
        with owner_engine.connect() as conn:
            assert conn.execute(text("SELECT current_revision_number FROM content_plans WHERE id = :id"),
                                {"id": plan_id}).scalar() == 1


def test_a_round_snapshots_what_was_reviewed_and_is_signed(app_engine, owner_engine, users_by_email):
    pair, admin, glow = pair_of(owner_engine, GLOW), actor_of(ADMIN), actor_of(GLOW)
    with own_content(owner_engine) as made:
        submission_id = new_submission(admin, app_engine, pair, sent=True, caption="第一版 #韩国护肤")
        made.append(submission_id)
        review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "브랜드 태그를 넣어 주세요")
        with unit_of_work(admin, engine=app_engine) as session:
            item = content_repo.get_item(session, kind="submission", item_id=submission_id)
        (first,) = item.rounds
        assert first.snapshot["caption"] == "第一版 #韩国护肤" and first.snapshot["version"] == 1
        assert [f["original_name"] for f in first.snapshot["files"]] == ["first.png"]
        assert first.reviewer == "정하늘" and first.reviewer_role == "brand"
        assert item.status == "revision-requested" and item.version == 2


def test_only_an_admin_approves_and_changes_need_feedback(app_engine, owner_engine):
    pair = pair_of(owner_engine, GLOW)
    with own_content(owner_engine) as made:
        plan_id = new_plan(actor_of(MANAGER), app_engine, pair, sent=True)
        made.append(plan_id)
        for who in (MANAGER, GLOW):
            with pytest.raises(DBAPIError, match="only an admin"):
                with unit_of_work(actor_of(who), engine=app_engine) as session:
                    session.execute(text(_ROUND.format(col="content_plan_id", table="content_plans",
                                                       status="approved")), {"id": plan_id})
        with pytest.raises(DBAPIError, match="feedback_for_changes"):
            with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
                session.execute(
                    text("INSERT INTO content_revisions (content_plan_id, revision_number, status, feedback)"
                         " VALUES (:id, 1, 'revision-requested', '  ')"), {"id": plan_id})
        with pytest.raises(Conflict, match="already reviewed"):
            review(actor_of(ADMIN), app_engine, "plan", plan_id, 2, "approved")
        assert review(actor_of(ADMIN), app_engine, "plan", plan_id, 1, "approved") == 1


def test_a_double_click_makes_one_round(app_engine, owner_engine):
    pair, admin = pair_of(owner_engine, GLOW), actor_of(ADMIN)
    with own_content(owner_engine) as made:
        plan_id = new_plan(admin, app_engine, pair, sent=True)
        made.append(plan_id)
        barrier, results = threading.Barrier(2), []

        def click() -> None:
            barrier.wait()
            try:
                results.append(review(admin, app_engine, "plan", plan_id, 1, "approved"))
            except Conflict as exc:  # pragma: no cover - would be a failure below
                results.append(exc)

        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert results == [1, 1]
        with owner_engine.connect() as conn:
            rounds = conn.execute(text("SELECT count(*) FROM content_revisions WHERE content_plan_id = :id"),
                                  {"id": plan_id}).scalar()
        assert rounds == 1


def test_of_two_reviewers_at_once_the_second_is_told(app_engine, owner_engine):
    pair = pair_of(owner_engine, GLOW)
    with own_content(owner_engine) as made:
        submission_id = new_submission(actor_of(MANAGER), app_engine, pair, sent=True)
        made.append(submission_id)
        barrier, results = threading.Barrier(2), {}
        reviewers = {ADMIN: ("approved", None), GLOW: ("revision-requested", "다시 찍어 주세요")}

        def act(email: str) -> None:
            actor = actor_of(email)
            barrier.wait()
            try:
                results[email] = review(actor, app_engine, "submission", submission_id, 1, *reviewers[email])
            except Conflict as exc:
                results[email] = str(exc)

        threads = [threading.Thread(target=act, args=(email,)) for email in reviewers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(type(v).__name__ for v in results.values()) == ["int", "str"]
        assert any("이미 검토되었습니다" in v for v in results.values() if isinstance(v, str))
        with owner_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM content_revisions WHERE submission_id = :id"),
                                {"id": submission_id}).scalar() == 1


def test_rounds_numbered_by_raw_sql_at_once_are_one(app_engine, owner_engine):
    """Without the repository's lock: two inserts of round 1 at once; the database keeps one."""
    pair = pair_of(owner_engine, GLOW)
    with own_content(owner_engine) as made:
        plan_id = new_plan(actor_of(MANAGER), app_engine, pair, sent=True)
        made.append(plan_id)
        barrier, errors = threading.Barrier(2), []

        def insert(email: str) -> None:
            actor = actor_of(email)
            barrier.wait()
            try:
                with unit_of_work(actor, engine=app_engine) as session:
                    session.execute(
                        text("INSERT INTO content_revisions (content_plan_id, revision_number, status, feedback)"
                             " VALUES (:id, 1, 'revision-requested', '도입부 수정')"), {"id": plan_id})
            except DBAPIError as exc:
                errors.append(str(exc.orig))

        threads = [threading.Thread(target=insert, args=(e,)) for e in (MANAGER, GLOW)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(errors) == 1 and "already reviewed" in errors[0]


def test_past_the_included_rounds_the_reviewer_is_warned(app_engine, owner_engine):
    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with included_rounds_kept(owner_engine, pair[0]):
        with owner_engine.begin() as conn:
            conn.execute(text("UPDATE campaigns SET included_revision_rounds = 1 WHERE id = :c"), {"c": pair[0]})
        with own_content(owner_engine) as made:
            plan_id = new_plan(manager, app_engine, pair, sent=True)
            made.append(plan_id)
            review(manager, app_engine, "plan", plan_id, 1, "revision-requested", "톤을 밝게")
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.send_for_review(session, kind="plan", item_id=plan_id, expected_status="revision-requested")
            with pytest.raises(ValidationError, match="past the 1 the campaign includes") as caught:
                review(manager, app_engine, "plan", plan_id, 2, "revision-requested", "한 번 더")
            assert "accept_extra_round" in caught.value.fields
            review(manager, app_engine, "plan", plan_id, 2, "revision-requested", "한 번 더", accept_extra_round=True)
            with owner_engine.connect() as conn:
                marks = conn.execute(text("SELECT revision_number, revision_data ? 'extra_round' FROM content_revisions"
                                          " WHERE content_plan_id = :id ORDER BY 1"), {"id": plan_id}).all()
            assert [tuple(m) for m in marks] == [(1, False), (2, True)]


def test_what_is_under_review_does_not_change(app_engine, owner_engine):
    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with own_content(owner_engine) as made:
        plan_id = new_plan(manager, app_engine, pair, sent=True)
        made.append(plan_id)
        with pytest.raises(ValidationError, match="draft or sent back"):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.update_plan(session, plan_id=plan_id, plan_data={"concept": "x"})
        with pytest.raises(DBAPIError, match="under review or approved does not change"):
            with unit_of_work(manager, engine=app_engine) as session:
                session.execute(text("UPDATE content_plans SET plan_data = '{\"x\": 1}' WHERE id = :id"), {"id": plan_id})


def test_files_belong_to_the_version_being_prepared(app_engine, owner_engine):
    from circlue.media import store
    from tests.content_helpers import jpeg

    pair, manager, glow = pair_of(owner_engine, GLOW), actor_of(MANAGER), actor_of(GLOW)
    with own_content(owner_engine) as made:
        submission_id = new_submission(manager, app_engine, pair, sent=True)
        made.append(submission_id)
        with pytest.raises(ValidationError, match="draft or sent back"):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.add_file(session, submission_id=submission_id, stored=store(jpeg(), "late.jpg"))
        review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "사진을 바꿔 주세요")
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.add_file(session, submission_id=submission_id, stored=store(jpeg(), "second.jpg"))
            versions = dict(session.execute(text("SELECT original_name, version FROM content_files"
                                                 " WHERE submission_id = :id"), {"id": submission_id}).all())
            first_id = session.execute(text("SELECT id FROM content_files WHERE submission_id = :id AND version = 1"),
                                       {"id": submission_id}).scalar()
        assert versions == {"first.png": 1, "second.jpg": 2}
        with pytest.raises(ValidationError, match="reviewed versions are history|지금은"):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.remove_file(session, file_id=first_id)
        with unit_of_work(manager, engine=app_engine) as session:
            assert content_review.send_for_review(session, kind="submission", item_id=submission_id,
                                                  expected_status="revision-requested") == 2
            item = content_repo.get_item(session, kind="submission", item_id=submission_id)
        assert [f.original_name for f in item.files] == ["second.jpg"]
        assert [f.original_name for f in item.previous_files] == ["first.png"]


def test_a_submission_is_sent_only_with_files(app_engine, owner_engine):
    from circlue.schemas.content import CaptionInput

    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with own_content(owner_engine) as made:
        with unit_of_work(manager, engine=app_engine) as session:
            submission_id = content_review.create_submission(
                session, campaign_id=pair[0], influencer_id=pair[1], content_type="video", caption=CaptionInput())
        made.append(submission_id)
        with pytest.raises(ValidationError, match="at least one file"):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.send_for_review(session, kind="submission", item_id=submission_id,
                                               expected_status="draft")
        with pytest.raises(DBAPIError, match="at least one file"):
            with unit_of_work(manager, engine=app_engine) as session:
                session.execute(text("UPDATE content_submissions SET status = 'submitted' WHERE id = :id"),
                                {"id": submission_id})


def test_publishing_needs_an_address_on_the_influencers_platform(app_engine, owner_engine):
    pair, admin = pair_of(owner_engine, GLOW), actor_of(ADMIN)
    wrong = next(url for platform, url in _URLS.items() if platform != pair[2])
    with own_content(owner_engine) as made:
        submission_id = new_submission(admin, app_engine, pair, sent=True)
        made.append(submission_id)
        review(admin, app_engine, "submission", submission_id, 1, "approved")
        with pytest.raises(ValidationError, match="platform"):
            with unit_of_work(admin, engine=app_engine) as session:
                content_review.publish(session, submission_id=submission_id, url=wrong)
        with pytest.raises(DBAPIError, match="on the influencer's platform"):
            with unit_of_work(admin, engine=app_engine) as session:
                session.execute(text("UPDATE content_submissions SET status = 'published', published_url = :u"
                                     " WHERE id = :id"), {"u": wrong, "id": submission_id})
        with unit_of_work(admin, engine=app_engine) as session:
            content_review.publish(session, submission_id=submission_id, url=_URLS[pair[2]])
        with owner_engine.connect() as conn:
            status, at = conn.execute(text("SELECT status, published_at FROM content_submissions WHERE id = :id"),
                                      {"id": submission_id}).one()
        assert status == "published" and at is not None


def test_platform_domains_are_the_same_in_python_and_the_database(app_engine):
    from circlue.schemas.content import PLATFORM_DOMAINS, url_on_platform

    cases = [(p, f"https://www.{d}/x") for p, ds in PLATFORM_DOMAINS.items() for d in ds]
    cases += [("douyin", "https://douyin.com.evil.cn/x"), ("weibo", "https://notweibo.com/x"),
              ("douyin", "https://douyin.com@evil.com/x"), ("bilibili", "javascript:alert(1)"),
              ("xiaohongshu", "https://xhslink.com/a"), ("nowhere", "https://douyin.com/")]
    with app_engine.connect() as conn:
        for platform, url in cases:
            db = conn.execute(text("SELECT circlue_platform_url_ok(:p, :u)"), {"p": platform, "u": url}).scalar()
            assert db == url_on_platform(platform, url), (platform, url)


def test_a_stale_change_request_on_a_new_version_is_refused(app_engine, owner_engine):
    """Tab A asked for changes on v1, staff sent v2; tab B (still showing v1) asks for more. Before, review()
    took it for a repeat click: "round 1: changes requested", nothing saved, v2 still waiting."""
    from circlue import media
    from tests.content_helpers import png

    pair, manager, glow = pair_of(owner_engine, GLOW), actor_of(MANAGER), actor_of(GLOW)
    with own_content(owner_engine) as made:
        submission_id = new_submission(manager, app_engine, pair, sent=True)
        made.append(submission_id)
        review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "换一张图")
        assert review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "换一张图") == 1, (
            "a real repeat click still counts once")
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.add_file(session, submission_id=submission_id, stored=media.store(png("green"), "v2.png"))
            content_review.send_for_review(session, kind="submission", item_id=submission_id,
                                           expected_status="revision-requested")
        with pytest.raises(Conflict, match=r"a newer version \(v2\) is waiting.*reload"):
            review(glow, app_engine, "submission", submission_id, 1, "revision-requested", "第二版的光线太暗了")
        with owner_engine.connect() as conn:
            rounds = conn.execute(text("SELECT revision_number FROM content_revisions WHERE submission_id = :s"),
                                  {"s": submission_id}).scalars().all()
        assert rounds == [1]


def test_staff_set_the_rounds_a_campaign_includes(app_engine, owner_engine):
    from circlue.errors import Forbidden, NotFound

    pair, manager = pair_of(owner_engine, GLOW), actor_of(MANAGER)
    with included_rounds_kept(owner_engine, pair[0]):
        with unit_of_work(manager, engine=app_engine) as session:
            content_review.set_included_rounds(session, campaign_id=pair[0], rounds=5)
            assert content_repo.contracted_pairs(session)[0].included_rounds in range(21)
        assert rounds_included(owner_engine, pair[0]) == 5
        with pytest.raises(ValidationError, match="0 to 20"):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.set_included_rounds(session, campaign_id=pair[0], rounds=21)
        with pytest.raises(Forbidden):  # a brand does not raise its own free rounds
            with unit_of_work(actor_of(GLOW), engine=app_engine) as session:
                content_review.set_included_rounds(session, campaign_id=pair[0], rounds=20)
        with pytest.raises(NotFound):
            with unit_of_work(manager, engine=app_engine) as session:
                content_review.set_included_rounds(session, campaign_id=pair[1], rounds=2)
        assert rounds_included(owner_engine, pair[0]) == 5


def test_publishing_records_when_the_post_went_live(app_engine, owner_engine):
    import datetime as dt

    from circlue.korea import SEOUL

    pair, admin = pair_of(owner_engine, GLOW), actor_of(ADMIN)
    yesterday = dt.datetime.now(SEOUL).replace(microsecond=0) - dt.timedelta(days=1)
    with own_content(owner_engine) as made:
        submission_id = new_submission(admin, app_engine, pair, sent=True)
        made.append(submission_id)
        review(admin, app_engine, "submission", submission_id, 1, "approved")
        with pytest.raises(ValidationError, match="cannot be in the future") as refused:
            with unit_of_work(admin, engine=app_engine) as session:
                content_review.publish(session, submission_id=submission_id, url=_URLS[pair[2]],
                                       published_at=dt.datetime.now(SEOUL) + dt.timedelta(hours=2))
        assert "published_at" in refused.value.fields
        with unit_of_work(admin, engine=app_engine) as session:
            content_review.publish(session, submission_id=submission_id, url=_URLS[pair[2]], published_at=yesterday)
        with owner_engine.connect() as conn:
            at = conn.execute(text("SELECT published_at FROM content_submissions WHERE id = :id"),
                              {"id": submission_id}).scalar()
        assert at == yesterday
