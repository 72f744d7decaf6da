"""Price board pages: the public board (/prices) and a product's prices (/prices/<id>: chart,
table, reference rows, what the platform saw, the watch form); staff enter, edit and delete
reference prices (/staff/prices); a small JSON answer for the listing form's reference line.
Views parse, authorise, call a service, commit once."""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from marketplace import db, formatting, price_reference
from marketplace.access import public, role_required, signed_in
from marketplace.dates import today_in_vietnam
from marketplace.errors import or_404
from marketplace.forms import CsrfForm
from marketplace.market import alerts, chart, forms, jobs, observed, prices, rules
from marketplace.market.labels import MARKET_LABELS, OBSERVED_LABELS
from marketplace.market.models import ReferencePrice
from marketplace.notifications.wording import word_notices
from marketplace.products.models import Category, Product
from marketplace.products.naming import title_en
from marketplace.products.services import find_product
from marketplace.saving import form_page, posted, raise_if_problems, saving, submitted
from marketplace.vietnamese import fold

bp = Blueprint("market", __name__)
word_notices(bp, alerts.PREFIX, alerts.describe_notice)
SELLER_MARKETS = ("farm_gate", "wholesale")  # what a seller compares their price with


@bp.record_once
def _register(state) -> None:
    jobs.init_app(state.app)
    price_reference.register(state.app, reference_lines, "market.reference_json")


@bp.app_context_processor
def _labels() -> dict:
    return {"market_labels": MARKET_LABELS, "observed_labels": OBSERVED_LABELS, "product_label": product_label}


def product_label(product: Product) -> str:
    """A product's name in the reader's language."""
    return (product.name_en or product.name_vi) if formatting.language() == "en" else product.name_vi


def reference_lines(session, product_id: int) -> list[price_reference.ReferenceLine]:
    """The latest farm-gate and wholesale prices of a product (the listing form shows them)."""
    rows = [r for r in prices.board(session, today_in_vietnam(), prices.BoardFilter(product_id=product_id))
            if r.market in SELLER_MARKETS]
    return [price_reference.ReferenceLine(
        r.market, " · ".join(part for part in (str(MARKET_LABELS[r.market]), r.variety) if part),
        r.price_min_vnd, r.price_max_vnd, r.unit, r.latest_on) for r in rows]


# --- the public board ---------------------------------------------------------------------------

@bp.route("/prices")
@public
def board():
    chosen = prices.BoardFilter(category=request.args.get("category", "")[:40],
                                market=request.args.get("market", "")[:20], q=request.args.get("q", "")[:100])
    categories = list(db.session.scalars(select(Category).order_by(Category.position)))
    rows = prices.board(db.session, today_in_vietnam(), chosen)
    return render_template("market/board.html", rows=rows, chosen=chosen, categories=categories,
                           updated=prices.last_update(db.session))


def week_text(monday) -> str:
    """A week on the chart's axis and in its table, by its Monday: "07/12" or "7 Dec"."""
    lang = formatting.language()
    return format_date(monday, "dd/MM" if lang == "vi" else "d MMM", locale=lang)


@bp.route("/prices/<int:product_id>")
@public
def product(product_id: int):
    item = or_404(db.session.get(Product, product_id))
    today = today_in_vietnam()
    varieties = prices.varieties_of(db.session, item.id)
    asked = request.args.get("variety", "")[:120]
    variety = next((v for v in varieties if fold(v) == fold(asked)), varieties[0] if varieties else None)
    mondays, series = prices.weekly_series(db.session, item.id, today, variety=variety)
    labels = [week_text(m) for m in mondays]
    unit = series[0].unit if series else None
    unit_text = formatting.unit(unit) if unit else ""
    name = title_en(item, variety or "") if formatting.language() == "en" else f"{item.name_vi} {variety or ''}".strip()
    title = _("Weekly prices of %(product)s, in thousand đồng per %(unit)s", product=name, unit=unit_text)
    table_title = _("Weekly prices of %(product)s, in đồng per %(unit)s", product=name, unit=unit_text)
    desc = _describe(series, labels)
    svg = chart.price_chart([chart.Line(str(MARKET_LABELS[s.market]), s.points) for s in series], labels,
                            title=title, desc=desc, y_label=_("thousand ₫/%(unit)s", unit=unit_text),
                            empty=_("No price in these weeks."))
    watch = prices.watch_of(db.session, current_user, item.id) if current_user.is_authenticated else None
    form = forms.WatchForm(obj=None)
    if watch is not None:
        form.market.data, form.threshold_pct.data = watch.market, str(watch.threshold_pct)
    return render_template("market/product.html", product=item, varieties=varieties, variety=variety, svg=Markup(svg),  # noqa: S704  # nosec B704  # escaped in chart.py
                           chart_title=title, table_title=table_title, mondays=mondays, labels=labels, series=series,
                           history=prices.history(db.session, item.id),
                           seen=observed.weekly_medians(db.session, item.id, today, variety=variety),
                           min_sellers=rules.MIN_SELLERS,
                           watch=watch, form=form, button=CsrfForm())


