"""The listings sheet, through listings.services.save_listing: published as given, or stored as
ended when the available dates are over; the certificates and codes it cites must be the
organisation's own (from this file or already stored), or a code its cooperative shares with it."""

from __future__ import annotations

from dataclasses import dataclass, field

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


BATCH_ROWS = 500  # rows written by one flush


@handles("listings")
def import_listings(run: ImportRun, rows: list[Row]) -> None:
    """Rows are checked one by one and written BATCH_ROWS at a time, in one flush (and one write of
    the search change log) per batch; if the database refuses a batch, its rows are imported again
    one savepoint each, which names the row at fault exactly as a row-by-row import does."""
    state = _SheetState(goods.categories(run), _stored_listings(run, rows))
    run.in_batches("listings", rows, lambda batch: _import_rows(run, batch, state), state, BATCH_ROWS)


@dataclass
class _SheetState:
    categories: list
    stored: dict[str, Listing]  # ref → listing, stored before or by an earlier row
    seen: dict[str, int] = field(default_factory=dict)  # ref → its first row in the sheet
    usable_by_org: dict[int, list | None] = field(default_factory=dict)


def _import_rows(run: ImportRun, rows: list[Row], state: _SheetState) -> None:
    sheet = "listings"
    stored, usable_by_org = state.stored, state.usable_by_org
    for row, ref, org in goods.owned_rows(run, sheet, rows, LISTING_FIELDS, state.seen):
        product_text = row.text("product", 120)
        category = goods.read_category(run, row, state.categories, product_text)
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
            run.flush_batch()  # the stand-in's flush must not be the one that writes the batch
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, data, run.user, today=run.today, publish=not ended))
            continue
        existing = stored.get(ref) if ref else None
        # (organization, not organization_id: a listing of this batch has no organization_id before its flush)
        if existing is not None and existing.organization.id != org.id:
            row.add("ref", _("This listing ref belongs to another organisation (%(holder)s).",
                             holder=holder(existing.organization)))
            run.flush_batch()
            run.check_without_org(row, lambda standin, data=data, ended=ended: listings.save_listing(
                run.db, standin, _without_ref(data), run.user, today=run.today, publish=not ended))
            continue
        listing = None
        status_before = existing.status if existing is not None else None
        with run.savepoint(row):
            if ended and existing is not None:
                existing.status = goods.ENDED  # so that it is not checked as a published listing
            listing = listings.save_listing(run.db, org, data, run.user, today=run.today, listing=existing,
                                            publish=not ended, usable_codes=usable, flush=not run.batching)
            if ended:
                listing.status = goods.ENDED
                if not run.batching:
                    run.db.flush()
        if not row.ok and existing is not None:
            existing.status = status_before  # what a savepoint's rollback would have done
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
        query = select(Listing).where(Listing.ref.in_(chunk))
        found.update((listing.ref, listing) for listing in run.db.scalars(query))
    return found


def _without_ref(data: listings.ListingInput) -> listings.ListingInput:
    # Checking against a stand-in organisation: no ref (it would collide) and no credentials
    # (they are checked against the real organisation above).
    data.ref, data.certificate_ids, data.planting_code_ids = None, [], []
    return data
