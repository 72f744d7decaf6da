"""The pure rules of talking: which side of a thread a user is on, what a message may be, when a
failed mail is tried again, when the daily digest is due (07:00 in Việt Nam, UTC+7 all year), and
the key that makes asking about the same thing again continue the same thread."""

from __future__ import annotations

import pytest

from marketplace.messaging import rules
from marketplace.messaging.rules import Sides, clean_body, side_of, topic_of

SIDES = Sides(buyer_org_id=10, seller_org_id=20)


# -- side_of -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("memberships, expected", [
    ([(10, "buyer")], "buyer"),
    ([(10, "seller")], "buyer"),  # a club buying: its sellers speak for it too
    ([(20, "seller")], "seller"),
    ([(20, "buyer")], "seller"),
    ([(30, "buyer"), (20, "seller")], "seller"),  # any membership that acts for a side
    ([(30, "seller")], None),  # another organisation
    ([(10, "staff")], None),  # staff do not speak for either side
    ([(20, "admin")], None),
    ([(10, "staff"), (20, "seller")], "seller"),
    ([], None),
])
def test_side_of(memberships, expected):
    assert side_of(memberships, SIDES) == expected


def test_side_of_takes_the_first_acting_membership():
    assert side_of([(20, "seller"), (10, "buyer")], SIDES) == "seller"
    assert side_of([(10, "buyer"), (20, "seller")], SIDES) == "buyer"


# -- clean_body ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Chào anh", ("Chào anh", None)),
    ("  Chào anh \n", ("Chào anh", None)),
    ("Dòng một\r\nDòng hai", ("Dòng một\nDòng hai", None)),
    ("", ("", "empty")),
    (None, ("", "empty")),
    (" \r\n\t ", ("", "empty")),
])
def test_clean_body(text, expected):
    assert clean_body(text) == expected


def test_clean_body_length_limit_after_trimming():
    assert clean_body("x" * rules.MESSAGE_MAX_LENGTH) == ("x" * rules.MESSAGE_MAX_LENGTH, None)
    assert clean_body("  " + "x" * rules.MESSAGE_MAX_LENGTH + "  ")[1] is None
    body, problem = clean_body("x" * (rules.MESSAGE_MAX_LENGTH + 1))
    assert problem == "too_long" and len(body) == rules.MESSAGE_MAX_LENGTH + 1
    # Windows line ends count once.
    assert clean_body("x\r\n" * (rules.MESSAGE_MAX_LENGTH // 2))[1] is None
    assert rules.MESSAGE_MAX_LENGTH == 4000


# -- topic_of ----------------------------------------------------------------------------------------------------

def test_topic_of():
    assert topic_of(listing_id=12) == "listing:12"
    assert topic_of(demand_id=5) == "demand:5"
    assert topic_of(offer_id=3) == "offer:3"
    assert topic_of(listing_id=12, demand_id=5) == "match:5:12"
    # An offer is its own topic, whatever it names.
    assert topic_of(offer_id=3, listing_id=12, demand_id=5) == "offer:3"
    assert topic_of(listing_id=0) == "listing:0"  # an id, not a truth value


def test_topic_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        topic_of()
    with pytest.raises(ValueError):
        topic_of(listing_id=None, demand_id=None, offer_id=None)


def test_topics_fit_their_column():
    assert len(topic_of(listing_id=10**11, demand_id=10**11)) <= 40
