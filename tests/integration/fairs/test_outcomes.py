"""After the fair: the figures of a hand-built fair (catalog visits, taps, conversations,
meetings, orders inside and outside the 60 days, orders with a buyer who had no contact), the
staff page, the CSV (UTF-8 with BOM, Vietnamese intact) and who may open them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import event

from marketplace import db
from marketplace.fairs import outcomes
from marketplace.fairs.models import Catalog, CatalogEntry, CatalogSection, CatalogVisit, FairMeeting
from marketplace.fairs.outcome_rules import CSV_COLUMNS, follow_window
from marketplace.messaging.models import ContactEvent, Conversation
from marketplace.orders.models import Order
from tests.clients import app_session, signed_in, text_of
from tests.factories import make_org, make_user
from tests.integration.fairs.meeting_scene import make_scene


def _order(buyer, seller, when, amount, paid=0, status="paid"):
    db.session.add(Order(buyer_org_id=buyer.id, seller_org_id=seller.id, title="Xoài cát Chu", quantity=1, unit="tấn",
                         reserved_quantity=0, unit_price_vnd=amount, price_unit="tấn", amount_vnd=amount,
                         amount_paid_vnd=paid, status=status, created_at=when))


@pytest.fixture
def fair_scene(app):
    """A fair that started 10 days ago; E1 (A-01) and E2 (A-02); buyers B1 (the scene's buyer),
    B2, B3 (the outsider)."""
    with app_session(app) as session:
        s = make_scene(starts_in=-10, days=3)
        e1, e2, b1, b3 = s.exhibitor, s.other_exhibitor, s.buyer_org, s.outsider_org
        b2 = make_org("exporter", name="Công ty Xuất khẩu Đồng Tháp")
        staff = make_user("staff")
        catalog = Catalog(slug=f"catalog-{s.fair.slug}", fair_id=s.fair.id, title="Danh mục hội chợ", status="published")
        standing = Catalog(slug=f"standing-{s.fair.slug}", title="Sản phẩm OCOP Đồng Tháp", status="published")
        session.add_all([catalog, standing])
        session.flush()
        section = CatalogSection(catalog_id=catalog.id, title="Xoài")
        session.add(section)
        session.flush()
        entry1 = CatalogEntry(catalog_id=catalog.id, section_id=section.id, org_id=e1.id, listing_id=s.listing.id)
        entry2 = CatalogEntry(catalog_id=catalog.id, section_id=section.id, org_id=e2.id)
        session.add_all([entry1, entry2])
        session.flush()
        session.add_all([CatalogVisit(catalog_id=catalog.id) for _ in range(3)]
                        + [CatalogVisit(catalog_id=catalog.id, entry_id=entry1.id) for _ in range(2)]
                        + [CatalogVisit(catalog_id=catalog.id, entry_id=entry2.id),
                           CatalogVisit(catalog_id=standing.id)])  # another catalog: not this fair's
        session.add_all([
            ContactEvent(channel="phone", from_org_id=b1.id, to_org_id=e1.id, fair_id=s.fair.id),
            ContactEvent(channel="zalo", from_org_id=b1.id, to_org_id=e1.id, fair_id=s.fair.id),
            ContactEvent(channel="zalo", from_org_id=b3.id, to_org_id=e2.id, fair_id=s.fair.id),
            ContactEvent(channel="phone", from_org_id=b3.id, to_org_id=e1.id),  # not from the fair
            Conversation(buyer_org_id=b2.id, seller_org_id=e1.id, topic=f"fair:{s.fair.id}", subject="Hội chợ",
                         fair_id=s.fair.id),
            Conversation(buyer_org_id=b3.id, seller_org_id=e1.id, topic="listing:1", subject="Xoài"),  # no fair
            FairMeeting(fair_id=s.fair.id, buyer_org_id=b2.id, exhibitor_org_id=e2.id,
                        starts_at=follow_window(s.fair.starts_on)[0] + timedelta(hours=3), status="declined"),
            FairMeeting(fair_id=s.fair.id, buyer_org_id=b2.id, exhibitor_org_id=e2.id,
                        starts_at=follow_window(s.fair.starts_on)[0] + timedelta(hours=4), status="accepted"),
        ])
        start, end = follow_window(s.fair.starts_on)
        _order(b1, e1, start + timedelta(days=5), 1_000_000, paid=300_000)  # counts (taps)
        _order(b1, e1, end + timedelta(minutes=1), 9_000_000, paid=9_000_000)  # after the 60 days
        _order(b1, e1, start - timedelta(minutes=1), 8_000_000, paid=8_000_000)  # before the fair
        _order(b2, e1, start + timedelta(days=10), 2_000_000, status="requested")  # counts (conversation)
        _order(b2, e1, start + timedelta(days=3), 7_000_000, status="cancelled")  # never business
        _order(b3, e1, start + timedelta(days=4), 6_000_000, paid=6_000_000)  # B3 tapped E1 outside the fair
        _order(b2, e2, end - timedelta(minutes=1), 500_000, paid=500_000)  # counts (meeting)
        _order(b1, e2, start + timedelta(days=2), 4_000_000, paid=4_000_000)  # B1 had no contact with E2
        session.commit()
        return s, b2, staff


def test_figures_of_a_hand_built_fair(app, fair_scene):
    scene, _b2, _staff = fair_scene
    with app_session(app) as session:
        figures = outcomes.fair_outcome(session, scene.fair)
    assert figures.catalog_views == 3
    e1, e2 = figures.exhibitors
    assert (e1.org_id, e1.booth_number, e2.org_id, e2.booth_number) == (scene.exhibitor.id, "A-01",
                                                                      scene.other_exhibitor.id, "A-02")
    assert (e1.entry_views, e1.taps, e1.conversations, e1.meetings) == (2, {"phone": 1, "zalo": 1}, 1, {})
    assert (e1.orders, e1.orders_value_vnd, e1.orders_paid_vnd) == (2, 3_000_000, 300_000)
    assert (e2.entry_views, e2.taps, e2.conversations, e2.meetings) == (1, {"zalo": 1}, 0,
                                                                        {"declined": 1, "accepted": 1})
    assert (e2.orders, e2.orders_value_vnd, e2.orders_paid_vnd) == (1, 500_000, 500_000)
    total = figures.total
    assert (total.entry_views, total.taps_total, total.conversations, total.meetings_total, total.orders,
            total.orders_value_vnd, total.orders_paid_vnd) == (3, 3, 1, 2, 3, 3_500_000, 800_000)


def test_the_figures_take_few_queries(app, fair_scene):
    scene, _b2, _staff = fair_scene
    statements = []
    with app_session(app) as session:
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            outcomes.fair_outcome(session, scene.fair)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) <= 8, statements


def test_the_staff_page(app, fair_scene):
    scene, _b2, staff = fair_scene
    response = signed_in(app, staff).get(f"/staff/fairs/{scene.fair.slug}/outcomes")
    assert response.status_code == 200
    page = text_of(response)
    assert "Hợp tác xã Xoài Mỹ Xương" in page and "Tổ hợp tác Sen Tháp Mười" in page
    assert "3.000.000" in page and "800.000" in page and "60 ngày" in page
    english = text_of(signed_in(app, staff, lang="en").get(f"/staff/fairs/{scene.fair.slug}/outcomes"))
    assert "After the fair" in english and "Per exhibitor" in english


def test_the_csv(app, fair_scene):
    scene, _b2, staff = fair_scene
    response = signed_in(app, staff).get(f"/staff/fairs/{scene.fair.slug}/outcomes.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["exhibitor"] for row in rows] == ["Hợp tác xã Xoài Mỹ Xương", "Tổ hợp tác Sen Tháp Mười"]
    first, second = rows
    assert (first["booth_number"], first["taps_phone"], first["taps_zalo"], first["conversations"], first["orders"],
            first["orders_value_vnd"], first["orders_paid_vnd"]) == ("A-01", "1", "1", "1", "2", "3000000", "300000")
    assert (second["meetings_declined"], second["meetings_accepted"], second["meetings_total"],
            second["orders_value_vnd"]) == ("1", "1", "2", "500000")


def test_a_name_that_looks_like_a_formula_is_written_as_text(app, fair_scene):
    scene, _b2, staff = fair_scene
    with app_session(app) as session:
        session.get(type(scene.exhibitor), scene.exhibitor.id).name = "=HYPERLINK(\"x\")"
        session.commit()
    raw = signed_in(app, staff).get(f"/staff/fairs/{scene.fair.slug}/outcomes.csv").get_data()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["exhibitor"] == "'=HYPERLINK(\"x\")"


@pytest.mark.parametrize("who", ["seller", "buyer", "outsider"])
def test_only_staff(app, fair_scene, who):
    scene, _b2, _staff = fair_scene
    client = signed_in(app, {"seller": scene.seller, "buyer": scene.buyer, "outsider": scene.outsider}[who])
    for path in (f"/staff/fairs/{scene.fair.slug}/outcomes", f"/staff/fairs/{scene.fair.slug}/outcomes.csv"):
        assert client.get(path).status_code in (403, 404)
    anonymous = app.test_client().get(f"/staff/fairs/{scene.fair.slug}/outcomes.csv")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_an_unknown_fair(app, fair_scene):
    _scene, _b2, staff = fair_scene
    assert signed_in(app, staff).get("/staff/fairs/no-such-fair/outcomes").status_code == 404
