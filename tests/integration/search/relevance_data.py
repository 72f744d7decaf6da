"""The relevance test set: a small Đồng Tháp market built through the factories, named so that
cases can say which document they expect ("chu_vietgap", "pineapple", "demand_chu"…)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marketplace.listings import services as listings
from marketplace.search.documents import doc_id
from tests.factories import make_certificate, make_demand, make_listing, make_org, make_planting_code


def build_market(session, today: date) -> dict[str, str]:
    """Create the market, committed; return {name: doc_id} for every named document."""
    names: dict[str, str] = {}
    day = timedelta(days=1)
    now = datetime.now(UTC)

    def listing(name, org, product, *, published_days_ago=None, **fields):
        record = make_listing(org, product, **fields)
        if published_days_ago is not None:
            record.published_at = now - published_days_ago * day
        names[name] = doc_id("listing", record.id)
        return record

    def org(name, kind, title, commune, **fields):
        record = make_org(kind, name=title, commune_code=commune, **fields)
        session.commit()
        names[name] = doc_id("org", record.id)
        return record

    # Mango clubs. Mỹ Xương: valid VietGAP, an active growing-area code and a 4-star OCOP.
    my_xuong = org("org_my_xuong", "club", "Hội quán Xoài Mỹ Xương", "30076",
                   grows="Xoài cát Chu, xoài cát Hòa Lộc")
    vietgap = make_certificate(my_xuong, "vietgap")
    orchard = make_planting_code(my_xuong, crop="xoài")
    ocop4 = make_certificate(my_xuong, "ocop", stars=4, product_text="xoài")
    listing("chu_vietgap", my_xuong, "xoài", variety="cát Chu", grade="Loại 1", price_vnd="45000",
            certificates=[vietgap, ocop4], planting_codes=[orchard], published_days_ago=3,
            available_from=today, available_to=today + 30 * day,
            description="Xoài cát Chu vườn Mỹ Xương, trái 300-400 g, ngọt thơm.")
    listing("hoa_loc", my_xuong, "xoài", variety="cát Hòa Lộc", price_vnd="60000", certificates=[vietgap],
            planting_codes=[orchard], published_days_ago=5,
            available_from=today + 10 * day, available_to=today + 40 * day,
            description="Xoài cát Hòa Lộc loại 1, giao tận nơi.")

    # Tân Thuận Tây: a VietGAP that lapsed last month, and only a packing-house code.
    tan_thuan_tay = org("org_tan_thuan_tay", "club", "Hội quán Tân Thuận Tây", "29869")
    lapsed = make_certificate(tan_thuan_tay, "vietgap", issued_on=today - 400 * day, expires_on=today - 35 * day)
    old_ocop = make_certificate(tan_thuan_tay, "ocop", stars=4, issued_on=today - 1200 * day)  # 36 months: over
    packing = make_planting_code(tan_thuan_tay, kind="packing_house")
    listing("chu_expired", tan_thuan_tay, "xoài", variety="cát Chu", price_vnd="35000",
            certificates=[lapsed, old_ocop], planting_codes=[packing], published_days_ago=1,
            available_from=today + 5 * day, available_to=today + 30 * day)

    # Mỹ Long: its VietGAP and its growing-area code were suspended by staff; a 2-star OCOP
    # rating is no OCOP certification at all.
    my_long = org("org_my_long", "club", "Hội quán Mỹ Long", "28516")
    suspended = make_certificate(my_long, "vietgap", status="suspended")
    suspended_code = make_planting_code(my_long, status="suspended")
    two_stars = make_certificate(my_long, "ocop", stars=2)
    listing("chu_suspended", my_long, "xoài", variety="cát Chu", price_vnd="40000",
            certificates=[suspended, two_stars], planting_codes=[suspended_code], published_days_ago=2,
            available_from=today + 2 * day, available_to=today + 30 * day)

    # Phong Hòa: cát Chu with no certificate at all (the cheapest), a mango of another variety
    # that only mentions cát Chu in its description, and lots that are not for sale now.
    phong_hoa = org("org_phong_hoa", "club", "Hội quán Phong Hòa", "30226")
    listing("chu_plain", phong_hoa, "xoài", variety="cát Chu", price_vnd="30000", published_days_ago=0,
            available_from=today + 1 * day, available_to=today + 20 * day)
    listing("keo_mention", phong_hoa, "xoài", variety="keo", price_vnd="18000", published_days_ago=4,
            available_from=today + 3 * day, available_to=today + 30 * day,
            description="Xoài keo xuất khẩu, vườn trồng xen với xoài cát Chu.")
    draft = listing("chu_draft", phong_hoa, "xoài", variety="cát Chu", publish=False)
    paused = listing("chu_paused", phong_hoa, "xoài", variety="cát Chu")
    listings.change_status(session, paused, "pause", today=today)
    sold = listing("chu_sold_out", phong_hoa, "xoài", variety="cát Chu")
    listings.quick_update(session, sold, quantity="0", today=today)
    past = listing("chu_past", phong_hoa, "xoài", variety="cát Chu")
    past.available_from, past.available_to = today - 40 * day, today - 1 * day
    assert draft.status == "draft"

    # Pineapple (dứa = thơm = khóm), coconut (dừa), watermelon (dưa hấu).
    tan_phuoc = org("org_tan_phuoc", "club", "Hội quán Khóm Tân Phước", "28321",
                    grows="Khóm Queen (khóm Tắc Cậu)")
    listing("pineapple", tan_phuoc, "khóm", variety="Queen", price_vnd="12000", published_days_ago=6,
            description="Khóm Tân Phước trái đều, mắt cạn.")
    tan_phu_dong = org("org_tan_phu_dong", "coop_group", "Tổ hợp tác Dừa Tân Phú Đông", "28696")
    listing("coconut", tan_phu_dong, "dừa", variety="xiêm xanh", unit="trái", price_vnd="15000",
            published_days_ago=7, description="Dừa xiêm xanh uống nước, hái mỗi tuần.")
    # A club that typed its page without accents: "dua" there may be any of the three, so an
    # accented "dứa" (or "dừa") still finds it, below the listings that write the word as typed.
    org("org_plain", "club", "Hoi quan Trai cay Tan Thanh", "28321", grows="dua xiem, khom Queen, cam sanh")
    thuong_phuoc = org("org_thuong_phuoc", "club", "Hội quán Thường Phước", "29971")
    listing("melon", thuong_phuoc, "dưa hấu", variety="Hắc Mỹ Nhân", price_vnd="9000", published_days_ago=8)

    # Lotus, mandarin, rice whose variety name holds "Thơm", durian.
    sen = org("org_sen", "club", "Hội quán Sen Tháp Mười", "30037")
    ocop5 = make_certificate(sen, "ocop", stars=5, product_text="trà sen")
    listing("lotus", sen, "sen", variety="hạt sen tươi", price_vnd="120000", published_days_ago=9,
            description="Hạt sen tươi Tháp Mười, bóc sẵn.")
    listing("lotus_tea", sen, "trà sen", unit="hộp", price_vnd="85000", certificates=[ocop5],
            published_days_ago=10)
    long_hau = org("org_long_hau", "club", "Hội quán Quýt hồng Long Hậu", "30235")
    listing("mandarin", long_hau, "quýt", variety="hồng Lai Vung", price_vnd="50000", published_days_ago=11)
    tram_chim = org("org_tram_chim", "cooperative", "HTX Nông nghiệp Tràm Chim", "30001")
    listing("rice", tram_chim, "lúa", variety="Đài Thơm 8", unit="tấn", price_vnd="7500000",
            published_days_ago=12)
    ngu_hiep = org("org_ngu_hiep", "club", "Hội quán Sầu riêng Ngũ Hiệp", "28516")
    listing("durian", ngu_hiep, "sầu riêng", variety="Monthong", price_vnd="90000", published_days_ago=13)

    # Buyers' demand: open ones, a closed one, one whose dates have passed.
    my_tho = org("org_my_tho", "supermarket", "Siêu thị Mỹ Tho", "28261")
    names["demand_chu"] = doc_id("demand", make_demand(
        my_tho, "xoài", variety="cát Chu", required_certificates="vietgap", price_max_vnd="50000",
        quality_notes="Trái 350–500 g, không dập, đóng thùng 10 kg.").id)
    names["demand_closed"] = doc_id("demand", make_demand(my_tho, "quýt", variety="hồng Lai Vung",
                                                          status="closed").id)
    names["demand_past"] = doc_id("demand", make_demand(
        my_tho, "sen", today=today - 60 * day, needed_from=today - 60 * day, needed_to=today - 10 * day).id)
    sa_dec = org("org_sa_dec", "exporter", "Công ty Xuất khẩu Trái cây Sa Đéc", "29905")
    names["demand_pineapple"] = doc_id("demand", make_demand(
        sa_dec, "dứa", variety="MD2", needs_planting_code=True, quality_notes="Dứa MD2 cho thị trường EU.").id)
    session.commit()
    return names
