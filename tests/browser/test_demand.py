"""The issue's done-when: a supermarket posts "5 tấn xoài cát Chu VietGAP mỗi tuần" on a desktop,
a club chair answers part of it from a phone, a second club offers the rest, the buyer accepts
both and sees the request 100 % covered."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost, Offer
from tests.browser.members import make_member
from tests.browser.signing import sign_in


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def offer_of(app, demand_id: int, org_id: int) -> int:
    with app.app_context():
        offer = db.session.scalar(select(Offer).where(Offer.demand_id == demand_id, Offer.organization_id == org_id))
        assert offer is not None, "no offer stored"
        return offer.id


def test_a_supermarket_posts_two_clubs_offer_and_the_buyer_accepts_both(desktop_page: Page, phone_page: Page,
                                                                       live_app) -> None:
    buyer_page, chair_page = desktop_page, phone_page
    buyer_email, buyer_org_id, buyer_name = make_member(live_app, "buyer", "supermarket", "Siêu thị Xanh thử",
                                                        phone="0909555111")
    chair_email, club_a_id, club_a_name = make_member(live_app, "seller", "club", "Hội quán Xoài Mỹ Xương thử")
    _chair_b_email, club_b_id, club_b_name = make_member(live_app, "seller", "club", "Hội quán Tân Thuận thử")
    today = today_in_vietnam()

    # The supermarket posts on a desktop, typing without accents.
    sign_in(buyer_page, buyer_email)
    buyer_page.goto("/demand/new")
    buyer_page.locator("#product").fill("xoai")
    buyer_page.locator("#variety").fill("cat chu")
    buyer_page.locator("#quantity").fill("5")
    buyer_page.locator("#unit").select_option("tấn")
    buyer_page.locator("#frequency").select_option("weekly")
    buyer_page.locator("#needed_from").fill(today.isoformat())
    buyer_page.locator("#needed_to").fill((today + timedelta(days=60)).isoformat())
    commune = buyer_page.locator("[data-commune-picker]").get_by_role("combobox")
    commune.press_sequentially("phu huu", delay=30)
    option = buyer_page.get_by_role("listbox").get_by_role("option", name=re.compile(r"^Xã Phú Hựu\b"))
    expect(option).to_have_count(1)
    option.click()
    expect(buyer_page.locator("input[type=hidden][name=commune_code]")).to_have_value("30244")
    buyer_page.locator("#price_min_vnd").fill("30k")
    buyer_page.locator("#price_max_vnd").fill("45k")
    buyer_page.get_by_label("VietGAP").check()
    buyer_page.get_by_test_id("demand-submit").click()

    expect(buyer_page).to_have_url(re.compile(r"/demand/\d+$"))
    expect(buyer_page.locator("h1")).to_contain_text("5 tấn Xoài cát Chu")
    expect(buyer_page.locator(".facts")).to_contain_text("VietGAP")
    expect(buyer_page.locator(".facts")).to_contain_text("Phú Hựu")
    expect(buyer_page.get_by_test_id("coverage")).to_contain_text("0%")
    demand_id = int(re.search(r"/demand/(\d+)$", buyer_page.url).group(1))
    with live_app.app_context():
        demand = db.session.get(DemandPost, demand_id)
        assert (demand.quantity, demand.unit, demand.frequency, demand.required_certificates) == \
            (5.0, "tấn", "weekly", "vietgap")
        assert (demand.price_min_vnd, demand.price_max_vnd) == (30_000, 45_000)

    # A club chair finds it on the board from a phone and offers 3 tấn.
    sign_in(chair_page, chair_email)
    chair_page.goto("/demand")
    assert horizontal_overflow(chair_page) <= 0, "the demand board scrolls sideways on a 360-px phone"
    chair_page.locator(f'a[href="/demand/{demand_id}"]').first.tap()
    expect(chair_page).to_have_url(re.compile(rf"/demand/{demand_id}$"))
    expect(chair_page.locator(".facts")).to_contain_text(buyer_name)
    chair_page.locator("#quantity").fill("3")
    chair_page.locator("#price_vnd").fill("40k")
    chair_page.locator("#delivery_date").fill((today + timedelta(days=7)).isoformat())
    chair_page.get_by_test_id("offer-submit").tap()
    expect(chair_page.locator(".flash-success")).to_be_visible()
    offer_a = offer_of(live_app, demand_id, club_a_id)
    expect(chair_page.get_by_test_id(f"offer-{offer_a}")).to_contain_text(club_a_name)
    assert horizontal_overflow(chair_page) <= 0, "the request page scrolls sideways on a 360-px phone"

    # A second club offers the other 2 tấn.
    with live_app.app_context():
        demand_service.make_offer(db.session, db.session.get(DemandPost, demand_id),
                                  db.session.get(Organization, club_b_id),
                                  demand_service.OfferInput(quantity="2", price_vnd="42k"), None, today=today)
        db.session.commit()
    offer_b = offer_of(live_app, demand_id, club_b_id)
    chair_page.reload()
    expect(chair_page.get_by_test_id(f"offer-{offer_a}")).to_be_visible()
    expect(chair_page.get_by_test_id(f"offer-{offer_b}")).to_have_count(0)  # only its own offer
    expect(chair_page.locator("body")).not_to_contain_text(club_b_name)

    # The buyer accepts both on the desktop and sees the request covered.
    buyer_page.reload()
    expect(buyer_page.get_by_test_id(f"offer-{offer_a}")).to_contain_text(club_a_name)
    expect(buyer_page.get_by_test_id(f"offer-{offer_b}")).to_contain_text(club_b_name)
    buyer_page.get_by_test_id(f"accept-{offer_a}").click()
    expect(buyer_page.get_by_test_id("coverage")).to_contain_text("60%")
    buyer_page.get_by_test_id(f"accept-{offer_b}").click()
    expect(buyer_page.get_by_test_id("coverage")).to_contain_text("100%")
    expect(buyer_page.get_by_test_id(f"accept-{offer_a}")).to_have_count(0)
    with live_app.app_context():
        assert {db.session.get(Offer, i).status for i in (offer_a, offer_b)} == {"accepted"}

    assert not buyer_page.js_errors and not chair_page.js_errors
