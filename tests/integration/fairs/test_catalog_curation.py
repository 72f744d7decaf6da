"""Staff curate a catalog through the pages: create, sections, add from the exhibitors and from a
search, move, note, remove, publish; clubs and buyers can do none of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.fairs.models import Catalog, CatalogEntry, CatalogSection
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_user
from tests.integration.fairs.catalog_support import hold_booth, make_fair, make_world


def _catalog(session, catalog_id: int) -> Catalog:
    session.expire_all()
    return session.get(Catalog, catalog_id)


def test_staff_curate_a_catalog_from_start_to_publishing(app):
    with app_session(app) as session:
        world = make_world()
        fair = make_fair(name="Hội chợ Sen Tháp Mười")
        hold_booth(fair, world.club, "B-02")
        session.commit()
    staff = signed_in(app, world.staff)
    assert staff.get("/staff/catalogs").status_code == 200
    # Every problem at once, and what was typed kept.
    sent = post(staff, "/staff/catalogs", {"title": "", "title_en": "x" * 201, "cover_text": "Giữ lại"})
    assert sent.status_code == 422 and "Giữ lại" in text_of(sent)
    sent = post(staff, "/staff/catalogs", {"title": "Catalô Hội chợ Sen", "title_en": "Lotus Fair Catalog",
                                           "fair_id": str(fair.id), "cover_text": "Sen Đồng Tháp"})
    assert sent.status_code == 302
    catalog_id = int(re.search(r"/staff/catalogs/(\d+)", sent.headers["Location"]).group(1))
    edit = f"/staff/catalogs/{catalog_id}"
    assert post(staff, f"{edit}/publish").status_code == 302  # refused: nothing in it yet
    assert post(staff, f"{edit}/sections", {"section-title": "Xoài", "section-title_en": "Mango"}).status_code == 302
    assert post(staff, f"{edit}/sections", {"section-title": "Sen"}).status_code == 302
    assert post(staff, f"{edit}/sections", {"section-title": ""}).status_code == 422
    page = text_of(staff.get(edit))
    assert "Đơn vị tham gia hội chợ" in page and "Gian B-02" in page  # the fair's exhibitors offered first
    with app_session(app) as session:
        catalog = _catalog(session, catalog_id)
        assert catalog.fair_id == fair.id and catalog.status == "draft"
        mango_section, lotus_section = catalog.sections
    # Search accents optional: "xoai cat hoa loc" finds the mango; "phu huu" the pomelo club's listings.
    page = text_of(staff.get(f"{edit}?q=xoai+cat+hoa+loc"))
    assert "Xoài cát Hòa Lộc" in page
    assert "Bưởi da xanh" in text_of(staff.get(f"{edit}?q=phu+huu"))
    for listing, section in ((world.mango, mango_section), (world.pomelo, mango_section),
                             (world.lotus, lotus_section)):
        sent = post(staff, f"{edit}/entries", {"org_id": listing.organization_id, "listing_id": listing.id,
                                               "section_id": section.id})
        assert sent.status_code == 302
    post(staff, f"{edit}/entries", {"org_id": world.other_club.id, "section_id": lotus_section.id})  # the club alone
    # Another club's listing under this organisation is refused.
    post(staff, f"{edit}/entries", {"org_id": world.club.id, "listing_id": world.lotus.id,
                                    "section_id": lotus_section.id})
    with app_session(app) as session:
        catalog = _catalog(session, catalog_id)
        assert [[e.listing_id for e in s.entries] for s in catalog.sections] == [
            [world.mango.id, world.pomelo.id], [world.lotus.id, None]]
        pomelo = catalog.sections[0].entries[1]
    assert post(staff, f"{edit}/entries/{pomelo.id}/up").status_code == 302
    sent = post(staff, f"{edit}/entries/{pomelo.id}", {f"e{pomelo.id}-section_id": lotus_section.id,
                                                      f"e{pomelo.id}-note": "Bưởi ngọt", f"e{pomelo.id}-note_en": "Sweet"})
    assert sent.status_code == 302
    sent = post(staff, f"{edit}/entries/{pomelo.id}", {f"e{pomelo.id}-section_id": "999999",
                                                      f"e{pomelo.id}-note": "x" * 1001})
    assert sent.status_code == 422
    with app_session(app) as session:
        catalog = _catalog(session, catalog_id)
        assert [[e.listing_id for e in s.entries] for s in catalog.sections] == [
            [world.mango.id], [world.lotus.id, None, world.pomelo.id]]
        moved = session.get(CatalogEntry, pomelo.id)
        assert (moved.note, moved.note_en) == ("Bưởi ngọt", "Sweet")
        bare = catalog.sections[1].entries[1]
    assert post(staff, f"{edit}/entries/{bare.id}/remove").status_code == 302
    assert post(staff, f"{edit}/sections/{lotus_section.id}/up").status_code == 302
    assert post(staff, f"{edit}/publish").status_code == 302
    with app_session(app) as session:
        catalog = _catalog(session, catalog_id)
        assert catalog.status == "published" and catalog.published_at is not None
        assert [s.title for s in catalog.sections] == ["Sen", "Xoài"]
        assert session.get(CatalogEntry, bare.id) is None
        slug = catalog.slug
    page = text_of(app.test_client().get(f"/catalogs/{slug}"))
    assert "Bưởi ngọt" in page and page.index("Hạt sen tươi") < page.index("Xoài cát Hòa Lộc")
    assert post(staff, f"{edit}/unpublish").status_code == 302
    assert app.test_client().get(f"/catalogs/{slug}").status_code == 404
    assert post(staff, f"{edit}/sections/{lotus_section.id}/remove").status_code == 302
    with app_session(app) as session:
        assert session.get(CatalogSection, lotus_section.id) is None
        assert session.scalars(select(CatalogEntry).where(CatalogEntry.section_id == lotus_section.id)).all() == []


def test_clubs_and_buyers_cannot_curate(app):
    with app_session(app):
        world = make_world()
        admin_of_nothing = make_user(None)
    catalog, section = world.catalog, world.sections[0]
    entry_id = None
    with app_session(app) as session:
        entry_id = session.scalars(select(CatalogEntry.id).where(CatalogEntry.catalog_id == catalog.id)).first()
    edit = f"/staff/catalogs/{catalog.id}"
    for user in (world.seller, world.buyer, admin_of_nothing):
        client = signed_in(app, user)
        assert client.get("/staff/catalogs").status_code == 403
        assert client.get(edit).status_code == 403
        for path, data in ((edit, {"title": "Đổi tên"}), (f"{edit}/sections", {"section-title": "Lạ"}),
                           (f"{edit}/entries", {"org_id": world.club.id, "section_id": section.id}),
                           (f"{edit}/entries/{entry_id}/remove", {}), (f"{edit}/unpublish", {}),
                           (f"{edit}/sections/{section.id}/remove", {})):
            assert post(client, path, data).status_code == 403, path
    assert app.test_client().get(edit).status_code == 302  # signed out: to the sign-in page
    with app_session(app) as session:
        catalog = _catalog(session, catalog.id)
        assert catalog.title == "Catalô Hội chợ Trái cây" and catalog.status == "published"
        assert sum(len(s.entries) for s in catalog.sections) == 3


def test_an_entry_of_another_catalog_is_not_found(app):
    with app_session(app):
        world = make_world()
    staff = signed_in(app, world.staff)
    post(staff, "/staff/catalogs", {"title": "Sản phẩm OCOP Đồng Tháp"})
    with app_session(app) as session:
        other = session.scalar(select(Catalog).where(Catalog.title == "Sản phẩm OCOP Đồng Tháp"))
        entry_id = session.scalars(select(CatalogEntry.id).where(CatalogEntry.catalog_id == world.catalog.id)).first()
    assert post(staff, f"/staff/catalogs/{other.id}/entries/{entry_id}/remove").status_code == 404
    assert post(staff, f"/staff/catalogs/{other.id}/sections/{world.sections[0].id}/up").status_code == 404


def test_staff_edit_the_details_and_see_every_problem_at_once(app):
    with app_session(app):
        world = make_world()
    staff = signed_in(app, world.staff)
    edit = f"/staff/catalogs/{world.catalog.id}"
    page = text_of(staff.get(edit))
    assert 'value="Catalô Hội chợ Trái cây"' in page
    assert re.search(rf'id="fair_id"[^>]*>.*?<option selected value="{world.fair.id}">', page, re.S)
    sent = post(staff, edit, {"title": "", "cover_text_en": "x" * 4001, "cover_text": "Giữ lại điều đã gõ",
                              "fair_id": "999999"})
    assert sent.status_code == 422
    page = text_of(sent)
    assert "Giữ lại điều đã gõ" in page and "Không tìm thấy hội chợ đó." in page and "Vui lòng" in page
    sent = post(staff, edit, {"title": "Catalô Hội chợ Trái cây 2027", "title_en": "Fruit Fair 2027", "fair_id": ""})
    assert sent.status_code == 302
    with app_session(app) as session:
        catalog = _catalog(session, world.catalog.id)
        assert (catalog.title, catalog.title_en, catalog.fair_id) == ("Catalô Hội chợ Trái cây 2027",
                                                                       "Fruit Fair 2027", None)
        assert catalog.slug == world.catalog.slug  # the link people shared keeps working
