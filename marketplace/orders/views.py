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
from marketplace.accounts.permissions import acting_buyer, can_manage_demand, can_manage_supply
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError, get_or_404
from marketplace.forms import CsrfForm
from marketplace.listings import services as listings
from marketplace.notifications.wording import word_notices
from marketplace.orders import forms, jobs, payments, rules
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.payments import banks, recording, stripe_services, vietqr
from marketplace.orders.payments.bank_accounts import bank_account_of, save_bank_account
from marketplace.orders.permissions import actor_for, can_take_payments, order_actions, sides
from marketplace.orders.permissions import can_order as may_order
from marketplace.orders.presentation import describe_notice
from marketplace.orders.statement import StatementError, parse_statement
from marketplace.saving import flash_problems, form_page, posted, saving

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
    """Show the order form on a listing page: a buyer, a fixed price, on sale now."""
    return may_order(current_user, listing, today_in_vietnam())


@bp.app_context_processor
def order_helpers():
    return {"can_order": can_order, "order_form_for": lambda: forms.OrderForm(formdata=None),
            "order_status_labels": STATUS_LABELS}


def _labels():
    return {"requested": _l("Waiting for the seller"), "confirmed": _l("Confirmed, waiting for payment"),
            "declined": _l("Declined"), "paid": _l("Paid"), "delivered": _l("Delivered"),
            "completed": _l("Completed"), "cancelled": _l("Cancelled"), "expired": _l("Expired")}


STATUS_LABELS = _labels()


def _provider_labels():
    return {"vietqr": _l("bank transfer"), "manual": _l("recorded by the seller"), "stripe": _l("card")}


PROVIDER_LABELS = _provider_labels()


@bp.route("/orders")
@signed_in
def index():
    """The organisation's orders, as buyer and as seller (staff: everyone's)."""
    org = current_user.organization
    items = orders.orders_of(db.session, org, everyone=current_user.is_staff)
    return render_template("orders/index.html", items=items, org=org)


@bp.route("/listings/<int:listing_id>/order", methods=["POST"])
@signed_in
def place(listing_id: int):
    listing = get_or_404(listings.get_listing, db.session, _valid_id(listing_id))
    if listing.status == "draft" and not can_manage_supply(current_user, listing.organization):
        raise NotFound()  # as on the listing page: a draft is visible only to its club's managers
    buyer_org = acting_buyer(current_user)
    if buyer_org is None:
        raise PermissionDenied()
    form = forms.OrderForm()
    if not form.validate_on_submit():
        return render_template("orders/place.html", listing=listing, form=form), 422
    # A buyer who may not order (PermissionDenied) or a listing gone meanwhile (NotFound) get the
    # 403/404 page: saving rolls back and lets them through.
    with saving(form, catch=(ValidationError, Conflict)) as saved:
        order = orders.place_order(db.session, listing.id, buyer_org, current_user, form.quantity.data,
                                   today=today_in_vietnam(), note=form.note.data)
    if saved:
        flash(_("Your order %(ref)s is sent. The seller confirms it, then you pay.", ref=order.ref), "success")
        return redirect(url_for("orders.show", order_id=order.id))
    return render_template("orders/place.html", listing=listing, form=form), saved.status


@bp.route("/offers/<int:offer_id>/order", methods=["POST"])
@signed_in
def from_offer(offer_id: int):
    offer = get_or_404(demand_service.get_offer, db.session, _valid_id(offer_id))
    if not can_manage_demand(current_user, offer.demand.organization):
        raise PermissionDenied()
    form = forms.OfferOrderForm()
    back = url_for("demand.show", demand_id=offer.demand_id) + "#offers"
    if not posted(form):
        return redirect(back)
    with saving(catch=(ValidationError, Conflict)) as saved:
        order = orders.order_from_offer(db.session, offer, current_user, today=today_in_vietnam(),
                                        note=form.note.data)
    if not saved:
        return redirect(back)
    flash(_("Your order %(ref)s is sent. The seller confirms it, then you pay.", ref=order.ref), "success")
    return redirect(url_for("orders.show", order_id=order.id))


