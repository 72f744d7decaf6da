"""API v1 for listings: on sale now, one listing, a new listing."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import public
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import can_list_for, can_manage_supply
from marketplace.api import caller, schemas
from marketplace.api.blueprint import YES, blp, conflict_if, listed, signed_in_endpoint, text_of
from marketplace.cooperatives import sharing
from marketplace.credentials import rules as credential_rules
from marketplace.credentials import services as credentials
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.listings import services as listings


@blp.route("/listings")
@public
@blp.arguments(schemas.ListingQuerySchema, location="query")
@blp.response(200, schemas.ListingListSchema)
def list_listings(query: dict):
    """Listings on sale now (published, in their window, something left), or one import `ref`."""
    if query.get("ref"):
        found = listings.listing_by_ref(db.session, query["ref"])
        visible = [found] if found is not None and _may_see(found) else []
    else:
        org = accounts.get_organization(db.session, query["org"]) if query.get("org") else None
        visible = listings.public_listings(db.session, today=caller.today(), org=org, limit=200)
    return listed(visible)


@blp.route("/listings/<int:listing_id>")
@public
@blp.response(200, schemas.ListingSchema)
def get_listing(listing_id: int):
    """One listing; drafts only for the organisation that owns them."""
    listing = listings.get_listing(db.session, listing_id)
    if not _may_see(listing):
        raise NotFound(_("We could not find that listing."))
    return listing


def _may_see(listing) -> bool:
    return listing.status != "draft" or can_manage_supply(current_user, listing.organization)


@signed_in_endpoint("/listings", methods=("POST",), arguments=schemas.ListingInputSchema,
                    response=(201, schemas.ListingSchema))
def create_listing(body: dict):
    """Create a listing for the caller's organisation (published unless `publish` is false).

    422 with a message per field for anything wrong: unknown product or unit, a text that is
    not a number, a window that ends before it starts, a minimum order above the quantity…
    """
    org = current_user.organization
    if not can_list_for(current_user, org):
        raise PermissionDenied(_("Only a club or cooperative can list produce."))
    usable = sharing.usable_codes(db.session, org, lock=True)
    certificate_ids, code_ids = _credential_ids(org, body.get("certificates"), body.get("planting_codes"), usable)
    data = listings.ListingInput(
        ref=text_of(body.get("ref")) or None, product=text_of(body.get("product")),
        variety=text_of(body.get("variety")), grade=text_of(body.get("grade")), quantity=body.get("quantity"),
        unit=text_of(body.get("unit")), min_order=body.get("min_order"), price_vnd=body.get("price_vnd"),
        price_negotiable=body.get("price_negotiable") in YES,
        available_from=body.get("available_from"), available_to=body.get("available_to"),
        delivery_area=text_of(body.get("delivery_area")), description=text_of(body.get("description")),
        producer_name=text_of(body.get("producer_name")), certificate_ids=certificate_ids,
        planting_code_ids=code_ids, household_id=_household_id(body.get("household_id")),
    )

    def taken() -> bool:
        return bool(data.ref) and listings.listing_by_ref(db.session, data.ref) is not None

    if taken():
        raise Conflict(_("A listing with this reference already exists."))
    with conflict_if(taken, _("A listing with this reference already exists.")):
        listing = listings.save_listing(db.session, org, data, current_user, today=caller.today(),
                                        publish=body.get("publish") not in (False, "false", "no", 0, "0"),
                                        usable_codes=usable)
        db.session.commit()
    return listing, 201


def _household_id(value) -> int | None:
    """The household named by id; anything else that is not empty names none that exists (0), so
    that the listing's rules answer "choose one of the club's households"."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0  # not "²"


def _credential_ids(org, certificate_numbers, codes, usable) -> tuple[list[int], list[int]]:
    """Map the org's certificate numbers and codes (its own, and its cooperatives' shared codes while
    it is a member: the memberships stay locked until the listing is committed) to ids; an unknown
    one is a field error. A code another organisation holds and does not share with it is flagged
    for staff as code borrowing (the flag is kept although the listing is refused)."""
    fields: dict[str, list[str]] = {}
    borrowed: list[str] = []
    own_certificates = {c.number: c.id for c in credentials.certificates_of(db.session, org)}
    own_codes = {c.code: c.id for c in usable}
    result = []
    for name, values, own in (("certificates", certificate_numbers, own_certificates),
                              ("planting_codes", codes, own_codes)):
        if isinstance(values, str):
            values = [v for v in values.split(";") if v.strip()]
        elif values is not None and not isinstance(values, list):
            values = [values]  # one number given without a list: checked like any other, not a 500
        ids = []
        for value in values or []:
            # Numbers are stored normalised (VIETGAP-TT-…, a GGN without spaces): match them as typed.
            text = str(value)
            keys = ([credential_rules.normalize_code(text)] if name == "planting_codes" else
                    [text.strip(), credential_rules.normalize_code(text), re.sub(r"[\s.\-]", "", text)])
            key = next((k for k in keys if k in own), None)
            if key is None:
                fields.setdefault(name, []).append(_("%(value)s is not one of your organisation's.", value=value))
                if name == "planting_codes":
                    borrowed.append(keys[0])
            else:
                ids.append(own[key])
        result.append(ids)
    if fields:
        if _flag_borrowed(org, borrowed):
            db.session.commit()  # the flags stay: staff see who tried to use whose code
        raise ValidationError(_("Some fields need attention."), fields=fields)
    return result[0], result[1]


def _flag_borrowed(org, codes: list[str]) -> bool:
    flagged = False
    # A code of one of the club's own cooperatives (pending, expired) is not borrowing: not usable now.
    own_cooperatives = set(sharing.active_cooperative_ids(db.session, org.id))
    for code in codes:
        holder = credentials.holder_of_code(db.session, code)
        if holder is not None and holder.id != org.id and holder.id not in own_cooperatives:
            credentials.flag_claim(db.session, credentials.HeldByAnother("planting_codes", "code_held", code, holder),
                                   org, current_user)
            flagged = True
    return flagged
