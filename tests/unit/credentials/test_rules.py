"""Pure credential rules: normalising and checking codes and numbers, default expiry, date
checks, validity on a day and over a window, staff transitions, export markets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.credentials import rules
from marketplace.credentials.rules import CredentialProblem

# normalize_code ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "VN-DTOR-0017", "  vn-dtor-0017  ", "VN_DTOR_0017", "VN DTOR 0017", "VN  -  DTOR \t 0017", "VN--DTOR__-0017",
    "-VN-DTOR-0017-",
    "vn\u2013dtor\u20130017",  # en dashes from a phone keyboard
    "VN\u2014DTOR\u20140017",  # em dashes from a word processor
])
def test_normalize_code(typed):
    assert rules.normalize_code(typed) == "VN-DTOR-0017"


@pytest.mark.parametrize("typed", ["", None])
def test_normalize_code_of_nothing_is_empty(typed):
    assert rules.normalize_code(typed) == ""


# check_planting_code -------------------------------------------------------------------------

# (kind, the code as stored, the spellings of it that are accepted)
ACCEPTED_CODES = [
    ("growing_area", "VN-DTOR-0017", ["VN-DTOR-0017", "vn dtor 0017"]),
    ("packing_house", "VN-DTPH-0001", ["VN-DTPH-0001", "vn_dtph_0001"]),
    # Domestic and other markets' codes have no fixed format: a loose pattern only.
    ("growing_area", "DT-XOAI-12", ["DT-XOAI-12", "dt xoai 12"]),
    ("growing_area", "PUC-82-0345", ["PUC-82-0345"]),
    ("packing_house", "12345", ["12345"]),
    ("growing_area", "A" * 40, ["A" * 40]),
]


@pytest.mark.parametrize(("typed", "kind", "expected"), [
    (typed, kind, expected) for kind, expected, spellings in ACCEPTED_CODES for typed in spellings])
def test_planting_codes_accepted(typed, kind, expected):
    assert rules.check_planting_code(typed, kind) == expected


@pytest.mark.parametrize(("typed", "kind", "key"), [
    ("VN-DTPH-0001", "growing_area", "code_kind_packing"),
    ("VN-DTOR-0017", "packing_house", "code_kind_orchard"),
    ("", "growing_area", "code_empty"),
    ("   ", "growing_area", "code_empty"),
    ("– _ —", "growing_area", "code_empty"),
    ("A" * 41, "growing_area", "code_too_long"),
    ("VN-DTOR-" + "0" * 33, "growing_area", "code_too_long"),
    ("VN.DTOR.0017", "growing_area", "code_characters"),
    ("VN-ĐTOR-0017", "growing_area", "code_characters"),
    ("XOÀI-12", "growing_area", "code_characters"),
    ("VN-DTOR-0017#", "growing_area", "code_characters"),
    ("VN+DTOR", "growing_area", "code_characters"),
    # It says it is a Đồng Tháp export code, so the export format applies.
    ("VN-DTOR-17", "growing_area", "code_export_format"),
    ("VN-DTOR-0017A", "growing_area", "code_export_format"),
    ("VN-DTPH-1234567", "packing_house", "code_export_format"),
])
def test_planting_codes_refused(typed, kind, key):
    with pytest.raises(CredentialProblem) as raised:
        rules.check_planting_code(typed, kind)
    assert raised.value.key == key


def test_refused_code_carries_the_normalised_value():
    with pytest.raises(CredentialProblem) as raised:
        rules.check_planting_code("vn dtph 0001", "growing_area")
    assert raised.value.value == "VN-DTPH-0001"


# check_certificate_number --------------------------------------------------------------------

# (type, the number as stored, the spellings of it that are accepted)
ACCEPTED_NUMBERS = [
    ("globalgap", "4063061123456", ["4063061123456", "4063 0611 23456", "4.063.061.123.456", " 4063061123456 "]),
    ("vietgap", "VIETGAP-TT-13-09-68-0096", ["VietGAP-TT-13-09-68-0096", "vietgap tt 13 09 68 0096"]),
    ("organic", "TCVN-11041-0012", ["TCVN 11041-0012"]),
    ("ocop", "1234-QĐ-UBND", ["1234/QĐ-UBND"]),
]


@pytest.mark.parametrize(("cert_type", "typed", "expected"), [
    (cert_type, typed, expected) for cert_type, expected, spellings in ACCEPTED_NUMBERS for typed in spellings])
def test_certificate_numbers_accepted(cert_type, typed, expected):
    assert rules.check_certificate_number(cert_type, typed) == expected


@pytest.mark.parametrize(("cert_type", "typed", "key"), [
    ("globalgap", "406306112345", "ggn_format"),  # 12 digits
    ("globalgap", "40630611234567", "ggn_format"),  # 14 digits
    ("globalgap", "GGN4063061123456", "ggn_format"),
    ("globalgap", "", "number_empty"),
    ("vietgap", "", "number_empty"),
    ("vietgap", " - ", "number_empty"),
    ("vietgap", "X" * 61, "number_too_long"),
    ("halal", "H-123", "type_unknown"),
])
def test_certificate_numbers_refused(cert_type, typed, key):
    with pytest.raises(CredentialProblem) as raised:
        rules.check_certificate_number(cert_type, typed)
    assert raised.value.key == key


# default_expiry and check_dates ---------------------------------------------------------------

@pytest.mark.parametrize(("issued", "expected"), [
    (date(2024, 3, 15), date(2027, 3, 15)),
    (date(2020, 2, 29), date(2023, 2, 28)),  # no 29 February in 2023
    (date(2025, 1, 31), date(2028, 1, 31)),
    (date(2023, 11, 30), date(2026, 11, 30)),
])
def test_ocop_lasts_36_months(issued, expected):
    assert rules.default_expiry("ocop", issued) == expected


@pytest.mark.parametrize("cert_type", ["vietgap", "globalgap", "organic"])
def test_other_certificates_must_state_their_expiry(cert_type):
    assert rules.default_expiry(cert_type, date(2025, 1, 1)) is None


def test_ocop_without_a_decision_date_has_no_default():
    assert rules.default_expiry("ocop", None) is None


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),
    (date(2100, 1, 29), 1, date(2100, 2, 28)),  # 2100 is not a leap year
    (date(2000, 1, 29), 1, date(2000, 2, 29)),  # 2000 is
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert rules.add_months(start, months) == expected


@pytest.mark.parametrize(("cert_type", "issued", "expires", "key"), [
    ("vietgap", date(2025, 6, 1), date(2025, 5, 31), "expiry_before_issue"),
    ("globalgap", date(2025, 6, 1), date(2025, 6, 1), "expiry_before_issue"),
    ("ocop", date(2025, 6, 1), date(2024, 6, 1), "expiry_before_issue"),
    ("vietgap", date(2025, 6, 1), date(2027, 6, 2), "vietgap_too_long"),
    ("vietgap", date(2024, 2, 29), date(2026, 3, 1), "vietgap_too_long"),
])
def test_bad_dates_refused(cert_type, issued, expires, key):
    with pytest.raises(CredentialProblem) as raised:
        rules.check_dates(cert_type, issued, expires)
    assert raised.value.key == key


@pytest.mark.parametrize(("cert_type", "issued", "expires"), [
    ("vietgap", date(2025, 6, 1), date(2027, 6, 1)),  # exactly two years
    ("vietgap", date(2024, 2, 29), date(2026, 2, 28)),
    ("globalgap", date(2025, 6, 1), date(2028, 6, 1)),  # only VietGAP has the two-year limit
    ("organic", date(2025, 6, 1), date(2030, 6, 1)),
    ("vietgap", None, date(2027, 6, 1)),
    ("vietgap", date(2025, 6, 1), None),
])
def test_good_dates_accepted(cert_type, issued, expires):
    assert rules.check_dates(cert_type, issued, expires) is None


@pytest.mark.parametrize(("cert_type", "stars", "expected"), [
    ("ocop", 3, 3), ("ocop", 5, 5), ("ocop", 1, 1), ("vietgap", 4, None), ("globalgap", None, None),
])
def test_stars(cert_type, stars, expected):
    assert rules.check_stars(cert_type, stars) == expected


@pytest.mark.parametrize("stars", [None, 0, 6, -1])
def test_ocop_stars_out_of_range(stars):
    with pytest.raises(CredentialProblem) as raised:
        rules.check_stars("ocop", stars)
    assert raised.value.key == "stars_range"


# validity ------------------------------------------------------------------------------------

DAY = date(2026, 5, 20)


@pytest.mark.parametrize("status", ["pending", "suspended", "revoked", "expired"])
@pytest.mark.parametrize("valid_until", [None, DAY + timedelta(days=365)])
def test_only_active_credentials_are_ever_valid(status, valid_until):
    result = rules.validity(status, valid_until, DAY)
    assert result.valid is False
    assert result.state == status


@pytest.mark.parametrize(("valid_until", "valid", "state"), [
    (DAY + timedelta(days=1), True, "active"),
    (DAY, True, "active"),  # valid through its last day
    (DAY - timedelta(days=1), False, "expired"),  # invalid the day after
    (None, True, "active"),
])
def test_active_is_valid_until_and_including_its_last_day(valid_until, valid, state):
    result = rules.validity("active", valid_until, DAY)
    assert (result.valid, result.state) == (valid, state)


@pytest.mark.parametrize(("stars", "valid", "state"), [
    (1, False, "not_certified"), (2, False, "not_certified"), (None, False, "not_certified"),
    (3, True, "active"), (4, True, "active"), (5, True, "active"),
])
def test_ocop_below_three_stars_is_never_valid(stars, valid, state):
    result = rules.validity("active", DAY + timedelta(days=30), DAY, stars=stars, cert_type="ocop")
    assert (result.valid, result.state) == (valid, state)


def test_expired_ocop_rating_is_expired_not_merely_uncertified():
    result = rules.validity("active", DAY - timedelta(days=1), DAY, stars=4, cert_type="ocop")
    assert (result.valid, result.state) == (False, "expired")


def test_stars_only_matter_for_ocop():
    assert rules.validity("active", None, DAY, stars=None, cert_type="vietgap").valid is True


@pytest.mark.parametrize(("valid_until", "expected"), [
    (date(2026, 6, 30), True),  # the window's last day is covered
    (date(2026, 7, 31), True),
    (None, True),
    (date(2026, 6, 29), False),  # lapses the day before delivery ends
    (date(2026, 6, 10), False),  # lapses mid-window
    (date(2026, 5, 31), False),  # already lapsed on the first day
])
def test_valid_throughout_a_window(valid_until, expected):
    assert rules.valid_throughout("active", valid_until, date(2026, 6, 1), date(2026, 6, 30)) is expected


@pytest.mark.parametrize("status", ["pending", "suspended", "revoked", "expired"])
def test_not_valid_throughout_unless_active(status):
    assert rules.valid_throughout(status, date(2026, 9, 1), date(2026, 6, 1), date(2026, 6, 30)) is False


def test_low_star_ocop_is_not_valid_throughout():
    assert rules.valid_throughout("active", date(2026, 9, 1), date(2026, 6, 1), date(2026, 6, 30),
                                  stars=2, cert_type="ocop") is False


# next_status ---------------------------------------------------------------------------------

# Staff moves tried here, by the status they start from: {action: the status it leads to, or None where
# it is refused} (test_every_transition_is_covered tries every pair).
MOVES = {
    "pending": {"verify": "active", "revoke": "revoked", "reject": "revoked", "suspend": None},
    "active": {"suspend": "suspended", "revoke": "revoked", "verify": None, "reject": None},
    "suspended": {"verify": "active", "revoke": "revoked", "suspend": None, "reject": None},
    "revoked": {"verify": None, "suspend": None, "revoke": None, "reject": None},
    "expired": {"verify": None, "suspend": None, "revoke": None},
}


@pytest.mark.parametrize(("current", "action", "expected"), [
    (current, action, expected) for current, moves in MOVES.items() for action, expected in moves.items() if expected])
def test_allowed_transitions(current, action, expected):
    assert rules.next_status(current, action) == expected


@pytest.mark.parametrize(("current", "action"), [
    (current, action) for current, moves in MOVES.items() for action, expected in moves.items() if expected is None])
def test_refused_transitions(current, action):
    with pytest.raises(CredentialProblem) as raised:
        rules.next_status(current, action)
    assert raised.value.key == "transition_not_allowed"


def test_every_transition_is_covered():
    """Each action's allowed statuses are exactly those the tests above accept."""
    allowed = {(current, action) for action, (sources, _target) in rules.TRANSITIONS.items()
               for current in sources}
    for current in rules.STATUSES:
        for action in rules.TRANSITIONS:
            if (current, action) in allowed:
                assert rules.next_status(current, action) in rules.STATUSES
            else:
                with pytest.raises(CredentialProblem):
                    rules.next_status(current, action)


def test_reasons_are_needed_for_everything_but_verify():
    assert rules.ACTIONS_NEEDING_REASON == {"suspend", "revoke", "reject"}


# split_markets -------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("cn; US, eu", ["CN", "US", "EU"]),
    ("CN;US;EU", ["CN", "US", "EU"]),
    ("cn us", ["CN", "US"]),
    (" ;; ,", []),
    ("", []),
    (None, []),
])
def test_split_markets(typed, expected):
    assert rules.split_markets(typed) == expected