def _render_show(order: Order, *, received_form=None, option_form=None, status=200):
    may = order_actions(current_user, order)
    account = bank_account_of(db.session, order.seller_org_id)
    due = rules.amount_due_vnd(order)
    offered = payments.offered(current_app, db.session, order)  # provider names, in order
    transfer = vietqr.details(account, order) if "vietqr" in offered else None
    qr = None
    if transfer is not None and may.see_transfer_code:
        qr = Markup(vietqr.qr_svg(transfer.payload, _("VietQR code to pay %(ref)s", ref=order.ref)))  # noqa: S704  # nosec B704  # segno SVG, title escaped
    if received_form is None and may.take_payments:
        received_form = forms.ReceivedForm(formdata=None, amount_vnd=str(due) if due else "",
                                           token=secrets.token_urlsafe(16))
    if option_form is None:
        option_form = forms.PaymentOptionForm(formdata=None, payment_option=order.payment_option)
    return render_template(
        "orders/show.html", order=order, may=may, due=due, balance=rules.balance_vnd(order),
        deposit=rules.deposit_amount(int(order.amount_vnd)), account=account,
        bank=banks.bank_by_bin(account.bank_bin) if account else None, transfer=transfer, qr=qr,
        action_form=CsrfForm(), option_form=option_form, received_form=received_form,
        card="stripe" in offered and may.buyer,
        decline_form=forms.DeclineForm(formdata=None) if may.decline else None,
        decline_reason=decline_reason(order), status_labels=STATUS_LABELS, provider_labels=PROVIDER_LABELS), status


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


ACTION_DONE = {
    "confirm": _l("The order is confirmed. The buyer is told and can pay."),
    "decline": _l("The order is declined. The quantity is back on sale."),
    "cancel": _l("The order is cancelled."),
    "deliver": _l("The order is marked delivered."),
    "complete": _l("Thank you: the order is completed."),
}


@bp.route("/orders/<int:order_id>/<any(confirm, decline, cancel, deliver, complete):action>", methods=["POST"])
@signed_in
def act(order_id: int, action: str):
    order = _order_or_404(order_id)
    actor = actor_for(_sides_or_403(order), order.status, action)
    if actor is None:
        raise PermissionDenied()
    if not posted(CsrfForm()):
        return redirect(url_for("orders.show", order_id=order.id))
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
    form = forms.PaymentOptionForm()
    if posted(form):
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
    if not form.validate_on_submit():
        if not form.token.data:
            form.token.data = secrets.token_urlsafe(16)
        return _render_show(order, received_form=form, status=422)
    with saving(form, catch=(ValidationError, Conflict)) as saved:
        recorded = recording.mark_received(db.session, order, form.amount_vnd.data, current_user,
                                           token=form.token.data or secrets.token_urlsafe(16))
    if not saved:
        return _render_show(order, received_form=form, status=422)
    if recorded:
        flash(_("The payment is recorded."), "success")
    else:
        flash(_("This payment was already recorded."), "info")
    return redirect(url_for("orders.show", order_id=order.id))


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


def statement_error_message(error: StatementError) -> str:
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The file is too large (at most 2 MB)."),
        "not_utf8": _("The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8”."),
        "not_csv": _("This is not a CSV file. Save the statement from the spreadsheet as “CSV UTF-8”."),
        "missing_columns": _("Columns not found: %(columns)s. The first line must name the date, amount and "
                             "description columns (e.g. Ngày, Số tiền, Nội dung).",
                             columns=error.params.get("columns", "")),
        "too_many_lines": _("The file has more than %(max)d lines: upload a shorter period.",
                            max=error.params.get("max", 0)),
        "bad_amount": _("Line %(line)d: “%(value)s” is not an amount.", line=error.params.get("line", 0),
                        value=error.params.get("value", "")),
        "bad_date": _("Line %(line)d: “%(value)s” is not a date.", line=error.params.get("line", 0),
                      value=error.params.get("value", "")),
    }
    return messages.get(error.code, _("The file could not be read."))


@bp.route("/orgs/<int:org_id>/statement", methods=["GET", "POST"])
@signed_in
def statement(org_id: int):
    """Upload a bank statement (CSV): orders named in credit lines with enough money become paid."""
    org = accounts.organization_for(db.session, org_id, current_user, can_take_payments)
    form = forms.StatementForm()
    result = None
    status = 200
    if request.method == "POST":
        upload = request.files.get("statement")
        if not form.validate_on_submit():
            form.statement.errors = [_("The form expired. Please send it again.")]
            status = 422
        elif upload is None or not upload.filename:
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


OUTCOME_LABELS = {
    "not_payable": _l("The order was no longer waiting for money (cancelled, or paid another way)."),
    "amount_mismatch": _l("The amount differs from what the order had due."),
    "unknown_session": _l("Not a checkout this site opened for that order and amount."),
    "unknown_order": _l("The order is not on this site."),
    "wrong_currency": _l("Paid in another currency than đồng."),
}


@bp.route("/staff/payments/unapplied")
@role_required("staff")
def unapplied_payments():
    """Card payments taken at Stripe but not applied to an order: staff refund them in Stripe or
    settle them with the buyer."""
    items = stripe_services.unapplied_payments(db.session)
    return render_template("payments/unapplied.html", items=items, outcome_labels=OUTCOME_LABELS,
                           order_ref=rules.order_ref)
