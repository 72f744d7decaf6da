"""Tourism pages: a club's offers (list, form, publish/pause), the public offer page and the
visitors' search, the booking request, a booking's page (answer, take the day, cancel), the inbox
and the calendar of accepted visits. Views parse, authorise, call a service, commit once."""

from __future__ import annotations

import calendar
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import public, signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import NotOneOfYours, can_manage_supply, chosen_org, role_in
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import Conflict, NotFound, ValidationError, or_404
from marketplace.forms import choices
from marketplace.listings.photos import services as photos
from marketplace.messaging import limits
from marketplace.notifications.wording import word_notices
from marketplace.saving import (
    flash_each,
    flash_message,
    form_page,
    posted,
    raise_if_problems,
    refuse,
    saving,
    submitted,
)
from marketplace.tourism import bookings, forms, offers, rules
from marketplace.tourism.labels import BOOKING_STATUS_LABELS, KIND_LABELS, MONTH_SHORT, OFFER_STATUS_LABELS
from marketplace.tourism.models import TourismBooking, TourismOffer
from marketplace.tourism.notices import CLUB_ROLES, PREFIX, describe_notice

bp = Blueprint("tourism", __name__)
word_notices(bp, PREFIX, describe_notice)


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "organization_tourism", _org_section)
    page_sections.add(state.app, "organization_actions", _org_action)
    page_sections.add(state.app, "search_tabs", _search_tab)
    page_sections.add(state.app, "search", _search_section)


@bp.app_context_processor
def _labels() -> dict:
    return {"tour_kind_labels": KIND_LABELS, "tour_status_labels": OFFER_STATUS_LABELS,
            "booking_status_labels": BOOKING_STATUS_LABELS, "month_short": MONTH_SHORT,
            "months_label": offers.months_label}


def _org_section(org: Organization, **_context) -> str | None:
    """The club's published visits on its page (the old free-text offer shows when it has none)."""
    found = offers.offers_of(db.session, org.id, published_only=True)
    if not found:
        return None
    return render_template("tourism/_org_section.html", org=org, offers=found)


def _org_action(org: Organization, user=None, **_context) -> str | None:
    """The "Rural tourism" button among the actions on the page of a club its seller reads."""
    if org.kind not in ("club", "cooperative", "coop_group") or user is None or not user.is_authenticated:
        return None
    if not any(m.organization_id == org.id and m.role == "seller" for m in user.memberships):
        return None
    return render_template("tourism/_org_action.html", org=org)


SEARCH_SECTION_CARDS = 3


def _search_tab(q: str = "", **_context) -> str | None:
    """A "Du lịch" tab beside the search's own: the visits matching the same words, on /tourism."""
    return render_template("tourism/_search_tab.html", q=q)


def _search_section(q: str = "", **_context) -> str | None:
    """On /search: the visits matching the words typed (a few, accent-folded), and the way to all."""
    found = offers.search(db.session, q, limit=SEARCH_SECTION_CARDS + 1) if q.strip() else []
    return render_template("tourism/_search_section.html", q=q, offers=found[:SEARCH_SECTION_CARDS],
                           more=len(found) > SEARCH_SECTION_CARDS)


# --- who acts for which club --------------------------------------------------------------------

def hosting_orgs(user) -> list[Organization]:
    """The clubs whose visits this person manages (their sellers; an admin through ?org=)."""
    if not user.is_authenticated:
        return []
    return [m.organization for m in user.memberships
            if m.role == "seller" and m.organization.kind in offers.HOST_KINDS]


def answering_orgs(user) -> list[Organization]:
    """The clubs whose booking requests this person answers (any member who acts for it)."""
    if not user.is_authenticated:
        return []
    return [m.organization for m in user.memberships
            if m.role in CLUB_ROLES and m.organization.kind in offers.HOST_KINDS]


def _own_offer(offer_id: int) -> TourismOffer:
    """The offer, for its club's sellers (or an admin); anyone else: 404."""
    offer = or_404(db.session.get(TourismOffer, offer_id))
    if not can_manage_supply(current_user, offer.organization):
        raise NotOneOfYours()
    return offer


