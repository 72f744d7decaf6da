"""The demo data set: a believable Đồng Tháp for a newcomer's first look (`marketplace demo`).

Clubs and cooperatives sit at their real post-2025 communes; every buyer is a clearly named
demo company; every organisation is flagged is_demo and every login uses the demo domain, so
nothing here can be mistaken for a real business. Idempotent: keyed by ref and e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.accounts.passwords import hash_password

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
    verified: bool = False


@dataclass(frozen=True)
class DemoUser:
    login: str  # the part before @demo.chohoiquan.vn
    name: str
    org_ref: str | None
    role: str
    title: str = ""
    phone: str | None = None
    extra_orgs: tuple[str, ...] = field(default=())


ORGS: tuple[DemoOrg, ...] = (
    DemoOrg("demo-hq-xoai-my-xuong", "club", "Hội quán Xoài Mỹ Xương", "30076",
            "Hội quán của các nhà vườn trồng xoài cát Chu ven sông Tiền. Thành viên chia sẻ kỹ thuật "
            "bao trái, xử lý ra hoa nghịch vụ và thông tin giá mỗi tối thứ Bảy.",
            members=48, founded_on=date(2017, 3, 12), tourism=True,
            address="Ấp 3, xã Mỹ Xương cũ", phone="0900000101"),
    DemoOrg("demo-htx-xoai-my-xuong", "cooperative", "HTX Xoài Mỹ Xương", "30076",
            "Hợp tác xã thành lập từ Hội quán Xoài Mỹ Xương, có nhà sơ chế và vùng trồng đạt VietGAP.",
            members=62, founded_on=date(2019, 8, 1), founded_from="demo-hq-xoai-my-xuong",
            phone="0900000102", verified=True),
    DemoOrg("demo-hq-tan-thuan-tay", "club", "Hội quán Tân Thuận Tây", "29869",
            "Nhà vườn xoài cát Hòa Lộc và xoài Đài Loan ở cù lao Tân Thuận Tây.",
            members=35, founded_on=date(2018, 5, 20), phone="0900000103"),
    DemoOrg("demo-hq-quyt-hong-long-hau", "club", "Hội quán Quýt hồng Long Hậu", "30235",
            "Quýt hồng Lai Vung chín rộ dịp Tết; hội quán nhận đặt hàng theo vườn và đón khách "
            "tham quan vườn quýt.",
            members=31, founded_on=date(2018, 10, 2), tourism=True, phone="0900000104"),
    DemoOrg("demo-htx-quyt-hong-lai-vung", "cooperative", "HTX Quýt hồng Lai Vung", "30226",
            "Hợp tác xã liên kết tiêu thụ quýt hồng với siêu thị và thương lái.",
            members=40, founded_on=date(2020, 1, 15), founded_from="demo-hq-quyt-hong-long-hau",
            phone="0900000105"),
    DemoOrg("demo-hq-hoa-kieng-tan-quy-dong", "club", "Hội quán Hoa kiểng Tân Quy Đông", "29905",
            "Làng hoa Sa Đéc: cúc mâm xôi, hồng Sa Đéc, vạn thọ. Nhận đơn hoa Tết và đón khách "
            "tham quan làng hoa.",
            members=55, founded_on=date(2017, 7, 7), tourism=True, phone="0900000106"),
    DemoOrg("demo-hq-sen-thap-muoi", "club", "Hội quán Sen Tháp Mười", "30037",
            "Trồng sen lấy hạt, ngó và hoa; làm trà sen và bột sen. Có mô hình du lịch đồng sen.",
            members=27, founded_on=date(2019, 4, 30), tourism=True, phone="0900000107"),
    DemoOrg("demo-hq-nhan-phu-huu", "club", "Hội quán Nhãn Phú Hựu", "30244",
            "Nhãn Ido và nhãn xuồng cơm vàng, thu hoạch rải vụ quanh năm.",
            members=22, founded_on=date(2019, 9, 9), phone="0900000108"),
    DemoOrg("demo-hq-sau-rieng-ngu-hiep", "club", "Hội quán Sầu riêng Ngũ Hiệp", "28516",
            "Sầu riêng Ri6 và Monthong trên đất cù lao Ngũ Hiệp; đang làm hồ sơ mã số vùng trồng.",
            members=44, founded_on=date(2020, 6, 1), phone="0900000109"),
    DemoOrg("demo-htx-tram-chim", "cooperative", "HTX Nông nghiệp Tràm Chim", "30001",
            "Lúa chất lượng cao vùng Đồng Tháp Mười, canh tác giảm phát thải.",
            members=120, founded_on=date(2016, 2, 2), phone="0900000110"),
    DemoOrg("demo-hq-ca-tra-thuong-phuoc", "club", "Hội quán Cá tra Thường Phước", "29971",
            "Ương cá tra giống và nuôi cá thương phẩm đầu nguồn sông Tiền.",
            members=19, founded_on=date(2021, 3, 3), phone="0900000111"),
    DemoOrg("demo-hq-khom-tan-phuoc", "club", "Hội quán Khóm Tân Phước", "28321",
            "Khóm (thơm, dứa) Queen trên đất phèn Tân Phước, thu hoạch quanh năm.",
            members=38, founded_on=date(2020, 11, 11), phone="0900000112"),
    DemoOrg("demo-thtx-dua-tan-phu-dong", "coop_group", "Tổ hợp tác Dừa Tân Phú Đông", "28696",
            "Dừa xiêm xanh cung cấp cho chợ đầu mối và cơ sở chế biến.",
            members=15, founded_on=date(2022, 5, 5), phone="0900000113"),
    DemoOrg("demo-sieu-thi-my-tho", "supermarket", "Siêu thị Demo Mỹ Tho (tài khoản thử)", "28261",
            "Công ty demo, không có thật: dùng để thử cách siêu thị đăng nhu cầu và đặt hàng.",
            phone="0900000201", verified=True),
    DemoOrg("demo-xuat-khau-sa-dec", "exporter", "Công ty Demo Xuất khẩu Trái cây Sa Đéc", "29905",
            "Công ty demo, không có thật: xuất khẩu xoài và sầu riêng, cần mã số vùng trồng.",
            phone="0900000202"),
    DemoOrg("demo-vua-cao-lanh", "trader", "Vựa trái cây Demo Cao Lãnh", "29869",
            "Thương lái demo, không có thật: thu mua xoài, nhãn, quýt tại vườn.",
            phone="0900000203"),
    DemoOrg("demo-che-bien-go-cong", "business", "Công ty Demo Chế biến Nông sản Gò Công", "28306",
            "Doanh nghiệp demo, không có thật: chế biến xoài sấy, nước dừa, trà sen.",
            phone="0900000204"),
    DemoOrg("demo-xuc-tien-thuong-mai", "agency", "Trung tâm Xúc tiến Thương mại (tài khoản demo)",
            "29869", "Tài khoản demo của cán bộ xúc tiến thương mại: xác minh mã số, chứng nhận.",
            phone="0900000301", verified=True),
)

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


def demo_email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def load_demo(db: Session, password: str) -> dict[str, int]:
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
        org.verified, org.is_demo = spec.verified, True
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
            accounts.add_member(db, orgs[spec.org_ref], user, spec.role, spec.title)
    db.flush()
    return created
