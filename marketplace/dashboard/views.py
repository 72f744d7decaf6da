"""The role pages /sell and /buy: one tap from the menu to the listing or request form, by way of a
choice of organisation only for a person who acts for several."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import signed_in
from marketplace.accounts.permissions import buying_orgs, selling_orgs
from marketplace.saving import refuse

bp = Blueprint("dashboard", __name__)


@bp.route("/sell")
@signed_in
def sell():
    return _form_for_one_of(
        selling_orgs(current_user),
        refusal=_("Only a club or cooperative can list produce. Create or join one first."),
        title=_("Sell for which organisation?"),
        form_endpoint="listings.new",
        manage_endpoint="listings.manage",
        action=_("New listing"),
        manage=_("My listings"),
    )


@bp.route("/buy")
@signed_in
def buy():
    return _form_for_one_of(
        buying_orgs(current_user),
        refusal=_("Only a buyer (supermarket, trader, processor, exporter) can post demand."),
        title=_("Buy for which organisation?"),
        form_endpoint="demand.new",
        manage_endpoint="demand.manage",
        action=_("Post what you need"),
        manage=_("My requests"),
    )


def _form_for_one_of(orgs, *, refusal: str, form_endpoint: str, **choice):
    """Straight to the form for a person who acts for one organisation; a choice for several; the
    refusal (back to the account page) for none."""
    if not orgs:
        return refuse(refusal, url_for("accounts.account"))
    if len(orgs) == 1:
        return redirect(url_for(form_endpoint, org=orgs[0].id))
    return render_template("dashboard/choose.html", orgs=orgs, form_endpoint=form_endpoint, **choice)
