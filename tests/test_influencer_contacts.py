"""Influencers' personal data (issue 7): staff see, edit and look up real names, phones and WeChat ids; brands never."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from circlue.crypto import keyring
from circlue.db import unit_of_work
from circlue.errors import Conflict, Forbidden
from circlue.repository import influencers as influencers_repo
from circlue.schemas.influencers import ContactInput
from tests.conftest import actor_of
from tests.test_pages import ROOT, _login_state

MANAGER, GLOW = "manager@circlue.demo", "brand.glow@circlue.demo"
PAGE = str(ROOT / "views" / "influencers.py")


@pytest.fixture
def influencer(owner_engine):
    """The most followed active influencer (first in the search list); its personal data is put back afterwards."""
    with owner_engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, real_name, real_name_bidx, phone, phone_bidx, wechat_id, wechat_id_bidx FROM influencers"
                 " WHERE is_active AND followers IS NOT NULL AND real_name IS NOT NULL"
                 " ORDER BY followers DESC, id DESC LIMIT 1")
        ).one()
    yield row.id
    with owner_engine.begin() as conn:
        conn.execute(
            text("UPDATE influencers SET real_name = :real_name, real_name_bidx = :real_name_bidx, phone = :phone,"
                 " phone_bidx = :phone_bidx, wechat_id = :wechat_id, wechat_id_bidx = :wechat_id_bidx WHERE id = :id"),
            row._asdict(),
        )


def _page(email: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    _login_state(at, actor_of(email))
    return at


def _contact(app_engine, influencer_id: uuid.UUID):
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        (found,) = influencers_repo.contacts(session, influencer_ids=[influencer_id])
    return found


def test_staff_pick_an_influencer_and_see_its_personal_data(app_engine, influencer):
    at = _page(MANAGER).run()
    assert not at.exception
    at.session_state["influencer_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    known = _contact(app_engine, influencer)
    prefix = f"contact_search_{influencer}_"
    assert at.text_input(key=prefix + "real_name").value == known.real_name
    assert at.text_input(key=prefix + "phone").value == known.phone.strip()
    assert at.text_input(key=prefix + "wechat_id").value == known.wechat_id


def test_staff_edit_the_personal_data_encrypted_and_findable(app_engine, owner_engine, influencer):
    at = _page(MANAGER).run()
    at.session_state["influencer_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    prefix = f"contact_search_{influencer}_"
    at.text_input(key=prefix + "real_name").input("欧阳娜娜")
    at.text_input(key=prefix + "phone").input("+86 139 1234 5678")
    at.text_input(key=prefix + "wechat_id").input("nana_ouyang")
    at.button(key=f"FormSubmitter:{prefix}form-저장").click().run()
    assert not at.exception, at.exception
    assert any("저장했습니다" in s.value for s in at.success)
    known = _contact(app_engine, influencer)
    assert (known.real_name, known.phone, known.wechat_id) == ("欧阳娜娜", "+86 139 1234 5678", "nana_ouyang")
    with owner_engine.connect() as conn:
        stored = conn.execute(
            text("SELECT real_name, phone, wechat_id, phone_bidx FROM influencers WHERE id = :i"), {"i": influencer}
        ).one()
    assert all(v.startswith("enc1:") for v in stored[:3]) and stored.phone_bidx == keyring().blind_index("+86 139 1234 5678")
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        assert [c.id for c in influencers_repo.find_by_real_name(session, real_name="欧阳娜娜")] == [influencer]


def test_a_bad_phone_is_refused_beside_its_field(app_engine, influencer):
    before = _contact(app_engine, influencer)
    at = _page(MANAGER).run()
    at.session_state["influencer_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    prefix = f"contact_search_{influencer}_"
    at.text_input(key=prefix + "phone").input("call me maybe")
    at.button(key=f"FormSubmitter:{prefix}form-저장").click().run()
    assert not at.exception
    assert any("전화번호는 숫자" in c.value for c in at.caption)
    assert at.text_input(key=prefix + "phone").value == "call me maybe", "what was typed is kept"
    assert _contact(app_engine, influencer) == before


def test_a_stale_form_does_not_overwrite_a_newer_save(app_engine, influencer):
    known = _contact(app_engine, influencer)
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        influencers_repo.update_contact(session, influencer_id=influencer, contact=ContactInput(real_name="新名字"),
                                        expected_updated_at=known.updated_at)
    with pytest.raises(Conflict):
        with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
            influencers_repo.update_contact(session, influencer_id=influencer, contact=ContactInput(real_name="旧"),
                                            expected_updated_at=known.updated_at)


def test_the_real_name_lookup_finds_the_exact_name(app_engine, influencer):
    known = _contact(app_engine, influencer)
    at = _page(MANAGER).run()
    at.text_input(key="influencer_real_name").input(f" {known.real_name} ").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert known.real_name in set(table["실명"]) and known.phone in set(table["전화"])
    with unit_of_work(actor_of(MANAGER), engine=app_engine) as session:
        first = influencers_repo.find_by_real_name(session, real_name=known.real_name)[0]
    at.session_state["influencer_lookup_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert at.text_input(key=f"contact_lookup_{first.id}_real_name").value == known.real_name
    at.text_input(key="influencer_real_name").input(known.real_name[:-1] or "x").run()
    assert not at.exception
    assert any("없습니다" in i.value for i in at.info), "a part of a name finds nothing: the lookup is exact"


# -- never to brands -----------------------------------------------------------------------------------------------------


def test_a_brand_gets_no_personal_data(app_engine, owner_engine):
    """The page is staff-only, the repository refuses a brand before decrypting, and what RLS lets a brand's SQL read
    of its invited influencers is ciphertext only."""
    brand = actor_of(GLOW)
    at = _page(GLOW).run()
    assert not at.text_input, "no search, no lookup for a brand"
    with unit_of_work(brand, engine=app_engine) as session:
        visible = session.execute(text("SELECT id, real_name, phone FROM influencers LIMIT 5")).all()
    assert visible, "a brand reads its invited influencers' rows: the test would prove nothing"
    assert all(v.real_name.startswith("enc1:") and (v.phone or "enc1:").startswith("enc1:") for v in visible)
    for call in (
        lambda s: influencers_repo.contacts(s, influencer_ids=[visible[0].id]),
        lambda s: influencers_repo.find_by_real_name(s, real_name="王小美"),
        lambda s: influencers_repo.update_contact(s, influencer_id=visible[0].id, contact=ContactInput(),
                                                  expected_updated_at=None),
    ):
        with pytest.raises(Forbidden):
            with unit_of_work(brand, engine=app_engine) as session:
                call(session)
