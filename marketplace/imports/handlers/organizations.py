"""The organizations sheet: kind, name and ref through create_organization; the rest through
update_profile; `founded_from_ref` links once every row is in."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts import rules as account_rules
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.imports import summaries
from marketplace.imports.cells import RowCheck
from marketplace.imports.readers import Row, display_value
from marketplace.imports.run import ImportRun, handles
from marketplace.vietnamese import clean

ORG_KIND_ALIASES = {
    "hoi_quan": "club", "hop_tac_xa": "cooperative", "htx": "cooperative", "to_hop_tac": "coop_group",
    "doanh_nghiep": "business", "sieu_thi": "supermarket", "thuong_lai": "trader",
    "doanh_nghiep_xuat_khau": "exporter", "co_quan": "agency",
}


# accounts.services.update_profile's field names → the sheet's columns
ORG_FIELDS = {"members_count": "members"}


@handles("organizations")
def import_organizations(run: ImportRun, rows: list[Row]) -> None:
    """Kind, name and ref through create_organization; the rest through update_profile (phone,
    e-mail and member checks), for a new organisation and an existing one alike."""
    sheet = "organizations"
    seen: dict[str, int] = {}
    founded: list[tuple[RowCheck, str, Organization | None, str]] = []
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = dict(ORG_FIELDS)
        ref = row.text("ref", 60, required=True)
        row.unique(seen, ref, "ref")
        kind = row.choice("kind", account_rules.ORG_KINDS, aliases=ORG_KIND_ALIASES, required=True)
        name = row.text("name", 200, required=True, required_message=_("Enter the organisation's name."))
        founded_on = row.date("founded_on")
        profile = {
            "name": name,
            "commune_code": row.commune("commune_code"),
            "address": row.text("address", 300),
            "phone": _phone_text(row.raw("phone")),
            "zalo": _phone_text(row.raw("zalo")),
            "email": row.text("email", 254),
            "members_count": row.whole("members"),
            "tourism": row.yes_no("tourism"),
            "description": row.long_text("description"),
        }
        parent_ref = row.text("founded_from_ref", 60)
        org = None
        created = False
        if ref and kind and name:
            with run.savepoint(row):
                org = run.db.scalar(select(Organization).where(Organization.ref == ref))
                created = org is None
                if org is None:
                    org = accounts.create_organization(run.db, kind=kind, name=name, ref=ref,
                                                       founded_on=founded_on)
                accounts.update_profile(run.db, org, profile)
                # The kind after the profile (which reports a rename): a club re-imported as another
                # kind is told to verification too, so its badge does not outlive what staff checked.
                kind_before, org.kind, org.founded_on = org.kind, kind, founded_on
                accounts.identity_changed(run.db, org, None, {"kind": kind_before})
        else:
            run.check_without_org(row, lambda standin, profile=profile: accounts.update_profile(
                run.db, standin, {k: v for k, v in profile.items() if k != "name"}))
        if row.ok and org is not None:
            run.orgs[ref] = org
            run.stored(row, created, ref, summaries.organization(org))
        else:
            org = None
            if ref not in run.orgs:  # a repeated ref is a problem of the repeat, not of the first row
                run.mark_failed(sheet, ref)
        founded.append((row, ref, org, parent_ref))
    # A cooperative may come before the club it grew from: links are made once every row is in.
    # A wrong link is a problem of its row (so the import fails), but the organisation itself is
    # fine for the rows of later sheets that refer to it.
    for row, ref, org, parent_ref in founded:
        parent = _founding_club(run, row, ref, parent_ref)
        if org is not None:
            org.founded_from = parent
    run.db.flush()


def _phone_text(value: Any) -> str:
    """A phone number typed into a number cell loses its leading 0 (912345678): put it back."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        return digits if digits.startswith(("0", "84")) else "0" + digits
    return clean(display_value(value)) if value is not None else ""


def _founding_club(run: ImportRun, row: RowCheck, ref: str, parent_ref: str) -> Organization | None:
    column = "founded_from_ref"
    if not parent_ref:
        return None
    if parent_ref == ref:
        row.add(column, _("An organisation cannot be founded from itself."))
        return None
    if parent_ref not in run.orgs and run.has_failed("organizations", parent_ref):
        row.add(column, _("%(value)s has problems of its own in the %(sheet)s sheet.",
                          value=parent_ref, sheet="organizations"))
        return None
    parent = run.orgs.get(parent_ref) or run.db.scalar(
        select(Organization).where(Organization.ref == parent_ref))
    if parent is None:
        row.add(column, _("No club with this ref in the file or the database."))
        return None
    if parent.kind != "club":
        row.add(column, _("The organisation %(ref)s is not a club.", ref=parent_ref))
        return None
    return parent
