"""Staff overview and the administrator's list of users and roles."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import db
from marketplace.access import role_required
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership, Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand
from marketplace.matching import services as matching

bp = Blueprint("admin", __name__)


@bp.route("/staff")
@role_required("staff")
def dashboard():
    newest = db.session.scalars(select(Organization).order_by(Organization.created_at.desc()).limit(10))
    matched, open_posts = matching.demand_with_full_match(db.session, today_in_vietnam())
    return render_template("admin/dashboard.html", counts=accounts.count_by_kind(db.session),
                           newest=list(newest), matched=matched, open_posts=open_posts,
                           unread_markets=demand.unread_markets(db.session))


@bp.route("/admin/users")
@role_required("admin")
def users():
    stmt = (select(User).options(selectinload(User.memberships).joinedload(Membership.organization))
            .order_by(User.created_at.desc()).limit(500))
    return render_template("admin/users.html", users=list(db.session.scalars(stmt)))
