"""Booking requests for a visit: a signed-in visitor asks for a day and a group size; the club's
members accept, propose another day (with a message) or decline; the visitor takes a proposed day or
cancels. Who sees a booking mirrors who sees a conversation (messaging): the visitor, the club's
members, and staff (who look, as moderators read a thread; they never answer for the club).

Services take the session, flush, and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.accounts.rules import normalize_phone
from marketplace.dates import NotADate, parse_date
from marketplace.db import utcnow
from marketplace.errors import Conflict, ValidationError
from marketplace.formatting import day as format_day
from marketplace.messaging.conversations import is_blocked
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.problems import Problems, check_lengths
from marketplace.tourism import notices, rules
from marketplace.tourism.labels import FIELD_MESSAGES, REFUSALS
from marketplace.tourism.models import TourismBooking, TourismOffer
from marketplace.tourism.offers import months_label
from marketplace.vietnamese import clean, clean_message


@dataclass
class BookingInput:
    visit_on: str = ""
    group_size: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    note: str = ""


def is_member(user: User | None, org_id: int) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and any(m.organization_id == org_id for m in user.memberships))


def side_of(user: User | None, booking: TourismBooking) -> str | None:
    """"visitor", "club" or None (staff who are neither read as moderators; anyone else: 404)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if booking.visitor_id == user.id:
        return "visitor"
    if is_member(user, booking.organization_id):
        return "club"
    return None


def may_see(user: User | None, booking: TourismBooking) -> bool:
    return side_of(user, booking) is not None or bool(user is not None and getattr(user, "is_authenticated", False)
                                                      and user.is_staff)


def open_count(db: Session, visitor_id: int) -> int:
    return db.scalar(select(func.count(TourismBooking.id)).where(TourismBooking.visitor_id == visitor_id,
                                                                 TourismBooking.status.in_(rules.OPEN))) or 0


def _message(key: str, **params) -> str:
    return str(FIELD_MESSAGES[key]) % params if params else str(FIELD_MESSAGES[key])


def _day_message(key: str, offer: TourismOffer) -> str:
    if key == "out_of_season":
        return _message(key, months=months_label(offer.month_list))
    return _message(key)


def _group_message(key: str, offer: TourismOffer) -> str:
    return _message(key, min=offer.min_group or 0) if key == "below_min" else \
        _message(key, max=offer.max_group or 0) if key == "above_max" else _message(key)


def refusal(db: Session, offer: TourismOffer, user: User) -> str | None:
    """Why this person cannot ask for this visit now (their words), or None."""
    if offer.status != "published":
        return str(REFUSALS["not_bookable"])
    if is_member(user, offer.organization_id):
        return str(REFUSALS["own_club"])
    if any(is_blocked(db, m.organization_id, offer.organization_id) for m in user.memberships):
        return str(REFUSALS["blocked"])
    if rules.open_bookings_problem(open_count(db, user.id)):
        return str(REFUSALS["too_many_open"]) % {"count": rules.MAX_OPEN_BOOKINGS}
    return None


def request_visit(db: Session, offer: TourismOffer, user: User, data: BookingInput, today: date) -> TourismBooking:
    """The visitor's request; every problem at once, nothing stored while there is any."""
    why = refusal(db, offer, user)
    if why:
        raise Conflict(why)
    fields: dict[str, list[str]] = {}
    try:
        day = parse_date(data.visit_on)
    except NotADate:
        day, fields["visit_on"] = None, [_message("not_a_date")]
    if "visit_on" not in fields and (key := rules.visit_day_problem(day, offer.month_list, today)):
        fields["visit_on"] = [_day_message(key, offer)]
    size = None
    try:
        number = parse_decimal(data.group_size)
        size = int(number) if number is not None and number == int(number) else None
        if number is not None and size is None:
            fields["group_size"] = [_message("not_a_number")]
    except NotANumber:
        fields["group_size"] = [_message("not_a_number")]
    if "group_size" not in fields and (key := rules.group_problem(size, offer.min_group, offer.max_group)):
        fields["group_size"] = [_group_message(key, offer)]
    texts = {"contact_name": clean(data.contact_name), "contact_phone": clean(data.contact_phone),
             "note": clean_message(data.note)}
    problems = Problems()
    check_lengths(problems, texts, {name: rules.LIMITS[name] for name in texts})
    for name, keys in problems.fields.items():
        fields.setdefault(name, []).extend(_message(k) for k in keys)
    if not texts["contact_name"]:
        fields.setdefault("contact_name", []).append(_message("required"))
    phone = normalize_phone(texts["contact_phone"])
    if phone is None:
        fields.setdefault("contact_phone", []).append(_message("bad_phone" if texts["contact_phone"] else "required"))
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    booking = TourismBooking(offer_id=offer.id, organization_id=offer.organization_id, visitor_id=user.id,
                             visit_on=day, group_size=size, contact_name=texts["contact_name"],
                             contact_phone=phone, note=texts["note"], status="requested")
    db.add(booking)
    db.flush()
    notices.requested(db, booking, offer)
    return booking


