"""The market bulletin's page (/orgs/<id>/bulletin) for an organisation's members and staff, with
the text to share to the members' Zalo group; its button on the organisation's page; the weekly
mail's worker job."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from marketplace.links import public_url
from marketplace.market import bulletin, bulletin_jobs
from marketplace.market import bulletin_rules as rules
from marketplace.market.labels import MARKET_LABELS

bp = Blueprint("bulletin", __name__)



@bp.record_once
def _register(state) -> None:
    bulletin_jobs.init_app(state.app)
    page_sections.add(state.app, "organization_actions", _org_action)


def _org_action(org: Organization, user=None, **_context) -> str | None:
    """The "Market bulletin" button on the page of an organisation its member reads."""
    if user is None or not bulletin.may_read(user, org):
        return None
    return render_template("market/_bulletin_action.html", org=org)


@bp.route("/orgs/<int:org_id>/bulletin")
@signed_in
def show(org_id: int):
    org = accounts.organization_for(db.session, org_id, current_user, bulletin.may_read)
    news = bulletin.bulletin_for(db.session, org, today_in_vietnam())
    link = public_url("bulletin.show", org_id=org.id)
    return render_template("market/bulletin.html", org=org, bulletin=news, zalo=rules.zalo_text(news, link),
                           market_labels=MARKET_LABELS, arrow=rules.arrow,
                           rules=rules)
