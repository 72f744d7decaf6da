"""The public trace page of a lot and its labels.

- /t/<code> (public, no sign-in): what the lot is and where it comes from (trace.py).
- /01/<gtin>/10/<code> (public): the GS1 Digital Link form; the GTIN must be the lot's own. Further
  AIs after the lot (/21/<serial>, /17/<date>…) and query parameters are ignored.
- /t/<code>/qr.svg, /t/<code>/qr.png (public): the QR code of the label's address.
- /lots/<code>/labels.pdf (the lot's club members and staff): an A4 sheet of labels (?count=).

An unknown code, a code that cannot be one, and a GS1 address whose GTIN is not the lot's all get
the same 404 page ("Mã lô không có trong hệ thống"), after the same one lookup. Only 404s count
towards NOT_FOUND_LIMIT per address (pages of real lots never do, so many phones behind one market
wifi are fine); an address past it is answered 429 for the rest of the minute: no help in guessing.

Scans: a label's QR code opens public_url('/t/<code>?s=1'). A GET with the marker counts one scan
(one conditional UPDATE lots SET scan_count = scan_count + 1) and redirects to the clean address,
so the page read and bookmarked is the same with or without it. A client is counted once per lot
per SEEN_HOURS: the lots it was counted for are kept in a short signed cookie ("trace_seen": lot ids
and times, nothing else); a client that drops cookies is bounded per IP address and lot by the
rate limiter's storage (SCANS_PER_ADDRESS) — a reload loop cannot inflate the count.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse as parse_limit
from sqlalchemy import update

from marketplace import db, formatting, qr
from marketplace.access import public, signed_in
from marketplace.accounts.permissions import member_or_staff
from marketplace.extensions import limiter
from marketplace.links import public_url
from marketplace.traceability import label_pdf, trace
from marketplace.traceability import trace_rules as rules
from marketplace.traceability.labels import TRACE_EVENT_LABELS, TRACE_VALIDITY_LABELS
from marketplace.traceability.models import Lot

bp = Blueprint("trace", __name__)

SEEN_COOKIE = "trace_seen"
SEEN_HOURS = 12
SEEN_MAX_LOTS = 40
SCANS_PER_ADDRESS = parse_limit("10/hour")  # counted scans of one lot from one IP address
NOT_FOUND_LIMIT = "60/minute"  # 404s per address: no help in enumerating codes
QR_LIMIT = "30/minute"  # QR images (SVG and PNG together) per address, found or not (drawing one costs CPU)
_IMPOSSIBLE = "\x01"  # looked up in place of a code that cannot be one: the same work, no row


@bp.context_processor
def _trace_words() -> dict:
    return {"trace_event_labels": TRACE_EVENT_LABELS, "trace_validity_labels": TRACE_VALIDITY_LABELS}


def _lot_or_none(code: str) -> Lot | None:
    wanted = rules.normalize_lot_code(code)
    return trace.find_lot(db.session, wanted or _IMPOSSIBLE)


def _not_in_the_system():
    db.session.rollback()
    response = make_response(render_template("traceability/not_found.html"), 404)
    response.headers["Cache-Control"] = "no-store"
    return response


def _is_404(response) -> bool:
    return response.status_code == 404


def trace_url(code: str) -> str:
    """The address a label's QR code opens: the public trace page, with the scan marker."""
    return public_url("trace.show", code=code, **{rules.SCAN_MARKER: "1"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="trace-seen")


def _seen() -> dict[str, int]:
    """{lot id: when it was counted} for this client, from its signed cookie (recent ones only)."""
    raw = request.cookies.get(SEEN_COOKIE, "")
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw, max_age=SEEN_HOURS * 3600)
    except BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    now = int(time.time())
    return {str(k): int(v) for k, v in data.items()
            if isinstance(v, int) and now - v < SEEN_HOURS * 3600}


def _count_scan(lot: Lot, seen: dict[str, int]) -> bool:
    """Counts one scan of `lot` unless this client was counted for it lately; True when counted."""
    if str(lot.id) in seen:
        return False
    if limiter.enabled and not limiter.limiter.hit(SCANS_PER_ADDRESS, "trace-scan", request.remote_addr or "",
                                                   str(lot.id)):
        return False
    lot_id = lot.id
    db.session.commit()  # ends the read transaction
    with db.writing():
        db.session.execute(update(Lot).where(Lot.id == lot_id).values(scan_count=Lot.scan_count + 1))
        db.session.commit()
    return True


