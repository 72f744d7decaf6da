"""acting_buyer: the buyer organisation a person orders and posts requests for (no app, no database)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.accounts.permissions import (
    NotOneOfYours,
    acting_buyer,
    buying_org_for,
    buying_orgs,
    can_buy_for,
    can_manage_demand,
)
from marketplace.accounts.rules import may_buy_as


def org(id_: int, kind: str) -> SimpleNamespace:
    return SimpleNamespace(id=id_, kind=kind)


def person(*memberships: tuple[SimpleNamespace, str], admin: bool = False, signed_in: bool = True):
    rows = [SimpleNamespace(organization_id=o.id, organization=o, role=role) for o, role in memberships]
    return SimpleNamespace(is_authenticated=signed_in, is_admin=admin, memberships=rows,
                           organization=rows[0].organization if rows else None)


def test_a_supermarket_buyer_acts_for_the_supermarket():
    mart = org(1, "supermarket")
    assert acting_buyer(person((mart, "buyer"))) is mart


def test_a_club_seller_buys_for_no_one():
    assert acting_buyer(person((org(2, "club"), "seller"))) is None


def test_a_seller_role_in_a_buying_organisation_is_not_enough():
    assert acting_buyer(person((org(3, "trader"), "seller"))) is None


def test_only_the_first_organisation_counts():
    club, mart = org(4, "club"), org(5, "supermarket")
    assert acting_buyer(person((club, "seller"), (mart, "buyer"))) is None


def test_an_admin_acts_for_their_own_buying_organisation():
    assert acting_buyer(person((org(6, "exporter"), "staff"), admin=True)).id == 6


def test_nobody_signed_in_and_no_organisation():
    assert acting_buyer(None) is None
    assert acting_buyer(person(signed_in=False)) is None
    assert acting_buyer(person()) is None


def test_can_buy_for_names_the_organisation_checked():
    mart, club = org(7, "supermarket"), org(8, "club")
    buyer = person((mart, "buyer"))
    assert can_buy_for(buyer, mart)
    assert not can_buy_for(buyer, club)
    assert not can_buy_for(buyer, None)
    assert not can_buy_for(person((org(9, "trader"), "buyer")), mart)  # a buyer of another organisation


# Clubs buying (issue #19) ------------------------------------------------------------------------

def board_member(*memberships: tuple[SimpleNamespace, str, bool]):
    rows = [SimpleNamespace(organization_id=o.id, organization=o, role=role, board=board)
            for o, role, board in memberships]
    return SimpleNamespace(is_authenticated=True, is_admin=False, memberships=rows,
                           organization=rows[0].organization if rows else None)


def test_a_clubs_board_and_its_buyers_buy_for_it_its_other_sellers_do_not():
    coop = org(5, "cooperative")
    assert acting_buyer(board_member((coop, "seller", True))) is coop
    assert acting_buyer(board_member((coop, "buyer", False))) is coop
    assert acting_buyer(board_member((coop, "seller", False))) is None
    assert not can_manage_demand(board_member((coop, "staff", False)), coop)
    # a trader's board seat does not make a seller its buyer: buyer organisations are unchanged
    trader = org(6, "trader")
    assert acting_buyer(board_member((trader, "seller", True))) is None
    assert not may_buy_as("agency", "buyer", True)
    both = board_member((coop, "seller", True), (trader, "buyer", False))
    assert buying_orgs(both) == [coop, trader]


def test_buying_org_for_chooses_among_the_persons_own():
    club, trader = org(7, "club"), org(8, "trader")
    both = board_member((club, "seller", True), (trader, "buyer", False))
    assert buying_org_for(both, None) is club and buying_org_for(both, " 8 ") is trader
    with pytest.raises(NotOneOfYours):
        buying_org_for(both, "9")


def test_without_org_a_clubs_plain_seller_buys_for_the_trader_they_buy_for():
    club, trader = org(10, "club"), org(11, "trader")
    seller_and_buyer = board_member((club, "seller", False), (trader, "buyer", False))
    assert acting_buyer(seller_and_buyer) is None  # the first organisation does not buy through them
    assert buying_org_for(seller_and_buyer, None) is trader and buying_org_for(seller_and_buyer, "") is trader
    assert buying_org_for(board_member((club, "seller", False)), None) is None
