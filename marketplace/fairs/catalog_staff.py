"""Staff pages that curate catalogs (/staff/catalogs/…): the list and a new catalog, one
catalog's page (details, sections, entries, search for more, publish). Every page is staff only;
every change is a POST that commits once and comes back to the catalog's page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.errors import NotFound
from marketplace.fairs import catalog_reading as reading
from marketplace.fairs import catalogs
from marketplace.fairs.catalog_forms import AddEntryForm, CatalogForm, EntryForm, SectionForm
from marketplace.fairs.catalog_views import bp
from marketplace.fairs.models import Catalog, CatalogEntry, CatalogSection
from marketplace.forms import CsrfForm
from marketplace.saving import flash_message, form_page, posted, raise_if_problems, saving, submitted


def _int(value) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _catalog(catalog_id: int) -> Catalog:
    catalog = db.session.get(Catalog, catalog_id)
    if catalog is None:
        raise NotFound(_("We could not find that catalog."))
    return catalog


def _section(catalog: Catalog, section_id: int) -> CatalogSection:
    section = db.session.get(CatalogSection, section_id)
    if section is None or section.catalog_id != catalog.id:
        raise NotFound()
    return section


def _entry(catalog: Catalog, entry_id: int) -> CatalogEntry:
    entry = db.session.get(CatalogEntry, entry_id)
    if entry is None or entry.catalog_id != catalog.id:
        raise NotFound()
    return entry


def _back(catalog: Catalog, anchor: str = ""):
    return redirect(url_for("catalogs.edit", catalog_id=catalog.id, q=request.args.get("q") or None) + anchor)


def _fair_choices(form: CatalogForm) -> None:
    form.fair_id.choices = [("", _("No fair (a standing catalog)"))] + [
        (str(f.id), f"{f.name} ({f.starts_on:%d/%m/%Y})") for f in catalogs.fairs_to_choose(db.session)]


def _catalog_input(form: CatalogForm) -> catalogs.CatalogInput:
    return catalogs.CatalogInput(title=form.title.data or "", title_en=form.title_en.data or "",
                                 cover_text=form.cover_text.data or "", cover_text_en=form.cover_text_en.data or "",
                                 fair_id=_int(form.fair_id.data))


@bp.route("/staff/catalogs", methods=["GET", "POST"])
@role_required("staff")
def index():
    """Every catalog, and the form for a new one."""
    form = CatalogForm()
    _fair_choices(form)
    if submitted(form):
        with saving(form, done=_("Catalog created. Add sections and entries, then publish it.")) as saved:
            catalog = catalogs.create_catalog(db.session, _catalog_input(form), current_user)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("catalogs.edit", catalog_id=catalog.id))
    return form_page("catalogs/staff_index.html", form, catalogs=catalogs.all_catalogs(db.session))


@bp.route("/staff/catalogs/<int:catalog_id>", methods=["GET", "POST"])
@role_required("staff")
def edit(catalog_id: int):
    """The catalog's details (POST here), sections and entries, and entries to add (?q=…)."""
    catalog = _catalog(catalog_id)
    form = CatalogForm(obj=None if request.method == "POST" else catalog)
    _fair_choices(form)
    if request.method == "GET":
        form.fair_id.data = str(catalog.fair_id or "")
    if submitted(form):
        with saving(form, done=_("Saved.")) as saved:
            catalogs.update_catalog(db.session, catalog, _catalog_input(form))
            raise_if_problems(form)
        if saved:
            return _back(catalog)
    return _edit_page(catalog, form)


def _edit_page(catalog: Catalog, form: CatalogForm, status: int | None = None, **forms):
    today = today_in_vietnam()
    query = (request.args.get("q") or "").strip()[:100]
    section_choices = [(str(s.id), s.title) for s in catalog.sections]
    add_form = AddEntryForm()
    add_form.section_id.choices = section_choices
    entry_forms = {}
    for section in catalog.sections:
        for entry in section.entries:
            entry_form = forms.get("entry_form") if forms.get("entry_id") == entry.id else None
            entry_form = entry_form or EntryForm(prefix=f"e{entry.id}", data={
                "section_id": str(entry.section_id), "note": entry.note, "note_en": entry.note_en})
            entry_form.section_id.choices = section_choices
            entry_forms[entry.id] = entry_form
    page = render_template(
        "catalogs/staff_edit.html", catalog=catalog, form=form, view=reading.read_catalog(db.session, catalog, today),
        section_form=forms.get("section_form") or SectionForm(prefix="section"), add_form=add_form,
        entry_forms=entry_forms, csrf_form=CsrfForm(), query=query,
        exhibitors=reading.exhibitors(db.session, catalog.fair_id, today),
        candidates=reading.search_candidates(db.session, query, today) if query else [],
        in_catalog={(e.org_id, e.listing_id) for s in catalog.sections for e in s.entries})
    return page, status or (422 if form.errors else 200)