def _visible_offer(offer_id: int) -> TourismOffer:
    """A published offer for everyone; a draft or a paused one for its club's members and staff."""
    offer = or_404(db.session.get(TourismOffer, offer_id))
    if offer.status != "published" and not (
            current_user.is_authenticated and (current_user.is_staff or bookings.is_member(current_user,
                                                                                           offer.organization_id))):
        raise NotFound()
    return offer


def _booking_for_reader(booking_id: int) -> tuple[TourismBooking, str | None]:
    """The booking and the reader's side, as a conversation is read: the visitor, the club's
    members, staff (side None: they look); anyone else, the plain 404 (its existence is private)."""
    booking = db.session.get(TourismBooking, booking_id)
    if booking is None or not bookings.may_see(current_user, booking):
        raise NotFound()
    return booking, bookings.side_of(current_user, booking)


# --- the club's offers --------------------------------------------------------------------------

@bp.route("/tourism/offers")
@signed_in
def manage():
    org = chosen_org(hosting_orgs(current_user), request.args.get("org"))
    if org is None:
        return refuse(_("Only a club or cooperative's sellers publish visits."), url_for("tourism.index"))
    return render_template("tourism/manage.html", org=org, orgs=hosting_orgs(current_user),
                           offers=offers.offers_of(db.session, org.id), form=forms.ButtonForm())


def _offer_form(form: forms.OfferForm, org: Organization):
    photos = offers.org_photos(db.session, org.id)
    form.photo_ids.choices = choices((str(p.id), p.alt or _("Photo %(n)d", n=i + 1)) for i, p in enumerate(photos))
    return photos


def _offer_input(form: forms.OfferForm) -> offers.OfferInput:
    return offers.OfferInput(
        kind=form.kind.data or "", title=form.title.data or "", title_en=form.title_en.data or "",
        description=form.description.data or "", description_en=form.description_en.data or "",
        months=form.months.data or "", min_group=form.min_group.data or "", max_group=form.max_group.data or "",
        price_per_person_vnd=form.price_per_person_vnd.data or "", included=form.included.data or "",
        directions=form.directions.data or "",
        photo_ids=[int(v) for v in form.photo_ids.data or [] if v.isascii() and v.isdigit() and len(v) < 10])


@bp.route("/tourism/offers/new", methods=["GET", "POST"])
@signed_in
def new_offer():
    org = chosen_org(hosting_orgs(current_user), request.args.get("org"))
    if org is None:
        return refuse(_("Only a club or cooperative's sellers publish visits."), url_for("tourism.index"))
    form = forms.OfferForm()
    photos = _offer_form(form, org)
    if submitted(form):
        with saving(form, done=_("The visit is saved as a draft. Publish it when it is ready.")) as saved:
            offers.save_offer(db.session, org, _offer_input(form), current_user)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("tourism.manage", org=org.id))
    return form_page("tourism/offer_form.html", form, org=org, offer=None, photos=photos)


@bp.route("/tourism/offers/<int:tour_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_offer(tour_id: int):
    offer = _own_offer(tour_id)
    org = offer.organization
    form = forms.OfferForm(obj=offer if request.method == "GET" else None)
    photos = _offer_form(form, org)
    if request.method == "GET":
        form.months.data = rules.months_typed(offer.month_list)
        form.min_group.data = str(offer.min_group or "")
        form.max_group.data = str(offer.max_group or "")
        form.price_per_person_vnd.data = str(offer.price_per_person_vnd or "")
        form.photo_ids.data = [str(p.id) for p in offer.photos]
    if submitted(form):
        with saving(form, done=_("Your changes are saved.")) as saved:
            offers.save_offer(db.session, org, _offer_input(form), current_user, offer)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("tourism.manage", org=org.id))
    return form_page("tourism/offer_form.html", form, org=org, offer=offer, photos=photos)


@bp.route("/tourism/offers/<int:tour_id>/<any(publish, pause):action>", methods=["POST"])
@signed_in
def change_offer(tour_id: int, action: str):
    offer = _own_offer(tour_id)
    page = url_for("tourism.manage", org=offer.organization_id)
    if not posted(forms.ButtonForm()):
        return redirect(page)
    done = _("The visit is published.") if action == "publish" else _("The visit is paused.")
    with saving(catch=(Conflict,), show=flash_message, done=done):
        offers.change_status(db.session, offer, action)
    return redirect(page)


