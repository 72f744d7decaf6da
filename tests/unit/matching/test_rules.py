"""The hard constraints of a match, one by one, over plain facts: product variety, certificates
valid over the whole window, OCOP stars, planting and packing-house codes for the export market,
the availability window, being on sale and the minimum order — with every trap of issue #6."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.matching.rules import Reason, check, convert, window
from tests.unit.matching.builders import (
    HOA_LOC,
    IN_10_DAYS,
    IN_30_DAYS,
    IN_A_YEAR,
    TODAY,
    certificate,
    code,
    demand,
    listing,
    ocop,
    packing,
)


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


def only_unmet(result) -> Reason:
    assert len(result.unmet) == 1, result.unmet
    return result.unmet[0]


def test_a_listing_meeting_everything_is_a_full_match_with_its_reasons():
    result = check(demand(), listing(), TODAY)
    assert result.full
    assert result.unmet == []
    assert codes(result.reasons) == ["variety", "window"]
    assert result.reasons[0].args == {"variety": "cát Chu"}
    assert result.reasons[1].args == {"start": TODAY, "end": IN_30_DAYS}


# Variety ------------------------------------------------------------------------------------

def test_the_same_catalogue_variety_matches_whatever_it_was_called():
    # "cát Chu", "cat chu" and "Cát chu" all resolve to the same catalogue id (facts.py keys it v<id>).
    result = check(demand(variety_label="cát Chu"), listing(variety_label="cat chu"), TODAY)
    assert result.full
    assert result.reasons[0] == Reason.of("variety", variety="cát Chu")


def test_another_variety_of_the_same_fruit_is_a_near_miss_that_names_both():
    result = check(demand(), listing(variety_key=HOA_LOC, variety_label="cát Hòa Lộc"), TODAY)
    assert not result.full
    assert only_unmet(result) == Reason.of("variety_differs", wanted="cát Chu", offered="cát Hòa Lộc")


def test_a_listing_without_variety_does_not_meet_a_named_variety():
    result = check(demand(), listing(variety_key="", variety_label=""), TODAY)
    assert only_unmet(result) == Reason.of("variety_differs", wanted="cát Chu", offered="")


def test_free_text_varieties_match_when_their_accent_free_spelling_is_the_same():
    result = check(demand(variety_key="xoai tu quy", variety_label="Tứ Quý"),
                   listing(variety_key="xoai tu quy", variety_label="tứ quý"), TODAY)
    assert result.full


def test_a_demand_without_variety_takes_any_variety():
    result = check(demand(variety_key="", variety_label=""), listing(variety_key=HOA_LOC), TODAY)
    assert result.full
    assert "variety" not in codes(result.reasons)


# Availability window and being on sale --------------------------------------------------------

def test_a_window_that_does_not_overlap_is_a_near_miss():
    result = check(demand(needed_to=IN_10_DAYS),
                   listing(available_from=IN_10_DAYS + timedelta(days=1), available_to=IN_30_DAYS), TODAY)
    assert only_unmet(result) == Reason.of(
        "window_differs", available_from=IN_10_DAYS + timedelta(days=1), available_to=IN_30_DAYS,
        needed_from=TODAY, needed_to=IN_10_DAYS)


def test_a_partial_overlap_is_enough_and_the_reason_gives_the_common_days():
    result = check(demand(needed_from=TODAY + timedelta(days=5), needed_to=IN_30_DAYS),
                   listing(available_from=TODAY, available_to=TODAY + timedelta(days=12)), TODAY)
    assert result.full
    assert Reason.of("window", start=TODAY + timedelta(days=5), end=TODAY + timedelta(days=12)) in result.reasons


def test_days_before_today_do_not_count_as_overlap():
    # The listing was available last week only; the buyer needs it from last month until next month.
    result = check(demand(needed_from=TODAY - timedelta(days=30)),
                   listing(available_from=TODAY - timedelta(days=14), available_to=TODAY - timedelta(days=7),
                           public=False), TODAY)
    assert codes(result.unmet) == ["not_on_sale", "window_differs"]
    assert result.unmet[1].args["needed_from"] == TODAY


def test_a_listing_whose_window_has_passed_is_not_on_sale_and_out_of_window():
    past = listing(available_from=TODAY - timedelta(days=20), available_to=TODAY - timedelta(days=1), public=False)
    result = check(demand(), past, TODAY)
    assert codes(result.unmet) == ["not_on_sale", "window_differs"]


def test_a_demand_whose_window_has_passed_is_never_met():
    result = check(demand(needed_from=TODAY - timedelta(days=20), needed_to=TODAY - timedelta(days=5)),
                   listing(available_from=TODAY - timedelta(days=30)), TODAY)
    assert not result.full
    assert only_unmet(result) == Reason.of(
        "window_differs", available_from=TODAY - timedelta(days=30), available_to=IN_30_DAYS,
        needed_from=TODAY - timedelta(days=20), needed_to=TODAY - timedelta(days=5))


def test_a_listing_not_on_sale_is_never_a_full_match():
    result = check(demand(), listing(public=False), TODAY)
    assert only_unmet(result) == Reason.of("not_on_sale")


def test_the_window_credentials_must_cover_is_the_overlap_from_today():
    assert window(demand(needed_from=TODAY - timedelta(days=3), needed_to=IN_30_DAYS),
                  listing(available_from=TODAY + timedelta(days=2), available_to=IN_10_DAYS), TODAY) == (
        TODAY + timedelta(days=2), IN_10_DAYS)
    # No overlap: the needed window (from today on).
    assert window(demand(needed_to=IN_10_DAYS), listing(available_from=IN_30_DAYS), TODAY) == (TODAY, IN_10_DAYS)


# Minimum order and units -----------------------------------------------------------------------

def test_a_minimum_order_above_what_is_wanted_is_a_near_miss():
    result = check(demand(quantity=20, unit="tấn"), listing(min_order=25_000, unit="kg"), TODAY)
    assert only_unmet(result) == Reason.of("below_min_order", min_order=25_000, unit="kg")


def test_a_minimum_order_is_compared_in_the_same_unit():
    # 20 tấn is 20,000 kg: a 500 kg (or exactly 20,000 kg) minimum is fine.
    assert check(demand(quantity=20, unit="tấn"), listing(min_order=500), TODAY).full
    assert check(demand(quantity=20, unit="tấn"), listing(min_order=20_000), TODAY).full
    assert not check(demand(quantity=500, unit="kg", kg_per_unit=1.0),
                     listing(min_order=1, unit="tấn", kg_per_unit=1000.0), TODAY).full


def test_a_minimum_order_in_a_unit_that_cannot_be_weighed_is_not_held_against_the_listing():
    result = check(demand(quantity=20, unit="tấn"), listing(min_order=5000, unit="trái", kg_per_unit=None), TODAY)
    assert result.full


@pytest.mark.parametrize(("quantity", "demand_unit", "demand_kg", "listing_unit", "listing_kg", "expected"), [
    (20, "tấn", 1000.0, "kg", 1.0, 20_000),
    (500, "kg", 1.0, "tấn", 1000.0, 0.5),
    (3, "tạ", 100.0, "kg", 1.0, 300),
    (7, "trái", None, "trái", None, 7),  # the same unit needs no weight
    (7, "trái", None, "kg", 1.0, None),  # pieces cannot be weighed
    (7, "hộp", None, "chai", None, None),
])
def test_convert_a_demand_quantity_into_the_listing_unit(quantity, demand_unit, demand_kg, listing_unit,
                                                         listing_kg, expected):
    assert convert(quantity, demand(unit=demand_unit, kg_per_unit=demand_kg),
                   listing(unit=listing_unit, kg_per_unit=listing_kg)) == expected


# Certificates ---------------------------------------------------------------------------------

def test_a_valid_certificate_is_a_reason_with_its_end_date():
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(certificate(),)), TODAY)
    assert result.full
    assert Reason.of("certificate", kind="vietgap", until=IN_A_YEAR) in result.reasons


def test_a_missing_certificate_is_unmet():
    result = check(demand(required_certificates=("globalgap",)), listing(credentials=(certificate(),)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_missing", kind="globalgap")


def test_an_expired_certificate_does_not_count():
    lapsed = certificate(until=TODAY - timedelta(days=1))
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(lapsed,)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_invalid", kind="vietgap", status="expired")
    # The same once the daily job has marked it expired.
    marked = certificate(status="expired", until=TODAY - timedelta(days=1))
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(marked,)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_invalid", kind="vietgap", status="expired")


def test_a_vietgap_that_expires_before_delivery_does_not_count():
    # Valid today, but it lapses on day 10 of a 30-day window: not valid over the whole window.
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(certificate(until=IN_10_DAYS),)),
                   TODAY)
    assert not result.full
    assert only_unmet(result) == Reason.of("certificate_lapses", kind="vietgap", until=IN_10_DAYS, end=IN_30_DAYS)


def test_a_certificate_valid_today_but_expired_when_delivery_starts_does_not_count():
    later = demand(required_certificates=("vietgap",), needed_from=TODAY + timedelta(days=20))
    result = check(later, listing(credentials=(certificate(until=IN_10_DAYS),)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_invalid", kind="vietgap", status="expired")


def test_a_certificate_that_lasts_until_the_listing_stops_selling_is_enough():
    # Delivery can only happen while the listing is available (until day 10), and the VietGAP lasts that long.
    result = check(demand(required_certificates=("vietgap",)),
                   listing(available_to=IN_10_DAYS, credentials=(certificate(until=IN_10_DAYS),)), TODAY)
    assert result.full


def test_a_certificate_without_end_date_covers_any_window():
    result = check(demand(required_certificates=("organic",)),
                   listing(credentials=(certificate("organic", until=None),)), TODAY)
    assert result.full
    assert Reason.of("certificate", kind="organic", until=None) in result.reasons


@pytest.mark.parametrize("status", ["suspended", "pending", "revoked"])
def test_a_certificate_not_verified_or_withdrawn_by_staff_does_not_count(status):
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(certificate(status=status),)),
                   TODAY)
    assert only_unmet(result) == Reason.of("certificate_invalid", kind="vietgap", status=status)


def test_suspended_is_said_rather_than_expired_when_both_are_held():
    held = (certificate(status="suspended"), certificate(until=TODAY - timedelta(days=3)))
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=held), TODAY)
    assert only_unmet(result).args["status"] == "suspended"


def test_one_good_certificate_among_bad_ones_is_enough_and_the_latest_end_is_given():
    held = (certificate(status="suspended"), certificate(until=IN_10_DAYS), certificate(until=IN_A_YEAR),
            certificate(until=IN_30_DAYS + timedelta(days=1)))
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=held), TODAY)
    assert result.full
    assert Reason.of("certificate", kind="vietgap", until=IN_A_YEAR) in result.reasons


def test_every_required_certificate_is_checked():
    result = check(demand(required_certificates=("vietgap", "globalgap")),
                   listing(credentials=(certificate(), certificate("globalgap", status="pending"))), TODAY)
    assert codes(result.reasons)[-1] == "certificate"
    assert only_unmet(result) == Reason.of("certificate_invalid", kind="globalgap", status="pending")


def test_an_ocop_rating_does_not_stand_in_for_a_certificate():
    result = check(demand(required_certificates=("vietgap",)), listing(credentials=(ocop(5),)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_missing", kind="vietgap")


# OCOP -----------------------------------------------------------------------------------------

def test_an_ocop_rating_with_enough_stars_is_a_reason():
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(4),)), TODAY)
    assert result.full
    assert Reason.of("ocop", stars=4, until=IN_A_YEAR) in result.reasons


def test_the_best_ocop_rating_is_given():
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(3), ocop(5, until=IN_30_DAYS))), TODAY)
    assert Reason.of("ocop", stars=5, until=IN_30_DAYS) in result.reasons


def test_an_ocop_rating_with_too_few_stars_is_unmet():
    result = check(demand(min_ocop_stars=4), listing(credentials=(ocop(3),)), TODAY)
    assert only_unmet(result) == Reason.of("ocop_too_few_stars", stars=3, wanted=4)


def test_an_expired_ocop_rating_does_not_count():
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(5, until=TODAY - timedelta(days=1)),)),
                   TODAY)
    assert only_unmet(result) == Reason.of("ocop_invalid", status="expired")


def test_an_ocop_rating_that_lapses_in_the_window_does_not_count():
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(4, until=IN_10_DAYS),)), TODAY)
    assert only_unmet(result) == Reason.of("certificate_lapses", kind="ocop", until=IN_10_DAYS, end=IN_30_DAYS)


def test_below_three_stars_is_not_an_ocop_certification():
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(2),)), TODAY)
    assert only_unmet(result) == Reason.of("ocop_too_few_stars", stars=2, wanted=3)
    # Even for a buyer content with 2 stars: a 2-star rating certifies nothing.
    result = check(demand(min_ocop_stars=2), listing(credentials=(ocop(2),)), TODAY)
    assert only_unmet(result) == Reason.of("ocop_invalid", status="not_certified")


@pytest.mark.parametrize("status", ["suspended", "pending", "revoked"])
def test_an_ocop_rating_not_in_force_does_not_count(status):
    result = check(demand(min_ocop_stars=3), listing(credentials=(ocop(5, status=status),)), TODAY)
    assert only_unmet(result) == Reason.of("ocop_invalid", status=status)


def test_no_ocop_rating_is_unmet_when_stars_are_asked_and_ignored_otherwise():
    assert only_unmet(check(demand(min_ocop_stars=3), listing(), TODAY)) == Reason.of("ocop_missing", wanted=3)
    assert check(demand(min_ocop_stars=None), listing(), TODAY).full


# Planting-area and packing-house codes ------------------------------------------------------------

US = {"needs_planting_code": True, "export_market": "US"}


def test_an_active_code_is_enough_when_no_export_market_is_named():
    result = check(demand(needs_planting_code=True), listing(credentials=(code("CN"),)), TODAY)
    assert result.full
    assert Reason.of("code", kind="growing_area", number="VN-DTOR-0017", market="") in result.reasons
    assert "packing_house" not in str(result.reasons)


def test_exporting_needs_a_growing_area_and_a_packing_house_code_approved_for_the_market():
    result = check(demand(**US), listing(credentials=(code("US;CN"), packing("US"))), TODAY)
    assert result.full
    assert Reason.of("code", kind="growing_area", number="VN-DTOR-0017", market="US") in result.reasons
    assert Reason.of("code", kind="packing_house", number="VN-DTPH-0001", market="US") in result.reasons


def test_the_export_market_alone_asks_for_codes():
    result = check(demand(needs_planting_code=False, export_market="US"), listing(), TODAY)
    assert codes(result.unmet) == ["code_missing", "code_missing"]
    assert [r.args["kind"] for r in result.unmet] == ["growing_area", "packing_house"]


def test_a_china_only_code_does_not_serve_a_us_buyer():
    result = check(demand(**US), listing(credentials=(code("CN"), packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("code_wrong_market", kind="growing_area", market="US", markets="CN")


def test_a_code_for_no_market_in_particular_does_not_serve_an_export_buyer():
    result = check(demand(**US), listing(credentials=(code(""), packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("code_wrong_market", kind="growing_area", market="US", markets="—")


@pytest.mark.parametrize("status", ["suspended", "pending", "revoked"])
def test_a_code_not_in_force_does_not_count(status):
    result = check(demand(**US), listing(credentials=(code("US", status=status), packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("code_invalid", kind="growing_area", status=status)


def test_an_expired_code_does_not_count():
    expired = code("US", until=TODAY - timedelta(days=1))
    result = check(demand(**US), listing(credentials=(expired, packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("code_invalid", kind="growing_area", status="expired")


def test_a_code_that_lapses_in_the_window_does_not_count():
    result = check(demand(**US), listing(credentials=(code("US", until=IN_10_DAYS), packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("certificate_lapses", kind="growing_area", until=IN_10_DAYS,
                                           end=IN_30_DAYS)


def test_a_lapsing_code_for_another_market_is_said_to_be_for_that_market():
    result = check(demand(**US), listing(credentials=(code("CN", until=IN_10_DAYS), packing("US"))), TODAY)
    assert only_unmet(result) == Reason.of("code_wrong_market", kind="growing_area", market="US", markets="CN")


def test_a_packing_house_code_is_needed_when_exporting():
    result = check(demand(**US), listing(credentials=(code("US"),)), TODAY)
    assert only_unmet(result) == Reason.of("code_missing", kind="packing_house", market="US")
    result = check(demand(**US), listing(credentials=(code("US"), packing("CN"))), TODAY)
    assert only_unmet(result) == Reason.of("code_wrong_market", kind="packing_house", market="US", markets="CN")


def test_a_packing_house_code_does_not_stand_in_for_a_growing_area_code():
    result = check(demand(needs_planting_code=True), listing(credentials=(packing("US"),)), TODAY)
    assert only_unmet(result) == Reason.of("code_missing", kind="growing_area", market="")


def test_a_suspended_code_for_the_market_beside_a_good_one_is_fine():
    held = (code("US", status="suspended", number="VN-DTOR-0001"), code("US", number="VN-DTOR-0002"), packing())
    result = check(demand(**US), listing(credentials=held), TODAY)
    assert result.full
    assert Reason.of("code", kind="growing_area", number="VN-DTOR-0002", market="US") in result.reasons


def test_the_market_is_compared_in_upper_case():
    result = check(demand(needs_planting_code=True, export_market="us"), listing(credentials=(code("US"), packing())),
                   TODAY)
    assert result.full


def test_codes_are_not_asked_when_the_buyer_does_not_need_them():
    assert check(demand(), listing(credentials=(code("CN", status="suspended"),)), TODAY).full


# Several at once ---------------------------------------------------------------------------------

def test_every_unmet_constraint_is_listed():
    result = check(demand(required_certificates=("vietgap",), min_ocop_stars=4, **US),
                   listing(variety_key=HOA_LOC, variety_label="cát Hòa Lộc", public=False,
                           credentials=(code("CN"),)), TODAY)
    assert codes(result.unmet) == ["not_on_sale", "variety_differs", "certificate_missing", "ocop_missing",
                                   "code_wrong_market", "code_missing"]


def test_reasons_serialise_dates_for_the_api():
    assert Reason.of("certificate", kind="vietgap", until=IN_A_YEAR).as_json() == {
        "code": "certificate", "kind": "vietgap", "until": IN_A_YEAR.isoformat()}
