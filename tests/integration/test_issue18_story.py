"""Issue #18's "Done when", as one story told through the pages (SQLite here, PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set):

HTX Xoài Mỹ Xương and a supermarket sign a season chain for 60 tấn of cát Chu with codes; three
deliveries are made as orders with lots (one a harvest as it was, one a packing of two harvests, one
a shipment split off a bigger harvest); a shopper scans the crate's QR and sees the orchard, the
growing-area code, the packing house and the harvest date; the chain shows 100 % traceable; a family
books an orchard visit at a club for next Sunday and the chair accepts it from a phone.

Every step a person takes is a page (test clients signed in as each person, forms posted with the
CSRF token); the services only set the scene (people, the cooperative's listing, its growing-area and
packing-house codes as staff verified them). The stages are functions of one test: each needs what
the one before left in the database.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import zxingcpp
from flask import Flask
from PIL import Image
from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.chains.models import Chain
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.forms import as_typed_date
from marketplace.orders.models import Order
from marketplace.tourism.models import TourismBooking, TourismOffer
from marketplace.traceability.models import Lot, LotLink, OrderLot
from tests.clients import api_token, app_session, post, signed_in, text_of
from tests.factories import make_certificate, make_listing, make_org, make_planting_code, make_user
from tests.integration.tourism.helpers import make_visit, make_visitor

COOP = "HTX Xoài Mỹ Xương"
SUPERMARKET = "Siêu thị Xanh Mỹ Tho"
GROWING_AREA = "VN-DTOR-1801"
PACKING_HOUSE = "VN-DTPH-1809"
PHONE = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0 Mobile Safari/537.36")
KG_PER_DELIVERY = 20_000
PRICE_VND = 35_000


@dataclass
class Story:
    app: Flask
    today: date
    buyer: User
    buyer_org: Organization
    director: User
    coop: Organization
    listing_id: int
    chain_id: int = 0
    delivery_ids: list[int] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)  # the lot each order named
    harvest_days: dict[str, date] = field(default_factory=dict)  # harvest lot code -> its day


def _set_the_scene(app: Flask) -> Story:
    """People and what staff verified: the cooperative's codes are active (staff checked them)."""
    with app_session(app) as session:
        today = today_in_vietnam()
        buyer_org = make_org("supermarket", name=SUPERMARKET)
        buyer = make_user("buyer", buyer_org, name="Chị Lan mua hàng")
        coop = make_org("cooperative", name=COOP)
        director = make_user("seller", coop, name="Giám đốc HTX Ba")
        make_planting_code(coop, GROWING_AREA, crop="xoài")
        make_planting_code(coop, PACKING_HOUSE, kind="packing_house")
        make_certificate(coop, "vietgap", issued_on=today - timedelta(days=100))
        listing = make_listing(coop, "xoài cát Chu", quantity="100000", unit="kg", price_vnd=str(PRICE_VND))
        session.commit()
        return Story(app, today, session.merge(buyer), session.merge(buyer_org), session.merge(director),
                     session.merge(coop), listing.id)


def _the_chain_is_signed(story: Story) -> None:
    buyer = signed_in(story.app, story.buyer)
    days = [story.today + timedelta(days=d) for d in (3, 10, 17)]
    sent = post(buyer, "/chains/new", {
        "title": "Xoài cát Chu có mã vùng trồng vụ này", "product": "xoai cat chu", "variety": "",
        "season_from": as_typed_date(story.today - timedelta(days=5)),
        "season_to": as_typed_date(story.today + timedelta(days=60)), "total_quantity": "60 tấn",
        "per_delivery_quantity": "20 tan", "price_terms": "fixed", "price_vnd": "35.000",
        "quality_standard": "Loại 1: trái 350–500 g, không dập", "requires_growing_area_code": "y",
        "certificates": "vietgap", "schedule_kind": "dates", "dates": "\n".join(as_typed_date(d) for d in days),
        "schedule_note": "Giao kho Mỹ Tho sáng thứ Hai", "party_query": "", "party_ids": str(story.coop.id)})
    assert sent.status_code == 302, text_of(sent)
    story.chain_id = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app_session(story.app) as session:
        chain = session.get(Chain, story.chain_id)
        assert (float(chain.total_quantity), chain.unit, chain.status) == (60, "tấn", "proposed")
        assert chain.requires_growing_area_code
        assert [(d.due_on, float(d.quantity)) for d in chain.deliveries] == [(d, 20) for d in days]
        story.delivery_ids = [d.id for d in chain.deliveries]
    director = signed_in(story.app, story.director)
    page = text_of(director.get(f"/chains/{story.chain_id}"))
    assert SUPERMARKET in page and 'data-testid="accept"' in page  # the cooperative is asked
    assert post(director, f"/chains/{story.chain_id}/answer",
                {"decision": "accept", "org": str(story.coop.id)}).status_code == 302
    page = text_of(buyer.get(f"/chains/{story.chain_id}"))
    assert 'data-testid="chain-status">Đang thực hiện<' in page
    with app_session(story.app) as session:
        assert session.get(Chain, story.chain_id).status == "active"


