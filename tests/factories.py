"""Small builders for test data, through the same services the app uses; the test clients that
sign in, post forms and read pages are in tests/clients.py."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User

if TYPE_CHECKING:
    from marketplace.listings.models import Listing

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)

ROLE_ORG_KIND = {"seller": "club", "buyer": "supermarket", "staff": "agency", "admin": "agency"}


def make_org(kind: str = "club", name: str | None = None, commune_code: str | None = "30244",
             **fields) -> Organization:
    n = next(_counter)
    return accounts.create_organization(db.session, kind=kind, name=name or f"Tổ chức thử {n}",
                                        commune_code=commune_code, **fields)


def make_user(role: str | None = "seller", org: Organization | None = None, *, email: str | None = None,
              phone: str | None = None, name: str = "Người thử", password: str = PASSWORD) -> User:
    n = next(_counter)
    user = accounts.create_user(db.session, name=name, password=password,
                                email=email or (None if phone else f"user{n}@example.test"), phone=phone)
    if role is not None:
        org = org or make_org(ROLE_ORG_KIND[role])
        accounts.add_member(db.session, org, user, role)
    db.session.commit()
    return user


def make_club(name: str | None = None, chair_name: str = "Người thử") -> tuple[Organization, User]:
    """A committed club and its chair: the seller who keeps its listings and credentials."""
    club = make_org("club", name=name)
    return club, make_user("seller", club, name=chair_name)


# Credentials and listings (added for the credentials, listings and org-page tests) ----------------

def _in_session(org: Organization) -> Organization:
    """org as loaded by the current session: an object made in an earlier app_session block
    cannot be attached to one that already holds the same row."""
    return db.session.get(Organization, org.id) or org


def make_certificate(org: Organization, cert_type: str = "vietgap", number: str | None = None, *,
                     status: str = "active", stars: int | None = None, issued_on=None, expires_on=None,
                     product_text: str = "", user: User | None = None):
    """A committed certificate (or OCOP rating) of org, through the credentials service.

    Dates default to a year around today, so the certificate is current unless told otherwise.
    """
    from datetime import timedelta

    from marketplace.credentials import services as credentials
    from marketplace.dates import today_in_vietnam

    org = _in_session(org)
    n = next(_counter)
    today = today_in_vietnam()
    number = number or {"globalgap": f"{4063061000000 + n}", "ocop": f"{n}/QD-UBND",
                        "organic": f"TCVN-11041-{n:04d}"}.get(cert_type, f"VietGAP-TT-13-09-68-{n:04d}")
    if cert_type == "ocop" and stars is None:
        stars = 4
    issued_on = issued_on or today - timedelta(days=30)
    if expires_on is None and cert_type != "ocop":
        expires_on = today + timedelta(days=365)
    certificate = credentials.save_certificate(db.session, org, credentials.CertificateInput(
        type=cert_type, number=number, stars=stars, issued_on=issued_on, expires_on=expires_on,
        product_text=product_text, status=status), user)
    db.session.commit()
    return certificate


def make_planting_code(org: Organization, code: str | None = None, kind: str = "growing_area", *,
                       status: str = "active", markets: str = "", crop: str = "", valid_until=None,
                       user: User | None = None):
    """A committed planting-area (or packing-house) code of org."""
    from marketplace.credentials import services as credentials

    org = _in_session(org)
    n = next(_counter)
    code = code or (f"VN-DTOR-{n:04d}" if kind == "growing_area" else f"VN-DTPH-{n:04d}")
    record = credentials.save_planting_code(db.session, org, credentials.PlantingCodeInput(
        code=code, kind=kind, crop=crop, markets=markets, valid_until=valid_until, status=status), user)
    db.session.commit()
    return record


def make_listing(org: Organization, product: str = "xoài", *, quantity="1000", unit: str = "kg",
                 price_vnd="38000", available_from=None, available_to=None, publish: bool = True,
                 ref: str | None = None, certificates=(), planting_codes=(), user: User | None = None,
                 **fields):
    """A committed listing of org (published by default), open from today for 30 days."""
    from datetime import timedelta

    from marketplace.dates import today_in_vietnam
    from marketplace.listings import services as listings

    org = _in_session(org)
    today = today_in_vietnam()
    data = listings.ListingInput(
        product=product, quantity=quantity, unit=unit, price_vnd=price_vnd,
        available_from=available_from or today, available_to=available_to or today + timedelta(days=30),
        certificate_ids=[c.id for c in certificates], planting_code_ids=[c.id for c in planting_codes],
        ref=ref, **fields)
    listing = listings.save_listing(db.session, org, data, user, today=today, publish=publish)
    db.session.commit()
    return listing


# Demand posts and offers (added for the demand tests) ---------------------------------------------

def make_demand(org: Organization, product: str = "xoài", *, quantity="5", unit: str = "tấn",
                frequency: str = "weekly", needed_from=None, needed_to=None, today=None,
                user: User | None = None, status: str | None = None, **fields):
    """A committed demand post of buyer org, open from today for 30 days unless told otherwise.

    today is the day the post is made: pass an earlier one to make a post whose window has passed.
    """
    from datetime import timedelta

    from marketplace.dates import today_in_vietnam
    from marketplace.demand import services as demand_service

    today = today or today_in_vietnam()
    data = demand_service.DemandInput(
        product=product, quantity=quantity, unit=unit, frequency=frequency,
        needed_from=needed_from or today, needed_to=needed_to or today + timedelta(days=30), **fields)
    demand = demand_service.save_demand(db.session, org, data, user, today=today)
    if status is not None:
        demand.status = status
    db.session.commit()
    return demand


def make_offer(demand, org: Organization, quantity="1", *, user: User | None = None, today=None, **fields):
    """A committed offer of club org on demand (pending until the buyer decides)."""
    from marketplace.dates import today_in_vietnam
    from marketplace.demand import services as demand_service

    offer = demand_service.make_offer(db.session, demand, org, demand_service.OfferInput(quantity=quantity, **fields),
                                      user, today=today or today_in_vietnam())
    db.session.commit()
    return offer


# A market: one club selling, one buyer organisation buying (orders and payments) --------------

@dataclass
class Market:
    club: Organization
    seller: User
    buyer_org: Organization
    buyer: User
    listing: Listing


def make_market(club_name: str, buyer_name: str, *, buyer_kind: str = "supermarket", quantity="100",
                price_vnd="30000") -> Market:
    """A club with a seller and a published listing, and a buyer organisation with a buyer; committed."""
    club = make_org("club", name=club_name)
    buyer_org = make_org(buyer_kind, name=buyer_name)
    seller = make_user("seller", club)
    buyer = make_user("buyer", buyer_org)
    return Market(club, seller, buyer_org, buyer, make_listing(club, quantity=quantity, price_vnd=price_vnd))


# Verification (issue #19): the badge comes only from staff, through the service ----------------------

def make_board_member(org: Organization, name: str = "Chủ nhiệm thử", role: str = "seller") -> User:
    """A committed member of org on its board (who sends the founding decision)."""
    n = next(_counter)
    user = accounts.create_user(db.session, name=name, password=PASSWORD, email=f"board{n}@example.test")
    accounts.add_member(db.session, org, user, role, board=True)
    db.session.commit()
    return user


def verify_org(session, org: Organization, staff: User, *, number: str = "125/QĐ-UBND"):
    """Staff verify org as the staff page does: a club or cooperative against a founding decision
    its board sent (with a stand-in scan), a buyer against its tax code. Not committed."""
    from datetime import date

    from marketplace.credentials.models import CredentialScan
    from marketplace.dates import today_in_vietnam
    from marketplace.verification import rules as verification_rules
    from marketplace.verification import services as verification

    org = session.get(Organization, org.id) or org
    if org.kind in verification_rules.BUYER_KINDS:
        return verification.verify_buyer(session, org, staff, "tax code checked")
    scan = CredentialScan(key=f"test-scan-{next(_counter)}", organization_id=org.id, media="pdf",
                          filename="quyet-dinh.pdf", size_bytes=100, pages=1)
    session.add(scan)
    session.flush()
    verification.submit_decision(session, org, verification_rules.Decision(
        number, date(2019, 8, 1), org.commune_code or "30244", "UBND xã"), scan, staff, today=today_in_vietnam())
    return verification.decide(session, org, "verify", staff)
