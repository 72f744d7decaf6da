"""The bulletin page: who may read it, what it says (the two supermarkets' 40 tấn of VietGAP cát
Chu at 35–42 nghìn đồng/kg, the posts, the fair, the price move) and the Zalo text; its links from
the home page and the organisation's page."""

from __future__ import annotations

from marketplace.listings.households import Household
from tests.clients import app_session, signed_in, text_of
from tests.factories import make_board_member, make_demand, make_listing, make_org
from tests.integration.market.bulletin_scene import add_fair_and_prices, make_scene

STORY = "Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng"


def test_members_and_staff_read_it_others_do_not(app):
    with app_session(app):
        scene = make_scene()
        buyer_org_id = scene.supermarket.id
        path = f"/orgs/{scene.club.id}/bulletin"
    assert app.test_client().get(path).status_code == 302  # to sign in
    for user in (scene.chair, scene.member, scene.staff):
        assert signed_in(app, user).get(path).status_code == 200
    assert signed_in(app, scene.outsider).get(path).status_code == 403
    assert signed_in(app, scene.buyer).get(path).status_code == 403
    assert signed_in(app, scene.buyer).get(f"/orgs/{buyer_org_id}/bulletin").status_code == 403  # buyers get none
    assert signed_in(app, scene.chair).get("/orgs/999999/bulletin").status_code == 404


def test_the_page_says_what_buyers_ask_for(app):
    with app_session(app):
        scene = make_scene()
        add_fair_and_prices()
    page = text_of(signed_in(app, scene.chair).get(f"/orgs/{scene.club.id}/bulletin"))
    assert "40 tấn" in page and "2 bên mua" in page
    assert "35.000 ₫–42.000 ₫/kg" in page
    assert STORY in page and "giá 35–42 nghìn đồng/kg (2 bên mua)" in page
    for demand_id in scene.demand_ids:
        assert f'href="/demand/{demand_id}"' in page
    assert "Siêu thị Một" in page  # a signed-in reader sees the buyer, as /demand/<id> shows it
    assert "99 tấn" not in page and "77 tấn" not in page and "Khóm" not in page
    assert "Hội chợ Xoài thử" in page and 'href="/fairs/hoi-cho-xoai-thu"' in page
    assert "↑ 20%" in page and 'href="/prices/' in page
    zalo = page.split('data-testid="zalo-text">')[1].split("</textarea>")[0]
    assert "Siêu thị Một" not in zalo  # the Zalo text names no buyer
    assert zalo.rstrip().endswith(f"/orgs/{scene.club.id}/bulletin")
    assert len(zalo) <= 900


def test_the_page_in_english(app):
    with app_session(app):
        scene = make_scene()
    page = text_of(signed_in(app, scene.chair, lang="en").get(f"/orgs/{scene.club.id}/bulletin"))
    assert "What buyers ask for" in page and "40 tonnes" in page and "2 buyers" in page
    assert STORY in page  # the text to forward stays in Vietnamese


def test_products_come_from_what_the_club_grows_and_lists(app):
    with app_session(app):
        club = make_org("club", name="Hội quán trống")
        chair = make_board_member(club)
        make_listing(club, "nhãn Ido")
        buyer = make_org("trader", name="Vựa thử")
        make_demand(buyer, "nhan", quantity="3", unit="tấn", frequency="once")
        make_demand(buyer, "sầu riêng", quantity="2", unit="tấn", frequency="once")
    page = text_of(signed_in(app, chair).get(f"/orgs/{club.id}/bulletin"))
    assert "Thương lái cần 3 tấn nhãn" in page and "2 tấn sầu riêng" not in page


def test_links_from_home_and_the_organisation_page(app):
    with app_session(app):
        scene = make_scene()
    path = f'href="/orgs/{scene.club.id}/bulletin"'
    chair = signed_in(app, scene.chair)
    assert path in text_of(chair.get("/"))
    assert path in text_of(chair.get(f"/orgs/{scene.club.id}"))
    assert path not in text_of(signed_in(app, scene.outsider).get(f"/orgs/{scene.club.id}"))


def test_households_crops_count_as_the_club_s_products(app):
    with app_session(app) as session:
        club = make_org("club", name="Hội quán hộ trồng")
        chair = make_board_member(club)
        session.add(Household(organization_id=club.id, name="Hộ ông Tư", crops="Sau rieng Ri6; nhãn"))
        session.add(Household(organization_id=club.id, name="Hộ đã rời", crops="khóm", active=False))
        session.commit()
        buyer = make_org("exporter", name="Xuất khẩu thử")
        make_demand(buyer, "sầu riêng Ri6", quantity="20", unit="tấn", frequency="once", export_market="CN",
                    needs_planting_code=True)
        make_demand(buyer, "khóm", quantity="4", unit="tấn", frequency="once")
    page = text_of(signed_in(app, chair).get(f"/orgs/{club.id}/bulletin"))
    assert "Doanh nghiệp xuất khẩu cần 20 tấn sầu riêng Ri6 có mã số vùng trồng đi Trung Quốc" in page
    assert "4 tấn" not in page  # a household that left the club does not count
