"""A lot's QR codes (SVG and PNG) decode to its public trace address with the scan marker; the A4
label sheet has the lot code and product on each of N labels and is the club's and staff's only;
scans are counted once per client, bounded, and the page is the same with or without the marker."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from marketplace.traceability.models import Lot
from tests.clients import app_session, signed_in
from tests.factories import make_club, make_user
from tests.integration.traceability.trace_scene import make_scene

PUBLIC = "http://localhost"  # the test app's PUBLIC_URL


@pytest.fixture
def scene(app):
    with app_session(app):
        return make_scene()


def _svg_to_image(svg: str, pixels_per_module: int = 6) -> Image.Image:
    """segno's SVG is one path of horizontal runs ("M4 4.5h7m2 0h1…" in modules): drawn as such."""
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    modules = size // scale
    image = Image.new("L", (modules * pixels_per_module, modules * pixels_per_module), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", path):
        values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command in "hH":
            end = x + values[0] if command == "h" else values[0]
            top = (y - 0.5) * pixels_per_module
            draw.rectangle([x * pixels_per_module, top, end * pixels_per_module - 1, top + pixels_per_module - 1],
                           fill=0)
            x = end
    return image


def test_the_qr_codes_decode_to_the_public_trace_address(app, scene) -> None:
    client = app.test_client()
    svg = client.get("/t/T-P/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = client.get("/t/T-P/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    expected = f"{PUBLIC}/t/T-P?s=1"
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))] == [expected]
    assert [c.text for c in zxingcpp.read_barcodes(_svg_to_image(svg.get_data(as_text=True)))] == [expected]
    assert client.get("/t/NO-SUCH/qr.png").status_code == 404


def test_a_forged_host_never_reaches_the_qr_code(app, scene) -> None:
    png = app.test_client().get("/t/T-P/qr.png", headers={"Host": "evil.example"})
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))[0].text == f"{PUBLIC}/t/T-P?s=1"


def _scan_count(app, code: str) -> int:
    with app_session(app) as session:
        session.expire_all()
        return session.query(Lot).filter_by(code=code).one().scan_count


def test_a_scan_is_counted_once_per_client_and_the_page_is_the_same(app, scene) -> None:
    phone = app.test_client()
    first = phone.get("/t/T-P?s=1")
    assert first.status_code == 303 and first.headers["Location"] == "/t/T-P"
    assert _scan_count(app, "T-P") == 1
    for _ in range(5):  # the same phone scanning again, or reloading
        assert phone.get("/t/T-P?s=1").status_code == 303
        assert phone.get("/t/T-P").status_code == 200
    assert _scan_count(app, "T-P") == 1
    assert app.test_client().get("/t/T-P?s=1&lang=en").headers["Location"] == "/t/T-P?lang=en"
    assert _scan_count(app, "T-P") == 2  # another phone
    assert _scan_count(app, "T-A") == 0
    clean = app.test_client().get("/t/T-P").get_data(as_text=True)
    followed = app.test_client().get("/t/T-P?s=1", follow_redirects=True).get_data(as_text=True)
    strip = lambda page: re.sub(r'<meta name="csrf-token"[^>]*>', "", page)  # noqa: E731
    assert strip(clean) == strip(followed)


def test_a_reload_loop_without_cookies_is_bounded(app, scene) -> None:
    for _ in range(40):
        app.test_client().get("/t/T-S1?s=1")  # a new client each time: no cookie kept
    assert 1 <= _scan_count(app, "T-S1") <= 10


def test_a_forged_seen_cookie_is_ignored(app, scene) -> None:
    client = app.test_client()
    client.set_cookie("trace_seen", "not-signed", domain="localhost")
    client.get("/t/T-S2?s=1")
    assert _scan_count(app, "T-S2") == 1


def test_the_gs1_address_counts_and_redirects_to_itself(app, scene) -> None:
    with app_session(app) as session:
        session.query(Lot).filter_by(code="T-P").one().gtin = "08934563138165"
        session.commit()
    response = app.test_client().get("/01/8934563138165/10/T-P?s=1")
    assert response.status_code == 303 and response.headers["Location"] == "/01/08934563138165/10/T-P"
    assert _scan_count(app, "T-P") == 1


def _pdf(client, path):
    response = client.get(path)
    return response, (response.data if response.status_code == 200 else b"")


def test_the_label_sheet_has_n_labels_with_code_product_and_qr(app, scene) -> None:
    with app_session(app):
        staff = make_user("staff")
    response, data = _pdf(signed_in(app, scene.chair), "/lots/T-P/labels.pdf?count=5")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert text.count("Lô hàng: T-P") == 5
    assert "Xoài cát Hòa Lộc" in text and "VN-DTOR-7101" in text and "VN-DTPH-7109" in text
    assert "Hạn sử dụng" in text and "Đóng gói" in text
    decoded = [c.text for page in pypdfium2.PdfDocument(data) for c in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    assert len(decoded) == 5 and set(decoded) == {f"{PUBLIC}/t/T-P?s=1"}
    _response, many = _pdf(signed_in(app, scene.chair), "/lots/T-P/labels.pdf?count=9999")
    assert len(PdfReader(io.BytesIO(many)).pages) == 3  # bounded: 60 labels, 21 to a page
    assert _pdf(signed_in(app, staff), "/lots/T-P/labels.pdf")[0].status_code == 200


def test_the_label_sheet_is_the_clubs_and_staffs_only(app, scene) -> None:
    with app_session(app):
        _other_club, other_chair = make_club()
        buyer = make_user("buyer")
    assert _pdf(signed_in(app, other_chair), "/lots/T-P/labels.pdf")[0].status_code == 404
    assert _pdf(signed_in(app, buyer), "/lots/T-P/labels.pdf")[0].status_code == 404
    anonymous = app.test_client().get("/lots/T-P/labels.pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_qr_images_are_rate_limited_per_address(app, scene) -> None:
    client = app.test_client()
    answers = [client.get("/t/T-P/qr.png?size=large").status_code for _ in range(31)]
    assert set(answers[:30]) == {200} and answers[-1] == 429
    assert client.get("/t/T-P/qr.svg").status_code == 429  # the same budget for both images
    assert client.get("/t/T-P").status_code == 200  # the page itself is not held back