def _move(db: Session, booking: TourismBooking, expected: str, new: str, **values) -> None:
    """expected → new, only when the booking is still as expected (two phones, one answer)."""
    done = db.execute(update(TourismBooking)
                      .where(TourismBooking.id == booking.id, TourismBooking.status == expected)
                      .values(status=new, updated_at=utcnow(), **values)
                      .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict(str(REFUSALS["changed"]))
    db.flush()
    db.refresh(booking)


def answer(db: Session, booking: TourismBooking, user: User, action: str, *, proposed_on: str = "",
           reply: str = "", today: date) -> None:
    """The club accepts, proposes another day (with words for the visitor) or declines."""
    expected = booking.status
    new = rules.next_status(expected, action, "club")
    if new is None:
        raise Conflict(str(REFUSALS["changed"]))
    text = clean_message(reply)
    if len(text) > rules.LIMITS["reply"]:
        raise ValidationError(_message("too_long"), fields={"reply": [_message("too_long")]})
    values: dict = {"reply": text, "decided_by_id": user.id, "decided_at": utcnow()}
    if action == "accept" and rules.visit_day_problem(booking.visit_on, [], today) == "past":
        raise Conflict(str(REFUSALS["day_passed"]))
    if action == "propose":
        fields: dict[str, list[str]] = {}
        try:
            day = parse_date(proposed_on)
        except NotADate:
            day, fields["proposed_on"] = None, [_message("not_a_date")]
        if "proposed_on" not in fields and (key := rules.visit_day_problem(day, booking.offer.month_list, today)):
            fields["proposed_on"] = [_day_message(key, booking.offer)]
        if day is not None and day == booking.visit_on and "proposed_on" not in fields:
            fields["proposed_on"] = [_message("same_day")]
        if not text:
            fields["reply"] = [_message("reply_required")]
        if fields:
            raise ValidationError(_("Some fields need attention."), fields=fields)
        values["proposed_on"] = day
    _move(db, booking, expected, new, **values)
    notices.answered(db, booking, new)


def take_proposed(db: Session, booking: TourismBooking, user: User, *, today: date) -> None:
    """The visitor takes the club's day (while it is still ahead): the visit is on that day."""
    if rules.next_status(booking.status, "take", "visitor") is None or booking.proposed_on is None:
        raise Conflict(str(REFUSALS["changed"]))
    if rules.visit_day_problem(booking.proposed_on, [], today) == "past":
        raise Conflict(str(REFUSALS["proposed_day_passed"]))
    _move(db, booking, "proposed", "accepted", visit_on=booking.proposed_on)
    notices.visitor_moved(db, booking, "accepted")


def cancel(db: Session, booking: TourismBooking, user: User) -> None:
    expected = booking.status
    if rules.next_status(expected, "cancel", "visitor") is None:
        raise Conflict(str(REFUSALS["changed"]))
    _move(db, booking, expected, "cancelled")
    notices.visitor_moved(db, booking, "cancelled")


def inbox(db: Session, org_id: int) -> list[TourismBooking]:
    """The club's bookings: waiting first, then by day."""
    rows = list(db.scalars(select(TourismBooking).where(TourismBooking.organization_id == org_id)
                           .order_by(TourismBooking.visit_on, TourismBooking.id)))
    return sorted(rows, key=lambda b: (b.status not in ("requested", "proposed"), b.status != "requested"))


def of_visitor(db: Session, user_id: int) -> list[TourismBooking]:
    return list(db.scalars(select(TourismBooking).where(TourismBooking.visitor_id == user_id)
                           .order_by(TourismBooking.visit_on.desc(), TourismBooking.id.desc())))


def accepted_between(db: Session, org_id: int, first: date, last: date) -> list[TourismBooking]:
    """The accepted visits of the club from `first` to `last`, by day: its calendar."""
    return list(db.scalars(select(TourismBooking).where(
        TourismBooking.organization_id == org_id, TourismBooking.status == "accepted",
        TourismBooking.visit_on >= first, TourismBooking.visit_on <= last)
        .order_by(TourismBooking.visit_on, TourismBooking.id)))


def day_text(day: date | None) -> str:
    return format_day(day) if day else ""
