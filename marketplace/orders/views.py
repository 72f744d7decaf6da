"""Order pages: place (from a listing or an accepted offer), the list, one order with its
payment options, state changes, transfers received, receipts, bank account and statements."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from marketplace import db
from marketplace.access import role_required, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import NotOneOfYours, buying_org_for, can_manage_demand, can_manage_supply
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError, get_or_404
from marketplace.forms import CsrfForm, attach_errors
from marketplace.listings import services as listings
from marketplace.notifications.wording import word_notices
from marketplace.orders import forms, jobs, payments, rules
from marketplace.orders import lifecycle as orders
from marketplace.orders.labels import (
    ACTION_DONE,
    OUTCOME_LABELS,
    PROVIDER_LABELS,
    STATUS_LABELS,
    statement_error_message,
)
from marketplace.orders.models import Order
from marketplace.orders.payments import banks, recording, stripe_services, vietqr
from marketplace.orders.payments.bank_accounts import bank_account_of, save_bank_account
from marketplace.orders.permissions import actor_for, can_take_payments, order_actions, sides
from marketplace.orders.permissions import can_order as may_order
from marketplace.orders.presentation import describe_notice
from marketplace.orders.statement import StatementError, parse_statement
from marketplace.saving import flash_message, flash_problems, form_page, posted, raise_if_problems, saving

bp = Blueprint("orders", __name__)
# Notices of kind "order_…" are worded by this package, which also has a worker job.
word_notices(bp, "order", describe_notice)
bp.record_once(lambda state: jobs.init_app(state.app))


def _valid_id(row_id: int) -> int:
    if not rules.valid_id(row_id):
        raise NotFound()  # no row has it (and the database would overflow on it)
    return row_id


def _order_or_404(order_id: int) -> Order:
    return get_or_404(orders.get_order, db.session, _valid_id(order_id))


def _sides_or_403(order: Order) -> set[str]:
    found = sides(current_user, order)
    if not found:
        raise PermissionDenied()
    return found


def can_order(listing) -> bool:
    """Show the order form on a listing page: a buyer (for `?org=`, when it is one of the person's
    buying organisations), a fixed price, on sale now, not the organisation's own listing."""
    try:
        org = buying_org_for(current_user, request.args.get("org"))
    except NotOneOfYours:
        return False
    return org is not None and may_order(current_user, listing, today_in_vietnam(), org)


@bp.app_context_processor
def order_helpers():
    return {"can_order": can_order, "order_form_for": lambda: forms.OrderForm(formdata=None),
            "order_status_labels": STATUS_LABELS}


@bp.route("/orders")
@signed_in
def index():
    """The organisation's orders, as buyer and as seller (staff: everyone's)."""
    org = current_user.organization
    items = orders.orders_of(db.session, org, everyone=current_user.is_staff)
    return render_template("orders/index.html", items=items, org=org)


PLACED = _l("Your order %(ref)s is sent. The seller confirms it, then you pay.")
ALREADY_PLACED = _l("This order was already placed: here it is.")


@bp.route("/listings/<int:listing_id>/order", methods=["POST"])
@signed_in
def place(listing_id: int):
    """Order from a listing in two steps that need no script: the form sends the quantity and a
    note, the confirmation page shows the total (nothing reserved yet), and "Place the order" there
    places it — at the total shown, or not at all ("Change" goes back with everything kept)."""
    listing = get_or_404(listings.get_listing, db.session, _valid_id(listing_id))
    if listing.status == "draft" and not can_manage_supply(current_user, listing.organization):
        raise NotFound()  # as on the listing page: a draft is visible only to its club's managers
    buyer_org = buying_org_for(current_user, request.args.get("org"))  # ?org=: another of theirs
    if buyer_org is None:
        raise PermissionDenied()
    form = forms.OrderForm()
    if not form.validate_on_submit():
        if not form.placing():
            _check_the_quantity_too(form, listing, buyer_org)
        return render_template("orders/place.html", listing=listing, form=form), 422
    if form.step.data == "edit":
        return render_template("orders/place.html", listing=listing, form=form)
    if form.placing() and (already := orders.placed_with(db.session, buyer_org.id, form.key())) is not None:
        flash(str(ALREADY_PLACED), "info")  # the confirmation page sent twice (a double tap)
        return redirect(url_for("orders.show", order_id=already.id))
    # A buyer who may not order (PermissionDenied) or a listing gone meanwhile (NotFound) get the
    # 403/404 page: saving rolls back and lets them through.
    order = draft = None
    with saving(form, catch=(ValidationError, Conflict), show=_keep_total_changed(form)) as saved:
        if form.placing():
            order = orders.place_order(db.session, listing.id, buyer_org, current_user, form.quantity.data,
                                       today=today_in_vietnam(), note=form.note.data,
                                       expected_amount_vnd=form.expected_amount(), placing_key=form.key())
        else:
            draft = orders.draft_order(db.session, listing.id, buyer_org, current_user, form.quantity.data,
                                       today=today_in_vietnam(), note=form.note.data)
    return _after_placing(saved, form, order, draft, dict(listing=listing),
                          refused=lambda: (render_template("orders/place.html", listing=listing, form=form),
                                           saved.status))


