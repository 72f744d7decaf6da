"""Telling the other side of a meeting at a fair what happened (bell, instant mail, daily digest,
through marketplace.notifications), and what those notices say in the reader's language
(`describe_notice`, registered for kinds "meeting_…" by the meetings blueprint).

The time is stored in the notice as UTC (ISO 8601) and written on Vietnam's clock in the
reader's language when the notice is read.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts.models import User
from marketplace.fairs.meeting_rules import as_aware
from marketplace.fairs.models import Fair, FairMeeting
from marketplace.messaging.rules import ACTING_ROLES
from marketplace.notifications.services import Message, members, notify

PREFIX = "meeting"  # Notification.kind holds 20 characters: meeting_cancelled is the longest
# Which side hears of each new status: the one that did not act.
TOLD = {"requested": "exhibitor", "accepted": "buyer", "taken": "exhibitor",
        "proposed": "buyer", "declined": "buyer", "cancelled": "exhibitor"}


def notice_params(fair: Fair, meeting: FairMeeting, buyer_name: str, exhibitor_name: str) -> dict:
    at = meeting.proposed_at if meeting.status == "proposed" and meeting.proposed_at else meeting.starts_at
    return {"meeting": meeting.id, "fair": fair.name, "fair_en": fair.name_en, "buyer": buyer_name,
            "exhibitor": exhibitor_name, "at": as_aware(at).isoformat(), "answer": meeting.answer or ""}


def tell(db: Session, actor: User, fair: Fair, meeting: FairMeeting, event: str, *, buyer_name: str,
         exhibitor_name: str) -> int:
    """Notify the acting members of the side that did not act (never the actor)."""
    side = TOLD[event]
    org_id = meeting.exhibitor_org_id if side == "exhibitor" else meeting.buyer_org_id
    readers = [u for u in members(db, org_id, ACTING_ROLES) if u.id != actor.id]
    kind = f"{PREFIX}_{event}"
    url = f"/fairs/{fair.slug}/meetings#meeting-{meeting.id}"
    return notify(db, readers, Message(kind, notice_params(fair, meeting, buyer_name, exhibitor_name), url))


def _when(params: dict) -> str:
    try:
        return formatting.moment(datetime.fromisoformat(params.get("at") or ""))
    except ValueError:
        return ""


def describe_notice(kind: str, params: dict) -> str | None:
    """The text of a meeting notice, or None for kinds that are not about meetings."""
    if not kind.startswith(PREFIX):
        return None
    p = {"buyer": params.get("buyer", ""), "exhibitor": params.get("exhibitor", ""),
         "fair": params.get("fair", ""), "when": _when(params)}
    answer = params.get("answer") or ""
    event = kind.removeprefix(PREFIX + "_")
    if event == "requested":
        return _("%(buyer)s asks to meet you at %(fair)s at %(when)s. Accept, decline or propose another time.",
                 **p)
    if event == "accepted":
        return _("%(exhibitor)s accepted your meeting at %(fair)s at %(when)s.", **p)
    if event == "taken":
        return _("%(buyer)s accepted the time you proposed for your meeting at %(fair)s: %(when)s.", **p)
    if event == "proposed" and answer:
        return _("%(exhibitor)s proposes to meet at %(when)s instead at %(fair)s: “%(answer)s”", answer=answer, **p)
    if event == "proposed":
        return _("%(exhibitor)s proposes to meet at %(when)s instead at %(fair)s.", **p)
    if event == "declined" and answer:
        return _("%(exhibitor)s declined the meeting at %(fair)s at %(when)s: “%(answer)s”", answer=answer, **p)
    if event == "declined":
        return _("%(exhibitor)s declined the meeting at %(fair)s at %(when)s.", **p)
    if event == "cancelled":
        return _("%(buyer)s cancelled the meeting at %(fair)s at %(when)s.", **p)
    return None
