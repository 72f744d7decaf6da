"""Lot pages for club members (its sellers record; its other members and staff read): the list,
a new lot, a lot's private page, its events and corrections, a split and a packing; and on an
order's page the lots it delivered (the seller names them, the buyer confirms their receipt).

The order page's lots section is added through page_sections (as matching adds its cards to a
listing's page): orders never import traceability, so the dependency runs one way, and the order
page shows nothing more when this blueprint is not registered. The receipt is its own button in
that section rather than a hook into the order's "complete" action, for the same reason: a hook
would need orders to call out to packages that register with it, a registry that does not exist
for status changes, and the buyer may confirm the lots' receipt before or after completing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace import db, page_sections
from marketplace.access import signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import can_manage_supply, chosen_org, selling_orgs
from marketplace.credentials import services as credentials
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.forms import add_problem
from marketplace.listings.models import Listing
from marketplace.numbers import MAX_ID
from marketplace.orders.models import Order
from marketplace.orders.permissions import can_see
from marketplace.places.services import resolve_commune
from marketplace.saving import form_page, posted, raise_if_problems, saving, submitted
from marketplace.traceability import lot_rules as rules
from marketplace.traceability import lots
from marketplace.traceability.forms import EventForm, LotForm, OrderLotsForm, PackForm, ReceiptForm, SplitForm
from marketplace.traceability.labels import EVENT_KIND_LABELS, STATE_LABELS
from marketplace.traceability.models import Lot

bp = Blueprint("lots", __name__)


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "order", _order_section)


@bp.app_context_processor
def _labels() -> dict:
    return {"lot_kind_labels": EVENT_KIND_LABELS, "lot_state_labels": STATE_LABELS}


# --- helpers -----------------------------------------------------------------------------------

def _reading_orgs() -> list[Organization]:
    """The organisations whose lots this person reads: where they are a member of a selling kind."""
    return [m.organization for m in current_user.memberships if m.organization.kind in {"club", "cooperative",
                                                                                         "coop_group"}]


def _org_to_read(asked: str | None) -> Organization | None:
    """The organisation whose lots are listed: one of the person's clubs, or for staff any by
    id; None for someone with no club (the page says so)."""
    if current_user.is_staff and asked:
        org = db.session.get(Organization, int(asked)) if asked.strip().isdecimal() and len(asked) < 10 else None
        if org is None:
            raise NotFound()
        return org
    return chosen_org(_reading_orgs(), asked)


def _org_to_record(asked: str | None) -> Organization:
    org = chosen_org(selling_orgs(current_user), asked)
    if org is None:
        raise PermissionDenied(_("Only a seller of a club or cooperative can record lots."))
    return org


def _lot(code: str) -> Lot:
    if len(code) > 100:
        raise NotFound()
    try:
        return lots.lot_for(db.session, current_user, code)
    except NotFound as error:
        raise NotFound() from error


def _recordable(code: str) -> Lot:
    """The lot, for its organisation's sellers; 404 for anyone who may not see it, 403 for its
    other members and staff (who read only)."""
    lot = _lot(code)
    if not lots.can_record(current_user, lot):
        raise PermissionDenied(_("Only the sellers of the lot's organisation can record its events."))
    return lot


def _attach(form, error: ValidationError) -> None:
    """A service's problems beside the fields, rows included ("sources-1-quantity")."""
    for name, messages in error.fields.items():
        target = form
        parts = name.split("-")
        try:
            for part in parts:
                target = target[int(part)] if part.isdecimal() else target[part]
        except (KeyError, IndexError, TypeError):
            target = None
        if target is None or not hasattr(target, "errors"):
            for message in messages:
                add_problem(form, next(iter(f.name for f in form if f.name != "csrf_token")), message)
            continue
        errors = list(target.errors) if isinstance(target.errors, list) else []
        target.errors = errors + [m for m in messages if m not in errors]
        if len(parts) > 1 and parts[1].isdecimal():  # a row's field: its list reports it too, as WTForms does
            rows = form[parts[0]]
            rows.errors = [entry.errors for entry in rows.entries]


def _code_choices(org: Organization, kind: str) -> list[tuple[str, str]]:
    return [("", _("None"))] + [(c.code, c.code) for c in credentials.codes_of(db.session, org) if c.kind == kind]


# --- the list and a new lot ---------------------------------------------------------------------

