"""Fair pages for everyone (the list, a fair's page) and for applicants (apply, see the
application, withdraw it, pay the fee by card or transfer). Staff pages are in staff_views.py."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import chosen_org, member_or_staff, role_in
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError, or_404
from marketplace.fairs import applications as booths
from marketplace.fairs import fees, forms, queries, rules
from marketplace.fairs.models import BoothApplication, Fair
from marketplace.fairs.notices import PREFIX, describe_notice
from marketplace.formatting import money
from marketplace.forms import choices
from marketplace.notifications.wording import word_notices
from marketplace.orders.payments import payables, vietqr
from marketplace.orders.payments import stripe as stripe_checkout
from marketplace.places.models import Commune
from marketplace.saving import flash_message, form_page, posted, raise_if_problems, refuse, saving, submitted

bp = Blueprint("fairs", __name__)
word_notices(bp, PREFIX, describe_notice)


@bp.record_once
def _register_payable(state) -> None:
    payables.register(state.app, fees.settle_stripe_event)


def _visible_fair(slug: str) -> Fair:
    """A published or cancelled fair for everyone; a draft only for staff (else the plain 404)."""
    fair = or_404(queries.fair_by_slug(db.session, slug))
    if fair.status == "draft" and not (current_user.is_authenticated and current_user.is_staff):
        raise NotFound()
    return fair


def exhibiting_orgs(user) -> list:
    """The person's organisations that may apply for a booth (as their seller or buyer)."""
    if not user.is_authenticated:
        return []
    return [m.organization for m in user.memberships
            if m.role in rules.APPLYING_ROLES and m.organization.kind in rules.EXHIBITOR_KINDS]


@bp.route("/fairs")
@public
def index():
    lists = queries.public_fairs(db.session, today_in_vietnam())
    return render_template("fairs/index.html", coming=lists.coming, past=lists.past)


@bp.route("/fairs/<slug>")
@public
def show(slug: str):
    fair = _visible_fair(slug)
    today = today_in_vietnam()
    own = exhibiting_orgs(current_user)
    mine = [(org, booths.application_of(db.session, fair.id, org.id)) for org in own]
    can_apply = [org for org, application in mine if booths.refusal(fair, org, application, today) is None]
    closed = booths.refusal(fair, None, None, today) if fair.status != "published" or today > rules.apply_by(
        fair.apply_by, fair.starts_on) else None
    return render_template("fairs/show.html", fair=fair, exhibitors=queries.exhibitors(db.session, fair.id),
                           mine=[(org, a) for org, a in mine if a is not None], can_apply=can_apply, closed=closed,
                           last_day=rules.apply_by(fair.apply_by, fair.starts_on),
                           commune=db.session.get(Commune, fair.commune_code) if fair.commune_code else None)


@bp.route("/fairs/<slug>/apply", methods=["GET", "POST"])
@signed_in
def apply(slug: str):
    fair = _visible_fair(slug)
    own = exhibiting_orgs(current_user)
    org = chosen_org(own, request.args.get("org"))  # another organisation's id: a plain 404
    fair_page = url_for("fairs.show", slug=fair.slug)
    if org is None:
        return refuse(_("Only a club, cooperative or business can apply for a booth."), fair_page)
    today = today_in_vietnam()
    existing = booths.application_of(db.session, fair.id, org.id)
    why = booths.refusal(fair, org, existing, today)
    if why:
        if existing is not None and existing.status in rules.OPEN:
            return refuse(why, url_for("fairs.application", application_id=existing.id))
        return refuse(why, fair_page)
    form = forms.ApplicationForm()
    listings = booths.own_listings(db.session, org.id)
    kinds = [(str(kind.id), _booth_choice(kind)) for kind in fair.booth_kinds]
    form.booth_kind_id.choices = choices([("", _("Choose…")), *kinds])
    form.listing_ids.choices = choices((str(listing.id), listing.title) for listing in listings)
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_phone.data = current_user.phone or org.phone or ""
    if submitted(form):
        with saving(form, catch=(ValidationError, Conflict),
                    done=_("Your application is sent. The organisers will answer it.")) as saved:
            application = booths.apply(db.session, fair, org, current_user, _application_input(form), today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("fairs.application", application_id=application.id))
    return form_page("fairs/apply.html", form, fair=fair, org=org, orgs=own, has_listings=bool(listings))


def _booth_choice(kind) -> str:
    left = rules.booths_left(kind.count, kind.given)
    fee = _("free") if not kind.fee_vnd else money(kind.fee_vnd)
    name = kind.name_en if str(get_locale() or "vi") == "en" and kind.name_en else kind.name
    return _("%(name)s — %(fee)s, %(left)d of %(count)d left", name=name, fee=fee, left=left, count=kind.count)


def _application_input(form: forms.ApplicationForm) -> booths.ApplicationInput:
    raw = form.booth_kind_id.data or ""
    return booths.ApplicationInput(
        booth_kind_id=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None,
        listing_ids=[int(v) for v in form.listing_ids.data or [] if v.isascii() and v.isdigit() and len(v) < 10],
        products_text=form.products_text.data or "", contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "", note=form.note.data or "")


