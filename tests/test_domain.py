"""Pure rules: the campaign workflow, Korean business numbers and VAT, password and token helpers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from circlue.errors import InvalidTransition, ValidationError
from circlue.korea import brn_check_digit, format_krw, validate_brn, vat_for
from circlue.security import hash_password, token_digest, verify_password
from circlue.workflow import CAMPAIGN_STAGES, allowed_next, check_transition, stage_of


def test_seed_workflow_moves_one_stage_at_a_time():
    for current, following in zip(CAMPAIGN_STAGES, [*CAMPAIGN_STAGES[1:], "completed"], strict=True):
        check_transition(current, following)
    assert [stage_of(s) for s in CAMPAIGN_STAGES] == list(range(1, 12))


@pytest.mark.parametrize(("current", "target"), [("revising", "proposing"), ("content-review", "producing"),
                                                  ("creating", "cancelled"), ("content-review", "cancelled")])
def test_moves_beyond_the_seed(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [("creating", "live"), ("live", "cancelled"),
                                                  ("completed", "monitoring"), ("monitoring", "live")])
def test_other_moves_are_refused_naming_the_allowed_ones(current, target):
    with pytest.raises(InvalidTransition) as err:
        check_transition(current, target)
    for allowed in allowed_next(current):
        assert allowed in str(err.value)


def test_business_registration_number():
    digits = "123456789"
    valid = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}{brn_check_digit(digits)}"
    assert validate_brn(valid.replace("-", "")) == valid
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        validate_brn(wrong)
    with pytest.raises(ValidationError, match="10 digits"):
        validate_brn("12-34")


def test_vat_is_ten_percent_truncated_to_the_won():
    assert vat_for(Decimal("1234567")) == (Decimal("123456"), Decimal("1358023"))
    assert vat_for(Decimal("100000000.00")) == (Decimal("10000000"), Decimal("110000000.00"))


def test_krw_format():
    assert format_krw(Decimal("1234000.00")) == "₩1,234,000"
    assert format_krw(None) == "—"


def test_passwords_and_tokens():
    hashed = hash_password("a long enough password")
    assert verify_password("a long enough password", hashed)
    assert not verify_password("another password!!", hashed)
    assert not verify_password("anything at all", "not-a-bcrypt-hash")
    with pytest.raises(ValidationError):
        hash_password("short")
    with pytest.raises(ValidationError, match="space"):
        hash_password(" a long enough password")
    assert token_digest("abc") != "abc" and len(token_digest("abc")) == 64
