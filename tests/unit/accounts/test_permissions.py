"""acting_buyer: the buyer organisation a person orders and posts requests for (no app, no database)."""

from __future__ import annotations

from types import SimpleNamespace

from marketplace.accounts.permissions import acting_buyer, can_buy_for


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
