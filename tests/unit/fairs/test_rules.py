"""The pure rules of fairs and booth applications: who can apply and until when, the statuses
and the moves between them, booth numbers, the fee due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.fairs import rules

TODAY = date.today()
STARTS = TODAY + timedelta(days=30)


def _problem(**changes):
    values = {"status": "published", "starts_on": STARTS, "fair_apply_by": None, "today": TODAY,
              "org_kind": "club", "has_open_application": False} | changes
    return rules.application_problem(**values)


def test_a_club_applies_to_a_published_fair_before_the_deadline():
    assert _problem() is None
    assert _problem(org_kind="cooperative") is None
    assert _problem(org_kind="business") is None


@pytest.mark.parametrize(("changes", "key"), [
    ({"status": "draft"}, "not_open"),
    ({"status": "cancelled"}, "not_open"),
    ({"fair_apply_by": TODAY - timedelta(days=1)}, "deadline_passed"),
    ({"today": STARTS}, "deadline_passed"),  # without a deadline: until the day before it starts
    ({"org_kind": "supermarket"}, "not_exhibitor"),
    ({"org_kind": None}, "not_exhibitor"),
    ({"has_open_application": True}, "already_applied"),
])
def test_who_cannot_apply(changes, key):
    assert _problem(**changes) == key


def test_the_deadline_day_itself_still_takes_applications():
    assert _problem(fair_apply_by=TODAY) is None
    assert rules.apply_by(None, STARTS) == STARTS - timedelta(days=1)
    assert rules.apply_by(TODAY, STARTS) == TODAY


def test_transitions_by_actor():
    assert rules.next_status("applied", "approve", "staff") == "approved"
    assert rules.next_status("waitlisted", "approve", "staff") == "approved"
    assert rules.next_status("applied", "waitlist", "staff") == "waitlisted"
    assert rules.next_status("approved", "decline", "staff") == "declined"
    assert rules.next_status("approved", "confirm", "system") == "confirmed"
    assert rules.next_status("confirmed", "withdraw", "applicant") == "withdrawn"
    # Not allowed: the wrong actor, or from a final status
    assert rules.next_status("applied", "approve", "applicant") is None
    assert rules.next_status("declined", "approve", "staff") is None
    assert rules.next_status("withdrawn", "withdraw", "applicant") is None
    assert rules.next_status("confirmed", "decline", "staff") is None
    assert rules.next_status("waitlisted", "waitlist", "staff") is None
    assert set(rules.allowed_from("approve")) == {"applied", "waitlisted"}


def test_a_booth_is_given_back_only_when_one_was_held():
    assert rules.releases_booth("approved", "withdrawn")
    assert rules.releases_booth("confirmed", "withdrawn")
    assert rules.releases_booth("approved", "declined")
    assert not rules.releases_booth("applied", "withdrawn")
    assert not rules.releases_booth("waitlisted", "declined")


def test_booth_numbers():
    assert rules.booth_number("A-", 7) == "A-07"
    assert rules.booth_number("", 12) == "12"
    assert rules.booth_number("B", 120) == "B120"
    assert rules.number_of("A-", "A-07") == 7
    assert rules.number_of("A-", "B-07") is None
    assert rules.number_of("A-", "A-x") is None
    assert rules.first_free_number("A-", []) == 1
    assert rules.first_free_number("A-", ["A-01", "A-02", "B-03"]) == 3
    assert rules.first_free_number("A-", ["A-01", "A-03"]) == 2  # a number given back is given again
    assert rules.first_free_number("", ["01", "02", "A-03"]) == 3


def test_fee_due_only_while_approved_and_unpaid():
    assert rules.fee_due("approved", 1_500_000, paid=False) == 1_500_000
    assert rules.fee_due("approved", 1_500_000, paid=True) == 0
    assert rules.fee_due("approved", 0, paid=False) == 0
    for status in ("applied", "waitlisted", "confirmed", "declined", "withdrawn"):
        assert rules.fee_due(status, 1_500_000, paid=False) == 0


def test_references():
    assert rules.application_ref(12) == "GH-000012"
    message = rules.transfer_message(12)
    assert message == "CHQ GH 12" and message.isascii() and len(message) <= 25


def _fair_problems(**changes):
    values = {"name": "Hội chợ", "kind": "fair", "starts_on": STARTS, "ends_on": STARTS + timedelta(days=2),
              "apply_by_day": None, "texts": {"name": "Hội chợ"},
              "booth_kinds": [rules.BoothKindInput(name="Gian tiêu chuẩn", count=20, fee_vnd=1_500_000,
                                                   number_prefix="A-")]} | changes
    return rules.check_fair(**values).fields


def test_a_fair_checks_out():
    assert _fair_problems() == {}


def test_every_problem_of_a_fair_at_once():
    problems = _fair_problems(
        name=" ", kind="party", ends_on=STARTS - timedelta(days=1), apply_by_day=STARTS + timedelta(days=1),
        booth_kinds=[rules.BoothKindInput(name="", count=0, fee_vnd=-1, number_prefix="A/"),
                     rules.BoothKindInput(name="B", count=None, fee_vnd=0, number_prefix="X"),
                     rules.BoothKindInput(name="C", count=3, fee_vnd=0, number_prefix="X")])
    assert problems["name"] == ["required"]
    assert problems["kind"] == ["unknown_choice"]
    assert problems["ends_on"] == ["window_order"]
    assert problems["apply_by"] == ["apply_after_start"]
    assert problems["booths-0-name"] == ["required"]
    assert problems["booths-0-count"] == ["booth_count"]
    assert problems["booths-0-fee_vnd"] == ["fee_range"]
    assert problems["booths-0-number_prefix"] == ["bad_prefix"]
    assert problems["booths-1-count"] == ["required"]
    assert problems["booths-2-number_prefix"] == ["prefix_taken"]


def test_every_problem_of_an_application_at_once():
    problems = rules.check_application(booth_kind_ok=False, contact_name="", contact_phone="12", phone_ok=False,
                                       listing_count=0, texts={"products_text": " ", "note": "x" * 3000}).fields
    assert problems == {"booth_kind_id": ["choose_booth"], "contact_name": ["required"],
                        "contact_phone": ["bad_phone"], "products_text": ["no_products"], "note": ["too_long"]}
    assert rules.check_application(booth_kind_ok=True, contact_name="An", contact_phone="0912345678", phone_ok=True,
                                   listing_count=1, texts={}).fields == {}
