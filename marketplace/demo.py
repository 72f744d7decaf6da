"""The demo data set: a believable Đồng Tháp for a newcomer's first look (`marketplace demo`).

Clubs and cooperatives sit at their real post-2025 communes; every buyer is a clearly named
demo company; every organisation is flagged is_demo and every login uses the demo domain, so
nothing here can be mistaken for a real business. Idempotent: keyed by ref and e-mail.

The organisations are data, demo_orgs.toml next to this module, read once at import into ORGS;
the users, credentials, listings, requests and orders that point at them are the tables below.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.accounts.passwords import hash_password
from marketplace.activity import demo as activity_demo
from marketplace.chains import demo as chain_demo
from marketplace.cooperatives import demo as cooperative_demo
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.errors import DomainError
from marketplace.fairs import catalogs
from marketplace.fairs import demo as fair_demo
from marketplace.fairs.models import Catalog, Fair
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.market import bulletin_demo
from marketplace.market import demo as price_demo
from marketplace.members import demo as member_demo
from marketplace.messaging import conversations
from marketplace.notifications import demo as notice_demo
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.payments import bank_accounts, recording
from marketplace.orders.payments.banks import ascii_upper
from marketplace.reports import demo as report_demo
from marketplace.tourism import demo as tourism_demo
from marketplace.traceability import demo as lot_demo
from marketplace.verification import demo as verification_demo

DEMO_DOMAIN = "demo.chohoiquan.vn"


@dataclass(frozen=True)
class DemoOrg:
    ref: str
    kind: str
    name: str
    commune_code: str
    description: str
    members: int | None = None
    founded_on: date | None = None
    founded_from: str | None = None
    tourism: bool = False
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DemoUser:
    login: str  # the part before @demo.chohoiquan.vn
    name: str
    org_ref: str | None
    role: str
    title: str = ""
    phone: str | None = None
    extra_orgs: tuple[str, ...] = field(default=())


# demo_orgs.toml's comments say how an organisation is written.
_ORGS_TOML = resources.files(__package__).joinpath("demo_orgs.toml").read_text(encoding="utf-8")
ORGS: tuple[DemoOrg, ...] = tuple(DemoOrg(**org) for org in tomllib.loads(_ORGS_TOML)["orgs"])

USERS: tuple[DemoUser, ...] = (
    DemoUser("chunhiem.myxuong", "Nguyễn Văn Tư", "demo-hq-xoai-my-xuong", "seller", "Chủ nhiệm",
             phone="0900000001"),
    DemoUser("giamdoc.htxmyxuong", "Trần Thị Mai", "demo-htx-xoai-my-xuong", "seller", "Giám đốc"),
    DemoUser("chunhiem.tanthuantay", "Lê Văn Sáu", "demo-hq-tan-thuan-tay", "seller", "Chủ nhiệm",
             phone="0900000002"),
    DemoUser("chunhiem.quythong", "Phạm Văn Út", "demo-hq-quyt-hong-long-hau", "seller", "Chủ nhiệm"),
    DemoUser("chunhiem.hoakieng", "Võ Thị Hoa", "demo-hq-hoa-kieng-tan-quy-dong", "seller", "Chủ nhiệm"),
    DemoUser("chunhiem.sen", "Đặng Văn Liên", "demo-hq-sen-thap-muoi", "seller", "Chủ nhiệm"),
    DemoUser("chunhiem.khom", "Huỳnh Văn Bảy", "demo-hq-khom-tan-phuoc", "seller", "Chủ nhiệm"),
    DemoUser("muahang.sieuthi", "Ngô Thị Lan", "demo-sieu-thi-my-tho", "buyer", "Nhân viên thu mua"),
    DemoUser("xuatkhau.sadec", "Bùi Minh Khang", "demo-xuat-khau-sa-dec", "buyer", "Trưởng phòng mua"),
    DemoUser("vua.caolanh", "Trương Văn Hai", "demo-vua-cao-lanh", "buyer", "Chủ vựa"),
    DemoUser("canbo.xttm", "Lý Thị Thu", "demo-xuc-tien-thuong-mai", "staff", "Chuyên viên"),
    DemoUser("quantri", "Quản trị Demo", "demo-xuc-tien-thuong-mai", "admin", "Quản trị hệ thống"),
)


# Demo credential numbers use a 9xxx serial so they cannot be mistaken for real ones.
# (org ref, type, number, product, stars, issued, expires, status)
CERTIFICATES: tuple[tuple, ...] = (
    ("demo-htx-xoai-my-xuong", "vietgap", "VietGAP-TT-13-09-82-9001", "xoài cát Chu", None,
     date(2025, 9, 1), date(2027, 8, 31), "active"),
    ("demo-htx-xoai-my-xuong", "globalgap", "9990000009001", "xoài", None,
     date(2026, 3, 1), date(2027, 2, 28), "active"),
    ("demo-hq-xoai-my-xuong", "vietgap", "VietGAP-TT-13-09-82-9002", "xoài cát Chu", None,
     date(2023, 6, 1), date(2025, 5, 31), "active"),  # expired: shows as expired, never as a badge
    # The two OCOP ratings here last 36 months from their decision; issued recently enough that the
    # targets dashboard's "expiring within 6 months" (reports/demo.py) stays at its two until mid-2028.
    ("demo-hq-sen-thap-muoi", "ocop", "QĐ-9003/UBND-OCOP", "trà sen", 4, date(2026, 4, 15), None, "active"),
    ("demo-hq-quyt-hong-long-hau", "vietgap", "VietGAP-TT-13-09-82-9004", "quýt hồng", None,
     date(2026, 1, 10), date(2028, 1, 9), "pending"),
    ("demo-hq-khom-tan-phuoc", "organic", "TCVN11041-9005", "khóm", None,
     date(2025, 11, 1), date(2027, 10, 31), "active"),
    ("demo-htx-quyt-hong-lai-vung", "ocop", "QĐ-9006/UBND-OCOP", "quýt hồng Lai Vung", 3,
     date(2025, 12, 20), None, "active"),
)
# (org ref, code, kind, crop, area, markets, issued, valid until, status)
PLANTING_CODES: tuple[tuple, ...] = (
    ("demo-htx-xoai-my-xuong", "VN-DTOR-9001", "growing_area", "xoài cát Chu", 32.5, "CN;US;AU",
     date(2025, 5, 1), date(2028, 4, 30), "active"),
    ("demo-htx-xoai-my-xuong", "VN-DTPH-9001", "packing_house", "xoài", None, "CN;US;AU",
     date(2025, 5, 1), date(2028, 4, 30), "active"),
    ("demo-hq-sau-rieng-ngu-hiep", "VN-DTOR-9002", "growing_area", "sầu riêng Ri6", 18.0, "CN",
     date(2026, 8, 1), date(2029, 7, 31), "pending"),
    ("demo-hq-tan-thuan-tay", "VN-DTOR-9003", "growing_area", "xoài cát Hòa Lộc", 12.0, "CN",
     date(2024, 3, 1), date(2027, 2, 28), "suspended"),
    # The club's own orchard code is approved for China only: a near miss for a US buyer.
    ("demo-hq-xoai-my-xuong", "VN-DTOR-9004", "growing_area", "xoài cát Chu", 8.0, "CN",
     date(2025, 7, 1), date(2028, 6, 30), "active"),
    ("demo-hq-tan-thuan-tay", "VN-DTOR-9005", "growing_area", "xoài cát Chu", 6.0, "US;CN",
     date(2025, 2, 1), date(2028, 1, 31), "suspended"),
)
# (ref, org ref, product, variety, quantity, unit, price, days from today: start, end,
#  certificate numbers, codes, producer, description)
LISTINGS: tuple[tuple, ...] = (
    ("demo-l-xoai-cat-chu", "demo-htx-xoai-my-xuong", "xoài", "cát Chu", 8, "tấn", 38000, -5, 40,
     ("VietGAP-TT-13-09-82-9001", "9990000009001"), ("VN-DTOR-9001", "VN-DTPH-9001"), "",
     "Xoài cát Chu loại 1, 3–4 trái/kg, bao trái, sơ chế tại nhà đóng gói của HTX."),
    ("demo-l-xoai-cat-chu-2", "demo-hq-xoai-my-xuong", "xoài", "cát Chu", 2.5, "tấn", 32000, 0, 25, (),
     ("VN-DTOR-9004",), "Vườn chú Bảy Lợi", "Xoài cát Chu loại 2, giao tại vườn, nhận đặt từ 200 kg."),
    ("demo-l-xoai-cat-chu-3", "demo-hq-tan-thuan-tay", "xoài", "cát Chu", 4, "tấn", 36000, 2, 50, (),
     ("VN-DTOR-9005",), "", "Xoài cát Chu vườn Tân Thuận Tây; mã số vùng trồng đang bị tạm đình chỉ."),
    ("demo-l-xoai-hoa-loc", "demo-hq-tan-thuan-tay", "xoài", "cát Hòa Lộc", 1.2, "tấn", 55000, 3, 35, (), (), "",
     "Xoài cát Hòa Lộc chín cây, thơm ngọt."),
    ("demo-l-quyt-hong", "demo-hq-quyt-hong-long-hau", "quýt", "hồng Lai Vung", 15, "tấn", 28000, 10, 70, (), (),
     "", "Quýt hồng Lai Vung cho Tết, trái đều, màu đỏ cam."),
    ("demo-l-quyt-hong-htx", "demo-htx-quyt-hong-lai-vung", "quýt", "hồng Lai Vung", 20, "tấn", 30000, 15, 75,
     ("QĐ-9006/UBND-OCOP",), (), "", "Quýt hồng OCOP 3 sao, đóng thùng 10 kg."),
    ("demo-l-hoa-cuc", "demo-hq-hoa-kieng-tan-quy-dong", "cúc mâm xôi", "", 3000, "chậu", 120000, 20, 60,
     (), (), "", "Cúc mâm xôi chậu lớn cho Tết, giao tận nơi trong tỉnh."),
    ("demo-l-tra-sen", "demo-hq-sen-thap-muoi", "trà tim sen", "", 500, "hộp", 85000, -30, 180,
     ("QĐ-9003/UBND-OCOP",), (), "", "Trà tim sen Tháp Mười, hộp 100 g, sản phẩm OCOP 4 sao."),
    # A product the catalogue does not know yet: kept as typed, on the staff queue (/staff/catalogue).
    ("demo-l-mut-sen", "demo-hq-sen-thap-muoi", "Mứt sen non", "", 120, "hũ", 65000, 0, 90, (), (), "",
     "Mứt hạt sen non sên đường phèn, hũ 500 g, làm mới năm nay."),
    ("demo-l-hat-sen", "demo-hq-sen-thap-muoi", "hạt sen tươi", "", 800, "kg", 90000, -2, 20, (), (), "",
     "Hạt sen tươi bóc sẵn, giao mỗi sáng."),
    ("demo-l-nhan-ido", "demo-hq-nhan-phu-huu", "nhãn", "Ido", 6, "tấn", 22000, 7, 45, (), (), "",
     "Nhãn Ido cơm dày, hạt nhỏ."),
    ("demo-l-sau-rieng", "demo-hq-sau-rieng-ngu-hiep", "sầu riêng", "Ri6", 10, "tấn", None, 30, 90, (), (), "",
     "Sầu riêng Ri6 vụ nghịch, giá thỏa thuận theo lô."),
    ("demo-l-lua", "demo-htx-tram-chim", "lúa", "OM 18", 300, "tấn", 7200, 14, 45, (), (), "",
     "Lúa OM 18 canh tác giảm phát thải, thu hoạch vụ Đông Xuân."),
    ("demo-l-ca-tra", "demo-hq-ca-tra-thuong-phuoc", "cá tra", "thương phẩm", 50, "tấn", 29000, 0, 30, (), (), "",
     "Cá tra thương phẩm 0,8–1 kg/con."),
    ("demo-l-khom", "demo-hq-khom-tan-phuoc", "khóm", "Queen", 12, "tấn", 9000, -10, 60,
     ("TCVN11041-9005",), (), "", "Khóm Queen hữu cơ Tân Phước, trái 1–1,2 kg."),
    ("demo-l-dua-xiem", "demo-thtx-dua-tan-phu-dong", "dừa", "xiêm xanh", 20000, "trái", 6000, 0, 60, (), (), "",
     "Dừa xiêm xanh, nước ngọt, giao theo xe."),
    ("demo-l-du-lich", "demo-hq-xoai-my-xuong", "du lịch vườn", "hái xoài", 40, "lượt", 80000, 0, 120, (), (), "",
     "Tham quan vườn xoài, tự tay hái xoài, ăn trưa cùng nhà vườn."),
)


# (ref, buyer ref, product, variety, quantity, unit, frequency, days from today: start, end,
#  price min, price max, certificates, min OCOP stars, export market, commune, notes)
DEMAND: tuple[tuple, ...] = (
    # The supermarkets' xoài cát Chu requests are the market bulletin's story: market/bulletin_demo.py.
    ("demo-d-sau-rieng-xk", "demo-xuat-khau-sa-dec", "sầu riêng", "Ri6", 20, "tấn", "monthly", 30, 150, None, None,
     "", None, "CN", "29905", "Xuất khẩu Trung Quốc: cần mã số vùng trồng và cơ sở đóng gói được phê duyệt."),
    ("demo-d-quyt-tet", "demo-vua-cao-lanh", "quýt", "hồng Lai Vung", 8, "tấn", "seasonal", 20, 70, 25000, 32000,
     "", None, "", "29869", "Quýt hồng cho Tết, trái đều màu, thu tại vườn."),
    # A cooperative buys too (issue #19): its member clubs' mangoes, to pack for export to the US.
    ("demo-d-htx-xoai-xuat-khau", "demo-htx-xoai-my-xuong", "xoài", "cát Chu", 10, "tấn", "once", 10, 60, 30000,
     36000, "vietgap", None, "US", "", "Để đóng gói xuất khẩu đi Mỹ: cần mã số vùng trồng, trái 400–600 g, "
     "giao nhà sơ chế của HTX."),
    ("demo-d-xoai-my", "demo-xuat-khau-sa-dec", "xoài", "cát Chu", 20, "tấn", "monthly", 5, 120, None, None,
     "", None, "US", "29905", "20 tấn xoài cát Chu có mã số vùng trồng đi Mỹ: cần mã vùng trồng và cơ sở đóng "
     "gói được phê duyệt cho thị trường Mỹ."),
    ("demo-d-tra-sen", "demo-che-bien-go-cong", "trà tim sen", "", 1000, "hộp", "monthly", 0, 120, 60000, 80000,
     "", 3, "", "28306", "Trà sen OCOP từ 3 sao cho kênh quà tặng."),
)


def demo_email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def load_demo(db: Session, password: str, today: date | None = None) -> dict[str, int]:
    """Create or update the demo organisations and users; return how many of each were new."""
    created = {"organizations": 0, "users": 0}
    orgs: dict[str, Organization] = {
        o.ref: o for o in db.scalars(select(Organization).where(Organization.ref.like("demo-%")))
    }
    for spec in ORGS:
        org = orgs.get(spec.ref)
        if org is None:
            org = accounts.create_organization(db, kind=spec.kind, name=spec.name, ref=spec.ref,
                                               commune_code=spec.commune_code)
            orgs[spec.ref] = org
            created["organizations"] += 1
        org.kind, org.name, org.commune_code = spec.kind, spec.name, spec.commune_code
        org.description, org.members_count, org.founded_on = spec.description, spec.members, spec.founded_on
        org.tourism, org.address, org.phone, org.zalo = spec.tourism, spec.address, spec.phone, spec.phone
        org.is_demo = True
        org.email = f"{spec.ref}@{DEMO_DOMAIN}"
    db.flush()
    for spec in ORGS:
        if spec.founded_from:
            orgs[spec.ref].founded_from = orgs[spec.founded_from]
    password_hash = hash_password(password)
    for spec in USERS:
        email = demo_email(spec.login)
        user = db.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=spec.name, password_hash=password_hash, phone=spec.phone)
            db.add(user)
            created["users"] += 1
        user.name = spec.name
        db.flush()
        if spec.org_ref:
            accounts.add_member(db, orgs[spec.org_ref], user, spec.role, spec.title,
                               board=spec.role in ("seller", "buyer"))
    db.flush()
    created.update(_load_supply(db, orgs, today or today_in_vietnam()))
    created.update(_load_club_offers(db, orgs, today or today_in_vietnam()))
    created.update(bulletin_demo.load(db, orgs, today or today_in_vietnam()))
    _load_conversation(db)
    # Before the orders: the Mỹ Xương chair hears of them on Zalo (when the site has it).
    created.update(notice_demo.load(db, db.scalar(select(User).where(User.email == demo_email("chunhiem.myxuong")))))
    created.update(_load_orders(db, orgs, today or today_in_vietnam()))
    staff = db.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
    created.update(fair_demo.load(db, orgs, staff, today or today_in_vietnam()))
    created.update(_load_catalogs(db))
    director = db.scalar(select(User).where(User.email == demo_email("giamdoc.htxmyxuong")))
    created.update(lot_demo.load(db, orgs, director, today or today_in_vietnam()))
    visitor = db.scalar(select(User).where(User.email == demo_email(tourism_demo.VISITOR_EMAIL_LOGIN)))
    created.update(tourism_demo.load(db, orgs, visitor, today or today_in_vietnam()))
    created.update(cooperative_demo.load(db, orgs, staff, today or today_in_vietnam()))
    chair = db.scalar(select(User).where(User.email == demo_email("chunhiem.myxuong")))
    created.update(member_demo.load(db, orgs, chair, today or today_in_vietnam()))
    created.update(verification_demo.load(db, orgs, staff, today or today_in_vietnam()))
    created.update(cooperative_demo.load_members(db, orgs, today or today_in_vietnam()))
    created.update(chain_demo.load(db, orgs, db.scalar(select(User).where(User.email == demo_email("muahang.sieuthi"))),
                                   db.scalar(select(User).where(User.email == demo_email("giamdoc.htxmyxuong"))),
                                   today or today_in_vietnam()))
    created.update(activity_demo.load(db, orgs, staff, today or today_in_vietnam()))
    created.update(report_demo.load(db, orgs, staff, today or today_in_vietnam()))
    created.update(price_demo.load(db, staff, today or today_in_vietnam()))
    return created


def _load_conversation(db: Session) -> None:
    """The supermarket's buyer has asked the Mỹ Xương club about its cát Chu, and the chair answered:
    so the inbox is not empty when someone tries the demo. Only once."""
    listing = db.scalar(select(Listing).where(Listing.ref == "demo-l-xoai-cat-chu-2"))
    buyer = db.scalar(select(User).where(User.email == demo_email("muahang.sieuthi")))
    chair = db.scalar(select(User).where(User.email == demo_email("chunhiem.myxuong")))
    if listing is None or buyer is None or chair is None:
        return
    topic = conversations.resolve_topic(db, buyer, listing_id=listing.id)
    if conversations.find_conversation(db, topic) is not None:
        return
    conversation = conversations.start_conversation(
        db, buyer, topic, "Chào anh Tư, siêu thị cần 1 tấn xoài cát Chu loại 1 mỗi tuần, giao tại Mỹ Tho. "
        "Hội quán giao được từ tuần sau không? Giá 32.000 đ/kg đã gồm vận chuyển chưa?")
    conversations.post_message(db, chair, conversation, "Chào chị Lan, hội quán giao được từ thứ Hai tuần sau. "
                               "Giá 32.000 đ/kg chưa gồm vận chuyển; giao tại Mỹ Tho thêm 1.000 đ/kg.")


def _load_supply(db: Session, orgs: dict[str, Organization], today: date) -> dict[str, int]:
    """Credentials and listings; listing windows are relative to today so the demo stays current."""
    staff = db.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
    numbers: dict[str, int] = {}
    for ref, cert_type, number, product, stars, issued, expires, status in CERTIFICATES:
        certificate = credentials.save_certificate(db, orgs[ref], credentials.CertificateInput(
            type=cert_type, number=number, product_text=product, stars=stars, issued_on=issued,
            expires_on=expires, status=status, issuer="Demo"), staff)
        numbers[number] = certificate.id
    codes: dict[str, int] = {}
    for ref, code, kind, crop, area, markets, issued, until, status in PLANTING_CODES:
        record = credentials.save_planting_code(db, orgs[ref], credentials.PlantingCodeInput(
            code=code, kind=kind, crop=crop, area_ha=area, markets=markets, issued_on=issued,
            valid_until=until, status=status), staff)
        codes[code] = record.id
    new_listings = 0
    for (ref, org_ref, product, variety, quantity, unit, price, start, end, certs, plant_codes,
         producer, description) in LISTINGS:
        existing = listings.listing_by_ref(db, ref)
        if existing is not None:
            continue  # a chair may have changed it since: leave it alone
        listings.save_listing(db, orgs[org_ref], listings.ListingInput(
            ref=ref, product=product, variety=variety, quantity=quantity, unit=unit, price_vnd=price,
            price_negotiable=price is None, available_from=today + timedelta(days=start),
            available_to=today + timedelta(days=end), producer_name=producer, description=description,
            certificate_ids=[numbers[n] for n in certs], planting_code_ids=[codes[c] for c in plant_codes],
        ), None, today=today, publish=True)
        new_listings += 1
    new_demand = 0
    for (ref, org_ref, product, variety, quantity, unit, frequency, start, end, price_min, price_max, certs,
         stars, market, commune, notes) in DEMAND:
        if demand_service.demand_by_ref(db, ref) is not None:
            continue
        demand_service.save_demand(db, orgs[org_ref], demand_service.DemandInput(
            ref=ref, product=product, variety=variety, quantity=quantity, unit=unit, frequency=frequency,
            needed_from=today + timedelta(days=start), needed_to=today + timedelta(days=end),
            price_min_vnd=price_min, price_max_vnd=price_max, required_certificates=certs, min_ocop_stars=stars,
            needs_planting_code=bool(market), export_market=market, commune_code=commune, quality_notes=notes,
        ), None, today=today)
        new_demand += 1
    return {"listings": new_listings, "demand": new_demand}


# Member clubs answering the cooperative's export request: (club ref, listing ref, quantity in
# tấn, price per kg, delivery in days from today, note).
CLUB_OFFERS: tuple[tuple[str, str, str, int, int, str], ...] = (
    ("demo-hq-xoai-my-xuong", "demo-l-xoai-cat-chu-2", "2,5", 32000, 14,
     "Xoài cát Chu bao trái, vùng trồng có mã số; giao tận nhà sơ chế."),
    ("demo-hq-tan-thuan-tay", "demo-l-xoai-cat-chu-3", "4", 33000, 21, "Thu hoạch đợt hai, trái loại 1."),
)


def _load_club_offers(db: Session, orgs: dict[str, Organization], today: date) -> dict[str, int]:
    """Clubs offer on the cooperative's request (a club selling to a cooperative, issue #19): once
    per club, whatever became of an earlier offer (a chair may have withdrawn it)."""
    request = demand_service.demand_by_ref(db, "demo-d-htx-xoai-xuat-khau")
    made = 0
    for org_ref, listing_ref, quantity, price, days, note in CLUB_OFFERS:
        club = orgs[org_ref]
        if request is None or any(o.organization_id == club.id for o in request.offers):
            continue
        listing = listings.listing_by_ref(db, listing_ref)
        demand_service.make_offer(db, request, club, demand_service.OfferInput(
            quantity=quantity, price_vnd=price, delivery_date=today + timedelta(days=days),
            listing_id=listing.id if listing is not None and listing.organization_id == club.id else None,
            note=note), None, today=today)
        made += 1
    return {"offers": made}


# (buyer login, listing ref, quantity, what happened after: "", "confirm" or "pay", note: the key)
ORDERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("muahang.sieuthi", "demo-l-quyt-hong", "2", "", "Đơn demo: quýt hồng giao kho Mỹ Tho trước Tết."),
    ("muahang.sieuthi", "demo-l-hat-sen", "100", "confirm", "Đơn demo: hạt sen tươi, giao sáng thứ Hai."),
    ("vua.caolanh", "demo-l-khom", "1", "pay", "Đơn demo: khóm Queen lấy tại vườn."),
)


def _load_orders(db: Session, orgs: dict[str, Organization], today: date) -> dict[str, int]:
    """A bank account for every demo club and cooperative, and a few orders in different states
    (keyed by their note, so loading again adds nothing)."""
    for n, spec in enumerate(ORGS, start=1):
        if (spec.kind in ("club", "cooperative", "coop_group")
                and bank_accounts.bank_account_of(db, orgs[spec.ref].id) is None):
            bank_accounts.save_bank_account(db, orgs[spec.ref], bank_bin="970405", account_number=f"9900000{n:05d}",
                                            account_holder=ascii_upper(spec.name))
    new_orders = 0
    for login, listing_ref, quantity, then, note in ORDERS:
        if db.scalar(select(Order.id).where(Order.note == note)) is not None:
            continue
        buyer = db.scalar(select(User).where(User.email == demo_email(login)))
        listing = listings.listing_by_ref(db, listing_ref)
        if buyer is None or listing is None or buyer.organization is None:
            continue
        try:
            order = orders.place_order(db, listing.id, buyer.organization, buyer, quantity, today=today, note=note)
        except DomainError:
            continue  # a chair changed the listing since (paused, sold out): no demo order then
        seller = next((m.user for m in listing.organization.memberships if m.role == "seller"), None)
        if then in ("confirm", "pay") and seller is not None:
            orders.change(db, order, "confirm", actor="seller", user=seller, today=today)
        if then == "pay" and seller is not None:
            recording.record_payment(db, order.id, order.amount_vnd, provider="manual", reference=f"demo:{order.id}",
                                     by_user_id=seller.id)
        new_orders += 1
    return {"orders": new_orders}


# (slug, title, title_en, cover text, the fair's name or None, ((section, section_en, listing refs), …))
CATALOGS = (
    ("san-pham-ocop-dong-thap", "Sản phẩm OCOP Đồng Tháp", "OCOP products of Đồng Tháp",
     "Sản phẩm OCOP và đặc sản của các hội quán, hợp tác xã Đồng Tháp.", None,
     (("Sen Tháp Mười", "Tháp Mười lotus", ("demo-l-tra-sen", "demo-l-mut-sen", "demo-l-hat-sen")),
      ("Trái cây", "Fruit", ("demo-l-quyt-hong-htx", "demo-l-xoai-hoa-loc", "demo-l-xoai-cat-chu")),
      ("Nông sản khác", "Other produce", ("demo-l-khom", "demo-l-dua-xiem")))),
    ("catalo-hoi-cho-trai-cay-dong-thap-2027", "Catalô Hội chợ Trái cây Đồng Tháp 2027",
     "Đồng Tháp Fruit Fair 2027 catalog", "Các gian hàng trái cây, sen và đặc sản tại hội chợ.",
     "Hội chợ Trái cây Đồng Tháp 2027",
     (("Xoài", "Mango", ("demo-l-xoai-cat-chu", "demo-l-xoai-cat-chu-2", "demo-l-xoai-cat-chu-3",
                         "demo-l-xoai-hoa-loc")),
      ("Quýt và nhãn", "Mandarin and longan", ("demo-l-quyt-hong", "demo-l-quyt-hong-htx", "demo-l-nhan-ido")),
      ("Sầu riêng và dừa", "Durian and coconut", ("demo-l-sau-rieng", "demo-l-dua-xiem")),
      ("Sen", "Lotus", ("demo-l-tra-sen", "demo-l-hat-sen")))),
)


def _load_catalogs(db: Session) -> dict[str, int]:
    """A standing catalog of OCOP products, and the demo fair's catalog once the fair exists;
    both published. Keyed by slug: loading again adds nothing, and a catalog staff changed stays."""
    staff = db.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
    new = 0
    for slug, title, title_en, cover, fair_name, sections in CATALOGS:
        fair = db.scalar(select(Fair).where(Fair.name == fair_name)) if fair_name else None
        if db.scalar(select(Catalog.id).where(Catalog.slug == slug)) is not None or (fair_name and fair is None):
            continue
        catalog = catalogs.create_catalog(db, catalogs.CatalogInput(
            title=title, title_en=title_en, cover_text=cover, fair_id=fair.id if fair else None), staff)
        catalog.slug = slug
        for section_title, section_en, refs in sections:
            section = catalogs.add_section(db, catalog, section_title, section_en)
            for ref in refs:
                listing = listings.listing_by_ref(db, ref)
                if listing is not None:
                    catalogs.add_entry(db, catalog, section_id=section.id, org_id=listing.organization_id,
                                       listing_id=listing.id)
        catalogs.publish(db, catalog)
        new += 1
    return {"catalogs": new}
