"""The listings sheet, through listings.services.save_listing: published as given, or stored as
ended when the available dates are over; the certificates and codes it cites must be the
organisation's own (from this file or already stored), or a code its cooperative shares with it."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import code_sharing
from marketplace.imports import summaries
from marketplace.imports.handlers import goods
from marketplace.imports.handlers.credentials import CERTIFICATES, PLANTING_CODES, cited_ids
from marketplace.imports.readers import Row, display_value
from marketplace.imports.run import ImportRun, handles, holder
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.vietnamese import clean

# listings.services.save_listing's field names → the sheet's columns
LISTING_FIELDS = {"certificate_ids": "certificates", "planting_code_ids": "planting_codes", "status": "ref"}


@handles("listings")
def import_listings(run: ImportRun, rows: list[Row]) -> None:
    sheet = "listings"
    known_categories = goods.categories(run)
    stored = _stored_listings(run, rows)
    usable_by_org: dict[int, list | None] = {}
    for row, ref, org in goods.owned_rows(run, sheet, rows, LISTING_FIELDS, {}):
        product_text = row.text("product", 120)
        category = goods.read_category(run, row, known_categories, product_text)
        certificate_ids = cited_ids(run, row, org, CERTIFICATES) if org else []
        # The cooperative's shared codes too, while the club is its member (memberships locked).
        # Read (and locked) once per organisation: no row of this sheet changes them.
        if org is not None and org.id not in usable_by_org:
            usable_by_org[org.id] = code_sharing.usable_codes(run.db, org, lock=True)
        usable = usable_by_org[org.id] if org is not None else None
        code_ids = cited_ids(run, row, org, PLANTING_CODES, usable) if org else []
        price = row.raw("price_vnd")
        data = listings.ListingInput(
            product=product_text, variety=row.text("variety", 120),
            quantity=row.raw("quantity"), unit=row.text("unit", 40),
            min_order=row.raw("min_order"), price_vnd=price,
            # No negotiable column: an empty price is what a sheet says for "negotiable".
            price_negotiable=price is None,
            available_from=row.raw("available_from"), available_to=row.raw("available_to"),
            description=row.long_text("description"),
            certificate_ids=certificate_ids, planting_code_ids=code_ids, ref=ref or None, category=category,
        )
        # As given: a listing whose window is over is stored as ended, not published (nor refused).
        ended = goods.has_passed(row.raw("available_to"), run.today)
        if org is None:
            data.ref = None  # the stand-in must not collide with a stored listing's ref
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, data, run.user, today=run.today, publish=not ended))
            continue
        existing = stored.get(ref) if ref else None
        if existing is not None and existing.organization_id != org.id:
            row.add("ref", _("This listing ref belongs to another organisation (%(holder)s).",
                             holder=holder(existing.organization)))
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, _without_ref(data), run.user, today=run.today, publish=not ended))
            continue
        listing = None
        with run.savepoint(row):
            if ended and existing is not None:
                existing.status = goods.ENDED  # so that it is not checked as a published listing
            listing = listings.save_listing(run.db, org, data, run.user, today=run.today, listing=existing,
                                            publish=not ended, usable_codes=usable)
            if ended:
                listing.status = goods.ENDED
                run.db.flush()
        if row.ok and listing is not None:
            if ref:
                stored[ref] = listing  # a later row with the same ref finds it (and is told)
            run.stored(row, existing is None, ref, summaries.listing(listing))
            if ended:
                row.warn("available_to", _("The available dates are over: stored as ended (not on sale, not "
                                           "searchable, not matched)."))
            goods.warn_kept_as_typed(row, listing)


def _stored_listings(run: ImportRun, rows: list[Row]) -> dict[str, Listing]:
    """The stored listings the sheet's refs name, read in a few queries instead of one a row."""
    # The ref as RowCheck.text reads it (cleaned, at most 60 characters).
    refs = sorted({clean(display_value(values["ref"]))[:60] for _number, values in rows
                   if values.get("ref") is not None and not isinstance(values["ref"], list)} - {""})
    found: dict[str, Listing] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        found.update((listing.ref, listing) for listing in run.db.scalars(select(Listing).where(Listing.ref.in_(chunk))))
    return found


def _without_ref(data: listings.ListingInput) -> listings.ListingInput:
    # Checking against a stand-in organisation: no ref (it would collide) and no credentials
    # (they are checked against the real organisation above).
    data.ref, data.certificate_ids, data.planting_code_ids = None, [], []
    return data
