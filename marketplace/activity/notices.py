"""Concern notices (bell, mail, Zalo/SMS as each reader chose for the "members" topic): the club's
board hears when staff answer; the staff member a concern is assigned to hears of it (and when the
club reopens it). Words are made when read, in the reader's language, from the params stored."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.activity.models import ClubConcern
from marketplace.notifications import services as notifications

PREFIX = "club_concern_"  # notifications.rules files "club…" under the members topic
ANSWERED, ASSIGNED, REOPENED = "club_concern_answer", "club_concern_assign", "club_concern_reopen"


def _params(concern: ClubConcern) -> dict:
    return {"concern_id": concern.id, "title": concern.title, "org": concern.organization.name,
            "handler": concern.handler or (concern.handler_user.name if concern.handler_user else "")}


def answered(db: Session, concern: ClubConcern) -> int:
    return notifications.notify(db, accounts.board_of(db, concern.organization_id), notifications.Message(
        ANSWERED, _params(concern), f"/orgs/{concern.organization_id}/activity#concern-{concern.id}"))


def assigned(db: Session, concern: ClubConcern, by: User) -> int:
    """To the staff member now handling it (not when they assigned it to themselves)."""
    user = concern.handler_user
    if user is None or not user.active or user.id == by.id:
        return 0
    return notifications.notify(db, [user], notifications.Message(
        ASSIGNED, _params(concern), f"/staff/concerns/{concern.id}"))


def reopened(db: Session, concern: ClubConcern, by: User) -> int:
    user = concern.handler_user
    if user is None or not user.active or user.id == by.id:
        return 0
    return notifications.notify(db, [user], notifications.Message(
        REOPENED, _params(concern), f"/staff/concerns/{concern.id}"))


def describe_notice(kind: str, params: dict) -> str | None:
    p = {name: str(params.get(name) or "") for name in ("title", "org", "handler")}
    if kind == ANSWERED:
        return _("Staff answered %(org)s's concern “%(title)s”.", **p)
    if kind == ASSIGNED:
        return _("You handle %(org)s's concern “%(title)s”.", **p)
    if kind == REOPENED:
        return _("%(org)s reopened its concern “%(title)s”: it is not settled yet.", **p)
    return None
