"""Home page, organisation directory and profile, product catalogue, health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request
from sqlalchemy import text

from marketplace import db
from marketplace.access import public
from marketplace.accounts import rules
from marketplace.accounts import services as accounts
from marketplace.errors import NotFound
from marketplace.products.services import categories_with_products

bp = Blueprint("main", __name__)

DIRECTORY_FILTERS = {
    "sellers": rules.SELLER_KINDS,
    "buyers": rules.BUYER_KINDS,
}


@bp.route("/")
@public
def home():
    sellers = accounts.list_organizations(db.session, rules.SELLER_KINDS)
    return render_template(
        "main/home.html",
        featured=sellers[:6],
        counts=accounts.count_by_kind(db.session),
        categories=categories_with_products(db.session),
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


@bp.route("/orgs/<int:org_id>")
@public
def organization(org_id: int):
    try:
        org = accounts.get_organization(db.session, org_id)
    except NotFound:
        abort(404)
    return render_template("main/organization.html", org=org)


@bp.route("/products")
@public
def products():
    return render_template("main/products.html", categories=categories_with_products(db.session))


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
