"""The demand sheet: buyers' requests through demand.services.save_demand, open as given (ended
when their dates have passed); only a buyer organisation posts one."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts import rules as account_rules
from marketplace.demand import rules as demand_rules
from marketplace.demand import services as demand
from marketplace.demand.models import DemandPost
from marketplace.imports import summaries
from marketplace.imports.cells import RowCheck
from marketplace.imports.handlers import goods
from marketplace.imports.readers import Row, display_value, normalize_name
from marketplace.imports.run import ImportRun, handles, holder
from marketplace.vietnamese import clean

# demand.services.save_demand's field names → the sheet's columns
DEMAND_FIELDS = {"quality_notes": "description"}
FREQUENCY_ALIASES = {
    "mot_lan": "once", "1_lan": "once", "hang_tuan": "weekly", "moi_tuan": "weekly",
    "hang_thang": "monthly", "moi_thang": "monthly", "theo_mua": "seasonal", "theo_vu": "seasonal",
}
DEMAND_CERTIFICATE_ALIASES = {"huuco": "organic"}


BATCH_ROWS = 500  # rows written by one flush
SHEET = "demand"


@handles("demand")
def import_demand(run: ImportRun, rows: list[Row]) -> None:
    """Buyers' requests through save_demand; imported requests are open, as given (ended when
    their dates have passed).

    As the listings sheet (issue #21): rows are checked one by one and written BATCH_ROWS at a
    time, in one flush (and one write of the change log) per batch; a row with a problem still gets
    its own savepoint; if the database refuses a batch, its rows are imported again one savepoint
    each, which names the row at fault exactly as a row-by-row import does. The stored requests the
    sheet's refs name are read in a few queries, not one a row. Matching is not run here: the change
    log the flush writes is what the worker matches from."""
    state = _SheetState(goods.categories(run), _stored_requests(run, rows))
    run.in_batches(SHEET, rows, lambda batch: _import_rows(run, batch, state), state, BATCH_ROWS)


@dataclass
class _SheetState:
    categories: list
    stored: dict[str, DemandPost]  # ref → request, stored before or by an earlier row
    seen: dict[str, int] = field(default_factory=dict)  # ref → its first row in the sheet


def _import_rows(run: ImportRun, rows: list[Row], state: _SheetState) -> None:
    stored, seen = state.stored, state.seen
    for row, ref, org in goods.owned_rows(run, SHEET, rows, DEMAND_FIELDS, seen):
        if org is not None and org.kind not in account_rules.BUYING_KINDS:
            row.add("org_ref", _("The organisation %(ref)s does not buy: requests are posted by a business, "
                                 "supermarket, trader, exporter, club or cooperative.", ref=org.ref))
            org = None
        product_text = row.text("product", 120)
        category = goods.read_category(run, row, state.categories, product_text)
        data = demand.DemandInput(
            product=product_text, variety=row.text("variety", 120),
            quantity=row.raw("quantity"), unit=row.text("unit", 40),
            needed_from=row.raw("needed_from"), needed_to=row.raw("needed_to"),
            # A frequency that is not one of ours is reported here; the service then checks the rest.
            frequency=row.choice("frequency", demand_rules.FREQUENCIES, aliases=FREQUENCY_ALIASES,
                                 default="once") or "once",
            commune_code=row.commune("commune_code"),
            price_min_vnd=row.raw("price_min_vnd"), price_max_vnd=row.raw("price_max_vnd"),
            required_certificates=_demand_certificates(row),
            min_ocop_stars=row.whole("min_ocop_stars"),
            needs_planting_code=row.yes_no("needs_planting_code"),
            export_market=row.text("export_market", 40),
            quality_notes=row.long_text("description")[:demand_rules.MAX_TEXT["quality_notes"]],  # told once
            ref=ref or None, category=category,
        )
        existing = stored.get(ref) if ref else None
        # (a repeated ref is reported once, as a repeat; organization, not organization_id: a request
        # of this batch has no organization_id before its flush)
        if (existing is not None and org is not None and existing.organization.id != org.id
                and seen.get(ref) == row.number):
            row.add("ref", _("This request ref belongs to another organisation (%(holder)s).",
                             holder=holder(existing.organization)))
            org = None
        # As given: an imported request is open (and checked as one), or ended when its dates have passed.
        status = goods.ENDED if goods.has_passed(row.raw("needed_to"), run.today) else "open"
        if org is None:
            data.ref = None  # the stand-in must not collide with a stored request's ref
            run.flush_batch()  # the stand-in's flush must not be the one that writes the batch
            run.check_without_org(row, lambda standin, data=data, status=status: demand.save_demand(
                run.db, standin, data, run.user, today=run.today, status=status))
            continue
        request = None
        with run.savepoint(row):
            request = demand.save_demand(run.db, org, data, run.user, today=run.today, demand=existing,
                                         status=status, flush=not run.batching)
        if row.ok and request is not None:
            if ref:
                stored[ref] = request  # a later row with the same ref finds it (and is told)
            run.stored(row, existing is None, ref, summaries.demand(request))
            if status == goods.ENDED:
                row.warn("needed_to", _("The needed dates are over: stored as ended (not open to offers, "
                                        "not searchable, not matched)."))
            goods.warn_kept_as_typed(row, request)


def _stored_requests(run: ImportRun, rows: list[Row]) -> dict[str, DemandPost]:
    """The stored requests the sheet's refs name, read in a few queries instead of one a row."""
    refs = sorted({_ref_as_read(values["ref"]) for _number, values in rows if values.get("ref") is not None} - {""})
    found: dict[str, DemandPost] = {}
    for start in range(0, len(refs), 500):
        query = select(DemandPost).where(DemandPost.ref.in_(refs[start:start + 500]))
        found.update((request.ref, request) for request in run.db.scalars(query))
    return found


def _ref_as_read(value) -> str:
    """A ref cell as RowCheck.text reads it (cleaned, at most 60 characters)."""
    if isinstance(value, list):
        value = ";".join(display_value(v) for v in value)
    return clean(display_value(value))[:60]


def _demand_certificates(row: RowCheck) -> list[str]:
    """`VietGAP; Global GAP; hữu cơ; OCOP` → ["vietgap", "globalgap", "organic", "ocop"]; the service
    checks them (and reads `ocop` as a valid OCOP rating of min_ocop_stars, else 3 stars)."""
    kinds = []
    for token in row.items("required_certificates"):
        key = normalize_name(token).replace("_", "")
        kinds.append(DEMAND_CERTIFICATE_ALIASES.get(key, key))
    return kinds
