"""Demand pages: post and edit (buyers), the board and offers (clubs), decisions and pooling."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import public, role_required, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import (
    NotOneOfYours,
    buying_org_for,
    can_buy_for,
    can_list_for,
    can_manage_demand,
    selling_org_for,
)
from marketplace.dates import today_in_vietnam
from marketplace.demand import forms, rules
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost
from marketplace.demand.notices import describe_notice
from marketplace.errors import Conflict, PermissionDenied, ValidationError, get_or_404
from marketplace.forms import add_problem, as_typed_date, choices
from marketplace.listings import services as listings
from marketplace.markets import market_name, market_options
from marketplace.notifications.wording import word_notices
from marketplace.places.services import resolve_commune
from marketplace.products.goods import goods_as_typed
from marketplace.products.services import categories_with_products
from marketplace.saving import flash_each, flash_message, form_page, raise_if_problems, refuse, saving, submitted

bp = Blueprint("demand", __name__)
word_notices(bp, "offer", describe_notice)  # notices of kind "offer" are worded by this package


def _demand_or_404(demand_id: int) -> DemandPost:
    return get_or_404(demand_service.get_demand, db.session, demand_id)


def _input(form: forms.DemandForm, ref: str | None = None) -> demand_service.DemandInput:
    """What the service reads; a commune not on the list is said beside its field and the service
    still checks the rest, so that every problem shows in one pass."""
    commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
    if (form.commune_query.data or form.commune_code.data) and commune is None:
        add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
    return demand_service.DemandInput(
        product=form.product.data or "", variety=form.variety.data or "", quantity=form.quantity.data,
        unit=form.unit.data, frequency=form.frequency.data, needed_from=form.needed_from.data,
        needed_to=form.needed_to.data, commune_code=commune.code if commune else None,
        price_min_vnd=form.price_min_vnd.data, price_max_vnd=form.price_max_vnd.data,
        required_certificates=form.required_certificates.data or [], min_ocop_stars=form.min_ocop_stars.data,
        needs_planting_code=form.needs_planting_code.data, export_market=form.export_market.data or "",
        quality_notes=form.quality_notes.data or "", ref=ref)


@bp.route("/demand/new", methods=["GET", "POST"])
@signed_in
def new():
    # ?org= picks one of the person's buying organisations (from /buy); another's id is a plain 404.
    org = buying_org_for(current_user, request.args.get("org"))
    if not can_buy_for(current_user, org):
        return refuse(_("Only a buyer, or a club's buyers and board, can post a request."),
                      url_for("accounts.account"))
    form = forms.DemandForm()
    if submitted(form):
        with saving(form, done=_("Your request is posted. Clubs can now answer it.")) as saved:
            demand = demand_service.save_demand(db.session, org, _input(form), current_user, today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("demand.show", demand_id=demand.id))
    return _form_page(form)


def _form_page(form: forms.DemandForm, demand: DemandPost | None = None):
    return form_page("demand/form.html", form, demand=demand, categories=categories_with_products(db.session),
                     market_options=market_options(str(get_locale() or "vi")))


@bp.route("/demand/<int:demand_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(demand_id: int):
    demand = _demand_or_404(demand_id)
    if not can_manage_demand(current_user, demand.organization):
        raise PermissionDenied()
    form = forms.DemandForm(obj=None if request.method == "POST" else _values(demand))
    if submitted(form):
        with saving(form, done=_("Your changes are saved.")) as saved:
            demand_service.save_demand(db.session, demand.organization, _input(form), current_user,
                                       today=today_in_vietnam(), demand=demand)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("demand.show", demand_id=demand.id))
    return _form_page(form, demand)


def _values(demand: DemandPost) -> SimpleNamespace:
    """An object whose attributes pre-fill the edit form as the buyer would type them."""
    commune = demand.delivery_commune
    return SimpleNamespace(
        **goods_as_typed(demand), frequency=demand.frequency,
        needed_from=as_typed_date(demand.needed_from), needed_to=as_typed_date(demand.needed_to),
        commune_query=commune.label if commune else "", commune_code=commune.code if commune else "",
        price_min_vnd="" if demand.price_min_vnd is None else str(demand.price_min_vnd),
        price_max_vnd="" if demand.price_max_vnd is None else str(demand.price_max_vnd),
        required_certificates=demand.certificate_list, min_ocop_stars=str(demand.min_ocop_stars or ""),
        needs_planting_code=demand.needs_planting_code,
        export_market=(market_name(demand.export_market, str(get_locale() or "vi")) if demand.export_market
                       else demand.export_market_as_written),
        quality_notes=demand.quality_notes)


def _seller_or_none():
    """The club a public page offers for: a stray or shared `?org=` that is not one of the
    viewer's own is no reason for a 404 there (anyone may read the page), just no offering."""
    try:
        return selling_org_for(current_user, request.args.get("org"))
    except NotOneOfYours:
        return None


@bp.route("/demand/<int:demand_id>")
@public
def show(demand_id: int):
    demand = _demand_or_404(demand_id)
    today = today_in_vietnam()
    # ?org= offers for another of the person's clubs; never on the organisation's own request.
    seller = _seller_or_none()
    offer_form = None
    if can_list_for(current_user, seller) and seller.id != demand.organization_id:
        offer_form = forms.OfferForm()
        _listing_choices(offer_form, seller, today)
    return _demand_page(demand, today, seller, is_buyer=can_manage_demand(current_user, demand.organization),
                        offer_form=offer_form)