def _check_the_quantity_too(form: forms.OrderForm, listing, buyer_org) -> None:
    """The form's own checks refused it (a note too long): check the quantity as well, so that
    every problem shows in one pass. A draft stores nothing; it is rolled back all the same."""
    with saving(form, catch=(ValidationError, Conflict), show=_keep_total_changed(form)):
        orders.draft_order(db.session, listing.id, buyer_org, current_user, form.quantity.data,
                           today=today_in_vietnam(), note=form.note.data)
        raise_if_problems(form)


def _keep_total_changed(form):
    """Show a refusal beside the form's fields, except a changed total: the confirmation page
    shows that one itself, with the new total."""
    def show(error):
        if not isinstance(error, orders.TotalChanged):
            attach_errors(form, error)
    return show


def _confirmation(form, draft: Order, *, listing=None, offer=None, changed: str = "", status: int = 200):
    """The confirmation page: the order as it would be placed, and the values carried to the
    final send (the total shown is the one the order must still have then)."""
    form.expected_amount_vnd.data = str(draft.amount_vnd)
    form.placing_key.data = form.key()
    return render_template("orders/confirm.html", form=form, draft=draft, listing=listing, offer=offer,
                           changed=changed, deposit=rules.deposit_amount(draft.amount_vnd)), status


@bp.route("/offers/<int:offer_id>/order", methods=["POST"])
@signed_in
def from_offer(offer_id: int):
    """Order an accepted offer: the request page's button shows the confirmation page (the total,
    the delivery date, a note for the club), whose "Place the order" places it."""
    offer = get_or_404(demand_service.get_offer, db.session, _valid_id(offer_id))
    if not can_manage_demand(current_user, offer.demand.organization):
        raise PermissionDenied()
    form = forms.OfferOrderForm()
    back = url_for("demand.show", demand_id=offer.demand_id) + "#offers"
    if form.step.data == "place" and not form.validate_on_submit():
        # The note typed on the confirmation page is refused: that page again, the note kept beside
        # its message (the offer's terms are the club's, so the draft needs no note).
        with saving(catch=(ValidationError, Conflict)) as saved:
            draft = orders.draft_offer_order(db.session, offer, current_user, today=today_in_vietnam())
        return _confirmation(form, draft, offer=offer, status=422) if saved else redirect(back)
    if not posted(form):
        return redirect(back)
    buyer_org_id = offer.demand.organization_id
    if form.placing() and (already := orders.placed_with(db.session, buyer_org_id, form.key())) is not None:
        flash(str(ALREADY_PLACED), "info")
        return redirect(url_for("orders.show", order_id=already.id))
    order = draft = None
    with saving(catch=(ValidationError, Conflict), show=_flash_unless_total_changed) as saved:
        if form.placing():
            order = orders.order_from_offer(db.session, offer, current_user, today=today_in_vietnam(),
                                            note=form.note.data, expected_amount_vnd=form.expected_amount(),
                                            placing_key=form.key())
        else:
            draft = orders.draft_offer_order(db.session, offer, current_user, today=today_in_vietnam(),
                                             note=form.note.data)
    return _after_placing(saved, form, order, draft, dict(offer=offer), refused=lambda: redirect(back))


def _after_placing(saved, form, order, draft, source: dict, *, refused):
    """What placing (or previewing) an order answers: the placed order, the confirmation page, the
    confirmation again with the new total when it changed (409), or `refused()` for any other problem.
    `source` names what the order is made from (listing= or offer=)."""
    if saved and form.placing():
        flash(str(PLACED % {"ref": order.ref}), "success")
        return redirect(url_for("orders.show", order_id=order.id))
    if saved:
        return _confirmation(form, draft, **source)
    if isinstance(saved.error, orders.TotalChanged):
        return _confirmation(form, saved.error.draft, changed=saved.error.message, status=409, **source)
    return refused()


def _flash_unless_total_changed(error) -> None:
    if not isinstance(error, orders.TotalChanged):
        flash_problems(error)


