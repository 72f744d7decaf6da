"""The public catalog page: live state, valid credentials, booth numbers, filters, visits, drafts
for staff only, and contact taps and threads recorded as leads from the fair."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.fairs import catalogs
from marketplace.fairs.models import Catalog, CatalogVisit
from marketplace.listings import services as listings
from marketplace.messaging.models import ContactEvent, Conversation
from tests.clients import app_session, post, signed_in, text_of
from tests.integration.fairs.catalog_support import make_world


def _world(app):
    with app_session(app):
        return make_world()


def _url(world, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/catalogs/{world.catalog.slug}" + (f"?{query}" if query else "")


def test_the_page_shows_entries_with_valid_credentials_booth_and_price(app):
    world = _world(app)
    page = text_of(app.test_client().get(_url(world)))
    assert "Catalô Hội chợ Trái cây" in page and "Đặc sản Đồng Tháp" in page
    assert "Xoài cát Hòa Lộc" in page and "Bưởi da xanh" in page and "Hạt sen tươi" in page
    assert "Hội quán xoài Mỹ Xương" in page and "Gian A-07" in page
    assert "OCOP ★★★★" in page and "45.000 ₫" in page
    assert "Xoài loại 1, giao tận nơi" in page
    mango_part = page.split("Xoài cát Hòa Lộc")[1].split("Bưởi da xanh")[0]
    assert "VietGAP" in mango_part and world.mango.planting_codes[0].code in mango_part
    pomelo_part = page.split("Bưởi da xanh")[1].split("Hạt sen tươi")[0]
    assert "VietGAP" not in pomelo_part  # expired since it was attached: never shown as valid


def test_english_page(app):
    world = _world(app)
    page = text_of(app.test_client().get(_url(world, lang="en")))
    assert "Fruit Fair Catalog" in page and "Hoa Loc mango" in page and "Grade 1 mangoes" in page
    assert "Booth A-07" in page


def test_a_listing_sold_out_after_publishing_shows_as_sold_out(app):
    world = _world(app)
    with app_session(app) as session:
        listing = listings.get_listing(session, world.mango.id)
        listing.quantity_available = 0
        session.commit()
    page = text_of(app.test_client().get(_url(world)))
    mango_part = page.split("Xoài cát Hòa Lộc")[1].split("Bưởi da xanh")[0]
    assert "Đã bán hết" in mango_part and "45.000 ₫" not in mango_part


def test_filters_by_section_ocop_certificate_code_and_commune(app):
    world = _world(app)
    client = app.test_client()

    def titles(**args):
        page = text_of(client.get(_url(world, **args)))
        return {t for t in ("Xoài cát Hòa Lộc", "Bưởi da xanh", "Hạt sen tươi") if t in page}

    everything = {"Xoài cát Hòa Lộc", "Bưởi da xanh", "Hạt sen tươi"}
    assert titles() == everything
    assert titles(section=world.sections[1].id) == {"Hạt sen tươi"}
    assert titles(ocop=4) == {"Xoài cát Hòa Lộc"}
    assert titles(ocop=5) == set()
    assert titles(cert="vietgap") == {"Xoài cát Hòa Lộc"}
    assert titles(code="1") == {"Xoài cát Hòa Lộc"}
    assert titles(commune="30235") == {"Bưởi da xanh", "Hạt sen tươi"}
    assert titles(section="abc", ocop="9", commune="x") == everything  # unknown values are ignored


def test_each_view_adds_a_visit_without_personal_data(app):
    world = _world(app)
    client = app.test_client()
    client.get(_url(world))
    client.get(_url(world, ocop=4))
    with app_session(app) as session:
        visits = session.scalars(select(CatalogVisit).where(CatalogVisit.catalog_id == world.catalog.id)).all()
        assert len(visits) == 2 and all(v.entry_id is None for v in visits)
        assert set(CatalogVisit.__table__.columns.keys()) == {"id", "catalog_id", "entry_id", "created_at"}


def test_a_listing_opened_from_the_catalog_counts_as_a_visit_of_its_entry(app):
    world = _world(app)
    client = app.test_client()
    assert client.get(f"/listings/{world.mango.id}?src=fair-{world.fair.id}").status_code == 200
    assert client.get(f"/listings/{world.mango.id}?src=fair-999999").status_code == 200
    assert client.get(f"/listings/{world.mango.id}?src=nonsense").status_code == 200
    with app_session(app) as session:
        entry_ids = session.scalars(select(CatalogVisit.entry_id).where(
            CatalogVisit.catalog_id == world.catalog.id)).all()
        assert len(entry_ids) == 1 and entry_ids[0] is not None


def test_each_visit_from_the_catalog_counts_when_visitors_get_a_kept_page(tmp_path_factory):
    """The public page cache (issue #21) answers later visitors from the kept page; each visit is
    counted all the same. Its own database: the kept page is read by a second app, which sees only
    committed rows."""
    from tests.database import forget_database, fresh_database_url, make_test_app, prepare_database

    cached = make_test_app(fresh_database_url(tmp_path_factory, "catalog_cache"), PAGE_CACHE_SECONDS=60,
                           SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("catalog_cache_index")))
    try:
        prepare_database(cached)
        world = _world(cached)
        for _ in range(3):
            assert cached.test_client().get(f"/listings/{world.mango.id}?src=fair-{world.fair.id}").status_code == 200
        assert cached.extensions["page_cache"].pages  # the page was kept
        with app_session(cached) as session:
            assert session.scalar(select(func.count()).select_from(CatalogVisit).where(
                CatalogVisit.catalog_id == world.catalog.id)) == 3
    finally:
        db.get_engine(cached).dispose()
        forget_database("catalog_cache")


def test_a_draft_is_for_staff_only(app):
    world = _world(app)
    with app_session(app) as session:
        session.get(Catalog, world.catalog.id).status = "draft"
        session.commit()
    for user in (None, world.buyer, world.seller):
        client = signed_in(app, user)
        assert client.get(_url(world)).status_code == 404
        assert client.get(_url(world) + ".pdf").status_code == 404
    staff = signed_in(app, world.staff)
    assert "Chỉ cán bộ" in text_of(staff.get(_url(world)))
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(CatalogVisit)) == 0  # staff previews are not counted


def test_contact_taps_from_the_catalog_are_leads_from_the_fair(app):
    world = _world(app)
    buyer = signed_in(app, world.buyer)
    page = buyer.get(_url(world)).get_data(as_text=True)
    assert f'data-fair="{world.fair.id}"' in page and 'data-contact="zalo"' in page
    sent = post(buyer, "/contact-events", {"channel": "zalo", "org_id": world.club.id,
                                           "listing_id": world.mango.id, "fair_id": world.fair.id})
    assert sent.status_code == 204
    post(buyer, "/contact-events", {"channel": "phone", "org_id": world.club.id, "fair_id": 999999})
    with app_session(app) as session:
        events = session.scalars(select(ContactEvent).order_by(ContactEvent.id)).all()
        assert [(e.channel, e.fair_id, e.listing_id) for e in events] == [
            ("zalo", world.fair.id, world.mango.id), ("phone", None, None)]


def test_a_thread_opened_from_the_catalog_carries_the_fair(app):
    world = _world(app)
    buyer = signed_in(app, world.buyer)
    form = buyer.get(f"/conversations/new?listing_id={world.mango.id}&fair_id={world.fair.id}")
    assert f'name="fair_id" type="hidden" value="{world.fair.id}"' in form.get_data(as_text=True)
    sent = post(buyer, "/conversations/new", {"listing_id": world.mango.id, "fair_id": world.fair.id,
                                              "body": "Cho tôi hỏi giá sỉ 2 tấn"})
    assert sent.status_code == 302
    with app_session(app) as session:
        conversation = session.scalar(select(Conversation))
        assert conversation.fair_id == world.fair.id and conversation.listing_id == world.mango.id


def test_the_page_loads_in_few_queries_whatever_the_size(app):
    from sqlalchemy import event

    world = _world(app)
    engine = db.get_engine(app)
    statements: list[str] = []

    def count(*_args):
        statements.append("x")

    client = app.test_client()
    client.get(_url(world))  # warm up (session, taxonomy caches)
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(_url(world)).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 15, len(statements)


def test_the_qr_code_is_an_svg_of_the_page_address(app):
    world = _world(app)
    sent = app.test_client().get(_url(world) + "/qr.svg")
    assert sent.status_code == 200 and sent.mimetype == "image/svg+xml"
    assert f"http://localhost/catalogs/{world.catalog.slug}" in sent.get_data(as_text=True)


def test_a_listing_back_in_draft_loses_its_photo_and_cannot_be_added(app):
    """A draft's photos are its club's alone (the photo route answers 404): the page shows none."""
    world = _world(app)
    with app_session(app) as session:
        mango = listings.get_listing(session, world.mango.id)
        key = mango.photos[0].key
        assert key in app.test_client().get(_url(world)).get_data(as_text=True)
        listings.change_status(session, mango, "unpublish", today=today_in_vietnam())
        session.commit()
    assert key not in app.test_client().get(_url(world)).get_data(as_text=True)
    with app_session(app) as session:
        catalog = session.get(Catalog, world.catalog.id)
        with pytest.raises(ValidationError) as refused:
            catalogs.add_entry(session, catalog, section_id=catalog.sections[0].id, org_id=None,
                               listing_id=world.mango.id)
        assert "listing_id" in refused.value.fields


def test_a_listing_taken_back_to_draft_is_shown_without_it(app):
    """The club unpublished the listing: the entry says it is no longer on sale and links to the
    club instead of the private draft; the API and the PDF leave the listing out the same way."""
    world = _world(app)
    with app_session(app) as session:
        listings.change_status(session, listings.get_listing(session, world.lotus.id), "unpublish",
                               today=today_in_vietnam())
        session.commit()
    page = text_of(app.test_client().get(_url(world)))
    lotus_part = page.split("Hạt sen tươi")[1]
    assert "Không còn bán" in lotus_part and "120.000 ₫" not in lotus_part
    assert f"/listings/{world.lotus.id}" not in page and f"/orgs/{world.other_club.id}" in page