@bp.route("/lots")
@signed_in
def index():
    org = _org_to_read(request.args.get("org"))
    if org is None:
        return render_template("traceability/index.html", org=None, lots=[], products=[], state=None,
                               product_id=None, may_record=False, orgs=[], state_of=lots.state_of)
    state = request.args.get("state") or None
    product_id = request.args.get("product", "")
    product_id = int(product_id) if product_id.isdecimal() and len(product_id) < 10 else None
    found = lots.lots_of(db.session, org, product_id=product_id, state=state if state in STATE_LABELS else None)
    products = {lot.product_id: lot.product for lot in lots.lots_of(db.session, org)}
    return render_template("traceability/index.html", org=org, lots=found, products=products.values(),
                           state=state, product_id=product_id, may_record=can_manage_supply(current_user, org),
                           orgs=_reading_orgs(), state_of=lots.state_of)


@bp.route("/lots/new", methods=["GET", "POST"])
@signed_in
def new():
    org = _org_to_record(request.values.get("org"))
    form = LotForm()
    own_listings = list(db.session.scalars(select(Listing).where(Listing.organization_id == org.id)
                                           .order_by(Listing.id.desc()).limit(200)))
    form.listing_id.choices = [("", _("None: I write the product"))] + [
        (str(listing.id), f"{listing.product_text or listing.product.name_vi} · {listing.quantity:g} {listing.unit}")
        for listing in own_listings]
    form.growing_area_code.choices = _code_choices(org, "growing_area")
    form.packing_house_code.choices = _code_choices(org, "packing_house")
    if request.method == "GET" and request.args.get("listing", "").isdecimal():
        form.listing_id.data = request.args["listing"]
    if submitted(form):
        with saving(form, show=lambda error: _attach(form, error)) as saved:
            lot = lots.record_lot(db.session, org, lots.LotInput(
                code=form.code.data or "", listing_id=form.listing_id.data or None, product=form.product.data or "",
                variety=form.variety.data or "", quantity=form.quantity.data, unit=form.unit.data or "",
                harvested_on=form.harvested_on.data, best_before=form.best_before.data,
                growing_area_code=form.growing_area_code.data or "",
                packing_house_code=form.packing_house_code.data or "", gtin=form.gtin.data or "",
                producer_name=form.producer_name.data or "", note=form.note.data or ""),
                current_user, today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("lots.show", code=lot.code))
    return form_page("traceability/form.html", form, org=org)


# --- a lot -------------------------------------------------------------------------------------

@bp.route("/lots/<code>")
@signed_in
def show(code: str):
    lot = _lot(code)
    return render_template("traceability/show.html", lot=lot, corrections=lots.corrections_of(lot),
                           sources=lots.sources_of(db.session, lot), destinations=lots.destinations_of(db.session, lot),
                           orders=lots.orders_of_lot(db.session, lot), may_record=lots.can_record(current_user, lot),
                           left=lots.left_of(db.session, lot), state=lots.state_of(lot))


@bp.route("/lots/<code>/events", methods=["GET", "POST"])
@signed_in
def add_event(code: str):
    lot = _recordable(code)
    form = EventForm()
    form.kind.choices = [(k, str(EVENT_KIND_LABELS[k])) for k in rules.EVENT_KINDS if k in rules.SELLER_KINDS]
    form.corrects_event_id.choices = [("", _("Nothing: a new step"))] + [
        (str(e.id), f"#{e.id} {EVENT_KIND_LABELS.get(e.kind, e.kind)} · "
                    f"{e.happened_at.astimezone(VIETNAM):%d/%m/%Y %H:%M}")
        for e in lot.events if e.organization_id == lot.organization_id]
    if request.method == "GET":
        form.corrects_event_id.data = request.args.get("corrects", "")
        if not form.happened_at.data:
            form.happened_at.data = datetime.now(UTC).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    if submitted(form):
        commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
        with saving(form, show=lambda error: _attach(form, error)) as saved:
            if (form.commune_query.data or form.commune_code.data) and commune is None:
                add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
            correcting = form.corrects_event_id.data or None
            lots.add_event(db.session, lot, lots.EventInput(
                kind="" if correcting else form.kind.data or "", happened_at=form.happened_at.data,
                commune_code=commune.code if commune else None,
                place=form.place.data or "", actor_name=form.actor_name.data or "", quantity=form.quantity.data,
                unit=form.unit.data or "", note=form.note.data or "",
                corrects_event_id=correcting), lot.organization, current_user)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("lots.show", code=lot.code))
    return form_page("traceability/event.html", form, lot=lot)


