"""The reference taxonomy loaded into every database (not demo data).

Names are Vietnamese as people in Đồng Tháp say them; synonyms cover regional words
(dứa = thơm = khóm) so that listings, demand and search meet whichever word was typed.
"""

from __future__ import annotations

CATEGORIES: list[tuple[str, str, str]] = [
    # code, Vietnamese, English
    ("fruit", "Trái cây", "Fruit"),
    ("vegetable", "Rau củ", "Vegetables"),
    ("rice", "Lúa gạo", "Rice"),
    ("aquatic", "Thủy sản", "Aquatic products"),
    ("flower", "Hoa kiểng", "Flowers and ornamentals"),
    ("processed", "Sản phẩm chế biến, OCOP", "Processed and OCOP products"),
    ("tourism", "Du lịch nông thôn", "Rural tourism"),
]

# Words that say nothing about which product is meant, in front of a name: "trái xoài".
NOISE_WORDS: frozenset[str] = frozenset({"trai", "qua", "cay", "con", "bong", "hoa"})
# Whole-word equivalences applied before matching: a word on the left reads as the right.
# (Product synonyms such as thơm/khóm for dứa live on the product, not here: a bare "thom"
# must not fold into "dua", which would also be coconut.)
WORD_SYNONYMS: dict[str, str] = {"qua": "trai", "bong": "hoa"}

# slug, category, Vietnamese name, English name, synonyms, default unit, varieties
# (variety entries are "name" or "name|synonym;synonym").
PRODUCTS: list[tuple[str, str, str, str, str, str, list[str]]] = [
    ("xoai", "fruit", "Xoài", "Mango", "trái xoài;quả xoài", "kg",
     ["cát Chu|cat chu", "cát Hòa Lộc|hoa loc", "Đài Loan", "keo", "tượng"]),
    ("quyt", "fruit", "Quýt", "Mandarin", "trái quýt", "kg", ["hồng Lai Vung|quýt hồng", "đường"]),
    ("sau-rieng", "fruit", "Sầu riêng", "Durian", "", "kg",
     ["Ri6|ri 6", "Monthong|Dona", "Ngũ Hiệp|cơm vàng hạt lép"]),
    ("nhan", "fruit", "Nhãn", "Longan", "", "kg", ["Ido", "xuồng cơm vàng", "tiêu da bò"]),
    ("thom", "fruit", "Dứa", "Pineapple", "thơm;khóm;trái thơm;trái khóm", "kg",
     ["Queen|khóm Tắc Cậu", "MD2"]),
    ("dua", "fruit", "Dừa", "Coconut", "trái dừa;dừa tươi", "trái",
     ["xiêm xanh", "sáp", "ta"]),
    ("dua-hau", "fruit", "Dưa hấu", "Watermelon", "", "kg", ["Hắc Mỹ Nhân", "không hạt"]),
    ("buoi", "fruit", "Bưởi", "Pomelo", "", "kg", ["da xanh", "Năm Roi"]),
    ("cam", "fruit", "Cam", "Orange", "", "kg", ["sành", "xoàn"]),
    ("chanh", "fruit", "Chanh", "Lime", "", "kg", ["không hạt", "dây"]),
    ("mit", "fruit", "Mít", "Jackfruit", "", "kg", ["Thái", "tố nữ"]),
    ("vu-sua", "fruit", "Vú sữa", "Star apple", "", "kg", ["Lò Rèn", "hoàng kim"]),
    ("thanh-long", "fruit", "Thanh long", "Dragon fruit", "", "kg", ["ruột đỏ", "ruột trắng"]),
    ("chuoi", "fruit", "Chuối", "Banana", "", "kg", ["già Nam Mỹ|cavendish", "xiêm"]),
    ("ot", "vegetable", "Ớt", "Chili", "", "kg", ["chỉ thiên"]),
    ("khoai-lang", "vegetable", "Khoai lang", "Sweet potato", "", "kg", ["tím Nhật", "mật"]),
    ("hanh-la", "vegetable", "Hành lá", "Spring onion", "", "kg", []),
    ("rau-muong", "vegetable", "Rau muống", "Water spinach", "", "kg", []),
    ("bap", "vegetable", "Bắp", "Maize", "ngô", "kg", ["nếp", "ngọt"]),
    ("nam-rom", "vegetable", "Nấm rơm", "Straw mushroom", "", "kg", []),
    ("lua", "rice", "Lúa", "Paddy rice", "lúa tươi;lúa khô", "tấn",
     ["OM 5451", "OM 18", "ST25", "Đài Thơm 8", "IR 50404"]),
    ("gao", "rice", "Gạo", "Milled rice", "", "kg", ["ST25", "Jasmine", "nếp"]),
    ("ca-tra", "aquatic", "Cá tra", "Pangasius", "", "tấn", ["giống", "thương phẩm"]),
    ("ca-loc", "aquatic", "Cá lóc", "Snakehead fish", "cá quả", "kg", []),
    ("tom-cang", "aquatic", "Tôm càng xanh", "Giant river prawn", "tôm xanh", "kg", []),
    ("luon", "aquatic", "Lươn", "Swamp eel", "", "kg", []),
    ("sen", "flower", "Sen", "Lotus", "hoa sen;bông sen;hạt sen;ngó sen", "kg",
     ["Tháp Mười|sen hồng", "hạt sen tươi", "ngó sen"]),
    ("hoa-kieng", "flower", "Hoa kiểng", "Ornamental flowers", "bông kiểng;cây kiểng", "chậu",
     ["cúc mâm xôi", "hồng Sa Đéc", "vạn thọ", "mai vàng"]),
    ("hoa-cat", "flower", "Hoa cắt cành", "Cut flowers", "bông cắt cành", "bó", ["cúc", "hồng"]),
    ("mam-ca", "processed", "Mắm cá", "Fermented fish", "mắm", "kg", ["mắm cá linh", "mắm cá lóc"]),
    ("nem", "processed", "Nem Lai Vung", "Lai Vung fermented pork roll", "nem chua", "hộp", []),
    ("bot-sen", "processed", "Trà và bột sen", "Lotus tea and flour", "trà sen;bột sen", "hộp", []),
    ("banh-phong-tom", "processed", "Bánh phồng tôm", "Prawn crackers", "", "kg", ["Sa Giang"]),
    ("xoai-say", "processed", "Xoài sấy", "Dried mango", "xoài sấy dẻo", "kg", []),
    ("hu-tieu", "processed", "Hủ tiếu", "Rice noodles", "hủ tiếu Sa Đéc", "kg", []),
    ("mat-ong", "processed", "Mật ong", "Honey", "", "chai", ["hoa tràm"]),
    ("du-lich-vuon", "tourism", "Du lịch vườn", "Orchard tour", "tham quan vườn;hái trái", "lượt",
     ["hái xoài", "hái quýt hồng"]),
    ("luu-tru-nha-dan", "tourism", "Lưu trú nhà dân", "Farm stay", "homestay", "đêm", []),
    ("trai-nghiem-nong-nghiep", "tourism", "Trải nghiệm làm nông", "Farming experience",
     "bắt cá;chèo xuồng", "lượt", []),
]
