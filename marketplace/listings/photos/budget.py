"""The per-user upload budget: how many photos a user may have decoded in an hour.

Decoding costs seconds of CPU, so it is rationed per person. Claims are rows of
`photo_upload_claims`, counted under a lock on the user's row. Takes the session, flushes,
never commits.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.dates import as_utc
from marketplace.errors import ValidationError
from marketplace.listings.models import PhotoUploadClaim

UPLOAD_WINDOW = timedelta(hours=1)


def claim_upload_budget(db: Session, user: User, photos: int, *, now: datetime, per_hour: int) -> None:
    """Count `photos` against what the user has had decoded in the last hour, or refuse them all.

    The user's row is locked first (PostgreSQL; SQLite's writers take turns anyway), so that
    simultaneous uploads are counted one after the other and cannot pass the budget together.
    Refused and deleted photos count too: the work was done."""
    db.execute(select(User.id).where(User.id == user.id).with_for_update())
    since = now - UPLOAD_WINDOW
    db.execute(delete(PhotoUploadClaim).where(PhotoUploadClaim.user_id == user.id,
                                              PhotoUploadClaim.created_at < since))
    used, oldest = db.execute(
        select(func.coalesce(func.sum(PhotoUploadClaim.photos), 0), func.min(PhotoUploadClaim.created_at))
        .where(PhotoUploadClaim.user_id == user.id, PhotoUploadClaim.created_at >= since)
    ).one()
    if used + photos > per_hour:
        free_again = as_utc(oldest) + UPLOAD_WINDOW if oldest is not None else now
        minutes = max(1, math.ceil((free_again - now).total_seconds() / 60))
        left = max(0, per_hour - used)
        if left:
            message = ngettext("You can upload %(num)d more photo this hour (at most %(n)d an hour). Pick fewer, "
                               "or try again in %(minutes)d minutes.",
                               "You can upload %(num)d more photos this hour (at most %(n)d an hour). Pick fewer, "
                               "or try again in %(minutes)d minutes.", left, n=per_hour, minutes=minutes)
        else:
            message = _("You have uploaded %(n)d photos in the last hour, the most we take. Please try again "
                        "in %(minutes)d minutes.", n=per_hour, minutes=minutes)
        raise ValidationError(message, fields={"photos": [message]})
    db.add(PhotoUploadClaim(user_id=user.id, photos=photos, created_at=now))
    db.flush()