def _demand_page(demand: DemandPost, today, seller, *, is_buyer: bool, offer_form: forms.OfferForm | None,
                 code: int = 200):
    """The request's page: for its buyer with every offer and the coverage, for a club that may
    offer with the offer form (`code` 422 when that form shows problems)."""
    return render_template(
        "demand/show.html", demand=demand, today=today,
        status=rules.effective_status(demand.status, demand.needed_to, today),
        is_buyer=is_buyer, can_offer=offer_form is not None, offer_form=offer_form,
        offers=demand_service.offers_visible_to(demand, seller, is_buyer=is_buyer),
        coverage=demand_service.coverage_of(demand) if is_buyer else None,
        show_buyer=current_user.is_authenticated), code


def _listing_choices(form: forms.OfferForm, seller, today) -> None:
    own = listings.public_listings(db.session, today=today, org=seller)
    form.listing_id.choices = choices([("", _("None"))] + [(str(x.id), x.title) for x in own])


@bp.route("/demand/<int:demand_id>/offers", methods=["POST"])
@signed_in
def offer(demand_id: int):
    demand = _demand_or_404(demand_id)
    seller = selling_org_for(current_user, request.args.get("org"))
    if not can_list_for(current_user, seller):
        raise PermissionDenied()
    if seller.id == demand.organization_id:
        raise Conflict(str(demand_service.MESSAGES["own_demand"]))  # the 409 page says it; no form shows there
    today = today_in_vietnam()
    form = forms.OfferForm()
    _listing_choices(form, seller, today)
    # The offer form is not shown on a request that is not open: then say why in flash messages.
    shown = rules.effective_status(demand.status, demand.needed_to, today) == "open"
    if submitted(form):
        with saving(form, show=None if shown else flash_each, done=_("Your offer is sent to the buyer.")) as saved:
            demand_service.make_offer(db.session, demand, seller, demand_service.OfferInput(
                quantity=form.quantity.data, price_vnd=form.price_vnd.data or None,
                delivery_date=form.delivery_date.data or None, listing_id=form.listing_id.data or None,
                note=form.note.data or ""), current_user, today=today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("demand.show", demand_id=demand.id) + "#offers")
    return _demand_page(demand, today, seller, is_buyer=False, offer_form=form, code=422)


@bp.route("/offers/<int:offer_id>/<any(accept, decline, withdraw):action>", methods=["POST"])
@signed_in
def decide(offer_id: int, action: str):
    offer = get_or_404(demand_service.get_offer, db.session, offer_id)
    if action == "withdraw":
        if not can_list_for(current_user, offer.organization):
            raise PermissionDenied()
    elif not can_manage_demand(current_user, offer.demand.organization):
        raise PermissionDenied()
    with saving(catch=(ValidationError, Conflict), show=flash_message, done=_("The offer is updated.")):
        if action == "withdraw":
            demand_service.withdraw_offer(db.session, offer)
        else:
            demand_service.decide_offer(db.session, offer, action, current_user, today=today_in_vietnam())
    return redirect(url_for("demand.show", demand_id=offer.demand_id) + "#offers")


@bp.route("/demand/<int:demand_id>/status", methods=["POST"])
@signed_in
def change_status(demand_id: int):
    demand = _demand_or_404(demand_id)
    if not can_manage_demand(current_user, demand.organization):
        raise PermissionDenied()
    with saving(show=flash_message, done=_("The request's status is changed.")):
        demand_service.change_status(db.session, demand, request.form.get("action", ""), today=today_in_vietnam())
    return redirect(url_for("demand.show", demand_id=demand.id))


@bp.route("/demand")
@public
def board():
    """Open demand: for a signed-in seller, what they sell and nearby first."""
    seller = _seller_or_none()
    posts = demand_service.board(db.session, today=today_in_vietnam(),
                                 seller=seller if can_list_for(current_user, seller) else None)
    return render_template("demand/board.html", posts=posts, show_buyer=current_user.is_authenticated)


@bp.route("/orgs/<int:org_id>/demand")
@signed_in
def manage(org_id: int):
    org = accounts.organization_for(db.session, org_id, current_user, can_manage_demand)
    today = today_in_vietnam()
    items = [(d, rules.effective_status(d.status, d.needed_to, today), demand_service.coverage_of(d))
             for d in demand_service.demand_of(db.session, org)]
    return render_template("demand/manage.html", org=org, items=items)


@bp.route("/staff/orgs/<int:org_id>/verify", methods=["GET", "POST"])
@role_required("staff")
def verify_buyer(org_id: int):
    org = get_or_404(accounts.get_organization, db.session, org_id)
    form = forms.VerifyBuyerForm(tax_code=org.tax_code)
    if form.validate_on_submit():
        with saving(form, done=_("%(org)s is marked as a verified buyer.", org=org.name)) as saved:
            demand_service.verify_buyer(db.session, org, form.tax_code.data, current_user)
        if saved:
            return redirect(url_for("main.organization", org_id=org.id))
    return form_page("demand/verify_buyer.html", form, org=org)