def _own_application(application_id: int, *, acting: bool = False) -> BoothApplication:
    """The application, for its organisation's members and staff (staff look; `acting`: only
    the organisation's sellers and buyers, or an admin). Anyone else: the plain 403."""
    application = or_404(queries.application_by_id(db.session, application_id))
    if not member_or_staff(current_user, application.org_id):
        raise PermissionDenied()
    if acting and not (current_user.is_admin or role_in(current_user, _org(application)) in rules.APPLYING_ROLES):
        raise PermissionDenied()
    return application


def _org(application: BoothApplication) -> Organization:
    return or_404(db.session.get(Organization, application.org_id))


@bp.route("/fairs/applications/<int:application_id>")
@signed_in
def application(application_id: int):
    application = _own_application(application_id)
    fair = or_404(db.session.get(Fair, application.fair_id))
    due = fees.amount_due(application)
    transfer = fees.transfer_details(db.session, application, fair) if due else None
    qr = vietqr.qr_svg(transfer.payload, _("VietQR code for the transfer")) if transfer else None
    may_act = current_user.is_admin or role_in(current_user, _org(application)) in rules.APPLYING_ROLES
    return render_template(
        "fairs/application.html", application=application, fair=fair, org=_org(application), due=due,
        transfer=transfer, qr=qr, ref=rules.application_ref(application.id),
        listings=queries.picked_listings(db.session, application.id), may_act=may_act,
        may_withdraw=may_act and rules.next_status(application.status, "withdraw", "applicant") is not None,
        card=may_act and due > 0 and stripe_checkout.available(current_app)
        and due <= stripe_checkout.MAX_CARD_AMOUNT_VND, form=forms.ButtonForm())


@bp.route("/fairs/applications/<int:application_id>/withdraw", methods=["POST"])
@signed_in
def withdraw(application_id: int):
    application = _own_application(application_id, acting=True)
    page = url_for("fairs.application", application_id=application.id)
    if not posted(forms.ButtonForm()):
        return redirect(page)
    with saving(catch=(Conflict,), show=flash_message, done=_("Your application is withdrawn.")):
        booths.withdraw(db.session, application, current_user)
    return redirect(page)


@bp.route("/fairs/applications/<int:application_id>/pay/card", methods=["POST"])
@signed_in
def pay_card(application_id: int):
    """Send the applicant to a Checkout Session for the fee (the open one, when there is one)."""
    application = _own_application(application_id, acting=True)
    if not stripe_checkout.available(current_app):
        abort(404)
    page = url_for("fairs.application", application_id=application.id) + "#pay"
    if not posted(forms.ButtonForm()):
        return redirect(page)
    due = fees.amount_due(application)
    if due <= 0:
        return refuse(_("This application is not waiting for a payment."), page)
    if due > stripe_checkout.MAX_CARD_AMOUNT_VND:
        return refuse(stripe_checkout.too_large_message(), page)
    reusable, attempt = fees.checkout_plan(db.session, application.id, due, datetime.now(UTC))
    if reusable is not None and reusable.url:
        return redirect(reusable.url, code=303)
    fair = or_404(db.session.get(Fair, application.fair_id))
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    details = {
        "order_id": application.id, "order_ref": rules.application_ref(application.id), "title": fair.name,
        "amount_vnd": due, "attempt": attempt, "subject": fees.SUBJECT,
        "success_url": public_url + url_for("fairs.paid", application_id=application.id)
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": public_url + page, "customer_email": current_user.email or None,
    }
    db.session.commit()  # no transaction (on SQLite: no write lock) held while Stripe answers
    try:
        opened = stripe_checkout.checkout_for(current_app).create_session(**details)
    except stripe_checkout.CardPaymentError as error:
        return refuse(error.message, page)
    fees.remember_checkout(db.session, application_id, opened)
    db.session.commit()
    return redirect(opened.url, code=303)


@bp.route("/fairs/applications/<int:application_id>/paid")
@signed_in
def paid(application_id: int):
    """Where Stripe sends the applicant back. It only reads: the webhook alone confirms a booth."""
    application = _own_application(application_id)
    session_id = request.args.get("session_id", "")[:255]
    confirmed = bool(session_id) and application.payment_reference == session_id and application.paid_at is not None
    return render_template("fairs/card_return.html", application=application, confirmed=confirmed,
                           ref=rules.application_ref(application.id))


@bp.route("/fairs/mine")
@signed_in
def mine():
    """The applications of the person's organisations, newest first."""
    own = exhibiting_orgs(current_user)
    found = queries.applications_of_orgs(db.session, [org.id for org in own])
    fairs = {f.id: f for f in (db.session.get(Fair, a.fair_id) for a in found)}
    names = {org.id: org.name for org in own}
    return render_template("fairs/mine.html", applications=found, fairs=fairs, names=names)
