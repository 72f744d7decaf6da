"""The demo fair: "Hội chợ Trái cây Đồng Tháp 2027", published, with 20 standard booths with a fee
and a few free ones for clubs, and applications from demo clubs in different states. Loaded by
marketplace/demo.py (`marketplace demo`), once: a second load finds the fair by name and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.db import utcnow
from marketplace.fairs import applications as booths
from marketplace.fairs import editing
from marketplace.fairs.models import Fair
from marketplace.forms import as_typed_date
from marketplace.orders.payments import bank_accounts

NAME = "Hội chợ Trái cây Đồng Tháp 2027"
ORGANISER_REF = "demo-xuc-tien-thuong-mai"
# (club ref, booth kind: 0 standard / 1 free, what staff did: "" applied, waitlist, approve, paid)
APPLICATIONS = (
    ("demo-hq-xoai-my-xuong", 0, "paid"),
    ("demo-htx-xoai-my-xuong", 0, "approve"),
    ("demo-hq-sen-thap-muoi", 1, "approve"),
    ("demo-hq-quyt-hong-long-hau", 0, ""),
    ("demo-hq-khom-tan-phuoc", 0, "waitlist"),
)


def starts_on(today: date) -> date:
    """Mid-June 2027, or two months ahead once that is near or past (the demo stays a coming fair)."""
    planned = date(2027, 6, 10)
    return planned if planned >= today + timedelta(days=30) else today + timedelta(days=60)


def load(db: Session, orgs: dict[str, Organization], staff: User | None, today: date) -> dict[str, int]:
    if db.scalar(select(Fair.id).where(Fair.name == NAME)) is not None:
        return {"fairs": 0}
    organiser = orgs.get(ORGANISER_REF)
    if organiser is not None and bank_accounts.bank_account_of(db, organiser.id) is None:
        bank_accounts.save_bank_account(db, organiser, bank_bin="970405", account_number="9900000099999",
                                        account_holder="TRUNG TAM XUC TIEN THUONG MAI DONG THAP")
    first = starts_on(today)
    fair = editing.save_fair(db, editing.FairInput(
        name=NAME, name_en="Dong Thap Fruit Fair 2027", kind="fair", starts_on=as_typed_date(first),
        ends_on=as_typed_date(first + timedelta(days=3)), apply_by=as_typed_date(first - timedelta(days=14)),
        venue="Quảng trường Nguyễn Sinh Sắc", commune_code=organiser.commune_code if organiser else None,
        organiser_name="Trung tâm Xúc tiến Thương mại Đồng Tháp", organiser_org_id=organiser.id if organiser else None,
        description="Bốn ngày trái cây, sen và sản phẩm OCOP của Đồng Tháp: gian hàng của hội quán, hợp tác xã và "
                    "doanh nghiệp, kết nối cung cầu với siêu thị và nhà xuất khẩu.",
        description_en="Four days of Dong Thap fruit, lotus and OCOP products: booths of clubs, cooperatives and "
                       "businesses, and supply–demand meetings with supermarkets and exporters.",
        booths=[editing.BoothKindRow(name="Gian tiêu chuẩn 3×3 m", name_en="Standard booth 3×3 m", count="20",
                                     fee_vnd="1500000", number_prefix="A-"),
                editing.BoothKindRow(name="Gian miễn phí cho hội quán", name_en="Free booth for clubs", count="4",
                                     fee_vnd="0", number_prefix="F-")]), staff)
    editing.publish(db, fair)
    for ref, kind_index, then in APPLICATIONS:
        org = orgs.get(ref)
        chair = next((m.user for m in org.memberships if m.role == "seller"), None) if org else None
        if org is None or chair is None:
            continue
        application = booths.apply(db, fair, org, chair, booths.ApplicationInput(
            booth_kind_id=fair.booth_kinds[kind_index].id, products_text="Sản phẩm của hội quán (demo)",
            contact_name=chair.name, contact_phone=chair.phone or org.phone or "0277 3851 234"), today)
        if staff is None or not then:
            continue
        booths.decide(db, application, "waitlist" if then == "waitlist" else "approve", staff)
        if then == "paid":
            booths.record_transfer(db, application, f"demo:{application.id}", staff, utcnow())
    return {"fairs": 1}
