"""The reference taxonomy loaded into every database (not demo data).

Names are Vietnamese as people in Đồng Tháp say them; synonyms cover regional words
(dứa = thơm = khóm) so that listings, demand and search meet whichever word was typed.

Where the list comes from (docs/catalogue.md says more): the province's plan for the farmer
clubs and ../shared/product.md (the products to expect in data); Đồng Tháp's known OCOP
products and specialities (sen Tháp Mười, quýt hồng Lai Vung, xoài Cao Lãnh, hoa kiểng Sa Đéc,
nem Lai Vung, hủ tiếu Sa Đéc, bánh phồng tôm Sa Giang; since 2025 also old Tiền Giang's vú sữa Lò
Rèn, sầu riêng Ngũ Hiệp, khóm Tân Phước, sơ ri Gò Công); geographical indication No. 00078 for
Cao Lãnh mango (cát Chu, cát Hòa Lộc); the names of rice varieties grown in the delta (OM 5451,
ST25, Đài Thơm 8…). It is a starting point written from general knowledge, not an official
register: staff extend it through the mapping queue of names the catalogue lacks.
Never remove or rename a slug (listings in existing databases point at them).
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
    # Where a name the catalogue lacks goes when its words say nothing (staff move it on mapping).
    ("other", "Sản phẩm khác", "Other products"),
]

# Words that say nothing about which product is meant, in front of a name: "trái xoài".
NOISE_WORDS: frozenset[str] = frozenset({"trai", "qua", "cay", "con", "bong", "hoa"})
# Whole-word equivalences applied before matching: a word on the left reads as the right.
# (Product synonyms such as thơm/khóm for dứa live on the product, not here: a bare "thom"
# must not fold into "dua", which would also be coconut.)
WORD_SYNONYMS: dict[str, str] = {"qua": "trai", "bong": "hoa"}

# Grades people write into a product phrase or a variety cell. A grade is not a variety: the
# phrase reader takes these out wherever they are and keeps them as the listing's grade
# ("Xoài cát Chu loại 1" is xoài, cát Chu, grade "loại 1"). Accented, as people write them;
# typed without accents they match too. None may equal a product or variety name.
GRADE_PHRASES: tuple[str, ...] = (
    "loại 1", "loại 2", "loại 3", "loại I", "loại II", "loại III", "loại một", "loại hai", "loại ba",
    "loại A", "loại B", "loại C", "loại đặc biệt", "loại xô",
    "hàng loại 1", "hàng loại 2", "hàng loại 3", "hàng loại I", "hàng loại II",
    "xuất khẩu", "hàng xuất khẩu", "XK", "hàng XK", "hàng nội địa", "hàng siêu thị",
    "hàng đẹp", "hàng tuyển", "hàng chợ", "hàng xô", "hàng dạt", "hàng VIP", "VIP", "thượng hạng",
    "chậu lớn", "chậu nhỏ", "chậu vừa", "chậu trung",
    "size lớn", "size nhỏ", "size vừa", "size to", "cỡ lớn", "cỡ nhỏ", "cỡ vừa",
    "trái to", "trái lớn", "trái nhỏ", "trái vừa", "quả to", "quả nhỏ",
)

# slug, category, Vietnamese name, English name, synonyms, default unit, varieties
# (variety entries are "name" or "name|synonym;synonym").
#
# Rules kept by tests/unit/products/test_taxonomy_data.py: no two products share a name or
# synonym (as typed with accents; accent-free look-alikes such as dứa/dừa are listed there on
# purpose); no two varieties of a product share a name or synonym; no variety name or synonym is
# another product's name (a bare "hồng" is the rose, so no variety may be called "hồng"); no
# grade is a name. A variety name alone that one product has names that product ("Monthong"), so
# a one-word variety must not be a common word for something else ("bơ" is avocado: no "vú sữa
# bơ"; "tép", "cau", "dâu", "nghệ" likewise). A product is a kind people ask for by name (Hoa
# cúc, Mai vàng, Trà tim sen); a variety is a cultivar, strain or origin of it (mâm xôi, giảo,
# Tháp Mười); a grade is a size or quality class. Variety names of existing entries are kept (a
# variety's slug comes from its name); varieties dropped here stay in existing databases until
# staff move their listings.
PRODUCTS: list[tuple[str, str, str, str, str, str, list[str]]] = [
    # -- Fruit ---------------------------------------------------------------------------------
    ("xoai", "fruit", "Xoài", "Mango", "trái xoài;quả xoài", "kg",
     ["cát Chu|xoài cát Chu;cát Chu Cao Lãnh", "cát Hòa Lộc|Hòa Lộc;xoài cát Hòa Lộc", "Đài Loan",
      "keo", "tượng", "Úc|R2E2", "Thái|Thái Lan", "thanh ca"]),
    ("quyt", "fruit", "Quýt", "Mandarin", "trái quýt", "kg",
     ["hồng Lai Vung|quýt hồng;quýt hồng Lai Vung;Lai Vung", "đường|quýt đường", "tiều|quýt tiều"]),
    ("sau-rieng", "fruit", "Sầu riêng", "Durian", "", "kg",
     ["Ri6|Ri 6", "Monthong|Dona;Mon Thong", "Ngũ Hiệp|cơm vàng hạt lép",
      "Musang King|Musang;Mao Sơn Vương", "chuồng bò"]),
    ("nhan", "fruit", "Nhãn", "Longan", "", "kg",
     ["Ido|Idor;Edor", "xuồng cơm vàng|xuồng;nhãn xuồng", "tiêu da bò|da bò;nhãn tiêu"]),
    ("thom", "fruit", "Dứa", "Pineapple", "thơm;khóm;trái thơm;trái khóm", "kg",
     ["Queen|khóm Tắc Cậu", "MD2|MD 2"]),
    ("dua", "fruit", "Dừa", "Coconut", "trái dừa;dừa tươi", "trái",
     ["xiêm xanh|xiêm;dừa xiêm", "xiêm lửa|xiêm đỏ", "sáp|dừa sáp", "ta"]),
    ("dua-hau", "fruit", "Dưa hấu", "Watermelon", "", "kg", ["Hắc Mỹ Nhân", "không hạt"]),
    ("dua-luoi", "fruit", "Dưa lưới", "Muskmelon", "melon", "kg", ["Taki", "Nhật|dưa lưới Nhật"]),
    ("buoi", "fruit", "Bưởi", "Pomelo", "", "kg",
     ["da xanh|bưởi da xanh", "Năm Roi|5 roi", "lông Cổ Cò|Cổ Cò;bưởi lông", "đường lá cam"]),
    ("cam", "fruit", "Cam", "Orange", "", "kg", ["sành|cam sành", "xoàn|cam xoàn", "mật|cam mật"]),
    ("chanh", "fruit", "Chanh", "Lime", "", "kg", ["không hạt", "ta|chanh ta", "tứ quý"]),
    ("chanh-day", "fruit", "Chanh dây", "Passion fruit", "chanh leo;passion fruit", "kg",
     ["tím|chanh dây tím", "vàng|chanh dây vàng"]),
    ("mit", "fruit", "Mít", "Jackfruit", "", "kg", ["Thái|mít Thái", "tố nữ", "ruột đỏ"]),
    ("vu-sua", "fruit", "Vú sữa", "Star apple", "", "kg",
     ["Lò Rèn|Lò Rèn Vĩnh Kim;vú sữa Lò Rèn", "hoàng kim"]),
    ("thanh-long", "fruit", "Thanh long", "Dragon fruit", "", "kg", ["ruột đỏ", "ruột trắng"]),
    ("chuoi", "fruit", "Chuối", "Banana", "", "kg",
     ["già Nam Mỹ|cavendish", "xiêm|chuối xiêm", "Laba"]),
    ("chom-chom", "fruit", "Chôm chôm", "Rambutan", "", "kg",
     ["Java|chôm chôm Java", "Thái|Rongrien;Thái Lan", "đường|chôm chôm đường"]),
    ("oi", "fruit", "Ổi", "Guava", "", "kg",
     ["nữ hoàng|ổi nữ hoàng", "lê|ổi lê;lê Đài Loan", "ruột đỏ|ổi ruột đỏ", "Đài Loan|ổi Đài Loan",
      "xá lị|ổi xá lị"]),
    ("man", "fruit", "Mận", "Wax apple", "", "kg",
     ["An Phước|mận An Phước", "hồng đào|mận hồng đào", "xanh đường|mận xanh đường"]),
    ("sapoche", "fruit", "Sapoche", "Sapodilla", "hồng xiêm;sa pô chê;xa pô chê", "kg",
     ["Mã Lai|Malaysia"]),
    ("mang-cut", "fruit", "Măng cụt", "Mangosteen", "", "kg", []),
    ("khe", "fruit", "Khế", "Star fruit", "", "kg", ["ngọt|khế ngọt", "chua|khế chua"]),
    ("mang-cau", "fruit", "Mãng cầu", "Custard apple", "na", "kg",
     ["ta|mãng cầu ta", "xiêm|mãng cầu xiêm", "Thái|mãng cầu Thái", "dai|mãng cầu dai"]),
    ("so-ri", "fruit", "Sơ ri", "Acerola", "sơri", "kg", ["Gò Công|sơ ri Gò Công"]),
    # -- Vegetables, and the fresh lotus foods (a food, not a flower) ---------------------------
    ("ot", "vegetable", "Ớt", "Chili", "", "kg", ["chỉ thiên"]),
    ("khoai-lang", "vegetable", "Khoai lang", "Sweet potato", "", "kg", ["tím Nhật", "mật"]),
    ("hanh-la", "vegetable", "Hành lá", "Spring onion", "", "kg", []),
    ("rau-muong", "vegetable", "Rau muống", "Water spinach", "", "kg", []),
    ("bap", "vegetable", "Bắp", "Maize", "ngô", "kg", ["nếp", "ngọt"]),
    ("nam-rom", "vegetable", "Nấm rơm", "Straw mushroom", "", "kg", []),
    ("bi-do", "vegetable", "Bí đỏ", "Pumpkin", "bí rợ", "kg", []),
    ("rau-nhut", "vegetable", "Rau nhút", "Water mimosa", "", "kg", []),
    ("bong-dien-dien", "vegetable", "Bông điên điển", "Sesbania flowers", "điên điển", "kg", []),
    ("bong-sung", "vegetable", "Bông súng", "Water lily stems", "", "kg", []),
    ("hat-sen-tuoi", "vegetable", "Hạt sen tươi", "Fresh lotus seeds", "hạt sen;gương sen;lotus seeds",
     "kg", ["Tháp Mười"]),
    ("cu-sen", "vegetable", "Củ sen", "Lotus root", "", "kg", []),
    ("ngo-sen", "vegetable", "Ngó sen", "Lotus shoots", "", "kg", []),
    # -- Rice and paddy --------------------------------------------------------------------------
    ("lua", "rice", "Lúa", "Paddy rice", "lúa tươi;lúa khô", "tấn",
     ["OM 5451|OM5451;5451", "OM 18|OM18", "OM 380|OM380", "OM 4900|OM4900", "ST24|ST 24", "ST25|ST 25",
      "Đài Thơm 8|ĐT8", "IR 50404|IR50404;504", "Jasmine 85|Jasmine;J85",
      "Nàng Hoa 9|Nàng Hoa", "nếp|lúa nếp"]),
    ("gao", "rice", "Gạo", "Milled rice", "", "kg",
     ["ST25|ST 25", "ST24|ST 24", "Jasmine|Jasmine 85;J85", "nếp|gạo nếp", "OM 5451|OM5451;5451",
      "OM 18|OM18", "Đài Thơm 8|ĐT8", "IR 50404|IR50404;504", "Nàng Hoa 9|Nàng Hoa",
      "Tài Nguyên", "lứt|gạo lứt"]),
    # -- Aquatic ---------------------------------------------------------------------------------
    ("ca-tra", "aquatic", "Cá tra", "Pangasius", "", "tấn", ["giống", "thương phẩm"]),
    ("ca-loc", "aquatic", "Cá lóc", "Snakehead fish", "cá quả", "kg", ["đồng|cá lóc đồng", "nuôi|cá lóc nuôi"]),
    ("ca-ro-dong", "aquatic", "Cá rô đồng", "Climbing perch", "cá rô", "kg", ["đầu vuông|rô đầu vuông"]),
    ("ca-ro-phi", "aquatic", "Cá rô phi", "Tilapia", "rô phi", "kg", ["đơn tính"]),
    ("ca-dieu-hong", "aquatic", "Cá điêu hồng", "Red tilapia", "điêu hồng", "kg", []),
    ("ca-linh", "aquatic", "Cá linh", "Mud carp (cá linh)", "", "kg", ["non|cá linh non"]),
    ("ca-that-lat", "aquatic", "Cá thát lát", "Featherback fish", "cá thác lác;thát lát", "kg",
     ["cườm|thát lát cườm"]),
    ("tom-cang", "aquatic", "Tôm càng xanh", "Giant river prawn", "tôm xanh;tôm càng", "kg", []),
    ("luon", "aquatic", "Lươn", "Swamp eel", "", "kg", ["đồng|lươn đồng", "nuôi|lươn nuôi"]),
    ("ech", "aquatic", "Ếch", "Frog", "", "kg", ["Thái|ếch Thái"]),
    # -- Flowers and ornamentals (Sa Đéc) ------------------------------------------------------
    # "sen" is the lotus flower; the lotus foods have products of their own.
    ("sen", "flower", "Hoa sen", "Lotus flower", "bông sen;sen;lotus flower", "bó",
     ["Tháp Mười|sen Tháp Mười", "Nhật|sen Nhật;sen mini;mini"]),
    # The catch-alls for ornamentals and cut flowers that have no product of their own.
    ("hoa-kieng", "flower", "Hoa kiểng", "Ornamental plants", "bông kiểng;cây kiểng", "chậu",
     ["lá|kiểng lá"]),
    ("hoa-cat", "flower", "Hoa cắt cành", "Cut flowers", "bông cắt cành", "bó", []),
    ("hoa-cuc", "flower", "Hoa cúc", "Chrysanthemum", "cúc;cúc cắt cành", "chậu",
     ["mâm xôi|cúc mâm xôi", "đại đóa|cúc đại đóa", "pha lê|cúc pha lê", "chùm|cúc chùm"]),
    ("hoa-hong", "flower", "Hoa hồng", "Rose", "hồng cắt cành;hoa hồng cắt cành;rose", "cành",
     ["Sa Đéc|hồng Sa Đéc", "nhung|hồng nhung", "leo|hồng leo", "tỉ muội|hồng tỉ muội"]),
    ("mai-vang", "flower", "Mai vàng", "Yellow apricot blossom", "mai;hoa mai;cây mai", "chậu",
     ["giảo|mai giảo", "Bình Lợi|mai Bình Lợi", "Huỳnh Tỷ|mai Huỳnh Tỷ", "Thủ Đức|mai Thủ Đức"]),
    ("van-tho", "flower", "Vạn thọ", "Marigold", "cúc vạn thọ;marigold", "chậu",
     ["Pháp|vạn thọ Pháp", "Tây|vạn thọ Tây"]),
    ("hoa-giay", "flower", "Hoa giấy", "Bougainvillea", "bông giấy;bougainvillea", "chậu",
     ["ngũ sắc|giấy ngũ sắc", "Thái|giấy Thái", "Mỹ|giấy Mỹ"]),
    ("cat-tuong", "flower", "Hoa cát tường", "Lisianthus", "cát tường;lisianthus", "cành", []),
    ("lan", "flower", "Hoa lan", "Orchid", "lan;phong lan;orchid", "chậu",
     ["hồ điệp|lan hồ điệp", "Dendrobium|dendro;lan dendro", "Mokara|lan Mokara", "Vanda"]),
    ("kieng-bonsai", "flower", "Kiểng bonsai", "Bonsai", "bonsai;cây bonsai;kiểng thế", "chậu",
     ["linh sam", "sam hương", "nguyệt quế", "bùm sụm"]),
    # -- Processed and OCOP products ---------------------------------------------------------
    ("mam-ca", "processed", "Mắm cá", "Fermented fish", "mắm", "kg",
     ["mắm cá linh|linh", "mắm cá lóc|lóc", "mắm cá sặc|sặc"]),
    ("nuoc-mam", "processed", "Nước mắm", "Fish sauce", "fish sauce", "chai", ["Gò Công|nước mắm Gò Công"]),
    ("nem", "processed", "Nem Lai Vung", "Lai Vung fermented pork roll", "nem chua;nem;nem chua Lai Vung",
     "hộp", []),
    ("bot-sen", "processed", "Bột sen", "Lotus seed flour", "bột hạt sen;lotus flour", "hộp", []),
    ("hat-sen-say", "processed", "Hạt sen sấy", "Dried lotus seeds", "hạt sen khô;sen sấy", "kg",
     ["giòn|sấy giòn"]),
    ("tra-tim-sen", "processed", "Trà tim sen", "Lotus embryo tea", "trà sen;tim sen;lotus tea", "hộp", []),
    ("banh-phong-tom", "processed", "Bánh phồng tôm", "Prawn crackers", "phồng tôm", "kg", ["Sa Giang"]),
    ("xoai-say", "processed", "Xoài sấy", "Dried mango", "xoài sấy dẻo", "kg", []),
    ("kho-ca-loc", "processed", "Khô cá lóc", "Dried snakehead", "khô lóc", "kg", ["một nắng|1 nắng"]),
    ("hu-tieu", "processed", "Hủ tiếu", "Rice noodles", "hủ tíu", "kg", ["Sa Đéc|hủ tiếu Sa Đéc", "Mỹ Tho"]),
    ("mat-ong", "processed", "Mật ong", "Honey", "", "chai", ["hoa tràm", "hoa nhãn"]),
    # -- Rural tourism ---------------------------------------------------------------------------
    ("du-lich-vuon", "tourism", "Du lịch vườn", "Orchard tour", "tham quan vườn;hái trái", "lượt",
     ["hái xoài", "hái quýt hồng"]),
    ("luu-tru-nha-dan", "tourism", "Lưu trú nhà dân", "Farm stay", "homestay", "đêm", []),
    ("trai-nghiem-nong-nghiep", "tourism", "Trải nghiệm làm nông", "Farming experience",
     "bắt cá;chèo xuồng", "lượt", []),
]
