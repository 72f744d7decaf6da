"""An import file kept between its preview and "Confirm import".

The preview stores nothing of the file's data; it keeps the uploaded bytes (PendingImport) and
hands the page a signed token naming them, their SHA-256 and what the preview showed (the
report's fingerprint). Confirming imports those same bytes, and is refused when the token was not
signed by us, is another user's, has expired (MAX_AGE), or the bytes no longer hash to what was
previewed. The view compares the fingerprint (imports.report) so that what is stored is exactly
what was shown. Services never commit: the view does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.imports.models import PendingImport

# Long enough to read a season's preview and check a few documents; short enough that a file
# previewed yesterday is looked at again before it is stored.
MAX_AGE = timedelta(hours=2)
_SALT = "import-preview"


class PreviewRefused(DomainError):
    """The confirmation cannot go ahead; `message` (translated) says why and what to do."""

    status_code = 409


@dataclass(frozen=True)
class Confirmation:
    pending: PendingImport
    fingerprint: str  # what the preview showed


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_path(path: str | Path) -> str:
    """A file's SHA-256; for a folder of CSV files, of each file's name and bytes in name order."""
    path = Path(path)
    if not path.is_dir():
        return sha256_of(path.read_bytes())
    digest = hashlib.sha256()
    for member in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        digest.update(member.name.encode() + b"\0" + member.read_bytes())
    return digest.hexdigest()


def keep(db: Session, user: User, filename: str, data: bytes, now: datetime) -> PendingImport:
    """Keep the previewed bytes (and forget the expired ones of everybody)."""
    db.execute(delete(PendingImport).where(PendingImport.created_at < now - MAX_AGE))
    pending = PendingImport(user_id=user.id, filename=(filename or "import")[-255:], sha256=sha256_of(data),
                            data=data, created_at=now)
    db.add(pending)
    db.flush()
    return pending


def token_for(secret_key: str, pending: PendingImport, fingerprint: str) -> str:
    return URLSafeSerializer(secret_key, salt=_SALT).dumps(
        {"id": pending.id, "sha256": pending.sha256, "fingerprint": fingerprint})


def confirmation(db: Session, secret_key: str, token: str, user: User, now: datetime) -> Confirmation:
    """The kept file a token names, checked; raises PreviewRefused."""
    try:
        claim = URLSafeSerializer(secret_key, salt=_SALT).loads(token or "")
        pending_id, sha256, fingerprint = int(claim["id"]), str(claim["sha256"]), str(claim["fingerprint"])
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise PreviewRefused(_("This confirmation is not valid: upload the file again to see its preview.")) \
            from error
    pending = db.get(PendingImport, pending_id)
    if pending is None or pending.user_id != user.id:
        raise PreviewRefused(_("This preview has expired or was already imported: upload the file again "
                               "to see its preview."))
    fresh = db.scalar(select(PendingImport.id).where(PendingImport.id == pending_id,
                                                     PendingImport.created_at >= now - MAX_AGE))
    if fresh is None:
        db.delete(pending)
        raise PreviewRefused(_("This preview has expired (after %(hours)d hours): upload the file again to "
                               "see its preview.", hours=int(MAX_AGE.total_seconds() // 3600)))
    if sha256_of(pending.data) != sha256 or pending.sha256 != sha256:
        raise PreviewRefused(_("The file has changed since its preview: upload it again and check the "
                               "new preview."))
    return Confirmation(pending, fingerprint)


def discard(db: Session, pending_id: int) -> int:
    """Forget a kept file (once imported): a second "Confirm import" is then refused. Returns how
    many were deleted: an import may commit only if it deleted the one (two confirmations of one
    file running at once: the second's delete waits for the first's commit, then finds nothing)."""
    return db.execute(delete(PendingImport).where(PendingImport.id == pending_id)).rowcount
