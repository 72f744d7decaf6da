"""A believable, large marketplace for the search benchmark (bench_search.py).

Clubs, cooperatives and cooperative groups at real communes (most of them in Đồng Tháp),
their certificates (VietGAP, GlobalGAP, organic, OCOP with stars; some expired, suspended or
pending) and planting codes, listings of the reference products and varieties with Vietnamese
descriptions, prices and sale windows around today, and some buyers' demand posts.

Rows go in with SQLAlchemy Core executemany: fast, and it bypasses the ORM flush (so also the
search outbox hook, which nothing here needs). A fixed seed makes every run the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing, listing_certificates, listing_planting_codes
from marketplace.places.models import Commune
from marketplace.products.models import Product, Variety
from marketplace.products.taxonomy import PRODUCTS

SEED = 20260529
DONG_THAP = "82"
NEIGHBOURS = ("86", "91", "92", "80", "96")  # Vĩnh Long, An Giang, Cần Thơ, Tây Ninh, Cà Mau
HEADLINE_COMMUNE = "30076"  # Mỹ Xương, where cát Chu mangoes grow

# Price per default unit, in đồng.
# Products added to the catalogue later than this list (#13's lotus foods, flowers, OCOP goods)
# take a middling price: the benches measure search, not prices.
DEFAULT_PRICE = 50_000
BASE_PRICES = {
    "xoai": 32_000, "quyt": 35_000, "sau-rieng": 85_000, "nhan": 25_000, "thom": 12_000, "dua": 9_000,
    "dua-hau": 9_000, "buoi": 42_000, "cam": 20_000, "chanh": 15_000, "mit": 22_000, "vu-sua": 38_000,
    "thanh-long": 18_000, "chuoi": 11_000, "ot": 30_000, "khoai-lang": 12_000, "hanh-la": 20_000,
    "rau-muong": 10_000, "bap": 8_000, "nam-rom": 75_000, "lua": 7_200_000, "gao": 19_000,
    "ca-tra": 28_000_000, "ca-loc": 55_000, "tom-cang": 220_000, "luon": 150_000, "sen": 60_000,
    "hoa-kieng": 150_000, "hoa-cat": 80_000, "mam-ca": 120_000, "nem": 50_000, "bot-sen": 90_000,
    "banh-phong-tom": 120_000, "xoai-say": 260_000, "hu-tieu": 40_000, "mat-ong": 180_000,
    "du-lich-vuon": 50_000, "luu-tru-nha-dan": 300_000, "trai-nghiem-nong-nghiep": 150_000,
}
CATEGORY_WEIGHT = {"fruit": 3.0, "vegetable": 2.0, "rice": 2.0, "aquatic": 1.5, "flower": 1.0,
                   "processed": 1.0, "tourism": 0.5}
EXTRA_WEIGHT = {"xoai": 3.0, "quyt": 1.5, "sen": 1.5, "lua": 1.5}  # what Đồng Tháp is known for

GRADES = ("loại 1", "loại 2", "hàng xuất khẩu", "hàng chợ", "", "", "")
CARE = ("bón phân hữu cơ", "bao trái từ khi còn nhỏ", "không dùng thuốc kích thích", "có nhật ký đồng ruộng",
        "tưới nước giếng khoan", "sơ chế và đóng thùng 10 kg", "đạt chuẩn xuất khẩu Trung Quốc",
        "được cán bộ khuyến nông hướng dẫn", "đang làm hồ sơ VietGAP", "canh tác theo hướng hữu cơ")
DELIVERY = ("Sài Gòn, Cần Thơ và các tỉnh miền Tây", "chợ đầu mối Bình Điền", "trong tỉnh Đồng Tháp",
            "Hà Nội bằng xe lạnh", "tận vựa cho thương lái", "kho của siêu thị ở Thủ Đức", "")
PRODUCERS = ("chú Sáu Hùng", "cô Tư Lan", "anh Ba Phúc", "chị Năm Hoa", "bác Bảy Lộc", "anh Út Tài",
             "cô Hai Mai", "chú Chín Nghĩa", "", "", "")
TEMPLATES = (
    "{name} vườn nhà, trái đều, {grade}. Thu hoạch theo đơn, {care}.",
    "Hội viên {org} có {qty} {unit} {lower} chín cây, {care}; giao {delivery}.",
    "Nhận đặt hàng {lower} số lượng lớn, {care}. Có xe tải giao {delivery}.",
    "{name} {place}: {care}, {care2}. Giá tốt cho khách lấy thường xuyên.",
    "Vụ này {lower} được mùa, hàng {grade}, {care}. Liên hệ hội quán để xem vườn.",
)
ORG_PREFIX = {"club": "Hội quán", "cooperative": "HTX", "coop_group": "Tổ hợp tác"}
BUYER_KINDS = ("business", "supermarket", "trader", "exporter")
BUYER_NAMES = ("Công ty Nông sản {p}", "Siêu thị {p}", "Vựa trái cây {p}", "Công ty Xuất khẩu {p}")
LISTING_STATUSES = (("published", 85), ("draft", 4), ("paused", 4), ("sold_out", 4), ("expired", 3))
CERT_STATUSES = (("active", 80), ("suspended", 8), ("pending", 5), ("revoked", 2), ("expired", 5))


@dataclass
class Generated:
    organizations: int = 0
    certificates: int = 0
    planting_codes: int = 0
    listings: int = 0
    demand_posts: int = 0
    planted_headline: list[int] = field(default_factory=list)  # listing ids of the cát Chu + VietGAP


@dataclass
class _Org:
    id: int
    kind: str
    commune: Commune
    products: list[Product]
    certs: list[tuple[int, str]] = field(default_factory=list)  # (certificate id, type)
    codes: list[int] = field(default_factory=list)  # growing-area code ids


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(8, 0), tzinfo=UTC)


def generate(db: Session, listings: int, today: date, seed: int = SEED) -> Generated:
    """Insert `listings` listings and everything around them; the caller commits."""
    rng = random.Random(seed)
    out = Generated()
    products = list(db.scalars(select(Product).order_by(Product.id)))
    by_slug = {p.slug: p for p in products}
    varieties: dict[int, list[Variety]] = {p.id: [] for p in products}
    for variety in db.scalars(select(Variety).order_by(Variety.id)):
        varieties[variety.product_id].append(variety)
    weights = [CATEGORY_WEIGHT[p.category_code] * EXTRA_WEIGHT.get(p.slug, 1.0) for p in products]
    communes = list(db.scalars(select(Commune).where(Commune.province_code == DONG_THAP).order_by(Commune.code)))
    elsewhere = list(db.scalars(select(Commune).where(Commune.province_code.in_(NEIGHBOURS))
                                .order_by(Commune.code)))
    headline_commune = db.get(Commune, HEADLINE_COMMUNE)
    assert {s for s, *_ in PRODUCTS} <= set(by_slug), "load the reference data first"

    # -- organisations ------------------------------------------------------------------
    n_sellers = max(30, listings // 30)
    n_buyers = max(5, n_sellers // 10)
    org_rows, sellers = [], []
    next_org_id = (db.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1)) or 0) + 1
    for i in range(n_sellers):
        kind = _weighted(rng, (("club", 55), ("cooperative", 35), ("coop_group", 10)))
        commune = rng.choice(communes) if rng.random() < 0.65 else rng.choice(elsewhere)
        main = rng.choices(products, weights, k=rng.choice((1, 1, 2, 3)))
        first = main[0]
        variety = rng.choice(varieties[first.id]) if varieties[first.id] and rng.random() < 0.6 else None
        label = f"{first.name_vi} {variety.name}" if variety else first.name_vi
        grows = ", ".join(dict.fromkeys(p.name_vi.lower() for p in main))
        org_rows.append({
            "id": next_org_id + i, "ref": f"bench-org-{i}", "kind": kind,
            "name": f"{ORG_PREFIX[kind]} {label} {commune.short_name}", "commune_code": commune.code,
            "address": f"Ấp {rng.randint(1, 9)}, {commune.name}", "grows": grows,
            "description": f"{ORG_PREFIX[kind]} của {rng.randint(12, 150)} hộ trồng {grows} ở "
                           f"{commune.name}. Chia sẻ kỹ thuật và giá mỗi tuần.",
            "members_count": rng.randint(12, 150), "tourism": rng.random() < 0.1,
            "tourism_offer": "Đón khách tham quan vườn và hái trái." if rng.random() < 0.1 else "",
            "verified": rng.random() < 0.4, "is_demo": False,
            "created_at": _moment(today - timedelta(days=rng.randint(30, 2000))),
        })
        sellers.append(_Org(next_org_id + i, kind, commune, main))
    # The headline's own cooperative: cát Chu at Mỹ Xương, with a VietGAP valid for a while yet.
    headline_id = next_org_id + n_sellers
    org_rows.append({"id": headline_id, "ref": "bench-org-headline", "kind": "cooperative",
                     "name": f"HTX Xoài cát Chu {headline_commune.short_name}", "commune_code": headline_commune.code,
                     "address": f"Ấp 3, {headline_commune.name}", "grows": "xoài cát Chu",
                     "description": "Vùng trồng xoài cát Chu đạt VietGAP, có nhà sơ chế.",
                     "members_count": 62, "tourism": False, "tourism_offer": "", "verified": True,
                     "is_demo": False, "created_at": _moment(today - timedelta(days=900))})
    buyers = []
    for i in range(n_buyers):
        commune = rng.choice(communes + elsewhere)
        kind = rng.choice(BUYER_KINDS)
        buyer_id = headline_id + 1 + i
        org_rows.append({"id": buyer_id, "ref": f"bench-buyer-{i}", "kind": kind,
                         "name": rng.choice(BUYER_NAMES).format(p=commune.short_name), "commune_code": commune.code,
                         "address": commune.name, "grows": "", "description": "Thu mua nông sản theo đơn.",
                         "members_count": None, "tourism": False, "tourism_offer": "", "verified": True,
                         "is_demo": False, "created_at": _moment(today - timedelta(days=rng.randint(30, 900)))})
        buyers.append(buyer_id)
    db.execute(insert(Organization.__table__), org_rows)
    out.organizations = len(org_rows)

    # -- certificates and planting codes ------------------------------------------------------
    cert_rows, code_rows = [], []
    cert_id = (db.scalar(select(Certificate.id).order_by(Certificate.id.desc()).limit(1)) or 0) + 1
    code_id = (db.scalar(select(PlantingCode.id).order_by(PlantingCode.id.desc()).limit(1)) or 0) + 1

    def add_certificate(org: _Org | None, org_id: int, cert_type: str, status: str, expires: date | None,
                        stars: int | None = None) -> int:
        nonlocal cert_id
        cert_rows.append({
            "id": cert_id, "organization_id": org_id, "type": cert_type,
            "number": f"{cert_type.upper()}-{org_id:06d}-{cert_id}", "stars": stars,
            "level": {3: "commune", 4: "province", 5: "national"}.get(stars or 0, ""),
            "issuer": "Chi cục Trồng trọt và Bảo vệ thực vật", "issued_on": (expires or today) - timedelta(days=730),
            "expires_on": expires, "status": status, "product_text": "",
        })
        if org is not None:
            org.certs.append((cert_id, cert_type))
        cert_id += 1
        return cert_id - 1

    for org in sellers:
        for cert_type, share in (("vietgap", 0.40), ("globalgap", 0.08), ("organic", 0.06), ("ocop", 0.12)):
            if rng.random() >= share:
                continue
            stars = rng.choice((2, 3, 3, 4, 4, 5)) if cert_type == "ocop" else None
            expires = today + timedelta(days=rng.randint(-200, 900)) if rng.random() < 0.95 else None
            add_certificate(org, org.id, cert_type, _weighted(rng, CERT_STATUSES), expires, stars)
        if rng.random() < 0.40:
            kind = "growing_area" if rng.random() < 0.88 else "packing_house"
            code_rows.append({
                "id": code_id, "organization_id": org.id,
                "code": f"VN-DT{'OR' if kind == 'growing_area' else 'PH'}-{code_id:05d}", "kind": kind,
                "crop": org.products[0].name_vi, "commune_code": org.commune.code, "markets": "CN;US",
                "valid_until": today + timedelta(days=rng.randint(-100, 900)) if rng.random() < 0.9 else None,
                "status": _weighted(rng, (("active", 85), ("suspended", 10), ("pending", 5))),
            })
            if kind == "growing_area":
                org.codes.append(code_id)
            code_id += 1
    headline = _Org(headline_id, "cooperative", headline_commune, [by_slug["xoai"]])
    add_certificate(headline, headline_id, "vietgap", "active", today + timedelta(days=400))
    db.execute(insert(Certificate.__table__), cert_rows)
    if code_rows:
        db.execute(insert(PlantingCode.__table__), code_rows)
    out.certificates, out.planting_codes = len(cert_rows), len(code_rows)

    # -- listings -----------------------------------------------------------------------------
    listing_rows, cert_links, code_links = [], [], []
    listing_id = (db.scalar(select(Listing.id).order_by(Listing.id.desc()).limit(1)) or 0) + 1
    cat_chu = next(v for v in varieties[by_slug["xoai"].id] if v.name == "cát Chu")

    def add_listing(org: _Org, product: Product, variety: Variety | None, status: str,
                    certs: list[int], codes: list[int], in_stock: bool = False) -> int:
        nonlocal listing_id
        name = f"{product.name_vi} {variety.name}" if variety else product.name_vi
        unit = product.default_unit
        quantity = float(rng.randint(1, 200) if unit == "tấn" else rng.randint(20, 20_000))
        available = round(quantity * rng.uniform(0.1, 1), 1)
        if status == "sold_out" or (not in_stock and rng.random() < 0.02):
            available = 0.0
        start = today + timedelta(days=rng.randint(-60, 30))
        end = start + timedelta(days=rng.randint(7, 120))
        if in_stock:  # on sale today
            start, end = today - timedelta(days=rng.randint(0, 20)), today + timedelta(days=rng.randint(20, 90))
        elif status == "expired":
            end = today - timedelta(days=rng.randint(1, 30))
            start = end - timedelta(days=30)
        negotiable = rng.random() < 0.05
        base_price = BASE_PRICES.get(product.slug, DEFAULT_PRICE)
        price = None if negotiable else int(base_price * rng.uniform(0.7, 1.4) / 500) * 500
        created = today - timedelta(days=rng.randint(0, 120))
        text = rng.choice(TEMPLATES).format(
            name=name, lower=name.lower(), grade=rng.choice(GRADES) or "hàng đẹp", care=rng.choice(CARE),
            care2=rng.choice(CARE), delivery=rng.choice(DELIVERY) or "theo thỏa thuận",
            org=ORG_PREFIX[org.kind].lower(), qty=int(available) or int(quantity), unit=unit,
            place=org.commune.short_name)
        listing_rows.append({
            "id": listing_id, "organization_id": org.id, "product_id": product.id, "product_text": "",
            "variety_id": variety.id if variety else None,
            "variety_text": "" if variety or rng.random() < 0.8 else rng.choice(("loại to", "giống địa phương")),
            "grade": rng.choice(GRADES), "quantity": quantity, "quantity_available": available, "unit": unit,
            "price_vnd": price, "price_negotiable": negotiable, "available_from": start, "available_to": end,
            "delivery_area": rng.choice(DELIVERY), "description": text, "producer_name": rng.choice(PRODUCERS),
            "status": status, "published_at": _moment(created) if status != "draft" else None,
            "created_at": _moment(created), "updated_at": _moment(created),
        })
        cert_links.extend({"listing_id": listing_id, "certificate_id": c} for c in certs)
        code_links.extend({"listing_id": listing_id, "planting_code_id": c} for c in codes)
        listing_id += 1
        return listing_id - 1

    planted = min(6, max(1, listings // 1000))
    for _ in range(planted):
        out.planted_headline.append(add_listing(headline, by_slug["xoai"], cat_chu, "published",
                                                [c for c, _ in headline.certs], [], in_stock=True))
    for _ in range(listings - planted):
        org = rng.choice(sellers)
        product = rng.choice(org.products) if rng.random() < 0.7 else rng.choices(products, weights)[0]
        choices = varieties[product.id]
        variety = rng.choice(choices) if choices and rng.random() < 0.8 else None
        certs = []
        if org.certs and rng.random() < 0.75:
            certs = [c for c, t in org.certs
                     if t != "ocop" or product.category_code == "processed" or rng.random() < 0.3]
        codes = org.codes if org.codes and product.category_code == "fruit" and rng.random() < 0.7 else []
        add_listing(org, product, variety, _weighted(rng, LISTING_STATUSES), certs, codes)
    for start in range(0, len(listing_rows), 10_000):
        db.execute(insert(Listing.__table__), listing_rows[start:start + 10_000])
    if cert_links:
        db.execute(insert(listing_certificates), cert_links)
    if code_links:
        db.execute(insert(listing_planting_codes), code_links)
    out.listings = len(listing_rows)

    # -- demand posts -------------------------------------------------------------------------
    demand_rows = []
    for _ in range(max(10, listings // 50)):
        product = rng.choices(products, weights)[0]
        choices = varieties[product.id]
        variety = rng.choice(choices) if choices and rng.random() < 0.5 else None
        start = today + timedelta(days=rng.randint(-20, 60))
        base = BASE_PRICES.get(product.slug, DEFAULT_PRICE)
        demand_rows.append({
            "organization_id": rng.choice(buyers), "product_id": product.id,
            "variety_id": variety.id if variety else None, "product_text": "", "variety_text": "",
            "quantity": float(rng.randint(1, 50) * (1 if product.default_unit == "tấn" else 500)),
            "unit": product.default_unit, "frequency": rng.choice(("once", "weekly", "monthly")),
            "needed_from": start, "needed_to": start + timedelta(days=rng.randint(7, 90)),
            "delivery_commune_code": rng.choice(communes).code if rng.random() < 0.5 else None,
            "price_min_vnd": int(base * 0.8), "price_max_vnd": int(base * 1.1),
            "required_certificates": rng.choice(("", "", "vietgap", "globalgap", "vietgap;globalgap", "organic")),
            "min_ocop_stars": 3 if product.category_code == "processed" and rng.random() < 0.4 else None,
            "needs_planting_code": rng.random() < 0.2, "export_market": rng.choice(("", "", "CN", "US")),
            "quality_notes": f"Cần {product.name_vi.lower()} {rng.choice(GRADES) or 'đẹp'}, {rng.choice(CARE)}.",
            "status": _weighted(rng, (("open", 80), ("closed", 10), ("paused", 5), ("fulfilled", 5))),
            "created_at": _moment(today - timedelta(days=rng.randint(0, 60))),
            "updated_at": _moment(today),
        })
    db.execute(insert(DemandPost.__table__), demand_rows)
    out.demand_posts = len(demand_rows)
    return out