def _scanned_then_redirect(lot: Lot, clean_url: str):
    seen = _seen()
    if _count_scan(lot, seen):
        seen[str(lot.id)] = int(time.time())
    response = redirect(clean_url, 303)
    recent = dict(sorted(seen.items(), key=lambda item: item[1])[-SEEN_MAX_LOTS:])
    response.set_cookie(SEEN_COOKIE, _serializer().dumps(recent), max_age=SEEN_HOURS * 3600, httponly=True,
                        samesite="Lax", secure=request.is_secure, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


def _clean_args() -> dict:
    lang = request.args.get("lang")
    return {"lang": lang} if lang in ("vi", "en") else {}


def _page(lot: Lot):
    view = trace.read_trace(db.session, lot, formatting.language())
    # Not cached as public: the page carries the site's header (a form token, the reader's menu).
    return render_template("traceability/trace.html", view=view, canonical=public_url("trace.show", code=lot.code))


@bp.route("/t/<code>")
@public
@limiter.limit(NOT_FOUND_LIMIT, deduct_when=_is_404)
def show(code: str):
    lot = _lot_or_none(code)
    if lot is None:
        return _not_in_the_system()
    if request.args.get(rules.SCAN_MARKER) is not None or lot.code != code:
        if request.args.get(rules.SCAN_MARKER) is not None:
            return _scanned_then_redirect(lot, url_for("trace.show", code=lot.code, **_clean_args()))
        return redirect(url_for("trace.show", code=lot.code, **_clean_args()), 301)
    return _page(lot)


@bp.route("/01/<gtin>/10/<code>")
@bp.route("/01/<gtin>/10/<code>/<path:more>")
@public
@limiter.limit(NOT_FOUND_LIMIT, deduct_when=_is_404)
def gs1(gtin: str, code: str, more: str = ""):
    """GS1 Digital Link: /01/<gtin>/10/<lot>[/<more AIs>]. A wrong GTIN is the same 404 as an
    unknown lot."""
    lot = _lot_or_none(code)
    if lot is None or not rules.gs1_matches(lot.gtin, gtin):
        return _not_in_the_system()
    if request.args.get(rules.SCAN_MARKER) is not None:
        return _scanned_then_redirect(lot, url_for("trace.gs1", gtin=lot.gtin, code=lot.code, **_clean_args()))
    return _page(lot)


@bp.route("/t/<code>/qr.svg")
@public
@limiter.limit(NOT_FOUND_LIMIT, deduct_when=_is_404)
@limiter.shared_limit(QR_LIMIT, scope="trace-qr")
def qr_svg(code: str):
    lot = _lot_or_none(code)
    if lot is None:
        return _not_in_the_system()
    return Response(qr.svg(trace_url(lot.code)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/t/<code>/qr.png")
@public
@limiter.limit(NOT_FOUND_LIMIT, deduct_when=_is_404)
@limiter.shared_limit(QR_LIMIT, scope="trace-qr")
def qr_png(code: str):
    lot = _lot_or_none(code)
    if lot is None:
        return _not_in_the_system()
    scale = 8 if request.args.get("size") == "large" else 4
    return Response(qr.png(trace_url(lot.code), scale=scale), mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=86400"})


def label_content(lot: Lot, view: trace.TraceView) -> label_pdf.LabelContent:
    areas = sorted({o.growing_area.code for o in view.origins if o.growing_area is not None})
    words = {"lot": _("Lot"), "area": _("Growing area"), "house": _("Packing house"),
             "harvested": _("Harvested"), "packed": _("Packed"), "best_before": _("Best before")}
    return label_pdf.LabelContent(
        product=view.product, variety=view.variety, code=lot.code, growing_areas=", ".join(areas),
        packing_house=view.packing_house.code if view.packing_house else "", harvested_on=view.harvested_on,
        packed_on=view.packed_on, best_before=view.best_before, url=trace_url(lot.code),
        words={k: str(v) for k, v in words.items()})


@bp.route("/lots/<code>/labels.pdf")
@signed_in
def labels_pdf(code: str):
    """An A4 sheet of `count` labels (1–60, 24 by default) for the lot's club members and staff;
    404 for anyone else, as for a lot that does not exist."""
    lot = _lot_or_none(code)
    if lot is None or not member_or_staff(current_user, lot.organization_id):
        return _not_in_the_system()
    lang = formatting.language()
    view = trace.read_trace(db.session, lot, lang)
    content = label_content(lot, view)
    db.session.commit()  # everything is read: no transaction stays open while the PDF is made
    data = label_pdf.build(content, rules.label_count(request.args.get("count")), lang)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="labels-{lot.code.replace(chr(34), "")}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
