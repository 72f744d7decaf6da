"""What a stored row became, in one line for the preview: read back from the stored record, so
the person sees the names as the catalogue maps them, the unit as read and the status given."""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace import formatting
from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
from marketplace.vietnamese import fold


def _status(status: str) -> str:
    # One translation looked up per row (not all seven): a summary is written for every stored row.
    if status == "published":
        return _("on sale")
    if status == "open":
        return _("open to offers")
    if status == "expired":
        return _("ended")
    if status == "pending":
        return _("pending (not verified)")
    if status == "active":
        return _("verified")
    if status == "suspended":
        return _("suspended")
    if status == "revoked":
        return _("revoked")
    return status


def _goods(record: Listing | DemandPost) -> str:
    """The product as the catalogue names it, and what was typed when that reads differently."""
    title = record.title
    typed = " ".join(part for part in (record.product_text, record.variety_text) if part).strip()
    if typed and fold(typed) != fold(title):
        return _("%(typed)s → %(product)s", typed=typed, product=title)
    return title


def organization(org: Organization) -> str:
    return _("%(name)s, %(kind)s, commune %(commune)s", name=org.name, kind=org.kind,
             commune=org.commune_code or "—")


def listing(record: Listing) -> str:
    price = formatting.money(record.price_vnd) if record.price_vnd is not None else _("price negotiable")
    return _("%(goods)s: %(quantity)s %(unit)s, %(price)s; %(status)s", goods=_goods(record),
             quantity=formatting.number(record.quantity), unit=record.unit, price=price,
             status=_status(record.status))


def demand(record: DemandPost) -> str:
    return _("%(goods)s: %(quantity)s %(unit)s wanted by %(buyer)s; %(status)s", goods=_goods(record),
             quantity=formatting.number(record.quantity), unit=record.unit, buyer=record.organization.name,
             status=_status(record.status))


def credential(record: Certificate | PlantingCode, sheet_status: str) -> str:
    """`sheet_status`: what the row asked for; an unverified "active" arrives pending, and says so."""
    if isinstance(record, Certificate):
        what = f"{record.type} {record.number}"
    else:
        what = f"{record.code} ({record.kind})"
    status = _status(record.status)
    if sheet_status == "active" and record.status == "pending":
        status = _("pending (not verified): the sheet says active; staff verify it")
    return _("%(credential)s of %(org)s: %(status)s", credential=what, org=record.organization.ref or "",
             status=status)
