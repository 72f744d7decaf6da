"""A small catalog world for the catalog tests: staff, a buyer, two clubs with listings,
credentials and a photo, a fair with one booth held, and a published catalog of two sections."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.fairs import catalogs
from marketplace.fairs.models import BoothApplication, BoothKind, Catalog, Fair
from marketplace.listings.photos.services import add_photo, photo_store
from tests.factories import make_certificate, make_listing, make_org, make_planting_code, make_user


def jpeg(colour=(200, 140, 30), size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def make_fair(name: str = "Hội chợ Trái cây Đồng Tháp thử", status: str = "published", **fields) -> Fair:
    today = today_in_vietnam()
    n = db.session.query(Fair).count() + 1
    fair = Fair(slug=f"hoi-cho-thu-{n}-{today:%Y%m%d}", name=name, name_en="Đồng Tháp Fruit Fair (test)",
                starts_on=today + timedelta(days=20), ends_on=today + timedelta(days=22),
                venue="Quảng trường Cao Lãnh", commune_code="30244", status=status, **fields)
    db.session.add(fair)
    db.session.flush()
    return fair


def hold_booth(fair: Fair, org, number: str, status: str = "confirmed") -> BoothApplication:
    kind = fair.booth_kinds[0] if fair.booth_kinds else BoothKind(name="Gian tiêu chuẩn", count=20, given=0)
    if not fair.booth_kinds:
        fair.booth_kinds.append(kind)
        db.session.flush()
    application = BoothApplication(fair_id=fair.id, booth_kind_id=kind.id, org_id=org.id, status=status,
                                   booth_number=number)
    db.session.add(application)
    db.session.flush()
    return application


@dataclass
class World:
    staff: object
    buyer: object
    seller: object
    club: object
    other_club: object
    fair: Fair
    catalog: Catalog
    mango: object  # listing with photo, VietGAP, OCOP 4, a growing-area code; booth A-07
    pomelo: object  # listing of the other club, with an expired VietGAP
    lotus: object  # listing of the other club, nothing special
    sections: list


def make_world() -> World:
    staff = make_user("staff")
    buyer = make_user("buyer")
    club = make_org("club", name="Hội quán xoài Mỹ Xương", phone="0912345678", zalo="0912345678")
    seller = make_user("seller", club)
    other = make_org("club", name="Tổ hợp tác bưởi Phú Hựu", phone="0987654321", commune_code="30235")
    vietgap = make_certificate(club, "vietgap")
    ocop = make_certificate(club, "ocop", stars=4)
    code = make_planting_code(club)
    today = today_in_vietnam()
    expired = make_certificate(other, "vietgap", issued_on=today - timedelta(days=400),
                               expires_on=today + timedelta(days=10))
    mango = make_listing(club, "xoài", variety="cát Hòa Lộc", certificates=[vietgap, ocop], planting_codes=[code],
                         price_vnd="45000")
    pomelo = make_listing(other, "bưởi", variety="da xanh", certificates=[expired], price_vnd="30000")
    lotus = make_listing(other, "Hạt sen tươi", price_vnd="120000")
    add_photo(db.session, photo_store(), organization=mango.organization, listing=mango, data=jpeg())
    db.session.commit()
    # The VietGAP of the pomelo expires after it was attached: it must not show as valid.
    expired.expires_on = today - timedelta(days=1)
    fair = make_fair()
    hold_booth(fair, club, "A-07")
    catalog = catalogs.create_catalog(db.session, catalogs.CatalogInput(
        title="Catalô Hội chợ Trái cây", title_en="Fruit Fair Catalog", cover_text="Đặc sản Đồng Tháp",
        fair_id=fair.id), staff)
    fruit = catalogs.add_section(db.session, catalog, "Trái cây", "Fruit")
    lotus_section = catalogs.add_section(db.session, catalog, "Sen", "Lotus")
    catalogs.add_entry(db.session, catalog, section_id=fruit.id, org_id=club.id, listing_id=mango.id,
                       note="Xoài loại 1, giao tận nơi", note_en="Grade 1 mangoes")
    catalogs.add_entry(db.session, catalog, section_id=fruit.id, org_id=other.id, listing_id=pomelo.id)
    catalogs.add_entry(db.session, catalog, section_id=lotus_section.id, org_id=other.id, listing_id=lotus.id)
    catalogs.publish(db.session, catalog)
    db.session.commit()
    return World(staff, buyer, seller, club, other, fair, catalog, mango, pomelo, lotus, [fruit, lotus_section])