@bp.route("/lots/<code>/split", methods=["GET", "POST"])
@signed_in
def split(code: str):
    lot = _recordable(code)
    form = SplitForm()
    if submitted(form):
        with saving(form, show=lambda error: _attach(form, error)) as saved:
            made = lots.split_lot(db.session, lot, list(form.shipments.data), current_user, today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("lots.show", code=made[0].code if len(made) == 1 else lot.code))
    return form_page("traceability/split.html", form, lot=lot, left=lots.left_of(db.session, lot))


@bp.route("/lots/pack", methods=["GET", "POST"])
@signed_in
def pack():
    org = _org_to_record(request.values.get("org"))
    form = PackForm()
    form.packing_house_code.choices = _code_choices(org, "packing_house")
    if request.method == "GET" and request.args.get("from"):
        form.sources[0].code.data = request.args["from"][:60]
    if submitted(form):
        with saving(form, show=lambda error: _attach(form, error)) as saved:
            lot = lots.pack_lots(db.session, org, [lots.SourceInput(row["code"] or "", row["quantity"])
                                                   for row in form.sources.data],
                                 current_user, today=today_in_vietnam(), code=form.code.data or "",
                                 unit=form.unit.data or "", packing_house_code=form.packing_house_code.data or "",
                                 quantity=form.quantity.data, place=form.place.data or "")
            raise_if_problems(form)
        if saved:
            return redirect(url_for("lots.show", code=lot.code))
    return form_page("traceability/pack.html", form, org=org)


# --- an order's lots ----------------------------------------------------------------------------

def _order(order_id: int, may) -> Order:
    """The order, when `may(user, order)`; 403 for its other parties and staff, 404 for anyone else."""
    order = db.session.get(Order, order_id) if 0 < order_id <= MAX_ID else None
    if order is None or not can_see(current_user, order):
        raise NotFound()
    if not may(current_user, order):
        raise PermissionDenied(_("Only the other side of this order can do that."))
    return order


def _order_lot_choices(order: Order) -> list[tuple[str, str]]:
    found = lots.lots_of(db.session, order.seller_org)
    if order.listing is not None:
        found = [lot for lot in found if lot.product_id == order.listing.product_id]
    return [("", _("Choose a lot"))] + [(lot.code, f"{lot.code} · {lot.quantity:g} {lot.unit}") for lot in found]


def _order_section(order: Order) -> str | None:
    # The seller's members see the order's lots in every state (a completed order too); they name
    # lots only while the order goes ahead.
    seller = can_manage_supply(current_user, order.seller_org)
    buyer = lots.may_confirm_receipt(current_user, order)
    naming = lots.may_name_lots(current_user, order)
    named = lots.lots_of_order(db.session, order)
    staff = current_user.is_authenticated and current_user.is_staff
    if not (seller or buyer or staff) or (not named and not naming):
        return None
    form = None
    if naming:
        form = OrderLotsForm(formdata=None)
        for row in form.lots:
            row.code.choices = _order_lot_choices(order)
    received = {e.lot_id for ol in named for e in ol.lot.events if e.kind == "received" and e.order_id == order.id}
    receipt = (ReceiptForm(formdata=None) if buyer and named and len(received) < len(named) and lots.receipt_open(order)
               else None)
    return render_template("traceability/_order_section.html", order=order, named=named, form=form,
                           receipt=receipt, received=received, seller=seller)


@bp.route("/orders/<int:order_id>/lots", methods=["POST"])
@signed_in
def name_lots(order_id: int):
    order = _order(order_id, lambda user, order: can_manage_supply(user, order.seller_org))
    form = OrderLotsForm()
    for row in form.lots:
        row.code.choices = _order_lot_choices(order)
    if posted(form):
        with saving() as saved:
            lots.name_order_lots(db.session, order, [lots.NamedLot(row["code"] or "", row["quantity"])
                                                     for row in form.lots.data], current_user)
        if saved:
            return redirect(url_for("orders.show", order_id=order.id) + "#lots")
    return redirect(url_for("orders.show", order_id=order.id) + "#lots")


@bp.route("/orders/<int:order_id>/lots/received", methods=["POST"])
@signed_in
def confirm_receipt(order_id: int):
    order = _order(order_id, lots.may_confirm_receipt)
    form = ReceiptForm()
    if posted(form):
        with saving(done=_("Receipt recorded on the lots.")):
            lots.confirm_receipt(db.session, order, current_user, show_name=bool(form.show_name.data))
    return redirect(url_for("orders.show", order_id=order.id) + "#lots")

