"""Builders for the tourism tests: a club with a published visit, a visitor, next Sunday."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.tourism import offers
from marketplace.tourism.models import TourismOffer
from tests.factories import make_org, make_user


def next_sunday(after: date | None = None) -> date:
    today = after or today_in_vietnam()
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


def make_visit(club=None, chair=None, *, months: str = "", title: str = "Tham vườn xoài và hái trái cây",
               min_group: str = "2", max_group: str = "30", price: str = "150.000",
               kind: str = "orchard_visit") -> TourismOffer:
    """A committed, published visit of `club` (a new club and chair when not given)."""
    if club is None:
        club = make_org("club", name="Hội quán Xoài Mỹ Xương thử")
        chair = make_user("seller", club, name="Chủ nhiệm Hai")
    offer = offers.save_offer(db.session, club, offers.OfferInput(
        kind=kind, title=title, description="Đi dạo vườn xoài cát Hòa Lộc, hái xoài tại vườn.",
        months=months, min_group=min_group, max_group=max_group, price_per_person_vnd=price,
        included="Nón lá, nước dừa, 1 kg xoài mang về", directions="Từ chợ Cao Lãnh đi 5 km theo QL30."), chair)
    offers.change_status(db.session, offer, "publish")
    db.session.commit()
    return offer


def make_visitor(name: str = "Gia đình chị Thu"):
    """A family: registration lets a private person sign up without an organisation."""
    return make_user(None, name=name, phone="0987654321")


def all_months_but(month: int) -> str:
    return ", ".join(str(m) for m in range(1, 13) if m != month)
