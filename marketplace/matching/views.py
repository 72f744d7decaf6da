"""Match cards: /matches for each side, the cards on demand and listing pages, dismissing, and
the notifications page (the bell)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace import db, page_sections
from marketplace.access import signed_in
from marketplace.accounts.permissions import can_manage_demand, can_manage_supply
from marketplace.accounts.rules import is_safe_redirect
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from marketplace.forms import CsrfForm
from marketplace.listings.models import Listing
from marketplace.matching import jobs
from marketplace.matching import services as matching
from marketplace.matching.facts import open_demand_filter, public_listing_filter
from marketplace.matching.presentation import describe, describe_notice
from marketplace.notifications import services as notices
from marketplace.notifications.presentation import register as register_describer

bp = Blueprint("matching", __name__)
CARDS_PER_POST = 5


@dataclass
class Card:
    """One match as shown: the other side's object, the score, what fits and what does not."""

    match: matching.Match
    other: object  # the Listing (for a buyer) or the DemandPost (for a seller)
    reasons: list[str]
    unmet: list[str]
    dismissed: bool


def _cards(db_session: Session, matches: list[matching.Match], side: str, limit: int | None,
           show_dismissed: bool = False) -> list[Card]:
    if not matches:
        return []
    hidden = matching.dismissed(db_session, side, demand_ids={m.demand.id for m in matches},
                                listing_ids={m.listing.id for m in matches})
    kept = [m for m in matches if show_dismissed or m.key not in hidden][:limit]
    model = Listing if side == "buyer" else DemandPost
    ids = [m.listing.id if side == "buyer" else m.demand.id for m in kept]
    objects = {o.id: o for o in db_session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}
    cards = []
    for m in kept:
        other = objects.get(m.listing.id if side == "buyer" else m.demand.id)
        if other is not None:
            cards.append(Card(m, other, [describe(r) for r in m.reasons], [describe(r) for r in m.unmet],
                              m.key in hidden))
    return cards


def demand_cards(demand: DemandPost, limit: int | None = 10, show_hidden: bool = False) -> list[Card]:
    """For the buyer (or staff) on the demand page: the listings that can serve it."""
    return _cards(db.session, matching.matches_for_demand(db.session, demand.id, today_in_vietnam()), "buyer", limit,
                  show_hidden)


def listing_cards(listing: Listing, limit: int | None = 10, show_hidden: bool = False) -> list[Card]:
    """For the seller (or staff) on the listing page: the demand it can serve."""
    return _cards(db.session, matching.matches_for_listing(db.session, listing.id, today_in_vietnam()), "seller",
                  limit, show_hidden)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


def _listing_section(listing: Listing) -> str | None:
    """On a listing's page, for the club that manages it (or staff): the requests it can serve."""
    if not (can_manage_supply(current_user, listing.organization) or _is_staff()):
        return None
    return render_template("matching/_page_section.html", side="seller", cards=listing_cards(listing),
                           form=CsrfForm())


def _demand_section(demand: DemandPost) -> str | None:
    """On a request's page, for the buyer who posted it (or staff): the listings that can serve it."""
    if not (can_manage_demand(current_user, demand.organization) or _is_staff()):
        return None
    return render_template("matching/_page_section.html", side="buyer", cards=demand_cards(demand), form=CsrfForm())


@bp.record_once
def _register_hooks(state) -> None:
    """Match cards on listing and request pages; the words of match notices; the worker's job."""
    page_sections.add(state.app, "listing", _listing_section)
    page_sections.add(state.app, "demand", _demand_section)
    register_describer(state.app, "match", describe_notice)
    jobs.init_app(state.app)


@bp.route("/matches")
@signed_in
def index():
    """Each of my organisation's open requests (buyer) or listings on sale (seller), with its best matches."""
    org = current_user.organization
    today = today_in_vietnam()
    show_hidden = request.args.get("hidden") == "1"  # hidden cards too, to show them again
    buyer_posts, seller_listings = [], []
    if org is not None and can_manage_demand(current_user, org):
        for post in db.session.scalars(select(DemandPost).where(DemandPost.organization_id == org.id,
                                                                open_demand_filter(today)).order_by(DemandPost.id)):
            buyer_posts.append((post, demand_cards(post, CARDS_PER_POST, show_hidden)))
    if org is not None and can_manage_supply(current_user, org):
        for listing in db.session.scalars(select(Listing).where(Listing.organization_id == org.id,
                                                                public_listing_filter(today)).order_by(Listing.id)):
            seller_listings.append((listing, listing_cards(listing, CARDS_PER_POST, show_hidden)))
    return render_template("matching/index.html", org=org, buyer_posts=buyer_posts,
                           seller_listings=seller_listings, form=CsrfForm(), show_hidden=show_hidden)


def _side_for(demand: DemandPost, listing: Listing) -> str:
    if can_manage_demand(current_user, demand.organization):
        return "buyer"
    if can_manage_supply(current_user, listing.organization):
        return "seller"
    abort(403)


@bp.route("/matches/<int:demand_id>/<int:listing_id>/<any(dismiss, restore):action>", methods=["POST"])
@signed_in
def dismiss(demand_id: int, listing_id: int, action: str):
    demand, listing = db.session.get(DemandPost, demand_id), db.session.get(Listing, listing_id)
    if demand is None or listing is None:
        abort(404)
    side = _side_for(demand, listing)
    if action == "dismiss":
        matching.dismiss(db.session, demand_id, listing_id, side)
        flash(_("Match hidden. It will not come back unless you show it again."), "success")
    else:
        matching.undismiss(db.session, demand_id, listing_id, side)
    db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("matching.index"))


@bp.route("/notifications")
@signed_in
def notifications():
    return render_template("matching/notifications.html", items=notices.recent(db.session, current_user),
                           form=CsrfForm())


@bp.route("/notifications/<int:notification_id>", methods=["POST"])
@signed_in
def open_notification(notification_id: int):
    """Mark it read and go where it points (one tap from the bell)."""
    notice = notices.get_own(db.session, current_user, notification_id)
    if notice is None:
        abort(404)
    notices.mark_read(db.session, notice)
    db.session.commit()
    return redirect(notice.url if notice.url.startswith("/") and not notice.url.startswith("//")
                    else url_for("matching.notifications"))


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def read_all():
    notices.mark_all_read(db.session, current_user)
    db.session.commit()
    return redirect(url_for("matching.notifications"))
