"""The demand sheet: buyers' requests through demand.services.save_demand, open as given (ended
when their dates have passed); only a buyer organisation posts one."""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.accounts import rules as account_rules
from marketplace.demand import rules as demand_rules
from marketplace.demand import services as demand
from marketplace.imports import summaries
from marketplace.imports.cells import RowCheck
from marketplace.imports.handlers import goods
from marketplace.imports.readers import Row, normalize_name
from marketplace.imports.run import ImportRun, handles, holder

# demand.services.save_demand's field names → the sheet's columns
DEMAND_FIELDS = {"quality_notes": "description"}
FREQUENCY_ALIASES = {
    "mot_lan": "once", "1_lan": "once", "hang_tuan": "weekly", "moi_tuan": "weekly",
    "hang_thang": "monthly", "moi_thang": "monthly", "theo_mua": "seasonal", "theo_vu": "seasonal",
}
DEMAND_CERTIFICATE_ALIASES = {"huuco": "organic"}


@handles("demand")
def import_demand(run: ImportRun, rows: list[Row]) -> None:
    """Buyers' requests through save_demand; imported requests are open, as given (ended when
    their dates have passed)."""
    sheet = "demand"
    seen: dict[str, int] = {}
    known_categories = goods.categories(run)
    for row, ref, org in goods.owned_rows(run, sheet, rows, DEMAND_FIELDS, seen):
        if org is not None and org.kind not in account_rules.BUYING_KINDS:
            row.add("org_ref", _("The organisation %(ref)s does not buy: requests are posted by a business, "
                                 "supermarket, trader, exporter, club or cooperative.", ref=org.ref))
            org = None
        product_text = row.text("product", 120)
        category = goods.read_category(run, row, known_categories, product_text)
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
        existing = demand.demand_by_ref(run.db, ref) if ref else None
        # (a repeated ref is reported once, as a repeat)
        if (existing is not None and org is not None and existing.organization_id != org.id
                and seen.get(ref) == row.number):
            row.add("ref", _("This request ref belongs to another organisation (%(holder)s).",
                             holder=holder(existing.organization)))
            org = None
        # As given: an imported request is open (and checked as one), or ended when its dates have passed.
        status = goods.ENDED if goods.has_passed(row.raw("needed_to"), run.today) else "open"
        if org is None:
            data.ref = None  # the stand-in must not collide with a stored request's ref
            run.check_without_org(row, lambda standin, data=data, status=status: demand.save_demand(
                run.db, standin, data, run.user, today=run.today, status=status))
            continue
        request = None
        with run.savepoint(row):
            request = demand.save_demand(run.db, org, data, run.user, today=run.today, demand=existing,
                                         status=status)
        if row.ok and request is not None:
            run.stored(row, existing is None, ref, summaries.demand(request))
            if status == goods.ENDED:
                row.warn("needed_to", _("The needed dates are over: stored as ended (not open to offers, "
                                        "not searchable, not matched)."))
            goods.warn_kept_as_typed(row, request)


def _demand_certificates(row: RowCheck) -> list[str]:
    """`VietGAP; Global GAP; hữu cơ; OCOP` → ["vietgap", "globalgap", "organic", "ocop"]; the service
    checks them (and reads `ocop` as a valid OCOP rating of min_ocop_stars, else 3 stars)."""
    kinds = []
    for token in row.items("required_certificates"):
        key = normalize_name(token).replace("_", "")
        kinds.append(DEMAND_CERTIFICATE_ALIASES.get(key, key))
    return kinds
