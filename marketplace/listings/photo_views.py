"""Photos sent ahead of the listing form, and the form's photos kept across its errors (issue #16).

`POST /listings/photos` takes one photo (the page's script sends each as soon as it is picked,
resized in the browser, with a progress bar) and answers its key and thumbnail as JSON; the form
carries the keys in hidden `photo_token` fields. Without script the photos come with the form:
`form_photos` stages them before the rest of the form is checked, so a form with problems comes
back with its photos shown, and nothing has to be sent twice. Both listing forms are parsed
tolerantly (`oversize.tolerant`): a form larger than we take comes back with what was typed and
a message beside the photos, never a bare 413 page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace import db
from marketplace.access import signed_in
from marketplace.accounts.permissions import can_list_for
from marketplace.db import utcnow
from marketplace.errors import ValidationError
from marketplace.listings.models import Listing, StagedPhoto
from marketplace.listings.photos import jobs, staging
from marketplace.listings.photos import services as photos
from marketplace.listings.photos.checks import MAX_UPLOAD_BYTES, PHOTO_MESSAGES
from marketplace.oversize import FormLimits, request_oversize, tolerant
from marketplace.vietnamese import clean

bp = Blueprint("listing_photos", __name__)

# The listing form without script: the 8 photos of 10 MB it promises, and its text, fit with room
# to spare; a body up to twice that is still read to its end and answered by the form.
LISTING_FORM_LIMITS = FormLimits(file_bytes=MAX_UPLOAD_BYTES, max_files=photos.MAX_LISTING_PHOTOS,
                                 body_bytes=2 * photos.MAX_LISTING_PHOTOS * MAX_UPLOAD_BYTES + 2 * 1024 * 1024)
ONE_PHOTO_LIMITS = FormLimits(file_bytes=MAX_UPLOAD_BYTES, max_files=1, body_bytes=2 * MAX_UPLOAD_BYTES + 64 * 1024)
PICKED = "photos"  # the form's file field
TOKENS = "photo_token"  # the hidden fields carrying staged photos' keys
UNSTAGE = "unstage"  # the button that takes a staged photo off the form


@bp.record_once
def _register_job(state) -> None:
    jobs.init_app(state.app)


def may_stage(user) -> bool:
    """Whoever may make or change a listing: a seller of a club or cooperative, or an admin."""
    return bool(user.is_admin or can_list_for(user, user.organization))


def _name(filename: str) -> str:
    return clean(filename or "")[:photos.MAX_NAME] or "?"


def _too_large(filename: str) -> str:
    return _("“%(name)s”: %(problem)s", name=_name(filename), problem=str(PHOTO_MESSAGES["too_large"]))


def _refused(message: str, status: int = 422):
    return jsonify({"error": message}), status


@bp.route("/listings/photos", methods=["POST"])
@signed_in
@tolerant(ONE_PHOTO_LIMITS)
def stage():
    """One photo, checked, re-encoded and kept for its sender: {token, thumbnail, width, height}."""
    if not may_stage(current_user):
        return _refused(_("You do not have permission to do that."), 403)
    oversize = request_oversize()
    if oversize.files_too_large:
        return _refused(_too_large(oversize.files_too_large[0]), 413)
    limits = photos.photo_limits()
    uploads = photos.read_uploads(request.files.getlist("photo")[:1], limits)
    if not uploads:
        return _refused(_("Choose a photo to send."), 400)
    try:
        photos.check_uploads(db.session, uploads, organization=None, listing=None, user=current_user,
                             now=utcnow(), per_hour=current_app.config["PHOTO_UPLOADS_PER_HOUR"], limits=limits)
    except ValidationError as error:
        db.session.rollback()
        return _refused(error.message)
    db.session.commit()  # the claim stays; the write lock goes while the photo is decoded
    processed, problems = photos.decode_each(uploads, limits)
    if problems:
        return _refused(problems[0])
    db.session.expire_all()
    staged = staging.stage_photo(db.session, photos.photo_store(), user=current_user, processed=processed[0],
                                 now=utcnow())
    db.session.commit()
    return jsonify(token=staged.key, thumbnail=url_for("media.photo", key=staged.key, size="card"),
                   width=staged.width, height=staged.height), 201


# --- the listing form's photos ---------------------------------------------------------------------

@dataclass
class FormPhotos:
    """What the listing form carries: staged photos (the sender's own), what was refused, and
    whether the person only took a photo off the form (show it again; save nothing)."""

    staged: list[StagedPhoto] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    removing: bool = False

    @property
    def refused(self) -> bool:
        """Nothing is saved: a photo was refused, or the form came cut short (oversize.py)."""
        return bool(self.problems or request_oversize())


def form_photos(organization, listing: Listing | None) -> FormPhotos:
    """On a POST of the listing form: the staged photos its hidden fields name, plus those picked
    now, checked, decoded and staged at once (in transactions of their own, committed here, so that
    they stay whatever the rest of the form holds), and what was refused and why."""
    now = utcnow()
    store = photos.photo_store()
    tokens = request.form.getlist(TOKENS)
    kept = staging.staged_photos(db.session, current_user, tokens, now=now)
    result = FormPhotos(removing=UNSTAGE in request.form)
    missing = len(set(tokens) - {photo.key for photo in kept})
    if missing:  # expired, or not this person's: never dropped without a word
        result.problems.append(ngettext(
            "%(num)d photo sent earlier is no longer kept (photos wait %(hours)d hours for their listing). "
            "Please pick it again.",
            "%(num)d photos sent earlier are no longer kept (photos wait %(hours)d hours for their listing). "
            "Please pick them again.", missing, hours=int(staging.STAGED_FOR.total_seconds() // 3600)))
    if result.removing:
        gone = [photo for photo in kept if photo.key == request.form.get(UNSTAGE)]
        staging.discard_staged(db.session, store, gone)
        kept = [photo for photo in kept if photo not in gone]
        db.session.commit()
    result.problems.extend(_oversize_problems())
    limits = photos.photo_limits()
    uploads = photos.read_uploads(request.files.getlist(PICKED), limits)
    keys = [photo.key for photo in kept]
    if uploads:
        try:
            photos.check_uploads(db.session, uploads, organization=organization, listing=listing,
                                 user=current_user, now=now, per_hour=current_app.config["PHOTO_UPLOADS_PER_HOUR"],
                                 limits=limits, kept=len(kept))
        except ValidationError as error:
            db.session.rollback()
            result.problems.extend(error.fields.get("photos") or [error.message])
        else:
            db.session.commit()  # the claim stays; the write lock goes while the photos are decoded
            processed, refused = photos.decode_each(uploads, limits)
            result.problems.extend(refused)
            db.session.expire_all()
            for image in processed:
                keys.append(staging.stage_photo(db.session, store, user=current_user, processed=image,
                                                now=utcnow()).key)
            db.session.commit()
    result.staged = staging.staged_photos(db.session, current_user, keys, now=utcnow())
    return result


def _oversize_problems() -> list[str]:
    oversize = request_oversize()
    problems = [_too_large(name) for name in oversize.files_too_large]
    if oversize.parts_left_out:
        problems.append(_("The form had more parts than we take; some were left out. Please check it."))
    if oversize.files_too_many:
        names = ", ".join(f"“{_name(name)}”" for name in oversize.files_too_many)
        problems.append(ngettext("A listing can have at most %(max)d photos; this one was not sent: %(names)s.",
                                 "A listing can have at most %(max)d photos; these were not sent: %(names)s.",
                                 len(oversize.files_too_many), max=photos.MAX_LISTING_PHOTOS, names=names))
    return problems


def show_photo_problems(form, on_form: FormPhotos) -> None:
    """Put what was refused beside the photo field, and say which text fields were cut short."""
    if on_form.problems:
        form.photos.errors = [*form.photos.errors, *on_form.problems]
    oversize = request_oversize()
    for name in oversize.fields_cut:
        form_field = form._fields.get(name)
        if form_field is None:  # not one of ours: say so anyway, or nothing would tell why it waits
            form.photos.errors = [*form.photos.errors, _("The form was larger than we take; please check it.")]
        elif not form_field.errors:
            form_field.errors = [_("This text was far too long; only its beginning is kept below.")]
