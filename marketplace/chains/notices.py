"""Chain notices (bell, instant mail and the daily digest, as orders send theirs): a proposal to the
parties' sellers; each answer, the chain becoming active or declined, a cancellation or an end to
the other side. Words are made when read, in the
reader's language, from the params stored with the notice."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.chains.models import Chain, ChainParty
from marketplace.notifications import services as notifications

PREFIX = "chain_"
BUYER_ROLES = ("buyer",)
PARTY_ROLES = ("seller",)


def _params(chain: Chain, **more) -> dict:
    return {"chain_id": chain.id, "title": chain.title, "buyer": chain.buyer_org.name, **more}


def _url(chain: Chain) -> str:
    return f"/chains/{chain.id}"


def _buyers(db: Session, chain: Chain) -> list[User]:
    return notifications.members(db, chain.buyer_org_id, BUYER_ROLES)


def _party_sellers(db: Session, chain: Chain) -> list[User]:
    users: dict[int, User] = {}
    for party in chain.parties:
        for user in notifications.members(db, party.org_id, PARTY_ROLES):
            users[user.id] = user
    return list(users.values())


def proposed(db: Session, chain: Chain) -> None:
    notifications.notify(db, _party_sellers(db, chain), notifications.Message(
        "chain_proposed", _params(chain), _url(chain)))


def answered(db: Session, chain: Chain, party: ChainParty) -> None:
    org = db.get(Organization, party.org_id)
    kind = "chain_accepted" if party.accepted_at else "chain_declined"
    notifications.notify(db, _buyers(db, chain), notifications.Message(
        kind, _params(chain, org=org.name, reason=party.decline_reason), _url(chain)))


def settled(db: Session, chain: Chain) -> None:
    """Every side hears that the chain is active; after a decline, the parties that did not decline
    (the buyer already heard the answer itself)."""
    if chain.status == "declined":
        declined = {p.org_id for p in chain.parties if p.declined_at is not None}
        users = {u.id: u for p in chain.parties if p.org_id not in declined
                 for u in notifications.members(db, p.org_id, PARTY_ROLES)}
        notifications.notify(db, list(users.values()), notifications.Message(
            "chain_declined", _params(chain), _url(chain)))
        return
    notifications.notify(db, [*_buyers(db, chain), *_party_sellers(db, chain)], notifications.Message(
        f"chain_{chain.status}", _params(chain), _url(chain)))


def closed(db: Session, chain: Chain, by: User, side: str) -> None:
    others = _party_sellers(db, chain) if side == "buyer" else _buyers(db, chain)
    notifications.notify(db, [u for u in others if u.id != by.id], notifications.Message(
        f"chain_{chain.status}", _params(chain, reason=chain.status_reason), _url(chain)))


def describe_notice(kind: str, params: dict) -> str | None:
    p = {name: params.get(name) or "" for name in ("title", "buyer", "org", "reason")}
    if kind == "chain_proposed":
        return _("%(buyer)s proposes a linked sales chain to you: “%(title)s”. Accept or decline it.", **p)
    if kind == "chain_accepted":
        return _("%(org)s accepted the chain “%(title)s”.", **p)
    if kind == "chain_declined" and p["org"] and p["reason"]:
        return _("%(org)s declined the chain “%(title)s”: “%(reason)s”", **p)
    if kind == "chain_declined":
        return _("The chain “%(title)s” was declined.", **p)
    if kind == "chain_active":
        return _("The chain “%(title)s” is active: every side accepted it.", **p)
    if kind == "chain_cancelled":
        return _("The chain “%(title)s” was cancelled.", **p)
    if kind == "chain_ended":
        return _("The chain “%(title)s” was ended.", **p)
    return None
