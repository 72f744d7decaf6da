"""Invitation secrets, their life, whom an invitation is for, and a household's area as typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.members import rules

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_tokens_and_codes_are_new_each_time_and_codes_have_six_digits():
    assert rules.new_token() != rules.new_token()
    codes = {rules.new_code() for _ in range(50)}
    assert all(len(code) == 6 and code.isdigit() for code in codes) and len(codes) > 1


def test_only_the_hash_is_kept_and_it_matches_the_secret():
    code = "012345"
    stored = rules.digest(code)
    assert stored != code and len(stored) == 64
    assert rules.same_digest("012345", stored) and not rules.same_digest("012346", stored)


@pytest.mark.parametrize("typed,expected", [("123456", "123456"), (" 123 456 ", "123456"), ("123-456", "123456"),
                                            ("12345", None), ("abcdef", None), ("", None), (None, None),
                                            ("１２３４５６", None)])
def test_a_code_as_typed(typed, expected):
    assert rules.clean_code(typed) == expected


@pytest.mark.parametrize("typed", ["0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_one_phone_number_however_written(typed):
    assert rules.invitee(typed) == ("phone", "0912345678")


def test_an_email_address_or_nothing():
    assert rules.invitee(" Tu.Nguyen@Example.VN ") == ("email", "tu.nguyen@example.vn")
    assert rules.invitee("12345") is None and rules.invitee("tu@") is None and rules.invitee("") is None


def test_an_invitation_lasts_seven_days_and_works_once():
    expires = rules.expires_at(NOW)
    assert expires - NOW == timedelta(days=7)
    assert rules.state(now=NOW, expires=expires, accepted=None, revoked=None) == "open"
    assert rules.state(now=expires, expires=expires, accepted=None, revoked=None) == "expired"
    assert rules.state(now=NOW, expires=expires, accepted=NOW, revoked=None) == "accepted"
    assert rules.state(now=NOW, expires=expires, accepted=None, revoked=NOW) == "revoked"


def test_the_code_stops_after_five_wrong_tries():
    assert not rules.code_locked(4) and rules.code_locked(5)


def test_roles_one_can_be_invited_as():
    assert rules.invite_roles("club") == ("seller", "buyer", "board")
    assert rules.invite_roles("supermarket") == ("buyer", "board")
    assert rules.membership_of("board", "club") == ("seller", True)
    assert rules.membership_of("board", "exporter") == ("buyer", True)
    assert rules.membership_of("buyer", "club") == ("buyer", False)


@pytest.mark.parametrize("typed,expected", [("1,5", 1.5), ("1.5", 1.5), (" 2 ", 2.0), ("", None), (None, None)])
def test_an_area_as_typed(typed, expected):
    assert rules.parse_area(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "-1", "1000000"])
def test_an_area_that_is_not_one(typed):
    with pytest.raises(ValueError):
        rules.parse_area(typed)


def test_the_last_board_member_stays():
    assert not rules.can_leave_board(1, leaving_is_on_board=True)
    assert rules.can_leave_board(2, leaving_is_on_board=True)
    assert rules.can_leave_board(1, leaving_is_on_board=False)
