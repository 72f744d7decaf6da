"""Catalog pages anyone opens: /catalogs/<slug> (filters by GET parameters, no script needed),
its QR code, the printed catalog /catalogs/<slug>.pdf; and a listing opened from a catalog
(?src=fair-<id>) counted as a visit of that entry. Staff pages are in catalog_staff.py, on the
same blueprint. A draft catalog is for staff only (404 for anyone else)."""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _

from marketplace import db, formatting, page_sections, qr
from marketplace.access import has_role, public
from marketplace.dates import today_in_vietnam
from marketplace.errors import NotFound
from marketplace.fairs import catalog_reading as reading
from marketplace.fairs import catalog_rules as rules
from marketplace.fairs.catalog_labels import (
    CATALOG_STATUS_LABELS,
    CREDENTIAL_KIND_LABELS,
    ENTRY_STATE_LABELS,
)
from marketplace.fairs.catalog_pdf import PdfMaker, cached_pdf
from marketplace.fairs.models import Catalog
from marketplace.links import public_url
from marketplace.listings.photos import services as photos

bp = Blueprint("catalogs", __name__)


@bp.context_processor
def _catalog_words() -> dict:
    return {"entry_state_labels": ENTRY_STATE_LABELS, "catalog_status_labels": CATALOG_STATUS_LABELS,
            "credential_kind_labels": CREDENTIAL_KIND_LABELS, "ocop_filter_stars": rules.OCOP_FILTER_STARS,
            "certificate_filters": rules.CERTIFICATE_FILTERS, "in_language": _in_language}


def _in_language(vi: str, en: str) -> str:
    """The English text for an English reader when there is one, else the Vietnamese."""
    return en if formatting.language() == "en" and en else vi


@bp.record_once
def _on_the_fair_page(state) -> None:
    page_sections.add(state.app, "fair_catalogs", _catalogs_section)


def _catalogs_section(fair) -> str | None:
    """On the fair's page: its published catalogs, each with its printable PDF."""
    catalogs = reading.published_catalogs_of_fair(db.session, fair.id)
    if not catalogs:
        return None
    shown = [(_in_language(c.title, c.title_en), url_for("catalogs.show", slug=c.slug),
              url_for("catalogs.pdf", slug=c.slug)) for c in catalogs]
    return render_template("catalogs/_of_fair.html", catalogs=shown)


@bp.before_app_request
def _count_listing_opened_from_a_catalog() -> None:
    """/listings/<id>?src=fair-<fair id> (the printed catalog's QR codes, the page's links): a
    visit of that entry. The listing page itself knows nothing of catalogs."""
    if request.endpoint != "listings.show" or not request.args.get("src"):
        return
    listing_id = (request.view_args or {}).get("listing_id")
    if listing_id is None:
        return
    db.session.commit()  # ends the read transaction, if any
    with db.writing():
        if reading.record_listing_visit(db.session, request.args["src"], listing_id):
            db.session.commit()
        else:
            db.session.rollback()


def visible_catalog(slug: str) -> Catalog:
    """The catalog; a draft only for staff."""
    catalog = reading.catalog_by_slug(db.session, slug)
    if catalog is None or (catalog.status != "published" and not has_role("staff")):
        raise NotFound(_("We could not find that catalog."))
    return catalog


def page_url(catalog: Catalog) -> str:
    return public_url("catalogs.show", slug=catalog.slug)


def entry_url(catalog: Catalog, entry: reading.EntryView, *, external: bool = True) -> str:
    """Where an entry leads: its listing with the catalog as source, else its organisation."""
    link = public_url if external else url_for
    if entry.listing_id is not None:
        return link("listings.show", listing_id=entry.listing_id, src=rules.source_of(catalog.id, catalog.fair_id))
    return link("main.organization", org_id=entry.org_id)


@bp.route("/catalogs/<slug>")
@public
def show(slug: str):
    catalog = visible_catalog(slug)
    view = reading.read_catalog(db.session, catalog, today_in_vietnam())
    chosen = rules.read_filter(request.args, [s.id for s in view.sections], [code for code, _n in view.communes])
    sections = view.filtered(chosen)
    page = render_template("catalogs/show.html", catalog=catalog, view=view, sections=sections, chosen=chosen,
                           shown=sum(len(s.entries) for s in sections), page_url=page_url(catalog),
                           entry_url=lambda entry: entry_url(catalog, entry, external=False))
    if catalog.status == "published":
        db.session.commit()  # ends the read transaction
        with db.writing():
            reading.record_visit(db.session, db.session.get(Catalog, catalog.id))
            db.session.commit()
    return page


@bp.route("/catalogs/<slug>/qr.svg")
@public
def qr_code(slug: str):
    """The QR code of the catalog page's address, to print on posters and booths."""
    catalog = visible_catalog(slug)
    return Response(qr.svg(page_url(catalog)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


def pdf_dir() -> str:
    return current_app.config.get("CATALOG_PDF_DIR") or os.path.join(current_app.instance_path, "catalog_pdfs")


def _safe_photo(key: str) -> bytes | None:
    stored = photos.photo_store().open(key, "card")
    if stored is None:
        return None
    with stored:
        return stored.read()


def make_pdf(catalog: Catalog, view: reading.CatalogView, lang: str) -> bytes:
    maker = PdfMaker(lang=lang, page_url=page_url(catalog), entry_url=lambda entry: entry_url(catalog, entry),
                     photo=_safe_photo)
    return maker.build(view)


@bp.route("/catalogs/<slug>.pdf")
@public
def pdf(slug: str):
    """The printed catalog, made once per content (catalog, entries, their listings' state today,
    language) and then served from its file."""
    catalog = visible_catalog(slug)
    view = reading.read_catalog(db.session, catalog, today_in_vietnam())
    lang = formatting.language()
    db.session.commit()  # everything is read: no transaction stays open while the PDF is made
    path = cached_pdf(pdf_dir(), f"{catalog.slug}-{lang}", view.content_hash(lang),
                      lambda: make_pdf(catalog, view, lang))
    response = send_file(path, mimetype="application/pdf", download_name=f"{catalog.slug}.pdf",
                         as_attachment=False, max_age=0)
    if catalog.status != "published":
        response.headers["Cache-Control"] = "private, no-store"
    return response
