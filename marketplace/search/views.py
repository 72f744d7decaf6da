"""The /search page and its as-you-type suggestions. Reading only: the indexer writes."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace import db
from marketplace.access import public
from marketplace.dates import today_in_vietnam
from marketplace.places.models import Commune
from marketplace.products.models import Category
from marketplace.search import jobs
from marketplace.search import services as search
from marketplace.search.labels import PROBLEM_MESSAGES
from marketplace.search.query import CERTIFICATES, SAVED_PARAMETERS, SORTS, read_request

bp = Blueprint("search", __name__)


@bp.record_once
def _register_job(state) -> None:
    """The worker's job that keeps this host's index following the change log."""
    jobs.init_app(state.app)


FILTER_LABELS = {
    "type": _l("What"), "category": _l("Category"), "commune": _l("Commune or ward"),
    "certificate": _l("Certificate"), "min_ocop": _l("OCOP stars"), "has_planting_code": _l("Planting area code"),
    "available_from": _l("Available from"), "available_to": _l("Available until"),
    "price_min": _l("Lowest price"), "price_max": _l("Highest price"), "sort": _l("Sort by"), "page": _l("Page"),
    "per_page": _l("Results per page"),
}
SORT_LABELS = {"relevance": _l("Best match"), "price": _l("Lowest price"), "newest": _l("Newest"),
               "harvest": _l("Earliest harvest")}
TYPE_LABELS = {"listing": _l("Produce for sale"), "demand": _l("Buyer requests"), "org": _l("Clubs and businesses")}


@bp.route("/search")
@public
def results():
    categories = list(db.session.scalars(select(Category).order_by(Category.position)))
    search_request, problems = read_request(request.args, categories={c.code for c in categories})
    today = today_in_vietnam()
    page = search.run_search(db.session, search.backend(), search_request, today)
    codes = set(page.result.facets.get("commune", {})) | ({search_request.commune} if search_request.commune else set())
    communes = {c.code: c for c in db.session.scalars(select(Commune).where(Commune.code.in_(codes)))} if codes else {}
    return render_template(
        "search/results.html", req=search_request, page=page, result=page.result,
        problems={name: str(PROBLEM_MESSAGES[code]) for name, code in problems.items()},
        filter_labels=FILTER_LABELS, categories=categories, communes=communes,
        certificates=CERTIFICATES, sorts=SORTS, sort_labels=SORT_LABELS, type_labels=TYPE_LABELS,
        url_with=_url_with, today=today, saved_parameters=SAVED_PARAMETERS)


def _url_with(**changes) -> str:
    """This search's URL with some parameters changed (None removes one); back to page 1."""
    args = MultiDict(request.args)
    args.pop("page", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value not in (None, "", False):
            if isinstance(value, list | tuple):
                for item in value:
                    args.add(name, item)
            else:
                args[name] = value
    return url_for("search.results", **args.to_dict(flat=False))


@bp.route("/search/suggest")
@public
def suggest():
    """Up to eight titles for what has been typed so far, as JSON for the search box."""
    text = (request.args.get("q") or "")[:100]
    titles = search.backend().suggest(text, today_in_vietnam()) if len(text.strip()) >= 2 else []
    response = jsonify({"results": titles})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
