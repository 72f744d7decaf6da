"""Photos through the listing form and /media (issue #14): a refused photo answers 422 with the form
kept and the photo named, the hourly upload budget, and a draft listing's photos kept private."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import ValidationError
from marketplace.listings.models import Listing, Photo, PhotoUploadClaim
from marketplace.listings.photos import budget
from marketplace.listings.photos import services as photos
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_listing, make_org, make_user
from tests.images import big_png
from tests.pages import error_beside


def _jpeg(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 140, 40)).save(out, format="JPEG")
    return out.getvalue()


def _small_photos(count: int) -> list[tuple[str, bytes]]:
    return [(f"{n}.jpg", _jpeg(64, 48)) for n in range(count)]


def _form(**overrides) -> dict:
    today = today_in_vietnam()
    data = {"product": "xoài", "variety": "cát Chu", "quantity": "1,5", "unit": "tấn", "price_vnd": "38k",
            "available_from": today.strftime("%d/%m/%Y"),
            "available_to": (today + timedelta(days=20)).strftime("%d/%m/%Y"),
            "description": "Trái to, vỏ vàng đẹp", "publish": "1"}
    data.update(overrides)
    return data


def _count(app, model, **where) -> int:
    with app_session(app) as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


def _post_with_photos(client, *named: tuple[str, bytes], path: str = "/listings/new"):
    """The listing form at path sent with these (file name, bytes) photos, as a browser sends files."""
    return post(client, path, {**_form(), "photos": [(io.BytesIO(data), name) for name, data in named]},
                content_type="multipart/form-data")


# Refused photos: 422, the form kept, the photo named --------------------------------------------

def test_a_refused_photo_answers_422_names_it_and_keeps_what_was_typed(app, club, store):
    org, chair = club
    response = _post_with_photos(signed_in(app, chair), ("vuon-xoai.jpg", _jpeg()),
                                 ("IMG_6300.PNG", big_png(6300, 6300)))

    assert response.status_code == 422
    text = text_of(response)
    error = error_beside(text, "photos")
    assert error, "the message is shown beside the photo field"
    assert "“IMG_6300.PNG”" in error and "39,7" in error and "megapixel" in error
    assert "vuon-xoai.jpg" not in error  # the good one is not blamed
    assert 'aria-invalid="true"' in text
    assert 'value="Trái to' not in text  # a textarea keeps its text as content
    assert "Trái to, vỏ vàng đẹp</textarea>" in text and 'value="cát Chu"' in text and 'value="38k"' in text
    assert _count(app, Listing, organization_id=org.id) == 0 and not store.files
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 0  # refused from the header: nothing decoded


def test_a_damaged_photo_is_refused_after_decoding_with_422_and_nothing_saved(app, club, store):
    org, chair = club
    data = _jpeg(800, 600)
    response = _post_with_photos(signed_in(app, chair), ("hong.jpg", data[: len(data) // 2]))
    assert response.status_code == 422
    assert "“hong.jpg”" in text_of(response)
    assert _count(app, Listing, organization_id=org.id) == 0 and not store.files
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 1  # it was decoded: it counts


def test_good_photos_are_added_to_a_new_listing(app, club, store):
    org, chair = club
    response = _post_with_photos(signed_in(app, chair), ("a.jpg", _jpeg()), ("b.jpg", _jpeg(2000, 1500)))
    assert response.status_code == 302
    with app_session(app) as session:
        listing = session.scalars(select(Listing).where(Listing.organization_id == org.id)).one()
        assert [(p.position, p.width, p.uploaded_by_id) for p in listing.photos] == [
            (0, 640, chair.id), (1, 1280, chair.id)]
        assert listing.photos[0].alt == listing.title
    assert len(store.files) == 4


def _listing_with_photos(app, store, org, count: int):
    """A listing of `org` that already has `count` small photos."""
    with app_session(app) as session:
        listing = make_listing(org)
        for _ in range(count):
            photos.add_photo(session, store, organization=session.merge(org), listing=session.merge(listing),
                             data=_jpeg(64, 48))
        session.commit()
    return listing


def test_a_ninth_photo_on_the_edit_page_is_refused_before_decoding(app, club, store):
    org, chair = club
    listing = _listing_with_photos(app, store, org, 7)
    response = _post_with_photos(signed_in(app, chair), ("8.jpg", _jpeg()), ("9.jpg", _jpeg()),
                                 path=f"/listings/{listing.id}/edit")
    assert response.status_code == 422
    assert "8" in error_beside(text_of(response), "photos")
    assert _count(app, Photo, listing_id=listing.id) == 7
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 0


# The hourly budget ---------------------------------------------------------------------------------

def test_the_hourly_budget_refuses_what_would_pass_it_and_says_how_many_are_left(app, club, store, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_UPLOADS_PER_HOUR", 10)
    org, chair = club
    client = signed_in(app, chair)
    assert _post_with_photos(client, *_small_photos(8)).status_code == 302

    second = _post_with_photos(client, *_small_photos(3))
    assert second.status_code == 422
    message = error_beside(text_of(second), "photos")
    assert "2" in message and "10" in message and "60" in message  # 2 left of 10; again in 60 minutes
    assert _count(app, Listing, organization_id=org.id) == 1
    assert _count(app, Photo, organization_id=org.id) == 8

    # Another seller has a budget of their own; the chair's next two still fit.
    with app_session(app):
        other = make_user("seller", org)
    assert _post_with_photos(signed_in(app, other), *_small_photos(8)).status_code == 302
    assert _post_with_photos(client, ("x.jpg", _jpeg(64, 48)), ("y.jpg", _jpeg(64, 48))).status_code == 302


def test_budget_claims_older_than_an_hour_no_longer_count(app, session, club):
    _org, chair = club
    now = utcnow()
    with app.test_request_context("/"):
        budget.claim_upload_budget(session, chair, 10, now=now - timedelta(minutes=61), per_hour=10)
        with pytest.raises(ValidationError) as caught:
            budget.claim_upload_budget(session, chair, 1, now=now - timedelta(minutes=50), per_hour=10)
        assert "10" in caught.value.message and "49" in caught.value.message  # 11 minutes old: 49 to go
        budget.claim_upload_budget(session, chair, 10, now=now, per_hour=10)
    assert session.scalars(select(PhotoUploadClaim.photos).where(PhotoUploadClaim.user_id == chair.id)).all() == [10]


def test_a_listing_without_photos_claims_nothing(app, club):
    org, chair = club
    assert post(signed_in(app, chair), "/listings/new", _form()).status_code == 302
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 0


# Who sees a draft listing's photos ---------------------------------------------------------------

@pytest.fixture
def pictured(app, store):
    """A draft and a published listing of one club, each with a photo, an organisation-page photo,
    and the people who may or may not see them."""
    with app_session(app) as session:
        org = make_org("club", name="Hội quán nháp")
        people = {
            "owner": make_user("seller", org),
            "other_club_seller": make_user("seller", make_org("club", name="Hội quán khác")),
            "buyer": make_user("buyer"),
            "staff": make_user("staff"),
            "admin": make_user("admin"),
        }
        draft = make_listing(org, publish=False)
        published = make_listing(org)
        org = session.merge(org)
        keys = {
            "draft": photos.add_photo(session, store, organization=org, listing=session.merge(draft),
                                      data=_jpeg()).key,
            "published": photos.add_photo(session, store, organization=org, listing=session.merge(published),
                                          data=_jpeg()).key,
            "page": photos.add_photo(session, store, organization=org, data=_jpeg()).key,
        }
        session.commit()
    return keys, people, draft


@pytest.mark.parametrize(("who", "sees_draft"), [
    ("anonymous", False), ("other_club_seller", False), ("buyer", False),
    ("owner", True), ("staff", True), ("admin", True),
])
def test_a_draft_listing_s_photos_are_its_club_s_and_staff_s_only(app, pictured, who, sees_draft):
    keys, people, _draft = pictured
    client = app.test_client() if who == "anonymous" else signed_in(app, people[who])
    for size in ("card", "detail"):
        response = client.get(f"/media/{keys['draft']}-{size}.webp")
        assert response.status_code == (200 if sees_draft else 404), (who, size)
        if sees_draft:
            assert response.mimetype == "image/webp" and response.data[8:12] == b"WEBP"
            assert response.headers["Cache-Control"] == "private, no-cache"
        else:
            assert response.data != app.extensions["photo_store"].files[(keys["draft"], size)]
        for shown in ("published", "page"):
            public = client.get(f"/media/{keys[shown]}-{size}.webp")
            assert public.status_code == 200, (who, shown, size)
            assert public.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_private_photo_revalidates_and_stops_once_access_ends(app, pictured):
    keys, people, _draft = pictured
    client = signed_in(app, people["owner"])
    path = f"/media/{keys['draft']}-card.webp"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert app.test_client().get(path, headers={"If-None-Match": etag}).status_code == 404


def test_publishing_the_listing_makes_its_photos_public(app, pictured):
    keys, people, draft = pictured
    path = f"/media/{keys['draft']}-detail.webp"
    assert app.test_client().get(path).status_code == 404
    with app_session(app) as session:
        session.get(Listing, draft.id).status = "published"
        session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