def _typed_moment(hours_ago: int) -> str:
    """A moment as a phone's clock shows it (Vietnam), typed dd/mm/yyyy HH:MM."""
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _harvest(story: Story, director, code: str, tan: str, days_ago: int, household: str) -> None:
    """The cooperative records a harvest lot from its coded growing area, then sorts it."""
    day = story.today - timedelta(days=days_ago)
    form = text_of(director.get("/lots/new"))
    assert GROWING_AREA in form and PACKING_HOUSE in form  # its own verified codes to pick from
    sent = post(director, "/lots/new", {
        "code": code, "listing_id": str(story.listing_id), "product": "", "variety": "", "quantity": tan,
        "unit": "tấn", "harvested_on": as_typed_date(day), "best_before": as_typed_date(day + timedelta(days=14)),
        "growing_area_code": GROWING_AREA, "packing_house_code": "", "producer_name": household, "gtin": "",
        "note": ""})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/lots/{code}"), text_of(sent)
    story.harvest_days[code] = day
    for kind, hour, place in (("harvested", 6, f"Vườn {household}"), ("sorted", 14, "Nhà sơ chế HTX")):
        sent = post(director, f"/lots/{code}/events", {
            "kind": kind, "happened_at": f"{as_typed_date(day)} {hour:02d}:00",
            "commune_query": "", "commune_code": "", "place": place, "actor_name": "Tổ kỹ thuật HTX",
            "quantity": "", "unit": "", "corrects_event_id": "", "note": ""})
        assert sent.status_code == 302, text_of(sent)
    page = text_of(director.get(f"/lots/{code}"))
    assert code in page and GROWING_AREA in page and as_typed_date(day) in page


