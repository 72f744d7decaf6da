"""The public trace page: a packed lot made from two harvests and split into two shipments shows
both orchards' codes as they stood on their harvest days, the packing house, the events as
corrected, buyers only when named, and nothing private; the GS1 form; forged codes 404 alike."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.credentials import services as credentials
from marketplace.credentials.models import PlantingCode
from marketplace.listings.models import Listing, Photo
from marketplace.traceability.models import Lot
from tests.clients import app_session, text_of
from tests.factories import make_user
from tests.integration.traceability.trace_scene import (
    CHAIR_PHONE,
    CLUB_PHONE,
    HIDDEN_BUYER,
    NAMED_BUYER,
    PRIVATE_NOTE,
    make_scene,
)

GTIN = "08934563138165"


@pytest.fixture
def scene(app):
    with app_session(app):
        return make_scene()


def _page(app, path: str, lang: str | None = None) -> str:
    response = app.test_client().get(path + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 200, response.status_code
    return text_of(response)


def test_a_packed_lot_shows_both_orchards_the_packing_house_dates_and_steps(app, scene) -> None:
    page = _page(app, "/t/T-P")
    assert "Xoài cát Hòa Lộc" in page and "T-P" in page
    assert "VN-DTOR-7101" in page and "VN-DTOR-7102" in page  # both orchards
    assert "VN-DTPH-7109" in page  # the packing house
    assert "Trung Quốc (CN)" in page and "Hoa Kỳ (US)" in page  # the markets the codes are for
    a, b = scene.lots["a"], scene.lots["b"]
    assert a.harvested_on.strftime("%d/%m/%Y") in page and b.harvested_on.strftime("%d/%m/%Y") in page
    assert f"{a.harvested_on:%d/%m/%Y} – {b.harvested_on:%d/%m/%Y}" in page  # harvested over two days
    assert "Còn hiệu lực vào ngày đóng gói" in page.split("VN-DTPH-7109")[1][:200]
    for word in ("Thu hoạch", "Đóng gói", "Nhà đóng gói HTX", "Vườn ông Sáu", "Phú Hựu"):
        assert word in page, word
    assert "đã sửa" in page and "100 kg" in page  # the corrected harvest shows the correction
    assert "Hội quán xoài Mỹ Xương" in page and "Ấp Mỹ Thới" in page
    assert "VietGAP" in page and "OCOP" in page and "★★★★" in page
    assert 'href="/t/T-A"' in page and 'href="/t/T-S1"' in page  # one step back, one step forward
    assert "2 chuyến hàng" in page


def test_nothing_private_is_on_the_page(app, scene) -> None:
    for code in ("T-A", "T-P", "T-S1", "T-S2"):
        page = _page(app, f"/t/{code}")
        digits = re.sub(r"\D", "", page)
        assert CHAIR_PHONE not in digits and CLUB_PHONE not in digits
        assert PRIVATE_NOTE not in page and "Cân lại" not in page
        assert "@" not in re.sub(r"<[^>]+>", "", page)  # no e-mail address in the text
        assert HIDDEN_BUYER not in page  # never agreed to be named
        assert "38.000" not in page  # no price


def test_a_buyer_is_named_only_when_it_agreed(app, scene) -> None:
    assert NAMED_BUYER in _page(app, "/t/T-S1")
    assert NAMED_BUYER in _page(app, "/t/T-A")  # forward from the orchard
    shipment_two = _page(app, "/t/T-S2")
    assert HIDDEN_BUYER not in shipment_two and NAMED_BUYER not in shipment_two
    assert "Đã nhận" in shipment_two and "Kho Cao Lãnh" not in shipment_two  # the step is shown, not where
    assert "Kho Sa Đéc" in _page(app, "/t/T-S1")


def test_a_harvest_traces_forward_to_every_shipment(app, scene) -> None:
    page = _page(app, "/t/T-A")
    assert 'href="/t/T-P"' in page and "2 chuyến hàng" in page


def test_english_page(app, scene) -> None:
    page = _page(app, "/t/T-P", lang="en")
    assert "Hoa Loc mango" in page and "Harvested" in page and "Packed" in page and "China (CN)" in page
    assert "corrected" in page


def test_a_code_suspended_after_the_harvest_was_valid_on_the_harvest_day(app, scene) -> None:
    with app_session(app) as session:
        code = session.get(PlantingCode, scene.codes[0].id)
        credentials.change_status(session, code, "suspend", make_user("staff"), reason="Kiểm tra lại")
        session.commit()
    page = _page(app, "/t/T-A")
    part = page.split("VN-DTOR-7101")[1][:300]
    assert "Còn hiệu lực vào ngày thu hoạch" in part and "Tạm đình chỉ" not in part


def test_a_code_expired_before_the_harvest_shows_expired(app, scene) -> None:
    with app_session(app) as session:
        code = session.get(PlantingCode, scene.codes[1].id)
        code.valid_until = scene.lots["b"].harvested_on - timedelta(days=1)
        session.commit()
    page = _page(app, "/t/T-P")
    assert "Hết hạn" in page.split("VN-DTOR-7102")[1][:300]
    assert "Không phải vườn nào cũng có mã vùng trồng còn hiệu lực" in page


def _not_found(app, path: str):
    response = app.test_client().get(path)
    assert response.status_code == 404, path
    # The same page but for its own address (in the language switch) and the form token.
    page = re.sub(r'<meta name="csrf-token"[^>]*>', "", response.get_data(as_text=True))
    return re.sub(r'href="[^"]*\?lang=en"', "", page)


def test_the_gs1_form_needs_the_lots_own_gtin_and_forged_codes_404_alike(app, scene) -> None:
    with app_session(app) as session:
        session.get(Lot, scene.lots["p"].id).gtin = GTIN
        session.commit()
    assert "VN-DTOR-7101" in _page(app, "/01/8934563138165/10/T-P")
    assert "VN-DTOR-7101" in _page(app, f"/01/{GTIN}/10/t-p")
    assert "VN-DTOR-7101" in _page(app, f"/01/{GTIN}/10/T-P/21/0001")  # a serial after the lot: ignored
    unknown = _not_found(app, "/t/NO-SUCH-LOT")
    assert "Mã lô không có trong hệ thống" in unknown
    for path in (f"/01/{GTIN}/10/NO-SUCH-LOT", "/01/8934563138166/10/T-P", "/01/96385074/10/T-P",
                 f"/01/{GTIN}/10/T-A", "/01/abc/10/T-P", "/t/%3Cscript%3E", "/t/" + "A" * 60,
                 f"/01/{GTIN}/10/%00"):
        assert _not_found(app, path) == unknown, path  # the same page: nothing says which part was wrong


def test_a_case_variant_of_the_code_redirects_to_the_stored_one(app, scene) -> None:
    response = app.test_client().get("/t/t-p")
    assert response.status_code == 301 and response.headers["Location"].endswith("/t/T-P")


def test_a_published_listings_first_photo_only(app, scene) -> None:
    assert "/media/" not in _page(app, "/t/T-P")  # the listing has no photo yet
    with app_session(app) as session:
        listing = session.get(Listing, scene.lots["p"].listing_id)
        session.add(Photo(organization_id=listing.organization_id, listing_id=listing.id, key="tracephoto1",
                          width=480, height=360, alt="Xoài trên cây"))
        session.commit()
    assert "/media/tracephoto1-card.webp" in _page(app, "/t/T-P")
    with app_session(app) as session:
        session.get(Listing, scene.lots["p"].listing_id).status = "draft"  # a draft's photos are private
        session.commit()
    page = _page(app, "/t/T-P")
    assert "tracephoto1" not in page and "VN-DTOR-7101" in page


def test_guessing_codes_is_rate_limited(app, scene) -> None:
    client = app.test_client()
    for _ in range(70):  # real lots opened (many phones behind one address at a market) never count
        assert client.get("/t/T-P").status_code == 200
    answers = [client.get(f"/t/GUESS-{n}").status_code for n in range(70)]
    assert set(answers[:60]) == {404} and answers[-1] == 429  # then the address waits a minute
