"""A listing whose photos were already read in this session (the edit page reads them before it
saves) shows what attach_staged and reorder did at once, without being read again; and what the
web upload reads from a form's file inputs."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from marketplace.db import utcnow
from marketplace.listings.models import Listing
from marketplace.listings.photos import staging
from marketplace.listings.photos.checks import DEFAULT_LIMITS
from marketplace.listings.photos.decoding import process_image
from marketplace.listings.photos.services import add_photo, attach_staged, read_uploads, reorder
from tests.factories import make_org, make_user
from tests.integration.listings.test_photo_service import _jpeg, _listing


def _read_again(session, listing: Listing) -> Listing:
    """The listing as a new request reads it, its photos loaded (in their order) and in memory."""
    session.commit()
    session.expire_all()
    listing = session.get(Listing, listing.id)
    assert "photos" not in listing.__dict__
    listing.photos  # noqa: B018 - loaded here, as the edit page does
    assert "photos" in listing.__dict__
    return listing


def test_staged_photos_attached_show_in_the_loaded_listing(session, store):
    club = make_org("club", name="Hội quán ảnh chờ")
    chair = make_user("seller", club)
    first = add_photo(session, store, organization=club, listing=_listing(session, club), data=_jpeg())
    listing = _read_again(session, first.listing)
    staged = [staging.stage_photo(session, store, user=chair, processed=process_image(_jpeg(colour=colour)),
                                  now=utcnow()) for colour in ((200, 10, 10), (10, 10, 200))]
    keys = [s.key for s in staged]

    attached = attach_staged(session, organization=club, listing=listing, staged=staged, user=chair)

    assert [p.key for p in attached] == keys
    assert [p.key for p in listing.photos] == [first.key, *keys]  # not read again: kept current
    assert [p.position for p in listing.photos] == [0, 1, 2]


def test_reordered_photos_show_in_their_new_order_in_the_loaded_listing(session, store):
    club = make_org("club", name="Hội quán xếp ảnh")
    listing = _listing(session, club)
    a, b, c = (add_photo(session, store, organization=club, listing=listing, data=_jpeg(120, 90))
               for _ in range(3))
    ids = (a.id, b.id, c.id)
    listing = _read_again(session, listing)
    assert [p.id for p in listing.photos] == list(ids)

    reorder(session, organization=club, listing=listing, photo_ids=[ids[2], ids[0]])

    assert [p.id for p in listing.photos] == [ids[2], ids[0], ids[1]]
    assert [p.position for p in listing.photos] == [0, 1, 2]


def test_empty_file_inputs_are_skipped_and_each_photo_is_read_one_byte_past_the_limit():
    """A form's unused file inputs arrive as parts without a name (or as nothing); they are not
    photos. A photo is read only one byte past the limit: enough to refuse it, no more."""
    limits = DEFAULT_LIMITS
    big = b"x" * (limits.max_bytes + 500)
    files = [FileStorage(io.BytesIO(b""), filename=""), None,
             FileStorage(io.BytesIO(b"jpeg bytes"), filename="vườn\u202exoài.jpg"),
             FileStorage(io.BytesIO(big), filename="big.jpg")]

    uploads = read_uploads(files)

    assert [(u.name, u.data) for u in uploads[:1]] == [("vườnxoài.jpg", b"jpeg bytes")]
    assert [u.name for u in uploads] == ["vườnxoài.jpg", "big.jpg"]
    assert len(uploads[1].data) == limits.max_bytes + 1