@bp.route("/tourism/offers/<int:tour_id>/photos", methods=["POST"])
@signed_in
def add_photos(tour_id: int):
    """Photos sent from the visit's form become photos of the club's page (the same checks, hourly
    budget and re-encoding as every photo: listings/photos), shown with this visit."""
    offer = _own_offer(tour_id)
    page = url_for("tourism.edit_offer", tour_id=offer.id)
    if not posted(forms.ButtonForm()):
        return redirect(page)
    limits = photos.photo_limits()
    uploads = photos.read_uploads(request.files.getlist("photos"), limits)
    if not uploads:
        return refuse(_("Choose a photo to send."), page)
    org = offer.organization
    with saving(catch=(ValidationError,), show=flash_each) as claimed:
        photos.check_uploads(db.session, uploads, organization=org, listing=None, user=current_user, now=utcnow(),
                             per_hour=current_app.config["PHOTO_UPLOADS_PER_HOUR"], limits=limits)
    if not claimed:
        return redirect(page)
    processed, refused = photos.decode_each(uploads, limits)  # no transaction open while decoding
    for message in refused:
        flash(message, "error")
    if processed:
        with saving(catch=(ValidationError,), show=flash_each, done=_("The photos are added to this visit.")):
            offer = _own_offer(tour_id)
            added = [photos.add_processed_photo(db.session, photos.photo_store(), organization=offer.organization,
                                                processed=image, alt=offer.title, user=current_user)
                     for image in processed]
            offers.add_photos(db.session, offer, added)
    return redirect(page)


# --- public -------------------------------------------------------------------------------------

@bp.route("/tourism")
@public
def index():
    q = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    raw_month = request.args.get("month", "")
    month = int(raw_month) if raw_month.isascii() and raw_month.isdigit() and 1 <= int(raw_month) <= 12 else None
    found = offers.search(db.session, q, kind, month)
    return render_template("tourism/index.html", offers=found, q=q, kind=kind, month=month)


@bp.route("/tourism/<int:tour_id>")
@public
def show(tour_id: int):
    offer = _visible_offer(tour_id)
    return render_template("tourism/show.html", offer=offer, today=today_in_vietnam(),
                           can_manage=can_manage_supply(current_user, offer.organization))


@bp.route("/tourism/<int:tour_id>/book", methods=["GET", "POST"])
@signed_in
@limits.new_conversations_started  # a request sent to a club spends the budget of a new conversation
def book(tour_id: int):
    offer = _visible_offer(tour_id)
    page = url_for("tourism.show", tour_id=offer.id)
    why = bookings.refusal(db.session, offer, current_user)
    if why:
        return refuse(why, page)
    form = forms.BookingForm()
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_phone.data = current_user.phone or ""
    if submitted(form):
        with saving(form, catch=(ValidationError, Conflict),
                    done=_("Your request is sent. The club will answer it here.")) as saved:
            booking = bookings.request_visit(db.session, offer, current_user, _booking_input(form), today_in_vietnam())
            raise_if_problems(form)
        if saved:
            limits.started()
            return redirect(url_for("tourism.booking", booking_id=booking.id))
    return form_page("tourism/book.html", form, offer=offer)


def _booking_input(form: forms.BookingForm) -> bookings.BookingInput:
    return bookings.BookingInput(visit_on=form.visit_on.data or "", group_size=form.group_size.data or "",
                                 contact_name=form.contact_name.data or "", contact_phone=form.contact_phone.data or "",
                                 note=form.note.data or "")


# --- bookings -----------------------------------------------------------------------------------

def _may_answer(booking: TourismBooking) -> bool:
    org = booking.organization
    return current_user.is_admin or role_in(current_user, org) in CLUB_ROLES


@bp.route("/tourism/bookings/<int:booking_id>")
@signed_in
def booking(booking_id: int):
    found, side = _booking_for_reader(booking_id)
    return _booking_page(found, side, forms.AnswerForm())


