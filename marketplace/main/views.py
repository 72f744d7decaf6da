"""Home page, organisation directory and profile, product catalogue, health check."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.accounts import rules
from marketplace.accounts import services as accounts
from marketplace.accounts.forms import ProfileForm
from marketplace.accounts.permissions import can_edit_profile, can_manage_demand, can_manage_supply
from marketplace.credentials import services as credentials
from marketplace.dashboard import services as dashboard
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.errors import get_or_404
from marketplace.forms import add_problem
from marketplace.listings import services as listings
from marketplace.places.services import resolve_commune
from marketplace.products.services import categories_with_products, category_names
from marketplace.saving import form_page, raise_if_problems, saving, submitted
from marketplace.shared_data import shared

bp = Blueprint("main", __name__)

DIRECTORY_FILTERS = {
    "sellers": rules.SELLER_KINDS,
    "buyers": rules.BUYER_KINDS,
}


@bp.route("/")
@public
def home():
    today = today_in_vietnam()
    if current_user.is_authenticated:
        # Signed in, the home is the person's own: their main action, what waits for them, theirs.
        return render_template("dashboard/home.html", home=dashboard.home_for(db.session, current_user, today),
                               listings=listings.public_listings(db.session, today=today, limit=6))
    return render_template(
        "main/home.html",
        # Six, read as six: a province has thousands of clubs (issue #21).
        featured=accounts.list_organizations(db.session, rules.SELLER_KINDS, limit=6),
        listings=listings.public_listings(db.session, today=today, limit=6),
        demand=demand_service.open_demand(db.session, today=today, limit=4),
        counts=accounts.count_by_kind(db.session),
        categories=shared("home.categories", db.session, category_names),
    )


@bp.route("/orgs")
@public
def directory():
    side = request.args.get("side", "")
    kinds = DIRECTORY_FILTERS.get(side)
    if kinds is None and side in rules.ORG_KINDS:
        kinds = frozenset({side})
    orgs = accounts.list_organizations(db.session, kinds)
    return render_template("main/directory.html", orgs=orgs, side=side)


def _org_or_404(org_id: int):
    return get_or_404(accounts.get_organization, db.session, org_id)


@bp.route("/orgs/<int:org_id>")
@public
def organization(org_id: int):
    org = _org_or_404(org_id)
    today = today_in_vietnam()
    certificates = credentials.certificates_of(db.session, org)
    return render_template(
        "main/organization.html", org=org, today=today, certificates=certificates,
        codes=credentials.codes_of(db.session, org), ocop_stars=credentials.ocop_stars(certificates, today),
        listings=listings.public_listings(db.session, today=today, org=org),
        # A request's buyer is shown to signed-in people only (as on /demand/<id> and in the API):
        # listed on the buyer's own page, it would name the buyer to anyone (issue #14).
        demand=demand_service.open_demand(db.session, today=today, org=org)
        if org.kind in rules.BUYING_KINDS and current_user.is_authenticated else [],
        can_buy=can_manage_demand(current_user, org),
        can_edit=can_edit_profile(current_user, org), can_sell=can_manage_supply(current_user, org),
    )


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_organization(org_id: int):
    org = accounts.organization_for(db.session, org_id, current_user, can_edit_profile)
    form = ProfileForm(obj=org if request.method == "GET" else None)
    if request.method == "GET" and org.commune:
        form.commune_query.data, form.commune_code.data = org.commune.label, org.commune.code
    if submitted(form):
        with saving(form, done=_("Your page is updated.")) as saved:
            accounts.update_profile(db.session, org, _profile_changes(form), current_user)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("main.organization", org_id=org.id))
    return form_page("main/organization_edit.html", form, org=org)


def _profile_changes(form: ProfileForm) -> dict:
    """The changes the service checks and stores; what only this form can get wrong (the number of
    households, a commune not on the list) is said beside its field, and the service still checks
    the rest, so that every problem shows in one pass."""
    changes = {name: getattr(form, name).data or "" for name in (
        "name", "description", "grows", "tourism_offer", "phone", "zalo", "email", "website", "address")}
    changes["tourism"] = bool(form.tourism.data)
    members = (form.members_count.data or "").strip().replace(".", "")
    if members and not re.fullmatch(r"[0-9]{1,6}", members):
        add_problem(form, "members_count", _("Enter a whole number."))
        members = ""
    changes["members_count"] = int(members) if members else None
    if form.commune_query.data or form.commune_code.data:
        commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
        if commune is None:
            add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
        else:
            changes["commune_code"] = commune.code
    return changes


@bp.route("/products")
@public
def products():
    return render_template("main/products.html", categories=categories_with_products(db.session))


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