def _lots_of_the_three_deliveries(story: Story) -> list[str]:
    director = signed_in(story.app, story.director)
    # 1: one harvest as it was, packed at the packing house's line.
    _harvest(story, director, "MX-CC-01", "20", 3, "Hộ ông Bảy")
    sent = post(director, "/lots/MX-CC-01/events", {
        "kind": "packed", "happened_at": _typed_moment(20), "commune_query": "", "commune_code": "",
        "place": "Nhà đóng gói HTX", "actor_name": "Tổ đóng gói", "quantity": "", "unit": "",
        "corrects_event_id": "", "note": "Thùng 10 kg"})
    assert sent.status_code == 302, text_of(sent)
    # 2: two households' harvests packed into one lot at the packing house.
    _harvest(story, director, "MX-CC-02", "12", 2, "Hộ bà Hoa")
    _harvest(story, director, "MX-CC-03", "8", 1, "Hộ ông Tư")
    sent = post(director, "/lots/pack", {
        "sources-0-code": "MX-CC-02", "sources-0-quantity": "", "sources-1-code": "mx-cc-03",
        "sources-1-quantity": "", "quantity": "", "unit": "tấn", "packing_house_code": PACKING_HOUSE,
        "code": "MX-DG-02", "place": "Nhà đóng gói HTX"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/lots/MX-DG-02"), text_of(sent)
    # 3: a bigger harvest split into two shipments; the first goes to the supermarket.
    _harvest(story, director, "MX-CC-04", "35", 1, "Hộ ông Năm")
    sent = post(director, "/lots/MX-CC-04/split", {"shipments-0": "20", "shipments-1": "15"})
    assert sent.status_code == 302, text_of(sent)
    with app_session(story.app) as session:
        packed = session.scalar(select(Lot).where(Lot.code == "MX-DG-02"))
        assert (float(packed.quantity), packed.unit) == (20, "tấn")
        source = session.scalar(select(Lot.id).where(Lot.code == "MX-CC-04"))
        parts = list(session.scalars(select(Lot).join(LotLink, LotLink.lot_id == Lot.id)
                                     .where(LotLink.source_id == source).order_by(Lot.id)))
        assert [float(p.quantity) for p in parts] == [20, 15]
        return ["MX-CC-01", "MX-DG-02", parts[0].code]


def _deliver(story: Story, n: int, lot_code: str) -> None:
    """The buyer orders the planned delivery from the chain page; the seller confirms, records the
    transfer, names the lot, delivers; the buyer confirms receipt on the lots."""
    buyer, director = signed_in(story.app, story.buyer), signed_in(story.app, story.director)
    delivery_id = story.delivery_ids[n]
    page = text_of(buyer.get(f"/chains/{story.chain_id}"))
    assert f'action="/chains/{story.chain_id}/deliveries/{delivery_id}/order"' in page
    sent = post(buyer, f"/chains/{story.chain_id}/deliveries/{delivery_id}/order",
                {"place-listing_id": str(story.listing_id), "place-quantity": "20.000",
                 "place-note": "Giao kho Mỹ Tho"})
    assert sent.status_code == 302, text_of(sent)
    order_id = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    story.order_ids.append(order_id)
    assert post(director, f"/orders/{order_id}/confirm").status_code == 302
    amount = f"{KG_PER_DELIVERY * PRICE_VND:,}".replace(",", ".")  # 700.000.000, as the bank writes it
    assert post(director, f"/orders/{order_id}/received", {"amount_vnd": amount}).status_code == 302
    page = text_of(director.get(f"/orders/{order_id}"))
    assert lot_code in page  # the lot is offered to name
    sent = post(director, f"/orders/{order_id}/lots", {"lots-0-code": lot_code, "lots-0-quantity": ""})
    assert sent.status_code == 302
    assert post(director, f"/orders/{order_id}/deliver").status_code == 302
    page = text_of(buyer.get(f"/orders/{order_id}"))
    assert lot_code in page
    sent = post(buyer, f"/orders/{order_id}/lots/received", {"show_name": "y"}, follow_redirects=True)
    assert sent.status_code == 200 and lot_code in text_of(sent)
    with app_session(story.app) as session:
        order = session.get(Order, order_id)
        assert (order.status, float(order.quantity), order.unit) == ("delivered", KG_PER_DELIVERY, "kg")
        named = session.scalars(select(Lot.code).join(OrderLot, OrderLot.lot_id == Lot.id)
                                .where(OrderLot.order_id == order_id)).all()
        assert named == [lot_code]
        received = [e for e in session.scalar(select(Lot).where(Lot.code == lot_code)).events
                    if e.kind == "received" and e.order_id == order_id]
        assert len(received) == 1 and received[0].buyer_named
    story.shipped.append(lot_code)


def _the_shopper_scans_the_crate(story: Story) -> None:
    lot_code = story.shipped[1]  # the packed lot: two harvests, one packing house
    anonymous = story.app.test_client()
    png = anonymous.get(f"/t/{lot_code}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    decoded = [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))]
    assert len(decoded) == 1 and urlsplit(decoded[0]).path == f"/t/{lot_code}"
    address = urlsplit(decoded[0])
    shopper = story.app.test_client()
    shopper.environ_base["HTTP_USER_AGENT"] = PHONE
    page = shopper.get(f"{address.path}?{address.query}", follow_redirects=True)
    assert page.status_code == 200
    text = text_of(page)
    # "Where it was grown": one line per harvest, with its day, the orchard (cooperative and
    # household) and the growing-area code.
    origins = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))
               for item in re.findall(r'<li data-testid="origin">(.*?)</li>', text, re.S)]
    assert len(origins) == 2, origins
    for line, (harvest, household) in zip(origins, (("MX-CC-02", "Hộ bà Hoa"), ("MX-CC-03", "Hộ ông Tư")),
                                          strict=True):
        day = as_typed_date(story.harvest_days[harvest])
        assert f"{harvest} · thu hoạch ngày {day}" in line and f"{COOP} · {household}" in line, line
        assert GROWING_AREA in line, line
    assert re.search(rf'data-testid="packing-house">[^<]*<strong>{PACKING_HOUSE}</strong>', text)
    assert SUPERMARKET in text  # the buyer agreed to be named on the receipt
    assert "Truy xuất được đến mọi vườn" in text
    with app_session(story.app) as session:
        assert session.scalar(select(Lot.scan_count).where(Lot.code == lot_code)) == 1


