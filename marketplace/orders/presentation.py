"""Order notices in the reader's language: "Đơn CHQ-000123: Siêu thị Xanh đặt 2 tấn xoài…".

Notifications store a kind and its params; the text is made when shown (or mailed), so each
reader gets it in their own language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace import formatting


def notice_params(order) -> dict:
    # The quantity is kept as a number and the title in both languages, so that the notice is
    # written when it is read, in the reader's language (older notices hold Vietnamese text).
    return {"order_id": order.id, "ref": order.ref, "title": order.title, "title_en": order.title_en,
            "quantity": float(order.quantity), "unit": order.unit,
            "amount_vnd": int(order.amount_vnd), "buyer": order.buyer_org.name, "seller": order.seller_org.name}


def describe_notice(kind: str, params: dict) -> str | None:
    """The text of an order notice, or None for kinds that are not about orders."""
    p = dict(params)
    p.setdefault("ref", ""), p.setdefault("title", ""), p.setdefault("buyer", ""), p.setdefault("seller", "")
    p.setdefault("quantity", ""), p.setdefault("unit", "")
    if isinstance(p["quantity"], int | float):
        p["quantity"], p["unit"] = formatting.number(p["quantity"]), formatting.unit(p["unit"], p["quantity"])
    amount = formatting.money(p.get("amount_vnd") or 0)
    if kind == "order_new":
        return _("New order %(ref)s: %(buyer)s orders %(quantity)s %(unit)s %(title)s (%(amount)s). "
                 "Confirm or decline it.", amount=amount, **_only(p))
    if kind == "order_reminder":
        return _("Order %(ref)s from %(buyer)s is waiting for your answer for a day. Without an answer it "
                 "expires after three days.", **_only(p))
    if kind == "order_confirmed":
        return _("%(seller)s confirmed your order %(ref)s (%(title)s). You can pay now.", **_only(p))
    if kind == "order_declined" and p.get("reason"):
        return _("%(seller)s declined your order %(ref)s (%(title)s): “%(reason)s”", reason=p["reason"], **_only(p))
    if kind == "order_declined":
        return _("%(seller)s declined your order %(ref)s (%(title)s).", **_only(p))
    if kind == "order_expired":
        return _("Your order %(ref)s (%(title)s) expired: %(seller)s did not answer within three days.", **_only(p))
    if kind == "order_paid":
        return _("Order %(ref)s from %(buyer)s is paid (%(amount)s): prepare the delivery.", amount=amount, **_only(p))
    if kind == "order_delivered":
        return _("%(seller)s marked your order %(ref)s (%(title)s) as delivered.", **_only(p))
    if kind == "order_completed":
        return _("%(buyer)s confirmed receiving order %(ref)s (%(title)s).", **_only(p))
    if kind == "order_claim_paid" and p.get("reason"):
        return _("%(buyer)s says they paid %(amount)s by transfer for order %(ref)s (%(title)s), reference "
                 "“%(reason)s”. Check your account, then record the payment on the order.", amount=amount,
                 reason=p["reason"], **_only(p))
    if kind == "order_claim_paid":
        return _("%(buyer)s says they paid %(amount)s by transfer for order %(ref)s (%(title)s). Check your "
                 "account, then record the payment on the order.", amount=amount, **_only(p))
    if kind == "order_cancelled":
        return _("Order %(ref)s (%(title)s) was cancelled.", **_only(p))
    if kind == "order_unapplied" and p["ref"]:
        return _("A card payment of %(amount)s for order %(ref)s was taken but not applied: refund it in Stripe "
                 "or settle it with the buyer.", amount=amount, ref=p["ref"])
    if kind == "order_unapplied":
        return _("A card payment of %(amount)s was taken for a checkout this site did not open: check it in "
                 "Stripe.", amount=amount)
    if kind == "order_refunded" and p["ref"]:
        return _("A card payment of %(amount)s for order %(ref)s could not be applied to the order and was "
                 "refunded to the card.", amount=amount, ref=p["ref"])
    if kind == "order_refunded":
        return _("A card payment of %(amount)s that could not be applied was refunded to the card.", amount=amount)
    return None


def _only(p: dict) -> dict:
    return {k: p[k] for k in ("ref", "title", "buyer", "seller", "quantity", "unit")}