@bp.route("/staff/catalogs/<int:catalog_id>/sections", methods=["POST"])
@role_required("staff")
def add_section(catalog_id: int):
    catalog = _catalog(catalog_id)
    form = SectionForm(prefix="section")
    if submitted(form):
        with saving(form, done=_("Section added.")) as saved:
            catalogs.add_section(db.session, catalog, form.title.data or "", form.title_en.data or "")
            raise_if_problems(form)
        if saved:
            return _back(catalog, "#sections")
    return _edit_page(catalog, CatalogForm(obj=catalog), 422, section_form=form)


@bp.route("/staff/catalogs/<int:catalog_id>/sections/<int:section_id>/<action>", methods=["POST"])
@role_required("staff")
def change_section(catalog_id: int, section_id: int, action: str):
    """up, down or remove."""
    catalog = _catalog(catalog_id)
    section = _section(catalog, section_id)
    if action not in ("up", "down", "remove"):
        raise NotFound()
    if posted(CsrfForm()):
        if action == "remove":
            catalogs.remove_section(db.session, section)
        else:
            catalogs.move_section(db.session, section, -1 if action == "up" else 1)
        db.session.commit()
    return _back(catalog, "#sections")


@bp.route("/staff/catalogs/<int:catalog_id>/entries", methods=["POST"])
@role_required("staff")
def add_entry(catalog_id: int):
    """An organisation (org_id) with one of its listings (listing_id) or alone, into a section."""
    catalog = _catalog(catalog_id)
    form = AddEntryForm()
    if posted(form):
        with saving(done=_("Added to the catalog.")):
            catalogs.add_entry(db.session, catalog, section_id=_int(form.section_id.data),
                               org_id=_int(form.org_id.data), listing_id=_int(form.listing_id.data))
    return _back(catalog, "#add")


@bp.route("/staff/catalogs/<int:catalog_id>/entries/<int:entry_id>", methods=["POST"])
@role_required("staff")
def update_entry(catalog_id: int, entry_id: int):
    """An entry's note (vi/en) and section."""
    catalog = _catalog(catalog_id)
    entry = _entry(catalog, entry_id)
    form = EntryForm(prefix=f"e{entry.id}")
    form.section_id.choices = [(str(s.id), s.title) for s in catalog.sections]
    if submitted(form):
        with saving(form, done=_("Entry saved.")) as saved:
            catalogs.update_entry(db.session, catalog, entry, section_id=_int(form.section_id.data),
                                  note=form.note.data or "", note_en=form.note_en.data or "")
            raise_if_problems(form)
        if saved:
            return _back(catalog, f"#entry-{entry.id}")
    return _edit_page(catalog, CatalogForm(obj=catalog), 422, entry_form=form, entry_id=entry.id)


@bp.route("/staff/catalogs/<int:catalog_id>/entries/<int:entry_id>/<action>", methods=["POST"])
@role_required("staff")
def change_entry(catalog_id: int, entry_id: int, action: str):
    """up, down or remove."""
    catalog = _catalog(catalog_id)
    entry = _entry(catalog, entry_id)
    if action not in ("up", "down", "remove"):
        raise NotFound()
    if posted(CsrfForm()):
        if action == "remove":
            catalogs.remove_entry(db.session, entry)
        else:
            catalogs.move_entry(db.session, entry, -1 if action == "up" else 1)
        db.session.commit()
    return _back(catalog, "#sections")


@bp.route("/staff/catalogs/<int:catalog_id>/<any(publish, unpublish):action>", methods=["POST"])
@role_required("staff")
def set_status(catalog_id: int, action: str):
    catalog = _catalog(catalog_id)
    if posted(CsrfForm()):
        done = _("Published: anyone with the link can open it.") if action == "publish" else _("Back to draft.")
        with saving(show=flash_message, done=done):
            (catalogs.publish if action == "publish" else catalogs.unpublish)(db.session, catalog)
    return _back(catalog)