def _booking_page(found: TourismBooking, side: str | None, answer_form: forms.AnswerForm, status: int = 200):
    may_answer = side == "club" and _may_answer(found)
    return render_template(
        "tourism/booking.html", booking=found, side=side, offer=found.offer, answer_form=answer_form,
        button_form=forms.ButtonForm(),
        club_actions=[a for a in rules.CLUB_ACTIONS if may_answer and rules.next_status(found.status, a, "club")],
        may_take=side == "visitor" and rules.next_status(found.status, "take", "visitor") is not None,
        may_cancel=side == "visitor" and rules.next_status(found.status, "cancel", "visitor") is not None,
    ), status


@bp.route("/tourism/bookings/<int:booking_id>/answer", methods=["POST"])
@signed_in
def answer(booking_id: int):
    found, side = _booking_for_reader(booking_id)
    if side != "club" or not _may_answer(found):
        raise NotFound()
    form = forms.AnswerForm()
    page = url_for("tourism.booking", booking_id=found.id)
    action = form.action.data or ""
    if action not in rules.CLUB_ACTIONS:
        return refuse(_("Choose one of the options."), page)
    if submitted(form):
        words = {"accept": _("The visit is accepted. The visitor is told."),
                 "propose": _("Your proposal is sent to the visitor."),
                 "decline": _("The request is declined. The visitor is told.")}
        with saving(form, catch=(ValidationError, Conflict), done=words[action]) as saved:
            bookings.answer(db.session, found, current_user, action, proposed_on=form.proposed_on.data or "",
                            reply=form.reply.data or "", today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(page)
        if isinstance(saved.error, Conflict):
            flash_message(saved.error)
            return redirect(page)
    found = or_404(db.session.get(TourismBooking, booking_id))
    return _booking_page(found, side, form, 422)


@bp.route("/tourism/bookings/<int:booking_id>/<any(take, cancel):action>", methods=["POST"])
@signed_in
def visitor_action(booking_id: int, action: str):
    found, side = _booking_for_reader(booking_id)
    if side != "visitor":
        raise NotFound()
    page = url_for("tourism.booking", booking_id=found.id)
    if not posted(forms.ButtonForm()):
        return redirect(page)
    done = _("The visit is on that day. The club is told.") if action == "take" else _("Your request is cancelled.")
    with saving(catch=(Conflict,), show=flash_message, done=done):
        if action == "take":
            bookings.take_proposed(db.session, found, current_user, today=today_in_vietnam())
        else:
            bookings.cancel(db.session, found, current_user)
    return redirect(page)


@bp.route("/tourism/bookings")
@signed_in
def inbox():
    """The club's requests (for its members) and the person's own requests as a visitor."""
    clubs = answering_orgs(current_user)
    try:
        org = chosen_org(clubs, request.args.get("org"))
    except NotOneOfYours:
        raise NotFound() from None
    return render_template("tourism/inbox.html", org=org, orgs=clubs,
                           club_bookings=bookings.inbox(db.session, org.id) if org else [],
                           mine=bookings.of_visitor(db.session, current_user.id))


@bp.route("/tourism/calendar")
@signed_in
def calendar_page():
    """The club's accepted visits in a month, day by day: a list that reads on a phone."""
    org = chosen_org(answering_orgs(current_user), request.args.get("org"))
    if org is None:
        return refuse(_("Only a club or cooperative's members see its calendar of visits."), url_for("tourism.index"))
    today = today_in_vietnam()
    first = _month_asked(request.args.get("month", ""), today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    visits = bookings.accepted_between(db.session, org.id, first, last)
    days: dict[date, list[TourismBooking]] = {}
    for visit in visits:
        days.setdefault(visit.visit_on, []).append(visit)
    previous = (first.replace(day=1) - date.resolution).replace(day=1)
    following = last + date.resolution
    return render_template("tourism/calendar.html", org=org, orgs=answering_orgs(current_user), first=first,
                           days=sorted(days.items()), previous=previous, following=following, today=today,
                           weeks=calendar.Calendar().monthdayscalendar(first.year, first.month),
                           busy={d.day: len(v) for d, v in days.items()})


def _month_asked(text: str, today: date) -> date:
    """"2027-05" → 1 May 2027; anything else: this month."""
    parts = text.split("-")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[0]) == 4:
        year, month = int(parts[0]), int(parts[1])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)
