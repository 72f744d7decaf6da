"""Booking notices (bell and mail, as fairs and orders send theirs): a new request to the club's
members; the club's answer to the visitor; the visitor taking a proposed day or cancelling to the
club. The words are made when read, in the reader's language, from the params stored."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts.models import User
from marketplace.notifications import services as notifications
from marketplace.tourism.models import TourismBooking, TourismOffer

PREFIX = "tour_"
CLUB_ROLES = ("seller", "buyer")


def _params(booking: TourismBooking, offer: TourismOffer) -> dict:
    return {"booking_id": booking.id, "offer": offer.title, "org": booking.organization.name,
            "visitor": booking.contact_name, "day": booking.visit_on.isoformat(),
            "proposed": booking.proposed_on.isoformat() if booking.proposed_on else "",
            "size": booking.group_size}


def _url(booking: TourismBooking) -> str:
    return f"/tourism/bookings/{booking.id}"


def requested(db: Session, booking: TourismBooking, offer: TourismOffer) -> None:
    members = notifications.members(db, booking.organization_id, CLUB_ROLES)
    notifications.notify(db, members, notifications.Message("tour_requested", _params(booking, offer), _url(booking)))


def answered(db: Session, booking: TourismBooking, status: str) -> None:
    visitor = db.get(User, booking.visitor_id)
    notifications.notify(db, [visitor] if visitor and visitor.active else [],
                         notifications.Message(f"tour_{status}", _params(booking, booking.offer), _url(booking)))


def visitor_moved(db: Session, booking: TourismBooking, status: str) -> None:
    members = notifications.members(db, booking.organization_id, CLUB_ROLES)
    kind = "tour_taken" if status == "accepted" else "tour_cancelled"
    notifications.notify(db, members, notifications.Message(kind, _params(booking, booking.offer), _url(booking)))


def _day(text: str) -> str:
    try:
        return formatting.day(date.fromisoformat(text)) if text else ""
    except ValueError:
        return text


def describe_notice(kind: str, params: dict) -> str | None:
    p = {name: str(params.get(name) or "") for name in ("offer", "org", "visitor")}
    p["day"], p["proposed"], p["size"] = _day(params.get("day") or ""), _day(params.get("proposed") or ""), \
        str(params.get("size") or "")
    if kind == "tour_requested":
        return _("%(visitor)s asks to come to “%(offer)s” on %(day)s with %(size)s people.", **p)
    if kind == "tour_accepted":
        return _("%(org)s accepted your visit “%(offer)s” on %(day)s.", **p)
    if kind == "tour_proposed":
        return _("%(org)s proposes another day for “%(offer)s”: %(proposed)s.", **p)
    if kind == "tour_declined":
        return _("%(org)s cannot welcome you for “%(offer)s”.", **p)
    if kind == "tour_taken":
        return _("%(visitor)s will come to “%(offer)s” on %(day)s.", **p)
    if kind == "tour_cancelled":
        return _("%(visitor)s cancelled the visit “%(offer)s” on %(day)s.", **p)
    return None
