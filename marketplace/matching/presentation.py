"""Reasons and unmet items in the reader's language: "VietGAP còn hiệu lực đến 31/08/2027",
"đủ 100% số lượng", "cách 12 km", "giá 38.000đ trong khoảng 30.000–45.000đ"."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from marketplace import formatting
from marketplace.credentials.labels import CERTIFICATE_TYPE_LABELS, CREDENTIAL_STATUS_LABELS
from marketplace.matching.rules import Reason


def _day(value) -> str:
    if value is None:
        return _("no end date")
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return formatting.day(value)


def _kind(kind: str) -> str:
    if kind == "growing_area":
        return _("Planting area code")
    if kind == "packing_house":
        return _("Packing house code")
    return str(CERTIFICATE_TYPE_LABELS.get(kind, kind))


def _status(status: str) -> str:
    return str(CREDENTIAL_STATUS_LABELS.get(status, status))


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f"{formatting.money(low)}–{formatting.money(high)}"
    if low is not None:
        return _("from %(price)s", price=formatting.money(low))
    return _("up to %(price)s", price=formatting.money(high))


def describe(reason: Reason) -> str:
    a = reason.args
    code = reason.code
    if code == "variety":
        return _("Variety %(variety)s as asked", variety=a["variety"])
    if code == "variety_differs":
        return _("Another variety: %(offered)s, not %(wanted)s", offered=a["offered"] or _("not given"),
                 wanted=a["wanted"])
    if code == "window":
        return _("Available %(start)s–%(end)s, when needed", start=_day(a["start"]), end=_day(a["end"]))
    if code == "window_differs":
        return _("Available %(from_)s–%(to)s, but needed %(start)s–%(end)s", from_=_day(a["available_from"]),
                 to=_day(a["available_to"]), start=_day(a["needed_from"]), end=_day(a["needed_to"]))
    if code == "not_on_sale":
        return _("Not on sale now")
    if code == "below_min_order":
        return _("Minimum order %(qty)s %(unit)s is more than requested", qty=formatting.number(a["min_order"]),
                 unit=formatting.unit(a["unit"], a["min_order"]))
    if code == "certificate":
        if a["until"] is None:
            return _("%(kind)s valid, with no end date", kind=_kind(a["kind"]))
        return _("%(kind)s valid until %(date)s", kind=_kind(a["kind"]), date=_day(a["until"]))
    if code == "certificate_lapses":
        return _("%(kind)s ends on %(date)s, before %(end)s", kind=_kind(a["kind"]), date=_day(a["until"]),
                 end=_day(a["end"]))
    if code == "certificate_invalid":
        return _("%(kind)s %(status)s", kind=_kind(a["kind"]), status=_status(a["status"]).lower())
    if code == "certificate_missing":
        return _("No %(kind)s", kind=_kind(a["kind"]))
    if code == "ocop":
        if a["until"] is None:
            return _("OCOP %(stars)d stars, valid with no end date", stars=a["stars"])
        return _("OCOP %(stars)d stars valid until %(date)s", stars=a["stars"], date=_day(a["until"]))
    if code == "ocop_too_few_stars":
        return _("OCOP %(stars)d stars, %(wanted)d asked", stars=a["stars"], wanted=a["wanted"])
    if code == "ocop_invalid":
        if a["status"] == "not_certified":
            return _status("not_certified")  # "Below 3 stars: not OCOP-certified"
        return _("OCOP rating: %(status)s", status=_status(a["status"]))
    if code == "ocop_missing":
        return _("No OCOP rating (%(wanted)d stars asked)", wanted=a["wanted"])
    if code == "code":
        if a.get("market"):
            return _("%(kind)s %(number)s approved for %(market)s", kind=_kind(a["kind"]), number=a["number"],
                     market=a["market"])
        return _("%(kind)s %(number)s active", kind=_kind(a["kind"]), number=a["number"])
    if code == "code_wrong_market":
        return _("%(kind)s approved for %(markets)s, not %(market)s", kind=_kind(a["kind"]), markets=a["markets"],
                 market=a["market"])
    if code == "code_invalid":
        return _("%(kind)s %(status)s", kind=_kind(a["kind"]), status=_status(a["status"]).lower())
    if code == "code_missing":
        return _("No %(kind)s", kind=_kind(a["kind"]).lower())
    if code == "quantity":
        if a["percent"] >= 100:
            return _("Covers %(percent)d%% of the quantity", percent=100)
        return _("Covers %(percent)d%% of the quantity (%(qty)s %(unit)s left)", percent=a["percent"],
                 qty=formatting.number(a["available"]), unit=formatting.unit(a["unit"], a["available"]))
    if code == "pooled":
        return _("With the other %(count)d matching lots: %(percent)d%%", count=a["count"] - 1, percent=a["percent"])
    if code == "price_in_range":
        return _("Price %(price)s within %(range)s", price=formatting.money(a["price"]),
                 range=_range(a["low"], a["high"]))
    if code == "price_outside":
        if a["high"] is not None and a["price"] > a["high"]:
            return _("Price %(price)s above the highest %(high)s", price=formatting.money(a["price"]),
                     high=formatting.money(a["high"]))
        return _("Price %(price)s below the lowest %(low)s", price=formatting.money(a["price"]),
                 low=formatting.money(a["low"]))
    if code == "distance":
        return _("%(km)d km away", km=a["km"])
    if code == "similar_text":
        return _("Description close to the request")
    return code


def reasons_json(reasons: list[Reason]) -> list[dict]:
    return [reason.as_json() | {"text": describe(reason)} for reason in reasons]


def describe_notice(kind: str, p: dict) -> str | None:
    """What a match notice says: to the buyer, the listing found; to the seller, the request it serves."""
    if kind != "match":
        return None
    if p.get("side") == "buyer":
        return _("New match for your request “%(demand)s”: %(listing)s from %(seller)s", demand=p.get("demand", ""),
                 listing=p.get("listing", ""), seller=p.get("seller", ""))
    return _("%(buyer)s needs “%(demand)s”: your %(listing)s is a full match", buyer=p.get("buyer", ""),
             demand=p.get("demand", ""), listing=p.get("listing", ""))
