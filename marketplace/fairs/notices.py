"""Booth notices (bell, instant mail and the daily digest, as orders send theirs): a new application
to staff; approved, waitlisted, declined and confirmed to the applicant's members. The words are
made when read, in the reader's language, from the params stored with the notice."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.fairs import rules
from marketplace.fairs.models import BoothApplication, Fair
from marketplace.notifications import services as notifications

PREFIX = "booth_"


def _params(application: BoothApplication, fair: Fair, org: Organization) -> dict:
    return {"application_id": application.id, "ref": rules.application_ref(application.id), "fair": fair.name,
            "fair_en": fair.name_en, "org": org.name, "booth": application.booth_number or "",
            "amount_vnd": int(application.fee_vnd or 0), "reason": application.reason or ""}


def applied(db: Session, application: BoothApplication, fair: Fair, org: Organization) -> None:
    notifications.notify(db, accounts.staff_members(db), notifications.Message(
        "booth_applied", _params(application, fair, org), f"/staff/fairs/{fair.id}/applications"))


def decided(db: Session, application: BoothApplication, status: str) -> None:
    """The applicant's members hear what became of the application."""
    fair = db.get(Fair, application.fair_id)
    org = db.get(Organization, application.org_id)
    members = notifications.members(db, application.org_id, rules.APPLYING_ROLES)
    notifications.notify(db, members, notifications.Message(
        f"booth_{status}", _params(application, fair, org), f"/fairs/applications/{application.id}"))


def describe_notice(kind: str, params: dict) -> str | None:
    p = {name: params.get(name) or "" for name in ("ref", "fair", "org", "booth", "reason")}
    amount = formatting.money(params.get("amount_vnd") or 0)
    if kind == "booth_applied":
        return _("%(org)s applied for a booth at %(fair)s (%(ref)s).", **p)
    if kind == "booth_approved":
        return _("Your booth %(booth)s at %(fair)s is approved. Pay the fee of %(amount)s to confirm it.",
                 amount=amount, **p)
    if kind == "booth_confirmed":
        return _("Your booth %(booth)s at %(fair)s is confirmed.", **p)
    if kind == "booth_waitlisted":
        return _("Your application for a booth at %(fair)s is on the waitlist.", **p)
    if kind == "booth_declined" and p["reason"]:
        return _("Your application for a booth at %(fair)s was declined: “%(reason)s”", **p)
    if kind == "booth_declined":
        return _("Your application for a booth at %(fair)s was declined.", **p)
    return None
