"""The market bulletin's pure rules: which requests count, what buyers ask for summed per product,
variety and kind of buyer, numbers as Vietnamese write them, and the Zalo text."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.market import bulletin_rules as rules

DAY = date(2025, 12, 8)  # a Monday: the week and month edges are the point here (the rules take the day)


def post(id_=1, *, buyer_id=10, kind="supermarket", quantity=25.0, unit="tấn", low=35000, high=40000,
         certificates=("vietgap",), product_id=1, variety="cát Chu", to=date(2025, 12, 31), frequency="once",
         **fields):
    return rules.PostFacts(
        id=id_, product_id=product_id, title=f"Xoài {variety}".strip(), title_en="Cat Chu mango", variety=variety,
        buyer_id=buyer_id, buyer_kind=kind, quantity=quantity, unit=unit, frequency=frequency, needed_from=DAY,
        needed_to=to, price_min_vnd=low, price_max_vnd=high, certificates=certificates, **fields)


def story_asks():
    return rules.asks([post(1, quantity=25, low=35000, high=40000),
                       post(2, buyer_id=11, quantity=15, low=38000, high=42000)])


def test_two_supermarkets_make_one_ask_of_40_tonnes():
    (ask,) = story_asks()
    assert (ask.quantity, ask.unit, ask.kg, ask.buyers) == (40, "tấn", 40000, 2)
    assert (ask.price_min_vnd, ask.price_max_vnd) == (35000, 42000)
    assert ask.certificates == ("vietgap",)
    assert [p.id for p in ask.posts] == [1, 2]


def test_the_story_line_reads_as_the_issue_says():
    (ask,) = story_asks()
    assert rules.ask_line(ask, DAY) == \
        "Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng 12, giá 35–42 nghìn đồng/kg (2 bên mua)"


def test_units_convert_through_kilograms():
    (ask,) = rules.asks([post(1, quantity=500, unit="kg"), post(2, buyer_id=11, quantity=8, unit="tạ"),
                         post(3, buyer_id=11, quantity=1, unit="tấn")])
    assert (ask.quantity, ask.unit, ask.buyers) == (2.3, "tấn", 2)
    (small,) = rules.asks([post(1, quantity=300, unit="kg"), post(2, quantity=2, unit="tạ")])
    assert (small.quantity, small.unit) == (500, "kg")


def test_counts_that_cannot_be_weighed_stay_apart_by_unit():
    found = rules.asks([post(1, quantity=3000, unit="trái"), post(2, quantity=1, unit="tấn"),
                        post(3, quantity=200, unit="trái")])
    by_unit = {a.unit: a.quantity for a in found}
    assert by_unit == {"trái": 3200, "tấn": 1}
    assert found[0].unit == "tấn"  # weighed first


def test_kinds_of_buyers_and_varieties_are_separate_asks_biggest_first():
    found = rules.asks([post(1, quantity=10), post(2, kind="exporter", quantity=20, certificates=(),
                                                   needs_planting_code=True, export_market="US"),
                        post(3, variety="Hòa Lộc", quantity=1)])
    assert [(a.buyer_kind, a.title, a.quantity) for a in found] == [
        ("exporter", "Xoài cát Chu", 20), ("supermarket", "Xoài cát Chu", 10), ("supermarket", "Xoài Hòa Lộc", 1)]
    line = rules.ask_line(found[0], DAY)
    assert line.startswith("Doanh nghiệp xuất khẩu cần 20 tấn xoài cát Chu có mã số vùng trồng đi Hoa Kỳ")


def test_a_weekly_request_is_not_added_to_a_single_one():
    found = rules.asks([post(1, quantity=25), post(2, buyer_id=11, quantity=5, frequency="weekly")])
    assert [(a.frequency, a.quantity) for a in found] == [("once", 25), ("weekly", 5)]
    assert rules.ask_line(found[1], DAY).startswith("Siêu thị cần 5 tấn xoài cát Chu mỗi tuần VietGAP")


def test_standards_gather_ocop_and_certificates():
    (ask,) = rules.asks([post(1, certificates=("vietgap",), min_ocop_stars=4),
                         post(2, certificates=("globalgap", "organic"), min_ocop_stars=3)])
    assert ask.certificates == ("vietgap", "globalgap", "organic") and ask.min_ocop_stars == 3
    assert rules.standards_words(ask) == ["VietGAP", "GlobalGAP", "hữu cơ", "OCOP 3 sao"]


def test_price_words():
    assert rules.price_range_words(35000, 42000) == "35–42 nghìn đồng/kg"
    assert rules.price_range_words(42500, 42500) == "42,5 nghìn đồng/kg"
    assert rules.price_range_words(35000, None) == "từ 35 nghìn đồng/kg"
    assert rules.price_range_words(None, 42000, "hộp") == "đến 42 nghìn đồng/hộp"
    assert rules.price_range_words(800000, 1200000) == "800 nghìn–1,2 triệu đồng/kg"
    assert rules.price_range_words(None, None) == ""
    (no_price,) = rules.asks([post(1, low=None, high=None)])
    assert "giá" not in rules.ask_line(no_price, DAY)


def test_numbers_as_vietnamese_write_them():
    assert [rules.vi_number(v) for v in (40, 2.5, 1500, 12345.678, 0.25)] == ["40", "2,5", "1.500", "12.345,68", "0,25"]


def test_when_words_at_the_month_edges():
    assert rules.when_words(DAY, date(2025, 12, 31), DAY) == "trong tháng 12"
    assert rules.when_words(DAY, date(2026, 1, 15), DAY) == "đến 15/01"
    assert rules.when_words(date(2026, 1, 5), date(2026, 1, 15), DAY) == "từ 05/01"
    last = date(2026, 2, 28)
    assert rules.month_end(date(2026, 2, 1)) == last and rules.month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert rules.when_words(last, last, last) == "trong tháng 2"


def test_window_is_the_next_30_days_while_not_over():
    assert rules.in_window(DAY - timedelta(days=60), DAY, DAY)
    assert not rules.in_window(DAY - timedelta(days=60), DAY - timedelta(days=1), DAY)
    assert rules.in_window(DAY + timedelta(days=30), DAY + timedelta(days=90), DAY)
    assert not rules.in_window(DAY + timedelta(days=31), DAY + timedelta(days=90), DAY)


def test_new_fairs():
    assert rules.is_new_fair(DAY - timedelta(days=3), DAY - timedelta(days=1), "published", DAY)
    assert rules.is_new_fair(DAY - timedelta(days=60), DAY + timedelta(days=5), "published", DAY)
    assert not rules.is_new_fair(DAY - timedelta(days=60), DAY - timedelta(days=1), "published", DAY)
    assert not rules.is_new_fair(DAY, DAY + timedelta(days=5), "draft", DAY)


def move(pct, product_id=1, big=None, market="wholesale"):
    return rules.MoveFacts(product_id, "Xoài", "Mango", market, "kg", 38000, pct, abs(pct) >= 15 if big is None else big)


def test_big_moves_first_then_by_size():
    moves = rules.sorted_moves([move(3), move(-20, 2), move(-8, 3), move(16, 4)])
    assert [m.change_pct for m in moves] == [-20, 16, -8, 3]
    assert rules.move_line(move(12.4)) == "xoài (chợ đầu mối): 38 nghìn đồng/kg ↑ 12%"
    assert rules.move_line(move(-20)).endswith("↓ 20%")


def bulletin(asks=(), fairs=(), moves=()):
    return rules.Bulletin(1, "Hội quán Xoài Mỹ Xương", DAY, DAY, ((1, "Xoài", "Mango"),), tuple(asks), tuple(fairs),
                          tuple(moves))


LINK = "https://chohoiquan.example/orgs/1/bulletin"


def test_zalo_text_says_the_story_and_ends_with_the_link():
    fair = rules.FairFacts("hoi-cho", "Hội chợ Nông sản Đồng Tháp", DAY + timedelta(days=10),
                           DAY + timedelta(days=12), DAY + timedelta(days=5))
    text = rules.zalo_text(bulletin(story_asks(), [fair], [move(16)]), LINK)
    lines = text.split("\n")
    assert lines[0] == "BẢN TIN THỊ TRƯỜNG tuần 08/12 – Hội quán Xoài Mỹ Xương"
    assert lines[1] == "- Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng 12, giá 35–42 nghìn đồng/kg (2 bên mua)"
    assert lines[2] == "- Hội chợ Nông sản Đồng Tháp, 18/12–20/12, đăng ký gian hàng đến 13/12"
    assert lines[3] == "- Giá xoài (chợ đầu mối): 38 nghìn đồng/kg ↑ 16%"
    assert lines[-1] == f"Xem đủ: {LINK}"


def test_zalo_text_keeps_within_the_limit_and_says_what_it_left_out():
    many = rules.asks([post(i, product_id=i, buyer_id=i, variety=f"giống số {i}") for i in range(1, 40)])
    text = rules.zalo_text(bulletin(many), LINK)
    assert len(text) <= rules.ZALO_LIMIT
    assert text.endswith(f"Xem đủ: {LINK}")
    kept = sum(1 for line in text.split("\n") if line.startswith("- Siêu thị"))
    assert 0 < kept < 39
    assert f"- … và {39 - kept} tin khác" in text


def test_zalo_text_without_news():
    text = rules.zalo_text(bulletin(), LINK)
    assert "chưa có tin mới" in text and not bulletin().has_news