def _render_show(order: Order, *, received_form=None, claim_form=None, to_confirm=None, status=200):
    may = order_actions(current_user, order)
    account = bank_account_of(db.session, order.seller_org_id)
    due = rules.amount_due_vnd(order)
    offered = payments.offered(current_app, db.session, order)  # provider names, in order
    transfer = vietqr.details(account, order) if "vietqr" in offered else None
    qr = None
    if transfer is not None and may.see_transfer_code:
        qr = Markup(vietqr.qr_svg(transfer.payload, _("VietQR code to pay %(ref)s", ref=order.ref)))  # noqa: S704  # nosec B704  # segno SVG, title escaped
    if received_form is None and may.take_payments:
        # Empty: the seller types what the bank says arrived (the amount due is the hint beside it).
        received_form = forms.ReceivedForm(formdata=None, token=secrets.token_urlsafe(16))
    if claim_form is None and may.buyer:
        claim_form = forms.PaymentClaimForm(formdata=None)
    option_form = forms.PaymentOptionForm(formdata=None, payment_option=order.payment_option)
    return render_template(
        "orders/show.html", order=order, may=may, due=due, balance=rules.balance_vnd(order),
        deposit=rules.deposit_amount(int(order.amount_vnd)), account=account,
        bank=banks.bank_by_bin(account.bank_bin) if account else None, transfer=transfer, qr=qr,
        action_form=CsrfForm(), option_form=option_form, received_form=received_form, to_confirm=to_confirm,
        claim_form=claim_form, may_claim=may.buyer and rules.can_claim_payment(order), claim=payment_claim(order),
        card="stripe" in offered and may.buyer,
        decline_form=forms.DeclineForm(formdata=None) if may.decline else None,
        decline_reason=decline_reason(order), status_labels=STATUS_LABELS, provider_labels=PROVIDER_LABELS), status


def payment_claim(order: Order):
    """The buyer's open "I have paid" (its history step), or None: shown to both sides until the
    seller records money."""
    if order.payment_claimed_at is None:
        return None
    return next((e for e in reversed(order.events) if e.kind == "payment_claimed"), None)


def decline_reason(order: Order) -> str:
    """The seller's reason for declining, shown to the buyer ("" when none was given)."""
    if order.status != "declined":
        return ""
    return next((e.note for e in reversed(order.events) if e.to_status == "declined" and e.note), "")


@bp.route("/orders/<int:order_id>")
@signed_in
def show(order_id: int):
    order = _order_or_404(order_id)
    _sides_or_403(order)
    return _render_show(order)


@bp.route("/orders/<int:order_id>/<any(confirm, decline, cancel, deliver, complete):action>", methods=["POST"])
@signed_in
def act(order_id: int, action: str):
    order = _order_or_404(order_id)
    actor = actor_for(_sides_or_403(order), order.status, action)
    if actor is None:
        raise PermissionDenied()
    # The CSRF token was checked before the view (security.check_csrf): the buttons send nothing else.
    with saving(catch=(ValidationError, Conflict), done=str(ACTION_DONE[action])):
        # Only a decline carries a reason (its form's optional field), shown to the buyer.
        orders.change(db.session, order, action, actor=actor, user=current_user, today=today_in_vietnam(),
                      note=request.form.get("note", "") if action == "decline" else "")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.route("/orders/<int:order_id>/payment-option", methods=["POST"])
@signed_in
def payment_option(order_id: int):
    order = _order_or_404(order_id)
    if "buyer" not in _sides_or_403(order):
        raise PermissionDenied()
    form = forms.PaymentOptionForm()  # the CSRF token is checked before the view; the choice by the service
    with saving(catch=(ValidationError, Conflict), show=flash_problems, done=_("The amount to pay is updated.")):
        recording.choose_payment_option(db.session, order, form.payment_option.data)
    return redirect(url_for("orders.show", order_id=order.id) + "#pay")


@bp.route("/orders/<int:order_id>/received", methods=["POST"])
@signed_in
def received(order_id: int):
    """A seller (or staff) records a transfer that arrived in the bank account."""
    order = _order_or_404(order_id)
    _sides_or_403(order)
    if not can_take_payments(current_user, order.seller_org):
        raise PermissionDenied()
    form = forms.ReceivedForm()
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(16)
    if not form.validate_on_submit():
        return _render_show(order, received_form=form, status=422)
    with saving(form, catch=(ValidationError, Conflict)) as saved:
        recorded = recording.mark_received(db.session, order, form.amount_vnd.data, current_user,
                                           token=form.token.data, accepted_vnd=form.accepted())
    if not saved:
        # Another amount than the one due: the page asks, with a button that records exactly it.
        to_confirm = saved.error.amount_vnd if isinstance(saved.error, recording.AmountToConfirm) else None
        return _render_show(order, received_form=form, to_confirm=to_confirm, status=422)
    if recorded:
        flash(_("The payment is recorded."), "success")
    else:
        flash(_("This payment was already recorded."), "info")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.route("/orders/<int:order_id>/paid-by-transfer", methods=["POST"])
