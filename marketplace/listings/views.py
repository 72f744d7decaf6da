"""Listing pages: create, show, edit, the club's listing page with two-tap updates, status."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import code_sharing, db, price_reference
from marketplace.access import public, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import can_list_for, can_manage_supply, chosen_org, selling_orgs
from marketplace.credentials import services as credentials
from marketplace.credentials.labels import CERTIFICATE_TYPE_LABELS
from marketplace.dates import today_in_vietnam
from marketplace.errors import NotFound, PermissionDenied, get_or_404, or_404
from marketplace.forms import add_problem, as_typed_date
from marketplace.listings import forms, rules
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.listings.photo_views import LISTING_FORM_LIMITS, form_photos, show_photo_problems
from marketplace.listings.photos import services as photos
from marketplace.numbers import editable_number
from marketplace.oversize import tolerant
from marketplace.products.goods import goods_as_typed
from marketplace.products.services import categories_with_products, find_product
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

bp = Blueprint("listings", __name__)


def _listing_or_404(listing_id: int) -> Listing:
    return get_or_404(listings.get_listing, db.session, listing_id)


def _managed_listing(listing_id: int) -> Listing:
    """The listing, for a manager of its club; else the plain 404/403 page."""
    listing = _listing_or_404(listing_id)
    if not can_manage_supply(current_user, listing.organization):
        raise PermissionDenied()
    return listing


def _to_listing(listing: Listing):
    """Where a change to a listing leads: its page."""
    return redirect(url_for("listings.show", listing_id=listing.id))


def _form_input(form: forms.ListingForm) -> listings.ListingInput:
    return listings.ListingInput(
        product=form.product.data or "", variety=form.variety.data or "", grade=form.grade.data or "",
        quantity=form.quantity.data, unit=form.unit.data, min_order=form.min_order.data,
        price_vnd=form.price_vnd.data, price_negotiable=form.price_negotiable.data,
        available_from=form.available_from.data, available_to=form.available_to.data,
        delivery_area=form.delivery_area.data or "", description=form.description.data or "",
        producer_name=form.producer_name.data or "",
        certificate_ids=form.certificate_ids.data or [], planting_code_ids=form.planting_code_ids.data or [],
        household_id=form.household_id.data,
    )


def _credential_choices(form: forms.ListingForm, org, listing: Listing | None = None) -> None:
    form.household_id.choices = [("", _("— none —"))] + [
        (h.id, h.name) for h in listings.households_for(db.session, org, listing)]
    form.certificate_ids.choices = [
        (c.id, f"{CERTIFICATE_TYPE_LABELS[c.type]} {c.number}") for c in credentials.certificates_of(db.session, org)]
    form.planting_code_ids.choices = [(c.id, code_label(c, org)) for c in _usable(org)]
    if listing is not None:  # a code already on the listing stays a choice (see save_listing)
        shown = {c_id for c_id, _label in form.planting_code_ids.choices}
        form.planting_code_ids.choices += [(c.id, code_label(c, org)) for c in listing.planting_codes
                                           if c.id not in shown]


def _usable(org) -> list:
    found = code_sharing.usable_codes(db.session, org)
    return found if found is not None else credentials.codes_of(db.session, org)


def code_label(code, org) -> str:
    """A code as the form lists it; a cooperative's says whose it is."""
    if code.organization_id == org.id:
        return code.code
    return _("%(code)s (code of %(name)s)", code=code.code, name=code.organization.name)


def _attach(listing: Listing, on_form) -> None:
    photos.attach_staged(db.session, organization=listing.organization, listing=listing, staged=on_form.staged,
                         alt=listing.title, user=current_user)


@bp.route("/listings/new", methods=["GET", "POST"])
@tolerant(LISTING_FORM_LIMITS)
@signed_in
def new():
    # ?org= picks one of the person's clubs (from /sell); another club's id is a plain 404.
    own = selling_orgs(current_user) or [o for o in (current_user.organization,) if o is not None]
    org = chosen_org(own, request.args.get("org"))
    if not can_list_for(current_user, org):
        return refuse(_("Only a club or cooperative can list produce. Create or join one first."),
                      url_for("accounts.account"))
    form = forms.ListingForm()
    _credential_choices(form, org)
    if request.method == "GET":
        form.available_from.data = as_typed_date(today_in_vietnam())
    # Photos first, staged whatever else the form holds: a form with problems keeps them.
    on_form = form_photos(org, None) if request.method == "POST" else None
    # The form's own checks first (they reset its fields' messages), then the photos' beside them.
    checking = bool(on_form and not on_form.removing and submitted(form))
    if on_form:
        show_photo_problems(form, on_form)
    if checking:
        publish = "publish" in request.form
        done = _("Your listing is published.") if publish else _("Your listing is saved as a draft.")
        with saving(form, done=done) as saved:
            listing = listings.save_listing(db.session, org, _form_input(form), current_user,
                                            today=today_in_vietnam(), publish=publish,
                                            usable_codes=code_sharing.usable_codes(db.session, org, lock=True))
            _raise_if_problems(form, on_form)
            _attach(listing, on_form)
        if saved:
            return _to_listing(listing)
    return form_page("listings/form.html", form, categories=categories_with_products(db.session),
                     staged=on_form.staged if on_form else [], references=_references(form),
                     reference_url=price_reference.json_url())