def _the_chain_shows_its_figures(story: Story) -> None:
    for user in (story.buyer, story.director):
        page = text_of(signed_in(story.app, user).get(f"/chains/{story.chain_id}"))
        assert re.search(r'data-testid="delivered">60 tấn \(100 %\)', page), page
        assert 'data-testid="on-time">3/3 (100 %)' in page
        assert 'data-testid="traceable">3/3 (100 %)' in page
        assert 'data-testid="traced-badge"' in page and "Chuỗi có mã số vùng trồng và truy xuất nguồn gốc" in page
        for code in story.shipped:
            assert f'href="/t/{code}"' in page
    token = api_token(story.app, story.buyer)
    read = story.app.test_client().get(f"/api/v1/chains/{story.chain_id}",
                                       headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200
    body = read.get_json()
    figures = body["figures"]
    assert (figures["planned_total"], figures["delivered_quantity"], figures["delivered_percent"]) == (60, 60, 100)
    assert (figures["delivered_orders"], figures["on_time_percent"], figures["traceable_percent"]) == (3, 100, 100)
    assert figures["with_codes_and_traceability"] is True
    assert [[lot["code"] for o in d["orders"] for lot in o["lots"]] for d in body["deliveries"]] == \
        [[code] for code in story.shipped]
    staff = make_staff_client(story.app)
    listing = text_of(staff.get("/staff/chains"))
    assert "Xoài cát Chu có mã vùng trồng vụ này" in listing


def make_staff_client(app: Flask):
    with app_session(app):
        staff = make_user("staff", name="Cán bộ Sở")
    return signed_in(app, staff)


def _a_family_books_next_sunday_and_the_chair_accepts_by_phone(story: Story) -> None:
    with app_session(story.app) as session:
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        visitor = make_visitor()
        offer_id, title, club_name = offer.id, offer.title, offer.organization.name
        assert not session.merge(visitor).memberships  # a family: no organisation
    sunday = story.today + timedelta(days=(6 - story.today.weekday()) % 7 or 7)
    assert sunday.weekday() == 6 and story.today < sunday <= story.today + timedelta(days=7)
    family = signed_in(story.app, visitor)
    page = text_of(family.get(f"/tourism/{offer_id}"))
    assert title in page and club_name in page
    sent = post(family, f"/tourism/{offer_id}/book", {
        "visit_on": as_typed_date(sunday), "group_size": "5", "contact_name": "Chị Thu",
        "contact_phone": "0987 654 321", "note": "2 người lớn, 3 bé"})
    assert sent.status_code == 302, text_of(sent)
    booking_url = urlsplit(sent.headers["Location"]).path
    phone = signed_in(story.app, chair)
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    inbox = text_of(phone.get("/tourism/bookings"))
    assert "Chị Thu" in inbox
    page = text_of(phone.get(booking_url))
    assert 'data-testid="accept-booking"' in page and as_typed_date(sunday) in page and "0987654321" in page
    assert post(phone, f"{booking_url}/answer", {"action": "accept"}).status_code == 302
    with app_session(story.app) as session:
        booking = session.scalar(select(TourismBooking).where(TourismBooking.offer_id == offer_id))
        assert (booking.status, booking.visit_on, booking.group_size) == ("accepted", sunday, 5)
        assert session.get(TourismOffer, offer_id).organization_id != story.coop.id
    assert 'data-testid="booking-status">Đã nhận</span>' in text_of(family.get(booking_url))
    assert "Chị Thu" in text_of(phone.get(f"/tourism/calendar?month={sunday:%Y-%m}"))


def test_issue_18_done_when(app) -> None:
    story = _set_the_scene(app)
    _the_chain_is_signed(story)
    lots = _lots_of_the_three_deliveries(story)
    for n, code in enumerate(lots):
        _deliver(story, n, code)
    _the_shopper_scans_the_crate(story)
    _the_chain_shows_its_figures(story)
    _a_family_books_next_sunday_and_the_chair_accepts_by_phone(story)
