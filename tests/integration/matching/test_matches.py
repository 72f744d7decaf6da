"""Matches computed from the database (services.matches_for_demand / matches_for_listing): facts read
from the tables, synonyms and accent-free spelling, look-alike product names, units, credentials as
staff left them, accepted offers, and what is not on sale."""

from __future__ import annotations

from datetime import timedelta

from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.listings import services as listings
from marketplace.matching import services as matching
from marketplace.matching.rules import Reason
from tests.factories import (
    make_certificate,
    make_demand,
    make_listing,
    make_offer,
    make_org,
    make_planting_code,
    make_user,
)
from tests.integration.matching.conftest import BEN_THANH, CAO_LANH, PHU_HUU, SA_DEC


def ids(found) -> list[int]:
    return [m.listing.id for m in found]


def full_ids(found) -> set[int]:
    return {m.listing.id for m in found if m.full}


def unmet_codes(match) -> list[str]:
    return [r.code for r in match.unmet]


def test_a_demand_post_finds_the_listings_of_its_product(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket", commune_code=CAO_LANH), make_org("club", commune_code=PHU_HUU)
    mango = make_listing(club, "xoài", variety="cát Chu", quantity="3000")
    make_listing(club, "quýt", variety="hồng Lai Vung")
    demand = make_demand(buyer, "xoài", variety="cát Chu", quantity="2", unit="tấn", price_min_vnd="30000",
                         price_max_vnd="45000", quality_notes="xoài cát Chu loại 1")
    found = matching.matches_for_demand(session, demand.id, today)
    assert ids(found) == [mango.id]
    match = found[0]
    assert match.full
    assert match.listing.ref == mango.ref and match.demand.id == demand.id
    codes = [r.code for r in match.reasons]
    assert codes == ["variety", "window", "quantity", "price_in_range", "distance", "similar_text"]
    assert Reason.of("quantity", percent=100, available=3000.0, unit="kg") in match.reasons
    assert Reason.of("price_in_range", price=38000, low=30000, high=45000) in match.reasons
    km = next(r for r in match.reasons if r.code == "distance").args["km"]
    assert 20 < km < 40  # Phú Hựu to Cao Lãnh


def test_units_are_converted_between_tan_and_kg(session):
    today = today_in_vietnam()
    buyer, club = make_org("exporter"), make_org("club")
    in_kg = make_listing(club, "xoài", variety="cát Chu", quantity="5000", unit="kg")
    in_tan = make_listing(club, "xoài", variety="cát Chu", quantity="30", unit="tấn", min_order="25")
    demand = make_demand(buyer, "xoài", variety="cát Chu", quantity="20", unit="tấn")
    found = {m.listing.id: m for m in matching.matches_for_demand(session, demand.id, today)}
    assert Reason.of("quantity", percent=25, available=5000.0, unit="kg") in found[in_kg.id].reasons
    assert found[in_kg.id].full
    assert not found[in_tan.id].full  # 25 tấn minimum for a 20 tấn request
    assert found[in_tan.id].unmet == [Reason.of("below_min_order", min_order=25.0, unit="tấn")]


def test_variety_synonyms_and_accent_free_spelling_are_the_same_variety(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    plain = make_listing(club, "xoai", variety="cat chu")
    capital = make_listing(club, "Xoài", variety="Cát Chu")
    other = make_listing(club, "xoài", variety="Hòa Lộc")  # the synonym of cát Hòa Lộc
    demand = make_demand(buyer, "trái xoài", variety="cát chu")
    found = {m.listing.id: m for m in matching.matches_for_demand(session, demand.id, today)}
    assert full_ids(found.values()) == {plain.id, capital.id}
    assert found[other.id].unmet == [Reason.of("variety_differs", wanted="cát Chu", offered="cát Hòa Lộc")]


def test_look_alike_names_never_match(session):
    """dừa (coconut), dứa (pineapple, also thơm and khóm) and dưa hấu (watermelon) fold alike."""
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    coconut = make_listing(club, "dừa", quantity="5000", unit="trái", price_vnd="9000")
    pineapple = make_listing(club, "khóm", quantity="3000")
    watermelon = make_listing(club, "dưa hấu", quantity="3000")
    wants_pineapple = make_demand(buyer, "dứa", quantity="2", unit="tấn")
    wants_coconut = make_demand(buyer, "dừa", quantity="1000", unit="trái")
    wants_watermelon = make_demand(buyer, "dưa hấu", quantity="1", unit="tấn")
    assert ids(matching.matches_for_demand(session, wants_pineapple.id, today)) == [pineapple.id]
    assert ids(matching.matches_for_demand(session, wants_coconut.id, today)) == [coconut.id]
    assert ids(matching.matches_for_demand(session, wants_watermelon.id, today)) == [watermelon.id]
    assert [m.demand.id for m in matching.matches_for_listing(session, coconut.id, today)] == [wants_coconut.id]
    assert [m.demand.id for m in matching.matches_for_listing(session, pineapple.id, today)] == [wants_pineapple.id]


def test_credentials_count_as_staff_left_them(session):
    today = today_in_vietnam()
    staff = make_user("staff")
    buyer, good_club, lapsing_club, expired_club, pending_club, suspended_club = (
        make_org("supermarket"), *(make_org("club") for _ in range(5)))
    good = make_listing(good_club, "xoài", certificates=[make_certificate(good_club)])
    lapsing = make_listing(lapsing_club, "xoài", certificates=[
        make_certificate(lapsing_club, expires_on=today + timedelta(days=10))])
    expired = make_listing(expired_club, "xoài", certificates=[
        make_certificate(expired_club, issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))])
    pending = make_listing(pending_club, "xoài", certificates=[make_certificate(pending_club, status="pending")])
    certificate = make_certificate(suspended_club)
    suspended = make_listing(suspended_club, "xoài", certificates=[certificate])
    credentials.change_status(session, certificate, "suspend", staff, reason="Kiểm tra lại vùng trồng")
    session.commit()
    demand = make_demand(buyer, "xoài", required_certificates="vietgap", needed_to=today + timedelta(days=30))
    found = {m.listing.id: m for m in matching.matches_for_demand(session, demand.id, today)}
    assert full_ids(found.values()) == {good.id}
    assert unmet_codes(found[lapsing.id]) == ["certificate_lapses"]
    assert found[expired.id].unmet == [Reason.of("certificate_invalid", kind="vietgap", status="expired")]
    assert found[pending.id].unmet == [Reason.of("certificate_invalid", kind="vietgap", status="pending")]
    assert found[suspended.id].unmet == [Reason.of("certificate_invalid", kind="vietgap", status="suspended")]


def test_ocop_stars_are_read_from_the_rating(session):
    today = today_in_vietnam()
    buyer, four, three, two = make_org("supermarket"), make_org("club"), make_org("club"), make_org("club")
    make_listing(four, "mắm cá", unit="kg", certificates=[make_certificate(four, "ocop", stars=4)])
    three_listing = make_listing(three, "mắm cá", certificates=[make_certificate(three, "ocop", stars=3)])
    two_listing = make_listing(two, "mắm cá", certificates=[make_certificate(two, "ocop", stars=2)])
    demand = make_demand(buyer, "mắm cá", quantity="100", unit="kg", min_ocop_stars="4")
    found = {m.listing.id: m for m in matching.matches_for_demand(session, demand.id, today)}
    assert len(full_ids(found.values())) == 1
    assert found[three_listing.id].unmet == [Reason.of("ocop_too_few_stars", stars=3, wanted=4)]
    assert found[two_listing.id].unmet == [Reason.of("ocop_too_few_stars", stars=2, wanted=4)]


def test_accepted_offers_reduce_what_is_still_wanted(session):
    today = today_in_vietnam()
    buyer_user = make_user("buyer")
    buyer = buyer_user.memberships[0].organization
    club = make_org("club")
    listing = make_listing(club, "xoài", quantity="2000")
    demand = make_demand(buyer, "xoài", quantity="5", unit="tấn")
    share = next(r for r in matching.matches_for_demand(session, demand.id, today)[0].reasons if r.code == "quantity")
    assert share.args["percent"] == 40
    offer = make_offer(demand, make_org("club"), quantity="3")
    demand_service.decide_offer(session, offer, "accept", buyer_user, today=today)
    session.commit()
    share = next(r for r in matching.matches_for_demand(session, demand.id, today)[0].reasons if r.code == "quantity")
    assert share.args["percent"] == 100  # 2 tấn still wanted, 2,000 kg on offer
    assert listing.id == matching.matches_for_demand(session, demand.id, today)[0].listing.id


def test_listings_not_on_sale_are_not_offered_to_buyers_but_see_their_own_near_misses(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    draft = make_listing(club, "xoài", publish=False)
    paused = make_listing(club, "xoài")
    listings.change_status(session, paused, "pause", today=today)
    session.commit()
    on_sale = make_listing(club, "xoài")
    demand = make_demand(buyer, "xoài")
    assert ids(matching.matches_for_demand(session, demand.id, today)) == [on_sale.id]
    for listing in (draft, paused):
        found = matching.matches_for_listing(session, listing.id, today)
        assert [(m.demand.id, m.full, unmet_codes(m)) for m in found] == [(demand.id, False, ["not_on_sale"])]


def test_demand_that_is_not_open_is_not_offered_to_sellers(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    listing = make_listing(club, "xoài")
    open_post = make_demand(buyer, "xoài")
    make_demand(buyer, "xoài", status="paused")
    make_demand(buyer, "xoài", today=today - timedelta(days=40), needed_from=today - timedelta(days=40),
                needed_to=today - timedelta(days=10))
    assert [m.demand.id for m in matching.matches_for_listing(session, listing.id, today)] == [open_post.id]


def test_a_request_whose_window_has_passed_has_no_full_match(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    make_listing(club, "xoài", available_from=today - timedelta(days=30), available_to=today + timedelta(days=30))
    old = make_demand(buyer, "xoài", today=today - timedelta(days=40), needed_from=today - timedelta(days=40),
                      needed_to=today - timedelta(days=10))
    found = matching.matches_for_demand(session, old.id, today)
    assert [(m.full, unmet_codes(m)) for m in found] == [(False, ["window_differs"])]


def test_planting_codes_for_the_market_through_the_database(session):
    today = today_in_vietnam()
    buyer, club = make_org("exporter", commune_code=BEN_THANH), make_org("club", commune_code=SA_DEC)
    codes = [make_planting_code(club, markets="us; cn"), make_planting_code(club, kind="packing_house",
                                                                            markets="US")]
    listing = make_listing(club, "xoài", planting_codes=codes)
    china = make_demand(buyer, "xoài", export_market="cn")
    us = make_demand(buyer, "xoài", export_market="US")
    found = {m.demand.id: m for m in matching.matches_for_listing(session, listing.id, today)}
    assert found[us.id].full
    assert found[china.id].unmet == [Reason.of("code_wrong_market", kind="packing_house", market="CN",
                                               markets="US")]


def test_unknown_ids_have_no_matches(session):
    today = today_in_vietnam()
    assert matching.matches_for_demand(session, 10**9, today) == []
    assert matching.matches_for_listing(session, 10**9, today) == []
