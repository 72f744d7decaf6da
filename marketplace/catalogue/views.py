"""Staff pages for the open catalogue: the queue of typed names and units, and their mapping."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace import db
from marketplace.access import role_required
from marketplace.catalogue import forms
from marketplace.catalogue import services as catalogue
from marketplace.errors import get_or_404
from marketplace.forms import choices
from marketplace.products.services import categories_with_products
from marketplace.saving import saving

bp = Blueprint("catalogue", __name__)


@bp.route("/staff/catalogue")
@role_required("staff")
def queue():
    return _render_queue()


def _render_queue(status: int = 200, failed: dict | None = None):
    """The queue; `failed` holds the one form that was sent with problems, shown with them."""
    failed = failed or {}
    names = catalogue.typed_names(db.session)
    units = catalogue.typed_units(db.session)
    category_choices = choices([(c.code, c.name_vi) for c in catalogue.categories(db.session)])
    rows = []
    for entry in names:
        pid = entry.product.id
        adopt = failed.get(("adopt", pid)) or forms.AdoptNameForm(
            formdata=None, prefix=f"adopt{pid}", name_vi=entry.product.name_vi, category=entry.product.category_code)
        adopt.category.choices = category_choices
        rows.append((entry, failed.get(("map", pid)) or forms.MapNameForm(formdata=None, prefix=f"map{pid}"), adopt))
    unit_rows = [(entry, failed.get(("unit", entry.unit)) or forms.MapUnitForm(formdata=None, prefix=f"unit{i}"))
                 for i, entry in enumerate(units)]
    return render_template("catalogue/queue.html", rows=rows, unit_rows=unit_rows,
                           categories=categories_with_products(db.session)), status


@bp.route("/staff/catalogue/names/<int:product_id>/map", methods=["POST"])
@role_required("staff")
def map_name(product_id: int):
    typed = _typed_or_404(product_id)
    form = forms.MapNameForm(prefix=f"map{product_id}")
    if not form.validate_on_submit():
        return _render_queue(422, {("map", product_id): form})
    name = typed.name_vi
    with saving(show=_problems_on(form.phrase)) as saved:
        target = catalogue.map_name(db.session, typed, form.phrase.data)
    if not saved:
        return _render_queue(422, {("map", product_id): form})
    flash(_("“%(name)s” now reads as %(product)s; its listings and requests moved with it.",
            name=name, product=target.name_vi), "success")
    return redirect(url_for("catalogue.queue"))


@bp.route("/staff/catalogue/names/<int:product_id>/adopt", methods=["POST"])
@role_required("staff")
def adopt_name(product_id: int):
    typed = _typed_or_404(product_id)
    form = forms.AdoptNameForm(prefix=f"adopt{product_id}")
    form.category.choices = choices([(c.code, c.name_vi) for c in catalogue.categories(db.session)])
    if not form.validate_on_submit():
        return _render_queue(422, {("adopt", product_id): form})
    with saving(form) as saved:
        product = catalogue.adopt_name(db.session, typed, catalogue.Adoption(
            name_vi=form.name_vi.data, name_en=form.name_en.data or "", category=form.category.data,
            synonyms=form.synonyms.data or ""))
    if not saved:
        return _render_queue(422, {("adopt", product_id): form})
    flash(_("%(product)s is now in the catalogue.", product=product.name_vi), "success")
    return redirect(url_for("catalogue.queue"))


@bp.route("/staff/catalogue/units/map", methods=["POST"])
@role_required("staff")
def map_unit():
    typed_unit = (request.form.get("typed_unit") or "")[:40]
    form = forms.MapUnitForm(prefix=request.form.get("prefix", "unit")[:12])
    if not typed_unit or not form.validate_on_submit():
        return _render_queue(422, {("unit", typed_unit): form})
    with saving(show=_problems_on(form.unit)) as saved:
        unit = catalogue.map_unit(db.session, typed_unit, form.unit.data)
    if not saved:
        return _render_queue(422, {("unit", typed_unit): form})
    flash(_("The unit “%(typed)s” now reads as %(unit)s.", typed=typed_unit, unit=unit), "success")
    return redirect(url_for("catalogue.queue"))


def _problems_on(field):
    """Show a refusal on the one field of the queue's form that was sent (the page holds many)."""
    def show(error) -> None:
        field.errors = list(error.fields.get(field.short_name, [error.message]))
    return show


def _typed_or_404(product_id: int):
    return get_or_404(catalogue.get_typed_name, db.session, product_id)
