"""The photo and scan stores' key cases with UPLOAD_DIR in an S3-compatible bucket (moto's server
on loopback): files written, served by the app (a draft listing's photo not public), removed after
a committed deletion, removed again when the transaction rolls back; scans private."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.credentials import evidence
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.listings.photos.services import add_photo, delete_photo
from marketplace.listings.photos.storage import StoredPhotoStore, make_store
from marketplace.products.models import Product
from marketplace.storage import S3Storage, storage_from_config
from tests.factories import make_org
from tests.s3server import running_s3_server


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture
def bucket(s3):
    return s3.make_bucket()


@pytest.fixture
def storage(app, s3, bucket):
    """The app's photo and scan stores swapped for ones in the bucket, as UPLOAD_DIR=s3://… makes them."""
    storage = storage_from_config({"UPLOAD_DIR": f"s3://{bucket}/site", **s3.settings})
    saved = app.extensions["photo_store"], app.extensions["scan_store"]
    app.extensions["photo_store"] = make_store(storage)
    app.extensions["scan_store"] = evidence.StoredScanStore(storage.within("evidence"))
    yield storage
    app.extensions["photo_store"], app.extensions["scan_store"] = saved


def _objects(s3, bucket) -> list[str]:
    return sorted(item["Key"] for item in s3.client().list_objects_v2(Bucket=bucket).get("Contents", []))


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 140, 40)).save(out, format="JPEG")
    return out.getvalue()


def _listing(session, org, status: str) -> Listing:
    product = session.scalars(select(Product).order_by(Product.id).limit(1)).one()
    listing = Listing(organization=org, product=product, quantity=100, quantity_available=100, unit="kg",
                      status=status, available_from=today_in_vietnam(),
                      available_to=today_in_vietnam() + timedelta(days=60))
    session.add(listing)
    session.flush()
    return listing


def test_photos_are_written_served_and_deleted_in_the_bucket(app, session, client, storage, s3, bucket):
    store = app.extensions["photo_store"]
    assert isinstance(store, StoredPhotoStore) and isinstance(store.storage, S3Storage)
    club = make_org("club", name="Hội quán xoài Mỹ Xương")
    public = add_photo(session, store, organization=club, listing=_listing(session, club, "published"),
                       data=_jpeg())
    draft = add_photo(session, store, organization=club, listing=_listing(session, club, "draft"), data=_jpeg())
    session.commit()
    key = public.key
    assert _objects(s3, bucket) == sorted(f"site/{p.key[:2]}/{p.key}-{size}.webp"
                                          for p in (public, draft) for size in ("card", "detail"))

    response = client.get(f"/media/{key}-detail.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.data == storage.get(f"{key[:2]}/{key}-detail.webp")
    assert Image.open(io.BytesIO(response.data)).size == (640, 480)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    opened = []
    real_open = store.open
    store.open = lambda *args: opened.append(args) or real_open(*args)
    try:  # unchanged: answered without reading the object from the bucket
        assert client.get(f"/media/{key}-detail.webp",
                          headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
        assert opened == []
    finally:
        del store.open
    assert client.get(f"/media/{draft.key}-card.webp").status_code == 404  # a draft's photo is not public

    delete_photo(session, store, public)
    assert storage.exists(f"{key[:2]}/{key}-card.webp")  # not before the deletion commits
    session.commit()
    assert not storage.exists(f"{key[:2]}/{key}-card.webp")
    assert client.get(f"/media/{key}-card.webp").status_code == 404


def test_files_of_a_transaction_that_rolls_back_leave_the_bucket(app, session, storage, s3, bucket):
    club = make_org("club", name="Hội quán sầu riêng")
    session.commit()
    add_photo(session, app.extensions["photo_store"], organization=club, data=_jpeg())
    assert len(_objects(s3, bucket)) == 2
    session.rollback()
    assert _objects(s3, bucket) == []


def test_scans_go_to_the_bucket_under_evidence(app, storage, s3, bucket):
    store = app.extensions["scan_store"]
    key = "k" * 32
    store.save(key, "pdf", "file", b"%PDF-1.4 scan")
    assert _objects(s3, bucket) == [f"site/evidence/kk/{key}.pdf"]
    with store.open(key, "pdf", "file") as file:
        assert file.read() == b"%PDF-1.4 scan"
    assert store.open(key, "image", "file") is None
    store.delete(key)
    assert _objects(s3, bucket) == []
