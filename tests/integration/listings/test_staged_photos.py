"""Photos sent once and kept (issue #16): POST /listings/photos, the form's photo_token fields, photos
kept across a form's errors, and a form larger than we take answered by the form, never a bare 413."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from marketplace.db import utcnow
from marketplace.listings.models import Listing, Photo, PhotoUploadClaim, StagedPhoto
from marketplace.listings.photos import jobs, staging
from marketplace.listings.photos.checks import MAX_UPLOAD_BYTES
from tests.clients import app_session, csrf_token, post, signed_in, text_of
from tests.factories import make_listing, make_org, make_user
from tests.integration.listings.test_photo_uploads import _count, _form, _jpeg, _listing_with_photos
from tests.pages import error_beside


def _stage(client, data: bytes, name: str = "vuon.jpg"):
    return client.post("/listings/photos", data={"csrf_token": csrf_token(client), "photo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})


def _tokens(text: str) -> list[str]:
    return re.findall(r'name="photo_token" value="([^"]+)"', text)


def _multipart(client, path: str, data: dict):
    return post(client, path, data, content_type="multipart/form-data")


# The staging route --------------------------------------------------------------------------------

def test_a_chair_stages_a_photo_and_only_they_see_it(app, club, store):
    org, chair = club
    with app_session(app):
        other = make_user("seller", make_org("club"))
        staff = make_user("staff")
    client = signed_in(app, chair)
    response = _stage(client, _jpeg(2400, 1800))
    assert response.status_code == 201
    body = response.get_json()
    assert body["width"] == 1280 and body["height"] == 960  # re-encoded as any photo is
    assert body["thumbnail"] == f"/media/{body['token']}-card.webp"
    assert client.get(body["thumbnail"]).status_code == 200
    assert client.get(body["thumbnail"]).headers["Cache-Control"] == "private, no-cache"
    for stranger in (app.test_client(), signed_in(app, other), signed_in(app, staff)):
        assert stranger.get(body["thumbnail"]).status_code == 404
    assert _count(app, StagedPhoto, user_id=chair.id) == 1
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 1  # counted against the hourly budget
    assert _count(app, Photo, organization_id=org.id) == 0


def test_staging_needs_a_signed_in_seller(app, club, store):
    anonymous = app.test_client()
    response = anonymous.post("/listings/photos", data={"csrf_token": csrf_token(anonymous),
                                                       "photo": (io.BytesIO(_jpeg()), "a.jpg")})
    assert response.status_code in {302, 401}
    with app_session(app):
        buyer = make_user("buyer")
    refused = _stage(signed_in(app, buyer), _jpeg())
    assert refused.status_code == 403 and refused.get_json()["error"]
    assert not store.files


def test_a_file_that_is_not_a_photo_is_refused_in_words(app, club, store):
    _org, chair = club
    response = _stage(signed_in(app, chair), b"%PDF-1.4 not a photo", "giay.pdf")
    assert response.status_code == 422
    assert "“giay.pdf”" in response.get_json()["error"] and "JPEG" in response.get_json()["error"]
    assert not store.files and _count(app, StagedPhoto, user_id=chair.id) == 0


def test_a_photo_over_10_mb_is_refused_with_413_and_a_message(app, club, store):
    _org, chair = club
    response = _stage(signed_in(app, chair), b"\xff\xd8" + bytes(MAX_UPLOAD_BYTES), "to.jpg")
    assert response.status_code == 413
    assert "10 MB" in response.get_json()["error"] and "“to.jpg”" in response.get_json()["error"]
    assert not store.files


def test_no_photo_at_all_is_a_400_in_words(app, club):
    _org, chair = club
    client = signed_in(app, chair)
    response = client.post("/listings/photos", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400 and response.get_json()["error"]


# Attaching: own photos only ---------------------------------------------------------------------

def test_publishing_attaches_the_staged_photos_with_their_files_and_no_second_decoding(app, club, store):
    org, chair = club
    client = signed_in(app, chair)
    first = _stage(client, _jpeg()).get_json()["token"]
    second = _stage(client, _jpeg(800, 600)).get_json()["token"]
    files_before = dict(store.files)
    response = _multipart(client, "/listings/new", {**_form(), "photo_token": [second, first]})
    assert response.status_code == 302
    with app_session(app) as session:
        listing = session.scalars(select(Listing).where(Listing.organization_id == org.id)).one()
        assert [(p.key, p.position, p.uploaded_by_id) for p in listing.photos] == [
            (second, 0, chair.id), (first, 1, chair.id)]
    assert store.files == files_before  # the same files, nothing re-encoded
    assert _count(app, StagedPhoto, user_id=chair.id) == 0
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 2
    assert app.test_client().get(f"/media/{first}-detail.webp").status_code == 200  # now public


def test_a_seller_cannot_attach_someone_else_s_staged_photo(app, club, store):
    org, chair = club
    with app_session(app):
        thief_org = make_org("club")
        thief = make_user("seller", thief_org)
    token = _stage(signed_in(app, chair), _jpeg()).get_json()["token"]
    response = _multipart(signed_in(app, thief), "/listings/new", {**_form(), "photo_token": token})
    assert response.status_code == 422  # as for an expired one: said, not silently dropped
    assert "1" in error_beside(text_of(response), "photos") and token not in text_of(response)
    assert _count(app, Listing, organization_id=thief_org.id) == 0
    assert _count(app, Photo, organization_id=thief_org.id) == 0
    assert _count(app, StagedPhoto, user_id=chair.id) == 1  # still the chair's


def test_an_admin_editing_a_club_s_listing_attaches_their_own_staged_photo(app, club, store):
    org, _chair = club
    with app_session(app):
        admin = make_user("admin")
        listing = make_listing(org)
    client = signed_in(app, admin)
    token = _stage(client, _jpeg()).get_json()["token"]
    response = _multipart(client, f"/listings/{listing.id}/edit", {**_form(), "photo_token": token})
    assert response.status_code == 302
    with app_session(app) as session:
        assert [p.key for p in session.get(Listing, listing.id).photos] == [token]


def test_staged_photos_count_against_the_8_on_the_edit_page(app, club, store):
    org, chair = club
    listing = _listing_with_photos(app, store, org, 7)
    client = signed_in(app, chair)
    tokens = [_stage(client, _jpeg(64, 48)).get_json()["token"] for _ in range(2)]
    response = _multipart(client, f"/listings/{listing.id}/edit", {**_form(), "photo_token": tokens})
    assert response.status_code == 422
    assert "8" in error_beside(text_of(response), "photos")
    assert _tokens(text_of(response)) == tokens  # still on the form, to take one off
    assert _count(app, Photo, listing_id=listing.id) == 7


# Kept across the form's errors (no script: the photos come with the form) -----------------------------

def test_a_form_with_a_problem_keeps_its_photo_and_the_next_send_needs_no_photo(app, club, store):
    org, chair = club
    client = signed_in(app, chair)
    first = _multipart(client, "/listings/new", {**_form(product=""), "photos": [(io.BytesIO(_jpeg()), "a.jpg")]})
    assert first.status_code == 422
    text = text_of(first)
    assert error_beside(text, "product")
    tokens = _tokens(text)
    assert len(tokens) == 1
    assert f'src="/media/{tokens[0]}-card.webp"' in text and 'name="unstage"' in text
    assert _count(app, Listing, organization_id=org.id) == 0

    second = _multipart(client, "/listings/new", {**_form(), "photo_token": tokens})
    assert second.status_code == 302
    assert _count(app, Photo, organization_id=org.id) == 1
    assert _count(app, PhotoUploadClaim, user_id=chair.id) == 1  # decoded once


def test_a_good_photo_is_kept_when_another_cannot_be_decoded(app, club, store):
    _org, chair = club
    broken = _jpeg(800, 600)
    response = _multipart(signed_in(app, chair), "/listings/new", {
        **_form(), "photos": [(io.BytesIO(_jpeg()), "tot.jpg"), (io.BytesIO(broken[: len(broken) // 2]), "hong.jpg")]})
    assert response.status_code == 422
    text = text_of(response)
    assert "“hong.jpg”" in error_beside(text, "photos") and "tot.jpg" not in error_beside(text, "photos")
    assert len(_tokens(text)) == 1


def test_removing_a_photo_without_script_shows_the_form_again_without_it(app, club, store):
    org, chair = club
    client = signed_in(app, chair)
    tokens = [_stage(client, _jpeg(64, 48)).get_json()["token"] for _ in range(2)]
    response = _multipart(client, "/listings/new", {**_form(product=""), "photo_token": tokens,
                                                    "unstage": tokens[0]})
    assert response.status_code == 200  # nothing checked: only a photo was taken off
    text = text_of(response)
    assert _tokens(text) == [tokens[1]] and 'class="error"' not in text
    assert _count(app, Listing, organization_id=org.id) == 0
    assert _count(app, StagedPhoto, user_id=chair.id) == 1


# A form larger than we take comes back as the form ------------------------------------------------------

def test_a_description_of_600_kb_comes_back_in_the_form_with_a_message(app, club):
    org, chair = club
    long = "Xoài cát Chu ngon. " * 35_000  # ~700 KB: Werkzeug alone would answer a bare 413
    response = _multipart(signed_in(app, chair), "/listings/new", {**_form(description=long)})
    assert response.status_code == 422
    text = text_of(response)
    assert error_beside(text, "description")
    assert 'value="cát Chu"' in text and "Xoài cát Chu ngon. Xoài cát Chu ngon." in text
    assert _count(app, Listing, organization_id=org.id) == 0


def test_a_photo_over_10_mb_with_the_form_comes_back_as_the_form(app, club, store):
    org, chair = club
    response = _multipart(signed_in(app, chair), "/listings/new", {
        **_form(), "photos": [(io.BytesIO(b"\xff\xd8" + bytes(MAX_UPLOAD_BYTES + 10)), "IMG_0001.JPG"),
                              (io.BytesIO(_jpeg()), "nho.jpg")]})
    assert response.status_code == 422
    text = text_of(response)
    message = error_beside(text, "photos")
    assert "“IMG_0001.JPG”" in message and "10 MB" in message
    assert 'value="38k"' in text and len(_tokens(text)) == 1  # typed text and the good photo kept
    assert _count(app, Listing, organization_id=org.id) == 0


def test_eight_photos_of_nearly_10_mb_without_script_are_taken(app, club, store):
    """What the form promises, past the old 32 MB limit: 8 × 9.5 MB (a JPEG padded after its end)."""
    org, chair = club
    padded = _jpeg(64, 48) + bytes(int(9.5 * 1024 * 1024))
    response = _multipart(signed_in(app, chair), "/listings/new", {
        **_form(), "photos": [(io.BytesIO(padded), f"{n}.jpg") for n in range(8)]})
    assert response.status_code == 302
    assert _count(app, Photo, organization_id=org.id) == 8


def test_a_ninth_photo_with_the_form_is_named_and_the_others_kept(app, club, store):
    org, chair = club
    response = _multipart(signed_in(app, chair), "/listings/new", {
        **_form(), "photos": [(io.BytesIO(_jpeg(64, 48)), f"{n}.jpg") for n in range(9)]})
    assert response.status_code == 422
    assert "“8.jpg”" in error_beside(text_of(response), "photos")
    assert len(_tokens(text_of(response))) == 8


def test_a_form_with_too_many_parts_comes_back_with_a_message(app, club):
    org, chair = club
    response = _multipart(signed_in(app, chair), "/listings/new", {
        **_form(), **{f"extra{n}": "x" for n in range(1100)}})
    assert response.status_code == 422
    assert error_beside(text_of(response), "photos")
    assert 'value="cát Chu"' in text_of(response)


def test_other_forms_keep_werkzeug_s_limits(app, club):
    _org, chair = club
    client = signed_in(app, chair)
    response = post(client, "/login", {"identifier": "x" * 600_000, "password": "y"},
                    content_type="multipart/form-data")
    assert response.status_code == 413


# Staged photos never attached go ---------------------------------------------------------------------

def test_a_photo_that_waited_too_long_is_asked_for_again_not_dropped_silently(app, club, store):
    org, chair = club
    client = signed_in(app, chair)
    token = _stage(client, _jpeg(64, 48)).get_json()["token"]
    with app_session(app) as session:
        session.scalars(select(StagedPhoto).where(StagedPhoto.key == token)).one().expires_at = (
            utcnow() - timedelta(minutes=1))
        session.commit()
    response = _multipart(client, "/listings/new", {**_form(), "photo_token": token})
    assert response.status_code == 422
    assert "12" in error_beside(text_of(response), "photos")
    assert _count(app, Listing, organization_id=org.id) == 0


def test_the_worker_job_forgets_expired_staged_photos_and_their_files_only(app, club, store):
    org, chair = club
    client = signed_in(app, chair)
    old = _stage(client, _jpeg(64, 48)).get_json()["token"]
    fresh = _stage(client, _jpeg(64, 48)).get_json()["token"]
    with app_session(app) as session:
        session.scalars(select(StagedPhoto).where(StagedPhoto.key == old)).one().expires_at = (
            utcnow() - timedelta(minutes=1))
        session.commit()
    with app.app_context():
        assert jobs.forget_expired_staged_photos() == 1
    assert (old, "card") not in store.files and (fresh, "card") in store.files
    assert _count(app, StagedPhoto, user_id=chair.id) == 1
    assert "staged photos" in app.extensions["worker_jobs"]


def test_a_person_keeps_at_most_so_many_staged_photos(app, club, store, monkeypatch):
    monkeypatch.setattr(staging, "MAX_STAGED_PER_USER", 2)
    _org, chair = club
    client = signed_in(app, chair)
    tokens = [_stage(client, _jpeg(64, 48)).get_json()["token"] for _ in range(3)]
    with app_session(app) as session:
        assert set(session.scalars(select(StagedPhoto.key))) == set(tokens[1:])
        assert session.scalar(select(func.count()).select_from(StagedPhoto)) == 2
    assert (tokens[0], "card") not in store.files


def test_the_resized_photo_a_browser_sends_is_stored_as_sent(app, club, store):
    """What the page's script sends: a WebP 1600 px on its longest side."""
    _org, chair = club
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 120, 30)).save(out, format="WEBP", quality=80)
    body = _stage(signed_in(app, chair), out.getvalue(), "vuon.webp").get_json()
    assert (body["width"], body["height"]) == (1280, 960)
