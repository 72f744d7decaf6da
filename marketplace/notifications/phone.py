"""Confirming a phone number before Zalo or SMS notices go to it: a 6-digit code sent to the
number (straight through the Zalo/SMS queue, whatever the topic choices), typed back on the account
page. The code is kept hashed (HMAC with the site's key, bound to the user and the number) in the
signed session with its expiry and the tries left, never in the database; the number becomes the
account's, confirmed, only when the code matches. Any other change of a user's number clears its
confirmation (the listener below). Services take the session, flush, and never commit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts import rules as account_rules
from marketplace.accounts.models import User
from marketplace.errors import ValidationError
from marketplace.notifications.phone_delivery import CODE_KIND, CODE_LIFETIME, queue_message
from marketplace.notifications.phone_text import code_text

MAX_TRIES = 5  # wrong codes before a new one must be asked for (the rate limit caps asking)


@event.listens_for(User.phone, "set")
def _number_changed(user: User, value, old, _initiator) -> None:
    """A new number is not confirmed, whoever changes it (confirm() sets the time after)."""
    if value != old:
        user.phone_confirmed_at = None


def code_channel() -> str | None:
    """How a code goes: by SMS when the site has it (any phone gets SMS), else by Zalo; None: neither."""
    notifiers = current_app.extensions.get("notifiers", {})
    return next((channel for channel in ("sms", "zalo") if channel in notifiers), None)


def _digest(user_id: int, phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"phone-code:{user_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Pending:
    """What the session keeps between sending the code and typing it."""

    phone: str
    digest: str
    expires: float  # a POSIX time
    tries: int = 0

    def as_session(self) -> dict:
        return {"phone": self.phone, "digest": self.digest, "expires": self.expires, "tries": self.tries}

    @classmethod
    def from_session(cls, value) -> Pending | None:
        try:
            return cls(str(value["phone"]), str(value["digest"]), float(value["expires"]), int(value["tries"]))
        except (KeyError, TypeError, ValueError):
            return None


def send_code(db: Session, user: User, typed: str, now: datetime) -> Pending:
    """Queue a new code to the number typed ("0912 345 678", "+84 912…"); what the session keeps."""
    channel = code_channel()
    if channel is None:
        raise ValidationError(_("This site cannot send Zalo or SMS messages yet, so a phone number cannot be "
                                "confirmed."))
    phone = account_rules.normalize_phone(typed)
    if phone is None:
        raise ValidationError("", fields={"phone": [_("Enter a Vietnamese phone number, e.g. 0912 345 678.")]})
    if phone == user.phone and user.phone_confirmed_at is not None:
        raise ValidationError("", fields={"phone": [_("This number is already confirmed.")]})
    if db.scalar(select(User.id).where(User.phone == phone, User.id != user.id)):
        raise ValidationError("", fields={"phone": [_("An account with this phone number already exists.")]})
    code = f"{secrets.randbelow(10**6):06d}"
    sentence = _("Chợ Hội Quán: your code to confirm this number is %(code)s. It works for 10 minutes.", code=code)
    queue_message(db, user, channel, phone, CODE_KIND, code_text(code, sentence))
    db.flush()
    return Pending(phone, _digest(user.id, phone, code), (now + CODE_LIFETIME).timestamp())


class CodeRefused(ValidationError):
    """The code was not accepted; `pending` is what the session keeps now (None: ask again)."""

    def __init__(self, message: str, pending: Pending | None) -> None:
        super().__init__("", fields={"code": [message]})
        self.pending = pending


def confirm(db: Session, user: User, pending: Pending | None, typed: str, now: datetime) -> str:
    """Make the pending number the user's, confirmed, when `typed` is its code; the number."""
    if pending is None:
        raise CodeRefused(_("Ask for a code first."), None)
    if now.timestamp() > pending.expires:
        raise CodeRefused(_("This code has expired. Ask for a new one."), None)
    if pending.tries >= MAX_TRIES:
        raise CodeRefused(_("Too many wrong codes. Ask for a new one."), None)
    code = "".join(ch for ch in typed or "" if ch.isdigit())
    if not hmac.compare_digest(_digest(user.id, pending.phone, code), pending.digest):
        tries = pending.tries + 1
        left = Pending(pending.phone, pending.digest, pending.expires, tries) if tries < MAX_TRIES else None
        raise CodeRefused(_("That is not the code we sent.") if left else
                          _("Too many wrong codes. Ask for a new one."), left)
    locked = db.scalar(select(User).where(User.id == user.id).with_for_update())
    try:
        with db.begin_nested():  # someone else may have taken the number since the code was sent
            locked.phone = pending.phone
            db.flush()
    except IntegrityError:
        raise CodeRefused(_("An account with this phone number already exists."), None) from None
    locked.phone_confirmed_at = now
    db.flush()
    return pending.phone
