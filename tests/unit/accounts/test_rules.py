"""accounts.rules: identifiers, passwords, redirects, roles and links, without Flask or a database."""

from __future__ import annotations

import pytest

from marketplace.accounts import rules


@pytest.mark.parametrize("typed", [
    "0912345678", "+84912345678", "+84 912 345 678", "84912345678", "84 912 345 678", "0912 345 678",
    "0912.345.678", "091-234-5678", "  0912345678  ", "(+84) 912-345-678",
])
def test_normalize_phone_accepts_a_mobile_number_as_people_write_it(typed):
    assert rules.normalize_phone(typed) == "0912345678"


@pytest.mark.parametrize(("typed", "expected"), [
    ("0388 123 456", "0388123456"),
    ("0561234567", "0561234567"),
    ("0701234567", "0701234567"),
    ("0812345678", "0812345678"),
])
def test_normalize_phone_accepts_the_other_mobile_prefixes(typed, expected):
    assert rules.normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", [
    "02773851234", "(0277) 3851 234", "0277.3851.234", "+84 277 3851 234", "84 277 3851 234", "842773851234",
])
def test_normalize_phone_accepts_a_landline_as_people_write_it(typed):
    assert rules.normalize_phone(typed) == "02773851234"


@pytest.mark.parametrize("typed", [
    None, "", "   ", "12345", "0112345678", "0412345678", "0612345678", "09123456789",
    "091234567", "+1 212 555 0100", "841234", "phone", "0912a45678",
    "0277385123",
])
def test_normalize_phone_rejects_what_is_not_a_vietnamese_number(typed):
    assert rules.normalize_phone(typed) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("nam@example.vn", "nam@example.vn"),
    ("Nam.Nguyen@Example.VN", "nam.nguyen@example.vn"),
    ("  lan@htx.com.vn ", "lan@htx.com.vn"),
])
def test_normalize_email_lowercases_and_trims(typed, expected):
    assert rules.normalize_email(typed) == expected


@pytest.mark.parametrize("typed", [None, "", "nam", "nam@", "@example.vn", "nam@example", "na m@example.vn",
                                   "nam@@example.vn", "nam@exa mple.vn"])
def test_normalize_email_rejects_non_addresses(typed):
    assert rules.normalize_email(typed) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("Lan@Example.VN", ("email", "lan@example.vn")),
    ("+84 912 345 678", ("phone", "0912345678")),
    ("0912.345.678", ("phone", "0912345678")),
    ("02773851234", ("phone", "02773851234")),
])
def test_parse_identifier_tells_email_from_phone(typed, expected):
    assert rules.parse_identifier(typed) == expected


@pytest.mark.parametrize("typed", ["", "lan", "lan@", "12345", "lan@example"])
def test_parse_identifier_rejects_neither(typed):
    assert rules.parse_identifier(typed) is None


def test_acceptable_password_has_no_problems():
    assert rules.password_problems("correct-horse-battery") == []


@pytest.mark.parametrize(("password", "problem"), [
    ("short1!", "too_short"),
    ("x" * (rules.PASSWORD_MIN_LENGTH - 1), "too_short"),
    ("ab" * 101, "too_long"),
    ("aaaaaaaaaaaa", "too_simple"),
    ("abcabcabcabc", "too_simple"),
])
def test_password_problems_named(password, problem):
    assert problem in rules.password_problems(password)


def test_password_at_the_limits_is_accepted():
    assert rules.password_problems("abcd" * 50) == []  # exactly PASSWORD_MAX_LENGTH
    assert rules.password_problems("abcdefghij") == []  # exactly PASSWORD_MIN_LENGTH


@pytest.mark.parametrize("identifier", ["0912345678", "lan@example.vn"])
def test_password_may_not_contain_the_identifier(identifier):
    password = f"Xy{identifier.upper()}!z"
    assert rules.password_problems(password, identifiers=(identifier,)) == ["contains_identifier"]


def test_short_or_empty_identifiers_do_not_forbid_passwords():
    assert rules.password_problems("abc-horse-battery", identifiers=("", "abc")) == []


@pytest.mark.parametrize("target", ["/", "/account", "/ok?x=1", "/orgs/3#contact", "/search?q=xo%C3%A0i"])
def test_safe_redirects_stay_on_site(target):
    assert rules.is_safe_redirect(target) is True


@pytest.mark.parametrize("target", [
    None, "", "//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "/\\/evil.com",
    "https://evil.com", "http://evil.com/account", "javascript:alert(1)", "JavaScript:alert(1)",
    "evil.com", "account", "http:/evil.com", " /account", "/ok\r\nLocation: https://evil.com",
    "/\tevil.com", "data:text/html,<script>alert(1)</script>",
])
def test_unsafe_redirects_are_refused(target):
    assert rules.is_safe_redirect(target) is False


@pytest.mark.parametrize(("kind", "role"), [
    ("club", "seller"), ("cooperative", "seller"), ("coop_group", "seller"),
    ("business", "buyer"), ("supermarket", "buyer"), ("trader", "buyer"), ("exporter", "buyer"),
    ("agency", "staff"),
])
def test_default_role_for_each_kind(kind, role):
    assert rules.default_role_for(kind) == role


def test_every_kind_has_a_default_role():
    assert {rules.default_role_for(kind) for kind in rules.ORG_KINDS} <= set(rules.ROLES)


@pytest.mark.parametrize("kind", ["", "farm", "Club", "admin"])
def test_default_role_for_unknown_kind_raises(kind):
    with pytest.raises(ValueError):
        rules.default_role_for(kind)


def test_agency_cannot_be_created_by_sign_up():
    assert "agency" not in rules.SELF_SERVICE_KINDS
    assert set(rules.SELF_SERVICE_KINDS) == set(rules.ORG_KINDS) - {"agency"}


@pytest.mark.parametrize("phone", ["0912345678", "+84 912 345 678", "0912.345.678"])
def test_zalo_link_uses_the_national_number(phone):
    assert rules.zalo_link(phone) == "https://zalo.me/0912345678"


@pytest.mark.parametrize("phone", [None, "", "12345", "not a phone"])
def test_zalo_link_is_none_without_a_valid_number(phone):
    assert rules.zalo_link(phone) is None
