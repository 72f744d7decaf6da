"""Reasons and unmet items put into words: Vietnamese by default, English when the reader reads
English, for every reason code the rules and the score can give."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from marketplace.matching.presentation import describe, reasons_json
from marketplace.matching.rules import Reason

D = date(2027, 8, 31)
E = date(2027, 9, 30)

CASES = [
    (Reason.of("variety", variety="cát Chu"),
     "Đúng giống cát Chu", "Variety cát Chu as asked"),
    (Reason.of("variety_differs", wanted="cát Chu", offered="cát Hòa Lộc"),
     "Khác giống: cát Hòa Lộc, không phải cát Chu", "Another variety: cát Hòa Lộc, not cát Chu"),
    (Reason.of("variety_differs", wanted="cát Chu", offered=""),
     "Khác giống: chưa ghi, không phải cát Chu", "Another variety: not given, not cát Chu"),
    (Reason.of("window", start=date(2026, 6, 15), end=date(2026, 7, 15)),
     "Có hàng 15/06/2026–15/07/2026, đúng lúc cần", "Available 15 Jun 2026–15 Jul 2026, when needed"),
    (Reason.of("window_differs", available_from=date(2026, 8, 1), available_to=date(2026, 8, 31),
               needed_from=date(2026, 6, 15), needed_to=date(2026, 7, 15)),
     "Có hàng 01/08/2026–31/08/2026, nhưng cần 15/06/2026–15/07/2026",
     "Available 1 Aug 2026–31 Aug 2026, but needed 15 Jun 2026–15 Jul 2026"),
    (Reason.of("not_on_sale"),
     "Hiện không bán", "Not on sale now"),
    (Reason.of("below_min_order", min_order=25000.0, unit="kg"),
     "Đơn tối thiểu 25.000 kg lớn hơn số lượng cần", "Minimum order 25,000 kg is more than requested"),
    (Reason.of("certificate", kind="vietgap", until=D),
     "VietGAP còn hiệu lực đến 31/08/2027", "VietGAP valid until 31 Aug 2027"),
    (Reason.of("certificate", kind="organic", until=None),
     "Hữu cơ còn hiệu lực, không thời hạn", "Organic valid, with no end date"),
    (Reason.of("certificate_lapses", kind="vietgap", until=D, end=E),
     "VietGAP hết hạn ngày 31/08/2027, trước 30/09/2027", "VietGAP ends on 31 Aug 2027, before 30 Sep 2027"),
    (Reason.of("certificate_lapses", kind="growing_area", until=D, end=E),
     "Mã số vùng trồng hết hạn ngày 31/08/2027, trước 30/09/2027",
     "Planting area code ends on 31 Aug 2027, before 30 Sep 2027"),
    (Reason.of("certificate_invalid", kind="globalgap", status="suspended"),
     "GlobalGAP tạm đình chỉ", "GlobalGAP suspended"),
    (Reason.of("certificate_missing", kind="vietgap"),
     "Chưa có VietGAP", "No VietGAP"),
    (Reason.of("ocop", stars=4, until=D),
     "OCOP 4 sao còn hiệu lực đến 31/08/2027", "OCOP 4 stars valid until 31 Aug 2027"),
    (Reason.of("ocop_too_few_stars", stars=3, wanted=4),
     "OCOP 3 sao, yêu cầu 4 sao", "OCOP 3 stars, 4 asked"),
    (Reason.of("ocop_invalid", status="expired"),
     "Chứng nhận OCOP: Hết hạn", "OCOP rating: Expired"),
    (Reason.of("ocop_invalid", status="not_certified"),
     "Dưới 3 sao: chưa đạt chứng nhận OCOP", "Below 3 stars: not OCOP-certified"),
    (Reason.of("ocop_missing", wanted=3),
     "Chưa có OCOP (yêu cầu 3 sao)", "No OCOP rating (3 stars asked)"),
    (Reason.of("code", kind="growing_area", number="VN-DTOR-0017", market="US"),
     "Mã số vùng trồng VN-DTOR-0017 được cấp cho thị trường US", "Planting area code VN-DTOR-0017 approved for US"),
    (Reason.of("code", kind="growing_area", number="VN-DTOR-0017", market=""),
     "Mã số vùng trồng VN-DTOR-0017 còn hiệu lực", "Planting area code VN-DTOR-0017 active"),
    (Reason.of("code_wrong_market", kind="growing_area", market="US", markets="CN"),
     "Mã số vùng trồng chỉ được cấp cho CN, không cho US", "Planting area code approved for CN, not US"),
    (Reason.of("code_invalid", kind="growing_area", status="suspended"),
     "Mã số vùng trồng tạm đình chỉ", "Planting area code suspended"),
    (Reason.of("code_missing", kind="packing_house", market="US"),
     "Chưa có mã số cơ sở đóng gói", "No packing house code"),
    (Reason.of("quantity", percent=100, available=20000.0, unit="kg"),
     "đủ 100% số lượng", "Covers 100% of the quantity"),
    (Reason.of("quantity", percent=25, available=5000.0, unit="kg"),
     "đáp ứng 25% số lượng (còn 5.000 kg)", "Covers 25% of the quantity (5,000 kg left)"),
    (Reason.of("pooled", percent=90, count=3),
     "Cùng 2 lô phù hợp khác: đủ 90%", "With the other 2 matching lots: 90%"),
    (Reason.of("price_in_range", price=38000, low=30000, high=45000),
     "Giá 38.000 ₫ trong khoảng 30.000 ₫–45.000 ₫", "Price 38,000 ₫ within 30,000 ₫–45,000 ₫"),
    (Reason.of("price_outside", price=50000, low=None, high=45000),
     "Giá 50.000 ₫ cao hơn mức tối đa 45.000 ₫", "Price 50,000 ₫ above the highest 45,000 ₫"),
    (Reason.of("price_outside", price=20000, low=30000, high=None),
     "Giá 20.000 ₫ thấp hơn mức tối thiểu 30.000 ₫", "Price 20,000 ₫ below the lowest 30,000 ₫"),
    (Reason.of("distance", km=12),
     "cách 12 km", "12 km away"),
    (Reason.of("similar_text"),
     "Mô tả gần với yêu cầu", "Description close to the request"),
    (Reason.of("something_new"),
     "something_new", "something_new"),
]


@pytest.fixture
def page(app):
    """A request with nothing that asks for a language: the default, Vietnamese."""
    with app.app_context(), app.test_request_context("/"):
        yield


@pytest.mark.parametrize(("reason", "vietnamese", "english"), CASES, ids=[c[0].code for c in CASES])
def test_describe_in_the_readers_language(page, reason, vietnamese, english):
    assert describe(reason) == vietnamese
    with force_locale("en"):
        assert describe(reason) == english


def test_every_code_the_rules_and_the_score_give_is_described(page):
    import re
    from pathlib import Path

    import marketplace.matching as matching

    folder = Path(matching.__file__).parent
    given = set()
    for name in ("rules.py", "scoring.py", "services.py"):
        given |= set(re.findall(r'Reason\.of\(\s*"([a-z_]+)"', (folder / name).read_text()))
    given |= {"price_in_range", "price_outside"}  # chosen by a conditional expression in scoring.py
    described = {reason.code for reason, *_ in CASES}
    assert given <= described, given - described
    for code in given:
        assert describe(Reason.of(code, **dict(next(r for r, *_ in CASES if r.code == code).params))) != code


def test_reasons_json_gives_the_data_and_the_text(page):
    with force_locale("en"):
        assert reasons_json([Reason.of("certificate", kind="vietgap", until=D)]) == [
            {"code": "certificate", "kind": "vietgap", "until": "2027-08-31", "text": "VietGAP valid until 31 Aug 2027"}]