@bp.route("/listings/<int:listing_id>")
@public
def show(listing_id: int):
    listing = _listing_or_404(listing_id)
    today = today_in_vietnam()
    manager = can_manage_supply(current_user, listing.organization)
    status = rules.effective_status(listing.status, listing.available_to, listing.quantity_available, today)
    if not rules.shown_to_everyone(status) and not manager:
        raise NotFound()
    return render_template("listings/show.html", listing=listing, status=status, manager=manager, today=today,
                           ocop_stars=credentials.ocop_stars(listing.certificates, today),
                           quick_form=forms.QuickUpdateForm(), status_form=forms.StatusForm())


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@tolerant(LISTING_FORM_LIMITS)
@signed_in
def edit(listing_id: int):
    listing = _managed_listing(listing_id)
    form = forms.ListingForm(obj=None if request.method == "POST" else _form_values(listing))
    _credential_choices(form, listing.organization, listing)
    on_form = form_photos(listing.organization, listing) if request.method == "POST" else None
    # The form's own checks first (they reset its fields' messages), then the photos' beside them.
    checking = bool(on_form and not on_form.removing and submitted(form))
    if on_form:
        show_photo_problems(form, on_form)
    if checking:
        with saving(form, done=_("Your changes are saved.")) as saved:
            listings.save_listing(db.session, listing.organization, _form_input(form), current_user,
                                  today=today_in_vietnam(), listing=listing, publish="publish" in request.form,
                                  usable_codes=code_sharing.usable_codes(db.session, listing.organization, lock=True))
            _raise_if_problems(form, on_form)
            _attach(listing, on_form)
        if saved:
            return _to_listing(listing)
    return form_page("listings/form.html", form, listing=listing, categories=categories_with_products(db.session),
                     staged=on_form.staged if on_form else [], references=_references(form, listing),
                     reference_url=price_reference.json_url())


def _references(form: forms.ListingForm, listing: Listing | None = None) -> list[price_reference.ReferenceLine]:
    """The latest reference prices (farm gate, wholesale) of the product on the form, to show
    beside the price: the product typed (a form shown again), else the listing's own."""
    typed = (form.product.data or "").strip()
    if typed:
        product = find_product(db.session, typed[:120])
        return price_reference.for_product(db.session, product.id if product else None)
    return price_reference.for_product(db.session, listing.product_id if listing else None)


def _raise_if_problems(form: forms.ListingForm, on_form) -> None:
    """After the service's checks: the form's own problems, or a refused photo or a form that came
    cut short (whose problems are on the form already, or it says so), store nothing."""
    if on_form.refused and not form.errors:
        add_problem(form, "photos", _("The form was larger than we take; please check it."))
    raise_if_problems(form)


def _form_values(listing: Listing) -> SimpleNamespace:
    """An object whose attributes pre-fill the edit form as the chair would type them."""
    return SimpleNamespace(
        **goods_as_typed(listing), grade=listing.grade, min_order=editable_number(listing.min_order),
        price_vnd=str(listing.price_vnd) if listing.price_vnd is not None else "",
        price_negotiable=listing.price_negotiable, available_from=as_typed_date(listing.available_from),
        available_to=as_typed_date(listing.available_to), delivery_area=listing.delivery_area,
        producer_name=listing.producer_name, description=listing.description,
        certificate_ids=[c.id for c in listing.certificates], household_id=listing.household_id,
        planting_code_ids=[c.id for c in listing.planting_codes])


@bp.route("/listings/<int:listing_id>/photos/<int:photo_id>/delete", methods=["POST"])
@signed_in
def delete_photo(listing_id: int, photo_id: int):
    """A chair removes a photo (a listing holds at most 8, so old ones must be able to go)."""
    listing = _managed_listing(listing_id)
    photo = or_404(next((p for p in listing.photos if p.id == photo_id), None))
    photos.delete_photo(db.session, photos.photo_store(), photo)
    db.session.commit()
    flash(_("The photo is removed."), "success")
    return redirect(url_for("listings.edit", listing_id=listing.id))


@bp.route("/listings/<int:listing_id>/quick", methods=["POST"])
@signed_in
def quick_update(listing_id: int):
    listing = _managed_listing(listing_id)
    form = forms.QuickUpdateForm()
    back = request.form.get("back") == "org"
    if posted(form, prefix=f"{listing.title}: "):
        # One flash per problem, naming the listing: the club's page updates many listings at once.
        with saving(show=lambda error: flash_each(error, f"{listing.title}: "),
                    done=_("Updated: %(title)s", title=listing.title)):
            listings.quick_update(db.session, listing, quantity=form.quantity.data or None,
                                  price_vnd=form.price_vnd.data or None,
                                  available_to=form.available_to.data or None, today=today_in_vietnam())
    if back:
        return redirect(url_for("listings.manage", org_id=listing.organization_id) + f"#listing-{listing.id}")
    return _to_listing(listing)


@bp.route("/listings/<int:listing_id>/status", methods=["POST"])
@signed_in
def change_status(listing_id: int):
    listing = _managed_listing(listing_id)
    form = forms.StatusForm()
    if form.validate_on_submit():
        with saving(show=flash_message, done=_("The listing's status is changed.")):
            listings.change_status(db.session, listing, form.action.data, today=today_in_vietnam())
    return _to_listing(listing)


@bp.route("/orgs/<int:org_id>/listings")
@signed_in
def manage(org_id: int):
    """The club's own listing page: every listing, each with a two-tap update form."""
    org = accounts.organization_for(db.session, org_id, current_user, can_manage_supply)
    today = today_in_vietnam()
    items = [(listing, rules.effective_status(listing.status, listing.available_to, listing.quantity_available, today))
             for listing in listings.listings_of(db.session, org)]
    return render_template("listings/manage.html", org=org, items=items, quick_form=forms.QuickUpdateForm())
