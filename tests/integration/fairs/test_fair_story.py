"""Issue #17's "Done when", as one story told through the pages, on a database of its own where
every request commits for real (SQLite here, PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set):

Staff open "Hội chợ Trái cây Đồng Tháp 2027" with 20 booths; 24 clubs apply, staff approve all 24
at the same moment: 20 get booths, 4 wait; 6 pay the fee by card (the fake Stripe server and its
signed webhook), 14 by a VietQR transfer to the organiser's account that staff record; staff curate
60 listings in 5 sections and publish; a supermarket buyer opens the catalog on a phone, filters
OCOP 4 stars, taps Zalo and books a meeting, which the exhibitor accepts; every QR code of the
printed catalog opens its listing; the fair takes place, the buyer orders from that exhibitor (and
from another it never contacted); staff see on the outcomes page and in the CSV the one Zalo tap,
the one meeting and the one order of that exhibitor and nothing for the others, and the catalog's
views counted.

The stages are separate functions of one test: each needs what the one before left in the database.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from sqlalchemy import select, update

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.fairs.meeting_forms import step_prefix
from marketplace.fairs.models import BoothApplication, BoothCheckout, Catalog, CatalogVisit, Fair, FairMeeting
from marketplace.forms import as_typed_date
from marketplace.messaging.models import ContactEvent, Conversation
from marketplace.orders.models import Order
from tests.clients import app_session, csrf_token, post, signed_in, text_of
from tests.database import own_database_app
from tests.factories import make_certificate, make_listing, make_org, make_user
from tests.integration.fairs.helpers import STANDARD_FEE, make_organiser, make_staff
from tests.integration.orders.confirming import place_confirmed
from tests.integration.payments.helpers import deliver
from tests.races import at_once

FAIR_NAME = "Hội chợ Trái cây Đồng Tháp 2027"
BOOTHS = 20
CLUBS = 24
BY_CARD = 6
SECTIONS = ("Xoài", "Bưởi", "Sen", "Trái cây khác", "Sản phẩm OCOP")
PRODUCTS = ("xoài", "bưởi", "Hạt sen tươi")  # three listings per exhibitor: 60 in all
PHONE = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0 Mobile Safari/537.36")
ORDER_KG = 100
PRICE_VND = 38_000


@pytest.fixture(scope="module")
def story_app(tmp_path_factory, fake_stripe) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "fairstory", STRIPE_SECRET_KEY=fake_stripe.api_key,
                          STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret, STRIPE_API_BASE=fake_stripe.base_url,
                          CATALOG_PDF_DIR=str(tmp_path_factory.mktemp("story_pdfs"))) as app:
        yield app
        db.get_registry(app).remove()


@dataclass
class Story:
    app: Flask
    staff: User
    organiser: Organization
    buyer: User
    buyer_org: Organization
    clubs: list[Organization] = field(default_factory=list)
    chairs: list[User] = field(default_factory=list)
    fair_id: int = 0
    slug: str = ""
    applications: dict[int, int] = field(default_factory=dict)  # club id -> application id
    exhibitors: list[int] = field(default_factory=list)  # club ids holding a booth
    listings: dict[int, list[int]] = field(default_factory=dict)  # club id -> its three listing ids
    ocop: dict[int, int] = field(default_factory=dict)  # listing id -> OCOP stars
    catalog_slug: str = ""

    def chair_of(self, club_id: int) -> User:
        return self.chairs[[c.id for c in self.clubs].index(club_id)]


def _fair_form(organiser_id: int) -> dict:
    starts = today_in_vietnam() + timedelta(days=30)
    return {"kind": "fair", "name": FAIR_NAME, "name_en": "Dong Thap Fruit Fair 2027",
            "starts_on": as_typed_date(starts), "ends_on": as_typed_date(starts + timedelta(days=2)),
            "apply_by": as_typed_date(starts - timedelta(days=10)), "venue": "Quảng trường Sa Đéc",
            "commune_query": "", "commune_code": "", "organiser_name": "Trung tâm Xúc tiến Thương mại",
            "organiser_org_id": str(organiser_id), "description": "Trái cây và sản phẩm OCOP Đồng Tháp.",
            "description_en": "", "booths-0-id": "", "booths-0-name": "Gian tiêu chuẩn 3×3 m",
            "booths-0-name_en": "Standard booth", "booths-0-count": str(BOOTHS), "booths-0-fee_vnd": "1.500.000",
            "booths-0-number_prefix": "A-"}


def _open_the_fair(story: Story) -> None:
    staff = signed_in(story.app, story.staff)
    sent = post(staff, "/staff/fairs/new", _fair_form(story.organiser.id))
    assert sent.status_code == 302, text_of(sent)
    with app_session(story.app) as session:
        fair = session.scalar(select(Fair).where(Fair.name == FAIR_NAME))
        story.fair_id, story.slug = fair.id, fair.slug
        assert [(k.count, k.fee_vnd) for k in fair.booth_kinds] == [(BOOTHS, STANDARD_FEE)]
    assert post(staff, f"/staff/fairs/{story.fair_id}/publish").status_code == 302
    page = signed_in(story.app).get(f"/fairs/{story.slug}")
    assert page.status_code == 200 and FAIR_NAME in text_of(page)


def _clubs_apply_and_staff_approve_all_at_once(story: Story) -> None:
    with app_session(story.app) as session:
        kind_id = session.get(Fair, story.fair_id).booth_kinds[0].id
        for n in range(CLUBS):
            club = make_org("club", name=f"Hội quán Trái cây số {n + 1:02d}", phone=f"09120000{n:02d}",
                            zalo=f"09120000{n:02d}")
            story.clubs.append(club)
            story.chairs.append(make_user("seller", club, name=f"Chủ nhiệm {n + 1}"))
        session.commit()
    for club, chair in zip(story.clubs, story.chairs, strict=True):
        client = signed_in(story.app, chair)
        sent = post(client, f"/fairs/{story.slug}/apply", {
            "booth_kind_id": str(kind_id), "products_text": "Xoài cát Chu\nBưởi da xanh\nHạt sen",
            "contact_name": chair.name, "contact_phone": club.phone, "note": ""})
        assert sent.status_code == 302, text_of(sent)
        story.applications[club.id] = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    browsers = []
    for _ in range(CLUBS):
        client = signed_in(story.app, story.staff)
        browsers.append((client, csrf_token(client)))
    ids = list(story.applications.values())

    def approve(n: int, go):
        client, token = browsers[n]
        go()
        return client.post(f"/staff/fairs/applications/{ids[n]}/decide",
                           data={"csrf_token": token, "action": "approve"})

    assert [r.status_code for r in at_once(CLUBS, approve)] == [302] * CLUBS
    with app_session(story.app) as session:
        rows = list(session.scalars(select(BoothApplication).where(BoothApplication.fair_id == story.fair_id)
                                    .order_by(BoothApplication.id)))
        assert Counter(r.status for r in rows) == {"approved": BOOTHS, "waitlisted": CLUBS - BOOTHS}
        numbers = sorted(r.booth_number for r in rows if r.status == "approved")
        assert numbers == [f"A-{n:02d}" for n in range(1, BOOTHS + 1)]
        assert all(r.booth_number is None for r in rows if r.status == "waitlisted")
        story.exhibitors = [r.org_id for r in rows if r.status == "approved"]


def _fees_paid(story: Story, fake_stripe) -> None:
    card, transfer = story.exhibitors[:BY_CARD], story.exhibitors[BY_CARD:]
    webhook = story.app.test_client()
    for club_id in card:
        application_id = story.applications[club_id]
        chair = signed_in(story.app, story.chair_of(club_id))
        sent = post(chair, f"/fairs/applications/{application_id}/pay/card")
        assert sent.status_code == 303, text_of(sent)
        with app_session(story.app) as session:
            [checkout] = session.scalars(select(BoothCheckout).where(BoothCheckout.application_id == application_id))
            assert sent.headers["Location"] == checkout.url and checkout.amount_vnd == STANDARD_FEE
            session_id = checkout.session_id
        assert fake_stripe.session(session_id)["amount_total"] == STANDARD_FEE
        answer = deliver(webhook, fake_stripe.complete(session_id), fake_stripe.webhook_secret)
        assert answer.get_json()["outcome"] == "recorded"
    staff = signed_in(story.app, story.staff)
    for n, club_id in enumerate(transfer):
        application_id = story.applications[club_id]
        html = signed_in(story.app, story.chair_of(club_id)).get(f"/fairs/applications/{application_id}")
        text = html.get_data(as_text=True)
        # The VietQR transfer names the organiser's account and the booth's own reference
        assert 'data-testid="vietqr"' in text and "1234567890123" in text and f"CHQ GH {application_id}" in text
        assert "TRUNG TAM XUC TIEN" in text_of(html)
        sent = post(staff, f"/staff/fairs/applications/{application_id}/received", {"reference": f"FT27{n:06d}"})
        assert sent.status_code == 302
    with app_session(story.app) as session:
        rows = {r.org_id: r for r in session.scalars(select(BoothApplication).where(
            BoothApplication.fair_id == story.fair_id))}
        assert Counter(r.status for r in rows.values()) == {"confirmed": BOOTHS, "waitlisted": CLUBS - BOOTHS}
        assert Counter(rows[c].payment_method for c in story.exhibitors) == {"card": BY_CARD,
                                                                             "transfer": BOOTHS - BY_CARD}


def _exhibitors_list(story: Story) -> None:
    """Each exhibitor's three listings; OCOP ratings on some: 4 stars on three, 5 on one (shown
    by "4 stars and up"), 3 on one (not shown)."""
    stars = {0: 4, 4: 4, 9: 4, 13: 5, 17: 3}
    with app_session(story.app) as session:
        for n, club_id in enumerate(story.exhibitors):
            club = session.get(Organization, club_id)
            certificates = [make_certificate(club, "ocop", stars=stars[n])] if n in stars else []
            ids = []
            for i, product in enumerate(PRODUCTS):
                listing = make_listing(club, product, price_vnd=str(PRICE_VND),
                                       certificates=certificates if i == 0 else ())
                ids.append(listing.id)
                if i == 0 and n in stars:
                    story.ocop[listing.id] = stars[n]
            story.listings[club_id] = ids
        session.commit()


def _staff_curate_the_catalog(story: Story) -> None:
    staff = signed_in(story.app, story.staff)
    sent = post(staff, "/staff/catalogs", {"title": f"Catalô {FAIR_NAME}", "title_en": "Fruit Fair 2027 Catalog",
                                           "fair_id": str(story.fair_id), "cover_text": "Đặc sản Đồng Tháp"})
    assert sent.status_code == 302, text_of(sent)
    edit = re.search(r"/staff/catalogs/\d+", sent.headers["Location"]).group(0)
    for title in SECTIONS:
        assert post(staff, f"{edit}/sections", {"section-title": title}).status_code == 302
    with app_session(story.app) as session:
        catalog = session.get(Catalog, int(edit.rsplit("/", 1)[1]))
        section_ids = [s.id for s in catalog.sections]
    assert len(section_ids) == len(SECTIONS)
    for n, club_id in enumerate(story.exhibitors):
        for i, listing_id in enumerate(story.listings[club_id]):
            section_id = section_ids[(n * len(PRODUCTS) + i) % len(SECTIONS)]
            sent = post(staff, f"{edit}/entries", {"org_id": club_id, "listing_id": listing_id, "section_id": section_id})
            assert sent.status_code == 302
    assert post(staff, f"{edit}/publish").status_code == 302
    with app_session(story.app) as session:
        catalog = session.get(Catalog, int(edit.rsplit("/", 1)[1]))
        session.refresh(catalog)
        assert catalog.status == "published" and catalog.fair_id == story.fair_id
        assert [len(s.entries) for s in catalog.sections] == [12] * len(SECTIONS)
        story.catalog_slug = catalog.slug


def _listing_ids_on(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="(?:http://localhost)?/listings/(\d+)', html)}


def _buyer_filters_taps_zalo_and_books_a_meeting(story: Story) -> tuple[int, int]:
    """Returns the exhibitor the buyer chose and the listing tapped."""
    buyer = signed_in(story.app, story.buyer)
    buyer.environ_base["HTTP_USER_AGENT"] = PHONE
    page = buyer.get(f"/catalogs/{story.catalog_slug}")
    assert page.status_code == 200
    assert _listing_ids_on(page.get_data(as_text=True)) == {i for ids in story.listings.values() for i in ids}
    page = buyer.get(f"/catalogs/{story.catalog_slug}?ocop=4")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="viewport"' in html
    assert _listing_ids_on(html) == {i for i, stars in story.ocop.items() if stars >= 4}
    # The first OCOP 4-star listing: the Zalo link the page shows for it, and the tap it records
    listing_id = next(i for i, stars in story.ocop.items() if stars == 4)
    club_id = next(c for c, ids in story.listings.items() if listing_id in ids)
    link = re.search(rf'<a [^>]*data-contact="zalo"[^>]*data-listing="{listing_id}"[^>]*>', html)
    assert link, "no Zalo link for the listing"
    attrs = dict(re.findall(r'data-(org|listing|fair)="(\d+)"', link.group(0)))
    assert attrs == {"org": str(club_id), "listing": str(listing_id), "fair": str(story.fair_id)}
    sent = post(buyer, "/contact-events", {"channel": "zalo", "org_id": attrs["org"],
                                           "listing_id": attrs["listing"], "fair_id": attrs["fair"]})
    assert sent.status_code == 204
    with app_session(story.app) as session:
        [tap] = session.scalars(select(ContactEvent))
        assert (tap.channel, tap.to_org_id, tap.from_org_id, tap.fair_id) == ("zalo", club_id, story.buyer_org.id,
                                                                             story.fair_id)
        first_day = session.get(Fair, story.fair_id).starts_on
    # A meeting on the fair's first day at 09:30, accepted by the exhibitor
    sent = post(buyer, f"/fairs/{story.slug}/meetings/new/{club_id}", {
        "day": first_day.strftime("%d/%m/%Y"), "time": "09:30", "note": "Cần 2 tấn xoài mỗi tuần",
        "listing_id": str(listing_id)})
    assert sent.status_code == 302, text_of(sent)
    with app_session(story.app) as session:
        [meeting] = session.scalars(select(FairMeeting))
        assert (meeting.status, meeting.buyer_org_id, meeting.exhibitor_org_id) == ("requested", story.buyer_org.id,
                                                                                     club_id)
        meeting_id = meeting.id
    exhibitor = signed_in(story.app, story.chair_of(club_id))
    prefix = step_prefix("accept", meeting_id)
    sent = post(exhibitor, f"/fairs/{story.slug}/meetings/{meeting_id}/accept", {f"{prefix}-status": "requested"})
    assert sent.status_code == 302
    with app_session(story.app) as session:
        assert session.get(FairMeeting, meeting_id).status == "accepted"
    return club_id, listing_id


def _every_qr_of_the_pdf_opens_its_listing(story: Story, listing_id: int) -> float:
    """Decodes every QR code of every page (all 60 and the cover's) and opens the one of
    `listing_id` on a phone; returns the seconds the decoding took."""
    sent = story.app.test_client().get(f"/catalogs/{story.catalog_slug}.pdf")
    assert sent.status_code == 200 and sent.mimetype == "application/pdf"
    began = time.perf_counter()
    decoded = []
    for page in pypdfium2.PdfDocument(sent.get_data()):
        decoded += [code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    took = time.perf_counter() - began
    expected = {f"http://localhost/listings/{i}?src=fair-{story.fair_id}" for ids in story.listings.values()
                for i in ids}
    assert len(expected) == BOOTHS * len(PRODUCTS)
    assert Counter(decoded) == Counter(expected | {f"http://localhost/catalogs/{story.catalog_slug}"})
    print(f"\nPDF: {len(decoded)} QR codes decoded in {took:.1f} s")
    scanned = next(url for url in decoded if f"/listings/{listing_id}?" in url)
    opened = signed_in(story.app, story.buyer).get(scanned.removeprefix("http://localhost"),
                                                   headers={"User-Agent": PHONE})
    assert opened.status_code == 200
    return took


def _the_fair_takes_place(story: Story) -> None:
    """Time passes: the fair is moved back so that it began five days ago (its meeting with it),
    as if the calendar had moved on to five days after its first day."""
    with app_session(story.app) as session:
        fair = session.get(Fair, story.fair_id)
        shift = fair.starts_on - (today_in_vietnam() - timedelta(days=5))
        session.execute(update(Fair).where(Fair.id == fair.id).values(
            starts_on=fair.starts_on - shift, ends_on=fair.ends_on - shift))
        for meeting in session.scalars(select(FairMeeting).where(FairMeeting.fair_id == fair.id)):
            meeting.starts_at -= shift
        session.commit()


def _buyer_orders(story: Story, club_id: int, listing_id: int) -> int:
    """On the listing page's order form, then "Place the order" on the confirmation page: from the
    exhibitor met at the fair, and from another exhibitor it never contacted (not the fair's doing)."""
    buyer = signed_in(story.app, story.buyer)
    buyer.environ_base["HTTP_USER_AGENT"] = PHONE
    other_club = next(c for c in story.exhibitors if c != club_id)
    for listing in (listing_id, story.listings[other_club][1]):
        sent = place_confirmed(buyer, f"/listings/{listing}/order", {"quantity": str(ORDER_KG),
                                                                     "note": "Giao Sa Đéc"})
        assert sent.status_code == 302, text_of(sent)
    with app_session(story.app) as session:
        placed = list(session.scalars(select(Order).order_by(Order.id)))
        assert [(o.buyer_org_id, o.seller_org_id, o.status) for o in placed] == [
            (story.buyer_org.id, club_id, "requested"), (story.buyer_org.id, other_club, "requested")]
        assert placed[0].amount_vnd == ORDER_KG * PRICE_VND
        return placed[0].amount_vnd


def _staff_see_the_outcomes(story: Story, club_id: int, value: int, views: int) -> None:
    staff = signed_in(story.app, story.staff)
    page = staff.get(f"/staff/fairs/{story.slug}/outcomes")
    assert page.status_code == 200
    text = text_of(page)
    names = {c.id: c.name for c in story.clubs}
    assert all(names[c] in text for c in story.exhibitors)
    assert f"{value:,}".replace(",", ".") in text
    assert f'data-testid="catalog-views">{views}<' in page.get_data(as_text=True)
    sent = staff.get(f"/staff/fairs/{story.slug}/outcomes.csv")
    assert sent.status_code == 200 and sent.mimetype == "text/csv"
    rows = {row["exhibitor"]: row for row in csv.DictReader(io.StringIO(sent.get_data().decode("utf-8-sig")))}
    assert set(rows) == {names[c] for c in story.exhibitors}  # the 20 exhibitors, not the waitlist
    counted = ("catalog_entry_views", "taps_phone", "taps_zalo", "conversations", "meetings_accepted",
               "meetings_total", "orders", "orders_value_vnd", "orders_paid_vnd")
    chosen = rows[names[club_id]]
    # One open of its listing from the PDF's QR code; the meeting request opened the one conversation
    assert {k: chosen[k] for k in counted} == {
        "catalog_entry_views": "1", "taps_phone": "0", "taps_zalo": "1", "conversations": "1",
        "meetings_accepted": "1", "meetings_total": "1", "orders": "1", "orders_value_vnd": str(value),
        "orders_paid_vnd": "0"}
    for club in story.exhibitors:
        if club != club_id:
            row = rows[names[club]]
            assert all(row[k] == "0" for k in counted), row
    with app_session(story.app) as session:
        visits = session.scalars(select(CatalogVisit)).all()
        assert len([v for v in visits if v.entry_id is None]) == views  # the buyer's two
        assert len(visits) == views + 1  # and the listing opened from the PDF
        [thread] = session.scalars(select(Conversation))
        assert (thread.fair_id, thread.seller_org_id, thread.buyer_org_id) == (story.fair_id, club_id,
                                                                                story.buyer_org.id)
    print(f"outcomes row of the chosen exhibitor: {dict(chosen)}")


def test_the_fair_from_opening_to_outcomes(story_app, fake_stripe):
    fake_stripe.reset()
    with app_session(story_app):
        staff = make_staff()
        organiser = make_organiser()
        buyer_org = make_org("supermarket", name="Siêu thị Xanh Sa Đéc")
        buyer = make_user("buyer", buyer_org, name="Anh Minh")
    story = Story(story_app, staff, organiser, buyer, buyer_org)
    _open_the_fair(story)
    _clubs_apply_and_staff_approve_all_at_once(story)
    _fees_paid(story, fake_stripe)
    _exhibitors_list(story)
    _staff_curate_the_catalog(story)
    club_id, listing_id = _buyer_filters_taps_zalo_and_books_a_meeting(story)
    _every_qr_of_the_pdf_opens_its_listing(story, listing_id)
    _the_fair_takes_place(story)
    value = _buyer_orders(story, club_id, listing_id)
    _staff_see_the_outcomes(story, club_id, value, views=2)
