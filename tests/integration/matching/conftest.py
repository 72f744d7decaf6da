"""The people of the matching tests, and the issue's exporter scenario.

An exporter in Bến Thành (Hồ Chí Minh City) wants 20 tấn xoài cát Chu with planting area codes
for the US. Clubs in Đồng Tháp offer mangoes with codes that are right, suspended, for China
only or missing, another variety, and a coconut club whose name folds like pineapple's.

Data is made in app_session blocks and requests are made outside them (tests.clients.app_session).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.accounts.models import User
from tests.clients import app_session, signed_in
from tests.factories import make_listing, make_org, make_planting_code, make_user

EXPORTER = "Công ty Xuất khẩu Trái cây Thử"
OTHER_BUYER = "Siêu thị Bách Hóa Thử"
BEN_THANH, PHU_HUU, CAO_LANH, SA_DEC = "26743", "30244", "29869", "29905"


def browser(app, user=None, lang: str = "en"):
    """A new test client (one browser), signed in as user if given, reading pages in lang
    (English by default: these tests read English text)."""
    return signed_in(app, user, lang)


@pytest.fixture
def people(app):
    """An exporter with two buyers (one wants mail, one does not), another buyer, two clubs with two
    sellers each (likewise), and a staff member."""
    with app_session(app) as session:
        exporter = make_org("exporter", name=EXPORTER, commune_code=BEN_THANH)
        buyer = make_user("buyer", exporter, name="Anh Xuất")
        quiet_buyer = make_user("buyer", exporter, name="Chị Lặng")
        other_org = make_org("supermarket", name=OTHER_BUYER, commune_code=CAO_LANH)
        other_buyer = make_user("buyer", other_org)
        club = make_org("club", name="Hội quán Xoài Mỹ Xương", commune_code=PHU_HUU)
        chair = make_user("seller", club, name="Chủ nhiệm Ba")
        quiet_chair = make_user("seller", club, name="Phó chủ nhiệm Tư")
        other_club = make_org("club", name="Hội quán Xoài Tân Thuận Đông", commune_code=SA_DEC)
        other_chair = make_user("seller", other_club)
        staff = make_user("staff")
        for user in (quiet_buyer, quiet_chair):
            session.get(User, user.id).mail_notifications = "off"
        session.commit()
    return SimpleNamespace(exporter=exporter, buyer=buyer, quiet_buyer=quiet_buyer, other_org=other_org,
                           other_buyer=other_buyer, club=club, chair=chair, quiet_chair=quiet_chair,
                           other_club=other_club, other_chair=other_chair, staff=staff)


def club_with_listing(name: str, *, product: str = "xoài", variety: str = "cát Chu", quantity: str = "8000",
                      growing: tuple[str, str] | None = ("US", "active"),
                      packing: tuple[str, str] | None = ("US", "active"), commune_code: str = PHU_HUU, **fields):
    """A club and its published listing with a growing-area and a packing-house code (markets, status)."""
    club = make_org("club", name=name, commune_code=commune_code)
    codes = []
    if growing is not None:
        codes.append(make_planting_code(club, markets=growing[0], status=growing[1], crop="xoài"))
    if packing is not None:
        codes.append(make_planting_code(club, kind="packing_house", markets=packing[0], status=packing[1]))
    listing = make_listing(club, product, variety=variety, quantity=quantity, planting_codes=codes, **fields)
    return SimpleNamespace(org=club, codes=codes, listing=listing)


@pytest.fixture
def export_clubs(app):
    """Mango clubs for the exporter: which of them can ship xoài cát Chu to the US."""
    with app_session(app):
        return SimpleNamespace(
            approved=club_with_listing("Hội quán Xoài Đã Duyệt Mỹ", quantity="12000"),
            approved_two=club_with_listing("Hội quán Xoài Mỹ và Trung Quốc", growing=("US;CN", "active"),
                                           packing=("CN;US", "active"), quantity="10", unit="tấn",
                                           price_vnd="41000", commune_code=SA_DEC),
            suspended=club_with_listing("Hội quán Mã Bị Đình Chỉ", growing=("US", "suspended")),
            china=club_with_listing("Hội quán Chỉ Đi Trung Quốc", growing=("CN", "active"),
                                    packing=("CN", "active")),
            no_packing=club_with_listing("Hội quán Chưa Có Nhà Đóng Gói", packing=None),
            no_codes=club_with_listing("Hội quán Chưa Có Mã", growing=None, packing=None),
            hoa_loc=club_with_listing("Hội quán Xoài Hòa Lộc", variety="cát Hòa Lộc"),
            coconut=club_with_listing("Hội quán Dừa Xiêm", product="dừa", variety="xiêm xanh", quantity="5000",
                                      unit="trái", price_vnd="9000"),
            pineapple=club_with_listing("Hội quán Khóm Tắc Cậu", product="khóm", variety="Queen",
                                        quantity="20000"),
        )
