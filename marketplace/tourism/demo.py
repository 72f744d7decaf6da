"""Demo visits: an orchard visit with mango picking at the Mỹ Xương club (Cao Lãnh) and a boat trip
in the flood season at the lotus club of Tháp Mười; the supermarket's buyer has booked the orchard
visit for her family next Sunday and the chair accepted it. Loaded by marketplace/demo.py, through
the services, once: a second load finds the visits by title and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.forms import as_typed_date
from marketplace.tourism import bookings, offers
from marketplace.tourism.models import TourismOffer

VISITS = (
    ("demo-hq-xoai-my-xuong", offers.OfferInput(
        kind="picking", title="Tham vườn xoài cát Chu và hái xoài tại vườn",
        title_en="Cát Chu mango orchard visit with picking",
        description="Đi dạo vườn xoài trăm tuổi của hội quán, nghe nhà vườn kể cách bao trái, tự tay hái xoài.",
        description_en="Walk the club's old mango orchards, hear how growers bag the fruit, pick your own mangoes.",
        months="quanh năm", min_group="2", max_group="30", price_per_person_vnd="150.000",
        included="Nón lá, nước dừa tươi, 1 kg xoài mang về",
        directions="Từ trung tâm Cao Lãnh theo đường Nguyễn Văn Cừ khoảng 7 km đến xã Mỹ Xương; hỏi nhà văn hóa ấp.")),
    ("demo-hq-sen-thap-muoi", offers.OfferInput(
        kind="boat_trip", title="Đi xuồng ngắm sen mùa nước nổi", title_en="Boat trip through the lotus fields",
        description="Xuồng ba lá đưa khách qua đồng sen, hái bông súng, ăn cá linh mùa nước nổi.",
        months="tháng 8 đến tháng 11", min_group="2", max_group="12", price_per_person_vnd="120.000",
        included="Áo phao, trà sen, bữa trưa cá linh", directions="Bến xuồng cạnh chợ Tháp Mười.")),
)
VISITOR_EMAIL_LOGIN = "muahang.sieuthi"


def next_sunday(today: date) -> date:
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


def load(db: Session, orgs: dict[str, Organization], visitor: User | None, today: date) -> dict[str, int]:
    made = 0
    for ref, data in VISITS:
        org = orgs.get(ref)
        chair = next((m.user for m in org.memberships if m.role == "seller"), None) if org else None
        if chair is None or db.scalar(select(TourismOffer.id).where(TourismOffer.organization_id == org.id,
                                                                    TourismOffer.title == data.title)):
            continue
        offer = offers.save_offer(db, org, data, chair)
        offers.change_status(db, offer, "publish")
        made += 1
        if ref == VISITS[0][0] and visitor is not None:
            booking = bookings.request_visit(db, offer, visitor, bookings.BookingInput(
                visit_on=as_typed_date(next_sunday(today)), group_size="5", contact_name=visitor.name,
                contact_phone=visitor.phone or "0909000201", note="Gia đình có hai bé, xin cho đi buổi sáng."), today)
            bookings.answer(db, booking, chair, "accept", reply="Hẹn anh chị 8 giờ sáng ở nhà văn hóa ấp.",
                            today=today)
    return {"tourism_offers": made}
