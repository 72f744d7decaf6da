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
    orgs = selling_orgs(current_user)
    if not orgs:
        return refuse(
            _("Only a club or cooperative can list produce. Create or join one first."), url_for("accounts.account")
        )
    if len(orgs) == 1:
        return redirect(url_for("listings.new", org=orgs[0].id))
    return render_template(
        "dashboard/choose.html",
        orgs=orgs,
        title=_("Sell for which organisation?"),
        form_endpoint="listings.new",
        manage_endpoint="listings.manage",
        action=_("New listing"),
        manage=_("My listings"),
    )


@bp.route("/buy")
@signed_in
def buy():
    orgs = buying_orgs(current_user)
    if not orgs:
        return refuse(
            _("Only a buyer (supermarket, trader, processor, exporter) can post demand."), url_for("accounts.account")
        )
    if len(orgs) == 1:
        return redirect(url_for("demand.new", org=orgs[0].id))
    return render_template(
        "dashboard/choose.html",
        orgs=orgs,
        title=_("Buy for which organisation?"),
        form_endpoint="demand.new",
        manage_endpoint="demand.manage",
        action=_("Post what you need"),
        manage=_("My requests"),
    )
