"""Chain pages: the list of one's chains (buyers and clubs), a new chain (the buyer), a chain's page
(terms, parties and their answers, planned deliveries with their orders, lots and traceability,
the totals), the answers and endings, orders attached or placed for a planned delivery; and the
staff's list of every chain with its figures. A chain is a private contract: its two sides and
staff see it, anyone else gets the plain 404."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required, signed_in
from marketplace.accounts.permissions import buying_orgs, chosen_org
from marketplace.accounts.rules import BUYER_KINDS
from marketplace.chains import forms, services
from marketplace.chains.labels import (
    CERTIFICATE_LABELS,
    CHAIN_STATUS_LABELS,
    PRICE_TERM_LABELS,
    trace_reason,
)
from marketplace.chains.notices import PREFIX, describe_notice
from marketplace.chains.rules import can_cancel, can_end, can_take_orders
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.forms import choices
from marketplace.notifications.wording import word_notices
from marketplace.numbers import MAX_ID
from marketplace.orders.rules import order_ref, refs_in
from marketplace.saving import flash_message, form_page, posted, raise_if_problems, saving, submitted

bp = Blueprint("chains", __name__)
word_notices(bp, PREFIX, describe_notice)

LABELS = {"chain_status_labels": CHAIN_STATUS_LABELS, "price_term_labels": PRICE_TERM_LABELS,
          "certificate_labels": CERTIFICATE_LABELS, "trace_reason": trace_reason, "order_ref": order_ref}


def _chain(chain_id: int):
    return services.visible(current_user, services.get_chain(db.session, chain_id))


def _ids(values) -> list[int]:
    return [int(v) for v in values or [] if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 11
            and 0 < int(v) <= MAX_ID]


@bp.route("/chains")
@signed_in
def index():
    chains = services.chains_of(db.session, current_user)
    today = today_in_vietnam()
    rows = services.with_figures(db.session, chains, today=today)
    return render_template("chains/index.html", rows=rows, can_propose=bool(_proposing_orgs()), **LABELS)


def _chain_input(form: forms.ChainForm) -> services.ChainInput:
    return services.ChainInput(
        title=form.title.data or "", product=form.product.data or "", variety=form.variety.data or "",
        season_from=form.season_from.data or "", season_to=form.season_to.data or "",
        total_quantity=form.total_quantity.data or "", per_delivery_quantity=form.per_delivery_quantity.data or "",
        price_terms=form.price_terms.data or "", price_vnd=form.price_vnd.data or "", price_unit="kg",
        price_note=form.price_note.data or "", quality_standard=form.quality_standard.data or "",
        requires_growing_area_code=bool(form.requires_growing_area_code.data),
        certificates=list(form.certificates.data or []), schedule_kind=form.schedule_kind.data or "",
        every_days=form.every_days.data or "", first_delivery=form.first_delivery.data or "",
        last_delivery=form.last_delivery.data or "", dates=form.dates.data or "",
        schedule_note=form.schedule_note.data or "", party_ids=_ids(form.party_ids.data))


def _proposing_orgs():
    """Supply chains are proposed by buyer organisations only: a club that buys (issue #19) posts
    requests and orders, but chains stay the buyers' tool."""
    return [org for org in buying_orgs(current_user) if org.kind in BUYER_KINDS]


@bp.route("/chains/new", methods=["GET", "POST"])
@signed_in
def new():
    org = chosen_org(_proposing_orgs(), request.args.get("org"))  # a buyer organisation's buyers
    if org is None:
        raise PermissionDenied()
    form = forms.ChainForm()
    picked = _ids(form.party_ids.data) if request.method == "POST" else []
    found = services.find_parties(db.session, form.party_query.data or request.args.get("q", ""))
    chosen = {o.id: o for o in services.find_parties(db.session, "", limit=2000) if o.id in picked}
    offered = [*chosen.values(), *(o for o in found if o.id not in chosen)]
    form.party_ids.choices = choices((str(o.id), o.name) for o in offered)
    searching = request.method == "POST" and "search" in request.form  # "Tìm" only looks clubs up
    if not searching and submitted(form):
        with saving(form, catch=(ValidationError,), done=_("The chain is proposed. Each club or cooperative "
                                                           "answers it on its page.")) as saved:
            chain = services.propose(db.session, org, current_user, _chain_input(form), today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("chains.show", chain_id=chain.id))
    return form_page("chains/new.html", form, org=org)


def _show_context(chain):
    today = today_in_vietnam()
    shown = services.view(db.session, chain, today=today, reader=current_user)
    buyer = services.acting_buyer(current_user, chain)
    parties = services.acting_parties(current_user, chain)
    delivered = shown.figures.delivered_orders
    acting = buyer or bool(parties)
    place_form = forms.PlaceForm(prefix="place")
    listings = services.party_listings(db.session, chain) if buyer and can_take_orders(chain.status) else []
    place_form.listing_id.choices = choices(
        (str(listing.id), f"{listing.title} — {listing.organization.name}") for listing in listings)
    attach_form = forms.AttachForm(prefix="attach")
    attach_form.delivery_id.choices = choices(
        [("", _("Not tied to one")), *((str(d.id), d.due_on.strftime("%d/%m/%Y")) for d in chain.deliveries)])
    return dict(
        chain=chain, shown=shown, side=services.side_of(current_user, chain), may_buy=buyer,
        answering=[p for p in parties if p.accepted_at is None and p.declined_at is None
                   and chain.status == "proposed"],
        may_cancel=acting and can_cancel(chain.status, delivered), may_end=acting and can_end(chain.status, delivered),
        may_attach=acting and can_take_orders(chain.status), listings=listings, place_form=place_form,
        attach_form=attach_form, answer_form=forms.AnswerForm(prefix="answer"),
        close_form=forms.CloseForm(prefix="close"),
        answered_on=services.answered_on, **LABELS)


@bp.route("/chains/<int:chain_id>")
@signed_in
def show(chain_id: int):
    chain = _chain(chain_id)
    return render_template("chains/show.html", **_show_context(chain))


def _back(chain_id: int):
    return redirect(url_for("chains.show", chain_id=chain_id))


@bp.route("/chains/<int:chain_id>/answer", methods=["POST"])
@signed_in
def answer(chain_id: int):
    chain = _chain(chain_id)
    form = forms.AnswerForm(prefix="answer")
    accept = request.form.get("decision") == "accept"
    org_id = _ids([request.form.get("org", "")])
    if posted(form):
        done = _("You accepted the chain.") if accept else _("You declined the chain.")
        with saving(catch=(ValidationError, Conflict), done=done):
            services.answer(db.session, chain, current_user, accept=accept, reason=form.reason.data or "",
                            org_id=org_id[0] if org_id else None)
    return _back(chain.id)


@bp.route("/chains/<int:chain_id>/<any(cancel, end):action>", methods=["POST"])
@signed_in
def close(chain_id: int, action: str):
    chain = _chain(chain_id)
    form = forms.CloseForm(prefix="close")
    if posted(form):
        done = _("The chain is cancelled.") if action == "cancel" else _("The chain is ended.")
        with saving(catch=(ValidationError, Conflict), show=flash_message, done=done):
            services.close(db.session, chain, current_user, action=action, reason=form.reason.data or "")
    return _back(chain.id)


@bp.route("/chains/<int:chain_id>/attach", methods=["POST"])
@signed_in
def attach(chain_id: int):
    chain = _chain(chain_id)
    if not (services.acting_buyer(current_user, chain) or services.acting_parties(current_user, chain)):
        raise PermissionDenied()
    form = forms.AttachForm(prefix="attach")
    if posted(form):
        typed = (form.order.data or "").strip()
        refs = refs_in(typed) or _ids([typed.lstrip("#")])
        delivery = _ids([form.delivery_id.data or ""])
        with saving(catch=(ValidationError, Conflict), show=flash_message,
                    done=_("The order now counts for the chain.")):
            services.attach(db.session, chain, refs[0] if refs else None, current_user,
                            delivery_id=delivery[0] if delivery else None)
    return _back(chain.id)


@bp.route("/chains/<int:chain_id>/deliveries/<int:delivery_id>/order", methods=["POST"])
@signed_in
def place(chain_id: int, delivery_id: int):
    chain = _chain(chain_id)
    if not services.acting_buyer(current_user, chain):
        raise PermissionDenied()
    form = forms.PlaceForm(prefix="place")
    if posted(form):
        listing = _ids([form.listing_id.data or ""])
        with saving(catch=(ValidationError, Conflict), show=flash_message,
                    done=_("The order is placed: the seller confirms it.")) as saved:
            order = services.place(db.session, chain, delivery_id, listing[0] if listing else 0, current_user,
                                   form.quantity.data, today=today_in_vietnam(), note=form.note.data or "")
        if saved:
            return redirect(url_for("orders.show", order_id=order.id))
    return _back(chain.id)


@bp.route("/staff/chains")
@role_required("staff")
def staff_index():
    today = today_in_vietnam()
    rows = services.with_figures(db.session, services.all_chains(db.session), today=today)
    return render_template("chains/staff_index.html", rows=rows,
                           with_codes=sum(1 for _chain, f in rows if f.with_codes_and_traceability), **LABELS)
