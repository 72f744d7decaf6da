"""The role pages /sell and /buy: one tap from the menu to the listing or request form, by way of a
choice of organisation only for a person who acts for several."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.access import signed_in
from marketplace.accounts.permissions import buying_orgs, selling_orgs
from marketplace.saving import refuse

bp = Blueprint("dashboard", __name__)


@dataclass(frozen=True)
class _Side:
    """What /sell or /buy says and where it leads (lazy texts: read in the reader's language)."""

    refusal: str
    title: str
    form_endpoint: str
    manage_endpoint: str
    action: str
    manage: str


SELL = _Side(refusal=_l("Only a club or cooperative can list produce. Create or join one first."),
             title=_l("Sell for which organisation?"), form_endpoint="listings.new",
             manage_endpoint="listings.manage", action=_l("New listing"), manage=_l("My listings"))
BUY = _Side(refusal=_l("Only a buyer, or a club's buyers and board, can post a request."),
            title=_l("Buy for which organisation?"), form_endpoint="demand.new",
            manage_endpoint="demand.manage", action=_l("Post what you need"), manage=_l("My requests"))


@bp.route("/sell")
@signed_in
def sell():
    return _form_for_one_of(selling_orgs(current_user), SELL)


@bp.route("/buy")
@signed_in
def buy():
    return _form_for_one_of(buying_orgs(current_user), BUY)


def _form_for_one_of(orgs, side: _Side):
    """Straight to the form for a person who acts for one organisation; a choice for several; the
    refusal (back to the account page) for none."""
    if not orgs:
        return refuse(str(side.refusal), url_for("accounts.account"))
    if len(orgs) == 1:
        return redirect(url_for(side.form_endpoint, org=orgs[0].id))
    return render_template("dashboard/choose.html", orgs=orgs, form_endpoint=side.form_endpoint,
                           title=side.title, manage_endpoint=side.manage_endpoint, action=side.action,
                           manage=side.manage)