def _describe(series, labels) -> str:
    """The chart in one sentence per market: where it started and ended over the weeks shown."""
    parts = []
    for line in series:
        known = [(labels[i], v) for i, v in enumerate(line.points) if v is not None]
        if known:
            (first_at, first), (last_at, last) = known[0], known[-1]
            parts.append(_("%(market)s: %(first)s on %(first_at)s, %(last)s on %(last_at)s.",
                           market=MARKET_LABELS[line.market], first=formatting.money(first), first_at=first_at,
                           last=formatting.money(last), last_at=last_at))
    return " ".join(parts) or _("No price in these weeks.")


@bp.route("/prices/<int:product_id>/watch", methods=["POST"])
@signed_in
def watch(product_id: int):
    item = or_404(db.session.get(Product, product_id))
    form = forms.WatchForm()
    if posted(form):
        with saving(done=_("We will tell you when this price moves that much in a week.")):
            prices.unwatch(db.session, current_user, item.id)
            threshold = form.threshold_pct.data or "15"
            prices.watch(db.session, current_user, item, market=form.market.data or "",
                         threshold_pct=int(threshold) if threshold.isdecimal() and len(threshold) < 3 else 15)
    return redirect(url_for("market.product", product_id=item.id) + "#watch")


@bp.route("/prices/<int:product_id>/unwatch", methods=["POST"])
@signed_in
def unwatch(product_id: int):
    item = or_404(db.session.get(Product, product_id))
    if posted(CsrfForm()):
        with saving(done=_("You will no longer hear of this product's prices.")):
            prices.unwatch(db.session, current_user, item.id)
    return redirect(url_for("market.product", product_id=item.id) + "#watch")


@bp.route("/prices/reference.json")
@public
def reference_json():
    """The latest farm-gate and wholesale prices of the product typed (or its id): the listing
    form refreshes its reference line with it when the product changes."""
    text = request.args.get("product", "")[:120]
    item = db.session.get(Product, int(text)) if text.isdecimal() and len(text) < 10 else (
        find_product(db.session, text) if text.strip() else None)
    lines = reference_lines(db.session, item.id) if item is not None else []
    return jsonify({"product": item.name_vi if item else None, "results": [
        {"market": line.market, "label": line.label, "price_min_vnd": line.price_min_vnd,
         "price_max_vnd": line.price_max_vnd, "unit": line.unit, "observed_on": line.observed_on.isoformat(),
         "text": _("%(label)s: %(price)s/%(unit)s on %(day)s", label=line.label, price=_span(line),
                   unit=formatting.unit(line.unit), day=formatting.day(line.observed_on))}
        for line in lines]})


def _span(line) -> str:
    if line.price_min_vnd == line.price_max_vnd:
        return formatting.money(line.price_min_vnd)
    return f"{formatting.money(line.price_min_vnd)}–{formatting.money(line.price_max_vnd)}"


# --- staff --------------------------------------------------------------------------------------

def _input(form: forms.PriceForm) -> prices.PriceInput:
    return prices.PriceInput(product=form.product.data or "", variety=form.variety.data or "",
                             market=form.market.data or "", observed_on=form.observed_on.data or "",
                             price=form.price.data or "", unit=form.unit.data or "", place=form.place.data or "",
                             commune_code=form.commune_code.data or "", source=form.source.data or "",
                             note=form.note.data or "")


@bp.route("/staff/prices", methods=["GET", "POST"])
@role_required("staff")
def staff():
    form = forms.PriceForm()
    if request.method == "GET":
        form.observed_on.data = form.observed_on.data or today_in_vietnam().strftime("%d/%m/%Y")
    if submitted(form):
        with saving(form, done=_("The price is saved.")) as saved:
            prices.save_price(db.session, _input(form), current_user, today=today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("market.staff"))
    return form_page("market/staff.html", form, recent=prices.recent(db.session), button=CsrfForm(),
                     price=None)


def _price(price_id: int) -> ReferencePrice:
    return or_404(db.session.get(ReferencePrice, price_id))


@bp.route("/staff/prices/<int:price_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(price_id: int):
    price = _price(price_id)
    form = forms.PriceForm(data=prices.as_typed(price) if request.method == "GET" else None)
    if submitted(form):
        with saving(form, done=_("Your changes are saved.")) as saved:
            prices.save_price(db.session, _input(form), current_user, today=today_in_vietnam(), price=price)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("market.staff"))
    return form_page("market/staff.html", form, recent=[], button=CsrfForm(), price=price)


@bp.route("/staff/prices/<int:price_id>/delete", methods=["POST"])
@role_required("staff")
def delete(price_id: int):
    price = _price(price_id)
    if posted(CsrfForm()):
        with saving(done=_("The price is deleted.")):
            prices.delete_price(db.session, price)
    return redirect(url_for("market.staff"))