@signed_in
def claim_paid(order_id: int):
    """The buyer says "I have paid" (by bank transfer): the seller is told and checks the account.
    It records no money; sent twice, it is told once."""
    order = _order_or_404(order_id)
    if "buyer" not in _sides_or_403(order):
        raise PermissionDenied()
    form = forms.PaymentClaimForm()
    back = redirect(url_for("orders.show", order_id=order.id) + "#pay")
    # While the form is on the order page a problem is shown beside it; otherwise (a claim already
    # open, no money due) the page says why in a message.
    shown = rules.can_claim_payment(order)
    if shown and not form.validate_on_submit():
        return _render_show(order, claim_form=form, status=422)
    if not shown and not posted(form):
        return back
    with saving(form if shown else None, catch=(ValidationError, Conflict),
                show=None if shown else flash_message) as saved:
        told = recording.claim_payment(db.session, order, current_user, reference=form.reference.data)
    if not saved:
        return _render_show(order, claim_form=form, status=saved.status) if shown else back
    if told:
        flash(_("Thank you: the seller is told you paid. The order shows the payment once they record it."),
              "success")
    else:
        flash(_("The seller was already told you paid."), "info")
    return back


@bp.route("/orders/<int:order_id>/receipt")
@signed_in
def receipt(order_id: int):
    order = _order_or_404(order_id)
    order_sides = _sides_or_403(order)
    # The seller's bank account, as on the order page: while money is due or once some was
    # received; to the seller and staff always. Not to a buyer whose order never got that far.
    show_account = (rules.amount_due_vnd(order) > 0 or int(order.amount_paid_vnd or 0) > 0
                    or bool(order_sides & {"seller", "staff"}))
    return render_template("orders/receipt.html", order=order, status_labels=STATUS_LABELS,
                           provider_labels=PROVIDER_LABELS, balance=rules.balance_vnd(order),
                           account=bank_account_of(db.session, order.seller_org_id) if show_account else None)


@bp.route("/orgs/<int:org_id>/bank", methods=["GET", "POST"])
@signed_in
def bank_account(org_id: int):
    """Where the organisation is paid: buyers see it on their orders with a VietQR code."""
    org = accounts.organization_for(db.session, org_id, current_user, can_manage_supply)
    account = bank_account_of(db.session, org.id)
    form = forms.BankAccountForm(obj=account if request.method == "GET" else None)
    if form.validate_on_submit():
        done = _("The bank account is saved. Buyers will see it with a VietQR code on their orders.")
        with saving(form, done=done) as saved:
            save_bank_account(db.session, org, bank_bin=form.bank_bin.data,
                              account_number=form.account_number.data,
                              account_holder=form.account_holder.data)
        if saved:
            return redirect(url_for("orders.bank_account", org_id=org.id))
    return form_page("orders/bank_account.html", form, org=org, account=account,
                     bank=banks.bank_by_bin(account.bank_bin) if account else None)


@bp.route("/orgs/<int:org_id>/statement", methods=["GET", "POST"])
@signed_in
def statement(org_id: int):
    """Upload a bank statement (CSV): orders named in credit lines with enough money become paid."""
    org = accounts.organization_for(db.session, org_id, current_user, can_take_payments)
    form = forms.StatementForm()
    result = None
    status = 200
    if request.method == "POST":
        upload = request.files.get("statement")  # the CSRF token is checked before the view
        if upload is None or not upload.filename:
            form.statement.errors = [_("Choose the statement file first.")]
            status = 422
        else:
            try:
                lines = parse_statement(upload.read(2 * 1024 * 1024 + 1))
            except StatementError as error:
                form.statement.errors = [statement_error_message(error)]
                status = 422
            else:
                with saving():
                    result = recording.apply_statement(db.session, org, lines, current_user)
                if result.matched:
                    flash(_("%(n)d orders marked paid.", n=len(result.matched)), "success")
    return render_template("orders/statement.html", org=org, form=form, result=result), status


@bp.route("/staff/payments/unapplied")
@role_required("staff")
def unapplied_payments():
    """Card payments taken at Stripe but not applied to an order: staff refund them in Stripe or
    settle them with the buyer."""
    items = stripe_services.unapplied_payments(db.session)
    return render_template("payments/unapplied.html", items=items, outcome_labels=OUTCOME_LABELS,
                           order_ref=rules.order_ref)
